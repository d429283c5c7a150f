#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what bpfilter needs to build and test, from Debian packages only.
# Idempotent: safe to run again; it only installs what is missing.
#
# On Debian 12 (bookworm) libbpf >= 1.3, bpftool and current kernel UAPI
# headers come from bookworm-backports, which is enabled if absent. The
# kselftest harness headers and nolibc (the kernel's minimal libc, for the
# iptables wrappers) are extracted from Debian's linux-source package into
# build/kselftest/ and build/nolibc/ (never committed).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
harness_dir="$top/build/kselftest"
nolibc_dir="$top/build/nolibc"

log() { printf 'install-deps: %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

enable_backports() {
	. /etc/os-release
	[ "${VERSION_CODENAME:-}" = bookworm ] || return 0
	if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	log "enabling bookworm-backports"
	as_root tee /etc/apt/sources.list.d/bpfilter-backports.sources >/dev/null <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	need_update=1
}

# Packages taken from backports on bookworm (newer libbpf, headers, bpftool).
backports_pkgs="libbpf-dev libbpf1 bpftool linux-libc-dev linux-source-6.12"
main_pkgs="build-essential pkg-config clang llvm libclang-rt-dev libelf-dev zlib1g-dev
	libiptc-dev libxtables-dev iptables nftables iproute2 libnetfilter-queue-dev
	libmnl-dev xz-utils kmod procps util-linux psmisc python3 gnuplot-nox
	iputils-ping netcat-openbsd socat systemd"

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

libbpf_ok() {
	pkg-config --atleast-version=1.3 libbpf 2>/dev/null
}

need_update=0
enable_backports
todo_main=$(missing $main_pkgs)
todo_bp=$(missing $backports_pkgs)
libbpf_ok || todo_bp="$backports_pkgs"
if [ -n "$todo_main$todo_bp" ]; then
	need_update=1
fi
if [ "$need_update" = 1 ]; then
	log "apt-get update"
	as_root apt-get update -qq
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$todo_main" ]; then
	log "installing:" $todo_main
	as_root apt-get install -y -qq --no-install-recommends $todo_main
fi
if [ -n "$todo_bp" ]; then
	. /etc/os-release
	target=()
	[ "${VERSION_CODENAME:-}" = bookworm ] && target=(-t bookworm-backports)
	log "installing:" $todo_bp
	as_root apt-get install -y -qq --no-install-recommends "${target[@]}" $todo_bp
fi
libbpf_ok || { log "libbpf >= 1.3 not available"; exit 1; }

# From the kernel tree, at build time: the kselftest harness (two headers) and
# nolibc (tools/include/nolibc, a directory of headers).
if [ ! -f "$harness_dir/kselftest_harness.h" ] || [ ! -f "$nolibc_dir/nolibc.h" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || { log "no linux-source tarball in /usr/src"; exit 1; }
	log "extracting the kselftest harness and nolibc from $tarball"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	tar -xf "$tarball" -C "$tmp" --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/tools/include/nolibc/*.h'
	mkdir -p "$harness_dir" "$nolibc_dir"
	find "$tmp" -name 'kselftest*.h' -exec cp {} "$harness_dir/" \;
	cp "$tmp"/*/tools/include/nolibc/*.h "$nolibc_dir/"
fi

# iptables-legacy must be reachable by name for the tests and wrappers.
command -v xtables-legacy-multi >/dev/null ||
	{ log "xtables-legacy-multi not found after install"; exit 1; }
log "done"
