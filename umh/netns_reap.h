/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Releasing the rules of network namespaces nobody uses any more, which
 * their links would otherwise keep alive (see netns_reap.c).
 */
#ifndef BPFILTER_UMH_NETNS_REAP_H
#define BPFILTER_UMH_NETNS_REAP_H

#include <stdint.h>

#include "netns.h"

/* How often the daemon looks for them, besides when a name in /run/netns goes. */
#define BF_REAP_INTERVAL_MS 5000

/*
 * Release every netns of ours that no process, mount or open file holds;
 * watch /run/netns with watch_fd if not yet.
 */
void bf_netns_reap(int watch_fd);

/* An inotify fd that wakes up when a name in /run/netns goes; -1 if none. */
int bf_netns_reap_watch(void);
/* Read its events. */
void bf_netns_reap_drain(int fd);

#endif /* BPFILTER_UMH_NETNS_REAP_H */
