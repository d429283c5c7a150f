/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_CONNTRACK_H
#define BPFILTER_UMH_CONNTRACK_H

/*
 * Turn connection tracking on in the netns of socket sockfd. Conntrack runs
 * in a netns only once something asks for it (nf_ct_netns_get()), as
 * xt_state does for ip_tables; BPF netfilter links cannot ask. An nftables
 * rule that reads ct state can: bpfilter adds one, in a chain no hook ever
 * reaches, so it sees no packet and changes no verdict:
 *
 *	table ip bpfilter { chain conntrack { ct state established } }
 *
 * Returns 0 or a negative errno.
 */
int bf_conntrack_enable(int sockfd);

#endif /* BPFILTER_UMH_CONNTRACK_H */
