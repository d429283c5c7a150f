// SPDX-License-Identifier: GPL-2.0
/* -m addrtype: the routing type of the source and destination addresses. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_addrtype.h>

#include "../ext.h"

#define ADDRTYPE_HOOKS_IN ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN))
#define ADDRTYPE_HOOKS_OUT ((1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_OUT))

/* An interface limit must name a device the hook has. */
static int addrtype_check_v1(const struct xlate_check_ctx *ctx)
{
	const struct xt_addrtype_info_v1 *info = ctx->data;

	if ((info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN) &&
	    (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT))
		return -EINVAL;
	if ((ctx->hook_mask & ADDRTYPE_HOOKS_IN) && (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT))
		return -EINVAL;
	if ((ctx->hook_mask & ADDRTYPE_HOOKS_OUT) && (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN))
		return -EINVAL;
	return 0;
}

const struct xlate_ext_ops xlate_match_addrtype_v0 = {
	.name = "addrtype",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_addrtype_info),
};

const struct xlate_ext_ops xlate_match_addrtype_v1 = {
	.name = "addrtype",
	.revision = 1,
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_addrtype_info_v1),
	.check = addrtype_check_v1,
};
