#!/bin/bash
# Automake test: fresh captures of paced iperf3 TCP and ping (lab.sh truth),
# and pathtrace's goodput per 1 s bin and round trips held to iperf3's and
# ping's own reports (check-truth.py). Exit 77 (SKIP) without root, ip netns
# or the lab's tools, or with PT_SKIP_LAB set.
set -u
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n ${PT_SKIP_LAB:-} && ${PT_SKIP_LAB} != 0 ]]; then echo "test-truth: SKIP: PT_SKIP_LAB set" >&2; exit 77; fi
if [[ $(id -u) -ne 0 ]]; then echo "test-truth: SKIP: needs root" >&2; exit 77; fi
[[ -n ${PATHTRACE:-} ]] || { echo "test-truth: SKIP: PATHTRACE not set" >&2; exit 77; }
out=$(mktemp -d /tmp/ptl-truth.XXXXXX)
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bash "$LAB/lab.sh" truth "$out/caps"
rc=$?
[[ $rc -eq 77 ]] && exit 77
[[ $rc -eq 0 ]] || { echo "test-truth: FAIL: lab.sh truth exited $rc" >&2; exit 1; }
"${PYTHON:-python3}" "$LAB/check-truth.py" "$PATHTRACE" "$out/caps" "$out/work"
