#!/usr/bin/env bash
# From a fresh Debian 12 machine to a demo register.
#
#   contrib/quickstart.sh [DIR]     (default DIR: ./srr-demo, replaced if it exists)
#
# Installs the packages srr needs if missing (root or sudo), builds srr,
# makes a throwaway SoftHSM2 token with two approvers' keys, fills a demo
# register with suppliers, subcontractors, contracts with their clause
# checklists, SLAs, reviews and risks, has management sign a risk
# acceptance on the token, verifies it (with srr and with plain OpenSSL),
# shows what the register holds, and writes the HTML report (with the same
# tables as CSV files) and an auditor bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
. contrib/deps.sh

demo=${1:-srr-demo}
case "$demo" in /*) ;; *) demo="$top/$demo" ;; esac

srr_install_missing "${SRR_BUILD_PACKAGES[@]}" "${SRR_DEMO_PACKAGES[@]}"

build=build-quickstart
if [ -f "$build/build.ninja" ]; then
	meson setup --reconfigure "$build" >/dev/null
else
	meson setup "$build" -Dbuildtype=release -Dtests=false >/dev/null
fi
ninja -C "$build" >/dev/null
srr="$top/$build/src/cli/srr"

rm -rf "$demo"
mkdir -p "$demo"
export SRR_DB="$demo/register.db"
export SRR_ACTOR=procurement
step() { printf '\n$ srr %s\n' "$*"; "$srr" "$@"; }

# A demo token, made as SPEC.md's SoftHSM2 recipe (the test suite's fixture):
# a test CA in files, approver keys and certificates on the token. Never
# the machine's own token store: SOFTHSM2_CONF points into the demo.
bash tests/token-fixture.sh "$demo/token" >"$demo/token.env"
while IFS='=' read -r k v; do
	case $k in
	SOFTHSM2_CONF) export SOFTHSM2_CONF="$v" ;;
	MODULE) module=$v ;;
	PIN) printf '%s\n' "$v" >"$demo/pin" && chmod 600 "$demo/pin" ;;
	CA) ca=$v ;;
	CERT) alice_cert=$v ;;
	KEY_URI) alice_key=$v ;;
	BOB_CERT) bob_cert=$v ;;
	BOB_URI) bob_key=$v ;;
	esac
done <"$demo/token.env"
cp "$ca" "$demo/ca.pem"
cp "$alice_cert" "$demo/alice.pem"
cp "$bob_cert" "$demo/bob.pem"
# The built-in policy with the demo's trust anchor and two approvers.
sed -e 's/^trust_anchors: \[\].*/trust_anchors: [ca.pem]/' -e '/^approvers: \[\]/,$d' \
	contrib/policy-default.yaml >"$demo/policy.yaml"
cat >>"$demo/policy.yaml" <<'YAML'
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
YAML

step init --policy "$demo/policy.yaml"
step supplier add acme-cloud --name "Acme Cloud GmbH" --tier critical --country DE \
	--service "HSM hosting" --service "Remote signing backend" \
	--contact "Jane Roe,jane@acme.example,security"
step supplier add northwind-dc --name "Northwind Data Centres Ltd" --tier high --country IE \
	--service "Colocation" --contact "Ops desk,ops@northwind.example,operations"
step supplier update acme-cloud --subcontractor northwind-dc
step supplier add timely --name "Timely Timestamps Oy" --tier medium --country FI \
	--service "RFC 3161 time-stamping"
step supplier add paperclip --name "Paperclip Office Supplies" --tier low --country DE

step contract add acme-cloud C-2024-001 --start 2024-01-01 --end 2026-12-31 --notice-days 90 \
	--clause right-to-audit --clause incident-notification-24h \
	--clause subcontracting-approval --clause security-requirements \
	--clause vulnerability-handling --clause data-location \
	--clause termination-assistance --clause sla-reporting
step contract add northwind-dc NW-17 --start 2025-03-01 --end 2028-02-29 --notice-days 180 \
	--clause right-to-audit --clause security-requirements --clause sla-reporting
step contract add timely TS-2 --start 2023-06-01 --end 2026-05-31 --clause sla-reporting

step sla add acme-cloud C-2024-001 availability --target 99.9 --comparator ge --unit percent
step sla add acme-cloud C-2024-001 incident-response --target 4 --comparator le --unit hours
step sla add northwind-dc NW-17 power-availability --target 99.99 --comparator ge \
	--unit percent --period quarter
for m in 2026-07:99.95 2026-08:99.91 2026-09:99.70 2026-10:99.93; do
	step sla record acme-cloud C-2024-001 availability --period "${m%%:*}" --value "${m#*:}"
done
step sla record acme-cloud C-2024-001 incident-response --period 2026-09 --value 6
step sla record northwind-dc NW-17 power-availability --period 2026-Q3 --value 100

step policy show

printf 'Scope: HSM hosting, remote signing.\nISO 27001 certificate valid to 2027-05.\n' \
	>"$demo/acme-review-2026.txt"
step review record acme-cloud --date 2026-08-15 --outcome conditional \
	--findings "Pen-test report pending" --evidence "$demo/acme-review-2026.txt"
step review record northwind-dc --date 2026-06-01 --outcome pass
step incident add acme-cloud --identified 2026-09-12T08:15:00Z \
	--notified 2026-09-14T10:00:00Z --severity high --summary "Signing backend outage, 3 h"

step risk add acme-cloud --title "Single-region HSM hosting" --likelihood 3 --impact 4 \
	--owner "Head of Operations"
step risk treat R-1 --treatment mitigate --residual-likelihood 2 --residual-impact 4 \
	--action "Contract second region,Head of Operations,2027-03-31"
step risk add northwind-dc --title "Colocation power redundancy" --likelihood 2 --impact 5
step risk treat R-2 --treatment accept --residual-likelihood 2 --residual-impact 5 \
	--justification "Dual feeds and UPS verified on site; a third feed costs more than the outage risk" \
	--until 2027-06-30
step risk list

# Procurement's file: two more suppliers, checked first, then in one transaction.
cat >"$demo/procurement.yaml" <<'YAML'
suppliers:
  - key: cleanroom
    name: Cleanroom Shredding GmbH
    tier: low
    country: AT
    services: [Secure media destruction]
    contracts:
      - {ref: CR-9, start: 2025-01-01, end: 2027-12-31, clauses: [right-to-audit, data-location]}
  - key: certwatch
    name: CertWatch Monitoring BV
    tier: high
    country: NL
    services: [CT log monitoring]
    subcontractors: [northwind-dc]
    risks:
      - {title: Single analyst on call, likelihood: 3, impact: 3}
YAML
step import --dry-run "$demo/procurement.yaml"
step import "$demo/procurement.yaml"

# R-2's residual risk is high: above tolerance, two managers must sign.
step approval request risk R-2
step --actor alice approve A-1 --key "$alice_key" --module "$module" --pin-file "$demo/pin"
step --actor bob approve A-1 --key "$bob_key" --module "$module" --pin-file "$demo/pin"
step approval show A-1
step risk list
step verify
step checkpoint list
step export --bundle "$demo/bundle"
step verify-bundle "$demo/bundle" --trust "$demo/ca.pem"
step approval export A-1 "$demo/approval"
printf '\n$ openssl cms -verify ... (each signature, without srr)\n'
for p7s in "$demo"/approval/A-1-*.p7s; do
	openssl cms -verify -binary -inform DER -in "$p7s" -content "$demo/approval/A-1.rec" \
		-CAfile "$demo/ca.pem" -out /dev/null
done

step supplier list --sort score
step supplier show acme-cloud
step contract list --gaps
step sla list --breaches
step due --within 60 || echo "(srr due exits 1 when something is overdue)"
step log
step export --yaml "$demo/register.yaml"
step report --html "$demo/report.html"
step report --csv "$demo/csv"

cat <<MSG

Done. The demo register is $SRR_DB.
The HTML report is $demo/report.html (one file: open it in a browser or
print it); every table of the register, all rows, is a CSV file in $demo/csv.
The signed acceptance and its certificates are in $demo/approval;
the auditor bundle (verifies offline) is in $demo/bundle;
the register as YAML (what 'srr import' reads) is $demo/register.yaml;
the demo token is in $demo/token (PIN in $demo/pin).
Try:  export SRR_DB=$SRR_DB SOFTHSM2_CONF=$SOFTHSM2_CONF
      $srr approval list
      $srr verify --trust $demo/ca.pem
      $srr supplier show northwind-dc
      $srr --json sla list
      man $top/$build/docs/srr.1
MSG
