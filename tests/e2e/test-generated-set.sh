#!/bin/sh
# End-to-end on the benchmark's generated capture set (bench/gen-captures.c):
# hundreds of TCP connections between two VMs over VXLAN, a few segments lost
# on the underlay, cn2's clock 1.5 ms ahead. check-analyze.py judges pathtrace
# against the manifest the generator writes (paths, exact loss counts on the
# right hop, the clock offset), and the summary must fold the many per-flow
# loss findings of one hop into a few lines.
PT_BUILDDIR=${PT_BUILDDIR:-.}
srcdir=${PT_SRCDIR:-${srcdir:-.}}
PATHTRACE=${PATHTRACE:-./pathtrace}
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
"$PT_BUILDDIR/bench/gen-captures" "$tmp/set" 30000 65535 300 || exit 99
"$PYTHON" "$srcdir/tests/e2e/check-analyze.py" "$PATHTRACE" "$tmp/set" "$tmp/out" >"$tmp/check.log"
status=$?
grep -v '^ok' "$tmp/check.log"
lost=$(grep -c '^drop' "$tmp/set/manifest.tsv")
if [ "$lost" -le 3 ]; then
	echo "FAIL: the generated set should lose packets of more than 3 flows (got $lost)"
	exit 1
fi
# At most three in full per severity (error and warning split on the flow's loss share).
sum="$tmp/out/summary.txt"
shown=$(grep -c '^[a-z]* *loss\.hop on cn1-eth1 > cn2-eth1' "$sum")
folded=$(sed -n 's/^ *\.\.\. and \([0-9]*\) more loss\.hop like these.*/\1/p' "$sum" | awk '{s += $1} END {print s + 0}')
if [ "$shown" -gt 6 ] || [ "$folded" -eq 0 ] || [ $((shown + folded)) -ne "$lost" ]; then
	echo "FAIL: summary.txt should show a few of the $lost loss.hop findings and fold the rest" \
		"(shows $shown, folds $folded):"
	sed -n '/== verdict/,$p' "$sum" | head -20
	status=1
fi
exit $status
