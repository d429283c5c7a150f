// SPDX-License-Identifier: GPL-2.0
/* -m ttl, as ttl_mt(): ==, !=, < or > on the IPv4 TTL. */
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include <netinet/ip.h>

#include "../codegen.h"

static int ttl_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		   bf_label nomatch, bf_label hotdrop)
{
	const struct ipt_ttl_info *info = m->data;
	struct bf_prog *p = &g->prog;
	/* the jump that leaves: the mode's negation */
	static const uint8_t miss[] = {
		[IPT_TTL_EQ] = BPF_JNE,
		[IPT_TTL_NE] = BPF_JEQ,
		[IPT_TTL_LT] = BPF_JGE,
		[IPT_TTL_GT] = BPF_JLE,
	};

	if (info->mode > IPT_TTL_GT) {
		bf_jmp(p, nomatch);
		return p->err;
	}
	bf_emit(p, BF_LDX_MEM(BPF_B, BF_R1, BF_FP, BF_IPH(ttl)));
	bf_jmp_imm(p, miss[info->mode], BF_R1, info->ttl, nomatch);
	return p->err;
}

const struct bf_match_gen bf_match_ttl = {
	.name = "ttl",
	.gen = ttl_gen,
};
