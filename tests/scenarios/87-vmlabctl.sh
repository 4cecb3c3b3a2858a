# SPDX-License-Identifier: GPL-2.0
#
# tools/vmlabctl as a CLI (Documentation/vmlabctl.rst): exit codes, -j JSON
# of ctl replies and debugfs files (valid, checked with tools/jsoncheck, and
# carrying the same values as the raw reply or file), tables, per-command
# --help, sizes, `show`, and `top` in batch mode and under curses.
. ./lib.sh

D=$VMLAB_DBG
T=/tmp/87-ctl
mkdir -p $T

# ---- exit codes -------------------------------------------------------------
vmlabctl -r version > /dev/null
check "exit 0 on an ok reply" [ $? = 0 ]
vmlabctl -r no_such_command > $T/out
st=$?
check "exit 1 on an error reply" [ $st = 1 ]
check "the error reply is printed" grep -q "^error EINVAL unknown command" $T/out
vmlabctl > /dev/null 2>&1
check "exit 2 without a command" [ $? = 2 ]
vmlabctl -x version > /dev/null 2>&1
check "exit 2 on an unknown option" [ $? = 2 ]
vmlabctl top -d 0 > /dev/null 2>&1
check "exit 2 on top -d 0" [ $? = 2 ]
VMLAB_CTL=/nonexistent vmlabctl -r version > $T/out
st=$?
check "exit 1 and ENOENT when ctl cannot be opened" \
	'[ $st = 1 ] && grep -q "^error ENOENT" $T/out'

# ---- JSON of ctl replies: valid, and the same fields as the raw reply ------------
# json_matches DESC WORDS...: every key=value of the raw reply's first line is
# fields.<key> in the JSON, and there are no other fields.
json_matches() {
	_d=$1
	shift
	vmlabctl -r "$@" > $T/raw
	_rs=$?
	vmlabctl -j "$@" > $T/json
	_js=$?
	if ! jsoncheck < $T/json; then
		not_ok "$_d: -j is valid JSON"
		diag "$(head -c 400 $T/json)"
		return
	fi
	_bad=
	[ $_rs = $_js ] || _bad="exit $_rs raw, $_js with -j"
	for kv in $(head -n 1 $T/raw | cut -d' ' -f2-); do
		case $kv in *=*) ;; *) continue ;; esac
		_v=$(jsoncheck -g "fields.${kv%%=*}" < $T/json)
		[ "$_v" = "${kv#*=}" ] || _bad="$_bad ${kv%%=*}: '$_v' vs '${kv#*=}'"
	done
	_nk=$(head -n 1 $T/raw | tr ' ' '\n' | grep -c '=')
	_nj=$(jsoncheck -k fields < $T/json | wc -l)
	[ "$_nk" = "$_nj" ] || _bad="$_bad $_nj fields in JSON, $_nk in the reply"
	_n=$(($(wc -l < $T/raw) - 1))
	_nd=$(jsoncheck -k data < $T/json 2>/dev/null | wc -l)
	grep -q '"data": \[\]' $T/json && _nd=0
	[ $_n = 0 ] || jsoncheck -g "data.$((_n - 1))" < $T/json > /dev/null ||
		_bad="$_bad data lines missing"
	if [ -z "$_bad" ]; then
		ok "$_d: -j matches the reply"
	else
		not_ok "$_d: -j matches the reply"
		diag "$_bad"
	fi
}

expect_ok "mm_create" mm_create
m=$(field mm)
expect_ok "mmap" mmap "$m" 0x10000000 1M rw private,anon,fixed
expect_ok "touch" touch "$m" 0x10000000 64K w
expect_ok "cache_create" cache_create j87 200

json_matches "version" version
json_matches "check" check
json_matches "smaps_rollup" smaps_rollup "$m"
json_matches "rmap" rmap "$m" 0x10000000
json_matches "read" read "$m" 0x10000000 16
json_matches "cache_info" cache_info j87
json_matches "lru_policy" lru_policy
json_matches "fail" fail slab off
json_matches "help" help

# help's data: one object per command, named as the raw lines.
vmlabctl -r help | sed 1d > $T/help
vmlabctl -j help > $T/json
n=$(wc -l < $T/help)
i=0
bad=0
while IFS= read -r line; do
	[ "$(jsoncheck -g "data.$i.command" < $T/json)" = "${line%% *}" ] || bad=$((bad + 1))
	i=$((i + 1))
done < $T/help
check "help -j: data.N.command for all $n commands" [ $bad = 0 ]
check "help -j: commands=$n" [ "$(jsoncheck -g fields.commands < $T/json)" = "$n" ]

# Commands with side effects: valid, status ok, the fields there.
vmlabctl -j alloc_pages 2 > $T/json
check "alloc_pages -j: exit 0" [ $? = 0 ]
check "alloc_pages -j: valid" jsoncheck < $T/json
check "alloc_pages -j: status ok, order 2" \
	'[ "$(jsoncheck -g status < $T/json)" = ok ] && [ "$(jsoncheck -g fields.order < $T/json)" = 2 ]'
pfn=$(jsoncheck -g fields.pfn < $T/json)
expect_ok "free_pages of the JSON's pfn" free_pages "$pfn" 2
vmlabctl -j fork "$m" > $T/json
check "fork -j: a child mm" '[ "$(jsoncheck -g fields.mm < $T/json)" -gt "$m" ]'
c=$(jsoncheck -g fields.mm < $T/json)
vmlabctl -j no_such_command > $T/json
st=$?
check "error -j: exit 1" [ $st = 1 ]
check "error -j: valid" jsoncheck < $T/json
check "error -j: status, errno, message" \
	'[ "$(jsoncheck -g status < $T/json)" = error ] &&
	 [ "$(jsoncheck -g errno < $T/json)" = EINVAL ] &&
	 jsoncheck -g message < $T/json | grep -q "unknown command"'
vmlabctl -j touch "$m" 0x20000000 4K r > $T/json
check "segv -j: EFAULT with the fault's address" \
	'[ "$(jsoncheck -g errno < $T/json)" = EFAULT ] && jsoncheck -g message < $T/json | grep -q "addr=0x20000000"'

# ---- tables ------------------------------------------------------------------
vmlabctl -r version > $T/raw
vmlabctl -t version > $T/tbl
bad=0
for kv in $(cut -d' ' -f2- $T/raw); do
	grep -Eq "^${kv%%=*} +${kv#*=}\$" $T/tbl || bad=$((bad + 1))
done
check "-t version: a row per field" [ $bad = 0 ]
check "-t help: a header and a row per command" \
	'[ "$(vmlabctl -t help | grep -c "")" = $((n + 2)) ] && vmlabctl -t help | grep -q "^COMMAND  *ARGUMENTS"'
check "-t ok without fields prints ok" '[ "$(vmlabctl -t mlock $m 0x10000000 4K)" = ok ]'
VMLABCTL_FORMAT=json vmlabctl version > $T/json
check "VMLABCTL_FORMAT=json" jsoncheck -g fields.version < $T/json

# ---- per-command --help, sizes -----------------------------------------------
vmlabctl alloc_pages --help > $T/out
st=$?
check "alloc_pages --help: exit 0, its syntax" \
	'[ $st = 0 ] && grep -q "^usage: vmlabctl .*alloc_pages <order>" $T/out'
vmlabctl mmap -h > $T/out
check "mmap -h: its syntax" grep -q "mmap <mm> <addr> <len>" $T/out
vmlabctl no_such_command --help > /dev/null 2>&1
check "--help of an unknown command: exit 2" [ $? = 2 ]
vmlabctl --help | grep -q "^usage: vmlabctl"
check "vmlabctl --help" [ $? = 0 ]
for sz in 16k 16K 16KiB 16kB; do
	a=$(vmlabctl -r vmalloc $sz | sed -n 's/^ok addr=//p')
	check "size $sz is 16 KiB" '[ -n "$a" ] && grep -q "^0x0*${a#0x}-.* 20480 " $D/vmallocinfo'
	[ -n "$a" ] && vmlabctl -r vfree "$a" > /dev/null
done
vmlabctl -r vmalloc 16Q > $T/out
check "a bad size is ctl's error" grep -q "^error EINVAL" $T/out

# ---- show: every file, JSON valid and equal to the file ------------------------
vmlabctl show > $T/files
check "show lists the files" '[ "$(wc -l < $T/files)" -gt 10 ] && grep -qx buddyinfo $T/files'
bad=0
while IFS= read -r f; do
	vmlabctl -j show "$f" > $T/json
	if ! jsoncheck < $T/json; then
		bad=$((bad + 1))
		diag "show -j $f: $(head -c 200 $T/json)"
	fi
	vmlabctl -t show "$f" > /dev/null || bad=$((bad + 1))
done < $T/files
check "show -j and -t: every file ($(wc -l < $T/files)) parses" [ $bad = 0 ]
check "show -r is the file" '[ "$(vmlabctl -r show arena)" = "$(cat $D/arena)" ]'

# Values: vmstat (every counter), buddyinfo (every order), zoneinfo, slabinfo,
# maps and status against the files (no allocation in between).
vmlabctl -j show vmstat > $T/json
cat $D/vmstat > $T/raw
bad=0
while read -r k v; do
	[ "$(jsoncheck -g "values.$k" < $T/json)" = "$v" ] || bad=$((bad + 1))
done < $T/raw
check "show -j vmstat: every counter equals the file's" [ $bad = 0 ]
vmlabctl -j show buddyinfo > $T/json
cat $D/buddyinfo > $T/raw
bad=0
z=0
while read -r _n _node _z zone rest; do
	o=0
	for v in $rest; do
		[ "$(jsoncheck -g "zones.$z.orders.$o" < $T/json)" = "$v" ] || bad=$((bad + 1))
		o=$((o + 1))
	done
	[ "$(jsoncheck -g "zones.$z.zone" < $T/json)" = "$zone" ] || bad=$((bad + 1))
	z=$((z + 1))
done < $T/raw
check "show -j buddyinfo: every zone and order equals the file's" '[ $bad = 0 ] && [ $z -ge 1 ]'
vmlabctl -j show zoneinfo > $T/json
check "show -j zoneinfo: pages_free, min and per-CPU lists" \
	'[ "$(jsoncheck -g zones.0.pages_free < $T/json)" = "$(awk "/pages free/ { print \$3; exit }" $D/zoneinfo)" ] &&
	 [ "$(jsoncheck -g zones.0.min < $T/json)" = "$(awk "\$1 == \"min\" { print \$2; exit }" $D/zoneinfo)" ] &&
	 jsoncheck -g zones.0.cpu0_batch < $T/json > /dev/null'
vmlabctl -j show slabinfo > $T/json
check "show -j slabinfo: row 0 is the file's first cache" \
	'[ "$(jsoncheck -g rows.0.name < $T/json)" = "$(sed -n 3p $D/slabinfo | cut -d" " -f1)" ] &&
	 [ "$(jsoncheck -g rows.0.objsize < $T/json)" = "$(sed -n 3p $D/slabinfo | awk "{ print \$4 }")" ]'
vmlabctl -j show "mm/$m/maps" > $T/json
check "show -j maps: start, end, perms" \
	'[ "$(jsoncheck -g rows.0.start < $T/json)-$(jsoncheck -g rows.0.end < $T/json)" = \
	   "$(head -n 1 $D/mm/$m/maps | cut -d" " -f1)" ] &&
	 [ "$(jsoncheck -g rows.0.perms < $T/json)" = rw-p ]'
vmlabctl -j show "mm/$m/status" > $T/json
check "show -j status: VmRSS in kB" \
	'[ "$(jsoncheck -g values.VmRSS < $T/json)" = "$(awk "/^VmRSS:/ { print \$2 }" $D/mm/$m/status)" ]'
vmlabctl -j show "mm/$m/smaps" > $T/json
check "show -j smaps: the first VMA's Rss" \
	'[ "$(jsoncheck -g vmas.0.Rss < $T/json)" = "$(awk "/^Rss:/ { print \$2; exit }" $D/mm/$m/smaps)" ]'
vmlabctl show nosuch > $T/out
st=$?
check "show of a missing file: exit 1, ENOENT" '[ $st = 1 ] && grep -q "^error ENOENT" $T/out'
vmlabctl show ../../../etc/passwd > /dev/null 2>&1
check "show refuses a path out of the directory: exit 2" [ $? = 2 ]

# ---- top ---------------------------------------------------------------------
vmlabctl top -b -n 1 > $T/top
check "top -b -n 1: exit 0" [ $? = 0 ]
for s in "^faults/s:" "^NODE +ZONE +FREE +MIN +LOW +HIGH +MANAGED" \
	 "free blocks by order" "^CACHE +ACTIVE" "^MM +VmSize +VmRSS" "^j87 " "^$m +" "^$c +"; do
	check "top -b shows '$s'" grep -Eq "$s" $T/top
done
check "top -b: the Normal zone's free pages are zoneinfo's" \
	'[ "$(awk "\$2 == \"Normal\" && NF == 7 { print \$3 }" $T/top)" -gt 0 ]'
echo "#@ top"
sed 's/^/#| /' $T/top
vmlabctl top -b -n 2 -d 0.2 > $T/top2
check "top -b -n 2: two refreshes" [ "$(grep -c '^faults/s:' $T/top2)" = 2 ]
TERM=vt100 vmlabctl top -n 1 < /dev/null > $T/curses 2>&1
st=$?
check "top under curses (TERM=vt100): one refresh, exit 0" \
	'[ $st = 0 ] && grep -q "CACHE" $T/curses && grep -q "$(printf "\033")" $T/curses'

expect_ok "mm_destroy child" mm_destroy "$c"
expect_ok "mm_destroy" mm_destroy "$m"
expect_ok "cache_destroy" cache_destroy j87
done_testing
