#!/bin/sh
# The layers of src/ (doc/architecture.md) may use the layers before them in
# PT_LAYERS, never the ones after. Two checks that fail the build when one
# does:
#  1. includes: a file under src/L/ includes headers of L and lower layers only;
#  2. links: each layer's library, linked whole with the layers below it and
#     nothing above, leaves no symbol undefined. A probe proves the check
#     bites: the decode layer with a call into the output layer must not link.
srcdir=${PT_SRCDIR:-${srcdir:-.}}
builddir=${PT_BUILDDIR:-.}
layers=${PT_LAYERS:-base decode capture model match analysis output cli}
fail=0

rank() { # rank LAYER: its position in $layers, or nothing
	i=0
	for l in $layers; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
}

# The public headers of include/pathtrace belong to the front half.
header_layer() {
	case $1 in
	pathtrace/capture.h) echo capture ;;
	pathtrace/*) echo decode ;;
	*/*) echo "${1%%/*}" ;;
	esac
}

for l in $layers; do
	r=$(rank "$l")
	for f in "$srcdir"/src/"$l"/*.c "$srcdir"/src/"$l"/*.h; do
		[ -f "$f" ] || continue
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			hl=$(header_layer "$h")
			[ -n "$hl" ] || continue # same folder
			hr=$(rank "$hl")
			if [ -z "$hr" ]; then
				echo "FAIL ${f#"$srcdir"/} includes $h: no layer $hl"
				fail=1
			elif [ "$hr" -gt "$r" ]; then
				echo "FAIL ${f#"$srcdir"/} ($l) includes $h from the higher layer $hl"
				fail=1
			fi
		done
	done
done
[ $fail -eq 0 ] && echo "ok includes: every layer includes only itself and the layers below"

if [ -z "${PT_CC:-}" ]; then
	echo "SKIP links: run from make check (PT_CC unset)"
	exit $fail
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
printf 'int main(void) { return 0; }\n' >"$tmp/main.c"
below=""
for l in $layers; do
	lib="$builddir/src/$l/libpt_$l.a"
	[ -f "$lib" ] || { echo "FAIL $lib not built"; fail=1; continue; }
	# shellcheck disable=SC2086
	if $PT_CC $PT_LINK_FLAGS -o "$tmp/a.out" "$tmp/main.c" -Wl,--whole-archive "$lib" -Wl,--no-whole-archive \
		$below $PT_EXT_LIBS -lm >"$tmp/link.log" 2>&1; then
		echo "ok links: $l with only the layers below it"
	else
		echo "FAIL $l calls a layer above it (or something missing):"
		grep -i 'undefined reference' "$tmp/link.log" | sed 's/^/    /' | sort -u | head -20
		fail=1
	fi
	below="$lib $below"
done

# The probe: a decode-layer object calling the output layer must not link.
cat >"$tmp/probe.c" <<'PROBE'
#include <stdio.h>
struct pt_analysis;
void pt_report_summary(const struct pt_analysis *a, FILE *fp);
void pt_probe_upward(void);
void pt_probe_upward(void) { pt_report_summary(NULL, stdout); }
PROBE
cp "$builddir/src/decode/libpt_decode.a" "$tmp/libprobe.a"
if $PT_CC $PT_LINK_FLAGS -c -o "$tmp/probe.o" "$tmp/probe.c" && ar rcs "$tmp/libprobe.a" "$tmp/probe.o"; then
	# shellcheck disable=SC2086
	if $PT_CC $PT_LINK_FLAGS -o "$tmp/a.out" "$tmp/main.c" -Wl,--whole-archive "$tmp/libprobe.a" \
		-Wl,--no-whole-archive "$builddir/src/base/libpt_base.a" $PT_EXT_LIBS -lm >"$tmp/link.log" 2>&1; then
		echo "FAIL the probe: decode calling pt_report_summary linked; the check above proves nothing"
		fail=1
	else
		echo "ok probe: decode calling the output layer fails to link ($(grep -o 'undefined reference to `[a-z_]*' "$tmp/link.log" | head -1 | sed 's/.*`//'))"
	fi
else
	echo "FAIL could not build the probe"
	fail=1
fi
exit $fail
