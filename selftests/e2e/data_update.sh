#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data updates (bpf/data_update.h): bans added to and lifted from a
# fail2ban-like chain, prefixes added to and deleted from a blocklist of
# several prefix lengths, and iptables -Z, change map entries, not programs.
# Checked by the programs' ids (the same before and after), by real packets
# and per-rule counters, across a daemon restart, and against a change that
# needs new programs.
#
# Usage: data_update.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
restore="$BF_OBJTREE/scripts/iptables-bpfilter-restore"
work=$(mktemp -d)
bf_veth_peer || exit 1


# packets and bytes of rule N of chain C
bf_bytes() { "$ipt" -L "$1" -n -v -x --line-numbers | awk -v n="$2" '$1 == n { print $3 }'; }

bf_check "bpfilterd starts" bf_daemon_start

# the peer pings us and gets REJECT's answer
rejected() { inpeer ping -c1 -W1 10.99.0.1 2>&1 | grep -q "Port Unreachable"; }

# INPUT sends ICMP to f2b, which rejects 40 banned sources, and drops 40
# others itself (a run before f2b's in the table)
awk 'BEGIN { print "*filter"; print ":INPUT ACCEPT [0:0]"; print ":f2b - [0:0]"
	print "-A INPUT -p icmp -j f2b"
	for (i = 1; i <= 40; i++)
		printf "-A INPUT -s 203.0.113.%d/32 -j DROP\n", i
	print "-A INPUT -p udp --dport 9 -j DROP"
	for (i = 1; i <= 40; i++)
		printf "-A f2b -s 198.51.100.%d/32 -j REJECT --reject-with icmp-port-unreachable\n", i
	print "-A f2b -j RETURN"
	print "COMMIT" }' >"$work/f2b"
bf_check "a fail2ban chain of 40 bans is applied" "$restore" <"$work/f2b"
bf_check "... the peer is not banned" ping_ok
ids=$(bf_prog_ids)
bf_check "... programs loaded" test -n "$ids"

"$ipt" -I f2b 1 -s 10.99.0.2/32 -j REJECT --reject-with icmp-port-unreachable
bf_check "a ban inserted: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is rejected" ping_fails
bf_check "... counted on the new ban" test "$(bf_pkts f2b 1)" = 1
bf_check "... and on the jump, counted before too" test "$(bf_pkts INPUT 1)" = 2
bf_check "... the RETURN rule keeps its count" test "$(bf_pkts f2b 42)" = 1

"$ipt" -I INPUT 2 -s 203.0.113.99/32 -j DROP
bf_check "a ban inserted in INPUT's run: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... f2b's ban, whose offset moved, still answers" rejected

# a port rule just before the run leaves it an address run, not a tuple run
"$ipt" -I INPUT 2 -p tcp --dport 22 -j ACCEPT
ids=$(bf_prog_ids)
"$ipt" -I INPUT 4 -s 203.0.113.98/32 -j DROP
bf_check "a ban in INPUT's run after a port rule: the same programs" test "$(bf_prog_ids)" = "$ids"
"$ipt" -D INPUT -s 203.0.113.98/32 -j DROP
bf_check "... lifted: the same programs" test "$(bf_prog_ids)" = "$ids"

"$ipt" -A f2b -s 10.99.0.99/32 -j REJECT --reject-with icmp-port-unreachable 2>/dev/null
bf_check "a ban after RETURN is not in the run: new programs" test "$(bf_prog_ids)" != "$ids"
"$ipt" -D f2b -s 10.99.0.99/32 -j REJECT --reject-with icmp-port-unreachable
ids=$(bf_prog_ids)
bf_check "... deleted again, the peer is still rejected" ping_fails
bf_check "... counted on its ban" test "$(bf_pkts f2b 1)" = 3

"$ipt" -I f2b 20 -s 198.51.100.200/32 -j REJECT --reject-with icmp-port-unreachable
"$ipt" -D f2b -s 198.51.100.7/32 -j REJECT --reject-with icmp-port-unreachable
bf_check "a ban added and one lifted: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer's ban still counts on" test "$(bf_pkts f2b 1)" = 3
ping_fails
bf_check "... and rejects" test "$(bf_pkts f2b 1)" = 4
bf_check "... 84 bytes a ping" test "$(bf_bytes f2b 1)" = 336

"$ipt" -D f2b -s 10.99.0.2/32 -j REJECT --reject-with icmp-port-unreachable
bf_check "the peer's ban lifted: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is let in" ping_ok
bf_check "... through RETURN" test "$(bf_pkts f2b 41)" = 2

"$ipt" -Z
bf_check "iptables -Z: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the counters are zero" test "$(bf_pkts INPUT 1)" = 0
ping_ok
bf_check "... and count again" test "$(bf_pkts INPUT 1)" = 1

# more new entries than the hash map has room for: a full replacement
awk 'BEGIN { print "*filter"
	for (i = 1; i <= 100; i++)
		printf "-I f2b 1 -s 198.18.0.%d/32 -j REJECT --reject-with icmp-port-unreachable\n", i
	print "COMMIT" }' | "$restore" --noflush
bf_check "100 bans at once, more than its map has room for: new programs" \
	test "$(bf_prog_ids)" != "$ids"
ids=$(bf_prog_ids)
bf_check "... which let the peer in" ping_ok

"$ipt" -I f2b 1 -s 10.99.0.2/32 -j REJECT --reject-with icmp-port-unreachable
bf_check "... and then take a ban as data" test "$(bf_prog_ids)" = "$ids"
ping_fails
"$ipt-save" -c | grep -v "^#" >"$work/before"
bf_daemon_stop
bf_check "bpfilterd restarts" bf_daemon_start
"$ipt-save" -c | grep -v "^#" >"$work/after"
bf_check "after a restart: the same table and counters" diff "$work/before" "$work/after"
bf_check "... the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is still rejected" ping_fails
bf_check "... and counted" test "$(bf_pkts f2b 1)" = 2
# the new daemon took the runs' maps over from the programs
"$ipt" -Z INPUT
bf_check "... iptables -Z then keeps the programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... which still reject the peer" ping_fails
bf_check "... counted from zero in INPUT" test "$(bf_pkts INPUT 1)" = 1
bf_check "... and on, in f2b" test "$(bf_pkts f2b 1)" = 3
"$ipt" -D f2b -s 10.99.0.2/32 -j REJECT --reject-with icmp-port-unreachable
bf_check "... a ban lifted after it, as data: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is let in" ping_ok

# A blocklist of /24s and /32s (an LPM trie): prefixes are added and dropped
# as data, whether they nest with others or not; the entries inside one
# added or dropped answer with the first rule that holds them.
awk 'BEGIN { print "*filter"; print ":INPUT ACCEPT [0:0]"; print ":cidr - [0:0]"
	print "-A INPUT -p icmp -j cidr"
	for (i = 1; i <= 20; i++) {
		printf "-A cidr -s 198.51.%d.0/24 -j DROP\n", i
		printf "-A cidr -s 203.0.113.%d/32 -j DROP\n", i
	}
	print "COMMIT" }' >"$work/cidr"
bf_check "a blocklist of /24s and /32s is applied" "$restore" <"$work/cidr"
ids=$(bf_prog_ids)
bf_check "... the peer is let in" ping_ok

"$ipt" -I cidr 3 -s 10.99.0.0/24 -j DROP
bf_check "a /24 holding the peer, apart from the others: the same programs" \
	test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is dropped" ping_fails
bf_check "... counted on the new rule" test "$(bf_pkts cidr 3)" = 1

"$ipt" -I cidr 1 -s 10.99.0.2/32 -j ACCEPT
bf_check "a /32 inside that /24, before it: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the first match lets the peer in" ping_ok
bf_check "... counted on the /32" test "$(bf_pkts cidr 1)" = 1
bf_check "... not on the /24" test "$(bf_pkts cidr 4)" = 1
"$ipt" -I cidr 6 -s 10.99.0.0/23 -j ACCEPT
bf_check "a /23 holding both, after them: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the /32 still lets the peer in" ping_ok

"$ipt" -D cidr 1
bf_check "the /32 deleted: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the /24 drops the peer again" ping_fails
bf_check "... counted on the /24 (twice now)" test "$(bf_pkts cidr 3)" = 2
"$ipt" -D cidr 3
bf_check "the /24 deleted: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the /23 lets the peer in" ping_ok
bf_check "... counted on the /23" test "$(bf_pkts cidr 4)" = 1
"$ipt" -D cidr 4
"$ipt" -I cidr 41 -s 10.99.0.0/16 -j DROP
bf_check "the /23 deleted, a /16 added last: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is dropped" ping_fails
bf_check "... counted on the /16" test "$(bf_pkts cidr 41)" = 1
"$ipt" -D cidr -s 10.99.0.0/16 -j DROP
bf_check "... deleted: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is let in" ping_ok
"$ipt" -I cidr 1 -s 10.99.0.0/24 -j DROP
"$ipt" -I cidr 1 -s 10.99.0.0/24 -j DROP
bf_check "a prefix twice in the run: new programs" test "$(bf_prog_ids)" != "$ids"
bf_check "... the peer is dropped" ping_fails
"$ipt" -D cidr 1
ids=$(bf_prog_ids)
bf_daemon_stop
bf_check "bpfilterd restarts, the table in force a build" bf_daemon_start
"$ipt" -I cidr 1 -s 10.99.0.2/32 -j ACCEPT
bf_check "... a /32 inside a /24 of the blocklist: the same programs" test "$(bf_prog_ids)" = "$ids"
bf_check "... the peer is let in" ping_ok
bf_check "... counted on the /32" test "$(bf_pkts cidr 1)" = 1

bf_daemon_stop
grep -q . "$BF_LOG" && sed 's/^/# daemon: /' "$BF_LOG"
rm -rf "$work"
bf_finish
