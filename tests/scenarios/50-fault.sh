#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Page faults through the CR3 window: the zero page, demand-zero writes,
# fork and copy-on-write (with frame counts and the reuse rule), file
# mappings through the page cache (private, shared, msync, munmap
# writeback, SIGBUS past EOF, readahead, drop_caches), reverse mapping,
# stack growth and the guard gap, SEGV codes, smaps_rollup. Good and bad
# input for every command the fault layer adds.
. ./lib.sh

D=$VMLAB_DBG
dmesg_mark
bad0=$(sed -n "s/^bad_free //p" $D/vmstat)
stat() { sed -n "s/^$1 //p" $D/vmstat; }
frames() {	# frames in use: every allocation minus every free
	echo $(( $(stat pgalloc_dma) + $(stat pgalloc_normal) + $(stat pgalloc_high) - $(stat pgfree) ))
}
status() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/status; }
cache() { sed -n "s/^$1 //p" $D/pagecache; }

expect_ok "mm_create" mm_create
M=$(field mm)

# ---- anonymous memory: the zero page, then demand-zero writes ----
expect_ok "mmap 1M anon" mmap $M 0x10000000 1M rw private,anon,fixed
expect_ok "read the first page (tables, zero page)" touch $M 0x10000000 4K r
z0=$(stat zero_page_fault); p0=$(stat pgfault)
f0=$(frames)
expect_ok "read every other page" touch $M 0x10001000 1020K r
check "255 minor faults" "[ $(field minflt) = 255 ]"
check "255 zero-page faults" "[ $(( $(stat zero_page_fault) - z0 )) = 255 ]"
check "vmstat pgfault counts them all" "[ $(( $(stat pgfault) - p0 )) = 255 ]"
check "reading 255 pages took no frame at all" "[ $(frames) = $f0 ]"
check "RssAnon still 0" "[ $(status $M RssAnon) = 0 ]"
expect_ok "read returns zeros" read $M 0x10000400 8
check "zeros" "[ '$(field data)' = 0000000000000000 ]"
expect_ok "rmap of a zero-page PTE" rmap $M 0x10000000
check "kind=zero" "[ '$(field kind)' = zero ]"
expect_ok "write the first page (and make the anon_vma)" touch $M 0x10000000 4K w
f0=$(frames)
expect_ok "write every other page" touch $M 0x10001000 1020K w
check "255 write faults replace the zero page" "[ $(field minflt) = 255 ]"
check "255 frames more" "[ $(( $(frames) - f0 )) = 255 ]"
check "RssAnon is 1024 kB" "[ $(status $M RssAnon) = 1024 ]"
expect_ok "write again: no fault" touch $M 0x10000000 1M w
check "no more faults" "[ $(field minflt) = 0 ]"

# ---- faults fixed inside the CR3 window, and the switch for it ----
mmu() { sed -n "s/^$1 //p" $D/mmu; }
P=/sys/module/vmlab/parameters/window_fixup
expect_ok "mmap 256K anon" mmap $M 0x11000000 256K rw private,anon,fixed
expect_ok "first write: tables and anon_vma, outside the window" touch $M 0x11000000 4K w
x0=$(mmu window_fixups); s0=$(mmu window_faults); p0=$(stat pgfault)
expect_ok "63 more writes" touch $M 0x11001000 252K w
check "63 minor faults" "[ $(field minflt) = 63 ]"
check "pgfault counts the fixed ones too" "[ $(( $(stat pgfault) - p0 )) = 63 ]"
check "all 63 fixed inside the window" "[ $(( $(mmu window_fixups) - x0 )) = 63 ]"
check "no window stopped on a fault" "[ $(mmu window_faults) = $s0 ]"
check "window_fixup defaults to on" "[ \"\$(cat $P)\" = Y ]"
check "window_fixup=banana is refused" "! echo banana > $P 2>/dev/null && [ \"\$(cat $P)\" = Y ]"
echo 0 > $P
expect_ok "munmap and map again" mmap $M 0x11000000 256K rw private,anon,fixed
expect_ok "first write" touch $M 0x11000000 4K w
x0=$(mmu window_fixups); s0=$(mmu window_faults)
expect_ok "63 writes with window_fixup=0" touch $M 0x11001000 252K w
check "still 63 minor faults" "[ $(field minflt) = 63 ]"
check "none fixed in the window" "[ $(mmu window_fixups) = $x0 ]"
check "each stopped its window" "[ $(( $(mmu window_faults) - s0 )) = 63 ]"
echo 1 > $P
expect_ok "munmap the 256K" munmap $M 0x11000000 256K
expect_ok "fill with a pattern" fill $M 0x10000000 1M 11
expect_ok "verify it" verify $M 0x10000000 1M 11
check "no mismatch" "[ $(field mismatches) = 0 ]"

# ---- SEGV codes ----
expect_err "unmapped address: maperr" EFAULT read $M 0x20000000 1
check "code=maperr" "echo '$REPLY' | grep -q code=maperr"
expect_ok "mmap read-only anon" mmap $M 0x21000000 8K r private,anon,fixed
expect_ok "read of read-only is fine" read $M 0x21000000 4
expect_err "write to read-only: accerr" EFAULT write $M 0x21000000 aa
check "code=accerr" "echo '$REPLY' | grep -q code=accerr"
expect_ok "mmap PROT_NONE" mmap $M 0x22000000 4K none private,anon,fixed
expect_err "read of PROT_NONE: accerr" EFAULT read $M 0x22000000 1
check "code=accerr (none)" "echo '$REPLY' | grep -q code=accerr"

# ---- fork and copy-on-write ----
expect_ok "fork" fork $M
C=$(field mm)
check "child has an id" "[ '$C' -gt 0 ] && [ '$C' != '$M' ]"
check "child has its mm dir" "[ -f $D/mm/$C/status ]"
check "child RssAnon equals parent's" "[ $(status $C RssAnon) = 1024 ]"
expect_ok "smaps_rollup of the child" smaps_rollup $C
check "all 1024 kB shared and dirty (fork keeps a private PTE's D bit)" "[ $(field shared_clean) = 0 ] && [ $(field shared_dirty) = 1024 ]"
check "pss is half" "[ $(field pss) = 512 ]"
check "fork's PTEs start old: nothing referenced" "[ $(field referenced) = 0 ]"
expect_ok "rmap shows two mappings" rmap $M 0x10000000
check "mappings=2 mapcount=2" "[ $(field mappings) = 2 ] && [ $(field mapcount) = 2 ]"
check "kind=anon" "[ '$(field kind)' = anon ]"
expect_ok "child reads parent's data" verify $C 0x10000000 1M 11
check "child sees the pattern, no fault" "[ $(field mismatches) = 0 ] && [ $(field minflt) = 0 ]"
expect_ok "smaps_rollup after the child's reads" smaps_rollup $C
check "the MMU's A bits: all 1024 kB referenced" "[ $(field referenced) = 1024 ]"
cow0=$(stat cow_fault)
f0=$(frames)
expect_ok "child writes 4 pages" fill $C 0x10000000 16K 22
check "4 COW faults" "[ $(( $(stat cow_fault) - cow0 )) = 4 ]"
check "4 new frames only" "[ $(( $(frames) - f0 )) = 4 ]"
expect_ok "parent still has its data" verify $M 0x10000000 1M 11
check "parent unchanged" "[ $(field mismatches) = 0 ]"
expect_ok "child has its own" verify $C 0x10000000 16K 22
check "child changed" "[ $(field mismatches) = 0 ]"
expect_ok "rmap of the copied page" rmap $C 0x10000000
check "child's copy has one mapping" "[ $(field mappings) = 1 ] && [ $(field mapcount) = 1 ]"
expect_ok "rmap of parent's page" rmap $M 0x10000000
check "parent's page has one mapping again" "[ $(field mapcount) = 1 ]"
reuse0=$(stat pgreuse)
cow0=$(stat cow_fault)
f0=$(frames)
expect_ok "parent writes the same pages" fill $M 0x10000000 16K 33
check "last owner reuses: no copy" "[ $(( $(stat cow_fault) - cow0 )) = 0 ] && [ $(( $(stat pgreuse) - reuse0 )) = 4 ]"
check "no new frame" "[ $(( $(frames) - f0 )) = 0 ]"
expect_ok "untouched pages still shared" rmap $C 0x10080000
check "mapcount=2" "[ $(field mapcount) = 2 ]"
f0=$(frames)
expect_ok "destroy the child" mm_destroy $C
check "child's 4 private frames freed, shared ones kept" "[ $(( f0 - $(frames) )) -ge 4 ]"
expect_ok "parent verifies the untouched part" verify $M 0x10004000 1008K 11
check "untouched intact" "[ $(field mismatches) = 0 ]"
expect_ok "parent's page alone again" rmap $M 0x10080000
check "mapcount=1" "[ $(field mapcount) = 1 ]"

# ---- fork: shared and locked mappings ----
expect_ok "mmap shared anon" mmap $M 0x30000000 16K rw shared,anon,fixed
expect_ok "mmap locked anon" mmap $M 0x31000000 16K rw private,anon,locked,fixed
expect_ok "fork again" fork $M
C=$(field mm)
check "child does not inherit VmLck" "[ $(status $C VmLck) = 0 ] && [ $(status $M VmLck) = 16 ]"
expect_ok "child writes shared anon" fill $C 0x30000000 16K 44
expect_ok "parent sees it" verify $M 0x30000000 16K 44
check "shared anon is shared" "[ $(field mismatches) = 0 ]"
expect_ok "rmap of shared anon" rmap $M 0x30000000
check "kind=shmem, two mappings" "[ '$(field kind)' = shmem ] && [ $(field mappings) = 2 ]"
check "RssShmem counted" "[ $(status $M RssShmem) = 16 ]"
expect_ok "destroy child 2" mm_destroy $C
check "child 2's dir removed, parent's shared anon kept" "[ ! -e $D/mm/$C ] && [ $(status $M RssShmem) = 16 ]"

# ---- file mappings: the page cache ----
F=/tmp/fault-file
dd if=/dev/zero bs=4096 count=6 2>/dev/null | tr '\000' 'a' > $F
printf 'tail' >> $F			# 6 pages + 4 bytes: 7 pages, EOF mid-page
expect_ok "drop caches first" drop_caches
check "page cache holds only the 16K of shared anon (shmem, still mapped)" "[ $(cache pages) = 4 ]"
maj0=$(stat pgmajfault)
expect_ok "mmap file private" mmap $M 0x40000000 32K rw private file=$F
expect_ok "read page 0 (major)" read $M 0x40000000 4
check "first read is a major fault" "[ $(field majflt) = 1 ]"
check "data is the file's" "[ '$(field data)' = 61616161 ]"
expect_ok "read page 1 (readahead made it minor)" read $M 0x40001000 4
check "page 1: no major fault (read ahead, mapped around the first fault)" "[ $(field majflt) = 0 ]"
expect_ok "read page 2" read $M 0x40002000 4
check "page 2: no major fault either" "[ $(field majflt) = 0 ] && [ $(( $(stat pgmajfault) - maj0 )) = 1 ]"
check "readahead counted" "[ $(stat pgreadahead) -gt 0 ]"
check "file pages cached" "[ $(cache pages) -ge 3 ]"
check "RssFile counted" "[ $(status $M RssFile) -ge 12 ]"
expect_ok "read the tail past 'tail'" read $M 0x40006000 8
check "zero-filled after EOF in the last page" "[ '$(field data)' = 7461696c00000000 ]"
expect_err "access past EOF: SIGBUS" EFAULT read $M 0x40007000 1
check "sigbus" "echo '$REPLY' | grep -q sigbus"
expect_ok "private write" write $M 0x40000000 42424242
expect_ok "rmap: private copy is anon" rmap $M 0x40000000
check "kind=anon after COW" "[ '$(field kind)' = anon ]"
expect_ok "msync private" msync $M 0x40000000 32K
check "msync of a private mapping writes nothing" "[ $(field written) = 0 ]"
expect_ok "munmap private" munmap $M 0x40000000 32K
check "MAP_PRIVATE write never reaches the file" "[ \"\$(head -c 4 $F)\" = aaaa ]"

# Fault-around as 6.1 counts it (found by 53-randtest): 16 pages from
# vm_start when the VMA starts inside the 64 KiB block, and before the
# page itself, so a read past EOF still maps the cached neighbours.
expect_ok "mm for fault-around" mm_create
FA=$(field mm)
expect_ok "every page of the file into the cache" mmap $FA 0x43000000 28K r shared,fixed,populate file=$F
expect_ok "and unmapped" munmap $FA 0x43000000 28K
expect_ok "file pages 4-7 (7 past EOF), mid-block" mmap $FA 0x42003000 16K r private,fixed file=$F offset=16384
expect_err "read past EOF: SIGBUS" EFAULT read $FA 0x42006000 1
check "the cached pages 4-6 were mapped around it" "[ $(status $FA RssFile) = 12 ]"
expect_ok "the whole file from 0x4200d000, 3 pages before the block's end" mmap $FA 0x4200d000 28K r private,fixed file=$F
expect_ok "read its first page" read $FA 0x4200d000 1
check "16 pages from vm_start: all 7 mapped" "[ $(status $FA RssFile) = 40 ]"
expect_ok "destroy the fault-around mm" mm_destroy $FA

expect_ok "mmap file shared" mmap $M 0x41000000 28K rw shared file=$F
S=$(field addr)
expect_ok "shared write" write $M 0x41000000 5a5a5a5a
expect_ok "rmap of the shared page" rmap $M 0x41000000
check "kind=file" "[ '$(field kind)' = file ]"
check "file not yet written" "[ \"\$(head -c 4 $F)\" = aaaa ]"
expect_ok "msync" msync $M 0x41000000 28K
check "one page written" "[ $(field written) = 1 ]"
check "file has ZZZZ after msync" "[ \"\$(head -c 4 $F)\" = ZZZZ ]"
expect_ok "msync again: nothing dirty" msync $M 0x41000000 28K
check "nothing written" "[ $(field written) = 0 ]"
expect_ok "second mm" mm_create
M2=$(field mm)
expect_ok "second mm maps the same file shared" mmap $M2 0x50000000 28K rw shared file=$F
expect_ok "second mm reads the first one's write" read $M2 0x50000000 4
check "shared page cache" "[ '$(field data)' = 5a5a5a5a ]"
expect_ok "second mm writes" write $M2 0x50001000 59595959
expect_ok "first mm sees it" read $M 0x41001000 4
check "YYYY visible" "[ '$(field data)' = 59595959 ]"
expect_ok "rmap across mms" rmap $M 0x41001000
check "two mms map it" "[ $(field mappings) = 2 ]"
expect_ok "page_unmap a cache page" page_unmap $M 0x41001000
check "unmapped from both" "[ $(field unmapped) = 2 ] && [ $(field mapcount) = 0 ]"
expect_ok "fault it back" read $M2 0x50001000 4
check "dirty data survived unmap" "[ '$(field data)' = 59595959 ]"
expect_ok "munmap second mm's mapping: writeback" munmap $M2 0x50000000 28K
check "page 1 written at munmap" "[ \"\$(dd if=$F bs=1 skip=4096 count=4 2>/dev/null)\" = YYYY ]"
expect_ok "mm_destroy second mm" mm_destroy $M2
expect_ok "write, then exit writes back" write $M 0x41002000 58585858
expect_ok "munmap first shared" munmap $M 0x41000000 28K
check "page 2 written at munmap" "[ \"\$(dd if=$F bs=1 skip=8192 count=4 2>/dev/null)\" = XXXX ]"
check "file size unchanged" "[ $(wc -c < $F) = 24580 ]"
p0=$(cache pages)
expect_ok "drop_caches" drop_caches
check "freed pages" "[ $(field freed) -gt 0 ] && [ $(cache pages) -lt $p0 ]"

# ---- stack growth and the guard gap ----
expect_ok "mmap a stack" mmap $M 0x60000000 16K rw private,anon,growsdown,fixed
expect_ok "write below it grows the stack" write $M 0x5ffff000 aa
check "stack grew" "grep -q '^5ffff000-60004000' $D/mm/$M/maps"
expect_ok "mmap just below" mmap $M 0x5fe00000 4K rw private,anon,fixed
expect_err "growing into the guard gap fails" EFAULT write $M 0x5ff00000 aa

# ---- bad input ----
expect_err "fork: no such mm" ESRCH fork 9999
expect_err "fork: kernel mm" EPERM fork 0
expect_err "fork: not a number" EINVAL fork abc
expect_err "fork: missing" EINVAL fork
expect_err "msync: unaligned" EINVAL msync $M 0x41000001 4K
expect_err "msync: hole" ENOMEM msync $M 0x7000000 4K
expect_err "msync: no mm" ESRCH msync 9999 0 4K
expect_err "msync: bad len" EINVAL msync $M 0 zz
expect_err "drop_caches: extra arg" EINVAL drop_caches 1
expect_err "rmap: nothing mapped" ENOENT rmap $M 0x7000000
expect_err "rmap: bad address" EINVAL rmap $M xyz
expect_err "page_unmap: anon refused" EINVAL page_unmap $M 0x10000000
expect_err "smaps_rollup: no mm" ESRCH smaps_rollup 9999
expect_ok "mm_destroy" mm_destroy $M
check "mm dir removed" "[ ! -e $D/mm/$M ]"
check "no bad free during the scenario" "[ $(stat bad_free) = $bad0 ]"
dmesg_clean "no oops, warning or bad free"
done_testing
