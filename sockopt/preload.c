// SPDX-License-Identifier: GPL-2.0
/*
 * libbpfilter-preload.so: LD_PRELOAD shim that sends an unmodified iptables'
 * ip_tables sockopts to bpfilterd instead of the kernel.
 *
 * Intercepted: getsockopt(SOL_IP, IPT_SO_GET_{INFO,ENTRIES,REVISION_*}) and
 * setsockopt(SOL_IP, IPT_SO_SET_{REPLACE,ADD_COUNTERS}) on AF_INET sockets,
 * and fopen("/proc/net/ip_tables_names"). The daemon answers what it owns and
 * says "pass through" for the rest (other tables, unknown extensions), which
 * then go to the kernel. If the daemon cannot be reached the call fails with
 * one line on stderr: never a silent fallback to the kernel's table.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "client.h"

#define BF_EXPORT __attribute__((visibility("default")))
#define NAMES_PATH "/proc/net/ip_tables_names"

typedef int (*getsockopt_fn)(int, int, int, void *, socklen_t *);
typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);
typedef FILE *(*fopen_fn)(const char *, const char *);

static void *real(const char *sym)
{
	return dlsym(RTLD_NEXT, sym);
}

static void report(const char *what, int err)
{
	static bool reported;

	if (reported)
		return;
	reported = true;
	fprintf(stderr, "bpfilter: cannot %s bpfilterd at %s: %s\n", what, bf_client_socket_path(),
		strerror(-err));
}

static bool is_inet(int fd)
{
	int domain;
	socklen_t len = sizeof(domain);
	getsockopt_fn get = real("getsockopt");

	return get(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_INET;
}

/* Bytes of the caller's buffer the kernel reads as input for a get. */
static uint32_t get_input_size(int optname)
{
	switch (optname) {
	case IPT_SO_GET_INFO:
		return XT_TABLE_MAXNAMELEN;
	case IPT_SO_GET_ENTRIES:
		return sizeof(struct ipt_get_entries);
	case IPT_SO_GET_REVISION_MATCH:
	case IPT_SO_GET_REVISION_TARGET:
		return sizeof(struct xt_get_revision);
	default:
		return 0;
	}
}

/* Turn a daemon reply into the sockopt's return value and errno. */
static int finish(int err, const struct bf_reply *reply)
{
	if (err == -EFAULT) {
		errno = EFAULT;
		return -1;
	}
	if (err) {
		report("reach", err);
		errno = ECONNREFUSED;
		return -1;
	}
	if (reply->msg[0])
		fprintf(stderr, "bpfilter: %s\n", reply->msg);
	if (reply->ret) {
		errno = -reply->ret;
		return -1;
	}
	return 0;
}

/* A socket of the netns where the daemon made a table for us that is not in force; -1. */
static int pending_fd = -1;

static uint64_t netns_cookie(int fd)
{
	getsockopt_fn get = real("getsockopt");
	socklen_t len = sizeof(uint64_t);
	uint64_t cookie = 0;

	get(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len);
	return cookie;
}

/*
 * A table the daemon made when we named it is put in force when we settle
 * it (BF_RESP_PENDING), before we exit, unless we replaced it meanwhile:
 * then every packet sent after this command counts on it, as with the
 * kernel, which makes the table on first use.
 */
static void track_pending(int err, const struct bf_call *call, const struct bf_reply *reply)
{
	if (err || (reply->flags & BF_RESP_PASSTHROUGH))
		return;
	if (reply->flags & BF_RESP_PENDING) {
		if (pending_fd < 0)
			pending_fd = fcntl(call->nsfd, F_DUPFD_CLOEXEC, 0);
		return;
	}
	if (pending_fd >= 0 && call->type == BF_REQ_SETSOCKOPT &&
	    call->optname == IPT_SO_SET_REPLACE && reply->ret == 0 &&
	    netns_cookie(call->nsfd) == netns_cookie(pending_fd)) {
		close(pending_fd);
		pending_fd = -1;
	}
}

__attribute__((destructor)) static void settle_at_exit(void)
{
	struct bf_call call = { .type = BF_REQ_SETTLE, .nsfd = pending_fd };
	struct bf_reply reply;
	int err;

	if (pending_fd < 0)
		return;
	err = bf_client_call(&call, &reply);
	if (err)
		report("reach", err);
	else if (reply.ret)
		fprintf(stderr, "bpfilter: cannot put the filter table in force: %s\n",
			reply.msg[0] ? reply.msg : strerror(-reply.ret));
	close(pending_fd);
	pending_fd = -1;
}

BF_EXPORT int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
	getsockopt_fn real_get = real("getsockopt");
	uint32_t input = get_input_size(optname);
	struct bf_reply reply;
	struct bf_call call;
	int err;

	if (level != SOL_IP || !input || !optlen || !is_inet(fd))
		return real_get(fd, level, optname, optval, optlen);

	call = (struct bf_call){
		.type = BF_REQ_GETSOCKOPT,
		.optname = optname,
		.optlen = *optlen,
		.payload = optval,
		.payload_len = *optlen < input ? *optlen : input,
		.nsfd = fd,
		.out_base = optval,
		.out_cap = *optlen,
	};
	err = bf_client_call(&call, &reply);
	track_pending(err, &call, &reply);
	if (!err && (reply.flags & BF_RESP_PASSTHROUGH))
		return real_get(fd, level, optname, optval, optlen);
	return finish(err, &reply);
}

/* Read the caller's memory without faulting: -EFAULT where the kernel would. */
static int read_user(void *dst, const void *src, size_t len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)src, .iov_len = len };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/*
 * How much of a set request to send. A request the daemon will refuse from
 * its header alone (too short, too large) is sent as just that header.
 */
static int set_payload(int optname, const void *optval, uint32_t optlen, uint32_t *len,
		       struct ipt_replace *repl)
{
	uint64_t total;

	*len = optlen < BF_WIRE_MAX_PAYLOAD ? optlen : sizeof(struct xt_counters_info);
	if (optname != IPT_SO_SET_REPLACE || optlen < sizeof(*repl))
		return 0;
	if (read_user(repl, optval, sizeof(*repl)))
		return -EFAULT;
	total = (uint64_t)sizeof(*repl) + repl->size;
	*len = (total > optlen || total > BF_WIRE_MAX_PAYLOAD) ? sizeof(*repl) : total;
	return 0;
}

BF_EXPORT int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
	setsockopt_fn real_set = real("setsockopt");
	struct ipt_replace repl = { 0 };
	struct bf_reply reply;
	struct bf_call call;
	uint32_t len;
	int err;

	if (level != SOL_IP ||
	    (optname != IPT_SO_SET_REPLACE && optname != IPT_SO_SET_ADD_COUNTERS) || !is_inet(fd))
		return real_set(fd, level, optname, optval, optlen);

	err = set_payload(optname, optval, optlen, &len, &repl);
	if (err)
		return finish(err, NULL);
	call = (struct bf_call){
		.type = BF_REQ_SETSOCKOPT,
		.optname = optname,
		.optlen = optlen,
		.payload = optval,
		.payload_len = len,
		.nsfd = fd,
		/* SET_REPLACE hands back the old counters, as the kernel does */
		.out_base = repl.counters,
		.out_cap = repl.counters ?
				   (uint32_t)(repl.num_counters * sizeof(struct xt_counters)) :
				   0,
	};
	err = bf_client_call(&call, &reply);
	track_pending(err, &call, &reply);
	if (!err && (reply.flags & BF_RESP_PASSTHROUGH))
		return real_set(fd, level, optname, optval, optlen);
	/* The new table is in place: like the kernel, a bad counters pointer is silent. */
	if (err == -EFAULT && reply.ret == 0 && optname == IPT_SO_SET_REPLACE && reply.out_len)
		err = 0;
	return finish(err, &reply);
}

#define MAX_OWNED 8

struct owned_tables {
	char name[MAX_OWNED][XT_TABLE_MAXNAMELEN];
	bool here[MAX_OWNED];
	unsigned int n;
};

/* The daemon's lines: "+name" owned and instantiated here, "-name" owned only. */
static void parse_owned(char *text, struct owned_tables *owned)
{
	char *save, *p;

	owned->n = 0;
	for (p = strtok_r(text, "\n", &save); p && owned->n < MAX_OWNED;
	     p = strtok_r(NULL, "\n", &save)) {
		if ((p[0] != '+' && p[0] != '-') || strlen(p + 1) >= XT_TABLE_MAXNAMELEN)
			continue;
		strcpy(owned->name[owned->n], p + 1);
		owned->here[owned->n++] = p[0] == '+';
	}
}

static bool is_owned(const struct owned_tables *owned, const char *name)
{
	unsigned int i;

	for (i = 0; i < owned->n; i++)
		if (strcmp(owned->name[i], name) == 0)
			return true;
	return false;
}

static int ask_owned(struct owned_tables *owned)
{
	char text[512] = { 0 };
	struct bf_reply reply;
	struct bf_call call;
	int fd, err;

	/* Any AF_INET socket names our network namespace. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	call = (struct bf_call){
		.type = BF_REQ_TABLE_NAMES,
		.nsfd = fd,
		.out_base = text,
		.out_cap = sizeof(text) - 1,
	};
	err = bf_client_call(&call, &reply);
	close(fd);
	if (err) {
		report("reach", err);
		return -ECONNREFUSED;
	}
	if (reply.ret)
		return reply.ret;
	parse_owned(text, owned);
	return 0;
}

/* ip_tables_names as this netns would show it: our tables, then the kernel's. */
static FILE *open_table_names(void)
{
	fopen_fn real_fopen = real("fopen");
	struct owned_tables owned;
	FILE *kernel, *out;
	char line[64];
	unsigned int i;
	int fd, err;

	err = ask_owned(&owned);
	if (err) {
		errno = -err;
		return NULL;
	}
	fd = memfd_create("ip_tables_names", MFD_CLOEXEC);
	out = fd >= 0 ? fdopen(fd, "w+") : NULL;
	if (!out) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (i = 0; i < owned.n; i++)
		if (owned.here[i])
			fprintf(out, "%s\n", owned.name[i]);
	kernel = real_fopen(NAMES_PATH, "r");
	while (kernel && fgets(line, sizeof(line), kernel)) {
		line[strcspn(line, "\n")] = '\0';
		if (!is_owned(&owned, line))
			fprintf(out, "%s\n", line);
	}
	if (kernel)
		fclose(kernel);
	rewind(out);
	return out;
}

BF_EXPORT FILE *fopen(const char *path, const char *mode)
{
	fopen_fn real_fopen = real("fopen");

	if (path && strcmp(path, NAMES_PATH) == 0)
		return open_table_names();
	return real_fopen(path, mode);
}

BF_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}
