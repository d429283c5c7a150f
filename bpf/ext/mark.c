// SPDX-License-Identifier: GPL-2.0
/* -m mark revision 1, as mark_mt(): (skb->mark & mask) == mark, or not. */
#include <netinet/in.h>
#include <linux/netfilter/xt_mark.h>

#include "../codegen.h"

static int mark_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		    bf_label nomatch, bf_label hotdrop)
{
	const struct xt_mark_mtinfo1 *info = m->data;
	struct bf_prog *p = &g->prog;

	bf_emit(p, BF_LDX_MEM(BPF_W, BF_R1, BF_R6, g->kernel->skb_mark.off));
	bf_emit(p, BF_ALU32_IMM(BPF_AND, BF_R1, (int32_t)info->mask));
	bf_jmp32_imm(p, info->invert ? BPF_JEQ : BPF_JNE, BF_R1, info->mark, nomatch);
	return p->err;
}

const struct bf_match_gen bf_match_mark = {
	.name = "mark",
	.gen = mark_gen,
};
