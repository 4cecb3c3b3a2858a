#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/vmlabctl.bash-completion against a stand-in vmlabctl that answers
# `-r help` and `show` as the module would: commands, their words and file
# names complete. Prints one line; exits 1 on a wrong completion.
set -uo pipefail
. "$(dirname "$0")/common.sh"
stub=$(mktemp -d "${TMPDIR:-/tmp}/vmlab-compl.XXXXXX")
trap 'rm -rf "$stub"' EXIT
cat > "$stub/vmlabctl" <<'STUB'
#!/bin/sh
case "$*" in
"-r help") printf 'ok commands=3\nalloc_pages <order> [kernel|atomic,dma|highmem]\nfree_pages <pfn> <order>\nlru_policy [2list|clock]\n' ;;
show) printf 'buddyinfo\nmm/1/maps\nzoneinfo\n' ;;
esac
STUB
chmod +x "$stub/vmlabctl"
complete_words() {	# complete_words WORD...: COMPREPLY for the last word
	PATH=$stub:$PATH bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_vmlabctl; echo "${COMPREPLY[*]}"' \
		"$VMLAB_TOP/tools/vmlabctl.bash-completion" "$@"
}
fail=0
want() {	# want "<expected>" WORD...
	local exp=$1 got
	shift
	got=$(complete_words "$@")
	if [ "$got" != "$exp" ]; then
		echo "completion of '$*': got '$got', want '$exp'"
		fail=1
	fi
}
want "alloc_pages" vmlabctl al
want "free_pages" vmlabctl -j fr
want "show" vmlabctl sh
want "buddyinfo" vmlabctl show bu
want "mm/1/maps" vmlabctl show mm
want "2list" vmlabctl lru_policy 2
want "atomic" vmlabctl alloc_pages 3 at
want "-b" vmlabctl top -b
[ $fail = 0 ] && echo "vmlabctl bash completion: commands, words and files complete"
exit $fail
