#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test guest's initramfs (gzip'd newc cpio):
#   busybox (static) + applet links, /init (guest-init.sh), the given kernel
#   modules in /lib/vmlab/, tests/scenarios/*.sh in /scenarios/,
#   tools/vmlabctl, jsoncheck and guest-exit in /bin/, terminfo for
#   vmlabctl top, Documentation/debugfs.rst and tutorial/*.rst in /doc/,
#   procps's ps, pmap, vmstat and slabtop with their libraries in
#   /opt/procps/, trace-cmd and perf with their libraries in /usr/bin/.
#
#   initramfs.sh OUT.cpio.gz [module.ko ...] [boot:driver.ko ...]
#
# boot:X.ko modules (drivers the guest kernel has as modules, e.g. the
# virtio disk's) go to /lib/vmlab/boot/ as NN-X.ko in the order given,
# uncompressed (busybox insmod reads plain .ko), and /init loads them
# before anything else.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ $# -ge 1 ] || { echo "usage: $0 OUT.cpio.gz [module.ko ...]" >&2; exit 2; }
out=$1; shift

busybox=$(command -v busybox || true)
[ -x /bin/busybox ] && busybox=/bin/busybox
[ -n "$busybox" ] || vml_die "busybox not found (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	vml_die "$busybox is dynamically linked; install busybox-static"
fi
for t in vmlabctl jsoncheck guest-exit; do
	[ -x "$VMLAB_TOP/tools/$t" ] || vml_die "tools/$t not built (make tools)"
done

root=$(mktemp -d "${TMPDIR:-/tmp}/vmlab-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc/vmlab,lib/vmlab,scenarios}
cp "$busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list-full 2>/dev/null || true); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
for applet in sh mount insmod rmmod dmesg; do
	[ -e "$root/bin/$applet" ] || [ -e "$root/sbin/$applet" ] ||
		vml_die "busybox lacks the '$applet' applet"
done
install -m 0755 "$VMLAB_TOP/tools/vmlabctl" "$VMLAB_TOP/tools/jsoncheck" \
	"$VMLAB_TOP/tools/guest-exit" "$root/bin/"
# vmlabctl top's curses needs terminfo for the console's $TERM (ncurses-base);
# the docs the scenarios check against
# (debugfs.rst's command reference, the tutorial's commands).
for ti in l/linux v/vt100 v/vt102 v/vt220 x/xterm x/xterm-256color d/dumb s/screen; do
	[ -f "/usr/share/terminfo/$ti" ] && install -D -m 0644 "/usr/share/terminfo/$ti" "$root/usr/share/terminfo/$ti"
	[ -f "/lib/terminfo/$ti" ] && install -D -m 0644 "/lib/terminfo/$ti" "$root/lib/terminfo/$ti"
done
mkdir -p "$root/doc/tutorial"
install -m 0644 "$VMLAB_TOP/Documentation/debugfs.rst" "$root/doc/"
for f in "$VMLAB_TOP"/Documentation/tutorial/*.rst; do
	[ -f "$f" ] && install -m 0644 "$f" "$root/doc/tutorial/"
done
# Optional tools (only when built): the fork+COW bench helper, the VMA
# differential test.
[ -x "$VMLAB_TOP/tools/bench-helper" ] &&
	install -m 0755 "$VMLAB_TOP/tools/bench-helper" "$root/bin/"
[ -x "$VMLAB_TOP/tools/vmlab-sample" ] &&
	install -m 0755 "$VMLAB_TOP/tools/vmlab-sample" "$root/bin/"

[ -x "$VMLAB_TOP/tools/difftest/difftest" ] &&
	install -m 0755 "$VMLAB_TOP/tools/difftest/difftest" "$root/bin/"
[ -x "$VMLAB_TOP/tools/difftest/faulttest" ] &&
	install -m 0755 "$VMLAB_TOP/tools/difftest/faulttest" "$root/bin/"
[ -x "$VMLAB_TOP/tools/fuzz/vmlabfuzz" ] &&
	install -m 0755 "$VMLAB_TOP/tools/fuzz/vmlabfuzz" "$root/bin/"
[ -x "$VMLAB_TOP/tools/stress/vmlabstress" ] &&
	install -m 0755 "$VMLAB_TOP/tools/stress/vmlabstress" "$root/bin/"
[ -x "$VMLAB_TOP/tools/difftest/randtest" ] &&
	install -m 0755 "$VMLAB_TOP/tools/difftest/randtest" "$root/bin/"
# Debian's procps (dynamically linked) in /opt/procps, beside busybox's
# applets of the same names, with the libraries ldd lists (54-procps).
for t in ps pmap vmstat slabtop; do
	bin=$(command -v "/usr/bin/$t" || true)
	[ -n "$bin" ] && ! [ -L "$bin" ] || continue
	install -D -m 0755 "$bin" "$root/opt/procps/$t"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
done
# Debian's trace-cmd and perf (linux-perf: 56-trace, make shell) with
# their libraries.
for t in trace-cmd perf; do
	bin=$(command -v "/usr/bin/$t" || true)
	[ -n "$bin" ] || continue
	install -D -m 0755 "$bin" "$root/usr/bin/$t"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
done
install -m 0755 "$VMLAB_TOP/tests/harness/guest-init.sh" "$root/init"
install -m 0755 "$VMLAB_TOP/tests/harness/guest-demo.sh" "$root/bin/vmlab-demo"
install -m 0644 "$VMLAB_TOP/tests/harness/dmesg-patterns" \
	"$VMLAB_TOP/tests/harness/dmesg-ignore" \
	"$VMLAB_TOP/tests/harness/dmesg-kunit-ignore" \
	"$VMLAB_TOP/tests/harness/counters-workload.sh" "$root/etc/vmlab/"
for f in "$VMLAB_TOP"/tests/scenarios/*.sh; do
	[ -f "$f" ] && install -m 0644 "$f" "$root/scenarios/"
done
nboot=0
for m in "$@"; do
	case $m in
	boot:*)
		m=${m#boot:}
		[ -f "$m" ] || vml_die "module $m not found"
		mkdir -p "$root/lib/vmlab/boot"
		b=$(printf '%s/lib/vmlab/boot/%02d-%s' "$root" $nboot "${m##*/}")
		nboot=$((nboot + 1))
		case $m in
		*.ko.xz) xz -dc "$m" > "${b%.xz}" ;;
		*.ko.zst) zstd -qdc "$m" > "${b%.zst}" ;;
		*.ko.gz) gzip -dc "$m" > "${b%.gz}" ;;
		*) install -m 0644 "$m" "$b" ;;
		esac ;;
	*)
		[ -f "$m" ] || vml_die "module $m not found"
		install -m 0644 "$m" "$root/lib/vmlab/" ;;
	esac
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# The kernel opens /dev/console before running /init; without the node the
# init script re-opens it after mounting devtmpfs.
if [ "$(id -u)" = 0 ]; then
	mknod -m 0600 "$root/dev/console" c 5 1
	mknod -m 0666 "$root/dev/null" c 1 3
fi

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
