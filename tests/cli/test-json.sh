#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# --json: every listing and show command prints exactly one JSON document on
# stdout, wherever --json is on the command line; text survives escaping;
# errors print nothing on stdout.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh
name='Quote " Backslash \ Slash / Ümlaut € 😀 <b>&amp;'
ok srr supplier add acme --name "$name" --tier critical --country DE \
	--service 'tab-free "quoted" service' --contact 'Zoë O'"'"'Brien,zoe@acme.example,dpo'
ok srr supplier add empty --name 'Empty Ltd' --tier low
ok srr contract add acme C-1 --start 2026-01-01 --end 2027-12-31 --clause data-location
ok srr sla add acme C-1 availability --target 99.9 --comparator ge --unit '%'
ok srr sla record acme C-1 availability --period 2026-10 --value 99.5

# Exactly one JSON document, and nothing on stderr.
one_doc() {
	is "one JSON document: $1" 1 "$(printf '%s' "$out" | jq -s length 2>&1)"
	is "nothing on stderr: $1" "" "$err"
}

reads=(
	"supplier list"
	"supplier list --all"
	"supplier show acme"
	"supplier show empty"
	"contract list"
	"contract list acme"
	"contract list empty"
	"contract list --gaps"
	"contract show acme C-1"
	"sla list"
	"sla list acme C-1"
	"sla list --breaches"
	"sla show acme C-1 availability"
	"log"
	"log --since 3"
	"log --limit 1"
	"log --records"
)
for c in "${reads[@]}"; do
	# shellcheck disable=SC2086 # split the command into words
	ok srr --json $c || continue
	one_doc "$c"
	before=$out
	# --json after the command means the same
	# shellcheck disable=SC2086
	ok srr $c --json
	is "--json after '$c' gives the same document" "$before" "$out"
done

# Text survives JSON escaping byte for byte.
ok srr --json supplier show acme
json_is .name "$name"
json_is '.services[0]' 'tab-free "quoted" service'
json_is '.contacts[0].name' "Zoë O'Brien"
ok srr --json log
# (the canonical record escapes a backslash as two)
json_is '.events[1].record | split("\n")[2]' "name ${name//\\/\\\\}"
ok srr --json sla list
json_is '.slas[0].unit' '%'

# Empty collections are empty arrays, not null or missing.
fresh
ok srr --json supplier list
is "empty supplier list" '{"suppliers":[]}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json contract list
is "empty contract list" '{"contracts":[]}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json sla list
is "empty SLA list" '{"slas":[]}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json log --since 1
json_is '.events' '[]'

# Confirmations of changes are JSON too.
ok srr --json supplier add s1 --name S1 --tier low
is "supplier add" '{"added":"s1"}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json supplier update s1 --tier high
is "supplier update" '{"supplier":"s1","changed":true}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json contract add s1 K-1 --start 2026-01-01 --end 2026-12-31
is "contract add" '{"added":"K-1"}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json contract update s1 K-1 --notice-days 10
is "contract update" '{"contract":"K-1","changed":true}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json sla add s1 K-1 uptime --target 99 --comparator ge
is "sla add" '{"added":"uptime"}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json sla record s1 K-1 uptime --period 2026-03 --value 98
is "sla record" '{"metric":"uptime","period":"2026-03","breach":true}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json contract terminate s1 K-1 --date 2026-06-01
is "contract terminate" '{"terminated":"K-1"}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json supplier retire s1
is "supplier retire" '{"retired":"s1"}' "$(printf '%s' "$out" | jq -c .)"
ok srr --json --db "$T/other.db" init
one_doc init

# Errors: nothing on stdout (a script parsing stdout sees no half document).
fails 3 "no supplier 'nope'" srr --json supplier show nope
fails 3 "no such register" srr --json --db "$T/none.db" supplier list
fails 3 "has no SLA 'nope'" srr --json sla show s1 K-1 nope
usage_fails "unknown option" srr --json supplier list --frob

finish
