// SPDX-License-Identifier: GPL-2.0
/* -m state, as state_mt(): the connection's state bit in the mask. */
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_state.h>

#include "../ct.h"

static int state_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		     bf_label nomatch, bf_label hotdrop)
{
	const struct xt_state_info *info = m->data;
	struct bf_prog *p = &g->prog;

	bf_gen_ct_state(g, XT_STATE_UNTRACKED);
	bf_emit(p, BF_ALU64_IMM(BPF_AND, BF_R1, (int32_t)info->statemask));
	bf_jmp_imm(p, BPF_JEQ, BF_R1, 0, nomatch);
	return p->err;
}

const struct bf_match_gen bf_match_state = {
	.name = "state",
	.gen = state_gen,
};
