// SPDX-License-Identifier: GPL-2.0
/*
 * bpfilterd's command line, as documented in bpfilterd(8).
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>

#include "opts.h"

enum {
	OPT_NO_CLI = 0x100,
	OPT_NO_NFTABLES,
	OPT_NO_IPTABLES,
	OPT_WITH_BPF_TOKEN,
	OPT_BPFFS_PATH,
};

static const struct argp_option options[] = {
	{ "transient", 't', NULL, 0,
	  "Pin nothing and serialize nothing: programs and maps go away with the daemon", 0 },
	{ "no-cli", OPT_NO_CLI, NULL, 0, "Disable bfcli support", 0 },
	{ "no-nftables", OPT_NO_NFTABLES, NULL, 0, "Disable nftables support", 0 },
	{ "no-iptables", OPT_NO_IPTABLES, NULL, 0, "Disable iptables support", 0 },
	{ "with-bpf-token", OPT_WITH_BPF_TOKEN, NULL, 0,
	  "Associate a BPF token, created from the bpffs at --bpffs-path, to every bpf() call", 0 },
	{ "bpffs-path", OPT_BPFFS_PATH, "DIR", 0,
	  "BPF filesystem to pin objects into (as DIR/bpfilter), default /sys/fs/bpf", 0 },
	{ "verbose", 'v', "VERBOSE_FLAG", 0,
	  "Enable verbose logs for VERBOSE_FLAG: debug, bpf or bytecode (repeatable)", 0 },
	{ 0 },
};

static int parse_verbose(const char *arg, unsigned int *verbose)
{
	static const struct {
		const char *name;
		unsigned int flag;
	} flags[] = {
		{ "debug", BF_VERBOSE_DEBUG },
		{ "bpf", BF_VERBOSE_BPF },
		{ "bytecode", BF_VERBOSE_BYTECODE },
	};
	unsigned int i;

	/* Accept both "-v debug" and "-v=debug", as the documentation writes it. */
	if (arg[0] == '=')
		arg++;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strcmp(arg, flags[i].name) == 0) {
			*verbose |= flags[i].flag;
			return 0;
		}
	}
	return -1;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct bf_opts *opts = state->input;

	switch (key) {
	case 't':
		opts->transient = true;
		break;
	case OPT_NO_CLI:
		opts->no_cli = true;
		break;
	case OPT_NO_NFTABLES:
		opts->no_nftables = true;
		break;
	case OPT_NO_IPTABLES:
		opts->no_iptables = true;
		break;
	case OPT_WITH_BPF_TOKEN:
		opts->with_bpf_token = true;
		break;
	case OPT_BPFFS_PATH:
		if (!arg[0] || strlen(arg) >= sizeof(opts->bpffs_path))
			argp_error(state, "invalid --bpffs-path '%s'", arg);
		strcpy(opts->bpffs_path, arg);
		break;
	case 'v':
		if (parse_verbose(arg, &opts->verbose))
			argp_error(state, "unknown verbose flag '%s' (debug, bpf or bytecode)",
				   arg);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void bf_opts_parse(struct bf_opts *opts, int argc, char **argv)
{
	static const struct argp argp = {
		.options = options,
		.parser = parse_opt,
		.doc = "bpfilterd -- translate iptables rules into BPF programs and manage them",
	};

	memset(opts, 0, sizeof(*opts));
	strcpy(opts->bpffs_path, "/sys/fs/bpf");
	argp_parse(&argp, argc, argv, 0, NULL, opts);
}
