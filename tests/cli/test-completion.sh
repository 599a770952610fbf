#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bash and zsh completion in contrib/completion/: bash's _srr called with
# COMP_WORDS/COMP_CWORD, zsh's _srr in a real interactive zsh on a pseudo-
# terminal, both for a table of cases against a real register (commands,
# subcommands, options, enumerated values, supplier keys, risk, incident and
# approval ids, files); then every command, subcommand and option that
# 'srr help' and 'srr CMD --help' print must be offered by both.
# shellcheck source-path=SCRIPTDIR disable=SC2119 # optional helper args
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/commands.sh"

here=$(cd "$(dirname "$0")" && pwd)
contrib=$here/../../contrib/completion
command -v zsh >/dev/null || {
	echo "SKIP: zsh is not installed"
	exit 77
}
# This judges the scripts, not srr: srr runs without the test wrapper
# (valgrind), here as in the completion and in commands.sh.
srr() { "$SRR" "$@"; }
# The completion runs srr as typed: "srr" from $PATH is the one under test.
mkdir "$T/bin"
ln -s "$SRR" "$T/bin/srr"
PATH=$T/bin:$PATH

# A register with two suppliers, a contract, an SLA, a risk accepted with a
# request for approval (A-1), an incident; and a policy file to complete.
fresh
ok srr supplier add acme-cloud --name Acme --tier high
ok srr supplier add beta-net --name Beta --tier low
ok srr supplier retire beta-net
ok srr contract add acme-cloud C-1 --start 2026-01-01 --end 2027-01-01
ok srr sla add acme-cloud C-1 availability --target 99.9 --comparator ge
ok srr risk add acme-cloud --title Outage --likelihood 2 --impact 2
ok srr risk treat R-1 --treatment accept --residual-likelihood 1 --residual-impact 1 \
	--justification ok --until 2026-12-31
ok srr approval request risk R-1
ok srr incident add acme-cloud --identified 2026-11-01T00:00:00Z --summary Down
# Files are completed in $T/files, the directory both shells run in.
mkdir "$T/files" "$T/files/bundle-dir"
: >"$T/files/policy.yaml"
cd "$T/files" || exit 1
snapshot
# Another register, to complete from with --db.
SRR_DB=$T/other.db srr init >/dev/null
SRR_DB=$T/other.db srr supplier add other-co --name Other --tier low >/dev/null

# shellcheck disable=SC1091
. "$contrib/srr.bash"

# bash: the words of a command line (the last one is completed) -> the
# sorted, space-separated matches.
bash_complete() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_srr
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# The cases: a command line, TAB at its end, and what must be offered.
cases=(
	"srr |approval approve checkpoint contract due export help import incident init log policy report review risk sla supplier verify verify-bundle version"
	"srr ve|verify verify-bundle version"
	"srr --|--actor --db --help --json --version"
	"srr --json supplier |add list retire show update"
	"srr supplier list --|--actor --all --db --help --json --sort"
	"srr supplier list --sort |key name score tier"
	"srr supplier add x --tier |critical high low medium"
	"srr supplier add x --subcontractor |acme-cloud beta-net"
	"srr supplier show |acme-cloud beta-net"
	"srr supplier show ac|acme-cloud"
	"srr --db $T/none.db supplier show |"
	"srr --db $T/other.db supplier show |other-co"
	"srr supplier show --db $T/other.db |other-co"
	"srr --db=$T/other.db supplier show |other-co"
	"srr supplier add x --tier=|critical high low medium"
	"srr contract show acme-cloud |C-1"
	"srr contract list acme-cloud |"
	"srr contract add acme-cloud C-2 --clause right|right-to-audit"
	"srr sla add acme-cloud C-1 m --comparator |ge le"
	"srr sla add acme-cloud C-1 m --period |month quarter"
	"srr sla record acme-cloud C-1 |availability"
	"srr review record acme-cloud --outcome |conditional fail pass"
	"srr incident add acme-cloud --severity |critical high low medium"
	"srr incident notified |1"
	"srr risk treat |R-1"
	"srr risk treat R-1 --treatment |accept avoid mitigate transfer"
	"srr approval request |policy review risk treatment"
	"srr approval request treatment |R-1"
	"srr approval show |A-1"
	"srr approve |A-1"
	"srr checkpoint |export list"
	"srr checkpoint --|--actor --db --help --json --key --module --pin-file"
	"srr help |approval approve checkpoint contract due export help import incident init log policy report review risk sla supplier verify verify-bundle version"
	"srr help sla |add list record show"
	"srr version |"
	"srr init --policy po|policy.yaml"
	"srr --db |bundle-dir policy.yaml"
	"srr export --bundle |bundle-dir"
	"srr verify-bundle |bundle-dir"
	"srr approval export A-1 |bundle-dir"
	"srr import p|policy.yaml"
)

zlines=()
for c in "${cases[@]}"; do
	zlines+=("${c%%|*}")
done
zout=$T/zsh
mkdir "$zout"
start=$(date +%s%N)
check "zsh completes ${#zlines[@]} lines" \
	timeout 120 zsh -f "$here/zsh-complete.zsh" "$contrib" "$zout" "${zlines[@]}"
echo "# zsh: $((($(date +%s%N) - start) / 1000000)) ms" >&9

zsh_matches() {
	sort -u "$zout/$1" | tr '\n' ' ' | sed 's/ $//'
}

n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	line=${c%%|*} want=${c#*|}
	# bash splits words at '=' too, and completes after it
	# shellcheck disable=SC2086 # the words of the line
	mapfile -t words < <(printf '%s\n' $line | sed 's/^\(--[a-z-]*\)=\(.*\)/\1\n=\n\2/; /^$/d')
	[ "${line: -1}" = ' ' ] && words+=('')
	is "bash: $line<TAB>" "$want" "$(bash_complete "${words[@]}")"
	is "zsh: $line<TAB>" "$want" "$(zsh_matches "$n" "$line")"
done

# Completing runs srr only to read: nothing changed, nothing created.
unchanged
check "no register made for a missing --db" test ! -e "$T/none.db"

# Every command, subcommand and option of the help, in both scripts.
mapfile -t commands < <(help_commands)
check "srr help lists the commands (${#commands[@]})" test "${#commands[@]}" -ge 40
zlines=() expect=()
for c in "${commands[@]}"; do
	read -r -a w <<<"$c"
	if [ ${#w[@]} = 2 ]; then
		# the group offers the subcommand
		zlines+=("srr ${w[0]} ${w[1]:0:1}")
		expect+=("${w[1]}")
	else
		zlines+=("srr ${w[0]:0:2}")
		expect+=("${w[0]}")
	fi
	case $c in help | version) continue ;; esac
	zlines+=("srr $c --")
	expect+=("$(help_options "$c" | tr '\n' ' ')")
done
rm -f "$zout"/*
check "zsh completes ${#zlines[@]} lines" \
	timeout 120 zsh -f "$here/zsh-complete.zsh" "$contrib" "$zout" "${zlines[@]}"
missing_bash='' missing_zsh=''
for i in "${!zlines[@]}"; do
	read -r -a words <<<"${zlines[i]}"
	got_bash=" $(bash_complete "${words[@]}") "
	got_zsh=" $(sort -u "$zout/$((i + 1))" | tr '\n' ' ') "
	for want in ${expect[i]}; do
		[[ $got_bash == *" $want "* ]] || missing_bash+=" ${zlines[i]}<TAB>:$want"
		[[ $got_zsh == *" $want "* ]] || missing_zsh+=" ${zlines[i]}<TAB>:$want"
	done
done
is "bash offers every command, subcommand and option of the help" "" "$missing_bash"
is "zsh offers every command, subcommand and option of the help" "" "$missing_zsh"

finish
