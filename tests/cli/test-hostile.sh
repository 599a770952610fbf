#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# Hostile input (issue 8), without a token: the SQL-injection payloads of
# tests/cli/hostile-lib.sh in every text field of one YAML import, stored
# verbatim (read back through srr), no other row changed, no database
# attached, the schema as it was; fields whose validation refuses them say
# so on one printable line, as does the CLI quoting what was typed. Evidence
# paths that climb, link or name a device, a FIFO, a directory or a line
# break; a sparse 2 GiB evidence file hashed in a few MB; oversized
# arguments, a 10,000-element list, a 1 MiB policy line and absurd numbers.
# Batched (few srr runs, each checking much): in CI every srr run here also
# goes through valgrind. The commands, a signing policy and bundles:
# tests/cli/test-hostile-signed.sh.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=hostile-lib.sh
. "$(dirname "$0")/hostile-lib.sh"

for tool in /usr/bin/time python3; do
	command -v "$tool" >/dev/null 2>&1 || _fail "$tool is not installed (contrib/deps.sh)"
done
cd "$T" || exit 1

ok srr init
schema "$SRR_DB" >schema.before
ok srr supplier add h0 --name H0 --tier high
ok srr contract add h0 C-1 --start 2024-01-01 --end 2030-01-01
ok srr sla add h0 C-1 m1 --target 99 --comparator ge

# --- 1. refused where the field's own rules say no ---------------------------------------
# One line, exit 3, nothing changed.
snapshot
fails 3 "^srr supplier add: supplier key ''\); DROP TABLE supplier;--' is invalid" \
	srr supplier add "${PAYLOADS[0]}" --name x --tier low
fails 3 "^srr supplier add: country '' OR '1'='1' is not an ISO 3166-1 alpha-2 code" \
	srr supplier add x --name x --tier low --country "${PAYLOADS[1]}"
fails 3 "^srr supplier add: --tier '%s%n%x%p%99999999s': must be one of" \
	srr supplier add x --name x --tier "${PAYLOADS[3]}"
fails 3 "^srr contract add: contract reference '\"; ATTACH DATABASE 'attached\.db' AS x;--' is invalid" \
	srr contract add h0 "${PAYLOADS[2]}" --start 2024-01-01 --end 2025-01-01
fails 3 "^srr contract add: --clause '' OR '1'='1'" \
	srr contract add h0 C-2 --start 2024-01-01 --end 2025-01-01 --clause "${PAYLOADS[1]}"
fails 3 "^srr sla add: SLA metric '.*' is invalid" \
	srr sla add h0 C-1 "${PAYLOADS[4]}" --target 1 --comparator ge
fails 3 "^srr risk show: '' OR '1'='1' is not a risk id" srr risk show "${PAYLOADS[1]}"
fails 3 "^srr supplier show: supplier key '.{200}" srr supplier show "${PAYLOADS[5]}"
fails 3 "^srr supplier add: actor contains a control character \(0x1b at byte 1\)$" \
	srr --actor $'\e[2J' supplier add x --name x --tier low
# The CLI's own messages quote input too: one printable line whatever it holds.
fails 3 "^srr supplier add: --tier 'low\?\?\[31mred': must be one of" \
	srr supplier add x --name x --tier $'low\n\e[31mred'
usage_fails "^srr: unknown command 'x\?y'" srr $'x\ny'
unchanged
no_attach "refusals"

# --- 2. the same payloads in every text field of one YAML import ------------------------------
# Supplier k carries payload k in each of its text fields (docs/formats/yaml.md).
python3 - "${PAYLOADS[@]}" >payloads.yaml <<'EOF'
import json, sys
print("suppliers:")
for k, p in enumerate(sys.argv[1:]):
    q = json.dumps(p, ensure_ascii=False)
    print(f"""  - key: y{k}
    name: {q}
    tier: low
    services: [{q}]
    contacts: [{{name: {q}, email: a@example.org, role: {q}}}]
    contracts:
      - ref: C-1
        start: 2024-01-01
        end: 2030-01-01
        slas: [{{metric: m, target: 1, comparator: ge, unit: {q if len(p.encode()) <= 64 else '"u"'}, period: month}}]
    reviews:
      - {{date: 2025-01-01, outcome: pass, findings: {q}, reviewer: {q},
          evidence: [{{path: {q}, sha256: {'0' * 64}, size: 1}}]}}
    incidents: [{{identified: 2025-01-01T00:00:00Z, severity: low, summary: {q}}}]
    risks:
      - {{title: {q}, description: {q}, owner: {q}, likelihood: 2, impact: 2,
          treatment: accept, residual_likelihood: 2, residual_impact: 2,
          justification: {q}, accept_until: 2030-01-01, actions: [{{text: {q}, owner: {q}}}]}}""")
EOF
export SRR_DB=$T/import.db
ok srr init
ok srr import payloads.yaml
read_log
like "import: six suppliers" "^imported payloads\.yaml: 6 suppliers, " "$out"
fields=0
for spec in "supplier name" "supplier service" "review findings" "review reviewer" \
	"review evidence" "incident summary" "risk title" "risk description" "risk owner" \
	"risk justification"; do
	# shellcheck disable=SC2086 # two words: type and field; $ALL: the indices
	holds "import: $spec" "$(records $spec)" $ALL
	fields=$((fields + 1))
done
# shellcheck disable=SC2086 # $ALL: the indices
{
	holds "import: contact names" "$(records supplier contact)" $ALL
	holds "import: contact roles" "$(records supplier contact-role)" $ALL
	holds "import: SLA units" "$(records sla unit)" 0 1 2 3 4
	holds "import: action texts" "$(records risk action)" $ALL
	holds "import: action owners" "$(records risk action-owner)" $ALL
}
fields=$((fields + 5))
echo "# import: $NP payloads x $fields text fields (SLA unit: 5 of them fit its 64 bytes)" >&9
ok srr export --yaml import.yaml
SRR_DB=$T/import2.db ok srr init
SRR_DB=$T/import2.db ok srr import import.yaml
SRR_DB=$T/import2.db ok srr export --yaml import2.yaml
check "import: export, import, export byte for byte" cmp import.yaml import2.yaml
ok srr verify
is "import: the schema is unchanged" "$(cat schema.before)" "$(schema "$SRR_DB")"
no_attach "import"
# Refused in keys, refs and metrics, and in the one line that says so.
snapshot
for bad in "key: $(json_str "${PAYLOADS[0]}")|supplier key '.*' is invalid" \
	"key: ok, contracts: [{ref: $(json_str "${PAYLOADS[2]}"), start: 2024-01-01, end: 2025-01-01}]|ref" \
	"key: ok, country: $(json_str "${PAYLOADS[1]}")|country"; do
	printf 'suppliers:\n  - {name: n, tier: low, %s}\n' "${bad%|*}" >bad.yaml
	fails 3 "^srr import: bad\.yaml:2:[0-9]+: .*${bad#*|}" srr import bad.yaml
done
unchanged
export SRR_DB=$T/register.db

# --- 3. evidence paths --------------------------------------------------------------------
# The user names a file; srr records its resolved absolute path, SHA-256 and
# size, and never writes anything there. A bundle carries no evidence files.
mkdir -p a/b
printf 'outside\n' >outside.txt
printf 'other\n' >other.txt
ln -s ../../outside.txt a/b/link.txt
ln -s "$T/other.txt" a/b/abs-link.txt
ok srr review record h0 --date 2025-02-01 --outcome pass --evidence a/b/../../../"$(basename "$T")"/outside.txt \
	--evidence a/b/abs-link.txt --evidence /etc/hostname
like "a climbing path, a link and an absolute path" "^Recorded review [0-9]+$" "$out"
fails 3 "^srr review record: evidence file .*outside\.txt is given twice$" \
	srr review record h0 --date 2025-02-01 --outcome pass --evidence outside.txt --evidence a/b/link.txt
ok srr --json review list h0
json_is '.reviews[0].evidence | map(.path) | join("|")' "$T/outside.txt|$T/other.txt|/etc/hostname"
check "the files named are left as they were" test "$(cat outside.txt other.txt)" = "outside
other"
mkfifo fifo
# A hang here would be the bug: bounded, with the wrapper (valgrind) inside.
srr_bounded() {
	# shellcheck disable=SC2086 # the wrapper is a command line
	timeout 60 ${SRR_TEST_WRAPPER:-} "$SRR" "$@"
}
printf x >"$(printf 'new\nline')"
snapshot
fails 3 "^srr review record: evidence file /dev/zero: not a regular file$" \
	srr_bounded review record h0 --date 2025-02-01 --outcome pass --evidence /dev/zero
fails 3 "^srr review record: evidence file fifo: not a regular file$" \
	srr_bounded review record h0 --date 2025-02-01 --outcome pass --evidence fifo
fails 3 "^srr review record: evidence file a: not a regular file$" \
	srr review record h0 --date 2025-02-01 --outcome pass --evidence a
fails 3 "^srr review record: evidence file new\?line: its name contains a control character \(0x0a at byte [0-9]+\)$" \
	srr review record h0 --date 2025-02-01 --outcome pass --evidence "$(printf 'new\nline')"
unchanged
# A sparse file over 2 GiB is hashed as it is read, in a few MB. This run
# measures srr's own memory, so it goes around the test wrapper.
truncate -s 2G huge.bin
printf x >>huge.bin
_run /usr/bin/time -f 'maxrss %M' "$SRR" review record h0 --date 2025-02-01 --outcome pass --evidence huge.bin
is "2 GiB evidence: recorded" 0 "$rc"
rss=$(sed -n 's/^maxrss //p' <<<"$err")
check "2 GiB evidence: at most 256 MB resident, ASan included (${rss} kB)" test "${rss:-999999}" -lt 262144
rm -f huge.bin
ok srr --json review list h0
json_is '.reviews[0].evidence[0] | [.size, .sha256] | map(tostring) | join(" ")' \
	"2147483649 4ec7c05249cde176c7277af25f400dc66e87fabf7158179a191562d4338c42d3"

# --- 4. oversized and absurd values -------------------------------------------------------------
# One argument can be at most 128 KiB (Linux's MAX_ARG_STRLEN).
big=$(head -c 131000 /dev/zero | tr '\0' "'")
snapshot
fails 3 "^srr supplier add: supplier name is longer than 256 bytes$" srr supplier add x --name "$big" --tier low
fails 3 "^srr risk add: risk description is longer than 65536 bytes$" \
	srr risk add h0 --title t --description "$big" --likelihood 1 --impact 1
# Quoted back, the value is cut: the line stays short and says so.
fails 3 "^srr supplier add: --tier '''+\.\.\.$" srr supplier add x --name x --tier "$big"
check "a 128 KiB value is quoted in at most 1 KiB" test "$(wc -c <"$T/.err")" -le 1100
fails 3 "^srr supplier add: supplier key ''+\.\.\.$" srr supplier add "$big" --name x --tier low
fails 3 "^srr risk add: --likelihood '99999999999999999999': must be a position on the policy's scale" \
	srr risk add h0 --title t --likelihood 99999999999999999999 --impact 1
fails 3 "^srr contract add: --notice-days '-1': must be a whole number of days, 0 to 3650$" \
	srr contract add h0 C-9 --start 2024-01-01 --end 2025-01-01 --notice-days -1
fails 3 "^srr sla record: SLA value '1e999' is not a decimal number" \
	srr sla record h0 C-1 m1 --period 2025-01 --value 1e999
fails 3 "^srr sla add: SLA target 'NaN' is not a decimal number" \
	srr sla add h0 C-1 m9 --target NaN --comparator ge
unchanged
# A list of 10,000 services in one supplier is taken (lists have no own
# limit; one supplier item may hold 200,000 YAML nodes), a line of 1 MiB in a
# policy is not (a value longer than 1 MiB is refused as it is read).
python3 -c "print('suppliers:\n  - {key: many, name: M, tier: low, services: [' + ', '.join('s%d' % i for i in range(10000)) + ']}')" >many.yaml
# Around the wrapper: 7 s under valgrind for what other tests check there.
SRR_TEST_WRAPPER='' ok srr import many.yaml
SRR_TEST_WRAPPER='' ok srr --json supplier show many
json_is '.services | length' 10000
snapshot
{ printf 'version: 1\nname: "'; head -c 1100000 /dev/zero | tr '\0' x; printf '"\n'; } >long.yaml
fails 3 "^srr policy set: long\.yaml:[0-9]+:[0-9]+: .*(longer than|1048576)" srr policy set long.yaml
unchanged

finish
