#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# Help, version, and usage errors (exit 2): unknown commands and options,
# missing arguments and required options. None of them touches the register.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh
ok srr supplier add acme --name Acme --tier high
ok srr contract add acme C-1 --start 2026-01-01 --end 2027-12-31
ok srr sla add acme C-1 availability --target 99.9 --comparator ge

# --- help and version -----------------------------------------------------------
ok srr --help
like "--help: synopsis" '^Usage: srr \[--db PATH\] \[--actor NAME\] \[--json\] COMMAND \[ARGS\]$' "$out"
for c in init supplier contract sla log help version; do
	like "--help lists $c" "^  $c +[A-Z]" "$out"
done
like "--help: exit codes" 'Exit status: 0 success, 1 problems found, 2 usage error, 3 any other error' "$out"
is "--help: nothing on stderr" "" "$err"
top_help=$out
ok srr -h
is "-h is --help" "$top_help" "$out"
ok srr help
is "help is --help" "$top_help" "$out"
ok srr version
like "version" '^srr [0-9]+\.[0-9]+\.[0-9]+ \(register schema [0-9]+\)$' "$out"
version=$out
ok srr --version
is "--version is version" "$version" "$out"
ok srr -V
is "-V is version" "$version" "$out"

# Every command and subcommand has help on stdout, exit 0, and 'srr help ...'
# prints the same. The commands come from 'srr --help' and each group's help,
# so new ones are covered as they appear.
groups=()
cmds=()
for c in $(printf '%s\n' "$top_help" | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
	case $c in help | version) continue ;; esac
	srr "$c" --help >"$T/h" 2>/dev/null
	if grep -q "^Usage: srr $c COMMAND" "$T/h"; then
		groups+=("$c")
		# shellcheck disable=SC2013 # command names are words
		for sub in $(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' "$T/h"); do
			cmds+=("$c $sub")
		done
	else
		cmds+=("$c")
	fi
done
for c in init log "supplier add" "supplier list" "supplier show" "supplier update" \
	"supplier retire" "contract add" "contract list" "contract show" "contract update" \
	"contract terminate" "sla add" "sla record" "sla list" "sla show"; do
	check "'srr --help' and the group help list '$c'" \
		test -n "$(printf '%s\n' "${cmds[@]}" | grep -Fx "$c")"
done
for c in "${cmds[@]}"; do
	# shellcheck disable=SC2086 # split "supplier add" into words
	ok srr $c --help || continue
	like "'$c --help' shows its usage" "^Usage: srr $c( |$)" "$out"
	like "'$c --help' lists the common options" '^Common options: --db PATH, --actor NAME, --json, --help$' "$out"
	is "'$c --help': nothing on stderr" "" "$err"
	help=$out
	# shellcheck disable=SC2086
	ok srr help $c
	is "'srr help $c' is '$c --help'" "$help" "$out"
	# shellcheck disable=SC2086
	ok srr $c -h
	is "'$c -h' is '$c --help'" "$help" "$out"
done
for g in "${groups[@]}"; do
	ok srr "$g" --help
	like "'$g --help' lists subcommands" "^Usage: srr $g COMMAND \[ARGS\]$" "$out"
	group_help=$out
	ok srr help "$g"
	is "'srr help $g' is '$g --help'" "$group_help" "$out"
	ok srr "$g" help
	is "'srr $g help' is '$g --help'" "$group_help" "$out"
done
ok srr supplier add --help
for o in --name --tier --country --service --contact --subcontractor; do
	like "supplier add --help documents $o" "^  $o " "$out"
done
ok srr contract add --help
like "contract add --help lists the clauses" 'right-to-audit' "$out"
# --help wins over everything else on the line and touches nothing
snapshot
ok srr supplier add new --name New --tier bogus --help
ok srr --db "$T/nowhere.db" supplier retire acme --help
unchanged
check "--help opens no register" test ! -e "$T/nowhere.db"

# --- usage errors: exit 2 ----------------------------------------------------------
snapshot
n=$(events)
_run srr
is "no command: exit 2" 2 "$rc"
like "no command: usage on stderr" '^Usage: srr ' "$err"
is "no command: nothing on stdout" "" "$out"
for g in supplier contract sla; do
	_run srr $g
	is "'srr $g' without a subcommand: exit 2" 2 "$rc"
	like "'srr $g': usage on stderr" "^Usage: srr $g COMMAND" "$err"
done
usage_fails "^srr: unknown command 'frobnicate'" srr frobnicate
usage_fails "^srr: unknown command 'suppliers'" srr suppliers list
usage_fails "^srr supplier: unknown command 'delete'" srr supplier delete acme
usage_fails "^srr contract: unknown command 'remove'" srr contract remove acme C-1
usage_fails "^srr sla: unknown command 'drop'" srr sla drop acme C-1 availability
usage_fails "^srr help: unknown command 'nope'" srr help nope
usage_fails "^srr supplier: unknown command 'nope'" srr help supplier nope
usage_fails "^srr: unknown option '--frob'" srr --frob supplier list
usage_fails "^srr: unknown option '-x'" srr -x supplier list
usage_fails "^srr supplier list: unknown option '--frob'" srr supplier list --frob
usage_fails "^srr supplier add: unknown option '-q'" srr supplier add k --name K --tier low -q
usage_fails "^srr contract add: unknown option '--clauses'" \
	srr contract add acme C-2 --start 2026-01-01 --end 2026-12-31 --clauses all
usage_fails "^srr sla record: unknown option '--month'" \
	srr sla record acme C-1 availability --month 2026-10 --value 1
usage_fails "^srr log: unknown option '--tail'" srr log --tail
usage_fails "^srr init: unknown option '--force'" srr init --force
usage_fails "^srr: option '--db' needs a value" srr --db
usage_fails "^srr supplier list: option '--db' needs a value" srr supplier list --db
usage_fails "^srr supplier add: option '--name' needs a value" srr supplier add k --tier low --name
usage_fails "^srr sla add: option '--target' needs a value" srr sla add acme C-1 m --comparator ge --target
usage_fails "^srr log: option '--since' needs a value" srr log --since
# missing arguments
usage_fails "^srr supplier add: missing supplier KEY" srr supplier add --name K --tier low
usage_fails "^srr supplier show: missing supplier KEY" srr supplier show
usage_fails "^srr supplier update: missing supplier KEY" srr supplier update --name K
usage_fails "^srr supplier retire: missing supplier KEY" srr supplier retire
usage_fails "^srr contract add: missing SUPPLIER and REF" \
	srr contract add acme --start 2026-01-01 --end 2026-12-31
usage_fails "^srr contract show: missing SUPPLIER and REF" srr contract show acme
usage_fails "^srr contract update: missing SUPPLIER and REF" srr contract update acme --end 2027-01-01
usage_fails "^srr contract terminate: missing SUPPLIER and REF" srr contract terminate acme
usage_fails "^srr sla add: missing SUPPLIER, REF and METRIC" srr sla add acme C-1 --target 1 --comparator ge
usage_fails "^srr sla record: missing SUPPLIER, REF and METRIC" \
	srr sla record acme C-1 --period 2026-10 --value 1
usage_fails "^srr sla show: missing SUPPLIER, REF and METRIC" srr sla show acme C-1
# missing required options
usage_fails "^srr supplier add: missing --name" srr supplier add k --tier low
usage_fails "^srr supplier add: missing --tier" srr supplier add k --name K
usage_fails "^srr contract add: missing --start" srr contract add acme C-2 --end 2026-12-31
usage_fails "^srr contract add: missing --end" srr contract add acme C-2 --start 2026-01-01
usage_fails "^srr sla add: missing --target" srr sla add acme C-1 m --comparator ge
usage_fails "^srr sla add: missing --comparator" srr sla add acme C-1 m --target 1
usage_fails "^srr sla record: missing --period" srr sla record acme C-1 availability --value 1
usage_fails "^srr sla record: missing --value" srr sla record acme C-1 availability --period 2026-10
# too many arguments, and options for another command
usage_fails "^srr init: unexpected argument 'extra'" srr init extra
usage_fails "^srr supplier add: unexpected argument 'l'" srr supplier add k l --name K --tier low
usage_fails "^srr supplier show: unexpected argument 'extra'" srr supplier show acme extra
usage_fails "^srr supplier list: unexpected argument 'acme'" srr supplier list acme
usage_fails "^srr contract add: unexpected argument 'C-3'" \
	srr contract add acme C-2 C-3 --start 2026-01-01 --end 2026-12-31
usage_fails "^srr contract terminate: unexpected argument 'C-2'" srr contract terminate acme C-1 C-2
usage_fails "^srr contract list: unexpected argument 'C-1'" srr contract list acme C-1
usage_fails "^srr sla add: unexpected argument 'n'" srr sla add acme C-1 m n --target 1 --comparator ge
usage_fails "^srr sla list: unexpected argument 'x'" srr sla list acme C-1 x
usage_fails "^srr log: unexpected argument 'all'" srr log all
usage_fails "^srr supplier add: '--no-services' only applies to update" \
	srr supplier add k --name K --tier low --no-services
usage_fails "^srr supplier update: a '--no-' option contradicts" \
	srr supplier update acme --no-services --service X
usage_fails "^srr contract add: '--no-clauses' only applies to update" \
	srr contract add acme C-2 --start 2026-01-01 --end 2026-12-31 --no-clauses
unchanged
is "usage errors log nothing" "$n" "$(events)"

# --- output that cannot be written is an error, not silence -------------------------
to_full() { srr "$@" >/dev/full; }
if [ -w /dev/full ]; then
	fails 3 "error writing output" to_full supplier list
	fails 3 "error writing output" to_full --json log
fi

finish
