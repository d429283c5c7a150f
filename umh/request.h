/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One decoded request and the response being built for it.
 */
#ifndef BPFILTER_UMH_REQUEST_H
#define BPFILTER_UMH_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "../sockopt/wire.h"
#include "peer.h"

struct bf_request {
	struct bf_req_hdr hdr;
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

#endif /* BPFILTER_UMH_REQUEST_H */
