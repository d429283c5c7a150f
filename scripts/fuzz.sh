#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the daemon with libFuzzer, two targets:
# - table (selftests/fuzz/fuzz_table.c): the path from a raw
#   IPT_SO_SET_REPLACE request to loaded programs, from seeds that
#   iptables-legacy lays out itself: the filter table after each command of
#   selftests/e2e/commands.txt and the rulesets of selftests/tools/randomfw.py,
#   saved as requests by selftests/tools/ipt_replace;
# - update (selftests/fuzz/fuzz_update.c): tables of address runs replaced
#   step by step as the daemon replaces them (data updates), checked against
#   the same tables loaded fresh, from selftests/tools/update_seeds.py.
# Runs as root, in a network and mount namespace of its own.
#
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]
#   SECONDS  how long to fuzz each target (default 600); 0 runs each seed
#            once, which checks the target and its seeds
#   TARGET   table or update (default: both, one after the other)
# Build tree: build/fuzz (make fuzz, clang); each target's seeds, the corpus
# the fuzzer grows and the inputs that fail are in
# build/fuzz/TARGET/{seeds,corpus,crashes}/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
args=("$@")
seconds=${1:-600}
shift $(($# > 0))
targets=${*:-table update}
for target in $targets; do
	case "$target" in
	table | update) ;;
	*)
		echo "usage: scripts/fuzz.sh [SECONDS [table|update...]]" >&2
		exit 2
		;;
	esac
done

if [ -z "${BF_IN_SANDBOX:-}" ]; then
	make -C "$top" --no-print-directory fuzz || exit 1
	make -C "$top" --no-print-directory FUZZ=1 \
		"$top/build/fuzz/selftests/tools/ipt_replace" || exit 1
fi
. "$top/selftests/lib.sh"
bf_sandbox "${args[@]}"

objtree=$top/build/fuzz

# the table in force as a seed of dir, named by its contents: equal tables once
save_seed() {
	local tmp=$1/new
	"$objtree/selftests/tools/ipt_replace" save "$tmp" || return
	mv "$tmp" "$1/$(sha1sum "$tmp" | cut -c1-16)"
}

table_seeds() {
	local line seed

	while IFS= read -r line; do
		case "$line" in "#"* | "" | *"<"* | "iptables -L"* | "iptables -S"*) continue ;; esac
		eval "iptables-legacy ${line#iptables }" >/dev/null 2>&1 && save_seed "$1"
	done <"$top/selftests/e2e/commands.txt"
	for seed in $(seq 1 20); do
		python3 "$top/selftests/tools/randomfw.py" rules "$seed" | iptables-legacy-restore &&
			save_seed "$1"
	done
	for seed in 1 2; do
		python3 "$top/selftests/tools/randomfw.py" rules "$seed" big |
			iptables-legacy-restore && save_seed "$1"
	done
}

# fuzz target $1 for $seconds: 0 if nothing failed
fuzz() {
	local dir=$objtree/$1 opts

	mkdir -p "$dir/seeds" "$dir/corpus" "$dir/crashes"
	rm -f "$dir/seeds"/*
	case "$1" in
	table) table_seeds "$dir/seeds" ;;
	update) python3 "$top/selftests/tools/update_seeds.py" "$dir/seeds" ;;
	esac
	echo "fuzz.sh: $1: $(ls "$dir/seeds" | wc -l) seeds"
	opts=(-artifact_prefix="$dir/crashes/" -timeout=60 -rss_limit_mb=4096 -max_len=65536
		-print_final_stats=1)
	if [ "$seconds" -eq 0 ]; then
		opts+=(-runs=0)
	else
		opts+=(-max_total_time="$seconds")
	fi
	# libFuzzer ends with an error of its own on a crash, a leak or a report
	"$objtree/selftests/fuzz/fuzz_$1" "${opts[@]}" "$dir/corpus" "$dir/seeds"
}

rc=0
for target in $targets; do
	fuzz "$target" || rc=1
done
exit "$rc"
