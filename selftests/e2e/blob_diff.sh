#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential test of raw requests: mutants of a valid IPT_SO_SET_REPLACE
# (selftests/tools/mutate_blob.py: offsets, sizes, hooks, names, revisions,
# verdicts and match data near the kernel's edges) go byte for byte to the
# kernel's ip_tables in netns "kern" and to bpfilter in netns "bpf". Both
# must give the same errno, and leave the same table (IPT_SO_GET_INFO and
# GET_ENTRIES bytes): a refused request changes nothing. One exception, a
# firewall's: what the kernel takes but bpfilter cannot translate is
# refused (EOPNOTSUPP), bpfilter's table unchanged.
#
# Usage: blob_diff.sh OBJTREE [FIRST_SEED [NUM_SEEDS [MUTANTS]]]
#        BF_BLOB_DIR=DIR blob_diff.sh OBJTREE: DIR's requests instead (a
#        fuzzer's corpus, scripts/fuzz.sh), after seed 1's table
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
first=${2:-${BF_BLOB_SEED:-1}}
count=${3:-${BF_BLOB_SEEDS:-3}}
mutants=${4:-${BF_BLOB_MUTANTS:-150}}
work=$(mktemp -d)
tool="$BF_OBJTREE/selftests/tools/ipt_replace"
raw="$BF_OBJTREE/selftests/tools/ipt_raw"
preload="$BF_OBJTREE/sockopt/libbpfilter-preload.so"
EOPNOTSUPP=95

bf_daemon_start || { bf_not_ok "bpfilterd starts"; cat "$BF_LOG"; bf_finish; exit 1; }
ip netns add kern
ip netns add bpf

# on SIDE: run a command in its netns, through the shim for bpfilter
on() {
	local side=$1
	shift
	if [ "$side" = kern ]; then
		ip netns exec kern "$@"
	else
		ip netns exec bpf env LD_PRELOAD="$preload" "$@"
	fi
}

# compare LABEL FILE...: send each request to both, after the base request
# ($work/base) on both; one TAP line for all, and one for each of the first
# five that differ
compare() {
	local label=$1 req k b why
	shift
	same=0 took=0 untranslatable=0 bad=0
	declare -A errnos=()
	for req in "$@"; do
		# both start from the base table
		on kern "$tool" send "$work/base" >/dev/null
		on bpf "$tool" send "$work/base" >"$work/e.bpf"
		on bpf "$raw" >"$work/before.bpf"
		k=$(on kern "$tool" send "$req")
		b=$(on bpf "$tool" send "$req")
		on kern "$raw" >"$work/t.kern"
		on bpf "$raw" >"$work/t.bpf"
		if [ "$(cat "$work/e.bpf")" != 0 ]; then
			why="bpfilter refused the base table before it"
		elif [ "$k" = "$b" ] && cmp -s "$work/t.kern" "$work/t.bpf"; then
			same=$((same + 1))
			if [ "$k" = 0 ]; then took=$((took + 1)); else errnos[$k]=1; fi
			continue
		elif [ "$b" = $EOPNOTSUPP ] && cmp -s "$work/before.bpf" "$work/t.bpf"; then
			untranslatable=$((untranslatable + 1))
			continue
		else
			why="kernel errno $k, bpfilter errno $b, tables $(cmp -s "$work/t.kern" \
				"$work/t.bpf" && echo equal || echo differ)"
		fi
		bad=$((bad + 1))
		[ $bad -le 5 ] && bf_not_ok "$label, request ${req##*/}$(sed 's/.*/ (&)/' \
			"$req.txt" 2>/dev/null): $why"
	done
	if [ $bad -eq 0 ] && [ $took -gt 0 ] && [ $((same - took)) -gt 0 ]; then
		bf_ok "$label: $# requests, same errno and table: $took taken," \
			"$((same - took)) refused (errnos ${!errnos[*]}), $untranslatable refused as" \
			"untranslatable"
	elif [ $bad -eq 0 ]; then
		bf_not_ok "$label: the requests were all taken or all refused ($took of $same taken)"
	fi
}

# the ruleset of randomfw.py's seed, as the kernel lays it out, into $work/base
base_of_seed() {
	python3 "$here/../tools/randomfw.py" rules "$1" >"$work/rules" &&
		ip netns exec kern iptables-legacy-restore <"$work/rules" &&
		on kern "$tool" save "$work/base"
}

if [ -n "${BF_BLOB_DIR:-}" ]; then
	# a fuzzer's corpus (scripts/fuzz.sh), named "filter" as its target does
	mkdir -p "$work/c"
	python3 - "$BF_BLOB_DIR" "$work/c" <<-'EOF'
		import os, sys
		for name in os.listdir(sys.argv[1]):
		    b = bytearray(open(os.path.join(sys.argv[1], name), "rb").read())
		    if len(b) >= 96:
		        b[0:32] = b"filter".ljust(32, b"\0")
		        open(os.path.join(sys.argv[2], name), "wb").write(b)
	EOF
	if base_of_seed 1; then
		compare "$BF_BLOB_DIR" "$work"/c/*
	else
		bf_not_ok "seed 1: the kernel takes the ruleset"
	fi
	count=0
fi

for seed in $(seq "$first" $((first + count - 1))); do
	# the seed's ruleset is the request mutated
	if ! base_of_seed "$seed"; then
		bf_not_ok "seed $seed: the kernel takes the ruleset"
		continue
	fi
	python3 "$here/../tools/mutate_blob.py" "$work/base" "$work/m" "$mutants" "$seed"
	compare "seed $seed" $(seq -f "$work/m/%g" 0 $((mutants - 1)))
done

bf_check "bpfilterd still runs" kill -0 "$BF_DAEMON_PID"
bf_daemon_stop
bf_finish
