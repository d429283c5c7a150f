/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client side of the bpfilter wire protocol: one call, one connection.
 */
#ifndef BPFILTER_SOCKOPT_CLIENT_H
#define BPFILTER_SOCKOPT_CLIENT_H

#include <stdint.h>

#include "wire.h"

struct bf_call {
	enum bf_req_type type;
	int optname;
	uint32_t optlen;
	const void *payload;
	uint32_t payload_len;
	/* the caller's socket: its network namespace is the one addressed */
	int nsfd;
	/* where output goes: out_base + out_offset, at most out_cap bytes */
	void *out_base;
	uint32_t out_cap;
};

struct bf_reply {
	int ret;
	unsigned int flags;
	uint32_t out_len;
	char msg[BF_WIRE_MAX_MSG + 1];
};

/* The daemon's socket: $BPFILTER_SOCKET or BF_DEFAULT_SOCKET. */
const char *bf_client_socket_path(void);

/*
 * Perform one request. Returns 0 when the daemon answered (its result is in
 * reply->ret), -EFAULT when the caller's memory could not be read or
 * written, or another negative errno when the daemon could not be reached
 * or answered something malformed.
 */
int bf_client_call(const struct bf_call *call, struct bf_reply *reply);

#endif /* BPFILTER_SOCKOPT_CLIENT_H */
