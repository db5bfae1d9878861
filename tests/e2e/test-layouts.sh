#!/bin/sh
# Capture sets laid out by host directory (tests/e2e/check-layouts.py).
srcdir=${PT_SRCDIR:-${srcdir:-.}}
PATHTRACE=${PATHTRACE:-./pathtrace}
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
"$PYTHON" "$srcdir/tests/e2e/check-layouts.py" "$PATHTRACE" "$srcdir" "$work"
