#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr contract add|list|show|update|terminate, the clause checklist and its
# gaps, and the bad input each refuses.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh
ok srr supplier add acme --name Acme --tier critical
ok srr supplier add beta --name Beta --tier low
ok srr supplier add gone --name Gone --tier low

all8="right-to-audit incident-notification-24h subcontracting-approval security-requirements vulnerability-handling data-location termination-assistance sla-reporting"

# --- add --------------------------------------------------------------------
ok srr contract add acme C-2024-001 --start 2000-01-01 --end 2099-12-31 --notice-days 90 \
	--clause right-to-audit --clause sla-reporting
is "add confirms" "Added contract C-2024-001" "$out"
ok srr --json contract add acme full.1_x --start 2000-01-01 --end 2000-01-01 --all-clauses
json_is .added full.1_x
ok srr contract add beta future --start 2090-01-01 --end 2095-12-31
ok srr contract add beta past --start 1999-01-01 --end 2000-12-31 --notice-days 0
# the same REF at another supplier is fine
ok srr contract add beta C-2024-001 --start 2000-01-01 --end 2099-12-31

# --- show -------------------------------------------------------------------
ok srr contract show acme C-2024-001
like "show: header" '^Contract C-2024-001 of acme \(active\)$' "$out"
like "show: start" '^  Start: +2000-01-01$' "$out"
like "show: end" '^  End: +2099-12-31$' "$out"
like "show: notice" '^  Notice: +90 days$' "$out"
like "show: ticked clause" '^    \[x\] right-to-audit$' "$out"
like "show: missing clause" '^    \[ \] data-location$' "$out"
like "show: gap count" '^  Gaps: +6 of 8 clauses missing$' "$out"
is "show: all eight clauses listed" 8 "$(printf '%s\n' "$out" | grep -c '^    \[[x ]\] ')"
ok srr --json contract show acme C-2024-001
json_is 'keys | sort | join(",")' clauses,end,gaps,notice_days,ref,start,state,supplier,terminated
json_is '[.supplier, .ref, .start, .end, .state] | join("|")' 'acme|C-2024-001|2000-01-01|2099-12-31|active'
json_is .notice_days 90
json_is .terminated null
json_is '.clauses | join(" ")' 'right-to-audit sla-reporting'
json_is '.gaps | join(" ")' \
	'incident-notification-24h subcontracting-approval security-requirements vulnerability-handling data-location termination-assistance'
ok srr --json contract show acme full.1_x
json_is '.clauses | join(" ")' "$all8"
json_is '.gaps | length' 0
json_is .notice_days null
ok srr contract show acme full.1_x
like "show: no notice period" '^  Notice: +-$' "$out"
like "show: no gaps" '^  Gaps: +0 of 8 clauses missing$' "$out"
ok srr --json contract show beta future
json_is .state not-started
ok srr --json contract show beta past
json_is .state expired
json_is .notice_days 0

# --- list -------------------------------------------------------------------
ok srr contract list
is "list: table by supplier and ref" "SUPPLIER  REF         START       END         STATE        GAPS
acme      C-2024-001  2000-01-01  2099-12-31  active       6/8
acme      full.1_x    2000-01-01  2000-01-01  expired      0/8
beta      C-2024-001  2000-01-01  2099-12-31  active       8/8
beta      future      2090-01-01  2095-12-31  not-started  8/8
beta      past        1999-01-01  2000-12-31  expired      8/8" "$out"
ok srr contract list acme
is "list SUPPLIER" 3 "$(printf '%s\n' "$out" | wc -l)"
ok srr --json contract list
json_is '[.contracts[] | .supplier + "/" + .ref] | join(" ")' \
	"acme/C-2024-001 acme/full.1_x beta/C-2024-001 beta/future beta/past"
ok srr --json contract list --gaps
json_is '[.contracts[] | .supplier + "/" + .ref] | join(" ")' \
	"acme/C-2024-001 beta/C-2024-001 beta/future beta/past"
ok srr --json contract list beta --gaps
json_is '.contracts | length' 3
ok srr --json contract list gone
json_is '.contracts | length' 0
ok srr supplier show acme
like "supplier show lists the contract and its gaps" \
	'^  C-2024-001  2000-01-01 \.\. 2099-12-31  active  gaps: incident-notification-24h, subcontracting-approval' "$out"
like "supplier show: no gaps" '^  full\.1_x  2000-01-01 \.\. 2000-01-01  expired  gaps: none$' "$out"
ok srr --json supplier show acme
json_is '[.contracts[] | .ref + ":" + (.gaps | length | tostring)] | join(" ")' "C-2024-001:6 full.1_x:0"

# --- update -----------------------------------------------------------------
ok srr contract update acme C-2024-001 --end 2098-06-30 --notice-days 30 --clause data-location
is "update confirms" "Updated contract C-2024-001" "$out"
ok srr --json contract show acme C-2024-001
json_is '[.end, (.notice_days | tostring), (.clauses | join(","))] | join("|")' '2098-06-30|30|data-location'
n=$(events)
ok srr contract update acme C-2024-001 --end 2098-06-30 --notice-days 30
is "a no-op update says so" "Contract C-2024-001 unchanged" "$out"
is "a no-op update logs nothing" "$n" "$(events)"
ok srr --json contract update acme C-2024-001 --notice-days none
json_is .changed true
json_is .contract C-2024-001
ok srr --json contract show acme C-2024-001
json_is .notice_days null
ok srr contract update acme C-2024-001 --all-clauses
ok srr --json contract show acme C-2024-001
json_is '.gaps | length' 0
ok srr contract update acme C-2024-001 --no-clauses
ok srr --json contract show acme C-2024-001
json_is '.clauses | length' 0
json_is '.gaps | length' 8

# --- terminate --------------------------------------------------------------
ok srr contract terminate beta C-2024-001 --date 2026-06-30
is "terminate confirms" "Terminated contract C-2024-001" "$out"
ok srr --json contract show beta C-2024-001
json_is '[.state, .terminated] | join("|")' 'terminated|2026-06-30'
ok srr contract show beta C-2024-001
like "show: termination date" '^  Terminated: +2026-06-30$' "$out"
ok srr --json contract terminate acme C-2024-001
json_is .terminated C-2024-001
ok srr --json contract show acme C-2024-001
json_is .terminated "$(date -u +%Y-%m-%d)"

# --- bad input: exit 3, one line, nothing changed ------------------------------
ok srr supplier retire gone
snapshot
n=$(events)
fails 3 "contract start date '2026-02-30' is not a valid date" \
	srr contract add acme C-9 --start 2026-02-30 --end 2027-01-01
fails 3 "contract end date '2025-02-29' is not a valid date" \
	srr contract add acme C-9 --start 2024-02-29 --end 2025-02-29
fails 3 "contract start date '2026-1-01' is not a valid date" \
	srr contract add acme C-9 --start 2026-1-01 --end 2027-01-01
fails 3 "contract end date 'tomorrow' is not a valid date" \
	srr contract add acme C-9 --start 2026-01-01 --end tomorrow
fails 3 "contract end 2026-02-28 is before its start 2026-03-01" \
	srr contract add acme C-9 --start 2026-03-01 --end 2026-02-28
fails 3 "supplier 'acme' already has a contract 'full\.1_x'" \
	srr contract add acme full.1_x --start 2000-01-01 --end 2000-01-01
fails 3 "no supplier 'nope'" srr contract add nope C-9 --start 2026-01-01 --end 2027-01-01
fails 3 "supplier 'gone' is retired" srr contract add gone C-9 --start 2026-01-01 --end 2027-01-01
fails 3 "--clause 'bogus': not a checklist clause" \
	srr contract add acme C-9 --start 2026-01-01 --end 2027-01-01 --clause bogus
fails 3 "--clause 'Right-To-Audit': not a checklist clause" \
	srr contract update acme full.1_x --clause Right-To-Audit
for bad in -1 3651 1x 1.5 '' ' 3' 99999999999999999999; do
	fails 3 "--notice-days '$bad': must be a whole number of days" \
		srr contract add acme C-9 --start 2026-01-01 --end 2027-01-01 --notice-days "$bad"
done
fails 3 "--notice-days 'never'" srr contract update acme full.1_x --notice-days never
fails 3 "contract reference 'C 9' is invalid" \
	srr contract add acme 'C 9' --start 2026-01-01 --end 2027-01-01
fails 3 "contract reference '-C9' is invalid" \
	srr contract add acme --start 2026-01-01 --end 2027-01-01 -- -C9
fails 3 "contract reference 'C/9' is invalid" \
	srr contract add acme 'C/9' --start 2026-01-01 --end 2027-01-01
fails 3 "contract reference '.*' is invalid" \
	srr contract add acme $'C\t9' --start 2026-01-01 --end 2027-01-01
fails 3 "supplier 'acme' has no contract 'C-404'" srr contract show acme C-404
fails 3 "supplier 'acme' has no contract 'C-404'" srr contract update acme C-404 --end 2030-01-01
fails 3 "supplier 'acme' has no contract 'C-404'" srr contract terminate acme C-404
fails 3 "no supplier 'nope'" srr contract list nope
fails 3 "contract end 1999-12-31 is before its start 2000-01-01" \
	srr contract update acme full.1_x --end 1999-12-31
fails 3 "contract start date '2026-13-01' is not a valid date" \
	srr contract update acme full.1_x --start 2026-13-01
fails 3 "contract 'C-2024-001' of supplier 'beta' was terminated on 2026-06-30" \
	srr contract terminate beta C-2024-001 --date 2026-07-01
fails 3 "termination date '2026-02-30' is not a valid date" \
	srr contract terminate beta future --date 2026-02-30
fails 3 "termination date 2089-12-31 is before the contract start 2090-01-01" \
	srr contract terminate beta future --date 2089-12-31
fails 3 "contract start 2026-07-01 is after its termination 2026-06-30" \
	srr contract update beta C-2024-001 --start 2026-07-01
unchanged
is "no event for refused input" "$n" "$(events)"

# Terminating ends a contract early: a date after its end is not early, and
# an update may not move the end before a termination.
snapshot
fails 3 "termination date 2001-06-30 is after the contract end 2000-12-31" \
	srr contract terminate beta past --date 2001-06-30
fails 3 "contract end 2026-06-29 is before its termination 2026-06-30" \
	srr contract update beta C-2024-001 --end 2026-06-29
unchanged

# A termination takes effect on its date: until then the contract is active.
ok srr contract add acme later --start 2000-01-01 --end 2099-12-31
ok srr contract terminate acme later --date 2090-01-01
ok srr --json contract show acme later
json_is '[.state, .terminated] | join("|")' 'active|2090-01-01'
ok srr contract show acme later
like "show: a future termination is shown" '^  Terminated: +2090-01-01$' "$out"
fails 3 "contract 'later' of supplier 'acme' was terminated on 2090-01-01" \
	srr contract terminate acme later --date 2089-01-01

finish
