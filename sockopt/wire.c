// SPDX-License-Identifier: GPL-2.0
/*
 * Codec and I/O of the bpfilter wire protocol (see wire.h).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wire.h"

int bf_wire_check_req(const struct bf_req_hdr *hdr)
{
	if (hdr->magic != BF_WIRE_MAGIC || hdr->version != BF_WIRE_VERSION)
		return -EPROTO;
	if (hdr->type == 0 || hdr->type >= __BF_REQ_MAX || (hdr->flags & ~BF_REQ_REMOTE))
		return -EINVAL;
	if (hdr->payload_len > BF_WIRE_MAX_PAYLOAD)
		return -EMSGSIZE;
	return 0;
}

int bf_wire_check_resp(const struct bf_resp_hdr *hdr)
{
	if (hdr->magic != BF_WIRE_MAGIC || hdr->version != BF_WIRE_VERSION)
		return -EPROTO;
	if (hdr->flags &
	    ~(BF_RESP_PASSTHROUGH | BF_RESP_SEND_PAYLOAD | BF_RESP_OUT_WRITTEN | BF_RESP_PENDING))
		return -EINVAL;
	/* a request for the payload carries nothing else */
	if ((hdr->flags & BF_RESP_SEND_PAYLOAD) &&
	    (hdr->flags != BF_RESP_SEND_PAYLOAD || hdr->ret || hdr->out_len || hdr->msg_len))
		return -EINVAL;
	/* A result is 0 or a negative errno; nothing else comes back. */
	if (hdr->ret > 0 || hdr->ret < -4095)
		return -EINVAL;
	if (hdr->out_len > BF_WIRE_MAX_PAYLOAD || hdr->msg_len > BF_WIRE_MAX_MSG)
		return -EMSGSIZE;
	if ((uint64_t)hdr->out_offset + hdr->out_len > BF_WIRE_MAX_PAYLOAD)
		return -EMSGSIZE;
	return 0;
}

void bf_wire_init_req(struct bf_req_hdr *hdr, enum bf_req_type type, int optname, uint32_t optlen,
		      uint32_t payload_len)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = BF_WIRE_MAGIC;
	hdr->version = BF_WIRE_VERSION;
	hdr->type = type;
	hdr->optname = optname;
	hdr->optlen = optlen;
	hdr->payload_len = payload_len;
}

void bf_wire_init_resp(struct bf_resp_hdr *hdr, int ret)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = BF_WIRE_MAGIC;
	hdr->version = BF_WIRE_VERSION;
	hdr->ret = ret;
}

int bf_io_read_full(int fd, void *buf, size_t len)
{
	return bf_io_recv_with_fd(fd, buf, len, NULL);
}

int bf_io_write_full(int fd, const void *buf, size_t len)
{
	return bf_io_send_with_fd(fd, buf, len, -1);
}

int bf_io_send_with_fd(int fd, const void *buf, size_t len, int passfd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	const char *p = buf;

	while (len) {
		struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (passfd >= 0) {
			struct cmsghdr *c;

			msg.msg_control = cbuf;
			msg.msg_controllen = sizeof(cbuf);
			c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &passfd, sizeof(int));
		}
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		passfd = -1;
		p += n;
		len -= n;
	}
	return 0;
}

static void take_fd(struct msghdr *msg, int *passfd)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		int fd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len != CMSG_LEN(sizeof(int)))
			continue;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		if (passfd && *passfd < 0)
			*passfd = fd;
		else
			close(fd);
	}
}

int bf_io_recv_with_fd(int fd, void *buf, size_t len, int *passfd)
{
	char *p = buf;

	while (len) {
		char cbuf[CMSG_SPACE(sizeof(int) * 4)];
		struct iovec iov = { .iov_base = p, .iov_len = len };
		struct msghdr msg = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = cbuf,
			.msg_controllen = sizeof(cbuf),
		};
		ssize_t n;

		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		take_fd(&msg, passfd);
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}

/* Messages up to this size fit a socket's default buffer. */
#define BF_IO_SMALL (64u << 10)

void bf_io_make_room(int fd, size_t len)
{
	int size = len < INT_MAX / 2 ? (int)len : INT_MAX / 2;

	if (len > BF_IO_SMALL)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
}
