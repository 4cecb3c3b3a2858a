#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The workload of the counter plot (tests/harness/counters.sh), run by the
# guest's /init in vmltest.mode=counters with vmlab.ko loaded and
# vmlab-sample running: phases a reader can see in the picture.
#   1. idle
#   2. demand-zero faults: 32 MiB written in 2 MiB steps
#   3. fork, the child COW-writes 16 MiB
#   4. fragmentation: every other MiB of the parent's first 16 MiB (its
#      own copies since the child's writes) unmapped: the frames come back
#      but their 2 MiB neighbours stay mapped, so no order-9/10 block forms
#   5. both mms destroyed: every block merges back
# Each phase line goes to the console with the uptime; counters.sh turns
# them into seconds since the sampler started, and the plot marks them.
set -e
phase() { echo "phase $1 at $(cut -d' ' -f1 /proc/uptime) s"; }
ctl() { vmlabctl "$@" > /dev/null; }
B=0x10000000
touch_2m() {	# touch_2m MM N: write the first N x 2 MiB of MM, 2 MiB a call
	i=0
	while [ $i -lt "$2" ]; do
		ctl touch "$1" $((B + i * 0x200000)) 2M w
		i=$((i + 1))
	done
}
phase "1 idle"
sleep 1
phase "2 demand-zero"
M=$(vmlabctl mm_create | sed -n 's/.*mm=\([0-9]*\).*/\1/p')
ctl mmap "$M" $B 32M rw private,anon,fixed
touch_2m "$M" 16
sleep 1
phase "3 fork+COW"
C=$(vmlabctl fork "$M" | sed -n 's/.*mm=\([0-9]*\).*/\1/p')
touch_2m "$C" 8
sleep 1
phase "4 fragmentation"
i=0
while [ $i -lt 8 ]; do
	ctl munmap "$M" $((B + i * 0x200000)) 1M
	i=$((i + 1))
done
sleep 1
phase "5 teardown"
ctl mm_destroy "$C"
ctl mm_destroy "$M"
sleep 1
phase "6 end"
