#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence, with real traffic from a peer netns: rules keep filtering and
# counting after kill -9 and after SIGTERM; a new daemon restores rules and
# counters and takes changes; a corrupt or missing state is refused with the
# documented message while the pinned rules go on filtering; --transient
# leaves nothing behind; --bpffs-path moves the pins.
#
# Usage: persist.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
pins() { ls -d /sys/fs/bpf/bpfilter/ns-* 2>/dev/null | wc -l; }
# run the daemon in the foreground: it must exit
daemon_exits() { "$BF_OBJTREE/umh/bpfilterd" "$@" >"$BF_LOG.fg" 2>&1; }

bf_check "bpfilterd starts" bf_daemon_start
"$ipt" -A INPUT -p icmp -s 10.99.0.2 -j DROP
bf_check "a rule drops the peer's ping" ping_fails
bf_check "its objects are pinned under /sys/fs/bpf/bpfilter" test "$(pins)" = 1
bf_check "... and the state is saved in /run/bpfilter" test -s /run/bpfilter/state

kill -9 "$BF_DAEMON_PID"
wait "$BF_DAEMON_PID" 2>/dev/null
bf_check "after kill -9 the rule still drops" ping_fails
bf_check "a new bpfilterd starts and restores" bf_daemon_start
bf_check "... the rule, with the packets counted while no daemon ran" \
	test "$(bf_pkts INPUT 1)" = 2
"$ipt" -I INPUT -p icmp -s 10.99.0.2 -j ACCEPT
bf_check "... and takes changes: an ACCEPT inserted before it" ping_ok
bf_check "... counted on the new rule, the old count kept" \
	test "$(bf_pkts INPUT 1)/$(bf_pkts INPUT 2)" = 1/2
bf_check "... the replaced table's pins are gone" \
	test "$(ls -d /sys/fs/bpf/bpfilter/ns-*/t* | wc -l)" = 1

"$ipt" -D INPUT 1
bf_daemon_stop
bf_check "after SIGTERM the rules still drop" ping_fails
bf_check "a restart restores them" bf_daemon_start
bf_check "... with every count" test "$(bf_pkts INPUT 1)" = 3
bf_check "a second bpfilterd refuses to start" bash -c '! "$1"/umh/bpfilterd 2>/dev/null' _ "$BF_OBJTREE"
bf_daemon_stop

cp /run/bpfilter/state "$BF_LOG.state"
printf 'not a state' >/run/bpfilter/state
bf_check "a corrupt state: bpfilterd exits non-zero" fails daemon_exits
bf_check "... naming both directories to remove" \
	grep -q "remove /run/bpfilter and /sys/fs/bpf/bpfilter" "$BF_LOG.fg"
bf_check "... and the pinned rules still drop" ping_fails
rm /run/bpfilter/state
bf_check "a missing state with pinned rules: refused too" fails daemon_exits
bf_check "--transient with pinned rules: refused too" fails daemon_exits --transient
cp "$BF_LOG.state" /run/bpfilter/state
bf_check "the saved state back: the rules are restored" bf_daemon_start
bf_check "... all of them" test "$("$ipt" -S INPUT | wc -l)" = 2
bf_daemon_stop

rm -rf /run/bpfilter /sys/fs/bpf/bpfilter
bf_check "removing both directories removes the rules" ping_ok
bf_check "... and bpfilterd starts afresh" bf_daemon_start
bf_check "... with an empty table" test "$("$ipt" -S INPUT | wc -l)" = 1
bf_daemon_stop

rm -rf /run/bpfilter /sys/fs/bpf/bpfilter
bf_check "--transient starts" bf_daemon_start --transient
"$ipt" -A INPUT -p icmp -j DROP
bf_check "... its rule drops" ping_fails
bf_check "... nothing is pinned or saved" \
	test "$(pins)" = 0 -a ! -e /run/bpfilter/state
bf_daemon_stop
bf_check "... and once it stops, its rules are gone" ping_ok

mkdir -p /tmp/bf-other-bpffs
mount -t bpf bpf /tmp/bf-other-bpffs
bf_check "--bpffs-path DIR starts" bf_daemon_start --bpffs-path /tmp/bf-other-bpffs
"$ipt" -A INPUT -p icmp -j DROP
bf_check "... pins in DIR/bpfilter, not in /sys/fs/bpf" \
	test "$(ls -d /tmp/bf-other-bpffs/bpfilter/ns-* | wc -l)/$(pins)" = 1/0
bf_daemon_stop
bf_check "... and they keep filtering" ping_fails
umount /tmp/bf-other-bpffs
bf_check "--bpffs-path on a non-bpffs directory is refused" \
	fails daemon_exits --bpffs-path /tmp/bf-other-bpffs
rm -f "$BF_LOG.state" "$BF_LOG.fg"
bf_finish
