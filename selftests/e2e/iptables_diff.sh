#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential test: the same iptables command script runs against the
# kernel's ip_tables (netns "kern") and through the bpfilter wrappers and
# bpfilterd (netns "bpf"). For every command stdout, stderr and exit code must
# be identical, and after it iptables-save -c, -S, -L -n -v -x --line-numbers
# and the raw IPT_SO_GET_INFO/GET_ENTRIES bytes.
#
# Usage: iptables_diff.sh OBJTREE [COMMANDS_FILE]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

BF_OBJTREE=$(cd "$1" && pwd)
script=${2:-$here/commands.txt}
BF_LOG=$(mktemp)
work=$(mktemp -d)

ip netns add kern
ip netns add bpf
bf_daemon_start || { bf_not_ok "bpfilterd starts"; cat "$BF_LOG"; bf_finish; exit 1; }

# tool name in the script -> the binary on each side
side_cmd() {
	local side=$1 tool=$2
	if [ "$side" = kern ]; then
		echo "${tool/iptables/iptables-legacy}"
	else
		echo "$BF_OBJTREE/scripts/${tool/iptables/iptables-bpfilter}"
	fi
}

# run SIDE OUTPREFIX TOOL ARGS... [< FILE]: run in the side's netns.
run() {
	local side=$1 out=$2 tool=$3
	shift 3
	local input=/dev/null
	local -a args=()
	while [ $# -gt 0 ]; do
		if [ "$1" = "<" ]; then input=$here/$2; shift 2; continue; fi
		args+=("$1")
		shift
	done
	ip netns exec "$side" "$(side_cmd "$side" "$tool")" "${args[@]}" \
		<"$input" >"$out.out" 2>"$out.err"
	echo $? >"$out.rc"
}

# state SIDE OUT: everything a reader of the table can see.
state() {
	local side=$1 out=$2
	{
		run "$side" "$work/s" iptables-save -c
		grep -v '^#' "$work/s.out"; cat "$work/s.err" "$work/s.rc"
		run "$side" "$work/s" iptables -S
		cat "$work/s.out" "$work/s.err" "$work/s.rc"
		run "$side" "$work/s" iptables -L -n -v -x --line-numbers
		cat "$work/s.out" "$work/s.err" "$work/s.rc"
		if [ "$side" = kern ]; then
			ip netns exec kern "$BF_OBJTREE/selftests/tools/ipt_raw"
		else
			ip netns exec bpf env LD_PRELOAD="$BF_OBJTREE/sockopt/libbpfilter-preload.so" \
				"$BF_OBJTREE/selftests/tools/ipt_raw"
		fi
	} >"$out" 2>&1
}

same() {
	local a=$1 b=$2 what=$3
	if cmp -s "$a" "$b"; then return 0; fi
	echo "# $what differs (kernel vs bpfilter):"
	diff -u "$a" "$b" | head -40 | sed 's/^/#   /'
	return 1
}

lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	case "$line" in ''|'#'*) continue ;; esac
	eval "set -- ${line// < / \'<\' }"
	run kern "$work/k" "$@"
	run bpf "$work/b" "$@"
	ok=1
	for f in out err rc; do
		same "$work/k.$f" "$work/b.$f" "$f of '$line'" || ok=0
	done
	state kern "$work/k.state"
	state bpf "$work/b.state"
	same "$work/k.state" "$work/b.state" "table after '$line'" || ok=0
	if [ $ok = 1 ]; then
		bf_ok "line $lineno: $line (rc $(cat "$work/k.rc"))"
	else
		bf_not_ok "line $lineno: $line"
	fi
done <"$script"

bf_daemon_stop
bf_check "bpfilterd stops cleanly on SIGTERM" test $? -eq 0
rm -rf "$work" "$BF_LOG"
bf_finish
