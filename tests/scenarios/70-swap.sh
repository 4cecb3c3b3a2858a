#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Swap areas (swapon/swapoff, the swaps file) and the LRU policy switch.
# Nothing is swapped out yet (Documentation/swap.rst).
. ./lib.sh

dmesg_mark
SWAPS=$VMLAB_DBG/swaps
HEADER=$(printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority')

# One /proc/swaps line: name padded to 40 columns, then the columns.
swaps_line() {
	_pad=$((40 - ${#1}))
	[ $_pad -lt 1 ] && _pad=1
	printf '%s%*s%s\t%s\t\t%s\t\t%s\n' "$1" $_pad " " "$2" "$3" "$4" "$5"
}

check "swaps holds only the header" '[ "$(cat $SWAPS)" = "$HEADER" ]'

# ---- ram: areas ----
expect_ok "swapon ram:1M" swapon ram:1M
check "first area is type 0" '[ "$(field type)" = 0 ]'
expect_ok "swapon ram:512K" swapon ram:512K
want=$(printf '%s\n%s\n%s' "$HEADER" "$(swaps_line ram:1M "ram	" 1020 0 -2)" \
	"$(swaps_line ram:512K "ram	" 508 0 -3)")
check "swaps: exact /proc/swaps format, priorities -2 and -3" \
	'[ "$(cat $SWAPS)" = "$want" ]'
[ "$(cat $SWAPS)" = "$want" ] || diag "$(cat $SWAPS | od -c | head -20)"
expect_err "swapon the same area twice" EBUSY swapon ram:1M
vmlab_check "two ram: areas"
expect_ok "swapoff ram:1M" swapoff ram:1M
check "the -3 area moves up to -2 (as 6.1)" \
	'[ "$(sed -n 2p $SWAPS)" = "$(swaps_line ram:512K "ram	" 508 0 -2)" ]'
expect_ok "swapoff ram:512K" swapoff ram:512K
# ---- pages through the areas: swap_selftest ----
stat() { sed -n "s/^$1 //p" $VMLAB_DBG/vmstat; }
expect_err "swap_selftest with no area" ENOSPC swap_selftest 1
expect_ok "swapon ram:1M again" swapon ram:1M
out0=$(stat pswpout)
in0=$(stat pswpin)
expect_ok "swap_selftest 255 (every slot of ram:1M)" swap_selftest 255
check "pswpout and pswpin grew by 255" \
	'[ $(($(stat pswpout) - out0)) = 255 ] && [ $(($(stat pswpin) - in0)) = 255 ]'
expect_err "swap_selftest 256 (one slot too many)" ENOSPC swap_selftest 256
check "every slot free again (Used 0)" \
	'[ "$(sed -n 2p $SWAPS)" = "$(swaps_line ram:1M "ram	" 1020 0 -2)" ]'
expect_err "swap_selftest 0" EINVAL swap_selftest 0
expect_err "swap_selftest abc" EINVAL swap_selftest abc
expect_err "swap_selftest over the limit" ERANGE swap_selftest 4097
expect_err "swap_selftest: no argument" EINVAL swap_selftest
expect_ok "swapoff ram:1M after the selftest" swapoff ram:1M

# Slot 1 of a swap area: its first word, as od prints it.
slot1() {
	dd if="$1" bs=4096 skip=1 count=1 2>/dev/null | od -An -tx8 | head -n 1
}
zero_slot=$(head -c 4096 /dev/zero | od -An -tx8 | head -n 1)

expect_ok "swapon ram:64K prio=32767" swapon ram:64K prio=32767
check "priority 32767 shown" 'sed -n 2p $SWAPS | grep -q "32767$"'
expect_ok "swapoff ram:64K" swapoff ram:64K

# ---- bad input changes nothing ----
expect_err "swapon: no argument" EINVAL swapon
expect_err "swapon: too many arguments" EINVAL swapon ram:1M prio=1 x
expect_err "swapon ram:0" EINVAL swapon ram:0
expect_err "swapon ram:abc" EINVAL swapon ram:abc
expect_err "swapon ram: not whole pages" EINVAL swapon ram:1000
expect_err "swapon ram: one page (header only)" ERANGE swapon ram:4K
expect_err "swapon ram: huge" ERANGE swapon ram:1000G
expect_err "swapon ram: a size that overflows" EINVAL swapon ram:99999999999999999999
expect_err "swapon prio=abc" EINVAL swapon ram:1M prio=abc
expect_err "swapon prio too big" ERANGE swapon ram:1M prio=32768
expect_err "swapon prio negative" EINVAL swapon ram:1M prio=-1
expect_err "swapon bad option" EINVAL swapon ram:1M pri=1
expect_err "swapon missing file" ENOENT swapon /tmp/no-such-file
expect_err "swapon a directory" EISDIR swapon /tmp
expect_err "swapon a character device" EINVAL swapon /dev/null
expect_err "swapoff unknown area" EINVAL swapoff ram:1M
expect_err "swapoff: no argument" EINVAL swapoff
check "swaps still holds only the header" '[ "$(cat $SWAPS)" = "$HEADER" ]'

# ---- swap files made in the guest ----
F=/tmp/vmlab.swap
dd if=/dev/zero of=$F bs=1024 count=1024 2>/dev/null
expect_err "swapon a file without a swap header" EINVAL swapon $F
check "the error names the missing signature" 'echo "$REPLY" | grep -q SWAPSPACE2'
if mkswap $F >/dev/null 2>&1; then
	expect_ok "swapon a mkswap'd file prio=5" swapon $F prio=5
	check "swaps: file line" \
		'[ "$(sed -n 2p $SWAPS)" = "$(swaps_line $F "file	" 1020 0 5)" ]'
	expect_err "swapon the same file again" EBUSY swapon $F
	expect_err "swapon the same file by another path" EBUSY swapon /tmp/../$F
	expect_ok "swap_selftest 200 through the file" swap_selftest 200
	check "the file's slot 1 was written" '[ "$(slot1 $F)" != "$zero_slot" ]'
	vmlab_check "a swap file area after the selftest"
	check "Used back to 0" 'sed -n 2p $SWAPS | grep -q "	0		5$"'
	expect_ok "swapoff the file" swapoff $F
	# Version 2 at byte 1024.
	printf '\002' | dd of=$F bs=1 seek=1024 conv=notrunc 2>/dev/null
	expect_err "swapon a version-2 header" EINVAL swapon $F
	check "the error names the version" 'echo "$REPLY" | grep -q version'
	mkswap $F >/dev/null 2>&1
	truncate -s 512K $F
	expect_err "swapon a file shorter than last_page" EINVAL swapon $F
	mkswap $F >/dev/null 2>&1
	expect_ok "swapon the re-made 512K file" swapon $F
	check "its size is 508 KiB" 'sed -n 2p $SWAPS | grep -q "508"'
	rm -f $F
	expect_ok "swapoff after the file was unlinked" swapoff $F
else
	skip "mkswap'd file" "busybox mkswap failed"
fi
# ---- a block device: bios (stock kernel with brd.ko in the initramfs) ----
if [ -f /lib/vmlab/brd.ko ] && insmod /lib/vmlab/brd.ko rd_nr=1 rd_size=1024; then
	mkswap /dev/ram0 >/dev/null 2>&1
	expect_ok "swapon a block device (/dev/ram0) prio=7" swapon /dev/ram0 prio=7
	check "swaps: partition line" \
		'[ "$(sed -n 2p $SWAPS)" = "$(swaps_line /dev/ram0 partition 1020 0 7)" ]'
	expect_err "swapon the device twice" EBUSY swapon /dev/ram0
	expect_ok "swap_selftest 255 through bios" swap_selftest 255
	check "the device's slot 1 was written" '[ "$(slot1 /dev/ram0)" != "$zero_slot" ]'
	expect_ok "swapoff /dev/ram0" swapoff /dev/ram0
	check "brd unloads (device released)" rmmod brd
else
	skip "block device swap area" "no brd.ko in this guest (78-swapdisk swaps to its virtio disk)"
fi

check "swaps holds only the header at the end" '[ "$(cat $SWAPS)" = "$HEADER" ]'

# ---- two shells racing swapon/swapoff ----
(
	i=0
	while [ $i -lt 50 ]; do
		vmlabctl swapon ram:64K >/dev/null 2>&1
		vmlabctl swapoff ram:64K >/dev/null 2>&1
		i=$((i + 1))
	done
) &
fails=0
i=0
while [ $i -lt 50 ]; do
	vmlabctl swapon ram:128K >/dev/null 2>&1 || fails=$((fails + 1))
	cat $SWAPS >/dev/null
	vmlabctl swapoff ram:128K >/dev/null 2>&1 || fails=$((fails + 1))
	i=$((i + 1))
done
wait
check "50 swapon/swapoff rounds beside a racing shell all succeed" [ $fails = 0 ]
check "no area left after the race" '[ "$(cat $SWAPS)" = "$HEADER" ]'

# ---- LRU policy ----
expect_ok "lru_policy shows the default" lru_policy
check "default policy is 2list" '[ "$(field policy)" = 2list ]'
expect_ok "lru_policy clock" lru_policy clock
check "policy is clock" '[ "$(field policy)" = clock ]'
expect_err "lru_policy unknown" EINVAL lru_policy lfu
expect_err "lru_policy two words" EINVAL lru_policy clock 2list
check "lru file shows clock" 'head -n 1 $VMLAB_DBG/lru | grep -qx "policy clock"'
check "lru file: node 0, every list empty" \
	'grep -qx "Node 0 inactive_anon 0 active_anon 0 inactive_file 0 active_file 0 unevictable 0" $VMLAB_DBG/lru'
expect_ok "lru_policy 2list" lru_policy 2list

# ---- unload with an area still on ----
expect_ok "swapon before unload" swapon ram:256K
check "unload with an unused area succeeds" vmlab_unload
check "reload" vmlab_load
check "swaps is empty after reload" '[ "$(cat $SWAPS)" = "$HEADER" ]'
dmesg_clean "no oops or warning"
done_testing
