#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Mirror the source tree into $1 as symlinks so a flavour (or a second kernel)
# builds its objects there and never mixes them with another build's.
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$top"
# Drop links whose source is gone, then link every source and Kbuild file.
find "$out" -type l ! -exec test -e {} \; -delete 2>/dev/null || true
git ls-files -co --exclude-standard -- '*.c' '*.h' Kbuild 2>/dev/null |
	grep -v '^tools/' | while read -r f; do
	[ -f "$f" ] || continue
	mkdir -p "$out/$(dirname "$f")"
	ln -sf "$top/$f" "$out/$f"
done
