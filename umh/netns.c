// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "../bpf/loader.h"
#include "enforce.h"
#include "local_routes.h"
#include "log.h"
#include "netns.h"

static struct bf_netns *all_netns;

struct bf_netns *bf_netns_get(uint64_t cookie)
{
	struct bf_netns *ns;

	for (ns = all_netns; ns; ns = ns->next)
		if (ns->cookie == cookie)
			return ns;
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->cookie = cookie;
	ns->raw_fd = ns->local_routes_fd = ns->route_mon_fd = ns->route_dump_fd = -1;
	ns->pending_sock = -1;
	ns->next = all_netns;
	all_netns = ns;
	return ns;
}

struct bf_netns *bf_netns_by_table_id(uint32_t id)
{
	struct bf_netns *ns;

	for (ns = all_netns; ns; ns = ns->next)
		if (ns->filter_bpf && ns->filter_bpf->maps.table_id == id)
			return ns;
	return NULL;
}

void bf_netns_free_all(void)
{
	while (all_netns) {
		struct bf_netns *ns = all_netns;

		all_netns = ns->next;
		bf_enforce_release(ns);
		bf_local_routes_close(ns);
		xlate_table_free(ns->filter);
		free(ns);
	}
}

struct bf_netns *bf_netns_first(void)
{
	return all_netns;
}

void bf_netns_remove(struct bf_netns *ns)
{
	struct bf_netns **at;

	for (at = &all_netns; *at; at = &(*at)->next) {
		if (*at == ns) {
			*at = ns->next;
			ns->next = NULL;
			return;
		}
	}
}

void bf_netns_put_back(struct bf_netns *ns)
{
	ns->next = all_netns;
	all_netns = ns;
}

int bf_netns_enter(int sockfd, int (*fn)(void *arg), void *arg)
{
	int target, home, ret;

	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	target = ioctl(sockfd, SIOCGSKNS);
	if (target < 0) {
		ret = -errno;
		close(home);
		return ret;
	}
	ret = setns(target, CLONE_NEWNET) ? -errno : fn(arg);
	if (setns(home, CLONE_NEWNET)) {
		/* cannot happen for a privileged daemon; never serve from the wrong netns */
		bf_err("cannot return to the daemon's network namespace: %s", strerror(errno));
		abort();
	}
	close(target);
	close(home);
	return ret;
}

/* A socket in the netns of nsfd if its cookie is cookie, else -ENOENT (-EBADF: unknown). */
static int socket_if_cookie(int nsfd, uint64_t cookie)
{
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd = -EBADF;
	uint64_t found = 0;
	socklen_t len = sizeof(found);

	if (home < 0)
		return -EBADF;
	if (!setns(nsfd, CLONE_NEWNET)) {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (setns(home, CLONE_NEWNET)) {
			bf_err("cannot return to the daemon's network namespace: %s",
			       strerror(errno));
			abort();
		}
	}
	close(home);
	if (fd < 0)
		return -EBADF;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &found, &len)) {
		close(fd);
		return -EBADF;
	}
	if (found != cookie) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

/* The inode of the netns of socket sockfd, 0 if unknown. */
uint64_t bf_netns_ino_of_socket(int sockfd)
{
	int nsfd = ioctl(sockfd, SIOCGSKNS);
	struct stat st;
	uint64_t ino = 0;

	if (nsfd < 0)
		return 0;
	if (!fstat(nsfd, &st))
		ino = st.st_ino;
	close(nsfd);
	return ino;
}

int bf_netns_socket_at(const char *path, uint64_t cookie)
{
	int nsfd = open(path, O_RDONLY | O_CLOEXEC), fd;

	if (nsfd < 0)
		return -EBADF;
	fd = socket_if_cookie(nsfd, cookie);
	close(nsfd);
	return fd;
}

/* Try dir's entries as netns files; with suffix, its numeric entries + suffix. */
static int search_dir(const char *dir, const char *suffix, uint64_t cookie)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int fd = -1;

	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		char path[PATH_MAX];
		int nsfd;

		if (de->d_name[0] == '.' || (suffix && !isdigit((unsigned char)de->d_name[0])))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix ? suffix : "");
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0)
			continue;
		fd = socket_if_cookie(nsfd, cookie);
		close(nsfd);
	}
	closedir(d);
	return fd;
}

int bf_netns_find_socket(uint64_t cookie)
{
	int fd = search_dir("/run/netns", NULL, cookie);

	return fd >= 0 ? fd : search_dir("/proc", "/ns/net", cookie);
}
