#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build vmlab_bench.ko, boot a guest in bench mode and print the
# table: benchmark | CPUs | vmlab per op | host per op | ratio, headed by the
# kernel, its options, the CPU and the QEMU mode that produced it. The same
# rows go to build/bench/<kernel>-<mode>.csv (mode wall or icount).
#
#   bench.sh [--kernel stock|test|deb612] [--icount] [-- module params, e.g. only=page]
#
# Default: the stock (Debian) kernel, the one users run, with
# init_on_alloc=0; wall-clock ns per op in a 2-vCPU TCG guest.
# --icount (make bench ICOUNT=1): QEMU -icount shift=0 and one vCPU; the
# guest's clock advances one ns per instruction, so every figure is
# instructions per op (Documentation/benchmarks.rst says what that leaves out).
# Environment: SMP (default 2; 1 with --icount), MEM, VMLAB_TIMEOUT (default
# 1800), VMLAB_BUILD (default build).
set -euo pipefail
# The whole script is one block, so bash has read all of it before running:
# editing this file while it runs cannot change what the run does.
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"
B=${VMLAB_BUILD:-build}

kernel=stock
mode=wall
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--icount) mode=icount ;;
	--) shift; break ;;
	*) echo "usage: $0 [--kernel stock|test|deb612] [--icount] [-- module params]" >&2; exit 2 ;;
	esac
	shift
done
params="$*"

scripts/install-deps.sh >&2
make -s tools
vml_kernel_paths "$kernel"

smp=${SMP:-2}
qargs=
unit=ns/op
if [ "$mode" = icount ]; then
	# shift=0: one ns per instruction; sleep=off: an idle guest jumps to its
	# next timer instead of waiting in real time. Single vCPU (icount runs
	# one TCG thread anyway).
	smp=1
	qargs="-icount shift=0,sleep=off"
	unit=insn/op
fi
out=$B/$kernel-bench
log=$B/logs/bench-$kernel-$mode.log
csv=$B/bench/$kernel-$mode.csv
mkdir -p "$B/logs" "$B/bench"
make -j"$VMLAB_JOBS" modules KDIR="$kdir" FLAVOR=bench OUT="$out" > $B/logs/build-$kernel-bench.log 2>&1 ||
	{ tail -n 30 $B/logs/build-$kernel-bench.log; vml_die "bench module build failed"; }
# The swap disk of the major-fault rows (bench_swapdisk.c) as /dev/vda
# (vmlab's area) and /dev/vdb (the guest kernel's, bench-helper swapons it),
# with the virtio modules a distribution kernel needs for it, and brd for
# the guest kernel's own swap area of the brd swap row (bench_swap.c).
disk=$(vml_swapdisk "$B")
vio=()
case $kernel in
stock) mapfile -t vio < <(vml_kmod_closure "/lib/modules/${kdir##*/linux-headers-}" virtio_pci virtio_blk brd) ;;
deb612) mapfile -t vio < <(vml_kmod_closure "${kdir%/usr/src/*}/lib/modules/${kdir##*/linux-headers-}" virtio_pci virtio_blk brd) ;;
esac
tests/harness/initramfs.sh $B/guest/bench.cpio.gz "$out/vmlab_bench.ko" "${vio[@]/#/boot:}"
# Debian kernels zero every page on allocation (init_on_alloc=1 by default);
# vmlab does not, so turn it off to compare the allocators themselves.
kargs="init_on_alloc=0"
args="vmltest.mode=bench $kargs"
[ -n "$params" ] && args+=" vmltest.params=${params// /,}"
vml_log "running benchmarks in a $kernel-kernel guest (SMP=$smp, $mode); log: $log"
set +e
SMP=$smp VMLAB_QEMU_ARGS="$qargs" tests/harness/qemu.sh -k "$image" \
	-i $B/guest/bench.cpio.gz -a "$args" -l "$log" -t "${VMLAB_TIMEOUT:-1800}" -d "$disk" -d "$disk" --quiet
rc=$?
set -e

# What produced the table: guest kernel, host CPU, QEMU and its mode.
release=$(tr -d '\r' < "$log" | sed -n 's/^@@VMLAB boot .*kernel=\([^ ]*\).*/\1/p' | head -n1)
hostcpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n1)
qver=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
qmode="TCG -cpu max -smp $smp${qargs:+ $qargs}"
echo "# $kernel kernel ${release:-?} ($kargs${params:+; $params}); host CPU $hostcpu; QEMU $qver $qmode"
echo "kernel,release,options,host_cpu,qemu,mode,benchmark,cpus,vmlab,host,ratio,unit" > "$csv"
tr -d '\r' < "$log" | awk -F'|' -v unit="$unit" -v csv="$csv" \
	-v pre="$kernel,${release:-?},\"$kargs${params:+ $params}\",\"$hostcpu\",$qver,\"$qmode\"" '
	/vmlab_bench: (result|failed)\|/ {
		sub(/.*vmlab_bench: /, "")
		rows[++n] = $0
	}
	END {
		fmt = "%-58s | %4s | %13s | %13s | %6s\n"
		printf fmt, "benchmark", "cpus", "vmlab " unit, "host " unit, "ratio"
		printf fmt, "----------------------------------------------------------", "----", "-------------", "-------------", "------"
		for (i = 1; i <= n; i++) {
			split(rows[i], f, "|")
			if (f[1] == "result") {
				printf fmt, f[2], f[3], f[4], f[5], f[6]
				printf "%s,\"%s\",%s,%s,%s,%s,%s\n", pre, f[2], f[3], f[4], f[5], f[6], unit >> csv
			} else {
				printf fmt, f[2], "-", "failed " f[3], "", ""
				printf "%s,\"%s\",-,failed,%s,,%s\n", pre, f[2], f[3], unit >> csv
			}
		}
		if (!n) print "(no results)"
	}'
vml_log "table written to $csv"
# trace=<row> (bench_main.c): the guest's per-side call counts.
tr -d '\r' < "$log" | grep -E '^(@@VMLAB trace|@@FN |vmlab_bench: traced)' || true
if [ "$rc" != 1 ] || ! grep -q 'vmlab_bench: done' "$log"; then
	vml_log "bench guest did not finish cleanly (QEMU status $rc); see $log"
	grep -F -f tests/harness/dmesg-patterns "$log" | head -n 20 >&2 || true
	exit 1
fi
exit
}
