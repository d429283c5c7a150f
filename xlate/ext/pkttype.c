// SPDX-License-Identifier: GPL-2.0
/* -m pkttype: unicast, broadcast or multicast. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_pkttype.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_pkttype = {
	.name = "pkttype",
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_pkttype_info),
};
