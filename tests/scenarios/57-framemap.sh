#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# debugfs framemap: one byte per arena frame (codes in debugfs.rst). Its
# counts must agree with the other files read at the same moment: free
# frames by order with buddyinfo, per-CPU frames with zoneinfo, metadata
# with arena, slab frames with slabinfo; a block from alloc_pages shows at
# its pfn; anonymous pages, page tables, the zero page and the page cache
# appear once an mm uses them. Bad input (writes) is refused and changes
# nothing; offsets and piecewise reads give the same bytes.
. ./lib.sh

FM=$VMLAB_DBG/framemap
dmesg_mark
frames=$(awk '$1 == "frames" { print $2 }' $VMLAB_DBG/arena)
base=$(( $(awk '$1 == "base_phys" { print $2 }' $VMLAB_DBG/arena) >> 12 ))

# snap: framemap to /tmp/fm, and the count of every byte value to /tmp/fm.n
# ("value count" lines, decimal).
snap() {
	cat $FM > /tmp/fm
	od -An -v -tu1 /tmp/fm | tr -s ' ' '\n' | grep -v '^$' | sort -n | uniq -c |
		awk '{ print $2, $1 }' > /tmp/fm.n
}
n() { awk -v v="$1" '$1 == v { print $2 }' /tmp/fm.n | grep . || echo 0; }

# The free-list counts must equal the map's: frames of code N / 2^N blocks.
buddy_agrees() {
	_ok=0
	for o in 0 1 2 3 4 5 6 7 8 9 10; do
		b=$(awk -v c=$((o + 5)) '$1 == "Node" { s += $c } END { print s + 0 }' $VMLAB_DBG/buddyinfo)
		m=$(( $(n $o) >> o ))
		[ "$b" = "$m" ] || { diag "order $o: buddyinfo $b blocks, framemap $m"; _ok=1; }
	done
	return $_ok
}
pcp_frames() { awk '$1 == "count:" { s += $2 } END { print s + 0 }' $VMLAB_DBG/zoneinfo; }
slab_frames() { awk '$1 !~ /^#/ && $1 != "slabinfo" { s += $6 * $15 } END { print s + 0 }' $VMLAB_DBG/slabinfo; }

# ---- a fresh arena ----
snap
check "one byte per frame ($frames)" "[ \$(wc -c < /tmp/fm) = $frames ]"
check "fresh: free frames by order = buddyinfo" buddy_agrees
check "fresh: per-CPU frames = zoneinfo's pcp counts" "[ $(n 16) = $(pcp_frames) ]"
check "fresh: metadata frames = arena meta_frames" \
	"[ $(n 26) = $(awk '$1 == "meta_frames" { print $2 }' $VMLAB_DBG/arena) ]"
check "fresh: slab frames = slabinfo's num_slabs x pagesperslab" "[ $(n 18) = $(slab_frames) ]"
check "fresh: no frame is unowned" "[ $(n 255) = 0 ]"
check "fresh: every byte is a documented code" \
	"! awk '(\$1 > 10 && \$1 < 16) || (\$1 > 27 && \$1 != 255)' /tmp/fm.n | grep -q ."

# ---- what the VM builds shows up ----
expect_ok "alloc_pages 3" alloc_pages 3
pfn=$(field pfn)
expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "mmap 256K" mmap $M 0x10000000 256K rw private,anon,fixed
expect_ok "read the first 64K (zero page)" touch $M 0x10000000 64K r
expect_ok "write the last 128K (anonymous)" fill $M 0x10020000 128K 3
dd if=/dev/zero of=/tmp/fm-file bs=4096 count=4 2> /dev/null
expect_ok "map a 4-page file" mmap $M 0x20000000 16K r private,fixed file=/tmp/fm-file
expect_ok "read it (page cache)" touch $M 0x20000000 16K r
expect_ok "cache_create fmc" cache_create fmc 1000
expect_ok "cache_alloc fmc" cache_alloc fmc
obj=$(field addr)
snap
idx=$(( pfn - base ))
check "the alloc_pages block: 8 frames of 0x11 at its pfn (dd skip=$idx)" \
	"[ \"\$(dd if=$FM bs=1 skip=$idx count=8 2> /dev/null | od -An -v -tu1 | tr -s ' ' | sed 's/^ //;s/ \$//')\" = '17 17 17 17 17 17 17 17' ]"
check "ctl frames: exactly those 8" "[ $(n 17) = 8 ]"
check "anonymous frames: the 32 written" "[ $(n 24) = 32 ]"
check "the zero page: one frame" "[ $(n 22) = 1 ]"
check "page-table frames: at least one per level" "[ $(n 20) -ge 3 ]"
check "page-cache frames: the 4 read" "[ $(n 25) = 4 ]"
check "busy: free frames by order = buddyinfo" buddy_agrees
check "busy: per-CPU frames = zoneinfo's pcp counts" "[ $(n 16) = $(pcp_frames) ]"
check "busy: slab frames = slabinfo" "[ $(n 18) = $(slab_frames) ]"
check "busy: no frame is unowned" "[ $(n 255) = 0 ]"
total=0
while read -r v c; do total=$((total + c)); done < /tmp/fm.n
check "busy: the counts add up to every frame" "[ $total = $frames ]"

# ---- reading: pieces, offsets, the end ----
dd if=$FM bs=1000 2> /dev/null > /tmp/fm.pieces
same_files "1000-byte reads give the same bytes" /tmp/fm /tmp/fm.pieces
check "a read past the end gives nothing" \
	"[ \$(dd if=$FM bs=1 skip=$frames count=16 2> /dev/null | wc -c) = 0 ]"

# ---- bad input: writes are refused and change nothing ----
check "writing framemap fails" "! echo 0 2> /dev/null > $FM"
check "writing at an offset fails" "! dd if=/dev/zero of=$FM bs=1 seek=5 count=1 conv=notrunc 2> /dev/null"
cat $FM > /tmp/fm.after
same_files "framemap unchanged by the writes" /tmp/fm /tmp/fm.after
check "two shells reading while ctl runs: each map is complete" \
	"(for i in 1 2 3 4 5; do cat $FM | wc -c; done > /tmp/fm.r1) & \
	 for i in 1 2 3 4 5; do vmlabctl alloc_pages 0 > /dev/null; done; wait; \
	 [ \$(grep -cx $frames /tmp/fm.r1) = 5 ]"

expect_ok "cache_free" cache_free fmc $obj
expect_ok "cache_destroy" cache_destroy fmc
expect_ok "mm_destroy" mm_destroy $M
expect_ok "free_pages" free_pages $pfn 3
dmesg_clean "dmesg clean"
done_testing
