#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run / make shell: boot a guest with vmlab.ko loaded and show it
# working (the debugfs files, vmlabctl help/version, a small alloc/free
# demo).  --shell then gives an interactive shell on the console ("exit"
# ends the guest; Ctrl-A X kills QEMU).
#
#   run.sh [--shell] [--kernel stock|test|deb612] [-- vmlab.ko params, e.g. arena_mb=256]
#   run.sh --pictures DIR [...]   Documentation/pictures.rst's three scenes
#                                 (tests/harness/guest-demo.sh) as DIR/*.png,
#                                 with their framemap and arena copies
# The default kernel is the installed Debian kernel (the one users run).
# A run ends by writing the frame map of its end as a picture,
# $VMLAB_BUILD/run/framemap-<kernel>.png (tools/vmlab-map).
set -euo pipefail
# The whole script is one block, so bash has read all of it before running:
# editing this file while it runs cannot change what the run does.
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"
B=${VMLAB_BUILD:-build}

mode=run kernel=stock pics=
while [ $# -gt 0 ]; do
	case "$1" in
	--shell) mode=shell ;;
	--pictures) mode=pictures; pics=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--) shift; break ;;
	*) echo "usage: $0 [--shell] [--kernel stock|test|deb612] [-- module params]" >&2; exit 2 ;;
	esac
	shift
done
params="$*"

scripts/install-deps.sh >&2
make -s tools
vml_kernel_paths "$kernel"

mkdir -p "$B/logs"
out=$B/$kernel-main
vml_log "building vmlab.ko against $kdir"
make -j"$VMLAB_JOBS" modules KDIR="$kdir" FLAVOR=main OUT="$out" > "$B/logs/build-$kernel-main-run.log" 2>&1 ||
	{ tail -n 30 "$B/logs/build-$kernel-main-run.log"; vml_die "module build failed"; }
tests/harness/initramfs.sh "$B/guest/$kernel-run.cpio.gz" "$out/vmlab.ko"
args="vmltest.mode=$mode"
[ -n "$params" ] && args+=" vmltest.params=${params// /,}"

if [ "$mode" = shell ]; then
	[ -t 0 ] || vml_log "warning: stdin is not a terminal; the shell will not be usable"
	set +e
	tests/harness/qemu.sh -k "$image" -i "$B/guest/$kernel-run.cpio.gz" -a "$args" --interactive
	rc=$?
else
	log=$B/logs/run-$kernel.log
	set +e
	tests/harness/qemu.sh -k "$image" -i "$B/guest/$kernel-run.cpio.gz" -a "$args" \
		-l "$log" -t "${VMLAB_TIMEOUT:-600}"
	rc=$?
	vml_log "console log: $log"
fi
# The frame map(s) the guest printed, as pictures.
render() {	# render NAME DIR PNG TITLE
	tests/harness/framemap-extract.sh "$log" "$1" "$2" &&
		tools/vmlab-map -a "$2/$1.arena" -t "$4" "$2/$1.framemap" "$3" > /dev/null
}
if [ "$mode" = run ] && [ $rc = 1 ]; then
	if render run "$B/run" "$B/run/framemap-$kernel.png" "vmlab arena at the end of make run"; then
		vml_log "frame-map picture of the run: $B/run/framemap-$kernel.png"
	else
		vml_log "no frame map in the console log"; rc=2
	fi
fi
if [ "$mode" = pictures ] && [ $rc = 1 ]; then
	for p in fresh:"a fresh arena" fragmented:"after a fragmenting workload" \
		 fork:"four mms after fork and COW"; do
		if render "${p%%:*}" "$pics" "$pics/arena-${p%%:*}.png" "${p#*:}"; then
			vml_log "wrote $pics/arena-${p%%:*}.png"
		else
			rc=2
		fi
	done
fi
# guest-exit 0 makes QEMU exit with 1.
case $rc in
1) vml_log "guest finished OK"; exit 0 ;;
124|137) vml_log "guest timed out"; exit 1 ;;
*) vml_log "guest failed (QEMU status $rc)"; exit 1 ;;
esac
exit
}
