# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# The payloads and helpers tests/cli/test-hostile.sh and
# tests/cli/test-hostile-signed.sh share; sourced after lib.sh, in $T.

# --- the payloads -------------------------------------------------------------------
# Classic injections, a format string, Unicode (a right-to-left override,
# astral letters, a BOM inside), and 200 quotes. ATTACH names a file in $T
# (the working directory): it must never appear.
PAYLOADS=(
	"'); DROP TABLE supplier;--"
	"' OR '1'='1"
	"\"; ATTACH DATABASE 'attached.db' AS x;--"
	'%s%n%x%p%99999999s'
	$'Ωμέγα 𝔘𝔫𝔦 \u202eאב 日本 \ufeffx'
	"$(printf "'\"%.0s" {1..100})"
)
NP=${#PAYLOADS[@]}
# A payload as a YAML (JSON) double-quoted string.
json_str() { jq -Rn --arg s "$1" '$s'; }
# The schema of a register made by srr init, to compare with after each part.
schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"; }
# read_log: every logged record, read once by srr (each run costs under valgrind).
read_log() {
	srr --json log --records >"$T/log.json"
}
# records TYPE FIELD: the FIELD lines of every TYPE record read_log read.
records() {
	jq -r --arg t "srr-record/1 $1" --arg f "$2 " <"$T/log.json" \
		'.events[].record | select(startswith($t + "\n")) | split("\n")[] |
		 select(startswith($f)) | .[($f | length):]'
}
# holds DESC TEXT I...: payloads I... are lines of TEXT.
holds() {
	local desc=$1 text=$2 missing='' i
	shift 2
	for i in "$@"; do
		grep -Fxq -- "${PAYLOADS[i]}" <<<"$text" || missing="$missing $i"
	done
	is "$desc: payloads $* verbatim" "" "$missing"
}
# shellcheck disable=SC2034 # used by the scripts that source this
ALL=$(seq 0 $((NP - 1)))
no_attach() {
	check "$1: no ATTACHed database was created" test ! -e "$T/attached.db"
}

