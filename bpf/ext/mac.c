// SPDX-License-Identifier: GPL-2.0
/*
 * -m mac, as mac_mt(): the Ethernet source address, read from the skb's MAC
 * header; a packet from a non-Ethernet device, or without a whole Ethernet
 * header, never matches (not even inverted).
 */
#include <netinet/in.h>
#include <linux/if_arp.h>
#include <linux/netfilter/xt_mac.h>

#include "../codegen.h"

static int mac_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		   bf_label nomatch, bf_label hotdrop)
{
	const struct xt_mac_info *info = m->data;
	const struct bf_kernel *k = g->kernel;
	struct bf_prog *p = &g->prog;
	uint64_t want = 0;
	unsigned int i;

	bf_gen_load_kptr(g, BF_R1, BF_R6, &k->skb_dev);
	bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, nomatch);
	bf_gen_bytes(g, BF_R1);
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R2, BF_R0, k->dev_type.off));
	bf_jmp_imm(p, BPF_JNE, BF_R2, ARPHRD_ETHER, nomatch);
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R3, BF_R6, k->skb_mac_header.off));
	bf_jmp_imm(p, BPF_JEQ, BF_R3, 0xffff, nomatch);
	bf_emit(p, BF_LDX_MEM(BPF_H, BF_R4, BF_R6, k->skb_network_header.off));
	bf_emit(p, BF_ALU64_REG(BPF_SUB, BF_R4, BF_R3));
	bf_jmp_imm(p, BPF_JSLT, BF_R4, 14, nomatch);
	/* the 6 source bytes follow the 6 destination bytes */
	bf_emit(p, BF_ST_MEM(BPF_DW, BF_FP, BF_STK_SCRATCH, 0));
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_R6, k->skb_head.off));
	bf_emit(p, BF_ALU64_REG(BPF_ADD, BF_R3, BF_R1));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R3, 6));
	bf_emit(p, BF_MOV64_REG(BF_R1, BF_FP));
	bf_emit(p, BF_ALU64_IMM(BPF_ADD, BF_R1, BF_STK_SCRATCH));
	bf_emit(p, BF_MOV64_IMM(BF_R2, 6));
	bf_emit(p, BF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_jmp_imm(p, BPF_JNE, BF_R0, 0, nomatch);
	for (i = 0; i < 6; i++)
		want |= (uint64_t)info->srcaddr[i] << (8 * i);
	bf_emit(p, BF_LDX_MEM(BPF_DW, BF_R1, BF_FP, BF_STK_SCRATCH));
	bf_emit_ld_imm64(p, BF_R2, want);
	bf_jmp_reg(p, info->invert ? BPF_JEQ : BPF_JNE, BF_R1, BF_R2, nomatch);
	return p->err;
}

const struct bf_match_gen bf_match_mac = {
	.name = "mac",
	.gen = mac_gen,
};
