// SPDX-License-Identifier: GPL-2.0
/* -m udp: port ranges; only for -p udp. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "../ext.h"

static int udp_check(const struct xlate_check_ctx *ctx)
{
	const struct xt_udp *info = ctx->data;

	return (info->invflags & ~XT_UDP_INV_MASK) ? -EINVAL : 0;
}

const struct xlate_ext_ops xlate_match_udp = {
	.name = "udp",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_udp),
	.proto = IPPROTO_UDP,
	.check = udp_check,
};
