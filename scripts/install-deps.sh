#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install (Debian 12) everything vmlab's build, tests and tools need.
# Idempotent: when every package is already installed, apt is not touched.
set -euo pipefail

PKGS=(build-essential linux-source-6.1 linux-headers-amd64 linux-image-amd64
      qemu-system-x86 busybox-static flex bison libelf-dev libssl-dev bc cpio
      kmod xz-utils python3 dwarves perl git procps dkms trace-cmd linux-perf
      libpng-dev pkg-config gnuplot-nox python3-sphinx libncurses-dev)

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done

# The stock kernel and its headers must be the same ABI (the meta packages
# can drift apart if only one was upgraded).
if [ ${#missing[@]} -eq 0 ]; then
	. "$(dirname "$0")/../tests/harness/common.sh"
	if ! vml_stock_release >/dev/null; then
		missing+=(linux-image-amd64 linux-headers-amd64)
	fi
fi

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root (or sudo)" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
retry() {	# the archive can hiccup: three tries
	local i
	for i in 1 2 3; do
		"$@" && return 0
		echo "install-deps: '$*' failed (try $i)" >&2
		sleep $((i * 10))
	done
	return 1
}
retry $SUDO apt-get update -q
retry $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends -o Dpkg::Options::=--force-confdef \
	-o Dpkg::Options::=--force-confold "${missing[@]}"
