#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Socket activation, as bpfilterd.socket sets it up: systemd-socket-activate
# holds /run/bpfilter/daemon.sock and starts bpfilterd on the first
# connection, passing the listening socket (LISTEN_FDS); the first iptables
# call starts the daemon and is answered by it.
#
# Usage: activation.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
comm_of() { cat "/proc/$1/comm" 2>/dev/null; }

mkdir -p /run/bpfilter
systemd-socket-activate -l /run/bpfilter/daemon.sock "$BF_OBJTREE/umh/bpfilterd" \
	2>>"$BF_LOG" &
pid=$!
for _ in $(seq 100); do [ -S /run/bpfilter/daemon.sock ] && break; sleep 0.05; done
bf_check "the socket is there before any daemon" test -S /run/bpfilter/daemon.sock
bf_check "... and no bpfilterd runs yet" test "$(comm_of $pid)" != bpfilterd
"$ipt" -A INPUT -p icmp -s 10.99.0.2 -j DROP
bf_check "the first iptables call starts bpfilterd and succeeds" test "$(comm_of $pid)" = bpfilterd
bf_check "... its rule drops the peer's ping" fails ping_ok
bf_check "... and the next calls go to the same daemon" test "$("$ipt" -S INPUT | wc -l)" = 2
kill -TERM "$pid"
wait "$pid"
bf_check "on SIGTERM it exits cleanly" test $? -eq 0
bf_check "... leaving the socket to its owner" test -S /run/bpfilter/daemon.sock
bf_check "... and the rules in force" fails ping_ok
bf_finish
