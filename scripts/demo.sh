#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Show bpfilter's main job on this machine without touching its firewall:
# build, start bpfilterd in a throwaway sandbox (own network and mount
# namespaces, private /run and bpffs), drive it with the unmodified
# iptables-legacy through the wrappers, and show what iptables sees.
# Needs root (namespaces). Usage: scripts/demo.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BF_IN_SANDBOX:-}" ]; then
	make -C "$top" -s
	exec env BF_IN_SANDBOX=1 unshare --mount --net --propagation private -- bash "$0"
fi
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf
b=$top/build
"$b/umh/bpfilterd" &
daemon=$!
trap 'kill $daemon; wait $daemon' EXIT
while [ ! -S /run/bpfilter/daemon.sock ]; do sleep 0.05; done

show() {
	echo "# $*"
	"$@" || true
}
show "$b/scripts/iptables-bpfilter" -N ssh-guard
show "$b/scripts/iptables-bpfilter" -A ssh-guard -s 203.0.113.0/24 -j DROP
show "$b/scripts/iptables-bpfilter" -A INPUT -p tcp --dport 22 -j ssh-guard
show "$b/scripts/iptables-bpfilter" -A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT
show "$b/scripts/iptables-bpfilter" -A ssh-guard -j ssh-guard
show "$b/scripts/iptables-bpfilter" -A INPUT -m set --match-set x src -j DROP
show "$b/scripts/iptables-bpfilter" -L -n -v --line-numbers
show "$b/scripts/iptables-bpfilter-save" -c
echo "# the kernel's own filter table in this namespace is untouched:"
show iptables-legacy -S
