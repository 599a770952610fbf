#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr report: the HTML page (its counts against what srr says elsewhere,
# hostile names escaped, nothing fetched), rendered in a real headless
# Chromium (DOM, PNG, PDF, network log); the CSV files (RFC 4180, parsed
# back with Python's csv module); --json; the EN 319 401 table in the code
# against docs/en319401.md; bad input refused with an untouched register.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture
cd "$T" || exit 1
DOCS=$SRR_TEST_DATA/../../docs

today=$(date -u +%F)
later=$(date -u -d '+100 days' +%F)
month=$(date -u +%Y-%m)
last_month=$(date -u -d "$(date -u +%Y-%m-15) -1 month" +%Y-%m)

P=$T/pol
mkdir "$P"
cp "$CERT" "$P/alice.pem"
cp "$BOB_CERT" "$P/bob.pem"
signing_policy "$P" 'Report test policy' <<'EOF'
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management]}
  - {name: Bob Approver, cert: bob.pem, actors: [bob], roles: [management, board]}
approval_rules:
  - {subject: risk, residual: [low, medium], roles: [management], quorum: 1}
  - {subject: risk, residual: [high, critical], roles: [management], quorum: 2}
  - {subject: treatment, roles: [management], quorum: 1}
  - {subject: review, roles: [management], quorum: 1}
  - {subject: policy, roles: [board], quorum: 1}
EOF
printf '%s\n' "$PIN" >"$T/pin"
chmod 600 "$T/pin"
sign() { # ACTOR KEY-URI ID
	srr --actor "$1" approve "$3" --key "$2" --pin-file "$T/pin" >/dev/null 2>"$T/.sign-err"
}

# --- a register with hostile names, breaches, approvals in every state --------
XSS='<script>alert(1)</script>'
IMG='"><img src=x onerror=alert(2)>'
FORMULA='=HYPERLINK("http://evil.example/","click")'
ok srr init --policy "$P/policy.yaml"
ok srr supplier add xss --name "$XSS" --tier critical --country DE --service 'Hosting & <b>bold</b>'
ok srr supplier add img --name "$IMG" --tier high
ok srr supplier add formula --name "$FORMULA" --tier medium --country FR
ok srr supplier add plain --name 'Zürich Trust AG, "Bern"' --tier low --country CH
ok srr supplier add gone --name 'Retired Ltd' --tier low
ok srr supplier retire gone
ok srr contract add xss C-1 --start 2025-01-01 --end "$later" --notice-days 30 --all-clauses
ok srr contract add img C-1 --start 2025-01-01 --end 2030-12-31 --clause right-to-audit
ok srr contract add plain C-9 --start "$later" --end 2031-01-01
ok srr contract add plain C-8 --start 2025-01-01 --end 2031-01-01
ok srr contract terminate plain C-8 --date "$(date -u -d '+10 days' +%F)"
ok srr sla add xss C-1 availability --target 99.9 --comparator ge --unit % --period month
ok srr sla record xss C-1 availability --period "$month" --value 98.0
ok srr sla record xss C-1 availability --period "$last_month" --value 97.5
ok srr sla add img C-1 response --target 4 --comparator le --unit h --period month
ok srr sla record img C-1 response --period "$month" --value 9
ok srr incident add img --identified 2026-01-05T10:00:00Z --summary '<iframe src=//evil>'
ok srr review record plain --date "$today" --outcome pass
ok srr risk add xss --title '<svg onload=alert(3)>' --likelihood 4 --impact 5
ok srr risk treat R-1 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification 'Migration in 2027 & no <alternative>' --until "$later"
ok srr risk add img --title 'Lag' --likelihood 3 --impact 3
ok srr risk treat R-2 --treatment mitigate --residual-likelihood 2 --residual-impact 2 \
	--action 'Patch monthly,ops,2026-01-31'
ok srr risk add plain --title 'Turnover' --likelihood 2 --impact 2
ok srr risk add formula --title 'Single custodian' --likelihood 5 --impact 5
ok srr risk treat R-4 --treatment accept --residual-likelihood 2 --residual-impact 2 \
	--justification 'Low now' --until "$later"
ok srr risk add plain --title 'Key ceremony witnesses' --likelihood 4 --impact 4
ok srr risk treat R-5 --treatment accept --residual-likelihood 3 --residual-impact 4 \
	--justification 'Two witnesses from 2027' --until "$later"
# Eleven more suppliers with a breach this month: more than the page's ten.
{
	echo "suppliers:"
	for n in 01 02 03 04 05 06 07 08 09 10 11; do
		cat <<EOF
  - key: many-$n
    name: Many $n
    tier: low
    contracts:
      - ref: C-1
        start: 2025-01-01
        end: 2031-01-01
        slas:
          - {metric: uptime, target: 99, comparator: ge, period: month,
             measurements: [{period: "$month", value: 90}]}
EOF
	done
} >many.yaml
ok srr import many.yaml
# A-1 approved by two; A-2 pending (1 of 2); A-3 stale; A-4 rejected.
ok srr --actor carol approval request risk R-1
check "alice signs A-1" sign alice "$KEY_URI" A-1
check "bob signs A-1" sign bob "$BOB_URI" A-1
ok srr --actor carol approval request risk R-5
check "alice signs A-2 (1 of 2)" sign alice "$KEY_URI" A-2
ok srr --actor carol approval request treatment R-2
check "alice signs A-3" sign alice "$KEY_URI" A-3
ok srr risk treat R-2 --treatment mitigate --residual-likelihood 1 --residual-impact 2
ok srr --actor carol approval request risk R-4
ok srr --actor alice approval reject A-4 --reason '<b>No</b>'

# --- the HTML page --------------------------------------------------------------
snapshot
n0=$(events)
ok srr report --html report.html
like "says where" "^Wrote the HTML report to report.html \([0-9]+ bytes\)$" "$out"
unchanged
is "a report appends no event" "$n0" "$(events)"
is "mode 0600" 600 "$(stat -c %a report.html)"
H=$(cat report.html)
is "no script element" 0 "$(grep -ci '<script' report.html)"
is "no img, iframe or svg from the register" 0 "$(grep -Eci '<(img|iframe|svg onload)' report.html)"
is "no event handler attribute" 0 "$(grep -Eci '<[^>]* on(error|load)=' report.html)"
like "script name escaped" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "$H"
like "attribute breakout escaped" '&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;' "$H"
like "rejection reason escaped" '&lt;b&gt;No&lt;/b&gt;' "$H"
like "a CSP that forbids scripts and fetches" "Content-Security-Policy\" content=\"default-src 'none'" "$H"
is "no address to fetch" 0 "$(grep -Eci "(src|href)=\"(https?:)?//" report.html)"

metric() { # name: the number a data-metric element shows
	grep -o "data-metric=\"$1\"[^>]*>[0-9,]*<" report.html | head -n 1 | sed 's/.*>\([0-9,]*\)<$/\1/; s/,//g'
}
cell() { # l i: the residual heat map's count at likelihood l, impact i
	sed -n 's/.*data-heat="residual"\(.*\)/\1/p' report.html |
		grep -o "data-l=\"$1\" data-i=\"$2\" data-n=\"[0-9]*\"" | head -n 1 | sed 's/.*data-n="\([0-9]*\)"/\1/'
}
is "active suppliers" 15 "$(metric suppliers)"
_run srr --json due
overdue=$(jq '[.items[] | select(.overdue)] | length' <<<"$out")
is "overdue as srr due counts it" "$overdue" "$(metric overdue)"
is "upcoming as srr due lists it" "$(jq '[.items[] | select(.overdue | not) | select(.days >= 0)] | length' <<<"$out")" \
	"$(metric due-upcoming)"
is "waiting: asked for before today" "$(jq '[.items[] | select(.overdue | not) | select(.days < 0)] | length' <<<"$out")" \
	"$(metric due-waiting)"
ok srr --json approval list
for st in approved pending stale rejected; do
	is "$st approvals as srr approval list says" \
		"$(jq "[.approvals[] | select(.status == \"$st\")] | length" <<<"$out")" "$(metric "$st")"
done
is "one of each state" "1 1 1 1" "$(metric approved) $(metric pending) $(metric stale) $(metric rejected)"
like "A-2 misses one signature" 'data-approval="A-2" data-status="pending".*missing quorum: 1 more signature' "$H"
like "A-3 stale, says why" 'data-approval="A-3" data-status="stale"' "$H"
is "open risks" 5 "$(metric risks-open)"
# Residual: R-1 and R-5 at 3x4, R-2 at 1x2, R-3 untreated at 2x2, R-4 at 2x2.
is "residual 3x4" 2 "$(cell 3 4)"
is "residual 2x2 (untreated + treated)" 2 "$(cell 2 2)"
is "residual 1x2" 1 "$(cell 1 2)"
is "residual 5x5 empty" 0 "$(cell 5 5)"
like "residual total" 'data-heat="residual" data-total="5"' "$H"
like "inherent total" 'data-heat="inherent" data-total="5"' "$H"
is "breaches this year" 14 "$(metric window-breaches)"
like "breaches this month in the chart" "data-month=\"$month\" data-n=\"13\"" "$H"
is "the ten suppliers with the most breaches" 10 \
	"$(sed -n 's/.*data-table="breaches"\(.*\)<\/table>.*/\1/p' report.html | grep -o '<tr><td' | wc -l)"
like "xss (two breaches) heads the list" 'data-table="breaches".*<tbody><tr><td>&lt;script&gt;' "$H"
like "last month too" "data-month=\"$last_month\" data-n=\"1\"" "$H"
like "newest checkpoint shown" 'data-checkpoint="C-[0-9]+"' "$H"
is "requirement rows" "$(srr --json report | jq '.tables.requirements | length')" \
	"$(grep -o 'data-requirement="' report.html | wc -l)"

ok srr report --html few.html --max-rows 1
like "a capped list says where the rest is" 'data-more="due"' "$(cat few.html)"
like "one row shown" 'data-table="due" data-rows="1"' "$(cat few.html)"
ok srr report --html - --as-of 2026-01-01
like "stdout, as of a day" 'datetime="2026-01-01"' "$out"

# --- in a real browser ------------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	if [ -n "${CI:-}" ]; then
		_fail "chromium is not installed (contrib/test.sh installs it)"
	else
		echo "# chromium not installed: the browser checks are not run"
	fi
else
	chrome() {
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
			--disable-component-update --disable-sync --no-first-run --user-data-dir="$T/chrome" \
			--host-resolver-rules="MAP * ~NOTFOUND" --log-net-log="$T/net-$1.json" "${@:2}" "file://$T/report.html" 2>>"$T/chrome.log"
	}
	chrome dom --dump-dom >dom.html
	check "chromium rendered the DOM" test -s dom.html
	is "no script element in the DOM" 0 "$(grep -ci '<script' dom.html)"
	like "the hostile name is text in the DOM" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "$(cat dom.html)"
	is "DOM: active suppliers" 15 \
		"$(grep -o 'data-metric="suppliers"[^>]*>[0-9,]*<' dom.html | sed 's/.*>\([0-9,]*\)<$/\1/')"
	is "DOM: approvals rows" 4 "$(grep -o 'data-approval="A-' dom.html | wc -l)"
	is "DOM: heat map cells" 50 "$(grep -o 'data-l="' dom.html | wc -l)"
	chrome png --hide-scrollbars --window-size=1200,2400 --screenshot="$T/report.png" >/dev/null
	check "a PNG" sh -c "head -c 8 '$T/report.png' | od -An -c | grep -q 'P   N   G'"
	check "the PNG is not blank (over 50 kB)" test "$(stat -c %s "$T/report.png")" -gt 50000
	chrome pdf --print-to-pdf="$T/report.pdf" --no-pdf-header-footer >/dev/null
	check "a PDF" sh -c "head -c 5 '$T/report.pdf' | grep -q '%PDF-'"
	pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' "$T/report.pdf")
	check "prints on a few A4 pages ($pages)" test "$pages" -ge 2 -a "$pages" -le 12
	check "A4 media box" grep -aq 'MediaBox \[0 0 59[45]' "$T/report.pdf"
	# Chromium talks to its own services (time, updates, sign-in) whatever
	# the flags; anything else in the network log came from the page. A
	# canary page that does fetch shows the check can see a fetch.
	fetched() { # netlog: URLs other than the page and Chromium's own
		jq -r '[.events[]? | .params.url? // empty] | unique | .[]' "$1" 2>/dev/null |
			grep -vE "^file://$T/(report|canary)\.html$" |
			grep -vE '^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(:[0-9]+)?/' || true
	}
	printf '<!DOCTYPE html><img src="http://192.0.2.7/canary.png">' >canary.html
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$T/chrome" \
		--host-resolver-rules="MAP * ~NOTFOUND" --log-net-log="$T/canary.json" --dump-dom \
		"file://$T/canary.html" >/dev/null 2>>"$T/chrome.log"
	like "the network log sees a page's fetch (canary)" "192.0.2.7/canary.png" "$(fetched "$T/canary.json")"
	check "a network log of each run" test -s "$T/net-dom.json" -a -s "$T/net-png.json" -a -s "$T/net-pdf.json"
	for f in "$T"/net-*.json; do
		is "nothing fetched ($(basename "$f"))" "" "$(fetched "$f")"
	done
	[ -n "${SRR_REPORT_KEEP:-}" ] && cp "$T/report.png" "$T/report.pdf" "$SRR_REPORT_KEEP/"
fi

# --- JSON -------------------------------------------------------------------------
ok srr --json report
J=$out
json_is .report.suppliers.active 15
is "contracts in force as contracts.csv derives them" \
	"$(jq '[.tables.contracts[] | select(.status == "active")] | length' <<<"$J")" \
	"$(jq .report.contracts.in_force <<<"$J")"
is "not started, and terminated later: one of plain's in force" 1 \
	"$(jq '[.tables.contracts[] | select(.supplier == "plain" and .status == "active")] | length' <<<"$J")"
json_is .report.suppliers.retired 1
json_is .report.approvals.stale 1
json_is '.report.risks.residual[2][3]' 2
is "the hostile name kept exactly" "$XSS" "$(jq -r '.tables.suppliers[] | select(.key == "xss") | .name' <<<"$J")"
is "the formula kept exactly in JSON" "$FORMULA" "$(jq -r '.tables.suppliers[] | select(.key == "formula") | .name' <<<"$J")"
is "typed: a number" number "$(jq -r '.tables.measurements[0].value | type' <<<"$J")"
is "typed: a boolean" boolean "$(jq -r '.tables.measurements[0].breach | type' <<<"$J")"
is "the same tables as the CSV files" \
	"actions approvals checkpoints contacts contracts due evidence incidents measurements requirements reviews risks services signatures slas subcontractors suppliers" \
	"$(jq -r '.tables | keys | join(" ")' <<<"$J")"

# The requirements in the code and docs/en319401.md: every row of the one in
# the other, with the same status.
while IFS=$'\t' read -r id title status; do
	row=$(grep -F "| $id — $title |" "$DOCS/en319401.md" || grep -F "| $id ($title) |" "$DOCS/en319401.md")
	if [ -z "$row" ]; then
		_fail "docs/en319401.md has no row for '$id — $title'"
		continue
	fi
	like "docs/en319401.md: $id is $status" "\| $status[ :(]|\| $status \|$" "$row"
done < <(jq -r '.tables.requirements[] | [.requirement, .title, .status] | @tsv' <<<"$J")
is "as many rows in the docs as in the code" "$(jq '.tables.requirements | length' <<<"$J")" \
	"$(grep -cE '^\| (REQ-|NIS2|Implementing|ENISA|Management sign-off|Bulk data|Evidence for)' "$DOCS/en319401.md")"

# --- CSV --------------------------------------------------------------------------
ok srr report --csv csv
is "says where" "Wrote the register as CSV files to csv" "$out"
is "one file per table" 17 "$(find csv -name '*.csv' | wc -l)"
check "CRLF line ends" grep -q $'\r$' csv/suppliers.csv
parsed=$(python3 - csv <<'EOF'
import csv, sys
with open(sys.argv[1] + "/suppliers.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        print(row["key"] + "\t" + row["name"])
EOF
)
for want in "xss	$XSS" "img	$IMG" "formula	'$FORMULA" 'plain	Zürich Trust AG, "Bern"'; do
	check "parses back: ${want%%	*}" grep -qxF -- "$want" <<<"$parsed"
done
like "the formula is defused with an apostrophe" "^formula	'=HYPERLINK" "$parsed"
like "commas and quotes survive" 'Zürich Trust AG, "Bern"' "$parsed"
is "every supplier" 16 "$(wc -l <<<"$parsed")"

# --- bad input: exit 2 or 3, one line, nothing changed ------------------------------
snapshot
fails 2 "missing --html FILE, --csv DIR or --json" srr report
fails 2 "give one of" srr report --html a.html --csv d
fails 2 "--max-rows is for --html" srr report --csv d --max-rows 3
fails 3 "--as-of: '2026-02-30' is not a date" srr report --html a.html --as-of 2026-02-30
fails 3 "--within 'x'" srr report --html a.html --within x
fails 3 "--within '0': must be a number of days from 1" srr report --html a.html --within 0
fails 3 "--max-rows '0'" srr report --html a.html --max-rows 0
fails 3 "no/such/dir" srr report --html no/such/dir/r.html
fails 3 "not empty" srr report --csv csv
fails 3 "register" srr --db "$T/none.db" report --html a.html
check "nothing left behind" test ! -e a.html -a ! -e d
unchanged

finish
