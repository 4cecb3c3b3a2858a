#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict over every tracked .c/.h file (tools/ included).
# checkpatch.pl and its data files come from the linux-source-6.1 tarball and
# are cached in ${VMLAB_CACHE:-~/.cache/vmlab}/checkpatch-<version>/.
# Exits non-zero when there is any finding.  Extra arguments are passed to
# checkpatch.pl; FILES="a.c b.h" restricts the file list.
set -euo pipefail
. "$(dirname "$0")/../tests/harness/common.sh"
cd "$VMLAB_TOP"

TARBALL=/usr/src/linux-source-6.1.tar.xz
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	vml_die "linux-source-6.1 is not installed (run scripts/install-deps.sh)"
dir=$VMLAB_CACHE/checkpatch-$ver
src=$VMLAB_CACHE/src/linux-source-6.1
if [ ! -f "$dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$dir.tmp"
	if [ -f "$src/scripts/checkpatch.pl" ] &&
	   [ "$(cat "$src/.vmlab-srcver" 2>/dev/null)" = "$ver" ]; then
		mkdir -p "$dir.tmp/scripts"
		cp "$src"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} \
			"$dir.tmp/scripts/"
	else
		vml_log "extracting checkpatch.pl from $TARBALL ..."
		tar -xJf "$TARBALL" -C "$dir.tmp" --strip-components=1 \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch
	fi
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi

if [ -n "${FILES:-}" ]; then
	# shellcheck disable=SC2206
	files=($FILES)
else
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		mapfile -t files < <(git ls-files -- '*.c' '*.h')
	else
		mapfile -t files < <(find . -path ./build -prune -o -path ./.git -prune -o \
			\( -name '*.c' -o -name '*.h' \) ! -name '*.mod.c' -type f -print |
			sed 's|^\./||' | sort)
	fi
fi
[ ${#files[@]} -gt 0 ] || { echo "checkpatch: no files"; exit 0; }

out=$(perl "$dir/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types --ignore FILE_PATH_CHANGES \
	-f "${files[@]}" "$@" 2>&1) || true
# vmlab_compat.h is where version tests belong (LINUX_VERSION_CODE >=
# KERNEL_VERSION(...)); anywhere else checkpatch still refuses them.
# A trace header (*_trace.h) is written in TRACE_EVENT()'s layout, as every
# header in include/trace/events/: "TP_STRUCT__entry(" and "TP_fast_assign("
# end their lines and their contents are indented by a tab, which --strict
# calls open-ended lines and misaligned parentheses.
findings=$(echo "$out" | grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' |
	grep -vE '^vmlab_compat\.h:[0-9]+: WARNING:(LINUX_VERSION_CODE|CONSTANT_COMPARISON):' |
	grep -vE '^[^ ]+_trace\.h:[0-9]+: CHECK:(OPEN_ENDED_LINE|PARENTHESIS_ALIGNMENT):' || true)
if [ -z "$findings" ]; then
	echo "checkpatch: ${#files[@]} files clean"
	exit 0
fi
echo "$findings"
echo "checkpatch: $(echo "$findings" | wc -l) finding(s) in ${#files[@]} files"
exit 1
