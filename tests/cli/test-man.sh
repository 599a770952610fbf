#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages document every command, subcommand and option that srr's
# help prints: each has a synopsis line in a page in docs/man/ (as in
# "*srr supplier add* _KEY_ [*--name* _NAME_]"), and each of its options a
# definition (a line that starts with *--name*) between that line and the
# next command's. Also: the tests docs/security.md names exist.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/commands.sh"

man=$(cd "$(dirname "$0")/../../docs/man" && pwd)

# One line per synopsis line of every page: PAGE LINE CMD [SUB]. A synopsis
# line starts with srr in bold (with the command or not) and has no plain
# word after that: only bold, optional ([...]), placeholder (_X_) and '|'. Global options and placeholders
# before the command are skipped.
synopses() {
	local page
	for page in "$man"/*.scd; do
		awk -v page="${page##*/}" '
			/^\*srr[* ]/ {
				# the bold start is srr and maybe the command words
				if (!match($0, /^\*srr( [a-z][a-z -]*)?\*( |$)/)) next
				rest = substr($0, RLENGTH + 1)
				n = split(rest, t, / +/)
				prose = 0
				for (i = 1; i <= n; i++)
					if (t[i] == "") continue
					else
					if (t[i] !~ /^[\[\]|*_]/ && t[i] !~ /^(\x27\x27|\|)/) { prose = 1; break }
				if (prose) next
				line = $0
				gsub(/[*_\[\]]/, "", line)
				n = split(line, w, / +/)
				cmd = ""; sub_ = ""
				for (i = 2; i <= n; i++) {
					if (w[i] ~ /^[a-z][a-z-]*$/) {
						if (cmd == "") cmd = w[i]
						else { sub_ = w[i]; break }
					} else if (cmd != "") break
				}
				if (cmd != "") print page, NR, cmd, sub_
			}' "$page"
	done
}
synopses >"$T/synopses"
check "the pages have synopsis lines" test "$(wc -l <"$T/synopses")" -gt 40

# The text documenting CMD [SUB]: from its last synopsis line to the next
# synopsis line of another command in the same page.
section() {
	local cmd=$1 sub=${2:-} page start end
	# in srr-CMD.1 when there is one (srr-policy(1) shows 'srr init --policy')
	read -r page start < <(awk -v c="$cmd" -v s="$sub" '$3 == c && $4 == s &&
			(!own || $1 == "srr-" c ".1.scd") { p = $1; l = $2; own = $1 == "srr-" c ".1.scd" }
		END { if (p) print p, l }' "$T/synopses")
	[ -n "${page:-}" ] || return 1
	end=$(awk -v p="$page" -v l="$start" -v c="$cmd" -v s="$sub" \
		'$1 == p && $2 > l && ($3 != c || $4 != s) { print $2 - 1; exit }' "$T/synopses")
	sed -n "${start},${end:-\$}p" "$man/$page"
}

mapfile -t commands < <(help_commands)
check "srr help lists the commands (${#commands[@]})" test "${#commands[@]}" -ge 40
undocumented=''
for c in "${commands[@]}"; do
	# shellcheck disable=SC2086 # "supplier add" is two words
	if ! text=$(section $c); then
		undocumented+=" '$c'"
		continue
	fi
	case $c in help | version) continue ;; esac
	for o in $(help_options "$c"); do
		# a definition: a line that starts with it (or with an option it
		# is described with, as in "*--start*, *--end* _DATE_")
		grep -E -- "^\*--" <<<"$text" | grep -qF -- "*$o*" || undocumented+=" '$c $o'"
	done
done
is "every command and option of the help is in a man page" "" "$undocumented"

# 'man srr-COMMAND' opens a page for every command: its own, or a roff
# link (.so) to the page of its group.
for c in "${commands[@]}"; do
	case $c in *' '* | help | version) continue ;; esac
	if [ -f "$man/srr-$c.1.scd" ]; then
		_pass "man srr-$c"
	else
		target=$(sed -n 's/^\.so man1\/\(.*\)\.1$/\1/p' "$man/srr-$c.1" 2>/dev/null)
		check "man srr-$c: links to a page that has it" \
			grep -q "^\*srr $c\*" "$man/${target:-none}.1.scd"
		like "docs/meson.build installs srr-$c.1" "'srr-$c.1'" "$(cat "$man/../meson.build")"
	fi
done

# docs/security.md names the tests behind each guarantee: each is there,
# and each test case it names (a Check case) is in its file.
root=$(cd "$man/../.." && pwd)
named=$(grep -o '`tests/[A-Za-z0-9_./-]*`' "$root/docs/security.md" | tr -d '`' | sort -u)
check "docs/security.md names tests" test -n "$named"
for f in $named; do
	check "docs/security.md: $f exists" test -e "$root/$f"
done
check "docs/security.md: approve_disk_full is a case of tests/test-approval.c" \
	grep -q 'approve_disk_full' "$root/tests/test-approval.c"
for t in crash concurrency hostile hostile-signed pin tpm time; do
	like "docs/security.md: cli-$t is listed in tests/cli/meson.build" "'$t'" \
		"$(cat "$root/tests/cli/meson.build")"
done

# And every page is built and installed (docs/meson.build lists them).
for page in "$man"/*.scd; do
	page=${page##*/}
	like "docs/meson.build builds ${page%.scd}" "'${page%.scd}'" "$(cat "$man/../meson.build")"
done

finish
