#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the vmlab test guest (busybox sh).  The kernel command line picks
# what it does:
#   vmltest.mode=check|kunit|run|shell|pictures|bench|counters|boot
#                              (default check; boot just boots and exits,
#                              for timing; pictures: tests/harness/pictures.sh;
#                              counters: tests/harness/counters.sh)
#   vmltest.params=a=1,b=2     module parameters (comma separated) for vmlab.ko
#                              (vmlab_bench.ko in bench mode)
#   vmltest.scenarios=00,10    only scenarios whose name starts with these
#   vmltest.timeout=SECONDS    per-scenario timeout (default 600)
#   vmltest.deadline=SECONDS   guest uptime by which every scenario must end
#                              (the host's timeout less a margin): a scenario
#                              still running then is stopped the same way as
#                              one past its own timeout, stacks dumped
#   vmltest.guest=NAME         the guest's name in make check (53-randtest's seeds)
#   vmltest.fuzz=N, vmltest.fuzz_seed=S, vmltest.fuzz_time=SECONDS
#                              the fuzzer scenario's commands, seed, time
#   vmltest.stress_ops=N       76-stress: operations per stress process
#   vmltest.stress_swap_ops=N  76-stress: operations per process with swap
# Everything the host parses is framed by "@@VMLAB ..." marker lines; the last
# one is "@@VMLAB end status=N", then guest-exit ends QEMU.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -e /proc/self/fd/1 ] || exec </dev/console >/dev/console 2>&1
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
cd /

MODE=check
PARAMS=
FILTER=
STIMEOUT=600
DEADLINE=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vmltest.mode=*) MODE=${arg#*=} ;;
	vmltest.params=*) PARAMS=$(echo "${arg#*=}" | tr ',' ' ') ;;
	vmltest.scenarios=*) FILTER=$(echo "${arg#*=}" | tr ',' ' ') ;;
	vmltest.timeout=*) STIMEOUT=${arg#*=} ;;
	vmltest.deadline=*) DEADLINE=${arg#*=} ;;
	vmltest.fuzz=*) export VMLAB_FUZZ_COMMANDS=${arg#*=} ;;
	vmltest.fuzz_seed=*) export VMLAB_FUZZ_SEED=${arg#*=} ;;
	vmltest.fuzz_time=*) export VMLAB_FUZZ_SECONDS=${arg#*=} ;;
	vmltest.stress_ops=*) export VMLAB_STRESS_OPS=${arg#*=} ;;
	vmltest.stress_swap_ops=*) export VMLAB_STRESS_SWAP_OPS=${arg#*=} ;;
	vmltest.guest=*) export VMLAB_GUEST=${arg#*=} ;;
	vmltest.seeds=*) export VMLAB_SEEDS=${arg#*=} ;;
	vmltest.steps=*) export VMLAB_STEPS=${arg#*=} ;;
	esac
done
MODDIR=/lib/vmlab
DBG=/sys/kernel/debug/vmlab
PATTERNS=/etc/vmlab/dmesg-patterns
IGNORE=/etc/vmlab/dmesg-ignore
KUNIT_IGNORE=/etc/vmlab/dmesg-kunit-ignore
KMEMLEAK=/sys/kernel/debug/kmemleak
export VMLAB_KO=$MODDIR/vmlab.ko VMLAB_PARAMS="$PARAMS"

# Drivers the kernel has as modules (initramfs.sh boot:), in order: the
# virtio disk's on the Debian kernels. Failures show in the boot dmesg.
for m in /lib/vmlab/boot/*.ko; do
	[ -f "$m" ] && { insmod "$m" || echo "insmod $m failed"; }
done

PAGING=4
grep -qw la57 /proc/cpuinfo && PAGING=5
PTI=off
grep -qw pti /proc/cpuinfo && PTI=on
echo "@@VMLAB boot mode=$MODE kernel=$(uname -r) paging=$PAGING pti=$PTI" \
	"cpus=$(grep -c ^processor /proc/cpuinfo) uptime=$(cut -d' ' -f1 /proc/uptime)"

finish() {
	echo "@@VMLAB end status=$1"
	sync
	guest-exit "$1"
	echo "guest-exit failed; rebooting (QEMU -no-reboot exits)" >&2
	reboot -f
	sleep 10
}

# ---- guest-level TAP (the "guest" pseudo-scenario) ----
T=0
FAILED=0
RESULTS=/tmp/guest-results
: > $RESULTS
tap() {
	T=$((T + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T - $2" >> $RESULTS
	else
		echo "not ok $T - $2" >> $RESULTS
		FAILED=$((FAILED + 1))
	fi
	[ -z "$3" ] || sed 's/^/# /' "$3" | head -n 60 >> $RESULTS
}

strip_ts() { sed 's/^\[ *[0-9]*\.[0-9]*\] //'; }

# Append the kernel messages since the last call to $1 (and clear them).
dmesg_take() { dmesg -c | strip_ts >> "$1"; }

dmesg_check() {	# dmesg_check <desc> <file> [extra ignore file]
	if grep -F -f $PATTERNS "$2" | grep -v -F -f $IGNORE |
		grep -v -F -f "${3:-$IGNORE}" > /tmp/bad; then
		tap 1 "$1" /tmp/bad
	else
		tap 0 "$1"
	fi
}

loaded() { grep -q "^$1 " /proc/modules; }

TRACEFS=/sys/kernel/tracing
bench_trace_setup() {
	mount -t tracefs tracefs $TRACEFS 2>/dev/null
	echo 0 > $TRACEFS/tracing_on
	echo 65536 > $TRACEFS/buffer_size_kb
	echo 0 > $TRACEFS/options/funcgraph-irqs
	echo function_graph > $TRACEFS/current_tracer
}

# Per side of the traced batch: function calls, distinct functions and the
# distinct 4 KiB pages holding their entry points (from /proc/kallsyms);
# then the 30 most called functions of each side.
bench_trace_summary() {
	echo "@@VMLAB trace tracer=$(cat $TRACEFS/current_tracer) lines=$(wc -l < $TRACEFS/trace)"
	grep -m 4 -n 'bench_trace_mark' $TRACEFS/trace
	sed -n '1,12p' $TRACEFS/trace
	awk -v ks=/proc/kallsyms '
	BEGIN { side = "" }
	/bench_trace_mark_vmlab/ { side = "vmlab"; next }
	/bench_trace_mark_host/ { side = "host"; next }
	side != "" && match($0, /[A-Za-z_][A-Za-z0-9_.]*( \[[A-Za-z0-9_]+\])?\(\)/) {
		f = substr($0, RSTART, RLENGTH - 2)
		sub(/ \[.*/, "", f)
		calls[side]++
		if (!((side, f) in n))
			distinct[side]++
		n[side, f]++
		want[f] = 1
	}
	END {
		while ((getline l < ks) > 0) {
			split(l, k, " ")
			if ((k[3] in want) && !(k[3] in addr))
				addr[k[3]] = substr(k[1], 1, length(k[1]) - 3)
		}
		for (key in n) {
			split(key, p, SUBSEP)
			if ((p[2] in addr) && !((p[1], addr[p[2]]) in pg)) {
				pg[p[1], addr[p[2]]] = 1
				pages[p[1]]++
			}
			print "@@FN " p[1] " " n[key] " " p[2] > "/tmp/fn.txt"
		}
		for (s in calls)
			print "@@VMLAB trace side=" s " calls=" calls[s] \
				" distinct=" distinct[s] " pages=" pages[s]
	}' $TRACEFS/trace
	for side in vmlab host; do
		grep "^@@FN $side " /tmp/fn.txt | sort -k3 -rn | head -n 30
	done
}

unload() {	# unload <module> if it is loaded
	loaded "$1" || return 0
	rmmod "$1" || return 1
	! loaded "$1"
}

vmlab_load() {
	# shellcheck disable=SC2086
	insmod $VMLAB_KO $PARAMS
}

# KUnit provokes some of vmlab's complaints on purpose (a refused PTE, a
# refused window): its messages are checked apart, with dmesg-kunit-ignore.
run_kunit() {
	[ -f $MODDIR/vmlab_kunit.ko ] || return 0
	dmesg_take /tmp/dmesg-tests
	echo "@@VMLAB kunit-begin"
	insmod $MODDIR/vmlab_kunit.ko
	rc=$?
	dmesg -c | strip_ts | tee -a /tmp/dmesg-kunit
	echo "@@VMLAB kunit-end insmod=$rc"
	[ $rc = 0 ] || tap 1 "insmod vmlab_kunit.ko (status $rc)"
	if [ $rc = 0 ]; then
		unload vmlab_kunit
		tap $? "rmmod vmlab_kunit"
	fi
	dmesg_take /tmp/dmesg-kunit
	dmesg_check "dmesg clean during KUnit and its unload" /tmp/dmesg-kunit \
		$KUNIT_IGNORE
}

# Debug kernel: a kmemleak scan after the last unload must find nothing
# allocated by vmlab (its frames, or a module address it no longer resolves).
kmemleak_clear() { [ -w $KMEMLEAK ] && echo clear > $KMEMLEAK; }
kmemleak_check() {
	[ -w $KMEMLEAK ] || return 0
	sleep 6		# kmemleak reports only objects older than 5 s
	echo scan > $KMEMLEAK
	echo scan > $KMEMLEAK
	cat $KMEMLEAK > /tmp/kmemleak
	awk '/^unreferenced object/ { if (rec ~ /vmlab|\] 0xffffffff[a-f]/) print rec; rec = "" }
	     { rec = rec $0 "\n" }
	     END { if (rec ~ /vmlab|\] 0xffffffff[a-f]/) print rec }' /tmp/kmemleak > /tmp/kml-vmlab
	if [ -s /tmp/kml-vmlab ]; then
		tap 1 "kmemleak: nothing of vmlab's leaked" /tmp/kml-vmlab
	else
		tap 0 "kmemleak: nothing of vmlab's leaked ($(grep -c '^unreferenced' /tmp/kmemleak) other)"
	fi
}

# The per-scenario timeout, cut to what is left before the deadline: a
# hang near the end of the host's time still gets its stacks dumped.
scenario_timeout() {
	awk -v t="$STIMEOUT" -v d="${DEADLINE:-0}" '{
		if (d > 0 && d - $1 < t) t = int(d - $1)
		if (t < 10) t = 10
		print t }' /proc/uptime
}

run_scenarios() {
	for s in /scenarios/[0-9]*.sh; do
		[ -f "$s" ] || continue
		name=${s##*/}
		name=${name%.sh}
		if [ -n "$FILTER" ]; then
			match=
			for f in $FILTER; do
				case "$name" in "$f"*) match=1 ;; esac
			done
			[ -n "$match" ] || continue
		fi
		dmesg_take /tmp/dmesg-tests
		echo "@@VMLAB scenario-begin $name"
		t0=$(cut -d' ' -f1 /proc/uptime)
		unload vmlab
		if vmlab_load; then
			(cd /scenarios && timeout "$(scenario_timeout)" sh "$s" 2>&1)
			rc=$?
			# Timed out: say where every task waits and what each
			# CPU runs (a hang's stacks, in the log), then end what
			# the scenario left running so the unload can be tried.
			if [ $rc = 124 ]; then
				echo "# $name timed out after ${STIMEOUT}s: blocked tasks and CPUs follow"
				echo w > /proc/sysrq-trigger
				echo l > /proc/sysrq-trigger
				pkill -9 -f vmlabstress 2> /dev/null
				pkill -9 -f vmlabfuzz 2> /dev/null
			fi
		else
			echo "not ok 1 - insmod vmlab.ko $PARAMS"
			echo "1..1"
			rc=1
		fi
		echo "@@VMLAB scenario-end $name status=$rc secs=$(awk -v t="$t0" '{ printf "%d", $1 - t }' /proc/uptime)"
		unload vmlab
		tap $? "$name: vmlab unloads after the scenario"
		# The scenario and its unload: leaks are reported at unload.
		dmesg -c | strip_ts > /tmp/dmesg-sc
		cat /tmp/dmesg-sc >> /tmp/dmesg-tests
		dmesg_check "$name: dmesg clean through the unload" /tmp/dmesg-sc
	done
}

guest_report() {
	kmemleak_check
	dmesg_take /tmp/dmesg-tests
	dmesg_check "dmesg clean during boot" /tmp/dmesg-boot
	dmesg_check "dmesg clean during tests" /tmp/dmesg-tests
	echo "@@VMLAB scenario-begin guest"
	cat $RESULTS
	echo "1..$T"
	echo "@@VMLAB scenario-end guest status=0"
	echo "@@VMLAB dmesg-begin"
	cat /tmp/dmesg-boot /tmp/dmesg-kunit /tmp/dmesg-tests
	echo "@@VMLAB dmesg-end"
}

: > /tmp/dmesg-tests
: > /tmp/dmesg-kunit
dmesg -c | strip_ts > /tmp/dmesg-boot
kmemleak_clear

case "$MODE" in
boot)
	finish 0
	;;
check)
	run_kunit
	run_scenarios
	guest_report
	[ $FAILED = 0 ] && finish 0
	finish 1
	;;
kunit)
	run_kunit
	guest_report
	[ $FAILED = 0 ] && finish 0
	finish 1
	;;
run|shell|pictures)
	echo "@@VMLAB run-begin"
	echo "# insmod vmlab.ko $PARAMS"
	if ! vmlab_load; then
		dmesg | tail -n 20
		finish 1
	fi
	dmesg -c | strip_ts
	if [ "$MODE" = pictures ]; then
		vmlab-demo pictures
	else
		echo "# vmlabctl version"
		vmlabctl version
		echo "# ls $DBG"
		ls $DBG
		vmlab-demo run
	fi
	if [ "$MODE" = shell ]; then
		echo "@@VMLAB shell: vmlab is loaded; try 'vmlabctl help', 'ls $DBG'," \
			"'trace-cmd record -e vmlab vmlabctl alloc_pages 0' then" \
			"'trace-cmd report'; 'exit' ends the guest"
		setsid cttyhack sh -l
	fi
	echo "# rmmod vmlab"
	unload vmlab
	rc=$?
	dmesg -c | strip_ts
	echo "@@VMLAB run-end"
	finish $rc
	;;
counters)
	# The counter plot (tests/harness/counters.sh): vmlab-sample every
	# 50 ms while counters-workload.sh runs, its CSV between markers.
	echo "@@VMLAB counters-begin"
	vmlab_load || { dmesg | tail -n 20; finish 1; }
	echo "@@VMLAB counters-t0 $(cut -d' ' -f1 /proc/uptime)"
	vmlab-sample -i 50 > /tmp/counters.csv &
	sampler=$!
	sh /etc/vmlab/counters-workload.sh
	rc=$?
	kill "$sampler"
	wait "$sampler"
	src=$?
	echo "@@VMLAB counters-csv"
	cat /tmp/counters.csv
	echo "@@VMLAB counters-end workload=$rc sampler=$src"
	dmesg -c | strip_ts
	unload vmlab || rc=1
	[ "$src" = 0 ] || rc=1
	finish $rc
	;;
bench)
	echo "@@VMLAB bench-begin"
	# The guest kernel's own swap for the brd swap row (bench_swap.c): a
	# RAM disk of the brd module (initramfs.sh boot:), as vmlab's ram: area.
	ramswap=
	if [ -b /dev/ram0 ] && mkswap /dev/ram0 >/dev/null && swapon /dev/ram0; then
		ramswap=/dev/ram0
	fi
	# The host side of the fork+COW and brd swap rows: a real process
	# (tests/bench/bench_helper.c).
	helper=
	if command -v bench-helper >/dev/null; then
		bench-helper &
		helper=$!
	fi
	# trace=<row>: the rows' traced batches (bench_main.c) go through the
	# function_graph tracer, summarised below by bench_trace_summary.
	case " $PARAMS " in *" trace="*) bench_trace_setup ;; esac
	# shellcheck disable=SC2086
	insmod $MODDIR/vmlab_bench.ko $PARAMS
	rc=$?
	[ -n "$helper" ] && { kill "$helper" 2>/dev/null; wait "$helper" 2>/dev/null; }
	case " $PARAMS " in *" trace="*) bench_trace_summary ;; esac
	[ -n "$ramswap" ] && { swapoff "$ramswap" || rc=1; }
	dmesg -c | strip_ts
	echo "@@VMLAB bench-end insmod=$rc uptime=$(cut -d" " -f1 /proc/uptime)"
	unload vmlab_bench
	finish $rc
	;;
*)
	echo "unknown vmltest.mode=$MODE"
	finish 2
	;;
esac
