// SPDX-License-Identifier: GPL-2.0
/*
 * LOG: the program sends the packet's headers to bpfilterd, which writes
 * the kernel's LOG line (umh/nflog.c); the packet goes on to the next rule.
 */
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ipt_LOG.h>

#include "../codegen.h"
#include "../events.h"

static int log_gen(struct bf_gen *g, const struct xlate_rule *r, bool *cont)
{
	const struct ipt_log_info *info = r->target_data;

	bf_gen_event(g, r, BF_EVENT_LOG, info->logflags & IPT_LOG_UID);
	*cont = true;
	return g->prog.err;
}

const struct bf_target_gen bf_target_log = {
	.name = "LOG",
	.gen = log_gen,
};
