#!/bin/sh
# Every example the README's "Use" section and the manual's EXAMPLES give
# runs as written, one after the other in one scratch directory (so that an
# example may use what an earlier one wrote), with this build's pathtrace
# first on PATH and the samples from the source tree, and does what it says:
# exit 0 and some output.
srcdir=${PT_SRCDIR:-${srcdir:-.}}
build=$(pwd)
set -u
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/bin" "$tmp/run" && ln -s "$build/pathtrace" "$tmp/bin/pathtrace"
# README: the lines of the first sh block after "## Use"; the manual: lines
# starting "pathtrace " between .nf and .fi.
awk '/^## Use/ { use = 1 } use && /^```sh/ { inb = 1; next } inb && /^```/ { exit } inb' "$srcdir/README.md" \
	| sed 's/  *#.*$//' >"$tmp/examples"
awk '/^\.nf/ { inb = 1; next } /^\.fi/ { inb = 0 } inb && /^pathtrace /' "$srcdir/doc/pathtrace.1" >>"$tmp/examples"
n=$(grep -c . "$tmp/examples")
[ "$n" -ge 8 ] || { echo "FAIL: only $n examples found"; exit 1; }
status=0
i=0
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	i=$((i + 1))
	line=$(printf '%s\n' "$cmd" | sed "s# samples/# $srcdir/samples/#g")
	if (cd "$tmp/run" && PATH="$tmp/bin:$PATH" sh -c "$line") >"$tmp/out$i" 2>&1 && [ -s "$tmp/out$i" ]; then
		echo "ok   $cmd"
	else
		echo "FAIL $cmd"; sed 's/^/    /' "$tmp/out$i" | tail -5
		status=1
	fi
done <"$tmp/examples"
exit $status
