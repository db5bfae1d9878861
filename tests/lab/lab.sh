#!/bin/bash
# pathtrace capture lab: build one virtual-network topology in network
# namespaces, run short bounded traffic, capture with tcpdump at every point of
# the path, and write OUTDIR/manifest.tsv (doc/lab-manifest.md) + OUTDIR/README.
#
#   tests/lab/lab.sh SCENARIO OUTDIR      one scenario
#   tests/lab/lab.sh all OUTROOT          every scenario into OUTROOT/<scenario>/
#   tests/lab/lab.sh list                 scenario names
#
# Needs root and `ip netns`; exits 77 (automake SKIP) otherwise.
# Environment: PTL_TCP_BYTES (iperf3 TCP -n, default 32K), PTL_BUILD (where
# tap-delay is compiled; default a temp dir removed on exit). For throughput
# studies: PTL_TCP_SECONDS (iperf3 TCP -t instead of -n), PTL_TCP_RATE
# (iperf3 -b), PTL_SNAPLEN (tcpdump -s: headers only, so that tcpdump keeps up
# with Gbit/s); the iperf3 reports (--json) are then kept as
# OUTDIR/iperf3-<port>-client.json and -server.json.
#
# `lab.sh truth OUTDIR` (not among the samples): paced iperf3 TCP for
# PTL_TRUTH_SECONDS (6) at PTL_TRUTH_RATE (100M) and 20 pings over a path
# with PTL_TRUTH_DELAY_MS (1) each way, with iperf3's own JSON reports and
# ping's output (-D) beside the captures, for tests/lab/test-truth.sh.
set -euo pipefail

LABDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lab/lab-lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab-lib.sh"
SCENARIOS=(linuxbridge hybridplug vxlan-1450 vxlan-mtu1500 router-frag router-frag6
	delay clock-offset offload-on offload-off lbagent-mtu lbagent-mtu-nonf)
EXTRA_SCENARIOS=(truth) # made on request only: not samples, not in `all`

skip() { echo "lab.sh: SKIP: $*" >&2; exit 77; }
die() { echo "lab.sh: ERROR: $*" >&2; exit 1; }
log() { echo "lab.sh[$SCEN]: $*" >&2; }

[[ $# -ge 1 ]] || { echo "usage: $0 SCENARIO|all|list OUTDIR" >&2; exit 2; }
if [[ $1 == list ]]; then printf '%s\n' "${SCENARIOS[@]}"; exit 0; fi
[[ $# -eq 2 ]] || { echo "usage: $0 SCENARIO|all OUTDIR" >&2; exit 2; }

[[ $(id -u) -eq 0 ]] || skip "needs root"
command -v ip >/dev/null || skip "no iproute2"
for t in tcpdump iperf3 ping editcap capinfos tshark ethtool timeout ss; do
	command -v "$t" >/dev/null || skip "missing tool: $t"
done
ip netns list >/dev/null 2>&1 || skip "no ip netns support"

if [[ $1 == all ]]; then
	mkdir -p "$2"
	for s in "${SCENARIOS[@]}"; do
		bash "${BASH_SOURCE[0]}" "$s" "$2/$s" || die "scenario $s failed"
	done
	exit 0
fi

SCEN=$1
OUT=$2
case " ${SCENARIOS[*]} ${EXTRA_SCENARIOS[*]} " in *" $SCEN "*) ;; *) die "unknown scenario $SCEN" ;; esac

TCP_BYTES=${PTL_TCP_BYTES:-32K}
PFX="ptl-$$-"                     # namespace prefix: exact, per run
TMP=$(mktemp -d /tmp/ptl-lab.XXXXXX)
NSES=()                           # namespaces we created (full names)
LINKS=()                          # "ns link" we created
PIDS=()                           # background processes we started
CAP_PIDS=() CAP_NAMES=()
declare -A P_HOST P_IF P_KIND P_MTU P_ENCAP P_FMT P_TSPREC P_PROMISC P_LINKTYPE P_OFFSET P_NOTE
POINTS=()
RECS=()
SCEN_KEYS=()
README_TEXT=""

cleanup() {
	local rc=$? p l
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
	done
	for l in "${LINKS[@]}"; do
		# shellcheck disable=SC2086
		ip -n ${l% *} link del dev "${l#* }" 2>/dev/null || true
	done
	for p in "${NSES[@]}"; do
		ip netns del "$p" 2>/dev/null || true
	done
	if [[ $rc -ne 0 && $rc -ne 77 ]]; then
		echo "lab.sh[$SCEN]: failed (rc=$rc); logs:" >&2
		tail -n 5 "$TMP"/*.err "$TMP"/*.log >&2 2>/dev/null || true
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# ---------------------------------------------------------------- topology
mkns() { # HOST [v6]
	local n; n=$(nsn "$1")
	ip netns add "$n"
	NSES+=("$n")
	ip -n "$n" link set dev lo up
	if [[ ${2:-} != v6 ]]; then
		nx "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
	else
		nx "$1" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0
	fi
}
veth() { # HOST1 IF1 MAC1 HOST2 IF2 MAC2
	ip -n "$(nsn "$1")" link add name "$2" address "$3" type veth \
		peer name "$5" address "$6" netns "$(nsn "$4")"
	LINKS+=("$(nsn "$1") $2")
}
mkbridge() { # HOST NAME MAC
	ip -n "$(nsn "$1")" link add name "$2" address "$3" type bridge \
		stp_state 0 forward_delay 0 mcast_snooping 0
	LINKS+=("$(nsn "$1") $2")
}
enslave() { ip -n "$(nsn "$1")" link set dev "$2" master "$3"; }
mtu() { ip -n "$(nsn "$1")" link set dev "$2" mtu "$3"; }
addr() { ip -n "$(nsn "$1")" addr add "$3" dev "$2" ${4:+$4}; }
mkvxlan() { # HOST NAME MAC LOCAL REMOTE UNDERLAY_DEV
	ip -n "$(nsn "$1")" link add name "$2" address "$3" type vxlan id 100 \
		local "$4" remote "$5" dstport 4789 srcport 49152 49153 dev "$6"
	LINKS+=("$(nsn "$1") $2")
}
mktap() { # HOST NAME MAC
	ip -n "$(nsn "$1")" tuntap add dev "$2" mode tap
	LINKS+=("$(nsn "$1") $2")
	ip -n "$(nsn "$1")" link set dev "$2" address "$3"
}
offloads_off() { # HOST IF...
	local h=$1 i; shift
	for i; do nx "$h" ethtool -K "$i" tso off gso off gro off >/dev/null 2>&1 ||
		nx "$h" ethtool -K "$i" gso off gro off >/dev/null; done
}

# ---------------------------------------------------------------- capture
cap() { # HOST IFNAME KIND [fmt=pcap|pcapng] [promisc=yes|no] [encap=...] [tsresol=us|ns] [note=...] [linktype=DLT]
	local host=$1 ifn=$2 kind=$3; shift 3
	local fmt=pcap promisc=yes encap=none tsresol=us note="" linktype="" o name
	for o; do
		case $o in
		fmt=*) fmt=${o#fmt=} ;; promisc=*) promisc=${o#promisc=} ;;
		encap=*) encap=${o#encap=} ;; tsresol=*) tsresol=${o#tsresol=} ;;
		note=*) note=${o#note=} ;; linktype=*) linktype=${o#linktype=} ;;
		*) die "cap: bad option $o" ;;
		esac
	done
	[[ $fmt == pcapng ]] && tsresol=ns
	name="$host-$ifn"
	local args=(-B 4096 -U -n ${PTL_SNAPLEN:+-s "$PTL_SNAPLEN"})
	[[ $promisc == no ]] && args+=(-p)
	[[ $tsresol == ns ]] && args+=(--time-stamp-precision=nano)
	[[ -n $linktype ]] && args+=(-y "$linktype")
	tcpdump_start "$name" "$host" "$ifn" "${args[@]}"
	P_HOST[$name]=$host P_IF[$name]=$ifn P_KIND[$name]=$kind P_ENCAP[$name]=$encap
	P_FMT[$name]=$fmt P_TSPREC[$name]=$tsresol P_PROMISC[$name]=$promisc P_OFFSET[$name]=0
	P_NOTE[$name]=$note
	P_LINKTYPE[$name]=$(sed -n 's/.*link-type \([A-Za-z0-9_]*\).*/\1/p' "$TMP/$name.err" | head -n1)
	if [[ $ifn == any ]]; then P_MTU[$name]=n/a; else P_MTU[$name]=$(ifmtu "$host" "$ifn"); fi
}

cap_stop() {
	tcpdump_stop_all
	for name in "${POINTS[@]}"; do
		if [[ ${P_FMT[$name]} == pcapng ]]; then
			editcap -F pcapng "$TMP/$name.raw" "$OUT/$name.pcapng"
		else
			cp "$TMP/$name.raw" "$OUT/$name.pcap"
		fi
	done
}

shift_host_clock() { # HOST OFFSET_S : shift every capture of HOST by OFFSET
	local host=$1 off=$2 name f
	for name in "${POINTS[@]}"; do
		[[ ${P_HOST[$name]} == "$host" ]] || continue
		f="$OUT/$name.${P_FMT[$name]}"
		editcap -t "$off" "$f" "$f.tmp"
		mv "$f.tmp" "$f"
		P_OFFSET[$name]=$off
	done
	rec clock "host=$host" "offset_s=$off"
}

# ---------------------------------------------------------------- traffic
iperf_tcp() { # HOST DST PORT CPORT BYTES [timeout_s]
	if [[ -n ${PTL_TCP_SECONDS:-} ]]; then
		nx "$1" timeout -s INT "$((PTL_TCP_SECONDS + ${6:-15}))" iperf3 -c "$2" -p "$3" --cport "$4" \
			-t "$PTL_TCP_SECONDS" ${PTL_TCP_RATE:+-b "$PTL_TCP_RATE"} -l 16K --json \
			>"$OUT/iperf3-$3-client.json" 2>"$TMP/iperf-c-$3.log"
		return
	fi
	nx "$1" timeout -s INT "${6:-15}" iperf3 -c "$2" -p "$3" --cport "$4" -n "$5" -l 16K \
		>"$TMP/iperf-c-$3.log" 2>&1
}
iperf_udp() { # HOST DST PORT CPORT LEN COUNT
	nx "$1" timeout -s INT 15 iperf3 -u -c "$2" -p "$3" --cport "$4" -l "$5" \
		-n $(($5 * $6)) -b 20M >"$TMP/iperf-c-$3.log" 2>&1
}
pingx() { # HOST ping-args...  (never fails: losses are part of the scenarios)
	local h=$1; shift
	nx "$h" ping -n -W 1 "$@" >>"$TMP/ping.log" 2>&1 || true
}

# ---------------------------------------------------------------- manifest

write_manifest() { # TITLE OFFLOADS
	local man="$OUT/manifest.tsv" name
	{
		printf '# pathtrace lab manifest (doc/lab-manifest.md); generated by tests/lab/lab.sh %s\n' "$SCEN"
		local IFS=$'\t'
		printf '%s\n' "scenario	name=$SCEN	title=$1	source=kernel	offloads=$2	kernel=$(uname -r)	${SCEN_KEYS[*]}"
		for name in "${POINTS[@]}"; do
			printf '%s\n' "point	name=$name	file=$name.${P_FMT[$name]}	host=${P_HOST[$name]}	ifname=${P_IF[$name]}	kind=${P_KIND[$name]}	mtu=${P_MTU[$name]}	encap=${P_ENCAP[$name]}	format=${P_FMT[$name]}	clock_offset_s=${P_OFFSET[$name]}	tsresol=${P_TSPREC[$name]}	linktype=${P_LINKTYPE[$name]}	promisc=${P_PROMISC[$name]}${P_NOTE[$name]:+	note=${P_NOTE[$name]}}"
		done
		printf '%s\n' "${RECS[@]}"
	} | sed 's/\t$//' >"$man"
	printf '%s\n' "$README_TEXT" >"$OUT/README"
}

# ---------------------------------------------------------------- scenarios
# Addresses: VM subnet 10.10.0.0/24 (vm1 .11, vm2 .12); underlay 192.168.100.0/24
# (cn1 .1, cn2 .2); routed subnets 10.10.1.0/24, 10.10.2.0/24, fd00:10:1::/64,
# fd00:10:2::/64.  MACs: 02:00:00:<host>:<if>:<n>.
VM1=10.10.0.11 VM2=10.10.0.12
M_VM1=02:00:00:01:00:11 M_VM2=02:00:00:02:00:12

two_vms_one_host_base() { # the VM ends: vm1, vm2, cn1 with tap1/tap2 veths
	mkns vm1; mkns vm2; mkns cn1
	veth cn1 tap1 02:00:00:c1:01:01 vm1 eth0 $M_VM1
	veth cn1 tap2 02:00:00:c1:02:01 vm2 eth0 $M_VM2
	addr vm1 eth0 $VM1/24; addr vm2 eth0 $VM2/24
	up vm1 eth0; up vm2 eth0
}

std_traffic_same_subnet() { # ping both ways, TCP and UDP vm1 -> vm2; PATH... given as args
	local -a p=("$@") r=()
	local i
	for ((i = ${#p[@]} - 1; i >= 0; i--)); do r+=("${p[$i]}"); done
	pingx vm1 -c 5 -i 0.05 -e 1001 -s 56 $VM2
	iperf_srv vm2 $VM2 5201; iperf_tcp vm1 $VM2 5201 40001 "$TCP_BYTES"; srv_wait
	iperf_srv vm2 $VM2 5202; iperf_udp vm1 $VM2 5202 40002 1000 10; srv_wait
	flow ping-req icmp $VM1 1001 $VM2 "" yes 84 "ping -c 5 -i 0.05 -e 1001 $VM2 (echo request)"
	flow ping-rep icmp $VM2 1001 $VM1 "" no 84 "echo replies to ping-req"
	flow tcp-data tcp $VM1 40001 $VM2 5201 yes "" "iperf3 -c $VM2 -p 5201 --cport 40001 -n $TCP_BYTES -l 16K"
	flow udp-1000 udp $VM1 40002 $VM2 5202 yes 1028 "iperf3 -u -c $VM2 -p 5202 --cport 40002 -l 1000 -n 10000"
	path ping-req "${p[@]}"; path ping-rep "${r[@]}"; path tcp-data "${p[@]}"; path udp-1000 "${p[@]}"
	deliver ping-req all; deliver ping-rep all; deliver tcp-data all; deliver udp-1000 all
}

sc_linuxbridge() {
	two_vms_one_host_base
	mkbridge cn1 br0 02:00:00:c1:00:b0
	enslave cn1 tap1 br0; enslave cn1 tap2 br0
	up cn1 tap1 tap2 br0
	cap vm1 eth0 veth fmt=pcapng
	cap cn1 tap1 veth note="veth whose host end is named tap1 (a real tap needs a userspace VMM)"
	cap cn1 br0 bridge promisc=yes note="captured promiscuous (no -p): shows a copy of every forwarded frame"
	cap cn1 tap2 veth
	cap vm2 eth0 veth fmt=pcapng
	cap cn1 any any
	std_traffic_same_subnet vm1-eth0 cn1-tap1 cn1-br0 cn1-tap2 vm2-eth0
	cap_stop
	README_TEXT="linuxbridge: two VMs (vm1, vm2) on host cn1 joined by Linux bridge br0 through veths named tap1/tap2 (kind=veth: a real tap needs a userspace VMM); br0 is captured promiscuous, so it holds a duplicate copy of every forwarded frame stamped at the ingress port's receive time; cn1-any is the same host captured with -i any (Linux cooked), holding each frame once per device."
	SCEN_KEYS+=(gso=yes)
	write_manifest "Two VMs on one host, Linux bridge" on
}

sc_hybridplug() {
	two_vms_one_host_base
	mkbridge cn1 qbr1 02:00:00:c1:00:a1
	mkbridge cn1 qbr2 02:00:00:c1:00:a2
	mkbridge cn1 br-int 02:00:00:c1:00:b1
	veth cn1 qvb1 02:00:00:c1:03:01 cn1 qvo1 02:00:00:c1:04:01
	veth cn1 qvb2 02:00:00:c1:03:02 cn1 qvo2 02:00:00:c1:04:02
	enslave cn1 tap1 qbr1; enslave cn1 qvb1 qbr1
	enslave cn1 tap2 qbr2; enslave cn1 qvb2 qbr2
	enslave cn1 qvo1 br-int; enslave cn1 qvo2 br-int
	up cn1 tap1 tap2 qvb1 qvb2 qvo1 qvo2 qbr1 qbr2 br-int
	cap vm1 eth0 veth fmt=pcapng
	cap cn1 tap1 veth note="veth named tap1"
	cap cn1 qbr1 bridge
	cap cn1 qvb1 veth
	cap cn1 qvo1 veth
	cap cn1 br-int bridge promisc=no note="Linux bridge standing in for OVS br-int; captured with -p so it sees only floods (like an OVS internal port): not on any unicast path"
	cap cn1 qvo2 veth
	cap cn1 qvb2 veth
	cap cn1 qbr2 bridge
	cap cn1 tap2 veth note="veth named tap2"
	cap vm2 eth0 veth fmt=pcapng
	std_traffic_same_subnet vm1-eth0 cn1-tap1 cn1-qbr1 cn1-qvb1 cn1-qvo1 cn1-qvo2 cn1-qvb2 cn1-qbr2 cn1-tap2 vm2-eth0
	cap_stop
	README_TEXT="hybridplug: Nova hybrid plug on one host, vm1 -> tap1 -> qbr1 -> qvb1/qvo1 veth -> br-int -> qvo2/qvb2 -> qbr2 -> tap2 -> vm2; br-int is a Linux bridge stand-in (not OVS) captured with -p (only floods: ARP), qbr1/qbr2 promiscuous (copies of forwarded frames); taps are veths (kind=veth)."
	write_manifest "Nova hybrid plug (qbr + qvb/qvo veth + br-int), two VMs on one host" on
}

# Two compute nodes joined by VXLAN VNI 100 / UDP 4789 over an underlay veth (MTU 1500).
vxlan_two_hosts() { # VM_MTU [offoff]
	local vmmtu=$1
	mkns vm1; mkns cn1; mkns cn2; mkns vm2
	veth cn1 tap1 02:00:00:c1:01:01 vm1 eth0 $M_VM1
	veth cn2 tap2 02:00:00:c2:02:01 vm2 eth0 $M_VM2
	veth cn1 eth1 02:00:00:c1:00:e1 cn2 eth1 02:00:00:c2:00:e1
	addr cn1 eth1 192.168.100.1/24; addr cn2 eth1 192.168.100.2/24
	up cn1 eth1; up cn2 eth1
	mkvxlan cn1 vxlan0 02:00:00:c1:00:f0 192.168.100.1 192.168.100.2 eth1
	mkvxlan cn2 vxlan0 02:00:00:c2:00:f0 192.168.100.2 192.168.100.1 eth1
	mkbridge cn1 br0 02:00:00:c1:00:b0
	mkbridge cn2 br0 02:00:00:c2:00:b0
	enslave cn1 tap1 br0; enslave cn1 vxlan0 br0
	enslave cn2 tap2 br0; enslave cn2 vxlan0 br0
	mtu vm1 eth0 "$vmmtu"; mtu vm2 eth0 "$vmmtu"; mtu cn1 tap1 "$vmmtu"; mtu cn2 tap2 "$vmmtu"
	up cn1 tap1 vxlan0 br0; up cn2 tap2 vxlan0 br0
	addr vm1 eth0 $VM1/24; addr vm2 eth0 $VM2/24
	up vm1 eth0; up vm2 eth0
	if [[ ${2:-} == offoff ]]; then
		offloads_off vm1 eth0; offloads_off vm2 eth0
		offloads_off cn1 tap1 br0 vxlan0 eth1; offloads_off cn2 tap2 br0 vxlan0 eth1
	fi
}
VXPATH=(vm1-eth0 cn1-tap1 cn1-br0 cn1-vxlan0 cn1-eth1 cn2-eth1 cn2-vxlan0 cn2-br0 cn2-tap2 vm2-eth0)
VXPATH_R=(vm2-eth0 cn2-tap2 cn2-br0 cn2-vxlan0 cn2-eth1 cn1-eth1 cn1-vxlan0 cn1-br0 cn1-tap1 vm1-eth0)
vxlan_caps() {
	cap vm1 eth0 veth fmt=pcapng
	cap cn1 tap1 veth note="veth named tap1"
	cap cn1 br0 bridge
	cap cn1 vxlan0 vxlan
	cap cn1 eth1 phys encap=vxlan:100:4789 note="underlay veth standing in for the physical NIC"
	cap cn2 eth1 phys encap=vxlan:100:4789 tsresol=ns note="underlay veth standing in for the physical NIC; nanosecond pcap"
	cap cn2 vxlan0 vxlan
	cap cn2 br0 bridge
	cap cn2 tap2 veth note="veth named tap2"
	cap vm2 eth0 veth fmt=pcapng
}

sc_vxlan-1450() {
	vxlan_two_hosts 1450
	vxlan_caps
	pingx vm1 -c 3 -i 0.05 -e 1001 -s 56 -M do $VM2
	pingx vm1 -c 3 -i 0.05 -e 1002 -s 1000 -M do $VM2
	pingx vm1 -c 3 -i 0.05 -e 1003 -s 1422 -M do $VM2
	iperf_srv vm2 $VM2 5201; iperf_tcp vm1 $VM2 5201 40001 "$TCP_BYTES"; srv_wait
	iperf_srv vm2 $VM2 5202; iperf_udp vm1 $VM2 5202 40002 1422 10; srv_wait
	iperf_srv vm2 $VM2 5203; iperf_udp vm1 $VM2 5203 40003 200 10; srv_wait
	cap_stop
	local f
	flow ping-56 icmp $VM1 1001 $VM2 "" yes 84 "ping -M do -s 56 -c 3 -e 1001"
	flow ping-1000 icmp $VM1 1002 $VM2 "" yes 1028 "ping -M do -s 1000 -c 3 -e 1002"
	flow ping-1422 icmp $VM1 1003 $VM2 "" yes 1450 "ping -M do -s 1422 -c 3 -e 1003 (largest that fits VM MTU 1450)"
	flow ping-1422-rep icmp $VM2 1003 $VM1 "" yes 1450 "echo replies to ping-1422"
	flow tcp-data tcp $VM1 40001 $VM2 5201 yes "" "iperf3 -c $VM2 -p 5201 --cport 40001 -n $TCP_BYTES -l 16K"
	flow udp-1422 udp $VM1 40002 $VM2 5202 yes 1450 "iperf3 -u -l 1422 -n 14220 --cport 40002 -p 5202"
	flow udp-200 udp $VM1 40003 $VM2 5203 yes 228 "iperf3 -u -l 200 -n 2000 --cport 40003 -p 5203"
	for f in ping-56 ping-1000 ping-1422 tcp-data udp-1422 udp-200; do path $f "${VXPATH[@]}"; deliver $f all; done
	path ping-1422-rep "${VXPATH_R[@]}"; deliver ping-1422-rep all
	rec usable_mtu network=vxlan:100 mtu=1450
	SCEN_KEYS+=(vm_mtu=1450 underlay_mtu=1500)
	README_TEXT="vxlan-1450: vm1 on cn1 and vm2 on cn2 joined by VXLAN (VNI 100, UDP 4789) over a 1500-byte underlay veth, VM MTU 1450: everything passes (ping -M do up to -s 1422, iperf3 TCP and UDP)."
	write_manifest "VXLAN between two hosts, VM MTU 1450" on
}

sc_vxlan-mtu1500() {
	vxlan_two_hosts 1500
	vxlan_caps
	pingx vm1 -c 3 -i 0.05 -e 2001 -s 1472 -M do $VM2
	pingx vm1 -c 3 -i 0.05 -e 2002 -s 1400 -M do $VM2
	pingx vm1 -c 3 -i 0.05 -e 2003 -s 1472 -M dont $VM2
	# TCP without TSO/GSO in the VM: 1500-byte segments, silently dropped by the bridge
	nx vm1 ethtool -K eth0 tso off gso off >/dev/null
	iperf_srv vm2 $VM2 5201; iperf_tcp vm1 $VM2 5201 40001 "$TCP_BYTES" 3 || true; srv_wait
	# TCP with TSO/GSO (default): super-frames pass the bridge (GSO frames are always
	# forwardable); the vxlan device answers with ICMP frag-needed (mtu 1450) and TCP falls back
	nx vm1 ethtool -K eth0 tso on gso on >/dev/null
	iperf_srv vm2 $VM2 5202; iperf_tcp vm1 $VM2 5202 40002 "$TCP_BYTES" 10 || true; srv_wait
	cap_stop
	flow ping-1472-df icmp $VM1 2001 $VM2 "" yes 1500 "ping -M do -s 1472 -c 3 -e 2001"
	flow ping-1400-df icmp $VM1 2002 $VM2 "" yes 1428 "ping -M do -s 1400 -c 3 -e 2002"
	flow ping-1472-nodf icmp $VM1 2003 $VM2 "" no 1500 "ping -M dont -s 1472 -c 3 -e 2003"
	flow tcp-stall tcp $VM1 40001 $VM2 5201 yes 1500 "iperf3 -c $VM2 -p 5201 --cport 40001 -n $TCP_BYTES -l 16K with vm1 eth0 tso/gso off, killed after 3 s"
	flow tcp-gso tcp $VM1 40002 $VM2 5202 yes "" "iperf3 -c $VM2 -p 5202 --cport 40002 -n $TCP_BYTES -l 16K with default offloads"
	path ping-1472-df "${VXPATH[@]}"; path ping-1400-df "${VXPATH[@]}"
	path ping-1472-nodf "${VXPATH[@]}"; path tcp-stall "${VXPATH[@]}"; path tcp-gso "${VXPATH[@]}"
	deliver ping-1472-df none "the bridge silently drops frames above the vxlan device MTU (1450)"
	deliver ping-1400-df all
	deliver ping-1472-nodf all "br_netfilter (bridge-nf-call-iptables=1) fragments non-DF IPv4 at the bridge"
	deliver tcp-stall some "handshake and small segments pass; full-size segments vanish at the bridge, no ICMP: the transfer stalls (PMTU black hole)"
	deliver tcp-gso some "the first GSO super-frames are dropped by the vxlan device, which answers ICMP frag-needed mtu 1450 (source = the original destination); TCP lowers its MSS, retransmits and all data arrives"
	rec drop flow=ping-1472-df from=cn1-br0 to=cn1-vxlan0 size_gt=1450 reason=mtu
	rec drop flow=tcp-stall from=cn1-br0 to=cn1-vxlan0 size_gt=1450 reason=mtu
	rec drop flow=tcp-gso from=cn1-vxlan0 to=cn1-eth1 reason=mtu "note=GSO super-frames whose segments exceed 1450 (no size_gt: later super-frames with smaller segments pass)"
	rec frag flow=ping-1472-nodf at=cn1-vxlan0 mtu=1450 by=bridge
	rec icmp kind=frag-needed sender=$VM2 mtu=1450 flow=tcp-gso seen_at=vm1-eth0,cn1-tap1,cn1-br0,cn1-vxlan0 by=vxlan-device
	rec usable_mtu network=vxlan:100 mtu=1450
	rec usable_mtu point=vm1-eth0 mtu=1450
	SCEN_KEYS+=(vm_mtu=1500 underlay_mtu=1500 gso=yes br_netfilter=$(nx cn1 sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo n/a))
	README_TEXT="vxlan-mtu1500: the classic bug, VM MTU 1500 over VXLAN on a 1500 underlay (vxlan0 MTU 1450): DF frames above 1450 (ping -M do -s 1472; TCP with TSO off in the VM) are on cn1-br0 but never on cn1-vxlan0 (silently dropped by the bridge: no ICMP, TCP stalls), ping -s 1400 passes, non-DF -s 1472 is fragmented by br_netfilter at the bridge; TCP with TSO/GSO on sends super-frames the bridge forwards, the vxlan device drops them and sends ICMP frag-needed (mtu 1450, source 10.10.0.12 = the original destination, never crossing the underlay), and TCP falls back."
	write_manifest "VXLAN between two hosts, VM MTU 1500 (too big)" on
}

# Neutron's linuxbridge agent: tap<port>, brq<network>, vxlan-<vni> on each
# compute node, VM MTU 1500 over a 1500-byte underlay (ens4), and a traffic mix
# wider than vxlan-mtu1500's. NF=1 leaves br_netfilter on (the bridge
# fragments non-DF IPv4 above the vxlan MTU), NF=0 turns it off (the bridge
# passes frames up to 1450 + 18 bytes, drops larger ones; a non-DF 1454-byte
# packet then leaves the vxlan device in two outer fragments).
LB1=10.20.0.21 LB2=10.20.0.22
LBPATH=(vma-eth0 compute1-tap3f9e2c1a-7b compute1-brq8d2c4e6f-1a compute1-vxlan-100 compute1-ens4
	compute2-ens4 compute2-vxlan-100 compute2-brq8d2c4e6f-1a compute2-tap5b7d9f1e-2c vmb-eth0)
lbagent_mtu() { # NF
	local nf=$1 h
	mkns vma; mkns compute1; mkns compute2; mkns vmb
	for h in compute1 compute2; do nx $h sysctl -qw net.bridge.bridge-nf-call-iptables=$nf; done
	veth compute1 tap3f9e2c1a-7b fa:16:3e:1a:00:01 vma eth0 fa:16:3e:aa:00:21
	veth compute2 tap5b7d9f1e-2c fa:16:3e:2b:00:01 vmb eth0 fa:16:3e:bb:00:22
	veth compute1 ens4 52:54:00:0c:01:04 compute2 ens4 52:54:00:0c:02:04
	addr compute1 ens4 172.24.0.11/24; addr compute2 ens4 172.24.0.12/24
	up compute1 ens4; up compute2 ens4
	mkvxlan compute1 vxlan-100 fa:16:3e:1a:00:f0 172.24.0.11 172.24.0.12 ens4
	mkvxlan compute2 vxlan-100 fa:16:3e:2b:00:f0 172.24.0.12 172.24.0.11 ens4
	mkbridge compute1 brq8d2c4e6f-1a fa:16:3e:1a:00:b0
	mkbridge compute2 brq8d2c4e6f-1a fa:16:3e:2b:00:b0
	enslave compute1 tap3f9e2c1a-7b brq8d2c4e6f-1a; enslave compute1 vxlan-100 brq8d2c4e6f-1a
	enslave compute2 tap5b7d9f1e-2c brq8d2c4e6f-1a; enslave compute2 vxlan-100 brq8d2c4e6f-1a
	up compute1 tap3f9e2c1a-7b vxlan-100 brq8d2c4e6f-1a; up compute2 tap5b7d9f1e-2c vxlan-100 brq8d2c4e6f-1a
	addr vma eth0 $LB1/24; addr vmb eth0 $LB2/24
	up vma eth0; up vmb eth0
	cap vma eth0 veth fmt=pcapng
	cap compute1 tap3f9e2c1a-7b veth note="Nova tap (a veth here)"
	cap compute1 brq8d2c4e6f-1a bridge
	cap compute1 vxlan-100 vxlan
	cap compute1 ens4 phys encap=vxlan:100:4789 tsresol=ns
	cap compute2 ens4 phys encap=vxlan:100:4789
	cap compute2 vxlan-100 vxlan tsresol=ns
	cap compute2 brq8d2c4e6f-1a bridge
	cap compute2 tap5b7d9f1e-2c veth note="Nova tap (a veth here)"
	cap vmb eth0 veth fmt=pcapng
	# Each test starts from a clean slate: a frag-needed teaches vma the path
	# MTU, and it would then fragment, or refuse, what follows.
	local id size df id_size_df
	for id_size_df in 3001:1400:do 3002:1426:do 3003:1472:do 3004:1472:dont 3005:1426:dont; do
		IFS=: read -r id size df <<<"$id_size_df"
		nx vma ip route flush cache
		pingx vma -c 3 -i 0.05 -e "$id" -s "$size" -M "$df" $LB2
	done
	# UDP datagrams of 1472 bytes (IP 1500; the kernel sets DF) at 1 Mbit/s for a second
	nx vma ip route flush cache
	iperf_srv vmb $LB2 5301
	nx vma timeout -s INT 15 iperf3 -u -c $LB2 -p 5301 --cport 41001 -l 1472 -b 1M -t 1 \
		>"$TMP/iperf-c-5301.log" 2>&1 || true
	srv_wait
	# TCP without TSO/GSO: 1500-byte DF segments die at the bridge, no ICMP, the transfer stalls
	nx vma ip route flush cache
	nx vma ethtool -K eth0 tso off gso off >/dev/null
	iperf_srv vmb $LB2 5302; iperf_tcp vma $LB2 5302 41002 "$TCP_BYTES" 3 || true; srv_wait
	# TCP with default offloads: the vxlan device answers the GSO frames with frag-needed 1450
	nx vma ip route flush cache
	nx vma ethtool -K eth0 tso on gso on >/dev/null
	iperf_srv vmb $LB2 5303; iperf_tcp vma $LB2 5303 41003 "$TCP_BYTES" 10 || true; srv_wait
	cap_stop
	flow ping-1428 icmp $LB1 3001 $LB2 "" yes 1428 "ping -M do -s 1400 -c 3 -e 3001"
	flow ping-1454-df icmp $LB1 3002 $LB2 "" yes 1454 "ping -M do -s 1426 -c 3 -e 3002"
	flow ping-1500-df icmp $LB1 3003 $LB2 "" yes 1500 "ping -M do -s 1472 -c 3 -e 3003"
	flow ping-1500-nodf icmp $LB1 3004 $LB2 "" no 1500 "ping -M dont -s 1472 -c 3 -e 3004"
	flow ping-1454-nodf icmp $LB1 3005 $LB2 "" no 1454 "ping -M dont -s 1426 -c 3 -e 3005"
	flow udp-1500 udp $LB1 41001 $LB2 5301 yes 1500 "iperf3 -u -l 1472 -b 1M -t 1 --cport 41001 -p 5301"
	flow tcp-stall tcp $LB1 41002 $LB2 5302 yes 1500 "iperf3 -n $TCP_BYTES --cport 41002 -p 5302 with vma eth0 tso/gso off, killed after 3 s"
	flow tcp-gso tcp $LB1 41003 $LB2 5303 yes "" "iperf3 -n $TCP_BYTES --cport 41003 -p 5303 with default offloads"
	local f
	for f in ping-1428 ping-1454-df ping-1500-df ping-1500-nodf ping-1454-nodf udp-1500 tcp-stall tcp-gso; do
		path $f "${LBPATH[@]}"
	done
	local br=compute1-brq8d2c4e6f-1a vx=compute1-vxlan-100 sent=vma-eth0,compute1-tap3f9e2c1a-7b,compute1-brq8d2c4e6f-1a,compute1-vxlan-100
	deliver ping-1428 all
	deliver ping-1500-df none "dropped by the bridge: above the vxlan device MTU"
	rec drop flow=ping-1500-df from=$br to=$vx size_gt=1450 reason=mtu
	deliver udp-1500 some "iperf3's UDP socket sets DF: its 1500-byte datagrams die at the bridge, its small setup datagram passes"
	rec drop flow=udp-1500 from=$br to=$vx size_gt=1450 reason=mtu
	deliver tcp-stall some "handshake and small segments pass; 1500-byte segments vanish at the bridge: PMTU black hole"
	rec drop flow=tcp-stall from=$br to=$vx size_gt=1450 reason=mtu
	deliver tcp-gso some "the vxlan device drops the first super-frames and answers frag-needed 1450; TCP recovers"
	rec drop flow=tcp-gso from=$vx to=compute1-ens4 reason=mtu "note=GSO super-frames whose segments exceed 1450"
	rec icmp kind=frag-needed sender=$LB2 mtu=1450 flow=tcp-gso seen_at=$sent by=vxlan-device
	if [[ $nf == 1 ]]; then
		deliver ping-1454-df none "br_netfilter drops DF packets above the vxlan device MTU at the bridge"
		rec drop flow=ping-1454-df from=$br to=$vx size_gt=1450 reason=mtu
		deliver ping-1500-nodf all "br_netfilter fragments it at the bridge"
		deliver ping-1454-nodf all "br_netfilter fragments it at the bridge"
		rec frag flow=ping-1500-nodf at=$vx mtu=1450 by=bridge
		rec frag flow=ping-1454-nodf at=$vx mtu=1450 by=bridge
	else
		deliver ping-1454-df none "passes the bridge (1454 + 14 <= 1450 + 18), dies in the vxlan device, which answers frag-needed 1450"
		rec drop flow=ping-1454-df from=$vx to=compute1-ens4 size_gt=1450 reason=mtu
		rec icmp kind=frag-needed sender=$LB2 mtu=1450 flow=ping-1454-df seen_at=$sent by=vxlan-device
		deliver ping-1500-nodf none "dropped by the bridge (no br_netfilter to fragment it)"
		rec drop flow=ping-1500-nodf from=$br to=$vx size_gt=1450 reason=mtu
		deliver ping-1454-nodf all "passes the bridge and the vxlan device; its VXLAN packet (1504 bytes) leaves ens4 in two outer fragments"
		rec frag flow=ping-1454-nodf at=compute1-ens4 mtu=1500 by=underlay layer=outer
	fi
	rec usable_mtu network=vxlan:100 mtu=1450
	rec usable_mtu point=vma-eth0 mtu=1450
	SCEN_KEYS+=(vm_mtu=1500 underlay_mtu=1500 gso=yes br_netfilter=$nf)
}

sc_lbagent-mtu() {
	lbagent_mtu 1
	README_TEXT="lbagent-mtu: Neutron linuxbridge agent naming (tap<port>, brq<net>, vxlan-100, ens4), VM MTU 1500 over VXLAN on a 1500 underlay (vxlan-100 MTU 1450), br_netfilter on; the mix: DF pings of 1428 (pass), 1454 and 1500 (br_netfilter drops them at the bridge), non-DF pings of 1500 and 1454 (the bridge fragments them), UDP 1500 with DF (dies at the bridge), TCP with TSO off (stalls at the bridge), TCP with GSO (frag-needed 1450 from the vxlan device, recovers)."
	write_manifest "Neutron linuxbridge agent, VM MTU 1500 over VXLAN, br_netfilter on, mixed traffic" on
}

sc_lbagent-mtu-nonf() {
	lbagent_mtu 0
	README_TEXT="lbagent-mtu-nonf: as lbagent-mtu with br_netfilter off: the bridge drops frames above the vxlan device's 1450 + 18 bytes (pings of 1500 and UDP 1500 die there), a DF ping of 1454 passes it and dies in the vxlan device (frag-needed 1450), a non-DF ping of 1454 passes whole and leaves ens4 as a VXLAN packet in two outer fragments."
	write_manifest "Neutron linuxbridge agent, VM MTU 1500 over VXLAN, br_netfilter off, mixed traffic" on
}

router_base() { # v4|v6 FAR_MTU
	local v=$1 far=$2 opt=""
	[[ $v == v6 ]] && opt=v6
	mkns vm1 $opt; mkns qrouter $opt; mkns vm2 $opt
	veth qrouter qr-1 02:00:00:f0:01:01 vm1 eth0 $M_VM1
	veth qrouter qr-2 02:00:00:f0:02:01 vm2 eth0 $M_VM2
	mtu qrouter qr-2 "$far"; mtu vm2 eth0 "$far"
	if [[ $v == v4 ]]; then
		nx qrouter sysctl -qw net.ipv4.ip_forward=1
		addr qrouter qr-1 10.10.1.1/24; addr qrouter qr-2 10.10.2.1/24
		addr vm1 eth0 10.10.1.11/24; addr vm2 eth0 10.10.2.12/24
	else
		nx qrouter sysctl -qw net.ipv6.conf.all.forwarding=1
		addr qrouter qr-1 fd00:10:1::1/64 nodad; addr qrouter qr-2 fd00:10:2::1/64 nodad
		addr vm1 eth0 fd00:10:1::11/64 nodad; addr vm2 eth0 fd00:10:2::12/64 nodad
	fi
	up qrouter qr-1 qr-2; up vm1 eth0; up vm2 eth0
	if [[ $v == v4 ]]; then
		ip -n "$(nsn vm1)" route add default via 10.10.1.1
		ip -n "$(nsn vm2)" route add default via 10.10.2.1
	else
		ip -n "$(nsn vm1)" -6 route add default via fd00:10:1::1
		ip -n "$(nsn vm2)" -6 route add default via fd00:10:2::1
	fi
	cap vm1 eth0 veth fmt=pcapng
	cap qrouter qr-1 router
	cap qrouter qr-2 router
	cap vm2 eth0 veth fmt=pcapng
	# -i any as tcpdump before 4.99 writes it (LINUX_SLL, no interface index) in the IPv6 variant
	if [[ $v == v6 ]]; then cap qrouter any any linktype=LINUX_SLL; else cap qrouter any any; fi
}
RPATH=(vm1-eth0 qrouter-qr-1 qrouter-qr-2 vm2-eth0)
RPATH_R=(vm2-eth0 qrouter-qr-2 qrouter-qr-1 vm1-eth0)

sc_router-frag() {
	local A=10.10.1.11 B=10.10.2.12
	router_base v4 1000
	# non-DF first (sender has no PMTU yet), then DF.
	nx vm1 sysctl -qw net.ipv4.ip_no_pmtu_disc=1 # iperf3 UDP without DF
	iperf_srv vm2 $B 5202; iperf_udp vm1 $B 5202 40002 1400 5; srv_wait
	nx vm1 sysctl -qw net.ipv4.ip_no_pmtu_disc=0
	pingx vm1 -c 3 -i 0.05 -e 3001 -s 1400 -M dont $B
	pingx vm1 -c 3 -i 0.05 -e 3003 -s 56 $B
	pingx vm1 -c 3 -i 0.05 -e 3002 -s 1400 -M do $B
	cap_stop
	flow udp-nodf udp $A 40002 $B 5202 no 1428 "iperf3 -u -l 1400 -n 7000 --cport 40002 -p 5202 (ip_no_pmtu_disc=1: DF clear)"
	flow ping-nodf icmp $A 3001 $B "" no 1428 "ping -M dont -s 1400 -c 3 -e 3001"
	flow ping-nodf-rep icmp $B 3001 $A "" no 1428 "echo replies to ping-nodf (vm2 MTU 1000: fragmented by vm2)"
	flow ping-small icmp $A 3003 $B "" yes 84 "ping -s 56 -c 3 -e 3003 (TTL 64 -> 63, MACs rewritten)"
	flow ping-df icmp $A 3002 $B "" yes 1428 "ping -M do -s 1400 -c 3 -e 3002"
	path udp-nodf "${RPATH[@]}"; path ping-nodf "${RPATH[@]}"; path ping-nodf-rep "${RPATH_R[@]}"
	path ping-small "${RPATH[@]}"; path ping-df "${RPATH[@]}"
	deliver udp-nodf all "fragmented by the router"; deliver ping-nodf all; deliver ping-nodf-rep all
	deliver ping-small all
	deliver ping-df none "first request dropped by the router with ICMP frag-needed; later ones refused by the sender (EMSGSIZE)"
	rec frag flow=udp-nodf at=qrouter-qr-2 mtu=1000 by=router
	rec frag flow=ping-nodf at=qrouter-qr-2 mtu=1000 by=router
	rec frag flow=ping-nodf-rep at=vm2-eth0 mtu=1000 by=sender
	rec drop flow=ping-df from=qrouter-qr-1 to=qrouter-qr-2 size_gt=1000 reason=mtu
	rec icmp kind=frag-needed sender=10.10.1.1 mtu=1000 flow=ping-df seen_at=vm1-eth0,qrouter-qr-1,qrouter-any
	rec ttl flow=ping-small point=vm1-eth0 ttl=64
	rec ttl flow=ping-small point=vm2-eth0 ttl=63
	rec usable_mtu point=vm1-eth0 mtu=1000 note="path MTU to 10.10.2.0/24"
	README_TEXT="router-frag: vm1 (10.10.1.11) -> router namespace qrouter (qr-1, qr-2, forwarding; TTL decremented, MACs rewritten) -> vm2 (10.10.2.12) on a link of MTU 1000: non-DF UDP/ping of 1428 bytes is fragmented by the router at qr-2, DF ping gets ICMP frag-needed (mtu 1000) from 10.10.1.1; qrouter-any is the router captured with -i any."
	write_manifest "Legacy router, far link MTU 1000: fragmentation and frag-needed" n/a
}

sc_router-frag6() {
	local A=fd00:10:1::11 B=fd00:10:2::12
	router_base v6 1280
	pingx vm1 -6 -c 1 -e 4002 -s 56 $B
	pingx vm1 -6 -c 3 -i 0.05 -e 4001 -s 1400 $B
	cap_stop
	flow ping6-small icmpv6 $A 4002 $B "" no 104 "ping -6 -s 56 -c 1 -e 4002"
	flow ping6-1400 icmpv6 $A 4001 $B "" no 1448 "ping -6 -s 1400 -c 3 -i 0.05 -e 4001"
	path ping6-small "${RPATH[@]}"; path ping6-1400 "${RPATH[@]}"
	deliver ping6-small all
	deliver ping6-1400 some "first request dropped by the router (Packet Too Big); later ones fragmented by the sender"
	rec drop flow=ping6-1400 from=qrouter-qr-1 to=qrouter-qr-2 size_gt=1280 reason=mtu
	rec icmp kind=ptb sender=fd00:10:1::1 mtu=1280 flow=ping6-1400 seen_at=vm1-eth0,qrouter-qr-1,qrouter-any
	rec frag flow=ping6-1400 at=vm1-eth0 mtu=1280 by=sender
	rec usable_mtu point=vm1-eth0 mtu=1280 note="path MTU to fd00:10:2::/64"
	README_TEXT="router-frag6: IPv6 through router namespace qrouter with MTU 1280 on the far link: the first ping -6 -s 1400 (1448 bytes) gets an ICMPv6 Packet Too Big (mtu 1280) from fd00:10:1::1, the next ones are fragmented by the sender vm1."
	write_manifest "IPv6 router, far link MTU 1280: Packet Too Big" n/a
}

build_tap_delay() {
	local bd=${PTL_BUILD:-$TMP/build}
	mkdir -p "$bd"
	if [[ ! -x $bd/tap-delay || $LABDIR/tap-delay.c -nt $bd/tap-delay ]]; then
		command -v cc >/dev/null || skip "no C compiler for tap-delay"
		cc -O2 -Wall -Wextra -o "$bd/tap-delay" "$LABDIR/tap-delay.c"
	fi
	TAPDELAY=$bd/tap-delay
}

sc_delay() {
	build_tap_delay
	mkns vm1; mkns vm2; mkns cn1
	mktap vm1 eth0 $M_VM1
	mktap cn1 tap1 02:00:00:c1:01:01
	veth cn1 tap2 02:00:00:c1:02:01 vm2 eth0 $M_VM2
	mkbridge cn1 br0 02:00:00:c1:00:b0
	enslave cn1 tap1 br0; enslave cn1 tap2 br0
	up cn1 tap1 tap2 br0
	addr vm1 eth0 $VM1/24; addr vm2 eth0 $VM2/24
	up vm1 eth0; up vm2 eth0
	"$TAPDELAY" -A "/run/netns/$(nsn vm1)" -a eth0 -B "/run/netns/$(nsn cn1)" -b tap1 -d 20 -t 25 \
		>"$TMP/tapdelay.log" 2>"$TMP/tapdelay.err" &
	local rpid=$!
	PIDS+=("$rpid")
	for _ in $(seq 1 100); do grep -qs ready "$TMP/tapdelay.log" && break; sleep 0.05; done
	grep -q ready "$TMP/tapdelay.log" || die "tap-delay did not start: $(cat "$TMP/tapdelay.err")"
	for _ in $(seq 1 100); do
		ip -n "$(nsn vm1)" -o link show dev eth0 | grep -q LOWER_UP && break; sleep 0.05
	done
	cap vm1 eth0 tap fmt=pcapng note="real tap; tests/lab/tap-delay relays it to cn1/tap1 holding each frame 20 ms"
	cap cn1 tap1 tap note="real tap fed by tap-delay"
	cap cn1 br0 bridge
	cap cn1 tap2 veth note="veth named tap2"
	cap vm2 eth0 veth fmt=pcapng
	local P=(vm1-eth0 cn1-tap1 cn1-br0 cn1-tap2 vm2-eth0)
	std_traffic_same_subnet "${P[@]}"
	cap_stop
	kill -INT "$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	SCEN_KEYS+=(gso=no)
	rec delay from=vm1-eth0 to=cn1-tap1 ms=20 flow=ping-req
	rec delay from=cn1-tap1 to=vm1-eth0 ms=20 flow=ping-rep
	README_TEXT="delay: vm1's real tap eth0 joined to host cn1's real tap tap1 by the userspace relay tests/lab/tap-delay, which holds every frame 20 ms each way; then br0 and veth tap2 to vm2: the ping RTT is about 40 ms and every frame appears at cn1-tap1 20 ms after vm1-eth0."
	write_manifest "Known 20 ms delay on the vm1 tap hop (userspace relay)" on
}

sc_clock-offset() {
	vxlan_two_hosts 1450
	# only host points: the VMs keep their own (true) clock
	cap cn1 tap1 veth note="veth named tap1"
	cap cn1 br0 bridge
	cap cn1 vxlan0 vxlan
	cap cn1 eth1 phys encap=vxlan:100:4789
	cap cn2 eth1 phys encap=vxlan:100:4789
	cap cn2 vxlan0 vxlan
	cap cn2 br0 bridge
	cap cn2 tap2 veth note="veth named tap2"
	pingx vm1 -c 5 -i 0.05 -e 6001 -s 56 $VM2
	iperf_srv vm2 $VM2 5201; iperf_tcp vm1 $VM2 5201 40001 "$TCP_BYTES"; srv_wait
	cap_stop
	shift_host_clock cn2 0.250
	local P=(cn1-tap1 cn1-br0 cn1-vxlan0 cn1-eth1 cn2-eth1 cn2-vxlan0 cn2-br0 cn2-tap2) R=() i
	for ((i = ${#P[@]} - 1; i >= 0; i--)); do R+=("${P[$i]}"); done
	flow ping-req icmp $VM1 6001 $VM2 "" yes 84 "ping -c 5 -i 0.05 -e 6001"
	flow ping-rep icmp $VM2 6001 $VM1 "" no 84 "echo replies to ping-req"
	flow tcp-data tcp $VM1 40001 $VM2 5201 yes "" "iperf3 -c $VM2 -p 5201 --cport 40001 -n $TCP_BYTES -l 16K"
	flow tcp-ack tcp $VM2 5201 $VM1 40001 yes "" "ACKs of tcp-data"
	path ping-req "${P[@]}"; path ping-rep "${R[@]}"; path tcp-data "${P[@]}"; path tcp-ack "${R[@]}"
	deliver ping-req all; deliver ping-rep all; deliver tcp-data all; deliver tcp-ack all
	rec usable_mtu network=vxlan:100 mtu=1450
	README_TEXT="clock-offset: VXLAN between cn1 and cn2 (VM MTU 1450), captured on the hosts only; every capture of cn2 was shifted afterwards by +0.250 s (editcap -t 0.250) to imitate a skewed host clock; two-way ping and TCP."
	write_manifest "Two hosts, cn2 clock 0.250 s ahead" on
}

offload_common() { # on|off
	local o=$1
	if [[ $o == off ]]; then vxlan_two_hosts 1450 offoff; else vxlan_two_hosts 1450; fi
	vxlan_caps
	pingx vm1 -c 3 -i 0.05 -e 7001 -s 56 $VM2
	iperf_srv vm2 $VM2 5201; iperf_tcp vm1 $VM2 5201 40001 "$TCP_BYTES"; srv_wait
	cap_stop
	flow ping-req icmp $VM1 7001 $VM2 "" yes 84 "ping -c 3 -i 0.05 -e 7001"
	flow tcp-data tcp $VM1 40001 $VM2 5201 yes "" "iperf3 -c $VM2 -p 5201 --cport 40001 -n $TCP_BYTES -l 16K"
	path ping-req "${VXPATH[@]}"; path tcp-data "${VXPATH[@]}"
	deliver ping-req all; deliver tcp-data all
	rec usable_mtu network=vxlan:100 mtu=1450
}

sc_offload-on() {
	offload_common on
	README_TEXT="offload-on: VXLAN two hosts (VM MTU 1450) with default offloads: veth/bridge/vxlan captures hold TSO/GSO TCP super-frames far above the MTU (and the underlay carries them as one large VXLAN/UDP packet), checksums left unfilled on the sending side."
	write_manifest "VXLAN two hosts, default offloads (GSO/TSO super-frames)" on
}

sc_offload-off() {
	offload_common off
	README_TEXT="offload-off: same VXLAN topology as offload-on with ethtool -K tso off gso off gro off on every veth, bridge and vxlan device: every captured frame fits the MTU."
	write_manifest "VXLAN two hosts, offloads off (tso/gso/gro off everywhere)" off
}

# iperf3 TCP for PTL_TRUTH_SECONDS at PTL_TRUTH_RATE, and ping, each writing
# its own report: what pathtrace's goodput bins and round trips are held to.
# The path of the delay scenario with PTL_TRUTH_DELAY_MS (1) each way on the
# vm1 tap: ping's clock starts in user space, before the sender's own stack
# (25-30 us on the lab VM), which a capture at the sender's interface does
# not see; on a path of a few ms that is well within ping's own jitter.
sc_truth() {
	local secs=${PTL_TRUTH_SECONDS:-6} rate=${PTL_TRUTH_RATE:-100M} ms=${PTL_TRUTH_DELAY_MS:-1} pid rpid
	build_tap_delay
	mkns vm1; mkns vm2; mkns cn1
	mktap vm1 eth0 $M_VM1
	mktap cn1 tap1 02:00:00:c1:01:01
	veth cn1 tap2 02:00:00:c1:02:01 vm2 eth0 $M_VM2
	mkbridge cn1 br0 02:00:00:c1:00:b0
	enslave cn1 tap1 br0; enslave cn1 tap2 br0
	up cn1 tap1 tap2 br0
	addr vm1 eth0 $VM1/24; addr vm2 eth0 $VM2/24
	up vm1 eth0; up vm2 eth0
	"$TAPDELAY" -A "/run/netns/$(nsn vm1)" -a eth0 -B "/run/netns/$(nsn cn1)" -b tap1 -d "$ms" -t $((secs + 40)) \
		>"$TMP/tapdelay.log" 2>"$TMP/tapdelay.err" &
	rpid=$!
	PIDS+=("$rpid")
	for _ in $(seq 1 100); do grep -qs ready "$TMP/tapdelay.log" && break; sleep 0.05; done
	grep -q ready "$TMP/tapdelay.log" || die "tap-delay did not start: $(cat "$TMP/tapdelay.err")"
	for _ in $(seq 1 100); do
		ip -n "$(nsn vm1)" -o link show dev eth0 | grep -q LOWER_UP && break; sleep 0.05
	done
	# Neighbours resolved before the captures: ping's first echo would wait for ARP.
	nx vm1 ping -n -c 1 -W 2 $VM2 >/dev/null 2>&1 || true
	cap vm1 eth0 tap fmt=pcapng note="real tap; tests/lab/tap-delay relays it to cn1/tap1 holding each frame $ms ms"
	cap cn1 tap1 tap note="real tap fed by tap-delay"
	cap cn1 br0 bridge
	cap cn1 tap2 veth note="veth named tap2"
	cap vm2 eth0 veth fmt=pcapng
	nx vm1 ping -n -D -c 20 -i 0.2 -e 9001 -s 56 $VM2 >"$OUT/ping.txt" 2>&1 || true
	ip netns exec "$(nsn vm2)" timeout $((secs + 30)) iperf3 -s -1 -B $VM2 -p 5201 --json \
		>"$TMP/iperf3-server.json" 2>"$TMP/iperf-s-5201.log" &
	pid=$!
	PIDS+=("$pid")
	for _ in $(seq 1 100); do [[ -n $(nx vm2 ss -Hltn "sport = :5201") ]] && break; sleep 0.05; done
	nx vm1 timeout -s INT $((secs + 20)) iperf3 -c $VM2 -p 5201 --cport 40001 -t "$secs" -b "$rate" --json \
		>"$OUT/iperf3-client.json" 2>"$TMP/iperf-c-5201.log" || die "iperf3 client failed: $(cat "$TMP/iperf-c-5201.log")"
	wait "$pid" 2>/dev/null || true
	cp "$TMP/iperf3-server.json" "$OUT/iperf3-server.json"
	cap_stop
	kill -INT "$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	local P=(vm1-eth0 cn1-tap1 cn1-br0 cn1-tap2 vm2-eth0)
	flow ping-req icmp $VM1 9001 $VM2 "" yes 84 "ping -D -c 20 -i 0.2 -e 9001 (ping.txt)"
	flow tcp-data tcp $VM1 40001 $VM2 5201 yes "" "iperf3 -c $VM2 -p 5201 --cport 40001 -t $secs -b $rate --json (iperf3-*.json)"
	path ping-req "${P[@]}"; path tcp-data "${P[@]}"
	deliver ping-req all; deliver tcp-data all
	rec delay from=vm1-eth0 to=cn1-tap1 ms=$ms flow=ping-req
	README_TEXT="truth: vm1 -> tap-delay ($ms ms each way) -> cn1 tap1 -> br0 -> tap2 -> vm2: 20 pings (ping -D, output in ping.txt) then iperf3 TCP for $secs s paced at $rate with --json reports from both ends (iperf3-client.json, iperf3-server.json): the tools' own numbers beside the captures."
	write_manifest "Throughput and round trips beside iperf3's and ping's own reports" on
}

# ---------------------------------------------------------------- main
mkdir -p "$OUT"
rm -f "$OUT"/*.pcap "$OUT"/*.pcapng "$OUT"/manifest.tsv "$OUT"/README "$OUT"/*.json "$OUT"/ping.txt
log "building in namespaces ${PFX}*"
"sc_$SCEN"
log "done: $(ls "$OUT" | wc -l) files in $OUT"
