#!/bin/sh
# random-long.sh [FIRST [COUNT [KEEPDIR]]] -- pathtrace judged on COUNT (1000) random capture sets
# from seed FIRST (1) on: randomset.py writes each, check-analyze.py judges `pathtrace analyze`
# on it.  Every failing seed's set is kept as KEEPDIR/<seed>/ (with <seed>.out/, pathtrace's
# output, and <seed>.log, the judge's lines; KEEPDIR defaults to ./randomset-failures); passing
# ones are deleted as the run goes.  Prints a line per failing seed, then a summary: seeds run,
# passed, failed (those listed in randomsets-xfail.tsv counted apart), and the failures grouped
# by their first failing check (names, numbers and flows folded away), with example seeds.
# PATHTRACE (./pathtrace), PT_RANDOM_JOBS (the number of CPUs), PT_RANDOM_ARGS (extra
# randomset.py options: --max-points 200, --big-clocks, --without ...), PT_RANDOM_BATCH (100
# seeds generated at a time).  Exit 0 when every seed passed or is listed, 1 otherwise, 77 when
# python3-scapy is missing.
set -u
LC_ALL=C
export LC_ALL
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd)
top=$(cd "$here/../../.." && pwd)
first=${1:-1}
count=${2:-1000}
keep=${3:-randomset-failures}
batch=${PT_RANDOM_BATCH:-100}
jobs=${PT_RANDOM_JOBS:-$(nproc 2>/dev/null || echo 2)}
case "$first$count$batch$jobs" in *[!0-9]*)
	echo "usage: random-long.sh [FIRST [COUNT [KEEPDIR]]] (numbers; PT_RANDOM_BATCH, PT_RANDOM_JOBS too)" >&2
	exit 2 ;;
esac
[ "$jobs" -ge 1 ] || jobs=1
[ "$batch" -ge 1 ] || batch=100

PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
	if "$p" -c 'import scapy' >/dev/null 2>&1; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	echo "SKIP: python3 module scapy is missing (Debian: apt-get install python3-scapy)"
	exit 77
fi
CHECKPY=${PYTHON:-python3}
command -v "$CHECKPY" >/dev/null 2>&1 || CHECKPY=$PY
PATHTRACE=${PATHTRACE:-./pathtrace}
[ -x "$PATHTRACE" ] || [ ! -x "$top/pathtrace" ] || PATHTRACE=$top/pathtrace
if [ ! -x "$PATHTRACE" ]; then
	echo "no pathtrace binary at $PATHTRACE (set PATHTRACE)" >&2
	exit 2
fi
case $PATHTRACE in /*) ;; *) PATHTRACE=$(pwd)/$PATHTRACE ;; esac
export PY CHECKPY PATHTRACE
mkdir -p "$keep" || exit 2
keep=$(cd "$keep" && pwd)
xfail="$here/randomsets-xfail.tsv"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/random-long.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
results="$tmp/results.tsv"
: >"$results"
start=$(date +%s)
last=$((first + count - 1))
b=$first
while [ "$b" -le "$last" ]; do
	e=$((b + batch - 1))
	[ "$e" -le "$last" ] || e=$last
	work="$tmp/batch"
	rm -rf "$work"
	mkdir -p "$work"
	n=$((e - b + 1))
	per=$(((n + jobs - 1) / jobs))
	s=$b
	while [ "$s" -le "$e" ]; do
		k=$per
		[ $((s + k - 1)) -le "$e" ] || k=$((e - s + 1))
		# shellcheck disable=SC2086
		"$PY" "$here/randomset.py" ${PT_RANDOM_ARGS:-} --count "$k" "$s" "$work" >"$work/gen-$s.log" 2>&1 &
		s=$((s + k))
	done
	wait
	seq "$b" "$e" | xargs -n 1 -P "$jobs" sh "$here/test-randomsets.sh" --one "$work" ||:
	s=$b
	while [ "$s" -le "$e" ]; do
		res=$(cat "$work/$s.res" 2>/dev/null || echo "FAIL no result (the seed's job died)")
		if [ "$res" = ok ]; then
			printf '%s\tok\t\n' "$s" >>"$results"
		else
			line=$(echo "$res" | head -n 1 | sed 's/^FAIL //')
			listed=no
			[ -f "$xfail" ] && awk -F '\t' -v s="$s" '$1 == s { f = 1 } END { exit !f }' "$xfail" && listed=yes
			printf '%s\tfail\t%s\t%s\n' "$s" "$line" "$listed" >>"$results"
			echo "FAIL seed $s: $line"
			rm -rf "${keep:?}/$s" "${keep:?}/$s.out"
			[ -d "$work/$s" ] && mv "$work/$s" "$keep/$s"
			[ -d "$work/$s.out" ] && mv "$work/$s.out" "$keep/$s.out"
			{ cat "$work/$s.log" 2>/dev/null; cat "$work/$s.gen" 2>/dev/null; } >"$keep/$s.log"
		fi
		s=$((s + 1))
	done
	rm -rf "$work"
	b=$((e + 1))
done
secs=$(($(date +%s) - start))

"$CHECKPY" - "$results" "$keep" "$secs" "${PT_RANDOM_ARGS:-}" <<'PYEOF'
import collections
import re
import sys

results, keep, secs, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [l.rstrip("\n").split("\t") for l in open(results) if l.strip()]
ok = [r for r in rows if r[1] == "ok"]
bad = [r for r in rows if r[1] != "ok"]
listed = [r for r in bad if len(r) > 3 and r[3] == "yes"]


def bridges(seed):
    """Names of the bridge points of a kept set."""
    try:
        with open("%s/%s/manifest.tsv" % (keep, seed)) as f:
            return {l.split("\tname=")[1].split("\t")[0] for l in f
                    if l.startswith("point\t") and "\tkind=bridge" in l}
    except OSError:
        return set()


def kind(seed, line):
    """The first failing check without its flows, points, addresses and numbers."""
    m = re.match(r"path of \S+: (\S*) == (\S*)", line)
    if m:
        got, want = [x for x in m.group(1).split(">") if x], m.group(2).split(">")
        br = bridges(seed)
        if not got:
            why = "no path reported for the flow"
        elif sorted(got) != sorted(want):
            why = "other points than the truth"
        elif [x for x in got if x not in br] == [x for x in want if x not in br]:
            why = "a bridge placed elsewhere"
        else:
            why = "points out of order"
        return "path of FLOW: " + why
    m = re.match(r"drop of \S+ on .* \(pathtrace: (.*)\)$", line)
    if m:
        return "drop of FLOW on HOP: " + ("no loss reported" if m.group(1) == "[]" else
                                          "loss reported on other hops")
    l = re.sub(r"\(pathtrace: .*\)$", "", line)
    l = re.sub(r"\(got \[(.*?)\]\)", lambda m: "(got %s)" % ",".join(
        sorted(set(re.findall(r"'([^']*)'", m.group(1))))), l)
    l = re.sub(r"^(path of \S+): .*", r"\1", l)
    l = re.sub(r"^(flow \S+) \(.*\) found", r"\1 found", l)
    l = re.sub(r"\bc\d+-[a-z0-9]+(-(c2s|s2c|req|rep))?\b", "FLOW", l)
    l = re.sub(r"\[\(.*?\)\]", "[HOPS]", l)
    l = re.sub(r"\b[a-z][a-z0-9]*(-[a-z0-9_.]+)+\b",
               lambda m: "POINT" if re.search(r"\d", m.group(0)) else m.group(0), l)
    l = re.sub(r"\b[0-9a-f]*:[0-9a-f:.]+\b|\b\d+(\.\d+){3}\b", "ADDR", l)
    l = re.sub(r"-?\d+(\.\d+)?", "N", l)
    return l.strip()


print("random-long: %d seeds run%s in %d s: %d passed, %d failed (%d of them listed in "
      "randomsets-xfail.tsv); failing sets kept in %s"
      % (len(rows), " (randomset.py %s)" % args if args else "", secs, len(ok), len(bad),
         len(listed), keep))
groups = collections.OrderedDict()
for r in sorted(bad, key=lambda r: int(r[0])):
    groups.setdefault(kind(r[0], r[2]), []).append(r[0])
if groups:
    print("by first failing check:")
    for k, seeds in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print("%6d  %s  (seeds %s%s)" % (len(seeds), k, " ".join(seeds[:8]),
                                        " ..." if len(seeds) > 8 else ""))
sys.exit(0 if len(bad) == len(listed) else 1)
PYEOF
