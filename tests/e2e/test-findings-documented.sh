#!/bin/sh
# Every finding name the code can emit has an entry in doc/findings.md, and
# --explain prints it.
srcdir=${PT_SRCDIR:-${srcdir:-.}}
PATHTRACE=${PATHTRACE:-./pathtrace}
names=$(grep -ho '"\(loss\|latency\|capture\|clock\|path\|limit\|mtu\|frag\|encap\)\.[a-z0-9_]*"' \
	"$srcdir"/src/*/*.c | tr -d '"' | grep -v "\.csv$" | sort -u)
[ -n "$names" ] || { echo "no finding names found in $srcdir/src"; exit 99; }
pass=0 fail=0
for n in $names; do
	if "$PATHTRACE" analyze --explain "$n" | grep -q "^## \`$n\`"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $n is not in doc/findings.md"
	fi
done
if "$PATHTRACE" analyze --explain no.such.finding >/dev/null 2>&1; then
	fail=$((fail + 1))
	echo "FAIL --explain accepts an unknown name"
else
	pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
