#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 11's holes, each as the exact ctl sequence that exposed it, now
# asserting the right outcome: a sandbox maps only frames it holds a
# reference on, no ctl input oopses, no command reaches a freed mm, file=
# opens only regular files, nothing is placed below mmap_min_addr, and
# arena_phys= takes only a firmware-reserved range. Documentation/security.rst
# names the promise each part tests.
. ./lib.sh

D=$VMLAB_DBG
W=/tmp/sec
rm -rf $W
mkdir -p $W
dmesg_mark

# COUNTS: rmap's mapcount=/refcount= of the page at <mm> <addr>.
counts() {
	ctl rmap "$1" "$2"
	COUNTS="$(field mapcount)/$(field refcount)"
}

# ---- hole 1: fork copied PROT_NONE pages without a reference ----------------
expect_ok "hole 1: mm_create" mm_create
A=$(field mm)
expect_ok "hole 1: mmap" mmap $A 0x10000000 4096 rw private,anon,fixed
expect_ok "hole 1: write" write $A 0x10000000 41
expect_ok "hole 1: mprotect none" mprotect $A 0x10000000 4096 none
expect_ok "hole 1: fork" fork $A
B=$(field mm)
counts $A 0x10000000
check "hole 1: rmap sees the PROT_NONE page mapped twice, one reference each" \
	'[ "$COUNTS" = 2/2 ]'
diag "$REPLY"
vmlab_check "hole 1: after the fork of a PROT_NONE page"
expect_ok "hole 1: smaps_rollup of the child" smaps_rollup $B
check "hole 1: the child's rss counts the page" '[ "$(field rss)" = 4 ]'
expect_ok "hole 1: parent mprotect rw" mprotect $A 0x10000000 4096 rw
expect_ok "hole 1: child mprotect rw" mprotect $B 0x10000000 4096 rw
expect_ok "hole 1: child reads the page" read $B 0x10000000 1
check "hole 1: the child sees 41" '[ "$(field data)" = 41 ]'
expect_ok "hole 1: mm_destroy the child" mm_destroy $B
counts $A 0x10000000
check "hole 1: the parent's page keeps one mapping and one reference" \
	'[ "$COUNTS" = 1/1 ]'
diag "$REPLY"
vmlab_check "hole 1: after the child's mm_destroy"
expect_ok "hole 1: the parent writes its page" write $A 0x10000000 42
# Were the frame free, these pages would be handed out again and overwrite it.
expect_ok "hole 1: another mm" mm_create
X=$(field mm)
expect_ok "hole 1: it maps 8M" mmap $X 0x30000000 8M rw private,anon,fixed
expect_ok "hole 1: and fills it" fill $X 0x30000000 8M 7
expect_ok "hole 1: the parent reads its page" read $A 0x10000000 1
check "hole 1: still 42" '[ "$(field data)" = 42 ]'
expect_ok "hole 1: mm_destroy" mm_destroy $X
expect_ok "hole 1: mm_destroy the parent" mm_destroy $A
check "hole 1: the arena census is consistent" "grep -q 'census .* consistent' $D/arena"
dmesg_clean "hole 1: no warning"

# ---- hole 3: fork raced mm_destroy of the child's id ------------------------
# The parent has 16M of pages so each fork copies 4096 PTEs: a long window
# for the other shell's mm_destroy of the id the child is about to get.
expect_ok "hole 3: mm_create" mm_create
P=$(field mm)
expect_ok "hole 3: mmap 16M" mmap $P 0x10000000 16M rw private,anon,fixed
expect_ok "hole 3: touch it" touch $P 0x10000000 16M w
rm -f $W/stop $W/forks $W/bad
destroyer() {
	while [ ! -e $W/stop ]; do
		for id in $((P + 1)) $((P + 2)) $((P + 3)); do
			r=$(vmlabctl mm_destroy $id 2>&1)
			case "$r" in ok*|*ESRCH*) ;; *) echo "mm_destroy $id: $r" >> $W/bad ;; esac
		done
	done
}
destroyer & d1=$!
destroyer & d2=$!
i=0
while [ $i -lt ${SEC_FORKS:-60} ]; do
	r=$(vmlabctl fork $P 2>&1)
	case "$r" in ok*) echo "$r" >> $W/forks ;; *) echo "fork: $r" >> $W/bad ;; esac
	i=$((i + 1))
done
touch $W/stop
wait $d1 $d2
check "hole 3: every fork and mm_destroy succeeded or found no mm" "[ ! -s $W/bad ]" ||
	diag "$(head -n 5 $W/bad)"
check "hole 3: the forks made children" "[ -s $W/forks ]"
vmlab_check "hole 3: after the race"
# Every id has its directory and every directory its id. A child whose id
# the destroyers did not cover (all of theirs taken) is left: ids go up to
# one per fork.
id=$P
while [ $id -lt $((P + ${SEC_FORKS:-60})) ]; do
	id=$((id + 1))
	[ -d $D/mm/$id ] || [ $id -le $((P + 3)) ] || continue
	if [ -d $D/mm/$id ]; then
		expect_ok "hole 3: mm $id has a directory and answers" smaps_rollup $id
		check "hole 3: mm $id's maps reads" "cat $D/mm/$id/maps > /dev/null"
		expect_ok "hole 3: mm_destroy $id" mm_destroy $id
	else
		expect_err "hole 3: mm $id has no directory and no id" ESRCH smaps_rollup $id
	fi
done
check "hole 3: only mm 0 and the parent have directories" \
	'[ "$(ls $D/mm | tr "\n" " ")" = "0 $P " ]' || diag "mm/: $(ls $D/mm | tr '\n' ' ')"
expect_ok "hole 3: the parent still verifies" touch $P 0x10000000 16M r
expect_ok "hole 3: mm_destroy the parent" mm_destroy $P
expect_err "hole 3: a second mm_destroy finds nothing" ESRCH mm_destroy $P
dmesg_clean "hole 3: no warning, no use after free"

# ---- file= opens only regular files, checked before any open ---------------
expect_ok "file=: mm_create" mm_create
G=$(field mm)
mkfifo $W/fifo
for f in /dev/null /dev/console /dev/tty0 /dev/watchdog $W/fifo $W; do
	if [ ! -e $f ]; then
		skip "file=$f refused" "no $f in this guest"
		continue
	fi
	expect_err "file=$f refused" ENODEV mmap $G 0x20000000 4096 r shared file=$f
	check "file=$f: the reply says why" \
		'echo "$REPLY" | grep -q "is not a regular file"'
done
# Regular, but the kernel's state, not stored data: msync would write it.
for f in /proc/sysrq-trigger /proc/meminfo /sys/kernel/debug/vmlab/ctl; do
	expect_err "file=$f refused" ENODEV mmap $G 0x20000000 4096 rw shared file=$f
	check "file=$f: the reply says why" \
		'echo "$REPLY" | grep -q "is not stored in a file system"'
done
expect_err "file= of a missing path" ENOENT mmap $G 0x20000000 4096 r shared file=$W/none
F=$W/regular
dd if=/dev/zero bs=4096 count=1 2>/dev/null > $F
ln -s $F $W/link
expect_ok "file= through a symlink to a regular file" \
	mmap $G 0x20000000 4096 rw shared,fixed file=$W/link
chmod 444 $F
expect_ok "a read-only file maps private" mmap $G 0x21000000 4096 r private,fixed file=$F
expect_ok "file=: mm_destroy" mm_destroy $G

# ---- mmap_min_addr for every way a range is placed ---------------------------
expect_ok "min_addr: mm_create" mm_create
G=$(field mm)
expect_ok "min_addr: mmap" mmap $G 0x10000000 8K rw private,anon,fixed
expect_ok "min_addr: touch" touch $G 0x10000000 8K w
expect_err "mmap fixed at 0" EPERM mmap $G 0 4096 rw private,anon,fixed
expect_err "mmap fixed at 4K" EPERM mmap $G 0x1000 4096 rw private,anon,fixed
expect_ok "mmap with a hint of 4K lands above mmap_min_addr" mmap $G 0x1000 4096 rw private,anon
check "at or above 64K" "[ \$((\$(field addr))) -ge 65536 ]"
expect_err "mremap fixed to 0" EPERM mremap $G 0x10000000 4096 4096 maymove fixed=0
expect_err "mremap fixed to 32K, over two pages" EPERM \
	mremap $G 0x10000000 8K 8K maymove fixed=0x8000
expect_ok "the refused mremaps moved nothing" read $G 0x10000000 1
expect_ok "a mremap move lands above mmap_min_addr" mremap $G 0x10000000 4096 1M maymove
check "at or above 64K" "[ \$((\$(field addr))) -ge 65536 ]"
expect_ok "min_addr: mm_destroy" mm_destroy $G
dmesg_clean "file= and mmap_min_addr: no warning"

# ---- arena_phys= only takes a firmware-reserved range ------------------------
check "rmmod for the arena_phys loads" vmlab_unload
# Each must fail to load with a message: RAM, a PCI window (MMIO), nothing.
for a in "arena_phys=0x40000000:overlaps System RAM" \
	 "arena_phys=0xfc000000 arena_mb=4:not wholly in a reserved region" \
	 "arena_phys=0x10000000000:not wholly in a reserved region" \
	 "arena_phys=0xffffffffffc00000 arena_mb=4:wraps"; do
	params=${a%%:*}
	why=${a#*:}
	dmesg_mark
	if vmlab_load "$params" 2>/dev/null; then
		not_ok "insmod $params refused"
		vmlab_unload
	else
		ok "insmod $params refused"
	fi
	check "insmod $params: the log says '$why'" "dmesg_new | grep -q '$why'"
done
check "insmod with defaults still works" vmlab_load

# ---- hole 2: msync after mprotect none dereferenced NULL ---------------------
# Last of the holes: before its fix the oops left pgt.lock held.
F=$W/f
dd if=/dev/zero bs=4096 count=1 2>/dev/null > $F
expect_ok "hole 2: mm_create" mm_create
S=$(field mm)
expect_ok "hole 2: mmap a shared file" mmap $S 0x20000000 4096 rw shared,fixed file=$F
expect_ok "hole 2: write" write $S 0x20000000 41424344
expect_ok "hole 2: mprotect none" mprotect $S 0x20000000 4096 none
expect_ok "hole 2: msync writes the page back" msync $S 0x20000000 4096
check "hole 2: one page written" '[ "$(field written)" = 1 ]'
check "hole 2: the file has the bytes" '[ "$(head -c 4 $F)" = ABCD ]'
vmlab_check "hole 2: after msync of a PROT_NONE page"
expect_ok "hole 2: mprotect rw" mprotect $S 0x20000000 4096 rw
expect_ok "hole 2: the page is still mapped" read $S 0x20000000 4
check "hole 2: and reads ABCD" '[ "$(field data)" = 41424344 ]'
expect_ok "hole 2: mm_destroy" mm_destroy $S
dmesg_clean "hole 2: no oops"

unload_all_free
rm -rf $W
done_testing
