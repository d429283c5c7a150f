#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packets whose transport header is not in the skb's linear data: generated
# programs read headers straight from the linear data and through a dynptr
# otherwise, as skb_header_pointer() does. A tun device builds such packets
# (selftests/tools/tun_paged.py); each rule below must count exactly the
# packets sent to it, for a linear part of the IPv4 header alone and of the
# IPv4 header with the first 4 bytes of the transport header.
#
# Usage: paged.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
send() { python3 "$here/../tools/tun_paged.py" bftun0 "$@"; }
# early demux would pull the TCP and UDP headers into the linear data
sysctl -qw net.ipv4.ip_early_demux=0

bf_check "bpfilterd starts" bf_daemon_start

rules() {
	local i
	echo "*filter"
	echo "-A INPUT -p udp --dport 5001 -j DROP"
	echo "-A INPUT -p tcp --dport 5002 --tcp-flags SYN,ACK SYN -j DROP"
	echo "-A INPUT -p tcp --dport 5003 --tcp-option 2 -j DROP"
	echo "-A INPUT -p udp -m multiport --dports 5004,5005 -j DROP"
	echo "-A INPUT -p icmp --icmp-type echo-request -j DROP"
	# runs of 40 rules: the address and port classifier
	for i in $(seq 0 39); do echo "-A INPUT -s 10.97.0.2 -p udp --dport $((6000 + i)) -j DROP"; done
	for i in $(seq 0 39); do echo "-A INPUT -s 10.97.0.2 -p tcp --dport $((7000 + i)) -j DROP"; done
	echo "COMMIT"
}
bf_check "a table of single rules and classifier runs is applied" \
	"$BF_OBJTREE/scripts/iptables-bpfilter-restore" < <(rules)

packets="udp:5001 tcp:5002 tcpmss:5003 udp:5005 icmp udp:6017 tcp:7021 udp:5999"
bf_check "paged packets are sent with 20 bytes of linear data" send 20 $packets
bf_check "... and with 24" send 24 $packets

expect_counts() {
	local n want got ok=0
	for n in $(seq 1 85); do
		case $n in
		1 | 2 | 3 | 4 | 5 | $((6 + 17)) | $((46 + 21))) want=2 ;;
		*) want=0 ;;
		esac
		got=$(bf_pkts INPUT "$n")
		if [ "$got" != "$want" ]; then
			echo "# rule $n counted $got packets, not $want"
			ok=1
		fi
	done
	return $ok
}
bf_check "each rule counts the paged packets sent to it, and no other" expect_counts
bf_check "... the unmatched one goes to the policy" \
	test "$("$ipt" -L INPUT -n -v -x | awk 'NR == 1 { print $5 }')" = 2

bf_daemon_stop
bf_finish
