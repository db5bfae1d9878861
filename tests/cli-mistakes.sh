#!/bin/sh
# A mistake on the command line gives one line that says what is wrong, the
# usage exit status (2), and no output written; help answers per command.
srcdir=${PT_SRCDIR:-${srcdir:-.}}
PATHTRACE=${PATHTRACE:-./pathtrace}
set -u
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT INT TERM
S=$srcdir/samples/delay
status=0
# expect WHAT WANT_RC WANT_LINES PATTERN -- ARGS...: exit status, stderr lines, a phrase in them
expect() {
	what=$1 rc=$2 lines=$3 pat=$4; shift 5
	"$PATHTRACE" "$@" >"$out/stdout" 2>"$out/stderr"
	got=$?
	n=$(wc -l <"$out/stderr")
	if [ "$got" -ne "$rc" ] || [ "$n" -ne "$lines" ] || ! grep -q -- "$pat" "$out/stderr"; then
		echo "FAIL $what: exit $got (want $rc), $n stderr line(s) (want $lines):"; sed 's/^/    /' "$out/stderr"
		status=1
	else
		echo "ok   $what"
	fi
}
expect "a filter typo is said once" 2 1 'filter "udp and and": ' -- analyze -o "$out/a" "$S" 'udp and and'
[ ! -e "$out/a" ] || { echo "FAIL a filter typo still wrote $out/a"; status=1; }
expect "a filter typo in decode" 2 1 'filter "udp and and": ' -- decode "$S" 'udp and and'
expect "an --inner typo" 2 1 '--inner "icmp or": ' -- analyze -o "$out/b" "$S" --inner 'icmp or'
expect "--name of a file not given" 2 1 'no capture file given is called nosuch.pcap' -- analyze -o "$out/c" "$S" --name nosuch.pcap=x
[ ! -e "$out/c" ] || { echo "FAIL --name nosuch still wrote $out/c"; status=1; }
expect "--clock-offset of no point" 2 1 '--clock-offset nosuch: no such capture point' -- analyze -o "$out/d" "$S" --clock-offset nosuch=0.1
long=$out/$(printf 'x%.0s' $(seq 1 300))/$(printf 'y%.0s' $(seq 1 300))
expect "a long -o path keeps the reason" 3 1 'cannot create the output directory: File name too long' -- analyze -o "$long" "$S"
"$PATHTRACE" help analyze >"$out/help" 2>&1 && grep -q '^usage: pathtrace analyze' "$out/help" && grep -q -- '--inner EXPR' "$out/help" ||
	{ echo "FAIL pathtrace help analyze is not analyze's help"; status=1; }
"$PATHTRACE" help decode | grep -q '^usage: pathtrace decode' || { echo "FAIL pathtrace help decode"; status=1; }
expect "help on no command" 2 2 'no help on "nosuch"' -- help nosuch
expect "an unknown command" 2 2 'unknown command "analyse"' -- analyse "$S"
expect "a missing directory is not silently a filter" 2 2 '"cn1" is not a file or directory here' -- analyze -o "$out/e" cn1 cn2
exit $status
