/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_PEER_H
#define BPFILTER_UMH_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bf_peer {
	pid_t pid;
	uid_t uid;
	/* the network namespace of the socket the client passed */
	uint64_t netns_cookie;
};

/*
 * Identify the client on conn and the socket it passed (sockfd), and check
 * that it may change that socket's netns: CAP_NET_ADMIN in the user
 * namespace owning it, as ip_tables' ns_capable() check. Returns 0, -EINVAL
 * (no socket passed), -ENOTSOCK, or -EPERM.
 */
int bf_peer_authorize(int conn, int sockfd, struct bf_peer *peer);

/*
 * Read or write len bytes at addr in the memory of the peer on conn (pid):
 * one copy, where a socket makes two. Returns 0, -EFAULT (not all of it is
 * mapped), -ESRCH (the peer is gone), or -EPERM when it may not be done this
 * way (no CAP_SYS_PTRACE over the peer, a filter, no SO_PEERPIDFD to tell
 * that its pid is still its own).
 */
int bf_peer_read(int conn, pid_t pid, uint64_t addr, void *buf, size_t len);
int bf_peer_write(int conn, pid_t pid, uint64_t addr, const void *buf, size_t len);

#endif /* BPFILTER_UMH_PEER_H */
