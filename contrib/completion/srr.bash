# bash completion for srr(1), the supplier risk register.
# SPDX-License-Identifier: MIT
#
# Installed into bash-completion's completions directory, or source it from
# ~/.bashrc. Supplier keys, contract refs, SLA metrics and risk, incident,
# approval and checkpoint ids come from the register itself (srr --json ...
# list, with the --db given on the line, else $SRR_DB): nothing is offered
# when there is no register, and completing never creates or changes one.

# The command groups and their subcommands; keep in step with src/cli/main.c
# (tests/cli/test-completion.sh checks both against 'srr help').
_srr_commands='init supplier contract sla policy review incident risk approval
	approve checkpoint verify verify-bundle import export report due log help version'

_srr_subcommands() {
	case $1 in
	supplier) echo 'add list show update retire' ;;
	contract) echo 'add list show update terminate' ;;
	sla) echo 'add record list show' ;;
	policy) echo 'set check show' ;;
	review) echo 'record list' ;;
	incident) echo 'add notified list' ;;
	risk) echo 'add treat done review close list show' ;;
	approval) echo 'request list show export reject' ;;
	checkpoint) echo 'list export' ;;
	esac
}

# The options of one command ("supplier add"), besides the common ones.
_srr_options() {
	case $1 in
	init) echo '--policy' ;;
	'supplier add' | 'supplier update')
		echo '--name --tier --country --service --contact --subcontractor'
		[ "$1" = 'supplier update' ] && echo '--no-services --no-contacts --no-subcontractors' ;;
	'supplier list') echo '--all --sort' ;;
	'contract add' | 'contract update')
		echo '--start --end --notice-days --clause --all-clauses'
		[ "$1" = 'contract update' ] && echo '--no-clauses' ;;
	'contract list') echo '--gaps' ;;
	'contract terminate') echo '--date' ;;
	'sla add') echo '--target --comparator --unit --period' ;;
	'sla record') echo '--period --value' ;;
	'sla list') echo '--breaches' ;;
	'policy show') echo '--version --yaml' ;;
	'review record') echo '--date --outcome --findings --evidence' ;;
	'incident add') echo '--identified --notified --summary --severity' ;;
	'incident notified') echo '--at' ;;
	'risk add') echo '--title --description --owner --likelihood --impact --review-date' ;;
	'risk treat') echo '--treatment --residual-likelihood --residual-impact --justification --until --action' ;;
	'risk done') echo '--date' ;;
	'risk review') echo '--date --next' ;;
	'risk list') echo '--all' ;;
	'approval reject') echo '--reason --key --module --pin-file' ;;
	approve | checkpoint) echo '--key --module --pin-file' ;;
	verify) echo '--trust --since --threads' ;;
	verify-bundle) echo '--trust' ;;
	import) echo '--dry-run --all-errors' ;;
	export) echo '--bundle --yaml --sample --seed' ;;
	report) echo '--html --csv --as-of --within --max-rows' ;;
	due) echo '--within --as-of' ;;
	log) echo '--since --limit --records' ;;
	esac
}

# Options that take a value; the rest are flags.
_srr_takes_value() {
	case $1 in
	--db | --actor | --policy | --name | --tier | --country | --service | --contact | \
		--subcontractor | --sort | --start | --end | --notice-days | --clause | --date | \
		--target | --comparator | --unit | --period | --value | --version | --outcome | \
		--findings | --evidence | --identified | --notified | --summary | --severity | \
		--at | --title | --description | --owner | --likelihood | --impact | \
		--review-date | --treatment | --residual-likelihood | --residual-impact | \
		--justification | --until | --action | --next | --reason | --key | --module | \
		--pin-file | --trust | --since | --threads | --bundle | --yaml | --sample | \
		--seed | --html | --csv | --as-of | --within | --max-rows | --limit)
		return 0 ;;
	esac
	return 1
}

# One field of each entry of 'srr --json ARGS...' (the entries of its
# top-level array sit at the third level of indentation).
_srr_list() {
	local field=$1
	shift
	"${_srr_cmd[@]}" --json "$@" 2>/dev/null </dev/null |
		sed -n "s/^      \"$field\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p"
}

_srr_reply() {
	local IFS=$' \t\n'
	# shellcheck disable=SC2207 # words without blanks
	COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_srr_files() {
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	# shellcheck disable=SC2207
	COMPREPLY=($(compgen "${1:--f}" -- "$cur"))
}

# The value of the option $1 for command $2 (the key "supplier add").
_srr_value() {
	case $1 in
	--db | --policy | --evidence | --pin-file | --trust | --yaml | --html | --module)
		_srr_files ;;
	--since) [ "$2" = verify ] && _srr_files ;;
	--bundle | --csv) _srr_files -d ;;
	--tier) _srr_reply 'critical high medium low' ;;
	--severity) _srr_reply 'low medium high critical' ;;
	--sort) _srr_reply 'key name tier score' ;;
	--outcome) _srr_reply 'pass conditional fail' ;;
	--comparator) _srr_reply 'ge le' ;;
	--period) [ "$2" = 'sla add' ] && _srr_reply 'month quarter' ;;
	--treatment) _srr_reply 'mitigate accept transfer avoid' ;;
	--clause)
		_srr_reply 'right-to-audit incident-notification-24h subcontracting-approval
			security-requirements vulnerability-handling data-location
			termination-assistance sla-reporting' ;;
	--notice-days) [ "$2" = 'contract update' ] && _srr_reply none ;;
	--subcontractor) _srr_reply "$(_srr_list key supplier list --all)" ;;
	esac
}

# Positional argument number $2 (from 1) of command $1; $3.. are the
# positional arguments before it.
_srr_positional() {
	local cmd=$1 n=$2
	shift 2
	case "$cmd:$n" in
	'contract list:2') ;;
	'supplier show:1' | 'supplier update:1' | 'supplier retire:1' | contract\ *:1 | sla\ *:1 | \
		review\ *:1 | 'incident add:1' | 'incident list:1' | 'risk add:1' | 'risk list:1')
		_srr_reply "$(_srr_list key supplier list --all)" ;;
	contract\ *:2 | sla\ *:2)
		_srr_reply "$(_srr_list ref contract list "$1")" ;;
	'sla record:3' | 'sla show:3')
		_srr_reply "$(_srr_list metric sla list "$1" "$2")" ;;
	risk\ *:1)
		_srr_reply "$(_srr_list id risk list --all)" ;;
	'incident notified:1')
		_srr_reply "$(_srr_list id incident list)" ;;
	'approval show:1' | 'approval export:1' | 'approval reject:1' | 'approve:1')
		_srr_reply "$(_srr_list id approval list | sed 's/^/A-/')" ;;
	'approval export:2' | 'verify-bundle:1') _srr_files -d ;;
	'approval request:1') _srr_reply 'risk treatment review policy' ;;
	'approval request:2')
		case $1 in
		risk | treatment) _srr_reply "$(_srr_list id risk list --all)" ;;
		review) _srr_reply "$(_srr_list key supplier list --all)" ;;
		esac ;;
	'checkpoint export:1') _srr_reply "$(_srr_list id checkpoint list | sed 's/^/C-/')" ;;
	'checkpoint export:2' | 'policy set:1' | 'policy check:1' | 'import:1') _srr_files ;;
	'help:1') _srr_reply "$_srr_commands" ;;
	'help:2') _srr_reply "$(_srr_subcommands "$1")" ;;
	esac
}

_srr() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' i w
	local _srr_cmd=("${COMP_WORDS[0]}")
	local cmd='' group='' pos=()
	COMPREPLY=()
	# Walk the words before the cursor: the global options, the command, its
	# subcommand, options with their values, positional arguments.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		# bash splits --db=PATH at the '=' (COMP_WORDBREAKS)
		[ "$w" = = ] && [ -n "$prev" ] && continue
		if [ -n "$prev" ]; then
			[ "$prev" = --db ] && _srr_cmd+=(--db "${w/#\~/$HOME}")
			prev=
			continue
		fi
		case $w in
		--db=*) _srr_cmd+=("${w/#--db=\~/--db=$HOME}") ;;
		--*=*) ;;
		-*) _srr_takes_value "$w" && prev=$w ;;
		*)
			if [ -z "$cmd" ]; then
				cmd=$w
				[ -n "$(_srr_subcommands "$w")" ] && group=$w
			elif [ -n "$group" ] && [ "$cmd" = "$group" ] && [ "$w" != "$group" ]; then
				# checkpoint signs without a subcommand: only list/export are one
				if [[ " $(_srr_subcommands "$group") " == *" $w "* ]]; then
					cmd="$group $w"
				else
					pos+=("$w")
				fi
			else
				pos+=("$w")
			fi ;;
		esac
	done

	if [ -n "$prev" ]; then
		[ "$cur" = = ] && cur=
		_srr_value "$prev" "$cmd"
		return 0
	fi
	if [[ $cur == -* ]]; then
		if [ -z "$cmd" ]; then
			_srr_reply '--db --actor --json --help --version'
		else
			_srr_reply "$(_srr_options "$cmd") --db --actor --json --help"
		fi
		return 0
	fi
	if [ -z "$cmd" ]; then
		_srr_reply "$_srr_commands"
	elif [ "$cmd" = "$group" ] && [ ${#pos[@]} -eq 0 ]; then
		_srr_reply "$(_srr_subcommands "$group")"
	elif [ "$cmd" != version ]; then
		_srr_positional "$cmd" $((${#pos[@]} + 1)) "${pos[@]}"
	fi
	return 0
}

complete -F _srr srr
