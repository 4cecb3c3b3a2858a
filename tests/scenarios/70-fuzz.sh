#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The grammar fuzzer (tools/fuzz/vmlabfuzz): commands generated from ctl
# `help` and mutated, from four processes at once against shared mms while
# a fifth reads every debugfs file, and quick workers beside them sending
# lines a parser should refuse. Each batch must leave `check` (when
# there), the arena census and the kernel log clean; unload afterwards must
# find every frame free (the harness scans it). It stops after 110 s or
# 250,000 commands of the full mix: vmltest.fuzz_time=S, vmltest.fuzz=N
# (0: no limit), vmltest.fuzz_seed=S (else the clock's). check.sh's
# summary adds up the commands sent (a million over make check's four
# fuzz guests is the aim on an idle CI machine; testing.rst has the rates).
. ./lib.sh

N=${VMLAB_FUZZ_COMMANDS:-250000}
T=${VMLAB_FUZZ_SECONDS:-110}
Q=${VMLAB_FUZZ_QUICK:-4}
SEED=${VMLAB_FUZZ_SEED:-$(date +%s)}
dmesg_mark

if ! command -v vmlabfuzz > /dev/null; then
	not_ok "vmlabfuzz is in the guest (make tools)"
	done_testing
fi
# Bad input makes vmlab print refusals: keep them in the log but off the
# slow serial console (an oops still reaches it: oops_begin() is verbose).
level=$(cut -f1 /proc/sys/kernel/printk)
echo 4 > /proc/sys/kernel/printk
# Where a command's time goes on this guest (microseconds each).
vmlabfuzz --cost 300 > /tmp/fuzz-cost.out 2>&1
diag "$(cat /tmp/fuzz-cost.out)"
check "ctl takes the next command on one open file (pwrite at 0, debugfs.rst)" \
	"grep -q 'kept file.*(ok version=' /tmp/fuzz-cost.out && ! grep -q 'one command per open' /tmp/fuzz-cost.out"
vmlabfuzz -s "$SEED" -n "$N" -t "$T" -j 4 -q "$Q" > /tmp/fuzz.out 2>&1
rc=$?
echo "$level" > /proc/sys/kernel/printk
diag "$(cat /tmp/fuzz.out)"
check "fuzzer (seed $SEED) found no failure" "[ $rc = 0 ]"
ran=$(sed -n 's/^vmlabfuzz: \([0-9]*\) commands .*/\1/p' /tmp/fuzz.out)
check "fuzzer sent commands (at least 1000 or its time ran out)" "[ '${ran:-0}' -ge 1000 ]"
check "every command of the grammar was fuzzed" \
	"grep -q ' \([0-9]*\) of \1 grammar commands' /tmp/fuzz.out"
check "every mutation was used" "! grep '^vmlabfuzz: mutations:' /tmp/fuzz.out | grep -q '=0\( \|\$\)'"
# The workers track every mm a reply names; one found only by the final
# sweep was made by a line they misread (causes fixed: a fork whose space
# a mutation turned into a tab; a split write's first half, which runs) or
# by something not yet understood: still seen (1-3 a run, low recycled
# ids), so reported, not failed, until its cause is found. The sweep
# destroys them: each must be destroyable.
orphans=$(sed -n 's/^vmlabfuzz: \([0-9]*\) mm(s) were left.*/\1/p' /tmp/fuzz.out)
[ -n "$orphans" ] && diag "NOTE: $orphans mm(s) no worker knew of (see the left over lines)"
expect_ok "ctl answers after the fuzzing" version
left=$(ls $VMLAB_DBG/mm 2>/dev/null | grep -vx 0)
check "no mm left behind" "[ -z '$left' ]" ||
	for m in $left; do diag "mm $m: $(head -c 300 $VMLAB_DBG/mm/$m/status | tr '\n' ' ')"; done
dmesg_clean "no kernel report during the fuzzing"
done_testing
