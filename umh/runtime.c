// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/magic.h>

#include "../bpf/sys.h"
#include "log.h"
#include "runtime.h"

static int take_lock(void)
{
	int fd;

	if (mkdir(BF_RUNTIME_DIR, 0755) && errno != EEXIST) {
		bf_err("cannot create %s: %s", BF_RUNTIME_DIR, strerror(errno));
		return -errno;
	}
	fd = open(BF_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		bf_err("cannot open %s: %s", BF_LOCK_PATH, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		if (err == EWOULDBLOCK)
			bf_err("another bpfilterd is running (%s is locked)", BF_LOCK_PATH);
		else
			bf_err("cannot lock %s: %s", BF_LOCK_PATH, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

/* The pin directory must be on a BPF filesystem: never pin somewhere else. */
static int check_bpffs(const char *path)
{
	struct statfs st;

	if (statfs(path, &st)) {
		bf_err("--bpffs-path %s: %s", path, strerror(errno));
		return -errno;
	}
	if (st.f_type != BPF_FS_MAGIC) {
		bf_err("--bpffs-path %s is not a BPF filesystem (mount -t bpf bpf %s)", path, path);
		return -EINVAL;
	}
	return 0;
}

static int create_token(const char *bpffs)
{
	union bpf_attr attr;
	int fs_fd, fd;

	fs_fd = open(bpffs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs_fd < 0) {
		bf_err("--with-bpf-token: cannot open %s: %s", bpffs, strerror(errno));
		return -errno;
	}
	memset(&attr, 0, sizeof(attr));
	attr.token_create.bpffs_fd = fs_fd;
	fd = syscall(SYS_bpf, BPF_TOKEN_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		bf_err("--with-bpf-token: cannot create a BPF token from %s: %s%s", bpffs,
		       strerror(errno),
		       errno == EINVAL ? " (kernel without BPF token support, v6.9+ needed)" : "");
	close(fs_fd);
	return fd < 0 ? -errno : fd;
}

static int listen_socket(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	strcpy(addr.sun_path, BF_SOCKET_PATH);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* We hold the lock: a socket file left here is a dead daemon's. */
	unlink(BF_SOCKET_PATH);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || chmod(BF_SOCKET_PATH, 0600) ||
	    listen(fd, 64)) {
		bf_err("cannot listen on %s: %s", BF_SOCKET_PATH, strerror(errno));
		close(fd);
		return -errno;
	}
	return fd;
}

int bf_runtime_open(struct bf_runtime *rt, const struct bf_opts *opts)
{
	int ret;

	rt->lock_fd = rt->listen_fd = rt->token_fd = -1;
	rt->activated = false;
	rt->lock_fd = take_lock();
	if (rt->lock_fd < 0)
		return rt->lock_fd;
	if (!opts->transient || opts->with_bpf_token) {
		ret = check_bpffs(opts->bpffs_path);
		if (ret)
			return ret;
	}
	if (opts->with_bpf_token) {
		rt->token_fd = create_token(opts->bpffs_path);
		if (rt->token_fd < 0)
			return rt->token_fd;
		bf_sys_set_token(rt->token_fd);
	}
	return 0;
}

/* sd_listen_fds(): one listening socket passed as fd 3, for this process */
static int activated_socket(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int listening = 0;
	socklen_t len = sizeof(listening);

	if (!pid || !fds || strtol(pid, NULL, 10) != getpid())
		return -ENOENT;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (strcmp(fds, "1") || getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) ||
	    !listening) {
		bf_err("socket activation: expected one listening socket, got LISTEN_FDS=%s", fds);
		return -EINVAL;
	}
	fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

int bf_runtime_listen(struct bf_runtime *rt)
{
	rt->listen_fd = activated_socket();
	rt->activated = rt->listen_fd >= 0;
	if (rt->listen_fd == -EINVAL)
		return -EINVAL;
	if (!rt->activated)
		rt->listen_fd = listen_socket();
	return rt->listen_fd < 0 ? rt->listen_fd : 0;
}

void bf_runtime_close(struct bf_runtime *rt)
{
	if (rt->listen_fd >= 0) {
		close(rt->listen_fd);
		if (!rt->activated)
			unlink(BF_SOCKET_PATH);
	}
	if (rt->token_fd >= 0)
		close(rt->token_fd);
	if (rt->lock_fd >= 0)
		close(rt->lock_fd);
}
