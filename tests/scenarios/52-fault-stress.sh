#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The fault layer under concurrency: four shell workers on two CPUs drive
# one address space at once -- demand-zero and COW faults fixed inside the
# CR3 window, fork + child writes, mprotect splits and merges, shared file
# mappings with msync and munmap, rmap walks, page_unmap and drop_caches.
# Every fill is verified, every command must succeed, the kernel log must
# stay clean, and unloading afterwards must find every frame free.
. ./lib.sh

D=$VMLAB_DBG
W=/tmp/stress
N=${STRESS_ROUNDS:-24}
rm -rf $W
mkdir -p $W
dmesg_mark

F=$W/file
dd if=/dev/zero bs=4096 count=64 2>/dev/null | tr '\000' 's' > $F

expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "anon 1M (worker 1)" mmap $M 0x10000000 1M rw private,anon,fixed
expect_ok "anon 256K (worker 3's mprotect)" mmap $M 0x10100000 256K rw private,anon,fixed
expect_ok "first touch: tables and anon_vma" touch $M 0x10000000 1280K w

# Each worker logs "fail <what>" lines; an empty log is a pass.
run() {	# run <log> WORDS...: one ctl command, recorded if it fails
	_l=$1
	shift
	worker_run "$_l" "" "$@"
}

w_fill() {	# fill and verify the 1M, a new seed each round
	i=0
	while [ $i -lt $N ]; do
		run $W/1 fill $M 0x10000000 1M $((i + 100)) > /dev/null
		r=$(run $W/1 verify $M 0x10000000 1M $((i + 100)))
		[ "$(field mismatches "$r")" = 0 ] || echo "fail verify round $i: $r" >> $W/1
		i=$((i + 1))
	done
}

w_fork() {	# fork, let the child write and check its own and the parent's view
	i=0
	while [ $i -lt $N ]; do
		r=$(run $W/2 fork $M)
		c=$(field mm "$r")
		if [ -n "$c" ]; then
			run $W/2 fill $c 0x10000000 256K $((i + 500)) > /dev/null
			r=$(run $W/2 verify $c 0x10000000 256K $((i + 500)))
			[ "$(field mismatches "$r")" = 0 ] ||
				echo "fail child verify round $i: $r" >> $W/2
			run $W/2 smaps_rollup $c > /dev/null
			run $W/2 mm_destroy $c > /dev/null
		fi
		i=$((i + 1))
	done
}

w_map() {	# mprotect split/merge, and a shared file mapping written back
	i=0
	while [ $i -lt $N ]; do
		run $W/3 mprotect $M 0x10120000 64K r > /dev/null
		run $W/3 mprotect $M 0x10120000 64K rw > /dev/null
		run $W/3 fill $M 0x10100000 256K $((i + 900)) > /dev/null
		run $W/3 mmap $M 0x20000000 256K rw shared,fixed file=$F > /dev/null
		run $W/3 fill $M 0x20000000 16K $((i + 700)) > /dev/null
		run $W/3 msync $M 0x20000000 256K > /dev/null
		r=$(run $W/3 verify $M 0x20000000 16K $((i + 700)))
		[ "$(field mismatches "$r")" = 0 ] || echo "fail file verify round $i: $r" >> $W/3
		run $W/3 munmap $M 0x20000000 256K > /dev/null
		i=$((i + 1))
	done
}

w_rmap() {	# reverse-map walks, unmapping cache pages, dropping caches
	i=0
	while [ $i -lt $((N * 3)) ]; do
		run $W/4 rmap $M 0x10000000 > /dev/null
		run $W/4 smaps_rollup $M > /dev/null
		# page_unmap may find nothing mapped (ENOENT); a page there is
		# always a file page, so EINVAL (anon) is a failure.
		r=$(vmlabctl page_unmap $M 0x20000000 2>&1)
		case "$r" in ok*|"error ENOENT "*) ;; *) echo "fail page_unmap: $r" >> $W/4 ;; esac
		run $W/4 drop_caches > /dev/null
		i=$((i + 1))
	done
}

x0=$(sed -n 's/^window_fixups //p' $D/mmu)
w_fill & p1=$!
w_fork & p2=$!
w_map & p3=$!
w_rmap & p4=$!
wait $p1 $p2 $p3 $p4

for n in 1 2 3 4; do
	check "worker $n: every command and verify succeeded" "[ ! -s $W/$n ]" ||
		diag "$(head -n 5 $W/$n)"
done
check "faults were fixed inside the window meanwhile" \
	"[ $(sed -n 's/^window_fixups //p' $D/mmu) -gt $x0 ]"
diag "$(grep -e '^window_fixup' -e '^windows ' $D/mmu | tr '\n' ' ')"
diag "$(grep -e '^nr_tlb_remote_flush ' -e '^cow_fault ' $D/vmstat | tr '\n' ' ')"
expect_ok "the parent's 1M is intact after all that" verify $M 0x10000000 1M $((N - 1 + 100))
check "no mismatch" "[ $(field mismatches) = 0 ]"
expect_ok "mm_destroy" mm_destroy $M
check "mm dir removed" "[ ! -e $D/mm/$M ]"
expect_ok "drop_caches" drop_caches
check "nothing mapped: the page cache is empty" "[ \"\$(sed -n 's/^pages //p' $D/pagecache)\" = 0 ]"
dmesg_clean "no oops, warning or lockdep report"

unload_all_free
rm -rf $W
done_testing
