// SPDX-License-Identifier: GPL-2.0
/*
 * Who is asking, and may they? The client's credentials come from the UNIX
 * socket (SO_PEERCRED), its capabilities from /proc, and a pidfd of the peer
 * (SO_PEERPIDFD) proves the pid was not recycled while we looked.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <linux/sockios.h>

#include "log.h"
#include "peer.h"

static bool has_net_admin(pid_t pid)
{
	char path[64], line[256];
	uint64_t caps = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %" SCNx64, &caps) == 1)
			break;
	fclose(f);
	return caps & (1ull << CAP_NET_ADMIN);
}

static int stat_ns(const char *path, struct stat *st)
{
	return stat(path, st) ? -errno : 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Capabilities count in the user namespace owning the netns, or in ours,
 * which is an ancestor of every namespace we can see.
 */
static bool caps_apply(pid_t pid, int sockfd)
{
	struct stat peer_user, own_user, owner;
	char path[64];
	int netns, userns;
	bool ok = false;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	if (stat_ns(path, &peer_user) || stat_ns("/proc/self/ns/user", &own_user))
		return false;
	if (same_file(&peer_user, &own_user))
		return true;
	netns = ioctl(sockfd, SIOCGSKNS);
	if (netns < 0)
		return false;
	userns = ioctl(netns, NS_GET_USERNS);
	if (userns >= 0 && fstat(userns, &owner) == 0)
		ok = same_file(&peer_user, &owner);
	if (userns >= 0)
		close(userns);
	close(netns);
	return ok;
}

/* The peer's pidfd, or -1 (a kernel without SO_PEERPIDFD). */
static int peer_pidfd(int conn)
{
	socklen_t len = sizeof(int);
	int pidfd;

	return getsockopt(conn, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) ? -1 : pidfd;
}

/* Whether the process of pidfd has not been reaped: its pid is still its own. */
static bool pidfd_alive(int pidfd)
{
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0;
}

/* True unless the peer is known to have exited (its pid may be reused). */
static bool peer_still_there(int conn)
{
	int pidfd = peer_pidfd(conn);
	bool alive;

	if (pidfd < 0)
		return true; /* kernel without SO_PEERPIDFD: nothing better to do */
	alive = pidfd_alive(pidfd);
	close(pidfd);
	return alive;
}

int bf_peer_authorize(int conn, int sockfd, struct bf_peer *peer)
{
	struct ucred cred;
	socklen_t len;

	if (sockfd < 0)
		return -EINVAL;
	len = sizeof(peer->netns_cookie);
	if (getsockopt(sockfd, SOL_SOCKET, SO_NETNS_COOKIE, &peer->netns_cookie, &len))
		return errno == ENOTSOCK ? -ENOTSOCK : -EINVAL;
	len = sizeof(cred);
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return -EPERM;
	peer->pid = cred.pid;
	peer->uid = cred.uid;
	if (!has_net_admin(cred.pid) || !caps_apply(cred.pid, sockfd) || !peer_still_there(conn)) {
		bf_dbg("pid %d (uid %u) lacks CAP_NET_ADMIN for netns %" PRIu64, cred.pid, cred.uid,
		       peer->netns_cookie);
		return -EPERM;
	}
	return 0;
}

/*
 * Copy len bytes between buf and addr in the peer's memory. A pid names the
 * peer until it has exited and been reaped: the pidfd is checked before a
 * write (the whole pid space would have to cycle between the check and the
 * write for another process to get it) and after a read (which is then
 * known to have been the peer's).
 */
static int peer_copy(int conn, pid_t pid, uint64_t addr, void *buf, size_t len, bool write)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	int pidfd = peer_pidfd(conn), ret = 0;
	ssize_t n;

	/* without a pidfd, pid could name another process by the time we copy */
	if (pidfd < 0)
		return -EPERM;
	if (write && !pidfd_alive(pidfd)) {
		close(pidfd);
		return -ESRCH;
	}
	n = write ? process_vm_writev(pid, &local, 1, &remote, 1, 0) :
		    process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EFAULT; /* the end of the range is not mapped */
	if (!write && !pidfd_alive(pidfd))
		ret = -ESRCH;
	close(pidfd);
	if (ret && ret != -EFAULT && ret != -ESRCH)
		ret = -EPERM; /* EPERM, ENOMEM...: the socket will do */
	return ret;
}

int bf_peer_read(int conn, pid_t pid, uint64_t addr, void *buf, size_t len)
{
	return peer_copy(conn, pid, addr, buf, len, false);
}

int bf_peer_write(int conn, pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	return peer_copy(conn, pid, addr, (void *)buf, len, true);
}
