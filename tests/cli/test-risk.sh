#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr risk add|treat|done|review|close|list|show: levels from the policy,
# tolerance and acceptance, treatment actions, risk reviews, closing, and the
# bad input each refuses (a policy that would leave an open risk off the
# matrix included).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

today=$(date -u +%F)
max=$(date -u -d '+365 days' +%F)
too_far=$(date -u -d '+366 days' +%F)
later=$(date -u -d '+30 days' +%F)

fresh
ok srr supplier add acme --name Acme --tier critical
ok srr supplier add old --name Old --tier low

# --- add ------------------------------------------------------------------------
ok srr risk add acme --title "Single-region hosting" --likelihood 3 --impact 4 --owner bob
is "add prints the id alone" R-1 "$out"
ok srr --json risk add acme --title "Firmware update lag" --likelihood 3 --impact 3 --owner carol
json_is .risk R-2
ok srr risk add acme --title "Key ceremony staff turnover" --likelihood 4 --impact 5 \
	--description $'Two of three custodians left\nin 2026'
is "third risk" R-3 "$out"
ok srr risk list
is "list: levels and states" "ID   SUPPLIER  LEVEL     TREATMENT  RESIDUAL  STATE            TITLE
R-1  acme      high      -          -         above tolerance  Single-region hosting
R-2  acme      medium    -          -         open             Firmware update lag
R-3  acme      critical  -          -         above tolerance  Key ceremony staff turnover" "$out"

n=$(events)
snapshot
fails 3 "^srr risk add: likelihood 6 is outside the risk matrix \(1 to 5\)$" \
	srr risk add acme --title x --likelihood 6 --impact 2
fails 3 "^srr risk add: impact 6 is outside the risk matrix \(1 to 5\)$" \
	srr risk add acme --title x --likelihood 2 --impact 6
fails 3 "^srr risk add: --impact '0': must be a position on the policy's scale \(1, 2, \.\.\.\)$" \
	srr risk add acme --title x --likelihood 2 --impact 0
fails 3 "^srr risk add: --likelihood 'x': must be a position on the policy's scale" \
	srr risk add acme --title x --likelihood x --impact 2
fails 3 "^srr risk add: risk title is empty$" srr risk add acme --title '' --likelihood 2 --impact 2
fails 3 "^srr risk add: no supplier 'nobody'$" srr risk add nobody --title x --likelihood 2 --impact 2
fails 3 "^srr risk add: risk review date '2026-02-30' is not a valid date \(YYYY-MM-DD\)$" \
	srr risk add acme --title x --likelihood 2 --impact 2 --review-date 2026-02-30
usage_fails "^srr risk add: missing --title" srr risk add acme --likelihood 2 --impact 2
usage_fails "^srr risk add: missing --impact" srr risk add acme --title x --likelihood 2
unchanged
is "refused risks log nothing" "$n" "$(events)"

# --- treat: acceptance needs a justification and an expiry within the policy's maximum
fails 3 "^srr risk treat: accepting a risk needs a justification$" \
	srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 --until "$later"
fails 3 "^srr risk treat: accepting a risk needs an expiry date" \
	srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 --justification why
fails 3 "^srr risk treat: acceptance expiry $too_far is past the policy's maximum of 365 days \($max\)$" \
	srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification why --until "$too_far"
fails 3 "^srr risk treat: acceptance expiry $today is not after today$" \
	srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification why --until "$today"
fails 3 "^srr risk treat: a justification and an expiry only apply to accept$" \
	srr risk treat R-1 --treatment mitigate --residual-likelihood 2 --residual-impact 2 --justification why
fails 3 "^srr risk treat: a justification and an expiry only apply to accept$" \
	srr risk treat R-1 --treatment transfer --residual-likelihood 2 --residual-impact 2 --until "$later"
fails 3 "^srr risk treat: --treatment 'treat': must be mitigate, accept, transfer or avoid$" \
	srr risk treat R-1 --treatment treat --residual-likelihood 2 --residual-impact 2
fails 3 "^srr risk treat: residual likelihood 6 is outside the risk matrix \(1 to 5\)$" \
	srr risk treat R-1 --treatment mitigate --residual-likelihood 6 --residual-impact 2
fails 3 "^srr risk treat: --action: expected TEXT\[,OWNER\[,DUE\]\]$" \
	srr risk treat R-1 --treatment mitigate --residual-likelihood 2 --residual-impact 2 --action "a,b,c,d"
fails 3 "^srr risk treat: action 1 due date '2026-13-01' is not a valid date" \
	srr risk treat R-1 --treatment mitigate --residual-likelihood 2 --residual-impact 2 \
	--action "a,b,2026-13-01"
fails 3 "^srr risk treat: no risk R-9$" srr risk treat R-9 --treatment avoid --residual-likelihood 1 --residual-impact 1
fails 3 "^srr risk treat: 'X' is not a risk id \(R-7 or 7\)$" \
	srr risk treat X --treatment avoid --residual-likelihood 1 --residual-impact 1
usage_fails "^srr risk treat: missing --treatment" srr risk treat R-1 --residual-likelihood 1 --residual-impact 1
unchanged
is "refused treatments log nothing" "$n" "$(events)"

# Above tolerance: pending approval. Within: accepted. The expiry may be the maximum.
ok srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification "No alternative provider before 2027" --until "$max"
is "accept above tolerance" "Treated R-1: accept, residual high, acceptance pending approval" "$out"
n=$(events)
ok srr --json risk treat r-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification "No alternative provider before 2027" --until "$max"
json_is '[.risk, .residual_level, .acceptance] | join("|")' "R-1|high|pending"
is "the same treatment again logs nothing" "$n" "$(events)"
ok srr --json risk treat 2 --treatment accept --residual-likelihood 2 --residual-impact 2 \
	--justification "Vendor patches within 30 days" --until "$later"
json_is '[.risk, .residual_level, .acceptance] | join("|")' "R-2|low|accepted"
is "a new treatment is one event" "$((n + 1))" "$(events)"
ok srr risk treat R-2 --treatment accept --residual-likelihood 3 --residual-impact 3 \
	--justification "Vendor patches within 30 days" --until "$later"
is "accept within tolerance" "Treated R-2: accept, residual medium, accepted" "$out"
ok srr --json risk show R-1
json_is 'keys | sort | join(",")' \
	"above_tolerance,accept_until,acceptance,actions,description,id,impact,justification,level,likelihood,owner,residual_impact,residual_level,residual_likelihood,review_date,status,supplier,title,treatment"
json_is '[.id, .supplier, .title, .owner, .status, .level, .treatment, .residual_level, .acceptance] | join("|")' \
	"R-1|acme|Single-region hosting|bob|open|high|accept|high|pending"
json_is '[.likelihood, .impact, .residual_likelihood, .residual_impact] | map(tostring) | join(",")' 3,4,3,4
json_is '[.above_tolerance, .justification, .accept_until, .review_date, .description] | map(tostring) | join("|")' \
	"true|No alternative provider before 2027|$max|null|null"
json_is '.actions | length' 0
ok srr --json risk show R-3
json_is '[.treatment, .residual_likelihood, .residual_impact, .residual_level, .above_tolerance, .acceptance, .justification, .accept_until] | map(tostring) | join("|")' \
	"null|null|null|null|true|none|null|null"
json_is '.description | split("\n") | join("|")' "Two of three custodians left|in 2026"
ok srr risk show R-1
like "show: acceptance pending" "^  Acceptance: +pending approval, until $max$" "$out"
like "show: residual above tolerance" '^  Residual: +likelihood 3 x impact 4 = high \(above tolerance\)$' "$out"
ok srr risk list
like "list: pending acceptance" '^R-1 +acme +high +accept +high +acceptance pending approval +Single-region hosting$' "$out"
like "list: accepted" '^R-2 +acme +medium +accept +medium +accepted +Firmware update lag$' "$out"

# --- actions: numbered, done once ---------------------------------------------
ok srr risk treat R-3 --treatment mitigate --residual-likelihood 2 --residual-impact 4 \
	--action "Second region,carol,$later" --action "Failover test,carol,2026-11-20" --action "Insurance"
is "mitigate" "Treated R-3: mitigate, residual medium" "$out"
ok srr risk 'done' R-3 2 --date 2026-11-21
is "done prints what" "Marked action 2 of R-3 done" "$out"
ok srr --json risk 'done' R-3 3
json_is '[.risk, .done] | map(tostring) | join("|")' "R-3|3"
# A new treatment without --action keeps the actions and their done dates.
ok srr risk treat R-3 --treatment mitigate --residual-likelihood 2 --residual-impact 3
ok srr --json risk show R-3
json_is '[.residual_level, .acceptance, (.above_tolerance | tostring)] | join("|")' "medium|none|false"
json_is '[.actions[] | "\(.text)/\(.owner)/\(.due)/\(.done)"] | join(",")' \
	"Second region/carol/$later/null,Failover test/carol/2026-11-20/2026-11-21,Insurance/null/null/$today"
ok srr risk show R-3
like "show: action not done" "^  Action 1: +\[ \] Second region \(owner carol\) due $later$" "$out"
like "show: action done" '^  Action 2: +\[x\] Failover test \(owner carol\) due 2026-11-20, done 2026-11-21$' "$out"
n=$(events)
snapshot
fails 3 "^srr risk done: action 2 of risk R-3 was done on 2026-11-21$" srr risk 'done' R-3 2
fails 3 "^srr risk done: risk R-3 has no action 4 \(it has 3\)$" srr risk 'done' R-3 4
fails 3 "^srr risk done: done date $later is in the future$" srr risk 'done' R-3 1 --date "$later"
fails 3 "^srr risk done: '0' is not an action number \(1, 2, \.\.\.\)$" srr risk 'done' R-3 0
unchanged
is "refused done logs nothing" "$n" "$(events)"

# --- review: the next one a year after, unless given -----------------------------
ok srr risk review R-2 --date 2024-02-29
is "a year after a leap day" "Reviewed R-2; next review 2025-02-28" "$out"
ok srr --json risk review R-2 --date 2026-06-15
json_is '[.risk, .next_review] | join("|")' "R-2|2027-06-15"
ok srr --json risk show R-2
json_is .review_date 2027-06-15
ok srr --json risk review R-2 --date 2026-06-20 --next 2026-12-31
json_is .next_review 2026-12-31
snapshot
fails 3 "^srr risk review: review date $later is in the future$" srr risk review R-2 --date "$later"
unchanged

# --- close ------------------------------------------------------------------------
ok srr risk close R-2
is "close" "Closed risk R-2" "$out"
n=$(events)
snapshot
fails 3 "^srr risk close: risk R-2 is already closed$" srr risk close R-2
fails 3 "^srr risk treat: risk R-2 is closed$" \
	srr risk treat R-2 --treatment avoid --residual-likelihood 1 --residual-impact 1
fails 3 "^srr risk review: risk R-2 is closed$" srr risk review R-2 --date 2026-06-20
fails 3 "^srr risk show: no risk R-9$" srr risk show R-9
fails 3 "^srr risk list: no supplier 'nobody'$" srr risk list nobody
unchanged
is "refused changes to a closed risk log nothing" "$n" "$(events)"
ok srr --json risk list
json_is '[.risks[].id] | join(",")' R-1,R-3
ok srr --json risk list --all
json_is '[.risks[] | "\(.id):\(.status)"] | join(",")' R-1:open,R-2:closed,R-3:open
ok srr risk list --all
like "list --all: closed state" '^R-2 +acme +medium +accept +medium +closed +Firmware update lag$' "$out"
ok srr --json risk show R-2
json_is .status closed
ok srr --json log
json_is '[.events[] | select(.entity == "risk/2") | .action] | join(",")' \
	"risk.add,risk.treat,risk.treat,risk.review,risk.review,risk.review,risk.close"

# --- a retired supplier takes no new risks ----------------------------------------
ok srr supplier retire old
snapshot
fails 3 "^srr risk add: supplier 'old' is retired$" srr risk add old --title x --likelihood 1 --impact 1
unchanged

# --- a policy whose matrix would leave an open risk off it is refused -------------
M=$T/m.db
cat >"$T/3x3.yaml" <<'EOF'
version: 1
name: Three by three
review:
  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}
risk:
  likelihood: [low, medium, high]
  impact: [low, medium, high]
  levels:
    - {name: low, max: 2}
    - {name: medium, max: 4}
    - {name: high, max: 9}
  tolerance: medium
  acceptance_max_days: 90
EOF
ok srr --db "$M" init
ok srr --db "$M" supplier add acme --name Acme --tier high
ok srr --db "$M" risk add acme --title "Fits" --likelihood 2 --impact 3
ok srr --db "$M" risk add acme --title "Too likely" --likelihood 5 --impact 1
snapshot "$M"
fails 3 "^srr policy set: open risk R-2 \(likelihood 5, impact 1\) falls outside the new 3 x 3 risk matrix" \
	srr --db "$M" policy set "$T/3x3.yaml"
unchanged "$M"
ok srr --db "$M" risk close R-2
ok srr --db "$M" policy set "$T/3x3.yaml"
ok srr --db "$M" --json risk list
json_is '[.risks[] | "\(.id):\(.level)"] | join(",")' "R-1:high"
fails 3 "^srr risk add: likelihood 4 is outside the risk matrix \(1 to 3\)$" \
	srr --db "$M" risk add acme --title x --likelihood 4 --impact 1
ok srr --db "$M" risk add acme --title "Small" --likelihood 1 --impact 2
ok srr --db "$M" --json risk treat R-3 --treatment accept --residual-likelihood 1 --residual-impact 2 \
	--justification why --until "$(date -u -d '+90 days' +%F)"
json_is .acceptance accepted
fails 3 "is past the policy's maximum of 90 days" \
	srr --db "$M" risk treat R-3 --treatment accept --residual-likelihood 1 --residual-impact 2 \
	--justification why --until "$(date -u -d '+91 days' +%F)"

finish
