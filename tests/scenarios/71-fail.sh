#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection (ctl fail): the Nth allocation at a site fails, and the
# operation above it must return ENOMEM cleanly -- maps as they were, data
# intact, no mm half made, every frame accounted for (the census) and
# nothing leaked at unload (the harness scans it). Sites: arena frames,
# slab objects (VMAs, mms), page-table pages; operations: faults, mmap
# populate, mprotect splits, mremap, fork; fork, mremap and mprotect are
# failed at each of their allocations in turn until they work.
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
dd if=/dev/zero bs=4096 count=4 2>/dev/null | tr '\000' 'f' > /tmp/fail-file
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

# ---- every allocation of fork, mm_create, mremap, mprotect, munmap, in turn ----
# fail_every NAME UNDO -- CMD...: at each site, fail CMD's Nth allocation
# for N = 1, 2, ... until CMD works. Each failure must be ENOMEM and leave
# the maps, the mm count, the data and every invariant (check) as they
# were; the run that works is undone with UNDO (an mm is destroyed when
# UNDO is "destroy") and must give back the maps it started from.
FAILS=0
fail_every() {
	name=$1 undo=$2
	shift 3
	cat $D/mm/$M/maps > /tmp/fe-maps0
	n0=$(nmms)
	bad=
	for site in frames slab pgtable; do
		nth=1
		while [ $nth -le 100 ]; do
			ctl fail $site $nth
			ctl "$@"
			st=$STATUS; rep=$REPLY; c=$(field mm)
			ctl fail $site off
			[ $st = 0 ] && break
			case "$rep" in
			"error ENOMEM "*) FAILS=$((FAILS + 1)) ;;
			*) bad="$bad $site/$nth:$rep"; break ;;
			esac
			cat $D/mm/$M/maps > /tmp/fe-maps1
			cmp -s /tmp/fe-maps0 /tmp/fe-maps1 || bad="$bad $site/$nth:maps-changed"
			[ "$(nmms)" = "$n0" ] || bad="$bad $site/$nth:mm-count"
			vmlabctl verify $M 0x10000000 64K 6 | grep -q ' mismatches=0' ||
				bad="$bad $site/$nth:data"
			vmlabctl check > /tmp/fe-check || bad="$bad $site/$nth:$(head -c 200 /tmp/fe-check)"
			nth=$((nth + 1))
		done
		[ $nth -gt 100 ] && bad="$bad $site:never-worked"
		diag "$name: $site failed at allocations 1-$((nth - 1)), worked at $nth"
		if [ "$undo" = destroy ]; then
			vmlabctl mm_destroy "$c" > /dev/null || bad="$bad $site:destroy"
		else
			# shellcheck disable=SC2086
			vmlabctl $undo > /dev/null || bad="$bad $site:undo"
		fi
		cat $D/mm/$M/maps > /tmp/fe-maps1
		cmp -s /tmp/fe-maps0 /tmp/fe-maps1 || bad="$bad $site:maps-after-undo"
	done
	check "$name: ENOMEM at every allocation until it works, nothing changed" "[ -z '$bad' ]" ||
		diag "$bad"
}
expect_ok "a shared file mapping for fork to copy" mmap $M 0x20000000 16K rw shared,fixed file=/tmp/fail-file
expect_ok "a PROT_NONE one" mmap $M 0x21000000 16K none private,anon,fixed
expect_ok "fill the file mapping" fill $M 0x20000000 16K 7
fail_every fork destroy -- fork $M
fail_every mm_create destroy -- mm_create
fail_every "mremap (move to new tables)" \
	"mremap $M 0x3e0000000000 64K 64K maymove fixed=0x10000000" -- \
	mremap $M 0x10000000 64K 64K maymove fixed=0x3e0000000000
fail_every "mremap (grow, moving)" \
	"mremap $M 0x3d0000000000 128K 64K maymove fixed=0x10000000" -- \
	mremap $M 0x10000000 64K 128K maymove fixed=0x3d0000000000
fail_every "mprotect (split in three)" "mprotect $M 0x10004000 4K rw" -- \
	mprotect $M 0x10004000 4K r
fail_every "mprotect (a whole table's range)" "mprotect $M 0x10000000 64K rw" -- \
	mprotect $M 0x10000000 64K r
expect_ok "64K for a hole" mmap $M 0x22000000 64K rw private,anon,fixed
fail_every "munmap (a hole in one VMA)" "mmap $M 0x22004000 4K rw private,anon,fixed" -- \
	munmap $M 0x22004000 4K
check "injected failures were survived" "[ $FAILS -gt 0 ]"
diag "$FAILS injected failures of fork, mm_create, mremap, mprotect and munmap survived"
expect_ok "file data intact" verify $M 0x20000000 16K 7
check "no mismatch in the file mapping" "[ '$(field mismatches)' = 0 ]"
check "the fail file lists every site" \
	"[ \$(grep -c '^\(frames\|slab\|pgtable\) *armed=0 calls=[0-9]* injected=[0-9]*\$' $D/fail) = 3 ]"
expect_ok "arm frames for the fail file" fail frames 5 times=2
check "the fail file shows it armed" "grep -q '^frames *armed=1 calls=0 injected=[0-9]* nth=5 left=2\$' $D/fail"
expect_ok "arm slab at random" fail slab random=7
check "and a random site" "grep -q '^slab *armed=1 .* random=7 left=' $D/fail"
expect_ok "disarm frames" fail frames off
expect_ok "disarm slab" fail slab off
check "the fail file: nothing armed" "! grep -q 'armed=1' $D/fail"
check "writing the fail file is refused" "! echo 1 2>/dev/null > $D/fail"

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
