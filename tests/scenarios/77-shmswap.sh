#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, vmlab's shmem) to
# swap and back on a 16 MiB arena (Documentation/swap.rst, "Shared
# anonymous memory"): 28 MiB of it in two mms and a fork child, written
# with seeded patterns, swapped out under allocation pressure (reclaim),
# by madvise pageout and by `reclaim`, read back through every mapping;
# the object, not the PTEs, holds the swap entries (smaps Swap:, swaps
# Used, pagecache shmem_swapped agree); injected write and read errors
# (a failed write keeps the page, a failed read is SIGBUS for that access
# only); a slot shared by 70 forks (count continuation); the objects'
# slots freed when they go; swapoff brings every page back. `check` after
# each step; every slot and frame free at the end.
. ./lib.sh

D=$VMLAB_DBG
stat() { sed -n "s/^$1 //p" $D/vmstat; }
pc() { sed -n "s/^$1 //p" $D/pagecache; }
status() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/status; }
used() { awk -v n="$1" '$1 == n { print $4 }' $D/swaps; }
smaps_swap() { sed -n "s/^Swap:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/smaps | awk '{ s += $1 } END { print s + 0 }'; }
A=0x10000000
B=0x30000000

dmesg_mark
vmlab_unload
check "a 16 MiB arena loads" "vmlab_load arena_mb=16"
expect_ok "swapon ram:64M" swapon ram:64M prio=5

# ---- 20M of shmem through a 16M arena: reclaim must swap it ----
expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "mmap 20M shared anon" mmap $M $A 20M rw shared,anon,fixed
o0=$(stat pswpout)
expect_ok "fill 20M (reclaim swaps shmem out to make room)" fill $M $A 20M 1
check "shmem pages were written to swap" "[ $(( $(stat pswpout) - o0 )) -ge 1024 ]"
check "the object holds their swap entries (pagecache shmem_swapped)" \
	"[ $(pc shmem_swapped) -ge 1024 ]"
check "RssShmem below the arena" "[ $(status $M RssShmem) -lt 16384 ]"
check "no swap PTE: VmSwap 0 (6.1: shmem swap is not VmSwap)" "[ $(status $M VmSwap) = 0 ]"
vmlab_check "20M of shmem, part swapped by reclaim"
# kswapd may still be reclaiming: pages it has isolated (already unmapped,
# not yet in the object as swap entries) are not pageout's to take, and a
# page it unmapped but could not write (pageout held it at that moment)
# stays in the object with no PTE for pageout to find, as in 6.1: only
# reclaim reaches it. So pageout is repeated, and the rest reclaimed as
# memory.reclaim would, until every page is out; exact counts then.
expect_ok "pageout all 20M" madvise $M $A 20M pageout
n=0
while [ "$(pc shmem_swapped)" != 5120 ] && [ $n -lt 50 ]; do
	sleep 0.1
	ctl madvise $M $A 20M pageout > /dev/null
	left=$((5120 - $(pc shmem_swapped)))
	[ $left -le 0 ] || ctl reclaim $left > /dev/null
	n=$((n + 1))
done
[ $n = 0 ] || diag "pageout repeated $n time(s) while kswapd finished its batch"
check "every page swapped (shmem_swapped 5120)" "[ $(pc shmem_swapped) = 5120 ]"
check "RssShmem 0 kB" "[ $(status $M RssShmem) = 0 ]"
check "smaps Swap: is the object's swapped part" "[ $(smaps_swap $M) = 20480 ]"
check "swaps Used is the object's slots" "[ $(used ram:64M) = 20480 ]"
vmlab_check "20M swapped"

# ---- a fork child maps the same object: read it back through it ----
expect_ok "fork" fork $M
C=$(field mm)
good=0
for off in 0 2 4 6 8 10 12 14 16 18; do
	a=$(printf '0x%x' $((A + off * 1048576)))
	ctl verify $C $a 2M 1 && ctl madvise $C $a 2M pageout && good=$((good + 1))
done
check "all 20M read back through the child, paged out again" "[ $good = 10 ]"
[ $good = 10 ] || diag "last reply: $REPLY"
check "pageout by the child: every page swapped" "[ $(pc shmem_swapped) = 5120 ]"
check "Used 20M" "[ $(used ram:64M) = 20480 ]"
check "the child's smaps Swap: 20480 kB" "[ $(smaps_swap $C) = 20480 ]"
vmlab_check "20M swapped by pageout"
# A page written out may still be in the swap cache (read ahead by the
# child's fault in a neighbouring slice, or referenced when pageout came to
# free it): its fault finds it there, with no read (a fresh make check on
# test-5lvl-ption once read 511). Every other page is read.
c0=$(stat nr_swapcached)
i0=$(stat pswpin)
expect_ok "the parent reads the first 2M back" verify $M $A 2M 1
i1=$(stat pswpin)
check "512 pages read from swap, less any still cached (and at most 7 read ahead past them)" \
	"[ $((i1 - i0)) -ge $((512 - c0)) ] && [ $((i1 - i0)) -le 519 ]"
[ "$c0" = 0 ] || diag "$c0 page(s) in the swap cache before the read; $((i1 - i0)) read"
check "RssShmem 2048 kB" "[ $(status $M RssShmem) = 2048 ]"
check "a read slot is freed at swap-in: Used 18M" "[ $(used ram:64M) = 18432 ]"
expect_ok "the child finds them in the object" verify $C $A 2M 1
check "no more reads for the child" "[ $(stat pswpin) = $i1 ]"
vmlab_check "parent and child share the pages"

# ---- a second mm's object; reclaim through `reclaim` ----
expect_ok "mm_create 2" mm_create
M2=$(field mm)
expect_ok "mmap 8M shared anon in mm $M2" mmap $M2 $B 8M rw shared,anon,fixed
fills=0
for off in 0 2 4 6; do
	a=$(printf '0x%x' $((B + off * 1048576)))
	ctl fill $M2 $a 2M 2 && ctl madvise $M2 $a 2M pageout && fills=$((fills + 1))
done
check "8M filled and paged out in 2M steps" "[ $fills = 4 ]"
expect_ok "verify 4M of mm $M2 (back in the arena)" verify $M2 $B 4M 2
s0=$(pc shmem_swapped)
expect_ok "reclaim 1024" reclaim 1024
check "reclaim swapped shmem out" "[ $(pc shmem_swapped) -gt $s0 ]"
check "Used is every object's swapped pages" \
	"[ $(used ram:64M) = $(( $(pc shmem_swapped) * 4 )) ]"
vmlab_check "28M of shmem in two objects"
good=0
for m in $M $C $M2; do
	base=$A; seed=1; len=20
	[ $m = $M2 ] && base=$B && seed=2 && len=8
	off=0
	while [ $off -lt $len ]; do
		a=$(printf '0x%x' $((base + off * 1048576)))
		ctl verify $m $a 2M $seed && ctl madvise $m $a 2M pageout && good=$((good + 1))
		off=$((off + 2))
	done
done
check "every mapping reads all its data back" "[ $good = 24 ]"
[ $good = 24 ] || diag "last reply: $REPLY"
vmlab_check "after reading every mapping"

# ---- injected errors on shmem pages ----
expect_ok "verify 64K of mm $M2" verify $M2 $B 64K 2
w0=$(stat pswpout_fail)
expect_ok "fail the next swap write" fail swap_write 1
expect_ok "pageout 64K with one write failing" madvise $M2 $B 64K pageout
check "one write failed (pswpout_fail)" "[ $(( $(stat pswpout_fail) - w0 )) = 1 ]"
check "its page is kept in the swap cache" "[ $(stat nr_swapcached) -ge 1 ]"
vmlab_check "after a failed shmem write"
i0=$(stat pswpin)
expect_ok "all 64K intact after the failed write" verify $M2 $B 64K 2
expect_ok "pageout 64K again" madvise $M2 $B 64K pageout
b0=$(stat pswpin_fail)
expect_ok "fail the next swap read" fail swap_read 1
expect_err "the access whose read fails gets SIGBUS" EFAULT verify $M2 $B 64K 2
check "the reply names sigbus at the first page" \
	"echo '$REPLY' | grep -q 'sigbus addr=$B'"
check "one read failed (pswpin_fail)" "[ $(( $(stat pswpin_fail) - b0 )) = 1 ]"
check "the object keeps the swap entry: Used unchanged" \
	"[ $(used ram:64M) = $(( $(pc shmem_swapped) * 4 )) ]"
vmlab_check "after a failed shmem read"
expect_ok "the next access reads it: all 64K intact" verify $M2 $B 64K 2
expect_ok "the other mm's data is untouched" verify $M $A 2M 1
expect_ok "fail swap_read off" fail swap_read off

# ---- count continuation: one slot shared by 70 forks ----
expect_ok "mm_create 3" mm_create
P=$(field mm)
expect_ok "mmap 4K private anon" mmap $P 0x50000000 4K rw private,anon,fixed
expect_ok "fill it" fill $P 0x50000000 4K 3
expect_ok "page it out" madvise $P 0x50000000 4K pageout
swappss() { sed -n "s/^SwapPss:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/smaps | awk '{ s += $1 } END { print s + 0 }'; }
check "SwapPss 4 kB alone" "[ $(swappss $P) = 4 ]"
expect_ok "fork once" fork $P
forks=" $(field mm)"
check "SwapPss 2 kB with one child (1/2 each)" "[ $(swappss $P) = 2 ]"
n=1
while [ $n -lt 70 ]; do
	ctl fork $P || break
	forks="$forks $(field mm)"
	n=$((n + 1))
done
check "70 forks share one slot (71 references)" "[ $n = 70 ]"
check "its count is continued (nr_swap_cont)" "[ $(stat nr_swap_cont) = 1 ]"
check "SwapPss 0 kB with 70 children (4 kB / 71)" "[ $(swappss $P) = 0 ]"
ctl smaps_rollup $P
check "smaps_rollup: swap=4 swap_pss=0" "[ '$(field swap)' = 4 ] && [ '$(field swap_pss)' = 0 ]"
vmlab_check "a slot with 71 references"
last=${forks##* }
expect_ok "the last child reads the page" verify $last 0x50000000 4K 3
for c in $forks; do
	ctl mm_destroy $c
done
check "the continuation is gone with the forks" "[ $(stat nr_swap_cont) = 0 ]"
vmlab_check "after the forks"
expect_ok "the parent reads its page" verify $P 0x50000000 4K 3
expect_ok "mm_destroy $P" mm_destroy $P

# ---- the object's slots go with it, and only then ----
u0=$(used ram:64M)
expect_ok "mm_destroy $M (the child still maps the object)" mm_destroy $M
check "Used unchanged" "[ $(used ram:64M) = $u0 ]"
expect_ok "munmap half of the child's mapping" munmap $C $A 10M
check "Used unchanged (6.1 frees a shmem object's swap at its last unmap)" \
	"[ $(used ram:64M) = $u0 ]"
expect_ok "mm_destroy $C: the last mapping" mm_destroy $C
check "the 20M object's slots are free" "[ $(used ram:64M) -le 8192 ]"
check "Used is the other object's" "[ $(used ram:64M) = $(( $(pc shmem_swapped) * 4 )) ]"
vmlab_check "after the 20M object went"
expect_ok "mremap shrinks mm $M2's mapping to 4M" mremap $M2 $B 8M 4M
check "smaps Swap: counts the mapped part only" "[ $(smaps_swap $M2) -le 4096 ]"

# ---- swapoff brings the shmem pages back ----
expect_ok "swapoff ram:64M" swapoff ram:64M
check "no swap entry left in an object" "[ $(pc shmem_swapped) = 0 ]"
vmlab_check "after swapoff"
expect_ok "mm $M2: 4M intact after swapoff" verify $M2 $B 4M 2
expect_ok "mm_destroy $M2" mm_destroy $M2
check "nothing in the swap cache" "[ $(stat nr_swapcached) = 0 ]"
vmlab_check "every mm gone"
dmesg_clean "no kernel report"
unload_all_free
done_testing
