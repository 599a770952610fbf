#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr approval request|list|show|export|reject, srr approve and srr verify on
# a real SoftHSM2 token (tests/token-fixture.sh): the risk acceptance flow
# with a quorum of two, signatures that plain openssl verifies, every refusal
# (certificates, keys, PINs, token URIs, request states) changing nothing,
# the PIN asked for on a real terminal with echo off, tampering that verify
# finds, rejections, and review, treatment and policy approvals.
# Skipped (exit 77) when softhsm2, gnutls-bin or openssl is missing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture
for _tool in script setsid; do
	command -v "$_tool" >/dev/null 2>&1 || _fail "$_tool (util-linux) is not installed"
done

later=$(date -u -d '+100 days' +%F)
today=$(date -u +%F)

# --- the policy: the fixture's CA and approvers, certificates next to it -----
P=$T/pol
mkdir "$P"
cp "$CERT" "$P/alice.pem"
cp "$BOB_CERT" "$P/bob.pem"
cp "$CAROL_CERT" "$P/carol.pem"
cp "$BADKU_CERT" "$P/badku.pem"
cp "$BADEKU_CERT" "$P/badeku.pem"
cp "$EXPIRED_CERT" "$P/expired.pem"
cp "$UNKNOWN_CERT" "$P/unknownca.pem"
signing_policy "$P" 'Approval test policy' <<'EOF'
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management]}
  - {name: Bob Approver, cert: bob.pem, actors: [bob], roles: [management, board]}
  - {name: Carol Approver, cert: carol.pem, actors: [carol], roles: [management]}
  - {name: Kim Key-Agreement, cert: badku.pem, actors: [kim], roles: [management]}
  - {name: Sam Server, cert: badeku.pem, actors: [sam], roles: [management]}
  - {name: Ed Expired, cert: expired.pem, actors: [ed], roles: [management]}
  - {name: Olga Other-CA, cert: unknownca.pem, actors: [olga], roles: [management]}
approval_rules:
  - {subject: risk, residual: [low, medium], roles: [management], quorum: 1}
  - {subject: risk, residual: [high], roles: [management], quorum: 2}
  - {subject: risk, residual: [critical], roles: [board], quorum: 2}
  - {subject: treatment, roles: [management], quorum: 1}
  - {subject: review, roles: [management], quorum: 1}
  - {subject: policy, roles: [board], quorum: 1}
EOF

# PIN files: the right one, a wrong one, one readable by everyone, one
# whose first line is empty.
printf '%s\n' "$PIN" >"$T/pin"
printf '9999\n' >"$T/wrong-pin"
printf '%s\n' "$PIN" >"$T/open-pin"
printf '\n%s\n' "$PIN" >"$T/empty-pin"
chmod 600 "$T/pin" "$T/wrong-pin" "$T/empty-pin"
chmod 644 "$T/open-pin"

# The PIN the person typed must not show: the prompt line ends at the
# prompt, and no line is the PIN.
pin_not_shown() {
	printf '%s\n' "$out" | grep -Eq "PIN for token 'srr-test': $" &&
		! printf '%s\n' "$out" | grep -q "PIN for token.*$PIN" &&
		! printf '%s\n' "$out" | grep -Eqx " *$PIN *"
}

# openssl cms -verify P7S CONTENT CA: plain OpenSSL checks a detached signature.
cms_verify() {
	openssl cms -verify -binary -inform DER -in "$1" -content "$2" -CAfile "$3" \
		-no-CApath -out /dev/null >"$T/.openssl" 2>&1
}
cms_refuses() {
	! cms_verify "$@"
}

# A directory's file names, modes and contents, for before/after compares.
dir_state() {
	(cd "$1" && for f in *; do printf '%s %s %s\n' "$f" "$(stat -c %a "$f")" "$(sha256sum <"$f")"; done)
}

ok srr init --policy "$P/policy.yaml"
ok srr supplier add acme --name "Acme Cloud" --tier critical
ok srr risk add acme --title "Single-region hosting" --likelihood 3 --impact 4
ok srr risk add acme --title "Firmware update lag" --likelihood 3 --impact 3
ok srr risk add acme --title "Custodian turnover" --likelihood 4 --impact 4
ok srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification "No alternative provider before 2027" --until "$later"
is "above tolerance: pending" "Treated R-1: accept, residual high, acceptance pending approval" "$out"

# --- request and list ------------------------------------------------------------
ok srr --actor carol approval request risk R-1
is "request prints the id alone" A-1 "$out"
ok srr approval list
is "list: one pending request" "ID   SUBJECT          TARGET  STATUS   SIGNED  REQUESTER
A-1  risk acceptance  R-1     pending  0 of 2  carol" "$out"
ok srr --json approval list
json_is '.approvals | length' 1
json_is '.approvals[0] | [.id, .subject, .target, .status, .requester, .level, .quorum, .signed] | map(tostring) | join("|")' \
	"1|risk|risk/1|pending|carol|high|2|0"
json_is '.approvals[0] | has("record")' false
ok srr --json approval show A-1
json_is '[.status, .quorum, .signed, (.signatures | length), (.roles | join(","))] | map(tostring) | join("|")' \
	"pending|2|0|0|management"
json_is '.record | split("\n")[0]' "srr-record/1 acceptance"
json_is '.record | split("\n") | map(select(startswith("justification "))) | .[0]' \
	"justification No alternative provider before 2027"
json_is '.record_sha256 | test("^[0-9a-f]{64}$")' true
record_sha=$(printf '%s' "$out" | jq -r .record_sha256)
is "record_sha256 is the SHA-256 of the record" "$record_sha" \
	"$(printf '%s' "$out" | jq -j .record | sha256sum | cut -d' ' -f1)"
ok srr approval show a-1
like "show: status" '^  status: +pending$' "$out"
like "show: needs" '^  needs: +2 distinct approvers with role management; 0 so far$' "$out"
like "show: missing" '^  missing: +2 more signatures$' "$out"
like "show: record" '^    justification: No alternative provider before 2027$' "$out"
ok srr --json risk show R-1
json_is .acceptance pending

# --- refused requests ---------------------------------------------------------------
# (unchanged compares the whole register, its event log included: a refusal
# logs nothing.)
snapshot
fails 3 "^srr approval request: risk R-2 is not treated by acceptance \(treatment: none yet\): nothing to approve$" \
	srr approval request risk R-2
fails 3 "^srr approval request: risk R-2 has no treatment plan: nothing to approve$" \
	srr approval request treatment R-2
fails 3 "^srr approval request: approval A-1 already asks for the acceptance of risk R-1 \(pending\)$" \
	srr approval request risk R-1
fails 3 "^srr approval request: supplier 'acme' has no review to sign off$" \
	srr approval request review acme
usage_fails "^srr approval request: 'contract': the subject is risk, treatment, review or policy" \
	srr approval request contract C-1
usage_fails "^srr approval request: 'policy' takes no target" srr approval request policy v1
usage_fails "^srr approval request: 'risk' needs a RISK" srr approval request risk
unchanged

# Under the built-in default policy there is no policy to approve.
D=$T/default.db
ok srr --db "$D" init
snapshot "$D"
fails 3 "^srr approval request: the built-in default policy cannot be approved: set your own with 'srr policy set FILE'$" \
	srr --db "$D" approval request policy
unchanged "$D"

# --- refused signatures: certificates, keys, PINs, URIs ------------------------------
K=(--module "$MODULE" --pin-file "$T/pin")
snapshot
approve_fails 3 "^srr approve: A-1: requester \(CN=Carol Approver\): Carol Approver asked for this approval and cannot approve it$" \
	srr --actor carol approve A-1 --key "$CAROL_URI" "${K[@]}"
approve_fails 3 "^srr approve: A-1: usage \(CN=Kim Key-Agreement\): .*digitalSignature" \
	srr --actor kim approve A-1 --key "$BADKU_URI" "${K[@]}"
approve_fails 3 "^srr approve: A-1: usage \(CN=Sam Server\): .*emailProtection" \
	srr --actor sam approve A-1 --key "$BADEKU_URI" "${K[@]}"
approve_fails 3 "^srr approve: A-1: validity \(CN=Ed Expired\): certificate had expired .*2021-01-01" \
	srr --actor ed approve A-1 --key "$EXPIRED_URI" "${K[@]}"
approve_fails 3 "^srr approve: A-1: chain \(CN=Olga Other-CA\): certificate is not issued by a trust anchor$" \
	srr --actor olga approve A-1 --key "$UNKNOWN_URI" "${K[@]}"
approve_fails 3 "^srr approve: A-1: approver \(CN=Rita RSA Approver\): the signer certificate is not an approver's in policy version 1$" \
	srr --actor rita approve A-1 --key "$RSA_URI" "${K[@]}"
approve_fails 3 "^srr approve: key pkcs11:token=srr-test;object=nocert;type=private has no certificate on token 'srr-test'" \
	srr approve A-1 --key "$NOCERT_URI" "${K[@]}"
# PINs: a wrong one is reported as such and not retried.
approve_fails 3 "^srr approve: token 'srr-test': wrong PIN \(not retried" \
	srr approve A-1 --key "$BOB_URI" --module "$MODULE" --pin-file "$T/wrong-pin"
approve_fails 3 "^srr approve: --pin-file $T/no-such-pin: No such file or directory$" \
	srr approve A-1 --key "$BOB_URI" --module "$MODULE" --pin-file "$T/no-such-pin"
approve_fails 3 "^srr approve: --pin-file $T/open-pin: .*\(mode 0644\): chmod 600 it$" \
	srr approve A-1 --key "$BOB_URI" --module "$MODULE" --pin-file "$T/open-pin"
approve_fails 3 "^srr approve: --pin-file $T/empty-pin: the first line is empty$" \
	srr approve A-1 --key "$BOB_URI" --module "$MODULE" --pin-file "$T/empty-pin"
# Key URIs and modules.
approve_fails 3 "^srr approve: key URI pkcs11:token=srr-test;type=private names no key: add object=LABEL or id=ID$" \
	srr approve A-1 --key "pkcs11:token=srr-test;type=private" "${K[@]}"
approve_fails 3 "^srr approve: key URI carries a PIN \(pin-value or pin-source\): refused" \
	srr approve A-1 --key "$BOB_URI;pin-value=$PIN" "${K[@]}"
approve_fails 3 "^srr approve: no PKCS#11 token matches pkcs11:token=nope;object=bob;type=private \(found: .*'srr-test'" \
	srr approve A-1 --key "pkcs11:token=nope;object=bob;type=private" "${K[@]}"
approve_fails 3 "^srr approve: cannot load PKCS#11 module $T/no-such-module\.so: No such file or directory$" \
	srr approve A-1 --key "$BOB_URI" --module "$T/no-such-module.so" --pin-file "$T/pin"
# No terminal and no --pin-file: nobody to ask, an error rather than a read of stdin.
approve_fails 3 "^srr approve: no terminal to ask for the PIN of token 'srr-test' on: use --pin-file FILE$" \
	no_tty approve A-1 --key "$BOB_URI" --module "$MODULE"
# Ids and usage.
fails 3 "^srr approve: no approval A-99$" srr approve A-99 --key "$BOB_URI" "${K[@]}"
fails 3 "^srr approve: 'X-1' is not an approval id \(A-n\)$" srr approve X-1 --key "$BOB_URI" "${K[@]}"
usage_fails "^srr approve: missing --key" srr approve A-1 --module "$MODULE" --pin-file "$T/pin"
unchanged

# --- the first signature: the signer sees the record, on stderr, first -------------
ok srr --actor alice approve A-1 --key "$KEY_URI" "${K[@]}"
is "approve: signed, one of two" "Signed A-1: pending (1 of 2)" "$(head -n 1 <<<"$out")"
like "approve: and a checkpoint covering it" "^Signed checkpoint C-[0-9]+: [0-9]+ events$" "$(tail -n 1 <<<"$out")"
is "approve shows what is signed first" "You are about to sign:" "$(printf '%s\n' "$err" | head -n 1)"
like "the preview names the request" '^Approval A-1: risk acceptance of R-1$' "$err"
like "the preview shows the record" '^    justification: No alternative provider before 2027$' "$err"
like "the preview shows the hash" "^  sha256: +$record_sha$" "$err"
ok srr --json approval show A-1
json_is '[.status, .signed, .quorum] | map(tostring) | join("|")' "pending|1|2"
json_is '.signatures[0] | [.approver, .certificate, .actor, .counts] | map(tostring) | join("|")' \
	"Alice Approver|CN=Alice Approver|alice|true"
json_is '.signatures[0].signed | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' true
ok srr --json risk show R-1
json_is .acceptance pending
ok srr verify
is "verify: pending is no failure" "A-1: pending: 1 of 2 signatures so far" "$(grep '^A-' <<<"$out")"
like "verify: pending: the summary" "^OK: [0-9]+ events .*, 1 approval \(0 approved, 1 pending, 0 stale, 0 rejected\), 1 signature, 0 failures$" "$(tail -n 1 <<<"$out")"

# The same person again counts once: refused.
snapshot
approve_fails 3 "^srr approve: A-1: Alice Approver has signed it already$" \
	srr --actor alice approve A-1 --key "$KEY_URI" "${K[@]}"
unchanged

# --- the second: approved, the acceptance counts ----------------------------------------
ok srr --json --actor bob approve A-1 --key "$BOB_URI" "${K[@]}"
json_is '[.approval, .status, .signed, .quorum] | map(tostring) | join("|")' "1|approved|2|2"
ok srr --json approval show A-1
json_is '[.status, .signed, ([.signatures[].approver] | join(","))] | map(tostring) | join("|")' \
	"approved|2|Alice Approver,Bob Approver"
ok srr risk list
like "risk list: accepted once approved" '^R-1 +acme +high +accept +high +accepted +Single-region hosting$' "$out"
ok srr approval list
like "list: approved, 2 of 2" '^A-1 +risk acceptance +R-1 +approved +2 of 2 +carol$' "$out"
ok srr verify
like "verify: OK" "^OK: [0-9]+ events .*, 1 approval \(1 approved, 0 pending, 0 stale, 0 rejected\), 2 signatures, 0 failures$" "$(tail -n 1 <<<"$out")"
ok srr --json verify --threads 2
json_is '[.ok, .approvals, .signatures, .approved, .failures, ([.findings[] | select(.check != "clock")] | length)] | map(tostring) | join("|")' \
	"true|1|2|1|0|0"
snapshot
fails 3 "^srr approve: A-1 is approved already$" srr --actor carol approve A-1 --key "$CAROL_URI" "${K[@]}"
fails 3 "^srr approval reject: A-1 is approved: only a pending request can be rejected$" \
	srr approval reject A-1 --reason late
fails 3 "^srr verify: --threads '0': must be a number from 1 to 64$" srr verify --threads 0
fails 3 "^srr verify: trust anchors: cannot read $T/nothere\.pem$" srr verify --trust "$T/nothere.pem"
# With --json, a verify that could not run must not print a document
# saying "ok": false as if it had (scripts read stdout or the exit status).
fails 3 "^srr verify: trust anchors: cannot read $T/nothere\.pem$" srr --json verify --trust "$T/nothere.pem"
unchanged

# --- export: what plain openssl verifies -------------------------------------------------
X=$T/export
ok srr approval export A-1 "$X"
is "export says where" "Exported A-1 to $X" "$out"
for f in A-1.rec A-1-1.p7s A-1-1.pem A-1-2.p7s A-1-2.pem; do
	check "export writes $f" test -s "$X/$f"
done
like "export writes only A-1's files" '^(A-1[-.][^ ]* ?)+$' "$(cd "$X" && echo *)"
ok srr --json approval show A-1
check "A-1.rec is the record, byte for byte" cmp -s "$X/A-1.rec" <(printf '%s' "$out" | jq -j .record)
check "openssl cms -verify: signature 1 with ca.pem" cms_verify "$X/A-1-1.p7s" "$X/A-1.rec" "$P/ca.pem"
check "openssl cms -verify: signature 2 with ca.pem" cms_verify "$X/A-1-2.p7s" "$X/A-1.rec" "$P/ca.pem"
check "openssl cms -verify fails with another CA" cms_refuses "$X/A-1-1.p7s" "$X/A-1.rec" "$OTHER_CA"
sed 's/2027/2028/' "$X/A-1.rec" >"$T/changed.rec"
check "openssl cms -verify fails over other bytes" cms_refuses "$X/A-1-1.p7s" "$T/changed.rec" "$P/ca.pem"
like "A-1-1.pem starts with Alice's certificate" "CN ?= ?Alice Approver" \
	"$(openssl x509 -in "$X/A-1-1.pem" -noout -subject 2>&1)"
like "A-1-1.pem holds the issuing CA" "srr test CA" \
	"$(openssl crl2pkcs7 -nocrl -certfile "$X/A-1-1.pem" | openssl pkcs7 -print_certs -noout 2>&1)"
dir_state "$X" >"$T/export.before"
snapshot
fails 3 "^srr approval export: $X/A-1\.rec: File exists$" srr approval export A-1 "$X"
check "a refused export changes no file" cmp -s "$T/export.before" <(dir_state "$X")
fails 3 "^srr approval export: no approval A-9$" srr approval export A-9 "$T/export9"
check "export of no approval makes no directory" test ! -e "$T/export9"
unchanged

# --- verify finds tampering (on copies) --------------------------------------------------
_run srr verify --trust "$OTHER_CA"
is "verify --trust another CA: exit 1" 1 "$rc"
like "--trust: signature 1 fails its chain" '^A-1 signature 1 \(Alice Approver\): chain: ' "$out"
like "--trust: signature 2 fails its chain" '^A-1 signature 2 \(Bob Approver\): chain: ' "$out"
like "--trust: summary" '^FAILED: [0-9]+ events .*, 1 approval \(1 approved, 0 pending, 0 stale, 0 rejected\), 2 signatures, [0-9]+ failures$' \
	"$(printf '%s\n' "$out" | tail -n 1)"

cp "$SRR_DB" "$T/stale.db"
sqlite3 "$T/stale.db" "UPDATE risk SET title = 'Single-region hosting (edited)' WHERE id = 1"
_run srr --db "$T/stale.db" verify
is "verify after a changed risk: exit 1" 1 "$rc"
like "verify names the stale approval" '^A-1: stale: the acceptance of risk R-1 changed since the request' "$out"
like "verify: the risk row changed without an event" '^state: risk/1: its rows differ from what its last event' "$out"
like "verify: FAILED summary" '^FAILED: [0-9]+ events .*, 1 approval \(0 approved, 0 pending, 1 stale, 0 rejected\), 2 signatures, 2 failures$' \
	"$(printf '%s\n' "$out" | tail -n 1)"
_run srr --db "$T/stale.db" --json verify
is "--json verify: exit 1" 1 "$rc"
json_is .ok false
json_is '[.findings[] | select(.check != "clock") | "\(.approval):\(.check):\(.failure)"] | join(",")' "0:state:true,1:stale:true"
ok srr --db "$T/stale.db" --json approval show A-1
json_is '[.status, .stale_because] | join("|")' "stale|the acceptance of risk R-1 changed since the request"
ok srr --db "$T/stale.db" --json risk show R-1
json_is .acceptance pending

cp "$SRR_DB" "$T/record.db"
sqlite3 "$T/record.db" "UPDATE approval SET record = CAST(replace(CAST(record AS TEXT), 'provider', 'provideR') AS BLOB) WHERE id = 1"
is "the tampered record is still a BLOB" blob "$(sqlite3 "$T/record.db" 'SELECT typeof(record) FROM approval WHERE id = 1')"
_run srr --db "$T/record.db" verify
is "verify after a changed record: exit 1" 1 "$rc"
like "signature 1 fails over the changed bytes" '^A-1 signature 1 \(Alice Approver\): signature: ' "$out"
like "signature 2 fails over the changed bytes" '^A-1 signature 2 \(Bob Approver\): signature: ' "$out"
like "the record's hash no longer matches" '^A-1: record: ' "$out"
like "summary" '^FAILED: ' "$(printf '%s\n' "$out" | tail -n 1)"

# --- a stale request cannot be signed; a new one can be asked for ---------------------
ok srr risk treat R-3 --treatment accept --residual-likelihood 4 --residual-impact 4 \
	--justification "Cross-training under way" --until "$later"
ok srr --actor dave approval request risk R-3
is "request for R-3" A-2 "$out"
ok srr risk treat R-3 --treatment accept --residual-likelihood 4 --residual-impact 4 \
	--justification "Cross-training done in Q1" --until "$later"
ok srr --json approval show A-2
json_is .status stale
snapshot
fails 3 "^srr approve: A-2 is stale: the acceptance of risk R-3 changed since the request$" \
	srr --actor alice approve A-2 --key "$KEY_URI" "${K[@]}"
fails 3 "^srr approval reject: A-2 is stale: only a pending request can be rejected$" \
	srr approval reject A-2 --reason old
unchanged
ok srr --actor dave approval request risk R-3
is "a new request for the changed risk" A-3 "$out"

# --- reject: unsigned and signed ---------------------------------------------------------
ok srr risk treat R-2 --treatment mitigate --residual-likelihood 2 --residual-impact 2 \
	--action "Patch within 14 days,carol,$later"
ok srr approval request treatment R-2
is "treatment request" A-4 "$out"
snapshot
usage_fails "^srr approval reject: missing --reason" srr approval reject A-4
usage_fails "^srr approval reject: --module and --pin-file need --key" \
	srr approval reject A-4 --reason x --module "$MODULE"
fails 3 "^srr approval reject: rejecting needs a reason$" srr approval reject A-4 --reason ''
fails 3 "^srr approval reject: A-4: approver \(CN=Rita RSA Approver\): the signer certificate is not an approver's" \
	srr approval reject A-4 --reason x --key "$RSA_URI" "${K[@]}"
unchanged
ok srr approval reject A-4 --reason "too risky"
is "reject says which" "Rejected A-4" "$out"
ok srr --json approval show A-4
json_is '[.status, .rejected_by, .reason, .rejection_signed] | map(tostring) | join("|")' \
	"rejected|tester|too risky|false"
snapshot
fails 3 "^srr approve: A-4 is rejected already$" srr --actor carol approve A-4 --key "$CAROL_URI" "${K[@]}"
fails 3 "^srr approval reject: A-4 is rejected: only a pending request can be rejected$" \
	srr approval reject A-4 --reason again
unchanged

ok srr approval request treatment R-2
is "after a rejection the plan can be asked for again" A-5 "$out"
ok srr --json --actor bob approval reject A-5 --reason "Plan lacks dates" --key "$BOB_URI" "${K[@]}"
json_is .approval 5
ok srr --json approval show A-5
json_is '[.status, .rejected_by, .reason, .rejection_signed] | map(tostring) | join("|")' \
	"rejected|bob|Plan lacks dates|true"
ok srr approval show A-5
like "show: signed rejection" '^  rejected: +[0-9T:Z-]+ by bob \(signed\): Plan lacks dates$' "$out"
ok srr approval export A-5 "$T/export5"
for f in A-5.rec A-5-rejection.rec A-5-rejection.p7s A-5-rejection.pem; do
	check "export of a signed refusal writes $f" test -s "$T/export5/$f"
done
check "openssl cms -verify: the signed refusal" \
	cms_verify "$T/export5/A-5-rejection.p7s" "$T/export5/A-5-rejection.rec" "$P/ca.pem"

# --- treatment plan of a mitigated risk: quorum 1 ---------------------------------------
ok srr approval request treatment R-2
is "third treatment request" A-6 "$out"
ok srr --actor carol approve A-6 --key "$CAROL_URI" "${K[@]}"
is "treatment plan approved" "Signed A-6: approved (1 of 1)" "$(head -n 1 <<<"$out")"
like "the preview shows the actions" '^    action: Patch within 14 days$' "$err"

# --- review sign-off, the PIN typed on a real terminal ----------------------------------
ok srr review record acme --date "$today" --outcome pass
ok srr approval request review acme
is "review request" A-7 "$out"
ok srr --json approval show A-7
json_is '[.subject, .target, .status, .quorum] | map(tostring) | join("|")' "review|review/1|pending|1"

snapshot
on_tty 9999 approve A-7 --key "$KEY_URI" --module "$MODULE"
is "a wrong PIN typed: exit 3" 3 "$rc"
like "a wrong PIN typed: said so" "^srr approve: token 'srr-test': wrong PIN \(not retried" "$out"
is "a wrong PIN typed: asked once" 1 "$(printf '%s\n' "$out" | grep -c 'PIN for token')"
check "a wrong PIN typed: not shown" pin_not_shown
unchanged

on_tty "$PIN" approve A-7 --key "$KEY_URI" --module "$MODULE"
is "the PIN typed on a terminal: exit 0" 0 "$rc"
like "signed on a terminal" "^Signed A-7: approved \(1 of 1\)$" "$out"
is "asked once" 1 "$(printf '%s\n' "$out" | grep -c 'PIN for token')"
check "the PIN typed is not shown (echo off)" pin_not_shown
preview=$(printf '%s\n' "$out" | grep -n '^You are about to sign:$' | cut -d: -f1)
prompt=$(printf '%s\n' "$out" | grep -n 'PIN for token' | cut -d: -f1)
check "the record shows before the PIN prompt" test "${preview:-0}" -gt 0 -a "${preview:-0}" -lt "${prompt:-0}"
like "the preview shows the review" '^    outcome: pass$' "$out"
if [ "$rc" != 0 ]; then
	_detail "terminal" "$out"
fi

# --- policy approval: board, quorum 1 ---------------------------------------------------
ok srr approval request policy
is "policy request" A-8 "$out"
snapshot
approve_fails 3 "^srr approve: A-8: role \(CN=Alice Approver\): Alice Approver holds no role this approval needs$" \
	srr --actor alice approve A-8 --key "$KEY_URI" "${K[@]}"
unchanged
# Without --module: p11-kit's registered modules (SoftHSM2 registers itself).
if [ -e /usr/share/p11-kit/modules/softhsm2.module ]; then
	ok srr --actor bob approve A-8 --key "$BOB_URI" --pin-file "$T/pin"
else
	echo "# softhsm2 is not registered with p11-kit: approving A-8 with --module" >&9
	ok srr --actor bob approve A-8 --key "$BOB_URI" "${K[@]}"
fi
is "policy approved by the board" "Signed A-8: approved (1 of 1)" "$(head -n 1 <<<"$out")"

# --- everything together -------------------------------------------------------------------
ok srr --json approval list
json_is '[.approvals[] | "A-\(.id):\(.subject):\(.status)"] | join(" ")' \
	"A-1:risk:approved A-2:risk:stale A-3:risk:pending A-4:treatment:rejected A-5:treatment:rejected A-6:treatment:approved A-7:review:approved A-8:policy:approved"
ok srr verify
is "verify: a superseded stale request is history, a pending one information" "A-3: pending: 0 of 2 signatures so far" "$(grep '^A-' <<<"$out")"
like "verify: the summary" "^OK: [0-9]+ events .* 8 approvals \(4 approved, 1 pending, 1 stale, 2 rejected\), 5 signatures, 0 failures$" "$(tail -n 1 <<<"$out")"
ok srr --json log
json_is '[.events[] | select(.entity | startswith("approval/")) | .action] | group_by(.) | map("\(.[0])=\(length)") | join(",")' \
	"approval.reject=2,approval.request=8,approval.sign=5"

finish
