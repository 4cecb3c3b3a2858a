#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Real clients of vmlab's /proc formats: Debian's procps (slabtop -o,
# vmstat -s and -m, pmap and pmap -x, ps) reading vmlab's debugfs files
# bind-mounted over the /proc paths they read (for ps, vmlab's Vm* lines
# spliced into the process's status), and showing vmlab's values.
# The binaries and their libraries are copied into the initramfs from the
# build host (tests/harness/initramfs.sh, package procps).
. ./lib.sh

P=/opt/procps
dmesg_mark
if ! [ -x $P/pmap ] || ! $P/ps -p 1 > /dev/null 2>&1; then
	skip "procps" "procps not in the initramfs (scripts/install-deps.sh)"
	done_testing
fi

expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "64K anonymous" mmap $M 0x100000000 64K rw private,anon,fixed
expect_ok "dirty all of it" fill $M 0x100000000 64K 7
expect_ok "8K shared anonymous" mmap $M 0x100100000 8K r shared,anon,fixed
expect_ok "read one page of it" read $M 0x100100000 1
expect_ok "4K locked" mmap $M 0x100200000 4K rw private,anon,fixed,locked

# pmap and pmap -x read /proc/PID/maps and /proc/PID/smaps.
sleep 600 &
pid=$!
mount --bind $VMLAB_DBG/mm/$M/maps /proc/$pid/maps
mount --bind $VMLAB_DBG/mm/$M/smaps /proc/$pid/smaps
$P/pmap $pid > /tmp/pmap.out 2>&1
$P/pmap -x $pid > /tmp/pmapx.out 2>&1
umount /proc/$pid/smaps
umount /proc/$pid/maps
diag "$(cat /tmp/pmap.out /tmp/pmapx.out)"
check "pmap lists vmlab's VMAs" \
	"grep -q '^0000000100000000 *64K rw--- *\[ anon \]' /tmp/pmap.out && grep -q '^0000000100100000 *8K r--s-' /tmp/pmap.out"
check "pmap total is vmlab's VmSize" \
	"grep -q 'total *76K' /tmp/pmap.out"
check "pmap -x: Rss and Dirty from smaps" \
	"grep -q '^0000000100000000 *64 *64 *64 rw---' /tmp/pmapx.out"
check "pmap -x: the shared page read once is resident and clean" \
	"grep -q '^0000000100100000 *8 *4 *0 r--s-' /tmp/pmapx.out"

# ps takes VSZ and RSS from the VmSize and VmRSS lines of /proc/PID/status,
# and needs the process's other lines (Name, State, Uid...): vmlab's Vm*
# and Rss* lines replace the process's own in a copy bind-mounted there.
grep -v '^Vm\|^Rss' /proc/$pid/status > /tmp/status
grep '^Vm\|^Rss' $VMLAB_DBG/mm/$M/status >> /tmp/status
mount --bind /tmp/status /proc/$pid/status
$P/ps -o vsz=,rss= -p $pid > /tmp/ps.out 2>&1
umount /proc/$pid/status
kill $pid
diag "ps: $(cat /tmp/ps.out)"
rss=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p' $VMLAB_DBG/mm/$M/status)
check "ps shows vmlab's VmSize and VmRSS" "[ \"\$(echo \$(cat /tmp/ps.out))\" = \"76 $rss\" ]"

# slabtop -o and vmstat -m read /proc/slabinfo.
mount --bind $VMLAB_DBG/slabinfo /proc/slabinfo
$P/slabtop -o > /tmp/slabtop.out 2>&1
$P/vmstat -m > /tmp/vmstatm.out 2>&1
umount /proc/slabinfo
vmas=$(awk '$1 == "vml_vm_area_struct" { print $2 }' $VMLAB_DBG/slabinfo)
diag "$(head -n 12 /tmp/slabtop.out)"
check "slabtop -o lists vmlab's caches" "grep -q ' vml_vm_area_struct *\$' /tmp/slabtop.out"
check "vmstat -m shows vmlab's VMA objects" \
	"awk '\$1 == \"vml_vm_area_struct\" { print \$2 }' /tmp/vmstatm.out | grep -qx '$vmas'"

# vmstat -s reads /proc/vmstat: pgpgin/pgpgout are KiB, as Linux's.
echo "vmlab procps file" > /tmp/procps.file
dd if=/dev/zero bs=4096 count=3 >> /tmp/procps.file 2> /dev/null
expect_ok "map a 4-page file" mmap $M 0x100300000 16K r private,fixed file=/tmp/procps.file
expect_ok "read it in" touch $M 0x100300000 16K r
pgpgin=$(awk '$1 == "pgpgin" { print $2 }' $VMLAB_DBG/vmstat)
check "pgpgin counts KiB (4 per page read)" "[ $pgpgin -ge 16 ] && [ \$(($pgpgin % 4)) = 0 ]"
mount --bind $VMLAB_DBG/vmstat /proc/vmstat
$P/vmstat -s > /tmp/vmstats.out 2>&1
umount /proc/vmstat
diag "$(grep paged /tmp/vmstats.out)"
check "vmstat -s shows vmlab's pgpgin as K paged in" \
	"grep -q '^ *$pgpgin K paged in' /tmp/vmstats.out"

expect_ok "mm_destroy" mm_destroy $M
dmesg_clean "no kernel warnings"
done_testing
