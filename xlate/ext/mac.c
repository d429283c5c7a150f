// SPDX-License-Identifier: GPL-2.0
/* -m mac: Ethernet source address; there is none on the way out. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_mac.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_mac = {
	.name = "mac",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_mac_info),
	.hooks = (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
};
