// SPDX-License-Identifier: GPL-2.0
/* -m iprange (revision 1): source/destination address ranges. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_iprange.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_iprange = {
	.name = "iprange",
	.revision = 1,
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_iprange_mtinfo),
};
