// SPDX-License-Identifier: GPL-2.0
/* -m dscp: the six DSCP bits of the TOS byte. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_dscp.h>

#include "../ext.h"

static int dscp_check(const struct xlate_check_ctx *ctx)
{
	const struct xt_dscp_info *info = ctx->data;

	return info->dscp > XT_DSCP_MAX ? -EDOM : 0;
}

const struct xlate_ext_ops xlate_match_dscp = {
	.name = "dscp",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_dscp_info),
	.check = dscp_check,
};
