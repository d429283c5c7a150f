#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpfilterd as a process: one instance only, hostile clients survive-able,
# capabilities enforced like the kernel, no silent fallback when the daemon is
# away, clean stop on SIGTERM.
#
# Usage: daemon.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

BF_OBJTREE=$(cd "$1" && pwd)
BF_LOG=$(mktemp)
ipt="$BF_OBJTREE/scripts/iptables-bpfilter"

bf_check "bpfilterd starts" bf_daemon_start
bf_check "socket is mode 0600" test "$(stat -c %a /run/bpfilter/daemon.sock)" = 600

out=$("$BF_OBJTREE/umh/bpfilterd" 2>&1)
rc=$?
bf_check "a second bpfilterd exits non-zero" test $rc -ne 0
bf_check "... saying another one runs" grep -q "another bpfilterd is running" <<<"$out"

# Hostile clients (kselftest harness, TAP on its own): fold into one line each.
"$BF_OBJTREE/selftests/unit/test_daemon" >"$BF_LOG.t" 2>&1
while read -r status name; do
	if [ "$status" = ok ]; then bf_ok "hostile client: $name"; else bf_not_ok "hostile client: $name"; fi
done < <(sed -n 's/^\(ok\|not ok\) [0-9]* \(.*\)/\1 \2/p' "$BF_LOG.t" | sed 's/^not ok/not_ok/')
grep -q "^# Totals: pass:[1-9][0-9]* fail:0" "$BF_LOG.t" ||
	{ bf_not_ok "hostile client suite"; sed 's/^/#   /' "$BF_LOG.t"; }
bf_check "daemon survived the hostile clients" kill -0 "$BF_DAEMON_PID"
# They never settle the table they made (umh/settle.h); iptables does. It
# must be in force before the kernel's filter table exists here (below):
# the kernel refuses a BPF hook at a priority another hook holds.
bf_check "a command puts the table in force" bash -c '"$1" -S >/dev/null' _ "$ipt"

# Without CAP_NET_ADMIN: the same refusal as the kernel's.
nocap() { setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$@"; }
kern_err=$(nocap iptables-legacy -L 2>&1; echo "rc=$?")
bpf_err=$(nocap "$ipt" -L 2>&1; echo "rc=$?")
bf_check "no CAP_NET_ADMIN: refused as by the kernel" test "$kern_err" = "$bpf_err"
bf_check "... with Permission denied" grep -q "Permission denied" <<<"$bpf_err"

# Daemon unreachable: one clear line and a failure, never the kernel's table.
iptables-legacy -A INPUT -s 192.0.2.1 -j DROP
out=$(BPFILTER_SOCKET=/run/bpfilter/nosuch.sock "$ipt" -S 2>&1)
rc=$?
bf_check "unreachable daemon: command fails" test $rc -ne 0
bf_check "... with one bpfilter line" test "$(grep -c '^bpfilter: cannot reach bpfilterd' <<<"$out")" = 1
bf_check "... and never shows the kernel's rules" bash -c '! grep -q 192.0.2.1 <<<"$1"' _ "$out"

# A shim that is not there: the wrapper fails, never runs on the kernel's table
# (ld.so would skip a missing LD_PRELOAD and go on).
out=$(BPFILTER_PRELOAD=/nonexistent/libbpfilter-preload.so "$ipt" -S 2>&1)
rc=$?
bf_check "missing shim: the wrapper fails" test $rc -ne 0
bf_check "... saying so" grep -q "cannot read the shim" <<<"$out"
bf_check "... and never shows the kernel's rules" bash -c '! grep -q 192.0.2.1 <<<"$1"' _ "$out"
# Through a link, as update-alternatives installs it: the shim is still found.
ln -s "$ipt" "$BF_LOG.iptables"
bf_check "a link to the wrapper finds the shim" bash -c '"$1" -S >/dev/null' _ "$BF_LOG.iptables"
bf_check "... and runs the wrapper's tool" bash -c '"$1" --version | grep -q "^iptables v"' _ \
	"$BF_LOG.iptables"

# --no-iptables refuses the front-end with a message.
bf_daemon_stop
bf_check "SIGTERM stops it with status 0" test $? -eq 0
bf_check "its socket is gone" test ! -e /run/bpfilter/daemon.sock
bf_check "restarts with --no-iptables" bf_daemon_start --no-iptables
out=$("$ipt" -S 2>&1)
bf_check "--no-iptables refuses iptables" grep -q "iptables front-end is disabled" <<<"$out"
bf_daemon_stop

# Large payloads and answers stay in the client's memory, the daemon reads
# and writes them there; a daemon that may not (a seccomp filter, a security
# module) has them sent over the socket instead.
for i in $(seq 1000); do echo "-A INPUT -s 10.9.$((i / 256)).$((i % 256))/32 -j DROP"; done |
	sed '1i *filter' | sed '$a COMMIT' >"$BF_LOG.rules"
bf_check "restarts unable to read or write other processes" bf_daemon_run \
	"$here/../tools/deny_syscall.py" process_vm_readv,process_vm_writev \
	"$BF_OBJTREE/umh/bpfilterd" -v debug
bf_check "a 1000-rule restore applies" "$ipt-restore" "$BF_LOG.rules"
bf_check "... all its rules listed" test "$("$ipt" -S INPUT | grep -c '^-A INPUT')" = 1000
bf_check "... the table sent over the socket" grep -q "asking for the payload" "$BF_LOG"
bf_check "... and so the listing" grep -q "sending the answer" "$BF_LOG"
bf_daemon_stop
bf_check "restarts able to" bf_daemon_start -v debug
: >"$BF_LOG"
bf_check "an append applies" "$ipt" -A INPUT -s 10.9.9.9 -j DROP
bf_check "... after the 1000 restored" test "$("$ipt" -S INPUT | grep -c '^-A INPUT')" = 1001
bf_check "... the table and the listing copied in place" \
	bash -c '! grep -q "asking for the payload\|sending the answer" "$1"' _ "$BF_LOG"
bf_daemon_stop

bf_check "--bpffs-path on a non-bpffs is refused" \
	bash -c '! "$1" --bpffs-path /run 2>/dev/null' _ "$BF_OBJTREE/umh/bpfilterd"
out=$("$BF_OBJTREE/umh/bpfilterd" --bogus 2>&1)
bf_check "an unknown flag is refused with usage" grep -q "Usage\|Try" <<<"$out"
bf_check "--usage prints the flags" bash -c '"$1" --usage | grep -q -- --bpffs-path' _ \
	"$BF_OBJTREE/umh/bpfilterd"

rm -f "$BF_LOG" "$BF_LOG.t" "$BF_LOG.rules"
bf_finish
