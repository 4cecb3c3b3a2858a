#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every vmlab test.
#   - dependencies, the KUnit test kernel (cached), tools
#   - tools/vmlab-map draws the frame maps in Documentation/images/ (PNG check)
#   - module builds (W=1; any compiler/modpost warning fails the build test):
#       test-main, test-kunit, test-bench  against the test kernel
#       stock-main                         against the Debian kernel headers
#   - DKMS add/build/install and make install against the Debian headers, in
#     a throwaway tree (stock kernel only)
#   - checkpatch (one test)
#   - layers: no file includes a higher layer's header (one test)
#   - htmldocs: Documentation/ builds with zero Sphinx/kernel-doc warnings
#   - vmlabctl's bash completion (tests/harness/completion-test.sh)
#   - in the guests, 85-debugfs-ref: Documentation/debugfs.rst lists exactly the
#     module's ctl commands and files; 86-tutorial, 87-vmlabctl
#   - plots: gnuplot renders the benchmark plots from sample CSVs (one test)
#   - guests: test kernel  x {5-level pti=on, 4-level nopti}: KUnit + scenarios
#             debug kernel (KASAN, UBSAN, KFENCE, kmemleak, lockdep...),
#               5-level pti=on: KUnit + scenarios + kmemleak scan
#             stock kernel x {5-level, 4-level} x {pti=on, nopti}: scenarios
#   - Debian's 6.12 kernel ("deb612"): W=1 build, 5- and 4-level with PTI
#     (all four of the stock kernel's legs under check-full);
#   - the fuzzer (70-fuzz) and the reload loop (72-arena-reload) run on a few
#     guests only (HEAVY_ON below; every guest under check-full); the SMP
#     stress (76-stress) on test-4lvl-ptioff, at -smp 4 (SMP_ON below);
#     the summary adds up fuzz commands and stress operations;
#     exported symbols only, for every module built (see its block below)
#     Each guest must report every KUnit case and every selected scenario;
#     the summary counts distinct checks x guests.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#
# Environment (for quick development runs):
#   VMLAB_KERNELS="test debug stock deb612"  VMLAB_PAGING="5 4"  VMLAB_PTI="on off"
#   VMLAB_SCENARIOS="00 10"     only scenarios whose names start with these
#   VMLAB_PARAMS="arena_mb=128" vmlab.ko parameters for the scenarios
#   VMLAB_SCENARIO_TIMEOUT=600  per-scenario timeout inside the guest
#   VMLAB_GUEST_ARGS="..."      more guest kernel arguments (vmltest.fuzz=N...)
#   VMLAB_SEEDS="1-50" VMLAB_STEPS=1000  53-randtest's seeds and steps per seed
#                               (default: its table, by guest name)
#   VMLAB_TIMEOUT=1500          per-guest timeout (seconds)
#   VMLAB_BUDGET=4500           whole-run budget (seconds; CI allows 90 min):
#                               guests are cut short (and fail) to keep to it
#   VMLAB_CHECKPATCH=0          skip checkpatch
#   VMLAB_VERBOSE=1             echo guest consoles while they run
#   VMLAB_BUILD=build           where module trees, initramfs and logs go
#                               (a private one avoids races with other builds)
#   MEM=2G SMP=2                guest size
#   VMLAB_FULL=1                make check-full: the whole matrix (below)
#   VMLAB_SMPS="1 4"            run every guest once per -smp value
set -uo pipefail
# The whole script is one block, so bash has read all of it before running:
# editing this file while it runs cannot change what the run does.
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"

KERNELS=${VMLAB_KERNELS:-test debug stock deb612}
PAGING=${VMLAB_PAGING:-5 4}
PTIS=${VMLAB_PTI:-on off}
TIMEOUT=${VMLAB_TIMEOUT:-1500}
BUDGET=${VMLAB_BUDGET:-4500}
B=${VMLAB_BUILD:-build}
case $B in /*) ;; *) B=$VMLAB_TOP/$B ;; esac
LOGS=$B/logs
GUESTS=$B/guest
mkdir -p "$LOGS" "$GUESTS"
rm -f "$LOGS"/check-*.log "$LOGS"/build-*.log "$LOGS"/checkpatch.log "$LOGS"/checks-*.txt

PASSED=0
FAILED=0
SUMMARY=()
t0=$(date +%s)
pass() { PASSED=$((PASSED + 1)); echo "ok     $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAILED $*"; SUMMARY+=("FAILED $*"); }
section() { echo; echo "=== $* ($(( $(date +%s) - t0 ))s)"; }
finish() {
	section "summary"
	for l in "${SUMMARY[@]}"; do echo "$l"; done
	local g d
	# 53-randtest's seeds and operations, summed over the guests.
	cat "$LOGS"/check-*.log 2>/dev/null | tr -d '\r' | awk '
		/^@@VMLAB randtest / { split($3, s, "="); split($4, o, "=");
			n++; seeds += s[2]; ops += o[2] }
		END { if (n) printf "randtest: %d operations over %d seeds compared on %d guest(s)\n",
			ops, seeds, n }'
	g=$(find "$LOGS" -name 'checks-*.txt' | wc -l)
	d=$(cat "$LOGS"/checks-*.txt 2>/dev/null | sort -u | wc -l)
	echo "checks: $d distinct x $g guest(s) (and the host checks)"
	# What the fuzzer and the stress did, over every guest that ran them.
	cat "$LOGS"/check-*.log 2>/dev/null | tr -d '\r' | awk '
		/^# vmlabfuzz: [0-9]+ commands/ { fc += $3; fs += $10; fg++ }
		/^# vmlabfuzz: full mix: [0-9]+/ { fm += $5; fq += $12 }
		/^# vmlabfuzz: [0-9]+ injected/ { fi += $3 }
		/^# vmlabstress: [0-9]+ ops in/ { so += $3; sp += $7; sg++ }
		# Why a fuzz or stress run failed: CI shows only this summary.
		/^# vmlabfuzz: (FAIL|regenerate)/ || /^# vmlabstress: (worker|check)/ {
			sub(/^# /, ""); why[nw++] = $0 }
		END {
			for (i = 0; i < nw && i < 20; i++) print why[i]
			if (fg) printf "fuzz: %d commands in %d guest(s), %d/s, %d injected failures survived\n",
				fc, fg, fs ? fc / fs : 0, fi
			if (fg) printf "fuzz: %d in the full mix, %d quick (mutations the parser should refuse)\n",
				fm, fq
			if (sg) printf "stress: %d operations in %d guest(s), %d pages verified\n", so, sg, sp
		}'
	echo "logs: $LOGS"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit $?
}

want() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

# ---- dependencies, kernels, tools -------------------------------------------
section "dependencies"
if scripts/install-deps.sh > "$LOGS/install-deps.log" 2>&1; then
	pass "install-deps"
else
	tail -n 20 "$LOGS/install-deps.log"
	fail "install-deps (see $LOGS/install-deps.log)"
	finish
fi

STOCK=
if want "$KERNELS" stock; then
	if STOCK=$(vml_stock_release); then
		pass "stock kernel found: $STOCK"
	else
		fail "no installed linux-image-*-amd64 with matching linux-headers"
		KERNELS=${KERNELS//stock/}
	fi
fi

KT=
if want "$KERNELS" test || want "$KERNELS" bench; then
	section "test kernel"
	if KT=$(tests/harness/test-kernel.sh --print-dir 2> >(tee "$LOGS/test-kernel.log" >&2)); then
		pass "test kernel built: $KT"
		if tests/harness/test-kernel.sh --verify 2>&1 | tee -a "$LOGS/test-kernel.log" |
			grep -q 'did not survive'; then
			fail "test kernel .config has every fragment option (see $LOGS/test-kernel.log)"
		else
			pass "test kernel .config has every fragment option"
		fi
	else
		fail "test kernel build (see $LOGS/test-kernel.log)"
		KERNELS=${KERNELS//test/}
		KT=
	fi
fi
KD=
if want "$KERNELS" debug; then
	section "debug test kernel"
	if KD=$(tests/harness/test-kernel.sh --debug --print-dir 2> >(tee "$LOGS/debug-kernel.log" >&2)); then
		pass "debug kernel built: $KD"
		if tests/harness/test-kernel.sh --debug --verify 2>&1 | tee -a "$LOGS/debug-kernel.log" |
			grep -q 'did not survive'; then
			fail "debug kernel .config has every fragment option (see $LOGS/debug-kernel.log)"
		else
			pass "debug kernel .config has every fragment option"
		fi
	else
		fail "debug kernel build (see $LOGS/debug-kernel.log)"
		KERNELS=${KERNELS//debug/}
		KD=
	fi
fi

section "tools"
if make -s tools > "$LOGS/build-tools.log" 2>&1 && ! grep -qi 'warning:' "$LOGS/build-tools.log"; then
	pass "tools build without warnings"
else
	cat "$LOGS/build-tools.log"
	fail "tools build without warnings"
fi

if out=$(tests/harness/completion-test.sh 2>&1); then
	pass "$out"
else
	echo "$out"
	fail "vmlabctl bash completion (tests/harness/completion-test.sh)"
fi

# ---- frame-map pictures (issue 16) ----------------------------------------------
# tools/vmlab-map draws each frame map captured in Documentation/images/
# (tests/harness/run.sh --pictures); the PNG must be valid, of the size
# --geometry gives, with every frame's square in its byte's colour; and the
# check must fail when one byte of the map no longer matches the picture.
section "frame-map pictures"
mkdir -p "$B/pictures"
for fm in Documentation/images/*.framemap; do
	[ -f "$fm" ] || continue
	n=${fm##*/}; n=${n%.framemap}
	if tools/vmlab-map -a "${fm%.framemap}.arena" "$fm" "$B/pictures/$n.png" > /dev/null &&
	   out=$(tests/harness/png-check.py tools/vmlab-map "$fm" "$B/pictures/$n.png"); then
		pass "vmlab-map: $n: ${out#*: }"
	else
		fail "vmlab-map: $n: ${out:-could not draw it}"
	fi
done
if [ -f "${fm:-}" ]; then
	python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) // 2] ^= 0x18
open(sys.argv[2], "wb").write(d)' "$fm" "$B/pictures/changed.framemap"
	if ! tests/harness/png-check.py tools/vmlab-map "$B/pictures/changed.framemap" \
		"$B/pictures/$n.png" > /dev/null; then
		pass "png-check fails when one frame's byte differs from the picture"
	else
		fail "png-check passed a picture that does not match its frame map"
	fi
fi

# ---- module builds -------------------------------------------------------------
build() {	# build <name> <kdir> <flavor>
	local name=$1 kdir=$2 flavor=$3 log=$LOGS/build-$1.log nw
	local ko=$B/$name/vmlab.ko
	case $flavor in kunit|bench) ko=$B/$name/vmlab_$flavor.ko ;; esac
	if make -j"$VMLAB_JOBS" modules KDIR="$kdir" FLAVOR="$flavor" OUT="$B/$name" W=1 > "$log" 2>&1 &&
	   [ -f "$ko" ]; then
		nw=$(grep -ci 'warning:' "$log")
		if [ "$nw" = 0 ]; then
			pass "build $name ($flavor against ${kdir##*/})"
			return 0
		fi
		grep -i -A3 'warning:' "$log" | head -n 40
		fail "build $name: $nw warning(s) (see $log)"
		return 0
	fi
	grep -E -i -A3 'error|warning:' "$log" | head -n 40
	fail "build $name ($flavor against ${kdir##*/}) (see $log)"
	return 1
}
section "module builds"
# Rebuild from scratch so warnings of unchanged files are seen again.
for n in test-main test-kunit test-bench debug-main debug-kunit stock-main; do
	rm -rf "${B:?}/$n"
done
HAVE=" "
if [ -n "$KT" ]; then
	build test-main "$KT" main && HAVE+="test-main "
	build test-kunit "$KT" kunit && HAVE+="test-kunit "
	if ls tests/bench/*.c >/dev/null 2>&1; then
		build test-bench "$KT" bench
	fi
fi
if [ -n "$KD" ]; then
	build debug-main "$KD" main && HAVE+="debug-main "
	build debug-kunit "$KD" kunit && HAVE+="debug-kunit "
fi
if [ -n "$STOCK" ]; then
	build stock-main "/usr/src/linux-headers-$STOCK" main && HAVE+="stock-main "
fi

# ---- DKMS and make install against the stock headers (issue 16) ------------
# dkms add/build/install of vmlab.ko for $STOCK from a copy of the tracked
# sources, in a throwaway tree: --dkmstree/--sourcetree/--installtree under
# a temp dir, the signing key there too (dkms reads sign_file/mok_* from the
# environment when framework.conf does not set them), --no-depmod.  Then
# `make install INSTALL_MOD_PATH=<tmp>` from the stock-main tree.  Nothing
# may appear in /var/lib/dkms (no mok.key either) or as /usr/src/vmlab*;
# the temp dir is removed.
if [ -n "$STOCK" ]; then
	section "DKMS and make install (stock headers)"
	dk_log=$LOGS/dkms.log dk_start=$(date +%s)
	dk=$(mktemp -d "${TMPDIR:-/tmp}/vmlab-dkms.XXXXXX")
	dk_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	dk_state() { ls -A /var/lib/dkms 2>/dev/null; ls -d /usr/src/vmlab* 2>/dev/null; }
	dk_before=$(dk_state)
	dk_opt=(--dkmstree "$dk/tree" --sourcetree "$dk/src" --installtree "$dk/lib/modules")
	dk_ko=$dk/lib/modules/$STOCK/updates/dkms/vmlab.ko
	mkdir -p "$dk/checkout" "$dk/tree" "$dk/src" "$dk/lib/modules/$STOCK"
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dk/checkout"
	if ! command -v dkms >/dev/null; then
		fail "DKMS: no dkms (scripts/install-deps.sh installs it)"
	elif (export sign_file= mok_signing_key="$dk/mok.key" mok_certificate="$dk/mok.pub"
	      dkms add "${dk_opt[@]}" "$dk/checkout" &&
	      dkms build "${dk_opt[@]}" -m vmlab -v "$dk_ver" -k "$STOCK" -j "$VMLAB_JOBS" &&
	      dkms install "${dk_opt[@]}" --no-depmod -m vmlab -v "$dk_ver" -k "$STOCK" &&
	      dkms status "${dk_opt[@]}") > "$dk_log" 2>&1 &&
	   [ "$(modinfo -F vermagic "$dk_ko" 2>/dev/null | cut -d' ' -f1)" = "$STOCK" ] &&
	   grep -q "^vmlab/$dk_ver, $STOCK, x86_64: installed" "$dk_log"; then
		pass "DKMS: vmlab/$dk_ver built and installed for $STOCK in $(( $(date +%s) - dk_start ))s"
	else
		tail -n 30 "$dk_log"
		fail "DKMS: vmlab.ko for $STOCK (see $dk_log)"
	fi
	if want "$HAVE" stock-main &&
	   make install KDIR="/usr/src/linux-headers-$STOCK" OUT="$B/stock-main" \
		INSTALL_MOD_PATH="$dk/root" >> "$dk_log" 2>&1 &&
	   grep -q '^extra/vmlab.ko:' "$dk/root/lib/modules/$STOCK/modules.dep"; then
		pass "make install: extra/vmlab.ko for $STOCK, in modules.dep"
	elif want "$HAVE" stock-main; then
		fail "make install INSTALL_MOD_PATH=<tmp> (see $dk_log)"
	fi
	rm -rf "$dk"
	if [ "$(dk_state)" = "$dk_before" ]; then
		pass "DKMS: nothing left in /var/lib/dkms or /usr/src"
	else
		fail "DKMS: the test left files in /var/lib/dkms or /usr/src"
	fi
fi

if [ "${VMLAB_CHECKPATCH:-1}" != 0 ] && [ -x scripts/checkpatch.sh ]; then
	section "checkpatch"
	if scripts/checkpatch.sh > "$LOGS/checkpatch.log" 2>&1; then
		pass "checkpatch --strict clean"
	else
		grep -v '^total:' "$LOGS/checkpatch.log" | head -n 40
		fail "checkpatch --strict: $(grep -cE ':[0-9]+: (ERROR|WARNING|CHECK):' "$LOGS/checkpatch.log") finding(s) (see $LOGS/checkpatch.log)"
	fi
fi

# make htmldocs: zero Sphinx or kernel-doc warnings, every header's
# kernel-doc in some page (issue 16).
if [ -x scripts/htmldocs.sh ]; then
	section "htmldocs"
	if out=$(VMLAB_BUILD=$B scripts/htmldocs.sh 2>&1); then
		pass "$(echo "$out" | tail -n 1)"
	else
		echo "$out" | head -n 40
		fail "htmldocs: $(echo "$out" | tail -n 1)"
	fi
fi

# The benchmark plots: gnuplot renders every plot from the checked-in
# sample CSVs (tests/bench/sample/) into valid PNGs (a few seconds).
section "plots"
if out=$(python3 tests/harness/bench-plot.py selftest 2>&1); then
	pass "$(echo "$out" | tail -n 1)"
else
	echo "$out" | tail -n 20
	fail "bench-plot.py selftest: the plots do not render"
fi

if [ -x scripts/check-layers.sh ]; then
	section "layers"
	if out=$(scripts/check-layers.sh 2>&1); then
		pass "$out"
	else
		echo "$out" | head -n 40
		fail "check-layers: a file includes the header of a layer above its own"
	fi
fi

# ---- guests ----------------------------------------------------------------------
# make check-full (VMLAB_FULL=1): every guest at -smp 1 and -smp 4, the test
# and debug kernels at every paging x PTI pair.
FULL=${VMLAB_FULL:-0}
SMPS=${VMLAB_SMPS:-}
[ "$FULL" = 1 ] && [ -z "$SMPS" ] && SMPS="1 4"
guest() {	# as guest1, once per -smp of $SMPS
	local s h n
	if [ -z "$SMPS" ]; then
		for h in $SMP_ON; do
			n=${h#*:}
			[ "${h%%:*}" = "$1" ] && { SMP=$n guest1 "$@"; return; }
		done
		guest1 "$@"
		return
	fi
	for s in $SMPS; do
		SMP=$s guest1 "$1-smp$s" "${@:2}"
	done
}
legs() {	# legs <kernel>: "paging pti args" lines for its guests
	local pg pti a ptis=$PTIS
	[ "$1" = stock ] || ptis="on off"
	for pg in $PAGING; do
		for pti in $ptis; do
			a=""; [ "$pg" = 4 ] && a="no5lvl "
			if [ "$pti" = on ]; then a+="pti=on"; else a+="nopti"; fi
			# On the debug kernel (KASAN, lockdep, TCG) ACPI's _PRT
			# method outlives its 30 s loop limit: the swap disk then
			# gets no interrupt and its probe waits for ever (no
			# /init). The BIOS's PIRQ table routes it instead.
			[ "$1" = debug ] && a+=" acpi=noirq"
			# Outside check-full the test kernel runs 5-level with PTI
			# and 4-level without, the debug kernel 5-level with PTI.
			if [ "$FULL" != 1 ] && [ "$1" != stock ]; then
				[ "$pg$pti" = 5on ] || { [ "$1$pg$pti" = test4off ] || continue; }
			fi
			echo "$pg $pti $a"
		done
	done
}
guest1() {	# guest1 <name> <bzImage> <initrd> <paging> <pti|""> <args>
	local name=$1 kernel=$2 initrd=$3 paging=$4 pti=$5 args=$6 rc out res
	local log=$LOGS/check-$name.log start=$(date +%s)
	local extra="vmltest.mode=check vmltest.guest=$name" sc
	sc=$(guest_scenarios "$name")
	[ -n "$sc" ] && extra+=" vmltest.scenarios=${sc// /,}"
	[ -n "${VMLAB_SEEDS:-}" ] && extra+=" vmltest.seeds=${VMLAB_SEEDS// /,}"
	[ -n "${VMLAB_STEPS:-}" ] && extra+=" vmltest.steps=$VMLAB_STEPS"
	[ -n "${VMLAB_PARAMS:-}" ] && extra+=" vmltest.params=${VMLAB_PARAMS// /,}"
	[ -n "${VMLAB_SCENARIO_TIMEOUT:-}" ] && extra+=" vmltest.timeout=$VMLAB_SCENARIO_TIMEOUT"
	[ -n "${VMLAB_GUEST_ARGS:-}" ] && extra+=" $VMLAB_GUEST_ARGS"
	section "guest $name: $args"
	local left=$(( t0 + BUDGET - $(date +%s) )) to=$TIMEOUT
	[ "$left" -lt "$to" ] && to=$left
	if [ "$to" -lt 60 ]; then
		fail "guest $name: not run (time budget VMLAB_BUDGET=${BUDGET}s used up)"
		return
	fi
	# A scenario still running 40 s before the host stops QEMU is
	# stopped by the guest, which dumps every blocked task's stack.
	extra+=" vmltest.deadline=$((to - 40))"
	if [ "${VMLAB_VERBOSE:-0}" = 1 ]; then
		tests/harness/qemu.sh -k "$kernel" -i "$initrd" -a "$extra $args" \
			-l "$log" -t "$to" ${SWAPDISK:+-d "$SWAPDISK"}
	else
		tests/harness/qemu.sh -k "$kernel" -i "$initrd" -a "$extra $args" \
			-l "$log" -t "$to" ${SWAPDISK:+-d "$SWAPDISK"} --quiet
	fi
	rc=$?
	out=$(VMLAB_CHECKS_OUT=$LOGS/checks-$name.txt VMLAB_EXPECT_SCENARIOS=${sc:-$EXPECT_SC} \
		VMLAB_EXPECT_KUNIT=$EXPECT_KUNIT \
		tests/harness/parse-guest.sh "$log" "$rc" "$paging" "$pti")
	echo "$out" | grep -v '^RESULT '
	res=$(echo "$out" | grep '^RESULT ' | tail -n1)
	local p f k s
	p=$(echo "$res" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
	f=$(echo "$res" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
	k=$(echo "$res" | sed -n 's/.*kunit=\([0-9/]*\).*/\1/p')
	s=$(echo "$res" | sed -n 's/.*scenarios=\([0-9/]*\).*/\1/p')
	PASSED=$((PASSED + ${p:-0}))
	FAILED=$((FAILED + ${f:-0}))
	[ -n "$p" ] || fail "guest $name: log could not be parsed"
	line="guest $name: ${p:-0} passed, ${f:-0} failed (kunit $k, scenarios $s) in $(( $(date +%s) - start ))s"
	echo "$line"
	SUMMARY+=("$line")
	# CI shows only the end of the output: name the failures there too.
	local fl
	while IFS= read -r fl; do
		SUMMARY+=("    $name: ${fl#"${fl%%[![:space:]]*}"}")
	done < <(echo "$out" | grep -E 'not ok|FAILED' | head -n 12)
}

# Every guest gets the swap disk as /dev/vda (78-swapdisk): 64 MiB made by
# the host's mkswap, once per run, attached with snapshot=on.
rm -f "$GUESTS/swapdisk.img"
SWAPDISK=$(vml_swapdisk "$B") || SWAPDISK=
[ -n "$SWAPDISK" ] || fail "swap disk image (mkswap)"

# Every guest must run these scenarios (and, with a KUnit module, every case).
EXPECT_SC=
for f in tests/scenarios/[0-9]*.sh; do
	n=${f##*/}; n=${n%.sh}
	for m in ${VMLAB_SCENARIOS:-$n}; do
		case $n in "$m"*) EXPECT_SC+="$n "; break ;; esac
	done
done
# The scenarios that take minutes (the fuzzer, the reload loop) run on a
# few guests only, outside check-full and unless VMLAB_SCENARIOS names
# them: guest_scenarios <guest> prints that guest's list (empty: all).
# The reload loop runs on the kernel users run: on the debug kernel,
# KASAN's quarantine and kmemleak keep unmovable slab pages scattered
# through memory (seen: "holds an unmovable page" under page-cache churn).
# Scenarios of one interface (tracing, the frame map, the docs, vmlabctl)
# and the minute-long reclaim and swap-out ones (and the OOM killer's) are
# spread so that every kernel and both paging modes see each, without
# every guest paying each.
HEAVY_ON="70-fuzz:test-5lvl-ption,debug-5lvl-ption,stock-5lvl-ption,stock-4lvl-ptioff
72-arena-reload:stock-5lvl-ption
76-stress:test-4lvl-ptioff
56-trace:test-5lvl-ption,stock-5lvl-ption,deb612-5lvl-ption
57-framemap:test-4lvl-ptioff,debug-5lvl-ption,stock-4lvl-ption
73-reclaim:test-5lvl-ption,stock-4lvl-ptioff,deb612-4lvl-ption
74-swapout:test-4lvl-ptioff,debug-5lvl-ption,stock-5lvl-ptioff,stock-4lvl-ption,deb612-5lvl-ption
75-oom:test-4lvl-ptioff,debug-5lvl-ption,stock-5lvl-ptioff,deb612-5lvl-ption
78-swapdisk:test-5lvl-ption,stock-4lvl-ption,deb612-5lvl-ption
77-shmswap:test-5lvl-ption,debug-5lvl-ption,stock-4lvl-ptioff,deb612-4lvl-ption
85-debugfs-ref:test-5lvl-ption,stock-5lvl-ption,deb612-5lvl-ption
86-tutorial:test-5lvl-ption,stock-5lvl-ption
87-vmlabctl:test-4lvl-ptioff,stock-5lvl-ption"
# Guests that run with more vCPUs than SMP (default 2) outside check-full
# and VMLAB_SMPS: the SMP stress wants four CPUs racing (lockdep on).
SMP_ON="test-4lvl-ptioff:4"
# The debug kernel (KASAN, kmemleak, lockdep) runs several times slower
# than the others: outside check-full it runs KUnit and the scenarios that
# drive the most code per second through allocation, fault, fork, rmap,
# reclaim and swap paths, races and injected failures; the others run on
# every other 6.1 guest.
DEBUG_SC="00-foundation 50-fault 53-randtest 60-security 61-races 70-fuzz 71-fail 74-swapout 75-oom 77-shmswap"
guest_scenarios() {
	local g=${1%-smp*} n h on out=
	if [ -n "${VMLAB_SCENARIOS:-}" ]; then
		echo "$EXPECT_SC"
		return
	fi
	[ "$FULL" = 1 ] && return
	for n in $EXPECT_SC; do
		case $g in debug-*) want "$DEBUG_SC" "$n" || continue ;; esac
		on=
		while IFS=: read -r h on; do
			[ "$h" = "$n" ] && break
			on=
		done <<< "$HEAVY_ON"
		[ -n "$on" ] && ! want "${on//,/ }" "$g" && continue
		out+="$n "
	done
	echo "$out"
}
# kernel_guests <kernel> <image> <module builds...>: its initramfs, then
# its guests; every KUnit case is expected when a kunit module is there.
kernel_guests() {
	local k=$1 image=$2 pg p a m mods=()
	shift 2
	EXPECT_KUNIT=0
	for m in "$@"; do
		want "$HAVE" "$m" || continue
		case $m in
		*-kunit) mods+=("$B/$m/vmlab_kunit.ko"); EXPECT_KUNIT=1 ;;
		*) mods+=("$B/$m/vmlab.ko") ;;
		esac
	done
	if tests/harness/initramfs.sh "$GUESTS/$k-check.cpio.gz" "${mods[@]}"; then
		while read -r pg p a; do
			guest "$k-${pg}lvl-pti$p" "$image" "$GUESTS/$k-check.cpio.gz" \
				"$pg" "$p" "$a" < /dev/null
		done < <(legs "$k")
	else
		fail "initramfs for the $k kernel"
	fi
}
want "$KERNELS" test && want "$HAVE" test-main &&
	kernel_guests test "$KT/arch/x86/boot/bzImage" test-main test-kunit
want "$KERNELS" debug && want "$HAVE" debug-main &&
	kernel_guests debug "$KD/arch/x86/boot/bzImage" debug-main debug-kunit
EXPECT_KUNIT=0
# The stock kernel's legs, scenarios in PAGING x PTIS, for a distribution
# kernel: distro_legs <name> <bzImage> <vmlab.ko> [extra modules...]
distro_legs() {
	local name=$1 image=$2 ko=$3 pg pti a

	shift 3
	if ! tests/harness/initramfs.sh "$GUESTS/$name-check.cpio.gz" "$ko" "$@"; then
		fail "initramfs for the $name kernel"
		return
	fi
	for pg in $PAGING; do
		for pti in $PTIS; do
			# Outside check-full a newer kernel runs with PTI only.
			[ "$FULL" != 1 ] && [ "$name" != stock ] && [ "$pti" != on ] && continue
			a=""; [ "$pg" = 4 ] && a="no5lvl "
			if [ "$pti" = on ]; then a+="pti=on"; else a+="nopti"; fi
			guest "$name-${pg}lvl-pti$pti" "$image" \
				"$GUESTS/$name-check.cpio.gz" "$pg" "$pti" "$a"
		done
	done
}
if want "$KERNELS" stock && want "$HAVE" stock-main; then
	# brd.ko (a RAM block device) lets 70-swap drive swap bios; the
	# virtio disk's drivers give 78-swapdisk /dev/vda.
	brd=/lib/modules/$STOCK/kernel/drivers/block/brd.ko
	[ -f "$brd" ] || brd=
	mapfile -t vio < <(vml_kmod_closure "/lib/modules/$STOCK" virtio_pci virtio_blk)
	distro_legs stock "/boot/vmlinuz-$STOCK" "$B/stock-main/vmlab.ko" ${brd:+"$brd"} \
		"${vio[@]/#/boot:}"
fi

# ---- Debian 12's 6.12 kernel; exported symbols only (issue 15) -------------
# "deb612" is Debian's newest linux-image-6.12.*+deb12, fetched into the
# cache without installing (tests/harness/deb-kernel.sh).  vmlab.ko and
# vmlab_bench.ko are built against it with W=1, and vmlab.ko runs the stock
# kernel's legs.  Every module built may import only symbols its kernel
# exports (tests/harness/symcheck.sh), and the check is shown to fail on a
# symbol Module.symvers lacks.
DEB=
if want "$KERNELS" deb612; then
	section "Debian 6.12 kernel"
	if paths=$(vml_kernel_paths deb612 2> >(tee "$LOGS/deb612-kernel.log" >&2) &&
		   echo "$kdir $image"); then
		read -r DEB DEB_IMAGE <<< "$paths"
		pass "Debian 6.12 kernel: ${DEB##*/linux-headers-}"
		rm -rf "${B:?}/deb612-main" "${B:?}/deb612-bench"
		build deb612-main "$DEB" main && HAVE+="deb612-main "
		build deb612-bench "$DEB" bench && HAVE+="deb612-bench "
	else
		fail "Debian 6.12 kernel fetch (see $LOGS/deb612-kernel.log)"
	fi
fi
section "exported symbols only"
for n in $HAVE; do
	case $n in
	test-*) skd=$KT ;;
	debug-*) skd=$KD ;;
	stock-*) skd=/usr/src/linux-headers-$STOCK ;;
	deb612-*) skd=$DEB ;;
	*) continue ;;
	esac
	for sko in "$B/$n"/*.ko; do
		if out=$(tests/harness/symcheck.sh "$sko" "$skd"); then
			pass "$n: $out"
		else
			fail "$n: $out"
		fi
	done
done
if [ -n "${sko:-}" ] && [ -f "$sko" ]; then
	sym=$(nm -u "$sko" | awk '{ print $2; exit }')
	awk -v s="$sym" '$2 != s' "$skd/Module.symvers" > "$B/symvers-without-one"
	if ! out=$(tests/harness/symcheck.sh "$sko" "$skd" "$B/symvers-without-one") &&
	   [[ $out == *"exported by ${skd##*/}: $sym;"* ]]; then
		pass "symbol check refuses $sym once Module.symvers lacks it"
	else
		fail "symbol check did not refuse $sym missing from Module.symvers: $out"
	fi
fi
if want "$KERNELS" deb612 && want "$HAVE" deb612-main; then
	mapfile -t vio < <(vml_kmod_closure "${DEB%/usr/src/*}/lib/modules/${DEB##*/linux-headers-}" \
		virtio_pci virtio_blk)
	distro_legs deb612 "$DEB_IMAGE" "$B/deb612-main/vmlab.ko" "${vio[@]/#/boot:}"
fi

# ---- instruction-count gate (issue 17; tests/harness/bench-gate.sh) ---------
# vmlab's instructions/op on the stock kernel under QEMU -icount against
# tests/bench/baseline-icount.csv: >10% more, a missing row or a failed guest
# fails. Runs whenever the stock kernel is tested (VMLAB_BENCH_GATE=0|1).
if [ "${VMLAB_BENCH_GATE:-$(want "${VMLAB_KERNELS:-test stock}" stock && echo 1)}" = 1 ]; then
	section "instruction-count gate (stock kernel, QEMU -icount)"
	if [ -z "${STOCK:-$(vml_stock_release)}" ]; then
		fail "instruction-count gate: no stock kernel to run it on"
	elif VMLAB_BUILD=$B tests/harness/bench-gate.sh > "$LOGS/bench-gate.log" 2>&1; then
		grep -E '^(guest time|note)' "$LOGS/bench-gate.log"
		pass "instruction-count gate: $(grep 'rows within' "$LOGS/bench-gate.log")"
	else
		grep -E '^(FAILED|guest time|note)|bench guest|error' "$LOGS/bench-gate.log" | head -n 30
		fail "instruction-count gate (see $LOGS/bench-gate.log)"
	fi
fi

finish
exit
}
