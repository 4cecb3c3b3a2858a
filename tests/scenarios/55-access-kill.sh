#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Long access commands can be killed (issue 11): a touch of 4 GiB (a
# million faults) runs in the background and is killed with SIGKILL; the
# writer must be gone within seconds, the touch must have stopped part
# way (fewer faults than pages), and the mm must stay usable and
# consistent: the rest of the range faults in exactly once, and unmapping
# returns every frame.
. ./lib.sh

D=$VMLAB_DBG
status() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/status; }
PAGES=1048576
dmesg_mark

expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "mmap 4G read-only" mmap $M 0x100000000 4G r private,anon,fixed
vmlabctl touch $M 0x100000000 4G r > /tmp/kill.out 2>&1 &
P=$!
sleep 1
check "the touch is still running after 1 s" kill -0 $P
kill -9 $P
i=0
while kill -0 $P 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "the writer is gone within 10 s of SIGKILL ($((i / 10)).$((i % 10)) s)" "! kill -0 $P 2>/dev/null"
wait $P 2>/dev/null
n=$(status $M minflt)
diag "faults before the kill took effect: $n of $PAGES"
check "the touch stopped part way" "[ ${n:-0} -gt 0 ] && [ ${n:-0} -lt $PAGES ]"

# The mm is consistent: the pages the touch did not reach fault in, the
# ones it did do not fault again (it went in address order).
want=$((16384 > n ? 16384 - n : 0))
expect_ok "touch the first 64M again" touch $M 0x100000000 64M r
check "$want new faults in the first 64M" "[ $(field minflt) = $want ]"
expect_ok "the mm still answers" read $M 0x100000000 16
check "data of the zero page" "[ \"$(field data)\" = 00000000000000000000000000000000 ]"
expect_ok "munmap 4G" munmap $M 0x100000000 4G
check "nothing resident" "[ $(status $M VmRSS) = 0 ]"
expect_ok "mm_destroy" mm_destroy $M
check "census consistent" "grep -q 'census .* consistent' $D/arena"
expect_ok "a new mm works" mm_create
M=$(field mm)
expect_ok "mmap 64K" mmap $M 0x10000000 64K rw private,anon,fixed
expect_ok "fill 64K" fill $M 0x10000000 64K 7
expect_ok "verify 64K" verify $M 0x10000000 64K 7
check "no mismatches" "[ $(field mismatches) = 0 ]"
expect_ok "mm_destroy" mm_destroy $M
dmesg_clean "no oops, warning or lockdep report"
done_testing
