#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential enforcement test: a random ruleset (user chains, jumps and
# gotos, inversions, the translatable matches) is loaded into the kernel's
# ip_tables in netns "kern" and into bpfilter in netns "bpf"; the same
# random packets are sent in both; every rule's and every policy's packet
# and byte counters must then be equal (iptables-save -c).
#
# With BF_DIFF_KIND=big, the rulesets also hold long runs of address rules
# (blocklists with overlapping prefixes) that bpfilter classifies; then the
# runs of one prefix length are changed as fail2ban changes its chain (rules
# inserted and deleted one command at a time, which bpfilter makes data
# updates), the same packets are sent again, and the counters compared again.
#
# Usage: diff_random.sh OBJTREE [FIRST_SEED [NUM_SEEDS [PACKETS]]]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

BF_OBJTREE=$(cd "$1" && pwd)
first=${2:-${BF_DIFF_SEED:-1}}
count=${3:-${BF_DIFF_SEEDS:-25}}
packets=${4:-300}
kind=${BF_DIFF_KIND:-}
BF_LOG=$(mktemp)
work=$(mktemp -d)
gen="$here/../tools/randomfw.py"
bpf_restore="$BF_OBJTREE/scripts/iptables-bpfilter-restore"
bpf_save="$BF_OBJTREE/scripts/iptables-bpfilter-save"
bpf_ipt="$BF_OBJTREE/scripts/iptables-bpfilter"

bf_daemon_start || { bf_not_ok "bpfilterd starts"; cat "$BF_LOG"; bf_finish; exit 1; }

# A fresh pair of namespaces per seed: no state carried over.
fresh_netns() {
	local ns
	for ns in kern bpf; do
		ip netns del $ns 2>/dev/null
		ip netns add $ns
		ip -n $ns link set lo up
		# ICMP errors are rate-limited by time: take time out of the picture
		ip netns exec $ns sysctl -qw net.ipv4.icmp_ratemask=0
	done
}

# iptables-save -c without its dated comment lines
save() { grep -v '^#'; }

# send_and_compare WHAT: the seed's packets into both, then their counters.
send_and_compare() {
	ip netns exec kern python3 "$gen" send "$seed" "$packets" $kind
	ip netns exec bpf python3 "$gen" send "$seed" "$packets" $kind
	sleep 0.2
	ip netns exec kern iptables-legacy-save -c -t filter | save >"$work/k.save"
	ip netns exec bpf "$bpf_save" -c -t filter | save >"$work/b.save"
	hits=$(grep -c '^\[[1-9]' "$work/k.save")
	if cmp -s "$work/k.save" "$work/b.save"; then
		bf_ok "$1: counters equal ($hits rules hit)"
	else
		bf_not_ok "$1: counters differ"
		diff "$work/k.save" "$work/b.save" | sed 's/^/#   /' | head -20
	fi
}

for seed in $(seq "$first" $((first + count - 1))); do
	fresh_netns
	python3 "$gen" rules "$seed" $kind >"$work/rules"
	ip netns exec kern iptables-legacy-restore <"$work/rules" >"$work/k.err" 2>&1
	krc=$?
	ip netns exec bpf "$bpf_restore" <"$work/rules" >"$work/b.err" 2>&1
	brc=$?
	if [ $krc -ne 0 ] || [ $brc -ne 0 ]; then
		if [ $krc -eq $brc ] && cmp -s "$work/k.err" "$work/b.err"; then
			bf_ok "seed $seed: ruleset refused alike ($(head -1 "$work/k.err"))"
		else
			bf_not_ok "seed $seed: restore differs (kernel rc $krc, bpfilter rc $brc)"
			sed 's/^/#   /' "$work/b.err" | head -5
		fi
		continue
	fi
	send_and_compare "seed $seed"
	[ "$kind" = big ] || continue
	python3 "$gen" edits "$seed" big >"$work/edits"
	[ -s "$work/edits" ] || continue
	edited=ok
	while read -r -a args; do
		ip netns exec kern iptables-legacy "${args[@]}" >"$work/k.err" 2>&1
		krc=$?
		ip netns exec bpf "$bpf_ipt" "${args[@]}" >"$work/b.err" 2>&1
		[ $? -eq $krc ] && cmp -s "$work/k.err" "$work/b.err" && continue
		edited="iptables ${args[*]} differs"
		break
	done <"$work/edits"
	if [ "$edited" != ok ]; then
		bf_not_ok "seed $seed: $edited"
		continue
	fi
	send_and_compare "seed $seed, after $(wc -l <"$work/edits") commands on its address runs"
done
ip netns del kern 2>/dev/null
ip netns del bpf 2>/dev/null
bf_daemon_stop
bf_finish
