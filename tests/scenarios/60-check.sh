#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctl check, the invariant checker: its reply on good and bad input, that it
# counts every frame and PTE, and that it stays ok while other shells run
# commands and faults at the same time (it runs alone: it waits for them,
# and they wait for it). Its detection of broken state is tested by the
# vmlab_check KUnit suite, which can break state on purpose.
. ./lib.sh

D=$VMLAB_DBG
W=/tmp/checkw
N=${CHECK_ROUNDS:-12}
rm -rf $W
mkdir -p $W
dmesg_mark

total=$(sed -n 's/.*total=\([0-9]*\).*/\1/p' $D/arena)

# ---- good input ----
expect_ok "check on a fresh instance" check
check "frames= is every arena frame ($total)" "[ '$(field frames)' = '$total' ]"
check "no PTE yet" "[ '$(field ptes)' = 0 ]"
expect_ok "check with a line count" check 1
expect_ok "check 32 (the most lines)" check 32
ctl help
check "help lists check" "echo \"\$REPLY\" | grep -q '^check \[lines\]'"

expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "mmap 64K populated" mmap $M 0x10000000 64K rw private,anon,fixed,populate
expect_ok "mmap 16K PROT_NONE" mmap $M 0x20000000 16K none private,anon,fixed
expect_ok "check counts the 16 PTEs" check
check "ptes=16" "[ '$(field ptes)' = 16 ]"
expect_ok "mprotect none keeps the pages" mprotect $M 0x10000000 64K none
expect_ok "check counts PROT_NONE PTEs too" check
check "still ptes=16" "[ '$(field ptes)' = 16 ]"
expect_ok "mprotect rw" mprotect $M 0x10000000 64K rw
expect_ok "fork" fork $M
C=$(field mm)
expect_ok "the child's PTEs count as well" check
check "ptes=32" "[ '$(field ptes)' = 32 ]"
expect_ok "mm_destroy child" mm_destroy $C

# ---- bad input ----
expect_err "check 0" EINVAL check 0
expect_err "check 33" ERANGE check 33
expect_err "check abc" EINVAL check abc
expect_err "check -1" EINVAL check -1
expect_err "two arguments" EINVAL check 1 2
expect_ok "bad input changed nothing" check

# ---- concurrently with other shells ----
run() {	# run <log> WORDS...: one ctl command, recorded if it fails
	_log=$1
	shift
	_r=$(vmlabctl "$@" 2>&1)
	case "$_r" in
	ok*) echo "$_r" ;;
	*) echo "fail $* -> $_r" >> "$_log"; echo "" ;;
	esac
}

w_fault() {	# demand-zero and COW faults, fork and destroy
	i=0
	while [ $i -lt $N ]; do
		run $W/1 fill $M 0x10000000 64K $((i + 1)) > /dev/null
		c=$(field mm "$(run $W/1 fork $M)")
		[ -n "$c" ] && run $W/1 fill $c 0x10000000 32K $i > /dev/null
		[ -n "$c" ] && run $W/1 mm_destroy $c > /dev/null
		i=$((i + 1))
	done
}

w_map() {	# mappings come and go in an mm of its own
	m=$(field mm "$(run $W/2 mm_create)")
	i=0
	while [ $i -lt $N ]; do
		run $W/2 mmap $m 0x30000000 128K rw private,anon,fixed > /dev/null
		run $W/2 touch $m 0x30000000 128K w > /dev/null
		run $W/2 mprotect $m 0x30010000 16K r > /dev/null
		run $W/2 munmap $m 0x30000000 128K > /dev/null
		run $W/2 kmalloc 200 > /dev/null
		i=$((i + 1))
	done
	run $W/2 mm_destroy $m > /dev/null
}

w_fault & p1=$!
w_map & p2=$!
i=0
while [ $i -lt $N ]; do
	r=$(vmlabctl check 4 2>&1)
	case "$r" in ok*) ;; *) echo "fail check round $i: $r" >> $W/0 ;; esac
	i=$((i + 1))
done
wait $p1 $p2
for n in 0 1 2; do
	check "shell $n: every command succeeded" "[ ! -s $W/$n ]" ||
		diag "$(head -n 8 $W/$n)"
done
expect_ok "check after the workers" check
expect_ok "mm_destroy" mm_destroy $M
dmesg_clean "no oops, warning or lockdep report"
rm -rf $W
done_testing
