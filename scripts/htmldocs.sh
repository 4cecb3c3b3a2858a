#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make htmldocs: Documentation/ as HTML in $VMLAB_BUILD/htmldocs (default
# build/htmldocs), with Debian's Sphinx (python3-sphinx) and the kernel's
# kernel-doc extension and script from linux-source-6.1: the tree the test
# kernel build extracts ($VMLAB_CACHE/src/linux-source-6.1), else just
# those files taken from /usr/src/linux-source-6.1.tar.xz into the cache.
#
# Fails (exit 1) on any Sphinx or kernel-doc warning or error, and when a
# header (*.h tracked by git) is pulled into no page by a kernel-doc
# directive.  --check: the same, quietly, one line of result.
set -uo pipefail
. "$(dirname "$0")/../tests/harness/common.sh"
cd "$VMLAB_TOP"

quiet=0
[ "${1:-}" = --check ] && quiet=1
B=${VMLAB_BUILD:-build}
case $B in /*) ;; *) B=$VMLAB_TOP/$B ;; esac
out=$B/htmldocs
log=$B/logs/htmldocs.log
mkdir -p "$B/logs"

command -v sphinx-build >/dev/null ||
	vml_die "no sphinx-build (scripts/install-deps.sh installs python3-sphinx)"

# The kernel's kernel-doc and its Sphinx extension.
ksrc=${VMLAB_KSRC:-$VMLAB_CACHE/src/linux-source-6.1}
if ! [ -x "$ksrc/scripts/kernel-doc" ] || ! [ -f "$ksrc/Documentation/sphinx/kerneldoc.py" ]; then
	tarball=/usr/src/linux-source-6.1.tar.xz
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		vml_die "linux-source-6.1 is not installed (scripts/install-deps.sh)"
	ksrc=$VMLAB_CACHE/kdoc-$ver/linux-source-6.1
	if ! [ -x "$ksrc/scripts/kernel-doc" ]; then
		vml_log "extracting kernel-doc from $tarball"
		rm -rf "$VMLAB_CACHE/kdoc-$ver.tmp"
		mkdir -p "$VMLAB_CACHE/kdoc-$ver.tmp"
		tar -xJf "$tarball" -C "$VMLAB_CACHE/kdoc-$ver.tmp" \
			linux-source-6.1/scripts/kernel-doc \
			linux-source-6.1/Documentation/sphinx ||
			vml_die "cannot extract kernel-doc from $tarball"
		rm -rf "$VMLAB_CACHE/kdoc-$ver"
		mv "$VMLAB_CACHE/kdoc-$ver.tmp" "$VMLAB_CACHE/kdoc-$ver"
	fi
fi
export VMLAB_KSRC=$ksrc

# Every header must be pulled into some page.
missing=()
for h in $(git ls-files '*.h' | grep -v '^tests/\|^tools/'); do
	grep -rqx "\.\. kernel-doc:: $h" Documentation/ || missing+=("$h")
done

rm -rf "$out"
# -E: no stale environment; kernel-doc's own warnings come on stderr too.
sphinx-build -E -b html -j 1 Documentation "$out" > "$log" 2>&1
rc=$?
nw=$(grep -ciE 'warning|error' "$log")
if [ "$quiet" = 0 ]; then
	grep -iE 'warning|error' "$log"
	grep -q 'Duplicate C declaration' "$log" &&
		echo "(a struct and a function with one name: Sphinx's C domain has one namespace; rename the function, e.g. vml_get_<name>())"
	grep -q "warning: '.*' not found" "$log" &&
		echo "(a DOC: block must open its own /** comment)"
	for h in "${missing[@]}"; do
		echo "$h: not pulled into any page (add '.. kernel-doc:: $h' to its layer's page)"
	done
fi
if [ "$rc" != 0 ] || [ "$nw" != 0 ] || [ ${#missing[@]} != 0 ]; then
	echo "htmldocs: sphinx-build exit $rc, $nw warning/error line(s), ${#missing[@]} header(s) in no page (see $log)"
	exit 1
fi
echo "htmldocs: $(git ls-files '*.h' | grep -vc '^tests/\|^tools/') headers' kernel-doc in $(find Documentation -name '*.rst' | wc -l) pages, 0 warnings ($out/index.html)"
