#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# SMP stress (tools/stress/vmlabstress): four processes drive mixed mmap,
# fill/verify, munmap, mprotect (splits and merges), mremap, fork + COW,
# touch, slab, kmalloc and buddy traffic on three shared mms, for a bounded
# number of operations (vmltest.stress_ops=N per process, default 1500).
# Every command must work, every verify match; at the end every page
# written is verified, ctl check must pass and unloading must find every
# frame free (the harness scans it). Then rmmod is tried while a second
# run is busy: each try must be refused while ctl is open, and an unload
# that gets in between two commands must leave the kernel log clean.
# The second phase is the same traffic with reclaim and swap under it: an
# 8 MiB arena, a ram: swap area and 24 MiB of slots of 256K (whole-slot
# fills and verifies, madvise pageout and cold, the reclaim command), so
# kswapd, direct reclaim, swap-out and swap-in race fork, munmap, mremap
# and mprotect on every CPU (vmltest.stress_swap_ops=N per process,
# default 400); every page written is verified, check passes, every slot
# is free once the mms are gone and every frame at unload.
# make check runs it on one guest at -smp 4 (check.sh), check-full on all.
. ./lib.sh

OPS=${VMLAB_STRESS_OPS:-1500}
SWOPS=${VMLAB_STRESS_SWAP_OPS:-400}
SEED=${VMLAB_FUZZ_SEED:-$(date +%s)}
dmesg_mark

if ! command -v vmlabstress > /dev/null; then
	not_ok "vmlabstress is in the guest (make tools)"
	done_testing
fi
diag "$(grep -c ^processor /proc/cpuinfo) CPUs"
level=$(cut -f1 /proc/sys/kernel/printk)
echo 4 > /proc/sys/kernel/printk
vmlabstress -j 4 -n "$OPS" -m 3 -s "$SEED" > /tmp/stress.out 2>&1
rc=$?
diag "$(cat /tmp/stress.out)"
check "stress (seed $SEED) clean: every command worked, every verify matched" "[ $rc = 0 ]"
ops=$(sed -n 's/^vmlabstress: \([0-9]*\) ops .*/\1/p' /tmp/stress.out)
pages=$(sed -n 's/.* ops in [0-9]*s, \([0-9]*\) pages verified.*/\1/p' /tmp/stress.out)
check "every operation ran" "[ '${ops:-0}' = $((OPS * 4)) ]"
check "pages were written and verified" "[ '${pages:-0}' -gt 0 ]"
check "zero bytes lost" "grep -q ' 0 mismatches, 0 errors' /tmp/stress.out"
check "no mm left behind" "[ -z \"\$(ls $VMLAB_DBG/mm | grep -vx 0)\" ]"
vmlab_check "after the stress"

# ---- the same traffic with reclaim and swap under it ----
D=$VMLAB_DBG
stat() { sed -n "s/^$1 //p" $D/vmstat; }
used() { awk -v n="$1" '$1 == n { print $4 }' $D/swaps; }
vmlab_unload
check "an 8 MiB arena loads" "vmlab_load arena_mb=8"
expect_ok "swapon ram:64M" swapon ram:64M
vmlabstress -j 4 -n "$SWOPS" -m 3 -s "$SEED" -w 64 > /tmp/stress-swap.out 2>&1
rc=$?
diag "$(cat /tmp/stress-swap.out)"
check "stress with swap (seed $SEED) clean: every command worked, every verify matched" \
	"[ $rc = 0 ]"
ops=$(sed -n 's/^vmlabstress: \([0-9]*\) ops .*/\1/p' /tmp/stress-swap.out)
pages=$(sed -n 's/.* ops in [0-9]*s, \([0-9]*\) pages verified.*/\1/p' /tmp/stress-swap.out)
vm() { sed -n "s/^vmlabstress: vmstat:.* $1=\([0-9-]*\).*/\1/p" /tmp/stress-swap.out; }
check "every operation ran" "[ '${ops:-0}' = $((SWOPS * 4)) ]"
check "over 2048 pages verified (half the arena)" "[ '${pages:-0}' -gt 2048 ]"
check "zero bytes lost" "grep -q ' 0 mismatches, 0 errors' /tmp/stress-swap.out"
check "pages were swapped out (pswpout)" "[ '$(vm pswpout)' -gt 0 ]"
check "and read back (pswpin)" "[ '$(vm pswpin)' -gt 0 ]"
check "reclaim stole pages (kswapd or direct)" \
	"[ $(( $(vm pgsteal_kswapd) + $(vm pgsteal_direct) )) -gt 0 ]"
check "allocations ran short: kswapd woke or an allocation stalled" \
	"[ $(( $(vm kswapd_wakeup) + $(vm allocstall) )) -gt 0 ]"
check "no mm left behind" "[ -z \"\$(ls $D/mm | grep -vx 0)\" ]"
check "every swap slot is free again" "[ '$(used ram:64M)' = 0 ]"
check "nothing left in the swap cache" "[ '$(stat nr_swapcached)' = 0 ]"
vmlab_check "after the stress with swap"
expect_ok "swapoff ram:64M" swapoff ram:64M
dmesg_clean "no kernel report during the stress with swap"
unload_all_free

# ---- unload while it runs: refused, or safe between two commands ----
exec 3<> $VMLAB_CTL
out=$(rmmod vmlab 2>&1)
st=$?
exec 3>&-
busy_refusal() { [ $st != 0 ] && vmlab_loaded && echo "$out" | grep -q 'busy\|unavailable'; }
check "rmmod while ctl is open: refused as busy" busy_refusal || diag "rmmod said: $out"
vmlabstress -j 4 -n 400 -m 2 -s "$SEED" > /tmp/stress2.out 2>&1 &
pid=$!
i=0
while ! grep -q '^vmlabstress: seed=' /tmp/stress2.out && [ $i -lt 300 ]; do
	usleep 100000 2> /dev/null || sleep 1
	i=$((i + 1))
done
refused=0 unloaded=0 other=
while kill -0 $pid 2> /dev/null; do
	if out=$(rmmod vmlab 2>&1); then
		unloaded=1
		break
	fi
	case "$out" in
	*busy* | *unavailable*) refused=$((refused + 1)) ;;
	*) other="$out" ;;
	esac
	usleep 20000 2> /dev/null || sleep 1
done
wait $pid
rc=$?
echo "$level" > /proc/sys/kernel/printk
diag "rmmod refused $refused times, unloaded mid-run: $unloaded"
diag "$(cat /tmp/stress2.out)"
check "rmmod while busy: refused (EBUSY) or done between commands" [ -z "$other" ] ||
	diag "rmmod said: $other"
# kill -0 also succeeds on the zombie of a stress that has finished: an
# rmmod that works then came after its last command (CI saw it once on
# test-4lvl-ptioff), and the stress must have ended clean.
if [ $unloaded = 1 ]; then
	check "the stress saw ctl go away (or had ended clean), nothing else" \
		"[ $rc = 3 ] || { [ $rc = 0 ] && grep -q ' 0 mismatches, 0 errors' /tmp/stress2.out; }"
	dmesg_clean "an unload with live mms under stress leaves the log clean"
	check "the module loads again" vmlab_load
else
	check "every rmmod was refused and the stress ran clean" "[ $rc = 0 ] && [ $refused -gt 0 ]"
fi
echo "$level" > /proc/sys/kernel/printk
dmesg_clean "no kernel report during the stress"
done_testing
