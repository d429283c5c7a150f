// SPDX-License-Identifier: GPL-2.0
/* -m multiport (revision 1, the only one current kernels keep). */
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_multiport.h>

#include "../ext.h"

static bool proto_has_ports(uint16_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_DCCP;
}

/* A range flag must be followed by its upper bound, not by another range. */
static bool ranges_valid(const struct xt_multiport_v1 *info)
{
	unsigned int i;

	for (i = 0; i < info->count; i++) {
		if (!info->pflags[i])
			continue;
		if (++i >= info->count || info->pflags[i])
			return false;
		if (info->ports[i - 1] > info->ports[i])
			return false;
	}
	return true;
}

static int multiport_check(const struct xlate_check_ctx *ctx)
{
	const struct xt_multiport_v1 *info = ctx->data;
	const struct ipt_ip *ip = &ctx->entry->ip;

	if (!proto_has_ports(ip->proto) || (ip->invflags & XT_INV_PROTO))
		return -EINVAL;
	if (info->flags != XT_MULTIPORT_SOURCE && info->flags != XT_MULTIPORT_DESTINATION &&
	    info->flags != XT_MULTIPORT_EITHER)
		return -EINVAL;
	if (info->count > XT_MULTI_PORTS)
		return -EINVAL;
	return ranges_valid(info) ? 0 : -EINVAL;
}

const struct xlate_ext_ops xlate_match_multiport = {
	.name = "multiport",
	.revision = 1,
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_multiport_v1),
	.check = multiport_check,
};
