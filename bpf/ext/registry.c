// SPDX-License-Identifier: GPL-2.0
/*
 * The matches and targets with a BPF translation; add a new file's ops here.
 * An extension the validator knows but that is missing here is refused with
 * EOPNOTSUPP rather than weakened.
 */
#include <string.h>

#include "../codegen.h"

extern const struct bf_match_gen bf_match_tcp, bf_match_udp, bf_match_icmp, bf_match_multiport,
	bf_match_comment, bf_match_mark, bf_match_iprange, bf_match_length, bf_match_pkttype,
	bf_match_state, bf_match_conntrack, bf_match_limit, bf_match_mac, bf_match_ttl,
	bf_match_dscp, bf_match_tos, bf_match_owner, bf_match_addrtype;
extern const struct bf_target_gen bf_target_error, bf_target_log, bf_target_reject;

static const struct bf_match_gen *const matches[] = {
	&bf_match_tcp,	   &bf_match_udp,      &bf_match_icmp,	    &bf_match_multiport,
	&bf_match_comment, &bf_match_mark,     &bf_match_iprange,   &bf_match_length,
	&bf_match_pkttype, &bf_match_state,    &bf_match_conntrack, &bf_match_limit,
	&bf_match_mac,	   &bf_match_ttl,      &bf_match_dscp,	    &bf_match_tos,
	&bf_match_owner,   &bf_match_addrtype,
};

static const struct bf_target_gen *const targets[] = {
	&bf_target_error,
	&bf_target_log,
	&bf_target_reject,
};

const struct bf_match_gen *bf_match_gen_find(const struct xlate_ext_ops *ops)
{
	unsigned int i;

	for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++)
		if (!strcmp(matches[i]->name, ops->name))
			return matches[i];
	return NULL;
}

const struct bf_target_gen *bf_target_gen_find(const struct xlate_ext_ops *ops)
{
	unsigned int i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (!strcmp(targets[i]->name, ops->name))
			return targets[i];
	return NULL;
}
