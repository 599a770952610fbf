#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr approve, verify, approval export, export --bundle, verify-bundle and
# checkpoint on a second, independent PKCS#11 implementation that locks
# its PIN as a smartcard does: tpm2-pkcs11 over a software TPM of the
# test's own (tests/tpm-fixture.sh). Each srr approve with a wrong PIN
# costs the TPM exactly one try (its lockout counter moves by one); the
# try that reaches the limit locks the PIN; a locked PIN has its own
# message and refuses even the right PIN, until the lockout is cleared.
# Every refusal exits 3 and changes nothing.
# Skipped (exit 77) when swtpm, tpm2-tools, tpm2-pkcs11, opensc,
# gnutls-bin or openssl is missing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture "${SRR_TPM_FIXTURE:-$(dirname "$0")/../tpm-fixture.sh}"
# Under ASan: tpm2-pkcs11's own leak (see tests/lsan.supp).
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$(dirname "$0")/.." && pwd)/lsan.supp"
export LSAN_OPTIONS
# The fixture's swtpm runs in the background: stopped however this ends.
_stop_tpm() {
	local status=$?
	kill "$SWTPM_PID" 2>/dev/null
	(exit "$status")
	_on_exit
}
trap _stop_tpm EXIT

# The TPM's dictionary-attack lockout counter, and whether it is locked out.
lockouts() {
	local v
	v=$(tpm2_getcap properties-variable | awk '$1 == "TPM2_PT_LOCKOUT_COUNTER:" { print $2 }')
	# printf '%d' "" would say 0.
	if [ -n "$v" ]; then printf '%d' "$v"; else echo unreadable; fi
}
in_lockout() {
	tpm2_getcap properties-variable | awk '$1 == "inLockout:" { print $2 }'
}

# srr with the TPM stack's own logging on, as a user sees it by default.
noisy() {
	(
		unset TSS2_LOG
		srr "$@"
	)
}

# srr, less the lines tpm2-pkcs11 itself prints on stderr ("ERROR: ..."
# for a wrong or locked PIN, even at its quietest log level); srr's own
# lines start "srr COMMAND:". The module's lines are kept in
# $T/module.log.
tpm_srr() {
	local status
	srr "$@" 2>"$T/.tpm-err"
	status=$?
	grep -E '^(ERROR|WARNING):' "$T/.tpm-err" >>"$T/module.log"
	grep -Ev '^(ERROR|WARNING):' "$T/.tpm-err" >&2
	return "$status"
}

cms_verify() {
	openssl cms -verify -binary -inform DER -in "$1" -content "$2" -CAfile "$3" \
		-no-CApath -out /dev/null >"$T/.openssl" 2>&1
}
cms_refuses() {
	! cms_verify "$@"
}

WRONG="^srr approve: token 'srr-tpm': wrong PIN \(not retried: tokens lock after a few wrong PINs\)$"
LOCKED="^srr approve: token 'srr-tpm': PIN is locked after too many wrong PINs: it must be unlocked before it signs again$"

later=$(date -u -d '+100 days' +%F)

P=$T/pol
mkdir "$P"
cp "$CERT" "$P/tess.pem"
signing_policy "$P" 'TPM test policy' <<'EOF'
approvers:
  - {name: Tess TPM Approver, cert: tess.pem, actors: [tess], roles: [management]}
approval_rules:
  - {subject: risk, residual: [low, medium, high, critical], roles: [management], quorum: 1}
  - {subject: review, roles: [management], quorum: 1}
EOF
printf '%s\n' "$PIN" >"$T/pin"
printf '9999\n' >"$T/wrong-pin"
chmod 600 "$T/pin" "$T/wrong-pin"
K=(--key "$KEY_URI" --module "$MODULE")

ok srr init --policy "$P/policy.yaml"
ok srr supplier add acme --name "Acme Cloud" --tier critical
ok srr risk add acme --title "Single-region hosting" --likelihood 3 --impact 4
ok srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification "No alternative provider before 2027" --until "$later"
ok srr --actor carol approval request risk R-1
is "request" A-1 "$out"
is "the fixture leaves the lockout counter at 0" 0 "$(lockouts)"

# --- wrong PINs: one try each, never retried, nothing changed ------------------
snapshot
# As a user sees it: the TPM stack's ERROR:/WARNING: lines, then srr's one.
_run noisy --actor tess approve A-1 "${K[@]}" --pin-file "$T/wrong-pin"
is "wrong PIN: exit 3" 3 "$rc"
like "wrong PIN: srr's message is the last line" "$WRONG" "$(tail -n 1 "$T/.err")"
like "before it, the TPM stack's own lines" '^(ERROR|WARNING):' "$(after_preview "$T/.err" | head -n 1)"
is "and nothing else" "" "$(after_preview "$T/.err" | head -n -1 | grep -Ev '^(ERROR|WARNING)')"
is "one srr approve with a wrong PIN: the lockout counter moved by one" 1 "$(lockouts)"
# From here TSS2_LOG (from the fixture) quiets the TSS libraries and
# tpm_srr leaves out the module's own lines: srr's line alone.
approve_fails 3 "$WRONG" tpm_srr --actor tess approve A-1 "${K[@]}" --pin-file "$T/wrong-pin"
is "a second wrong PIN: moved by one more" 2 "$(lockouts)"
is "not locked out yet" 0 "$(in_lockout)"
# srr checkpoint takes one try too.
fails 3 "^srr checkpoint: token 'srr-tpm': wrong PIN \(not retried" \
	tpm_srr checkpoint --key "$KEY_URI" --module "$MODULE" --pin-file "$T/wrong-pin"
is "srr checkpoint with a wrong PIN: moved by one" 3 "$(lockouts)"
is "the try that reaches the limit locks the TPM out" 1 "$(in_lockout)"
unchanged

# --- locked: its own message; no try counted; even the right PIN refused ------
approve_fails 3 "$LOCKED" tpm_srr --actor tess approve A-1 "${K[@]}" --pin-file "$T/wrong-pin"
is "locked: a wrong PIN moves nothing" 3 "$(lockouts)"
approve_fails 3 "$LOCKED" tpm_srr --actor tess approve A-1 "${K[@]}" --pin-file "$T/pin"
is "locked: the right PIN moves nothing" 3 "$(lockouts)"
fails 3 "^srr checkpoint: token 'srr-tpm': PIN is locked after too many wrong PINs" \
	tpm_srr checkpoint --key "$KEY_URI" --module "$MODULE" --pin-file "$T/pin"
unchanged
ok srr --json approval show A-1
json_is '[.status, .signed] | map(tostring) | join("|")' "pending|0"

# --- unlocked: the right PIN signs; the whole flow on this module --------------
check "tpm2_dictionarylockout --clear-lockout" tpm2_dictionarylockout --clear-lockout
is "cleared" "0 0" "$(lockouts) $(in_lockout)"
ok srr --actor tess approve A-1 "${K[@]}" --pin-file "$T/pin"
is "approve: signed" "Signed A-1: approved (1 of 1)" "$(head -n 1 <<<"$out")"
like "approve: and a checkpoint covering it" "^Signed checkpoint C-[0-9]+: [0-9]+ events" "$(tail -n 1 <<<"$out")"
is "the right PIN moves nothing" 0 "$(lockouts)"
ok srr --json approval show A-1
json_is '[.status, .signed, .signatures[0].approver, .signatures[0].certificate, .signatures[0].actor] | map(tostring) | join("|")' \
	"approved|1|Tess TPM Approver|CN=Tess TPM Approver|tess"
ok srr --json risk show R-1
json_is .acceptance accepted
ok srr verify --trust "$P/ca.pem"
like "verify --trust ca.pem: OK" "^OK: [0-9]+ events .*, 1 approval \(1 approved, 0 pending, 0 stale, 0 rejected\), 1 signature, 0 failures$" \
	"$(tail -n 1 <<<"$out")"

# Plain OpenSSL checks the TPM's signature, and not over other bytes.
ok srr approval export A-1 "$T/export"
check "openssl cms -verify: the TPM signature with ca.pem" \
	cms_verify "$T/export/A-1-1.p7s" "$T/export/A-1.rec" "$P/ca.pem"
sed 's/2027/2028/' "$T/export/A-1.rec" >"$T/changed.rec"
check "openssl cms -verify fails over other bytes" \
	cms_refuses "$T/export/A-1-1.p7s" "$T/changed.rec" "$P/ca.pem"

# srr checkpoint --key on the TPM token; then a bundle an auditor checks.
ok srr supplier add beta --name "Beta" --tier low
ok srr checkpoint --key "$KEY_URI" --module "$MODULE" --pin-file "$T/pin"
like "checkpoint on the TPM token" "^Signed checkpoint C-2: $(events) events, root " "$out"
ok srr export --bundle "$T/bundle"
like "bundle exported" "^Exported a full bundle to $T/bundle: " "$out"
ok srr verify-bundle "$T/bundle" --trust "$P/ca.pem"
like "verify-bundle: OK, both checkpoints" "^OK: [0-9]+ files, 2 checkpoints, .*1 approvals?, 1 signatures?, .*0 failures$" "$(tail -n 1 <<<"$out")"
is "no try lost in the whole flow" 0 "$(lockouts)"

finish
