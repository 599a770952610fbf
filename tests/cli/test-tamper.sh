#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2317 # functions run via ok/fails
# The log as a Merkle tree with signed checkpoints: srr checkpoint
# (sign, list, export), approve signing a checkpoint, srr verify --since,
# and the tamper matrix: each edit made directly in the SQLite file, with
# the triggers dropped as someone who owns the file would, is found by
# srr verify with a message naming what is wrong; the untouched register
# verifies clean. Real SoftHSM2 token (tests/token-fixture.sh).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture

P=$T/pol
mkdir "$P"
cp "$CERT" "$P/alice.pem"
cp "$BOB_CERT" "$P/bob.pem"
signing_policy "$P" 'Tamper test policy' <<'EOF'
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management]}
  - {name: Bob Approver, cert: bob.pem, actors: [bob], roles: [management, board]}
approval_rules:
  - {subject: risk, roles: [management], quorum: 2}
  - {subject: review, roles: [management], quorum: 1}
EOF
printf '%s\n' "$PIN" >"$T/pin"
chmod 600 "$T/pin"
later=$(date -u -d '+100 days' +%F)
today=$(date -u +%F)

# --- a register with two signed approvals and checkpoints ---------------------
export SRR_ACTOR=carol
ok srr init --policy "$P/policy.yaml"
ok srr supplier add acme --name "Acme Cloud" --tier critical
ok srr supplier add beta --name "Beta Hosting" --tier high
ok srr risk add acme --title "Single region" --likelihood 4 --impact 4
ok srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 3 \
	--justification "Second region in 2027" --until "$later"
ok srr approval request risk R-1
ok srr --actor alice approve A-1 --key "$KEY_URI" --pin-file "$T/pin"
like "approve reports the checkpoint it signed" "checkpoint C-1" "$out$err"
ok srr --actor bob approve A-1 --key "$BOB_URI" --pin-file "$T/pin"
ok srr review record beta --date "$today" --outcome pass
ok srr approval request review beta
ok srr --actor alice approve A-2 --key "$KEY_URI" --pin-file "$T/pin"

ok srr --json checkpoint list
json_is '.checkpoints | length' 3
json_is '.checkpoints[2].size' "$(events)"
json_is '.checkpoints[0].signer' "CN=Alice Approver"
json_is '.checkpoints[1].signer' "CN=Bob Approver"
# Each approve signs a checkpoint covering its own approval.sign event.
sign_seq=$(sqlite3 "$SRR_DB" "SELECT max(seq) FROM event WHERE action = 'approval.sign' AND entity = 'approval/1'")
cp_size=$(sqlite3 "$SRR_DB" "SELECT size FROM checkpoint WHERE id = 2")
is "Bob's checkpoint covers his signature event" "$sign_seq" "$cp_size"

# srr checkpoint: sign one now; one PIN, stored with the signer
ok srr supplier add gamma --name "Gamma" --tier low
ok srr checkpoint --key "$BOB_URI" --pin-file "$T/pin"
like "checkpoint prints its id, size and root" "^Signed checkpoint C-4: $(events) events, root [A-Za-z0-9+/]{43}=" "$out"
ok srr --json checkpoint list
json_is '.checkpoints[3].actor' carol
json_is '.checkpoints[3].clock_synchronised | type' boolean

# Refusals change nothing.
snapshot
usage_fails "missing --key" srr checkpoint
printf '9999\n' >"$T/wrong-pin"
chmod 600 "$T/wrong-pin"
# --module: the p11-kit path (above) also loads every other registered
# module, and tpm2-pkcs11 without a TPM writes its own ERROR: line.
fails 3 "wrong PIN" srr checkpoint --key "$BOB_URI" --module "$MODULE" --pin-file "$T/wrong-pin"
fails 3 "usage|key usage" srr checkpoint --key "$BADKU_URI" --module "$MODULE" --pin-file "$T/pin"
fails 3 "chain|issuer|anchor" srr checkpoint --key "$UNKNOWN_URI" --module "$MODULE" --pin-file "$T/pin"
fails 3 "expired|validity" srr checkpoint --key "$EXPIRED_URI" --module "$MODULE" --pin-file "$T/pin"
unchanged

# The body, byte for byte: origin, size, base64 root, clock line.
ok srr checkpoint export C-4 "$T/kept"
check "export writes FILE and FILE.p7s" test -s "$T/kept" -a -s "$T/kept.p7s"
id=$(sqlite3 "$SRR_DB" "SELECT value FROM meta WHERE name = 'id'")
like "checkpoint body" "^$id
$(events)
[A-Za-z0-9+/]{43}=
clock (synchronised|unsynchronised)$" "$(cat "$T/kept")"
ok openssl cms -verify -binary -inform DER -in "$T/kept.p7s" -content "$T/kept" \
	-CAfile "$CA" -out /dev/null
fails 3 "exists" srr checkpoint export C-4 "$T/kept"
fails 3 "no checkpoint C-99" srr checkpoint export C-99 "$T/other"
fails 3 "not a checkpoint id" srr checkpoint export X-1 "$T/other"

# --- the untouched register verifies clean ------------------------------------
ok srr verify
like "verify: OK" "^OK: $(events) events \($(events) under a signed checkpoint, 4 checkpoints\)" "$out"
ok srr --json verify
json_is .ok true
json_is .checkpoints 4
json_is .covered "$(events)"

# --since: the kept checkpoint is the start of today's log.
ok srr supplier add delta --name "Delta" --tier low
ok srr checkpoint --key "$KEY_URI" --pin-file "$T/pin"
ok srr verify --since "$T/kept"
like "--since proves consistency" "since: the log of the kept checkpoint \([0-9]+ events\) is the start of C-5" "$out"
check "--since: the kept signature verifies (no finding about it)" \
	test -z "$(grep "kept checkpoint's signature\|no signature beside" <<<"$out")"
# The signature kept with it must be over exactly the kept bytes, by a signer
# the anchors vouch for.
cp "$T/kept" "$T/kept-edited"
cp "$T/kept.p7s" "$T/kept-edited.p7s"
sed -i 's/^clock .*/clock synchronised/; t; s/^clock .*/clock unsynchronised/' "$T/kept-edited"
if cmp -s "$T/kept" "$T/kept-edited"; then
	sed -i 's/^clock synchronised$/clock unsynchronised/' "$T/kept-edited"
fi
_run srr verify --since "$T/kept-edited"
is "--since: an edited kept checkpoint: exit 1" 1 "$rc"
like "--since: names the broken signature" "since: the kept checkpoint's signature: signature: does not verify over the kept checkpoint" "$out"
_run srr verify --since "$T/kept" --trust "$OTHER_CA"
like "--since: a kept checkpoint under other anchors" "since: the kept checkpoint's signature: chain: " "$out"
cp "$T/kept" "$T/kept-bare"
ok srr verify --since "$T/kept-bare"
like "--since without FILE.p7s: said, not failed" "since: no signature beside the kept checkpoint" "$out"
printf 'not a checkpoint\n' >"$T/junk"
fails 3 "not an srr checkpoint" srr verify --since "$T/junk"
fails 3 "--since: .*/missing: No such file or directory" srr verify --since "$T/missing"

# --- the tamper matrix --------------------------------------------------------
drop="DROP TRIGGER event_append_only_update; DROP TRIGGER event_append_only_delete;
DROP TRIGGER event_append_in_order; DROP TRIGGER checkpoint_append_only_update;
DROP TRIGGER checkpoint_append_only_delete;"

# tampered NAME SQL PATTERN...: a copy of the register with SQL applied
# (triggers dropped first); verify exits 1 and prints every PATTERN.
tampered() {
	local name=$1 sql=$2 p
	shift 2
	local db=$T/tamper-$name.db
	cp "$SRR_DB" "$db"
	sqlite3 "$db" "$drop $sql" || { _fail "$name: sqlite3 failed"; return; }
	_run srr --db "$db" verify
	is "$name: verify exits 1" 1 "$rc"
	for p in "$@"; do
		like "$name: $p" "$p" "$out"
	done
	like "$name: FAILED summary" "^FAILED: " "$(tail -n 1 <<<"$out")"
}

acme=$(sqlite3 "$SRR_DB" "SELECT min(seq) FROM event WHERE entity = 'supplier/acme'")
tampered byte-of-event "UPDATE event SET record = CAST(replace(CAST(record AS TEXT),
	'Acme Cloud', 'Acme Cloue') AS BLOB) WHERE seq = $acme;" \
	"event: event $acme: its record does not have the SHA-256 its leaf names"
tampered event-column "UPDATE event SET actor = 'mallory' WHERE seq = 3;" \
	"event: event 3: its leaf says actor 'carol', the table 'mallory'"
tampered leaf-and-column "UPDATE event SET actor = 'mallory', leaf = CAST(replace(CAST(leaf AS TEXT),
	'actor carol', 'actor mallory') AS BLOB) WHERE seq = 3;" \
	"checkpoint: C-1: the log's first [0-9]+ events do not have the root it signed: events 1 to"
tampered delete-event "DELETE FROM event WHERE seq = 4;" \
	"event: event 5 follows event 3: the events between were deleted" \
	"checkpoint: C-1: the log's first"
tampered swap-events "UPDATE event SET seq = -seq WHERE seq IN (3, 4);
	UPDATE event SET seq = 4 WHERE seq = -3; UPDATE event SET seq = 3 WHERE seq = -4;" \
	"event: event 3: its leaf says seq '4', the table '3'" \
	"event: event 4: its leaf says seq '3', the table '4'"
tampered insert-event "UPDATE event SET seq = seq + 1000 WHERE seq >= 4;
	UPDATE event SET seq = seq - 999 WHERE seq >= 1000;
	INSERT INTO event SELECT 4, time, actor, action, entity, record, leaf FROM event WHERE seq = 3;" \
	"event: event 4: its leaf says seq '3', the table '4'"
tampered supplier-row "UPDATE supplier SET name = 'Evil Corp' WHERE key = 'beta';" \
	"state: supplier/beta: its rows differ from what its last event \([0-9]+\) logged: changed without an event"
tampered supplier-bad-value "UPDATE supplier SET country = 'de' WHERE key = 'beta';" \
	"state: supplier/beta: changed without an event: "
tampered supplier-inserted "INSERT INTO supplier (key, name, tier, created, updated)
	VALUES ('ghost', 'Ghost', 'low', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');" \
	"state: supplier/ghost: in the register, but no event logged it"
tampered supplier-deleted "DELETE FROM supplier WHERE key = 'gamma';" \
	"state: supplier/gamma: event [0-9]+ logged it, but the register no longer holds it"
tampered replace-checkpoint "UPDATE checkpoint SET body = (SELECT body FROM checkpoint WHERE id = 1),
	size = (SELECT size FROM checkpoint WHERE id = 1) WHERE id = 3;" \
	"checkpoint: C-3: signature \(CN=Alice Approver\): does not verify over the checkpoint body"
tampered forged-root "UPDATE checkpoint SET body = CAST(replace(CAST(body AS TEXT),
	substr(CAST(body AS TEXT), 36 + length(size), 4), 'AAAA') AS BLOB) WHERE id = 2;" \
	"checkpoint: C-2: signature \(CN=Bob Approver\): does not verify"
n=$(sqlite3 "$SRR_DB" "SELECT size FROM checkpoint WHERE id = 4")
tampered truncate-log "DELETE FROM event WHERE seq > $((n - 2));" \
	"checkpoint: C-4: signed $n events, the log holds $((n - 2)): the log was truncated"
# Removing the newest checkpoints leaves a log that is only as good as the
# file: verify says so (a warning), and a kept checkpoint proves the removal.
cp "$SRR_DB" "$T/tamper-drop-checkpoints.db"
sqlite3 "$T/tamper-drop-checkpoints.db" "$drop DELETE FROM checkpoint WHERE id >= 4;"
ok srr --db "$T/tamper-drop-checkpoints.db" verify
like "drop-checkpoints: verify warns" "checkpoint: the last [0-9]+ events are not covered by a signed checkpoint yet" "$out"
_run srr --db "$T/tamper-drop-checkpoints.db" verify --since "$T/kept"
is "drop-checkpoints: --since exits 1" 1 "$rc"
like "drop-checkpoints: --since names the removal" \
	"since: the log's first [0-9]+ events are the ones the kept checkpoint signed, but no signed checkpoint here covers as many: checkpoints were removed" "$out"
_run srr --db "$T/tamper-leaf-and-column.db" verify --since "$T/kept"
like "rewritten history: --since names it" \
	"since: the log's first [0-9]+ events are not the ones the kept checkpoint signed: history was rewritten" "$out"
_run srr --db "$T/tamper-truncate-log.db" verify --since "$T/kept"
like "truncated log: --since names it" "since: the kept checkpoint signed [0-9]+ events, the log holds [0-9]+: the log was truncated" "$out"
# A checkpoint kept from before the truncation still proves what is left.
last=$(sqlite3 "$T/tamper-truncate-log.db" "SELECT max(id) FROM checkpoint WHERE size <= (SELECT count(*) FROM event)")
ok srr checkpoint export C-1 "$T/kept-early"
_run srr --db "$T/tamper-truncate-log.db" verify --since "$T/kept-early"
like "truncated log: an earlier kept checkpoint is proven against the last one the log still holds" \
	"since: the log of the kept checkpoint \([0-9]+ events\) is the start of C-$last" "$out"

# A renumbered log is one story, not a line per event.
tampered renumber "UPDATE event SET seq = seq + 1000 WHERE seq >= 2;
	UPDATE event SET seq = seq - 1000 + 50 WHERE seq >= 1000;" \
	"event: event 52 follows event 1: the events between were deleted"
c=$(grep -c '^event: ' <<<"$out")
check "renumbered: at most 20 event lines ($c)" test "$c" -le 20

# The register itself was never touched by any of this.
ok srr verify

finish
