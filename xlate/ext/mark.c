// SPDX-License-Identifier: GPL-2.0
/* -m mark (revision 1): skb->mark & mask == value. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_mark.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_mark = {
	.name = "mark",
	.revision = 1,
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_mark_mtinfo1),
};
