/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bpfilter wire protocol between clients (the LD_PRELOAD shim, tools)
 * and bpfilterd, over the UNIX stream socket /run/bpfilter/daemon.sock.
 *
 * One request and one response per connection, both length-prefixed:
 *
 *   request:  struct bf_req_hdr, payload_len bytes of payload (or, with
 *             BF_REQ_REMOTE, where it is), and the client's own socket
 *             (SCM_RIGHTS) whose netns is the target
 *   response: struct bf_resp_hdr, out_len bytes of output (unless
 *             BF_RESP_OUT_WRITTEN), msg_len bytes of text for the user (no
 *             NUL)
 *
 * Integers are in host byte order: both ends are on the same machine. Every
 * field is checked against the limits below before anything is allocated.
 */
#ifndef BPFILTER_SOCKOPT_WIRE_H
#define BPFILTER_SOCKOPT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define BF_WIRE_MAGIC 0x4c465042u /* "BPFL" */
#define BF_WIRE_VERSION 1
#define BF_DEFAULT_SOCKET "/run/bpfilter/daemon.sock"

/* A table blob (512 MiB, the kernel's XT_MAX_TABLE_SIZE) and its header. */
#define BF_WIRE_MAX_PAYLOAD (512u * 1024 * 1024 + 4096)
#define BF_WIRE_MAX_MSG 1024u

enum bf_req_type {
	/* getsockopt(SOL_IP, optname): payload is the caller's input bytes */
	BF_REQ_GETSOCKOPT = 1,
	/* setsockopt(SOL_IP, optname): payload is the option value */
	BF_REQ_SETSOCKOPT = 2,
	/* which tables bpfilterd owns in the netns (for ip_tables_names) */
	BF_REQ_TABLE_NAMES = 3,
	/* put in force the netns's tables made for reading (BF_RESP_PENDING) */
	BF_REQ_SETTLE = 4,
	__BF_REQ_MAX,
};

struct bf_req_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	int32_t optname;
	uint32_t optlen; /* the caller's optlen */
	uint32_t payload_len;
	uint32_t flags; /* BF_REQ_*; others must be zero */
};

/*
 * The client's buffers are read and written in place: a struct bf_req_remote
 * follows the header instead of the payload, and the daemon reads the
 * payload and writes a large answer with process_vm_readv()/writev(): one
 * copy where a socket makes two and allocates the bytes in between (about
 * 1 ms for a 1.5 MB table here). A daemon that may not (it lacks
 * CAP_SYS_PTRACE over the client, a filter denies the calls) answers first
 * with BF_RESP_SEND_PAYLOAD: the client then sends the payload on the
 * socket; and an answer it cannot write there follows the header as usual.
 */
#define BF_REQ_REMOTE 0x1

struct bf_req_remote {
	uint64_t payload; /* where the payload_len bytes of payload are */
	uint64_t out; /* the caller's output buffer */
	uint32_t out_cap; /* its size */
	uint32_t reserved; /* must be zero */
};

/* Requests with this much payload or room for output use BF_REQ_REMOTE. */
#define BF_WIRE_REMOTE_MIN (64u << 10)

/* The kernel's table is the one to ask: the shim calls the real sockopt. */
#define BF_RESP_PASSTHROUGH 0x1
/* Not an answer yet: send the payload on the socket, then read the answer. */
#define BF_RESP_SEND_PAYLOAD 0x2
/* The out_len bytes of output are in the caller's buffer already (BF_REQ_REMOTE). */
#define BF_RESP_OUT_WRITTEN 0x4
/*
 * The table asked for was made by this request or one before it, and is not
 * in force yet: the client sends BF_REQ_SETTLE before it exits, unless it
 * replaced the table meanwhile.
 */
#define BF_RESP_PENDING 0x8

struct bf_resp_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t flags;
	int32_t ret; /* 0 or a negative errno, as the kernel's handler */
	uint32_t out_offset; /* where the output goes in the caller's buffer */
	uint32_t out_len;
	uint32_t msg_len;
};

/* Header checks: 0, or -EPROTO (not ours), -EINVAL, -EMSGSIZE. */
int bf_wire_check_req(const struct bf_req_hdr *hdr);
int bf_wire_check_resp(const struct bf_resp_hdr *hdr);

void bf_wire_init_req(struct bf_req_hdr *hdr, enum bf_req_type type, int optname, uint32_t optlen,
		      uint32_t payload_len);
void bf_wire_init_resp(struct bf_resp_hdr *hdr, int ret);

/* Read or write exactly len bytes; -errno, or -EPIPE on early end of file. */
int bf_io_read_full(int fd, void *buf, size_t len);
int bf_io_write_full(int fd, const void *buf, size_t len);

/* Send hdr plus the first chunk of payload with passfd attached. */
int bf_io_send_with_fd(int fd, const void *buf, size_t len, int passfd);
/*
 * Room in fd's send buffer for a message of len: through the default one
 * (200 KB) a table of megabytes goes out in turns with the peer's reads.
 * SO_SNDBUFFORCE needs CAP_NET_ADMIN (the daemon, iptables); without it the
 * default stays. The memory is freed as the peer reads.
 */
void bf_io_make_room(int fd, size_t len);
/* Receive exactly len bytes; the first fd attached is stored in *passfd. */
int bf_io_recv_with_fd(int fd, void *buf, size_t len, int *passfd);

#endif /* BPFILTER_SOCKOPT_WIRE_H */
