#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The OOM killer (Documentation/oom.rst) on a 16 MiB arena with a 1 MiB
# ram: swap area: three mms fill more than memory and swap hold; the one
# that runs out (C) is served by killing the biggest killable mm (A),
# never the one at oom_score_adj -1000 (B), and its fill completes.
# The 6.1-format line is in dmesg, oom_kill counts it, the killed mm's
# ctl commands fail with ESRCH and its files read back empty; the `oom`
# command (sysrq-f) kills the next, and refuses when only -1000 is left,
# where an allocation that runs out fails with ENOMEM instead. Used is 0
# once every mm is gone; every frame is free at unload.
. ./lib.sh

D=$VMLAB_DBG
stat() { sed -n "s/^$1 //p" $D/vmstat; }
status() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" $D/mm/$1/status; }
used() { awk -v n="$1" '$1 == n { print $4 }' $D/swaps; }
score() { cat $D/mm/$1/oom_score; }

dmesg_mark
vmlab_unload
check "a 16 MiB arena loads" "vmlab_load arena_mb=16"
expect_ok "swapon ram:1M" swapon ram:1M

# ---- oom_score_adj: good and bad input ----
expect_ok "mm_create A" mm_create
A=$(field mm)
check "oom_score_adj reads 0" "[ $(cat $D/mm/$A/oom_score_adj) = 0 ]"
check "an empty mm's oom_score is 666 (6.1: (1000 + 0) * 2 / 3)" "[ $(score $A) = 666 ]"
expect_err "oom_score_adj 1001: EINVAL" EINVAL oom_score_adj $A 1001
expect_err "oom_score_adj -1001: EINVAL" EINVAL oom_score_adj $A -1001
expect_err "oom_score_adj abc: EINVAL" EINVAL oom_score_adj $A abc
expect_err "oom_score_adj of no mm: ESRCH" ESRCH oom_score_adj 999 0
expect_err "oom_score_adj of the kernel mm: EPERM" EPERM oom_score_adj 0 0
check "a refused value changes nothing" "[ $(cat $D/mm/$A/oom_score_adj) = 0 ]"
expect_ok "oom_score_adj 1000" oom_score_adj $A 1000
check "+1000: oom_score above 1000" "[ $(score $A) -gt 1000 ] && [ $(score $A) -le 2000 ]"
expect_ok "oom_score_adj 0 again" oom_score_adj $A 0

# ---- A 7M, B 6M at -1000, then C: 5M more than memory and swap hold ----
expect_ok "mmap 7M in A" mmap $A 0x10000000 7M rw private,anon,fixed
expect_ok "fill 7M in A" fill $A 0x10000000 7M 1
expect_ok "mm_create B" mm_create
B=$(field mm)
expect_ok "B: oom_score_adj -1000" oom_score_adj $B -1000
check "B reads -1000" "[ $(cat $D/mm/$B/oom_score_adj) = -1000 ]"
expect_ok "mmap 6M in B" mmap $B 0x10000000 6M rw private,anon,fixed
expect_ok "fill 6M in B" fill $B 0x10000000 6M 2
check "B at -1000: oom_score 0" "[ $(score $B) = 0 ]"
check "A's oom_score is above an empty mm's" "[ $(score $A) -gt 666 ]"
expect_ok "mm_create C" mm_create
C=$(field mm)
expect_ok "mmap 5M in C" mmap $C 0x10000000 5M rw private,anon,fixed
k0=$(stat oom_kill)
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2> /dev/null
echo > $T/trace 2> /dev/null
echo 1 > $T/events/vmlab/vmlab_oom_kill/enable 2> /dev/null
dmesg_mark
expect_ok "fill 5M in C: served by the OOM killer" fill $C 0x10000000 5M 3
check "one OOM kill (vmstat oom_kill)" "[ $(( $(stat oom_kill) - k0 )) = 1 ]"
check "dmesg: 6.1's line for A, the biggest killable" \
	"dmesg_new | grep -q 'Out of memory: Killed process $A (mm$A) total-vm:7168kB, anon-rss:[0-9]*kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:[0-9]*kB oom_score_adj:0'"
check "dmesg: the reaper reaped A" \
	"dmesg_new | grep -q 'oom_reaper: reaped process $A (mm$A), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB'"
dmesg_new | grep -E 'Out of memory|oom_reaper' | sed 's/^/# /'
check "tracepoint: vmlab_oom_kill of A with its figures" \
	"grep -q 'vmlab_oom_kill: mm=$A badness=[0-9]* totalpages=[0-9]* rss=[0-9]* swapents=[0-9]*' $T/trace"
echo 0 > $T/events/vmlab/vmlab_oom_kill/enable 2> /dev/null
check "A: nothing resident, nothing swapped" \
	"[ $(status $A VmRSS) = 0 ] && [ $(status $A VmSwap) = 0 ] && [ $(status $A VmPTE) = 0 ]"
check "A's oom_score reads 0" "[ $(score $A) = 0 ]"
expect_err "a command on the killed mm: ESRCH" ESRCH verify $A 0x10000000 4K 1
check "the reply says it was killed" "echo '$REPLY' | grep -q 'killed by the OOM killer'"
expect_err "oom_score_adj of the killed mm: ESRCH" ESRCH oom_score_adj $A 0
vmlab_check "after the OOM kill"
expect_ok "B (-1000) intact" verify $B 0x10000000 6M 2
expect_ok "C intact" verify $C 0x10000000 5M 3

# ---- the oom command (sysrq-f) ----
expect_ok "oom: kills C, the only killable mm" oom
check "killed=C" "[ $(field killed) = $C ]"
check "two OOM kills" "[ $(( $(stat oom_kill) - k0 )) = 2 ]"
expect_err "oom with only B (-1000) left: ESRCH" ESRCH oom
vmlab_check "after oom"

# ---- only -1000 left: an allocation that runs out fails with ENOMEM ----
expect_ok "mmap 12M more in B" mmap $B 0x20000000 12M rw private,anon,fixed
expect_err "fill 12M more in B: ENOMEM, nothing killable" ENOMEM fill $B 0x20000000 12M 4
check "no kill" "[ $(( $(stat oom_kill) - k0 )) = 2 ]"
check "dmesg: no killable processes" "dmesg_new | grep -q 'Out of memory and no killable processes'"
expect_ok "munmap the 12M" munmap $B 0x20000000 12M
expect_ok "B still intact" verify $B 0x10000000 6M 2
vmlab_check "after ENOMEM"

# ---- every mm gone, the dead ones too: every slot free ----
for m in $A $B $C; do
	expect_ok "mm_destroy $m" mm_destroy $m
done
check "Used 0 in the swap area" "[ $(used ram:1M) = 0 ]"
check "nothing in the swap cache" "[ $(stat nr_swapcached) = 0 ]"
vmlab_check "every mm gone"
expect_ok "swapoff ram:1M" swapoff ram:1M
dmesg_clean "no kernel report"
unload_all_free
done_testing
