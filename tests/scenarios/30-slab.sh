#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The slab allocator through ctl and debugfs: slabinfo, caches, objects,
# shrink, destroy, constructors, debugging, kmalloc, reap, unload.
. ./lib.sh

# One CPU for the whole scenario: per-CPU arrays make "the next object"
# depend on the CPU, and the poison check needs the freed object back.
taskset -p 1 $$ >/dev/null 2>&1

dmesg_mark
SI=$VMLAB_DBG/slabinfo

# ---- slabinfo format ----
check "slabinfo has the version 2.1 header" \
	'[ "$(head -n 1 $SI)" = "slabinfo - version: 2.1" ]'
check "slabinfo has the column line" \
	'sed -n 2p $SI | grep -q "^# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>$"'
bad=$(tail -n +3 $SI | awk '!(NF == 16 && $7 == ":" && $8 == "tunables" && $12 == ":" && $13 == "slabdata") { print }')
check "every slabinfo line has the 2.1 fields" '[ -z "$bad" ]'
for n in 32 64 96 128 192 256 512 1024 2048 4096 8192 16384 32768 65536 131072; do
	grep -q "^kmalloc-$n " $SI || missing="$missing $n"
done
check "size caches kmalloc-32 .. kmalloc-131072 with 96 and 192" '[ -z "$missing" ]'
check "kmalloc-4096 has objsize 4096" \
	'[ "$(awk "\$1 == \"kmalloc-4096\" { print \$4 }" $SI)" = 4096 ]'
check "the cache of caches is listed" 'grep -q "^kmem_cache " $SI'
lines=$(wc -l < $SI)

# ---- cache_create: bad input changes nothing ----
expect_err "cache_create without size" EINVAL cache_create sc1
expect_err "cache_create size 0" EINVAL cache_create sc1 0
expect_err "cache_create size not a number" EINVAL cache_create sc1 abc
expect_err "cache_create align not a power of two" EINVAL cache_create sc1 64 align=24
expect_err "cache_create unknown flag" EINVAL cache_create sc1 64 flags=bogus
expect_err "cache_create unknown option" EINVAL cache_create sc1 64 colour=3
expect_err "cache_create poison with ctor" EINVAL cache_create sc1 64 flags=poison,ctor
expect_err "cache_create name too long" EINVAL cache_create \
	abcdefghijabcdefghijabcdefghijabcdefghij 64
expect_err "cache_create existing name" EEXIST cache_create kmalloc-64 64
ctl cache_create sc1 64M
check "cache_create oversized object fails" '[ "$STATUS" != 0 ]'
check "bad creates left slabinfo as it was" '[ "$(wc -l < $SI)" = "$lines" ]'

# ---- create, alloc, free ----
expect_ok "cache_create sc1 100" cache_create sc1 100
check "sc1 has objects per slab" '[ "$(field objperslab)" -gt 1 ]'
check "sc1 appears in slabinfo with objsize 104" \
	'[ "$(awk "\$1 == \"sc1\" { print \$4 }" $SI)" = 104 ]'
check "slab/sc1/info exists" 'grep -q "^object_size 100$" $VMLAB_DBG/slab/sc1/info'
expect_ok "cache_alloc sc1" cache_alloc sc1
A=$(field addr)
check "cache_alloc gives an address" '[ -n "$A" ]'
expect_ok "cache_info sc1" cache_info sc1
check "one object held by the caller" '[ "$(field user_objs)" = 1 ]'
expect_err "cache_alloc unknown cache" ENOENT cache_alloc nosuch
expect_ok "cache_free sc1 A" cache_free sc1 "$A"
expect_err "double free refused" EINVAL cache_free sc1 "$A"
check "the message says double free" 'echo "$REPLY" | grep -q "double free"'
expect_err "free of a foreign address" EINVAL cache_free sc1 0x1234
expect_err "free with a malformed address" EINVAL cache_free sc1 12zz
expect_ok "cache_info sc1" cache_info sc1
check "bad frees counted in the cache" '[ "$(field bad_free)" = 2 ]'
check "no object held after the bad frees" '[ "$(field user_objs)" = 0 ]'
check "double free reported with the cache name" \
	'dmesg_new | grep -q "slab sc1: bad free: double free"'

expect_ok "cache_create sc2 100" cache_create sc2 100
expect_ok "cache_alloc sc2" cache_alloc sc2
B=$(field addr)
expect_err "free through the wrong cache refused" EINVAL cache_free sc1 "$B"
check "the message names the other cache" 'echo "$REPLY" | grep -q "another cache"'
expect_ok "cache_info sc2" cache_info sc2
check "the object is still live in sc2" '[ "$(field user_objs)" = 1 ]'
expect_ok "cache_free sc2 B" cache_free sc2 "$B"
ctl cache_info sc2
check "sc2's object is free again" '[ "$(field user_objs)" = 0 ]'

# ---- shrink gives back exactly the free slabs ----
i=0
while [ $i -lt 200 ]; do
	vmlabctl cache_alloc sc1 | sed -n 's/.*addr=//p'
	i=$((i + 1))
done > /tmp/sc1.addrs
check "200 objects allocated" '[ "$(grep -c . /tmp/sc1.addrs)" = 200 ]'
for a in $(cat /tmp/sc1.addrs); do vmlabctl cache_free sc1 "$a" >/dev/null || echo x; done > /tmp/sc1.fails
check "200 objects freed" '[ ! -s /tmp/sc1.fails ]'
expect_ok "cache_info sc1" cache_info sc1
slabs=$(field num_slabs)
order=$(field order)
check "sc1 kept its slabs (now free or parked)" '[ "$slabs" -ge 1 ]'
free0=$(grep ^nr_free_pages $VMLAB_DBG/vmstat | cut -d" " -f2)
expect_ok "cache_shrink sc1" cache_shrink sc1
check "shrink freed every slab's pages" \
	'[ "$(field freed_pages)" = $((slabs << order)) ]'
expect_ok "cache_info sc1" cache_info sc1
check "sc1 has no slabs left" '[ "$(field num_slabs)" = 0 ]'
expect_ok "second shrink" cache_shrink sc1
check "second shrink frees nothing" '[ "$(field freed_pages)" = 0 ]'
expect_err "shrink unknown cache" ENOENT cache_shrink nosuch
free1=$(grep ^nr_free_pages $VMLAB_DBG/vmstat | cut -d" " -f2)
check "free pages did not go down across the shrink" '[ "$free1" -ge "$free0" ]'

# ---- destroy ----
expect_ok "cache_alloc sc1" cache_alloc sc1
A=$(field addr)
expect_ok "cache_alloc sc1" cache_alloc sc1
A2=$(field addr)
expect_err "destroy with live objects refused" EBUSY cache_destroy sc1
check "refusal names the count" 'echo "$REPLY" | grep -q "has 2 live objects"'
expect_ok "sc1 still works after the refusal" cache_info sc1
check "both objects still live" '[ "$(field user_objs)" = 2 ]'
expect_err "destroy a cache ctl did not create" EPERM cache_destroy kmalloc-64
expect_err "destroy unknown cache" ENOENT cache_destroy nosuch
expect_ok "free A" cache_free sc1 "$A"
expect_ok "free A2" cache_free sc1 "$A2"
expect_ok "destroy sc1" cache_destroy sc1
check "sc1 left slabinfo" '! grep -q "^sc1 " $SI'
check "slab/sc1 is gone" '[ ! -e $VMLAB_DBG/slab/sc1 ]'
expect_err "sc1 no longer found" ENOENT cache_info sc1
expect_ok "destroy sc2" cache_destroy sc2
check "sc2 left slabinfo" '! grep -q "^sc2 " $SI'

# ---- constructor: once per object per slab ----
expect_ok "cache_create with ctor" cache_create cc 64 flags=ctor
per=$(field objperslab)
expect_ok "cache_alloc cc" cache_alloc cc
C=$(field addr)
expect_ok "cache_info cc" cache_info cc
check "ctor ran once per object of the new slab" '[ "$(field ctor_calls)" = "$per" ]'
expect_ok "cache_free cc" cache_free cc "$C"
expect_ok "cache_alloc cc again" cache_alloc cc
C=$(field addr)
expect_ok "cache_info cc" cache_info cc
check "reuse does not run the ctor again" '[ "$(field ctor_calls)" = "$per" ]'
expect_ok "cache_free cc" cache_free cc "$C"
ctl cache_info cc
check "cc holds no object for the caller" '[ "$(field user_objs)" = 0 ]'

# ---- colouring ----
expect_ok "cache_create col 1500" cache_create col 1500
expect_ok "cache_info col" cache_info col
ncol=$(field colour)
per=$(field objperslab)
check "col has several colours" '[ "$ncol" -ge 2 ]'
i=0
nfail=0
while [ $i -lt $((per * (ncol + 1))) ]; do
	vmlabctl cache_alloc col >/dev/null || nfail=$((nfail + 1))
	i=$((i + 1))
done
ctl cache_info col
check "all $((per * (ncol + 1))) col objects allocated" \
	'[ $nfail = 0 ] && [ "$(field user_objs)" = $((per * (ncol + 1))) ]'
offs=$(sed 's/.*colouroff=\([0-9]*\).*/\1/' $VMLAB_DBG/slab/col/slabs | sort -un | wc -l)
check "successive slabs use every colour offset" '[ "$offs" = "$ncol" ]'
diag "$(head -n 4 $VMLAB_DBG/slab/col/slabs)"

# ---- debugging ----
expect_ok "cache_create rz 60 flags=redzone" cache_create rz 60 flags=redzone
expect_ok "cache_alloc rz" cache_alloc rz
R=$(field addr)
expect_ok "write one byte past the object" cache_poke rz "$R" 60 0
expect_ok "free the overrun object" cache_free rz "$R"
expect_ok "cache_info rz" cache_info rz
check "red zone violation counted" '[ "$(field redzone)" = 1 ]'
check "red zone violation reported" 'dmesg_new | grep -q "slab rz: red zone overwritten"'
expect_ok "cache_alloc rz" cache_alloc rz
R=$(field addr)
expect_ok "write one byte before the object" cache_poke rz "$R" -1 0
expect_ok "free the underrun object" cache_free rz "$R"
expect_ok "cache_info rz" cache_info rz
check "second red zone violation counted" '[ "$(field redzone)" = 2 ]'
expect_err "poke outside the slot" ERANGE cache_poke rz "$R" 4096 0
expect_err "poke at no object" EINVAL cache_poke rz 0x1000 0 0
expect_err "poke a byte out of range" ERANGE cache_poke rz "$R" 0 256
expect_err "poke a cache ctl did not create" EPERM cache_poke kmalloc-64 "$R" 0 0

expect_ok "cache_create ps 100 flags=poison" cache_create ps 100 flags=poison
expect_ok "cache_alloc ps" cache_alloc ps
P=$(field addr)
expect_ok "cache_free ps" cache_free ps "$P"
expect_ok "write into the freed object" cache_poke ps "$P" 5 0
expect_ok "cache_alloc ps (same CPU: the same object)" cache_alloc ps
check "the freed object came back" '[ "$(field addr)" = "$P" ]'
P=$(field addr)
expect_ok "cache_info ps" cache_info ps
check "use after free caught by the poison check" '[ "$(field poison)" = 1 ]'
check "poison violation reported with the offset" \
	'dmesg_new | grep -q "slab ps: poison overwritten: write after free at byte 5"'
expect_ok "cache_free ps" cache_free ps "$P"
check "slab/ps/info shows the flags" 'grep -q "^flags poison$" $VMLAB_DBG/slab/ps/info'
check "vmstat counts slab debug events" \
	'[ "$(grep ^slab_poison $VMLAB_DBG/vmstat | cut -d" " -f2)" -ge 1 ] &&
	 [ "$(grep ^slab_redzone $VMLAB_DBG/vmstat | cut -d" " -f2)" -ge 2 ] &&
	 [ "$(grep ^slab_bad_free $VMLAB_DBG/vmstat | cut -d" " -f2)" -ge 3 ]'

# ---- kmalloc ----
for pair in 1:32 32:32 33:64 65:96 100:128 129:192 200:256 1000:1024 4096:4096 \
	    131072:131072 131073:262144 1M:1048576; do
	req=${pair%%:*}
	want=${pair##*:}
	if expect_ok "kmalloc $req" kmalloc "$req"; then
		check "kmalloc $req has size $want" '[ "$(field size)" = "$want" ]'
		expect_ok "kfree kmalloc $req" kfree "$(field addr)"
	fi
done
expect_ok "kmalloc 100" kmalloc 100
K=$(field addr)
expect_ok "kfree" kfree "$K"
expect_err "kfree twice refused" EINVAL kfree "$K"
expect_err "kfree foreign pointer" EINVAL kfree 0xdeadbeef
expect_err "kfree malformed" EINVAL kfree nope
expect_err "kmalloc 0" EINVAL kmalloc 0
expect_err "kmalloc not a number" EINVAL kmalloc 12q
ctl kmalloc 5M
check "kmalloc beyond the largest block fails" '[ "$STATUS" != 0 ]'

# ---- reap ----
# The caches above hold free slabs: reaping frees their pages (a cache
# that grew since the last pass is skipped once, as in 2.4), and reaping
# again and again runs out of them.
expect_ok "cache_reap" cache_reap
total=$(field freed_pages)
expect_ok "cache_reap again" cache_reap
i=0 zeros=0
while [ $zeros -lt 3 ] && [ $i -lt 200 ]; do
	total=$((total + $(field freed_pages)))
	if [ "$(field freed_pages)" = 0 ]; then zeros=$((zeros + 1)); else zeros=0; fi
	ctl cache_reap
	i=$((i + 1))
done
check "the reaps freed free slabs' pages" '[ "$total" -gt 0 ]'
check "repeated reaps run out of free slabs" '[ $zeros = 3 ]'

dmesg_clean "no oops, warning or lockdep report"

# ---- unload with objects and caches still held by ctl ----
expect_ok "cache_create left 200" cache_create left 200
expect_ok "cache_alloc left" cache_alloc left
expect_ok "kmalloc 3000 left" kmalloc 3000
expect_ok "kmalloc 300000 left" kmalloc 300000
dmesg_mark
check "unload with ctl objects live" vmlab_unload
check "every frame came back at unload" \
	'! dmesg_new | grep -q "still allocated\|leaked"'
dmesg_clean "unload is clean"
check "reload" vmlab_load

done_testing
