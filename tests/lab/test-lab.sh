#!/bin/bash
# Automake test: run every lab scenario into a temp dir, selfcheck each
# against its manifest, then run the whole chain: pathtrace analyze on the
# fresh kernel captures (offload-on holds GSO super-frames), judged by
# tests/e2e/check-analyze.py. Exit 77 (SKIP) without root or ip netns support.
set -u
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n ${PT_SKIP_LAB:-} && ${PT_SKIP_LAB} != 0 ]]; then echo "test-lab: SKIP: PT_SKIP_LAB set" >&2; exit 77; fi
if [[ $(id -u) -ne 0 ]]; then echo "test-lab: SKIP: needs root" >&2; exit 77; fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "test-lab: SKIP: no ip netns support" >&2; exit 77
fi
out=$(mktemp -d /tmp/ptl-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start=$SECONDS
bash "$LAB/lab.sh" all "$out"
rc=$?
[[ $rc -eq 77 ]] && exit 77
[[ $rc -eq 0 ]] || { echo "test-lab: FAIL: lab.sh all exited $rc" >&2; exit 1; }
fail=0
for s in $(bash "$LAB/lab.sh" list); do
	bash "$LAB/selfcheck.sh" "$out/$s"
	case $? in 0) ;; 77) echo "test-lab: selfcheck $s skipped" >&2; continue ;; *) fail=1 ;; esac
	if [[ -n ${PATHTRACE:-} ]]; then
		echo "== pathtrace analyze on the fresh $s captures"
		"${PYTHON:-python3}" "$LAB/../e2e/check-analyze.py" "$PATHTRACE" "$out/$s" "$out/$s.analysis" || fail=1
		if grep -q "reason=mtu" "$out/$s/manifest.tsv"; then
			echo "== the MTU verdict on the fresh $s captures, through filters"
			"${PYTHON:-python3}" "$LAB/../e2e/check-mtu-views.py" "$PATHTRACE" "$out/$s" "$out/$s.views" || fail=1
		fi
	fi
done
# Open vSwitch with the userspace datapath: VXLAN, GRE and Geneve tunnels.
rc=0
bash "$LAB/ovs-lab.sh" "$out" || rc=$?
case $rc in
0)
	for s in $(bash "$LAB/ovs-lab.sh" list); do
		[[ -n ${PATHTRACE:-} ]] || break
		echo "== pathtrace analyze on the fresh $s captures"
		"${PYTHON:-python3}" "$LAB/../e2e/check-analyze.py" "$PATHTRACE" "$out/$s" "$out/$s.analysis" || fail=1
	done
	;;
77) echo "test-lab: OVS scenarios skipped (see ovs-lab.sh's message)" >&2 ;;
*) echo "test-lab: FAIL: ovs-lab.sh exited $rc" >&2; fail=1 ;;
esac
echo "test-lab: $(bash "$LAB/lab.sh" list | wc -l) kernel scenarios and OVS in $((SECONDS - start)) s"
exit $fail
