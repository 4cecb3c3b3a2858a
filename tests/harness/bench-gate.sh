#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The instruction-count gate of make check: run the benchmarks on the stock
# kernel under QEMU -icount shift=0 (one vCPU; guest ns == instructions)
# and fail if any row of tests/bench/baseline-icount.csv is missing, failed,
# or takes more than 10% more vmlab instructions per op than the baseline.
#
#   bench-gate.sh            run and compare (exit 1 on any failure)
#   bench-gate.sh --update   run and rewrite the baseline (commit it with
#                            the change that justifies it)
# Environment: VMLAB_BUILD (default build; the gate works in $VMLAB_BUILD/gate).
set -euo pipefail
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"
B=${VMLAB_BUILD:-build}
BASELINE=tests/bench/baseline-icount.csv
# The baseline's own parameters: change them only with a new baseline.
# fork_mb=2: the fork+COW curve's two smallest points only (about 0.06 s
# of guest time; the whole curve would double the gate's).
PARAMS="rounds=5 fork_mb=2"

update=
[ "${1:-}" = --update ] && update=1
python3 tests/harness/bench-table.py selftest
# shellcheck disable=SC2086
if ! VMLAB_BUILD=$B/gate VMLAB_TIMEOUT=${VMLAB_GATE_TIMEOUT:-900} \
	tests/harness/bench.sh --kernel stock --icount -- $PARAMS; then
	vml_log "the icount bench guest failed; see $B/gate/logs/bench-stock-icount.log"
	exit 1
fi
log=$B/gate/logs/bench-stock-icount.log
csv=$B/gate/bench/stock-icount.csv
boot=$(tr -d '\r' < "$log" | sed -n 's/^@@VMLAB boot .*uptime=\([0-9.]*\).*/\1/p')
end=$(tr -d '\r' < "$log" | sed -n 's/^@@VMLAB bench-end .*uptime=\([0-9.]*\).*/\1/p')
echo "guest time: ${end:-?} s (boot ${boot:-?} s; one guest second = 10^9 instructions)"
if [ -n "$update" ]; then
	python3 tests/harness/bench-table.py baseline "$csv" > "$BASELINE.tmp"
	mv "$BASELINE.tmp" "$BASELINE"
	vml_log "baseline written to $BASELINE"
	exit 0
fi
python3 tests/harness/bench-table.py gate "$BASELINE" "$csv"
exit
}
