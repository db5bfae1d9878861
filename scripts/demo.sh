#!/bin/sh
# The main job on the bundled samples: pathtrace analyze on every scenario in
# samples/, one output directory each under pathtrace-out/.
set -eu
cd "$(dirname "$0")/.."
PATHTRACE=${PATHTRACE:-./pathtrace}
out=${1:-pathtrace-out}
mkdir -p "$out"
for dir in samples/*/; do
	name=$(basename "$dir")
	[ -f "$dir/manifest.tsv" ] || continue
	echo
	echo "################ $name: $(head -n 1 "$dir/README" 2>/dev/null || true)"
	echo "\$ pathtrace analyze -o $out/$name samples/$name/*.pcap*"
	# shellcheck disable=SC2086
	"$PATHTRACE" analyze -o "$out/$name" "$dir"*.pcap*
done
echo
echo "CSV files, summaries and charts are in $out/<scenario>/"
