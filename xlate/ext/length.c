// SPDX-License-Identifier: GPL-2.0
/* -m length: IP total length within [min, max]. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_length.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_match_length = {
	.name = "length",
	.kind = XLATE_MATCH,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_length_info),
};
