#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the daemon's path from a raw IPT_SO_SET_REPLACE request to loaded
# programs (selftests/fuzz/fuzz_table.c) with libFuzzer, from seeds that
# iptables-legacy lays out itself: the filter table after each command of
# selftests/e2e/commands.txt and the rulesets of selftests/tools/randomfw.py,
# saved as requests by selftests/tools/ipt_replace. Runs as root, in a
# network and mount namespace of its own.
#
# Usage: scripts/fuzz.sh [SECONDS]
#   SECONDS  how long to fuzz (default 600); 0 runs each seed once, which
#            checks the target and its seeds
# Build tree: build/fuzz (make fuzz, clang); the corpus the fuzzer grows is
# build/fuzz/corpus, the inputs that fail go to build/fuzz/crashes/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}

if [ -z "${BF_IN_SANDBOX:-}" ]; then
	make -C "$top" --no-print-directory fuzz || exit 1
	make -C "$top" --no-print-directory FUZZ=1 \
		"$top/build/fuzz/selftests/tools/ipt_replace" || exit 1
fi
. "$top/selftests/lib.sh"
bf_sandbox "$@"

objtree=$top/build/fuzz
seeds=$objtree/seeds
mkdir -p "$seeds" "$objtree/corpus" "$objtree/crashes"
rm -f "$seeds"/*

# the table in force as a seed, named by its contents: equal tables once
save_seed() {
	local tmp=$seeds/new
	"$objtree/selftests/tools/ipt_replace" save "$tmp" || return
	mv "$tmp" "$seeds/$(sha1sum "$tmp" | cut -c1-16)"
}

while IFS= read -r line; do
	case "$line" in "#"* | "" | *"<"* | "iptables -L"* | "iptables -S"*) continue ;; esac
	eval "iptables-legacy ${line#iptables }" >/dev/null 2>&1 && save_seed
done <"$top/selftests/e2e/commands.txt"
for seed in $(seq 1 20); do
	python3 "$top/selftests/tools/randomfw.py" rules "$seed" | iptables-legacy-restore && save_seed
done
for seed in 1 2; do
	python3 "$top/selftests/tools/randomfw.py" rules "$seed" big | iptables-legacy-restore &&
		save_seed
done
echo "fuzz.sh: $(ls "$seeds" | wc -l) seeds"

opts=(-artifact_prefix="$objtree/crashes/" -timeout=30 -rss_limit_mb=4096 -max_len=65536
	-print_final_stats=1)
if [ "$seconds" -eq 0 ]; then
	opts+=(-runs=0)
else
	opts+=(-max_total_time="$seconds")
fi
# libFuzzer ends with an error of its own on a crash, a leak or a report
"$objtree/selftests/fuzz/fuzz_table" "${opts[@]}" "$objtree/corpus" "$seeds"
