#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one test guest under QEMU (TCG; KVM is not assumed).
#
#   qemu.sh -k KERNEL -i INITRD [-a "extra kernel args"] [-l LOG]
#           [-t TIMEOUT_SECONDS] [-d DISK]... [--interactive] [--quiet]
#
# -d DISK attaches a raw image as a virtio-blk disk (/dev/vda in the guest;
# a second -d is /dev/vdb) with snapshot=on: the guest's writes go to a temporary overlay, so every
# guest sees the image as it was made (the swap disk, vml_swapdisk()).
# Environment: MEM (default 2G), SMP (default 2), VMLAB_QEMU_ACCEL (default
# "tcg"; the CPU is always "max", which under TCG has la57, PCID, SMEP, SMAP),
# VMLAB_QEMU_ARGS (more QEMU options, e.g. "-icount shift=0" for make bench).
# Batch runs write the serial console to LOG (and echo it unless --quiet) and
# are killed after TIMEOUT seconds (default 900).  Exit status is QEMU's: the
# guest's guest-exit <c> gives (c << 1) | 1; 124 means timeout; 0 means the
# guest died without calling guest-exit (panic=-1 + -no-reboot).
set -euo pipefail
# One block: bash reads all of it before running (safe to edit mid-run).
{
. "$(dirname "$0")/common.sh"

kernel= initrd= extra= log= timeout=900 interactive= quiet=
disks=()
while [ $# -gt 0 ]; do
	case "$1" in
	-k) kernel=$2; shift ;;
	-i) initrd=$2; shift ;;
	-a) extra=$2; shift ;;
	-l) log=$2; shift ;;
	-t) timeout=$2; shift ;;
	-d) disks+=("$2"); shift ;;
	--interactive) interactive=1 ;;
	--quiet) quiet=1 ;;
	*) echo "usage: $0 -k KERNEL -i INITRD [-a ARGS] [-l LOG] [-t SECS] [-d DISK]... [--interactive] [--quiet]" >&2
	   exit 2 ;;
	esac
	shift
done
[ -f "$kernel" ] || vml_die "kernel '$kernel' not found"
[ -f "$initrd" ] || vml_die "initrd '$initrd' not found"

# no_timer_check, as KVM guests set it themselves: on a loaded host a TCG
# vCPU can miss the boot-time check's timer ticks, and the kernel panics
# ("IO-APIC + timer doesn't work"), seen on the 6.12 guest at load 25.
# watchdog_thresh=60 (soft lockups after 120 s of guest time, not 20): a
# TCG vCPU thread the host does not run for a while comes back to a
# watchdog timer that finds its CPU "stuck" (KVM guests are told they were
# paused, TCG ones are not); seen in vmlab_slab's smp_cross_free at host
# load 25, where both loops call cond_resched(). A real lockup still
# shows, after two minutes. For the same reason a task waiting on four
# starved vCPUs (buddy_test_smp_stress at -smp 4, host load 4) is reported
# hung only after 600 s, not 120 (sysctl.* on the command line, 5.8+).
append="console=ttyS0,115200 loglevel=5 log_buf_len=8M panic=-1 no_timer_check watchdog_thresh=60"
append+=" sysctl.kernel.hung_task_timeout_secs=600 $extra"
qemu=(qemu-system-x86_64
	-accel "${VMLAB_QEMU_ACCEL:-tcg}" -cpu max
	-m "${MEM:-2G}" -smp "${SMP:-2}"
	-no-reboot -nic none
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
# One image may be given twice: each drive has its own overlay.
for disk in "${disks[@]}"; do
	[ -f "$disk" ] || vml_die "disk '$disk' not found"
	qemu+=(-drive "file=$disk,if=virtio,format=raw,snapshot=on")
done
# shellcheck disable=SC2206
qemu+=(${VMLAB_QEMU_ARGS:-})

if [ -n "$interactive" ]; then
	vml_log "booting (Ctrl-A X quits QEMU): ${qemu[*]}"
	set +e
	"${qemu[@]}" -nographic
	exit $?
fi

[ -n "$log" ] || log=/dev/null
mkdir -p "$(dirname "$log")"
{
	echo "# $(date -u +%FT%TZ) ${qemu[*]}"
} > "$log"
set +e
if [ -n "$quiet" ]; then
	timeout -k 10 "$timeout" "${qemu[@]}" -display none -monitor none \
		-serial stdio </dev/null >>"$log" 2>&1
	rc=$?
else
	timeout -k 10 "$timeout" "${qemu[@]}" -display none -monitor none \
		-serial stdio </dev/null 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
fi
[ $rc = 124 ] || [ $rc = 137 ] && echo "@@VMLAB-HOST timeout after ${timeout}s" >>"$log"
exit $rc
}
