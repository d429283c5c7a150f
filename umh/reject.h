/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_REJECT_H
#define BPFILTER_UMH_REJECT_H

#include <linux/netfilter_ipv4/ipt_REJECT.h>

#include "../bpf/events.h"

/*
 * Answer a REJECT event as the kernel's nf_send_unreach()/nf_send_reset()
 * would, through raw_fd (an IPPROTO_RAW socket of the packet's netns).
 * Returns 0, or -EAGAIN when the kernel would not answer such a packet.
 */
int bf_reject_send(int raw_fd, const struct bf_event *ev, const struct ipt_reject_info *info);

#endif /* BPFILTER_UMH_REJECT_H */
