#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What 'meson install' puts in place works from there: installed into a
# temporary DESTDIR, a C program builds against the headers and library
# with 'pkg-config --cflags --libs srr' and runs; every public header, man
# page, completion script and systemd unit is there; the units pass
# 'systemd-analyze verify' and 'security'; and the service's ExecStart line,
# run as written against a real register in a mount namespace where only
# the register's directory is writable (as ProtectSystem=strict and
# StateDirectory= leave it), lists what is overdue and exits 1.
#
# Environment (tests/meson.build sets it): SRR (the built srr, for lib.sh),
# SRR_BUILD_ROOT, SRR_SOURCE_ROOT, SRR_PREFIX, SRR_LIBDIR, SRR_BINDIR,
# SRR_INCLUDEDIR, SRR_MANDIR, SRR_UNITDIR, SRR_BASHDIR, SRR_ZSHDIR (absolute
# install paths, "no" for a part not installed), SRR_MAN (yes: man pages
# built), SRR_VERSION, CC and
# SRR_CFLAGS (what the library was built with, e.g. -fsanitize=address).
# shellcheck source-path=SCRIPTDIR disable=SC2119,SC2317 # optional helper args; run_unit runs via _run
. "$(dirname "$0")/cli/lib.sh"

for tool in pkg-config systemd-analyze unshare man; do
	command -v $tool >/dev/null || {
		echo "SKIP: $tool is not installed"
		exit 77
	}
done

D=$T/dest
check "meson install --destdir" \
	meson install -C "$SRR_BUILD_ROOT" --destdir "$D" --no-rebuild --quiet || finish

# The library through its pkg-config file. The file names the real prefix:
# PKG_CONFIG_SYSROOT_DIR puts DESTDIR in front of its -I and -L.
export PKG_CONFIG_PATH=$D$SRR_LIBDIR/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
ok pkg-config --cflags --libs srr
flags=$out
like "pkg-config names the installed headers and library" \
	"-I$D$SRR_INCLUDEDIR( |$).*-L$D$SRR_LIBDIR -lsrr|-L$D$SRR_LIBDIR -lsrr.*-I$D$SRR_INCLUDEDIR" "$flags"
cat >"$T/prog.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <srr/srr.h>

int main(void)
{
	struct srr_register *reg = NULL;
	if (srr_register_new(&reg) != 0)
		return 1;
	srr_register_free(reg);
	puts(srr_version());
	return 0;
}
C
# shellcheck disable=SC2086 # the compiler and flags are word lists
ok ${CC:-cc} -std=c99 -pedantic -Werror -o "$T/prog" "$T/prog.c" ${SRR_CFLAGS:-} $flags
export LD_LIBRARY_PATH=$D$SRR_LIBDIR
ok "$T/prog"
is "a program built with pkg-config runs with the installed library" "$SRR_VERSION" "$out"
ok "$D$SRR_BINDIR/srr" version
like "the installed srr runs" "^srr $SRR_VERSION " "$out"

# Everything that is meant to be installed is.
missing=
for h in "$SRR_SOURCE_ROOT"/include/srr/*.h; do
	[ -f "$D$SRR_INCLUDEDIR/srr/${h##*/}" ] || missing+=" include/srr/${h##*/}"
done
[ "$SRR_MAN" = yes ] || _pass "no man pages: built without scdoc (-Dman)"
[ "$SRR_MAN" = yes ] && for page in "$SRR_SOURCE_ROOT"/docs/man/*.scd "$SRR_SOURCE_ROOT"/docs/man/*.[1-8]; do
	page=${page##*/}
	page=${page%.scd}
	[ -f "$D$SRR_MANDIR/man${page##*.}/$page" ] || missing+=" $page"
done
[ "$SRR_BASHDIR" = no ] || [ -f "$D$SRR_BASHDIR/srr" ] || missing+=" bash completion"
[ "$SRR_ZSHDIR" = no ] || [ -f "$D$SRR_ZSHDIR/_srr" ] || missing+=" zsh completion"
units=$D$SRR_UNITDIR
[ "$SRR_UNITDIR" = no ] || [ -f "$units/srr-due.service" ] || missing+=" srr-due.service"
[ "$SRR_UNITDIR" = no ] || [ -f "$units/srr-due.timer" ] || missing+=" srr-due.timer"
is "every header, man page, completion and unit is installed" "" "$missing"

if [ "$SRR_UNITDIR" = no ]; then
	finish
fi

# systemd-analyze checks that ExecStart's program exists and runs man for
# Documentation=: point both into DESTDIR. It warns, yet exits 0, on a
# line it cannot parse: no output at all is the pass.
mkdir "$T/units"
sed "s|^ExecStart=$SRR_BINDIR/|ExecStart=$D$SRR_BINDIR/|" "$units/srr-due.service" \
	>"$T/units/srr-due.service"
cp "$units/srr-due.timer" "$T/units/"
man=yes
[ "$SRR_MAN" = yes ] || man=no
MANPATH=$D$SRR_MANDIR ok systemd-analyze verify --man=$man "$T/units/srr-due.service" \
	"$T/units/srr-due.timer"
is "systemd-analyze verify: no warnings" "" "$out$err"
ok systemd-analyze security --offline=yes --threshold=10 "$T/units/srr-due.service"
like "sandboxed: exposure at most 1.0 of 10" "Overall exposure level for srr-due.service: (0\.[0-9]|1\.0) " "$out"
timer=$(cat "$units/srr-due.timer")
like "the timer runs daily" "^OnCalendar=daily$" "$timer"
like "and catches up a missed day" "^Persistent=true$" "$timer"

# The ExecStart line as systemd runs it: ${SRR_DB} from Environment=.
unit=$(cat "$units/srr-due.service")
exec_start=$(sed -n 's/^ExecStart=//p' "$units/srr-due.service")
default_db=$(sed -n 's/^Environment=SRR_DB=//p' "$units/srr-due.service")
is "the register is \$SRR_DB" "$SRR_BINDIR/srr --db \${SRR_DB} due" "$exec_start"
is "by default in the state directory" "/var/lib/srr/register.db" "$default_db"
like "the state directory is writable" "^StateDirectory=srr$" "$unit"
like "nothing else is" "^ProtectSystem=strict$" "$unit"
like "output goes to the journal as srr-due" "^SyslogIdentifier=srr-due$" "$unit"

# A register with a contract whose notice deadline passed (overdue) in the
# state directory, $T/state standing in for /var/lib/srr.
mkdir "$T/state"
export SRR_DB=$T/state/register.db
ok srr init
ok srr supplier add acme-cloud --name Acme --tier low
end=$(date -u -d '+30 days' +%F)
ok srr contract add acme-cloud C-1 --start 2024-01-01 --end "$end" --notice-days 90
snapshot

# Run it as the unit does: the word list of ExecStart, ${SRR_DB} replaced,
# the binary from DESTDIR; in a mount namespace where $T is read-only but
# for the state directory.
run_unit() { # RW-STATE(yes|no)
	local cmd=${exec_start//\$\{SRR_DB\}/$SRR_DB}
	cmd=${cmd/#$SRR_BINDIR\//$D$SRR_BINDIR/}
	# shellcheck disable=SC2016,SC2086 # expanded by the inner shell; $cmd: words
	unshare -r -m bash -c 'set -e
		mount --bind "$1/state" "$1/state"
		mount --rbind "$1" "$1"
		mount -o remount,bind,ro "$1"
		[ "$2" = yes ] || mount -o remount,bind,ro "$1/state"
		if touch "$1/.rw" 2>/dev/null; then echo "$1 is writable" >&2; exit 99; fi
		shift 2
		exec "$@"' unit "$T" "$1" $cmd # the words of ExecStart
}
_run run_unit yes
is "ExecStart exits 1: something is overdue" 1 "$rc"
like "and says what" "contract-notice .*notice on contract C-1 of acme-cloud" "$out"
like "and how much" "^1 overdue, [0-9]+ listed$" "$out"
is "nothing on stderr" "" "$err"
unchanged

# Why the directory is writable: SQLite cannot open a WAL register for
# reading in a read-only directory (no -shm file).
_run run_unit no
is "a read-only register directory: exit 3" 3 "$rc"
like "unable to open" "unable to open database file" "$err"

# Nothing overdue: exit 0, the unit succeeds.
ok srr contract update acme-cloud C-1 --notice-days none
_run run_unit yes
is "ExecStart exits 0 when nothing is overdue" 0 "$rc"
like "and says so" "^0 overdue" "$out"

finish
