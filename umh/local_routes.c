// SPDX-License-Identifier: GPL-2.0
/*
 * Any change to the local table (an address added or removed, a link going
 * down) makes us dump the table again and reconcile the map with it: the
 * table holds a few routes per address, and a full dump is the only way to
 * follow duplicates and flushes exactly. Between the change and the update
 * (a few µs), packets see the old types, as they do through a kernel route
 * cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../bpf/local_routes.h"
#include "local_routes.h"
#include "log.h"

#define NL_BUF_SIZE 32768

struct route_set {
	struct bf_local_route_key *keys;
	struct bf_local_route *vals;
	unsigned int len, cap;
};

static int route_set_add(struct route_set *s, const struct bf_local_route_key *k,
			 const struct bf_local_route *v)
{
	unsigned int i;

	/* the first route of a prefix is the one fib_table_lookup() finds */
	for (i = 0; i < s->len; i++)
		if (!memcmp(&s->keys[i], k, sizeof(*k)))
			return 0;
	if (s->len == s->cap) {
		unsigned int cap = s->cap ? 2 * s->cap : 64;
		void *keys = realloc(s->keys, cap * sizeof(*k));
		void *vals = keys ? realloc(s->vals, cap * sizeof(*v)) : NULL;

		if (keys)
			s->keys = keys;
		if (!vals)
			return -ENOMEM;
		s->vals = vals;
		s->cap = cap;
	}
	s->keys[s->len] = *k;
	s->vals[s->len++] = *v;
	return 0;
}

/* A route of the local table, in the dump or a notification; else -ENOENT. */
static int parse_route(const struct nlmsghdr *nh, struct bf_local_route_key *k,
		       struct bf_local_route *v)
{
	const struct rtmsg *rtm = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);
	uint32_t table = rtm->rtm_table;
	const struct rtattr *a;

	if (rtm->rtm_family != AF_INET)
		return -ENOENT;
	*k = (struct bf_local_route_key){ .prefixlen = rtm->rtm_dst_len };
	*v = (struct bf_local_route){ .type = rtm->rtm_type };
	for (a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_TABLE && RTA_PAYLOAD(a) >= 4)
			memcpy(&table, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) >= 4)
			memcpy(&k->addr, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= 4)
			memcpy(&v->ifindex, RTA_DATA(a), 4);
	}
	return table == RT_TABLE_LOCAL && k->prefixlen <= 32 ? 0 : -ENOENT;
}

static int dump_request(int fd)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
	} req = {
		.nh = { .nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.rtm = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_LOCAL },
	};

	return send(fd, &req, sizeof(req), 0) < 0 ? -errno : 0;
}

/* The local table, now. */
static int dump_routes(int fd, struct route_set *s)
{
	char *buf = malloc(NL_BUF_SIZE);
	int ret = buf ? dump_request(fd) : -ENOMEM;

	while (!ret) {
		struct nlmsghdr *nh;
		ssize_t n = recv(fd, buf, NL_BUF_SIZE, 0);

		if (n <= 0) {
			ret = n == 0 ? -EIO : errno == EINTR ? 0 : -errno;
			continue;
		}
		for (nh = (void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			struct bf_local_route_key k;
			struct bf_local_route v;

			if (nh->nlmsg_type == NLMSG_DONE)
				goto out;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(nh))->error ?: -EIO;
				break;
			}
			if (nh->nlmsg_type == RTM_NEWROUTE && !parse_route(nh, &k, &v))
				ret = route_set_add(s, &k, &v);
			if (ret)
				break;
		}
	}
out:
	free(buf);
	return ret;
}

/* Make the map hold exactly s: update what is there, then drop the rest. */
static int reconcile(int map_fd, const struct route_set *s)
{
	struct bf_local_route_key key, next, *prev = NULL;
	unsigned int i;

	for (i = 0; i < s->len; i++)
		if (bpf_map_update_elem(map_fd, &s->keys[i], &s->vals[i], BPF_ANY))
			return -errno;
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		bool keep = false;

		for (i = 0; i < s->len && !keep; i++)
			keep = !memcmp(&s->keys[i], &next, sizeof(next));
		key = next;
		if (!keep && bpf_map_delete_elem(map_fd, &key))
			return -errno;
		/* after a delete, walk again from the start */
		prev = keep ? &key : NULL;
	}
	return 0;
}

static int sync_routes(struct bf_netns *ns)
{
	struct route_set s = { 0 };
	int ret = dump_routes(ns->route_dump_fd, &s);

	if (!ret)
		ret = reconcile(ns->local_routes_fd, &s);
	free(s.keys);
	free(s.vals);
	return ret;
}

static int open_sockets_here(void *arg)
{
	struct bf_netns *ns = arg;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV4_ROUTE };

	ns->route_dump_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ns->route_mon_fd =
		socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (ns->route_dump_fd < 0 || ns->route_mon_fd < 0)
		return -errno;
	return bind(ns->route_mon_fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
}

int bf_local_routes_open(struct bf_netns *ns, int sockfd)
{
	int ret;

	if (ns->local_routes_fd < 0)
		ns->local_routes_fd = bf_local_routes_map_create();
	ret = ns->local_routes_fd < 0 ? ns->local_routes_fd :
					bf_netns_enter(sockfd, open_sockets_here, ns);
	/* subscribed before the dump: no change falls between the two */
	if (!ret)
		ret = sync_routes(ns);
	if (ret)
		bf_local_routes_close(ns);
	return ret;
}

void bf_local_routes_update(struct bf_netns *ns)
{
	char buf[8192];
	bool changed = false;
	ssize_t n;

	while ((n = recv(ns->route_mon_fd, buf, sizeof(buf), 0)) != 0) {
		struct bf_local_route_key k;
		struct bf_local_route v;
		struct nlmsghdr *nh;

		if (n < 0) {
			if (errno == EAGAIN)
				break;
			/* ENOBUFS: notifications were lost, so resync anyway */
			changed |= errno != EINTR;
			continue;
		}
		for (nh = (void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n))
			changed |= (nh->nlmsg_type == RTM_NEWROUTE ||
				    nh->nlmsg_type == RTM_DELROUTE) &&
				   !parse_route(nh, &k, &v);
	}
	if (changed) {
		int ret = sync_routes(ns);

		if (ret)
			bf_err("cannot update the local routes -m addrtype reads: %s",
			       strerror(-ret));
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void bf_local_routes_close(struct bf_netns *ns)
{
	close_fd(&ns->local_routes_fd);
	close_fd(&ns->route_mon_fd);
	close_fd(&ns->route_dump_fd);
}
