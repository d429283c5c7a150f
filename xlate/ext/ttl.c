// SPDX-License-Identifier: GPL-2.0
/* -m ttl: compare the IPv4 TTL (an unknown mode never matches, as in xt_hl). */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_ttl = {
	.name = "ttl",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_ttl_info),
};
