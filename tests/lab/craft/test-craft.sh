#!/bin/sh
# test-craft.sh -- regenerate the crafted capture scenarios into a temporary directory, prove
# that the generator is reproducible by comparing them byte for byte with the committed
# samples/crafted-*/, check that craft.am distributes every generated file, then verify the
# scenarios against their manifests with check-crafted.sh.
# Exit 0 pass, 1 fail, 77 skip (tshark or python3-scapy missing).
set -u
LC_ALL=C
export LC_ALL
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd)
top=$(cd "$here/../../.." && pwd)

if ! command -v tshark >/dev/null 2>&1; then
    echo "SKIP: tshark is missing"
    exit 77
fi
PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
    if "$p" -c 'import scapy' >/dev/null 2>&1; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "SKIP: python3 module scapy is missing"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-craft.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

if ! "$PY" "$here/craft.py" "$tmp/out" >"$tmp/craft.log" 2>&1; then
    cat "$tmp/craft.log"
    echo "FAIL: craft.py exited non-zero"
    exit 1
fi

# 1. reproducible: same scenario set, same files, same bytes as the committed samples
(cd "$tmp/out" && ls -d crafted-*) >"$tmp/gen.dirs"
(cd "$top/samples" 2>/dev/null && ls -d crafted-* 2>/dev/null) >"$tmp/ref.dirs"
if ! cmp -s "$tmp/gen.dirs" "$tmp/ref.dirs"; then
    echo "FAIL: scenario directories differ from samples/ (generated vs committed):"
    diff "$tmp/gen.dirs" "$tmp/ref.dirs"
    fail=1
fi
while read -r d; do
    if [ -d "$top/samples/$d" ] && ! diff -r "$tmp/out/$d" "$top/samples/$d" >"$tmp/diff" 2>&1; then
        echo "FAIL: samples/$d differs from a fresh run of craft.py:"
        head -20 "$tmp/diff"
        fail=1
    fi
done <"$tmp/gen.dirs"
[ $fail -eq 0 ] && echo "ok   reproducible: $(wc -l <"$tmp/gen.dirs") scenarios identical to samples/crafted-*"

# 2. every generated file is distributed by craft.am
(cd "$tmp/out" && find crafted-* -type f | sort) >"$tmp/gen.files"
grep -o 'samples/crafted-[^ \\]*' "$here/craft.am" | sed 's|^samples/||' | sort >"$tmp/am.files"
if ! cmp -s "$tmp/gen.files" "$tmp/am.files"; then
    echo "FAIL: EXTRA_DIST in tests/lab/craft/craft.am does not list exactly the generated files:"
    diff "$tmp/gen.files" "$tmp/am.files"
    fail=1
else
    echo "ok   craft.am lists all $(wc -l <"$tmp/gen.files") generated files"
fi

# 3. the scenarios say what their captures show
sh "$here/check-crafted.sh" "$tmp/out"
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -ne 0 ] && fail=1

if [ $fail -eq 0 ]; then
    echo "test-craft: 1 passed, 0 failed"
else
    echo "test-craft: 0 passed, 1 failed"
fi
exit $fail
