#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Take a frame map out of a guest's console log: the blocks that
# `vmlab-demo dump NAME` prints (tests/harness/guest-demo.sh), debugfs
# framemap gzip'd and base64'd, and a copy of debugfs arena.
#
#   framemap-extract.sh LOG NAME OUTDIR   writes OUTDIR/NAME.framemap and
#                                         OUTDIR/NAME.arena; exit 1 if the
#                                         log has no such block
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 LOG NAME OUTDIR" >&2; exit 2; }
log=$1 name=$2 dir=$3
mkdir -p "$dir"
block() {	# block KIND: the lines between its markers, CRs dropped
	tr -d '\r' < "$log" | awk -v b="@@VMLAB $1-begin $name" -v e="@@VMLAB $1-end" \
		'$0 == e { on = 0 } on { print } $0 == b { on = 1; n++ } END { exit n ? 0 : 1 }'
}
block framemap | base64 -d | gunzip > "$dir/$name.framemap" ||
	{ echo "framemap-extract: no framemap '$name' in $log" >&2; exit 1; }
block arena > "$dir/$name.arena"
[ -s "$dir/$name.framemap" ]
