#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; functions run via ok/fails
# srr review record|list: outcomes, findings, evidence files pinned by path,
# SHA-256 and size, and the bad input each refuses.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh
ok srr supplier add acme --name Acme --tier critical
ok srr supplier add beta --name Beta --tier low

# Evidence: one file, reached through a relative path and a symbolic link.
mkdir "$T/ev"
printf 'penetration test report\n' >"$T/ev/pentest.txt"
head -c 70000 /dev/zero | tr '\0' 'x' >"$T/ev/big.bin"
ln -s pentest.txt "$T/ev/link.txt"
ev_path=$(realpath "$T/ev/pentest.txt")
big_path=$(realpath "$T/ev/big.bin")
record_relative() { (cd "$T/ev" && srr review record acme --date 2026-09-15 --outcome conditional \
	--findings $'Key ceremony logs incomplete\nsecond line' --evidence pentest.txt --evidence big.bin); }

# --- record -------------------------------------------------------------------
ok record_relative
is "record prints the id" "Recorded review 1" "$out"
ok srr --json review record beta --date 2026-06-01 --outcome pass --evidence "$T/ev/link.txt"
json_is .review 2
ok srr review record acme --date 2026-03-01 --outcome fail
is "record without evidence" "Recorded review 3" "$out"
ok srr review record acme --date "$(date -u +%F)" --outcome pass
is "a review dated today is not in the future" "Recorded review 4" "$out"

# --- list -----------------------------------------------------------------------
ok srr review list acme
is "list: newest first, with evidence counts" "ID  SUPPLIER  DATE        OUTCOME      REVIEWER  EVIDENCE
4   acme      $(date -u +%F)  pass         tester    0 files
1   acme      2026-09-15  conditional  tester    2 files
3   acme      2026-03-01  fail         tester    0 files" "$out"
ok srr --json review list
json_is '[.reviews[].id] | map(tostring) | join(",")' 4,1,2,3
ok srr --json review list acme
json_is '.reviews[1] | keys | sort | join(",")' date,evidence,findings,id,outcome,reviewer,supplier
json_is '.reviews[1] | [.id, .supplier, .date, .outcome, .reviewer] | map(tostring) | join("|")' \
	"1|acme|2026-09-15|conditional|tester"
json_is '.reviews[1].findings | split("\n") | join("|")' "Key ceremony logs incomplete|second line"
json_is '.reviews[2].findings' null
json_is '.reviews[2].evidence | length' 0
json_is '.reviews[1].evidence | length' 2
json_is '.reviews[1].evidence[0] | keys | sort | join(",")' path,sha256,size
json_is '.reviews[1].evidence[0].path' "$ev_path"
json_is '.reviews[1].evidence[0].sha256' "$(sha256sum <"$T/ev/pentest.txt" | cut -d' ' -f1)"
json_is '.reviews[1].evidence[0].size' "$(stat -c %s "$T/ev/pentest.txt")"
json_is '.reviews[1].evidence[1].path' "$big_path"
json_is '.reviews[1].evidence[1].sha256' "$(sha256sum <"$T/ev/big.bin" | cut -d' ' -f1)"
json_is '.reviews[1].evidence[1].size' 70000
json_is '.reviews[1].evidence[0].path | startswith("/")' true
ok srr --json review list beta
json_is '[.reviews[].id] | map(tostring) | join(",")' 2
json_is '.reviews[0].evidence[0].path' "$ev_path"
json_is '.reviews[0].evidence[0].sha256' "$(sha256sum <"$T/ev/pentest.txt" | cut -d' ' -f1)"
# The auditor's check from the man page: sha256sum -c over the listed files.
ok srr --json review list
printf '%s' "$out" | jq -r '.reviews[].evidence[] | "\(.sha256)  \(.path)"' >"$T/sums"
check "sha256sum -c accepts the listed evidence" sha256sum --quiet -c "$T/sums"
printf 'changed\n' >>"$T/ev/pentest.txt"
check "sha256sum -c finds a changed evidence file" \
	test "$(sha256sum --quiet -c "$T/sums" 2>/dev/null | grep -c FAILED)" = 2
ok srr --json log --since "$(($(events) - 1))"
json_is '.events[0].action' review.record

# --- bad input: exit 3 (2 for usage), one line, nothing changed -----------------
n=$(events)
snapshot
fails 3 "^srr review record: evidence file $T/ev/nope\.pdf: No such file or directory$" \
	srr review record acme --date 2026-09-15 --outcome pass --evidence "$T/ev/nope.pdf"
fails 3 "^srr review record: evidence file .*pentest\.txt is given twice$" \
	srr review record acme --date 2026-09-15 --outcome pass --evidence "$T/ev/pentest.txt" \
	--evidence "$T/ev/link.txt"
future=$(date -u -d '+1 day' +%F)
fails 3 "^srr review record: review date $future is in the future \(today is $(date -u +%F)\)$" \
	srr review record acme --date "$future" --outcome pass
fails 3 "review date 2099-01-01 is in the future" srr review record acme --date 2099-01-01 --outcome pass
fails 3 "^srr review record: review date '2026-02-30' is not a valid date \(YYYY-MM-DD\)$" \
	srr review record acme --date 2026-02-30 --outcome pass
fails 3 "review date '2025-02-29' is not a valid date" srr review record acme --date 2025-02-29 --outcome pass
fails 3 "review date '26-09-15' is not a valid date" srr review record acme --date 26-09-15 --outcome pass
fails 3 "^srr review record: --outcome 'ok': must be pass, conditional or fail$" \
	srr review record acme --date 2026-09-15 --outcome ok
fails 3 "--outcome 'PASS': must be pass, conditional or fail" \
	srr review record acme --date 2026-09-15 --outcome PASS
fails 3 "^srr review record: no supplier 'nobody'$" srr review record nobody --date 2026-09-15 --outcome pass
usage_fails "^srr review record: missing --date" srr review record acme --outcome pass
usage_fails "^srr review record: missing --outcome" srr review record acme --date 2026-09-15
usage_fails "^srr review record: missing SUPPLIER" srr review record --date 2026-09-15 --outcome pass
fails 3 "^srr review list: no supplier 'nobody'$" srr review list nobody
unchanged
is "refused reviews log nothing" "$n" "$(events)"

# A leap day in a leap year is a date.
ok srr review record beta --date 2024-02-29 --outcome pass
is "2024-02-29 is accepted" "Recorded review 5" "$out"

finish
