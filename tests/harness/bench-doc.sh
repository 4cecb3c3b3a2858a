#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-doc: regenerate the benchmark table of
# Documentation/benchmarks.rst. Runs the stock-kernel bench twice (wall clock
# with 2 vCPUs, then QEMU -icount with one), writes the merged table
# between the "bench-table" markers and renders the plots into
# Documentation/images/ (make bench-plots). Takes a while on a busy machine.
#
#   bench-doc.sh [--no-run]   --no-run: reuse build/bench/stock-{wall,icount}.csv
set -euo pipefail
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"
B=${VMLAB_BUILD:-build}
DOC=Documentation/benchmarks.rst

if [ "${1:-}" != --no-run ]; then
	tests/harness/bench.sh --kernel stock
	tests/harness/bench.sh --kernel stock --icount
fi
table=$(python3 tests/harness/bench-table.py rst "$B/bench/stock-wall.csv" "$B/bench/stock-icount.csv")
grep -q '^\.\. bench-table-begin' "$DOC" || vml_die "$DOC has no bench-table markers"
TABLE=$table perl -0pi -e \
	's/(\.\. bench-table-begin\n).*?(\n\.\. bench-table-end)/$1\n$ENV{TABLE}\n$2/s' "$DOC"
fork=$(python3 tests/harness/bench-table.py fork "$B/bench/stock-icount.csv" "$B/bench/stock-wall.csv")
grep -q '^\.\. bench-fork-begin' "$DOC" || vml_die "$DOC has no bench-fork markers"
TABLE=$fork perl -0pi -e \
	's/(\.\. bench-fork-begin\n).*?(\n\.\. bench-fork-end)/$1\n$ENV{TABLE}\n$2/s' "$DOC"
swap=$(python3 tests/harness/bench-table.py swap "$B/bench/stock-icount.csv" "$B/bench/stock-wall.csv")
grep -q '^\.\. bench-swap-begin' "$DOC" || vml_die "$DOC has no bench-swap markers"
TABLE=$swap perl -0pi -e \
	's/(\.\. bench-swap-begin\n).*?(\n\.\. bench-swap-end)/$1\n$ENV{TABLE}\n$2/s' "$DOC"
vml_log "table in $DOC regenerated"
# The plots from every CSV at hand (the scaling and counter ones come from
# make bench-scale and make counters).
make --no-print-directory bench-plots
exit
}
