// SPDX-License-Identifier: GPL-2.0
/* -m icmp: type and code range; only for -p icmp. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "../ext.h"

static int icmp_check(const struct xlate_check_ctx *ctx)
{
	const struct ipt_icmp *info = ctx->data;

	return (info->invflags & ~IPT_ICMP_INV) ? -EINVAL : 0;
}

const struct xlate_ext_ops xlate_match_icmp = {
	.name = "icmp",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_icmp),
	.proto = IPPROTO_ICMP,
	.check = icmp_check,
};
