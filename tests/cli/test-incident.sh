#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr incident add|notified|list: the 24-hour notification window (late flag),
# recording a notification once, and the times each command refuses.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# TEXT as a grep -E pattern that matches just it.
re() { printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }

fresh
ok srr supplier add acme --name Acme --tier critical
ok srr supplier add beta --name Beta --tier low

# --- add: the late flag at the 24-hour boundary ------------------------------
ok srr incident add acme --identified 2026-10-01T10:00:00Z --notified 2026-10-02T10:00:01Z \
	--summary "Notified 24 hours and a second later"
is "add prints the id" "Recorded incident 1" "$out"
ok srr --json incident add acme --identified 2026-10-05T10:00:00Z --notified 2026-10-06T10:00:00Z \
	--summary "Notified exactly 24 hours later" --severity high
json_is .incident 2
json_is '.incident | type' number
# Not notified yet: judged by the clock.
ok srr incident add beta --identified 2026-10-10T10:00:00Z \
	--summary $'Not notified yet\nwith a second line' --severity critical
is "third incident" "Recorded incident 3" "$out"
ok srr incident add beta --identified 2026-10-12T10:00:00Z --summary "Will be notified late"
recent=$(date -u -d '-2 hours' +%FT%TZ)
old=$(date -u -d '-25 hours' +%FT%TZ)
ok srr incident add beta --identified "$recent" --summary "Recent, window still open"
ok srr incident add beta --identified "$old" --summary "Window closed a while ago"

ok srr --json incident list
json_is '[.incidents[] | "\(.id):\(.late)"] | join(" ")' "5:false 6:true 4:true 3:true 2:false 1:true"
json_is '.incidents[] | select(.id == 1) | keys | sort | join(",")' \
	id,identified,late,notified,severity,summary,supplier
json_is '.incidents[] | select(.id == 1) | [.supplier, .identified, .notified, .severity] | join("|")' \
	"acme|2026-10-01T10:00:00Z|2026-10-02T10:00:01Z|medium"
json_is '.incidents[] | select(.id == 2) | [.notified, .severity, (.late | tostring)] | join("|")' \
	"2026-10-06T10:00:00Z|high|false"
json_is '.incidents[] | select(.id == 3) | [(.notified | tostring), .severity] | join("|")' "null|critical"
json_is '.incidents[] | select(.id == 3) | .summary | split("\n") | length' 2
ok srr incident list acme
is "list: table, newest first" "ID  SUPPLIER  IDENTIFIED            NOTIFIED              SEVERITY  LATE  SUMMARY
2   acme      2026-10-05T10:00:00Z  2026-10-06T10:00:00Z  high      no    Notified exactly 24 hours later
1   acme      2026-10-01T10:00:00Z  2026-10-02T10:00:01Z  medium    LATE  Notified 24 hours and a second later" "$out"
ok srr incident list beta
like "list: an open incident shows - and its first line" \
	'^3 +beta +2026-10-10T10:00:00Z +- +critical +LATE +Not notified yet$' "$out"

# --- notified: once, on time or late --------------------------------------------
ok srr incident notified 3 --at 2026-10-11T10:00:00Z
is "notified prints the id" "Recorded notification of incident 3" "$out"
ok srr --json incident notified 4 --at 2026-10-13T10:00:01Z
json_is .notified 4
ok srr --json incident list beta
json_is '[.incidents[] | select(.id == 3 or .id == 4) | "\(.id):\(.notified):\(.late)"] | join(" ")' \
	"4:2026-10-13T10:00:01Z:true 3:2026-10-11T10:00:00Z:false"
ok srr --json log --since "$(($(events) - 2))"
json_is '[.events[] | "\(.action) \(.entity)"] | join(",")' \
	"incident.notified incident/3,incident.notified incident/4"
json_is '.events[0].record | split("\n") | map(select(startswith("notified "))) | .[0]' \
	"notified 2026-10-11T10:00:00Z"

# --- bad input: exit 3 (2 for usage), one line, nothing changed -----------------
n=$(events)
snapshot
fails 3 "^srr incident notified: incident 3 was already notified at 2026-10-11T10:00:00Z$" \
	srr incident notified 3 --at 2026-10-11T11:00:00Z
fails 3 "^srr incident notified: incident 1 was already notified at 2026-10-02T10:00:01Z$" \
	srr incident notified 1 --at 2026-10-02T10:00:01Z
fails 3 "^srr incident notified: notified time 2026-10-01T09:59:59Z is before identified time $old$" \
	srr incident notified 6 --at 2026-10-01T09:59:59Z
fails 3 "^srr incident notified: no incident 99$" srr incident notified 99 --at 2026-10-11T10:00:00Z
fails 3 "^srr incident notified: 'R-1' is not an incident id$" srr incident notified R-1 --at 2026-10-11T10:00:00Z
fails 3 "^srr incident notified: 'x' is not an incident id$" srr incident notified x --at 2026-10-11T10:00:00Z
for t in 2026-11-02 2026-11-02T09:30:00+01:00 2026-11-02T09:30:00+00:00 2026-11-02T09:30:00 \
	2026-11-02T09:30:00z 2026-11-02T09:30Z '2026-11-02 09:30:00Z' 2026-11-02T09:30:00.5Z \
	2026-02-30T09:30:00Z 2026-11-02T24:00:00Z ''; do
	fails 3 "^srr incident add: identified time '$(re "$t")' is not an RFC 3339 UTC time \(YYYY-MM-DDTHH:MM:SSZ\)$" \
		srr incident add acme --identified "$t" --summary "bad time"
done
fails 3 "^srr incident add: notified time '2026-11-02T10:30:00\+01:00' is not an RFC 3339 UTC time" \
	srr incident add acme --identified 2026-11-02T09:30:00Z --notified 2026-11-02T10:30:00+01:00 --summary x
fails 3 "^srr incident notified: notified time '2026-11-02' is not an RFC 3339 UTC time" \
	srr incident notified 5 --at 2026-11-02
fails 3 "^srr incident add: notified time 2026-11-01T09:30:00Z is before identified time 2026-11-02T09:30:00Z$" \
	srr incident add acme --identified 2026-11-02T09:30:00Z --notified 2026-11-01T09:30:00Z --summary x
future=$(date -u -d '+2 hours' +%FT%TZ)
fails 3 "^srr incident add: identified time $future is in the future$" \
	srr incident add acme --identified "$future" --summary x
fails 3 "^srr incident add: notified time $future is in the future$" \
	srr incident add acme --identified 2026-11-02T09:30:00Z --notified "$future" --summary x
fails 3 "^srr incident notified: notified time $future is in the future$" \
	srr incident notified 5 --at "$future"
fails 3 "^srr incident add: --severity 'urgent': must be low, medium, high or critical$" \
	srr incident add acme --identified 2026-11-02T09:30:00Z --summary x --severity urgent
fails 3 "^srr incident add: no supplier 'nobody'$" \
	srr incident add nobody --identified 2026-11-02T09:30:00Z --summary x
fails 3 "^srr incident add: incident summary is empty$" \
	srr incident add acme --identified 2026-11-02T09:30:00Z --summary ''
usage_fails "^srr incident add: missing --identified" srr incident add acme --summary x
usage_fails "^srr incident add: missing --summary" srr incident add acme --identified 2026-11-02T09:30:00Z
usage_fails "^srr incident notified: missing --at" srr incident notified 5
usage_fails "^srr incident notified: missing ID" srr incident notified --at 2026-11-02T09:30:00Z
fails 3 "^srr incident list: no supplier 'nobody'$" srr incident list nobody
unchanged
is "refused incidents log nothing" "$n" "$(events)"

finish
