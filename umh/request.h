/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One decoded request and the response being built for it.
 */
#ifndef BPFILTER_UMH_REQUEST_H
#define BPFILTER_UMH_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/array_pool.h"
#include "../sockopt/wire.h"
#include "peer.h"

struct bf_request {
	struct bf_req_hdr hdr;
	/* where the client's buffers are, with BF_REQ_REMOTE */
	struct bf_req_remote remote;
	const void *payload;
	/* the payload's buffer: a handler that keeps it sets *keep to NULL */
	void **keep;
	struct bf_peer peer;
	/* the client's socket, which names its network namespace */
	int sockfd;
};

struct bf_response {
	int ret;
	unsigned int flags;
	uint32_t out_offset;
	uint32_t out_len;
	void *out; /* freed after sending */
	char msg[BF_WIRE_MAX_MSG];
};

/*
 * The size to allocate for a payload or an answer of len bytes. The daemon
 * keeps freed memory (main.c), but each `iptables -A` makes the table a
 * little larger than the buffers freed before it, which then no longer fit:
 * glibc extends the heap, and each new page costs a fault (about 60 per
 * append at 10,000 rules). Rounded up to an eighth of their power of two,
 * the buffers of a growing table fit where the previous ones were.
 */
static inline size_t bf_buffer_size(size_t len)
{
	if (len <= 4096)
		return len ? len : 1;
	return bf_round_eighths(len);
}

#endif /* BPFILTER_UMH_REQUEST_H */
