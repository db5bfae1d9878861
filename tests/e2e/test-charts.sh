#!/bin/sh
# End-to-end: the charts of pathtrace analyze and plot on bundled samples,
# every number drawn held against the CSV it comes from, the PNG, PDF and SVG
# looked into (tests/e2e/check-charts.py); then pathtrace compare over three
# of them (tests/e2e/check-compare.py).
srcdir=${PT_SRCDIR:-${srcdir:-.}}
PATHTRACE=${PATHTRACE:-./pathtrace}
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
command -v gnuplot >/dev/null 2>&1 || { echo "SKIP: gnuplot not found (Debian: gnuplot-nox)"; exit 77; }
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT INT TERM
status=0
"$PYTHON" "$srcdir/tests/e2e/check-charts.py" "$PATHTRACE" "$srcdir/samples" "$out/analyze" || status=1
"$PYTHON" "$srcdir/tests/e2e/check-compare.py" "$PATHTRACE" "$srcdir/samples" "$out/compare" || status=1
exit $status
