#!/bin/bash
# pathtrace capture lab, Open vSwitch flavour: two "compute hosts" (network
# namespaces cn1, cn2), each running its OWN private ovsdb-server + ovs-vswitchd
# with the userspace datapath (datapath_type=netdev), joined by an OVS tunnel
# (VXLAN, GRE or Geneve) over an underlay veth pair.  Neutron-like layout:
#
#   vm1 eth0 ==veth== tap1 [br-int, tag 1] patch [br-tun: local VLAN <-> tunnel
#   id flows] tunnel port --(userspace tunnel push, route + neighbour on br-phy)--
#   [br-phy, internal port 192.168.100.1] eth1 ==veth (underlay)== eth1 [br-phy
#   of cn2] ... br-tun ... [br-int, tag 2] tap2 ==veth== eth0 vm2
#
#   tests/lab/ovs-lab.sh OUTDIR [vxlan|gre|geneve]...
#       runs the scenarios (default: all three) into OUTDIR/<scenario>/,
#       scenarios ovs-vxlan (VNI 100), ovs-gre (key 200), ovs-geneve (VNI 300)
#   tests/lab/ovs-lab.sh list
#
# Captures (tcpdump -U -s 0, nanosecond pcap, fails on "dropped by kernel" > 0):
# vm1-eth0 cn1-tap1 cn1-eth1 cn2-eth1 cn2-tap2 vm2-eth0; writes manifest.tsv
# (doc/lab-manifest.md) and README, then checks with tshark that the underlay
# captures hold only encapsulated VM traffic with the expected VNI/key and that
# the inner frames are identical (MACs, IP id/ttl/len/checksum, seq) to the VM
# captures.  Exits 77 (SKIP) without root, netns, /dev/net/tun, the tools, or
# a working ovs-vswitchd userspace datapath.
#
# Naming: namespaces ptovs-<pid>-{vm1,cn1,cn2,vm2}; links inside them (tap1,
# tap2, eth0, eth1) and OVS's own taps (br-int, br-tun, br-phy, ovs-netdev)
# live only in those namespaces and are deleted by exact name on exit, then the
# namespaces; the OVS daemons are started with private --unixctl/--pidfile/db
# socket/OVS_RUNDIR under a temp dir and killed by pid on exit.
set -euo pipefail

IPERF_SRV_TIMEOUT=20  # s: the server serves one test, then exits
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=tests/lab/lab-lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab-lib.sh"
TYPES=(vxlan gre geneve)

skip() { echo "ovs-lab.sh: SKIP: $*" >&2; exit 77; }
die() { echo "ovs-lab.sh: ERROR: $*" >&2; exit 1; }
log() { echo "ovs-lab.sh[${SCEN:-main}]: $*" >&2; }

usage() { echo "usage: $0 OUTDIR [vxlan|gre|geneve]...   |   $0 list" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
if [[ $1 == list ]]; then printf 'ovs-%s\n' "${TYPES[@]}"; exit 0; fi

# ---------------------------------------------------------------- prerequisites
[[ $(id -u) -eq 0 ]] || skip "needs root"
command -v ip >/dev/null || skip "no iproute2"
for t in tcpdump tshark ping ethtool timeout ss ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl \
	ovs-appctl ovs-ofctl; do
	command -v "$t" >/dev/null || skip "missing tool: $t"
done
ip netns list >/dev/null 2>&1 || skip "no ip netns support"
[[ -c /dev/net/tun ]] || skip "no /dev/net/tun (OVS userspace internal ports are taps)"
OVS_SCHEMA=${PTOVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
[[ -r $OVS_SCHEMA ]] || skip "no OVS schema $OVS_SCHEMA"

# ---------------------------------------------------------------- driver
if [[ ${1:-} != --one ]]; then
	OUTROOT=$1; shift
	sel=("$@")
	[[ ${#sel[@]} -gt 0 ]] || sel=("${TYPES[@]}")
	for t in "${sel[@]}"; do
		case " ${TYPES[*]} " in *" $t "*) ;; *) die "unknown tunnel type $t (vxlan, gre, geneve)" ;; esac
	done
	mkdir -p "$OUTROOT"
	start=$(date +%s.%N)
	failed=() okd=() rc=0
	child=""
	# pass INT/TERM on to the running scenario, whose own trap cleans up
	trap '[[ -n $child ]] && kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' INT TERM
	for t in "${sel[@]}"; do
		set +e
		bash "$SELF" --one "$t" "$OUTROOT/ovs-$t" &
		child=$!
		wait "$child"
		rc=$?
		child=""
		set -e
		[[ $rc -eq 77 ]] && exit 77   # the whole lab is unusable here
		if [[ $rc -eq 0 ]]; then okd+=("ovs-$t"); else failed+=("ovs-$t"); fi
	done
	log "ok: ${okd[*]:-none}; failed: ${failed[*]:-none}; $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"
	[[ ${#failed[@]} -eq 0 ]] || exit 1
	exit 0
fi

# ---------------------------------------------------------------- one scenario
[[ $# -eq 3 ]] || usage
TT=$2
OUT=$3
SCEN=ovs-$TT
case $TT in
vxlan) VNI=100 ENCAP=vxlan:100:4789 VM_MTU=1450 NET=vxlan:100 OVERHEAD="14+20+8+8" ;;
gre) VNI=200 ENCAP=gre:200 VM_MTU=1458 NET=gre:200 OVERHEAD="14+20+8 (GRE with key)" ;;
geneve) VNI=300 ENCAP=geneve:300 VM_MTU=1450 NET=geneve:300 OVERHEAD="14+20+8+8 (no options)" ;;
*) die "unknown tunnel type $TT" ;;
esac
UL_MTU=1500

PFX="ptovs-$$-"                     # namespace prefix: exact, per run
TMP=$(mktemp -d /tmp/ptovs-lab.XXXXXX)
NSES=()                             # namespaces we created (full names)
LINKS=()                            # "ns link" we created or OVS created in our namespaces
PIDS=()                             # tcpdump / iperf3 we started
OVS_PIDS=()                         # ovs-vswitchd, ovsdb-server we started (vswitchd first)
CAP_PIDS=() CAP_NAMES=()
declare -A P_HOST P_IF P_KIND P_MTU P_ENCAP P_LINKTYPE P_NOTE
POINTS=()
RECS=()

stop_pid() { # PID: TERM, wait <= 2 s, KILL
	local p=$1
	kill -TERM "$p" 2>/dev/null || return 0
	for _ in $(seq 1 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}

cleanup() {
	local rc=$? p l
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	for p in "${OVS_PIDS[@]}"; do stop_pid "$p"; done
	for l in "${LINKS[@]}"; do
		# shellcheck disable=SC2086
		ip -n ${l% *} link del dev "${l#* }" 2>/dev/null || true
	done
	for p in "${NSES[@]}"; do ip netns del "$p" 2>/dev/null || true; done
	if [[ $rc -ne 0 && $rc -ne 77 ]]; then
		echo "ovs-lab.sh[$SCEN]: failed (rc=$rc); logs:" >&2
		tail -n 5 "$TMP"/*.err "$TMP"/*.log "$TMP"/*/ovs-vswitchd.log >&2 2>/dev/null || true
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


mkns() {
	local n; n=$(nsn "$1")
	ip netns add "$n"
	NSES+=("$n")
	ip -n "$n" link set dev lo up
	nx "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
}
veth() { # HOST1 IF1 MAC1 HOST2 IF2 MAC2
	ip -n "$(nsn "$1")" link add name "$2" address "$3" type veth \
		peer name "$5" address "$6" netns "$(nsn "$4")"
	LINKS+=("$(nsn "$1") $2" "$(nsn "$4") $5")
}
offloads_off() { # HOST IF... : no checksum/segmentation offload (AF_PACKET ports of the
	# userspace datapath would otherwise forward CHECKSUM_PARTIAL frames unfinished)
	local h=$1 i; shift
	for i; do nx "$h" ethtool -K "$i" tx off tso off gso off gro off >/dev/null 2>&1 ||
		nx "$h" ethtool -K "$i" tx off gso off gro off >/dev/null; done
}

# ---------------------------------------------------------------- private OVS per host
vsctl() { local h=$1; shift; ovs-vsctl --db="unix:$TMP/$h/db.sock" --timeout=10 "$@"; }
appctl() { local h=$1; shift; ovs-appctl -t "$TMP/$h/ovs-vswitchd.ctl" --timeout=10 "$@"; }
ofctl() { local h=$1 br=$2; shift 2; ovs-ofctl --timeout=10 "$1" "unix:$TMP/$h/$br.mgmt" "${@:2}"; }

ovs_start() { # HOST : ovsdb-server + ovs-vswitchd inside the host's namespace
	local h=$1 d=$TMP/$1 pid
	mkdir -p "$d"
	ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" >/dev/null
	OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d \
		ip netns exec "$(nsn "$h")" ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" \
		--unixctl="$d/ovsdb-server.ctl" --pidfile="$d/ovsdb-server.pid" \
		--log-file="$d/ovsdb-server.log" -vconsole:off --no-chdir 2>"$d/ovsdb-server.err" &
	pid=$!
	OVS_PIDS=("$pid" "${OVS_PIDS[@]}")
	for _ in $(seq 1 100); do [[ -S $d/db.sock ]] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	[[ -S $d/db.sock ]] || skip "ovsdb-server did not start: $(tail -n 3 "$d"/ovsdb-server.{err,log} 2>/dev/null)"
	vsctl "$h" --no-wait init
	OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d \
		ip netns exec "$(nsn "$h")" ovs-vswitchd "unix:$d/db.sock" \
		--unixctl="$d/ovs-vswitchd.ctl" --pidfile="$d/ovs-vswitchd.pid" \
		--log-file="$d/ovs-vswitchd.log" -vconsole:off --no-chdir 2>"$d/ovs-vswitchd.err" &
	pid=$!
	OVS_PIDS=("$pid" "${OVS_PIDS[@]}")   # stopped before its ovsdb-server
	for _ in $(seq 1 100); do [[ -S $d/ovs-vswitchd.ctl ]] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	[[ -S $d/ovs-vswitchd.ctl ]] || skip "ovs-vswitchd did not start: $(tail -n 3 "$d"/ovs-vswitchd.{err,log} 2>/dev/null)"
}

ovs_addbr() { # HOST BR MAC : netdev (userspace) bridge; OVS creates its internal port as a tap
	vsctl "$1" add-br "$2" -- set bridge "$2" datapath_type=netdev fail_mode=secure \
		other-config:hwaddr="$3" -- set interface "$2" mtu_request="${4:-1500}"
	LINKS+=("$(nsn "$1") $2")
}

ovs_host() { # HOST N(1|2) LVID PEER_IP
	local h=$1 n=$2 lvid=$3 peer=$4 mine=192.168.100.$2 tap=tap$2 d
	ovs_start "$h"
	ovs_addbr "$h" br-int "02:00:00:c$n:00:b1"
	ovs_addbr "$h" br-tun "02:00:00:c$n:00:b2"
	ovs_addbr "$h" br-phy "02:00:00:c$n:00:e0" "$UL_MTU"
	LINKS+=("$(nsn "$h") ovs-netdev")
	d=$(appctl "$h" dpif/show | sed -n 1p)
	[[ $d == netdev@ovs-netdev* ]] || skip "userspace datapath not created: $d"
	# br-int: VM port tagged with the host-local VLAN, patch to br-tun; plain L2 switch
	vsctl "$h" set bridge br-int fail_mode=standalone \
		-- add-port br-int "$tap" tag="$lvid" \
		-- add-port br-int patch-tun -- set interface patch-tun type=patch options:peer=patch-int \
		-- add-port br-tun patch-int -- set interface patch-int type=patch options:peer=patch-tun \
		-- add-port br-tun "$TT-tun" -- set interface "$TT-tun" type="$TT" ofport_request=10 \
		options:remote_ip="$peer" options:local_ip="$mine" options:key=flow \
		-- add-port br-phy eth1 -- set bridge br-phy fail_mode=standalone
	vsctl "$h" set interface patch-int ofport_request=1
	# br-tun, Neutron style: table 0 classify, 2 local VLAN -> tunnel id, 4 tunnel id -> local VLAN
	ofctl "$h" br-tun add-flows - <<-EOF
		table=0,priority=1,in_port=patch-int,actions=resubmit(,2)
		table=0,priority=1,in_port=$TT-tun,actions=resubmit(,4)
		table=0,priority=0,actions=drop
		table=2,priority=1,dl_vlan=$lvid,actions=strip_vlan,set_tunnel:$VNI,output:$TT-tun
		table=2,priority=0,actions=drop
		table=4,priority=1,tun_id=$VNI,actions=mod_vlan_vid:$lvid,output:patch-int
		table=4,priority=0,actions=drop
	EOF
	# underlay address on the br-phy internal port; OVS's tunnel router learns the
	# route from the namespace's kernel table; the remote's MAC is preset so the
	# first packets are not lost to neighbour resolution
	ip -n "$(nsn "$h")" addr add "$mine/24" dev br-phy
	up "$h" br-phy
	local routes=""
	for _ in $(seq 1 50); do
		routes=$(appctl "$h" ovs/route/show)
		[[ $routes == *"192.168.100.0/24 dev br-phy"* ]] && break; sleep 0.1
	done
	[[ $routes == *"192.168.100.0/24 dev br-phy"* ]] || die "$h: OVS tunnel route not learnt: $routes"
	appctl "$h" tnl/neigh/set br-phy "$peer" "02:00:00:c$((3 - n)):00:e0" >/dev/null
}

# ---------------------------------------------------------------- capture
cap() { # HOST IFNAME KIND [encap=...] [note=...]
	local host=$1 ifn=$2 kind=$3; shift 3
	local encap=none note="" o name
	for o; do
		case $o in
		encap=*) encap=${o#encap=} ;; note=*) note=${o#note=} ;; *) die "cap: bad option $o" ;;
		esac
	done
	name="$host-$ifn"
	tcpdump_start "$name" "$host" "$ifn" -B 4096 -U -n -s 0 --time-stamp-precision=nano
	P_HOST[$name]=$host P_IF[$name]=$ifn P_KIND[$name]=$kind P_ENCAP[$name]=$encap P_NOTE[$name]=$note
	P_LINKTYPE[$name]=$(sed -n 's/.*link-type \([A-Za-z0-9_]*\).*/\1/p' "$TMP/$name.err" | sed -n 1p)
	P_MTU[$name]=$(ifmtu "$host" "$ifn")
}

cap_stop() {
	tcpdump_stop_all
	for name in "${POINTS[@]}"; do cp "$TMP/$name.raw" "$OUT/$name.pcap"; done
}

# ---------------------------------------------------------------- traffic
pingx() { local h=$1; shift; nx "$h" timeout 10 ping -n -W 1 "$@" >>"$TMP/ping.log" 2>&1 || true; }

# ---------------------------------------------------------------- manifest

write_manifest() { # TITLE
	local man="$OUT/manifest.tsv" name
	{
		printf '# pathtrace lab manifest (doc/lab-manifest.md); generated by tests/lab/ovs-lab.sh (%s)\n' "$SCEN"
		local IFS=$'\t'
		printf '%s\n' "scenario	name=$SCEN	title=$1	source=kernel	offloads=off	kernel=$(uname -r)	gso=no	vm_mtu=$VM_MTU	underlay_mtu=$UL_MTU	datapath=ovs-netdev	ovs=$(ovs-vswitchd --version | sed -n '1s/.* //p')	tunnel=$TT"
		for name in "${POINTS[@]}"; do
			printf '%s\n' "point	name=$name	file=$name.pcap	host=${P_HOST[$name]}	ifname=${P_IF[$name]}	kind=${P_KIND[$name]}	mtu=${P_MTU[$name]}	encap=${P_ENCAP[$name]}	format=pcap	clock_offset_s=0	tsresol=ns	linktype=${P_LINKTYPE[$name]}	promisc=yes${P_NOTE[$name]:+	note=${P_NOTE[$name]}}"
		done
		printf '%s\n' "${RECS[@]}"
	} | sed 's/\t$//' >"$man"
}

# ---------------------------------------------------------------- tshark verification
# One tshark pass per point; every multi-occurrence field is kept whole (a,b) and
# split in awk: first ip.* occurrence = outer header, last = innermost.
TS_FIELDS=(ip.src ip.dst eth.src eth.dst ip.id ip.ttl ip.len ip.checksum ip.flags.df
	icmp.type icmp.ident icmp.seq tcp.srcport tcp.dstport tcp.seq_raw
	vxlan.vni gre.key gre.proto geneve.vni udp.dstport udp.srcport)
ts_dump() { # POINT -> $TMP/POINT.tsv: kind outer_src outer_dst encap_kind encap_id | key | inner tuple
	local name=$1 f
	local args=(-r "$OUT/$name.pcap" -n -o ip.defragment:FALSE -T fields -E separator=/t
		-E occurrence=a "-E" "aggregator=," -Y ip)
	for f in "${TS_FIELDS[@]}"; do args+=(-e "$f"); done
	tshark "${args[@]}" 2>"$TMP/$name.tshark.err" | awk -F'\t' '
	function last(s,  a, n) { n = split(s, a, ","); return a[n] }
	function first(s,  a) { split(s, a, ","); return a[1] }
	function cnt(s,  a) { return s == "" ? 0 : split(s, a, ",") }
	function num(s,  i, v) {   # tshark prints some ids in hex (geneve.vni, gre.key)
		if (s !~ /^0x/) return s
		v = 0
		for (i = 3; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
		return v
	}
	{
		nip = cnt($1)
		enc = "none"; id = ""
		if ($16 != "") { enc = "vxlan"; id = num($16) "/" first($20) }
		else if ($19 != "") { enc = "geneve"; id = num($19) "/" first($20) }
		else if ($17 != "") { enc = "gre"; id = num($17) "/" $18 }
		src = last($1); dst = last($2)
		if ($10 != "") key = "icmp " src " " dst " " $10 " " $11
		else if ($13 != "") key = "tcp " src " " dst " " $13 " " $14
		else if (cnt($21) > (enc == "vxlan" || enc == "geneve")) key = "udp " src " " dst " " last($21) " " last($20)
		else key = "other " src " " dst
		inner = last($3) "|" last($4) "|" last($5) "|" last($6) "|" last($7) "|" last($8) "|" last($9) "|" $12 "|" $15
		printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", nip, first($1), first($2), enc, id, key, inner
	}' >"$TMP/$name.tsv"
	[[ -s $TMP/$name.tsv ]] || die "tshark found no IP packets in $name: $(cat "$TMP/$name.tshark.err")"
}

VERIFY_FAIL=0
vfail() { log "VERIFY FAIL: $*"; VERIFY_FAIL=1; }

verify_underlay() { # POINT : only encapsulated IP, with our tunnel id, between the underlay IPs
	local name=$1 bad want_id
	case $TT in
	vxlan) want_id="vxlan $VNI/4789" ;; geneve) want_id="geneve $VNI/6081" ;; gre) want_id="gre $VNI/0x6558" ;;
	esac
	# nip 2 = outer + inner IPv4; nip 1 with encap = encapsulated non-IP (ARP)
	bad=$(awk -F'\t' -v w="$want_id" '($4 " " $5) != w ||
		!(($2 == "192.168.100.1" && $3 == "192.168.100.2") || ($2 == "192.168.100.2" && $3 == "192.168.100.1"))' \
		"$TMP/$name.tsv" | awk 'NR <= 3')   # (head would SIGPIPE awk under pipefail)
	[[ -z $bad ]] || vfail "$name: frames not encapsulated as $want_id between the underlay IPs: $bad"
	log "verify: $name: $(wc -l <"$TMP/$name.tsv") IP frames, all $want_id between 192.168.100.1/.2 ($(awk -F'\t' '$1 == 1' "$TMP/$name.tsv" | wc -l) of them carry non-IP, i.e. ARP)"
}

verify_flow() { # ID KEY OUTER_SRC POINT... : same inner frames, in the same order, at every point
	local id=$1 key=$2 osrc=$3 p ref="" cur n; shift 3
	for p; do
		cur=$(awk -F'\t' -v k="$key" -v o="$osrc" '$6 == k { if ($1 == 2 && $2 != o) print "WRONG-DIR"; print $7 }' "$TMP/$p.tsv")
		n=$(printf '%s' "$cur" | grep -c . || true)
		[[ $n -gt 0 ]] || { vfail "flow $id: no packets at $p"; continue; }
		[[ $cur != *WRONG-DIR* ]] || vfail "flow $id: outer source at $p is not $osrc"
		if [[ -z $ref ]]; then ref=$cur
		elif [[ $cur != "$ref" ]]; then
			vfail "flow $id: frames at $p differ from $1 ($n vs $(printf '%s' "$ref" | grep -c .)):"$'\n'"$(diff <(echo "$ref") <(echo "$cur") | sed -n 1,6p)"
		fi
	done
	log "verify: flow $id: $(printf '%s' "$ref" | grep -c . || true) frames identical (inner MACs, IP id/ttl/len/csum, ICMP seq) at ${#@} points"
}

df_of() { # POINT KEY -> yes|no (DF of the flow's first packet)
	awk -F'\t' -v k="$1" '$6 == k { split($7, a, "|"); print (a[7] == "1" || a[7] == "True") ? "yes" : "no"; exit }' "$TMP/$2.tsv"
}

# ---------------------------------------------------------------- scenario
VM1=10.10.0.11 VM2=10.10.0.12
M_VM1=02:00:00:01:00:11 M_VM2=02:00:00:02:00:12

run() {
	mkns vm1; mkns cn1; mkns cn2; mkns vm2
	veth cn1 tap1 02:00:00:c1:01:01 vm1 eth0 $M_VM1
	veth cn2 tap2 02:00:00:c2:02:01 vm2 eth0 $M_VM2
	veth cn1 eth1 02:00:00:c1:00:e1 cn2 eth1 02:00:00:c2:00:e1
	ip -n "$(nsn vm1)" link set dev eth0 mtu $VM_MTU; ip -n "$(nsn cn1)" link set dev tap1 mtu $VM_MTU
	ip -n "$(nsn vm2)" link set dev eth0 mtu $VM_MTU; ip -n "$(nsn cn2)" link set dev tap2 mtu $VM_MTU
	offloads_off vm1 eth0; offloads_off vm2 eth0
	offloads_off cn1 tap1 eth1; offloads_off cn2 tap2 eth1
	up cn1 tap1 eth1; up cn2 tap2 eth1
	ip -n "$(nsn vm1)" addr add $VM1/24 dev eth0; ip -n "$(nsn vm2)" addr add $VM2/24 dev eth0
	up vm1 eth0; up vm2 eth0
	ovs_host cn1 1 1 192.168.100.2
	ovs_host cn2 2 2 192.168.100.1
	log "$(appctl cn1 dpif/show | tr '\n' ' ' | tr -s ' ')"

	cap vm1 eth0 veth
	cap cn1 tap1 veth note="veth whose host end tap1 is a port of OVS br-int (userspace datapath; local VLAN 1, untagged on the wire)"
	cap cn1 eth1 phys encap=$ENCAP note="underlay veth, port of OVS br-phy (userspace datapath) standing in for the physical NIC"
	cap cn2 eth1 phys encap=$ENCAP note="underlay veth, port of OVS br-phy (userspace datapath) standing in for the physical NIC"
	cap cn2 tap2 veth note="veth whose host end tap2 is a port of OVS br-int (userspace datapath; local VLAN 2, untagged on the wire)"
	cap vm2 eth0 veth

	pingx vm1 -c 3 -i 0.2 -e 1001 -s 56 $VM2
	pingx vm1 -c 3 -i 0.2 -e 1002 -s 1000 -M "do" $VM2
	local have_iperf=no
	if command -v iperf3 >/dev/null; then
		# UDP, not TCP: an iperf3 -n TCP test ends (TEST_END on the control connection)
		# while data segments are still in flight, and the server's close answers them
		# with a burst of identical RSTs
		have_iperf=yes
		iperf_srv vm2 $VM2 5202
		nx vm1 timeout -s INT 10 iperf3 -u -c $VM2 -p 5202 --cport 40002 -l 1000 -n 10000 -b 20M \
			>"$TMP/iperf-c.log" 2>&1 || log "iperf3 client failed: $(tail -n 2 "$TMP/iperf-c.log")"
		srv_wait
	fi
	appctl cn1 tnl/neigh/show >"$TMP/cn1-neigh.log" 2>&1 || true
	cap_stop

	# ---- verification with tshark
	local p
	local tpids=()
	for p in "${POINTS[@]}"; do ts_dump "$p" & tpids+=($!); done
	wait "${tpids[@]}"   # (a bare wait would also wait for the OVS daemons)
	for p in "${POINTS[@]}"; do [[ -s $TMP/$p.tsv ]] || die "no tshark output for $p"; done
	verify_underlay cn1-eth1; verify_underlay cn2-eth1
	local F=(vm1-eth0 cn1-tap1 cn1-eth1 cn2-eth1 cn2-tap2 vm2-eth0) R=(vm2-eth0 cn2-tap2 cn2-eth1 cn1-eth1 cn1-tap1 vm1-eth0)
	verify_flow ping-56 "icmp $VM1 $VM2 8 1001" 192.168.100.1 "${F[@]}"
	verify_flow ping-56-rep "icmp $VM2 $VM1 0 1001" 192.168.100.2 "${R[@]}"
	verify_flow ping-1000 "icmp $VM1 $VM2 8 1002" 192.168.100.1 "${F[@]}"
	verify_flow ping-1000-rep "icmp $VM2 $VM1 0 1002" 192.168.100.2 "${R[@]}"
	if [[ $have_iperf == yes ]]; then
		verify_flow udp-1000 "udp $VM1 $VM2 40002 5202" 192.168.100.1 "${F[@]}"
		local n
		n=$(awk -F'\t' -v k="udp $VM1 $VM2 40002 5202" '$6 == k && $7 ~ /\|1028\|/' "$TMP/vm2-eth0.tsv" | wc -l)
		[[ $n -eq 10 ]] || vfail "udp-1000: $n datagrams of 1028 bytes at vm2-eth0, expected 10"
	fi
	# deliver=all: every echo sequence number sent by vm1 reaches vm2 and back
	for id in 1001 1002; do
		local sent got
		sent=$(awk -F'\t' -v k="icmp $VM1 $VM2 8 $id" '$6 == k {split($7, a, "|"); print a[8]}' "$TMP/vm1-eth0.tsv" | sort -u | tr '\n' ' ')
		got=$(awk -F'\t' -v k="icmp $VM2 $VM1 0 $id" '$6 == k {split($7, a, "|"); print a[8]}' "$TMP/vm1-eth0.tsv" | sort -u | tr '\n' ' ')
		[[ $sent == "$got" && -n $sent ]] || vfail "ping -e $id: requests seq [$sent] replies [$got]"
	done
	# no ICMP errors (unreachable, time exceeded) and no TCP resets anywhere
	for p in "${POINTS[@]}"; do
		n=$(awk -F'\t' '$6 ~ /^icmp / { split($6, k, " "); if (k[4] != 0 && k[4] != 8) print }' "$TMP/$p.tsv" | wc -l)
		[[ $n -eq 0 ]] || vfail "$p: $n ICMP error messages"
	done
	n=$(tshark -r "$OUT/vm1-eth0.pcap" -n -Y 'tcp.flags.reset == 1' 2>/dev/null | wc -l)
	[[ $n -eq 0 ]] || vfail "vm1-eth0: $n TCP resets"
	[[ $VERIFY_FAIL -eq 0 ]] || die "tshark verification failed"

	flow ping-56 icmp $VM1 1001 $VM2 "" "$(df_of "icmp $VM1 $VM2 8 1001" vm1-eth0)" 84 "ping -c 3 -i 0.2 -s 56 -e 1001 $VM2"
	flow ping-56-rep icmp $VM2 1001 $VM1 "" "$(df_of "icmp $VM2 $VM1 0 1001" vm2-eth0)" 84 "echo replies to ping-56"
	flow ping-1000 icmp $VM1 1002 $VM2 "" "$(df_of "icmp $VM1 $VM2 8 1002" vm1-eth0)" 1028 "ping -M do -s 1000 -c 3 -i 0.2 -e 1002 $VM2"
	flow ping-1000-rep icmp $VM2 1002 $VM1 "" "$(df_of "icmp $VM2 $VM1 0 1002" vm2-eth0)" 1028 "echo replies to ping-1000"
	if [[ $have_iperf == yes ]]; then
		flow udp-1000 udp $VM1 40002 $VM2 5202 "$(df_of "udp $VM1 $VM2 40002 5202" vm1-eth0)" 1028 "iperf3 -u -c $VM2 -p 5202 --cport 40002 -l 1000 -n 10000 -b 20M (10 datagrams of 1028 bytes, after the 32-byte iperf3 UDP connect datagram)"
	fi
	path ping-56 "${F[@]}"; deliver ping-56 all
	path ping-56-rep "${R[@]}"; deliver ping-56-rep all
	path ping-1000 "${F[@]}"; deliver ping-1000 all
	path ping-1000-rep "${R[@]}"; deliver ping-1000-rep all
	if [[ $have_iperf == yes ]]; then
		path udp-1000 "${F[@]}"; deliver udp-1000 all
	fi
	rec usable_mtu "network=$NET" "mtu=$VM_MTU" "note=underlay $UL_MTU minus $OVERHEAD bytes of $TT encapsulation (OVS userspace tunnel push)"
	write_manifest "OVS userspace datapath (netdev), two hosts joined by a $TT tunnel (${ENCAP})"
	cat >"$OUT/README" <<-EOF
		$SCEN: Open vSwitch br-int/br-tun (userspace datapath) on two hosts joined by a $TT tunnel (${ENCAP}), VM MTU $VM_MTU: everything passes (ping both ways, iperf3 UDP).

		Two compute hosts cn1, cn2 (network namespaces), each with its own ovs-vswitchd
		using the userspace datapath (datapath_type=netdev, ports are AF_PACKET sockets on veths).
		vm1 (10.10.0.11, namespace) -- veth eth0/tap1 -- br-int (tap1 access port, local VLAN 1)
		-- patch -- br-tun (OpenFlow: VLAN 1 <-> tunnel id $VNI) -- $TT tunnel port
		(remote 192.168.100.2, key=flow) -- userspace tunnel push, routed via the br-phy internal
		port 192.168.100.1 -- br-phy -- eth1 == underlay veth == eth1 on cn2 -- br-phy -- tunnel pop
		-- br-tun (tunnel id $VNI -> local VLAN 2) -- br-int -- tap2 -- vm2 eth0 (10.10.0.12).
		Captured at vm1-eth0, cn1-tap1, cn1-eth1 and cn2-eth1 (encapsulated: $ENCAP), cn2-tap2,
		vm2-eth0; patch ports and the OVS bridges themselves cannot be captured (no netdev).
		Offloads off on every veth (tx/tso/gso/gro): AF_PACKET ports would otherwise forward
		frames with unfinished checksums. VM MTU $VM_MTU over an underlay of $UL_MTU.
		Traffic: ping -s 56 -e 1001, ping -M do -s 1000 -e 1002 (3 each, both directions
		captured), iperf3 UDP 10 x 1000 bytes (--cport 40002 -p 5202). The tunnel neighbour (MAC of the
		remote br-phy) is preset with ovs-appctl tnl/neigh/set, so the underlay carries no ARP of
		its own; the VMs' ARP request/reply cross it encapsulated (outer IP, inner ARP).
		Verified with tshark: every IP frame on the underlay is $TT with id $VNI between
		192.168.100.1/.2; the inner frames of each flow are identical, in order, in MACs, IP
		id/ttl/len/checksum/DF and ICMP seq to the VM and tap captures; no ICMP errors.
	EOF
}

mkdir -p "$OUT"
rm -f "$OUT"/*.pcap "$OUT"/*.pcapng "$OUT"/manifest.tsv "$OUT"/README
log "building in namespaces ${PFX}{vm1,cn1,cn2,vm2}"
t0=$(date +%s.%N)
run
log "done: $(ls "$OUT" | wc -l) files in $OUT ($(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s)"
