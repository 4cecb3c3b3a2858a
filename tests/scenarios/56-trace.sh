#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vmlab's tracepoints (TRACE_SYSTEM vmlab, Documentation/tracing.rst):
# every event is in tracefs with its format; Debian's trace-cmd (in the
# initramfs with its libraries, tests/harness/initramfs.sh) records a
# short workload with `trace-cmd record -e vmlab`, and the events it read
# back must agree with vmlab's own counters over the same workload:
# faults (pgfault, pgmajfault, cow_fault, zero_page_fault), frames
# allocated and freed (pgalloc_*, pgfree), per-CPU refills, TLB
# shootdowns, CR3 windows and their fix-ups; and with the commands run
# (one vmlab_fork naming the child, one vmlab_mmap per mmap...).
# `trace-cmd report` must print readable lines. A last part drives
# tracefs directly (no trace-cmd) and disables everything again.
. ./lib.sh

T=/sys/kernel/tracing
TC=/usr/bin/trace-cmd
dmesg_mark
[ -d $T/events ] || mount -t tracefs nodev $T 2> /dev/null
check "tracefs is mounted" "[ -d $T/events ]"

EVENTS="vmlab_page_alloc vmlab_page_free vmlab_pcp_refill vmlab_pcp_drain
	vmlab_kmem_cache_alloc vmlab_kmem_cache_free vmlab_fault vmlab_fork
	vmlab_tlb_shootdown vmlab_window_enter vmlab_window_leave
	vmlab_mmap vmlab_munmap vmlab_mprotect vmlab_mremap
	vmlab_wakeup_kswapd vmlab_kswapd_wake vmlab_kswapd_sleep
	vmlab_direct_reclaim_begin vmlab_direct_reclaim_end vmlab_lru_isolate
	vmlab_shrink_inactive vmlab_swap_out vmlab_swap_in vmlab_swapon
	vmlab_swapoff vmlab_oom_kill"
missing=
for e in $EVENTS; do
	[ -f $T/events/vmlab/$e/format ] || missing="$missing $e"
done
check "every vmlab event is in $T/events/vmlab/ (missing:$missing)" "[ -z '$missing' ]"
check "vmlab_page_alloc has kmem.h's fields pfn, order, gfp_flags" \
	"grep -q 'field:unsigned long pfn;' $T/events/vmlab/vmlab_page_alloc/format &&
	 grep -q 'field:unsigned int order;' $T/events/vmlab/vmlab_page_alloc/format &&
	 grep -q 'field:unsigned long gfp_flags;' $T/events/vmlab/vmlab_page_alloc/format"
check "events are off until asked for" \
	"! grep -q 1 $T/events/vmlab/enable"

if ! [ -x $TC ] || ! $TC list -e vmlab > /tmp/tc-list 2>&1; then
	not_ok "trace-cmd runs in the guest"
	diag "$(cat /tmp/tc-list 2> /dev/null)"
	done_testing
fi
ok "trace-cmd runs in the guest"
check "trace-cmd list -e vmlab lists the events" \
	"[ \$(grep -c '^vmlab:vmlab_' /tmp/tc-list) = $(echo $EVENTS | wc -w) ]"

# ---- the workload, recorded ----
F=/tmp/trace-file
dd if=/dev/urandom of=$F bs=4096 count=8 2> /dev/null
cat > /tmp/trace-work.sh <<EOF
r() { vmlabctl "\$@" > /tmp/tw.out; cat /tmp/tw.out >> /tmp/tw.log; }
m=\$(vmlabctl mm_create | sed -n 's/.*mm=\([0-9]*\).*/\1/p')
echo \$m > /tmp/tw.mm
r mmap \$m 0x10000000 256K rw private,anon,fixed
r touch \$m 0x10000000 64K r
r fill \$m 0x10000000 256K 7
c=\$(vmlabctl fork \$m | sed -n 's/.*mm=\([0-9]*\).*/\1/p')
echo \$c > /tmp/tw.child
r fill \$c 0x10000000 64K 9
r fill \$m 0x10010000 16K 5
r mmap \$m 0x20000000 32K r private,fixed file=$F
r touch \$m 0x20000000 32K r
r mprotect \$m 0x10000000 64K r
r mremap \$m 0x10030000 64K 128K maymove
r munmap \$m 0x10020000 64K
vmlabctl read \$m 0x30000000 1 > /tmp/tw.segv 2>&1
r alloc_pages 5
p=\$(sed -n 's/.*pfn=\([^ ]*\).*/\1/p' /tmp/tw.out)
r free_pages \$p 5
r cache_create trc 200
for i in 1 2 3 4 5; do
	vmlabctl cache_alloc trc | sed -n 's/.*addr=\([^ ]*\).*/\1/p' >> /tmp/tw.objs
done
for a in \$(cat /tmp/tw.objs); do r cache_free trc \$a; done
r cache_destroy trc
r mm_destroy \$c
r mm_destroy \$m
EOF
: > /tmp/tw.log
: > /tmp/tw.objs
grep -v '^#' $VMLAB_DBG/vmstat > /tmp/vs.0
grep '^window' $VMLAB_DBG/mmu > /tmp/mmu.0
$TC record -q -b 8192 -e vmlab -o /tmp/trace.dat sh /tmp/trace-work.sh > /tmp/tc-rec 2>&1
rc=$?
grep -v '^#' $VMLAB_DBG/vmstat > /tmp/vs.1
grep '^window' $VMLAB_DBG/mmu > /tmp/mmu.1
check "trace-cmd record -e vmlab ran the workload (status $rc)" "[ $rc = 0 ] && [ -s /tmp/trace.dat ]"
[ $rc = 0 ] || diag "$(tail -n 20 /tmp/tc-rec)"
check "the workload's commands all succeeded" "! grep -v '^ok' /tmp/tw.log"
grep -qv '^ok' /tmp/tw.log && diag "$(grep -v '^ok' /tmp/tw.log)"
check "the unmapped read was refused with SEGV" "grep -q '^error EFAULT segv' /tmp/tw.segv"
$TC report -i /tmp/trace.dat > /tmp/trace.txt 2> /tmp/tc-rep
check "trace-cmd report reads it" "[ \$? = 0 ] && grep -q 'vmlab_fault:' /tmp/trace.txt"
check "no events were lost" "! grep -qi 'dropped\|lost' /tmp/trace.txt /tmp/tc-rep"
diag "$(grep -m 3 'vmlab_fault:' /tmp/trace.txt)"
diag "$(grep -m 1 'vmlab_page_alloc:' /tmp/trace.txt)"
diag "$(grep -m 1 'vmlab_kmem_cache_alloc:.*name=trc' /tmp/trace.txt)"

M=$(cat /tmp/tw.mm)
C=$(cat /tmp/tw.child)
delta() { echo $(( $(awk -v k="$1" '$1 == k { print $2 }' /tmp/vs.1) - $(awk -v k="$1" '$1 == k { print $2 }' /tmp/vs.0) )); }
mdelta() { echo $(( $(awk -v k="$1" '$1 == k { print $2 }' /tmp/mmu.1) - $(awk -v k="$1" '$1 == k { print $2 }' /tmp/mmu.0) )); }
events() { grep -c " $1: " /tmp/trace.txt; }
events_with() { grep " $1: " /tmp/trace.txt | grep -c -- "$2"; }
# the sum of 2^order over the events (frames)
frames() {
	_n=0
	for _o in $(grep " $1: " /tmp/trace.txt | grep -v 'pfn=0xffffffffffffffff' |
		    sed -n 's/.* order=\([0-9]*\).*/\1/p'); do
		_n=$((_n + (1 << _o)))
	done
	echo $_n
}
same() {	# same DESC TRACED COUNTED
	if [ "$2" = "$3" ] && [ "$2" -gt 0 ]; then
		ok "$1 ($2)"
	else
		not_ok "$1"
		diag "traced $2, counted $3"
	fi
}

segv=$(events_with vmlab_fault 'result=segv_')
handled=$(( $(events vmlab_fault) - segv ))
same "vmlab_fault events (SEGV aside) = vmstat pgfault" $handled "$(delta pgfault)"
check "the unmapped read is one segv_maperr at its address, not in pgfault" \
	"[ $segv = 1 ] && grep -q 'vmlab_fault:.*mm=$M address=0x30000000 access=READ|USER result=segv_maperr' /tmp/trace.txt"
same "major=1 faults = pgmajfault" "$(events_with vmlab_fault 'major=1')" "$(delta pgmajfault)"
same "result=cow faults = cow_fault" "$(events_with vmlab_fault 'result=cow')" "$(delta cow_fault)"
same "result=zero_page faults = zero_page_fault" "$(events_with vmlab_fault 'result=zero_page')" \
	"$(delta zero_page_fault)"
check "the child's writes are COW faults of mm $C" \
	"[ \$(grep 'vmlab_fault:' /tmp/trace.txt | grep -c 'mm=$C .*result=cow') -ge 16 ]"
same "frames in vmlab_page_alloc events = pgalloc_*" "$(frames vmlab_page_alloc)" \
	$(( $(delta pgalloc_dma) + $(delta pgalloc_normal) + $(delta pgalloc_high) ))
same "frames in vmlab_page_free events = pgfree" "$(frames vmlab_page_free)" "$(delta pgfree)"
check "the order-5 block: one alloc and one free of the same pfn" \
	"p=\$(grep 'vmlab_page_alloc:.*order=5 ' /tmp/trace.txt | sed -n 's/.*pfn=\(0x[0-9a-f]*\).*/\1/p'); [ -n \"\$p\" ] && grep -q \"vmlab_page_free:.*pfn=\$p order=5\" /tmp/trace.txt"
same "vmlab_pcp_refill events = pcp_refill" "$(events vmlab_pcp_refill)" "$(delta pcp_refill)"
check "vmlab_pcp_drain events >= pcp_drain (high-mark drains)" \
	"[ $(events vmlab_pcp_drain) -ge $(delta pcp_drain) ]"
check "vmlab_tlb_shootdown events = nr_tlb_remote_flush" \
	"[ $(events vmlab_tlb_shootdown) = $(delta nr_tlb_remote_flush) ]"
same "vmlab_window_enter events = windows" "$(events vmlab_window_enter)" "$(mdelta windows)"
check "every window entered was left" \
	"[ $(events vmlab_window_enter) = $(events vmlab_window_leave) ]"
fx=$(grep ' vmlab_window_leave: ' /tmp/trace.txt | sed -n 's/.* fixups=\([0-9]*\).*/\1/p' |
	awk '{ n += $1 } END { print n + 0 }')
same "fixups in vmlab_window_leave = window_fixups" "$fx" "$(mdelta window_fixups)"
same "window=1 faults = window_fixups" "$(events_with vmlab_fault 'window=1')" "$(mdelta window_fixups)"
check "one vmlab_fork: parent $M, child $C" \
	"[ $(events vmlab_fork) = 1 ] && grep -q 'vmlab_fork:.*parent=$M child=$C ' /tmp/trace.txt"
check "vmlab_mmap: both mmaps, with their addresses as results" \
	"[ $(events vmlab_mmap) = 2 ] && grep -q 'vmlab_mmap:.*mm=$M addr=0x10000000 len=262144 .*ret=0x10000000' /tmp/trace.txt"
check "vmlab_mprotect, vmlab_mremap, vmlab_munmap: one each, succeeded" \
	"grep -q 'vmlab_mprotect:.*mm=$M start=0x10000000 len=65536 prot=0x1 ret=0' /tmp/trace.txt &&
	 grep -q 'vmlab_mremap:.*mm=$M addr=0x10030000 old_len=65536 new_len=131072' /tmp/trace.txt &&
	 grep -q 'vmlab_munmap:.*mm=$M addr=0x10020000 len=65536 ret=0' /tmp/trace.txt"
check "5 slab allocations and 5 frees in cache trc, the same objects" \
	"[ $(events_with vmlab_kmem_cache_alloc 'name=trc ') = 5 ] && [ $(events_with vmlab_kmem_cache_free 'name=trc') = 5 ] &&
	 for a in \$(cat /tmp/tw.objs); do grep -q \"vmlab_kmem_cache_free:.*ptr=\$a name=trc\" /tmp/trace.txt || exit 1; done"
check "vmlab_kmem_cache_alloc shows bytes_req=200" \
	"grep -q 'vmlab_kmem_cache_alloc:.*name=trc bytes_req=200 ' /tmp/trace.txt"
check "report lines are readable: symbolic zone, GFP flags, access and result" \
	"grep -q 'vmlab_page_alloc:.*zone=[DNH][A-Za-z]* nid=0 gfp_flags=[A-Z_|]*' /tmp/trace.txt &&
	 grep -q 'vmlab_fault:.*access=WRITE|USER result=anon' /tmp/trace.txt"
check "events are off again after trace-cmd" "! grep -q 1 $T/events/vmlab/enable"

# ---- tracefs directly: one event, a known count ----
echo > $T/trace
echo 1 > $T/events/vmlab/vmlab_mmap/enable
expect_ok "mm_create" mm_create
N=$(field mm)
expect_ok "mmap with tracing on" mmap $N 0x40000000 8K rw private,anon,fixed
expect_err "a refused mmap is traced with its errno" EEXIST mmap $N 0x40000000 8K rw private,anon,fixed_noreplace
echo 0 > $T/events/vmlab/vmlab_mmap/enable
grep ' vmlab_mmap: ' $T/trace > /tmp/trace-direct
check "tracefs: two vmlab_mmap lines, ret=0x40000000 and -EEXIST" \
	"[ \$(wc -l < /tmp/trace-direct) = 2 ] && grep -q 'ret=0x40000000' /tmp/trace-direct &&
	 grep -q 'ret=0xffffffffffffffef' /tmp/trace-direct"
expect_ok "mm_destroy" mm_destroy $N
echo > $T/trace

# ---- perf (linux-perf) reads the same events ----
PERF=/usr/bin/perf
cat > /tmp/perf-work.sh <<EOF
m=\$(vmlabctl mm_create | sed -n 's/.*mm=\([0-9]*\).*/\1/p')
vmlabctl mmap \$m 0x10000000 256K rw private,anon,fixed > /dev/null &&
vmlabctl touch \$m 0x10000000 64K r > /dev/null &&
vmlabctl fill \$m 0x10000000 256K 3 > /dev/null &&
vmlabctl mm_destroy \$m > /dev/null
EOF
pgfault() { sed -n 's/^pgfault //p' $VMLAB_DBG/vmstat; }
if [ -x $PERF ] && $PERF list 'vmlab:*' 2> /tmp/perf-list.err | grep -q 'vmlab:vmlab_fault'; then
	ok "perf list shows vmlab:vmlab_fault"
	f0=$(pgfault)
	$PERF record -q -e vmlab:vmlab_fault -a -o /tmp/perf.data -- sh /tmp/perf-work.sh > /tmp/perf-rec 2>&1
	rc=$?
	f1=$(pgfault)
	check "perf record -e vmlab:vmlab_fault -a ran the workload (status $rc)" "[ $rc = 0 ]"
	[ $rc = 0 ] || diag "$(tail -n 5 /tmp/perf-rec)"
	$PERF script -i /tmp/perf.data > /tmp/perf.txt 2> /tmp/perf-script.err
	diag "$(grep -m 1 'vmlab_fault:' /tmp/perf.txt)"
	same "perf script: vmlab_fault events = pgfault" \
		"$(grep -c 'vmlab:vmlab_fault:.*access=' /tmp/perf.txt)" $((f1 - f0))
	f0=$(pgfault)
	$PERF stat -x, -e vmlab:vmlab_fault -a -o /tmp/perf-stat -- sh /tmp/perf-work.sh > /dev/null 2>&1
	f1=$(pgfault)
	same "perf stat -e vmlab:vmlab_fault counts pgfault" \
		"$(awk -F, '/vmlab:vmlab_fault/ { print $1 }' /tmp/perf-stat)" $((f1 - f0))
	check "events are off again after perf" "! grep -q 1 $T/events/vmlab/enable"
else
	not_ok "perf list shows vmlab:vmlab_fault"
	diag "$(head -n 5 /tmp/perf-list.err 2> /dev/null)"
fi

# ---- reclaim and swap, recorded: 24 MiB of anonymous memory, 16 MiB arena ----
# kswapd and direct reclaim swap pages out to ram:32M while the fill
# runs; reading the first 2 MiB back swaps them in (major faults and
# read-ahead). `check` at the end waits for kswapd's cluster, and with
# everything freed it has nothing left to scan: the counters are final.
vmlab_unload
check "a 16 MiB arena loads" "vmlab_load arena_mb=16"
cat > /tmp/reclaim-work.sh <<EOF
r() { vmlabctl "\$@" >> /tmp/rw.log; }
r swapon ram:32M
m=\$(vmlabctl mm_create | sed -n 's/.*mm=\([0-9]*\).*/\1/p')
r mmap \$m 0x10000000 24M rw private,anon,fixed
r fill \$m 0x10000000 24M 3
r verify \$m 0x10000000 2M 3
r mm_destroy \$m
r swapoff ram:32M
r check 32
EOF
: > /tmp/rw.log
RE=
for e in wakeup_kswapd kswapd_wake kswapd_sleep direct_reclaim_begin \
	 direct_reclaim_end lru_isolate shrink_inactive swap_out swap_in \
	 swapon swapoff fault; do
	RE="$RE -e vmlab:vmlab_$e"
done
grep -v '^#' $VMLAB_DBG/vmstat > /tmp/vs.0
# shellcheck disable=SC2086
$TC record -q -b 8192 $RE -o /tmp/reclaim.dat sh /tmp/reclaim-work.sh > /tmp/tc-rec 2>&1
rc=$?
grep -v '^#' $VMLAB_DBG/vmstat > /tmp/vs.1
check "trace-cmd recorded the reclaim workload (status $rc)" "[ $rc = 0 ] && [ -s /tmp/reclaim.dat ]"
check "its commands all succeeded" "[ \$(grep -c '^ok' /tmp/rw.log) = 7 ]"
grep -qv '^ok' /tmp/rw.log && diag "$(grep -v '^ok' /tmp/rw.log)"
$TC report -i /tmp/reclaim.dat > /tmp/trace.txt 2> /tmp/tc-rep
check "trace-cmd report reads it, no events lost" \
	"[ \$? = 0 ] && ! grep -qi 'dropped\|lost' /tmp/trace.txt /tmp/tc-rep"
for e in wakeup_kswapd kswapd_wake kswapd_sleep direct_reclaim_begin \
	 direct_reclaim_end lru_isolate shrink_inactive swap_out swap_in swapon; do
	diag "$(grep -m 1 " vmlab_$e: " /tmp/trace.txt)"
done
# the sum of field $2 over the events $1 (of the tasks named $3... if given)
fsum() {
	grep " $1: " /tmp/trace.txt | grep -- "^ *${3:-}" |
		sed -n "s/.* $2=\([0-9]*\).*/\1/p" | awk '{ n += $1 } END { print n + 0 }'
}
same "vmlab_swap_out events = pswpout" "$(events vmlab_swap_out)" "$(delta pswpout)"
same "vmlab_swap_in events = pswpin" "$(events vmlab_swap_in)" "$(delta pswpin)"
same "vmlab_swap_in major=0 (read ahead) = swap_ra" "$(events_with vmlab_swap_in 'major=0')" \
	"$(delta swap_ra)"
same "vmlab_swap_in major=1 = vmlab_fault result=swap major=1" \
	"$(events_with vmlab_swap_in 'major=1')" "$(events_with vmlab_fault 'result=swap major=1')"
same "vmlab_fault major=1 = pgmajfault" "$(events_with vmlab_fault 'major=1')" "$(delta pgmajfault)"
same "vmlab_fault events = pgfault" "$(events vmlab_fault)" "$(delta pgfault)"
check "the first page read in for a fault was written out before, same slot" \
	"s=\$(grep -m 1 'vmlab_swap_in:.*major=1' /tmp/trace.txt | sed -n 's/.*\(type=[0-9]* offset=0x[0-9a-f]*\).*/\1/p');
	 [ -n \"\$s\" ] && grep -q \"vmlab_swap_out: *\$s \" /tmp/trace.txt"
same "vmlab_wakeup_kswapd events = kswapd_wakeup" "$(events vmlab_wakeup_kswapd)" \
	"$(delta kswapd_wakeup)"
check "kswapd started passes ($(events vmlab_kswapd_wake)), each in its own thread" \
	"[ $(events vmlab_kswapd_wake) -ge 1 ] &&
	 ! grep ' vmlab_kswapd_wake: ' /tmp/trace.txt | grep -qv '^ *vmlab_kswapd0-'"
check "vmlab_direct_reclaim_begin = _end = allocstall ($(delta allocstall))" \
	"[ $(events vmlab_direct_reclaim_begin) = $(delta allocstall) ] &&
	 [ $(events vmlab_direct_reclaim_end) = $(delta allocstall) ]"
scan=$(( $(delta pgscan_kswapd) + $(delta pgscan_direct) ))
steal=$(( $(delta pgsteal_kswapd) + $(delta pgsteal_direct) ))
same "nr_scanned of vmlab_shrink_inactive = pgscan_*" "$(fsum vmlab_shrink_inactive nr_scanned)" $scan
same "nr_reclaimed of vmlab_shrink_inactive = pgsteal_*" \
	"$(fsum vmlab_shrink_inactive nr_reclaimed)" $steal
same "kswapd's nr_reclaimed = pgsteal_kswapd" \
	"$(fsum vmlab_shrink_inactive nr_reclaimed vmlab_kswapd)" "$(delta pgsteal_kswapd)"
same "nr_taken of vmlab_lru_isolate = pgscan_*" "$(fsum vmlab_lru_isolate nr_taken)" $scan
check "swapon and swapoff of ram:32M traced, both succeeded" \
	"grep -q 'vmlab_swapon: *spec=ram:32M ret=0 pages=8191 ' /tmp/trace.txt &&
	 grep -q 'vmlab_swapoff: *spec=ram:32M ret=0' /tmp/trace.txt"
dmesg_clean "dmesg clean"
done_testing
