#!/bin/sh
# The benchmark's helpers answer --help, refuse what they do not know with
# their usage (exit 2) and write nothing then.
set -u
status=0
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT INT TERM
check() { # WHAT COMMAND...: exit status and output as expected
	what=$1 want=$2; shift 2
	(cd "$out" && "$@") >"$out/stdout" 2>"$out/stderr"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $what: exit $rc, expected $want"; status=1; return
	fi
	echo "ok   $what"
}
gen=$PWD/bench/gen-captures loop=$PWD/bench/pcap-loop
check "gen-captures --help" 0 "$gen" --help
grep -q "^usage: gen-captures OUTDIR" "$out/stdout" || { echo "FAIL gen-captures --help prints no usage"; status=1; }
check "gen-captures --bogus" 2 "$gen" --bogus
check "gen-captures OUTDIR 10x" 2 "$gen" set 10x
check "pcap-loop --help" 0 "$loop" --help
grep -q "^usage: pcap-loop FILE" "$out/stdout" || { echo "FAIL pcap-loop --help prints no usage"; status=1; }
check "pcap-loop without files" 2 "$loop"
left=$(ls -A "$out" | grep -v '^std')
[ -z "$left" ] || { echo "FAIL files written on a refused command line: $left"; status=1; }
check "gen-captures OUTDIR 50" 0 "$gen" set 50
[ -s "$out/set/cn1-tap1.pcap" ] || { echo "FAIL gen-captures wrote no cn1-tap1.pcap"; status=1; }
exit $status
