/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mirror of a netns's "local" routing table that -m addrtype reads
 * (bpf/local_routes.h), kept current from rtnetlink notifications.
 */
#ifndef BPFILTER_UMH_LOCAL_ROUTES_H
#define BPFILTER_UMH_LOCAL_ROUTES_H

#include "netns.h"

/* Create (or adopt) ns's mirror, filled, watching the netns of socket sockfd. */
int bf_local_routes_open(struct bf_netns *ns, int sockfd);
/* Route notifications are waiting on ns->route_mon_fd: bring the mirror up to date. */
void bf_local_routes_update(struct bf_netns *ns);
void bf_local_routes_close(struct bf_netns *ns);

#endif /* BPFILTER_UMH_LOCAL_ROUTES_H */
