#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Milliseconds one iptables command takes in front of bpfilter and of the
# kernel's iptables-legacy, with rulesets as hosts have them; the two take
# turns at every command, each in a netns of its own:
#   - host: a ufw- and docker-like table (scripts/bench/host.rules): a rule
#     appended to ufw-user-input, then deleted;
#   - iface: 20 INPUT rules that each name an input interface (-i): a rule
#     appended to INPUT, then deleted;
#   - ports: 30 INPUT rules that each accept a TCP or UDP port, as ufw
#     writes them: a port rule appended to INPUT, then deleted;
#   - fail2ban: BENCH_BANS (2,000) REJECT rules in chain f2b, which INPUT
#     jumps to: a ban inserted at the head of f2b (fail2ban's own command),
#     then lifted.
# Each figure is the median of BENCH_ROUNDS (5) commands. Writes a Markdown
# table to standard output. A benchmark, not a test: it never fails on a
# number.
#
# Usage: scripts/bench/commands.sh [OBJTREE]    (root; in its own sandbox)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib.sh"
bf_sandbox "$@"

BF_OBJTREE=$(cd "${1:-$top/build}" && pwd)
BF_LOG=$(mktemp)
work=$(mktemp -d)
rounds=${BENCH_ROUNDS:-5}
bans=${BENCH_BANS:-2000}
reject="-j REJECT --reject-with icmp-port-unreachable"

iface_rules() {
	echo '*filter'
	for i in $(seq 20); do echo "-A INPUT -i eth$i -s 192.0.2.$i/32 -j DROP"; done
	echo COMMIT
}

port_rules() {
	echo '*filter'
	for i in $(seq 30); do
		if [ $((i % 3)) = 0 ]; then
			echo "-A INPUT -p udp -m udp --dport $((5000 + i)) -j ACCEPT"
		else
			echo "-A INPUT -p tcp -m tcp --dport $((5000 + i)) -j ACCEPT"
		fi
	done
	echo COMMIT
}

fail2ban_rules() {
	printf '*filter\n:f2b - [0:0]\n-A INPUT -p tcp -m multiport --dports 22 -j f2b\n'
	for i in $(seq 0 $((bans - 1))); do
		echo "-A f2b -s 198.18.$((i / 250)).$((i % 250 + 1))/32 $reject"
	done
	echo '-A f2b -j RETURN'
	echo COMMIT
}

tool() {
	case $1 in
	bpfilter) echo "$BF_OBJTREE/scripts/iptables-bpfilter${2:-}" ;;
	legacy) echo "iptables-legacy${2:-}" ;;
	esac
}

# milliseconds of `iptables ARGS...` in filter MODE's netns
timed() {
	local mode=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	ip netns exec "bench-$mode" "$(tool "$mode")" "$@" >/dev/null || return 1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# one table row: NAME RULES ADD DEL RULE...: the medians of ADD and DEL RULE
row() {
	local name=$1 rules=$2 add=$3 del=$4 mode i
	shift 4
	declare -A adds dels
	for mode in bpfilter legacy; do
		ip netns exec "bench-$mode" "$(tool "$mode" -restore)" <"$rules" || return 1
	done
	for i in $(seq "$rounds"); do
		for mode in bpfilter legacy; do
			# shellcheck disable=SC2086 # the command's words
			adds[$mode]="${adds[$mode]:-} $(timed "$mode" $add -s 203.0.113.$i/32 "$@")"
		done
		for mode in bpfilter legacy; do
			# shellcheck disable=SC2086
			dels[$mode]="${dels[$mode]:-} $(timed "$mode" $del -s 203.0.113.$i/32 "$@")"
		done
	done
	# shellcheck disable=SC2086 # one figure per word
	printf '| %s | %s | %s | %s | %s |\n' "$name" "$(median ${adds[bpfilter]})" \
		"$(median ${adds[legacy]})" "$(median ${dels[bpfilter]})" "$(median ${dels[legacy]})"
}

make -s -C "$top" O="$BF_OBJTREE" all || exit 1
ip netns add bench-bpfilter && ip netns add bench-legacy || exit 1
bf_daemon_start || exit 1
"$(tool bpfilter)" -S >/dev/null
iface_rules >"$work/iface"
port_rules >"$work/ports"
fail2ban_rules >"$work/fail2ban"
echo "| ruleset | add, bpfilter | add, legacy | delete, bpfilter | delete, legacy |"
echo "|---|---:|---:|---:|---:|"
row host "$top/scripts/bench/host.rules" "-A ufw-user-input" "-D ufw-user-input" -j DROP
row iface "$work/iface" "-A INPUT" "-D INPUT" -j DROP
row ports "$work/ports" "-A INPUT" "-D INPUT" -p tcp --dport 4000 -j ACCEPT
# shellcheck disable=SC2086 # the target's words
row "fail2ban, $bans bans" "$work/fail2ban" "-I f2b 1" "-D f2b" $reject
bf_daemon_stop
ip netns del bench-bpfilter
ip netns del bench-legacy
rm -rf "$work" "$BF_LOG"
