#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The -v flags do what the seed says: debug logs, bytecode dumped before
# loading, and with -v bpf programs that write failed kernel calls to the
# trace pipe (bpftool prog tracelog); here a TCP header whose options would
# run past the packet's end makes bpf_dynptr_read fail.
#
# Usage: verbose.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
trace=/sys/kernel/tracing/trace
# an IPv4 packet with a 20-byte TCP header that says 24 (data offset 6)
short_tcp() {
	inpeer python3 -c 'import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0, 64, 6, 0,
                 socket.inet_aton("10.99.0.2"), socket.inet_aton("10.99.0.1"))
tcp = struct.pack("!HHIIBBHHH", 80, 80, 0, 0, 0x60, 0x02, 1024, 0, 0)
s.sendto(ip + tcp, ("10.99.0.1", 0))'
}
traced() { grep -q "bpfilter filter_INPUT: bpf_dynptr_read l4 failed" "$trace"; }

bf_check "bpfilterd -v debug -v bytecode -v bpf starts" \
	bf_daemon_start --transient -v debug -v bytecode --verbose=bpf
"$ipt" -A INPUT -p tcp --tcp-option 2 -j ACCEPT
bf_check "-v debug: debug lines in the log" grep -q "filter table created" "$BF_LOG"
bf_check "-v bytecode: each program dumped before loading" \
	grep -qE "filter_INPUT: +[0-9]+: code" "$BF_LOG"
echo >"$trace"
short_tcp
bf_check "-v bpf: the failed bpf_dynptr_read is in the trace pipe" traced
bf_daemon_stop

: >"$BF_LOG"
bf_check "without -v" bf_daemon_start --transient
"$ipt" -A INPUT -p tcp --tcp-option 2 -j ACCEPT
echo >"$trace"
short_tcp
bf_check "... nothing is traced" fails traced
bf_check "... no bytecode and no debug lines" \
	fails grep -qE "code|filter table created" "$BF_LOG"
bf_daemon_stop
bf_finish
