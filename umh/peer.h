/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_PEER_H
#define BPFILTER_UMH_PEER_H

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

#endif /* BPFILTER_UMH_PEER_H */
