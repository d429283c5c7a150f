#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The filter table's cost, bpfilter against the kernel's iptables-legacy and
# iptables-nft, measured in one run on this machine, modes alternating. For
# each ruleset in BENCH_SETS (blocklist, mixed: see scripts/bench/rules.py)
# and each N in BENCH_SIZES, each mode in a fresh pair of netns joined by
# veth, the three side by side, with N INPUT rules of which only the last
# matches the flood (so that a linear filter walks all of them); the
# modes take turns at each command and flood (see measure()):
#   - restore: seconds iptables-restore takes to apply the N rules (the
#     median of BENCH_RESTORES, 3, each in fresh namespaces and, for
#     bpfilter, by a fresh daemon);
#   - parse: for legacy, seconds `iptables-legacy-restore --test` takes to
#     read the empty table and parse the N rules without sending them (as
#     many): the client's own share of any restore;
#   - append: seconds `iptables -A` takes to add one rule to them (the
#     median of BENCH_APPENDS, 5, appended one after the other);
#   - insert, delete: seconds `iptables -I INPUT 1` takes to add one rule
#     before them, and `iptables -D` to delete it again by its spec (the
#     medians of as many);
#   - pps: UDP packets per second the last rule counts while one CPU sends
#     for BENCH_SECONDS (sending and receiving share that CPU, as veth does),
#     the median of BENCH_FLOODS (3) floods;
#   - pps_ref: for bpfilter, the same with only the rule the flood meets,
#     flooded in turn with the others: its throughput at N = 1;
#   - ns/pkt: for bpfilter, BPF_PROG_TEST_RUN's mean time of its daemon's
#     filter_INPUT;
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
	bpfilter | ref) echo "$BF_OBJTREE/scripts/iptables-bpfilter${2:-}" ;;
	legacy) echo "iptables-legacy${2:-}" ;;
	nft) echo "iptables-nft${2:-}" ;;
	esac
}

# each mode has its own pair of netns, dut-MODE and gen-MODE, all up at once
pair_up() {
	local dut=dut-$1 gen=gen-$1
	ip netns add "$dut" && ip netns add "$gen" || return 1
	ip -n "$dut" link set lo up
	ip -n "$gen" link set lo up
	ip link add d0 netns "$dut" type veth peer name g0 netns "$gen"
	ip -n "$dut" addr add 10.98.0.1/24 dev d0
	ip -n "$gen" addr add 10.98.0.2/24 dev g0
	ip -n "$dut" link set d0 up
	ip -n "$gen" link set g0 up
	ip netns exec "$gen" ping -c1 -W1 10.98.0.1 >/dev/null
}

pair_down() { ip netns del "dut-$1" 2>/dev/null; ip netns del "gen-$1" 2>/dev/null; }

# a mode's iptables command (TOOL_SUFFIX: -save, -restore) in its dut netns
on_dut() {
	local mode=$1
	shift
	ip netns exec "dut-$mode" "$(tool "$mode" "${TOOL_SUFFIX:-}")" "$@"
}

# packets counted on the last rule
last_rule_pkts() {
	TOOL_SUFFIX=-save on_dut "$1" -c -t filter |
		sed -n 's/^\[\([0-9]*\):[0-9]*\] -A INPUT -s 10.98.0.2\/32 \(-d 10.98.0.1\/32 -p udp -m udp --dport 9 \)\?-j DROP$/\1/p'
}

seconds_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# seconds one command of a mode takes
timed() {
	local t0 t1
	t0=$EPOCHREALTIME
	on_dut "$@"
	t1=$EPOCHREALTIME
	seconds_of "$t0" "$t1"
}

# A fresh pair of netns (and for bpfilter a daemon of its own: its memory is
# this table's; warmed up, as a daemon started at boot is: its first
# request waits for it to read the kernel's BTF), then the N rules restored
# there, in seconds, added to restored. Leaves them up. (Not in a subshell:
# the daemon must stay this shell's child.)
restore_fresh() {
	local set=$1 mode=$2 n=$3 t
	pair_up "$mode" || return 1
	if [ "$mode" = bpfilter ]; then
		bf_daemon_start || { pair_down "$mode"; return 1; }
		"$(tool bpfilter)" -S >/dev/null
	fi
	if ! t=$(TOOL_SUFFIX=-restore timed "$mode" <"$work/$set.$n"); then
		tear_down "$mode"
		return 1
	fi
	restored="$restored $t"
}

tear_down() {
	[ "$1" = bpfilter ] && bf_daemon_stop
	pair_down "$1"
}

# in restored_median, the median of BENCH_RESTORES (3) restores, each in
# fresh namespaces and for bpfilter by a fresh daemon (the first restore of
# each); the last is left up for the rest of the measure
restore_median() {
	local i restored=
	for i in $(seq "${BENCH_RESTORES:-3}"); do
		[ "$i" -gt 1 ] && tear_down "$2"
		restore_fresh "$@" || return 1
	done
	# shellcheck disable=SC2086 # one figure per word
	restored_median=$(median $restored)
}

# in parsed_median, the median of BENCH_RESTORES (3) runs of
# `iptables-legacy-restore --test` with the N rules, in gen-legacy, whose
# table is empty as a fresh netns's: what the client takes before it sends
# anything, whichever filter it sends to ("-" if it fails)
parse_median() {
	local set=$1 n=$2 i t0 t1 parsed=
	parsed_median=-
	for i in $(seq "${BENCH_RESTORES:-3}"); do
		t0=$EPOCHREALTIME
		ip netns exec gen-legacy iptables-legacy-restore --test <"$work/$set.$n" || return
		t1=$EPOCHREALTIME
		parsed="$parsed $(seconds_of "$t0" "$t1")"
	done
	# shellcheck disable=SC2086 # one figure per word
	parsed_median=$(median $parsed)
}

# Each figure of a set and N, for every mode. The modes' tables are up side
# by side and their commands and floods take turns, so that whatever else
# this shared machine does meanwhile falls on all of them alike (measured
# one mode after the other, the append ratio went from 0.85 to 1.12 from
# one run to the next). A single command's time is mostly noise and
# first-use costs: each figure is the median of BENCH_APPENDS (5) commands:
#   - append: one rule after the rule the flood meets;
#   - insert: one rule at the head of INPUT; then delete: those rules again,
#     by their spec (which the client looks for in the table), which leaves
#     the table as it was;
#   - pps: of BENCH_FLOODS (3) floods, packets counted on the last rule;
#     bpfilter's floods take turns with a fourth table's too, "ref", its own
#     with only the rule the flood meets: its throughput at N = 1 in the
#     same rounds (taken from the N = 1 figures, measured minutes apart,
#     that ratio came out at 1.31 in a run whose N = 1 floods were all slow).
measure() {
	local set=$1 n=$2 mode i up='' pkts sent ns=- rss=- ref='' own_ns own_rss own_ref parse
	declare -A restore append insert delete floods
	for mode in $modes; do
		restore_median "$set" "$mode" "$n" || continue
		restore[$mode]=$restored_median
		up="$up $mode"
	done
	parse_median "$set" "$n"
	take_turns append "-A INPUT" 0 22
	take_turns insert "-I INPUT 1" 100 23
	# the inserted rules again, by their spec: the table is as it was
	take_turns delete "-D INPUT" 100 23
	case " $up " in
	*" bpfilter "*)
		# the daemon's own program, of the table in force: before the
		# reference table exists (its program has the same name)
		ns=$(ip netns exec dut-bpfilter "$BF_OBJTREE/scripts/bench/testrun" "$BF_DAEMON_PID" \
			filter_INPUT 100000)
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$BF_DAEMON_PID/status")
		pair_up ref && TOOL_SUFFIX=-restore on_dut ref <"$work/$set.1" && ref=ref
		;;
	esac
	for i in $(seq "${BENCH_FLOODS:-3}"); do
		for mode in $up $ref; do
			pkts=$(last_rule_pkts "$mode")
			sent=$(ip netns exec "gen-$mode" taskset -c 0 \
				"$BF_OBJTREE/scripts/bench/udpflood" 10.98.0.1 9 "$seconds")
			pkts=$(( $(last_rule_pkts "$mode") - ${pkts:-0} ))
			floods[$mode]="${floods[$mode]:-}$pkts $sent"$'\n'
		done
	done
	for mode in $modes; do
		case " $up " in
		*" $mode "*) ;;
		*) echo "$set $n $mode - - - - - - - - - -"; continue ;;
		esac
		# figures of one mode only: bpfilter's own, legacy's client
		own_ns=- own_rss=- own_ref='' parse=-
		case $mode in
		bpfilter) own_ns=$ns own_rss=$rss own_ref=${floods[ref]:-} ;;
		legacy) parse=$parsed_median ;;
		esac
		print_figures "$set" "$n" "$mode" "${restore[$mode]}" "${append[$mode]}" \
			"${insert[$mode]}" "${delete[$mode]}" "${floods[$mode]}" "$own_ns" "$own_rss" \
			"$own_ref" "$parse"
	done
	pair_down ref
	for mode in $up; do tear_down "$mode"; done
}

# BENCH_APPENDS (5) rounds of `iptables COMMAND -s 192.0.2.(FIRST + round)/32
# -p tcp --dport PORT -j ACCEPT`, each mode of measure()'s $up in turn: their
# seconds, per mode, appended to the array named ARRAY
take_turns() {
	local -n times=$1
	local command=$2 first=$3 port=$4 i mode t
	for i in $(seq "${BENCH_APPENDS:-5}"); do
		for mode in $up; do
			# shellcheck disable=SC2086 # the command's words
			t=$(timed "$mode" $command -s "192.0.2.$((first + i))/32" -p tcp \
				--dport "$port" -j ACCEPT)
			# shellcheck disable=SC2004 # times is associative: the key is $mode
			times[$mode]="${times[$mode]:-} $t"
		done
	done
}

# the packets per second of the median of floods ("pkts sent" lines): the
# one with the median count; "-" for none
flood_pps() {
	local pkts
	[ -n "$1" ] || { echo -; return; }
	read -r pkts _ < <(printf '%s' "$1" | sort -n |
		awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }')
	echo "$(( ${pkts:-0} / seconds ))"
}

# one line of benchmarks.dat: set N mode restore appends inserts deletes
# floods testrun_ns rss_kb reference_floods parse_s
print_figures() {
	local set=$1 n=$2 mode=$3 restore_s=$4 sent
	sent=$(printf '%s' "$8" | sort -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
	# shellcheck disable=SC2086 # one figure per word
	printf '%s %s %s %s %s %s %s %s %s %s %s %s %s\n' "$set" "$n" "$mode" "$restore_s" \
		"$(median $5)" "$(flood_pps "$8")" "$9" "${10}" "${sent:-0}" \
		"$(median $6)" "$(median $7)" "$(flood_pps "${11}")" "${12}"
}

make -s -C "$top" O="$BF_OBJTREE" all bench-tools || exit 1
sysctl -qw kernel.bpf_stats_enabled=0
for set in $sets; do
	for n in 1 $sizes; do python3 "$top/scripts/bench/rules.py" "$set" "$n" >"$work/$set.$n"; done
done

# one untimed round first: the run's first commands load binaries,
# libraries and kernel modules the others find ready (its first append took
# three times as long as the same one later)
measure "${sets%% *}" 1 >/dev/null
echo "# set N mode restore_s append_s pps testrun_ns rss_kb sent insert_s delete_s pps_ref parse_s" >"$work/dat"
for set in $sets; do
	for n in $sizes; do
		measure "$set" "$n" | tee -a "$work/dat"
	done
done

cp "$work/dat" "$out/benchmarks.dat"
"$top/scripts/bench-report.sh" "$out/benchmarks.dat" "$out" "$seconds"
rm -rf "$work" "$BF_LOG"
