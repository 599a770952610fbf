#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# The supplier score: six factors, each count x weight, in supplier show
# (text and JSON) and supplier list --sort score; new weights in the policy
# change the score and nothing else. Dates are relative to today, so the
# counts do not depend on when the test runs.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

today=$(date -u +%F)
month=$(date -u +%Y-%m)
d() { date -u -d "$1" +%F; }

fresh
# alpha, foxtrot: low tier, reviewed today: 1 x 5 = 5 each (a tie).
for s in alpha foxtrot; do
	ok srr supplier add "$s" --name "Supplier $s" --tier low
	ok srr review record "$s" --date "$today" --outcome pass
done
# bravo: critical, reviewed today; open risks critical (rank 4) and residual
# low (rank 1), a closed one that counts nowhere; a current contract with two
# of the eight clauses; an SLA breach this month; one late notification this
# year and one more than 365 days ago.
ok srr supplier add bravo --name Bravo --tier critical
ok srr incident add bravo --identified "$(d '-10 days')T08:00:00Z" --notified "$(d '-8 days')T08:00:00Z" \
	--summary "Late this year"
ok srr incident add bravo --identified "$(d '-400 days')T08:00:00Z" --notified "$(d '-398 days')T08:00:00Z" \
	--summary "Late, long ago"
ok srr review record bravo --date "$today" --outcome pass
ok srr contract add bravo B-1 --start 2026-01-01 --end 2030-12-31 --clause right-to-audit --clause sla-reporting
ok srr contract add bravo B-0 --start 2020-01-01 --end 2021-12-31
ok srr sla add bravo B-1 availability --target 99.9 --comparator ge
ok srr sla record bravo B-1 availability --period "$month" --value 99
ok srr risk add bravo --title "Untreated" --likelihood 5 --impact 5
ok srr risk add bravo --title "Mitigated" --likelihood 3 --impact 4
ok srr risk treat R-2 --treatment mitigate --residual-likelihood 2 --residual-impact 2
ok srr risk add bravo --title "Closed" --likelihood 5 --impact 5
ok srr risk close R-3
# charlie: medium, never reviewed (due today, not overdue), an untreated
# medium risk (rank 2).
ok srr supplier add charlie --name Charlie --tier medium
ok srr risk add charlie --title "Medium" --likelihood 2 --impact 3
# delta: high, last reviewed 2025-01-01 (overdue), and an incident after it
# with no review since (overdue); notified on time.
ok srr supplier add delta --name Delta --tier high
ok srr review record delta --date 2025-01-01 --outcome pass
ok srr incident add delta --identified 2025-02-01T08:00:00Z --notified 2025-02-01T09:00:00Z --summary "On time"
# echo: retired, no score.
ok srr supplier add echo --name Echo --tier critical
ok srr supplier retire echo

# The counts of each factor, in order, as "name=count" (from $out).
counts() {
	printf '%s' "$out" | jq -r '[.score.factors[] | "\(.name)=\(.count)"] | join(" ")'
}

# --- show: the six factors ------------------------------------------------------
ok srr supplier show bravo
like "show: total" '^Risk score: +82$' "$out"
like "show: residual" '^  residual +50 = 5 x 10  \(sum of residual level ranks of open risks: 5\)$' "$out"
like "show: tier" '^  tier +20 = 4 x 5  \(tier rank \(critical 4 \.\. low 1\): 4\)$' "$out"
like "show: sla_breach" '^  sla_breach +3 = 1 x 3  \(SLA breaches not yet followed by a review: 1\)$' "$out"
like "show: overdue_review" '^  overdue_review +0 = 0 x 4  \(overdue reviews: 0\)$' "$out"
like "show: clause_gap" '^  clause_gap +6 = 6 x 1  \(missing clauses in current contracts: 6\)$' "$out"
like "show: late_notification" \
	'^  late_notification +3 = 1 x 3  \(incidents notified late in the last 365 days: 1\)$' "$out"
is "show: six factor lines after the total" \
	"residual tier sla_breach overdue_review clause_gap late_notification" \
	"$(printf '%s\n' "$out" | sed -n '/^Risk score:/,$p' | awk 'NR > 1 { printf "%s%s", sep, $1; sep = " " }')"
ok srr --json supplier show bravo
json_is '.score | keys | sort | join(",")' factors,total
json_is '.score.total' 82
json_is '.score.factors | length' 6
json_is '.score.factors[0] | keys | sort | join(",")' count,name,points,weight,why
is "bravo's counts" \
	"residual=5 tier=4 sla_breach=1 overdue_review=0 clause_gap=6 late_notification=1" "$(counts)"
json_is '[.score.factors[] | .points == .count * .weight] | all' true
json_is '.score.total == ([.score.factors[].points] | add)' true
json_is '[.score.factors[] | "\(.name)=\(.weight)"] | join(" ")' \
	"residual=10 tier=5 sla_breach=3 overdue_review=4 clause_gap=1 late_notification=3"
json_is '[.contracts[] | "\(.ref):\(.gaps | length)"] | join(" ")' "B-0:8 B-1:6"
ok srr --json supplier show delta
is "delta's counts" \
	"residual=0 tier=3 sla_breach=0 overdue_review=2 clause_gap=0 late_notification=0" "$(counts)"
json_is .score.total 23
ok srr --json supplier show charlie
json_is .score.total 30
ok srr --json supplier show echo
json_is .score null
ok srr supplier show echo
check "a retired supplier's show has no score" test "$(printf '%s\n' "$out" | grep -c 'Risk score')" = 0

# --- list --sort score: highest first, ties by key, retired last --------------------
ok srr supplier list --sort score
is "list --sort score" "KEY      TIER      COUNTRY  STATUS  SCORE  NAME
bravo    critical  -        active  82     Bravo
charlie  medium    -        active  30     Charlie
delta    high      -        active  23     Delta
alpha    low       -        active  5      Supplier alpha
foxtrot  low       -        active  5      Supplier foxtrot" "$out"
ok srr --json supplier list --sort score --all
json_is '[.suppliers[] | "\(.key)=\(.score.total // "-")"] | join(" ")' \
	"bravo=82 charlie=30 delta=23 alpha=5 foxtrot=5 echo=-"
json_is '[.suppliers[] | select(.score) | .score.total == ([.score.factors[].points] | add)] | all' true
ok srr supplier list --all
like "list: a retired supplier's score is -" '^echo +critical +- +retired +- +Echo$' "$out"
like "list --sort key is the default" '^alpha ' "$(printf '%s\n' "$out" | sed -n 2p)"
fails 3 "^srr supplier list: --sort 'risk': must be key, name, tier or score$" srr supplier list --sort risk

# --- new weights: a new score, nothing else changes ------------------------------
ok srr --json supplier list --sort key --all
printf '%s' "$out" | jq -S '[.suppliers[] | del(.score)]' >"$T/before-records"
printf '%s' "$out" | jq -r '[.suppliers[] | select(.score) | .key + ":" + ([.score.factors[].count | tostring] | join(","))] | join(" ")' \
	>"$T/before-counts"
sed 's/^  weights: .*/  weights: {residual: 1, tier: 2, sla_breach: 100, overdue_review: 7, clause_gap: 0, late_notification: 50}/' \
	"$(dirname "$0")/../../contrib/policy-default.yaml" >"$T/weights.yaml"
n=$(events)
ok srr policy set "$T/weights.yaml"
is "the new policy is one event" "$((n + 1))" "$(events)"
ok srr --json supplier list --sort key --all
printf '%s' "$out" | jq -S '[.suppliers[] | del(.score)]' >"$T/after-records"
check "the suppliers are unchanged" cmp -s "$T/before-records" "$T/after-records"
is "the counts are unchanged" "$(cat "$T/before-counts")" \
	"$(printf '%s' "$out" | jq -r '[.suppliers[] | select(.score) | .key + ":" + ([.score.factors[].count | tostring] | join(","))] | join(" ")')"
ok srr --json supplier show bravo
json_is '[.score.factors[] | "\(.name)=\(.weight)"] | join(" ")' \
	"residual=1 tier=2 sla_breach=100 overdue_review=7 clause_gap=0 late_notification=50"
json_is '[.score.factors[] | .points == .count * .weight] | all' true
# 5x1 + 4x2 + 1x100 + 0x7 + 6x0 + 1x50
json_is .score.total 163
ok srr supplier show bravo
like "show: the new weight" '^  sla_breach +100 = 1 x 100  ' "$out"
like "show: a zero weight" '^  clause_gap +0 = 6 x 0  ' "$out"
ok srr --json supplier list --sort score
json_is '[.suppliers[] | "\(.key)=\(.score.total)"] | join(" ")' \
	"bravo=163 delta=20 charlie=6 alpha=2 foxtrot=2"

finish
