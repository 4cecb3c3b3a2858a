#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-layers.sh - fail when a file includes the header of a layer above
# its own, or another layer's *-internal.h.
#
# The layer order is read from the diagram in Documentation/index.rst (the
# indented "name/  description" lines of its literal block, top layer
# first), so the diagram and the check cannot disagree. Files at the top of
# the tree (vmlab_core.c, vmlab_main.c) start every layer and may include
# any header; tests/ and tools/ are not layers. A folder with sources that
# the diagram does not name is an error too: a new layer takes its place
# in the diagram first.
#
# Usage: scripts/check-layers.sh [top]   (prints each violation; exit 1)
set -eu
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"

# Layers top down, one per line.
layers=$(awk '/^Layers, top down/ { on = 1 } on && /::$/ { blk = 1; next }
	blk && /^[^ ]/ { exit } blk' Documentation/index.rst |
	sed -n 's|^    \([a-z_]*\)/ .*|\1|p')
[ -n "$layers" ] || { echo "check-layers: no layer diagram in Documentation/index.rst"; exit 1; }

rank() {	# rank <layer>: 1 for the top layer, empty if not a layer
	echo "$layers" | grep -nx "$1" | cut -d: -f1
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for dir in $(find . -mindepth 2 -name '*.[ch]' ! -path './tests/*' ! -path './tools/*' \
		! -path './build/*' ! -path './build-*/*' ! -path './.git/*' | cut -d/ -f2 | sort -u); do
	own=$(rank "$dir")
	if [ -z "$own" ]; then
		echo "$dir/: not a layer in Documentation/index.rst's diagram"
		continue
	fi
	for f in "$dir"/*.[ch]; do
		grep -n '^#include "[a-z_]*/[^"]*"' "$f" | while IFS= read -r line; do
			inc=$(echo "$line" | sed 's|.*#include "\([^"]*\)".*|\1|')
			layer=${inc%%/*}
			r=$(rank "$layer")
			if [ -z "$r" ]; then
				echo "$f:${line%%:*}: includes $inc: $layer/ is not a layer"
			elif [ "$r" -lt "$own" ]; then
				echo "$f:${line%%:*}: includes $inc: $layer/ is above $dir/"
			elif [ "$layer" != "$dir" ] && echo "$inc" | grep -q -- '-internal\.h$'; then
				echo "$f:${line%%:*}: includes $inc: another layer's private header"
			fi
		done
	done
done > "$out"
if [ -s "$out" ]; then
	cat "$out"
	exit 1
fi
echo "check-layers: $(echo "$layers" | wc -l) layers, no include goes up"
