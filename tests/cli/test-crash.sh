#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2317 # functions run via check
# Crash safety: srr import of a large generated file, srr approve, srr
# checkpoint and srr supplier add killed with SIGKILL at random moments of
# their run. After every kill the register must pass PRAGMA
# integrity_check and srr verify, and each change must be wholly there or
# wholly absent: the register exactly as before (same .dump), or with the
# whole import (the same entities and event count as a reference import),
# or with the signature, its approval.sign event and its checkpoint all
# three. An interrupted approval must then complete normally.
#
# The delays are drawn from bash's RANDOM seeded with SRR_CRASH_SEED (a
# fresh seed, printed, when unset: a failure is rerun with the same seed);
# they spread over the time a reference run of each command took on this
# machine, so a slower build (ASan) moves the kills with it.
# SRR_CRASH_KILLS sets the number of kills of import and of approve (50;
# 10 in a sanitized build).
# Skipped (exit 77) when softhsm2, gnutls-bin or openssl is missing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture
cd "$T" || exit 1
if [ -z "${SRR_GEN_REGISTER:-}" ]; then
	_fail "set SRR_GEN_REGISTER to tests/bench/gen-register (meson does this)"
	finish
fi

seed=${SRR_CRASH_SEED:-$(($(date +%s%N) % 1000000))}
# Fewer in a sanitized build (SRR_SANITIZED, tests/meson.build): there
# each run is ~5 times slower, and a killed process reports nothing.
if [ -n "${SRR_SANITIZED:-}" ]; then
	kills=${SRR_CRASH_KILLS:-10}
else
	kills=${SRR_CRASH_KILLS:-50}
fi
few=$((kills >= 50 ? 10 : 5)) # of srr checkpoint and of srr supplier add
echo "# seed $seed (rerun with SRR_CRASH_SEED=$seed), $kills kills per command" >&9
RANDOM=$seed

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A delay in seconds, uniform over 0 .. ms milliseconds (to 1 ms).
delay_within() { # ms
	local d=$(((RANDOM * 32768 + RANDOM) % ($1 + 1)))
	printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

# kill_after DELAY CMD...: run CMD in the background, SIGKILL it after
# DELAY seconds; $status is its exit status (137 when the kill hit it).
# Never through the test wrapper: it is the process itself that dies.
kill_after() {
	local delay=$1 pid
	shift
	"$@" >/dev/null 2>"$T/.killed-err" &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	# Braces: the shell's "Killed" notice goes to /dev/null too.
	{ wait "$pid"; } 2>/dev/null
	status=$?
}

# The register is sound: srr verify first, so that srr itself is what
# opens the WAL the killed process left, then SQLite's own check.
sound() {
	local v i
	if ! v=$(srr verify 2>&1); then
		printf '#   srr verify: %s\n' "$v" >&9
		return 1
	fi
	case $v in
	*", 0 failures"*) ;;
	*) printf '#   srr verify: %s\n' "$v" >&9; return 1 ;;
	esac
	i=$(sqlite3 "$SRR_DB" 'PRAGMA integrity_check' 2>&1)
	if [ "$i" != ok ]; then
		printf '#   integrity_check: %s\n' "$i" >&9
		return 1
	fi
}

dump() { sqlite3 "$SRR_DB" 'PRAGMA user_version' .dump; }

# Every table's row count and the latest record of every entity: with a
# clean srr verify (rows = latest records), equal output means the same
# register content but for the times changes were made.
content() {
	if [ -z "${content_sql:-}" ]; then
		local t
		for t in $(sqlite3 "$SRR_DB" "SELECT name FROM sqlite_schema WHERE type = 'table'
			AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
			content_sql+="SELECT '$t', count(*) FROM \"$t\" UNION ALL "
		done
		content_sql+="SELECT entity, hex(record) FROM event e WHERE seq = (SELECT max(seq)
			FROM event WHERE entity = e.entity) AND entity NOT LIKE 'register/%'"
	fi
	sqlite3 "$SRR_DB" "$content_sql"
}

# --- srr import ------------------------------------------------------------------
# A generated file that takes about 0.4 s to import with this build: 1,000
# suppliers (~10,000 entities, 1.7 MB of YAML) in a plain build, down to
# 200 in a slower one (ASan), so that the kills stay bounded in time and
# still land all along the import. A dry run of 200 sets the pace.
"$SRR_GEN_REGISTER" --suppliers 200 --seed 11 --out probe.yaml
SRR_DB=$T/probe.db srr init >/dev/null
start=$(now_ms)
SRR_DB=$T/probe.db srr import --dry-run probe.yaml >/dev/null
per=$(($(now_ms) - start))
n_suppliers=$((per > 0 ? 400 * 200 / per : 1000))
((n_suppliers > 1000)) && n_suppliers=1000
((n_suppliers < 200)) && n_suppliers=200
"$SRR_GEN_REGISTER" --suppliers "$n_suppliers" --seed 11 --out big.yaml
export SRR_DB=$T/import.db
ok srr init
ok srr supplier add crash-before --name "Here before the import" --tier low
ok srr risk add crash-before --title "Was here before" --likelihood 2 --impact 2
cp "$SRR_DB" base.db
check "the base register has no WAL left" test ! -e "$SRR_DB-wal"
dump >base.dump

# The reference: the whole import, uninterrupted, and how long it takes
# (the shorter of a dry run and the real one: the first run of a
# process on a busy machine is often the slow one).
start=$(now_ms)
ok srr import --dry-run big.yaml
import_ms=$(($(now_ms) - start))
start=$(now_ms)
ok srr import big.yaml
t=$(($(now_ms) - start))
[ "$t" -lt "$import_ms" ] && import_ms=$t
like "the reference import" "^imported big.yaml: $n_suppliers suppliers" "$out"
content >complete.content
echo "# reference import of $n_suppliers suppliers: $import_ms ms" >&9

reset_import() {
	rm -f "$SRR_DB" "$SRR_DB-wal" "$SRR_DB-shm"
	cp base.db "$SRR_DB"
}

# One kill: "before" (register unchanged), "after" (the whole import),
# or a failure; the register is left as the next kill finds it.
import_kill() { # n
	local d what
	# Over the whole run (a few kills find it done: the run varies).
	d=$(delay_within "$import_ms")
	kill_after "$d" "$SRR" import big.yaml
	what="kill $1 of srr import at ${d}s (exit $status)"
	if ! sound; then
		_fail "$what: the register is not sound"
		return 1
	fi
	if [ "$status" = 137 ] && dump | cmp -s - base.dump; then
		import_before=$((import_before + 1))
		_pass "$what: as before"
	elif [ "$status" = 137 ] || [ "$status" = 0 ]; then
		if ! content | cmp -s - complete.content; then
			_fail "$what: neither as before nor the whole import"
			_detail diff "$(content | diff complete.content - | head -n 20)"
			return 1
		fi
		if [ "$status" = 0 ]; then
			import_done=$((import_done + 1))
		else
			import_after=$((import_after + 1))
		fi
		_pass "$what: the whole import"
		reset_import
	else
		_fail "$what: $(cat "$T/.killed-err")"
		return 1
	fi
}

import_before=0 import_after=0 import_done=0
reset_import
start=$(now_ms)
for ((k = 1; k <= kills; k++)); do
	import_kill "$k" || break
done
echo "# srr import: $((k > kills ? kills : k)) kills in $(($(now_ms) - start)) ms: $import_before before the commit," \
	"$import_after after it, $import_done had ended" >&9
# Kills after the last one that left the register as before: it must
# still take the import.
ok srr import big.yaml
check "after the kills, the import completes" cmp complete.content <(content)

# SoftHSM2's file store rewrites token.object in place on every login
# (truncate, then write): a kill in between leaves it empty and the token
# gone ("no PKCS#11 token matches"). That is the test token's weakness,
# not the register's: after each kill of a command that logs in, a copy
# taken now puts the token back, and the damage is counted.
cp -a "$T/token/tokens" "$T/tokens.good"
token_damaged=0
restore_token() {
	if [ "$(cd "$T/token/tokens" && stat -c '%n %s' -- */*.object)" != \
		"$(cd "$T/tokens.good" && stat -c '%n %s' -- */*.object)" ]; then
		token_damaged=$((token_damaged + 1))
	fi
	rm -rf "$T/token/tokens"
	cp -a "$T/tokens.good" "$T/token/tokens"
}

# A full disk mid-import, as the CLI can meet it without a test hook in the
# library: a file size limit (ulimit -f; SIGXFSZ ignored, so a write past
# it fails with EFBIG) a little above the register's size. (The library's
# SQLITE_FULL path is tests/test-fulldisk.c.)
reset_import
limited() { # KB CMD...
	local kb=$1
	shift
	(
		trap '' XFSZ
		ulimit -f "$kb"
		"$@"
	)
}
kb=$(($(stat -c %s "$SRR_DB") / 1024 + 200))
fails 3 "^srr import: .*$SRR_DB: write failed \(disk full, file size limit or device error\)$" \
	limited "$kb" srr import big.yaml
check "after the failed import, the register is as before" cmp base.dump <(dump)
check "and sound" sound
ok srr import big.yaml
check "with room again, the import completes" cmp complete.content <(content)

# --- srr approve -----------------------------------------------------------------
# Requests that need two of alice, bob and carol; each gets a kill of bob's
# signature and one of carol's. The last one is for timing the command.
export SRR_DB=$T/approve.db
P=$T/pol
mkdir "$P"
cp "$CERT" "$P/alice.pem"
cp "$BOB_CERT" "$P/bob.pem"
cp "$CAROL_CERT" "$P/carol.pem"
signing_policy "$P" 'Crash test policy' <<'EOF'
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management]}
  - {name: Bob Approver, cert: bob.pem, actors: [bob], roles: [management]}
  - {name: Carol Approver, cert: carol.pem, actors: [carol], roles: [management]}
approval_rules:
  - {subject: risk, residual: [high], roles: [management], quorum: 2}
EOF
printf '%s\n' "$PIN" >pin
chmod 600 pin
K=(--module "$MODULE" --pin-file "$T/pin")
n_requests=$(((kills + 1) / 2 + 1))
until=$(date -u -d '+100 days' +%F)
{
	printf 'suppliers:\n  - key: acme\n    name: Acme\n    tier: high\n    risks:\n'
	for ((i = 1; i <= n_requests; i++)); do
		printf '      - {title: Risk %d, likelihood: 3, impact: 4, treatment: accept,' "$i"
		printf ' residual_likelihood: 3, residual_impact: 4, justification: Test,'
		printf ' accept_until: %s}\n' "$until"
	done
} >risks.yaml
ok srr init --policy "$P/policy.yaml"
ok srr import risks.yaml
for ((i = 1; i <= n_requests; i++)); do
	srr approval request risk "R-$i" >/dev/null || _fail "srr approval request risk R-$i"
done
is "$n_requests requests" "$n_requests" "$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM approval')"

# What one signature changes: its row, its event, a checkpoint, and the
# log's size.
sign_state() { # id
	sqlite3 "$SRR_DB" "SELECT (SELECT count(*) FROM signature WHERE approval_id = $1),
		(SELECT count(*) FROM event WHERE action = 'approval.sign' AND entity = 'approval/$1'),
		(SELECT count(*) FROM checkpoint), (SELECT count(*) FROM event),
		(SELECT ifnull(max(size), 0) FROM checkpoint)"
}
plus_one() { # state
	local s e c n
	IFS='|' read -r s e c n _ <<<"$1"
	echo "$((s + 1))|$((e + 1))|$((c + 1))|$((n + 1))|$((n + 1))"
}

# The time of a signature: the shorter of two.
approve_ms=
for who in alice bob; do
	uri=$KEY_URI
	[ "$who" = bob ] && uri=$BOB_URI
	start=$(now_ms)
	ok srr --actor "$who" approve "A-$n_requests" --key "$uri" "${K[@]}"
	t=$(($(now_ms) - start))
	[ -z "$approve_ms" ] || [ "$t" -lt "$approve_ms" ] && approve_ms=$t
done
echo "# reference approve: $approve_ms ms" >&9

approve_before=0 approve_after=0 approve_done=0
approve_kill() { # n id who uri
	local d what before now
	before=$(sign_state "$2")
	d=$(delay_within "$approve_ms")
	kill_after "$d" "$SRR" --actor "$3" approve "A-$2" --key "$4" "${K[@]}"
	restore_token
	what="kill $1 of srr approve A-$2 by $3 at ${d}s (exit $status)"
	if ! sound; then
		_fail "$what: the register is not sound"
		return 1
	fi
	now=$(sign_state "$2")
	if [ "$status" = 137 ] && [ "$now" = "$before" ]; then
		approve_before=$((approve_before + 1))
		_pass "$what: nothing signed"
		# The approval completes as if nothing had happened. (Its time
		# also narrows the window: the first runs are often the slow ones.)
		local t0 t
		t0=$(now_ms)
		if ! srr --actor "$3" approve "A-$2" --key "$4" "${K[@]}" >/dev/null 2>"$T/.err"; then
			_fail "$what: approving again: $(cat "$T/.err")"
			return 1
		fi
		t=$(($(now_ms) - t0))
		[ "$t" -lt "$approve_ms" ] && approve_ms=$t
		now=$(sign_state "$2")
		is "A-$2 by $3 then signs" "$(plus_one "$before")" "$now" || return 1
		sound || { _fail "A-$2: the register is not sound after signing"; return 1; }
	elif [ "$now" = "$(plus_one "$before")" ]; then
		if [ "$status" = 0 ]; then
			approve_done=$((approve_done + 1))
		elif [ "$status" = 137 ]; then
			approve_after=$((approve_after + 1))
		else
			_fail "$what: $(cat "$T/.killed-err")"
			return 1
		fi
		_pass "$what: the signature, its event and its checkpoint"
	else
		_fail "$what: neither nothing nor the whole signature"
		_detail "signatures|events|checkpoints|log size|checkpoint size before" "$before"
		_detail "after" "$now"
		return 1
	fi
}

n=0
start=$(now_ms)
for ((id = 1; id < n_requests; id++)); do
	n=$((n + 1))
	approve_kill "$n" "$id" bob "$BOB_URI" || break
	n=$((n + 1))
	approve_kill "$n" "$id" carol "$CAROL_URI" || break
done
echo "# srr approve: $n kills in $(($(now_ms) - start)) ms: $approve_before before the commit," \
	"$approve_after after it, $approve_done had ended" >&9
is "every request approved, by two" "$n_requests|$((n_requests * 2))" \
	"$(sqlite3 "$SRR_DB" 'SELECT count(DISTINCT approval_id), count(*) FROM signature')"
ok srr --json approval list
json_is '[.approvals[] | select(.status == "approved" and .signed == 2)] | length' "$n_requests"

# --- srr checkpoint and srr supplier add: a few kills each ---------------------
start=$(now_ms)
ok srr checkpoint --key "$KEY_URI" "${K[@]}"
checkpoint_ms=$(($(now_ms) - start))
for ((k = 1; k <= few; k++)); do
	before=$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM checkpoint')
	events_before=$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM event')
	d=$(delay_within "$checkpoint_ms")
	kill_after "$d" "$SRR" checkpoint --key "$KEY_URI" "${K[@]}"
	restore_token
	now=$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM checkpoint')
	what="kill $k of srr checkpoint at ${d}s (exit $status)"
	if sound && [ "$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM event')" = "$events_before" ] &&
		{ [ "$now" = "$before" ] || [ "$now" = $((before + 1)) ]; }; then
		_pass "$what: $((now - before)) checkpoint(s) added"
	else
		_fail "$what: checkpoints $before -> $now"
	fi
done

start=$(now_ms)
ok srr supplier add crash-ref --name "Reference" --tier low
add_ms=$(($(now_ms) - start))
for ((k = 1; k <= few; k++)); do
	d=$(delay_within "$add_ms")
	before=$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM event')
	kill_after "$d" "$SRR" supplier add "crash-$k" --name "Crash $k" --tier low
	now=$(sqlite3 "$SRR_DB" "SELECT count(*) FROM supplier WHERE key = 'crash-$k'")
	now=$now/$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM event')
	what="kill $k of srr supplier add at ${d}s (exit $status)"
	if sound && { [ "$now" = "0/$before" ] || [ "$now" = "1/$((before + 1))" ]; }; then
		_pass "$what: supplier/events $now"
	else
		_fail "$what: supplier/events $now, $before events before"
	fi
done
echo "# the SoftHSM2 token was damaged by $token_damaged of the kills (and put back)" >&9

finish
