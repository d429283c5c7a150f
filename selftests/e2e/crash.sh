#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kill -9 at various moments of a replacement (table A by a large table B,
# whose programs take a while to generate and verify): the next daemon
# restores A or B, never a mix, and what iptables shows is what the traffic
# meets.
#
# Usage: crash.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
big=$(mktemp)
{
	echo "*filter"
	echo ":INPUT ACCEPT [0:0]"
	echo ":FORWARD ACCEPT [0:0]"
	echo ":OUTPUT ACCEPT [0:0]"
	for i in $(seq 3000); do
		echo "-A INPUT -s 198.18.$((i / 250)).$((i % 250))/32 -p udp --dport $i -j DROP"
	done
	echo "COMMIT"
} >"$big"

for delay in 0.05 0.3 0.8 1.5 3 6; do
	rm -rf /run/bpfilter /sys/fs/bpf/bpfilter
	bf_daemon_start || { bf_not_ok "bpfilterd starts"; continue; }
	"$ipt" -A INPUT -p icmp -j DROP # table A: pings dropped; B lets them in
	"$BF_OBJTREE/scripts/iptables-bpfilter-restore" <"$big" 2>/dev/null &
	sleep "$delay"
	kill -9 "$BF_DAEMON_PID"
	wait "$BF_DAEMON_PID" 2>/dev/null
	wait
	if ! bf_daemon_start; then
		bf_not_ok "killed after ${delay}s: a new daemon restores"
		continue
	fi
	rules=$("$ipt" -S INPUT | wc -l)
	if [ "$rules" = 2 ]; then
		bf_check "killed after ${delay}s: table A restored, and in force" fails ping_ok
	elif [ "$rules" = 3001 ]; then
		bf_check "killed after ${delay}s: table B restored, and in force" ping_ok
	else
		bf_not_ok "killed after ${delay}s: $rules rules, neither A nor B"
	fi
	bf_check "... a single table's pins left" \
		test "$(ls -d /sys/fs/bpf/bpfilter/ns-*/t* | wc -l)" = 1
	bf_daemon_stop
done
rm -f "$big"
bf_finish
