// SPDX-License-Identifier: GPL-2.0
/* -m tcp: ports, flags and options; only for -p tcp. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "../ext.h"

static int tcp_check(const struct xlate_check_ctx *ctx)
{
	const struct xt_tcp *info = ctx->data;

	return (info->invflags & ~XT_TCP_INV_MASK) ? -EINVAL : 0;
}

const struct xlate_ext_ops xlate_match_tcp = {
	.name = "tcp",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_tcp),
	.proto = IPPROTO_TCP,
	.check = tcp_check,
};
