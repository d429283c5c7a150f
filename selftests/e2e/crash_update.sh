#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kill -9 while data updates (bpf/data_update.h) follow each other: the
# peer banned and lifted in a chain of /32 bans (a hash map), and its /32
# let in and lifted inside a /24 of a blocklist that drops it (a trie
# entry nested in another). The next daemon restores one table, whole:
# what iptables shows is what the peer's pings meet, a single table's pins
# are left, and the next changes apply as data updates: the new daemon
# took the runs' maps over, each entry made the restored table's.
#
# Usage: crash_update.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
rules=$(mktemp)
peer=10.99.0.2/32
awk 'BEGIN { print "*filter"
	print ":INPUT ACCEPT [0:0]"; print ":FORWARD ACCEPT [0:0]"; print ":OUTPUT ACCEPT [0:0]"
	print ":bans - [0:0]"; print ":cidr - [0:0]"
	print "-A INPUT -p icmp -j bans"; print "-A INPUT -p icmp -j cidr"
	for (i = 1; i <= 40; i++) printf "-A bans -s 192.0.2.%d/32 -j DROP\n", i
	for (i = 1; i <= 20; i++) {
		printf "-A cidr -s 198.51.%d.0/24 -j DROP\n", i
		printf "-A cidr -s 203.0.113.%d/32 -j DROP\n", i
	}
	print "-A cidr -s 10.99.0.0/24 -j DROP"
	print "COMMIT" }' >"$rules"

# each command a data update: the peer let in, banned, let out, lifted
toggle() {
	while :; do
		"$ipt" -I cidr 1 -s $peer -j ACCEPT
		"$ipt" -I bans 1 -s $peer -j DROP
		"$ipt" -D cidr -s $peer -j ACCEPT
		"$ipt" -D bans -s $peer -j DROP
	done 2>/dev/null
}

# the peer gets in exactly when iptables shows it let in and not banned
let_in() { "$ipt" -S cidr | grep -q -- "-s $peer -j ACCEPT" && ! "$ipt" -S bans | grep -q -- "-s $peer"; }
consistent() { if let_in; then ping_ok; else ping_fails; fi; }

for delay in 0.1 0.4 0.9 1.6 2.5; do
	rm -rf /run/bpfilter /sys/fs/bpf/bpfilter
	bf_daemon_start || { bf_not_ok "bpfilterd starts"; continue; }
	"$BF_OBJTREE/scripts/iptables-bpfilter-restore" <"$rules"
	base=$("$ipt" -S)
	toggle &
	toggler=$!
	sleep "$delay"
	kill -9 "$BF_DAEMON_PID"
	wait "$BF_DAEMON_PID" 2>/dev/null
	kill "$toggler"
	wait "$toggler" 2>/dev/null
	if ! bf_daemon_start; then
		bf_not_ok "killed after ${delay}s: a new daemon restores"
		continue
	fi
	bf_check "killed after ${delay}s: a whole table restored (the peer's rules aside)" \
		test "$("$ipt" -S | grep -v -- "-s $peer")" = "$base"
	bf_check "... the peer's pings meet what iptables shows" consistent
	bf_check "... a single table's pins left" \
		test "$(ls -d /sys/fs/bpf/bpfilter/ns-*/t* | wc -l)" = 1
	ids=$(bf_prog_ids)
	"$ipt" -D bans -s $peer -j DROP 2>/dev/null
	"$ipt" -S cidr | grep -q -- "-s $peer -j ACCEPT" || "$ipt" -I cidr 1 -s $peer -j ACCEPT
	bf_check "... the peer let in and not banned: its pings get in" ping_ok
	"$ipt" -D cidr -s $peer -j ACCEPT
	bf_check "... then let out: dropped by the /24" ping_fails
	bf_check "... both changes data updates (the maps taken over)" test "$(bf_prog_ids)" = "$ids"
	bf_daemon_stop
done
rm -f "$rules"
bf_finish
