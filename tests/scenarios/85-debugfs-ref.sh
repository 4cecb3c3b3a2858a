# SPDX-License-Identifier: GPL-2.0
#
# The debugfs reference cannot drift: Documentation/debugfs.rst (copied to
# /doc/ by initramfs.sh) must document exactly the ctl commands the module's
# own `help` lists, each with help's syntax, and exactly the files the
# module creates. A failure says what to add or remove, word for word.
#
# The reference's format (section "ctl commands"): one definition-list entry
# per command, its term the help line in double backquotes, e.g.
#   ``alloc_pages <order> [flags]``
#       What it does. Reply: ``pfn= ...``. Errors: ``EINVAL`` ...
# and section "Files": one entry per file, its term the path in double
# backquotes with <id> for an mm id and <cache> for a cache name.
. ./lib.sh

DOC=/doc/debugfs.rst
D=$VMLAB_DBG
T=/tmp/85-ref
mkdir -p $T

check "debugfs.rst is in the guest" [ -s $DOC ]

# The terms of one section: lines that are only ``...`` inside it.
section_terms() {	# section_terms <title>
	awk -v t="$1" '
		/^=+$/ { if (prev == t) on = 1; else if (on && prev != "") on = 0 }
		on && /^``[^`]+``$/ { s = $0; gsub(/``/, "", s); print s }
		{ prev = $0 }' $DOC
}

# ---- commands --------------------------------------------------------------
expect_ok "help" help
echo "$REPLY" | sed -e 1d -e "s/ *$//" > $T/help
check "help lists commands" [ -s $T/help ]
section_terms "ctl commands" > $T/doc
check "debugfs.rst has a 'ctl commands' section with entries" [ -s $T/doc ]

missing=0
while IFS= read -r line; do
	name=${line%% *}
	if grep -qxF "$line" $T/doc; then
		continue
	fi
	missing=$((missing + 1))
	old=$(awk -v n="$name" '$1 == n' $T/doc)
	if [ -n "$old" ]; then
		not_ok "debugfs.rst: ctl '$name' has the syntax help gives"
		diag "Documentation/debugfs.rst, section 'ctl commands': change the term"
		diag "    \`\`$old\`\`"
		diag "to help's line:"
		diag "    \`\`$line\`\`"
	else
		not_ok "debugfs.rst documents ctl '$name'"
		diag "Documentation/debugfs.rst lacks ctl '$name'. Add to section 'ctl commands':"
		diag ""
		diag "\`\`$line\`\`"
		diag "    What it does. Reply: \`\`ok key=...\`\` (each field). Errors:"
		diag "    \`\`EINVAL\`\` (bad input), ... (each errno and when)."
	fi
done < $T/help
check "every command of help is in debugfs.rst ($(wc -l < $T/help) commands)" [ $missing = 0 ]

extra=0
while IFS= read -r line; do
	name=${line%% *}
	awk -v n="$name" '$1 == n { f = 1 } END { exit !f }' $T/help && continue
	extra=$((extra + 1))
	not_ok "debugfs.rst: '$name' is a command of the module"
	diag "Documentation/debugfs.rst documents ctl '$name', which help does not list:"
	diag "remove its entry (\`\`$line\`\`) or register the command."
done < $T/doc
check "every command in debugfs.rst is in help ($(wc -l < $T/doc) entries)" [ $extra = 0 ]

# Each entry says what it replies and how it fails.
bad=0
while IFS= read -r line; do
	name=${line%% *}
	body=$(awk -v t="\`\`$line\`\`" '
		$0 == t { on = 1; next }
		on && /^[^ ]/ && $0 != "" { exit }
		on { print }' $DOC)
	case "$body" in
	*Reply*Errors*) ;;
	*)
		bad=$((bad + 1))
		diag "debugfs.rst: the entry of '$name' needs 'Reply:' and 'Errors:'" ;;
	esac
done < $T/doc
check "every command entry gives its reply and its errors" [ $bad = 0 ]

# ---- files -------------------------------------------------------------------
# Make every kind of file exist: an mm, a slab cache.
expect_ok "mm_create" mm_create
m=$(field mm)
expect_ok "cache_create" cache_create ref85 64
find $D -type f | sed "s|^$D/||" | grep -v '^ctl$' |
	sed -e "s|^mm/[0-9]*/|mm/<id>/|" -e "s|^slab/[^/]*/|slab/<cache>/|" |
	sort -u > $T/files
section_terms "Files" | sort -u > $T/docfiles
check "debugfs.rst has a 'Files' section with entries" [ -s $T/docfiles ]
missing=0
while IFS= read -r f; do
	grep -qxF "$f" $T/docfiles && continue
	missing=$((missing + 1))
	not_ok "debugfs.rst documents file '$f'"
	diag "Documentation/debugfs.rst lacks file '$f'. Add to section 'Files':"
	diag ""
	diag "\`\`$f\`\`"
	diag "    What it shows, its format (the /proc file it copies, if any),"
	diag "    and the layer page that explains it."
done < $T/files
check "every file of the module is in debugfs.rst ($(wc -l < $T/files) files)" [ $missing = 0 ]
extra=0
while IFS= read -r f; do
	grep -qxF "$f" $T/files && continue
	extra=$((extra + 1))
	not_ok "debugfs.rst: file '$f' exists"
	diag "Documentation/debugfs.rst documents file '$f', which the module does not create: remove it."
done < $T/docfiles
check "every file in debugfs.rst exists" [ $extra = 0 ]

expect_ok "cache_destroy" cache_destroy ref85
expect_ok "mm_destroy" mm_destroy "$m"
done_testing
