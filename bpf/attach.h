/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table's place in a network namespace's netfilter hooks.
 *
 * A netfilter link cannot be updated, and two links on one hook would judge
 * packets twice. So each hook gets one small dispatcher program, attached
 * once, that tail-calls the table's current program through a program
 * array; replacing the table is one map update per hook, which every packet
 * sees either before or after: never both, never neither.
 */
#ifndef BPFILTER_BPF_ATTACH_H
#define BPFILTER_BPF_ATTACH_H

#include "loader.h"

/* The filter table's place, as iptable_filter registers itself. */
#define BF_FILTER_PRIORITY 0 /* NF_IP_PRI_FILTER: after conntrack (-200) */

struct bf_attachment {
	char table[XT_TABLE_MAXNAMELEN];
	int prog_array_fd;
	int dispatcher_fds[NF_INET_NUMHOOKS];
	int link_fds[NF_INET_NUMHOOKS];
};

/*
 * Point the hooks of bt at its programs and attach the dispatchers in the
 * calling thread's network namespace. Nothing is attached on failure.
 */
int bf_attach(const struct bf_bpf_table *bt, struct bf_attachment **out, struct xlate_error *err);

/* Switch an attachment to the programs of bt (same table, same hooks). */
int bf_attach_switch(struct bf_attachment *a, const struct bf_bpf_table *bt);

/* Detach: packets are no longer judged by the table. */
void bf_attach_free(struct bf_attachment *a);

/* Wait until no BPF program started before the call is still running. */
int bf_wait_programs(void);

#endif /* BPFILTER_BPF_ATTACH_H */
