// SPDX-License-Identifier: GPL-2.0
/* -j REJECT: filter table only; a TCP reset needs -p tcp. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>

#include "../ext.h"

static int reject_check(const struct xlate_check_ctx *ctx)
{
	const struct ipt_reject_info *info = ctx->data;
	const struct ipt_ip *ip = &ctx->entry->ip;

	if (info->with == IPT_ICMP_ECHOREPLY)
		return -EINVAL;
	if (info->with == IPT_TCP_RESET &&
	    (ip->proto != IPPROTO_TCP || (ip->invflags & XT_INV_PROTO)))
		return -EINVAL;
	return 0;
}

const struct xlate_ext_ops xlate_target_reject = {
	.name = "REJECT",
	.kind = XLATE_TARGET,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_reject_info),
	.table = "filter",
	.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT),
	.check = reject_check,
};
