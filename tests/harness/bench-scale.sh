#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-scale [--no-run]: the scaling curves, in instructions per op (stock kernel,
# QEMU -icount, one vCPU; one guest per point):
#   arena size 16 MiB -> 1 GiB: page order-0/3 alloc+free, demand-zero
#     faults (128 per batch), metadata bytes per frame
#   VMAs in the mm 10 -> 10,000: find_vma, mmap+munmap (the host's mm gets
#     the same VMAs at the same addresses)
# Writes build/bench/scale-arena.csv and build/bench/scale-vmas.csv (the
# bench.sh CSV fields plus the x value first), prints both as tables and
# puts them between the bench-scale markers of Documentation/benchmarks.rst.
set -euo pipefail
{
. "$(dirname "$0")/common.sh"
cd "$VMLAB_TOP"
B=${VMLAB_BUILD:-build}
S=$B/scale
mkdir -p "$B/bench"

point() {	# point <csv> <x> <module params...>
	local out=$1 x=$2
	shift 2
	VMLAB_BUILD=$S tests/harness/bench.sh --kernel stock --icount -- "$@" >&2 ||
		vml_die "scaling point $x ($*) failed; see $S/logs/bench-stock-icount.log"
	[ -s "$out" ] || head -n1 "$S/bench/stock-icount.csv" | sed 's/^/x,/' > "$out"
	tail -n +2 "$S/bench/stock-icount.csv" | sed "s/^/$x,/" >> "$out"
}

if [ "${1:-}" != --no-run ]; then	# --no-run: tables from the last CSVs
	rm -f "$B/bench/scale-arena.csv" "$B/bench/scale-vmas.csv"
	# A 1 GiB arena needs 1 GiB of contiguous free guest memory.
	for mb in 16 64 256 1024; do
		MEM=6G point "$B/bench/scale-arena.csv" "$mb" only=page+demand \
			iters=128 arena_mb=$mb
	done
	for n in 10 100 1000 10000; do
		point "$B/bench/scale-vmas.csv" "$n" only=find+mmap vmas=$n mmap_vmas=$n
	done
fi
table=$(python3 tests/harness/bench-table.py scale "$B/bench/scale-arena.csv" "arena MiB"
	python3 tests/harness/bench-table.py scale "$B/bench/scale-vmas.csv" "VMAs")
echo "$table"
TABLE=$table perl -0pi -e \
	's/(\.\. bench-scale-begin\n).*?(\n\.\. bench-scale-end)/$1\n$ENV{TABLE}\n$2/s' \
	Documentation/benchmarks.rst
exit
}
