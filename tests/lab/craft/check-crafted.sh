#!/bin/sh
# check-crafted.sh OUTROOT -- verify every OUTROOT/crafted-*/ scenario against its manifest.tsv
# (doc/lab-manifest.md) by dissecting each capture with tshark:
#   - file format and timestamp resolution as the point record says;
#   - every frame: encapsulation of the point present (frame.protocols has vlan, ieee8021ad,
#     vxlan, gre, geneve, mpls as the encap says, with the right VLAN IDs, VNI, GRE key,
#     NVGRE VSID, MPLS labels), no unexpected encapsulation, no bad checksum, nothing
#     malformed, and each frame belongs to a flow whose path crosses the point;
#   - every flow: present at each point of its path (addresses rewritten by `nat` records),
#     same packets (IP ID, TCP seq/ack, ICMP seq, UDP payload) at every point until a `drop`
#     hop, none (or none above size_gt, or all but `count` of them) after it, sizes and DF as
#     declared, `deliver` right;
#   - every `delay` record: median per-packet delay of the hop within 10 % of ms;
#   - a point with sees=first:N (a switch's own port) holds the first N packets of each flow that
#     crosses its host, stamped as one of its host's points on the path, and nothing else; one
#     with sees=none holds ARP broadcasts only;
#   - points that carry several tenant networks (`encap` alternatives joined by `|`,
#     `segment` records): each flow's frames there are framed as its tenant's segment;
#     a point with `capture_from` holds no frame before then, one with `hairpin=yes` each
#     of its flows' packets twice (out to a middlebox and back).
# Exit 0 all good, 1 some check failed, 2 usage, 77 tshark or python3-scapy missing.
set -u
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: check-crafted.sh OUTROOT" >&2
    exit 2
fi
if ! command -v tshark >/dev/null 2>&1; then
    echo "SKIP: tshark is missing"
    exit 77
fi
PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
    if "$p" -c 'import scapy' >/dev/null 2>&1; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "SKIP: python3 module scapy is missing"
    exit 77
fi
lab=$(cd "$(dirname "$0")/.." && pwd)
PYTHONPATH="$lab${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" - "$1" <<'PYEOF'
import collections
import glob
import os
import struct
import subprocess
import sys

from lab_manifest import read_manifest

ROOT = sys.argv[1]
TSHARK = ["tshark", "-n", "-d", "udp.port==4789,vxlan", "-d", "udp.port==6081,geneve",
          "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
          "-o", "udp.check_checksum:TRUE"]
FIELDS = ["frame.time_epoch", "frame.protocols", "eth.type", "vlan.id", "ieee8021ad.id",
          "vxlan.flags", "vxlan.vni", "udp.dstport", "gre.key", "gre.proto", "geneve.vni",
          "geneve.option.class", "mpls.label", "ip.src", "ip.dst", "ip.id", "ip.len",
          "ip.flags.df", "ipv6.src", "ipv6.dst", "ipv6.plen", "tcp.srcport", "tcp.dstport",
          "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "udp.srcport", "udp.payload", "icmp.type",
          "icmp.ident", "icmp.seq", "icmpv6.type", "icmpv6.echo.identifier",
          "icmpv6.echo.sequence_number", "ip.checksum.status", "tcp.checksum.status",
          "udp.checksum.status", "icmp.checksum.status", "icmpv6.checksum.status",
          "_ws.malformed"]
ENCAP_TOKENS = {"vlan", "ieee8021ad", "vxlan", "gre", "geneve", "mpls"}

passed = failed = 0
errors = []


def check(cond, scen, msg):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        errors.append("%s: %s" % (scen, msg))
    return cond


def file_format(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    magic = struct.unpack("<I", head[:4])[0]
    if magic == 0xa1b2c3d4:
        return "pcap", "us"
    if magic == 0xa1b23c4d:
        return "pcap", "ns"
    if magic == 0x0A0D0D0A:
        shb_len = struct.unpack("<I", head[4:8])[0]
        btype, blen = struct.unpack("<II", head[shb_len:shb_len + 8])
        if btype != 1:
            return "pcapng", "?"
        opts, res = head[shb_len + 16:shb_len + blen - 4], "us"
        while len(opts) >= 4:
            code, olen = struct.unpack("<HH", opts[:4])
            if code == 0:
                break
            if code == 9:
                res = {6: "us", 9: "ns"}.get(opts[4], "?")
            opts = opts[4 + olen + (-olen % 4):]
        return "pcapng", res
    return "?", "?"


def to_ns(s):
    sec, _, frac = s.partition(".")
    return int(sec) * 10**9 + int((frac + "000000000")[:9])


def lst(v):
    return [x for x in v.split(",")] if v else []


def intval(s):
    return int(s, 0)


def dissect(path):
    cmd = TSHARK + ["-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
                    "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        raise RuntimeError("tshark failed on %s: %s" % (path, r.stderr.strip()[-300:]))
    frames = []
    for line in r.stdout.splitlines():
        vals = line.split("\t")
        vals += [""] * (len(FIELDS) - len(vals))
        f = {k: v for k, v in zip(FIELDS, vals)}
        protos = f["frame.protocols"].split(":")
        f["protos"] = protos
        f["t"] = to_ns(f["frame.time_epoch"])
        # The packet's own IP header: the innermost, but an ICMP error's quote is not it.
        icmp = [i for i, p in enumerate(protos) if p in ("icmp", "icmpv6")]
        last = icmp[0] if icmp else len(protos)
        inner = max([i for i, p in enumerate(protos[:last]) if p in ("ip", "ipv6")], default=-1)
        fam = protos[inner] if inner >= 0 else ""
        occ = protos[:inner + 1].count(fam) - 1
        l4 = protos[inner + 1] if inner >= 0 and inner + 1 < len(protos) else ""
        key = None
        tup = None
        if fam:
            if fam == "ip":
                src, dst = lst(f["ip.src"])[occ], lst(f["ip.dst"])[occ]
                length = int(lst(f["ip.len"])[occ])
                ipid = lst(f["ip.id"])[occ]
            else:
                src, dst = lst(f["ipv6.src"])[occ], lst(f["ipv6.dst"])[occ]
                length = 40 + int(lst(f["ipv6.plen"])[occ])
                ipid = ""
            sport = dport = ""
            extra = ()
            if l4 == "tcp":
                sport, dport = lst(f["tcp.srcport"])[-1], lst(f["tcp.dstport"])[-1]
                extra = (lst(f["tcp.seq_raw"])[-1], lst(f["tcp.ack_raw"])[-1],
                         lst(f["tcp.flags"])[-1])
            elif l4 == "udp":
                sport, dport = lst(f["udp.srcport"])[-1], lst(f["udp.dstport"])[-1]
                pl = lst(f["udp.payload"])
                extra = (pl[-1][:48] if pl else "",)
            elif l4 == "icmp":
                ident = lst(f["icmp.ident"])
                sport = str(intval(ident[-1])) if ident else ""
                seq = lst(f["icmp.seq"])
                extra = (lst(f["icmp.type"])[0], seq[-1] if seq else "")
            elif l4 == "icmpv6":
                ident = lst(f["icmpv6.echo.identifier"])
                sport = str(intval(ident[-1])) if ident else ""
                seq = lst(f["icmpv6.echo.sequence_number"])
                extra = (lst(f["icmpv6.type"])[0], seq[-1] if seq else "")
            tup = (l4, src, sport, dst, dport)
            key = (ipid, length) + extra
            f["len"] = length
            f["df"] = lst(f["ip.flags.df"])[occ] if fam == "ip" and f["ip.flags.df"] else ""
        f["tuple"], f["key"] = tup, key
        frames.append(f)
    return frames


ENCAP_LAYERS = {"none": set(), "vlan": {"vlan"}, "qinq": {"ieee8021ad", "vlan"},
                "vxlan": {"vxlan"}, "gre": {"gre"}, "nvgre": {"gre"}, "geneve": {"geneve"},
                "mpls": {"mpls"}}


def framing_problem(enc, f, stacks):
    """Why frame f is not framed as encap value enc says, or None."""
    kind, _, arg = enc.partition(":")
    want = ENCAP_LAYERS.get(kind)
    if want is None:
        return "unknown encap %s" % enc
    got = ENCAP_TOKENS & set(f["protos"])
    why = None
    if got != want:
        why = "layers %s, want %s" % (sorted(got), sorted(want))
    elif f["tuple"] is None:
        why = "no IP packet inside"
    elif kind == "vlan" and lst(f["vlan.id"]) != [arg]:
        why = "VLAN IDs %s" % f["vlan.id"]
    elif kind == "qinq":
        o, _, i = arg.partition(".")
        if lst(f["eth.type"])[:1] != ["0x88a8"] or lst(f["ieee8021ad.id"]) != [o] \
                or lst(f["vlan.id"]) != [i]:
            why = "QinQ %s %s/%s" % (f["eth.type"], f["ieee8021ad.id"], f["vlan.id"])
    elif kind == "vxlan":
        vni, _, port = arg.partition(":")
        if lst(f["vxlan.vni"]) != [vni] or intval(lst(f["vxlan.flags"])[0]) != 0x0800 \
                or lst(f["udp.dstport"])[:1] != [port]:
            why = "VXLAN vni %s flags %s port %s" % (f["vxlan.vni"], f["vxlan.flags"],
                                                      f["udp.dstport"])
    elif kind in ("gre", "nvgre"):
        keys = [intval(k) for k in lst(f["gre.key"])]
        ok = len(keys) == 1 and intval(lst(f["gre.proto"])[0]) == 0x6558
        ok = ok and (keys[0] == int(arg) if kind == "gre" else keys[0] >> 8 == int(arg))
        if not ok:
            why = "GRE key %s proto %s" % (f["gre.key"], f["gre.proto"])
    elif kind == "geneve":
        if [intval(v) for v in lst(f["geneve.vni"])] != [int(arg)] or lst(f["udp.dstport"])[:1] != ["6081"]:
            why = "Geneve vni %s" % f["geneve.vni"]
    elif kind == "mpls":
        labels = lst(f["mpls.label"])
        if arg not in labels or (stacks and labels not in stacks):
            why = "MPLS labels %s" % labels
    return why


def check_encap(scen, pt, frames):
    alts = pt["encap"].split("|")
    if not check(all(a.partition(":")[0] in ENCAP_LAYERS for a in alts), scen,
                 "point %s: unknown encap %s" % (pt["name"], pt["encap"])):
        return
    stacks = [s.split("/") for s in pt.get("labels", "").split(",") if s]
    bad = []
    for n, f in enumerate(frames, 1):
        whys = [framing_problem(a, f, stacks) for a in alts]
        why = None if None in whys else whys[0]
        if f["tuple"] is None:
            why = "no IP packet inside"
        for fld in ("ip.checksum.status", "tcp.checksum.status", "udp.checksum.status",
                    "icmp.checksum.status", "icmpv6.checksum.status"):
            if any(v in ("0", "4") for v in lst(f[fld])):
                why = (why + "; " if why else "") + "bad " + fld
        if f["_ws.malformed"]:
            why = (why + "; " if why else "") + "malformed"
        if why:
            bad.append("frame %d: %s" % (n, why))
    check(not bad, scen, "point %s (encap %s): %s" % (pt["name"], pt["encap"], "; ".join(bad[:3])))


def nat_step(tup, nats, a, b):
    for nt in nats:
        if nt["from"] == a and nt["to"] == b:
            proto, src, sport, dst, dport = tup
            if src == nt["orig"]:
                src = nt["new"]
            if dst == nt["orig"]:
                dst = nt["new"]
            tup = (proto, src, sport, dst, dport)
    return tup


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def check_floods(scen, points, flows, paths, data, claimed):
    """A point with sees=first:N (a switch's own port that sees floods only) holds the first N
    packets of every flow that crosses its host, stamped as they were at one of its host's points
    on the path (the receive that copied them there), and nothing else of them."""
    for name, pt in points.items():
        kind, _, n = pt.get("sees", "").partition(":")
        if kind != "first" or name not in data:
            continue
        crossing = 0
        for fid, fl in flows.items():
            mine_host = [p for p in paths.get(fid, []) if points[p]["host"] == pt["host"]]
            if not mine_host or "_seen" not in fl:
                continue
            crossing += 1
            at = {}
            for p in mine_host:
                for f in fl["_seen"][p]:
                    at.setdefault(f["key"], set()).add(f["t"])
            first = sorted(fl["_seen"][mine_host[0]], key=lambda f: f["t"])[:int(n)]
            tup = first[0]["tuple"] if first else None
            mine = [f for f in data[name] if f["tuple"] == tup]
            for f in mine:
                claimed[name].add(id(f))
            check(sorted(f["key"] for f in mine) == sorted(f["key"] for f in first), scen,
                  "flow %s: %s holds %d packets, not its first %s at %s" % (fid, name, len(mine), n,
                                                                            mine_host[0]))
            check(all(f["t"] in at.get(f["key"], ()) for f in mine), scen,
                  "flow %s: %s stamps its copies unlike any point of its host" % (fid, name))
        check(crossing, scen, "point %s (sees=first:%s): no flow crosses its host" % (name, n))


def check_scenario(d):
    scen = os.path.basename(d)
    recs = read_manifest(os.path.join(d, "manifest.tsv"))
    if not check(recs and recs[0][0] == "scenario", scen, "first record is not scenario"):
        return
    sc = recs[0][1]
    check(sc.get("name") == scen and sc.get("source") == "crafted" and sc.get("title"),
          scen, "scenario record: %s" % sc)
    check(os.path.isfile(os.path.join(d, "README")), scen, "README missing")
    by = {}
    for r, kv in recs:
        by.setdefault(r, []).append(kv)
    points = {p["name"]: p for p in by.get("point", [])}
    flows = {f["id"]: f for f in by.get("flow", [])}
    paths = {p["flow"]: p["points"].split(">") for p in by.get("path", [])}
    delivers = {x["flow"]: x for x in by.get("deliver", [])}
    drops = {x["flow"]: x for x in by.get("drop", [])}
    nats = by.get("nat", [])
    # (point, tenant) -> how that tenant's frames are framed there
    segs = {(x["point"], x["tenant"]): x["encap"] for x in by.get("segment", [])}
    starts = {n: to_ns(p["capture_from"]) for n, p in points.items() if p.get("capture_from")}
    data = {}
    for name, pt in points.items():
        path = os.path.join(d, pt["file"])
        if not check(os.path.isfile(path), scen, "point %s: file %s missing" % (name, pt["file"])):
            continue
        check(pt["file"].rsplit(".", 1)[0] == name == pt["host"] + "-" + pt["ifname"], scen,
              "point %s: file/host/ifname do not match the name" % name)
        fmt, res = file_format(path)
        check(fmt == pt["format"] and res == pt.get("tsresol", res), scen,
              "point %s: file is %s/%s, manifest says %s/%s" % (name, fmt, res, pt["format"],
                                                               pt.get("tsresol")))
        for k in ("kind", "mtu", "encap", "clock_offset_s"):
            check(k in pt, scen, "point %s: no %s" % (name, k))
        frames = dissect(path)
        data[name] = frames
        if pt.get("sees") == "none":
            # a switch's own port that holds no packet of the flows: ARP broadcasts at most
            check(frames and all("arp" in f["protos"] for f in frames), scen,
                  "point %s (sees=none): frames other than ARP" % name)
            continue
        lo = 20 if "sees" not in pt else 1
        check(lo <= len(frames) <= 200, scen, "point %s: %d frames (want %d-200)" % (name, len(frames), lo))
        check_encap(scen, pt, frames)
        if name in starts:
            check(all(f["t"] >= starts[name] for f in frames), scen,
                  "point %s: frames before capture_from" % name)
    for fid in flows:
        check(fid in paths and fid in delivers, scen, "flow %s without path or deliver" % fid)
    claimed = {name: set() for name in data}
    for fid, fl in flows.items():
        path = paths.get(fid, [])
        if not check(path and all(p in data for p in path), scen,
                     "flow %s: path %s names unknown points" % (fid, path)):
            continue
        tup = (fl["proto"], fl["src"], fl["sport"], fl["dst"], fl["dport"])
        drop = drops.get(fid)
        if drop:
            check(drop["from"] in path and drop["to"] in path
                  and path.index(drop["to"]) == path.index(drop["from"]) + 1, scen,
                  "flow %s: drop hop %s>%s is not on its path" % (fid, drop["from"], drop["to"]))
        limit = int(drop["size_gt"]) if drop and drop.get("size_gt") else None
        after = False
        prev_keys, first_keys, counts, seen = None, None, [], {}
        for i, pn in enumerate(path):
            if i:
                tup = nat_step(tup, nats, path[i - 1], pn)
            if drop and pn == drop["to"]:
                after = True
            seg = segs.get((pn, fl.get("tenant")))
            mine = [f for f in data[pn] if f["tuple"] == tup
                    and (seg is None or framing_problem(seg, f, []) is None)]
            for f in mine:
                claimed[pn].add(id(f))
            if points[pn].get("hairpin") == "yes":
                # out to the middlebox and back: each packet twice, the second time later
                twice = collections.Counter(f["key"] for f in mine)
                check(all(c == 2 for c in twice.values()), scen,
                      "flow %s: at hairpin point %s not every packet twice" % (fid, pn))
                firsts = set()
                mine = [f for f in mine if f["key"] not in firsts and not firsts.add(f["key"])]
            # a capture that starts late: only what both points saw after both started
            since = max([starts[p] for p in (pn, path[i - 1] if i else pn) if p in starts], default=None)
            cut = (lambda fs: [f for f in fs if f["t"] >= since]) if since is not None else (lambda fs: fs)
            keys = sorted(f["key"] for f in cut(mine))
            if i:
                prev_keys = sorted(f["key"] for f in cut(seen[path[i - 1]]))
            seen[pn] = mine
            late = max([starts[p] for p in path if p in starts], default=None)
            counts.append(len([f for f in mine if late is None or f["t"] >= late]))
            if i == 0:
                first_keys = keys
                check(mine, scen, "flow %s: absent at its first point %s" % (fid, pn))
                sizes = sorted({f["len"] for f in mine})
                check(",".join(map(str, sizes)) == fl.get("sizes"), scen,
                      "flow %s: sizes %s, manifest %s" % (fid, sizes, fl.get("sizes")))
                if fl["proto"] in ("tcp", "udp", "icmp") and ":" not in fl["src"]:
                    want = "1" if fl.get("df") == "yes" else "0"
                    dfs = {("1" if f["df"] in ("1", "True") else "0") for f in mine}
                    check(dfs == {want}, scen, "flow %s: DF bits %s, manifest df=%s"
                          % (fid, sorted(dfs), fl.get("df")))
            elif not after:
                check(keys == prev_keys, scen, "flow %s: at %s %d packets, %d at the point before "
                      "(or not the same packets)" % (fid, pn, len(keys), len(prev_keys)))
            else:
                if drop.get("count"):
                    # count= packets vanish at the hop, the others go on unchanged.
                    gone = collections.Counter(prev_keys)
                    gone.subtract(keys)
                    want = int(drop["count"])
                    check(min(gone.values(), default=0) >= 0 and sum(gone.values()) == (
                          want if pn == drop["to"] else 0), scen,
                          "flow %s: at %s %d packets, want %d fewer than at the point before"
                          % (fid, pn, len(keys), want if pn == drop["to"] else 0))
                elif limit is None:
                    check(not keys, scen, "flow %s: %d packets at %s after drop hop"
                          % (fid, len(keys), pn))
                else:
                    at_from = [k for k in first_keys if k[1] <= limit]
                    check(keys == sorted(at_from) and all(k[1] <= limit for k in keys), scen,
                          "flow %s: at %s after the mtu drop hop %d packets, want %d of IP length"
                          " <= %d" % (fid, pn, len(keys), len(at_from), limit))
            if drop and pn == drop["from"] and limit is not None:
                check(any(k[1] > limit for k in keys), scen,
                      "flow %s: no packet above size_gt=%d at %s" % (fid, limit, pn))
        dl = delivers.get(fid, {})
        first, last = counts[0], counts[-1]
        res = "all" if last == first else ("none" if last == 0 else "some")
        check(dl.get("result") == res, scen, "flow %s: deliver %s, captures say %s (%d of %d)"
              % (fid, dl.get("result"), res, last, first))
        fl["_seen"] = seen
    check_floods(scen, points, flows, paths, data, claimed)
    for name, frames in data.items():
        if points[name].get("sees") == "none":
            continue
        stray = [n for n, f in enumerate(frames, 1) if id(f) not in claimed[name]]
        check(not stray, scen, "point %s: frames %s belong to no flow of the manifest"
              % (name, stray[:5]))
    for dl in by.get("delay", []):
        a, b, ms = dl["from"], dl["to"], float(dl["ms"])
        diffs = []
        for fid, fl in flows.items():
            path = paths.get(fid, [])
            if a in path and b in path and path.index(a) < path.index(b) and "_seen" in fl:
                at_a, at_b = {}, {}
                since = max([starts[p] for p in (a, b) if p in starts], default=0)
                for f in fl["_seen"][a]:
                    if f["t"] >= since:
                        at_a.setdefault(f["key"], []).append(f["t"])
                for f in fl["_seen"][b]:
                    if f["t"] >= since:
                        at_b.setdefault(f["key"], []).append(f["t"])
                for k, ts in at_a.items():
                    for ta, tb in zip(ts, at_b.get(k, [])):
                        diffs.append((tb - ta) / 1e6)
        if check(diffs, scen, "delay %s>%s: no packet crosses that hop" % (a, b)):
            m = median(diffs)
            check(abs(m - ms) <= 0.1 * ms, scen, "delay %s>%s: median %.3f ms, manifest %g ms"
                  % (a, b, m, ms))
    for nt in nats:
        check(any(nt["from"] in p and nt["to"] in p and p.index(nt["to"]) == p.index(nt["from"]) + 1
                  for p in paths.values()), scen, "nat %s>%s is not a hop of any path"
              % (nt["from"], nt["to"]))
    for um in by.get("usable_mtu", []):
        check(("point" in um and um["point"] in points) or "network" in um, scen,
              "usable_mtu %s: unknown point" % um)


def main():
    dirs = sorted(d for d in glob.glob(os.path.join(ROOT, "crafted-*")) if os.path.isdir(d))
    if not dirs:
        print("no crafted-* scenario directories under %s" % ROOT)
        return 1
    for d in dirs:
        before = failed
        try:
            check_scenario(d)
        except Exception as e:  # a broken file must fail the check, not crash it
            check(False, os.path.basename(d), "exception: %r" % (e,))
        print("%-4s %s" % ("ok" if failed == before else "FAIL", os.path.basename(d)))
    for e in errors:
        print("  " + e)
    print("check-crafted: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
PYEOF
