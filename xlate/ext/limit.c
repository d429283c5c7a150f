// SPDX-License-Identifier: GPL-2.0
/* -m limit: token bucket; only avg and burst are user-visible. */
#include <errno.h>
#include <stddef.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_limit.h>

#include "../ext.h"

/*
 * The kernel converts rates to credits with HZ * CREDITS_PER_JIFFY, which is
 * 32000 for both HZ=250 and HZ=1000 (CREDITS_PER_JIFFY is the largest power
 * of two below 2^32 / (HZ * 86400)). The overflow check below depends on it.
 */
#define LIMIT_CREDITS_PER_SEC 32000u

uint32_t xlate_limit_credits(uint32_t user)
{
	if (user > 0xFFFFFFFFu / LIMIT_CREDITS_PER_SEC)
		return (user / XT_LIMIT_SCALE) * LIMIT_CREDITS_PER_SEC;
	return (user * LIMIT_CREDITS_PER_SEC) / XT_LIMIT_SCALE;
}

static int limit_check(const struct xlate_check_ctx *ctx)
{
	const struct xt_rateinfo *r = ctx->data;

	/* avg * burst wraps in 32 bits in the kernel too: same verdict. */
	if (r->burst == 0 || xlate_limit_credits(r->avg * r->burst) < xlate_limit_credits(r->avg))
		return -ERANGE;
	return 0;
}

const struct xlate_ext_ops xlate_match_limit = {
	.name = "limit",
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_rateinfo),
	.usersize = offsetof(struct xt_rateinfo, prev),
	.check = limit_check,
	.stateful = true,
};
