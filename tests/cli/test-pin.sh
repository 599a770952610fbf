#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317,SC2016,SC2034 # optional helper args; functions run via ok/fails; gdb $variables; under_gdb takes variable names
# The token PIN (issue 8): never taken from argv or the environment, never
# written to the register, an export or the output, wiped from srr's memory
# once used (a memory scan of core files taken under gdb), srr not dumpable
# while it holds a token session, the terminal prompt and --pin-file's
# refusals, and a key or token that goes away in the middle of an approve:
# a clear error and the register as it was.
#
# The fixture token's PIN is changed to a long distinctive one, so that a
# search for it (and for every 8-character piece of it) in a file, an
# output or a core finds nothing by chance.
#
# gdb does not run srr under valgrind: with $SRR_TEST_WRAPPER set (meson
# test --setup valgrindcli) the gdb parts are left out, and the script
# says so; everything else runs through the wrapper.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

token_fixture
for _tool in gdb script setsid pkcs11-tool python3; do
	command -v "$_tool" >/dev/null 2>&1 || _fail "$_tool is not installed"
done

# Not exported: the environment of srr must not carry it.
CANARY='Pq7-canary-PIN-93817'
WRONG='Wx4-wrong-PIN-55120'
if ! pkcs11-tool --module "$MODULE" --token-label "$TOKEN" --login --pin "$PIN" \
	--change-pin --new-pin "$CANARY" >"$T/.p11" 2>&1; then
	_fail "pkcs11-tool --change-pin"
	_detail output "$(cat "$T/.p11")"
	finish
fi

later=$(date -u -d '+100 days' +%F)
P=$T/pol
mkdir "$P"
cp "$CERT" "$P/alice.pem"
signing_policy "$P" 'PIN test policy' <<'EOF'
approvers:
  - {name: Alice Approver, cert: alice.pem, actors: [alice], roles: [management]}
approval_rules:
  - {subject: risk, roles: [management], quorum: 1}
EOF

printf '%s\n' "$CANARY" >"$T/pin"
printf '%s\n' "$WRONG" >"$T/wrong-pin"
chmod 600 "$T/pin" "$T/wrong-pin"

# Every output of srr in this script, for the search at the end.
: >"$T/outputs"
keep() {
	cat "$T/.out" "$T/.err" >>"$T/outputs"
	[ -e "$T/tty.out" ] && cat "$T/tty.out" >>"$T/outputs"
	return 0
}

# pin_in FILE...: how many of the files hold the PIN, or any 8-character
# piece of it, in ASCII or UTF-16LE (what a core or a file would show).
pin_in() {
	python3 - "$CANARY" "$@" <<'EOF'
import sys
pin = sys.argv[1]
ps = {pin[i:i + 8] for i in range(len(pin) - 7)}
ps = [p.encode() for p in ps] + [p.encode('utf-16-le') for p in ps]
print(sum(1 for f in sys.argv[2:] if any(p in open(f, 'rb').read() for p in ps)))
EOF
}
no_pin_in() { # DESC FILE...
	local desc=$1 n
	shift
	n=$(pin_in "$@")
	if [ "$n" = 0 ]; then
		_pass "$desc: no trace of the PIN"
	else
		_fail "$desc: the PIN (or a piece of it) is in $n file(s)"
	fi
}

ok srr init --policy "$P/policy.yaml"
ok srr supplier add acme --name "Acme Cloud" --tier critical
# request I: a risk accepted above tolerance and approval A-I for it.
request() {
	ok srr risk add acme --title "Risk $1" --likelihood 3 --impact 4
	ok srr risk treat "R-$1" --treatment accept --residual-likelihood 3 --residual-impact 4 \
		--justification "Reason $1" --until "$later"
	ok srr --actor carol approval request risk "R-$1"
	is "request $1" "A-$1" "$out"
}
request 1
request 2
K=(--key "$KEY_URI" --module "$MODULE")

# --- no PIN on the command line ------------------------------------------------
snapshot
# getopt_long would take --pin as short for --pin-file; the PIN would then be
# a file name in the error.
usage_fails "^srr approve: there is no --pin: a PIN is never given on the command line" \
	srr approve A-1 "${K[@]}" --pin "$CANARY"
keep
usage_fails "^srr approve: there is no --pin: " srr approve A-1 "${K[@]}" --pin="$CANARY"
keep
usage_fails "^srr approval reject: there is no --pin: " \
	srr approval reject A-1 --reason no "${K[@]}" --pin="$CANARY"
keep
usage_fails "^srr checkpoint: there is no --pin: " srr checkpoint "${K[@]}" --pin="$CANARY"
keep
# A mistyped option is named without its value.
usage_fails "^srr approve: unknown option '--pi' " srr approve A-1 "${K[@]}" --pi="$CANARY"
keep
_run srr --pin="$CANARY" approve A-1 "${K[@]}"
keep
is "srr --pin=...: usage error" 2 "$rc"
is "srr --pin=...: named without its value" "srr: unknown option '--pin' (see 'srr --help')" "$err"
approve_fails 3 "^srr approve: key URI carries a PIN \(pin-value or pin-source\): refused" \
	srr approve A-1 --key "$KEY_URI;pin-source=$T/pin" --module "$MODULE" --pin-file "$T/pin"
keep

# --- nor from the environment ----------------------------------------------------
# (Assignments before a function call are exported to what it runs.)
SRR_PIN=$CANARY PIN=$CANARY GNUTLS_PIN=$CANARY P11_KIT_PIN=$CANARY SOFTHSM2_PIN=$CANARY \
	approve_fails 3 "^srr approve: no terminal to ask for the PIN of token 'srr-test' on: use --pin-file FILE$" \
	no_tty approve A-1 "${K[@]}"
keep
unchanged

# --- --pin-file: what is refused ---------------------------------------------------
mkfifo -m 600 "$T/fifo"
mkdir -m 700 "$T/pindir"
# A FIFO used to block srr in open() until someone wrote to it; in_time
# gives up after 60 s (exit 124).
in_time() {
	local status
	# shellcheck disable=SC2086 # the wrapper is a command line
	timeout 60 ${SRR_TEST_WRAPPER:-} "$SRR" "$@"
	status=$?
	[ "$status" = 99 ] && [ -n "${SRR_TEST_WRAPPER:-}" ] && echo "srr $*" >>"$T/.wrapper-errors"
	return "$status"
}
approve_fails 3 "^srr approve: --pin-file $T/fifo: not a regular file of at most 256 bytes$" \
	in_time approve A-1 "${K[@]}" --pin-file "$T/fifo"
approve_fails 3 "^srr approve: --pin-file $T/pindir: not a regular file" \
	srr approve A-1 "${K[@]}" --pin-file "$T/pindir"
# (A device, such as /dev/null, takes the same way as the directory.)
unchanged

# --- a PIN that is used: success and failures, then searched for ----------------
ok srr --actor alice approve A-1 "${K[@]}" --pin-file "$T/pin"
keep
is "approve with --pin-file" "Signed A-1: approved (1 of 1)" "$(head -n 1 <<<"$out")"
snapshot
# Logged in with the right PIN, then refused: not an approver's key.
approve_fails 3 "^srr approve: A-2: approver \(CN=Rita RSA Approver\)" \
	srr --actor rita approve A-2 --key "$RSA_URI" --module "$MODULE" --pin-file "$T/pin"
keep
approve_fails 3 "^srr approve: token 'srr-test': wrong PIN \(not retried" \
	srr approve A-2 "${K[@]}" --pin-file "$T/wrong-pin"
keep
unchanged

# On a terminal: asked once, not echoed, and nowhere in what the terminal showed.
on_tty "$CANARY" --actor alice approve A-2 "${K[@]}"
keep
is "the PIN typed on a terminal: exit 0" 0 "$rc"
like "signed on a terminal" "^Signed A-2: approved \(1 of 1\)$" "$out"
is "the prompt shows once" 1 "$(printf '%s\n' "$out" | grep -c "PIN for token 'srr-test': ")"
no_pin_in "the terminal's transcript" "$T/tty.out"

ok srr approval export A-1 "$T/export"
ok srr export --bundle "$T/bundle"
mapfile -t files < <(find "$T/export" "$T/bundle" -type f)
no_pin_in "the approval export and the bundle (${#files[@]} files)" "${files[@]}"
db_files=("$SRR_DB")
for f in "$SRR_DB-wal" "$SRR_DB-shm" "$SRR_DB-journal"; do
	[ -e "$f" ] && db_files+=("$f")
done
no_pin_in "the register (${db_files[*]##*/})" "${db_files[@]}"
no_pin_in "stdout and stderr of every srr run" "$T/outputs"
check "the PIN search finds the PIN in a file that has it" test "$(pin_in "$T/pin")" = 1

# --- under gdb: memory, /proc, and a key or token gone mid-run -----------------------
if [ -n "${SRR_TEST_WRAPPER:-}" ]; then
	echo "# SKIP the gdb parts (memory scan, /proc, keys gone mid-run): srr runs under" \
		"\$SRR_TEST_WRAPPER, and gdb and valgrind do not mix" >&9
	finish
fi
# An ASan build maps terabytes of shadow memory: gcore would write it all.
if ldd "$SRR" 2>/dev/null | grep -q 'libasan'; then
	echo "# SKIP the gdb parts (memory scan, /proc, keys gone mid-run): srr is built" \
		"with AddressSanitizer, whose shadow memory a core would hold" >&9
	finish
fi

# gdb, with no file it writes (a core) above 200 MB: the cores here are
# about 8 MB, and a mistake must not fill the disk.
cat >"$T/gdb" <<EOF
#!/bin/sh
ulimit -f 204800
SHELL=/bin/sh exec gdb -q -batch -nx "\$@"
EOF
chmod +x "$T/gdb"

for i in 3 4 5 6; do
	request "$i"
done

# under_gdb VAR ARGS...: srr ARGS under gdb in batch mode, the gdb
# commands in $VAR (breakpoints and what to do there) first. srr's stdout
# and stderr are this function's; its exit status is the function's.
# gdb's own output goes to $T/gdb.log.
under_gdb() {
	local cmds=${!1} status
	shift
	{
		printf 'set pagination off\nset confirm off\nset breakpoint pending on\n'
		printf '%s\n' "$cmds"
		# run's arguments replace those of --args, so all of them go here.
		printf 'run %s >%q 2>%q\n' "$(printf '%q ' "$@")" "$T/gdb.out" "$T/gdb.err"
		printf 'python open("%s", "w").write(str(gdb.parse_and_eval("$_exitcode")))\n' \
			"$T/gdb.rc"
	} >"$T/gdb.cmd"
	rm -f "$T/gdb.out" "$T/gdb.err" "$T/gdb.rc"
	"$T/gdb" -x "$T/gdb.cmd" "$SRR" >"$T/gdb.log" 2>&1
	cat "$T/gdb.out" 2>/dev/null
	cat "$T/gdb.err" >&2 2>/dev/null
	status=$(cat "$T/gdb.rc" 2>/dev/null)
	case $status in
	'' | *[!0-9]*)
		echo "# gdb did not see srr exit:" >&9
		sed 's/^/#   /' "$T/gdb.log" | tail -n 20 >&9
		return 125
		;;
	esac
	return "$status"
}

# Stops: in C_Login (the PIN is there: the scan must find it, or it
# proves nothing), when srr_approve starts (the token open, logged in,
# nothing signed), at the second srr_token_sign (the approval signed, the
# checkpoint not yet) and at exit_group. At each a core (gcore); at the
# first srr_approve also /proc/PID/cmdline and environ, and whether srr
# is dumpable (prctl PR_GET_DUMPABLE is 3), also asked at main.
proc_py='python import gdb; p = gdb.selected_inferior().pid; [open("'$T'/proc." + n, "wb").write(open("/proc/%d/%s" % (p, n), "rb").read()) for n in ("cmdline", "environ")]'
scan_cmds="
break main
commands
silent
print (int)prctl(3, 0, 0, 0, 0)
continue
end
break C_Login
commands
silent
gcore $T/core.login
continue
end
break srr_approve
commands
silent
gcore $T/core.open
print (int)prctl(3, 0, 0, 0, 0)
$proc_py
continue
end
set \$signs = 0
break srr_token_sign
commands
silent
set \$signs = \$signs + 1
if \$signs == 2
gcore $T/core.signed
end
continue
end
catch syscall exit_group
commands
silent
gcore $T/core.exit
continue
end"
ok under_gdb scan_cmds --actor alice approve A-3 "${K[@]}" --pin-file "$T/pin"
is "under gdb: approved" "Signed A-3: approved (1 of 1)" "$(head -n 1 <<<"$out")"
for c in login open signed exit; do
	check "gcore wrote core.$c" test -s "$T/core.$c"
done
is "dumpable at main, not once the token is opened" "\$1 = 1
\$2 = 0" "$(grep -E '^\$[0-9]+ = ' "$T/gdb.log")"
check "in C_Login the scan finds the PIN (the scan works)" test "$(pin_in "$T/core.login")" = 1
no_pin_in "memory once logged in (core at srr_approve)" "$T/core.open"
no_pin_in "memory after the approval signature (core at the second sign)" "$T/core.signed"
no_pin_in "memory at exit (core at exit_group)" "$T/core.exit"
check "/proc/PID/cmdline read" test -s "$T/proc.cmdline"
check "/proc/PID/environ read" test -s "$T/proc.environ"
no_pin_in "/proc/PID/cmdline and environ" "$T/proc.cmdline" "$T/proc.environ"
rm -f "$T"/core.*

# The PIN typed on a terminal: gdb runs srr on the pseudo-terminal, and
# cores are taken in the login (the PIN is there), once the token is open
# and at exit.
tty_cmds="
break C_Login
commands
silent
gcore $T/core.tty-login
continue
end
break srr_approve
commands
silent
gcore $T/core.tty-open
continue
end
catch syscall exit_group
commands
silent
gcore $T/core.tty-exit
continue
end
run
"
printf 'set pagination off\nset confirm off\nset breakpoint pending on\n%s' "$tty_cmds" >"$T/tty.gdb"
SRR_TEST_WRAPPER="$T/gdb -x $T/tty.gdb --args" \
	on_tty "$CANARY" --actor alice approve A-6 "${K[@]}"
like "under gdb on a terminal: signed" "^Signed A-6: approved \(1 of 1\)$" "$out"
check "in C_Login the scan finds the PIN typed" test "$(pin_in "$T/core.tty-login")" = 1
check "gcore wrote core.tty-open" test -s "$T/core.tty-open"
check "gcore wrote core.tty-exit" test -s "$T/core.tty-exit"
no_pin_in "memory once logged in with the PIN typed (core at srr_approve)" "$T/core.tty-open"
no_pin_in "memory at exit, the PIN typed" "$T/core.tty-exit"
rm -f "$T"/core.*

# A wrong PIN: wiped too.
CANARY_RIGHT=$CANARY
CANARY=$WRONG
wrong_cmds="catch syscall exit_group
commands
silent
gcore $T/core.wrong
continue
end"
approve_fails 3 "^srr approve: token 'srr-test': wrong PIN" \
	under_gdb wrong_cmds approve A-4 "${K[@]}" --pin-file "$T/wrong-pin"
no_pin_in "memory at exit after a wrong PIN" "$T/core.wrong"
CANARY=$CANARY_RIGHT
rm -f "$T"/core.*

# A key deleted, or the token's directory removed, while srr approve runs:
# (a) after the token is opened and logged in, before the approval is
# signed; (b) after the approval signature, before the checkpoint's. On a
# copy of the token each time. SoftHSM2 answers the next C_SignInit with
# CKR_OBJECT_HANDLE_INVALID either way.
gone_key="pkcs11-tool --module $MODULE --token-label srr-test --login --pin $CANARY --delete-object --type privkey --label approver"
key_there() { # SOFTHSM2_CONF: the approver key is on that token
	SOFTHSM2_CONF=$1 pkcs11-tool --module "$MODULE" --token-label srr-test --login \
		--pin "$CANARY" --list-objects --type privkey 2>/dev/null | grep -q 'label: *approver$'
}
key_gone() { ! key_there "$@"; }
check "the approver key is on the token (the check works)" key_there "$SOFTHSM2_CONF"
for when in open second_sign; do
	for what in key token; do
		rm -rf "$T/tok2"
		cp -a "$T/token/tokens" "$T/tok2"
		printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
			"$T/tok2" >"$T/tok2.conf"
		if [ "$what" = key ]; then
			act="shell $gone_key >/dev/null 2>&1"
		else
			act="shell rm -rf $T/tok2/*"
		fi
		if [ "$when" = open ]; then
			gone_at_open="break srr_approve
commands
silent
$act
continue
end"
		else
			gone_at_second_sign="set \$signs = 0
break srr_token_sign
commands
silent
set \$signs = \$signs + 1
if \$signs == 2
$act
print \$signs
end
continue
end"
		fi
		snapshot
		SOFTHSM2_CONF=$T/tok2.conf approve_fails 3 \
			"^srr approve: token 'srr-test': cannot sign with key pkcs11:token=srr-test;object=approver;type=private: .*\(was the key deleted or the token removed\?\)$" \
			under_gdb "gone_at_$when" --actor alice approve A-5 "${K[@]}" --pin-file "$T/pin"
		unchanged
		if [ "$when" = second_sign ]; then
			is "($what) it went at the second signature" '$1 = 2' \
				"$(grep -E '^\$[0-9]+ = ' "$T/gdb.log")"
		fi
		if [ "$what" = key ]; then
			check "($when) the key is gone from the token" key_gone "$T/tok2.conf"
		fi
	done
done
ok srr --json approval show A-5
json_is '[.status, .signed] | map(tostring) | join("|")' "pending|0"
ok srr verify

finish
