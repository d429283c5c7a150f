// SPDX-License-Identifier: GPL-2.0
/*
 * -m pkttype, as pkttype_mt(): skb->pkt_type, except that locally delivered
 * packets count as multicast (to a multicast address) or broadcast.
 */
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/netfilter/xt_pkttype.h>
#include <netinet/ip.h>

#include "../codegen.h"

static int pkttype_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		       bf_label nomatch, bf_label hotdrop)
{
	const struct xt_pkttype_info *info = m->data;
	struct bf_prog *p = &g->prog;
	bf_label have = bf_label_new(p);

	bf_gen_load_field(g, BF_R2, BF_R6, &g->kernel->skb_pkt_type, BPF_B);
	bf_jmp_imm(p, BPF_JNE, BF_R2, PACKET_LOOPBACK, have);
	/* ipv4_is_multicast(daddr): 224.0.0.0/4 */
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(daddr)));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, 0xf0));
	bf_emit(p, BF_MOV64_IMM(BF_R2, PACKET_BROADCAST));
	bf_jmp_imm(p, BPF_JNE, BF_R1, 0xe0, have);
	bf_emit(p, BF_MOV64_IMM(BF_R2, PACKET_MULTICAST));
	bf_label_bind(p, have);
	bf_jmp_imm(p, info->invert ? BPF_JEQ : BPF_JNE, BF_R2, info->pkttype, nomatch);
	return p->err;
}

const struct bf_match_gen bf_match_pkttype = {
	.name = "pkttype",
	.gen = pkttype_gen,
};
