#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100,000 rules: a blocklist, a mixed 5-tuple ruleset (the benchmark's,
# scripts/bench/rules.py) and a fail2ban chain of REJECT bans are applied
# and enforced through the classifiers, one more rule appended to them
# works, and 100,000 rules no classifier takes are refused as a whole with
# a clear error, the previous rules staying in force.
#
# Usage: scale.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
restore="$BF_OBJTREE/scripts/iptables-bpfilter-restore"
rules="$here/../../scripts/bench/rules.py"
work=$(mktemp -d)
bf_veth_peer || exit 1
input_rules() { "$ipt" -S INPUT | grep -c '^-A INPUT'; }

bf_check "bpfilterd starts" bf_daemon_start

# the benchmark's flood source is the peer here
python3 "$rules" mixed 100000 | sed 's/10\.98\./10.99./g' >"$work/mixed"
bf_check "100,000 mixed 5-tuple rules are applied" "$restore" <"$work/mixed"
bf_check "... all of them listed" test "$(input_rules)" = 100000
bf_check "... a ping no rule matches passes" ping_ok
"$ipt" -A INPUT -s 10.99.0.2 -p icmp -j DROP
bf_check "a rule appended to them drops the ping" ping_fails
bf_check "... counted on rule 100,001" test "$(bf_pkts INPUT 100001)" = 1

python3 "$rules" blocklist 100000 >"$work/blocklist"
bf_check "a 100,000-address blocklist is applied" "$restore" <"$work/blocklist"
bf_check "... all of it listed" test "$(input_rules)" = 100000
bf_check "... the peer, not in it, pings" ping_ok
"$ipt" -I INPUT -s 10.99.0.2 -p icmp -j DROP
bf_check "a rule inserted before it drops the ping" ping_fails

# a fail2ban chain: 100,000 bans with one REJECT, the peer's the last
awk 'BEGIN { print "*filter"; print ":INPUT ACCEPT [0:0]"; print ":f2b - [0:0]"
	for (i = 0; i < 99999; i++)
		printf "-A f2b -s 10.%d.%d.%d/32 -j REJECT --reject-with icmp-port-unreachable\n",
			int(i / 65536) + 1, int(i / 256) % 256, i % 256
	print "-A f2b -s 10.99.0.2/32 -j REJECT --reject-with icmp-port-unreachable"
	print "-A f2b -j RETURN"; print "-A INPUT -p icmp -j f2b"; print "COMMIT" }' >"$work/f2b"
bf_check "a fail2ban chain of 100,000 REJECT bans is applied" "$restore" <"$work/f2b"
out=$(inpeer ping -c1 -W2 10.99.0.1 2>&1)
bf_check "... the peer, banned last, is rejected" grep -qi "port unreachable" <<<"$out"
bf_check "... counted on its ban" test "$(bf_pkts f2b 100000)" = 1

# --tcp-flags keeps rules out of every classifier: straight-line code
awk 'BEGIN { print "*filter"; print ":INPUT ACCEPT [0:0]"
	for (i = 0; i < 100000; i++)
		printf "-A INPUT -s 10.%d.%d.%d/32 -p tcp -m tcp --tcp-flags SYN SYN -j DROP\n",
			int(i / 65536) + 1, int(i / 256) % 256, i % 256
	print "COMMIT" }' >"$work/linear"
"$ipt" -S >"$work/before"
bf_check "100,000 rules no classifier takes are refused" fails "$restore" <"$work/linear"
"$restore" <"$work/linear" >"$work/msg" 2>&1
bf_check "... saying the ruleset is too large" grep -q "too large" "$work/msg"
bf_check "... the rules in force are unchanged" cmp -s "$work/before" <("$ipt" -S)
bf_check "... and still drop" ping_fails

bf_daemon_stop
rm -rf "$work"
bf_finish
