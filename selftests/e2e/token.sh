#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# --with-bpf-token for real: in a user namespace (own mount and network
# namespaces) with a bpffs that delegates bpf() to it, bpfilterd creates a
# token from --bpffs-path and loads, pins and attaches with it; rules drop
# traffic there. Without the token the same daemon cannot load programs.
#
# Usage: token.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
if [ -z "${BF_IN_USERNS:-}" ]; then
	bf_own_tmp env BF_IN_USERNS=1 python3 "$here/../tools/userns_bpffs.py" bash "$0" "$@"
fi

bf_init "$1"
ipt=$BF_IPT
ip link set lo up
ping_lo() { ping -c1 -W1 127.0.0.1 >/dev/null 2>&1; }

bf_check "in a user namespace: bpffs delegated" \
	grep -q "delegate_cmds=any" <(grep " /sys/fs/bpf " /proc/self/mounts)
bf_check "... not the initial user namespace" \
	test "$(readlink /proc/self/ns/user)" != "$(readlink /proc/1/ns/user)"
"$BF_OBJTREE/umh/bpfilterd" --transient >"$BF_LOG.fg" 2>&1
bf_check "without a token, bpfilterd cannot create its maps here: exits non-zero" \
	test $? -ne 0
bf_check "... saying the kernel refused" grep -q "Operation not permitted" "$BF_LOG.fg"
rm -f "$BF_LOG.fg"

bf_check "bpfilterd --with-bpf-token starts" bf_daemon_start --with-bpf-token
bf_check "... a rule is loaded and attached with the token" \
	"$ipt" -A INPUT -i lo -p icmp -j DROP
bf_check "... and drops the ping" fails ping_lo
bf_check "... counted" test "$(bf_pkts INPUT 1)" = 1
bf_check "... pinned on the delegated bpffs" test -d /sys/fs/bpf/bpfilter/ns-*
bf_daemon_stop
bf_check "a restarted --with-bpf-token daemon restores the rule" \
	bf_daemon_start --with-bpf-token
bf_check "... which still drops" fails ping_lo
"$ipt" -F INPUT
bf_check "... and takes changes" ping_lo
bf_daemon_stop
bf_finish
