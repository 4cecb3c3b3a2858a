#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Differential test: tools/difftest runs one sequence of mmap, munmap,
# mprotect, mremap, mlock and madvise calls against this guest's real
# kernel and against a vmlab sandbox mm; the normalised transcripts (each
# call's errno or relative address, and the maps of the window) must be
# identical. Also checks that difftest reproduces vmlab's fill pattern.
. ./lib.sh

if ! command -v difftest > /dev/null; then
	skip "difftest" "tools/difftest not built"
	done_testing
fi

check "difftest runs against the kernel" "difftest kernel > /tmp/difftest.kernel"
check "difftest runs against vmlab" "difftest vmlab > /tmp/difftest.vmlab"
check "transcripts are not empty" "[ \$(grep -c -- '->' /tmp/difftest.kernel) -gt 50 ]"
same_files "vmlab gives the kernel's maps and errors" /tmp/difftest.kernel /tmp/difftest.vmlab
check "the sequence tested some errors" "grep -q -- '-> EINVAL' /tmp/difftest.kernel && grep -q -- '-> ENOMEM' /tmp/difftest.kernel && grep -q -- '-> EFAULT' /tmp/difftest.kernel && grep -q -- '-> EEXIST' /tmp/difftest.kernel"

# The fill pattern is documented; difftest computes it independently.
expect_ok "mm_create" mm_create
M=$(field mm)
expect_ok "populated page" mmap $M 0x100000000 8K rw private,anon,fixed,populate
expect_ok "fill with seed 12345" fill $M 0x100000ff3 40 12345
expect_ok "read it back" read $M 0x100000ff3 40
check "pattern matches difftest's" "[ '$(field data)' = '$(difftest pattern 12345 0x100000ff3 40)' ]"
expect_ok "mm_destroy" mm_destroy $M

dmesg_clean "no kernel warnings"
done_testing
