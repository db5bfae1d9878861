#!/bin/sh
# Every ICMP fragmentation-needed / ICMPv6 Packet Too Big in the public corpus
# is reported by pathtrace analyze with the MTU tshark shows.
PATHTRACE=${PATHTRACE:-./pathtrace}
corpus=${PATHTRACE_CORPUS:-}
[ -n "$corpus" ] && [ -d "$corpus" ] || { echo "SKIP: corpus not found (set PATHTRACE_CORPUS)"; exit 77; }
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT INT TERM
pass=0 fail=0 files=0
for f in "$corpus"/*.pcap "$corpus"/*.pcapng; do
	want=$(tshark -r "$f" -Y 'icmp.mtu or icmpv6.mtu' -T fields -e icmp.mtu -e icmpv6.mtu 2>/dev/null |
		tr -s '\t' '\n' | grep -v '^$' | sort -n | uniq)
	[ -n "$want" ] || continue
	files=$((files + 1))
	"$PATHTRACE" analyze -o "$out/a" "$f" >/dev/null 2>&1
	got=$(awk -F, 'NR > 1 && ($2 == "mtu.icmp_frag_needed" || $2 == "mtu.icmpv6_packet_too_big") { print $7 }' \
		"$out/a/findings.csv" | sort -n | uniq)
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
		echo "ok   $(basename "$f"): MTU $(echo $want)"
	else
		fail=$((fail + 1))
		echo "FAIL $(basename "$f"): tshark says $(echo $want), pathtrace $(echo $got)"
	fi
done
[ "$files" -gt 0 ] || { echo "no ICMP MTU messages in the corpus?"; exit 99; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
