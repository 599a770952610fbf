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
p11 --generate-privkey=ecdsa --curve=secp256r1 --label=approver --id=01 "$token"
p11 --generate-privkey=ecdsa --curve=secp256r1 --label=nocert --id=02 "$token"
p11 --generate-privkey=rsa --bits=2048 --label=approver-rsa --id=03 "$token"

cat >"$dir/ca.tmpl" <<EOF
cn = "srr test CA"
serial = 1
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOF
run certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$dir/ca-key.pem"
run certtool --generate-self-signed --load-privkey "$dir/ca-key.pem" \
	--template "$dir/ca.tmpl" --outfile "$dir/ca.pem"

# An approver certificate as SPEC.md asks: digitalSignature, and an
# extended key usage of emailProtection.
issue() { # LABEL SERIAL CN OUT
	cat >"$dir/$1.tmpl" <<EOF
cn = "$3"
email = "$1@example.test"
serial = $2
expiration_days = 365
signing_key
key_purpose_oid = 1.3.6.1.5.5.7.3.4
EOF
	GNUTLS_PIN=$pin run certtool --provider "$module" --generate-certificate \
		--load-privkey "$token;object=$1;type=private" \
		--load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca-key.pem" \
		--template "$dir/$1.tmpl" --outfile "$4"
}
issue approver 2 "Alice Approver" "$dir/approver.pem"
issue approver-rsa 3 "Rita RSA Approver" "$dir/approver-rsa.pem"

p11 --write --load-certificate "$dir/approver.pem" --label=approver --id=01 "$token"
p11 --write --load-certificate "$dir/approver-rsa.pem" --label=approver-rsa --id=03 "$token"

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
EOF
