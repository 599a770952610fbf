#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tpm-fixture.sh DIR: a second, independent PKCS#11 token that locks its
# PIN as a smartcard does: tpm2-pkcs11 over a software TPM (swtpm) of its
# own in DIR. Prints what the tests need as KEY=VALUE lines on stdout:
#
#   SWTPM_PID       the swtpm serving DIR/swtpm.sock: the caller stops it
#                   (kill) when done; it runs in the background
#   MODULE          the tpm2-pkcs11 PKCS#11 module
#   TPM2_PKCS11_TCTI, TPM2TOOLS_TCTI
#                   swtpm:path=DIR/swtpm.sock, for the module and tpm2-tools
#   TPM2_PKCS11_STORE
#                   DIR/store: the module's database of tokens (never the
#                   default ~/.tpm2_pkcs11; the module is registered with
#                   p11-kit system-wide)
#   TSS2_LOG        all+none: quiets the TSS libraries, which print
#                   ERROR: and WARNING: lines on stderr for every wrong PIN
#                   (tpm2-pkcs11's own "ERROR: ..." lines stay: its lowest
#                   TPM2_PKCS11_LOG_LEVEL, 0, still prints errors)
#   TOKEN, PIN      the token label and user PIN
#   MAX_TRIES       wrong PINs the TPM takes before it locks out (3)
#   CA, CA_KEY      the test CA (files, not on the token)
#   CERT            the approver certificate, "Tess TPM Approver" (also on
#                   the token, next to the key)
#   KEY_URI         ECDSA P-256 approver key (generated in the TPM)
#
# The token is made through the module (pkcs11-tool --init-token and
# --init-pin), not tpm2_ptool. The module shows a second, empty slot: the
# token is addressed by label. The TPM's dictionary-attack lockout is set
# to lock after MAX_TRIES wrong PINs, one try coming back a day later
# (recovery 86400 s, so none comes back during a test), and cleared. The
# lockout counter belongs to the TPM, shared by all of its tokens.
#
# Exits 77 (skipped) when a tool is missing; CI installs swtpm,
# swtpm-tools, tpm2-tools, libtpm2-pkcs11-1, libtss2-tcti-swtpm0, opensc,
# gnutls-bin and openssl so that nothing is skipped there.
set -euo pipefail

dir=${1:?usage: tpm-fixture.sh DIR}

for tool in swtpm tpm2_dictionarylockout tpm2_getcap pkcs11-tool p11tool certtool openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "tpm-fixture: $tool not found" >&2
		exit 77
	fi
done
module=${SRR_TPM2_PKCS11_MODULE:-}
if [ -z "$module" ]; then
	for m in /usr/lib/*/pkcs11/libtpm2_pkcs11.so /usr/lib/pkcs11/libtpm2_pkcs11.so \
		/usr/lib64/pkcs11/libtpm2_pkcs11.so; do
		[ -e "$m" ] && module=$m && break
	done
fi
if [ -z "$module" ] || [ ! -e "$module" ]; then
	echo "tpm-fixture: the tpm2-pkcs11 module (libtpm2_pkcs11.so) not found" >&2
	exit 77
fi
if ! compgen -G '/usr/lib*/libtss2-tcti-swtpm.so*' >/dev/null &&
	! compgen -G '/usr/lib/*/libtss2-tcti-swtpm.so*' >/dev/null; then
	echo "tpm-fixture: the swtpm TCTI (libtss2-tcti-swtpm) not found" >&2
	exit 77
fi

mkdir -p "$dir/state" "$dir/store"
dir=$(cd "$dir" && pwd)
sock=$dir/swtpm.sock
tcti=swtpm:path=$sock
export TPM2_PKCS11_TCTI=$tcti TPM2TOOLS_TCTI=$tcti TPM2_PKCS11_STORE=$dir/store
export TSS2_LOG=all+none

label=srr-tpm
pin=1234
so_pin=87654321
tries=3
token="pkcs11:token=$label"

# Tools talk on stderr; a failure shows what they said and stops the TPM.
log=$dir/fixture.log
pid=
run() {
	if ! "$@" >>"$log" 2>&1; then
		echo "tpm-fixture: failed: $*" >&2
		cat "$log" >&2
		[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
		exit 1
	fi
}

# The swtpm TCTI finds the control channel at the socket's path + ".ctrl".
# Its stdio away from ours: a daemon holding the caller's pipe open would
# keep a test runner waiting for it.
run swtpm socket --tpm2 --tpmstate "dir=$dir/state" \
	--server "type=unixio,path=$sock" --ctrl "type=unixio,path=$sock.ctrl" \
	--flags not-need-init,startup-clear --pid "file=$dir/swtpm.pid" \
	--log "file=$dir/swtpm.log" --daemon
pid=$(cat "$dir/swtpm.pid")
for _ in $(seq 50); do
	[ -S "$sock" ] && break
	sleep 0.1
done

run tpm2_dictionarylockout --setup-parameters --max-tries=$tries \
	--recovery-time=86400 --lockout-recovery-time=10
run tpm2_dictionarylockout --clear-lockout

run pkcs11-tool --module "$module" --slot-index 0 --init-token --label "$label" --so-pin "$so_pin"
run pkcs11-tool --module "$module" --token-label "$label" --login --login-type so \
	--so-pin "$so_pin" --init-pin --pin "$pin"
run pkcs11-tool --module "$module" --token-label "$label" --login --pin "$pin" \
	--keypairgen --key-type EC:prime256v1 --label approver --id 01

# A self-signed CA in files, as tests/token-fixture.sh makes it.
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

# The approver certificate SPEC.md asks for (digitalSignature, extended
# key usage emailProtection), for the TPM key, written to the token: srr
# finds it there by the key's public key.
cat >"$dir/approver.tmpl" <<EOF
cn = "Tess TPM Approver"
email = "tess@example.test"
serial = 2
expiration_days = 365
signing_key
key_purpose_oid = 1.3.6.1.5.5.7.3.4
EOF
GNUTLS_PIN=$pin run certtool --provider "$module" --generate-certificate \
	--load-privkey "$token;object=approver;type=private" \
	--load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca-key.pem" \
	--template "$dir/approver.tmpl" --outfile "$dir/approver.pem"
run p11tool --provider "$module" --login --set-pin="$pin" --write \
	--load-certificate "$dir/approver.pem" --label=approver --id=01 "$token"

# Certificate signing logged in with the right PIN, so the count is 0;
# a fixture that left it otherwise would skew every count after it.
count=$(tpm2_getcap properties-variable 2>>"$log" | awk '$1 == "TPM2_PT_LOCKOUT_COUNTER:" { print $2 }')
if [ "$count" != 0x0 ]; then
	echo "tpm-fixture: the TPM's lockout counter is ${count:-unreadable} after setup, not 0" >&2
	kill "$pid" 2>/dev/null || true
	exit 1
fi

cat <<EOF
SWTPM_PID=$pid
MODULE=$module
TPM2_PKCS11_TCTI=$tcti
TPM2TOOLS_TCTI=$tcti
TPM2_PKCS11_STORE=$dir/store
TSS2_LOG=$TSS2_LOG
TOKEN=$label
PIN=$pin
MAX_TRIES=$tries
CA=$dir/ca.pem
CA_KEY=$dir/ca-key.pem
CERT=$dir/approver.pem
KEY_URI=$token;object=approver;type=private
EOF
