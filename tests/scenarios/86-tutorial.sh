# SPDX-License-Identifier: GPL-2.0
#
# Documentation/tutorial/ (copied to /doc/tutorial by initramfs.sh): every
# command of every page still works and its output has the shape shown.
#
# In a page, each ".. code-block:: console" block is a list of steps: a line
# "   # CMD" is typed at the guest's shell, the lines after it (up to the
# next "# " line or the block's end) are what it printed. Every page runs
# in a freshly loaded vmlab, its commands in order, with vmlabctl printing
# tables as on a terminal. A command must exit 0 unless its output shown
# starts with "error ". Shape: both outputs with every number (decimal or
# hex) replaced by N and blanks squeezed must be equal line for line, a
# shown line "..." matching any number of lines.
#
# Every command's real output is printed as "#| " lines after a line
# "#@ <page> <command>", which scripts/tutorial-capture.py reads to
# rewrite the pages' outputs.
. ./lib.sh

TUT=/doc/tutorial
T=/tmp/86-tut
mkdir -p $T


check "the tutorial is in the guest" [ -s $TUT/index.rst ]

# The steps of a page: "C<tab>command" and "O<tab>output line" records.
steps() {
	awk '
		/^\.\. code-block:: console/ { on = 1; next }
		on && /^[^ ]/ && $0 != "" { on = 0 }
		!on { next }
		/^   # / { sub(/^   # /, ""); print "C\t" $0; next }
		/^   / { sub(/^   /, ""); print "O\t" $0; next }
		$0 == "" { print "B" }' "$1"
}

shape() {
	sed -E -e 's/0x[0-9a-fA-F]+/N/g' -e 's/[0-9a-fA-F]*[0-9][0-9a-fA-F]*/N/g' \
		-e 's/[[:space:]]+/ /g' -e 's/^ //' -e 's/ $//' "$1" | sed -e '/^$/d'
}

# same_shape EXPECTED ACTUAL: 0 if ACTUAL has EXPECTED's shape.
same_shape() {
	shape "$1" > $T/es
	shape "$2" > $T/as
	awk 'NR == FNR { e[++ne] = $0; next } { a[++na] = $0 }
	END {
		j = 1
		for (i = 1; i <= ne; i++) {
			if (e[i] == "...") {
				if (i == ne) { j = na + 1; continue }
				while (j <= na && a[j] != e[i + 1]) j++
				continue
			}
			if (j > na || a[j] != e[i]) exit 1
			j++
		}
		exit j <= na
	}' $T/es $T/as
}

# run_step PAGE: runs the command in $T/cmd, compares with $T/exp.
run_step() {
	_cmd=$(cat $T/cmd)
	VMLABCTL_FORMAT=table sh -c "$_cmd" < /dev/null > $T/out 2>&1
	_st=$?
	echo "#@ $1 $_cmd"
	sed 's/^/#| /' $T/out
	_want_err=0
	head -n 1 $T/exp | grep -q '^error ' && _want_err=1
	if [ $_st != 0 ] && [ $_want_err = 0 ]; then
		not_ok "$1: '$_cmd' works (status $_st)"
		return
	fi
	if same_shape $T/exp $T/out; then
		ok "$1: '$_cmd' prints what the page shows"
	else
		not_ok "$1: '$_cmd' prints what the page shows"
		diag "Documentation/tutorial/$1 shows:"
		sed 's/^/    /' $T/exp | while IFS= read -r l; do diag "$l"; done
		diag "it printed (scripts/tutorial-capture.py <guest log> updates the page):"
		sed 's/^/    /' $T/out | while IFS= read -r l; do diag "$l"; done
	fi
}

pages=0
for page in $TUT/*.rst; do
	name=${page##*/}
	steps "$page" > $T/steps
	grep -q '^C' $T/steps || continue
	pages=$((pages + 1))
	if ! vmlab_reload; then
		not_ok "$name: vmlab reloads"
		continue
	fi
	: > $T/cmd
	while IFS= read -r rec; do
		case "$rec" in
		C*)
			[ -s $T/cmd ] && run_step "$name"
			printf '%s\n' "${rec#C	}" > $T/cmd
			: > $T/exp ;;
		O*)
			printf '%s\n' "${rec#O	}" >> $T/exp ;;
		B)
			;;
		esac
	done < $T/steps
	[ -s $T/cmd ] && run_step "$name"
	: > $T/cmd
	vmlab_check "after $name"
done
check "the tutorial has pages with commands ($pages)" [ $pages -ge 10 ]
done_testing
