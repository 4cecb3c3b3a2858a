#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch (or reuse) Debian 12's newer kernel series, 6.12.x+deb12, for the
# "deb612" guest: the newest linux-image-6.12.<n>+deb12-amd64-unsigned (the
# signed linux-image-6.12.<n>+deb12-amd64 if the unsigned one is not in the
# archive) with its headers, the -common headers and linux-kbuild.  Nothing
# is installed: apt-get download fetches the .debs and dpkg-deb extracts
# them into
#   ${VMLAB_CACHE:-~/.cache/vmlab}/deb612-<release>/{boot,usr}
# (of the image only /boot/vmlinuz-*, /boot/config-* and the modules of the
# virtio disk, which 78-swapdisk swaps to: drivers/virtio/ and virtio_blk;
# a cache made before that fetches the image once more for them).  The
# pattern is anchored to
# "+deb12", so a build of the series with another compiler (a backport, a
# later Debian) is never picked: the headers name gcc-12 as their CC.
#
# The headers' Makefile includes the -common tree by absolute path
# (include /usr/src/linux-headers-<ver>-common/Makefile), which does not
# exist when nothing is installed; the copy in the cache includes it
# relative to itself instead, so the tree works wherever the cache is.
#
#   deb-kernel.sh              fetch if needed, report where it is
#   deb-kernel.sh --print-dir  same, but stdout is only the KDIR path
set -euo pipefail
# One block: bash reads all of it before running (safe to edit mid-run).
{
. "$(dirname "$0")/common.sh"

mode=fetch
case "${1:-}" in
--print-dir) mode=print ;;
"") ;;
*) echo "usage: $0 [--print-dir]" >&2; exit 2 ;;
esac
exec 3>&1 1>&2

SERIES=6.12
command -v pahole >/dev/null ||
	vml_die "pahole missing (the $SERIES headers build BTF; apt-get install dwarves)"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# Newest "<series>.<n>+deb12-amd64" that apt knows, as a release name.
newest_release() {
	local re="^linux-image-${SERIES//./\\.}\\.[0-9]+\\+deb12-amd64(-unsigned)?\$"

	apt-cache pkgnames "linux-image-$SERIES." | grep -E "$re" |
		sed -e 's/^linux-image-//' -e 's/-unsigned$//' | sort -uV | tail -n 1
}

rel=$(newest_release)
if [ -z "$rel" ]; then
	vml_log "no linux-image-$SERIES.*+deb12-amd64 known to apt; apt-get update"
	$SUDO apt-get update -q >&2 || true
	rel=$(newest_release)
fi
[ -n "$rel" ] || vml_die "no linux-image-$SERIES.*+deb12-amd64 in the archive"
ver=${rel%-amd64}
dir=$VMLAB_CACHE/deb612-$rel
kdir=$dir/usr/src/linux-headers-$rel

mkdir -p "$VMLAB_CACHE"
exec 9>"$VMLAB_CACHE/deb612.lock"
flock 9

image=linux-image-$rel-unsigned
apt-cache show "$image" >/dev/null 2>&1 || image=linux-image-$rel
# As root apt downloads as _apt, which cannot enter a private $HOME.
dl=(apt-get download -q)
[ -n "$SUDO" ] || dl+=(-o APT::Sandbox::User=root)
VIRTIO_PATHS=("./lib/modules/$rel/kernel/drivers/virtio"
	"./lib/modules/$rel/kernel/drivers/block/virtio_blk.ko*")
# The virtio disk's modules from the image .deb in $1 into $2.
extract_virtio() {
	dpkg-deb --fsys-tarfile "$1" | tar -x --wildcards -C "$2" "${VIRTIO_PATHS[@]}"
}

if [ -f "$dir/.vmlab-complete" ] && [ ! -d "$dir/lib/modules/$rel/kernel/drivers/virtio" ]; then
	vml_log "fetching $image once more for the virtio disk's modules ..."
	rm -rf "$dir/debs"
	mkdir -p "$dir/debs"
	if (cd "$dir/debs" && "${dl[@]}" "$image") &&
	   extract_virtio "$dir"/debs/*.deb "$dir"; then
		vml_log "virtio modules: $(find "$dir/lib/modules" -name '*.ko*' | wc -l) files"
	else
		vml_log "WARNING: no virtio modules for $rel (78-swapdisk will skip)"
	fi
	rm -rf "$dir/debs"
fi

if [ -f "$dir/.vmlab-complete" ]; then
	touch "$dir/.vmlab-complete"
	vml_log "Debian $SERIES kernel up to date: $kdir (cached)"
	[ "$mode" = print ] && echo "$kdir" >&3
	exit 0
fi

pkgs=("$image" "linux-headers-$rel" "linux-headers-$ver-common" "linux-kbuild-$ver")
start=$(date +%s)
tmp=$dir.tmp
rm -rf "$tmp" "$dir"
mkdir -p "$tmp/debs"
vml_log "fetching ${pkgs[*]} ..."
if ! (cd "$tmp/debs" && "${dl[@]}" "${pkgs[@]}"); then
	vml_log "download failed; apt-get update and one more try"
	$SUDO apt-get update -q || true
	(cd "$tmp/debs" && "${dl[@]}" "${pkgs[@]}") ||
		vml_die "apt-get download ${pkgs[*]} failed"
fi
fetched=$(date +%s)
for deb in "$tmp"/debs/*.deb; do
	case ${deb##*/} in
	linux-image-*)
		# /boot comes first: --occurrence stops there instead of
		# inflating every module (9 s less); dpkg-deb then gets
		# SIGPIPE, and the checks below see what arrived.
		dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
			tar -x --occurrence -C "$tmp" "./boot/vmlinuz-$rel" \
				"./boot/config-$rel" || true
		extract_virtio "$deb" "$tmp" ||
			vml_log "WARNING: no virtio modules in ${deb##*/}" ;;
	*)
		dpkg-deb -x "$deb" "$tmp" ;;
	esac
done
rm -rf "$tmp/debs"

mk=$tmp/usr/src/linux-headers-$rel/Makefile
grep -qx "include /usr/src/linux-headers-$ver-common/Makefile" "$mk" ||
	vml_die "unexpected $mk: $(head -n 3 "$mk")"
# shellcheck disable=SC2016 # make syntax, not shell
printf 'include $(dir $(lastword $(MAKEFILE_LIST)))../linux-headers-%s-common/Makefile\n' \
	"$ver" > "$mk"
mv "$tmp" "$dir"
got=$(make -s -C "$kdir" kernelrelease 2>/dev/null || true)
if [ "$got" != "$rel" ] || [ ! -f "$kdir/Module.symvers" ] ||
   [ ! -f "$dir/boot/vmlinuz-$rel" ]; then
	vml_die "extracted tree $dir is incomplete (kernelrelease '$got')"
fi
{ echo "$image"; printf '%s\n' "${pkgs[@]:1}"; } > "$dir/.vmlab-packages"
touch "$dir/.vmlab-complete"

# Keep this release only: a new one replaces the old.
for old in "$VMLAB_CACHE"/deb612-*; do
	[ "$old" = "$dir" ] || [ ! -d "$old" ] || { vml_log "removing $old"; rm -rf "$old"; }
done
vml_log "Debian $SERIES kernel $rel: downloaded in $((fetched - start))s," \
	"extracted in $(( $(date +%s) - fetched ))s: $dir ($(du -sm "$dir" | cut -f1) MB)"
[ "$mode" = print ] && echo "$kdir" >&3
exit 0
}
