#!/bin/sh
# End-to-end on the third-party multi-point capture sets (shared external/
# folder, kept out of the repository): check-external.py runs pathtrace analyze
# on every set and scenario and holds the outputs to what each set's SOURCE.md
# says a correct analysis finds (paths and their order, matched and lost
# packets, clock offsets, NAT, MTU and encapsulation, negative controls,
# damaged files). Known shortfalls are listed in tests/e2e/external-xfail.tsv.
# The sets are looked up as $PATHTRACE_EXTERNAL, else beside the source tree
# ($PT_SRCDIR/../shared/external), else one level further up. Exit 77 (skip)
# when they are absent.
set -u

: "${PT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
PATHTRACE=${PATHTRACE:-./pathtrace}
PYTHON=${PYTHON:-python3}
looked=
if [ -n "${PATHTRACE_EXTERNAL:-}" ]; then
	looked=$PATHTRACE_EXTERNAL
else
	for e in "$PT_SRCDIR/../shared/external" "$PT_SRCDIR/../../shared/external"; do
		looked="$looked${looked:+ and }$e"
		[ -f "$e/MANIFEST.tsv" ] && PATHTRACE_EXTERNAL=$e && break
	done
fi
if [ -z "${PATHTRACE_EXTERNAL:-}" ] || [ ! -f "$PATHTRACE_EXTERNAL/MANIFEST.tsv" ]; then
	echo "SKIP: external capture sets not found (looked in $looked; set PATHTRACE_EXTERNAL)"
	exit 77
fi
command -v "$PYTHON" >/dev/null 2>&1 || { echo "SKIP: $PYTHON not found"; exit 77; }
[ -x "$PATHTRACE" ] || { echo "FAIL: $PATHTRACE is not built"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pt-external.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
"$PYTHON" "$PT_SRCDIR/tests/e2e/check-external.py" "$PATHTRACE" "$PATHTRACE_EXTERNAL" "$tmp/out"
