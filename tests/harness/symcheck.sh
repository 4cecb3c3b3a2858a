#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exported symbols only: every kernel symbol MODULE.ko imports (nm -u) must
# be exported by the kernel it was built for (its KDIR's Module.symvers),
# and there may be no kallsyms lookup: no kallsyms_* import, and not the
# name "kallsyms_lookup_name" in the module's strings either (the usual way
# round the missing export is a kprobe placed on that name).
#
#   symcheck.sh MODULE.ko KDIR [SYMVERS]
# SYMVERS (default KDIR/Module.symvers) lets make check prove the check
# fails on a symbol the kernel does not export.  Prints one line; exits 1
# when a symbol is not exported or is a kallsyms lookup.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 MODULE.ko KDIR [SYMVERS]" >&2; exit 2; }
ko=$1 kdir=$2 symvers=${3:-$2/Module.symvers}
[ -f "$ko" ] || { echo "$ko: no such module" >&2; exit 2; }
[ -f "$symvers" ] || { echo "$symvers: no such file" >&2; exit 2; }

imports=$(nm -u "$ko" | awk '{ print $2 }' | sort -u)
missing=$(comm -23 <(echo "$imports") <(awk '{ print $2 }' "$symvers" | sort -u))
lookups=$({ echo "$imports" | grep -E '^(module_)?kallsyms_' || true
	   strings -a "$ko" | grep -x 'kallsyms_lookup_name' || true; } | sort -u)
n=$(echo "$imports" | grep -c .)

if [ -n "$missing" ] || [ -n "$lookups" ]; then
	echo "${ko##*/}: $n imports;" \
		"not exported by ${kdir##*/}: ${missing:-none};" \
		"kallsyms lookups: ${lookups:-none}" | tr '\n' ' '
	echo
	exit 1
fi
echo "${ko##*/}: all $n imported symbols are exported by ${kdir##*/}"
