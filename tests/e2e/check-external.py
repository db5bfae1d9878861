#!/usr/bin/env python3
"""Hold `pathtrace analyze` to what the third-party capture sets' SOURCE.md files say.

Usage: check-external.py PATHTRACE EXTERNAL_DIR OUTDIR

EXTERNAL_DIR holds one folder per capture set, each with a SOURCE.md saying what a correct analysis
finds. For every set (and scenario) this runs `PATHTRACE analyze --no-plots -o OUTDIR/<set>/<run>
[ARGS] FILES...` and checks each statement the CSV outputs can express, one line per check:
`ok <set> <id>: <statement>` or `FAIL <set> <id>: <statement>: <what pathtrace said>`. A check
listed in external-xfail.tsv (set, id, why) prints XFAIL when it fails and XPASS, which is fatal,
when it passes. Exit 1 on a FAIL, an XPASS, an xfail entry naming no check, or a set without
expectations here. Statements no output can express (TTL, MACs, ARP, outer headers, timing between
two frames of one file) are not asserted; a comment says so where they would go. Flows are named
by protocol, addresses and ports; an ICMP echo's identifier is its source port.
"""
import csv
import glob
import os
import re
import subprocess
import sys


class Miss(Exception):
    """What a check is about is not there at all: the check fails with this text."""


def rows(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError:
        return []


class Run:
    """One pathtrace analyze run and what it wrote."""

    def __init__(self, exe, files, args, out):
        os.makedirs(out, exist_ok=True)
        self.files = files
        try:
            p = subprocess.run([exe, "analyze", "--no-plots", "-o", out] + args + files,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
            self.rc, self.err = p.returncode, p.stderr.splitlines()
        except subprocess.TimeoutExpired:
            self.rc, self.err = "timeout", ["timed out after 300 s"]
        self.pts = {p["point"]: p for p in rows(os.path.join(out, "points.csv"))}
        self.mtu = {p["point"]: p for p in rows(os.path.join(out, "mtu.csv"))}
        self.flows, self.paths, self.hops, self.finds = (rows(os.path.join(out, n + ".csv"))
                                                         for n in ("flows", "paths", "hops", "findings"))
        sp = os.path.join(out, "summary.txt")
        self.summary = open(sp, errors="replace").read() if os.path.exists(sp) else ""

    def flow(self, sel):
        got = [f for f in self.flows if match(f, sel)]
        if len(got) != 1:
            raise Miss(f"{len(got)} rows of flows.csv are {fdesc(sel)}")
        return got[0]

    def point(self, name):
        if name not in self.pts:
            raise Miss(f"no point {name} in points.csv (has {', '.join(self.pts)})")
        return self.pts[name]

    def paths_of(self, f):
        return [(p["path"].split(">"), int(p["packets"])) for p in self.paths if p["flow_id"] == f["flow_id"]]

    def hops_of(self, f):
        return [h for h in self.hops if h["flow_id"] == f["flow_id"]]


def F(proto, src, dst, sport=None, dport=None):
    """A flow selector; None matches any port."""
    return (proto, src, dst, sport, dport)


def match(f, sel):
    proto, src, dst, sport, dport = sel
    return (f["proto"] == proto and f["src_ip"] == src and f["dst_ip"] == dst
            and (sport is None or f["src_port"] == str(sport)) and (dport is None or f["dst_port"] == str(dport)))


def fdesc(sel):
    proto, src, dst, sport, dport = sel
    if proto == "icmp":
        return f"icmp {src} > {dst}" + (f" id {sport}" if sport is not None else "")
    return f"{proto} {src}{'' if sport is None else ':' + str(sport)} > {dst}{'' if dport is None else ':' + str(dport)}"


def showpaths(ps):
    return "; ".join(f"{'>'.join(p)} ({n})" for p, n in ps) or "no path"


def showhop(h):
    return (f"{h['from_point']}>{h['to_point']} matched {h['matched']} lost {h['lost']} min/p50/max "
            f"{h['lat_min_us']}/{h['lat_p50_us']}/{h['lat_max_us']} us negative {h['negative']}")


# --- checks: each constructor returns fn(run) -> (ok, what pathtrace said) ---------------------

def combine(quantifier, checks):
    def chk(r):
        res = [c(r) for c in checks]
        return quantifier(ok for ok, _ in res), "; ".join(said for _, said in res)
    return chk


def both(*checks):
    return combine(all, checks)


def either(*checks):
    return combine(any, checks)


def exit_ok():
    return lambda r: (r.rc == 0 and not r.err, f"exit {r.rc}, stderr {r.err[:2]}")


def damaged(fname, point, packets):
    """Exit 1, exactly one stderr line, naming the file; the good packets analysed."""
    def chk(r):
        path = [f for f in r.files if f.endswith(fname)][0]
        n = r.pts.get(point, {}).get("packets")
        return (r.rc == 1 and len(r.err) == 1 and path in r.err[0] and n == str(packets),
                f"exit {r.rc}, stderr {r.err}, {point} packets {n}")
    return chk


def path(sel, pts, n=None, only=True):
    """n packets of the flow were seen at pts in that order (only: and no packet elsewhere)."""
    def chk(r):
        ps = r.paths_of(r.flow(sel))
        hit = [c for p, c in ps if p == pts and (n is None or c == n)]
        return bool(hit) and (not only or len(ps) == 1), "paths.csv: " + showpaths(ps)
    return chk


def cols(row, what, **want):
    return all(row[k] == str(v) for k, v in want.items()), what + " " + ", ".join(f"{k} '{row[k]}'" for k in want)


def flowcol(sel, **want):
    return lambda r: cols(r.flow(sel), "flows.csv", **want)


def pointcol(point, **want):
    return lambda r: cols(r.point(point), f"points.csv {point}", **want)


def points_are(sel, pts):
    return flowcol(sel, points=">".join(pts))


def first_ts(sel, ts, tol=1e-6):
    return lambda r: (abs(float(r.flow(sel)["first_ts"]) - ts) <= tol, f"{fdesc(sel)} first_ts {r.flow(sel)['first_ts']}")


def overhead(point, n):
    m = lambda r: r.mtu.get(point, {})
    return lambda r: (m(r).get("overhead_bytes") == str(n),
                      f"mtu.csv {point} encap {m(r).get('encap')} overhead_bytes {m(r).get('overhead_bytes')}")


def nat(orig, natted):
    """natted is orig after NAT: its packets are counted at orig (nat_of_flow) and path.nat says so."""
    def chk(r):
        o, t = r.flow(orig), r.flow(natted)
        fs = [x["from_point"] + ">" + x["to_point"] for x in r.finds if x["name"] == "path.nat" and x["flow_id"] == o["flow_id"]]
        return (t["nat_of_flow"] == o["flow_id"] and bool(fs),
                f"flow {t['flow_id']} nat_of_flow '{t['nat_of_flow']}' (want {o['flow_id']}), path.nat of {o['flow_id']}: {fs}")
    return chk


def no_nat():
    n = lambda r: [f["flow_id"] for f in r.flows if f["nat_of_flow"]] + [x["flow_id"] for x in r.finds if x["name"] == "path.nat"]
    return lambda r: (not n(r), f"nat_of_flow/path.nat on flows {n(r)}")


def latency(sel, frm, to, lo, hi, stat="p50"):
    """Hop frm>to of the flow takes lo..hi microseconds (stat), no negative latency."""
    def chk(r):
        hs = r.hops_of(r.flow(sel))
        mine = [h for h in hs if h["from_point"] == frm and h["to_point"] == to]
        ok = bool(mine) and all(lo <= float(h[f"lat_{stat}_us"]) <= hi and h["negative"] == "0" for h in mine)
        return ok, "hops.csv: " + ("; ".join(showhop(h) for h in hs) or "no hop")
    return chk


def matched(sels, total):
    """total packets of these flows were seen at two points (summed over their hops)."""
    got = lambda r: sum(int(h["matched"]) for s in sels for h in r.hops_of(r.flow(s)))
    return lambda r: (got(r) == total, f"hops.csv: {got(r)} matched")


def no_loss(sels=None):
    """No loss.hop finding and no lost packet on any hop (of these flows, or at all)."""
    def chk(r):
        ids = None if sels is None else {r.flow(s)["flow_id"] for s in sels}
        fs = [f"{x['severity']} loss.hop flow {x['flow_id']} {x['from_point']}>{x['to_point']}: {x['evidence'][:90]}"
              for x in r.finds if x["name"] == "loss.hop" and (ids is None or x["flow_id"] in ids)]
        hs = [f"flow {h['flow_id']} {showhop(h)}" for h in r.hops if int(h["lost"]) and (ids is None or h["flow_id"] in ids)]
        return not fs and not hs, "; ".join((fs + hs)[:3]) or "none"
    return chk


def finding(name, sel=None, frm=None, to=None, value=None, evidence=None):
    """A finding whose name matches the regex name, with these fields."""
    def chk(r):
        fid = r.flow(sel)["flow_id"] if sel else None
        fs = [x for x in r.finds if re.fullmatch(name, x["name"]) and (fid is None or x["flow_id"] == fid)
              and (frm is None or x["from_point"] == frm) and (to is None or x["to_point"] == to)
              and (value is None or x["value"] and float(x["value"]) == value)
              and (evidence is None or re.search(evidence, x["evidence"]))]
        said = [f"{x['name']} {x['point'] or x['from_point'] + '>' + x['to_point']} flow {x['flow_id']} value {x['value']}"
                for x in r.finds if not x["name"].startswith("encap.")]
        return bool(fs), "findings: " + ("; ".join(said[:4]) or "none")
    return chk


def no_finding(regex):
    fs = lambda r: [f"{x['severity']} {x['name']} {x['evidence'][:100]}" for x in r.finds if re.match(regex, x["name"])]
    return lambda r: (not fs(r), "; ".join(fs(r)[:2]) or "none")


def overlap_warning():
    """A finding, a warning or the summary says the capture windows do not overlap."""
    def chk(r):
        texts = [x["name"] + " " + x["evidence"] for x in r.finds] + r.err + [r.summary]
        return (any(re.search(r"overlap|disjoint|windows_apart", t) for t in texts),
                "findings: " + (", ".join(x["name"] for x in r.finds) or "none") + "; nothing about the windows")
    return chk


def offset(a, b, want, tol):
    """Point a's clock runs want seconds ahead of point b's, within tol."""
    def chk(r):
        oa, ob = (float(r.point(p)["clock_offset_s"] or "nan") for p in (a, b))
        return (abs((oa - ob) - want) <= tol,
                f"clock_offset_s {a} '{r.point(a)['clock_offset_s']}', {b} '{r.point(b)['clock_offset_s']}'")
    return chk


def one_clock():
    """One host: no point gets a clock offset (0, or empty when no two-way traffic reaches it)."""
    bad = lambda r: {p: v["clock_offset_s"] for p, v in r.pts.items() if v["clock_offset_s"] not in ("", "0.000000000")}
    return lambda r: (not bad(r), f"clock_offset_s {bad(r)}")


def no_encap():
    return lambda r: (all(p["encaps"] == "none" for p in r.pts.values()), f"encaps {[p['encaps'] for p in r.pts.values()]}")


def one_point_each(pred, what):
    """Flows of pred exist and none of them was seen at more than one point."""
    def chk(r):
        fs = [f for f in r.flows if pred(f)]
        multi = [f"{f['flow_id']} {f['points']}" for f in fs if ">" in f["points"]]
        return bool(fs) and not multi, f"{len(fs)} {what} flows; at several points: {multi[:3]}"
    return chk


def no_cross_match():
    """No packet common to two points: no hop row, no path over two points."""
    multi = lambda r: [p["flow_id"] + " " + p["path"] for p in r.paths if ">" in p["path"]]
    return lambda r: (not r.hops and not multi(r), f"{len(r.hops)} hop rows; paths over several points: {multi(r)[:3]}")


EXIT = ("exit", "analyze exits 0", exit_ok())

# --- openshift-sdn-ovs-vxlan. Not asserted: inner TTL 64, VNI = project NETID (no column). ------
N1E, N1V, N1T = "tcpdump-ocp311-node1-eth3", "tcpdump-ocp311-node1-vxlan_sys_4789", "tcpdump-ocp311-node1-tun0"
N2E, N2V, N2T = "tcpdump-ocp311-node2-eth3", "tcpdump-ocp311-node2-vxlan_sys_4789", "tcpdump-ocp311-node2-tun0"
TO_N1, TO_N2 = [N2V, N2E, N1E, N1V], [N1V, N1E, N2E, N2V]


def ocp_pair(cli, srv, fwd, back, words, n1_minus_n2_us):
    return [("path-client", f"{fdesc(cli)}: 6 packets at {words}", path(cli, fwd, 6)),
            ("path-server", f"{fdesc(srv)}: 4 packets at the 4 points the other way", path(srv, back, 4)),
            ("no-loss", "no drops between the two pods", no_loss([cli, srv])),
            ("vxlan-overhead", "VXLAN adds 50 bytes (74 -> 124) on both eth3", both(overhead(N1E, 50), overhead(N2E, 50))),
            ("clock", f"clock node1 - node2 = {n1_minus_n2_us:+d} us (within 40 us), for both points of each node",
             both(*(offset(a, b, -n1_minus_n2_us * 1e-6, 40e-6) for a, b in ((N2E, N1E), (N2V, N1V)))))]


def ocp_denied(sport, syns):
    syn = F("tcp", "10.131.0.24", "10.129.0.16", sport, 8080)
    back = lambda r: [f["flow_id"] for f in r.flows if f["src_ip"] == "10.129.0.16" and f["src_port"] == "8080"]
    return [EXIT, ("syn-last-seen", f"{fdesc(syn)}: the {syns} SYNs cross all 4 points, last seen at node1 vxlan_sys_4789",
                   path(syn, TO_N1, syns)),
            ("syn-retransmits", f"the first SYN is retransmitted {syns - 1} time(s)", flowcol(syn, retransmits=syns - 1)),
            ("no-loss-before", "nothing lost before node1 vxlan_sys_4789 (the drop is in br0, past the last point)", no_loss([syn])),
            ("no-answer", "nothing answers: no packet from 10.129.0.16:8080", lambda r: (not back(r), f"flows {back(r)}"))]


VIP, POD = F("tcp", "10.129.0.16", "172.30.200.68", 58284, 8080), F("tcp", "10.129.0.16", "10.131.0.16", 58284, 8080)
VIP2, POD2 = F("tcp", "10.131.0.24", "172.30.200.68", 60774, 8080), F("tcp", "10.131.0.24", "10.131.0.16", 60774, 8080)
NOVIP = F("tcp", "10.129.0.16", "172.30.178.162", 58084, 80)
G100, G99 = F("tcp", "10.130.0.17", "172.217.26.100", 57438, 80), F("tcp", "10.130.0.17", "172.217.26.99", 41560, 80)
M100, M99 = F("tcp", "172.16.99.42", "172.217.26.100", 57438, 80), F("tcp", "172.16.99.42", "172.217.26.99", 41560, 80)
VETH, TUN0, ETH3, ETH1 = "tcpdump-node2-veth5cf033ca", "tcpdump-node2-tun0", "tcpdump-node2-eth3", "tcpdump-node2-eth1"
pod_dns = lambda r: [f for f in r.flows if f["src_ip"] == "10.130.0.17" and f["dst_port"] == "53"]
eth1_flows = lambda r: [f for f in r.flows if ETH1 in f["points"]]

OPENSHIFT = [
    ("01", ["01_dev_to_dev/*.pcap"], [], [EXIT] + ocp_pair(
        F("tcp", "10.131.0.24", "10.129.0.11", 52666, 8080), F("tcp", "10.129.0.11", "10.131.0.24", 8080, 52666),
        TO_N1, TO_N2, "node2 vxlan, node2 eth3, node1 eth3, node1 vxlan", -92) + [
        ("master-only-eth3", "SSH/API traffic with the master 172.16.99.21 is seen on one eth3 only",
         one_point_each(lambda f: "172.16.99.21" in (f["src_ip"], f["dst_ip"]), "172.16.99.21"))]),
    ("03", ["03_policy_deny_dev_to_ops/*.pcap"], [], ocp_denied(54872, 3)),
    ("05", ["05_policy_allow_dev_to_ops/*.pcap"], [], ocp_denied(54926, 2)),
    ("06", ["06_policy_allow_ops_to_ops/*.pcap"], [], [EXIT] + ocp_pair(
        F("tcp", "10.129.0.16", "10.131.0.16", 49870, 8080), F("tcp", "10.131.0.16", "10.129.0.16", 8080, 49870),
        TO_N2, TO_N1, "node1 vxlan, node1 eth3, node2 eth3, node2 vxlan", 31)),
    ("09", ["09_policy_perpod_dev_to_ops_svc/*.pcap"], [], [EXIT] + ocp_pair(
        VIP, F("tcp", "10.131.0.16", "10.129.0.16", 8080, 58284), [N1T] + TO_N2, TO_N1,
        "node1 tun0, then node1 vxlan, node1 eth3, node2 eth3, node2 vxlan", 59) + [
        ("dnat-tun0", "at node1 tun0 the Service packets are DNATed 172.30.200.68 -> 10.131.0.16", nat(VIP, POD)),
        ("tun0-twice", "node1 tun0 holds each client packet twice: 6 packets x (2 at tun0 + 4 points) = 36 sightings",
         lambda r: (int(r.flow(VIP)["sightings"]) + int(r.flow(POD)["sightings"]) == 36,
                    f"sightings {r.flow(VIP)['sightings']} + {r.flow(POD)['sightings']}")),
        ("node2-hairpin", "node2 tun0: 10.131.0.24 -> 172.30.200.68 DNATed to 10.131.0.16, seen at node2 tun0 only",
         both(points_are(VIP2, [N2T]), nat(VIP2, POD2))),
        ("novip-tun0-only", f"{fdesc(NOVIP)}: 2 SYNs, never past node1 tun0 (dropped in the host stack)", path(NOVIP, [N1T], 2)),
        ("novip-retransmit", "that SYN is retransmitted once", flowcol(NOVIP, retransmits=1)),
        ("novip-unreachable", "tun0 (10.129.0.1) returns 2 ICMP host unreachable, seen at node1 tun0 only",
         path(F("icmp", "10.129.0.1", "10.129.0.16"), [N1T], 2))]),
    ("3.5_29", ["3.5_29_pod_to_external/*.pcap"], [], [
        EXIT,
        ("path-57438", f"{fdesc(G100)}: veth, tun0, eth3 in that order", path(G100, [VETH, TUN0, ETH3])),
        ("masq-57438", "MASQUERADEd on eth3 to 172.16.99.42, same port and sequence numbers", nat(G100, M100)),
        ("syn-times", "the SYN is at the veth at 14:49:47.328591 and on eth3 (MASQUERADEd) at .328714",
         both(first_ts(G100, 1500475787.328591), first_ts(M100, 1500475787.328714))),
        ("path-41560", f"{fdesc(G99)}: veth, tun0, eth3 in that order", path(G99, [VETH, TUN0, ETH3])),
        ("masq-41560", "MASQUERADEd to 172.16.99.42:41560", nat(G99, M99)),
        ("dns-proxy", "pod DNS to 172.16.99.42:53 stays on veth/tun0; the node's queries to the master :8053 are other packets",
         lambda r: (bool(pod_dns(r)) and all(f["points"] == f"{VETH}>{TUN0}" and not f["nat_of_flow"] for f in pod_dns(r))
                    and all(">" not in f["points"] and not f["nat_of_flow"] for f in r.flows if f["dst_port"] == "8053"),
                    f"pod DNS points {sorted({f['points'] for f in pod_dns(r)})}")),
        ("eth1-kubelet", "eth1 carries only kubelet traffic (port 10250), matched nowhere else",
         lambda r: (bool(eth1_flows(r)) and all("10250" in (f["src_port"], f["dst_port"]) and f["points"] == ETH1
                                                for f in eth1_flows(r)), str([f["points"] for f in eth1_flows(r)][:3]))),
        ("one-clock", "one node, one clock", one_clock())]),
    ("broken", ["broken/3.5_23_tcpdump-node1-eth1.pcap"], [], [
        ("damaged", "corrupt record after 19 good ones: exit 1, one error line naming the file, 19 packets analysed",
         damaged("3.5_23_tcpdump-node1-eth1.pcap", "3.5_23_tcpdump-node1-eth1", 19)),
        ("damaged-offset", "the error gives the corruption's byte offset, 2351",
         lambda r: (any("2351" in e for e in r.err), f"stderr {r.err}"))]),
]

# --- cilium-native-routing. Not asserted: the TTL decrements and rewritten MACs. ---------------
LXA, ETA, LXB, ETB = ("lxc67aa047ddad3", "cilium-kubeproxy-control-plane-eth0",
                      "lxc0bf6b6e5cb13_eth0", "cilium-kpr-ebpf-control-plane_eth0")
QA, PA, QB, PB = (F("icmp", "10.0.0.166", "10.0.1.118"), F("icmp", "10.0.1.118", "10.0.0.166"),
                  F("icmp", "10.0.0.154", "10.0.1.53"), F("icmp", "10.0.1.53", "10.0.0.154"))
CILIUM = [
    ("A", [LXA + ".cap", ETA + ".cap"], [], [
        ("A-exit", "analyze exits 0", exit_ok()),
        ("A-req-path", f"case A ping request {fdesc(QA)}: lxc then eth0", path(QA, [LXA, ETA], 1)),
        ("A-rep-path", "its reply: eth0 then lxc", path(PA, [ETA, LXA], 1)),
        ("A-req-lat", "request lxc -> eth0 ~150 us", latency(QA, LXA, ETA, 135, 165)),
        ("A-rep-lat", "reply eth0 -> lxc ~46 us", latency(PA, ETA, LXA, 41, 51)),
        ("A-no-encap", "no encapsulation", no_encap()),
        ("A-no-loss", "no drops", no_loss())]),
    ("B", [LXB + ".cap", ETB + ".cap"], [], [
        ("B-exit", "analyze exits 0", exit_ok()),
        ("B-req-path", f"case B ping request {fdesc(QB)}: lxc then eth0", path(QB, [LXB, ETB], 1)),
        ("B-req-lat", "request lxc .786715 -> eth0 .786821 (106 us)", latency(QB, LXB, ETB, 95, 117)),
        ("B-rep-last-seen", "the reply is last seen at eth0 (bpf_redirect_peer skips the lxc capture)", path(PB, [ETB], 1)),
        ("B-rep-not-drop", "the reply missing at lxc is not reported as a proven drop", no_loss([PB]))]),
]

# --- cilium-xdp-vs-tcpdump -------------------------------------------------------------------
XDP, TCPD = "ens3:cil_xdp_entry()@fentry", "tcpdump"
X140 = F("tcp", "10.241.245.140", "10.241.245.155")
x140 = lambda r: [(f["proto"], f["src_ip"], f["dst_ip"], f["src_port"], f["dst_port"])
                  for f in r.flows if match(f, X140) and int(f["packets"])]
XDPSET = [("all", ["xdpdump.cap", "tcpdump.cap"], [], [
    ("truncated", "tcpdump.cap is cut short: exit 1, one error line naming it, its 1146 whole records analysed",
     damaged("tcpdump.cap", TCPD, 1146)),
    ("fentry-513", "xdpdump.cap: 513 packets on the fentry interface", pointcol(XDP, packets=513)),
    ("matched-194", "194 packets of 10.241.245.140 -> .155 are in both files", lambda r: matched(x140(r), 194)(r)),
    ("offset", "xdpdump's clock runs ~159.3 ms ahead of tcpdump's (within 1 ms)", offset(XDP, TCPD, 0.1593, 0.001)),
    ("order", "10.241.245.140 -> .155 packets pass the XDP hook, then tcpdump",
     lambda r: (all(f["points"] == f"{XDP}>{TCPD}" for f in r.flows if match(f, X140) and ">" in f["points"]) and bool(x140(r)),
                f"flows.csv points {sorted({f['points'] for f in r.flows if match(f, X140)})}")),
    ("latency-0", "XDP -> stack latency ~0 (|p50| < 1 ms on every hop), none negative",
     lambda r: (bool(r.hops) and all(h["from_point"] == XDP and abs(float(h["lat_p50_us"])) < 1000 and h["negative"] == "0"
                                     for h in r.hops), "hops.csv: " + (showhop(r.hops[0]) if r.hops else "none"))),
    ("no-loss", "ingress packets passed up the stack are in both files: nothing lost between them", no_loss()),
    ("ingress-only", "xdpdump sees ingress only: nothing from 10.241.245.155 at the XDP hook",
     lambda r: (not [f for f in r.flows if f["src_ip"] == "10.241.245.155" and XDP in f["points"]], "flows from .155 at XDP")),
    ("nodeport-xdp-only", "NodePort flow 10.241.245.1:48590 -> .155:32000 is at the XDP hook only (never reached the stack)",
     points_are(F("tcp", "10.241.245.1", "10.241.245.155", 48590, 32000), [XDP]))])]

# --- clab-pmtud-ping. Not asserted: TTL 64 -> 63, MAC rewrites. SOURCE's "each fragment appears on
# gw1-eth2 ~130 us later" holds for seq 2 (131/112 us) but not seq 3 (45/28 us, tshark): no latency check.
NET0, GW1 = "2-net0", "1-gw1-eth2"
PREQ, PREP = F("icmp", "10.1.5.10", "10.1.8.10"), F("icmp", "10.1.8.10", "10.1.5.10")
PMTUD = [("all", [NET0 + ".cap", GW1 + ".cap"], [], [
    EXIT,
    ("icmp-mtu", "gw1 (10.1.5.1) answers the DF 1328-byte echo with ICMP 3/4, next-hop MTU 1280",
     finding(r"mtu\.icmp_frag_needed", PREQ, value=1280, evidence=r"10\.1\.5\.1\b")),
    ("df-never-on-eth2", "the DF request (seq 1) never appears on gw1-eth2: last seen at net0", path(PREQ, [NET0], 1, only=False)),
    ("drop-hop", "the DF request dies at gw1, net0 > gw1-eth2 (MTU 1280 < 1328, DF)",
     finding(r"loss\.hop|mtu\.oversize_drop", PREQ, NET0, GW1)),
    ("frag-path", "seq 2 and 3 cross net0 > gw1-eth2 as fragments", path(PREQ, [NET0, GW1], 2, only=False)),
    ("frag-sender", "server1 fragments them itself (largest fragment 1276)",
     finding(r"frag\.fragmented", PREQ, value=1276, evidence="by the sender")),
    ("frag-replies", "the replies come back already fragmented (1276 + 72), gw1-eth2 > net0",
     both(finding(r"frag\.fragmented", PREP, value=1276), path(PREP, [GW1, NET0], 2))),
    ("fragments-8", "8 IPv4 fragments at each point", both(pointcol(NET0, fragments=8), pointcol(GW1, fragments=8))),
    ("no-encap", "no encapsulation", no_encap()),
    ("one-clock", "veth pairs on one host: one clock", one_clock())])]

# --- clab-router-2ends. Not asserted: TTL, per-link MACs, ARP. SOURCE's "router transit 10-50 us"
# is not what the files hold: the SYN takes 26 us, the other 11 packets 2-11 us (tshark); only the
# SYN example is asserted.
S1, S2 = "server1-net0", "server2-net0"
CREQ, CREP = F("tcp", "10.1.5.10", "10.1.8.10", 12345, 80), F("tcp", "10.1.8.10", "10.1.5.10", 80, 12345)
ROUTER = [("all", [S1 + ".cap", S2 + ".cap"], [], [
    EXIT,
    ("req-path", f"{fdesc(CREQ)}: 7 packets, client then server", path(CREQ, [S1, S2], 7)),
    ("rep-path", f"{fdesc(CREP)}: 5 packets, server then client", path(CREP, [S2, S1], 5)),
    ("match-12", "all 12 IPv4 packets match one to one", matched([CREQ, CREP], 12)),
    ("syn-transit", "SYN .335590 -> .335616: 26 us through the router (the slowest packet)", latency(CREQ, S1, S2, 24, 28, "max")),
    ("no-loss", "no drops", no_loss()),
    ("no-nat", "no NAT", no_nat()),
    ("no-mtu", "no MTU issue", no_finding(r"mtu\.|frag\.")),
    ("per-link", "IPv6 router solicitations are per link, never matched across files",
     one_point_each(lambda f: f["proto"] == "icmpv6", "icmpv6")),
    ("one-clock", "one host clock", one_clock())])]

# --- k8s-lb-nat-ingress. Not asserted: TTL 64 -> 62. SOURCE's "bridge -> pod ~215 us" is the SYN's
# time; the other client packets take 14-24 us (tshark), so the SYN (the hop's maximum) is asserted.
BR, HTTP, BACK = "br-14e35b28a16f", "http", "backend"
KCLI, KPOD = F("tcp", "172.18.0.1", "172.18.0.200", 59132, 80), F("tcp", "172.18.0.4", "10.244.204.2", 4785, 80)
KREP, KREPV = F("tcp", "10.244.204.2", "172.18.0.4", 80, 4785), F("tcp", "172.18.0.200", "172.18.0.1", 80, 59132)
KPX, KPXR = F("tcp", "10.244.204.2", "10.244.43.68", 50720, 80), F("tcp", "10.244.43.68", "10.244.204.2", 80, 50720)
K8S = [("all", [BR + ".cap", HTTP + ".cap", BACK + ".cap"], [], [
    EXIT,
    ("client-path", f"{fdesc(KCLI)}: bridge then ingress pod", path(KCLI, [BR, HTTP])),
    ("client-nat", "DNAT+SNAT: the same segments reach the pod as 172.18.0.4:4785 -> 10.244.204.2:80", nat(KCLI, KPOD)),
    ("client-syn-latency", "bridge -> pod ~215 us for the SYN", latency(KCLI, BR, HTTP, 195, 235, "max")),
    ("client-10", "10 packets of the client connection match across the two files",
     matched([KCLI, KREP, KREPV], 10)),
    ("client-reply-path", "the replies go pod, then bridge (one host clock: no negative latency)",
     either(path(KREP, [HTTP, BR]), path(KREPV, [HTTP, BR]))),
    ("proxy-9", "proxy connection 10.244.204.2:50720 -> 10.244.43.68:80: 9 packets match, http <-> backend",
     both(matched([KPX, KPXR], 9), path(KPX, [HTTP, BACK]), path(KPXR, [BACK, HTTP]))),
    ("l7-new-connection", "the L7 proxy opens a new connection: no client packet continues past the pod",
     lambda r: (BACK not in r.flow(KCLI)["points"] and not r.flow(KPX)["nat_of_flow"] and not r.flow(KPXR)["nat_of_flow"],
                f"client points {r.flow(KCLI)['points']}, proxy nat_of_flow '{r.flow(KPX)['nat_of_flow']}'")),
    ("earlier-proxy", "backend.cap holds the FIN of an earlier proxy connection (port 46386)",
     lambda r: (BACK in r.flow(F("tcp", "10.244.204.2", "10.244.43.68", 46386, 80))["points"], "not at backend")),
    ("no-loss", "no drops", no_loss()),
    ("no-mtu", "no MTU problems", no_finding(r"mtu\."))])]

# --- p4-pod-topo-bmv2. Not asserted: TTL decrements, MAC rewrites. ----------------------------
HOSTPORT = {"10.0.1.1": "s1-eth1", "10.0.2.2": "s1-eth2", "10.0.3.3": "s2-eth1", "10.0.4.4": "s2-eth2"}
H13 = F("icmp", "10.0.1.1", "10.0.3.3", 2845)
v6 = lambda r: [f for f in r.flows if ":" in f["src_ip"]]
v6sum = lambda r, dst: sum(int(f["sightings"]) for f in v6(r) if f["dst_ip"] == dst)
switch_ok = lambda h: (300 <= float(h["lat_p50_us"]) <= 600) if h["from_point"][:2] == h["to_point"][:2] \
    else (5 <= float(h["lat_p50_us"]) <= 30)


def p4_echo(r):
    fs = [f for f in r.flows if f["proto"] == "icmp"]
    bad = [f"{f['flow_id']} {showpaths(r.paths_of(f))}" for f in fs
           if len(r.paths_of(f)) != 1 or r.paths_of(f)[0][0][0] != HOSTPORT[f["src_ip"]] + "_in"
           or r.paths_of(f)[0][0][-1] != HOSTPORT[f["dst_ip"]] + "_out" or any(int(h["lost"]) for h in r.hops_of(f))]
    return len(fs) == 24 and not bad, f"{len(fs)} echo flows; wrong: {bad[:2]}"


P4 = [("all", ["*.pcap"], [], [
    EXIT,
    ("24-points", "24 capture points", lambda r: (len(r.pts) == 24, f"{len(r.pts)} points")),
    ("h1-h3", "h1 -> h3 request (IP ID 32954): s1p1 in, s1p3 out, s3p1 in, s3p2 out, s2p4 in, s2p1 out",
     path(H13, ["s1-eth1_in", "s1-eth3_out", "s3-eth1_in", "s3-eth2_out", "s2-eth4_in", "s2-eth1_out"], 1)),
    ("h1-h3-latency", "that request: 0.3-0.6 ms in each switch, ~15 us (5-30) on each link",
     lambda r: (len(r.hops_of(r.flow(H13))) == 5 and all(map(switch_ok, r.hops_of(r.flow(H13)))),
                "; ".join(showhop(h) for h in r.hops_of(r.flow(H13))))),
    ("h1-h4", "h1 -> h4 (ID 22379) goes through s4",
     path(F("icmp", "10.0.1.1", "10.0.4.4", 2846), ["s1-eth1_in", "s1-eth4_out", "s4-eth2_in", "s4-eth1_out", "s2-eth3_in", "s2-eth2_out"], 1)),
    ("h4-h1", "h4 -> h1 (ID 23631) comes back through s3 (asymmetric routing)",
     path(F("icmp", "10.0.4.4", "10.0.1.1", 2846), ["s2-eth2_in", "s2-eth4_out", "s3-eth2_in", "s3-eth1_out", "s1-eth3_in", "s1-eth1_out"], 1)),
    ("echo-delivered", "all 24 IPv4 echo packets delivered end to end (host port in to host port out), none lost", p4_echo),
    ("ipv6-dropped-at-ingress", "IPv6 frames end at the ingress switch's _in point: no _out copy anywhere",
     lambda r: (bool(v6(r)) and all(p[-1].endswith("_in") and "_out" not in ">".join(p) for f in v6(r) for p, _ in r.paths_of(f)),
                str([f["points"] for f in v6(r) if "_out" in f["points"]][:3]))),
    ("ipv6-repeats", "the mDNS and router solicitations each side of a link sends repeat identically every "
     "second or so: a frame seen at both ends of the link is paired with itself (0-1 ms), never with the "
     "copy sent before or after (+-1 s)",
     lambda r: (bool(v6(r)) and all(0 <= float(h["lat_min_us"]) and float(h["lat_max_us"]) <= 1000
                                    for f in v6(r) for h in r.hops_of(f)),
                "; ".join(f"{f['dst_ip']} {showhop(h)}" for f in v6(r) for h in r.hops_of(f)
                          if float(h["lat_min_us"]) < 0 or float(h["lat_max_us"]) > 1000)[:300])),
    ("ipv6-counts", "the _in files hold 306 IPv6 frames: 84 router solicitations, 32 MLDv2 reports, 190 mDNS",
     lambda r: ((v6sum(r, "ff02::2"), v6sum(r, "ff02::16"), v6sum(r, "ff02::fb")) == (84, 32, 190),
                f"sightings RS {v6sum(r, 'ff02::2')}, MLD {v6sum(r, 'ff02::16')}, mDNS {v6sum(r, 'ff02::fb')}")),
    ("no-encap-mtu", "no encapsulation, no MTU issue", both(no_encap(), no_finding(r"mtu\.|frag\.")))])]

# --- skydive-contrail-mplsogre: one file holds both points of the ping (VM tap, then NIC), so the
# +17 us between them, the TTL change and the stripped Ethernet header are not asserted.
SKY, CON = "ping-with-without-ethernet", "contrail-udp-mpls-eth-and-ipv4"
SKYDIVE = [
    ("ping", [SKY + ".pcap"], [], [
        ("ping-exit", "analyze exits 0", exit_ok()),
        ("ping-same-packet", "the VM's echo and the MPLSoGRE frame on the NIC are one packet (IP ID 63001) seen twice",
         flowcol(F("icmp", "192.168.2.3", "192.168.1.3", 26881), packets=1, sightings=2)),
        ("ping-mplsogre", "MPLS-over-GRE decoded", pointcol(SKY, encaps="mpls+gre")),
        ("ping-overhead", "28 bytes of overhead (20 IP + 4 GRE + 4 MPLS)", overhead(SKY, 28))]),
    # No IANA port: the user names Contrail's MPLS-over-UDP port (SOURCE: dst 51234).
    ("contrail", [CON + ".pcap"], ["--mpls-udp-port", "51234"], [
        ("udp-exit", "analyze exits 0", exit_ok()),
        ("udp-mpls", "MPLS-over-UDP (port 51234) decoded", pointcol(CON, encaps="mpls")),
        ("udp-bare-ip", "frame 1: bare IPv4 after the label, ICMP echo reply 10.65.65.5 -> 10.35.35.3",
         points_are(F("icmp", "10.65.65.5", "10.35.35.3"), [CON])),
        ("udp-ethernet", "frame 2: Ethernet after the label, TCP SYN 10.65.65.4 -> 10.65.65.5:80",
         points_are(F("tcp", "10.65.65.4", "10.65.65.5", None, 80), [CON]))]),
]

# --- calico-cn-ngfw-vxlan6080: the firewall's dwell (0.5 / 0.15 ms) lies between two copies in one
# file (one point), and outer IP ID/TTL and VNI have no column: not asserted.
CNNGFW = [("all", ["*.pcap"], ["--vxlan-port", "6080"], [
    EXIT,
    ("ngfw-req-twice", "cn-ngfw.pcap: requests id 25 (seq 53-80) are 28 packets, each present twice",
     flowcol(F("icmp", "192.0.0.16", "191.0.94.224", 25), packets=28, sightings=56)),
    ("ngfw-rep-twice", "replies id 25: 28 packets, each present twice", flowcol(F("icmp", "191.0.94.224", "192.0.0.16", 25), packets=28, sightings=56)),
    ("ngfw-vxlan6080", "VXLAN on UDP 6080 decoded at cn-ngfw (50 bytes)", overhead("cn-ngfw", 50)),
    ("eth-vxlan6080", "eth.pcap: replies leave VXLAN-encapsulated to 191.2.94.114:6080", overhead("eth", 50)),
    ("eth-plain-requests", "eth.pcap: 7 requests id 8 (seq 43-49) arrive plain", path(F("icmp", "192.0.0.16", "191.0.94.224", 8), ["eth"], 7)),
    ("eth-vxlan-disjoint", "no packet is common to eth.pcap and vxlan.pcap (zero matches)", no_cross_match()),
    ("no-loss", "no drops", no_loss()),
    ("no-mtu", "no MTU issue", no_finding(r"mtu\.|frag\."))])]

# --- the two negative controls ---------------------------------------------------------------
ENS, I174 = "calico-ipip-ens160", F("icmp", "10.244.11.65", "10.244.179.129", 174)
CALICO_IPIP = [("all", ["*.cap"], [], [
    EXIT,
    ("disjoint", "separate runs: no packet common to any two files", no_cross_match()),
    ("ipip-inner", "IPv4-in-IPv4 on ens160: inner ping 10.244.11.65 -> 10.244.179.129 (id 174) at 13:23:18.496",
     both(points_are(I174, [ENS]), first_ts(I174, 1668259398.496, 0.001))),
    ("ipip-overhead", "IPIP overhead 20 bytes on ens160", overhead(ENS, 20)),
    ("raw-tunl0", "tunl0 is RAW IP and holds ping id 188", both(
        pointcol("calico-ipip-tunl0", linktype="RAW"), points_are(F("icmp", "10.244.11.65", "10.244.179.129", 188), ["calico-ipip-tunl0"]))),
    ("pod-eth0", "the pod's eth0 holds ping id 200", points_are(F("icmp", "10.244.11.65", "10.244.179.129", 200), ["calico-ipip-eth0"])),
    ("ssh-ens160-only", "SSH on the node NIC exists at no other point", one_point_each(lambda f: "22" in (f["src_port"], f["dst_port"]), "SSH"))])]

# ARP inside the tunnel has no flow row: not asserted.
OPENNEBULA = [("all", ["*.pcap"], [], [
    EXIT,
    ("disjoint", "different ping sessions in different windows: no packet in both files", no_cross_match()),
    ("windows", "the analysis says the two capture windows do not overlap", overlap_warning()),
    ("vxlan-8472", "VXLAN on 8472 decoded: ping id 14 (192.168.69.61 -> .69) on enp0s8, 50 bytes of overhead",
     both(points_are(F("icmp", "192.168.69.61", "192.168.69.69", 14), ["enp0s8"]), overhead("enp0s8", 50))),
    ("vxlan-side", "vxlan.pcap: ping id 13 192.168.69.70 -> .69", points_are(F("icmp", "192.168.69.70", "192.168.69.69", 13), ["vxlan"])),
    ("udp-4124", "an unrelated UDP packet to port 4124 on enp0s8",
     lambda r: (any(f["dst_port"] == "4124" and f["points"] == "enp0s8" for f in r.flows), "no flow to port 4124"))])]

# --- linux-tunnels-kaorimatz: (dir, tunnel device point, inner addresses, overhead over the inner IP
# packet on veth2). The request enters on veth2 and leaves on the device; the reply the other way.
# GUE has no well-known port: the user names fou's port (SOURCE: UDP dst 6080), as the calico set
# names its VXLAN port.
# Not asserted: TTL, ARP and the tunnelled/multicast ARP (no flow row), record order (only through
# the latency checks).
RT, L2 = ("172.16.1.1", "172.16.2.1"), ("172.16.1.1", "172.16.1.2")
TUNNELS = [("vxlan", "vxlan__ping__vxlan2", L2, 50), ("gre/ip", "gre-ip__ping__gre2", RT, 24),
           ("gre/ethernet", "gre-ethernet__ping__gretap2", L2, 38), ("ipip", "ipip__ping__tunl2", RT, 20),
           ("gue/ipip", "gue-ipip__ping__tunl2", RT, None), ("gue/gre", "gue-gre__ping__gre2", RT, None),
           ("l2tp/ip", "l2tp-ip__ping__l2tpeth0", L2, None), ("l2tp/udp", "l2tp-udp__ping__l2tpeth0", L2, None),
           ("ah/tunnel/route", "ah-tunnel-route__ping__vti2", RT, 44), ("esp/tunnel/route", "esp-tunnel-route__ping__vti2", RT, None)]


def tunnel_run(d, dev, addrs, ovh):
    k, veth = d.replace("/tunnel/route", "").replace("/", "-"), dev.split("__")[0] + "__ping__veth2"
    req, rep = F("icmp", *addrs), F("icmp", *addrs[::-1])
    c = [(f"{k}-exit", "analyze exits 0", exit_ok()),
         (f"{k}-req", f"{d}: the inner request once on veth2, then once on {dev.split('__')[-1]}", path(req, [veth, dev], 1)),
         (f"{k}-rep", "the reply once on the tunnel device, then once on veth2", path(rep, [dev, veth], 1)),
         (f"{k}-req-lat", "veth2 -> tunnel device 6-31 us for the request", latency(req, veth, dev, 6, 31)),
         (f"{k}-rep-lat", "tunnel device -> veth2 5-11 us for the reply", latency(rep, dev, veth, 5, 11)),
         (f"{k}-no-loss", "no drops, no fragmentation", both(no_loss(), no_finding(r"frag\."))),
         (f"{k}-one-clock", "one host, one clock", one_clock())]
    if ovh:
        c.append((f"{k}-overhead", f"{ovh} bytes of encapsulation over the inner IP packet on veth2", overhead(veth, ovh)))
    if d == "vxlan":
        c.append((f"{k}-igmp", "IGMPv3 reports only on veth2", one_point_each(lambda f: f["dst_ip"] == "224.0.0.22", "IGMP")))
    return (k, [f"{d}/*.pcap"], ["--gue-port", "6080"] if d.startswith("gue/") else [], c)


def vlan_run(d, pts, addrs, tags):
    """One host, the same frame at each point. SOURCE says the same microsecond; the files hold the
    request at one instant and the reply 1-2 us apart per hop (tshark), hence 0-2 us."""
    req, rep = F("icmp", *addrs), F("icmp", *addrs[::-1])
    short = [p.split("__")[-1] for p in pts]
    return (d, [f"{d}/*.pcap"], [], [
        (f"{d}-exit", "analyze exits 0", exit_ok()),
        (f"{d}-req", f"{d}: the request once at {', '.join(short)}, in that order", path(req, pts, 1)),
        (f"{d}-rep", "the reply once at each point, the other way", path(rep, pts[::-1], 1)),
        (f"{d}-instant", "every point stamps the same instant (0-2 us per hop)",
         lambda r: (len(r.hops) == 2 * (len(pts) - 1) and all(0 <= float(h["lat_min_us"]) and float(h["lat_max_us"]) <= 2
                                                              for h in r.hops), "; ".join(showhop(h) for h in r.hops))),
        (f"{d}-no-loss", "no drops", no_loss())] + [
        (f"{d}-tags-{p.split('__')[-1]}", f"{n // 4} stacked 802.1Q tag(s) at {p.split('__')[-1]}: {n} bytes", overhead(p, n))
        for p, n in tags])


LINUX_TUNNELS = [tunnel_run(*t) for t in TUNNELS] + [
    vlan_run("802.1q", ["802.1q__ping__veth2", "802.1q__ping__veth2.100"], ("192.168.100.1", "192.168.100.2"),
             [("802.1q__ping__veth2", 4)]),
    vlan_run("802.1ad", ["802.1ad__ping__veth2", "802.1ad__ping__veth2.100", "802.1ad__ping__veth2.100.200"],
             ("192.168.200.1", "192.168.200.2"), [("802.1ad__ping__veth2", 8), ("802.1ad__ping__veth2.100", 4)])] + [
    # The single-point files are kept for decode coverage only; these groups of files share no frame.
    (k, [f"{d}/*.pcap"], [], [(f"{k}-exit", "analyze exits 0", exit_ok()),
                              (f"{k}-nothing", "different frames: nothing matched across the files", no_cross_match())])
    for k, d in (("lacp-default", "802.3ad/default"), ("lacp-miimon", "802.3ad/miimon"), ("arping", "arping"))]

SETS = {
    "openshift-sdn-ovs-vxlan": [(k, g, a, [(f"{k}-{i}", s, c) for i, s, c in cs]) for k, g, a, cs in OPENSHIFT],
    "cilium-native-routing": CILIUM, "cilium-xdp-vs-tcpdump": XDPSET, "clab-pmtud-ping": PMTUD,
    "clab-router-2ends": ROUTER, "k8s-lb-nat-ingress": K8S, "p4-pod-topo-bmv2": P4,
    "skydive-contrail-mplsogre": SKYDIVE, "calico-cn-ngfw-vxlan6080": CNNGFW,
    "linux-tunnels-kaorimatz": LINUX_TUNNELS, "opennebula-vxlan-disjoint": OPENNEBULA, "calico-ipip-disjoint": CALICO_IPIP,
}


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, ext, out = sys.argv[1:]
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "external-xfail.tsv")) as f:
        xfail = {tuple(t[:2]): (t + [""])[2] for t in (ln.rstrip("\n").split("\t") for ln in f)
                 if len(t) > 1 and not t[0].startswith("#")}
    seen, bad, counts = set(), 0, {"ok": 0, "FAIL": 0, "XFAIL": 0, "XPASS": 0}
    for d in sorted(os.listdir(ext)):
        if os.path.isdir(os.path.join(ext, d)) and d not in SETS:
            print(f"FAIL {d} coverage: no expectations for this set in check-external.py")
            bad += 1
    for name, runs in SETS.items():
        if not os.path.isdir(os.path.join(ext, name)):
            print(f"skip {name}: not in {ext}")
            continue
        for run, globs, args, checks in runs:
            files = sorted(f for g in globs for f in glob.glob(os.path.join(ext, name, g)))
            r = Run(exe, files, args, os.path.join(out, name, run))
            for cid, statement, fn in checks:
                key = (name, cid)
                seen.add(key)
                try:
                    if not r.pts:  # nothing written: no check may pass by finding nothing wrong
                        raise Miss(f"no points.csv written (exit {r.rc}, stderr {r.err[:1]})")
                    ok, said = fn(r)
                except Exception as e:  # a Miss, or outputs pathtrace did not write as documented
                    ok, said = False, str(e) if isinstance(e, Miss) else f"{type(e).__name__}: {e}"
                if ok:
                    tag, said = ("XPASS", "passes now: remove it from tests/e2e/external-xfail.tsv") if key in xfail else ("ok", "")
                else:
                    tag, said = ("XFAIL", f"{said} (known: {xfail[key]})") if key in xfail else ("FAIL", said)
                counts[tag] += 1
                bad += tag in ("FAIL", "XPASS")
                print(f"{tag} {name} {cid}: {statement}" + (f": {said}" if said else ""))
    for key in sorted(set(xfail) - seen):
        if os.path.isdir(os.path.join(ext, key[0])):
            print(f"FAIL {key[0]} {key[1]}: listed in external-xfail.tsv but there is no such check")
            bad += 1
    print(", ".join(f"{n} {t}" for t, n in counts.items()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
