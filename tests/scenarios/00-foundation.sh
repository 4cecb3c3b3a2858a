#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The control file protocol and module load/unload.
. ./lib.sh

dmesg_mark

expect_ok "help replies ok" help
check "help lists help and version" \
	'echo "$REPLY" | grep -q "^help" && echo "$REPLY" | grep -q "^version"'
expect_ok "version replies ok" version
check "version has version= and paging= fields" \
	'[ -n "$(field version)" ] && [ -n "$(field paging)" ]'
diag "$REPLY"

expect_err "unknown command gives EINVAL" EINVAL bogus
check "error reply names the command" 'echo "$REPLY" | grep -q bogus'
check "echo bogus > ctl fails in the shell" \
	'! (echo bogus > "$VMLAB_CTL") 2>/dev/null'
expect_err "empty command gives EINVAL" EINVAL ""
check "echo > ctl (empty line) fails in the shell" \
	'! (echo > "$VMLAB_CTL") 2>/dev/null'

long=$(head -c 5000 /dev/zero | tr '\0' a)
ctl "$long"
check "an over-long line (5000 bytes) fails" \
	'[ "$STATUS" != 0 ] && [ "${REPLY#error }" != "$REPLY" ]'
check "and its reply says why (EFBIG, the length and the limit)" \
	'echo "$REPLY" | grep -q "^error EFBIG.*5000 bytes.*at most 4095"'
diag "$(echo "$REPLY" | cut -c1-100)"
long=$(head -c 4200 /dev/zero | tr '\0' ' ')
ctl "$long version"
check "an over-long line of blanks (4 KiB + word) fails" '[ "$STATUS" != 0 ]'
expect_ok "ctl still answers after the bad lines" version
check "and its reply is whole" '[ -n "$(field version)" ] && [ -n "$(field kernel)" ]'

# Fresh opens each time: many transactions in a row.
fails=0
i=0
while [ $i -lt 50 ]; do
	vmlabctl version >/dev/null || fails=$((fails + 1))
	i=$((i + 1))
done
check "50 transactions in a row succeed" [ $fails = 0 ]

check "debugfs directory exists while loaded" [ -d "$VMLAB_DBG" ]

# Unload and reload 20 times.
load_fail=0
unload_fail=0
dir_left=0
ctl_fail=0
i=0
while [ $i -lt 20 ]; do
	if ! vmlab_unload; then
		unload_fail=$((unload_fail + 1))
		break
	fi
	[ -e "$VMLAB_DBG" ] && dir_left=$((dir_left + 1))
	if ! vmlab_load; then
		load_fail=$((load_fail + 1))
		break
	fi
	vmlabctl version >/dev/null || ctl_fail=$((ctl_fail + 1))
	i=$((i + 1))
done
check "rmmod succeeds 20 times" [ $unload_fail = 0 ]
check "debugfs dir gone after every unload" [ $dir_left = 0 ]
check "insmod succeeds 20 times" [ $load_fail = 0 ]
check "ctl works after every reload" [ $ctl_fail = 0 ]
check "module is loaded at the end" vmlab_loaded
dmesg_clean "no kernel warnings during the scenario"

done_testing
