#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The filter table's cost, bpfilter against the kernel's iptables-legacy and
# iptables-nft, measured in one run on this machine, modes alternating. For
# each ruleset in BENCH_SETS (blocklist, mixed: see scripts/bench/rules.py)
# and each N in BENCH_SIZES, a fresh pair of netns joined by veth and N
# INPUT rules of which only the last matches the flood (so that a linear
# filter walks all of them):
#   - restore: seconds iptables-restore takes to apply the N rules (the
#     median of BENCH_RESTORES, 3, each in fresh namespaces and, for
#     bpfilter, by a fresh daemon);
#   - append: seconds `iptables -A` takes to add one rule to them (the
#     median of BENCH_APPENDS, 5, appended one after the other);
#   - insert, delete: seconds `iptables -I INPUT 1` takes to add one rule
#     before them, and `iptables -D` to delete it again by its spec (the
#     medians of as many);
#   - pps: UDP packets per second the last rule counts while one CPU sends
#     for BENCH_SECONDS (sending and receiving share that CPU, as veth does),
#     the median of BENCH_FLOODS (3) floods;
#   - ns/pkt: for bpfilter, BPF_PROG_TEST_RUN's mean time of filter_INPUT;
#   - rss: for bpfilter, the daemon's resident memory (kB) holding the table.
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
sizes=${BENCH_SIZES:-1 1000 10000 50000}
sets=${BENCH_SETS:-blocklist mixed}
seconds=${BENCH_SECONDS:-3}
out=${BENCH_OUT:-$top/Documentation}
work=$(mktemp -d)
modes="bpfilter legacy nft"

tool() {
	case $1 in
	bpfilter) echo "$BF_OBJTREE/scripts/iptables-bpfilter${2:-}" ;;
	legacy) echo "iptables-legacy${2:-}" ;;
	nft) echo "iptables-nft${2:-}" ;;
	esac
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
		sed -n 's/^\[\([0-9]*\):[0-9]*\] -A INPUT -s 10.98.0.2\/32 \(-d 10.98.0.1\/32 -p udp -m udp --dport 9 \)\?-j DROP$/\1/p'
}

seconds_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# the median of BENCH_APPENDS appends of one rule each (after the rule the
# flood meets): a single command's time is mostly noise and first-use costs
append_median() {
	local i t0 t1 times=''
	for i in $(seq "${BENCH_APPENDS:-5}"); do
		t0=$EPOCHREALTIME
		ip netns exec dut "$(tool "$1")" -A INPUT -s "192.0.2.$i/32" -p tcp --dport 22 -j ACCEPT
		t1=$EPOCHREALTIME
		times="$times $(seconds_of "$t0" "$t1")"
	done
	# shellcheck disable=SC2086
	median $times
}

# in insert and delete, the medians of BENCH_APPENDS inserts of one rule at
# the head of INPUT, then of as many deletes of those rules by their spec
# (which the client looks for in the table): the table is as before after both
insert_delete_medians() {
	local i t0 t1 rule ins='' del=''
	for i in $(seq "${BENCH_APPENDS:-5}"); do
		t0=$EPOCHREALTIME
		ip netns exec dut "$(tool "$1")" -I INPUT 1 -s "192.0.2.$((100 + i))/32" -p tcp \
			--dport 23 -j ACCEPT
		t1=$EPOCHREALTIME
		ins="$ins $(seconds_of "$t0" "$t1")"
	done
	for i in $(seq "${BENCH_APPENDS:-5}"); do
		rule="-s 192.0.2.$((100 + i))/32 -p tcp --dport 23 -j ACCEPT"
		t0=$EPOCHREALTIME
		# shellcheck disable=SC2086 # the rule's words
		ip netns exec dut "$(tool "$1")" -D INPUT $rule
		t1=$EPOCHREALTIME
		del="$del $(seconds_of "$t0" "$t1")"
	done
	# shellcheck disable=SC2086
	insert=$(median $ins)
	# shellcheck disable=SC2086
	delete=$(median $del)
}

# the median of BENCH_FLOODS floods (3) of packets counted on the last rule,
# and the packets sent in that flood: one flood is at the mercy of whatever
# else this shared machine runs meanwhile
flood_median() {
	local i before after sent
	before=$(last_rule_pkts "$1")
	for i in $(seq "${BENCH_FLOODS:-3}"); do
		sent=$(ip netns exec gen taskset -c 0 "$BF_OBJTREE/scripts/bench/udpflood" \
			10.98.0.1 9 "$seconds")
		after=$(last_rule_pkts "$1")
		echo "$(( ${after:-0} - ${before:-0} )) $sent"
		before=$after
	done | sort -n | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'
}

# A fresh pair of netns (and for bpfilter a daemon of its own: its memory is
# this table's; warmed up, as a daemon started at boot is: its first
# request waits for it to read the kernel's BTF), then the N rules restored
# there, in seconds, added to the list restored. Leaves them up. (Not in a
# subshell: the daemon must stay this shell's child.)
restore_fresh() {
	local set=$1 mode=$2 n=$3 t0 t1
	pair_up || return 1
	if [ "$mode" = bpfilter ]; then
		bf_daemon_start || { pair_down; return 1; }
		"$(tool bpfilter)" -S >/dev/null
	fi
	t0=$EPOCHREALTIME
	if ! ip netns exec dut "$(tool "$mode" -restore)" <"$work/$set.$n"; then
		tear_down "$mode"
		return 1
	fi
	t1=$EPOCHREALTIME
	restored="$restored $(seconds_of "$t0" "$t1")"
}

tear_down() {
	[ "$1" = bpfilter ] && bf_daemon_stop
	pair_down
}

# the median of BENCH_RESTORES (3) restores, each in fresh namespaces and
# for bpfilter by a fresh daemon (the first restore of each), in restore;
# the last is left up for the rest of the measure
restore_median() {
	local i
	restored=
	for i in $(seq "${BENCH_RESTORES:-3}"); do
		[ "$i" -gt 1 ] && tear_down "$2"
		restore_fresh "$@" || return 1
	done
	# shellcheck disable=SC2086 # one figure per word
	restore=$(median $restored)
}

measure() {
	local set=$1 mode=$2 n=$3 restore restored append insert delete sent pkts pps ns=- rss=-
	restore_median "$set" "$mode" "$n" || return 1
	append=$(append_median "$mode")
	insert_delete_medians "$mode"
	read -r pkts sent < <(flood_median "$mode")
	pps=$(( ${pkts:-0} / seconds ))
	if [ "$mode" = bpfilter ]; then
		ns=$(ip netns exec dut "$BF_OBJTREE/scripts/bench/testrun" filter_INPUT 100000)
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$BF_DAEMON_PID/status")
	fi
	printf '%s %s %s %s %s %s %s %s %s %s %s\n' "$set" "$n" "$mode" "$restore" "$append" \
		"$pps" "$ns" "$rss" "$sent" "$insert" "$delete"
	tear_down "$mode"
}

make -s -C "$top" O="$BF_OBJTREE" all bench-tools || exit 1
sysctl -qw kernel.bpf_stats_enabled=0
for set in $sets; do
	for n in $sizes; do python3 "$top/scripts/bench/rules.py" "$set" "$n" >"$work/$set.$n"; done
done

# one untimed round per mode first: the run's first commands load binaries,
# libraries and kernel modules the others find ready (its first append took
# three times as long as the same one later)
for mode in $modes; do measure "${sets%% *}" "$mode" 1 >/dev/null; done
echo "# set N mode restore_s append_s pps testrun_ns rss_kb sent insert_s delete_s" >"$work/dat"
for set in $sets; do
	for n in $sizes; do
		for mode in $modes; do
			line=$(measure "$set" "$mode" "$n") || line="$set $n $mode - - - - - - - -"
			echo "$line" | tee -a "$work/dat"
		done
	done
done

cp "$work/dat" "$out/benchmarks.dat"
"$top/scripts/bench-report.sh" "$out/benchmarks.dat" "$out" "$seconds"
rm -rf "$work" "$BF_LOG"
