#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Swap to a real disk: /dev/vda is a 64 MiB virtio-blk image the host made
# with Debian's mkswap (tests/harness/common.sh vml_swapdisk; qemu.sh -d
# attaches it with snapshot=on, so every guest starts from that header).
# On a 16 MiB arena an mm of 24 MiB is written with a seeded pattern,
# swapped out to the disk and read back through bios (the disk's own
# sector counters grow), the disk is refused without its SWAPSPACE2
# signature, and after vmlab's swapoff the guest kernel swapons the same
# disk: both /proc/swaps files must read the same (the issue's
# differential test). The kernel cannot take the disk while vmlab holds
# it, nor vmlab while the kernel does.
. ./lib.sh

D=$VMLAB_DBG
DISK=/dev/vda
stat() { sed -n "s/^$1 //p" $D/vmstat; }
status() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/status; }
used() { awk -v n="$1" '$1 == n { print $4 }' $D/swaps; }
# Sectors read (field 3) and written (field 7) of the disk, as the block
# layer counts them: bios vmlab submitted reach the device.
sectors() { awk -v f="$1" '{ print $f }' /sys/block/vda/stat; }
# Bytes 4086..4095 of the disk: the signature, read past the page cache
# (vmlab's bios bypass it).
signature() {
	echo 1 > /proc/sys/vm/drop_caches 2>/dev/null
	blockdev --flushbufs $DISK 2>/dev/null
	dd if=$DISK bs=1 skip=4086 count=10 2>/dev/null
}

# The first word of slot 1, as the disk holds it.
slot1() {
	echo 1 > /proc/sys/vm/drop_caches 2>/dev/null
	dd if=$DISK bs=4096 skip=1 count=1 2>/dev/null | od -An -tx8 | head -n 1
}

# steps fill|verify "MiB offsets": each 2 MiB of mm $M at 0x20000000 +
# offset filled or verified with seed 1000 + offset, then paged out;
# $good counts the steps that went through.
steps() {
	good=0
	for off in $2; do
		a=$(printf '0x%x' $((0x20000000 + off * 1048576)))
		ctl "$1" $M $a 2M $((1000 + off)) && ctl madvise $M $a 2M pageout &&
			good=$((good + 1))
	done
}

dmesg_mark
i=0
while [ ! -b $DISK ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if ! check "the swap disk $DISK is there (virtio-blk)" [ -b $DISK ]; then
	diag "$(ls /sys/block 2>&1; grep -i virtio /proc/modules)"
	done_testing
	exit
fi
check "64 MiB" '[ $(blockdev --getsize64 $DISK) = 67108864 ]'
check "mkswap's signature at the end of page 0" '[ "$(signature)" = SWAPSPACE2 ]'

vmlab_unload
check "a 16 MiB arena loads" "vmlab_load arena_mb=16"

# ---- swapon: the area, and the kernel shut out ----
expect_ok "swapon $DISK prio=7" swapon $DISK prio=7
check "swaps: a partition of 65532 kB (16383 slots), Used 0, priority 7" \
	"[ \"\$(sed -n 2p $D/swaps | tr -s ' \t' ' ')\" = '$DISK partition 65532 0 7' ]"
expect_err "swapon the disk twice" EBUSY swapon $DISK
check "the kernel cannot swapon the disk vmlab holds" "! swapon $DISK 2>/dev/null"
grep -q "^$DISK " /proc/swaps && swapoff $DISK

# ---- 24 MiB through a 16 MiB arena, out to the disk and back ----
expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "mmap 24M private anon" mmap $M 0x20000000 24M rw private,anon,fixed
o0=$(stat pswpout)
w0=$(sectors 7)
steps fill "0 2 4 6 8 10 12 14 16 18 20 22"
check "24M written with a seeded pattern and paged out in 2M steps" "[ $good = 12 ]"
[ $good = 12 ] || diag "last reply: $REPLY"
check "6144 pages written (pswpout)" "[ $(( $(stat pswpout) - o0 )) = 6144 ]"
check "the disk wrote at least 6144 pages of sectors" \
	"[ $(( $(sectors 7) - w0 )) -ge $((6144 * 8)) ]"
check "VmSwap 24576 kB" "[ $(status $M VmSwap) = 24576 ]"
check "Used 24576 kB on the disk" "[ $(used $DISK) = 24576 ]"
vmlab_check "24M on the disk"
i0=$(stat pswpin)
r0=$(sectors 3)
steps verify "22 20 18 16 14 12 10 8 6 4 2 0"
check "all 24M read back intact from the disk" "[ $good = 12 ]"
[ $good = 12 ] || diag "last reply: $REPLY"
check "6144 pages read (pswpin)" "[ $(( $(stat pswpin) - i0 )) = 6144 ]"
check "the disk read at least 6144 pages of sectors" \
	"[ $(( $(sectors 3) - r0 )) -ge $((6144 * 8)) ]"
check "the slots are on the disk: page 1 is no longer zeros" \
	'[ "$(slot1)" != "$(head -c 4096 /dev/zero | od -An -tx8 | head -n 1)" ]'
k0=$(stat oom_kill)
expect_err "swapoff cannot bring 24M into 16M" ENOMEM swapoff $DISK
check "the refused swapoff killed nobody (swapoff is the OOM origin)" \
	"[ $(stat oom_kill) = $k0 ]"
check "the area stays on after the refused swapoff" "grep -q '^$DISK ' $D/swaps"
expect_ok "munmap 20M of it" munmap $M 0x20400000 20M
check "Used at most 4096 kB" "[ $(used $DISK) -le 4096 ]"
expect_ok "swapoff: the last 4M comes back" swapoff $DISK
check "VmSwap 0" "[ $(status $M VmSwap) = 0 ]"
expect_ok "the first 2M intact after swapoff" verify $M 0x20000000 2M 1000
expect_ok "the next 2M intact after swapoff" verify $M 0x20200000 2M 1002
vmlab_check "after swapoff"
expect_ok "mm_destroy" mm_destroy $M

# ---- the kernel's /proc/swaps for the same disk (differential) ----
# Both swapons without a priority: the first area gets -2 in each (6.1's
# least_priority; busybox swapon has no -p).
expect_ok "swapon $DISK (default priority)" swapon $DISK
VLINE=$(sed -n 2p $D/swaps)
VHEAD=$(sed -n 1p $D/swaps)
expect_ok "swapoff $DISK" swapoff $DISK
if check "the kernel swapons the disk after vmlab's swapoff" swapon $DISK; then
	KLINE=$(grep "^$DISK " /proc/swaps)
	check "/proc/swaps and vmlab's swaps: the same header" \
		"[ \"\$(sed -n 1p /proc/swaps)\" = \"\$VHEAD\" ]"
	check "/proc/swaps and vmlab's swaps: the same line for $DISK" \
		'[ "$KLINE" = "$VLINE" ]'
	[ "$KLINE" = "$VLINE" ] || diag "kernel: '$KLINE'" "vmlab:  '$VLINE'"
	expect_err "vmlab cannot swapon the disk the kernel holds" EBUSY swapon $DISK
	check "the kernel's swapoff" swapoff $DISK
fi

# ---- no SWAPSPACE2 signature: refused, by vmlab and by the kernel ----
dd if=$DISK of=/tmp/page0 bs=4096 count=1 2>/dev/null
printf 'NOTASWAP!!' | dd of=$DISK bs=1 seek=4086 conv=notrunc,fsync 2>/dev/null
check "the signature is gone" '[ "$(signature)" = "NOTASWAP!!" ]'
expect_err "swapon a disk without the swap header" EINVAL swapon $DISK
check "the error names the missing signature" 'echo "$REPLY" | grep -q SWAPSPACE2'
check "the kernel refuses it too" "! swapon $DISK 2>/dev/null"
grep -q "^$DISK " /proc/swaps && swapoff $DISK
check "swaps holds only its header" '[ "$(cat $D/swaps)" = "$VHEAD" ]'
dd if=/tmp/page0 of=$DISK bs=4096 count=1 conv=notrunc,fsync 2>/dev/null
check "the header restored" '[ "$(signature)" = SWAPSPACE2 ]'
expect_ok "swapon the restored disk" swapon $DISK prio=3
expect_ok "swap_selftest 64 through bios" swap_selftest 64
expect_ok "swapoff" swapoff $DISK
dmesg_clean "no kernel report"
unload_all_free
done_testing
