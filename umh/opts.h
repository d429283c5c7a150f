/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_OPTS_H
#define BPFILTER_UMH_OPTS_H

#include <limits.h>
#include <stdbool.h>

enum bf_verbose {
	BF_VERBOSE_DEBUG = 1 << 0, /* every debug log */
	BF_VERBOSE_BPF = 1 << 1, /* programs log failed kernel function calls */
	BF_VERBOSE_BYTECODE = 1 << 2, /* dump programs before loading */
};

struct bf_opts {
	bool transient;
	bool no_cli;
	bool no_nftables;
	bool no_iptables;
	bool with_bpf_token;
	char bpffs_path[PATH_MAX];
	unsigned int verbose;
};

/* Parse argv into opts; exits with a usage message on bad flags. */
void bf_opts_parse(struct bf_opts *opts, int argc, char **argv);

#endif /* BPFILTER_UMH_OPTS_H */
