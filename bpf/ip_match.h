/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_BPF_IP_MATCH_H
#define BPFILTER_BPF_IP_MATCH_H

#include "codegen.h"

/* ip_packet_match(): addresses, interfaces, protocol and fragment flag. */
void bf_gen_ip_match(struct bf_gen *g, const struct ipt_ip *ip, bf_label nomatch);

#endif /* BPFILTER_BPF_IP_MATCH_H */
