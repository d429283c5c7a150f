// SPDX-License-Identifier: GPL-2.0
/*
 * The standard target (name ""): a verdict or a jump offset. Its verdict and
 * jump checks are structural and live in xlate/validate.c, as in ip_tables.
 */
#include <linux/netfilter.h>

#include "../ext.h"

const struct xlate_ext_ops xlate_target_standard = {
	.name = XT_STANDARD_TARGET,
	.kind = XLATE_TARGET,
	.family = NFPROTO_IPV4,
	.size = sizeof(int),
};
