// SPDX-License-Identifier: GPL-2.0
/* The list of extensions bpfilter knows; add a new file's ops here. */
#include <stddef.h>

#include "../ext.h"

extern const struct xlate_ext_ops xlate_target_standard, xlate_target_error, xlate_target_log,
	xlate_target_reject;
extern const struct xlate_ext_ops xlate_match_tcp, xlate_match_udp, xlate_match_icmp,
	xlate_match_comment, xlate_match_multiport, xlate_match_mark, xlate_match_state,
	xlate_match_conntrack_v1, xlate_match_conntrack_v2, xlate_match_conntrack_v3,
	xlate_match_iprange, xlate_match_length, xlate_match_pkttype, xlate_match_mac,
	xlate_match_limit, xlate_match_ttl, xlate_match_dscp, xlate_match_tos, xlate_match_owner,
	xlate_match_addrtype_v0, xlate_match_addrtype_v1;

const struct xlate_ext_ops *const xlate_ext_all[] = {
	&xlate_target_standard,	   &xlate_target_error,
	&xlate_target_log,	   &xlate_target_reject,
	&xlate_match_tcp,	   &xlate_match_udp,
	&xlate_match_icmp,	   &xlate_match_comment,
	&xlate_match_multiport,	   &xlate_match_mark,
	&xlate_match_state,	   &xlate_match_conntrack_v1,
	&xlate_match_conntrack_v2, &xlate_match_conntrack_v3,
	&xlate_match_iprange,	   &xlate_match_length,
	&xlate_match_pkttype,	   &xlate_match_mac,
	&xlate_match_limit,	   &xlate_match_ttl,
	&xlate_match_dscp,	   &xlate_match_tos,
	&xlate_match_owner,	   &xlate_match_addrtype_v0,
	&xlate_match_addrtype_v1,  NULL,
};
