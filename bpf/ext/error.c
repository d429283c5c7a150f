// SPDX-License-Identifier: GPL-2.0
/* ERROR: a chain head reached by a packet; xt_error drops it. */
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "../codegen.h"

static int error_gen(struct bf_gen *g, const struct xlate_rule *r, bool *cont)
{
	bf_gen_exit(g, NF_DROP);
	return g->prog.err;
}

const struct bf_target_gen bf_target_error = {
	.name = "ERROR",
	.gen = error_gen,
};
