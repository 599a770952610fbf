#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr policy check|set|show and srr init --policy: checking without a
# register, versions, the stored YAML, refused policies with FILE:LINE:COL,
# and trust anchors and approver certificates made with certtool (that part
# is skipped, exit 77, when certtool from gnutls-bin is missing).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# A policy like the built-in default, with a name and a cadence for high.
P=$T/pol
mkdir "$P"
write_policy() { # FILE [NAME] [HIGH-CADENCE]
	cat >"$1" <<EOF
version: 1
name: ${2:-Test policy}
review:
  cadence_months: {critical: 3, high: ${3:-6}, medium: 12, low: 12}
  after_incident_days: 30
  after_sla_breach_days: 30
risk:
  likelihood: [rare, unlikely, possible, likely, almost-certain]
  impact: [negligible, minor, moderate, major, severe]
  levels:
    - {name: low, max: 4}
    - {name: medium, max: 9}
    - {name: high, max: 16}
    - {name: critical, max: 25}
  tolerance: medium
  acceptance_max_days: 365
EOF
}
write_policy "$P/good.yaml" "Good policy"
write_policy "$P/v2.yaml" "Second policy" 4
write_policy "$P/v3.yaml" "Third policy" 2
# Refused ones, each with the exact place of the fault.
write_policy "$P/cadence.yaml" "Bad cadence" 13 # 4:39
sed 's/{critical: 3, /{critical: 3, urgent: 2, /' "$P/good.yaml" >"$P/tier.yaml" # 4:33
sed 's/^  tolerance:/  tolerence:/' "$P/good.yaml" >"$P/key.yaml"                # 15:3
sed 's/^  tolerance: medium/  tolerance: severe/' "$P/good.yaml" >"$P/tol.yaml"   # 15:14
sed 's/\[rare, /[rare,, /' "$P/good.yaml" >"$P/syntax.yaml"                      # 8:21
sed 's/after_incident_days: 30/after_incident_days: 366/' "$P/good.yaml" >"$P/days.yaml" # 5:24
printf 'version: 1\nname: *n\n' >"$P/alias.yaml"                                 # 2:7
printf 'version: 1\nname: &n x\n' >"$P/anchor.yaml"                              # 2:7
printf 'version: 1\nname: x\n---\nversion: 1\n' >"$P/twodocs.yaml"                # 3:1
printf 'version: 1\nname: x\n' >"$P/missing.yaml"                                # 1:1

# --- check needs no register, and creates none -------------------------------
ok srr policy check "$P/good.yaml"
is "check: valid" "Policy is valid: $P/good.yaml" "$out"
check "check creates no register" test ! -e "$SRR_DB"
ok srr --json policy check "$P/good.yaml"
json_is .valid "$P/good.yaml"
snapshot
fails 3 "^srr policy check: $P/cadence\.yaml:4:39: review\.cadence_months\.high must be 1 to 12, not 13$" \
	srr policy check "$P/cadence.yaml"
fails 3 "^srr policy check: $P/nothere\.yaml: cannot read the policy file$" \
	srr policy check "$P/nothere.yaml"
unchanged
check "a refused check creates no register" test ! -e "$SRR_DB"

# --- init --policy: the first version, in the same transaction ---------------
ok srr init --policy "$P/good.yaml"
like "init --policy creates the register" "^Created register $SRR_DB " "$out"
ok srr --json policy show
json_is '[.version, .name, .set_by] | join("|")' "1|Good policy|tester"
json_is '.set_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' true
json_is '.cadence_months | [.critical, .high, .medium, .low] | join(",")' 3,6,12,12
json_is '[.after_incident_days, .after_sla_breach_days, .acceptance_max_days, .tolerance] | join(",")' 30,30,365,medium
json_is '[.levels[] | "\(.name)<=\(.max)"] | join(",")' "low<=4,medium<=9,high<=16,critical<=25"
json_is '.likelihood | join(",")' rare,unlikely,possible,likely,almost-certain
json_is '.impact | length' 5
json_is '.weights | [.residual, .tier, .sla_breach, .overdue_review, .clause_gap, .late_notification] | join(",")' \
	10,5,3,4,1,3
json_is '[(.trust_anchors | length), (.approvers | length)] | join(",")' 0,0
ok srr --json log
json_is '[.events[].action] | join(",")' register.init,policy.set
json_is '.events[1].entity' policy/1

# A refused policy leaves no register behind (nor its journal files).
snapshot "$T/bad.db"
fails 3 "^srr init: $P/cadence\.yaml:4:39: review\.cadence_months\.high must be 1 to 12, not 13$" \
	srr --db "$T/bad.db" init --policy "$P/cadence.yaml"
unchanged "$T/bad.db"
check "init with a bad policy leaves no file" \
	test ! -e "$T/bad.db" -a ! -e "$T/bad.db-journal" -a ! -e "$T/bad.db-wal"
fails 3 "^srr init: $P/nothere\.yaml: cannot read the policy file$" \
	srr --db "$T/bad.db" init --policy "$P/nothere.yaml"
check "init with a missing policy leaves no file" test ! -e "$T/bad.db"

# --- set: numbered versions; the same policy again stores nothing ------------
ok srr policy set "$P/v2.yaml"
like "set prints the version" 'version 2$' "$out"
ok srr --json policy set "$P/v3.yaml"
json_is .version 3
n=$(events)
snapshot
ok srr --json policy set "$P/v3.yaml"
json_is .version 3
unchanged
is "the same policy again logs nothing" "$n" "$(events)"
ok srr --json policy show
json_is '[.version, .name, .cadence_months.high] | join("|")' "3|Third policy|2"
ok srr policy show
like "show: version line" "^Policy version 3: Third policy \(set [0-9T:Z-]+ by tester\)$" "$out"
like "show: cadence" '^Review cadence: +critical 3, high 2, medium 12, low 12 months$' "$out"
like "show: tolerance" '^Tolerance: +medium ' "$out"
like "show: no trust anchors" '^Trust anchors: +0$' "$out"

# --version N, and --yaml: the source byte for byte.
ok srr --json policy show --version 1
json_is '[.version, .name, .cadence_months.high] | join("|")' "1|Good policy|6"
srr policy show --yaml >"$T/shown.yaml"
check "show --yaml prints the source of the version in force" cmp -s "$T/shown.yaml" "$P/v3.yaml"
srr policy show --version 2 --yaml >"$T/shown.yaml"
check "show --version 2 --yaml prints that version's source" cmp -s "$T/shown.yaml" "$P/v2.yaml"
srr --json policy show --version 1 --yaml >"$T/shown.yaml"
check "--yaml wins over --json" cmp -s "$T/shown.yaml" "$P/good.yaml"
fails 3 "^srr policy show: no policy version 9 \(the latest is 3\)$" srr policy show --version 9
fails 3 "^srr policy show: --version '0': must be a version number$" srr policy show --version 0
fails 3 "^srr policy show: --version 'x': must be a version number$" srr policy show --version x
usage_fails "^srr policy set: " srr policy set
usage_fails "^srr policy show: unexpected argument 'extra'" srr policy show extra

# The built-in default, in a register without a policy.
ok srr --db "$T/default.db" init
ok srr --db "$T/default.db" --json policy show
json_is '[.version, .set_at, .set_by] | map(tostring) | join("|")' "0|null|null"
srr --db "$T/default.db" policy show --yaml >"$T/shown.yaml"
check "the default's YAML is contrib/policy-default.yaml" \
	cmp -s "$T/shown.yaml" "$(dirname "$0")/../../contrib/policy-default.yaml"

# --- refused policies: exit 3, FILE:LINE:COL, nothing stored -----------------
n=$(events)
snapshot
fails 3 "^srr policy set: $P/cadence\.yaml:4:39: review\.cadence_months\.high must be 1 to 12, not 13$" \
	srr policy set "$P/cadence.yaml"
fails 3 "^srr policy set: $P/tier\.yaml:4:33: unknown key 'urgent' in review\.cadence_months" \
	srr policy set "$P/tier.yaml"
fails 3 "^srr policy set: $P/key\.yaml:15:3: unknown key 'tolerence' in risk$" \
	srr policy set "$P/key.yaml"
fails 3 "^srr policy set: $P/tol\.yaml:15:14: risk\.tolerance 'severe' is not one of the risk levels$" \
	srr policy set "$P/tol.yaml"
fails 3 "^srr policy set: $P/syntax\.yaml:8:21: did not find expected node content" \
	srr policy set "$P/syntax.yaml"
fails 3 "^srr policy set: $P/days\.yaml:5:24: .*after_incident_days must be 0 to 365, not 366$" \
	srr policy set "$P/days.yaml"
fails 3 "^srr policy set: $P/alias\.yaml:2:7: aliases are not allowed$" srr policy set "$P/alias.yaml"
fails 3 "^srr policy set: $P/anchor\.yaml:2:7: anchors are not allowed$" srr policy set "$P/anchor.yaml"
fails 3 "^srr policy set: $P/twodocs\.yaml:3:1: only one YAML document is allowed$" \
	srr policy set "$P/twodocs.yaml"
fails 3 "^srr policy set: $P/missing\.yaml:1:1: policy: missing 'review'$" srr policy set "$P/missing.yaml"
fails 3 "^srr policy set: $P/nothere\.yaml: cannot read the policy file$" srr policy set "$P/nothere.yaml"
unchanged
is "refused policies log nothing" "$n" "$(events)"

# --- trust anchors and approver certificates (certtool) ----------------------
if ! command -v certtool >/dev/null 2>&1; then
	if [ "$FAILED" != 0 ]; then
		finish
	fi
	echo "$PASSED passed, 0 failed; SKIP: certtool (gnutls-bin) is not installed"
	trap - EXIT
	rm -rf "$T"
	exit 77
fi
C=$T/certs
mkdir "$C"
gen() { certtool "$@" >/dev/null 2>&1 || _fail "certtool $*"; }
printf 'cn = "Test CA"\nca\ncert_signing_key\nexpiration_days = 3650\n' >"$C/ca.tmpl"
printf 'cn = "Alice Approver"\nemail = "alice@example.org"\nsigning_key\nemail_protection_key\nexpiration_days = 365\n' \
	>"$C/alice.tmpl"
gen --generate-privkey --key-type ecdsa --outfile "$C/ca.key"
gen --generate-self-signed --load-privkey "$C/ca.key" --template "$C/ca.tmpl" --outfile "$C/ca.pem"
gen --generate-privkey --key-type ecdsa --outfile "$C/alice.key"
gen --generate-certificate --load-privkey "$C/alice.key" --load-ca-certificate "$C/ca.pem" \
	--load-ca-privkey "$C/ca.key" --template "$C/alice.tmpl" --outfile "$C/alice.pem"
gen --certificate-info --infile "$C/ca.pem" --outder --outfile "$C/ca.der"

# The certificate's SHA-256 fingerprint and public key id (SHA-256 of the
# SubjectPublicKeyInfo), as certtool prints them.
fingerprint() {
	certtool --certificate-info --infile "$1" |
		awk '/Fingerprint:/ { f = 1 } f && /sha256:/ { sub(/.*sha256:/, ""); print; exit }'
}
key_id() {
	certtool --certificate-info --infile "$1" |
		awk '/Public Key ID:/ { f = 1 } f && /sha256:/ { sub(/.*sha256:/, ""); print; exit }'
}
ca_sha=$(fingerprint "$C/ca.pem")
alice_sha=$(fingerprint "$C/alice.pem")
alice_spki=$(key_id "$C/alice.pem")
like "certtool gives the CA's fingerprint" '^[0-9a-f]{64}$' "$ca_sha"
if command -v openssl >/dev/null 2>&1; then
	is "openssl agrees on the CA's fingerprint" "$ca_sha" \
		"$(openssl x509 -in "$C/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')"
fi

# Paths are relative to the policy file, wherever srr runs from.
write_certs() { # FILE ANCHOR
	write_policy "$1" "With approvers"
	cat >>"$1" <<EOF
trust_anchors: [$2]
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management, board]}
approval_rules:
  - {subject: risk, residual: [low, medium, high, critical], roles: [management], quorum: 1}
  - {subject: policy, roles: [board], quorum: 1}
EOF
}
write_certs "$C/certs.yaml" ca.pem
write_certs "$C/der.yaml" ca.der
write_certs "$C/leaf.yaml" alice.pem
sed 's/cert: alice\.pem/cert: gone.pem/' "$C/certs.yaml" >"$C/nocert.yaml"
sed 's/\[ca\.pem\]/[ca.pem, ca.der]/' "$C/certs.yaml" >"$C/twice.yaml"

ok srr policy check "$C/der.yaml"
ok srr policy set "$C/certs.yaml"
like "set with certificates" 'version 4$' "$out"
ok srr --json policy show
json_is '.trust_anchors | join(",")' "$ca_sha"
json_is '.approvers | length' 1
json_is '.approvers[0] | [.name, .cert_sha256, .spki_sha256] | join("|")' \
	"Alice Approver|$alice_sha|$alice_spki"
json_is '.approvers[0] | [(.actors | join(",")), (.roles | join(","))] | join("|")' "alice|management,board"
json_is '[.approval_rules[] | "\(.subject):\(.residual | join("/")):\(.roles | join("/")):\(.quorum)"] | join(" ")' \
	"risk:low/medium/high/critical:management:1 policy::board:1"
ok srr policy show
like "show lists the anchor" "^  sha256:$ca_sha$" "$out"
like "show lists the approver" "^  Alice Approver \(actors: alice; roles: management, board; spki sha256:$alice_spki\)$" "$out"

# The same anchor as DER is the same certificate: the same policy otherwise.
ok srr --db "$T/der.db" init --policy "$C/der.yaml"
ok srr --db "$T/der.db" --json policy show
json_is '.trust_anchors | join(",")' "$ca_sha"

n=$(events)
snapshot
fails 3 "^srr policy set: $C/leaf\.yaml:17:17: trust anchor CN=Alice Approver is not a CA certificate$" \
	srr policy set "$C/leaf.yaml"
fails 3 "^srr policy set: $C/nocert\.yaml:19:34: approver certificate: cannot read .*gone\.pem$" \
	srr policy set "$C/nocert.yaml"
fails 3 "^srr policy set: $C/twice\.yaml:17:25: trust anchor CN=Test CA is listed twice$" \
	srr policy set "$C/twice.yaml"
unchanged
is "refused certificates log nothing" "$n" "$(events)"
snapshot "$T/leaf.db"
fails 3 "^srr init: $C/leaf\.yaml:17:17: trust anchor CN=Alice Approver is not a CA certificate$" \
	srr --db "$T/leaf.db" init --policy "$C/leaf.yaml"
unchanged "$T/leaf.db"

finish
