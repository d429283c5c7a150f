// SPDX-License-Identifier: GPL-2.0
/* -m icmp, as icmp_match(): a type (0xff: any) and a code range. */
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "../codegen.h"

static int icmp_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		    bf_label nomatch, bf_label hotdrop)
{
	const struct ipt_icmp *info = m->data;
	bool inv = info->invflags & IPT_ICMP_INV;
	struct bf_prog *p = &g->prog;
	bf_label miss;

	bf_gen_load_l4(g, sizeof(struct icmphdr), nomatch, hotdrop);
	if (info->type == 0xff) {
		if (inv)
			bf_jmp(p, nomatch);
		return p->err;
	}
	/* an inverted match fails on a hit and falls through on a miss */
	miss = inv ? bf_label_new(p) : nomatch;
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_STK_L4));
	bf_jmp_imm(p, BPF_JNE, BF_R1, info->type, miss);
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_STK_L4 + 1));
	bf_jmp_imm(p, BPF_JLT, BF_R1, info->code[0], miss);
	bf_jmp_imm(p, BPF_JGT, BF_R1, info->code[1], miss);
	if (inv) {
		bf_jmp(p, nomatch);
		bf_label_bind(p, miss);
	}
	return p->err;
}

const struct bf_match_gen bf_match_icmp = {
	.name = "icmp",
	.gen = icmp_gen,
	.l4_bytes = sizeof(struct icmphdr),
};
