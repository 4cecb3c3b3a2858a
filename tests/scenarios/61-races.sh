#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Races between shells on one address space, for a bounded time
# (RACE_SECONDS, default 25): fork against mm_destroy of the children's
# ids, munmap + mmap against accesses to the same range, mprotect none/rw
# against msync and rmap of a shared file mapping, and fork of PROT_NONE
# pages against all of it. A command may fail only as the race allows
# (no such mm, SIGSEGV on an unmapped range); the kernel log must stay
# clean, ctl check must pass right after the races and at the end, every
# mm id must have exactly its directory, and unloading must find every
# frame free.
. ./lib.sh

D=$VMLAB_DBG
W=/tmp/races
T=${RACE_SECONDS:-25}
rm -rf $W
mkdir -p $W
dmesg_mark

F=$W/file
dd if=/dev/zero bs=4096 count=16 2>/dev/null | tr '\000' 'f' > $F

expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "anon 4M" mmap $M 0x10000000 4M rw private,anon,fixed
expect_ok "touch it" touch $M 0x10000000 4M w
expect_ok "shared file 64K" mmap $M 0x20000000 64K rw shared,fixed file=$F
expect_ok "anon 64K for munmap/touch" mmap $M 0x30000000 64K rw private,anon,fixed

END=$(($(date +%s) + T))

w_fork() {	# fork; the child writes, and goes unless the destroyer got it
	n=0
	while [ "$(date +%s)" -lt $END ]; do
		c=$(field mm "$(worker_run $W/1 "" fork $M)")
		[ -n "$c" ] || continue
		n=$((n + 1))
		worker_run $W/1 'ESRCH|EFAULT segv' fill $c 0x10000000 64K 3 > /dev/null
		worker_run $W/1 'ESRCH' mm_destroy $c > /dev/null
	done
	echo $n > $W/forks
}

w_destroy() {	# destroy whichever child ids exist right now
	while [ "$(date +%s)" -lt $END ]; do
		for id in $((M + 1)) $((M + 2)) $((M + 3)); do
			worker_run $W/2 'ESRCH' mm_destroy $id > /dev/null
		done
	done
}

w_unmap() {	# munmap and map again the range w_touch uses
	while [ "$(date +%s)" -lt $END ]; do
		worker_run $W/3 "" munmap $M 0x30000000 64K > /dev/null
		worker_run $W/3 "" mmap $M 0x30000000 64K rw private,anon,fixed > /dev/null
	done
}

w_touch() {	# access it meanwhile: either it works or it is a SIGSEGV
	while [ "$(date +%s)" -lt $END ]; do
		worker_run $W/4 'EFAULT segv' touch $M 0x30000000 64K w > /dev/null
		worker_run $W/4 'EFAULT segv' read $M 0x30000000 16 > /dev/null
	done
}

w_protect() {	# PROT_NONE on and off: the anon range and the shared file
	while [ "$(date +%s)" -lt $END ]; do
		worker_run $W/5 "" mprotect $M 0x20000000 64K none > /dev/null
		worker_run $W/5 "" mprotect $M 0x10000000 1M none > /dev/null
		worker_run $W/5 "" mprotect $M 0x20000000 64K rw > /dev/null
		worker_run $W/5 "" fill $M 0x20000000 16K 9 > /dev/null
		worker_run $W/5 "" mprotect $M 0x10000000 1M rw > /dev/null
	done
}

w_sync() {	# msync, rmap and smaps of the same pages
	while [ "$(date +%s)" -lt $END ]; do
		worker_run $W/6 "" msync $M 0x20000000 64K > /dev/null
		worker_run $W/6 'ENOENT' rmap $M 0x20000000 > /dev/null
		worker_run $W/6 'ENOENT' rmap $M 0x10000000 > /dev/null
		worker_run $W/6 "" smaps_rollup $M > /dev/null
	done
}

w_fork & p1=$!
w_destroy & p2=$!
w_unmap & p3=$!
w_touch & p4=$!
w_protect & p5=$!
w_sync & p6=$!
wait $p1 $p2 $p3 $p4 $p5 $p6

for n in 1 2 3 4 5 6; do
	check "worker $n: nothing failed but as the race allows" "[ ! -s $W/$n ]" ||
		diag "$(head -n 5 $W/$n)"
done
check "forks happened meanwhile" "[ $(cat $W/forks) -gt 0 ]"
vmlab_check "right after the races, children and PROT_NONE ranges left"
diag "forks: $(cat $W/forks) in ${T}s"
for id in $((M + 1)) $((M + 2)) $((M + 3)); do
	ctl mm_destroy $id
done
check "only mm 0 and the parent have directories" \
	'[ "$(ls $D/mm | tr "\n" " ")" = "0 $M " ]'
expect_ok "the parent still answers" smaps_rollup $M
expect_ok "mprotect rw over everything" mprotect $M 0x10000000 4M rw
expect_ok "and its anon memory is still there" touch $M 0x10000000 4M r
expect_ok "mm_destroy" mm_destroy $M
expect_ok "drop_caches" drop_caches
dmesg_clean "no oops, warning or lockdep report"

unload_all_free
rm -rf $W
done_testing
