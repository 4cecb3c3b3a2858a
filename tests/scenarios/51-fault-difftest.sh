#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Differential test of the fault layer: tools/difftest/faulttest runs one
# script of mmap, fork, reads and writes (anonymous, shared anonymous,
# private and shared file mappings), msync, accesses that must fault
# (SEGV_MAPERR, SEGV_ACCERR, SIGBUS past EOF) against this guest's kernel
# (a real fork) and against vmlab (the fork command); the transcripts of
# values read, faults taken and what is shared after fork must match.
. ./lib.sh

dmesg_mark
if ! command -v faulttest > /dev/null; then
	skip "faulttest" "tools/difftest/faulttest not built"
	done_testing
fi

check "faulttest runs against the kernel" "faulttest kernel /tmp/ft-kernel > /tmp/faulttest.kernel"
check "faulttest runs against vmlab" "faulttest vmlab /tmp/ft-vmlab > /tmp/faulttest.vmlab"
check "transcript covers the script" "[ \$(grep -c -- '->' /tmp/faulttest.kernel) -ge 60 ]"
same_files "vmlab reads, faults and shares as the kernel does" \
	/tmp/faulttest.kernel /tmp/faulttest.vmlab
check "the script saw every kind of fault" "grep -q SEGV_MAPERR /tmp/faulttest.kernel && grep -q SEGV_ACCERR /tmp/faulttest.kernel && grep -q SIGBUS /tmp/faulttest.kernel"
check "the child's COW write stayed in the child" "grep -q '^P read 0x100000 4 -> 11223344' /tmp/faulttest.vmlab"
check "the shared file write reached the file" "grep -q '^file 0 4 -> 47474747' /tmp/faulttest.vmlab"
check "msync wrote the child's write too (file range)" "grep -q '^file 4 4 -> 48484848' /tmp/faulttest.vmlab"
check "shared anonymous memory past its size: SIGBUS" "grep -q '^P write 0x603000 aa -> SIGBUS' /tmp/faulttest.vmlab"
check "a write after split, fault and merge reached the file" "grep -q '^file 0 4 -> aabbccdd' /tmp/faulttest.vmlab"
check "msync of one mapping wrote another's write" "grep -q '^file 16 4 -> 11111111' /tmp/faulttest.vmlab"
check "... also when the msync'd mapping is PROT_NONE" "grep -q '^file 32 4 -> 22222222' /tmp/faulttest.vmlab"
dmesg_clean "no kernel warnings"
done_testing
