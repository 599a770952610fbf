#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr import and srr export --yaml: the shape of docs/formats/yaml.md with
# every field, upserts (one event per changed entity, none for a file
# imported again), --dry-run, stdin, the round trip import(export(R)) = R
# with byte-identical re-exports, and every kind of bad input refused with
# FILE:LINE:COLUMN and an untouched register.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1

# The latest record of every entity but the register itself: with a clean
# 'srr verify' (rows = latest records) equal output means equal registers.
entity_records() { # db
	sqlite3 "$1" "SELECT entity, hex(record) FROM event e WHERE seq = (SELECT max(seq)
		FROM event WHERE entity = e.entity) AND entity NOT LIKE 'register/%' ORDER BY entity"
}

fresh
# Every field of the shape (docs/formats/yaml.md test vector).
cp "$SRR_TEST_DATA/yaml/full.yaml" full.yaml

# --- a first import, then the same file again -------------------------------------
n0=$(events)
ok srr import --dry-run full.yaml
like "dry run lists each entity" "^add    supplier/acme-cloud$" "$out"
is "dry run: 15 lines" 15 "$(wc -l <<<"$out")"
like "dry run summary" "dry run of full.yaml: 2 suppliers, 14 entities: 14 added, 0 changed, 0 unchanged \(nothing was changed\)$" "$out"
is "dry run appends nothing" "$n0" "$(events)"
ok srr import full.yaml
is "import summary" "imported full.yaml: 2 suppliers, 14 entities: 14 added, 0 changed, 0 unchanged" "$out"
is "one event per entity" $((n0 + 14)) "$(events)"
is "import events" "14|import" "$(sqlite3 "$SRR_DB" "SELECT count(*), 'import' FROM event WHERE action LIKE '%.import'")"
ok srr verify
ok srr export --yaml full.export.yaml
check "the export is the format's test vector" cmp "$SRR_TEST_DATA/yaml/full.export.yaml" full.export.yaml
ok srr supplier show acme-cloud
like "subcontractor linked" "zeta-dc" "$out"
ok srr --json supplier show zeta-dc
json_is .status retired
ok srr --json risk show R-3
json_is .treatment accept
ok srr --json sla list acme-cloud
json_is '.slas[0].target' 99.9

n1=$(events)
snapshot
ok srr import full.yaml
is "again: nothing changes" "imported full.yaml: 2 suppliers, 14 entities: 0 added, 0 changed, 14 unchanged" "$out"
unchanged
ok srr import - <full.yaml
is "stdin" "imported -: 2 suppliers, 14 entities: 0 added, 0 changed, 14 unchanged" "$out"
unchanged

# --- changes: one event each ----------------------------------------------------------
sed -e 's/tier: critical/tier: high/' -e 's/value: 99.5}/value: 99.1}/' \
	-e 's/impact: 4$/impact: 5/' full.yaml >changed.yaml
ok srr import --dry-run changed.yaml
is "dry run of changes" "change supplier/acme-cloud
change measurement/acme-cloud/C-2024-001/availability/2025-02
change risk/1
change risk/3
dry run of changed.yaml: 2 suppliers, 14 entities: 0 added, 4 changed, 10 unchanged (nothing was changed)" "$out"
unchanged
ok srr --json import --dry-run changed.yaml
json_is '.changes | length' 4
json_is '.changes[0].change' change
json_is .changed 4
unchanged
ok srr import changed.yaml
is "four events" $((n1 + 4)) "$(events)"
is "the change events" "supplier.import supplier/acme-cloud
measurement.import measurement/acme-cloud/C-2024-001/availability/2025-02
risk.import risk/1
risk.import risk/3" "$(sqlite3 -separator ' ' "$SRR_DB" "SELECT action, entity FROM event WHERE seq > $n1")"
ok srr verify

# An SLA's new target judges its measurements again: one event per flip.
sed -e 's/target: 99.90/target: 99.0/' changed.yaml >target.yaml
n2=$(events)
ok srr import target.yaml
is "sla and the measurement that flips" "sla/acme-cloud/C-2024-001/availability
measurement/acme-cloud/C-2024-001/availability/2025-02" \
	"$(sqlite3 "$SRR_DB" "SELECT entity FROM event WHERE seq > $n2")"
ok srr verify
# The target back and a measurement's value with it: each entity once, the
# measurement in the state the file gives (found by fuzz-import).
sed -e 's/value: 99.1}/value: 98.5}/' changed.yaml >both.yaml
n3=$(events)
ok srr import both.yaml
is "sla and measurement, one event each" "sla/acme-cloud/C-2024-001/availability
measurement/acme-cloud/C-2024-001/availability/2025-02" \
	"$(sqlite3 "$SRR_DB" "SELECT entity FROM event WHERE seq > $n3")"
like "the measurement as the file says" "value 98.5.breach yes" \
	"$(sqlite3 "$SRR_DB" "SELECT replace(CAST(record AS TEXT), char(10), '.') FROM event WHERE seq = $n3 + 2")"
ok srr verify
# Control characters quoted from the file stay escaped: one printable line.
printf 'suppliers:\n  - {key: a, name: A, tier: "\\e[31mred\\tx"}\n' >ctl.yaml
fails 3 "^srr import: ctl\.yaml:2:29: 'tier' must be one of critical, high, medium, low, not '\\\\x1b\[31mred\\\\tx'$" \
	srr import ctl.yaml

# --- round trip ------------------------------------------------------------------------
ok srr export --yaml e1.yaml
check "export is written" test -s e1.yaml
SRR_DB=$T/copy.db ok srr init
SRR_DB=$T/copy.db ok srr import e1.yaml
SRR_DB=$T/copy.db ok srr export --yaml e2.yaml
check "re-export gives the same bytes" cmp e1.yaml e2.yaml
SRR_DB=$T/copy.db ok srr verify
is "import(export(R)) holds R's entities" "$(entity_records "$SRR_DB")" "$(entity_records "$T/copy.db")"
ok srr import e1.yaml
like "the export imported into its own register changes nothing" ": 0 added, 0 changed, 14 unchanged$" "$out"
ok srr export --yaml - 
is "export to stdout" "$(cat e1.yaml)" "$out"

# A register made by the commands, ids and all, through export and import.
export SRR_DB=$T/cmds.db
ok srr init
ok srr supplier add beta --name "Beta AG" --tier high --country AT --service "Time stamping"
ok srr supplier add gamma --name "yes" --tier medium
ok srr supplier update beta --subcontractor gamma
ok srr contract add beta B-1 --start 2024-01-01 --end 2027-01-01 --clause right-to-audit
ok srr sla add beta B-1 availability --target 99.5 --comparator ge --unit percent
ok srr sla record beta B-1 availability --period 2025-01 --value 99
ok srr incident add gamma --identified 2025-02-01T10:00:00Z --summary "Leak: 12 records"
ok srr risk add gamma --title "No SOC 2" --likelihood 2 --impact 3
ok srr risk add beta --title "Single HSM" --likelihood 4 --impact 4
ok srr risk close R-1
ok srr contract terminate beta B-1 --date 2025-06-30
ok srr supplier retire gamma
ok srr export --yaml cmds.yaml
export SRR_DB=$T/cmds-copy.db
ok srr init
ok srr import cmds.yaml
ok srr export --yaml cmds2.yaml
check "commands register: re-export gives the same bytes" cmp cmds.yaml cmds2.yaml
is "commands register: same entities, same ids" "$(entity_records "$T/cmds.db")" \
	"$(entity_records "$T/cmds-copy.db")"
ok srr verify

# A generated register (gen-register, tests/bench), deterministic by seed.
if [ -n "${SRR_GEN_REGISTER:-}" ]; then
	"$SRR_GEN_REGISTER" --suppliers 60 --seed 7 --out gen.yaml
	"$SRR_GEN_REGISTER" --suppliers 60 --seed 7 --out gen-again.yaml
	check "gen-register is deterministic" cmp gen.yaml gen-again.yaml
	export SRR_DB=$T/gen.db
	ok srr init
	ok srr import gen.yaml
	like "generated file imports" "^imported gen.yaml: 60 suppliers" "$out"
	ok srr export --yaml gen-e1.yaml
	export SRR_DB=$T/gen-copy.db
	ok srr init
	ok srr import gen-e1.yaml
	ok srr export --yaml gen-e2.yaml
	check "generated: re-export gives the same bytes" cmp gen-e1.yaml gen-e2.yaml
	is "generated: same entities" "$(entity_records "$T/gen.db")" "$(entity_records "$T/gen-copy.db")"
	ok srr verify
fi

# --- bad input: FILE:LINE:COLUMN, exit 3, nothing changed ----------------------------------
export SRR_DB=$T/register.db
snapshot
bad() { # pattern, then the file's text on stdin
	cat >bad.yaml
	fails 3 "^srr import: bad\.yaml:$1$" srr import bad.yaml
	unchanged
}
bad "5:5: unknown key 'colour' in a supplier \(known: key, name, tier, .*\)" <<'EOF'
suppliers:
  - key: acme-cloud
    name: Acme
    tier: low
    colour: red
EOF
bad "4:11: 'tier' must be a single value, not a list" <<'EOF'
suppliers:
  - key: acme-cloud
    name: Acme
    tier: [low]
EOF
bad "4:11: 'tier' must be one of critical, high, medium, low, not 'urgent'" <<'EOF'
suppliers:
  - key: acme-cloud
    name: Acme
    tier: urgent
EOF
bad "2:5: 'name' is missing" <<'EOF'
suppliers:
  - key: acme-cloud
    tier: low
EOF
bad "7:16: 'start' is not a valid date \(YYYY-MM-DD\): '2024-02-30'" <<'EOF'
suppliers:
  - key: acme-cloud
    name: Acme
    tier: low
    contracts:
      - ref: C-1
        start: 2024-02-30
        end: 2025-01-01
EOF
bad "5:36: 'likelihood' must be a whole number from 0 to 1000, not 'high'" <<'EOF'
suppliers:
  - key: acme-cloud
    name: Acme
    tier: low
    risks: [{title: T, likelihood: high, impact: 2}]
EOF
bad "3:11: supplier 'acme-cloud' is listed twice \(first at line 2\)" <<'EOF'
suppliers:
  - {key: acme-cloud, name: A, tier: low}
  - {key: acme-cloud, name: B, tier: low}
EOF
bad "2:51: subcontractors make a cycle: a -> b -> c -> a" <<'EOF'
suppliers:
  - {key: a, name: A, tier: low, subcontractors: [b]}
  - {key: b, name: B, tier: low, subcontractors: [c]}
  - {key: c, name: C, tier: low, subcontractors: [a]}
EOF
bad "2:51: subcontractor 'nobody' is not a supplier" <<'EOF'
suppliers:
  - {key: a, name: A, tier: low, subcontractors: [nobody]}
EOF
bad "4:1: did not find expected ',' or '}' while parsing a flow mapping" <<'EOF'
suppliers:
  - {key: a, name: A, tier: low

EOF
printf 'suppliers:\n  - key: a\n    name: "Caf\xe9"\n    tier: low\n' >bad.yaml
fails 3 "^srr import: bad\.yaml:3:15: invalid UTF-8 \(byte 0xe9; the file must be UTF-8\)$" \
	srr import bad.yaml
unchanged
bad "5:15: anchors \(&name\) are not allowed" <<'EOF'
suppliers:
  - key: a
    name: A
    tier: low
    services: &x [lol, lol, lol, lol, lol, lol, lol, lol, lol]
  - key: b
    name: B
    tier: low
    services: [*x, *x, *x, *x, *x, *x, *x, *x, *x]
EOF
bad "5:16: aliases \(\*name\) are not allowed" <<'EOF'
suppliers:
  - key: a
    name: A
    tier: low
    services: [*x]
EOF
python3 -c "print('suppliers:\n  - key: a\n    name: A\n    services: ' + '[' * 40 + ']' * 40)" |
	bad "4:29: nested deeper than the shape allows"
bad "1:1: unknown key 'vendors' at the top \(known: suppliers\)" <<'EOF'
vendors: []
EOF
bad "2:1: only one YAML document is allowed" <<'EOF'
suppliers: []
---
suppliers: []
EOF
# A 2 GB scalar is refused once libyaml has read 1 MiB of it: the rest of
# the pipe is never read (and head, tr stop on SIGPIPE).
_run srr import - < <(printf 'suppliers:\n  - key: a\n    name: '
	head -c 2147483648 /dev/zero | tr '\0' a)
is "2 GB scalar: exit 3" 3 "$rc"
like "2 GB scalar: named" "^srr import: <stdin>:3:9: a value longer than 1048576 bytes follows$" "$err"
unchanged

# --all-errors: every error, up to 100; without it the first only.
cat >many.yaml <<'EOF'
suppliers:
  - {key: a, name: A, tier: low, colour: x}
  - {key: b, name: B, tier: lo}
  - {key: c, name: C, tier: low, country: Germany}
  - {key: d, name: D, tier: low}
EOF
fails 3 "^srr import: many\.yaml:2:34: unknown key 'colour' in a supplier" srr import many.yaml
unchanged
_run srr import --all-errors many.yaml
is "all errors: exit 3" 3 "$rc"
is "all errors: each with its place" "srr import: many.yaml:2:34: unknown key 'colour' in a supplier (known: key, name, tier, country, retired, services, contacts, subcontractors, contracts, reviews, incidents, risks)
srr import: many.yaml:3:29: 'tier' must be one of critical, high, medium, low, not 'lo'
srr import: many.yaml:4:5: country 'Germany' is not an ISO 3166-1 alpha-2 code (e.g. DE)" "$err"
is "all errors: nothing on stdout" "" "$out"
unchanged
python3 -c "
print('suppliers:')
for i in range(150):
    print('  - {key: s%d, name: S, tier: nope}' % i)" >150.yaml
_run srr import --all-errors 150.yaml
is "all errors: at most 100" 100 "$(grep -c "tier" <<<"$err")"
unchanged

fails 3 "^srr import: missing\.yaml: No such file or directory$" srr import missing.yaml
usage_fails "missing FILE.yaml" srr import
unchanged

finish
