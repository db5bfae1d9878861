#!/bin/sh
# Clocks far apart, jumping and stepping (tests/e2e/check-clocks.py).
srcdir=${PT_SRCDIR:-${srcdir:-.}}
PATHTRACE=${PATHTRACE:-./pathtrace}
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
"$PYTHON" "$srcdir/tests/e2e/check-clocks.py" "$PATHTRACE" "$srcdir" "$work"
