#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2317 # functions run in the background
# Several srr processes changing one register at once (WAL, a busy timeout,
# BEGIN IMMEDIATE): every command succeeds, nothing is lost (each worker
# owns one field of the shared suppliers, and each field ends as its
# worker last set it), no sequence number is used twice or skipped, the
# event count is the number of changes, and srr verify is clean. Then
# approvers signing the same request at the same moment: two different
# ones both count, the same one twice counts once and the other run is
# refused. Every approve is a SoftHSM2 session in its own process, many
# of them at once.
#
# SRR_CONCURRENCY_ROUNDS sets the rounds per worker (10, 4 in a sanitized
# build; each round is six changes).
# Skipped (exit 77) when softhsm2, gnutls-bin or openssl is missing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture
cd "$T" || exit 1

workers=5
# Fewer in a sanitized build (SRR_SANITIZED, tests/meson.build), where
# each run is ~5 times slower.
if [ -n "${SRR_SANITIZED:-}" ]; then
	rounds=${SRR_CONCURRENCY_ROUNDS:-4}
	pairs=3
else
	rounds=${SRR_CONCURRENCY_ROUNDS:-10}
	pairs=6
fi
[ "$rounds" -ge 3 ] || { _fail "SRR_CONCURRENCY_ROUNDS: at least 3"; finish; }

P=$T/pol
mkdir "$P"
cp "$CERT" "$P/alice.pem"
cp "$BOB_CERT" "$P/bob.pem"
cp "$CAROL_CERT" "$P/carol.pem"
signing_policy "$P" 'Concurrency test policy' <<'EOF'
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
APPROVER=(alice bob carol)

# SoftHSM2's file store is not safe for several processes at once: every
# login rewrites token.object in place, and a process that reads it
# meanwhile finds no token ("no PKCS#11 token matches"; 2 of 50 approves
# here when all shared one directory). So each process that signs at the
# same time as another gets its own copy of the token: the same keys and
# certificates, separate files.
token_copy() { # NAME: prints the SOFTHSM2_CONF of a copy of the token
	mkdir -p "$T/$1"
	cp -a "$T/token/tokens" "$T/$1/tokens"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$T/$1/tokens" >"$T/$1/softhsm2.conf"
	echo "$T/$1/softhsm2.conf"
}
URI=("$KEY_URI" "$BOB_URI" "$CAROL_URI")

# Three shared suppliers with a contract and a monthly SLA each, and
# risks accepted at a high residual level: one per round of each worker,
# and some for the pairs below.
n_risks=$((workers * rounds + 3 * pairs))
until=$(date -u -d '+100 days' +%F)
{
	printf 'suppliers:\n'
	for k in 0 1 2; do
		printf '  - key: shared-%d\n    name: Shared %d\n    tier: critical\n' "$k" "$k"
		printf '    contracts:\n      - ref: C-1\n        start: 2020-01-01\n'
		printf '        end: 2030-12-31\n        slas:\n'
		printf '          - {metric: availability, target: 99.9, comparator: ge, period: month}\n'
	done
	printf '  - key: acme\n    name: Acme\n    tier: high\n    risks:\n'
	for ((i = 1; i <= n_risks; i++)); do
		printf '      - {title: Risk %d, likelihood: 3, impact: 4, treatment: accept,' "$i"
		printf ' residual_likelihood: 3, residual_impact: 4, justification: Test,'
		printf ' accept_until: %s}\n' "$until"
	done
} >setup.yaml
ok srr init --policy "$P/policy.yaml"
ok srr import setup.yaml
events0=$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM event')

# run W WHAT CMD...: one command of worker W; its failures go to the log.
run() {
	local w=$1 what=$2
	shift 2
	local status
	srr "$@" >"$T/w$w.out" 2>"$T/w$w.err"
	status=$?
	if [ "$status" = 0 ]; then
		echo "$what" >>"$T/w$w.changes"
	else
		printf 'worker %s: %s: exit %s: %s\n' "$w" "$(_desc srr "$@")" "$status" \
			"$(tail -n 1 "$T/w$w.err")" >>"$T/failures"
	fi
}

# Each worker owns one field of the shared suppliers.
field_of() { # worker round
	local t=(low medium high critical) c=(DE FR)
	case $1 in
	0) printf '%s\n' --name "Shared by worker 0, round $2" ;;
	1) printf '%s\n' --country "${c[$2 % 2]}" ;;
	2) printf '%s\n' --service "Service of round $2" ;;
	3) printf '%s\n' --contact "Contact $2,c$2@example.org" ;;
	4) printf '%s\n' --tier "${t[$2 % 4]}" ;;
	esac
}

worker() { # w
	local w=$1 i k risk id period f
	local actor=${APPROVER[w % 3]} uri=${URI[w % 3]}
	SOFTHSM2_CONF=$(token_copy "token-$w")
	export SOFTHSM2_CONF
	for ((i = 0; i < rounds; i++)); do
		k=$((i % 3))
		run "$w" add --actor "worker-$w" supplier add "c-$w-$i" --name "Worker $w, round $i" --tier low
		mapfile -t f < <(field_of "$w" "$i")
		run "$w" update --actor "worker-$w" supplier update "shared-$k" "${f[@]}"
		run "$w" risk --actor "worker-$w" risk add "c-$w-$i" --title "Risk of $w/$i" \
			--likelihood 2 --impact 2
		period=$((w * rounds + i))
		period=$(printf '%04d-%02d' $((2020 + period / 12)) $((period % 12 + 1)))
		run "$w" measure --actor "worker-$w" sla record "shared-$k" C-1 availability \
			--period "$period" --value 99.5
		risk=$((w * rounds + i + 1))
		run "$w" request --actor "worker-$w" approval request risk "R-$risk"
		id=$(cat "$T/w$w.out")
		case $id in
		A-[0-9]*) run "$w" sign --actor "$actor" approve "$id" --key "$uri" "${K[@]}" ;;
		esac
	done
}

: >"$T/failures"
start=$(date +%s%N)
for ((w = 0; w < workers; w++)); do
	: >"$T/w$w.changes"
	worker "$w" &
done
wait
ms=$((($(date +%s%N) - start) / 1000000))
changes=$(cat "$T"/w*.changes | wc -l)
echo "# $workers workers, $((workers * rounds * 6)) operations at once: $changes succeeded in $ms ms" >&9

is "every command succeeded" "" "$(cat "$T/failures")"
is "every change counted" $((workers * rounds * 6)) "$changes"
is "every supplier added" $((workers * rounds)) \
	"$(sqlite3 "$SRR_DB" "SELECT count(*) FROM supplier WHERE key LIKE 'c-%'")"
is "every risk added" $((workers * rounds)) \
	"$(sqlite3 "$SRR_DB" "SELECT count(*) FROM risk WHERE supplier_id IN
		(SELECT id FROM supplier WHERE key LIKE 'c-%')" 2>&1)"
is "every measurement recorded" $((workers * rounds)) \
	"$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM sla_measurement')"
is "one event per change" $((events0 + changes)) \
	"$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM event')"
is "sequence numbers unique and contiguous" "$((events0 + changes))|$((events0 + changes))|1|$((events0 + changes))" \
	"$(sqlite3 "$SRR_DB" 'SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM event')"
is "each request made in a round has its one signature" "$((workers * rounds))|0" \
	"$(sqlite3 "$SRR_DB" 'SELECT count(*), ifnull(sum(n != 1), 0) FROM
		(SELECT a.id, (SELECT count(*) FROM signature s WHERE s.approval_id = a.id) AS n
		 FROM approval a)')"
is "one checkpoint per signature" $((workers * rounds)) \
	"$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM checkpoint')"

# No lost update: each field of a shared supplier as its worker last set it.
last_round() { # k: the last round that updated shared-k
	local i
	for ((i = rounds - 1; i % 3 != $1; i--)); do :; done
	echo "$i"
}
for k in 0 1 2; do
	i=$(last_round "$k")
	t=(low medium high critical)
	country=DE
	((i % 2)) && country=FR
	ok srr --json supplier show "shared-$k"
	json_is '[.name, .country, (.services | join(";")), (.contacts | map(.name + "," + .email) | join(";")), .tier] | join("|")' \
		"Shared by worker 0, round $i|$country|Service of round $i|Contact $i,c$i@example.org|${t[i % 4]}"
done
ok srr verify
like "verify: no failures" ", 0 failures$" "$out"

# --- two approvers, one request, the same moment ------------------------------
# Both start at once (the token work comes before the register's lock);
# BEGIN IMMEDIATE puts their transactions one after the other.
next_risk=$((workers * rounds + 1))
# The next request, its id in $id.
request() {
	srr approval request risk "R-$next_risk" >"$T/.id" || _fail "approval request R-$next_risk"
	next_risk=$((next_risk + 1))
	id=$(cat "$T/.id")
}
conf_a=$(token_copy token-a)
conf_b=$(token_copy token-b)
for ((p = 0; p < pairs; p++)); do
	request
	SOFTHSM2_CONF=$conf_a srr --actor bob approve "$id" --key "$BOB_URI" "${K[@]}" \
		>/dev/null 2>"$T/b.err" &
	pa=$!
	SOFTHSM2_CONF=$conf_b srr --actor carol approve "$id" --key "$CAROL_URI" "${K[@]}" \
		>/dev/null 2>"$T/c.err" &
	pb=$!
	wait "$pa"
	ra=$?
	wait "$pb"
	rb=$?
	is "$id: bob and carol at once both sign" "0 0" "$ra $rb" ||
		_detail stderr "$(tail -n 1 "$T/b.err"; tail -n 1 "$T/c.err")"
	ok srr --json approval show "$id"
	json_is '[.status, .signed, (.signatures | length)] | map(tostring) | join("|")' "approved|2|2"
done

# The same approver twice at once: one signature, the other run refused.
for ((p = 0; p < pairs; p++)); do
	request
	SOFTHSM2_CONF=$conf_a srr --actor bob approve "$id" --key "$BOB_URI" "${K[@]}" \
		>/dev/null 2>"$T/b1.err" &
	pa=$!
	SOFTHSM2_CONF=$conf_b srr --actor bob approve "$id" --key "$BOB_URI" "${K[@]}" \
		>/dev/null 2>"$T/b2.err" &
	pb=$!
	wait "$pa"
	ra=$?
	wait "$pb"
	rb=$?
	if [ "$ra" = 0 ]; then
		loser=$T/b2.err
	else
		loser=$T/b1.err
	fi
	is "$id: bob twice at once: one signs, one is refused" "0 3" \
		"$(printf '%s\n' "$ra" "$rb" | sort -n | tr '\n' ' ' | sed 's/ $//')"
	like "$id: the refusal says why" "^srr approve: $id: Bob Approver has signed it already$" \
		"$(tail -n 1 "$loser")"
	ok srr --json approval show "$id"
	json_is '[.status, .signed, (.signatures | length)] | map(tostring) | join("|")' "pending|1|1"
done
ok srr verify
like "verify after the pairs: no failures" ", 0 failures$" "$out"
is "sequence numbers still unique and contiguous" 1 \
	"$(sqlite3 "$SRR_DB" 'SELECT count(*) = count(DISTINCT seq) AND min(seq) = 1 AND max(seq) = count(*) FROM event')"

finish
