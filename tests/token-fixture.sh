#!/bin/bash
# SPDX-License-Identifier: MIT
#
# token-fixture.sh DIR: make a throwaway SoftHSM2 token in DIR (never the
# machine's token store), as SPEC.md's recipe does, and print what the
# tests need as KEY=VALUE lines on stdout:
#
#   SOFTHSM2_CONF   the configuration pointing SoftHSM2 at DIR
#   MODULE          the SoftHSM2 PKCS#11 module
#   TOKEN, PIN      the token label and user PIN (a second token, srr-other,
#                   is empty)
#   CA, CA_KEY      the test CA (files, not on the token)
#   CERT            the approver certificate (also on the token)
#   KEY_URI         ECDSA P-256 approver key, its certificate on the token
#   RSA_URI         RSA-2048 approver key, its certificate on the token
#   NOCERT_URI      ECDSA P-256 key with no certificate anywhere
#   BOB_URI, BOB_CERT
#   CAROL_URI, CAROL_CERT
#                   two more approvers (ECDSA P-256, good certificates)
#   BADKU_URI, BADKU_CERT
#                   a certificate whose key usage is keyAgreement only
#                   (neither digitalSignature nor nonRepudiation)
#   BADEKU_URI, BADEKU_CERT
#                   digitalSignature, but extended key usage TLS server
#                   auth only (no emailProtection)
#   EXPIRED_URI, EXPIRED_CERT
#                   a certificate valid 2020-01-01 to 2021-01-01 only
#   UNKNOWN_URI, UNKNOWN_CERT
#                   a good-usage certificate from another CA
#   OTHER_CA        that other CA, "srr other CA" (key in other-ca-key.pem)
#
# Each of BOB_URI to UNKNOWN_URI is an ECDSA P-256 key with its
# certificate on the token under the same label and id; its *_CERT is
# that certificate's file.
#
# Exits 77 (skipped) when a tool is missing; CI installs softhsm2,
# gnutls-bin, opensc and openssl so that nothing is skipped there.
set -euo pipefail

dir=${1:?usage: token-fixture.sh DIR}
module=${SRR_SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

for tool in softhsm2-util p11tool certtool openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "token-fixture: $tool not found" >&2
		exit 77
	fi
done
if [ ! -e "$module" ]; then
	echo "token-fixture: $module not found" >&2
	exit 77
fi

mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$dir/tokens" >"$dir/softhsm2.conf"
export SOFTHSM2_CONF=$dir/softhsm2.conf

label=srr-test
pin=1234
token="pkcs11:token=$label"

# Tools talk on stderr; a failure shows what they said.
log=$dir/fixture.log
run() {
	if ! "$@" >>"$log" 2>&1; then
		echo "token-fixture: failed: $*" >&2
		cat "$log" >&2
		exit 1
	fi
}

run softhsm2-util --init-token --free --label "$label" --so-pin 87654321 --pin "$pin"
# A second, empty token: a URI that does not name its token is ambiguous.
run softhsm2-util --init-token --free --label srr-other --so-pin 87654321 --pin "$pin"

p11() {
	run p11tool --provider "$module" --login --set-pin="$pin" "$@"
}

# Keys; ids on the token stay unique.
for k in approver:01 nocert:02 bob:04 carol:05 badku:06 badeku:07 expired:08 unknownca:09; do
	p11 --generate-privkey=ecdsa --curve=secp256r1 --label="${k%:*}" --id="${k#*:}" "$token"
done
p11 --generate-privkey=rsa --bits=2048 --label=approver-rsa --id=03 "$token"

# A self-signed CA: $dir/NAME.pem, its key in $dir/NAME-key.pem (files,
# not on the token).
make_ca() { # NAME CN
	cat >"$dir/$1.tmpl" <<EOF
cn = "$2"
serial = 1
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOF
	run certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$dir/$1-key.pem"
	run certtool --generate-self-signed --load-privkey "$dir/$1-key.pem" \
		--template "$dir/$1.tmpl" --outfile "$dir/$1.pem"
}
make_ca ca "srr test CA"
make_ca other-ca "srr other CA"

# Certificates go to the token with their key's label and id.
store() { # LABEL ID: $dir/LABEL.pem onto the token, next to its key
	p11 --write --load-certificate "$dir/$1.pem" --label="$1" --id="$2" "$token"
}

# A certificate for the token key LABEL, saved as $dir/LABEL.pem and
# stored. By default an approver certificate as SPEC.md asks:
# digitalSignature and an extended key usage of emailProtection, valid
# for a year, from the test CA; set usage or validity (template lines) or
# issuer (a CA's NAME) for one call to make it otherwise.
usage=$'signing_key\nkey_purpose_oid = 1.3.6.1.5.5.7.3.4'
validity='expiration_days = 365'
issuer=ca
issue() { # LABEL ID SERIAL CN
	cat >"$dir/$1.tmpl" <<EOF
cn = "$4"
email = "$1@example.test"
serial = $3
$validity
$usage
EOF
	GNUTLS_PIN=$pin run certtool --provider "$module" --generate-certificate \
		--load-privkey "$token;object=$1;type=private" \
		--load-ca-certificate "$dir/$issuer.pem" --load-ca-privkey "$dir/$issuer-key.pem" \
		--template "$dir/$1.tmpl" --outfile "$dir/$1.pem"
	store "$1" "$2"
}
issue approver 01 2 "Alice Approver"
issue approver-rsa 03 3 "Rita RSA Approver"
issue bob 04 4 "Bob Approver"
issue carol 05 5 "Carol Approver"
usage=$'signing_key\ntls_www_server' \
	issue badeku 07 7 "Sam Server"
validity=$'activation_date = "2020-01-01 00:00:00"\nexpiration_date = "2021-01-01 00:00:00"' \
	issue expired 08 8 "Ed Expired"
issuer=other-ca issue unknownca 09 9 "Olga Other-CA"

# certtool gives every ECDSA end-entity certificate digitalSignature, so
# openssl makes the one whose key usage is keyAgreement alone, for the
# token key's public half, from the test CA.
p11 --export-pubkey --outfile "$dir/badku.pub" "$token;object=badku;type=private"
cat >"$dir/badku.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:badku@example.test
EOF
run openssl x509 -new -subj "/CN=Kim Key-Agreement" -force_pubkey "$dir/badku.pub" \
	-CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -set_serial 6 -days 365 \
	-extfile "$dir/badku.ext" -out "$dir/badku.pem"
store badku 06

cat <<EOF
SOFTHSM2_CONF=$dir/softhsm2.conf
MODULE=$module
TOKEN=$label
PIN=$pin
CA=$dir/ca.pem
CA_KEY=$dir/ca-key.pem
CERT=$dir/approver.pem
KEY_URI=$token;object=approver;type=private
RSA_URI=$token;object=approver-rsa;type=private
NOCERT_URI=$token;object=nocert;type=private
BOB_URI=$token;object=bob;type=private
BOB_CERT=$dir/bob.pem
CAROL_URI=$token;object=carol;type=private
CAROL_CERT=$dir/carol.pem
BADKU_URI=$token;object=badku;type=private
BADKU_CERT=$dir/badku.pem
BADEKU_URI=$token;object=badeku;type=private
BADEKU_CERT=$dir/badeku.pem
EXPIRED_URI=$token;object=expired;type=private
EXPIRED_CERT=$dir/expired.pem
UNKNOWN_URI=$token;object=unknownca;type=private
UNKNOWN_CERT=$dir/unknownca.pem
OTHER_CA=$dir/other-ca.pem
EOF
