#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Anonymous memory to swap and back on a 16 MiB arena (Documentation/
# swap.rst): madvise pageout swaps pages out through vml_swap_out_page(),
# faults bring them back. Seeded patterns read back intact: three mms
# holding more than the arena, after fork (shared slots counted once in
# Used), after mremap and mprotect of swapped ranges, with two areas of
# different priorities (ram: and a swap file), after swapoff (and a
# swapoff that cannot fit refused with ENOMEM, nothing lost), and with
# injected write and read errors (only the injected read's access gets
# SIGBUS). Used is 0 once every mm is gone; every frame is free at unload.
. ./lib.sh

D=$VMLAB_DBG
stat() { sed -n "s/^$1 //p" $D/vmstat; }
status() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/status; }
used() { awk -v n="$1" '$1 == n { print $4 }' $D/swaps; }
smaps_swap() { sed -n "s/^Swap:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/smaps | awk '{ s += $1 } END { print s }'; }

dmesg_mark
vmlab_unload
check "a 16 MiB arena loads" "vmlab_load arena_mb=16"

# ---- two areas by priority: ram:4M first, then the swap file ----
F=/tmp/vmlab-74.swap
dd if=/dev/zero of=$F bs=1M count=16 2>/dev/null
mkswap $F > /dev/null
expect_ok "swapon ram:4M prio=10" swapon ram:4M prio=10
expect_ok "swapon the swap file prio=5" swapon $F prio=5
expect_ok "swapon ram:32M (priority -2)" swapon ram:32M

expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "mmap 6M private anon" mmap $M 0x10000000 6M rw private,anon,fixed
expect_ok "fill 6M" fill $M 0x10000000 6M 1
o0=$(stat pswpout)
expect_ok "madvise pageout 6M" madvise $M 0x10000000 6M pageout
check "1536 pages written (pswpout)" "[ $(( $(stat pswpout) - o0 )) = 1536 ]"
check "VmSwap 6144 kB" "[ $(status $M VmSwap) = 6144 ]"
check "RssAnon 0 kB" "[ $(status $M RssAnon) = 0 ]"
expect_ok "smaps_rollup" smaps_rollup $M
check "smaps_rollup swap=6144 (kB)" "[ $(field swap) = 6144 ]"
check "smaps: the Swap: lines add up to 6144 kB" "[ $(smaps_swap $M) = 6144 ]"
check "ram:4M (prio 10) full: 1023 slots, 4092 kB" "[ $(used ram:4M) = 4092 ]"
check "the file (prio 5) holds the other 513 pages" "[ $(used $F) = 2052 ]"
check "ram:32M (prio -2) unused" "[ $(used ram:32M) = 0 ]"
check "nothing left in the swap cache" "[ $(stat nr_swapcached) = 0 ]"
vmlab_check "6M swapped out"
i0=$(stat pswpin); r0=$(stat swap_ra); h0=$(stat swap_ra_hit)
expect_ok "verify 6M: every page back from swap" verify $M 0x10000000 6M 1
check "1536 pages read (pswpin)" "[ $(( $(stat pswpin) - i0 )) = 1536 ]"
check "reads are major faults or readahead hits" \
	"[ $(( $(field majflt) + $(stat swap_ra_hit) - h0 )) = 1536 ]"
check "every page read ahead was used" "[ $(( $(stat swap_ra) - r0 )) = $(( $(stat swap_ra_hit) - h0 )) ]"
check "some read ahead (page_cluster 3)" "[ $(( $(stat swap_ra) - r0 )) -ge 1000 ]"
check "VmSwap 0 after swap-in" "[ $(status $M VmSwap) = 0 ]"
check "exclusive pages free their slots: Used 0" "[ $(used ram:4M) = 0 ] && [ $(used $F) = 0 ]"
vmlab_check "6M back"

# ---- more than the arena: three mms of 8M each, in 2M steps ----
expect_ok "mm_create 2" mm_create
M2=$(field mm)
expect_ok "mm_create 3" mm_create
M3=$(field mm)
for m in $M $M2 $M3; do
	expect_ok "mmap 8M in mm $m" mmap $m 0x20000000 8M rw private,anon,fixed
done
fills=0
for m in $M $M2 $M3; do
	for off in 0 2 4 6; do
		a=$(printf '0x%x' $((0x20000000 + off * 1048576)))
		ctl fill $m $a 2M $((m * 100 + off)) && ctl madvise $m $a 2M pageout &&
			fills=$((fills + 1))
	done
done
check "24M filled and paged out in 2M steps through a 16M arena" "[ $fills = 12 ]"
check "VmSwap 8192 kB in each mm" \
	"[ $(status $M VmSwap) = 8192 ] && [ $(status $M2 VmSwap) = 8192 ] && [ $(status $M3 VmSwap) = 8192 ]"
vmlab_check "24M swapped"
good=0
for m in $M3 $M2 $M; do
	for off in 6 4 2 0; do
		a=$(printf '0x%x' $((0x20000000 + off * 1048576)))
		ctl verify $m $a 2M $((m * 100 + off)) && ctl madvise $m $a 2M pageout &&
			good=$((good + 1))
	done
done
check "all 24M read back intact" "[ $good = 12 ]"
[ $good = 12 ] || diag "last reply: $REPLY"

# ---- fork: the child shares the slots ----
u0=$(( $(used ram:4M) + $(used $F) + $(used ram:32M) ))
expect_ok "fork mm $M" fork $M
C=$(field mm)
check "fork shares the slots: Used unchanged" \
	"[ $(( $(used ram:4M) + $(used $F) + $(used ram:32M) )) = $u0 ]"
check "the child's VmSwap is 8192 kB" "[ $(status $C VmSwap) = 8192 ]"
vmlab_check "fork with swap PTEs"
expect_ok "child reads the parent's data" verify $C 0x20000000 2M $((M * 100))
expect_ok "child writes its own" fill $C 0x20000000 1M 77
expect_ok "parent still has its data" verify $M 0x20000000 2M $((M * 100))
expect_ok "child: its own data" verify $C 0x20000000 1M 77
expect_ok "child pages out again" madvise $C 0x20000000 2M pageout
expect_ok "child: still its own data" verify $C 0x20000000 1M 77
expect_ok "destroy the child" mm_destroy $C
check "the parent's slots survive the child" "[ $(status $M VmSwap) -ge 6144 ]"
expect_ok "parent: 2M..4M intact" verify $M 0x20200000 2M $((M * 100 + 2))
expect_ok "pageout the parent again" madvise $M 0x20000000 8M pageout
vmlab_check "after fork"

# ---- mremap and mprotect of swapped ranges ----
# The pattern depends on the address: remember 32 bytes of the page at
# 0x20011000 before the move, swap it out again, and read it at its new place.
expect_ok "read 32 bytes of mm $M2 (swaps that page in)" read $M2 0x20011000 32
d0=$(field data)
expect_ok "page it out again" madvise $M2 0x20000000 2M pageout
check "all of mm $M2 swapped" "[ $(status $M2 VmSwap) = 8192 ]"
expect_ok "mremap swapped 2M of mm $M2 elsewhere" mremap $M2 0x20000000 2M 2M maymove fixed=0x40000000
check "the swap PTEs moved with it: VmSwap unchanged" "[ $(status $M2 VmSwap) = 8192 ]"
expect_ok "mprotect it read-only" mprotect $M2 0x40000000 2M r
check "mprotect keeps swap PTEs" "[ $(status $M2 VmSwap) = 8192 ]"
vmlab_check "mremap and mprotect"
expect_ok "read the moved page back from swap" read $M2 0x40011000 32
check "the same bytes at the new address" "[ '$(field data)' = '$d0' ]"
expect_err "read-only after mprotect" EFAULT write $M2 0x40011000 00
expect_ok "mprotect rw" mprotect $M2 0x40000000 2M rw
expect_ok "write it now" write $M2 0x40011000 00
expect_ok "munmap the rest of mm $M2: slots freed" munmap $M2 0x20200000 6M
check "VmSwap at most 2048 kB" "[ $(status $M2 VmSwap) -le 2048 ]"

# ---- injected write and read errors ----
expect_ok "mmap 64K in mm $M3" mmap $M3 0x30000000 64K rw private,anon,fixed
expect_ok "fill 64K" fill $M3 0x30000000 64K 9
w0=$(stat pswpout_fail)
expect_ok "fail the next swap write" fail swap_write 1
expect_ok "pageout 64K with one write failing" madvise $M3 0x30000000 64K pageout
check "one write failed (pswpout_fail)" "[ $(( $(stat pswpout_fail) - w0 )) = 1 ]"
check "its page stays in the swap cache" "[ $(stat nr_swapcached) -ge 1 ]"
vmlab_check "after a failed write"
expect_ok "all 64K intact after the failed write" verify $M3 0x30000000 64K 9
expect_ok "pageout 64K again" madvise $M3 0x30000000 64K pageout
b0=$(stat pswpin_fail)
expect_ok "fail the next swap read" fail swap_read 1
expect_err "the access whose read fails gets SIGBUS" EFAULT verify $M3 0x30000000 64K 9
check "the reply names sigbus at the first page" \
	"echo '$REPLY' | grep -q 'sigbus addr=0x30000000'"
check "one read failed (pswpin_fail)" "[ $(( $(stat pswpin_fail) - b0 )) = 1 ]"
check "the slot stays allocated: VmSwap 8256 kB (8M + 64K)" "[ $(status $M3 VmSwap) = 8256 ]"
vmlab_check "after a failed read"
expect_ok "the next access reads it: all 64K intact" verify $M3 0x30000000 64K 9
expect_err "fail: unknown site" EINVAL fail swap_bogus 1
expect_err "fail swap_read: not a number" EINVAL fail swap_read abc
expect_ok "fail swap_write off" fail swap_write off

# ---- madvise pageout: bad input ----
expect_err "pageout of an unmapped range" ENOMEM madvise $M3 0x70000000 4K pageout
expect_err "pageout of a destroyed mm" ESRCH madvise $C 0x20000000 4K pageout
expect_err "pageout at an unaligned address" EINVAL madvise $M3 0x30000001 4K pageout

# ---- swapoff: ENOMEM when the pages cannot fit, then success ----
ctl madvise $M3 0x20000000 8M pageout
ctl madvise $M 0x20000000 8M pageout
# Without reclaim this swapoff cannot fit and fails with ENOMEM, the area
# staying; with reclaim (main since 19:20) it may succeed by swapping other
# pages out to the other areas. Either way nothing may be lost.
ctl swapoff $F
check "swapoff of the file: ok, or ENOMEM leaving the area on" \
	"[ $STATUS = 0 ] || { echo '$REPLY' | grep -q ENOMEM && grep -q '^$F ' $D/swaps; }"
vmlab_check "after swapoff under memory pressure"
grep -q "^$F " $D/swaps || expect_ok "swapon the file again" swapon $F prio=5
expect_ok "page out what came back" madvise $M 0x20000000 8M pageout
expect_ok "page out what came back (mm $M3)" madvise $M3 0x20000000 8M pageout
good=0
for m in $M $M3; do
	for off in 0 2 4 6; do
		a=$(printf '0x%x' $((0x20000000 + off * 1048576)))
		ctl verify $m $a 2M $((m * 100 + off)) && ctl madvise $m $a 2M pageout &&
			good=$((good + 1))
	done
done
check "nothing lost by the refused swapoff" "[ $good = 8 ]"
expect_ok "munmap most of it" munmap $M 0x20000000 7M
expect_ok "munmap most of mm $M3" munmap $M3 0x20000000 7M
expect_ok "swapoff the file: the rest comes back" swapoff $F
check "the file is gone from swaps" "! grep -q '^$F ' $D/swaps"
vmlab_check "after swapoff"
expect_ok "mm $M: data intact after swapoff" verify $M 0x20700000 1M $((M * 100 + 6))

# ---- every mm gone: every slot free ----
for m in $M $M2 $M3; do
	expect_ok "mm_destroy $m" mm_destroy $m
done
check "Used 0 in every area" "[ $(used ram:4M) = 0 ] && [ $(used ram:32M) = 0 ]"
check "nothing in the swap cache" "[ $(stat nr_swapcached) = 0 ]"
vmlab_check "every mm gone"
expect_ok "swapoff ram:4M" swapoff ram:4M
expect_ok "swapoff ram:32M" swapoff ram:32M
rm -f $F
dmesg_clean "no kernel report"
unload_all_free
done_testing
