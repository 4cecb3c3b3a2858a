#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Parse one guest console log written by qemu.sh in check/kunit mode.
#
#   parse-guest.sh LOG QEMU_STATUS EXPECT_PAGING EXPECT_PTI
#
# Prints a human report on stdout and, last, one machine line
#   RESULT passed=<n> failed=<n> skipped=<n> kunit=<p>/<t> scenarios=<p>/<t>
# KUnit KTAP is parsed with the kernel's tools/testing/kunit/kunit.py (per
# test case, nested suites included), falling back to a built-in parser.
#
# What the guest must have run (a missing result is a failure, not a smaller
# count):
#   VMLAB_EXPECT_KUNIT=1          every KUNIT_CASE in tests/kunit/*.c reports
#   VMLAB_EXPECT_SCENARIOS="..."  each named scenario ran to its end marker
#   VMLAB_CHECKS_OUT=FILE         append the name of every check to FILE (for
#                                 check.sh's "distinct checks x guests")
# A skip is a failure unless its reason is in tests/harness/skip-reasons.
set -uo pipefail
. "$(dirname "$0")/common.sh"

log=$1 qstatus=$2 want_paging=${3:-} want_pti=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/vmlab-parse.XXXXXX")
trap 'rm -rf "$work"' EXIT
P=0 F=0 S=0
KP=0 KT=0 SP=0 ST=0
CHECKS=${VMLAB_CHECKS_OUT:-/dev/null}
named() { echo "harness: $*" | sed 's/ (.*//; s/[0-9][0-9]*/N/g' >> "$CHECKS"; }
pass() { P=$((P + 1)); echo "  ok     $*"; named "$*"; }
fail() { F=$((F + 1)); echo "  FAILED $*"; named "$*"; }

# Normalise: drop CRs, and take kernel console messages out of the middle of
# guest output lines (printk writes to the UART directly, so a message can
# land inside a line that is still draining from the tty buffer). A line
# that a test prints from dmesg ("# [  1.2] ..." as a diagnostic, "#| [...]"
# as 86-tutorial's output of a `dmesg` step) is not one of them.
tr -d '\r' < "$log" |
	perl -0777 -pe 's/(?<!\n)(?<!# )(?<!#\| )\[ {0,5}\d+\.\d{6}\] [^\n]*\n//g' > "$work/log"

# ---- boot, exit ----
boot=$(grep -m1 '^@@VMLAB boot ' "$work/log" || true)
endl=$(grep -m1 '^@@VMLAB end status=' "$work/log" || true)
if [ -z "$boot" ]; then
	fail "guest booted to /init (no '@@VMLAB boot' line; QEMU status $qstatus)"
	echo "  --- last console lines ---"
	grep -v '^#' "$work/log" | tail -n 30 | sed 's/^/  | /'
	for name in ${VMLAB_EXPECT_SCENARIOS:-}; do
	[ -f "$work/sc-$name" ] || fail "$name: scenario ran (no result from this guest)"
done

echo "RESULT passed=$P failed=$F skipped=$S kunit=0/0 scenarios=0/0"
	exit 0
fi
pass "guest booted to /init (${boot#@@VMLAB boot })"
cpus=$(echo "$boot" | sed -n 's/.* cpus=\([0-9]*\).*/\1/p')
# Skips allowed in this guest: the reasons in skip-reasons (extended
# regexes; "cpus=1: " ones only on a one-CPU guest).
skip_ok=$(sed -n 's/^cpus=1: //p' "$VMLAB_TOP/tests/harness/skip-reasons")
[ "${cpus:-2}" = 1 ] || skip_ok=
skip_ok=$( { [ -n "$skip_ok" ] && echo "$skip_ok"; grep -v '^cpus=' "$VMLAB_TOP/tests/harness/skip-reasons"; } |
	paste -sd'|')
[ -n "$skip_ok" ] || skip_ok='^$'
if [ -n "$want_paging" ]; then
	case "$boot" in
	*" paging=$want_paging "*) pass "guest runs $want_paging-level paging" ;;
	*) fail "guest runs $want_paging-level paging (got: ${boot#@@VMLAB boot })" ;;
	esac
fi
if [ -n "$want_pti" ]; then
	case "$boot" in
	*" pti=$want_pti "*) pass "guest runs with pti=$want_pti" ;;
	*) fail "guest runs with pti=$want_pti (got: ${boot#@@VMLAB boot })" ;;
	esac
fi
if [ -n "$endl" ] && { [ "$qstatus" = 1 ] || [ "$qstatus" = 3 ]; }; then
	pass "guest finished and exited (QEMU status $qstatus)"
else
	case "$qstatus" in
	124|137) why="timed out" ;;
	0) why="died (panic/reboot) before guest-exit" ;;
	*) why="QEMU status $qstatus" ;;
	esac
	[ -n "$endl" ] || why="$why; no end marker"
	fail "guest finished and exited ($why)"
	echo "  --- suspicious console lines ---"
	grep -F -f "$VMLAB_TOP/tests/harness/dmesg-patterns" "$work/log" |
		head -n 20 | sed 's/^/  | /'
	echo "  --- last console lines ---"
	grep -v '^#' "$work/log" | tail -n 25 | sed 's/^/  | /'
fi

# ---- KUnit ----
awk '/^@@VMLAB kunit-begin/ { on = 1; next }
     /^@@VMLAB kunit-end/ { on = 0 }
     on' "$work/log" > "$work/kunit"
kunit_started=$(grep -c '^@@VMLAB kunit-begin' "$work/log")
if [ "$kunit_started" -gt 0 ]; then
	kinsmod=$(sed -n 's/^@@VMLAB kunit-end insmod=//p' "$work/log" | head -n1)
	# Module-loaded suites have no top-level KTAP header: add one.
	ntop=$(grep -cE '^(not )?ok [0-9]+ ' "$work/kunit")
	nsub=$(grep -cE '^ {4}K?TAP version' "$work/kunit")
	[ "$nsub" -gt "$ntop" ] && ntop=$nsub
	if [ "$nsub" = 0 ] && [ "$ntop" = 0 ]; then
		fail "kunit: KTAP results printed (none: module has no suites?)"
		[ -n "$kinsmod" ] || fail "kunit: module load finished (crashed inside insmod)"
	else
		{ echo "KTAP version 1"; echo "1..$ntop"
		  grep -E '^[[:space:]]*((not )?ok [0-9]+|(K?TAP) version|1\.\.[0-9]+|# )' "$work/kunit"
		} > "$work/ktap"
		kunitpy=$VMLAB_CACHE/src/linux-source-6.1/tools/testing/kunit/kunit.py
		counts=
		if [ -f "$kunitpy" ] && command -v python3 >/dev/null; then
			python3 "$kunitpy" parse < "$work/ktap" > "$work/kunit.out" 2>&1
			sed 's/\x1b\[[0-9;]*m//g' "$work/kunit.out" > "$work/kunit.txt"
			sum=$(grep -o 'Testing complete\. Ran [0-9]* tests:.*' "$work/kunit.txt" | tail -n1)
			if [ -n "$sum" ]; then
				get() { echo "$sum" | grep -o "$1: [0-9]*" | grep -o '[0-9]*$' || echo 0; }
				# Parse errors (a crash, missing results) count
				# once unless a failure already accounts for them.
				kf=$(( $(get failed) + $(get crashed) ))
				[ "$kf" = 0 ] && [ "$(get errors)" != 0 ] && kf=1
				counts="$(get passed) $kf $(get skipped)"
				grep -E '\[(FAILED|CRASHED|ERROR)\]' "$work/kunit.txt" |
					sed 's/^\[[0-9:]*\] //; s/^/  kunit: /' | head -n 40
			fi
		fi
		if [ -z "$counts" ]; then
			# Fallback: count leaves (results with no deeper result
			# since the previous result at the same or lower depth).
			counts=$(awk -v bad="$work/kunit.bad" '
				/^[ \t]*(not )?ok [0-9]+/ {
					ind = match($0, /[^ \t]/) - 1
					s = $0; sub(/^[ \t]*/, "", s)
					leaf = !seen[ind + 4]
					for (d in seen) if (d + 0 > ind) seen[d] = 0
					seen[ind] = 1
					if (!leaf) next
					if (s ~ /# SKIP/) sk++
					else if (s ~ /^not ok/) { f++; print "  kunit: FAILED " s > bad }
					else p++
				}
				END { printf "%d %d %d\n", p, f, sk }' "$work/ktap")
			[ -f "$work/kunit.bad" ] && head -n 40 "$work/kunit.bad"
		fi
		read -r kp kf ks <<< "$counts"
		if [ "$kf" != 0 ]; then
			grep -v '^\[' "$work/kunit" |
				grep -E -A3 '# .*(EXPECTATION|ASSERTION) FAILED at' |
				grep -v '^--$' | sed 's/^ */  kunit:   /' | head -n 40
		fi
		P=$((P + kp)); F=$((F + kf)); S=$((S + ks))
		KP=$kp; KT=$((kp + kf))
		echo "  kunit: $kp passed, $kf failed, $ks skipped"
		if [ -z "$kinsmod" ]; then
			fail "kunit: module load finished (crashed inside insmod)"
		fi
	fi
	grep -E '^[[:space:]]*(not )?ok [0-9]+ ' "$work/kunit" |
		sed -E 's/^[[:space:]]*(not )?ok [0-9]+ (- )?/kunit: /; s/ # .*//' >> "$CHECKS"
	bad=$(grep -E '^[[:space:]]*ok [0-9]+ .*# SKIP' "$work/kunit" | grep -Ev "$skip_ok")
	[ -z "$bad" ] || fail "kunit: no unexpected skip: $(echo "$bad" | sed 's/^ *//' | head -n 5 | paste -sd';')"
elif [ "${VMLAB_EXPECT_KUNIT:-0}" = 1 ]; then
	fail "kunit: the KUnit module ran (no kunit-begin marker)"
fi
if [ "${VMLAB_EXPECT_KUNIT:-0}" = 1 ] && [ "$kunit_started" -gt 0 ]; then
	missing=
	for c in $(cat "$VMLAB_TOP"/tests/kunit/*.c |
		sed -n 's/.*KUNIT_CASE[A-Z_]*(\([A-Za-z0-9_]*\).*/\1/p'); do
		grep -qE "^[[:space:]]*(not )?ok [0-9]+ (- )?$c( |\$)" "$work/kunit" ||
			missing+=" $c"
	done
	if [ -n "$missing" ]; then
		fail "kunit: every KUNIT_CASE of tests/kunit reported (missing:$missing)"
	else
		pass "kunit: every KUNIT_CASE of tests/kunit reported"
	fi
fi

# ---- scenarios (and the guest's own checks) ----
awk -v dir="$work" '
	/^@@VMLAB scenario-begin / { name = $3; on = 1; file = dir "/sc-" name; printf "" > file; next }
	/^@@VMLAB scenario-end / { on = 0; split($4, a, "="); print name, a[2] >> (dir "/ends"); close(file); next }
	on { print >> file }
' "$work/log"
for f in "$work"/sc-*; do
	[ -f "$f" ] || continue
	name=${f##*/sc-}
	sp=$(grep -cE '^ok [0-9]+' "$f")
	sk=$(grep -E '^ok [0-9]+' "$f" | grep -ci '# skip')
	sf=$(grep -cE '^not ok [0-9]+' "$f")
	sp=$((sp - sk))
	P=$((P + sp)); F=$((F + sf)); S=$((S + sk))
	[ "$name" = guest ] || { SP=$((SP + sp)); ST=$((ST + sp + sf)); }
	grep -E '^not ok [0-9]+' -A8 "$f" | grep -E '^(not ok|#)' | sed "s/^/  $name: /" | head -n 40
	grep -E '^(not )?ok [0-9]+' "$f" |
		sed -E "s/^(not )?ok [0-9]+ (- )?/$name: /; s/ # .*//" >> "$CHECKS"
	bad=$(grep -E '^ok [0-9]+ .*# SKIP' "$f" | grep -Ev "$skip_ok")
	[ -z "$bad" ] || fail "$name: no unexpected skip: $(echo "$bad" | head -n 5 | paste -sd';')"
	status=$(awk -v n="$name" '$1 == n { print $2 }' "$work/ends" 2>/dev/null | tail -n1)
	plan=$(grep -E '^1\.\.[0-9]+' "$f" | tail -n1 | cut -d. -f3)
	ran=$(grep -cE '^(not )?ok [0-9]+' "$f")
	if [ -z "$status" ]; then
		fail "$name: scenario finished (guest died inside it)"
	elif [ "$status" != 0 ] && [ "$sf" = 0 ]; then
		fail "$name: scenario exited with status $status"
	fi
	if [ "$status" = 0 ] && [ "$plan" != "$ran" ]; then
		fail "$name: plan 1..${plan:-?} but $ran results"
	fi
	echo "  $name: $sp passed, $sf failed${sk:+, $sk skipped}"
done

for name in ${VMLAB_EXPECT_SCENARIOS:-}; do
	[ -f "$work/sc-$name" ] || fail "$name: scenario ran (no result from this guest)"
done

echo "RESULT passed=$P failed=$F skipped=$S kunit=$KP/$KT scenarios=$SP/$ST"
