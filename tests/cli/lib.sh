# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Helpers for the black-box CLI tests; every tests/cli/test-*.sh sources this.
#
#   SRR=/path/to/srr bash tests/cli/test-supplier.sh
#
# Each script gets a fresh temporary directory ($T, removed on exit) with
# SRR_DB=$T/register.db and SRR_ACTOR=tester. $SRR_TEST_WRAPPER, if set (the
# valgrind test setup sets it), is word-split and put in front of every srr
# run; a run that exits 99 (valgrind's --error-exitcode) fails the script.
#
#   srr ARGS...                   run srr (through the wrapper)
#   ok CMD...                     expect exit 0; stdout in $out, stderr in $err
#   fails CODE PATTERN CMD...     expect exit CODE, nothing on stdout, and
#                                 exactly one line on stderr matching PATTERN
#                                 (grep -E)
#   usage_fails PATTERN CMD...    expect exit 2 (usage error) and one line on
#                                 stderr matching PATTERN, ending with a
#                                 "(see 'srr ... --help')" hint
#   snapshot [DB] / unchanged [DB]  the register's content (sqlite3 .dump and
#                                 user_version; raw bytes for a non-SQLite
#                                 file) must be the same as at the snapshot
#   check DESC CMD...             a generic assertion: CMD must succeed
#   is DESC EXPECTED ACTUAL       string equality
#   like DESC PATTERN TEXT        TEXT matches the grep -E PATTERN
#   json_is FILTER EXPECTED       jq -r FILTER on $out gives EXPECTED
#   events                        prints the number of events in the log
#   fresh                         a new empty register at $SRR_DB
#   token_fixture [SCRIPT]        a SoftHSM2 token in $T/token, made by
#                                 $SRR_TOKEN_FIXTURE (tests/token-fixture.sh)
#                                 or SCRIPT (e.g. $SRR_TPM_FIXTURE,
#                                 tests/tpm-fixture.sh); exports its
#                                 KEY=VALUE lines (MODULE, PIN, KEY_URI, CA,
#                                 SOFTHSM2_CONF, ...); skips the script
#                                 (exit 77) when the fixture does
#   signing_policy DIR NAME       writes DIR/policy.yaml: the usual review
#                                 and risk sections, the fixture CA as the
#                                 trust anchor (copied to DIR/ca.pem), then
#                                 stdin (approvers: and approval_rules:)
#   _run CMD...                   run without judging: $rc, $out, $err
#   approve_fails CODE PATTERN CMD...  like fails, after the preview that srr
#                                 approve prints on stderr first
#   after_preview FILE            the lines of approve's stderr FILE after that
#                                 preview
#   no_tty ARGS...                srr ARGS without a controlling terminal
#                                 (setsid), stdin from /dev/null
#   on_tty PIN ARGS...            srr ARGS on a pseudo-terminal (script),
#                                 PIN typed at the prompt; $rc, $out
#   finish                        prints "N passed, N failed"; exit 1 on failure

set -u

if [ -z "${SRR:-}" ]; then
	echo "lib.sh: set SRR to the srr binary (meson does this)" >&2
	exit 1
fi
# Some tests change directory: make a relative path absolute.
case $SRR in
*/*)
	_dir=$(cd "$(dirname "$SRR")" 2>/dev/null && pwd) && SRR=${_dir%/}/$(basename "$SRR")
	unset _dir
	;;
esac
if ! command -v "$SRR" >/dev/null 2>&1; then
	echo "lib.sh: $SRR is not an executable" >&2
	exit 1
fi
for _tool in sqlite3 jq; do
	if ! command -v "$_tool" >/dev/null 2>&1; then
		echo "SKIP: $_tool is not installed"
		exit 77
	fi
done
unset _tool

T=$(mktemp -d "${TMPDIR:-/tmp}/srr-cli.XXXXXX") || exit 1
# Only this script's own directory; never anything outside it.
trap '_on_exit' EXIT
export SRR_DB="$T/register.db"
export SRR_ACTOR=tester
# tpm2-pkcs11, where installed, is registered with p11-kit: an srr run
# without --module loads it, and it would make its store in
# ~/.tpm2_pkcs11 and log the TPM it cannot find. Its store is here
# instead (a TPM fixture sets its own), the TSS libraries quiet.
export TPM2_PKCS11_STORE="$T/tpm2-pkcs11" TSS2_LOG=all+none
mkdir "$TPM2_PKCS11_STORE" || exit 1
export LC_ALL=C.UTF-8 TZ=UTC

PASSED=0
FAILED=0
_finished=
out=
err=
rc=0
# fd 9: the script's own stdout, so messages reach the log even while a
# command's output is being captured.
exec 9>&1

_pass() {
	PASSED=$((PASSED + 1))
	echo "ok $((PASSED + FAILED)) - $*" >&9
}

_fail() {
	FAILED=$((FAILED + 1))
	echo "not ok $((PASSED + FAILED)) - $*" >&9
}

# A description of a command line, for the log.
_desc() {
	local s
	s=$(printf '%q ' "$@")
	printf '%s' "${s% }"
}

# Indented detail lines under a failure.
_detail() {
	local label=$1 text=$2
	[ -n "$text" ] || return 0
	printf '#   %s:\n' "$label" >&9
	printf '%s\n' "$text" | head -n 20 | sed 's/^/#     /' >&9
}

srr() {
	local status
	# shellcheck disable=SC2086 # the wrapper is a command line: split it
	${SRR_TEST_WRAPPER:-} "$SRR" "$@"
	status=$?
	if [ "$status" = 99 ] && [ -n "${SRR_TEST_WRAPPER:-}" ]; then
		# Also caught when the run was in a $(...) subshell.
		echo "srr $*" >>"$T/.wrapper-errors"
		echo "# the test wrapper reported errors (exit 99): srr $(_desc "$@")" >&9
	fi
	return "$status"
}

# Run a command, capturing stdout/stderr into $out/$err and the status in $rc.
_run() {
	"$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

ok() {
	_run "$@"
	if [ "$rc" = 0 ]; then
		_pass "$(_desc "$@")"
		return 0
	fi
	_fail "$(_desc "$@"): exit $rc, expected 0"
	_detail stderr "$err"
	return 1
}

# The stderr line count: a message must end in a newline.
_lines() {
	wc -l <"$1" | tr -d ' '
}

fails() {
	local code=$1 pattern=$2
	shift 2
	_run "$@"
	local what
	what="$(_desc "$@")"
	local why=
	if [ "$rc" != "$code" ]; then
		why="exit $rc, expected $code"
	elif [ -n "$out" ]; then
		why="printed on stdout"
	elif [ "$(_lines "$T/.err")" != 1 ] || [ -z "$err" ] || [ -n "$(tail -c 1 "$T/.err")" ]; then
		why="stderr is not exactly one line"
	elif ! grep -Eq -- "$pattern" "$T/.err"; then
		why="stderr does not match /$pattern/"
	fi
	if [ -z "$why" ]; then
		_pass "$what -> $code: $err"
		return 0
	fi
	_fail "$what: $why"
	_detail stdout "$out"
	_detail stderr "$err"
	return 1
}

usage_fails() {
	local pattern=$1
	shift
	_run "$@"
	local what
	what="$(_desc "$@")"
	local why='' n
	n=$(_lines "$T/.err")
	if [ "$rc" != 2 ]; then
		why="exit $rc, expected 2"
	elif [ -n "$out" ]; then
		why="printed on stdout"
	elif [ "$n" != 1 ] || [ -n "$(tail -c 1 "$T/.err")" ]; then
		why="stderr has $n lines, expected one"
	elif ! grep -Eq -- "$pattern" "$T/.err"; then
		why="stderr does not match /$pattern/"
	elif ! grep -Eq "\(see 'srr [a-z -]*--help'\)$" "$T/.err"; then
		why="the error does not end with a (see 'srr ... --help') hint"
	fi
	if [ -z "$why" ]; then
		_pass "$what -> 2: $(head -n 1 "$T/.err")"
		return 0
	fi
	_fail "$what: $why"
	_detail stdout "$out"
	_detail stderr "$err"
	return 1
}

check() {
	local desc=$1
	shift
	if "$@"; then
		_pass "$desc"
		return 0
	fi
	_fail "$desc"
	return 1
}

is() {
	if [ "$2" = "$3" ]; then
		_pass "$1"
		return 0
	fi
	_fail "$1"
	_detail expected "$2"
	_detail got "$3"
	return 1
}

like() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		_pass "$1"
		return 0
	fi
	_fail "$1: does not match /$2/"
	_detail got "$3"
	return 1
}

json_is() {
	local got
	got=$(printf '%s' "$out" | jq -r "$1" 2>&1)
	is "json $1 = $2" "$2" "$got"
}

# The register's content, in a form two states can be compared by.
_state() {
	local db=${1:-$SRR_DB}
	if [ ! -e "$db" ]; then
		echo "(no file)"
	elif [ "$(head -c 15 "$db" 2>/dev/null)" = "SQLite format 3" ]; then
		sqlite3 "$db" 'PRAGMA user_version;' 'PRAGMA application_id;' .dump 2>&1
	else
		cksum <"$db"
	fi
}

snapshot() {
	_state "${1:-}" >"$T/.snapshot"
}

unchanged() {
	local db=${1:-$SRR_DB}
	_state "$db" >"$T/.now"
	if cmp -s "$T/.snapshot" "$T/.now"; then
		_pass "register unchanged: ${db#"$T"/}"
		return 0
	fi
	_fail "register changed: ${db#"$T"/}"
	_detail diff "$(diff "$T/.snapshot" "$T/.now")"
	return 1
}

# Number of events in the log, read by srr itself.
events() {
	srr --json log | jq '.events | length'
}

# A fresh register at $SRR_DB (removing any earlier one).
fresh() {
	rm -f "$SRR_DB" "$SRR_DB-wal" "$SRR_DB-shm" "$SRR_DB-journal"
	srr init >/dev/null || { _fail "srr init"; return 1; }
}

token_fixture() {
	local fixture=${1-${SRR_TOKEN_FIXTURE:-}} status k v
	if [ -z "$fixture" ] || [ ! -r "$fixture" ]; then
		_fail "token_fixture: no fixture script '$fixture' (meson sets SRR_TOKEN_FIXTURE and SRR_TPM_FIXTURE)"
		finish
	fi
	bash "$fixture" "$T/token" >"$T/.token-env" 2>"$T/.token-log"
	status=$?
	if [ "$status" = 77 ]; then
		echo "SKIP: $(head -n 1 "$T/.token-log")"
		_finished=1
		rm -rf "$T"
		exit 77
	fi
	if [ "$status" != 0 ]; then
		_fail "token fixture $fixture exited $status"
		_detail log "$(cat "$T/.token-log")"
		finish
	fi
	# The values hold ';' and '=': read line by line, never source it.
	while IFS='=' read -r k v; do
		case $k in
		'' | [!A-Z]* | *[!A-Z0-9_]*) continue ;;
		esac
		export "$k=$v"
	done <"$T/.token-env"
}

signing_policy() {
	local dir=$1 name=$2
	cp "$CA" "$dir/ca.pem"
	{
		cat <<EOF
version: 1
name: $name
review:
  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}
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
trust_anchors: [ca.pem]
EOF
		cat
	} >"$dir/policy.yaml"
}

# The lines of FILE (approve's stderr) after the preview of what is signed.
after_preview() {
	awk 'NR == 1 && $0 == "You are about to sign:" { p = 1; next }
		p == 1 && /^Approval A-[0-9]+: / { p = 2; next }
		p == 2 && /^  / { next }
		{ p = 3; print }' "$1"
}

# approve_fails CODE PATTERN CMD...: like fails, but approve shows what is
# about to be signed on stderr before it opens the token ("You are about to
# sign:", "Approval A-n: ...", indented lines); after that preview, if
# there is one, exactly one line: the error.
approve_fails() {
	local code=$1 pattern=$2
	shift 2
	_run "$@"
	local what rest why=
	what="$(_desc "$@")"
	rest=$(after_preview "$T/.err")
	if [ "$rc" != "$code" ]; then
		why="exit $rc, expected $code"
	elif [ -n "$out" ]; then
		why="printed on stdout"
	elif [ -n "$(tail -c 1 "$T/.err")" ] || [ -z "$rest" ] ||
		[ "$(printf '%s\n' "$rest" | wc -l)" != 1 ]; then
		why="stderr is not (a preview and) exactly one line"
	elif ! printf '%s\n' "$rest" | grep -Eq -- "$pattern"; then
		why="the error does not match /$pattern/"
	fi
	if [ -z "$why" ]; then
		_pass "$what -> $code: $rest"
		return 0
	fi
	_fail "$what: $why"
	_detail stdout "$out"
	_detail stderr "$err"
	return 1
}

# srr without a controlling terminal (setsid), stdin from /dev/null.
no_tty() {
	local status
	# shellcheck disable=SC2086 # the wrapper is a command line: split it
	setsid -w ${SRR_TEST_WRAPPER:-} "$SRR" "$@" </dev/null
	status=$?
	if [ "$status" = 99 ] && [ -n "${SRR_TEST_WRAPPER:-}" ]; then
		echo "srr $*" >>"$T/.wrapper-errors"
	fi
	return "$status"
}

# on_tty PIN ARGS...: srr ARGS on a pseudo-terminal (util-linux script),
# the person at it typing PIN once the PIN prompt shows: not before, as
# the terminal would echo what is typed before srr turns echo off (and
# srr flushes input typed ahead). What the terminal showed goes to
# $T/tty.out ($out, without CRs), the status to $rc. Gives up (and ends
# the script process it started) after 120 s.
on_tty() {
	local pin=$1 cmd pid i
	shift
	rm -f "$T/tty.fifo"
	mkfifo "$T/tty.fifo"
	: >"$T/tty.out"
	# shellcheck disable=SC2086 # the wrapper is a command line
	cmd=$(printf '%q ' ${SRR_TEST_WRAPPER:-} "$SRR" "$@")
	script -qefc "$cmd" /dev/null <"$T/tty.fifo" >"$T/tty.out" 2>&1 &
	pid=$!
	exec 8>"$T/tty.fifo"
	for ((i = 0; i < 1200; i++)); do
		grep -q "PIN for token" "$T/tty.out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# In a subshell: if script has gone, SIGPIPE ends that, not this script.
	(printf '%s\n' "$pin" >&8) 2>/dev/null
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "# on_tty: srr $(_desc "$@") still runs after 120 s: ended" >&9
		kill "$pid"
	fi
	wait "$pid"
	rc=$?
	exec 8>&-
	out=$(tr -d '\r' <"$T/tty.out")
	if [ "$rc" = 99 ] && [ -n "${SRR_TEST_WRAPPER:-}" ]; then
		echo "srr $*" >>"$T/.wrapper-errors"
	fi
}

finish() {
	_finished=1
	if [ -s "$T/.wrapper-errors" ]; then
		local n
		n=$(wc -l <"$T/.wrapper-errors" | tr -d ' ')
		_fail "the test wrapper reported errors in $n srr run(s)"
		sed 's/^/#   /' "$T/.wrapper-errors" >&9
	fi
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit
}

_on_exit() {
	local status=$?
	if [ -z "$_finished" ]; then
		_fail "the script ended before finish (exit $status)"
		echo "$PASSED passed, $FAILED failed"
		status=1
	fi
	rm -rf "$T"
	exit "$status"
}
