#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# Hostile input (issue 8) through the commands, on a real SoftHSM2 token
# (tests/token-fixture.sh): the payloads of tests/cli/hostile-lib.sh in the
# text fields of suppliers, contracts, SLAs, reviews (findings and evidence
# file names), incidents, risks and treatments, in a signing policy (its
# name, approvers' names, actors and roles), in --actor and in a signed
# refusal's reason: stored verbatim, signed and verified, exported and
# imported byte for byte, the schema as it was. Bundles whose names escape
# the directory (strace shows the verifier never opens the canary they point
# at), whose MANIFEST lies, or whose approval content is another approval's;
# export into a directory holding or being a symbolic link.
# Suite no-valgrind: its signing runs, checkpoint and bundles take about
# five minutes under valgrind; ASan+UBSan runs it in CI, and the verifier's
# parsing of hostile names is valgrind-checked by tests/cli/test-bundle.sh.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=hostile-lib.sh
. "$(dirname "$0")/hostile-lib.sh"

token_fixture
command -v strace >/dev/null 2>&1 || _fail "strace is not installed (contrib/deps.sh)"
cd "$T" || exit 1

# --- 1. through the commands and a signing policy --------------------------------------------
cp "$CERT" alice.pem
cp "$BOB_CERT" bob.pem
ACTOR_A=${PAYLOADS[1]}
ACTOR_B=${PAYLOADS[3]}
ROLE=${PAYLOADS[2]}
signing_policy "$T" "${PAYLOADS[0]}" <<EOF
approvers:
  - {name: $(json_str "${PAYLOADS[0]}"), cert: alice.pem, actors: [$(json_str "$ACTOR_A")], roles: [$(json_str "$ROLE")]}
  - {name: $(json_str "${PAYLOADS[5]}"), cert: bob.pem, actors: [$(json_str "$ACTOR_B")], roles: [$(json_str "$ROLE")]}
approval_rules:
  - {subject: risk, residual: [low, medium, high, critical], roles: [$(json_str "$ROLE")], quorum: 1}
  - {subject: treatment, roles: [$(json_str "$ROLE")], quorum: 1}
EOF
sed -i "s/^name: .*/name: $(json_str "${PAYLOADS[0]}" | sed 's/[&/\]/\\&/g')/" policy.yaml
ok srr init --policy policy.yaml
schema "$SRR_DB" >schema.before
printf '%s\n' "$PIN" >pin
chmod 600 pin

# Three suppliers, each named by a payload, each with every payload as a
# service, a contact's name and a contact's role.
for i in 0 2 4; do
	args=()
	for p in "${PAYLOADS[@]}"; do
		args+=(--service "$p" --contact "$p" --contact "Jane $i,jane@example.org,$p")
	done
	ok srr supplier add "h$i" --name "${PAYLOADS[i]}" --tier high "${args[@]}"
done
ok srr contract add h0 C-1 --start 2024-01-01 --end 2030-01-01 --clause right-to-audit
ok srr sla add h0 C-1 m1 --target 99 --comparator ge --unit "${PAYLOADS[1]}"
ok srr sla add h0 C-1 m3 --target 99 --comparator ge --unit "${PAYLOADS[3]}"
# Evidence files named by the payloads that hold no '/'.
for i in 0 1 2 3 5; do printf 'evidence %s\n' "$i" >"${PAYLOADS[i]}"; done
ok srr review record h0 --date 2025-01-01 --outcome pass --findings "${PAYLOADS[0]}" \
	--evidence "${PAYLOADS[0]}" --evidence "${PAYLOADS[1]}" --evidence "${PAYLOADS[2]}" \
	--evidence "${PAYLOADS[3]}" --evidence "${PAYLOADS[5]}"
ok srr review record h2 --date 2025-01-02 --outcome fail --findings "${PAYLOADS[4]}"
ok srr incident add h0 --identified 2025-01-01T00:00:00Z --summary "${PAYLOADS[1]}" --severity low
ok srr risk add h0 --title "${PAYLOADS[0]}" --description "${PAYLOADS[1]}" --owner "${PAYLOADS[2]}" \
	--likelihood 3 --impact 3
ok srr risk add h2 --title "${PAYLOADS[3]}" --description "${PAYLOADS[4]}" --owner "${PAYLOADS[5]}" \
	--likelihood 3 --impact 3
ok srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 3 \
	--justification "${PAYLOADS[2]}" --until "$(date -u -d '+100 days' +%F)"
ok srr risk treat R-2 --treatment mitigate --residual-likelihood 2 --residual-impact 2 \
	--action "${PAYLOADS[4]}" --action "${PAYLOADS[5]}"
# Approvals: requested, signed and refused by actors named by payloads.
ok srr --actor "${PAYLOADS[4]}" approval request risk R-1
ok srr --actor "${PAYLOADS[4]}" approval request treatment R-2
ok srr --actor "$ACTOR_A" approve A-1 --key "$KEY_URI" --pin-file pin
ok srr --actor "$ACTOR_B" approval reject A-2 --reason "${PAYLOADS[0]}${PAYLOADS[3]}" \
	--key "$BOB_URI" --pin-file pin

# Read back through srr.
read_log
# shellcheck disable=SC2086 # $ALL: the indices
{
	holds "supplier names" "$(records supplier name)" 0 2 4
	holds "services" "$(records supplier service)" $ALL
	holds "contact names" "$(records supplier contact)" $ALL
	holds "contact roles" "$(records supplier contact-role)" $ALL
	holds "SLA units" "$(records sla unit)" 1 3
	holds "findings" "$(records review findings)" 0 4
	holds "incident summaries" "$(records incident summary)" 1
	holds "risk titles" "$(records risk title)" 0 3
	holds "risk descriptions" "$(records risk description)" 1 4
	holds "risk owners" "$(records risk owner)" 2 5
	holds "risk justifications" "$(records risk justification)" 2
	holds "treatment actions" "$(records risk action)" 4 5
}
ok srr --json supplier show h0
json_is .name "${PAYLOADS[0]}"
json_is '.services | join("|")' "$(IFS='|'; echo "${PAYLOADS[*]}")"
ok srr --json review list h0
json_is '.reviews[0].findings' "${PAYLOADS[0]}"
json_is '[.reviews[0].evidence[].path | split("/") | last] | join("|")' \
	"$(printf '%s|' "${PAYLOADS[0]}" "${PAYLOADS[1]}" "${PAYLOADS[2]}" "${PAYLOADS[3]}" "${PAYLOADS[5]}" | sed 's/|$//')"
ok srr --json risk show R-1
json_is '[.title, .description, .owner, .justification] | join("|")' \
	"${PAYLOADS[0]}|${PAYLOADS[1]}|${PAYLOADS[2]}|${PAYLOADS[2]}"
ok srr --json approval show A-2
json_is '.requester' "${PAYLOADS[4]}"
is "the refusal's reason, verbatim" "${PAYLOADS[0]}${PAYLOADS[3]}" \
	"$(printf '%s' "$out" | jq -r '.. | strings' | grep -Fx -- "${PAYLOADS[0]}${PAYLOADS[3]}")"
ok srr --json policy show
json_is .name "${PAYLOADS[0]}"
json_is '[.approvers[] | .name, .actors[0], .roles[0]] | join("|")' \
	"${PAYLOADS[0]}|$ACTOR_A|$ROLE|${PAYLOADS[5]}|$ACTOR_B|$ROLE"
ok srr --json log
json_is '[.events[].actor] | unique | sort | join("|")' \
	"$(printf '%s\n' tester "$ACTOR_A" "$ACTOR_B" "${PAYLOADS[4]}" | LC_ALL=C sort | paste -sd'|')"
ok srr verify --trust "$CA"
like "verify: clean" "0 failures$" "$out"
# The YAML export quotes them so that they come back the same.
ok srr export --yaml cmds.yaml
SRR_DB=$T/copy.db ok srr init --policy policy.yaml
SRR_DB=$T/copy.db ok srr import cmds.yaml
SRR_DB=$T/copy.db ok srr export --yaml cmds2.yaml
check "payloads survive export, import, export byte for byte" cmp cmds.yaml cmds2.yaml
is "the schema is unchanged" "$(cat schema.before)" "$(schema "$SRR_DB")"
is "rows: 3 suppliers, 18 services, 36 contacts, 2 risks, 5 evidence files" "3 18 36 2 5" \
	"$(sqlite3 "$SRR_DB" "SELECT (SELECT count(*) FROM supplier), (SELECT count(*) FROM supplier_service),
		(SELECT count(*) FROM supplier_contact), (SELECT count(*) FROM risk),
		(SELECT count(*) FROM review_evidence)" | tr '|' ' ')"
no_attach "commands"

# --- 2. bundles ------------------------------------------------------------------------------
ok srr checkpoint --key "$KEY_URI" --pin-file pin
ok srr export --bundle bundle
B=$T/t/bundle
fresh_copy() { rm -rf "$T/t" && mkdir "$T/t" && cp -r "$T/bundle" "$B"; }
remanifest() {
	(cd "$B" && find . -type f ! -name MANIFEST | sed 's|^\./||' | LC_ALL=C sort |
		xargs -d '\n' sha256sum >"$T/t/MANIFEST.new") && mv "$T/t/MANIFEST.new" "$B/MANIFEST"
}
# verify_fails: verify-bundle $B exits 1 and says FAILED; $out holds the findings.
verify_fails() {
	_run srr verify-bundle "$B" --trust "$CA"
	if [ "$rc" = 1 ] && [ -z "$err" ] && tail -n 1 <<<"$out" | grep -q '^FAILED: '; then
		_pass "$1: verify-bundle fails"
		return 0
	fi
	_fail "$1: verify-bundle exit $rc"
	_detail stdout "$out"
	_detail stderr "$err"
	return 1
}
finding() { like "$1" "$2" "$out"; }

# Names that leave the directory, in the MANIFEST and on disk, all at once.
# The canary outside is what they point at: strace shows it is never opened.
fresh_copy
printf 'canary\n' >"$T/canary"
c=$(sha256sum <"$T/canary" | cut -c1-64)
deep=$(printf 'd/%.0s' {1..12})
long=$(head -c 300 /dev/zero | tr '\0' n)
{
	cat "$B/MANIFEST"
	for p in "../canary" "/$T/canary" "approvals/../../canary" 'approvals\..\..\canary' \
		"approvals∕..∕..∕canary" "approvals/．．/．．/canary" "${deep}canary" "$long/$long/canary"; do
		printf '%s  %s\n' "$c" "$p"
	done
} | LC_ALL=C sort -s -t ' ' -k3,3 >"$B/MANIFEST.new"
mv "$B/MANIFEST.new" "$B/MANIFEST"
mkdir -p "$B/$deep" "$B/events/x∕y"
ln -s "$T/canary" "$B/$deep/canary"
cp "$T/canary" "$B/events/x∕y/canary"
printf x >"$B/approvals/a\\b"
_run strace -f -e trace=%file -o "$T/strace.log" "$SRR" verify-bundle "$B" --trust "$CA"
is "escaping names: verify-bundle exit 1" 1 "$rc"
finding "'../' refused" "^manifest: MANIFEST line [0-9]+: unsafe path '\.\./canary' "
finding "an absolute path refused" "^manifest: MANIFEST line [0-9]+: unsafe path '//?tmp/"
finding "'a/../../b' refused" "^manifest: MANIFEST line [0-9]+: unsafe path 'approvals/\.\./\.\./canary' "
finding "backslashes refused" "unsafe path 'approvals\\\\x5c\.\.\\\\x5c"
finding "a Unicode slash (U+2215) refused" "unsafe path 'approvals\\\\xe2\\\\x88\\\\x95"
finding "fullwidth dots refused" "unsafe path 'approvals/\\\\xef\\\\xbc\\\\x8e"
finding "a 624-byte path refused" "unsafe path 'n{100}"
finding "deep nesting on disk is not walked" "^file: d/d/d/d: directories nested deeper than a bundle's: not read$"
finding "a Unicode name on disk is not read" "^file: events/x\\\\xe2\\\\x88\\\\x95y: unsafe name "
finding "a backslash name on disk is not read" "^file: approvals/a\\\\x5cb: unsafe name "
finding "the MANIFEST's names are never opened" "^manifest: MANIFEST names d/d/d/d/d/d/d/d/d/d/d/d/canary, which is missing$"
like "the canary is never opened or looked at" "^$" "$(grep -F canary "$T/strace.log" | grep -v 'MANIFEST\|execve')"
check "strace saw the verifier open the bundle's files" grep -q 'bundle.rec' "$T/strace.log"

# The MANIFEST lies.
fresh_copy
line=$(grep ' policy.rec$' "$B/MANIFEST")
sed -i "s|^.* policy.rec$|&\n$line|" "$B/MANIFEST"
victim=$(grep -m1 ' events/' "$B/MANIFEST" | cut -c67-)
sed -i "s|^[0-9a-f]*  $victim$|$(printf x | sha256sum | cut -c1-64)  $victim|" "$B/MANIFEST"
sed -i "s|  certs/|  certs/0|" "$B/MANIFEST"
verify_fails "a MANIFEST that lies"
finding "a file listed twice" "^manifest: MANIFEST line [0-9]+: a second line for one file: lines are sorted by path, each once$"
finding "a hash that does not match" "^manifest: $victim: SHA-256 differs from the MANIFEST: the file was edited$"
finding "a file it lists and the bundle lacks" "^manifest: MANIFEST names certs/0[0-9a-f]{64}\.der, which is missing$"
finding "... and the one it leaves out" "^manifest: certs/[0-9a-f]{64}\.der is not in the MANIFEST$"

# An approval's signed content swapped for another approval's, each file
# valid and the MANIFEST made anew: the approval A-2 is not A-1.
fresh_copy
cp "$B/approvals/A-2-rejection.rec" "$B/approvals/A-1.rec"
remanifest
verify_fails "another approval's content under A-1"
finding "the content is not the approved one" \
	"^record: approvals/A-1\.rec: SHA-256 differs from the record-sha256 approvals/A-1\.approval\.rec lists$"
finding "... and the signature does not cover it" "^signature .*approvals/A-1-1\.p7s: does not verify over the approved record"
fresh_copy
for f in rec approval.rec; do cp "$B/approvals/A-2.$f" "$B/approvals/A-1.$f"; done
remanifest
verify_fails "A-2's records renamed A-1"
finding "the request is not approval 1's" "approvals/A-1\.approval\.rec"

# Export never writes through a link: a target holding one, or being one, is refused.
mkdir out1 elsewhere
ln -s ../elsewhere out1/approvals
ln -s elsewhere out2
fails 3 "^srr export: .*out1: exists and is not empty$" srr export --bundle out1
fails 3 "^srr export: .*out2: exists and is not a directory$" srr export --bundle out2
is "nothing was written outside" "" "$(ls -A elsewhere)"

finish
