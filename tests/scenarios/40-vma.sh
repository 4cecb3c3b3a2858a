#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Sandbox address spaces through ctl: mm_create/mm_destroy, mmap and its
# error cases, munmap holes, mprotect split/merge, mremap, mlock, brk,
# madvise, the access commands through the CR3 window, maps/status files,
# vmalloc/vfree/vmallocinfo. Good and bad input for every command.
. ./lib.sh

D=$VMLAB_DBG

expect_ok "mm_create" mm_create
M=$(field mm)
check "mm id is a number > 0" "[ '$M' -gt 0 ] 2>/dev/null"
check "mm/$M/maps exists and is empty" "[ -f $D/mm/$M/maps ] && [ ! -s $D/mm/$M/maps ]"
check "mm/$M/status has VmSize" "grep -q '^VmSize:' $D/mm/$M/status"
check "mm/$M/pagetable is readable" "cat $D/mm/$M/pagetable > /dev/null"

maps() { cat $D/mm/$M/maps; }
nmaps() { maps | wc -l; }
status() { sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$M/status; }

# ---- mmap: good ----
expect_ok "mmap anon private rw, kernel picks" mmap $M 0 64K rw private,anon
A=$(field addr)
check "address is page aligned and below 47 bits" \
	"[ \$(( $A & 0xfff )) = 0 ] && [ \$(( $A >> 47 )) = 0 ]"
check "maps shows one rw-p line of 64K" \
	"maps | grep -q '^$(printf %08x $A)-$(printf %08x $((A + 65536))) rw-p 00000000 00:00 0 \$'"
check "VmSize is 64 kB" "[ $(status VmSize) = 64 ]"
check "nothing resident yet" "[ $(status VmRSS) = 0 ]"
expect_ok "second mapping goes below the first (top-down)" mmap $M 0 16K r private,anon
B=$(field addr)
check "top-down: second address lower" "[ \$(( $B < $A )) = 1 ]"
expect_ok "munmap second" munmap $M $B 16K
check "second mapping gone from maps" "! maps | grep -q '^$(printf %08x $B)-'"

# ---- access without a fault handler ----
if [ -f $D/pagecache ]; then	# the fault layer (50-fault.sh) resolves it
	expect_ok "read of an unpopulated page maps the zero page" read $M $A 8
	check "zeros, one minor fault" "[ '$(field data)' = 0000000000000000 ] && [ '$(field minflt)' = 1 ]"
else
	expect_err "read of an unpopulated page is a segv maperr" EFAULT read $M $A 8
	check "segv reply names addr and maperr" \
		"echo '$REPLY' | grep -q 'segv addr=$(printf %#x $A) code=maperr'"
fi

# ---- populate and access ----
expect_ok "mmap populate" mmap $M 0x100000000 32K rw private,anon,populate,fixed
P=$(field addr)
check "populate made 8 pages resident" "[ $(status VmRSS) = 32 ]"
expect_ok "read zeroes" read $M $P 16
check "populated memory reads as zero" "[ '$(field data)' = 00000000000000000000000000000000 ]"
expect_ok "write bytes" write $M $((P + 4094)) deadbeef
check "write reply has fault counts" "[ '$(field minflt)' = 0 ] && [ '$(field majflt)' = 0 ]"
expect_ok "read across the page boundary" read $M $((P + 4094)) 4
check "data read back" "[ '$(field data)' = deadbeef ]"
expect_ok "fill 32K" fill $M $P 32K 42
expect_ok "verify 32K" verify $M $P 32K 42
check "no mismatches" "[ '$(field mismatches)' = 0 ]"
expect_ok "verify with another seed" verify $M $P 32K 43
check "other seed mismatches" "[ '$(field mismatches)' -gt 30000 ]"
expect_ok "touch r" touch $M $P 32K r
check "touch r of populated pages: no fault" "[ '$(field minflt)' = 0 ] && [ '$(field majflt)' = 0 ]"
expect_ok "touch w with stride" touch $M $P 32K w stride=8K
expect_ok "verify after touch w" verify $M $P 32K 42
check "touch w stored 4 zero bytes" "[ '$(field mismatches)' -ge 1 ] && [ '$(field mismatches)' -le 4 ]"
expect_err "fill past the end segv" EFAULT fill $M $((P + 28672)) 8K 1
check "fault address is the first unmapped byte" \
	"echo '$REPLY' | grep -q 'addr=$(printf %#x $((P + 32768)))'"
expect_err "read 16K+1 refused" EINVAL read $M $P 16385
expect_err "write odd hex" EINVAL write $M $P abc
expect_err "write non-hex" EINVAL write $M $P zz
expect_err "touch bad mode" EINVAL touch $M $P 4K x
expect_err "touch stride 0" EINVAL touch $M $P 4K r stride=0
expect_err "access to kernel half" EFAULT read $M 0xffff888000000000 8

# ---- mprotect ----
expect_ok "mprotect middle page read-only" mprotect $M $((P + 8192)) 4K r
check "split into three VMAs" "[ $(maps | grep -c "^$(printf %08x $P)\|^$(printf %08x $((P + 8192)))\|^$(printf %08x $((P + 12288)))") = 3 ]"
expect_err "write to read-only page is accerr" EFAULT write $M $((P + 8192)) 00
check "accerr in reply" "echo '$REPLY' | grep -q 'code=accerr'"
expect_ok "read of read-only page still works" read $M $((P + 8192)) 4
check "read-only page keeps its data (touch w zeroed its first byte)" \
	"[ \"\$(echo '$(field data)' | cut -c1-2)\" = 00 ] && [ '$(field minflt)' = 0 ]"
expect_ok "mprotect back to rw" mprotect $M $((P + 8192)) 4K rw
check "merged back" "[ $(maps | grep -c "^$(printf %08x $P)-$(printf %08x $((P + 32768))) rw-p") = 1 ]"
expect_ok "write after mprotect back" write $M $((P + 8192)) 11
ctl read $M $((P + 8192)) 1
check "the write after mprotect back landed" "[ '$(field data)' = 11 ]"
expect_ok "mprotect none" mprotect $M $P 4K none
expect_err "read of PROT_NONE is accerr" EFAULT read $M $P 1
check "---p line" "maps | grep -q '^$(printf %08x $P)-[0-9a-f]* ---p'"
expect_err "mprotect unaligned" EINVAL mprotect $M $((P + 1)) 4K r
maps > /tmp/maps-before
expect_ok "mprotect len 0 is a no-op" mprotect $M $P 0 r
maps > /tmp/maps-after
same_files "mprotect len 0 changed no VMA" /tmp/maps-before /tmp/maps-after
expect_err "mprotect over a hole" ENOMEM mprotect $M $P 1M r
expect_err "mprotect bad prot" EINVAL mprotect $M $P 4K rq
expect_err "mprotect unmapped" ENOMEM mprotect $M 0x10000000 4K r

# ---- munmap ----
expect_ok "munmap a hole in the middle" munmap $M $((P + 16384)) 4K
expect_err "hole reads maperr" EFAULT read $M $((P + 16384)) 1
expect_ok "munmap across VMAs" munmap $M $P 32K
check "range gone from maps" "! maps | grep -q '^$(printf %08x $P)'"
maps > /tmp/maps-before
expect_ok "munmap of nothing" munmap $M 0x10000000 4K
maps > /tmp/maps-after
same_files "munmap of nothing changed no VMA" /tmp/maps-before /tmp/maps-after
expect_err "munmap len 0" EINVAL munmap $M $A 0
expect_err "munmap unaligned" EINVAL munmap $M $((A + 12)) 4K
expect_err "munmap beyond user space" EINVAL munmap $M 0xfffffffffffff000 4K

# ---- mmap: errors and flags ----
expect_err "mmap len 0" EINVAL mmap $M 0 0 rw private,anon
expect_err "mmap neither private nor shared" EINVAL mmap $M 0 4K rw anon
expect_err "mmap both private and shared" EINVAL mmap $M 0 4K rw private,shared,anon
expect_err "mmap without anon or file" EBADF mmap $M 0 4K rw private
expect_err "mmap fixed unaligned" EINVAL mmap $M 0x10000123 4K rw private,anon,fixed
expect_err "mmap fixed below mmap_min_addr" EPERM mmap $M 0x1000 4K rw private,anon,fixed
expect_err "mmap unknown flag" EINVAL mmap $M 0 4K rw private,anon,bogus
expect_err "mmap bad prot" EINVAL mmap $M 0 4K rwz private,anon
expect_err "mmap offset unaligned" EINVAL mmap $M 0 4K r private,anon offset=5
expect_err "mmap on a missing mm" ESRCH mmap 9999 0 4K r private,anon
expect_err "mmap on the kernel mm" EPERM mmap 0 0 4K r private,anon
expect_err "mmap huge" ENOMEM mmap $M 0 0x800000000000 r private,anon
expect_ok "mmap fixed" mmap $M 0x10000000 16K rw private,anon,fixed
check "fixed address honoured" "[ '$(field addr)' = 0x10000000 ]"
expect_err "fixed_noreplace collision" EEXIST mmap $M 0x10002000 16K rw private,anon,fixed_noreplace
expect_ok "fixed_noreplace next to it" mmap $M 0x10004000 4K rw private,anon,fixed_noreplace
check "merged with the neighbour" "maps | grep -q '^10000000-10005000 rw-p'"
expect_ok "fixed replaces" mmap $M 0x10001000 4K r private,anon,fixed
check "replaced page split the VMA" "maps | grep -q '^10001000-10002000 r--p'"
expect_ok "hint is used when free" mmap $M 0x20000000 4K r private,anon
check "hint honoured" "[ '$(field addr)' = 0x20000000 ]"
expect_ok "mmap shared anon" mmap $M 0x30000000 8K rw shared,anon,fixed
check "shared anon shows as /dev/zero (deleted)" "maps | grep -q '^30000000-30002000 rw-s 00000000 00:01 0 .*/dev/zero (deleted)'"
expect_ok "mmap noreserve" mmap $M 0x31000000 8K rw private,anon,noreserve,fixed
check "noreserve mapping in maps" "maps | grep -q '^31000000-31002000 rw-p'"
expect_ok "mmap growsdown" mmap $M 0x40000000 8K rw private,anon,growsdown,fixed
if [ -f $D/pagecache ]; then
	expect_ok "access below the stack grows it" write $M 0x3ffff000 aa
else
	expect_err "access below the stack grows it (no fault handler yet: segv)" EFAULT write $M 0x3ffff000 aa
fi
check "stack VMA grew" "maps | grep -q '^3ffff000-40002000 rw-p'"
expect_err "shared growsdown refused" EINVAL mmap $M 0 8K rw shared,anon,growsdown
expect_ok "mmap locked" mmap $M 0x50000000 16K rw private,anon,locked,fixed
check "VmLck is 16 kB" "[ $(status VmLck) = 16 ]"
expect_ok "read locked (populated)" read $M 0x50000000 4
check "locked memory was populated: no fault" "[ '$(field minflt)' = 0 ]"

# ---- file mappings ----
printf 'hello, vmlab file mapping\n' > /tmp/vma-file
dd if=/dev/zero bs=4096 count=1 >> /tmp/vma-file 2>/dev/null
expect_ok "mmap a file, populated" mmap $M 0 8K r private,populate file=/tmp/vma-file
F=$(field addr)
expect_ok "read the file through the MMU" read $M $F 5
check "file bytes" "[ '$(field data)' = 68656c6c6f ]"
check "maps names the file" "maps | grep -q '^$(printf %08x $F)-.* r--p 00000000 .*/tmp/vma-file\$'"
expect_ok "mmap file at offset 4K" mmap $M 0 4K r private,populate file=/tmp/vma-file offset=4K
check "offset shows in maps" "maps | grep -q ' r--p 00001000 .*/tmp/vma-file\$'"
expect_err "file and anon together" EINVAL mmap $M 0 4K r private,anon file=/tmp/vma-file
expect_err "missing file" ENOENT mmap $M 0 4K r private file=/nonexistent
expect_err "directory cannot be mapped" ENODEV mmap $M 0 4K r private file=/tmp
expect_err "growsdown file" EINVAL mmap $M 0 4K r private,growsdown file=/tmp/vma-file

# ---- mremap ----
expect_ok "mmap for mremap" mmap $M 0x60000000 16K rw private,anon,populate,fixed
expect_ok "fill it" fill $M 0x60000000 16K 7
expect_ok "read page 0 before the moves" read $M 0x60000000 64
D0=$(field data)
expect_ok "read page 1 before the moves" read $M 0x60001000 64
D1=$(field data)
expect_ok "shrink" mremap $M 0x60000000 16K 8K
check "shrink keeps the address" "[ '$(field addr)' = 0x60000000 ] && maps | grep -q '^60000000-60002000 rw-p'"
expect_ok "grow in place" mremap $M 0x60000000 8K 24K
check "grown in place" "[ '$(field addr)' = 0x60000000 ] && maps | grep -q '^60000000-60006000 rw-p'"
expect_ok "block the way" mmap $M 0x60006000 4K r private,anon,fixed
check "the blocker is mapped" "maps | grep -q '^60006000-60007000 r--p'"
expect_err "cannot grow without maymove" ENOMEM mremap $M 0x60000000 24K 32K
expect_ok "grow with maymove" mremap $M 0x60000000 24K 32K maymove
N=$(field addr)
check "moved" "[ '$N' != 0x60000000 ]"
expect_ok "read the moved page" read $M $N 64
check "data moved with the page tables" "[ '$(field data)' = '$D0' ]"
expect_ok "mremap fixed" mremap $M $N 32K 32K maymove fixed=0x70000000
check "at the fixed address" "[ '$(field addr)' = 0x70000000 ]"
expect_ok "read after the fixed move" read $M 0x70000000 64
check "data moved again" "[ '$(field data)' = '$D0' ]"
expect_err "mremap unmapped" EFAULT mremap $M 0x71000000 4K 8K
expect_err "mremap fixed without maymove" EINVAL mremap $M 0x70000000 4K 4K fixed=0x72000000
expect_err "mremap new len 0" EINVAL mremap $M 0x70000000 4K 0
expect_err "mremap unaligned" EINVAL mremap $M 0x70000001 4K 8K
expect_err "mremap overlapping fixed" EINVAL mremap $M 0x70000000 8K 8K maymove fixed=0x70001000
expect_err "mremap across VMAs" EFAULT mremap $M 0x60006000 8K 16K maymove
expect_err "mremap bad option" EINVAL mremap $M 0x70000000 4K 8K bogus

# ---- mlock ----
expect_ok "mmap to lock" mmap $M 0x80000000 16K rw private,anon,fixed
expect_ok "mlock unaligned start rounds down" mlock $M 0x80000010 4K
check "VmLck grew by 8 kB (the range is widened to pages)" "[ $(status VmLck) = 24 ]"
expect_ok "mlocked page is populated" read $M 0x80000000 1
check "mlock populated it: no fault" "[ '$(field minflt)' = 0 ]"
expect_err "mlock over a hole" ENOMEM mlock $M 0x80000000 1M
expect_ok "munlock" munlock $M 0x80000000 16K
check "VmLck back" "[ $(status VmLck) = 16 ]"
expect_ok "mmap PROT_NONE" mmap $M 0x81000000 4K none private,anon,fixed
expect_err "mlock of PROT_NONE cannot populate" ENOMEM mlock $M 0x81000000 4K

# ---- madvise ----
expect_ok "madvise dontneed" madvise $M 0x70000000 4K dontneed
expect_ok "dontneed leaves the next page alone" read $M 0x70001000 64
check "next page keeps its data" "[ '$(field data)' = '$D1' ]"
if [ -f $D/pagecache ]; then
	expect_ok "dontneed page is gone: reads zero again" read $M 0x70000000 1
	check "zero" "[ '$(field data)' = 00 ]"
else
	expect_err "dontneed page is gone (no fault handler)" EFAULT read $M 0x70000000 1
fi
# cold and pageout clear the Accessed bit (smaps' Referenced drops by the
# page); willneed and normal leave data and residency as they were.
referenced() { ctl smaps_rollup $M; field referenced; }
for adv in cold pageout; do
	ctl read $M 0x70001000 1
	r0=$(referenced)
	expect_ok "madvise $adv" madvise $M 0x70001000 4K $adv
	check "$adv cleared the page's Accessed bit" "[ $(( r0 - $(referenced) )) = 4 ]"
done
for adv in willneed normal; do
	rss0=$(status VmRSS)
	expect_ok "madvise $adv" madvise $M 0x70001000 4K $adv
	ctl read $M 0x70001000 64
	check "$adv kept the page and its data" \
		"[ $(status VmRSS) = $rss0 ] && [ '$(field data)' = '$D1' ] && [ '$(field minflt)' = 0 ]"
done
expect_err "madvise dontneed on locked" EINVAL madvise $M 0x50000000 4K dontneed
expect_err "madvise hole" ENOMEM madvise $M 0x70000000 1M cold
expect_err "madvise unknown advice" EINVAL madvise $M 0x70000000 4K forget
expect_err "madvise unaligned" EINVAL madvise $M 0x70000001 4K cold

# ---- brk ----
expect_ok "brk query" brk $M 0
B0=$(field brk)
check "brk is a page-aligned user address" "[ \$(( $B0 & 0xfff )) = 0 ] && [ \$(( $B0 > 0 && $B0 < 0x800000000000 )) = 1 ]"
expect_ok "brk grow" brk $M $((B0 + 20000))
check "brk moved" "[ '$(field brk)' = $(printf %#x $((B0 + 20000))) ]"
check "[heap] in maps" "maps | grep -q '\[heap\]'"
expect_ok "brk shrink" brk $M $((B0 + 4096))
check "heap shrank" "[ '$(field brk)' = $(printf %#x $((B0 + 4096))) ]"
expect_ok "brk below start is refused (returns the old brk)" brk $M 0x1000
check "brk unchanged" "[ '$(field brk)' = $(printf %#x $((B0 + 4096))) ]"
expect_err "brk on the kernel mm" EPERM brk 0 0
expect_err "brk bad address" EINVAL brk $M xyz

# ---- limits ----
expect_ok "mm_create for limits" mm_create
L=$(field mm)
expect_ok "set map_count 3" mm_setlimit $L map_count 3
expect_ok "map 1" mmap $L 0x10000000 4K r private,anon,fixed
expect_ok "map 2" mmap $L 0x10002000 4K r private,anon,fixed
expect_ok "map 3" mmap $L 0x10004000 4K r private,anon,fixed
expect_ok "map 4 (Linux checks map_count > max)" mmap $L 0x10006000 4K r private,anon,fixed
expect_err "map 5 over max_map_count" ENOMEM mmap $L 0x10008000 4K r private,anon,fixed
expect_ok "set as 64K" mm_setlimit $L as 64K
expect_err "mmap over RLIMIT_AS" ENOMEM mmap $L 0 64K r private,anon
expect_err "unknown limit" EINVAL mm_setlimit $L bogus 5
expect_err "bad limit value" EINVAL mm_setlimit $L as five
expect_ok "set memlock 4K" mm_setlimit $L memlock 4K
expect_ok "set map_count unlimited" mm_setlimit $L map_count unlimited
expect_err "MAP_LOCKED over RLIMIT_MEMLOCK" EAGAIN mmap $L 0x20000000 8K rw private,anon,locked,fixed
expect_err "mlock over RLIMIT_MEMLOCK" ENOMEM mlock $L 0x10000000 16K
expect_ok "mm_destroy limits mm" mm_destroy $L
check "limits mm gone" "[ ! -e $D/mm/$L ]"

# ---- vmalloc ----
expect_ok "vmalloc 10000 bytes" vmalloc 10000
V=$(field addr)
check "vmalloc area in the kernel mm's vmalloc range" "[ \$(( $V >= 0x200000000000 )) = 1 ]"
check "vmallocinfo shows it with 3 pages" \
	"grep -q '^$(printf 0x%016x $V)-$(printf 0x%016x $((V + 16384)))   16384 .* pages=3 vmalloc N0=3' $D/vmallocinfo"
expect_ok "write vmalloc memory through mm 0" write 0 $((V + 8190)) 0102
expect_ok "read it back" read 0 $((V + 8190)) 2
check "vmalloc data" "[ '$(field data)' = 0102 ]"
expect_err "guard page after the area" EFAULT read 0 $((V + 12288)) 1
expect_ok "second vmalloc" vmalloc 4096
V2=$(field addr)
check "second area after the guard page" "[ \$(( $V2 >= $V + 16384 )) = 1 ]"
expect_err "vfree of a non-area" EINVAL vfree $((V + 4096))
expect_ok "vfree" vfree $V
expect_err "double vfree" EINVAL vfree $V
expect_err "read freed vmalloc area" EFAULT read 0 $V 1
expect_err "vmalloc 0" EINVAL vmalloc 0
expect_err "vmalloc too big" ERANGE vmalloc 0x200000000000
expect_ok "first fit reuses the hole" vmalloc 4096
check "reused the first hole" "[ '$(field addr)' = $(printf %#x $V) ]"

# ---- concurrency: accesses racing with mprotect/munmap/mmap ----
expect_ok "mm for the race" mm_create
C=$(field mm)
expect_ok "populated 1M" mmap $C 0x10000000 1M rw private,anon,populate,fixed
# The racer may only see ok or a SEGV (EFAULT: a page read-only or unmapped
# for the moment); every change of the main loop must succeed.
(
	i=0
	while [ $i -lt 20 ]; do
		for c in "fill $C 0x10000000 1M $i" "touch $C 0x10000000 1M w"; do
			r=$(vmlabctl $c 2>&1)
			case "$r" in ok*|"error EFAULT "*) ;; *) echo "$c: $r" ;; esac
		done
		i=$((i + 1))
	done > /tmp/race-racer
) &
RACER=$!
i=0
: > /tmp/race-main
while [ $i -lt 20 ]; do
	for c in "mprotect $C 0x10040000 64K r" "mprotect $C 0x10040000 64K rw" \
		 "munmap $C 0x10080000 8K" "mmap $C 0x10080000 8K rw private,anon,fixed,populate" \
		 "mremap $C 0x100c0000 8K 8K maymove fixed=0x20000000" \
		 "mremap $C 0x20000000 8K 8K maymove fixed=0x100c0000"; do
		r=$(vmlabctl $c 2>&1) || echo "$c: $r" >> /tmp/race-main
	done
	i=$((i + 1))
done
wait $RACER
check "every change during the race succeeded" "[ ! -s /tmp/race-main ]" || diag "$(head -n 5 /tmp/race-main)"
check "the racer saw only ok or EFAULT" "[ ! -s /tmp/race-racer ]" || diag "$(head -n 5 /tmp/race-racer)"
expect_ok "fill after the race" fill $C 0x10000000 1M 9
expect_ok "verify after the race" verify $C 0x10000000 1M 9
check "no mismatches after the race" "[ '$(field mismatches)' = 0 ]"
check "one VMA again" "[ $(wc -l < $D/mm/$C/maps) = 1 ]"
expect_ok "destroy the raced mm" mm_destroy $C
check "raced mm gone" "[ ! -e $D/mm/$C ]"

# ---- mm lifecycle ----
expect_err "mm_destroy the kernel mm" EPERM mm_destroy 0
expect_err "mm_destroy bad id" EINVAL mm_destroy abc
expect_ok "mm_destroy" mm_destroy $M
check "mm dir removed" "[ ! -e $D/mm/$M ]"
expect_err "mm_destroy twice" ESRCH mm_destroy $M
expect_err "access to destroyed mm" ESRCH read $M $A 1

# Leave an mm with memory behind: unload must free it.
expect_ok "mm to leak" mm_create
K=$(field mm)
expect_ok "populated mapping to leak" mmap $K 0 1M rw private,anon,populate
expect_ok "vmalloc to leak" vmalloc 64K

dmesg_clean "no kernel warnings"
done_testing
