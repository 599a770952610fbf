#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr due: exit 1 when anything is overdue; scheduled reviews by tier cadence
# (the day clamped to the month's end), unscheduled reviews after incidents
# and SLA breaches, contract notice deadlines, risk items, --within, --as-of
# and the JSON items. Dates are fixed and judged --as-of, except for the risk
# items, which are dated relative to today.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Expect exit status CODE (0 or 1) and nothing on stderr; stdout in $out.
exits() {
	local code=$1
	shift
	"$@" >"$T/.due-out" 2>"$T/.due-err"
	rc=$?
	out=$(cat "$T/.due-out")
	err=$(cat "$T/.due-err")
	is "$(printf '%q ' "$@")-> exit $code" "$code" "$rc"
	is "no error from $*" "" "$err"
}
# The items of $out (JSON) as "kind:supplier:due:days:overdue", one per line
# joined by spaces; $1 (optional) a jq filter on the items.
items() {
	printf '%s' "$out" | jq -r "[.items[] | ${1:-.} | \"\(.kind):\(.supplier):\(.due):\(.days):\(.overdue)\"] | join(\" \")"
}

today=$(date -u +%F)

# --- an empty register: nothing due, exit 0 --------------------------------------
fresh
exits 0 srr due
is "nothing due" "Nothing due within 30 days." "$out"
exits 0 srr due --within 0
is "nothing due within 0" "Nothing due within 0 days." "$out"
exits 0 srr --json due --as-of 2026-01-15 --within 7
json_is '[.as_of, .within, .overdue, (.items | length)] | map(tostring) | join("|")' "2026-01-15|7|0|0"
json_is 'keys | sort | join(",")' as_of,items,overdue,within
exits 0 srr --json due
json_is .as_of "$today"
json_is .within 30

# --- scheduled reviews: the cadence in months, clamped to the month's end --------
ok srr supplier add leap --name "Leap Day" --tier critical
ok srr review record leap --date 2023-11-30 --outcome pass
# 2023-11-30 + 3 months = 2024-02-29 (a leap year).
exits 0 srr due --as-of 2024-02-29
is "due on the as-of day: in 0d, exit 0" \
	"DUE         STATE  KIND    WHO  REQUIREMENT    WHAT
2024-02-29  in 0d  review  -    REQ-7.14.3-10  review of critical tier supplier leap (every 3 months; last 2023-11-30)
0 overdue, 1 listed" "$out"
exits 1 srr due --as-of 2024-03-01
like "overdue the day after" '^2024-02-29  OVERDUE 1d  review  ' "$out"
like "last line counts" '^1 overdue, 1 listed$' "$out"
exits 1 srr --json due --as-of 2024-03-01 --within 0
json_is 'keys | sort | join(",")' as_of,items,overdue,within
json_is '[.as_of, .within, .overdue] | map(tostring) | join("|")' "2024-03-01|0|1"
json_is '.items[0] | keys | sort | join(",")' days,due,kind,overdue,requirement,subject,supplier,what,who
json_is '.items[0] | [.kind, .supplier, .subject, .due, .days, .overdue, .who, .requirement] | map(tostring) | join("|")' \
	"review|leap|supplier/leap|2024-02-29|-1|true|null|REQ-7.14.3-10"
json_is '.items[0].what' "review of critical tier supplier leap (every 3 months; last 2023-11-30)"
json_is '.items[0].days | type' number
# Only active suppliers have items.
ok srr supplier retire leap
exits 0 srr due --as-of 2024-03-01
is "a retired supplier has no items" "Nothing due within 30 days." "$out"

ok srr supplier add crit --name Crit --tier critical
ok srr review record crit --date 2025-11-30 --outcome pass
# 2025-11-30 + 3 months = 2026-02-28.
exits 0 srr --json due --as-of 2026-02-28 --within 0
is "2025-11-30 + 3 months: due 2026-02-28, not overdue on it" "review:crit:2026-02-28:0:false" "$(items)"
exits 1 srr --json due --as-of 2026-03-01 --within 0
is "overdue on 2026-03-01" "review:crit:2026-02-28:-1:true" "$(items)"
json_is .overdue 1
exits 0 srr --json due --as-of 2026-01-29
is "listed 30 days ahead" "review:crit:2026-02-28:30:false" "$(items)"
exits 0 srr --json due --as-of 2026-01-28
is "not listed 31 days ahead" "" "$(items)"
exits 0 srr --json due --as-of 2026-01-28 --within 31
is "--within 31 lists it" "review:crit:2026-02-28:31:false" "$(items)"
# A review after the as-of day does not count on that day: never reviewed,
# crit is due from the day it was added (today), far beyond the window.
exits 0 srr --json due --as-of 2025-11-29
is "a later review does not count" "" "$(items)"
# The cadence comes from the policy in force.
sed 's/critical: 3, high: 6/critical: 2, high: 6/' "$(dirname "$0")/../../contrib/policy-default.yaml" \
	>"$T/cadence2.yaml"
ok srr policy set "$T/cadence2.yaml"
exits 1 srr --json due --as-of 2026-02-01 --within 0
is "2025-11-30 + 2 months = 2026-01-30" "review:crit:2026-01-30:-2:true" "$(items)"
ok srr review record crit --date 2026-01-31 --outcome conditional
exits 0 srr --json due --as-of 2026-02-01 --within 61
is "2026-01-31 + 2 months = 2026-03-31" "review:crit:2026-03-31:58:false" "$(items)"
ok srr supplier retire crit

# --- an incident: review-incident after_incident_days, and a late notification ----
ok srr supplier add beta --name Beta --tier low
ok srr review record beta --date 2025-01-10 --outcome pass
ok srr incident add beta --identified 2025-03-10T08:00:00Z --notified 2025-03-11T09:00:00Z --summary Outage
exits 0 srr --json due --as-of 2025-03-12
is "review-incident 30 days after; the late notification is listed, never overdue" \
	"notification:beta:2025-03-11:-1:false review-incident:beta:2025-04-09:28:false" "$(items)"
json_is '[.items[] | "\(.subject)|\(.requirement)|\(.who)"] | join(" ")' \
	"incident/1|REQ-7.9.3-01|null incident/1|REQ-7.14.1-06|null"
json_is '.items[1].what' "unscheduled review of beta after medium incident 1 of 2025-03-10T08:00:00Z"
exits 0 srr due --as-of 2025-03-12
like "text: open since" '^2025-03-11  open since 1d  notification +- +REQ-7\.9\.3-01 +incident 1 at beta was notified after more than 24 hours$' "$out"
like "text: in 28d" '^2025-04-09  in 28d +review-incident ' "$out"
exits 0 srr --json due --as-of 2025-04-09 --within 0
is "due on the day, not overdue" "notification:beta:2025-03-11:-29:false review-incident:beta:2025-04-09:0:false" \
	"$(items)"
exits 1 srr --json due --as-of 2025-04-10 --within 0
is "overdue the day after" "review-incident:beta:2025-04-09:-1:true" "$(items 'select(.kind == "review-incident")')"
# A review before the incident's day does not clear it; one on that day does.
ok srr review record beta --date 2025-03-09 --outcome pass
exits 1 srr --json due --as-of 2025-04-10 --within 0
is "a review before the incident does not clear it" "review-incident:beta:2025-04-09:-1:true" \
	"$(items 'select(.kind == "review-incident")')"
ok srr review record beta --date 2025-03-10 --outcome pass
exits 0 srr --json due --as-of 2025-04-10 --within 0
is "a review on the incident's day clears it, and the notification" "" "$(items)"

# --- an SLA breach: review-sla-breach after the period's end -----------------------
ok srr supplier add gam --name Gamma --tier medium
ok srr review record gam --date 2025-01-15 --outcome pass
ok srr contract add gam G-1 --start 2024-01-01 --end 2025-12-31 --notice-days 90 --all-clauses
ok srr sla add gam G-1 availability --target 99.9 --comparator ge --unit percent
ok srr sla record gam G-1 availability --period 2025-05 --value 99.5
exits 0 srr --json due --as-of 2025-06-01
is "breach of 2025-05: due 2025-05-31 + 30 days" "review-sla-breach:gam:2025-06-30:29:false" "$(items)"
json_is '.items[0] | [.subject, .requirement, .what] | join("|")' \
	"sla/gam/G-1/availability|REQ-7.14.1-06|unscheduled review of gam after availability breached its target in 2025-05 (99.5, target 99.9)"
exits 0 srr --json due --as-of 2025-06-01 --within 28
is "--within 28 leaves it out" "" "$(items)"
exits 1 srr due --as-of 2025-07-01 --within 0
like "overdue after the due day" '^2025-06-30  OVERDUE 1d  review-sla-breach +- +REQ-7\.14\.1-06 ' "$out"
# A review within the breached month does not clear it; one after it does.
ok srr review record gam --date 2025-05-31 --outcome pass
exits 1 srr --json due --as-of 2025-07-01 --within 0
is "a review in the breached period does not clear it" "review-sla-breach:gam:2025-06-30:-1:true" "$(items)"
ok srr review record gam --date 2025-06-01 --outcome pass
exits 0 srr --json due --as-of 2025-07-01 --within 0
is "a review after the period clears it" "" "$(items)"

# --- the policy's unscheduled review delays ---------------------------------------
ok srr incident add beta --identified 2025-08-01T12:00:00Z --notified 2025-08-01T13:00:00Z --summary Second
ok srr sla record gam G-1 availability --period 2025-07 --value 98
sed -e 's/after_incident_days: 30/after_incident_days: 10/' -e 's/after_sla_breach_days: 30/after_sla_breach_days: 15/' \
	"$T/cadence2.yaml" >"$T/delays.yaml"
exits 0 srr --json due --as-of 2025-08-02
is "default delays: 30 days" "review-sla-breach:gam:2025-08-30:28:false review-incident:beta:2025-08-31:29:false" \
	"$(items 'select(.kind != "contract-notice")')"
ok srr policy set "$T/delays.yaml"
exits 0 srr --json due --as-of 2025-08-02
is "after_incident_days 10, after_sla_breach_days 15" \
	"review-incident:beta:2025-08-11:9:false review-sla-breach:gam:2025-08-15:13:false" \
	"$(items 'select(.kind != "contract-notice")')"
ok srr review record beta --date 2025-08-01 --outcome pass
ok srr review record gam --date 2025-08-01 --outcome pass

# --- contracts: notice deadline = end - notice days, then the end ------------------
exits 0 srr --json due --as-of 2025-09-01
is "notice deadline 31 days away is not listed" "" "$(items)"
exits 0 srr --json due --as-of 2025-09-01 --within 31
is "2025-12-31 - 90 days = 2025-10-02" "contract-notice:gam:2025-10-02:31:false" "$(items)"
json_is '.items[0] | [.subject, .requirement, .what] | join("|")' \
	"contract/gam/G-1|REQ-7.14.3-14|last day to give 90 days' notice on contract G-1 of gam"
exits 0 srr --json due --as-of 2025-09-01 --within 121
is "--within 121 adds the end" "contract-notice:gam:2025-10-02:31:false contract-end:gam:2025-12-31:121:false" \
	"$(items)"
exits 1 srr --json due --as-of 2025-10-03 --within 0
is "the notice deadline passed" "contract-notice:gam:2025-10-02:-1:true" "$(items)"
exits 1 srr due --as-of 2025-10-03 --within 0
is "text: one overdue item" "DUE         STATE       KIND             WHO  REQUIREMENT    WHAT
2025-10-02  OVERDUE 1d  contract-notice  -    REQ-7.14.3-14  last day to give 90 days' notice on contract G-1 of gam
1 overdue, 1 listed" "$out"

# --- bad input: exit 3 (2 for usage), one line, nothing changed -------------------
snapshot
fails 3 "^srr due: as-of date '2026-02-30' is not a valid date \(YYYY-MM-DD\)$" srr due --as-of 2026-02-30
fails 3 "^srr due: as-of date '2026-13-01' is not a valid date \(YYYY-MM-DD\)$" srr due --as-of 2026-13-01
fails 3 "^srr due: as-of date '2026-2-3' is not a valid date" srr due --as-of 2026-2-3
fails 3 "^srr due: as-of date '' is not a valid date" srr due --as-of ''
fails 3 "^srr due: --within '3651': must be 0 to 3650 days$" srr due --within 3651
fails 3 "^srr due: --within '-1': must be 0 to 3650 days$" srr due --within -1
fails 3 "^srr due: --within 'x': must be 0 to 3650 days$" srr due --within x
fails 3 "^srr due: --within '': must be 0 to 3650 days$" srr due --within ''
usage_fails "^srr due: unexpected argument 'extra'" srr due extra
unchanged
fails 3 "no such register" srr --db "$T/none.db" due
check "due creates no register" test ! -e "$T/none.db"

# --- today: risk items, and exit 1 without --as-of -------------------------------
R=$T/risks.db
soon=$(date -u -d '+5 days' +%F)
expires=$(date -u -d '+20 days' +%F)
ok srr --db "$R" init
ok srr --db "$R" supplier add acme --name Acme --tier low
ok srr --db "$R" review record acme --date "$today" --outcome pass
exits 0 srr --db "$R" due
is "reviewed today: nothing due" "Nothing due within 30 days." "$out"
ok srr --db "$R" risk add acme --title "Old assessment" --likelihood 2 --impact 2 --owner dave \
	--review-date 2026-11-01
ok srr --db "$R" risk add acme --title "Big" --likelihood 4 --impact 5 --owner erin
ok srr --db "$R" risk treat R-2 --treatment accept --residual-likelihood 4 --residual-impact 4 \
	--justification "No alternative" --until "$expires"
ok srr --db "$R" risk add acme --title "Mitigated" --likelihood 3 --impact 3 --owner erin
ok srr --db "$R" risk treat R-3 --treatment mitigate --residual-likelihood 1 --residual-impact 1 \
	--action "Fix,frank,2026-11-20" --action "Document,,$soon"
exits 1 srr --db "$R" --json due
json_is '[.items[] | "\(.kind):\(.subject):\(.who):\(.due):\(.overdue):\(.requirement)"] | join(" ")' \
	"risk-review:risk/1:dave:2026-11-01:true:REQ-5-04 action:risk/3:frank:2026-11-20:true:REQ-5-02 acceptance-approval:risk/2:management:$today:false:REQ-5-05 action:risk/3:erin:$soon:false:REQ-5-02 acceptance-expiry:risk/2:erin:$expires:false:REQ-5-07"
ok srr --db "$R" risk review R-1 --date "$today"
ok srr --db "$R" risk 'done' R-3 1
# The approval wait is never overdue: exit 0.
exits 0 srr --db "$R" --json due --within 0
json_is '[.items[] | "\(.kind):\(.days):\(.overdue)"] | join(" ")' "acceptance-approval:0:false"

finish
