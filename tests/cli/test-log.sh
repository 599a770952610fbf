#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr log, and the audit-log invariants seen from outside: every change adds
# exactly one event naming it, a no-op or refused change adds none, and the
# event table refuses UPDATE and DELETE.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh

# Run a change and check it added exactly one event with this action and entity.
one_event() {
	local action=$1 entity=$2
	shift 2
	local before after last
	before=$(events)
	ok "$@" || return
	after=$(events)
	is "exactly one event for: $(_desc "$@")" "$((before + 1))" "$after"
	last=$(srr --json log --since "$before" | jq -r '.events[] | .action + " " + .entity')
	is "the event is $action $entity" "$action $entity" "$last"
}

# Run a command that must not log anything.
no_event() {
	local before
	before=$(events)
	"$@"
	is "no event for: $(_desc "${@:2}")" "$before" "$(events)"
}

one_event supplier.add supplier/acme srr supplier add acme --name Acme --tier high
one_event supplier.add supplier/sub srr supplier add sub --name Sub --tier low
one_event supplier.update supplier/acme srr supplier update acme --tier critical --subcontractor sub
one_event contract.add contract/acme/C-1 \
	srr contract add acme C-1 --start 2026-01-01 --end 2027-12-31 --clause right-to-audit
one_event contract.update contract/acme/C-1 srr contract update acme C-1 --all-clauses
one_event sla.add sla/acme/C-1/availability \
	srr sla add acme C-1 availability --target 99.9 --comparator ge
one_event sla.record measurement/acme/C-1/availability/2026-10 \
	srr sla record acme C-1 availability --period 2026-10 --value 99.95
one_event sla.correct measurement/acme/C-1/availability/2026-10 \
	srr sla record acme C-1 availability --period 2026-10 --value 99.8
one_event contract.terminate contract/acme/C-1 srr contract terminate acme C-1 --date 2026-12-01
one_event supplier.retire supplier/sub srr supplier retire sub

# No-op updates, reads, and refused changes log nothing.
no_event ok srr supplier update acme --tier critical
no_event ok srr supplier update acme --subcontractor sub
no_event ok srr contract update acme C-1 --all-clauses --start 2026-01-01
no_event ok srr supplier list
no_event ok srr supplier show acme
no_event ok srr contract list
no_event ok srr sla list
no_event ok srr log
no_event fails 3 "already exists" srr supplier add acme --name Acme --tier high
no_event fails 3 "already retired" srr supplier retire sub
no_event fails 3 "was terminated" srr contract terminate acme C-1
no_event usage_fails "missing --tier" srr supplier add new --name New

# --- the text listing -------------------------------------------------------
ok srr log
is "one line per event" 11 "$(printf '%s\n' "$out" | wc -l)"
like "text line: seq, time, action, actor, entity" \
	'^2 +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z +supplier\.add +tester +supplier/acme$' "$out"
ok srr log --since 9
is "--since N lists the events after N" "10 11" "$(printf '%s\n' "$out" | awk '{ printf "%s%s", sep, $1; sep = " " }')"
ok srr log --limit 2
is "--limit N lists the first N" "1 2" "$(printf '%s\n' "$out" | awk '{ printf "%s%s", sep, $1; sep = " " }')"
ok srr log --since 3 --limit 1
like "--since and --limit together" '^4 .*supplier\.update' "$out"
ok srr log --since 11
is "--since the last event lists nothing" "" "$out"
ok srr log --since 2 --limit 1 --records
like "--records prints the record" '^srr-record/1 supplier$' "$out"
like "--records: the record's fields" '^name Sub$' "$out"

# --- JSON: every event, its record and its leaf --------------------------------
ok srr --json log
json_is 'keys | sort | join(",")' events,register
json_is '.register | test("^[0-9a-f]{32}$")' true
json_is '.events | length' 11
json_is '[.events[].seq] == [range(1; 12)]' true
json_is '.events[0] | keys | sort | join(",")' action,actor,entity,leaf,record,seq,time
json_is '[.events[].time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")] | all' true
json_is '[.events[].actor] | unique | join(",")' tester
json_is '.events[0].action' register.init
json_is '.events[0].entity == "register/" + .register' true
json_is '[.events[].record | startswith("srr-record/1 ")] | all' true
json_is '[.events[].leaf | startswith("srr-record/1 event\n")] | all' true
json_is '[.events[] | .leaf | test("\nseq [0-9]+\ntime [^\n]+\nactor [^\n]+\naction [^\n]+\nentity [^\n]+\n")] | all' true
json_is '[.events[] | (.leaf | split("\n") | map(select(startswith("seq "))) | .[0]) == "seq \(.seq)"] | all' true
json_is '.events[1].record == "srr-record/1 supplier\nkey acme\nname Acme\ntier high\nstatus active\n"' true
# Each leaf commits to its record by SHA-256 of the record's exact bytes.
for i in 0 4 10; do
	rec_sum=$(printf '%s' "$out" | jq -j ".events[$i].record" | sha256sum | cut -d' ' -f1)
	leaf_sum=$(printf '%s' "$out" | jq -r ".events[$i].leaf" | sed -n 's/^record-sha256 //p')
	is "event $((i + 1)): leaf has the record's SHA-256" "$rec_sum" "$leaf_sum"
done
ok srr --json log --since 10 --limit 5
json_is '[.events[].seq] | join(",")' 11

fails 3 "--since '-1': must be a sequence number" srr log --since -1
fails 3 "--since 'x'" srr log --since x
fails 3 "--limit 'ten': must be a number" srr log --limit ten

# --- the event table is append-only ---------------------------------------------
snapshot
sqlite3 "$SRR_DB" 'DELETE FROM event' >"$T/sql.out" 2>&1
s=$?
check "DELETE FROM event fails" test "$s" != 0
like "DELETE is refused as append-only" "append-only" "$(cat "$T/sql.out")"
sqlite3 "$SRR_DB" 'DELETE FROM event WHERE seq = 11' >/dev/null 2>&1
check "DELETE of the last event fails" test $? != 0
sqlite3 "$SRR_DB" "UPDATE event SET actor = 'mallory'" >"$T/sql.out" 2>&1
s=$?
check "UPDATE event fails" test "$s" != 0
like "UPDATE is refused as append-only" "append-only" "$(cat "$T/sql.out")"
sqlite3 "$SRR_DB" "UPDATE event SET seq = 99 WHERE seq = 11" >/dev/null 2>&1
check "UPDATE of seq fails" test $? != 0
unchanged
is "all events are still there" 11 "$(events)"

finish
