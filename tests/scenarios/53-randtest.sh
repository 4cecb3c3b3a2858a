#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Randomized differential test: for each seed, tools/difftest/randtest
# generates a random script (mmap, munmap, mprotect, mremap with
# MREMAP_DONTUNMAP, mlock, munlock, madvise, msync, brk, reads and writes
# that fault, fork of up to three children, children of children, and
# their steps, over anonymous, shared anonymous, file and heap memory) and runs it against this guest's kernel and against
# vmlab; the transcripts (result or errno, the VMAs of the window and the
# heap, the Vm*/Rss* figures, data read, fault kind and address, file
# pages after msync and at exit) must be identical, and ctl check must
# pass after every seed. A diverging seed is reduced to a short script,
# printed for replay with "randtest kernel|vmlab FILE SCRIPT".
#
# make check spreads its seeds over the 6.1 guests it boots, distinct
# seeds on each (the table below; Documentation/testing.rst has the cost);
# VMLAB_SEEDS (vmltest.seeds=, "1-50" or "3,7,9-12") and VMLAB_STEPS
# (vmltest.steps=) override it, as make difftest does.
. ./lib.sh

dmesg_mark
if ! command -v randtest > /dev/null; then
	skip "randtest" "tools/difftest/randtest not built"
	done_testing
fi

# vmlab mirrors Linux 6.1: another kernel's own behaviour (6.12 merges
# and places VMAs differently) is no reference for it.
case "$(uname -r)" in
6.1.*) ;;
*)	skip "randtest" "reference semantics are Linux 6.1's, not $(uname -r)'s"
	done_testing ;;
esac

# Seeds x steps per guest (vmltest.guest=, from check.sh): 52 seeds of
# 1000 steps on the stock kernel's four guests (the kernel users run; fewer
# where the fuzzer and the reclaim scenario also run), distinct on each
# guest, and a few more on the test kernels (lockdep) and the debug kernel
# (KASAN, kmemleak: several times slower); other guests (check-full's
# extra legs) run a short smoke set.
case "${VMLAB_GUEST%-smp*}" in
stock-5lvl-ption)	SEEDS=1-10 ;;
stock-5lvl-ptioff)	SEEDS=11-25 ;;
stock-4lvl-ption)	SEEDS=26-40 ;;
stock-4lvl-ptioff)	SEEDS=41-52 ;;
test-5lvl-ption)	SEEDS=53-55 ;;
test-4lvl-ptioff)	SEEDS=56-58 ;;
debug-5lvl-ption)	SEEDS=59 ;;
*)			SEEDS=1-2 STEPS=300 ;;
esac
STEPS=${STEPS:-1000}
if [ -n "${VMLAB_SEEDS:-}" ]; then
	SEEDS=$VMLAB_SEEDS
	STEPS=${VMLAB_STEPS:-1000}
fi
STEPS=${VMLAB_STEPS:-$STEPS}

# The kernel's file on ramfs: its pages count as RssFile as vmlab's file
# pages do (tmpfs pages are shmem to Linux: RssShmem).
mkdir -p /tmp/rt-ramfs
grep -q ' /tmp/rt-ramfs ' /proc/mounts || mount -t ramfs ramfs /tmp/rt-ramfs
# Reduced scripts of past divergences, replayed on both sides. Seed 237:
# the kernel's side hashed a stale earlier step's file VMA after a child's
# msync (a child's transcript piece was not terminated).
printf '%s\n' 'fork' 'P mmap 0x15000 0x5000 rw shared,anon,fixed' 'fork' \
	'C1 mprotect 0xc000 0x2000 rwx' 'P mmap 0x16000 0x1000 r shared,fixed file@0x1000' \
	'C1 msync 0x15000 0x3000' > /tmp/rt-237.min
randtest kernel /tmp/rt-ramfs/k.file /tmp/rt-237.min > /tmp/rt-237.k
randtest vmlab /tmp/rt-v.file /tmp/rt-237.min > /tmp/rt-237.v
check "seed 237 reduced: a child's msync hashes only its own file pages" \
	"[ -s /tmp/rt-237.k ] && cmp -s /tmp/rt-237.k /tmp/rt-237.v"
t0=$(date +%s)
randtest run /tmp/rt-ramfs/k.file /tmp/rt-v.file "$SEEDS" "$STEPS" > /tmp/rt.out
rc=$?
t1=$(date +%s)
sed 's/^/# /' /tmp/rt.out
n=0
for scr in $(sed -n 's/.*DIVERGES (script \(.*\))$/\1/p' /tmp/rt.out); do
	n=$((n + 1))
	[ $n -gt 2 ] && break
	diag "reducing $scr"
	randtest reduce "$scr" /tmp/rt.min /tmp/rt-ramfs/k.file /tmp/rt-v.file 2>&1 | sed 's/^/# /'
	diag "reduced script:"
	sed 's/^/#   /' /tmp/rt.min
	randtest kernel /tmp/rt-ramfs/k.file /tmp/rt.min > /tmp/rt.k
	randtest vmlab /tmp/rt-v.file /tmp/rt.min > /tmp/rt.v
	diff /tmp/rt.k /tmp/rt.v | head -n 20 | sed 's/^/#   /'
done
total=$(sed -n 's/^randtest: \([0-9]*\) seeds, \([0-9]*\) operations.*/\1 \2/p' /tmp/rt.out)
set -- $total
diag "randtest on $(uname -r) ${VMLAB_GUEST:-}: seeds $SEEDS x $STEPS:" \
	"${1:-0} seeds, ${2:-0} operations compared in $((t1 - t0)) s"
echo "@@VMLAB randtest seeds=${1:-0} ops=${2:-0}"
check "every seed ran its steps" "[ ${1:-0} -gt 0 ] && [ ${2:-0} -ge $((${1:-0} * STEPS)) ]"
check "no seed diverges from the kernel, checker ok after each" "[ $rc -eq 0 ]"
umount /tmp/rt-ramfs 2>/dev/null
dmesg_clean "no kernel warnings"
done_testing
