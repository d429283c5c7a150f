#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tables are per network namespace, as with the kernel: a client in another
# netns than the daemon's gets its rules attached there, judging that netns's
# traffic, and sees only them; they survive a daemon restart too.
#
# Usage: netns.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
to_peer() { ping -c1 -W1 10.99.0.2 >/dev/null 2>&1; }
peer_rules() { inpeer "$ipt" -S INPUT | wc -l; }

bf_check "bpfilterd starts" bf_daemon_start
inpeer "$ipt" -A INPUT -p icmp --icmp-type echo-request -j DROP
bf_check "a rule set from the peer netns drops pings to the peer" fails to_peer
bf_check "... and not the peer's own pings (replies are not requests)" ping_ok
bf_check "... the peer's iptables shows it" test "$(peer_rules)" = 2
bf_check "... the daemon's netns has no such rule" test "$("$ipt" -S INPUT | wc -l)" = 1
bf_check "... counted in the peer's table" \
	test "$(inpeer "$ipt" -L INPUT -v -x -n | awk '/DROP/ { print $1 }')" = 1
"$ipt" -A INPUT -p icmp --icmp-type echo-request -j DROP
bf_check "a rule set in the daemon's netns judges only its traffic" fails ping_ok
"$ipt" -F INPUT
bf_check "... flushing it leaves the peer's" test "$(peer_rules)" = 2

inpeer "$ipt" -A INPUT -p tcp --dport 81 -j REJECT --reject-with tcp-reset
kill -9 "$BF_DAEMON_PID"
wait "$BF_DAEMON_PID" 2>/dev/null
bf_check "after kill -9 the peer's rule still drops" fails to_peer
bf_check "a restarted daemon restores the peer's table" bf_daemon_start
out=$(nc -z -v -w 2 10.99.0.2 81 2>&1)
bf_check "... and answers its REJECT before any client of it called" grep -q refused <<<"$out"
bf_check "... which the peer's iptables shows, with its count" \
	test "$(inpeer "$ipt" -L INPUT -v -x -n | awk '/DROP/ { print $1 }')" = 2
inpeer "$ipt" -F INPUT
bf_check "... and changes from the peer work" to_peer
bf_daemon_stop
bf_finish
