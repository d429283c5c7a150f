/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_NFLOG_H
#define BPFILTER_UMH_NFLOG_H

#include <stddef.h>
#include <linux/netfilter_ipv4/ipt_LOG.h>

#include "../bpf/events.h"

/*
 * Format a LOG event as the kernel's nf_log_syslog does for IPv4: returns
 * the line, starting with "<level>" as /dev/kmsg expects.
 */
size_t bf_nflog_format(const struct bf_event *ev, const struct ipt_log_info *info, char *buf,
		       size_t len);

/* Write a formatted line to the kernel log. */
void bf_nflog_write(const char *line, size_t len);

#endif /* BPFILTER_UMH_NFLOG_H */
