#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the vmlab KUnit test kernel: linux-source-6.1, tinyconfig
# plus tests/config/vmlab.fragment, built with O= into
#   ${VMLAB_CACHE:-~/.cache/vmlab}/kernel-<hash>
# where <hash> covers the linux-source package version and the fragment.  The
# build directory is a complete KDIR for out-of-tree modules (Module.symvers)
# and holds arch/x86/boot/bzImage.
#
#   test-kernel.sh              build if needed, report where it is
#   test-kernel.sh --print-dir  same, but stdout is only the KDIR path
#   test-kernel.sh --verify     re-check the fragment against the .config
#   test-kernel.sh --debug ...  the same for the debug test kernel: also
#                               tests/config/debug.fragment (KASAN, UBSAN,
#                               KFENCE, kmemleak...), cached as debug-<hash>
set -euo pipefail
# One block: bash reads all of it before running (safe to edit mid-run).
{
. "$(dirname "$0")/common.sh"

mode=build
PREFIX=kernel
FRAGS=("$VMLAB_TOP/tests/config/vmlab.fragment")
if [ "${1:-}" = --debug ]; then
	PREFIX=debug
	FRAGS+=("$VMLAB_TOP/tests/config/debug.fragment")
	shift
fi
case "${1:-}" in
--print-dir) mode=print ;;
--verify) mode=verify ;;
"") ;;
*) echo "usage: $0 [--debug] [--print-dir|--verify]" >&2; exit 2 ;;
esac

# All chatter goes to stderr; stdout carries only the path in --print-dir.
exec 3>&1 1>&2

# Bump when the build recipe below changes in a way that needs a rebuild.
RECIPE=1
SRCPKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz

srcver=$(dpkg-query -W -f='${Version}' "$SRCPKG" 2>/dev/null) ||
	vml_die "$SRCPKG is not installed (run scripts/install-deps.sh)"
[ -f "$TARBALL" ] || vml_die "$TARBALL missing"
hash=$({ echo "recipe=$RECIPE"; echo "$SRCPKG=$srcver"; cat "${FRAGS[@]}"; } |
	sha256sum | cut -c1-16)
kdir=$VMLAB_CACHE/$PREFIX-$hash
src=$VMLAB_CACHE/src/linux-source-6.1
mkdir -p "$VMLAB_CACHE/src"

# One builder at a time per cache (make check and make bench may race); the
# source tree is extracted under kernel.lock, each kernel built under its
# own lock, so a debug build does not hold up users of the test kernel.
exec 9>"$VMLAB_CACHE/kernel.lock"
flock 9

# Verify that each fragment option made it into the final .config.
verify_config() {
	local cfg=$1 line sym want missing=() n=0
	for f in "${FRAGS[@]}"; do
		n=$((n + $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$f")))
	done
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			sym=${line%%=*}; want=${line#*=}
			if [ "$want" = n ]; then
				grep -qE "^$sym=[ym]" "$cfg" && missing+=("$line (got $(grep -E "^$sym=" "$cfg"))")
			elif ! grep -qxF "$line" "$cfg"; then
				missing+=("$line (got $(grep -E "^$sym=|^# $sym is not set" "$cfg" || echo absent))")
			fi ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			grep -qE "^$sym=[ym]" "$cfg" &&
				missing+=("$line (got $(grep -E "^$sym=" "$cfg"))") ;;
		esac
	done < <(cat "${FRAGS[@]}")
	if [ ${#missing[@]} -gt 0 ]; then
		vml_log "WARNING: ${#missing[@]} fragment option(s) did not survive in $cfg:"
		printf '[vmlab]   %s\n' "${missing[@]}" >&2
		return 1
	fi
	vml_log "all $n fragment options present in .config"
}

# Keep the VMLAB_KEEP_KERNELS (default 2) most recently used kernels.
prune_cache() {
	local old
	ls -1dt "$VMLAB_CACHE"/$PREFIX-*/.vmlab-complete 2>/dev/null |
		tail -n +$(( ${VMLAB_KEEP_KERNELS:-2} + 1 )) | while read -r old; do
		old=${old%/.vmlab-complete}
		[ "$old" = "$kdir" ] && continue
		vml_log "removing old test kernel $old"
		rm -rf "$old"
	done
}

if [ -f "$kdir/.vmlab-complete" ]; then
	touch "$kdir/.vmlab-complete"
	if [ "$mode" = verify ]; then
		verify_config "$kdir/.config" || true
	else
		vml_log "test kernel up to date: $kdir (cached)"
	fi
	[ "$mode" = print ] && echo "$kdir" >&3
	exit 0
fi

# Source tree: extracted once per linux-source package version.
if [ "$(cat "$src/.vmlab-srcver" 2>/dev/null)" != "$srcver" ]; then
	if [ -f "$src/Makefile" ] && [ ! -e "$src/.vmlab-srcver" ] &&
	   [ "$(make -s -C "$src" kernelversion 2>/dev/null)" = \
	     "$(tar -xOJf "$TARBALL" linux-source-6.1/Makefile 2>/dev/null |
		sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p;s/^SUBLEVEL = //p' | paste -sd.)" ]; then
		vml_log "adopting existing source tree $src"
	else
		vml_log "extracting $TARBALL ($srcver) ..."
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xJf "$TARBALL" -C "$src.tmp"
		mv "$src.tmp/linux-source-6.1" "$src"
		rmdir "$src.tmp"
	fi
	echo "$srcver" > "$src/.vmlab-srcver"
fi

if [ "$PREFIX" != kernel ]; then
	exec 8>"$VMLAB_CACHE/$PREFIX.lock"
	flock -u 9
	flock 8
	if [ -f "$kdir/.vmlab-complete" ]; then	# built while we waited
		vml_log "test kernel up to date: $kdir (cached)"
		[ "$mode" = print ] && echo "$kdir" >&3
		exit 0
	fi
fi
mkdir -p "$kdir"
log=$kdir/build.log
vml_log "building test kernel in $kdir (log: $log) ..."
start=$(date +%s)
kmake() { make -C "$src" O="$kdir" ARCH=x86_64 "$@"; }
{
	if [ ! -f "$kdir/.vmlab-configured" ]; then
		kmake tinyconfig
		ARCH=x86_64 "$src/scripts/kconfig/merge_config.sh" -m -O "$kdir" \
			"$kdir/.config" "${FRAGS[@]}"
		kmake olddefconfig
		touch "$kdir/.vmlab-configured"
	fi
	kmake -j"$VMLAB_JOBS" all
} >"$log" 2>&1 || {
	tail -n 40 "$log" >&2
	vml_die "test kernel build failed (see $log)"
}
verify_config "$kdir/.config" || true
[ -f "$kdir/Module.symvers" ] && [ -f "$kdir/arch/x86/boot/bzImage" ] ||
	vml_die "build finished without Module.symvers/bzImage"
touch "$kdir/.vmlab-complete"
prune_cache
vml_log "test kernel built in $(( $(date +%s) - start ))s: $kdir"
[ "$mode" = print ] && echo "$kdir" >&3
exit 0
}
