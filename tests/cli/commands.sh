# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Every command, subcommand and option srr's own help prints, for the tests
# that check something else offers all of them (the completion scripts, the
# man pages). Sourced after lib.sh. srr runs without the test wrapper: these
# tests judge the scripts and pages, not srr, and run it ~50 times.
#
#   help_commands        one line per command: "CMD" or "CMD SUB", from
#                        'srr help' and each group's 'srr CMD --help'
#   help_options CMD...  the options 'srr CMD [SUB] --help' shows: those of
#                        its Usage lines and of its option table (lines that
#                        start with an option); not those named in prose

help_commands() {
	local cmd sub
	"$SRR" help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' | while read -r cmd; do
		case $cmd in
		help | version)
			echo "$cmd"
			continue
			;;
		esac
		# A group lists "Commands:"; checkpoint also signs without one, so
		# its Usage lines name its subcommands.
		local subs
		subs=$("$SRR" "$cmd" --help | sed -n \
			-e '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' \
			-e "s/^\\(Usage:\\)\\{0,1\\} *srr $cmd \\([a-z][a-z-]*\\)\\( .*\\)\\{0,1\\}\$/\\2/p")
		if [ -z "$subs" ] || "$SRR" "$cmd" --help | grep -q -- "^Usage: srr $cmd --"; then
			echo "$cmd"
		fi
		for sub in $subs; do
			echo "$cmd $sub"
		done
	done
}

help_options() {
	# shellcheck disable=SC2048,SC2086 # "supplier add" is two words
	"$SRR" $* --help | awk '
		/^Usage:/ { usage = 1 }
		usage && /^$/ { usage = 0 }
		usage || /^  +--[a-z]/ {
			line = $0
			# an option table line: the option and its value, up to the
			# description after two spaces
			if (!usage) { sub(/^ +/, "", line); sub(/  +.*/, "", line) }
			while (match(line, /--[a-z][a-z0-9-]*/)) {
				print substr(line, RSTART, RLENGTH)
				line = substr(line, RSTART + RLENGTH)
			}
		}' | sort -u
}
