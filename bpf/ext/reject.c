// SPDX-License-Identifier: GPL-2.0
/*
 * REJECT: the packet is dropped here and its headers go to bpfilterd, which
 * sends the ICMP error or TCP reset from the packet's netns (umh/reject.c).
 */
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "../codegen.h"
#include "../events.h"

static int reject_gen(struct bf_gen *g, const struct xlate_rule *r, bool *cont)
{
	bf_gen_event(g, r, BF_EVENT_REJECT, false);
	bf_gen_exit(g, NF_DROP);
	return g->prog.err;
}

const struct bf_target_gen bf_target_reject = {
	.name = "REJECT",
	.gen = reject_gen,
	.in_runs = true,
};
