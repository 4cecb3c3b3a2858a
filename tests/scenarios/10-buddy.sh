#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The arena and the buddy allocator through debugfs: the /proc-style files,
# alloc_pages/free_pages with good and bad input, and load-time parameters.
. ./lib.sh

D=$VMLAB_DBG

# ---- files ----
for f in arena zoneinfo buddyinfo vmstat extfrag/unusable_index extfrag/extfrag_index; do
	check "$f is readable" "cat $D/$f > /dev/null"
done
check "arena census is consistent" "grep -q 'census .* consistent' $D/arena"
check "frame descriptor is 32 bytes" "grep -q '^frame_desc_bytes 32$' $D/arena"
check "buddyinfo has /proc/buddyinfo shape (11 orders)" \
	"awk '!/^Node [0-9]+, zone +[A-Za-z]+( +[0-9]+){11} *\$/ { bad = 1 } END { exit bad }' $D/buddyinfo"
check "zoneinfo has min/low/high" \
	"grep -q '^        min ' $D/zoneinfo && grep -q '^        low ' $D/zoneinfo && grep -q '^        high ' $D/zoneinfo"
check "vmstat has nr_free_pages" "grep -q '^nr_free_pages [0-9][0-9]*$' $D/vmstat"

free_pages() { sed -n 's/^nr_free_pages //p' $D/vmstat; }
stat() { sed -n "s/^$1 //p" $D/vmstat; }

# ---- alloc_pages / free_pages ----
expect_ok "alloc order 3" alloc_pages 3
pfn=$(field pfn)
check "reply names pfn, order, zone and node" \
	"[ -n '$pfn' ] && [ '$(field order)' = 3 ] && [ -n '$(field zone)' ] && [ '$(field node)' = 0 ]"
check "order-3 block is naturally aligned" "[ \$(( $pfn & 7 )) = 0 ]"
expect_err "free with the wrong order is refused" EINVAL free_pages "$pfn" 2
expect_ok "free with the right order" free_pages "$pfn" 3
bad0=$(stat bad_free)
expect_err "double free is refused" EINVAL free_pages "$pfn" 3
check "double free counted as bad_free" "[ $(stat bad_free) -gt $bad0 ]"
expect_err "free of a pfn outside the arena" EINVAL free_pages 0x1 0
expect_err "order 11 is out of range" ERANGE alloc_pages 11
expect_err "order must be a number" EINVAL alloc_pages three
expect_err "negative order" EINVAL alloc_pages -1
expect_err "unknown gfp flag" EINVAL alloc_pages 0 kernel,bogus
expect_err "dma and highmem together" EINVAL alloc_pages 0 dma,highmem
expect_err "missing arguments" EINVAL free_pages 0x100
expect_err "too many arguments" EINVAL alloc_pages 0 kernel extra

allocated() { sed -n 's/.*allocated=\([0-9]*\).*/\1/p' $D/arena; }
a0=$(allocated)
expect_ok "dma allocation" alloc_pages 0 dma
check "dma allocation comes from the DMA zone" "[ '$(field zone)' = DMA ]"
dpfn=$(field pfn)
expect_ok "atomic zeroed allocation" alloc_pages 1 atomic,zero
apfn=$(field pfn)
expect_ok "free dma frame" free_pages "$dpfn" 0
expect_ok "free atomic block" free_pages "$apfn" 1
check "census: the three frames came and went" "[ $(allocated) = $a0 ]"

# A frame owned by someone else (vmlab's own metadata) cannot be freed.
base=$(sed -n 's/^base_phys *//p' $D/arena)
expect_err "metadata frame refused" EINVAL free_pages $(( base / 4096 + 1 )) 0

# Leave a few allocations behind: unload must free them.
expect_ok "alloc to leak 1" alloc_pages 10
expect_ok "alloc to leak 2" alloc_pages 0
check "allocations show in census" "grep -q 'allocated=[1-9]' $D/arena"

# ---- parameters ----
dmesg_mark
vmlab_unload
check "unload with outstanding ctl allocations is clean" \
	"! dmesg_new | grep -q 'still allocated'"
check "arena_mb=2 is refused" "! vmlab_load arena_mb=2 2>/dev/null"
check "nothing left after a refused load" "[ ! -e $D ] && ! vmlab_loaded"
check "nodes=9 is refused" "! vmlab_load nodes=9 2>/dev/null"
check "zone_dma_mb larger than the arena is refused" "! vmlab_load \"arena_mb=16 zone_dma_mb=16\" 2>/dev/null"
check "bad parameter named in dmesg" "dmesg | tail -n 5 | grep -q 'vmlab: bad parameters'"
check "four nodes load" "vmlab_load 'arena_mb=64 nodes=4 zone_high_mb=8'"
check "four nodes in buddyinfo" "[ \$(grep -c '^Node 3,' $D/buddyinfo) -ge 1 ]"
check "HighMem zone present" "grep -q 'zone  HighMem' $D/buddyinfo"
# Node order: a CPU's own node (cpu % nodes) comes first, so with no
# HighMem on the local node a highmem request is served from the local
# Normal zone. Pinned to CPU 0, whose node is 0, whatever -smp is.
taskset -p 1 $$ > /dev/null
expect_ok "highmem allocation on 4 nodes" alloc_pages 0 highmem
check "served by the local node (CPU 0's, node 0)" "[ '$(field node)' = 0 ]"
taskset -p ffffffff $$ > /dev/null
vmlab_unload
check "one node with HighMem loads" "vmlab_load 'arena_mb=64 zone_high_mb=16'"
expect_ok "highmem allocation" alloc_pages 0 highmem
check "highmem allocation from HighMem" "[ '$(field zone)' = HighMem ]"
expect_ok "normal allocation" alloc_pages 0
check "normal allocation never from HighMem" "[ '$(field zone)' = Normal ]"
vmlab_unload
check "256 MiB arena loads" "vmlab_load arena_mb=256"
check "256 MiB arena census" "grep -q 'total=65536 consistent' $D/arena"
vmlab_unload
vmlab_load
dmesg_clean "no kernel warnings"
done_testing
