#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The filter table's cost, bpfilter against the kernel's iptables-legacy and
# iptables-nft, measured in one run on this machine. For each N in
# BENCH_SIZES, a fresh pair of netns joined by veth; N INPUT rules of which
# only the last matches the flood (so every packet walks all of them):
#   - restore: seconds iptables-restore takes to apply the N rules;
#   - pps: UDP packets per second the last rule counts while one CPU sends
#     for BENCH_SECONDS (sending and receiving share that CPU, as veth does);
#   - ns/pkt: for bpfilter, BPF_PROG_TEST_RUN's mean time of filter_INPUT.
# Writes Documentation/benchmarks.md, Documentation/benchmarks.dat and
# Documentation/benchmarks.png (gnuplot). A benchmark, not a test: it never
# fails on a number.
#
# Usage: scripts/bench.sh [OBJTREE]     (root; runs in its own sandbox)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/lib.sh"
bf_sandbox "$@"

BF_OBJTREE=$(cd "${1:-$top/build}" && pwd)
BF_LOG=$(mktemp)
sizes=${BENCH_SIZES:-1 100 1000 10000}
seconds=${BENCH_SECONDS:-3}
out=${BENCH_OUT:-$top/Documentation}
work=$(mktemp -d)
modes="bpfilter legacy nft"

tool() {
	case $1 in
	bpfilter) echo "$BF_OBJTREE/scripts/iptables-bpfilter$2" ;;
	legacy) echo "iptables-legacy$2" ;;
	nft) echo "iptables-nft$2" ;;
	esac
}

# N rules: N-1 that the flood does not match, then the one it does
rules() {
	local n=$1 i
	echo "*filter"
	echo ":INPUT ACCEPT [0:0]"
	echo ":FORWARD ACCEPT [0:0]"
	echo ":OUTPUT ACCEPT [0:0]"
	for ((i = 0; i < n - 1; i++)); do
		echo "-A INPUT -s 198.18.$((i / 250)).$((i % 250 + 1))/32 -p udp -m udp --dport $((1000 + i % 5000)) -j DROP"
	done
	echo "-A INPUT -s 10.98.0.2/32 -p udp -m udp --dport 9 -j DROP"
	echo "COMMIT"
}

pair_up() {
	ip netns add dut && ip netns add gen || return 1
	ip -n dut link set lo up
	ip -n gen link set lo up
	ip link add dut0 netns dut type veth peer name gen0 netns gen
	ip -n dut addr add 10.98.0.1/24 dev dut0
	ip -n gen addr add 10.98.0.2/24 dev gen0
	ip -n dut link set dut0 up
	ip -n gen link set gen0 up
	ip netns exec gen ping -c1 -W1 10.98.0.1 >/dev/null
}

pair_down() { ip netns del dut 2>/dev/null; ip netns del gen 2>/dev/null; }

# packets counted on the last rule
last_rule_pkts() {
	ip netns exec dut "$(tool "$1" -save)" -c -t filter |
		sed -n 's/^\[\([0-9]*\):[0-9]*\] -A INPUT -s 10.98.0.2.*/\1/p'
}

measure() {
	local mode=$1 n=$2 t0 t1 restore sent pkts pps ns=-
	pair_up || return 1
	t0=$(date +%s.%N)
	ip netns exec dut "$(tool "$mode" -restore)" <"$work/rules.$n" || { pair_down; return 1; }
	t1=$(date +%s.%N)
	restore=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	sent=$(ip netns exec gen taskset -c 0 "$BF_OBJTREE/scripts/bench/udpflood" 10.98.0.1 9 "$seconds")
	pkts=$(last_rule_pkts "$mode")
	pps=$(( ${pkts:-0} / seconds ))
	if [ "$mode" = bpfilter ]; then
		ns=$(ip netns exec dut "$BF_OBJTREE/scripts/bench/testrun" filter_INPUT 100000)
	fi
	printf '%s %s %.3f %s %s %s\n' "$n" "$mode" "$restore" "$pps" "$ns" "$sent"
	pair_down
}

make -s -C "$top" O="$BF_OBJTREE" all bench-tools || exit 1
bf_daemon_start || { echo "bench: bpfilterd does not start" >&2; cat "$BF_LOG" >&2; exit 1; }
sysctl -qw kernel.bpf_stats_enabled=0
for n in $sizes; do rules "$n" >"$work/rules.$n"; done

echo "# N mode restore_s pps testrun_ns sent" >"$work/dat"
for n in $sizes; do
	for mode in $modes; do
		line=$(measure "$mode" "$n") || line="$n $mode - - - -"
		echo "$line" | tee -a "$work/dat"
	done
done
bf_daemon_stop

cp "$work/dat" "$out/benchmarks.dat"
"$top/scripts/bench-report.sh" "$out/benchmarks.dat" "$out" "$seconds"
rm -rf "$work" "$BF_LOG"
