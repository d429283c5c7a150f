# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end tests. A test re-executes itself in a sandbox of
# its own (bf_sandbox "$@"): new mount and network namespaces, a private /run
# and bpffs, so it never touches the host's firewall or daemon and tests can
# run in parallel. TAP lines ("ok N - ...", "not ok N - ...") are counted by
# selftests/run.sh.

bf_sandbox() {
	if [ -z "${BF_IN_SANDBOX:-}" ]; then
		exec env BF_IN_SANDBOX=1 unshare --mount --net --propagation private -- \
			bash "$0" "$@"
	fi
	mount -t tmpfs tmpfs /run || exit 1
	mount -t bpf bpf /sys/fs/bpf || exit 1
	ip link set lo up
}

BF_TAP_N=0
BF_TAP_FAILED=0

bf_ok() {
	BF_TAP_N=$((BF_TAP_N + 1))
	echo "ok $BF_TAP_N - $*"
}

bf_not_ok() {
	BF_TAP_N=$((BF_TAP_N + 1))
	BF_TAP_FAILED=$((BF_TAP_FAILED + 1))
	echo "not ok $BF_TAP_N - $*"
}

# bf_check DESCRIPTION COMMAND...: one TAP line for a command's success.
bf_check() {
	local desc=$1
	shift
	if "$@"; then bf_ok "$desc"; else bf_not_ok "$desc"; fi
}

bf_finish() {
	echo "1..$BF_TAP_N"
	[ "$BF_TAP_FAILED" -eq 0 ]
}

# Start bpfilterd in this sandbox and wait for its socket.
bf_daemon_start() {
	"$BF_OBJTREE/umh/bpfilterd" "$@" 2>>"$BF_LOG" &
	BF_DAEMON_PID=$!
	for _ in $(seq 100); do
		[ -S /run/bpfilter/daemon.sock ] && return 0
		kill -0 "$BF_DAEMON_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

bf_daemon_stop() {
	kill -TERM "$BF_DAEMON_PID" 2>/dev/null
	wait "$BF_DAEMON_PID"
}
