// SPDX-License-Identifier: GPL-2.0
/* -m tos revision 1, as tos_mt(): (TOS & mask) == value, or not. */
#include <netinet/in.h>
#include <linux/netfilter/xt_dscp.h>
#include <netinet/ip.h>

#include "../codegen.h"

static int tos_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		   bf_label nomatch, bf_label hotdrop)
{
	const struct xt_tos_match_info *info = m->data;
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(tos)));
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, info->tos_mask));
	bf_jmp_imm(p, info->invert ? BPF_JEQ : BPF_JNE, BF_R1, info->tos_value, nomatch);
	return p->err;
}

const struct bf_match_gen bf_match_tos = {
	.name = "tos",
	.gen = tos_gen,
};
