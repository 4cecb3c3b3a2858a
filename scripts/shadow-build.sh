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
# Outside a git work tree (e.g. an exported tarball) fall back to find.
list_sources() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -co --exclude-standard -- '*.c' '*.h' Kbuild
	else
		find . -path ./build -prune -o -path ./.git -prune -o \
			\( -name '*.c' -o -name '*.h' -o -name Kbuild \) ! -name '*.mod.c' -type f -print |
			sed 's|^\./||'
	fi
}
list_sources | grep -v '^tools/' | while read -r f; do
	[ -f "$f" ] || continue
	mkdir -p "$out/$(dirname "$f")"
	ln -sf "$top/$f" "$out/$f"
done
