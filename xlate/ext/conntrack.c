// SPDX-License-Identifier: GPL-2.0
/*
 * -m conntrack, revisions 1 to 3 (the kernel keeps these three). The payload
 * layouts differ only in width; the kernel's checkentry only takes a
 * conntrack reference, which cannot fail for IPv4.
 */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_conntrack.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_conntrack_v1 = {
	.name = "conntrack",
	.revision = 1,
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_conntrack_mtinfo1),
};

const struct xlate_ext_ops xlate_match_conntrack_v2 = {
	.name = "conntrack",
	.revision = 2,
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_conntrack_mtinfo2),
};

const struct xlate_ext_ops xlate_match_conntrack_v3 = {
	.name = "conntrack",
	.revision = 3,
	.kind = XLATE_MATCH,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_conntrack_mtinfo3),
};
