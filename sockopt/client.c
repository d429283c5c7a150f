// SPDX-License-Identifier: GPL-2.0
/*
 * Client side of the bpfilter wire protocol.
 */
#include <errno.h>
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

static int send_request(int fd, const struct bf_call *call)
{
	struct bf_req_hdr hdr;
	int err;

	bf_io_make_room(fd, call->payload_len);

	bf_wire_init_req(&hdr, call->type, call->optname, call->optlen, call->payload_len);
	err = bf_io_send_with_fd(fd, &hdr, sizeof(hdr), call->nsfd);
	if (err)
		return err;
	/* Sent straight from the caller's memory: a bad pointer is -EFAULT. */
	return bf_io_write_full(fd, call->payload, call->payload_len);
}

static int recv_reply(int fd, const struct bf_call *call, struct bf_reply *reply)
{
	struct bf_resp_hdr hdr;
	int err;

	err = bf_io_read_full(fd, &hdr, sizeof(hdr));
	if (err)
		return err == -EFAULT ? -EPROTO : err;
	if (bf_wire_check_resp(&hdr))
		return -EPROTO;
	if ((uint64_t)hdr.out_offset + hdr.out_len > call->out_cap)
		return -EPROTO;
	reply->ret = hdr.ret;
	reply->flags = hdr.flags;
	reply->out_len = hdr.out_len;
	if (hdr.out_len) {
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
	int fd, err;

	memset(reply, 0, sizeof(*reply));
	fd = connect_daemon();
	if (fd < 0)
		return fd;
	err = send_request(fd, call);
	/*
	 * A request refused from its header alone is answered before the
	 * payload is read: the answer waits in our queue even if sending broke.
	 */
	if (!err || err == -EPIPE || err == -ECONNRESET)
		err = recv_reply(fd, call, reply);
	close(fd);
	return err;
}
