/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m addrtype needs the kernel's inet_dev_addr_type(): the type of the route
 * an address finds in the netns's "local" routing table. Netfilter programs
 * cannot look routes up, so the daemon mirrors that table into an LPM trie
 * (umh/local_routes.c) and the generated code looks addresses up there.
 */
#ifndef BPFILTER_BPF_LOCAL_ROUTES_H
#define BPFILTER_BPF_LOCAL_ROUTES_H

#include <stdint.h>

struct bf_local_route_key {
	uint32_t prefixlen;
	uint32_t addr; /* network order */
};

struct bf_local_route {
	uint32_t type; /* RTN_LOCAL, RTN_BROADCAST, ... */
	uint32_t ifindex; /* the route's device, for --limit-iface-in/out */
};

/* An empty mirror; a negative errno on failure. */
int bf_local_routes_map_create(void);

#endif /* BPFILTER_BPF_LOCAL_ROUTES_H */
