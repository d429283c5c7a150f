// SPDX-License-Identifier: GPL-2.0
/*
 * Client side of the bpfilter wire protocol.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"

const char *bf_client_socket_path(void)
{
	const char *path = getenv("BPFILTER_SOCKET");

	return path && *path ? path : BF_DEFAULT_SOCKET;
}

static int connect_daemon(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *path = bf_client_socket_path();
	int fd, err;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Sent straight from the caller's memory: a bad pointer is -EFAULT. */
static int send_payload(int fd, const struct bf_call *call)
{
	bf_io_make_room(fd, call->payload_len);
	return bf_io_write_full(fd, call->payload, call->payload_len);
}

/*
 * The header, then the payload; or, for a large payload or answer, the
 * header and where the buffers are, in one message (BF_REQ_REMOTE).
 */
static int send_request(int fd, const struct bf_call *call, bool remote)
{
	struct {
		struct bf_req_hdr hdr;
		struct bf_req_remote remote;
	} head = { 0 };
	int err;

	bf_wire_init_req(&head.hdr, call->type, call->optname, call->optlen, call->payload_len);
	if (remote) {
		head.hdr.flags = BF_REQ_REMOTE;
		head.remote.payload = (uintptr_t)call->payload;
		head.remote.out = (uintptr_t)call->out_base;
		head.remote.out_cap = call->out_cap;
		return bf_io_send_with_fd(fd, &head, sizeof(head), call->nsfd);
	}
	err = bf_io_send_with_fd(fd, &head.hdr, sizeof(head.hdr), call->nsfd);
	if (err)
		return err;
	return send_payload(fd, call);
}

static int recv_header(int fd, struct bf_resp_hdr *hdr)
{
	int err = bf_io_read_full(fd, hdr, sizeof(*hdr));

	if (err)
		return err == -EFAULT ? -EPROTO : err;
	return bf_wire_check_resp(hdr) ? -EPROTO : 0;
}

static int recv_reply(int fd, const struct bf_call *call, bool remote, struct bf_reply *reply)
{
	struct bf_resp_hdr hdr;
	int err;

	err = recv_header(fd, &hdr);
	if (!err && remote && (hdr.flags & BF_RESP_SEND_PAYLOAD)) {
		/* the daemon may not read our memory: it gets the payload sent */
		err = send_payload(fd, call);
		if (!err)
			err = recv_header(fd, &hdr);
	}
	if (err)
		return err;
	if (hdr.flags & BF_RESP_SEND_PAYLOAD)
		return -EPROTO; /* asked for what it has, or was sent */
	if ((hdr.flags & BF_RESP_OUT_WRITTEN) && !remote)
		return -EPROTO; /* it was not told where */
	if ((uint64_t)hdr.out_offset + hdr.out_len > call->out_cap)
		return -EPROTO;
	reply->ret = hdr.ret;
	reply->flags = hdr.flags & ~BF_RESP_OUT_WRITTEN;
	reply->out_len = hdr.out_len;
	if (hdr.out_len && !(hdr.flags & BF_RESP_OUT_WRITTEN)) {
		err = bf_io_read_full(fd, (char *)call->out_base + hdr.out_offset, hdr.out_len);
		if (err)
			return err;
	}
	err = bf_io_read_full(fd, reply->msg, hdr.msg_len);
	reply->msg[err ? 0 : hdr.msg_len] = '\0';
	return err;
}

int bf_client_call(const struct bf_call *call, struct bf_reply *reply)
{
	bool remote = call->payload_len >= BF_WIRE_REMOTE_MIN ||
		      call->out_cap >= BF_WIRE_REMOTE_MIN;
	int fd, err;

	memset(reply, 0, sizeof(*reply));
	fd = connect_daemon();
	if (fd < 0)
		return fd;
	err = send_request(fd, call, remote);
	/*
	 * A request refused from its header alone is answered before the
	 * payload is read: the answer waits in our queue even if sending broke.
	 */
	if (!err || err == -EPIPE || err == -ECONNRESET)
		err = recv_reply(fd, call, remote, reply);
	close(fd);
	return err;
}
