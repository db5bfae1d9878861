# Shared by lab.sh and ovs-lab.sh (sourced, not run): namespace shortcuts,
# the end of a capture run with its drop checks, and manifest records.
# The caller defines PFX, TMP, OUT, PIDS, CAP_PIDS/CAP_NAMES, RECS, SRV_PID,
# die/log, and may set IPERF_SRV_TIMEOUT.

nsn() { echo "${PFX}$1"; }
nx() { local h=$1; shift; ip netns exec "$(nsn "$h")" "$@"; }
up() { local h=$1 i; shift; for i; do ip -n "$(nsn "$h")" link set dev "$i" up; done; }
ifmtu() { ip -n "$(nsn "$1")" -o link show dev "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'; }

# Starts tcpdump for point NAME on HOST's IFNAME, writing $TMP/NAME.raw, and
# waits (bounded) until it listens.
tcpdump_start() { # NAME HOST IFNAME tcpdump-options...
	local name=$1 host=$2 ifn=$3 pid; shift 3
	ip netns exec "$(nsn "$host")" tcpdump -i "$ifn" "$@" -w "$TMP/$name.raw" 2>"$TMP/$name.err" &
	pid=$!
	PIDS+=("$pid"); CAP_PIDS+=("$pid"); CAP_NAMES+=("$name")
	for _ in $(seq 1 100); do
		grep -q "listening on" "$TMP/$name.err" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || die "tcpdump on $host/$ifn died: $(cat "$TMP/$name.err")"
		sleep 0.05
	done
	grep -q "listening on" "$TMP/$name.err" || die "tcpdump on $host/$ifn not listening"
	POINTS+=("$name")
}

# Stops every tcpdump started by tcpdump_start and fails on any packet the kernel dropped.
tcpdump_stop_all() {
	local i pid name err dk cap rcv
	sleep 1.5  # > libpcap TPACKET_V3 block timeout (1 s): last block flushed
	for pid in "${CAP_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	for i in "${!CAP_PIDS[@]}"; do
		pid=${CAP_PIDS[$i]} name=${CAP_NAMES[$i]}
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		wait "$pid" 2>/dev/null || true
		err="$TMP/$name.err"
		dk=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$err")
		cap=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$err")
		rcv=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter.*/\1/p' "$err")
		[[ -n $dk ]] || die "$name: tcpdump printed no statistics: $(cat "$err")"
		[[ $dk -eq 0 ]] || die "$name: tcpdump dropped $dk packets (kernel)"
		# a frame arriving during the SIGINT is counted but not written: not a drop
		[[ $cap -eq $rcv ]] || log "note: $name: captured $cap of $rcv packets received by filter"
		[[ $cap -gt 0 ]] || die "$name: no packets captured"
	done
	CAP_PIDS=()
	mkdir -p "$OUT"
}

iperf_srv() { # HOST ADDR PORT  (TCP control port; one test then exit, within IPERF_SRV_TIMEOUT s)
	local host=$1 a=$2 port=$3 pid
	ip netns exec "$(nsn "$host")" timeout "${IPERF_SRV_TIMEOUT:-30}" iperf3 -s -1 -B "$a" -p "$port" \
		>"$TMP/iperf-s-$port.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	SRV_PID=$pid
	for _ in $(seq 1 100); do
		[[ -n $(nx "$host" ss -Hltn "sport = :$port") ]] && return 0
		sleep 0.05
	done
	die "iperf3 server on $host:$port did not start"
}
srv_wait() { # wait for the last iperf3 server to finish (bounded), kill it otherwise
	for _ in $(seq 1 50); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
	kill -TERM "$SRV_PID" 2>/dev/null || true
	wait "$SRV_PID" 2>/dev/null || true
}

# ---------------------------------------------------------------- manifest records
rec() { local IFS=$'\t'; RECS+=("$*"); }
flow() { # ID PROTO SRC SPORT DST DPORT DF SIZES WHAT
	rec flow "id=$1" "proto=$2" "src=$3" "sport=$4" "dst=$5" "dport=$6" "df=$7" "sizes=$8" "what=$9"
}
path() { local id=$1 IFS='>'; shift; rec path "flow=$id" "points=$*"; }
deliver() { rec deliver "flow=$1" "result=$2" ${3:+"note=$3"}; }
