#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make counters: vmlab's counters over a run, for the counter plot. Boots
# the stock kernel with vmlab.ko (a 128 MiB arena), samples debugfs
# buddyinfo and vmstat every 50 ms (tools/vmlab-sample) while
# tests/harness/counters-workload.sh runs (idle, demand-zero faults, fork
# + COW, fragmentation, teardown) and writes build/bench/counters.csv
# (and counters-phases.txt, when each phase began);
# make bench-plots renders it (counters.png).
#
#   counters.sh [--kernel stock|test|deb612] [-- vmlab.ko params]
set -euo pipefail
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"
B=${VMLAB_BUILD:-build}

kernel=stock
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--) shift; break ;;
	*) echo "usage: $0 [--kernel stock|test|deb612] [-- vmlab.ko params]" >&2; exit 2 ;;
	esac
	shift
done
params="${*:-arena_mb=128}"

scripts/install-deps.sh >&2
make -s tools
vml_kernel_paths "$kernel"
out=$B/$kernel-main
log=$B/logs/counters-$kernel.log
csv=$B/bench/counters.csv
mkdir -p "$B/logs" "$B/bench"
make -j"$VMLAB_JOBS" modules KDIR="$kdir" FLAVOR=main OUT="$out" > "$B/logs/build-$kernel-main-counters.log" 2>&1 ||
	{ tail -n 30 "$B/logs/build-$kernel-main-counters.log"; vml_die "module build failed"; }
tests/harness/initramfs.sh "$B/guest/$kernel-counters.cpio.gz" "$out/vmlab.ko"
vml_log "sampling counters in a $kernel-kernel guest; log: $log"
set +e
tests/harness/qemu.sh -k "$image" -i "$B/guest/$kernel-counters.cpio.gz" \
	-a "vmltest.mode=counters vmltest.params=${params// /,}" -l "$log" \
	-t "${VMLAB_TIMEOUT:-900}" --quiet
set -e
tr -d '\r' < "$log" | sed -n '/^@@VMLAB counters-csv/,/^@@VMLAB counters-end/p' |
	grep -E '^(t_ms|[0-9]+),' > "$csv" || true
# The workload's phases, in seconds since the sampler started.
tr -d '\r' < "$log" | awk '/^@@VMLAB counters-t0/ { t0 = $3 }
	/^phase / && t0 != "" { printf "%.2f %s\n", $(NF - 1) - t0, $3 }' > "${csv%.csv}-phases.txt"
cat "${csv%.csv}-phases.txt"
if ! tr -d '\r' < "$log" | grep -q '^@@VMLAB counters-end workload=0 sampler=0' ||
	[ "$(wc -l < "$csv")" -lt 10 ]; then
	grep -F -f tests/harness/dmesg-patterns "$log" | head -n 20 >&2 || true
	vml_die "the counters guest failed or sampled too little; see $log"
fi
vml_log "$(($(wc -l < "$csv") - 1)) samples written to $csv"
exit
}
