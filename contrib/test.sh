#!/usr/bin/env bash
# From a fresh Debian 12 machine to a passing test suite; .ci/run calls this.
#
#   contrib/test.sh            install what is missing, build with -Werror, run
#                              every suite, then again under valgrind and under
#                              ASan+UBSan, then each libFuzzer target briefly
#   contrib/test.sh --quick    the plain run only (for the edit-test loop)
#
# Build directories: build-test/, build-test-asan/ and build-test-fuzz/
# (override the stem with SRR_BUILD_DIR). SRR_FUZZ_SECONDS (default 20) is how
# long each of the six fuzz targets runs, two at a time. In CI (CI=true) a
# skipped test is a failure: CI installs every tool the tests need, so
# nothing may skip silently.
set -euo pipefail
cd "$(dirname "$0")/.."
. contrib/deps.sh

quick=0
for arg in "$@"; do
	case "$arg" in
	--quick) quick=1 ;;
	-h | --help)
		sed -n '2,14s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*)
		echo "contrib/test.sh: unknown option '$arg'" >&2
		exit 2
		;;
	esac
done

srr_install_missing "${SRR_BUILD_PACKAGES[@]}" "${SRR_TEST_PACKAGES[@]}"

build=${SRR_BUILD_DIR:-build-test}
jobs=$(nproc)

setup() { # dir, options...
	local dir=$1 how=()
	shift
	if [ -f "$dir/build.ninja" ]; then
		how=(--reconfigure)
	elif [ -d "$dir" ]; then
		how=(--wipe) # a setup that failed half-way
	fi
	local log
	log=$(mktemp)
	if ! meson setup "${how[@]}" "$dir" "$@" >"$log" 2>&1 || ! ninja -C "$dir" >>"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "contrib/test.sh: building in $dir failed" >&2
		exit 1
	fi
	rm -f "$log"
}

# Sum the results meson wrote for one run into the totals.
passed=0 failed=0 skipped=0
tally() { # testlog.json
	local line
	line=$(python3 - "$1" <<'PY'
import json, sys
p = f = s = 0
for row in open(sys.argv[1]):
    r = json.loads(row).get('result')
    if r in ('OK', 'EXPECTEDFAIL'):
        p += 1
    elif r == 'SKIP':
        s += 1
    else:
        f += 1
print(p, f, s)
PY
)
	read -r p f s <<<"$line"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

run() { # label, dir, meson test args...
	local label=$1 dir=$2 rc=0
	shift 2
	echo "== $label"
	meson test -C "$dir" --num-processes "$jobs" --print-errorlogs "$@" || rc=$?
	local log="$dir/meson-logs/testlog.json"
	for a in "$@"; do
		case "$a" in --setup=*) log="$dir/meson-logs/testlog-${a#--setup=}.json" ;; esac
	done
	tally "$log"
	return $rc
}

# Run libFuzzer targets (tests/fuzz) side by side, one core each, for
# SRR_FUZZ_SECONDS from a copy of their seed corpora: what they find goes to
# a temp dir, never into the tree.
fuzz() { # dir, targets...
	local dir=$1 t rc=0 all=0
	shift
	local -A work pid
	for t in "$@"; do
		work[$t]=$(mktemp -d "${TMPDIR:-/tmp}/srr-fuzz-$t.XXXXXX")
		mkdir "${work[$t]}/corpus" "${work[$t]}/crash"
		cp tests/fuzz/corpus/"$t"/* "${work[$t]}/corpus/"
		# TMPDIR: the files a target makes (fuzz-import's register, the
		# bundle of fuzz-manifest, the certificates of fuzz-policy), left
		# there by a crash.
		TMPDIR=${work[$t]} ASAN_OPTIONS=detect_leaks=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			"$dir/tests/fuzz/fuzz-$t" -max_total_time="${SRR_FUZZ_SECONDS:-20}" \
			-dict="tests/fuzz/$t.dict" -rss_limit_mb=2048 -timeout=10 \
			-artifact_prefix="${work[$t]}/crash/" -print_final_stats=1 \
			"${work[$t]}/corpus" >"${work[$t]}/log" 2>&1 &
		pid[$t]=$!
	done
	local names="$*"
	echo "== fuzz-${names// / and fuzz-} for ${SRR_FUZZ_SECONDS:-20} s"
	for t in "$@"; do
		local w=${work[$t]} f
		rc=0
		wait "${pid[$t]}" || rc=$?
		if [ $rc -eq 0 ]; then
			echo "fuzz-$t: $(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' \
				"$w/log"), $(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$w/log" | tail -n 1)"
			passed=$((passed + 1))
			rm -rf "$w"
			continue
		fi
		grep -v '^#[0-9]' "$w/log" | tail -n 60 >&2
		for f in "$w"/crash/*; do
			[ -e "$f" ] &&
				echo "contrib/test.sh: fuzz-$t: reproduce with $dir/tests/fuzz/fuzz-$t $f" >&2
		done
		echo "contrib/test.sh: fuzz-$t: the whole log is $w/log" >&2
		failed=$((failed + 1))
		all=1
	done
	return $all
}

status=0
setup "$build" -Dwerror=true -Dbuildtype=debugoptimized
run "tests" "$build" || status=1

if [ $quick -eq 0 ]; then
	run "unit and token tests under valgrind" "$build" --setup=valgrind --suite unit \
		--suite token || status=1
	run "CLI tests, srr under valgrind" "$build" --setup=valgrindcli --suite cli \
		--no-suite no-valgrind || status=1

	asan="${build}-asan"
	setup "$asan" -Dwerror=true -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run "tests under ASan+UBSan" "$asan" || status=1

	# libFuzzer is clang's; -Db_lundef=false as clang links the sanitizer
	# runtimes into executables only, not into libsrr.so.
	fuzzdir="${build}-fuzz"
	CC=clang setup "$fuzzdir" -Dwerror=true -Dbuildtype=debugoptimized -Dtests=false \
		-Dman=disabled -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	# Six targets, two at a time: three rounds of SRR_FUZZ_SECONDS each.
	fuzz "$fuzzdir" record import || status=1
	fuzz "$fuzzdir" policy checkpoint || status=1
	fuzz "$fuzzdir" manifest cms || status=1
fi

if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	echo "contrib/test.sh: $skipped test(s) skipped in CI: install what they need" >&2
	status=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
