// SPDX-License-Identifier: GPL-2.0
/* -m dscp, as dscp_mt(): TOS >> 2 == dscp, or not. */
#include <netinet/in.h>
#include <linux/netfilter/xt_dscp.h>
#include <netinet/ip.h>

#include "../codegen.h"

static int dscp_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		    bf_label nomatch, bf_label hotdrop)
{
	const struct xt_dscp_info *info = m->data;
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(tos)));
	bf_emit(p, BF_ALU64_IMM(BPF_RSH, BF_R1, XT_DSCP_SHIFT));
	bf_jmp_imm(p, info->invert ? BPF_JEQ : BPF_JNE, BF_R1, info->dscp, nomatch);
	return p->err;
}

const struct bf_match_gen bf_match_dscp = {
	.name = "dscp",
	.gen = dscp_gen,
};
