#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build vmlab_bench.ko, boot a guest (-smp 2) in bench mode and
# print the table: benchmark | CPUs | vmlab ns/op | host ns/op | ratio.
#
#   bench.sh [--kernel test|stock|deb612] [-- module params, e.g. only=page rounds=21]
# Environment: SMP (default 2), MEM, VMLAB_TIMEOUT (default 1800).
set -euo pipefail
# The whole script is one block, so bash has read all of it before running:
# editing this file while it runs cannot change what the run does.
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"
B=${VMLAB_BUILD:-build}

kernel=test
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--) shift; break ;;
	*) echo "usage: $0 [--kernel test|stock|deb612] [-- module params]" >&2; exit 2 ;;
	esac
	shift
done
params="$*"

scripts/install-deps.sh >&2
make -s tools
vml_kernel_paths "$kernel"

out=$B/$kernel-bench
log=$B/logs/bench-$kernel.log
mkdir -p "$B/logs"
make -j"$VMLAB_JOBS" modules KDIR="$kdir" FLAVOR=bench OUT="$out" > $B/logs/build-$kernel-bench.log 2>&1 ||
	{ tail -n 30 $B/logs/build-$kernel-bench.log; vml_die "bench module build failed"; }
tests/harness/initramfs.sh $B/guest/bench.cpio.gz "$out/vmlab_bench.ko"
# Debian kernels zero every page on allocation (init_on_alloc=1 by default);
# vmlab does not, so turn it off to compare the allocators themselves.
args="vmltest.mode=bench init_on_alloc=0"
[ -n "$params" ] && args+=" vmltest.params=${params// /,}"
vml_log "running benchmarks in a $kernel-kernel guest (SMP=${SMP:-2}); log: $log"
set +e
SMP=${SMP:-2} tests/harness/qemu.sh -k "$image" -i $B/guest/bench.cpio.gz \
	-a "$args" -l "$log" -t "${VMLAB_TIMEOUT:-1800}" --quiet
rc=$?
set -e

tr -d '\r' < "$log" | awk -F'|' '
	/vmlab_bench: (result|failed)\|/ {
		sub(/.*vmlab_bench: /, "")
		rows[++n] = $0
	}
	END {
		fmt = "%-40s | %4s | %12s | %12s | %6s\n"
		printf fmt, "benchmark", "cpus", "vmlab ns/op", "host ns/op", "ratio"
		printf fmt, "----------------------------------------", "----", "------------", "------------", "------"
		for (i = 1; i <= n; i++) {
			split(rows[i], f, "|")
			if (f[1] == "result")
				printf fmt, f[2], f[3], f[4], f[5], f[6]
			else
				printf fmt, f[2], "-", "failed " f[3], "", ""
		}
		if (!n) print "(no results)"
	}'
if [ "$rc" != 1 ] || ! grep -q 'vmlab_bench: done' "$log"; then
	vml_log "bench guest did not finish cleanly (QEMU status $rc); see $log"
	grep -F -f tests/harness/dmesg-patterns "$log" | head -n 20 >&2 || true
	exit 1
fi
exit
}
