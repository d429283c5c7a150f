/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_SERVER_H
#define BPFILTER_UMH_SERVER_H

#include "opts.h"

/* Serve requests on listen_fd until SIGTERM or SIGINT. Returns 0 or -errno. */
int bf_server_run(const struct bf_opts *opts, int listen_fd);

#endif /* BPFILTER_UMH_SERVER_H */
