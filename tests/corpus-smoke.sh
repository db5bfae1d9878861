#!/bin/sh
# Smoke test over the whole third-party corpus: `pathtrace decode -q` on every
# file alone and on all of them in one run. No signal and no timeout ever
# (exit 0 or 1 only); a file that cannot be read gives exactly one stderr line
# naming it, and the other files still decode in the same run.
# Exit 77 (skip) when the corpus is absent.
set -u

: "${PT_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
PATHTRACE=${PATHTRACE:-${PT_BUILDDIR:-.}/pathtrace}
if [ -z "${PATHTRACE_CORPUS:-}" ]; then
	for c in "$PT_SRCDIR/../shared/corpus" "$PT_SRCDIR/../../shared/corpus"; do
		[ -f "$c/MANIFEST.tsv" ] && PATHTRACE_CORPUS=$c && break
	done
fi
if [ -z "${PATHTRACE_CORPUS:-}" ] || [ ! -f "$PATHTRACE_CORPUS/MANIFEST.tsv" ]; then
	echo "SKIP: corpus not found (set PATHTRACE_CORPUS)"
	exit 77
fi
[ -x "$PATHTRACE" ] || { echo "FAIL: $PATHTRACE is not built"; exit 1; }
command -v timeout >/dev/null 2>&1 || { echo "SKIP: timeout(1) missing"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
nfiles=0
: >"$tmp/failed"
: >"$tmp/all-files"

# Files in MANIFEST order (first column), skipping the header.
files=$(awk -F'\t' 'NR > 1 && $1 != "" { print $1 }' "$PATHTRACE_CORPUS/MANIFEST.tsv")
for f in $files; do
	path=$PATHTRACE_CORPUS/$f
	[ -f "$path" ] || { echo "FAIL: $f listed in MANIFEST.tsv but missing"; fail=1; continue; }
	nfiles=$((nfiles + 1))
	echo "$path" >>"$tmp/all-files"
	timeout 20 "$PATHTRACE" decode -q "$path" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	case $rc in
	0)
		if [ -s "$tmp/err" ]; then
			echo "FAIL: $f: exit 0 but stderr: $(head -3 "$tmp/err")"
			fail=1
		fi
		;;
	1)
		lines=$(wc -l <"$tmp/err")
		if [ "$lines" -ne 1 ] || ! grep -qF "$path" "$tmp/err"; then
			echo "FAIL: $f: exit 1 needs exactly one stderr line naming the file, got $lines:"
			head -5 "$tmp/err"
			fail=1
		fi
		echo "$path" >>"$tmp/failed"
		;;
	124)
		echo "FAIL: $f: timed out after 20 s"
		fail=1
		;;
	*)
		echo "FAIL: $f: exit status $rc (signal or unexpected code)"
		head -20 "$tmp/err"
		fail=1
		;;
	esac
	pk=$(sed -n 's/^packets: \([0-9]*\).*/\1/p' "$tmp/out")
	echo "${pk:-0}" >>"$tmp/packets"
done
nfailed=$(wc -l <"$tmp/failed")
echo "corpus-smoke: $nfiles files, $nfailed refused or cut short"

# All files in one run: same failures, one line each, the rest still decoded.
# shellcheck disable=SC2046
timeout 600 "$PATHTRACE" decode -q $(cat "$tmp/all-files") >"$tmp/out" 2>"$tmp/err"
rc=$?
want=0
[ "$nfailed" -gt 0 ] && want=1
if [ "$rc" -ne "$want" ]; then
	echo "FAIL: all files together: exit $rc, want $want"
	head -20 "$tmp/err"
	fail=1
fi
lines=$(wc -l <"$tmp/err")
if [ "$lines" -ne "$nfailed" ]; then
	echo "FAIL: all files together: $lines stderr lines, want $nfailed:"
	cat "$tmp/err"
	fail=1
fi
while read -r p; do
	grep -qF "$p" "$tmp/err" || { echo "FAIL: all files together: no error line names $p"; fail=1; }
done <"$tmp/failed"
sum=$(awk '{ s += $1 } END { print s + 0 }' "$tmp/packets")
got=$(sed -n 's/^packets: \([0-9]*\).*/\1/p' "$tmp/out")
if [ "${got:-x}" != "$sum" ]; then
	echo "FAIL: all files together decoded ${got:-?} packets, the files one by one $sum"
	fail=1
fi
[ $fail -eq 0 ] && echo "corpus-smoke: ok ($sum packets)"
exit $fail
