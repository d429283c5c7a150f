// SPDX-License-Identifier: GPL-2.0
/* -m owner revision 1: the local socket's file owner, on the way out. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_owner.h>

#include "../ext.h"

/* (uid_t)-1 is no id: make_kuid() gives INVALID_UID for it */
#define OWNER_INVALID_ID 0xffffffffu

static int owner_check(const struct xlate_check_ctx *ctx)
{
	const struct xt_owner_match_info *info = ctx->data;

	if (info->match & ~XT_OWNER_MASK)
		return -EINVAL;
	if ((info->match & XT_OWNER_UID) &&
	    (info->uid_min == OWNER_INVALID_ID || info->uid_max == OWNER_INVALID_ID ||
	     info->uid_max < info->uid_min))
		return -EINVAL;
	if ((info->match & XT_OWNER_GID) &&
	    (info->gid_min == OWNER_INVALID_ID || info->gid_max == OWNER_INVALID_ID ||
	     info->gid_max < info->gid_min))
		return -EINVAL;
	return 0;
}

const struct xlate_ext_ops xlate_match_owner = {
	.name = "owner",
	.revision = 1,
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_owner_match_info),
	.hooks = (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_POST_ROUTING),
	.check = owner_check,
};
