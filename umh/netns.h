/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state: as with the kernel, every netns has its own
 * tables. A netns is named by its cookie (SO_NETNS_COOKIE), which the kernel
 * never reuses, unlike the nsfs inode number.
 */
#ifndef BPFILTER_UMH_NETNS_H
#define BPFILTER_UMH_NETNS_H

#include <stdbool.h>
#include <stdint.h>

#include "../xlate/table.h"

struct bf_bpf_table;
struct bf_attachment;

struct bf_netns {
	uint64_t cookie;
	/* its nsfs inode, once a socket there showed it; 0 until then (umh/netns_reap.c) */
	uint64_t ino;
	/* NULL until a client first names the table, as the kernel's lazy init */
	struct xlate_table *filter;
	/* while filter is not in force: a socket of this netns (umh/settle.h); -1 */
	int pending_sock;
	/* the filter table's programs and their place in the netns's hooks */
	struct bf_bpf_table *filter_bpf;
	struct bf_attachment *filter_link;
	/* IPPROTO_RAW socket in this netns, for REJECT's answers (-1: none) */
	int raw_fd;
	/* connection tracking turned on for this netns (umh/conntrack.c) */
	bool conntrack;
	/* -m addrtype's mirror of the local routing table (umh/local_routes.c) */
	int local_routes_fd, route_mon_fd, route_dump_fd;
	struct bf_netns *next;
};

struct bf_netns *bf_netns_get(uint64_t cookie);
/* The netns whose filter table's programs carry this id, or NULL. */
struct bf_netns *bf_netns_by_table_id(uint32_t id);
void bf_netns_free_all(void);
/* For walking all namespaces: the first, then ns->next. */
struct bf_netns *bf_netns_first(void);

/*
 * Run fn(arg) in the network namespace of the socket sockfd, then come back:
 * what it creates (links, sockets) belongs to that netns, as the kernel would
 * have acted in sock_net(sk). Returns fn's result or a negative errno.
 */
int bf_netns_enter(int sockfd, int (*fn)(void *arg), void *arg);

/*
 * A socket in the live netns whose cookie is cookie, found through the names
 * of /run/netns and the processes of /proc; -1 if there is none.
 */
int bf_netns_find_socket(uint64_t cookie);
/*
 * A socket in the netns of nsfs file path if its cookie is cookie; -ENOENT
 * if it is another's, -EBADF if it cannot be looked into.
 */
int bf_netns_socket_at(const char *path, uint64_t cookie);

/* The nsfs inode of the netns of socket sockfd, 0 if unknown. */
uint64_t bf_netns_ino_of_socket(int sockfd);

/* Take ns out of the list (not freed), or put it back. */
void bf_netns_remove(struct bf_netns *ns);
void bf_netns_put_back(struct bf_netns *ns);

#endif /* BPFILTER_UMH_NETNS_H */
