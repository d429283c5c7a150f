# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end tests. A test re-executes itself in a sandbox of
# its own (bf_sandbox "$@"): new mount and network namespaces, a private /run
# and bpffs, so it never touches the host's firewall or daemon and tests can
# run in parallel. TAP lines ("ok N - ...", "not ok N - ...") are counted by
# selftests/run.sh. Its temporary files (mktemp) go to a directory of its
# own, removed when it ends, whatever it left there.

# bf_own_tmp COMMAND...: run it with a TMPDIR of its own, removed when it
# ends; exit with its status.
bf_own_tmp() {
	local tmp

	tmp=$(mktemp -d) || exit 1
	trap "rm -rf '$tmp'" EXIT
	TMPDIR="$tmp" "$@"
	exit $?
}

bf_sandbox() {
	if [ -z "${BF_IN_SANDBOX:-}" ]; then
		bf_own_tmp env BF_IN_SANDBOX=1 unshare --mount --net --propagation private -- \
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
bf_daemon_start() { bf_daemon_run "$BF_OBJTREE/umh/bpfilterd" "$@"; }

# The same, bpfilterd started by a command that execs it (setpriv ...). A
# socket file a killed daemon left is not the new one's: wait for another.
bf_daemon_run() {
	local sock=/run/bpfilter/daemon.sock old
	old=$(stat -c %i "$sock" 2>/dev/null)
	"$@" 2>>"$BF_LOG" &
	BF_DAEMON_PID=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && [ "$(stat -c %i "$sock" 2>/dev/null)" != "$old" ] && return 0
		kill -0 "$BF_DAEMON_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# ids of the BPF objects of KIND (prog or map) the daemon holds open, one a
# line: BPF objects are global, and another daemon's on this host must not
# count
bf_daemon_bpf_ids() {
	grep -h "^$1_id:" /proc/"$BF_DAEMON_PID"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un
}

bf_daemon_stop() {
	kill -TERM "$BF_DAEMON_PID" 2>/dev/null
	wait "$BF_DAEMON_PID"
}

# A peer netns joined to this sandbox by veth: bf0 10.99.0.1/24 here, bf1
# 10.99.0.2/24 there. inpeer CMD... runs a command in the peer.
bf_veth_peer() {
	BF_PEER="bfpeer$$"
	ip netns add "$BF_PEER" || return 1
	trap 'ip netns del "$BF_PEER" 2>/dev/null' EXIT
	ip link add bf0 type veth peer name bf1 &&
		ip link set bf1 netns "$BF_PEER" &&
		ip addr add 10.99.0.1/24 dev bf0 &&
		ip link set bf0 up &&
		ip -n "$BF_PEER" addr add 10.99.0.2/24 dev bf1 &&
		ip -n "$BF_PEER" link set bf1 up &&
		ip -n "$BF_PEER" link set lo up
}

inpeer() { ip netns exec "$BF_PEER" "$@"; }

# the peer pings us (10.99.0.1), with extra ping options if given
ping_ok() { inpeer ping -c1 -W1 "$@" 10.99.0.1 >/dev/null 2>&1; }
ping_fails() { ! ping_ok "$@"; }

# the ids of the programs the daemon pinned (in this sandbox's bpffs):
# another test's daemon may load programs meanwhile
bf_prog_ids() {
	local pin
	for pin in /sys/fs/bpf/bpfilter/ns-*/t*/prog_*; do
		[ -e "$pin" ] && bpftool prog show pinned "$pin" | awk -F: 'NR == 1 { print $1 }'
	done | sort -u | tr '\n' ' '
}

# for bf_check: the command fails
fails() { ! "$@"; }

# count of packets on rule N of chain C, as iptables -L -v -x prints it
bf_pkts() { "$BF_IPT" -L "$1" -n -v -x --line-numbers | awk -v n="$2" '$1 == n { print $2 }'; }

# bf_init OBJTREE: the build to test, a log for the daemon, the iptables wrapper.
bf_init() {
	BF_OBJTREE=$(cd "$1" && pwd)
	BF_LOG=$(mktemp)
	BF_IPT="$BF_OBJTREE/scripts/iptables-bpfilter"
}
