# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the vmlab harness scripts (sourced, bash).

VMLAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VMLAB_CACHE=${VMLAB_CACHE:-${HOME:-/root}/.cache/vmlab}
VMLAB_JOBS=${VMLAB_JOBS:-$(nproc)}
export VMLAB_TOP VMLAB_CACHE

vml_log() { printf '[vmlab] %s\n' "$*" >&2; }
vml_die() { printf '[vmlab] error: %s\n' "$*" >&2; exit 1; }

# Set kdir (a KDIR for out-of-tree modules) and image (a bzImage) for
# kernel "stock" (Debian's, with PTI, PCID, 5-level), "test" (the KUnit
# kernel, built if needed) or "deb612" (Debian 12's 6.12.x+deb12, fetched
# into the cache if needed).
vml_kernel_paths() {
	local rel
	case "$1" in
	stock)
		rel=$(vml_stock_release) ||
			vml_die "no installed linux-image-*-amd64 with matching headers"
		kdir=/usr/src/linux-headers-$rel
		image=/boot/vmlinuz-$rel ;;
	test)
		kdir=$(tests/harness/test-kernel.sh --print-dir)
		image=$kdir/arch/x86/boot/bzImage ;;
	deb612)
		kdir=$(tests/harness/deb-kernel.sh --print-dir) || exit 1
		rel=${kdir##*/linux-headers-}
		image=${kdir%/usr/src/*}/boot/vmlinuz-$rel ;;
	*) vml_die "unknown kernel '$1' (stock, test or deb612)" ;;
	esac
}

# Newest installed generic linux-image-<abi>-amd64 (not -cloud-, -rt-) that
# has a matching linux-headers-<abi>-amd64; prints "<abi>-amd64" (e.g.
# 6.1.0-56-amd64).  Never hard-code the ABI: CI machines get newer ones.
vml_stock_release() {
	local rel best=
	for rel in $(dpkg-query -W -f='${Package} ${Status}\n' \
			'linux-image-*-amd64' 2>/dev/null |
		awk '$NF == "installed" && $1 !~ /-unsigned$|-dbg$/ { print $1 }' |
		sed -n 's/^linux-image-\([0-9.]*-[0-9]*-amd64\)$/\1/p' | sort -V); do
		[ -f "/boot/vmlinuz-$rel" ] || continue
		[ -f "/usr/src/linux-headers-$rel/Makefile" ] || continue
		best=$rel
	done
	[ -n "$best" ] || return 1
	echo "$best"
}
