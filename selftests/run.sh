#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every selftest (make check). Each prints TAP; this counts "ok" lines as
# passed, "not ok" as failed, "# SKIP" as skipped (never as passed), and a
# test program that fails without saying which test, or reports none, as one
# failure. Ends with one line: "N passed, N failed[, N skipped]".
#
# Usage: run.sh OBJTREE
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
objtree=$(cd "${1:-$top/build}" && pwd)
passed=0 failed=0 skipped=0

run_one() {
	local name=$1 out rc p f s
	shift
	out=$("$@" 2>&1)
	rc=$?
	sed "s|^|$name: |" <<<"$out"
	p=$(grep -cE '^ok ' <<<"$out" | head -1)
	s=$(grep -cE '^ok .*# (SKIP|skip)' <<<"$out")
	f=$(grep -cE '^not ok ' <<<"$out")
	p=$((p - s))
	if [ $((p + f)) -eq 0 ] || { [ $rc -ne 0 ] && [ "$f" -eq 0 ]; }; then
		echo "$name: not ok - exited $rc after $p passed tests"
		f=$((f + 1))
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# A sanitized build (make SANITIZE=1): every AddressSanitizer report, the
# daemon's too (leaks at its exit), is written to a file and counted as a
# failure, whichever test it came from. UBSan's go to stderr (it has no
# file of its own beside ASan) and end the process: its test fails.
san_dir=
if ldd "$objtree/umh/bpfilterd" 2>/dev/null | grep -q libasan; then
	san_dir=$(mktemp -d)
	export ASAN_OPTIONS="log_path=$san_dir/asan:detect_leaks=1"
	export UBSAN_OPTIONS="print_stacktrace=1"
fi

run_one test_validate "$objtree/selftests/unit/test_validate"
run_one test_wire "$objtree/selftests/unit/test_wire"
run_one test_codegen "$objtree/selftests/unit/test_codegen"
run_one test_classify "$objtree/selftests/unit/test_classify"
run_one test_counters "$objtree/selftests/unit/test_counters"
run_one test_data_update "$objtree/selftests/unit/test_data_update"
run_one test_job "$objtree/selftests/unit/test_job"
run_one test_buffers "$objtree/selftests/unit/test_buffers"
run_one daemon bash "$top/selftests/e2e/daemon.sh" "$objtree"
run_one iptables_diff bash "$top/selftests/e2e/iptables_diff.sh" "$objtree"
run_one blob_diff bash "$top/selftests/e2e/blob_diff.sh" "$objtree"
run_one enforce bash "$top/selftests/e2e/enforce.sh" "$objtree"
run_one matches bash "$top/selftests/e2e/matches.sh" "$objtree"
run_one paged bash "$top/selftests/e2e/paged.sh" "$objtree"
run_one persist bash "$top/selftests/e2e/persist.sh" "$objtree"
run_one netns bash "$top/selftests/e2e/netns.sh" "$objtree"
run_one netns_gone bash "$top/selftests/e2e/netns_gone.sh" "$objtree"
run_one activation bash "$top/selftests/e2e/activation.sh" "$objtree"
run_one verbose bash "$top/selftests/e2e/verbose.sh" "$objtree"
run_one token bash "$top/selftests/e2e/token.sh" "$objtree"
run_one crash bash "$top/selftests/e2e/crash.sh" "$objtree"
run_one crash_update bash "$top/selftests/e2e/crash_update.sh" "$objtree"
run_one diff_random bash "$top/selftests/e2e/diff_random.sh" "$objtree"
run_one updates bash "$top/selftests/e2e/updates.sh" "$objtree"
run_one data_update bash "$top/selftests/e2e/data_update.sh" "$objtree"
run_one scale bash "$top/selftests/e2e/scale.sh" "$objtree"
run_one diff_random_big env BF_DIFF_KIND=big bash "$top/selftests/e2e/diff_random.sh" "$objtree" 1 8 1000

if [ -n "$san_dir" ]; then
	for report in "$san_dir"/*; do
		[ -e "$report" ] || continue
		sed 's|^|sanitizer: # |' "$report" | head -40
		echo "sanitizer: not ok - ${report##*/}"
		failed=$((failed + 1))
	done
	rm -rf "$san_dir"
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
