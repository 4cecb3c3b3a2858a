#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection (ctl fail): the Nth allocation at a site fails, and the
# operation above it must return ENOMEM cleanly -- maps as they were, data
# intact, no mm half made, every frame accounted for (the census) and
# nothing leaked at unload (the harness scans it). Sites: arena frames,
# slab objects (VMAs, mms), page-table pages; operations: faults, mmap
# populate, mprotect splits, mremap, fork.
. ./lib.sh

D=$VMLAB_DBG
dmesg_mark
consistent() { grep -q 'census .* consistent' $D/arena; }
nmms() { ls $D/mm | wc -l; }

# ---- bad input changes nothing ----
expect_err "fail: missing arguments" EINVAL fail frames
expect_err "fail: unknown site" EINVAL fail bogus 1
expect_err "fail: nth 0" EINVAL fail frames 0
expect_err "fail: nth not a number" EINVAL fail frames abc
expect_err "fail: negative nth" EINVAL fail frames -1
expect_err "fail: random=0" EINVAL fail slab random=0
expect_err "fail: random above 100" ERANGE fail slab random=101
expect_err "fail: bad times" EINVAL fail pgtable 1 times=x
expect_err "fail: unknown option" EINVAL fail pgtable 1 every=2
expect_err "fail: off takes no times" EINVAL fail frames off times=2
expect_err "fail: too many arguments" EINVAL fail frames 1 times=1 x
expect_ok "nothing armed after bad input" fail frames off
check "frames not armed, nothing injected" "[ '$(field armed)' = 0 ] && [ '$(field injected)' = 0 ]"
expect_ok "mm_create works" mm_create
M=$(field mm)
expect_ok "an allocation works" alloc_pages 0
expect_ok "and is given back" free_pages $(field pfn) 0

# Faults outside the CR3 window only: a fix-up inside it allocates
# atomically and retries outside on failure, which would take a second
# injected failure to reach ENOMEM.
FIX=/sys/module/vmlab/parameters/window_fixup
echo 0 > $FIX
# ---- frames: a write fault whose frame cannot be had ----
expect_ok "mmap 64K" mmap $M 0x10000000 64K rw private,anon,fixed
expect_ok "tables and the first page" touch $M 0x10000000 4K w
expect_ok "arm: the 3rd frame from now fails" fail frames 3
check "armed" "[ '$(field armed)' = 1 ]"
expect_err "fill 64K: ENOMEM at the third page" ENOMEM fill $M 0x10000000 64K 5
expect_ok "disarm" fail frames off
check "one failure injected" "[ '$(field injected)' = 1 ]"
expect_ok "the pages before it hold the pattern" verify $M 0x10000000 12K 5
check "no mismatch in the first 12K" "[ '$(field mismatches)' = 0 ]"
expect_ok "fill again without failures" fill $M 0x10000000 64K 6
expect_ok "verify" verify $M 0x10000000 64K 6
check "whole 64K intact" "[ '$(field mismatches)' = 0 ]"
check "RSS is the 64K" "grep -q '^VmRSS:[[:space:]]*64 kB' $D/mm/$M/status"

# ---- page tables: a fault that needs a new table ----
expect_ok "mmap far away (new tables)" mmap $M 0x7f0000000000 16K rw private,anon,fixed
expect_ok "arm: the next table fails" fail pgtable 1
expect_err "touch: ENOMEM, no table" ENOMEM touch $M 0x7f0000000000 4K w
expect_ok "disarm" fail pgtable off
check "one table failure injected" "[ '$(field injected)' = 1 ]"
expect_ok "touch again works" touch $M 0x7f0000000000 16K w
check "four faults" "[ '$(field minflt)' = 4 ]"

# ---- slab: an mprotect split needs a new VMA ----
cat $D/mm/$M/maps > /tmp/fail-maps0
expect_ok "arm: the next slab object fails" fail slab 1
expect_err "mprotect split: ENOMEM" ENOMEM mprotect $M 0x10004000 4K r
expect_ok "disarm" fail slab off
cat $D/mm/$M/maps > /tmp/fail-maps1
same_files "a failed split leaves the VMAs as they were" /tmp/fail-maps0 /tmp/fail-maps1
expect_ok "the split works now" mprotect $M 0x10004000 4K r
check "three VMAs in the 64K" "[ $(grep -c '^1000[0-f]000-' $D/mm/$M/maps) = 3 ]"
expect_ok "merge back" mprotect $M 0x10004000 4K rw

# ---- page tables: mremap moving the pages ----
cat $D/mm/$M/maps > /tmp/fail-maps0
expect_ok "arm: tables fail" fail pgtable 1 times=8
ctl mremap $M 0x10000000 64K 64K maymove fixed=0x3f0000000000
st=$STATUS; rep=$REPLY
expect_ok "disarm" fail pgtable off
check "mremap to fresh tables: ENOMEM" "[ $st != 0 ] && echo '$rep' | grep -q '^error ENOMEM'"
cat $D/mm/$M/maps > /tmp/fail-maps1
same_files "a failed mremap leaves the VMAs as they were" /tmp/fail-maps0 /tmp/fail-maps1
expect_ok "data still at the old address" verify $M 0x10000000 64K 6
check "intact after the failed move" "[ '$(field mismatches)' = 0 ]"

# ---- fork failing at each of its first allocations ----
n0=$(nmms)
bad=
for site in slab pgtable frames; do
	for nth in 1 2 3 4 5 6; do
		ctl fail $site $nth
		ctl fork $M
		st=$STATUS; rep=$REPLY; c=$(field mm)
		ctl fail $site off
		if [ $st = 0 ]; then
			vmlabctl mm_destroy "$c" > /dev/null || bad="$bad $site/$nth:destroy"
		else
			case "$rep" in "error ENOMEM "*) ;; *) bad="$bad $site/$nth:$rep" ;; esac
		fi
		[ "$(nmms)" = "$n0" ] || bad="$bad $site/$nth:mm-left"
	done
done
check "fork fails with ENOMEM or works, and leaves no mm behind" "[ -z '$bad' ]" || diag "$bad"
expect_ok "parent intact after the failed forks" verify $M 0x10000000 64K 6
check "no mismatch" "[ '$(field mismatches)' = 0 ]"

echo 1 > $FIX

# ---- random failures: every operation fails cleanly or works ----
expect_ok "arm 20% of slab objects" fail slab random=20
i=0
while [ $i -lt 30 ]; do
	vmlabctl mmap $M $((0x20000000 + i * 0x10000)) 8K rw private,anon,fixed > /dev/null 2>&1
	vmlabctl mprotect $M $((0x20000000 + i * 0x10000)) 4K r > /dev/null 2>&1
	i=$((i + 1))
done
expect_ok "disarm" fail slab off
check "some of them failed" "[ '$(field injected)' -gt 0 ]"
check "census consistent under failures" consistent

expect_ok "mm_destroy" mm_destroy $M
# Slab caches and the page-table quicklist keep some frames: the frames
# come back at unload, which the harness checks ("still allocated").
check "census consistent after the failures" consistent
dmesg_clean "no kernel report"
done_testing
