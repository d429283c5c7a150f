/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iptables front-end: ip_tables sockopts answered as the kernel would.
 */
#ifndef BPFILTER_UMH_IPT_H
#define BPFILTER_UMH_IPT_H

#include "request.h"

void bf_ipt_get(const struct bf_request *req, struct bf_response *resp);
void bf_ipt_set(const struct bf_request *req, struct bf_response *resp);
void bf_ipt_table_names(const struct bf_request *req, struct bf_response *resp);

#endif /* BPFILTER_UMH_IPT_H */
