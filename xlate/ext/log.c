// SPDX-License-Identifier: GPL-2.0
/* -j LOG: level and prefix. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_LOG.h>

#include "../ext.h"

static int log_check(const struct xlate_check_ctx *ctx)
{
	const struct xt_log_info *info = ctx->data;

	if (info->level >= 8)
		return -EINVAL;
	if (info->prefix[sizeof(info->prefix) - 1] != '\0')
		return -EINVAL;
	return 0;
}

const struct xlate_ext_ops xlate_target_log = {
	.name = "LOG",
	.kind = XLATE_TARGET,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_log_info),
	.check = log_check,
};
