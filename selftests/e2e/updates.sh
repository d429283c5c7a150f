#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Replacements that keep a run of rules share its classifier maps with the
# new table (bpf/class_maps.h): an address run's map (a hash map for these
# /32s, a trie for prefixes of several lengths) is taken over when its
# entries are the same; a change inside a run of /32s changes the entries
# of the map in force (bpf/data_update.h). Every step is checked on real
# packets and per-rule counters, and by the map's id.
#
# Usage: updates.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
restore="$BF_OBJTREE/scripts/iptables-bpfilter-restore"
work=$(mktemp -d)
bf_veth_peer || exit 1

# ids of the address runs' maps the daemon holds, one line each (it closes
# a replaced table's before it answers)
trie_ids() {
	for id in $(bf_daemon_bpf_ids map); do bpftool map show id "$id"; done |
		awk '$4 == "filter_runs" || $4 == "filter_runs_h" { sub(":", "", $1); print $1 }'
}

bf_check "bpfilterd starts" bf_daemon_start

# 200 sources dropped, the peer's at rule 100
awk 'BEGIN { print "*filter"; print ":INPUT ACCEPT [0:0]"
	for (i = 1; i <= 200; i++)
		if (i == 100) print "-A INPUT -s 10.99.0.2/32 -j DROP"
		else printf "-A INPUT -s 198.51.%d.%d/32 -j DROP\n", i / 250, i % 250 + 1
	print "COMMIT" }' >"$work/blocklist"
bf_check "a 200-address blocklist is applied" "$restore" <"$work/blocklist"
bf_check "... its rule 100 drops the peer" ping_fails
bf_check "... counted there" test "$(bf_pkts INPUT 100)" = 1
trie=$(trie_ids)
bf_check "... through one runs trie" test "$(echo "$trie" | grep -c .)" = 1

"$ipt" -A INPUT -p tcp --dport 22 -j ACCEPT
bf_check "a rule appended after the run: the new table shares its trie" \
	test "$(trie_ids)" = "$trie"
bf_check "... which still drops the peer" ping_fails
bf_check "... counted on rule 100 again, the old count kept" test "$(bf_pkts INPUT 100)" = 2
# a port rule, which a tuple run takes: the run still ends at the blocklist
"$ipt" -I INPUT -p tcp --dport 23 -j ACCEPT
bf_check "a rule inserted before the run: shared too" test "$(trie_ids)" = "$trie"
bf_check "... the peer dropped by rule 101 now" ping_fails
bf_check "... counted there" test "$(bf_pkts INPUT 101)" = 3

"$ipt" -R INPUT 101 -s 198.51.100.100 -j DROP
bf_check "the peer's rule replaced in the run: its entries change in place" \
	test "$(trie_ids)" = "$trie"
bf_check "... and the peer passes" ping_ok
"$ipt" -R INPUT 150 -s 10.99.0.2 -j DROP
bf_check "the peer put at rule 150: dropped" ping_fails
bf_check "... counted on rule 150" test "$(bf_pkts INPUT 150)" = 1

bf_daemon_stop
rm -rf "$work"
bf_finish
