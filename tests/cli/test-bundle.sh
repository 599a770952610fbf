#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2317 # functions run via ok/fails
# srr export --bundle and srr verify-bundle on a real SoftHSM2 token
# (tests/token-fixture.sh): a register with a policy, approvals signed by two
# approvers (each approve also signs a checkpoint), a signed refusal and
# reviews; full and sampled bundles that verify with srr (also copied where
# there is no register) and piece by piece with sha256sum and openssl; the
# sample drawn reproducibly from its seed; and a tamper matrix in which every
# change is found and named (docs/formats/bundle.md).
# Skipped (exit 77) when softhsm2, gnutls-bin or openssl is missing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture
command -v sha256sum >/dev/null 2>&1 || _fail "sha256sum (coreutils) is not installed"

later=$(date -u -d '+100 days' +%F)
today=$(date -u +%F)

# --- a register: policy, approvals, a refusal, reviews ------------------------
P=$T/pol
mkdir "$P"
cp "$CERT" "$P/alice.pem"
cp "$BOB_CERT" "$P/bob.pem"
signing_policy "$P" 'Bundle test policy' <<'EOF'
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management]}
  - {name: Bob Approver, cert: bob.pem, actors: [bob], roles: [management, board]}
approval_rules:
  - {subject: risk, residual: [low, medium], roles: [management], quorum: 1}
  - {subject: risk, residual: [high], roles: [management], quorum: 2}
  - {subject: risk, residual: [critical], roles: [board], quorum: 2}
  - {subject: treatment, roles: [management], quorum: 1}
  - {subject: review, roles: [management], quorum: 1}
  - {subject: policy, roles: [board], quorum: 1}
EOF
printf '%s\n' "$PIN" >"$T/pin"
chmod 600 "$T/pin"

# sign ACTOR KEY-URI ID: an approval on the token (it also signs a checkpoint).
sign() {
	srr --actor "$1" approve "$3" --key "$2" --pin-file "$T/pin" >/dev/null 2>"$T/.sign-err"
}

ok srr init --policy "$P/policy.yaml"
for s in acme beta gamma delta; do
	srr supplier add "$s" --name "Supplier $s" --tier high >/dev/null
	srr review record "$s" --date "$today" --outcome pass >/dev/null
done
ok srr risk add acme --title "Single-region hosting" --likelihood 3 --impact 4
ok srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification "No alternative provider before 2027" --until "$later"
ok srr risk add beta --title "Firmware update lag" --likelihood 3 --impact 3
ok srr risk treat R-2 --treatment mitigate --residual-likelihood 2 --residual-impact 2
ok srr risk add gamma --title "Custodian turnover" --likelihood 2 --impact 2
ok srr risk treat R-3 --treatment accept --residual-likelihood 2 --residual-impact 2 \
	--justification "Low" --until "$later"
ok srr risk add delta --title "Key ceremony witnesses" --likelihood 4 --impact 4
ok srr risk treat R-4 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification "Two witnesses from 2027" --until "$later"
ok srr --actor carol approval request risk R-1
is "A-1" A-1 "$out"
check "alice signs A-1" sign alice "$KEY_URI" A-1
check "bob signs A-1 (quorum 2)" sign bob "$BOB_URI" A-1
ok srr --actor carol approval request treatment R-2
check "alice signs A-2" sign alice "$KEY_URI" A-2
ok srr --actor carol approval request risk R-3
ok srr --actor alice approval reject A-3 --reason $'Not convincing;\nask again' \
	--key "$KEY_URI" --pin-file "$T/pin"
for s in acme beta; do
	ok srr --actor carol approval request review "$s"
done
check "bob signs A-4" sign bob "$BOB_URI" A-4
check "alice signs A-5" sign alice "$KEY_URI" A-5
ok srr --actor carol approval request policy
check "bob signs A-6 (board)" sign bob "$BOB_URI" A-6
# Half signed, under a checkpoint: pending, which is no failure.
ok srr --actor carol approval request risk R-4
check "alice signs A-7 (1 of 2)" sign alice "$KEY_URI" A-7
# One request after the last checkpoint: it cannot be proven yet.
ok srr --actor carol approval request review gamma
is "A-8" A-8 "$out"

# --- export -----------------------------------------------------------------------
ok srr export --bundle "$T/full"
like "full export: what and where" \
	"^Exported a full bundle to $T/full: [0-9]+ files, 7 approvals, 4 reviews, [0-9]+ inclusion proofs against C-[0-9]+$" \
	"$(printf '%s\n' "$out" | head -n 1)"
like "full export: the unproven request is named" \
	"^Not in it: 1 approval or review event after C-[0-9]+ \(sign a checkpoint to include them\)$" \
	"$(printf '%s\n' "$out" | tail -n 1)"
ok srr export --bundle "$T/s1" --sample 3 --seed 42
like "sample export" "^Exported a sample bundle to $T/s1: " "$out"
ok srr --json export --bundle "$T/s2" --sample 3 --seed 42
json_is .kind sample
check "no log in a sample" test ! -e "$T/s1/log"

# --- verify-bundle: both kinds pass -----------------------------------------------------
ok srr verify-bundle "$T/full" --trust "$CA"
like "full: OK with the log replayed" \
	"^OK: [0-9]+ files, [0-9]+ checkpoints, [0-9]+ inclusion proofs, 7 approvals, 7 signatures, [0-9]+ log events replayed, 0 failures$" \
	"$(printf '%s\n' "$out" | tail -n 1)"
is "full: the half-signed request is information" \
	"pending: approvals/A-7.approval.rec: 1 of 2 signatures on the acceptance of risk R-4" \
	"$(printf '%s\n' "$out" | head -n -1)"
ok srr verify-bundle "$T/s1" --trust "$CA"
like "sample: OK" "^OK: [0-9]+ files, 1 checkpoint, [0-9]+ inclusion proofs, [0-9] approvals?, " "$out"
ok srr --json verify-bundle "$T/full" --trust "$CA"
json_is .ok true
json_is .failures 0
json_is .approvals 7
json_is .signatures 7
json_is '[.findings[] | [.approval, .check, .failure]] | map(map(tostring) | join(" ")) | join(",")' \
	"7 pending false"
json_is ".events == $(srr --json log | jq '.events | length')" true
ok srr --json verify-bundle "$T/s1" --trust "$CA"
json_is '[.ok, .events] | map(tostring) | join(" ")' "true 0"

# Where there is no register: a copy, no SRR_DB, another directory.
mkdir "$T/away"
cp -r "$T/full" "$T/away/bundle"
cp "$CA" "$T/away/ca.pem"
cd "$T/away" || exit 1
saved_db=$SRR_DB
unset SRR_DB
ok srr verify-bundle bundle --trust ca.pem
like "away: OK" "^OK: .* 0 failures$" "$out"
check "away: no register made" test ! -e "$T/away/register.db"
export SRR_DB=$saved_db
cd "$T" || exit 1

# --- the same by hand: sha256sum and openssl ---------------------------------------------
# sums_hold DIR: what the MANIFEST says, checked by sha256sum in DIR.
sums_hold() {
	(cd "$1" && sha256sum --strict --quiet -c MANIFEST)
}
check "full: sha256sum -c MANIFEST" sums_hold "$T/full"
check "sample: sha256sum -c MANIFEST" sums_hold "$T/s1"
# cms_verify P7S CONTENT: plain OpenSSL checks a detached signature.
cms_verify() {
	openssl cms -verify -binary -inform DER -in "$1" -content "$2" -CAfile "$CA" \
		-no-CApath -out /dev/null >"$T/.openssl" 2>&1
}
n=0
bad=
for p in "$T"/full/approvals/A-*.p7s "$T"/full/checkpoints/C-*.p7s; do
	case $p in
	*-rejection.p7s) content=${p%.p7s}.rec ;;
	*/approvals/*) content=${p%-*.p7s}.rec ;;
	*) content=${p%.p7s}.cp ;;
	esac
	cms_verify "$p" "$content" || bad="$bad ${p#"$T"/}"
	n=$((n + 1))
done
is "openssl cms -verify: every signature" "" "$bad"
like "openssl: approvals, the refusal and checkpoints ($n)" '^(1[0-9]|[2-9][0-9])$' "$n"
check "openssl: the refusal is among them" test -e "$T/full/approvals/A-3-rejection.p7s"

# --- the sample: reproducible from the seed -------------------------------------------------
items() { grep '^item ' "$1/bundle.rec"; }
is "sample: 3 items" 3 "$(items "$T/s1" | wc -l)"
is "same seed, same items" "$(items "$T/s1")" "$(items "$T/s2")"
is "same seed, same files" "$(grep -v ' bundle.rec$' "$T/s1/MANIFEST")" \
	"$(grep -v ' bundle.rec$' "$T/s2/MANIFEST")"
other=
for seed in 1 2 3 4 5 6 7; do
	srr export --bundle "$T/seed$seed" --sample 3 --seed "$seed" >/dev/null
	[ "$(items "$T/seed$seed")" != "$(items "$T/s1")" ] && other=$seed
done
like "another seed draws other items" '^[1-7]$' "$other"
ok srr verify-bundle "$T/seed$other" --trust "$CA"
ok srr export --bundle "$T/all" --sample 50 --seed 9
is "a sample larger than the candidates takes them all" 11 "$(items "$T/all" | wc -l)"

# --- the command line -----------------------------------------------------------------------
usage_fails "^srr verify-bundle: missing --trust CA.pem" srr verify-bundle "$T/full"
usage_fails "^srr verify-bundle: " srr verify-bundle --trust "$CA"
fails 3 "^srr verify-bundle: bundle $T/nothing: No such file or directory$" \
	srr verify-bundle "$T/nothing" --trust "$CA"
fails 3 "^srr verify-bundle: trust anchors: cannot read $T/nothing.pem$" \
	srr verify-bundle "$T/full" --trust "$T/nothing.pem"
fails 3 "^srr verify-bundle: trust anchors: .*CN=Alice Approver is not a CA certificate$" \
	srr verify-bundle "$T/full" --trust "$CERT"
ok srr verify-bundle --help
like "help: the synopsis" "^Usage: srr verify-bundle DIR --trust CA.pem$" "$out"

# --- tampering: each change found, named, exit 1 -------------------------------------------------
B=$T/t/b
# fresh [KIND]: a new copy of the full (or sample) bundle at $B.
fresh_copy() {
	rm -rf "$T/t"
	mkdir "$T/t"
	cp -r "$T/${1:-full}" "$B"
}
# The MANIFEST written anew, as someone covering their tracks would.
remanifest() {
	(cd "$B" && find . -type f ! -name MANIFEST | sed 's|^\./||' | LC_ALL=C sort |
		xargs sha256sum >"$T/t/MANIFEST.new") && mv "$T/t/MANIFEST.new" "$B/MANIFEST"
}
# flip FILE OFFSET: change one byte.
flip() {
	local byte
	byte=$(od -An -tu1 -j "$2" -N1 "$B/$1" | tr -d ' ')
	printf '%b' "\\$(printf '%03o' $(((byte + 1) % 256)))" |
		dd of="$B/$1" bs=1 seek="$2" conv=notrunc status=none
}
# found DESC PATTERN [ARGS...]: verify-bundle $B fails (exit 1), a finding
# matches PATTERN and the summary says FAILED.
found() {
	local desc=$1 pattern=$2
	shift 2
	_run srr verify-bundle "$B" --trust "${TRUST:-$CA}" "$@"
	if [ "$rc" = 1 ] && [ -z "$err" ] && printf '%s\n' "$out" | grep -Eq -- "$pattern" &&
		printf '%s\n' "$out" | tail -n 1 | grep -q '^FAILED: '; then
		_pass "$desc: $(printf '%s\n' "$out" | grep -Em1 -- "$pattern")"
		return 0
	fi
	_fail "$desc: exit $rc, or no line matches /$pattern/"
	_detail stdout "$out"
	_detail stderr "$err"
	return 1
}

# Which events are whose: the first approval.sign of A-1.
sign_seq=$(srr --json log | jq '[.events[] | select(.action == "approval.sign")][0].seq')
newest_cp=$(sed -n 's/^checkpoint //p' "$T/full/bundle.rec")

fresh_copy
sed -i 's/^justification No alternative/justification No alternativx/' "$B/approvals/A-1.rec"
found "approved record edited" \
	'^manifest: approvals/A-1\.rec: SHA-256 differs from the MANIFEST: the file was edited$'
remanifest
found "approved record edited, MANIFEST redone" \
	'^signature \(Alice Approver\): approvals/A-1-1\.p7s: does not verify over the approved record: '
found "... and the request's hash" \
	'^record: approvals/A-1\.rec: SHA-256 differs from the record-sha256 approvals/A-1\.approval\.rec lists$'

fresh_copy
flip approvals/A-1-2.p7s 200
found "signature edited" \
	'^manifest: approvals/A-1-2\.p7s: SHA-256 differs from the MANIFEST: the file was edited$'
remanifest
found "signature edited, MANIFEST redone" \
	'^signature: approvals/A-1-2\.p7s: SHA-256 differs from the one approvals/A-1\.approval\.rec lists$'
found "... and the quorum is not met" \
	'^pending: approvals/A-1\.approval\.rec: 1 of 2 signatures on the acceptance of risk R-1$'

fresh_copy
sed -i "5s/^hash .*/hash $(printf x | sha256sum | cut -c1-64)/" "$B/proofs/$sign_seq.proof"
remanifest
found "proof hash edited" \
	"^proof: proofs/$sign_seq\.proof: does not prove event $sign_seq against C-$newest_cp: its hashes do not lead to C-$newest_cp's root$"

fresh_copy
sed -i 's/^actor alice$/actor mallory/' "$B/events/$sign_seq.leaf"
remanifest
found "event leaf edited" \
	"^proof: proofs/$sign_seq\.proof: does not prove event $sign_seq against C-$newest_cp: its hashes do not lead"
found "... and it is not the log's leaf" "^event: events/$sign_seq\.leaf differs from leaf $sign_seq of log/leaves$"

fresh_copy
sed -i 's/^actor tester$/actor tester2/' "$B/log/leaves"
remanifest
found "log/leaves edited" \
	'^checkpoint: checkpoints/C-[0-9]+\.cp: its root is not that of the first [0-9]+ leaves of log/leaves$'

fresh_copy
flip log/records 30
remanifest
found "log/records edited" '^log: log/records: record 1 is not the one leaf 1 names \(SHA-256 differs\)$'

fresh_copy
# Another root, still well formed: SHA-256 of nothing.
sed -i "3s|.*|47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=|" "$B/checkpoints/C-$newest_cp.cp"
remanifest
found "checkpoint body edited" \
	"^signature \(CN=[A-Za-z ]+\): checkpoints/C-$newest_cp\.p7s: does not verify over the checkpoint body: "

fresh_copy
rm "$B/approvals/A-1-2.p7s"
found "a file dropped" '^manifest: MANIFEST names approvals/A-1-2\.p7s, which is missing$'
remanifest
found "a file dropped, MANIFEST redone" \
	'^signature: approvals/A-1-2\.p7s is missing: approvals/A-1\.approval\.rec lists signature 2$'

fresh_copy
rm "$B/events/$sign_seq.leaf" "$B/events/$sign_seq.rec" "$B/proofs/$sign_seq.proof"
remanifest
found "an event dropped (full bundle)" \
	"^event: events/$sign_seq\.leaf is missing: a full bundle proves every approval and review event"

fresh_copy
echo "looks harmless" >"$B/notes.txt"
found "a file added" '^manifest: notes\.txt is not in the MANIFEST$'
remanifest
found "a file added, MANIFEST redone" \
	'^file: notes\.txt: not part of a bundle \(docs/formats/bundle\.md lists what is\)$'

fresh_copy
sed -i 's/^reason Not convincing/reason Convincing/' "$B/approvals/A-3-rejection.rec"
remanifest
found "a signed refusal edited" \
	'^rejection: approvals/A-3-rejection\.rec: its reason is not the one approvals/A-3\.approval\.rec records$'
found "... and its signature" \
	'^rejection \(Alice Approver\): approvals/A-3-rejection\.p7s: signature: does not verify over the refusal: '
_run srr --json verify-bundle "$B" --trust "$CA"
is "--json: exit 1" 1 "$rc"
json_is '.ok' false
json_is '[.findings[] | select(.check == "rejection")] | .[0] | [.approval, .signature, .failure] | map(tostring) | join(" ")' \
	"3 0 true"

fresh_copy
cp "$B/approvals/A-1-1.p7s" "$B/approvals/A-1-3.p7s"
remanifest
found "a signature added" \
	'^signature: approvals/A-1-3\.p7s: approvals/A-1\.approval\.rec lists 2 signatures$'

# A checkpoint of another register, signed by the same approver.
O=$T/other.db
srr --db "$O" init --policy "$P/policy.yaml" >/dev/null
srr --db "$O" supplier add zeta --name Zeta --tier low >/dev/null
ok srr --db "$O" checkpoint --key "$KEY_URI" --pin-file "$T/pin"
srr --db "$O" export --bundle "$T/other" >/dev/null
fresh_copy
cp "$T/other/checkpoints/C-1.cp" "$B/checkpoints/C-1.cp"
cp "$T/other/checkpoints/C-1.p7s" "$B/checkpoints/C-1.p7s"
remanifest
found "a checkpoint of another register" \
	'^checkpoint: checkpoints/C-1\.cp: signs the log of register [0-9a-f]{32}, this bundle is of register [0-9a-f]{32}$'

fresh_copy
mkdir "$T/t/x"
echo secret >"$T/t/x/y"
printf '%s  ../x/y\n' "$(sha256sum <"$T/t/x/y" | cut -d' ' -f1)" >>"$B/MANIFEST"
found "MANIFEST with ../" "^manifest: MANIFEST line [0-9]+: unsafe path '\.\./x/y' "

fresh_copy
sed -i '1s/^[0-9a-f]\{64\}  /&.\//' "$B/MANIFEST"
found "MANIFEST with ./" "^manifest: MANIFEST line 1: unsafe path '\./approvals/"

fresh_copy
victim=$(find "$B/certs" -name '*.der' -printf '%f\n' | LC_ALL=C sort | head -n 1)
mv "$B/certs/$victim" "$T/t/$victim"
ln -s "../../$victim" "$B/certs/$victim"
found "a symbolic link" "^file: certs/$victim: a symbolic link: a bundle holds none \(not followed\)$"

fresh_copy
mv "$B/approvals" "$T/t/approvals"
ln -s ../approvals "$B/approvals"
found "a linked directory" '^file: approvals: a symbolic link: a bundle holds none \(not followed\)$'

fresh_copy
mkfifo "$B/events/fifo"
found "a FIFO" '^file: events/fifo: not a regular file or directory: a bundle holds none$'

fresh_copy s1
sed -i '/^item /d' "$B/bundle.rec"
echo "item approval/999" >>"$B/bundle.rec"
remanifest
found "a sample item that is not there" '^item: bundle.rec lists approval/999, but approvals/A-999\.approval\.rec is missing$'

fresh_copy
TRUST=$OTHER_CA found "the wrong CA" \
	'^chain \(Alice Approver\): approvals/A-1-1\.p7s: certificate is not issued by a trust anchor$'

finish
