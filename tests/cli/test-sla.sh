#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr sla add|record|list|show: targets, breaches, periods, corrections, and
# the bad input each refuses.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh
i=0
ok srr supplier add acme --name Acme --tier critical
ok srr contract add acme C-1 --start 2026-01-01 --end 2027-12-31 --all-clauses
ok srr supplier add beta --name Beta --tier low
ok srr contract add beta B-1 --start 2026-01-01 --end 2027-12-31

# --- add --------------------------------------------------------------------
ok srr sla add acme C-1 availability --target 99.90 --comparator ge --unit percent
is "add confirms" "Added SLA availability" "$out"
ok srr --json sla add acme C-1 response_time --target 4 --comparator le --unit hours --period quarter
json_is .added response_time
ok srr sla add beta B-1 tickets --target -0.50 --comparator le

# --- record: breach from comparator and target; equal to the target is met ---
ok srr sla record acme C-1 availability --period 2026-10 --value 99.95
is "ge, above target" "Recorded availability for 2026-10: met" "$out"
ok srr sla record acme C-1 availability --period 2026-11 --value 99.5
is "ge, below target" "Recorded availability for 2026-11: BREACH" "$out"
ok srr sla record acme C-1 availability --period 2026-09 --value 99.900
is "ge, equal to target" "Recorded availability for 2026-09: met" "$out"
ok srr --json sla record acme C-1 response_time --period 2026-Q3 --value 4
json_is '[.metric, .period, (.breach | tostring)] | join("|")' 'response_time|2026-Q3|false'
ok srr --json sla record acme C-1 response_time --period 2026-Q4 --value 4.01
json_is .breach true
ok srr sla record beta B-1 tickets --period 2026-01 --value -1
is "le, negative values" "Recorded tickets for 2026-01: met" "$out"
ok srr sla record beta B-1 tickets --period 2026-02 --value 0
is "le, above a negative target" "Recorded tickets for 2026-02: BREACH" "$out"

# --- show -------------------------------------------------------------------
ok srr sla show acme C-1 availability
like "show: header, target canonical" '^SLA availability of acme/C-1: >= 99\.9 percent per month$' "$out"
is "show: periods oldest first" "2026-09 99.9 met|2026-10 99.95 met|2026-11 99.5 BREACH" \
	"$(printf '%s\n' "$out" | awk 'NR > 2 { printf "%s%s %s %s", sep, $1, $2, $3; sep = "|" }')"
like "show: table header" '^PERIOD +VALUE +RESULT +RECORDED$' "$out"
ok srr --json sla show acme C-1 availability
json_is 'keys | sort | join(",")' measurements,sla
json_is '.sla | keys | sort | join(",")' \
	breaches,comparator,contract,last,measurements,metric,period,supplier,target,unit
json_is '.sla | [.supplier, .contract, .metric, .comparator, .unit, .period] | join("|")' \
	'acme|C-1|availability|ge|percent|month'
json_is '.sla.target' 99.9
json_is '.sla.measurements' 3
json_is '.sla.breaches' 1
json_is '.sla.last | [.period, (.value | tostring), (.breach | tostring)] | join("|")' '2026-11|99.5|true'
json_is '[.measurements[] | .period + "=" + (.value | tostring) + ":" + (.breach | tostring)] | join(" ")' \
	'2026-09=99.9:false 2026-10=99.95:false 2026-11=99.5:true'
json_is '.measurements[0] | keys | sort | join(",")' breach,period,recorded,value
json_is '.measurements[0].recorded | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' true
json_is '.measurements[0].value | type' number

# --- recording a period again corrects it; the log keeps both ----------------
n=$(events)
ok srr sla record acme C-1 availability --period 2026-11 --value 99.99
is "a correction is met now" "Recorded availability for 2026-11: met" "$out"
is "a correction is one event" "$((n + 1))" "$(events)"
ok srr --json sla show acme C-1 availability
json_is '.sla.measurements' 3
json_is '.sla.breaches' 0
json_is '[.measurements[] | select(.period == "2026-11") | .value] | join(",")' 99.99
ok srr --json log
json_is '[.events[] | select(.entity == "measurement/acme/C-1/availability/2026-11")] | length' 2
json_is '[.events[] | select(.entity == "measurement/acme/C-1/availability/2026-11") | .record | test("value 99.5\n")] | join(",")' \
	true,false

# --- list -------------------------------------------------------------------
ok srr sla list
is "list: table" "SUPPLIER  REF  METRIC         TARGET           PERIOD   LAST                  BREACHES
acme      C-1  availability   >= 99.9 percent  month    2026-11: 99.99        0/3
acme      C-1  response_time  <= 4 hours       quarter  2026-Q4: 4.01 BREACH  1/2
beta      B-1  tickets        <= -0.5          month    2026-02: 0 BREACH     1/2" "$out"
ok srr --json sla list --breaches
json_is '[.slas[].metric] | join(" ")' "response_time tickets"
ok srr --json sla list acme
json_is '[.slas[].metric] | join(" ")' "availability response_time"
ok srr --json sla list beta B-1
json_is '[.slas[].metric] | join(" ")' "tickets"
json_is '.slas[0].target' -0.5
json_is '.slas[0].unit' null
ok srr sla add acme C-1 empty --target 1 --comparator ge
ok srr --json sla list acme C-1
json_is '.slas[] | select(.metric == "empty") | [(.last | tostring), (.measurements | tostring)] | join("|")' 'null|0'
ok srr sla show acme C-1 empty
is "show without measurements" 2 "$(printf '%s\n' "$out" | wc -l)"

# --- bad input: exit 3, one line, nothing changed ------------------------------
snapshot
n=$(events)
fails 3 "--comparator 'gt': must be ge or le" \
	srr sla add acme C-1 m1 --target 1 --comparator gt
fails 3 "--comparator '>='" srr sla add acme C-1 m1 --target 1 --comparator '>='
fails 3 "--period 'week': must be month or quarter" \
	srr sla add acme C-1 m1 --target 1 --comparator ge --period week
for bad in abc 1e5 0x10 1,5 '' 1234567890123456 '1.2.3' NaN; do
	fails 3 "SLA target '$bad' is not a decimal number" \
		srr sla add acme C-1 m1 --target "$bad" --comparator ge
done
fails 3 "SLA unit contains a control character" \
	srr sla add acme C-1 m1 --target 1 --comparator ge --unit $'per\tcent'
fails 3 "SLA metric 'Bad Metric' is invalid" \
	srr sla add acme C-1 'Bad Metric' --target 1 --comparator ge
fails 3 "SLA metric 'UPPER' is invalid" srr sla add acme C-1 UPPER --target 1 --comparator ge
fails 3 "contract 'C-1' of supplier 'acme' already has an SLA 'availability'" \
	srr sla add acme C-1 availability --target 1 --comparator ge
fails 3 "supplier 'acme' has no contract 'C-9'" srr sla add acme C-9 m1 --target 1 --comparator ge
fails 3 "no supplier 'nope'" srr sla add nope C-1 m1 --target 1 --comparator ge
fails 3 "period '2026-Q1' is not a month \(YYYY-MM\)" \
	srr sla record acme C-1 availability --period 2026-Q1 --value 99
fails 3 "period '2026-10' is not a quarter \(YYYY-Qn\)" \
	srr sla record acme C-1 response_time --period 2026-10 --value 1
fails 3 "period '2026-13' is not a month" srr sla record acme C-1 availability --period 2026-13 --value 99
fails 3 "period '2026-00' is not a month" srr sla record acme C-1 availability --period 2026-00 --value 99
fails 3 "period '2026-1' is not a month" srr sla record acme C-1 availability --period 2026-1 --value 99
fails 3 "period '2026-10-01' is not a month" \
	srr sla record acme C-1 availability --period 2026-10-01 --value 99
fails 3 "period '2026-Q5' is not a quarter" srr sla record acme C-1 response_time --period 2026-Q5 --value 1
fails 3 "period '2026-Q0' is not a quarter" srr sla record acme C-1 response_time --period 2026-Q0 --value 1
fails 3 "period '2026-q1' is not a quarter" srr sla record acme C-1 response_time --period 2026-q1 --value 1
for bad in x 1e2 '' '99 9' 1234567890123456; do
	fails 3 "SLA value '$bad' is not a decimal number" \
		srr sla record acme C-1 availability --period 2026-08 --value "$bad"
done
fails 3 "contract 'C-1' of supplier 'acme' has no SLA 'nope'" \
	srr sla record acme C-1 nope --period 2026-08 --value 1
fails 3 "supplier 'acme' has no contract 'C-9'" \
	srr sla record acme C-9 availability --period 2026-08 --value 1
fails 3 "period 2099-01 has not started yet" \
	srr sla record acme C-1 availability --period 2099-01 --value 99.9
fails 3 "contract 'C-1' of supplier 'acme' has no SLA 'nope'" srr sla show acme C-1 nope
fails 3 "supplier 'acme' has no contract 'C-9'" srr sla show acme C-9 availability
fails 3 "no supplier 'nope'" srr sla list nope
fails 3 "supplier 'acme' has no contract 'C-9'" srr sla list acme C-9
unchanged
is "no event for refused input" "$n" "$(events)"

# Targets are stored in canonical decimal form.
ok srr contract add beta B-2 --start 2026-01-01 --end 2027-12-31
for t in '007.50=7.5' '+1=1' '-0=0' '.5=0.5' '1.000=1'; do
	ok srr sla add beta B-2 "canon$((++i))" --target "${t%%=*}" --comparator ge
	ok srr --json sla list beta B-2
	json_is ".slas[] | select(.metric == \"canon$i\") | .target | tostring" "${t#*=}"
	ok srr --json log --since "$(($(events) - 1))"
	json_is '.events[0].record | split("\n") | map(select(startswith("target "))) | .[0]' "target ${t#*=}"
done

finish
