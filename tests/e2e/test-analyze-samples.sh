#!/bin/sh
# End-to-end: pathtrace analyze on every bundled sample scenario, judged
# against its manifest by check-analyze.py; where packets die for their
# size, the verdict through the filters a user types too (check-mtu-views.py).
srcdir=${PT_SRCDIR:-${srcdir:-.}}
PATHTRACE=${PATHTRACE:-./pathtrace}
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT INT TERM
status=0
n=0
xfail="$srcdir/tests/e2e/xfail.tsv"
for dir in "$srcdir"/samples/*/; do
	[ -f "$dir/manifest.tsv" ] || continue
	name=$(basename "$dir")
	n=$((n + 1))
	echo "== $name"
	expected_fail=no
	grep -q "^$name	" "$xfail" 2>/dev/null && expected_fail=yes
	if "$PYTHON" "$srcdir/tests/e2e/check-analyze.py" "$PATHTRACE" "$dir" "$out/$name"; then
		if [ $expected_fail = yes ]; then
			echo "XPASS $name passes now: remove it from tests/e2e/xfail.tsv"
			status=1
		fi
	elif [ $expected_fail = yes ]; then
		echo "XFAIL $name: $(grep "^$name	" "$xfail" | cut -f2)"
	else
		status=1
	fi
	if grep -q "reason=mtu" "$dir/manifest.tsv"; then
		echo "== $name through filters"
		"$PYTHON" "$srcdir/tests/e2e/check-mtu-views.py" "$PATHTRACE" "$dir" "$out/$name.views" || status=1
	fi
done
[ "$n" -gt 0 ] || { echo "no sample scenarios found under $srcdir/samples"; exit 99; }
exit $status
