// SPDX-License-Identifier: GPL-2.0
/* -m tos revision 1: (TOS & mask) == value; revision 0 left the kernel in 2.6.x. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_dscp.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_tos = {
	.name = "tos",
	.revision = 1,
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_tos_match_info),
};
