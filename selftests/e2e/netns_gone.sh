#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A netns whose last user goes dies, rules or not, as with the kernel's
# tables: bpfilterd lets go of the links (which hold a reference on their
# netns), programs and pins of a netns no process is in, no nsfs mount names
# and no other process holds open (umh/netns_reap.c). A netns one of those
# still holds keeps its rules. Death is seen from outside: the veth end in
# the dead netns goes, and so does its peer in the sandbox.
#
# Usage: netns_gone.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
pins=/sys/fs/bpf/bpfilter
work=$(mktemp -d)

# a netns named $1 under /run/netns, with a veth whose sandbox end is v$1
named_ns() {
	ip netns add "$1" && ip link add "v$1" type veth peer name x netns "$1"
}

# the netns of the sandbox end v$1 is still there
alive() { ip link show "v$1" >/dev/null 2>&1; }

# it dies within 10 s (the daemon looks every 5 s, and when a name goes)
dies() {
	for _ in $(seq 100); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

# it is still there after 7 s, and its rule with it ($2: how to enter it)
lives_on() {
	sleep 7
	alive "$1" && $2 "$ipt" -S INPUT | grep -q -- "-s 192.0.2.1/32 -j DROP"
}

pinned_ns() { find "$pins" -maxdepth 1 -name 'ns-*' | wc -l; }

bf_check "bpfilterd starts" bf_daemon_start

named_ns A
ip netns exec A "$ipt" -A INPUT -s 192.0.2.1 -j DROP
bf_check "a rule in a named netns: its netns pinned" test "$(pinned_ns)" = 1
ip netns del A
bf_check "its name deleted, no process in it: the netns dies" dies A
bf_check "... its pins are gone" test "$(pinned_ns)" = 0

named_ns B
ip netns exec B "$ipt" -A INPUT -s 192.0.2.1 -j DROP
ip netns exec B sleep 60 &
sleeper=$!
for _ in $(seq 100); do
	[ "$(ip netns identify "$sleeper")" = B ] && break
	sleep 0.05
done
ip netns del B
bf_check "its name deleted, a process still in it: it keeps its rule" \
	lives_on B "nsenter --net=/proc/$sleeper/ns/net"
kill "$sleeper"
wait "$sleeper" 2>/dev/null
bf_check "... that process gone: the netns dies" dies B

touch "$work/C"
unshare --net="$work/C" true
ip link add vC type veth peer name x netns "$work/C"
nsenter --net="$work/C" "$ipt" -A INPUT -s 192.0.2.1 -j DROP
bf_check "a netns mounted outside /run/netns keeps its rule" lives_on C "nsenter --net=$work/C"
umount "$work/C"
bf_check "... unmounted: it dies" dies C

named_ns D
ip netns exec D "$ipt" -A INPUT -s 192.0.2.1 -j DROP
exec {held}</run/netns/D
ip netns del D
bf_check "a netns a process holds open keeps its rule" lives_on D "nsenter --net=/dev/fd/$held"
exec {held}<&-
bf_check "... closed: it dies" dies D

named_ns E
ip netns exec E "$ipt" -A INPUT -s 192.0.2.1 -j DROP
bf_daemon_stop
ip netns del E
bf_check "deleted while bpfilterd is down: pinned, it lives" alive E
bf_check "bpfilterd starts again" bf_daemon_start
bf_check "... and lets that netns die" dies E
bf_check "... no netns left pinned" test "$(pinned_ns)" = 0

bf_daemon_stop
rm -rf "$work"
bf_finish
