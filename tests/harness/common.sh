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

# The .ko files of modules NAME... and everything they depend on, in load
# order (dependencies first), from the kernel tree of modules MODDIR
# (/lib/modules/<release> or an extracted package's); modinfo's depends=
# field, so no modules.dep is needed. Prints nothing for a name MODDIR
# lacks (built in, or not built).
vml_kmod_closure() {
	local moddir=$1 m f d seen=" "
	shift
	_vml_kmod_one() {
		case "$seen" in *" $1 "*) return ;; esac
		seen+="$1 "
		f=$(find "$moddir/kernel" -name "$1.ko" -o -name "$1.ko.xz" \
			-o -name "$1.ko.zst" -o -name "$1.ko.gz" 2>/dev/null | head -n 1)
		[ -n "$f" ] || { f=$(find "$moddir/kernel" -name "${1//_/-}.ko*" | head -n 1); }
		[ -n "$f" ] || return 0
		local file=$f
		for d in $(modinfo -F depends "$file" | tr ',' ' '); do
			_vml_kmod_one "$d"
		done
		echo "$file"
	}
	for m in "$@"; do
		_vml_kmod_one "$m"
	done
}

# The swap disk of 78-swapdisk and make run: a 64 MiB image made by the
# host's (Debian's) mkswap, once per build dir; guests attach it with
# snapshot=on (qemu.sh -d), so each boots with the pristine header.
vml_swapdisk() {	# vml_swapdisk <build dir>: prints the image's path
	local img=$1/guest/swapdisk.img mkswap
	mkswap=$(PATH=$PATH:/sbin:/usr/sbin command -v mkswap) ||
		vml_die "no mkswap (util-linux)"
	if [ ! -s "$img" ]; then
		mkdir -p "${img%/*}"
		rm -f "$img.tmp"
		# Private and without holes, or mkswap warns (as swapon would).
		install -m 0600 /dev/null "$img.tmp"
		fallocate -l 64M "$img.tmp" 2>/dev/null ||
			dd if=/dev/zero of="$img.tmp" bs=1M count=64 status=none
		"$mkswap" -L vmlab-swap "$img.tmp" >/dev/null ||
			vml_die "mkswap $img.tmp failed"
		mv "$img.tmp" "$img"
	fi
	echo "$img"
}
