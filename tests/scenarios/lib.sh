# SPDX-License-Identifier: GPL-2.0
#
# Helpers for vmlab scenario scripts (busybox sh, inside the test guest).
#
# A scenario is tests/scenarios/NN-name.sh.  The guest's /init runs every
# [0-9]*.sh in name order, each with a freshly loaded vmlab.ko (parameters
# from vmltest.params=), cwd /scenarios, and rmmods vmlab afterwards.  A
# scenario starts with
#	. ./lib.sh
# prints KTAP-style results through the helpers below and ends with
#	done_testing
#
#   ctl WORDS...            run vmlabctl; reply in $REPLY, status in $STATUS
#   expect_ok DESC WORDS... the command must succeed (reply "ok ...")
#   expect_err DESC ERRNO WORDS...  must fail with "error ERRNO ..."
#   check DESC CMD ARGS...  ok when the command succeeds, e.g.
#				check "has frames" [ "$(field frames)" -gt 0 ]
#   check DESC 'SHELL EXPR' a single argument is eval'd
#   field NAME [TEXT]       value of NAME=value in TEXT (default $REPLY)
#   ok DESC / not_ok DESC / skip DESC [WHY] / diag TEXT...
#   vmlab_load [PARAMS] / vmlab_unload / vmlab_reload [PARAMS] / vmlab_loaded
#   dmesg_mark / dmesg_new / dmesg_clean DESC
#   same_files DESC A B     ok when files A and B are identical, else the diff
#   unload_all_free         rmmod, every frame must have been free, insmod
#   worker_run LOG ALLOW WORDS...  for background workers: run one command,
#                           print its reply if ok (else an empty line), and
#                           log "fail ..." to LOG unless the error matches
#                           the extended regexp ALLOW ("" allows none)
#   vmlab_check [WHEN]      ctl check (the invariant checker) must say ok;
#                           a no-op when vmlab is not loaded
#   done_testing            vmlab_check, then print the plan "1..N"; exit 1
#                           if anything failed
#
# Every scenario thus ends with `check`, and vmlab_unload/vmlab_reload run it
# before each unload, so each loaded instance is checked before it goes.

VMLAB_DBG=/sys/kernel/debug/vmlab
VMLAB_CTL=$VMLAB_DBG/ctl
VMLAB_KO=${VMLAB_KO:-/lib/vmlab/vmlab.ko}
VMLAB_PARAMS=${VMLAB_PARAMS:-}
VMLAB_PATTERNS=${VMLAB_PATTERNS:-/etc/vmlab/dmesg-patterns}
VMLAB_IGNORE=${VMLAB_IGNORE:-/etc/vmlab/dmesg-ignore}
TAP_N=0
TAP_FAILED=0
REPLY=
STATUS=0
DMESG_MARK=0

diag() {
	echo "$*" | sed 's/^/# /'
}

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP${2:+ $2}"
}

ctl() {
	REPLY=$(vmlabctl "$@" 2>&1)
	STATUS=$?
	return $STATUS
}

expect_ok() {
	_desc=$1
	shift
	ctl "$@"
	case "$REPLY" in
	ok|ok\ *|ok"
"*)
		if [ "$STATUS" = 0 ]; then
			ok "$_desc"
			return 0
		fi ;;
	esac
	not_ok "$_desc"
	diag "ctl $*: status $STATUS: $REPLY"
	return 1
}

expect_err() {
	_desc=$1
	_errno=$2
	shift 2
	ctl "$@"
	case "$REPLY" in
	"error $_errno"|"error $_errno "*)
		if [ "$STATUS" != 0 ]; then
			ok "$_desc"
			return 0
		fi ;;
	esac
	not_ok "$_desc"
	diag "ctl $*: expected 'error $_errno', got status $STATUS: $REPLY"
	return 1
}

check() {
	_desc=$1
	shift
	if [ $# = 1 ]; then
		eval "$1"
	else
		"$@"
	fi
	_st=$?
	if [ $_st = 0 ]; then
		ok "$_desc"
	else
		not_ok "$_desc"
		diag "check failed: $*"
	fi
	return $_st
}

field() {
	_text=${2-$REPLY}
	echo "$_text" | tr ' \t' '\n\n' | sed -n "s/^$1=//p" | head -n 1
}

vmlab_loaded() {
	grep -q '^vmlab ' /proc/modules
}

vmlab_load() {
	# shellcheck disable=SC2086
	insmod "$VMLAB_KO" ${1:-$VMLAB_PARAMS}
}

vmlab_unload() {
	vmlab_check "before unload"
	rmmod vmlab
}

vmlab_reload() {
	if vmlab_loaded; then
		vmlab_unload || return 1
	fi
	vmlab_load "$@"
}

dmesg_mark() {
	DMESG_MARK=$(dmesg | wc -l)
}

dmesg_new() {
	dmesg | tail -n +$((DMESG_MARK + 1))
}

# ok when no kernel message since dmesg_mark matches a failure pattern.
dmesg_clean() {
	_bad=$(dmesg_new | grep -F -f "$VMLAB_PATTERNS" | grep -v -F -f "$VMLAB_IGNORE")
	if [ -z "$_bad" ]; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "$(echo "$_bad" | head -n 40)"
	return 1
}

# A differential test's verdict: the two transcripts must be identical.
same_files() {
	if diff "$2" "$3" > "$3.diff"; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "$(head -n 60 "$3.diff")"
	return 1
}

worker_run() {
	_log=$1
	_allow=$2
	shift 2
	_r=$(vmlabctl "$@" 2>&1)
	case "$_r" in
	ok*) echo "$_r"; return 0 ;;
	esac
	if [ -z "$_allow" ] || ! echo "$_r" | grep -q -E "$_allow"; then
		echo "fail $* -> $_r" >> "$_log"
	fi
	echo ""
}

# The end of a scenario: unloading must find every arena frame free.
unload_all_free() {
	dmesg_mark
	check "rmmod" vmlab_unload
	check "every frame was free at unload" \
		"! dmesg_new | grep -q -e 'still allocated' -e 'census inconsistent'"
	check "insmod again" vmlab_load
}

# The invariant checker over everything vmlab holds right now.
vmlab_check() {
	vmlab_loaded || return 0
	expect_ok "check: every invariant holds${1:+ ($1)}" check 32
}

done_testing() {
	vmlab_check "end of scenario"
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ] && exit 0
	exit 1
}
