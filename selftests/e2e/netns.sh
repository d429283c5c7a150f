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

# A netns's table exists from the first command that names it, as the
# kernel's: its policies count every packet sent after that command, even
# though the daemon puts it in force only when it must (umh/settle.h).
ip netns add bfread$$ && ip -n bfread$$ link set lo up
ip netns add bfdied$$ && ip -n bfdied$$ link set lo up
# the INPUT policy's packets, and a ping on lo (request and reply: 2)
policy_pkts() { ip netns exec "$1" "$ipt" -L INPUT -v -x -n | awk 'NR == 1 { print $5 }'; }
lo_ping() { ip netns exec "$1" ping -c1 -W1 127.0.0.1 >/dev/null; }
# IPT_SO_GET_INFO through the shim, then _exit(): no exit handler runs
get_info_and_die() {
	ip netns exec "$1" env LD_PRELOAD="$BF_OBJTREE/sockopt/libbpfilter-preload.so" python3 -c '
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
info, size = ctypes.create_string_buffer(b"filter", 84), ctypes.c_uint32(84)
os._exit(libc.getsockopt(s.fileno(), 0, 64, info, ctypes.byref(size)))'
}
ip netns exec bfread$$ "$ipt" -L -n >/dev/null
lo_ping bfread$$
bf_check "a table first read by iptables -L counts the packets after it" \
	test "$(policy_pkts bfread$$)" = 2
bf_check "a client that dies after reading gets the table made" get_info_and_die bfdied$$
sleep 3 # BF_SETTLE_IDLE_MS without a request
lo_ping bfdied$$
bf_check "... in force once the daemon is idle, counting packets" \
	test "$(policy_pkts bfdied$$)" = 2
ip netns del bfread$$
ip netns del bfdied$$
bf_daemon_stop
bf_finish
