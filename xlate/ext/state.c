// SPDX-License-Identifier: GPL-2.0
/* -m state: connection tracking state bits. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_state.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_state = {
	.name = "state",
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_state_info),
};
