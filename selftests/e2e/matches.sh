#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Matches that depend on the packet's sender or on the netns, on real
# traffic: ttl, dscp and tos set by the peer's ping; owner on OUTPUT for
# processes of other users and groups; addrtype against the netns's local
# routes, following an address added while the rules are in force.
#
# Usage: matches.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
# one UDP datagram to the peer's discard port, sent as setpriv's user
send_as() { setpriv "$@" bash -c 'echo x >/dev/udp/10.99.0.2/9' 2>/dev/null; }
peer_ping() { inpeer ping -c1 -W1 "$@" >/dev/null 2>&1; }

bf_check "bpfilterd starts" bf_daemon_start

"$ipt" -A INPUT -p icmp -m ttl --ttl-lt 10 -j DROP
bf_check "-m ttl --ttl-lt 10 drops a ping sent with TTL 5" fails ping_ok -t 5
bf_check "... not one with TTL 64" ping_ok -t 64
bf_check "... and counts only the first" test "$(bf_pkts INPUT 1)" = 1
"$ipt" -F INPUT

"$ipt" -A INPUT -p icmp -m dscp --dscp 10 -j DROP
"$ipt" -A INPUT -p icmp -m tos --tos 0x10/0x1c -j DROP
bf_check "-m dscp --dscp 10 drops a ping with TOS 0x28" fails ping_ok -Q 0x28
bf_check "-m tos --tos 0x10/0x1c drops a ping with TOS 0x12" fails ping_ok -Q 0x12
bf_check "... both pass TOS 0" ping_ok -Q 0
bf_check "... each counted once" test "$(bf_pkts INPUT 1)/$(bf_pkts INPUT 2)" = 1/1
"$ipt" -F INPUT

"$ipt" -A OUTPUT -p udp --dport 9 -m owner --uid-owner 65534 -j DROP
"$ipt" -A OUTPUT -p udp --dport 9 -m owner --gid-owner 4242 --suppl-groups -j DROP
"$ipt" -A OUTPUT -p udp --dport 9 -m owner --socket-exists -j ACCEPT
bf_check "-m owner --uid-owner: nobody's datagram is refused" \
	fails send_as --reuid 65534 --regid 65534 --clear-groups
bf_check "... root's goes out" send_as --reuid 0 --regid 0 --clear-groups
bf_check "--gid-owner --suppl-groups: a member of group 4242 is refused" \
	fails send_as --reuid 1000 --regid 1000 --groups 4242
bf_check "... a user outside the group is not" send_as --reuid 1000 --regid 1000 --clear-groups
bf_check "... counted: uid 1, gid 1, socket 2" \
	test "$(bf_pkts OUTPUT 1)/$(bf_pkts OUTPUT 2)/$(bf_pkts OUTPUT 3)" = 1/1/2
"$ipt" -F OUTPUT

"$ipt" -A INPUT -p icmp -m addrtype --dst-type BROADCAST -j DROP
"$ipt" -A INPUT -p icmp -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT
sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
bf_check "-m addrtype: a ping to our address is LOCAL on its interface" ping_ok
peer_ping -b 10.99.0.255
bf_check "... a ping to the subnet broadcast is BROADCAST" \
	test "$(bf_pkts INPUT 1)/$(bf_pkts INPUT 2)" = 1/1
"$ipt" -F INPUT

# Our own pings to 10.99.1.7: UNICAST through the peer, LOCAL once it is ours.
"$ipt" -A OUTPUT -p icmp --icmp-type echo-request -m addrtype --dst-type LOCAL -j ACCEPT
"$ipt" -A OUTPUT -p icmp --icmp-type echo-request -m addrtype --dst-type UNICAST -j DROP
ip route add 10.99.1.0/24 via 10.99.0.2
self_ping() { ping -c1 -W1 10.99.1.7 >/dev/null 2>&1; }
# the mirror follows a route change within moments, not instantly
soon() { for _ in $(seq 40); do "$@" && return 0; sleep 0.05; done; return 1; }
bf_check "... an address we do not have is UNICAST" fails self_ping
ip addr add 10.99.1.7/32 dev bf0
bf_check "... LOCAL once added: the mirror follows the local table" soon self_ping
ip addr del 10.99.1.7/32 dev bf0
bf_check "... and UNICAST again once removed" soon fails self_ping
bf_check "... counted on both rules" test "$(bf_pkts OUTPUT 1)" -ge 1 -a "$(bf_pkts OUTPUT 2)" -ge 2
"$ipt" -F OUTPUT

bf_daemon_stop
bf_finish
