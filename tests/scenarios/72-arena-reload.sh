#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A large arena loads every time: ten loads in a row of half the guest's
# available memory, five on a quiet guest and five while another process
# churns the page cache (tmpfs pages on LRU lists and in per-CPU add
# batches, the pages alloc_contig_range() must migrate). Three quarters
# fit only when no unmovable kernel page happens to sit mid-memory (seen
# at boot: one at pfn 0x37fff of a 2 GiB guest), which no retry can
# change: that size needs memmap= (Documentation/install.rst). A load
# that cannot find a range must say which range failed and why.
. ./lib.sh

D=$VMLAB_DBG
avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
vmlab_unload
# Half of what is available, in 64 MiB steps.
MB=$(( avail / 2 / 1024 / 64 * 64 ))
diag "MemAvailable $((avail / 1024)) MiB: arena_mb=$MB"
check "the guest has room for an arena of 256 MiB or more" "[ $MB -ge 256 ]"

load_many() {	# load_many <desc>: five loads of arena_mb=$MB
	fails=0
	i=0
	while [ $i -lt 5 ]; do
		if vmlab_load "arena_mb=$MB"; then
			grep -q "total=$((MB * 256)) consistent" $D/arena || fails=$((fails + 1))
			vmlabctl check > /dev/null || fails=$((fails + 1))
			vmlab_unload || fails=$((fails + 1))
		else
			fails=$((fails + 1))
			diag "$(dmesg | grep 'vmlab:' | tail -n 3)"
		fi
		i=$((i + 1))
	done
	check "$1: arena_mb=$MB loaded, consistent and unloaded 5 times of 5" "[ $fails = 0 ]"
}

load_many "quiet guest"
( while :; do
	dd if=/dev/zero of=/tmp/churn bs=1M count=64 2>/dev/null
	rm -f /tmp/churn
done ) &
CHURN=$!
load_many "page cache churning"
kill $CHURN
wait $CHURN 2>/dev/null
rm -f /tmp/churn

dmesg_mark
check "an arena larger than memory is refused" "! vmlab_load arena_mb=$((avail / 1024 * 4)) 2>/dev/null"
check "the refusal names the last range tried, or that no zone is big enough" \
	"dmesg_new | grep -q -e 'vmlab: last range tried, pfn' -e 'vmlab: no zone has'"
check "default arena loads again" vmlab_load
dmesg_clean "no kernel report"
done_testing
