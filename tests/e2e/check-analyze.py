#!/usr/bin/env python3
"""End-to-end check of `pathtrace analyze` against a scenario manifest.

Usage: check-analyze.py PATHTRACE SCENARIO_DIR [OUTDIR]

Runs pathtrace analyze on every capture of the scenario and asserts, with the
manifest (doc/lab-manifest.md) as the truth:
  - every manifest flow is found and its most common path equals the manifest
    path (restricted to the points that were captured);
  - every `delay` hop shows the added delay within 10 % (p50) for the flow the record names,
    and in crafted scenarios (no queueing) every packet does (min and max);
  - every `drop` record: packets of that flow are lost on exactly that hop, `count` of them
    when the record says;
  - flows with `deliver result=all`: nothing lost on any of their hops;
  - every `clock` record: the offset of that host's points is recovered within 1 ms;
  - every point with a `role`: points.csv gives it that role, and a flood port or vantage point
    is on no path;
  - flows that share their addresses and ports with another tenant network's are told apart
    by `tenant` (flows.csv names the network); a flow's `packets`, when given, is what
    pathtrace counts; crafted captures hold no copies of a frame (no duplicates) and, without
    `nat` records, no translation (no path.nat, no nat_of_flow);
  - MTU: with `drop reason=mtu size_gt=N` records, one error-level mtu.* finding per drop hop
    or fewer (hops of one tunnel together), at least one per network limit (`usable_mtu
    network=`), each on a drop hop, every drop hop named by one, whose value is the `usable_mtu` and whose advice gives both fixes for a tunnel network;
    without them, no error-level mtu.* finding; every `icmp` record reported with its sender and
    MTU; every `frag` record reported where it happens with a fragment size that MTU explains;
    a scenario where everything arrives whole gets no mtu.*, frag.* or loss.* finding at all
    (offloads on included: super-frames are never blamed); tunnelled points show their overhead.
Prints one line per check and a closing 'N passed, N failed' line.
"""
import csv
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab_manifest import read_manifest  # noqa: E402


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, scen = sys.argv[1], sys.argv[2]
    out = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="pt-e2e-")
    man = read_manifest(os.path.join(scen, "manifest.tsv"))
    points = {kv["name"]: kv for t, kv in man if t == "point"}
    # A scenario laid out by host (cn1/eth1.pcap) names its files in the manifest.
    listed = [os.path.join(scen, kv["file"]) for kv in points.values() if "/" in kv.get("file", "")]
    files = sorted(listed or glob.glob(os.path.join(scen, "*.pcap")) + glob.glob(os.path.join(scen, "*.pcapng")))
    extra = os.environ.get("PT_ANALYZE_ARGS", "").split()
    r = subprocess.run([exe, "analyze", "-o", out] + extra + files, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        print(("ok   " if ok else "FAIL ") + what)

    check(r.returncode == 0, f"pathtrace analyze exits 0 (got {r.returncode}: {r.stderr.strip()[:200]})")
    if r.returncode not in (0, 1):
        print(f"{passed} passed, {failed} failed")
        return 1
    flows = rows(os.path.join(out, "flows.csv"))
    paths = rows(os.path.join(out, "paths.csv"))
    hops = rows(os.path.join(out, "hops.csv"))
    pts = {p["point"]: p for p in rows(os.path.join(out, "points.csv"))}

    def find_flow(kv):
        for f in flows:
            if (f["proto"] == kv.get("proto") and f["src_ip"] == kv.get("src") and f["dst_ip"] == kv.get("dst")
                    and f["src_port"] == kv.get("sport", "") and f["dst_port"] == kv.get("dport", "")
                    and ("tenant" not in kv or f.get("tenant") == kv["tenant"])):
                return f
        return None

    mflows = {kv["id"]: kv for t, kv in man if t == "flow"}
    fid = {}
    for name, kv in mflows.items():
        f = find_flow(kv)
        check(f is not None, f"flow {name} ({kv.get('proto')} {kv.get('src')}:{kv.get('sport')} > "
                             f"{kv.get('dst')}:{kv.get('dport')}{' in ' + kv['tenant'] if 'tenant' in kv else ''}) found")
        if f:
            fid[name] = f["flow_id"]
        if f and kv.get("packets"):
            check(f["packets"] == kv["packets"], f"flow {name}: {kv['packets']} packets (pathtrace: {f['packets']})")

    drops = [kv for t, kv in man if t == "drop"]
    crafted = any(t == "scenario" and kv.get("source") == "crafted" for t, kv in man)
    for t, kv in man:
        if t != "path" or kv["flow"] not in fid:
            continue
        want = [p for p in kv["points"].split(">") if p in pts]
        mine = [p for p in paths if p["flow_id"] == fid[kv["flow"]]]
        best = max(mine, key=lambda p: int(p["packets"]), default=None)
        # A flow with drops: its full path is the longest one seen.
        if any(d["flow"] == kv["flow"] for d in drops):
            best = max(mine, key=lambda p: len(p["path"].split(">")), default=None)
        got = best["path"].split(">") if best else []
        # A flow that never got past its drop hop is seen only up to it.
        never = any(t2 == "deliver" and kv2.get("flow") == kv["flow"] and kv2.get("result") == "none"
                    for t2, kv2 in man)
        for d in drops:
            if never and d["flow"] == kv["flow"] and d["from"] in want:
                want = want[:want.index(d["from"]) + 1]
        check(got == want, f"path of {kv['flow']}: {'>'.join(got)} == {'>'.join(want)}")

    for t, kv in man:
        if t != "delay":
            continue
        want_us = float(kv["ms"]) * 1000
        # The record names the flow it was measured on: a burst through the relay queues behind itself.
        hs = [h for h in hops if h["from_point"] == kv["from"] and h["to_point"] == kv["to"]
              and (kv.get("flow") not in fid or h["flow_id"] == fid[kv["flow"]])]
        ok = bool(hs) and all(abs(float(h["lat_p50_us"]) - want_us) <= 0.1 * want_us for h in hs)
        vals = ",".join(h["lat_p50_us"] for h in hs)
        check(ok, f"delay {kv['from']} > {kv['to']}: p50 {vals} us within 10 % of {want_us:.0f} us")
        if crafted and kv.get("flow") in fid:
            # Simulated delays have no queueing: a latency far off means a wrong match.
            ends = [float(h[c]) for h in hs for c in ("lat_min_us", "lat_max_us")]
            check(bool(ends) and all(abs(v - want_us) <= 0.1 * want_us for v in ends),
                  f"delay {kv['from']} > {kv['to']} of {kv['flow']}: min/max {ends} us within 10 %")

    for kv in drops:
        if kv["flow"] not in fid:
            continue
        lost = [h for h in hops if h["flow_id"] == fid[kv["flow"]] and int(h["lost"]) > 0]
        where = [(h["from_point"], h["to_point"]) for h in lost]
        check(where == [(kv["from"], kv["to"])],
              f"drop of {kv['flow']} on {kv['from']} > {kv['to']} (pathtrace: {where})")
        if kv.get("count"):
            n = sum(int(h["lost"]) for h in lost)
            check(n == int(kv["count"]), f"{kv['count']} of {kv['flow']} lost (pathtrace: {n})")

    for t, kv in man:
        if t != "deliver" or kv.get("result") != "all" or kv["flow"] not in fid:
            continue
        lost = sum(int(h["lost"]) for h in hops if h["flow_id"] == fid[kv["flow"]])
        check(lost == 0, f"nothing of {kv['flow']} reported lost (lost={lost})")

    for t, kv in man:
        if t != "clock":
            continue
        want = float(kv["offset_s"])
        host_pts = [n for n, p in points.items() if p.get("host") == kv["host"] and n in pts]
        for n in host_pts:
            got = pts[n]["clock_offset_s"]
            ok = got != "" and abs(float(got) - want) <= 0.001
            check(ok, f"clock offset of {n}: {got} within 1 ms of {want}")

    # Roles the manifest states: each point's, and flood ports and vantage points on no path.
    for name, kv in points.items():
        if "role" not in kv or name not in pts:
            continue
        got = pts[name].get("role", "")
        check(got == kv["role"], f"role of {name}: {got} == {kv['role']} ({pts[name].get('role_reason', '')})")
        if kv["role"] in ("flood", "vantage"):
            on = sorted({p["flow_id"] for p in paths if name in p["path"].split(">")}, key=int)
            check(not on, f"{name} ({kv['role']}) is on no path (flows {','.join(on) or 'none'})")

    scen = next((kv for t, kv in man if t == "scenario"), {})
    if scen.get("offloads") == "on" and scen.get("gso") != "no" and any(
            kv.get("proto") == "tcp" for kv in mflows.values()):
        gso = sum(int(p["gso_frames"]) for p in pts.values())
        check(gso > 0, f"offloads on: the captures hold GSO/GRO super-frames ({gso} seen)")

    findings = rows(os.path.join(out, "findings.csv"))
    if crafted:
        dups = {n: p["duplicates"] for n, p in pts.items() if p["duplicates"] != "0"}
        check(not dups, f"no frame captured twice at one point (duplicates: {dups})")
        if not any(t == "nat" for t, kv in man):
            nat = [f["name"] + " " + f["flow_id"] for f in findings if f["name"] == "path.nat"]
            nat += [f"flow {f['flow_id']} nat_of_flow {f['nat_of_flow']}" for f in flows if f["nat_of_flow"]]
            check(not nat, f"no translation where none happens (got {nat})")
    mtu_checks(man, findings, fid, check)

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


OVERHEAD = {"vxlan": 50, "geneve": 50}


def mtu_checks(man, findings, fid, check):
    scen = next((kv for t, kv in man if t == "scenario"), {})
    errors = [f for f in findings if f["severity"] == "error" and f["name"].startswith("mtu.")]
    size_drops = [kv for t, kv in man if t == "drop" and kv.get("reason") == "mtu" and kv.get("size_gt")]
    usable = [kv for t, kv in man if t == "usable_mtu"]
    if size_drops:
        hops = sorted({(d["from"], d["to"]) for d in size_drops})
        want = usable[0]["mtu"] if usable else size_drops[0]["size_gt"]
        # At most one finding per drop hop, at least one per network limit:
        # hops of one tunnel that drop for its MTU may be named together, the
        # others in the evidence.
        limits = max(1, len({kv["network"] for kv in usable if "network" in kv}))
        check(limits <= len(errors) <= len(hops),
              f"{limits} to {len(hops)} error-level mtu.* finding(s) for drop hops {hops} "
              f"(got {[e['name'] for e in errors]})")
        for a, b in hops:
            named = any((e["from_point"], e["to_point"]) == (a, b) or f"{a} > {b}" in e["evidence"]
                        for e in errors)
            check(named, f"drop hop {a} > {b} named by an mtu.* finding")
        for e in errors:
            check((e["from_point"], e["to_point"]) in hops,
                  f"{e['name']} names a drop hop (got {e['from_point']} > {e['to_point']})")
            check(e["value"] == want, f"{e['name']} gives usable MTU {want} (got {e['value']})")
            net = next((kv["network"] for kv in usable if "network" in kv), "")
            if net.split(":")[0] in OVERHEAD and scen.get("underlay_mtu"):
                raise_to = int(scen["underlay_mtu"]) + OVERHEAD[net.split(":")[0]]
                ok = f"--mtu {want}" in e["advice"] and f">= {raise_to}" in e["advice"]
                check(ok, f"advice gives both fixes (network MTU {want}, underlay >= {raise_to}): {e['advice']}")
    else:
        check(not errors, f"no error-level mtu.* finding (got {[e['name'] for e in errors]})")
    for t, kv in man:
        if t != "icmp":
            continue
        name = "mtu.icmpv6_packet_too_big" if kv["kind"] == "ptb" else "mtu.icmp_frag_needed"
        ok = any(f["name"] == name and f["value"] == kv["mtu"] and kv["sender"] in f["evidence"] for f in findings)
        check(ok, f"{name} from {kv['sender']} with MTU {kv['mtu']} reported")
    for t, kv in man:
        if t != "frag" or kv["flow"] not in fid:
            continue
        mtu = int(kv["mtu"])
        ok = any(f["name"] == "frag.fragmented" and f["flow_id"] == fid[kv["flow"]] and f["to_point"] == kv["at"]
                 and mtu - 7 <= int(f["value"]) <= mtu for f in findings)
        check(ok, f"frag.fragmented of {kv['flow']} from {kv['at']} with fragments an MTU of {mtu} explains")
    troubled = any(t in ("drop", "frag", "icmp") for t, kv in man) or any(
        t == "deliver" and kv.get("result") != "all" for t, kv in man)
    if not troubled:
        blamed = [f["name"] for f in findings if f["name"].split(".")[0] in ("mtu", "frag", "loss")]
        check(not blamed, f"everything arrived whole, so no mtu/frag/loss finding "
                          f"(offloads={scen.get('offloads', '?')}; got {blamed})")
    for t, kv in man:
        kind = kv.get("encap", "none").split(":")[0] if t == "point" else "none"
        if kind in OVERHEAD:
            # +20 over an IPv6 underlay, + options (multiples of 4) for Geneve
            def fits(v):
                extra = int(v) - OVERHEAD[kind]
                return extra in (0, 20) or (kind == "geneve" and 0 < extra <= 252 and extra % 4 == 0)
            ok = any(f["name"] == "encap.overhead" and f["point"] == kv["name"] and fits(f["value"])
                     for f in findings)
            check(ok, f"encap.overhead of {OVERHEAD[kind]} bytes (plus IPv6 or options) reported at {kv['name']}")


if __name__ == "__main__":
    sys.exit(main())
