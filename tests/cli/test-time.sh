#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2317 # functions run via ok/fails
# Signatures against time, on a real SoftHSM2 token: a certificate that
# expires after it signed still verifies (srr verify, srr verify-bundle);
# once expired it signs nothing more; a certificate revoked by a CRL the
# policy names stops counting from its revocation time: what it signed
# before stays good, what it signed at or after is refused by approve,
# checkpoint, verify and verify-bundle. Policies naming a CRL that is not a
# CRL, not from a trust anchor, or twice are refused and change nothing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture

utc() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
# Sleep until the clock's whole second is past $1 (epoch seconds).
wait_past() { while [ "$(date -u +%s)" -le "$1" ]; do sleep 0.2; done; }

P=$T/pol
mkdir "$P"
printf '%s\n' "$PIN" >"$T/pin"
chmod 600 "$T/pin"
K=(--module "$MODULE" --pin-file "$T/pin")
token="pkcs11:token=$TOKEN"

# Dora's certificate lives a few seconds: it signs one approval while
# valid, then expires. Her key is new on the fixture's token; the policy
# names her by public key, so her certificate is issued just before she
# signs (a slow run, under valgrind, gets a longer life).
p11tool --provider "$MODULE" --login --set-pin="$PIN" --generate-privkey=ecdsa \
	--curve=secp256r1 --label=dora --id=0a "$token" >/dev/null 2>&1 ||
	_fail "cannot make Dora's key"
DORA_URI="$token;object=dora;type=private"
p11tool --provider "$MODULE" --login --set-pin="$PIN" --export-pubkey --outfile "$T/dora.pub" "$DORA_URI" \
	>/dev/null 2>&1 || _fail "cannot read Dora's public key"
dora_spki=$(openssl pkey -pubin -in "$T/dora.pub" -outform DER | sha256sum | cut -c1-64)
dora_cert() {
	local life=${SRR_TEST_WRAPPER:+20} now
	now=$(date -u +%s)
	dora_until=$((now + ${life:-6}))
	cat >"$T/dora.tmpl" <<EOF
cn = "Dora Short-Lived"
email = "dora@example.test"
serial = 21
activation_date = "$(utc $((now - 60)))"
expiration_date = "$(utc "$dora_until")"
signing_key
key_purpose_oid = 1.3.6.1.5.5.7.3.4
EOF
	GNUTLS_PIN=$PIN certtool --provider "$MODULE" --generate-certificate \
		--load-privkey "$DORA_URI" --load-ca-certificate "$CA" \
		--load-ca-privkey "$CA_KEY" --template "$T/dora.tmpl" --outfile "$T/dora.pem" \
		>/dev/null 2>&1 || _fail "cannot issue Dora's certificate"
	p11tool --provider "$MODULE" --login --set-pin="$PIN" --write \
		--load-certificate "$T/dora.pem" --label=dora --id=0a "$token" >/dev/null 2>&1 ||
		_fail "cannot store Dora's certificate"
}

cp "$CERT" "$P/alice.pem"
cp "$BOB_CERT" "$P/bob.pem"
approvers() {
	cat <<'EOF'
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management]}
  - {name: Bob Approver, cert: bob.pem, actors: [bob], roles: [management]}
  - {name: Dora Short-Lived, spki_sha256: DORA_SPKI, actors: [dora], roles: [management]}
approval_rules:
  - {subject: risk, roles: [management], quorum: 1}
EOF
}
approvers | sed "s/DORA_SPKI/$dora_spki/" | signing_policy "$P" 'Time test policy'

ok srr init --policy "$P/policy.yaml"
ok srr supplier add acme --name "Acme Cloud" --tier high
for i in 1 2 3 4 5; do
	ok srr risk add acme --title "Risk $i" --likelihood 2 --impact 2
	ok srr risk treat "R-$i" --treatment accept --residual-likelihood 1 --residual-impact 2 \
		--justification "within tolerance" --until "$(date -u -d '+100 days' +%F)"
	ok srr approval request risk "R-$i"
done

# --- expiry ------------------------------------------------------------------
dora_cert
ok srr --actor dora approve A-1 --key "$DORA_URI" "${K[@]}"
wait_past "$dora_until"
ok srr verify --trust "$CA"
like "expired after signing: verify passes" "OK|ok|verified" "$out"
ok srr --json approval show A-1
json_is .status approved
approve_fails 3 "validity \(CN=Dora Short-Lived.*\): certificate had expired at .* \(valid until $(iso "$dora_until")\)" \
	srr --actor dora approve A-2 --key "$DORA_URI" "${K[@]}"
snapshot
approve_fails 3 "validity \(CN=Dora Short-Lived.*\): certificate had expired" \
	srr --actor dora checkpoint --key "$DORA_URI" "${K[@]}"
unchanged

# --- revocation --------------------------------------------------------------
# Bob signs A-2 before his revocation and A-3 after it, while the policy
# does not yet name the CRL; then a new policy names it.
ok srr --actor bob approve A-2 --key "$BOB_URI" "${K[@]}"
t1=$(date -u +%s)
wait_past "$t1"
revoked=$(date -u +%s)
wait_past "$revoked"
ok srr --actor bob approve A-3 --key "$BOB_URI" "${K[@]}"
ok srr --actor alice approve A-4 --key "$KEY_URI" "${K[@]}"

cat >"$T/crl.tmpl" <<EOF
crl_next_update = 30
crl_number = 1
crl_revocation_date = "$(utc "$revoked")"
EOF
certtool --generate-crl --load-ca-privkey "$CA_KEY" --load-ca-certificate "$CA" \
	--load-certificate "$BOB_CERT" --template "$T/crl.tmpl" --outfile "$P/crl.pem" \
	>/dev/null 2>&1 || _fail "cannot make the CRL"
check "the CRL lists Bob's serial" grep -q "Serial Number (hex): 04" \
	<(certtool --crl-info --infile "$P/crl.pem")

# Policies that name a bad CRL: refused, nothing changes.
snapshot
printf 'not a CRL\n' >"$P/junk.pem"
{ echo 'crls: [junk.pem]'; approvers | sed "s/DORA_SPKI/$dora_spki/"; } | signing_policy "$P" 'Time test policy'
fails 3 "policy.yaml:[0-9]+:[0-9]+: crl: .*junk.pem holds no certificate revocation list" \
	srr policy set "$P/policy.yaml"
OTHER_KEY=${OTHER_CA%.pem}-key.pem
certtool --generate-crl --load-ca-privkey "$OTHER_KEY" --load-ca-certificate "$OTHER_CA" \
	--template "$T/crl.tmpl" --outfile "$P/other-crl.pem" >/dev/null 2>&1 ||
	_fail "cannot make the other CA's CRL"
{ echo 'crls: [other-crl.pem]'; approvers | sed "s/DORA_SPKI/$dora_spki/"; } | signing_policy "$P" 'Time test policy'
fails 3 "policy.yaml:[0-9]+:[0-9]+: crl other-crl.pem: revocation list of CN=srr other CA is not signed by a trust anchor of the policy" \
	srr policy set "$P/policy.yaml"
{ echo 'crls: [crl.pem, crl.pem]'; approvers | sed "s/DORA_SPKI/$dora_spki/"; } | signing_policy "$P" 'Time test policy'
fails 3 "crl crl.pem: the revocation list of CN=srr test CA is listed twice" \
	srr policy set "$P/policy.yaml"
{ echo 'crls: crl.pem'; approvers | sed "s/DORA_SPKI/$dora_spki/"; } | signing_policy "$P" 'Time test policy'
fails 3 "policy.yaml:[0-9]+:[0-9]+: crls" srr policy set "$P/policy.yaml"
unchanged

{ echo 'crls: [crl.pem]'; approvers | sed "s/DORA_SPKI/$dora_spki/"; } | signing_policy "$P" 'Time test policy'
ok srr policy set "$P/policy.yaml"
is "the CRL is stored" 1 "$(sqlite3 "$SRR_DB" 'SELECT count(*) FROM crl')"
is "the policy record names it by hash" \
	"crl $(openssl crl -in "$P/crl.pem" -outform DER | sha256sum | cut -c1-64)" \
	"$(sqlite3 "$SRR_DB" "SELECT CAST(record AS TEXT) FROM policy WHERE version = 2" | grep '^crl ')"

ok srr policy show
crl_sha=$(openssl crl -in "$P/crl.pem" -outform DER | sha256sum | cut -c1-64)
like "policy show lists the CRL" "Revocation lists:  1.*sha256:$crl_sha" "$(tr '\n' ' ' <<<"$out")"
ok srr --json policy show
json_is '.crls | join(",")' "$crl_sha"

# Bob can sign nothing now: not an approval, not a checkpoint.
snapshot
approve_fails 3 "A-5: revocation \(CN=Bob Approver.*\): certificate was revoked at $(iso "$revoked"), and this was signed at " \
	srr --actor bob approve A-5 --key "$BOB_URI" "${K[@]}"
approve_fails 3 "revocation \(CN=Bob Approver.*\): certificate was revoked at $(iso "$revoked")" \
	srr --actor bob checkpoint --key "$BOB_URI" "${K[@]}"
unchanged

# verify: A-2 (signed before) counts, A-3 (after) and the checkpoint Bob
# signed with it do not; Dora's expired certificate still counts.
_run srr verify --trust "$CA"
is "verify finds the revoked signatures" 1 "$rc"
like "A-3's signature is refused" "A-3.*revocation.*revoked at $(iso "$revoked")" "$out"
like "so is the checkpoint Bob signed with it" "C-[0-9]+.*revocation|revocation.*C-[0-9]+" "$out"
check "A-2 is not named" bash -c '! grep -q "A-2" <<<"$1"' _ "$out"
check "A-1 is not named" bash -c '! grep -q "A-1" <<<"$1"' _ "$out"
_run srr --json verify --trust "$CA"
is "json: the A-3 finding" revocation "$(jq -r '[.findings[] | select(.approval == 3)][0].check' <<<"$out")"

# The bundle carries the CRL; verify-bundle judges as verify does.
ok srr --actor alice checkpoint --key "$KEY_URI" "${K[@]}"
ok srr export --bundle "$T/b"
crl_file=$(cd "$T/b" && ls crls/*.crl)
check "the bundle holds crls/<sha256>.crl" test -f "$T/b/$crl_file"
check "the MANIFEST lists it" grep -q " $crl_file\$" "$T/b/MANIFEST"
_run srr verify-bundle "$T/b" --trust "$CA"
is "verify-bundle finds the revoked signature" 1 "$rc"
like "verify-bundle: A-3" "revocation.*A-3-1.p7s.*revoked at $(iso "$revoked")" "$out"
check "verify-bundle: A-2 not named" bash -c '! grep -q "A-2" <<<"$1"' _ "$out"

# Without its CRL the bundle cannot be judged.
rm "$T/b/$crl_file"
(cd "$T/b" && grep -v " $crl_file\$" MANIFEST >M && mv M MANIFEST)
_run srr verify-bundle "$T/b" --trust "$CA"
is "a missing CRL fails verify-bundle" 1 "$rc"
like "it is named" "revocation list $crl_file, which is missing" "$out"

# A CRL changed or removed in the register is named, not trusted.
cp "$SRR_DB" "$T/crl-edit.db"
check "a CRL row edited" sqlite3 "$T/crl-edit.db" "UPDATE crl SET der = substr(der, 1, length(der) - 1)"
_run srr --db "$T/crl-edit.db" verify --trust "$CA"
is "an altered CRL row fails verify" 1 "$rc"
like "it is named" "revocation list $crl_sha in the register does not match its SHA-256" "$out"
cp "$SRR_DB" "$T/crl-gone.db"
sqlite3 "$T/crl-gone.db" "DELETE FROM crl"
_run srr --db "$T/crl-gone.db" verify --trust "$CA"
is "a deleted CRL row fails verify" 1 "$rc"
like "it is named" "revocation list $crl_sha is missing from the register" "$out"

# OpenSSL sees the same revocation (at the current time, so A-2 fails too:
# judging by the signing time is what srr adds).
ok srr approval export A-3 "$T/a3"
_run openssl cms -verify -binary -inform DER -in "$T/a3/A-3-1.p7s" -content "$T/a3/A-3.rec" \
	-CAfile <(cat "$CA" "$P/crl.pem") -crl_check -out /dev/null
like "openssl -crl_check refuses Bob's certificate" "revoked" "$err"

finish
