// SPDX-License-Identifier: GPL-2.0
/*
 * The request loop: one connection, one request, one response. A client
 * that is malformed, unauthorized, slow or dies mid-request gets an error or
 * is dropped; nothing changes and the loop goes on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "heap.h"
#include "ipt.h"
#include "log.h"
#include "events.h"
#include "local_routes.h"
#include "netns.h"
#include "netns_reap.h"
#include "server.h"
#include "settle.h"

/* A client gets this long to send its request and read the answer. */
#define BF_IO_TIMEOUT_SEC 10

/*
 * Write the output in the client's buffer if it said where (BF_REQ_REMOTE)
 * and it is large; 0, or nonzero to send it on the socket.
 */
static int write_output(int conn, const struct bf_request *req, const struct bf_response *resp)
{
	int ret;

	if (!req || !(req->hdr.flags & BF_REQ_REMOTE) || resp->out_len < BF_WIRE_REMOTE_MIN ||
	    (uint64_t)resp->out_offset + resp->out_len > req->remote.out_cap)
		return -1;
	ret = bf_peer_write(conn, req->peer.pid, req->remote.out + resp->out_offset, resp->out,
			    resp->out_len);
	if (ret)
		bf_dbg("cannot write pid %d's memory (%s): sending the answer", req->peer.pid,
		       strerror(-ret));
	return ret;
}

/* The answer to req (NULL: refused before the header was known good). */
static void send_response(int conn, const struct bf_request *req, const struct bf_response *resp)
{
	struct bf_resp_hdr hdr;
	uint32_t msg_len = strnlen(resp->msg, sizeof(resp->msg));
	uint32_t sent_len = resp->out_len;

	bf_wire_init_resp(&hdr, resp->ret);
	hdr.flags = resp->flags;
	hdr.out_offset = resp->out_offset;
	hdr.out_len = resp->out_len;
	hdr.msg_len = msg_len;
	if (resp->out_len && !write_output(conn, req, resp)) {
		hdr.flags |= BF_RESP_OUT_WRITTEN;
		sent_len = 0;
	}
	bf_io_make_room(conn, sizeof(hdr) + sent_len + msg_len);
	if (bf_io_write_full(conn, &hdr, sizeof(hdr)) ||
	    bf_io_write_full(conn, resp->out, sent_len) ||
	    bf_io_write_full(conn, resp->msg, msg_len))
		bf_dbg("client went away before reading its answer");
}

static void dispatch(const struct bf_opts *opts, const struct bf_request *req,
		     struct bf_response *resp)
{
	if (opts->no_iptables) {
		resp->ret = -EOPNOTSUPP;
		strcpy(resp->msg, "the iptables front-end is disabled (bpfilterd --no-iptables)");
		return;
	}
	switch (req->hdr.type) {
	case BF_REQ_GETSOCKOPT:
		return bf_ipt_get(req, resp);
	case BF_REQ_SETSOCKOPT:
		return bf_ipt_set(req, resp);
	case BF_REQ_TABLE_NAMES:
		return bf_ipt_table_names(req, resp);
	case BF_REQ_SETTLE:
		return bf_settle_request(req, resp);
	default:
		resp->ret = -EINVAL;
	}
}

static void set_timeouts(int conn)
{
	struct timeval tv = { .tv_sec = BF_IO_TIMEOUT_SEC };

	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * The payload: sent after the header, or read in the client's memory
 * (BF_REQ_REMOTE), or asked for when that is not allowed. Returns 0, or -1
 * when the request ends here (answered, or the client gone).
 */
static int read_payload(int conn, struct bf_request *req, void *payload, struct bf_response *resp)
{
	struct bf_response ask = { .flags = BF_RESP_SEND_PAYLOAD };
	uint32_t len = req->hdr.payload_len;
	int ret;

	if (!(req->hdr.flags & BF_REQ_REMOTE))
		return bf_io_read_full(conn, payload, len) ? -1 : 0;
	if (bf_io_read_full(conn, &req->remote, sizeof(req->remote)))
		return -1;
	ret = req->remote.reserved ? -EINVAL : 0;
	if (!ret)
		ret = bf_peer_read(conn, req->peer.pid, req->remote.payload, payload, len);
	if (ret == 0)
		return 0;
	if (ret == -EFAULT || ret == -EINVAL) {
		/* -EFAULT as the kernel's copy_from_user() of a bad optval */
		resp->ret = ret;
		send_response(conn, NULL, resp);
		return -1;
	}
	if (ret == -ESRCH)
		return -1;
	bf_dbg("cannot read pid %d's memory (%s): asking for the payload", req->peer.pid,
	       strerror(-ret));
	send_response(conn, NULL, &ask);
	return bf_io_read_full(conn, payload, len) ? -1 : 0;
}

static void handle_conn(const struct bf_opts *opts, int conn)
{
	struct bf_response resp = { 0 };
	struct bf_request req = { 0 };
	void *payload = NULL;
	int nsfd = -1;

	set_timeouts(conn);
	if (bf_io_recv_with_fd(conn, &req.hdr, sizeof(req.hdr), &nsfd))
		goto out; /* gone before finishing its header */
	resp.ret = bf_wire_check_req(&req.hdr);
	if (!resp.ret)
		resp.ret = bf_peer_authorize(conn, nsfd, &req.peer);
	if (resp.ret) {
		/* Refused from the header alone: nothing is read or allocated. */
		bf_dbg("request refused: %s", strerror(-resp.ret));
		send_response(conn, NULL, &resp);
		goto out;
	}
	payload = malloc(bf_buffer_size(req.hdr.payload_len));
	if (!payload) {
		resp.ret = -ENOMEM;
		send_response(conn, NULL, &resp);
		goto out;
	}
	/*
	 * A large payload is a table: its pages, and the heap its translation
	 * will take, are faulted in at once.
	 */
	if (req.hdr.payload_len >= BF_WIRE_REMOTE_MIN) {
		bf_heap_populate(payload, req.hdr.payload_len);
		bf_heap_reserve_translation(req.hdr.payload_len);
	}
	if (read_payload(conn, &req, payload, &resp))
		goto out; /* answered, or died mid-request: nothing changes */
	req.payload = payload;
	req.keep = &payload;
	req.sockfd = nsfd;
	bf_dbg("pid %d: type %u optname %d optlen %u", req.peer.pid, req.hdr.type, req.hdr.optname,
	       req.hdr.optlen);
	dispatch(opts, &req, &resp);
	send_response(conn, &req, &resp);
out:
	free(resp.out);
	free(payload);
	if (nsfd >= 0)
		close(nsfd);
}

static int stop_signals_fd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

#define SERVER_FIXED_FDS 4

/* The daemon's sockets, then each netns's route watcher; returns how many. */
static nfds_t poll_set(struct pollfd **fds, nfds_t *cap, int listen_fd, int sig_fd, int reap_fd)
{
	struct bf_netns *ns;
	nfds_t n = SERVER_FIXED_FDS;

	for (ns = bf_netns_first(); ns; ns = ns->next)
		n += ns->route_mon_fd >= 0;
	if (n > *cap) {
		struct pollfd *bigger = realloc(*fds, n * sizeof(**fds));

		if (!bigger)
			return 0;
		*fds = bigger;
		*cap = n;
	}
	(*fds)[0] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
	(*fds)[1] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
	(*fds)[2] = (struct pollfd){ .fd = bf_events_poll_fd(), .events = POLLIN };
	(*fds)[3] = (struct pollfd){ .fd = reap_fd, .events = POLLIN };
	n = SERVER_FIXED_FDS;
	for (ns = bf_netns_first(); ns; ns = ns->next)
		if (ns->route_mon_fd >= 0)
			(*fds)[n++] = (struct pollfd){ .fd = ns->route_mon_fd, .events = POLLIN };
	return n;
}

static void update_local_routes(const struct pollfd *fds, nfds_t n)
{
	struct bf_netns *ns;
	nfds_t i;

	for (i = SERVER_FIXED_FDS; i < n; i++) {
		if (!fds[i].revents)
			continue;
		for (ns = bf_netns_first(); ns; ns = ns->next)
			if (ns->route_mon_fd == fds[i].fd)
				bf_local_routes_update(ns);
	}
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Look for namespaces gone when one is unnamed, and every BF_REAP_INTERVAL_MS. */
static int reap_if_due(int reap_fd, bool unnamed, int64_t *next)
{
	int64_t now = now_ms();

	if (unnamed)
		bf_netns_reap_drain(reap_fd);
	if (unnamed || now >= *next) {
		bf_netns_reap(reap_fd);
		*next = now + BF_REAP_INTERVAL_MS;
	}
	return (int)(*next - now);
}

/*
 * Tables made for a client that died before settling them: put in force
 * once no request came for BF_SETTLE_IDLE_MS (tried once per such pause: a
 * table that cannot be put in force is not retried in a loop). The poll
 * timeout until then.
 */
static int settle_if_idle(int64_t last_request, bool *tried, int timeout)
{
	int64_t idle, left;

	if (*tried || !bf_settle_any_pending())
		return timeout;
	idle = now_ms() - last_request;
	if (idle >= BF_SETTLE_IDLE_MS) {
		bf_settle_all();
		*tried = true;
		return timeout;
	}
	left = BF_SETTLE_IDLE_MS - idle;
	return timeout < 0 || left < timeout ? (int)left : timeout;
}

int bf_server_run(const struct bf_opts *opts, int listen_fd)
{
	int sig_fd, reap_fd, timeout, ret = 0;
	int64_t next_reap = 0, last_request = 0;
	bool settle_tried = false;
	struct pollfd *fds = NULL;
	nfds_t n, cap = 0;

	signal(SIGPIPE, SIG_IGN);
	sig_fd = stop_signals_fd();
	if (sig_fd < 0)
		return -errno;
	reap_fd = bf_netns_reap_watch();
	timeout = reap_if_due(reap_fd, false, &next_reap);
	for (;;) {
		int conn;

		n = poll_set(&fds, &cap, listen_fd, sig_fd, reap_fd);
		if (!n) {
			ret = -ENOMEM;
			break;
		}
		if (poll(fds, n, settle_if_idle(last_request, &settle_tried, timeout)) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (fds[1].revents) {
			bf_info("stopping");
			break;
		}
		if (fds[2].revents)
			bf_events_drain();
		update_local_routes(fds, n);
		timeout = reap_if_due(reap_fd, fds[3].revents, &next_reap);
		if (!fds[0].revents)
			continue;
		conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0)
			continue;
		handle_conn(opts, conn);
		close(conn);
		last_request = now_ms();
		settle_tried = false;
	}
	free(fds);
	close(sig_fd);
	if (reap_fd >= 0)
		close(reap_fd);
	return ret;
}
