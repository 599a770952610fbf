#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr supplier add|list|show|update|retire: what they print, and the bad
# input each refuses with exit 3, one line, and an unchanged register.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh

# --- add ------------------------------------------------------------------
ok srr supplier add acme-cloud --name 'Acme Cloud GmbH' --tier critical --country de \
	--service 'HSM hosting' --service 'Remote signing backend' \
	--contact 'Jane Roe,jane@acme.example,security' --contact 'Ops Desk,,operations'
is "add confirms" "Added supplier acme-cloud" "$out"
ok srr supplier add sub-one --name 'Sub One Ltd' --tier low
ok srr supplier add mid --name 'Müller AG' --tier medium --country AT --subcontractor sub-one
ok srr --json supplier add hi --name 'High Co' --tier high
json_is .added hi

# --- show, text -------------------------------------------------------------
ok srr supplier show acme-cloud
like "show: header" '^Supplier acme-cloud \(active\)$' "$out"
like "show: name" '^  Name: +Acme Cloud GmbH$' "$out"
like "show: tier" '^  Tier: +critical$' "$out"
like "show: country upper-cased" '^  Country: +DE$' "$out"
like "show: services in order" '^  Services: +HSM hosting; Remote signing backend$' "$out"
like "show: contact with email and role" '^    Jane Roe <jane@acme\.example> \(security\)$' "$out"
like "show: contact with role only" '^    Ops Desk \(operations\)$' "$out"
like "show: no subcontractors" '^  Subcontractors: +-$' "$out"
like "show: created time" '^  Created: +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "$out"
like "show: no contracts" '^Contracts: +none$' "$out"
ok srr supplier show mid
like "show: subcontractor" '^  Subcontractors: +sub-one$' "$out"
like "show: UTF-8 name" '^  Name: +Müller AG$' "$out"

# --- show, JSON -------------------------------------------------------------
ok srr --json supplier show acme-cloud
keys="contacts contracts country created key name services status subcontractors tier updated"
json_is "keys as \$k | \"$keys\" | split(\" \") - \$k | join(\",\")" ""
json_is .key acme-cloud
json_is .name 'Acme Cloud GmbH'
json_is .tier critical
json_is .country DE
json_is .status active
json_is '.services | join("|")' 'HSM hosting|Remote signing backend'
json_is '.contacts[0] | [.name, .email, .role] | join("|")' 'Jane Roe|jane@acme.example|security'
json_is '.contacts[1].email' null
json_is '.contacts[1].role' operations
json_is '.subcontractors | length' 0
json_is '.contracts | length' 0
json_is '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' true
ok srr --json supplier show sub-one
json_is .country null
json_is '.services | length' 0

# --- list -------------------------------------------------------------------
ok srr supplier list
rows() { printf '%s\n' "$out" | awk 'NR > 1 { printf "%s%s", sep, $1; sep = " " }'; }
like "list: header" '^KEY +TIER +COUNTRY +STATUS +(.* )?NAME$' "$(printf '%s\n' "$out" | head -n 1)"
is "list: sorted by key" "acme-cloud hi mid sub-one" "$(rows)"
like "list: acme-cloud row" '^acme-cloud +critical +DE +active +(.* )?Acme Cloud GmbH$' "$out"
like "list: hi row" '^hi +high +- +active +(.* )?High Co$' "$out"
like "list: mid row" '^mid +medium +AT +active +(.* )?Müller AG$' "$out"
like "list: sub-one row" '^sub-one +low +- +active +(.* )?Sub One Ltd$' "$out"
# Columns line up: each header word starts where its values start.
for col in TIER COUNTRY STATUS NAME; do
	pos=$(printf '%s\n' "$out" | head -n 1 | awk -v c="$col" '{ print index($0, c) }')
	check "list: column $col is aligned" test -z "$(printf '%s\n' "$out" |
		awk -v p="$pos" 'NR > 1 && (substr($0, p - 2, 2) != "  " || substr($0, p, 1) == " ")')"
done
ok srr supplier list --sort tier
is "list --sort tier" "acme-cloud hi mid sub-one" "$(rows)"
ok srr supplier list --sort name
is "list --sort name" "acme-cloud hi mid sub-one" "$(rows)"
ok srr supplier add aaa --name 'Zeta' --tier low
ok srr supplier list --sort name
is "list --sort name orders by name" "acme-cloud hi mid sub-one aaa" "$(rows)"
ok srr supplier list --sort score
like "list --sort score: the critical supplier first" '^acme-cloud ' "$(printf '%s\n' "$out" | sed -n 2p)"
ok srr --json supplier list
json_is '[.suppliers[].key] | join(" ")' "aaa acme-cloud hi mid sub-one"
json_is '.suppliers[] | select(.key == "mid") | .subcontractors | join(",")' sub-one
fails 3 "--sort 'size'" srr supplier list --sort size

# --- update -----------------------------------------------------------------
ok srr supplier update hi --name 'High Company' --tier medium --country fr --service Cloud
is "update confirms" "Updated supplier hi" "$out"
ok srr --json supplier show hi
json_is '[.name, .tier, .country, (.services | join(","))] | join("|")' 'High Company|medium|FR|Cloud'
n=$(events)
ok srr supplier update hi --name 'High Company' --tier medium
is "a no-op update says so" "Supplier hi unchanged" "$out"
is "a no-op update logs nothing" "$n" "$(events)"
ok srr --json supplier update hi --country FR
json_is .changed false
json_is .supplier hi
ok srr --json supplier update hi --country ''
json_is .changed true
ok srr --json supplier show hi
json_is .country null
ok srr supplier update hi --no-services --contact 'Bob,bob@hi.example'
ok srr --json supplier show hi
json_is '.services | length' 0
json_is '.contacts[0].name' Bob
ok srr supplier update hi --no-contacts
ok srr --json supplier show hi
json_is '.contacts | length' 0
ok srr supplier update mid --no-subcontractors
ok srr --json supplier show mid
json_is '.subcontractors | length' 0
ok srr supplier update mid --subcontractor sub-one --subcontractor hi
ok srr --json supplier show mid
json_is '.subcontractors | sort | join(",")' hi,sub-one

# --- retire -----------------------------------------------------------------
ok srr supplier retire aaa
is "retire confirms" "Retired supplier aaa" "$out"
ok srr supplier list
check "a retired supplier is not listed by default" test "$(printf '%s\n' "$out" | grep -c '^aaa ')" = 0
ok srr supplier list --all
like "list --all shows it as retired" '^aaa +low +- +retired +(.* )?Zeta$' "$out"
ok srr --json supplier list --all
json_is '.suppliers[] | select(.key == "aaa") | .status' retired
ok srr supplier show aaa
like "show a retired supplier" '^Supplier aaa \(retired\)$' "$out"
ok srr --json supplier retire hi
json_is .retired hi

# --- bad input: exit 3, one line naming what and where, nothing changed ------
snapshot
n=$(events)
fails 3 "--tier 'urgent'.*critical, high, medium, low" \
	srr supplier add new --name New --tier urgent
fails 3 "--tier 'urgent'" srr supplier update mid --tier urgent
fails 3 "supplier key 'new one' is invalid" srr supplier add 'new one' --name New --tier low
fails 3 "supplier key 'New' is invalid" srr supplier add New --name New --tier low
fails 3 "supplier key '-new' is invalid" srr supplier update --name New -- -new
fails 3 "supplier key 'new_one' is invalid" srr supplier add new_one --name New --tier low
fails 3 "supplier 'acme-cloud' already exists" \
	srr supplier add acme-cloud --name 'Acme Again' --tier low
fails 3 "supplier 'aaa' already exists" srr supplier add aaa --name 'Retired key' --tier low
fails 3 "supplier name contains a control character \(0x09 at byte 5\)" \
	srr supplier add new --name $'Acme\tCorp' --tier low
fails 3 "supplier name contains a control character \(0x07" \
	srr supplier add new --name $'\x07' --tier low
fails 3 "supplier name contains a control character \(0x0a" \
	srr supplier add new --name $'Acme\nCorp' --tier low
fails 3 "supplier name contains a control character \(0x1b" \
	srr supplier update mid --name $'\e[31mred'
fails 3 "supplier name is empty" srr supplier add new --name '' --tier low
fails 3 "supplier name is not valid UTF-8" srr supplier add new --name $'Caf\xe9' --tier low
fails 3 "service 2 contains a control character" \
	srr supplier add new --name New --tier low --service ok --service $'bad\x01'
fails 3 "service 'x' is listed twice" \
	srr supplier add new --name New --tier low --service x --service x
fails 3 "contact 1 email 'nobody' is not an address" \
	srr supplier add new --name New --tier low --contact 'Jo,nobody'
fails 3 "contact 1 name contains a control character" \
	srr supplier add new --name New --tier low --contact $'J\to'
fails 3 "country 'DEU' is not an ISO 3166-1 alpha-2 code" \
	srr supplier add new --name New --tier low --country DEU
fails 3 "country 'D1' is not an ISO 3166-1 alpha-2 code" \
	srr supplier add new --name New --tier low --country D1
fails 3 "country 'D' is not an ISO 3166-1 alpha-2 code" \
	srr supplier add new --name New --tier low --country D
fails 3 "country 'ÄÖ' is not an ISO 3166-1 alpha-2 code" \
	srr supplier update mid --country 'ÄÖ'
fails 3 "subcontractor 'nope' is not a supplier" \
	srr supplier add new --name New --tier low --subcontractor nope
fails 3 "supplier 'sub-one' cannot be its own subcontractor" \
	srr supplier update sub-one --subcontractor sub-one
fails 3 "subcontractor 'hi' is listed twice" \
	srr supplier update sub-one --subcontractor hi --subcontractor hi
fails 3 "no supplier 'nope'" srr supplier update nope --name X
fails 3 "no supplier 'nope'" srr supplier retire nope
fails 3 "no supplier 'nope'" srr supplier show nope
fails 3 "supplier key 'No Pe' is invalid" srr supplier show 'No Pe'
fails 3 "supplier 'aaa' is already retired" srr supplier retire aaa
unchanged
is "no event for refused input" "$n" "$(events)"

# C1 controls (U+0080..U+009F) are control characters too: SPEC allows no
# control characters in records, and U+009B is CSI, a terminal escape.
snapshot
fails 3 "supplier name contains a control character" \
	srr supplier add c1-nel --name $'Acme\u0085Corp' --tier low
fails 3 "supplier name contains a control character" \
	srr supplier add c1-csi --name $'\u009b31mRed' --tier low
unchanged

# --- subcontractor cycles, direct and through a chain --------------------------
ok srr supplier add chain-a --name A --tier low
ok srr supplier add chain-b --name B --tier low --subcontractor chain-a
ok srr supplier add chain-c --name C --tier low --subcontractor chain-b
snapshot
fails 3 "subcontractor 'chain-b' would make a cycle" \
	srr supplier update chain-a --subcontractor chain-b
fails 3 "subcontractor 'chain-c' would make a cycle" \
	srr supplier update chain-a --subcontractor chain-c
fails 3 "would make a cycle" srr supplier update chain-a --subcontractor mid --subcontractor chain-c
unchanged
ok srr supplier update chain-a --subcontractor mid

finish
