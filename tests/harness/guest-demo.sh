#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /bin/vmlab-demo in the guest (busybox sh), with vmlab.ko loaded:
#   vmlab-demo run        the narrated demo of `make run`: allocate,
#                         fragment, map, fault, fork, copy-on-write, the
#                         frame map dumped for the host's picture, then
#                         swap: an mm twice the arena's size written and
#                         read back through a ram: swap area
#   vmlab-demo pictures   the three scenes of Documentation/pictures.rst,
#                         each dumped: fresh, fragmented, fork
#   vmlab-demo dump NAME  print debugfs framemap (gzip + base64) and arena
#                         between "@@VMLAB framemap-begin NAME" / "-end"
#                         and "@@VMLAB arena-begin NAME" / "-end" lines;
#                         tests/harness/framemap-extract.sh decodes them
DBG=/sys/kernel/debug/vmlab

say() { echo; echo "### $*"; }
run() { echo "# vmlabctl $*"; vmlabctl "$@"; }
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }	# val NAME < reply
show() { echo "==> $DBG/$1 <=="; cat "$DBG/$1"; }

dump() {
	echo "@@VMLAB framemap-begin $1"
	gzip -c $DBG/framemap | base64
	echo "@@VMLAB framemap-end"
	echo "@@VMLAB arena-begin $1"
	cat $DBG/arena
	echo "@@VMLAB arena-end"
}

# fragment N: allocate N order-0 frames, free every other one, so the
# free lists fill with single frames that cannot merge (their buddies are
# held); prints the held pfns' count.
fragment() {
	: > /tmp/demo-pfns
	i=0
	while [ $i -lt "$1" ]; do
		vmlabctl alloc_pages 0 | val pfn >> /tmp/demo-pfns
		i=$((i + 1))
	done
	i=0
	for p in $(cat /tmp/demo-pfns); do
		[ $((i % 2)) = 0 ] && vmlabctl free_pages "$p" 0 > /dev/null
		i=$((i + 1))
	done
}

demo() {
	say "1. Allocate: blocks of 1, 8 and 32 frames from the buddy allocator"
	for order in 0 3 5; do
		r=$(vmlabctl alloc_pages $order)
		echo "# vmlabctl alloc_pages $order"; echo "$r"
		echo "$(echo "$r" | val pfn) $order" >> /tmp/demo-blocks
	done
	show buddyinfo
	while read -r p o; do run free_pages "$p" "$o"; done < /tmp/demo-blocks
	echo "(freed again: each block merged back with its buddies)"
	show buddyinfo

	say "2. Fragment: 256 single frames taken, every other one given back"
	fragment 256
	echo "(the 128 freed frames cannot merge: each buddy is still held)"
	show buddyinfo

	say "3. Map: an address space with 1 MiB of private anonymous memory"
	r=$(vmlabctl mm_create); echo "# vmlabctl mm_create"; echo "$r"
	m=$(echo "$r" | val mm)
	run mmap "$m" 0x10000000 1M rw private,anon,fixed
	show "mm/$m/maps"

	say "4. Fault: reads map the shared zero page, writes allocate frames"
	run touch "$m" 0x10000000 1M r
	run fill "$m" 0x10000000 1M 1
	grep -E '^(pgfault|zero_page_fault|cow_fault) ' $DBG/vmstat
	grep '^window' $DBG/mmu

	say "5. Fork: the child shares every page, write-protected in both"
	r=$(vmlabctl fork "$m"); echo "# vmlabctl fork $m"; echo "$r"
	c=$(echo "$r" | val mm)
	run smaps_rollup "$c"

	say "6. Copy on write: the child writes 64 KiB and gets its own 16 frames"
	run fill "$c" 0x10000000 64K 2
	run verify "$m" 0x10000000 1M 1
	run verify "$c" 0x10000000 64K 2
	run smaps_rollup "$m"
	run smaps_rollup "$c"
	grep -E '^(pgfault|pgmajfault|cow_fault|pgreuse|zero_page_fault) ' $DBG/vmstat
	run check

	say "7. The frame map (one byte per frame, debugfs framemap)"
	od -An -v -tu1 $DBG/framemap | tr -s ' ' '\n' | grep -v '^$' | sort -n | uniq -c |
		awk '{ printf "code 0x%02x: %s frames\n", $2, $1 }'
	dump run
	vmlabctl mm_destroy "$c" > /dev/null
	vmlabctl mm_destroy "$m" > /dev/null
	swapdemo
}

# Chapter 8: an mm twice the arena's size, through a ram: swap area.
swapdemo() {
	mb=$(( $(sed -n 's/^size[[:space:]]*\([0-9]*\) MiB$/\1/p' $DBG/arena) * 2 ))
	say "8. Swap: ${mb} MiB of anonymous memory in an arena half that size"
	echo "(a ram: swap area is host memory outside the arena; reclaim swaps"
	echo " the least recently used pages out as the mm is written, and each"
	echo " access to a swapped page faults it back in)"
	run swapon "ram:$((mb + 16))M"
	r=$(vmlabctl mm_create); echo "# vmlabctl mm_create"; echo "$r"
	s=$(echo "$r" | val mm)
	run mmap "$s" 0x40000000 "${mb}M" rw private,anon,fixed
	grep -E '^(pswpin|pswpout|pgmajfault) ' $DBG/vmstat > /tmp/demo-vm0
	run fill "$s" 0x40000000 "${mb}M" 8
	echo "(written with a pattern seeded by 8: reclaim made room by swapping out)"
	show swaps
	grep -E '^(VmRSS|RssAnon|VmSwap):' $DBG/mm/"$s"/status
	run verify "$s" 0x40000000 "${mb}M" 8
	echo "(read back: every page checked against the pattern; swapped pages"
	echo " came back by major faults and readahead while others went out)"
	grep -E '^(pswpin|pswpout|pgmajfault) ' $DBG/vmstat > /tmp/demo-vm1
	echo "vmstat during the chapter:"
	paste /tmp/demo-vm0 /tmp/demo-vm1 |
		awk '{ printf "  %-12s +%d\n", $1, $4 - $2 }'
	run mm_destroy "$s"
	show swaps
	echo "(Used is 0 again: every slot was freed with the mm)"
	run swapoff "ram:$((mb + 16))M"
	run check
}

pictures() {
	dump fresh
	# Fragmented: single frames held all over the bottom of the arena,
	# slab caches with live objects, a page cache and a mapped mm.
	fragment 1024
	for o in 2 2 2 2 4 4 4 6 6; do vmlabctl alloc_pages $o > /dev/null; done
	vmlabctl cache_create pic 700 > /dev/null
	i=0
	while [ $i -lt 200 ]; do vmlabctl cache_alloc pic > /dev/null; i=$((i + 1)); done
	dd if=/dev/urandom of=/tmp/pic-file bs=4096 count=64 2> /dev/null
	m=$(vmlabctl mm_create | val mm)
	vmlabctl mmap "$m" 0x10000000 2M rw private,anon,fixed > /dev/null
	vmlabctl fill "$m" 0x10000000 2M 1 > /dev/null
	vmlabctl mmap "$m" 0x20000000 256K r private,fixed file=/tmp/pic-file > /dev/null
	vmlabctl touch "$m" 0x20000000 256K r > /dev/null
	vmlabctl munmap "$m" 0x10080000 1M > /dev/null
	dump fragmented
	# Fork: three more mms from the first; each child writes part of the
	# anonymous memory (copy on write), one reads the zero page.
	c1=$(vmlabctl fork "$m" | val mm)
	c2=$(vmlabctl fork "$m" | val mm)
	c3=$(vmlabctl fork "$c1" | val mm)
	vmlabctl fill "$c1" 0x10000000 256K 2 > /dev/null
	vmlabctl fill "$c2" 0x10180000 512K 3 > /dev/null
	vmlabctl fill "$c3" 0x10040000 128K 4 > /dev/null
	vmlabctl mmap "$c3" 0x30000000 4M r private,anon,fixed > /dev/null
	vmlabctl touch "$c3" 0x30000000 4M r > /dev/null
	vmlabctl check
	dump fork
	for x in $c3 $c2 $c1 $m; do vmlabctl mm_destroy "$x" > /dev/null; done
}

case "$1" in
run) demo ;;
pictures) pictures ;;
dump) dump "${2:-map}" ;;
*) echo "usage: vmlab-demo run|pictures|dump NAME" >&2; exit 2 ;;
esac
