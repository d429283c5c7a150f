// SPDX-License-Identifier: GPL-2.0
/* -m comment: matches every packet, generates nothing. */
#include "../codegen.h"

static int comment_gen(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		       bf_label nomatch, bf_label hotdrop)
{
	return 0;
}

const struct bf_match_gen bf_match_comment = {
	.name = "comment",
	.gen = comment_gen,
	.always = true,
};
