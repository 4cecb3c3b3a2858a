#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Page tables and the CR3 window on the running kernel (PTI on or off,
# 4- or 5-level): mmu_selftest drives a private tree through the real MMU.
. ./lib.sh

D=$VMLAB_DBG
stat() { sed -n "s/^$1 //p" "$D/mmu" | cut -d' ' -f1; }

dmesg_mark

check "mmu file exists" '[ -r "$D/mmu" ]'
diag "$(cat "$D/mmu")"
lv=$(stat paging_levels)
if grep -qw la57 /proc/cpuinfo && ! grep -qw no5lvl /proc/cmdline; then want=5; else want=4; fi
check "paging_levels matches the running kernel ($want)" '[ "$lv" = "$want" ]'
if [ "$want" = 5 ]; then end=0xfffffffffff000; else end=0x7ffffffff000; fi
check "user_va_end is TASK_SIZE_MAX" '[ "$(stat user_va_end)" = "$end" ]'
pti=0; grep -qw pti /proc/cpuinfo && pti=1
check "pti flag matches /proc/cpuinfo" '[ "$(stat pti)" = "$pti" ]'
w0=$(stat windows)
# Tables that exist before the self-test (the vmalloc kernel mm's).
t0=$(stat pgtable_pages)

expect_ok "mmu_selftest passes" mmu_selftest
diag "$REPLY"
check "selftest reports the paging mode" '[ "$(field levels)" = "$lv" ]'
check "selftest saw exactly the 3 expected faults" '[ "$(field faults)" = 3 ]'
check "selftest ran the default 1000 load windows" '[ "$(field windows)" -ge 1000 ]'
ncpu=$(grep -c ^processor /proc/cpuinfo)
if [ "$ncpu" -ge 2 ]; then
	check "another CPU ran windows during the shootdown race" '[ "$(field racer_windows)" -gt 0 ]'
	check "unmapping under the racer sent shootdowns" '[ "$(field shootdowns)" -gt 0 ]'
else
	skip "shootdown race" "one CPU"
	skip "shootdowns reported" "one CPU"
fi

expect_ok "mmu_selftest 20000 (load)" mmu_selftest 20000
check "20000 load windows ran" '[ "$(field windows)" -ge 20000 ]'
expect_ok "mmu_selftest 0" mmu_selftest 0
check "0 load windows, still the 3 faults" '[ "$(field windows)" -lt 1000 ] && [ "$(field faults)" = 3 ]'
expect_ok "mmu_selftest 0x10 (hex)" mmu_selftest 0x10
check "0x10 read as 16 load windows" '[ "$(field windows)" -ge 16 ] && [ "$(field windows)" -lt 1000 ]'

# Two CPUs in windows at once, each on its own tree.
vmlabctl mmu_selftest 20000 > /tmp/st1 2>&1 &
p1=$!
vmlabctl mmu_selftest 20000 > /tmp/st2 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "two concurrent selftests pass" '[ $r1 = 0 ] && [ $r2 = 0 ]'
check "each saw its 3 faults and 20000 windows" \
	'(for f in /tmp/st1 /tmp/st2; do [ "$(field faults "$(cat $f)")" = 3 ] && [ "$(field windows "$(cat $f)")" -ge 20000 ] || exit 1; done)'
diag "$(cat /tmp/st1 /tmp/st2)"

pages=$(stat pgtable_pages)
expect_err "non-number iterations" EINVAL mmu_selftest x
expect_err "negative iterations" EINVAL mmu_selftest -1
expect_err "iterations above 1000000" ERANGE mmu_selftest 1000001
expect_err "64-bit overflow" EINVAL mmu_selftest 99999999999999999999999
expect_err "extra argument" EINVAL mmu_selftest 1 2
check "bad input allocated no tables" '[ "$(stat pgtable_pages)" = "$pages" ]'

check "the self-tests left no page-table pages in use" '[ "$(stat pgtable_pages)" = "$t0" ]'
check "quicklist within its high watermark" \
	'[ "$(stat quicklist)" -le "$(sed -n "s/^quicklist .* high //p" "$D/mmu")" ]'
check "windows were counted" '[ "$(stat windows)" -gt "$((w0 + 40000))" ]'
check "no window refused" '[ "$(stat window_refused)" = 0 ]'
check "vmstat has the TLB shootdown counters" \
	'grep -q "^nr_tlb_remote_flush " "$D/vmstat" && grep -q "^nr_tlb_remote_flush_received " "$D/vmstat"'
expect_ok "ctl still answers" version
check "version names the paging mode" '[ "$(field paging)" = "$lv-level" ]'

dmesg_clean "no kernel warnings"
done_testing
