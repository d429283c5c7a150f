// SPDX-License-Identifier: GPL-2.0
/*
 * The ERROR target: head of a user chain (its data is the chain name) and the
 * table's end marker. Its size and name checks are in xlate/validate.c.
 */
#include <linux/netfilter.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_target_error = {
	.name = XT_ERROR_TARGET,
	.kind = XLATE_TARGET,
	.family = NFPROTO_IPV4,
	.size = XT_FUNCTION_MAXNAMELEN,
};
