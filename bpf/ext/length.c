// SPDX-License-Identifier: GPL-2.0
/* -m length, as length_mt(): the IP total length within [min, max]. */
#include <netinet/in.h>
#include <linux/netfilter/xt_length.h>
#include <netinet/ip.h>

#include "../codegen.h"

static int length_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		      bf_label nomatch, bf_label hotdrop)
{
	const struct xt_length_info *info = m->data;

	bf_gen_load_be16(g, BF_R1, BF_IPH(tot_len));
	bf_gen_range(g, BF_R1, info->min, info->max, 0xffff, info->invert, nomatch);
	return g->prog.err;
}

const struct bf_match_gen bf_match_length = {
	.name = "length",
	.gen = length_gen,
};
