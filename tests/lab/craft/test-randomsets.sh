#!/bin/sh
# test-randomsets.sh -- pathtrace on random capture sets whose truth is known: randomset.py
# writes PT_RANDOM_SEEDS sets (30) from seed PT_RANDOM_FIRST (1) on, and check-analyze.py judges
# `pathtrace analyze` on each against its manifest.tsv.  One line per seed:
#   ok seed N
#   FAIL seed N: <first failing check>     (a few more and how to reproduce it on stderr)
#   XFAIL seed N: <why>                      (listed in randomsets-xfail.tsv: known, not fatal)
#   XPASS seed N: ...                        (listed but passes now: fatal, so the list shrinks)
# PATHTRACE (./pathtrace) is the binary judged; PT_RANDOM_JOBS (the number of CPUs) how many
# seeds run at once; PT_RANDOM_ARGS extra randomset.py options (e.g. --max-points 100).
# Exit 0 pass, 1 fail, 77 skip (python3-scapy missing), 99 hard error.
set -u
LC_ALL=C
export LC_ALL
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd)
top=$(cd "$here/../../.." && pwd)
xfail="$here/randomsets-xfail.tsv"

# one seed: generate it, judge it; result in $tmp/N.res ("ok" or the FAIL lines)
if [ "${1:-}" = --one ]; then
	tmp=$2 s=$3
	dir="$tmp/$s"
	if [ ! -f "$dir/manifest.tsv" ]; then
		# shellcheck disable=SC2086
		"$PY" "$here/randomset.py" ${PT_RANDOM_ARGS:-} "$s" "$dir" >"$tmp/$s.gen" 2>&1 || {
			echo "FAIL randomset.py $s exited non-zero: $(tail -n 1 "$tmp/$s.gen")" >"$tmp/$s.res"
			exit 0
		}
	fi
	if "$CHECKPY" "$top/tests/e2e/check-analyze.py" "$PATHTRACE" "$dir" "$dir.out" >"$tmp/$s.log" 2>&1; then
		echo ok >"$tmp/$s.res"
	else
		grep '^FAIL' "$tmp/$s.log" >"$tmp/$s.res" || tail -n 3 "$tmp/$s.log" | sed 's/^/FAIL check-analyze.py: /' >"$tmp/$s.res"
	fi
	exit 0
fi

PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
	if "$p" -c 'import scapy' >/dev/null 2>&1; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	echo "SKIP: python3 module scapy is missing (Debian: apt-get install python3-scapy)"
	exit 77
fi
CHECKPY=${PYTHON:-python3}
command -v "$CHECKPY" >/dev/null 2>&1 || CHECKPY=$PY
PATHTRACE=${PATHTRACE:-./pathtrace}
[ -x "$PATHTRACE" ] || [ ! -x "$top/pathtrace" ] || PATHTRACE=$top/pathtrace
if [ ! -x "$PATHTRACE" ]; then
	echo "ERROR: no pathtrace binary at $PATHTRACE (set PATHTRACE)"
	exit 99
fi
case $PATHTRACE in /*) ;; *) PATHTRACE=$(pwd)/$PATHTRACE ;; esac
first=${PT_RANDOM_FIRST:-1}
count=${PT_RANDOM_SEEDS:-30}
jobs=${PT_RANDOM_JOBS:-$(nproc 2>/dev/null || echo 2)}
case "$first$count$jobs" in *[!0-9]*)
	echo "ERROR: PT_RANDOM_FIRST, PT_RANDOM_SEEDS and PT_RANDOM_JOBS take numbers"
	exit 99 ;;
esac
[ "$jobs" -ge 1 ] || jobs=1
last=$((first + count - 1))
export PY CHECKPY PATHTRACE

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-randomsets.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# Generate in $jobs interpreters (scapy's import is the slow part), then judge in parallel.
per=$(((count + jobs - 1) / jobs))
s=$first
while [ "$s" -le "$last" ]; do
	n=$per
	[ $((s + n - 1)) -le "$last" ] || n=$((last - s + 1))
	# shellcheck disable=SC2086
	"$PY" "$here/randomset.py" ${PT_RANDOM_ARGS:-} --count "$n" "$s" "$tmp" >"$tmp/gen-$s.log" 2>&1 &
	s=$((s + n))
done
wait
# (a seed whose batch failed is generated again, alone, by --one: its error is then its own)
seq "$first" "$last" | xargs -n 1 -P "$jobs" sh "$0" --one "$tmp" 2>&1 | sed 's/^/  /' >&2 ||:

status=0
passed=0 failed=0 xfailed=0 xpassed=0
s=$first
while [ "$s" -le "$last" ]; do
	why=
	[ -f "$xfail" ] && why=$(awk -F '\t' -v s="$s" '$1 == s { print $2; exit }' "$xfail")
	res=$(cat "$tmp/$s.res" 2>/dev/null || echo "FAIL no result (the seed's job died)")
	if [ "$res" = ok ]; then
		if [ -n "$why" ]; then
			echo "XPASS seed $s: passes now: remove it from tests/lab/craft/randomsets-xfail.tsv ($why)"
			xpassed=$((xpassed + 1))
			status=1
		else
			echo "ok seed $s"
			passed=$((passed + 1))
		fi
	elif [ -n "$why" ]; then
		echo "XFAIL seed $s: $why"
		xfailed=$((xfailed + 1))
	else
		echo "FAIL seed $s: $(echo "$res" | head -n 1 | sed 's/^FAIL //')"
		{
			echo "$res" | sed -n '2,6s/^FAIL /    /p'
			echo "    reproduce: $here/randomset.py ${PT_RANDOM_ARGS:+$PT_RANDOM_ARGS }$s DIR &&" \
				"$top/tests/e2e/check-analyze.py $PATHTRACE DIR DIR.out"
		} >&2
		failed=$((failed + 1))
		status=1
	fi
	s=$((s + 1))
done
echo "test-randomsets: seeds $first-$last: $passed passed, $failed failed, $xfailed known failures" \
	"(randomsets-xfail.tsv), $xpassed unexpectedly passed"
exit $status
