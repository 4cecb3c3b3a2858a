#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Randomized differential test: for each seed, tools/difftest/randtest
# generates a random script (mmap, munmap, mprotect, mremap, mlock,
# munlock, madvise, msync, reads and writes that fault, fork and child
# steps over anonymous, shared anonymous and file memory) and runs it
# against this guest's kernel and against vmlab; the transcripts (result
# or errno, the window's VMAs and Vm* lines after every step, data read,
# fault kind and address, file pages after msync and at exit) must be
# identical. A diverging seed is reduced to a short script, printed for
# replay with "randtest kernel|vmlab FILE SCRIPT".
#
# Seeds: VMLAB_SEEDS (vmltest.seeds=, "1-50" or "3,7,9-12"); steps per
# seed: VMLAB_STEPS (vmltest.steps=). make check runs seeds 1-50 x 200 on
# the stock kernel's 5-level PTI guest (its cost: Documentation/testing.rst),
# seeds 1-2 x 300 on the others; make difftest runs 1-50 x 1000 by default.
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
# The full set runs once per make check, on Debian's kernel with 5-level
# paging and PTI; the other guests run a short smoke set.
FULL=
case "$(uname -r)" in
*-amd64) grep -qw la57 /proc/cpuinfo && grep -qw pti /proc/cpuinfo && FULL=1 ;;
esac
if [ -n "${VMLAB_SEEDS:-}" ]; then
	SEEDS=$VMLAB_SEEDS
	STEPS=${VMLAB_STEPS:-1000}
elif [ -n "$FULL" ]; then
	SEEDS=1-50
	STEPS=${VMLAB_STEPS:-200}
else
	SEEDS=1-2
	STEPS=${VMLAB_STEPS:-300}
fi
t0=$(date +%s)
seeds() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		seq "$a" "${b:-$a}"
	done
}

n=0
ops=0
bad=0
for s in $(seeds "$SEEDS"); do
	randtest gen "$s" "$STEPS" > /tmp/rt.script
	randtest kernel /tmp/rt-k.file /tmp/rt.script > /tmp/rt.kernel
	randtest vmlab /tmp/rt-v.file /tmp/rt.script > /tmp/rt.vmlab
	n=$((n + 1))
	ctl check
	case "$REPLY" in
	ok*) ;;
	*) bad=$((bad + 1)); diag "seed $s: check after the run: $REPLY" ;;
	esac
	ops=$((ops + $(grep -c -- ' -> ' /tmp/rt.kernel)))
	if ! cmp -s /tmp/rt.kernel /tmp/rt.vmlab; then
		bad=$((bad + 1))
		diag "seed $s diverges; reducing"
		randtest reduce /tmp/rt.script /tmp/rt.min 2>&1 | sed 's/^/# /'
		diag "reduced script (seed $s):"
		sed 's/^/#   /' /tmp/rt.min
		randtest kernel /tmp/rt-k.file /tmp/rt.min > /tmp/rt.k
		randtest vmlab /tmp/rt-v.file /tmp/rt.min > /tmp/rt.v
		diff /tmp/rt.k /tmp/rt.v | head -n 20 | sed 's/^/#   /'
		[ $bad -ge 5 ] && break
	fi
done
diag "randtest: $n seeds, $ops steps, $bad diverging, $(($(date +%s) - t0)) s"
check "every seed ran its steps" "[ $n -gt 0 ] && [ $ops -ge $((n * STEPS)) ]"
check "no seed diverges from the kernel" "[ $bad -eq 0 ]"
dmesg_clean "no kernel warnings"
done_testing
