// SPDX-License-Identifier: GPL-2.0
/* -m comment: matches everything, carries text for the reader. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_comment.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_comment = {
	.name = "comment",
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_comment_info),
};
