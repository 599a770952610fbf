#!/usr/bin/env bash
# libsrr exports srr_* and nothing else (the version script and
# -fvisibility=hidden keep the internals in).
set -euo pipefail
lib=$1
command -v nm >/dev/null || { echo "nm missing (binutils)"; exit 77; }
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRW]$/ { print $3 }')
bad=$(printf '%s\n' "$syms" | sed 's/@.*//' | grep -v '^srr_' | grep -v '^SRR_[0-9]*$' || true)
if [ -n "$bad" ]; then
	echo "exported symbols outside the srr_ namespace:"
	printf '  %s\n' $bad
	exit 1
fi
n=$(printf '%s\n' "$syms" | grep -c '^srr_')
[ "$n" -gt 20 ] || { echo "only $n srr_ symbols exported: the version script is wrong"; exit 1; }
echo "$n srr_ symbols exported, nothing else"
