#!/bin/bash
# Regenerate the committed sample captures: samples/<scenario>/ and
# samples/README.md, with the same topology, addresses, ports and file names
# as the lab (tests/lab/lab.sh).  Run as root from anywhere:
#   bash tests/lab/make-samples.sh [SAMPLES_DIR]
set -euo pipefail
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEST=${1:-$LAB/../../samples}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
export PTL_TCP_BYTES=32K
for s in $(bash "$LAB/lab.sh" list); do
	bash "$LAB/lab.sh" "$s" "$DEST/$s"
	bash "$LAB/selfcheck.sh" "$DEST/$s"
done
# Open vSwitch (userspace datapath) scenarios check themselves with tshark.
rc=0
bash "$LAB/ovs-lab.sh" "$DEST" || rc=$?
case $rc in 0) ;; 77) echo "make-samples.sh: no OVS samples (ovs-lab.sh skipped)" >&2 ;; *) exit 1 ;; esac
scenarios() {
	bash "$LAB/lab.sh" list
	for o in $(bash "$LAB/ovs-lab.sh" list); do [[ -d $DEST/$o ]] && echo "$o"; done
	return 0
}
# samples/README.md: only the block between the lab markers is ours (other
# generators, e.g. tests/lab/craft, own the rest of the file).
block=$(mktemp)
trap 'rm -f "$block" "$block.am"' EXIT
{
	echo "<!-- BEGIN lab samples (tests/lab/make-samples.sh) -->"
	echo "Kernel captures from network namespaces, made by \`tests/lab/make-samples.sh\` (topologies in"
	echo "\`tests/lab/lab.sh\`; one file per capture point \`<host>-<interface>.pcap|.pcapng\`, a \`manifest.tsv\`"
	echo "per \`doc/lab-manifest.md\`, a one-line \`README\`):"
	echo
	for s in $(scenarios); do
		echo "- \`$s/\`: $(head -n 1 "$DEST/$s/README" | sed "s/^$s: //")"
	done
	echo "<!-- END lab samples -->"
} >"$block"
readme=$DEST/README.md
if [[ -f $readme ]] && grep -q '^<!-- BEGIN lab samples' "$readme"; then
	awk -v f="$block" '/^<!-- BEGIN lab samples/ { while ((getline l < f) > 0) print l; skip = 1; next }
		/^<!-- END lab samples/ { skip = 0; next } !skip' "$readme" >"$readme.tmp"
	mv "$readme.tmp" "$readme"
else
	[[ -f $readme ]] || printf '# pathtrace sample captures\n' >"$readme"
	{ echo; cat "$block"; } >>"$readme"
fi
# keep the EXTRA_DIST list of sample files in tests/lab/lab.am in step
am=$LAB/lab.am
{
	echo "# BEGIN lab samples (tests/lab/make-samples.sh)"
	echo "EXTRA_DIST += \\"
	for s in $(scenarios); do
		(cd "$DEST" && ls "$s"/*) | sed 's|^|\tsamples/|; s|$| \\|'
	done | sed '$ s| \\$||'
	echo "# END lab samples"
} >"$block.am"
awk -v f="$block.am" '/^# BEGIN lab samples/ { while ((getline l < f) > 0) print l; skip = 1; done = 1; next }
	/^# END lab samples/ { skip = 0; next } !skip { print } END { if (!done) while ((getline l < f) > 0) print l }' \
	"$am" >"$am.tmp"
mv "$am.tmp" "$am"
for s in $(scenarios); do du -sh "$DEST/$s" | sed "s|$DEST/||"; done
du -sh "$DEST"
