#!/usr/bin/env bash
# From a fresh Debian 12 machine to a demo register.
#
#   contrib/quickstart.sh [DIR]     (default DIR: ./srr-demo, replaced if it exists)
#
# Installs the packages srr needs if missing (root or sudo), builds srr, and
# fills a demo register with suppliers, subcontractors, contracts with their
# clause checklists, SLAs and measurements, then shows what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
. contrib/deps.sh

demo=${1:-srr-demo}
case "$demo" in /*) ;; *) demo="$top/$demo" ;; esac

srr_install_missing "${SRR_BUILD_PACKAGES[@]}"

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

step init
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

step supplier list --sort score
step supplier show acme-cloud
step contract list --gaps
step sla list --breaches
step due --within 60 || echo "(srr due exits 1 when something is overdue)"
step log

cat <<MSG

Done. The demo register is $SRR_DB.
Try:  export SRR_DB=$SRR_DB
      $srr supplier show northwind-dc
      $srr --json sla list
      man $top/$build/docs/srr.1
MSG
