/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfilterd's runtime files: /run/bpfilter/{daemon.lock,daemon.sock} and the
 * pin directory <bpffs>/bpfilter.
 */
#ifndef BPFILTER_UMH_RUNTIME_H
#define BPFILTER_UMH_RUNTIME_H

#include <stdbool.h>

#include "opts.h"

#define BF_RUNTIME_DIR "/run/bpfilter"
#define BF_LOCK_PATH BF_RUNTIME_DIR "/daemon.lock"
#define BF_SOCKET_PATH BF_RUNTIME_DIR "/daemon.sock"

struct bf_runtime {
	int lock_fd;
	int listen_fd;
	int token_fd;
	/* the socket came from systemd (socket activation): it owns the file */
	bool activated;
};

/* Take the lock, check the bpffs, create the token. Returns 0 or -errno, logged. */
int bf_runtime_open(struct bf_runtime *rt, const struct bf_opts *opts);
/* The daemon's socket for clients: systemd's (LISTEN_FDS), or a new one. */
int bf_runtime_listen(struct bf_runtime *rt);
void bf_runtime_close(struct bf_runtime *rt);

#endif /* BPFILTER_UMH_RUNTIME_H */
