#!/bin/bash
# Verify one lab scenario directory (captures + manifest.tsv) with tshark only.
#   tests/lab/selfcheck.sh OUTDIR
# Exit 0 on success, 1 on a mismatch (with FAIL lines), 77 when tshark or
# python3 is missing.  Checks (see doc/lab-manifest.md):
#   - every point file exists and holds packets
#   - every flow appears at each point of its path (up to its drop hop when
#     deliver=none); echo flows: sequence numbers at the last point match deliver
#   - drop: packets above size_gt present at `from`, absent at `to` and later
#   - frag: fragments present at `at` (no larger than mtu), absent before it; layer=outer: the
#     VXLAN packets carrying the flow are the ones in fragments (the underlay cut them)
#   - icmp: frag-needed / PTB from `sender` with `mtu` at every seen_at point
#   - delay: echo packets of the flow take ms (+-10 %) from `from` to `to`
#   - clock: points of the host carry clock_offset_s = offset_s, and the hop
#     into/out of that host shows the offset
#   - gso (or else offloads): yes/on = some frame above its point's MTU
#     (GSO/GRO super-frames), no/off = none
#   - ttl: echo requests carry that TTL at that point
set -u
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
command -v tshark >/dev/null || { echo "selfcheck: SKIP: no tshark" >&2; exit 77; }
command -v python3 >/dev/null || { echo "selfcheck: SKIP: no python3" >&2; exit 77; }
[[ -f $1/manifest.tsv ]] || { echo "selfcheck: FAIL: no $1/manifest.tsv" >&2; exit 1; }
lab=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$lab${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$1" <<'PYEOF'
import os, statistics, subprocess, sys

from lab_manifest import read_manifest

outdir = sys.argv[1]
fails = []
oks = 0

def ok(msg):
    global oks
    oks += 1

def fail(msg):
    fails.append(msg)
    print("FAIL: " + msg)

recs = read_manifest(os.path.join(outdir, "manifest.tsv"))

def of(kind):
    return [d for t, d in recs if t == kind]

scen = of("scenario")[0] if of("scenario") else {}
points = {d["name"]: d for d in of("point")}
flows = {d["id"]: d for d in of("flow")}
paths = {d["flow"]: d["points"].split(">") for d in of("path")}
delivers = {d["flow"]: d for d in of("deliver")}
drops = of("drop")

FIELDS = ["frame.time_epoch", "frame.len", "vxlan.vni",
          "ip.src", "ip.dst", "ip.len", "ip.flags.df", "ip.flags.mf", "ip.frag_offset",
          "ip.ttl", "ip.proto",
          "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.fraghdr.nxt", "ipv6.fraghdr.offset",
          "ipv6.fraghdr.more", "ipv6.nxt",
          "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
          "icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "icmp.mtu",
          "icmpv6.type", "icmpv6.code", "icmpv6.echo.identifier",
          "icmpv6.echo.sequence_number", "icmpv6.mtu"]

def lst(v):
    return v.split(",") if v else []

class Pkt:
    """One frame, seen through its innermost (after VXLAN) IP header: 'own'."""
    def __init__(self, row):
        v = dict(zip(FIELDS, row + [""] * (len(FIELDS) - len(row))))
        self.t = float(v["frame.time_epoch"])
        self.flen = int(v["frame.len"])
        self.vx = bool(v["vxlan.vni"])
        sk = 1 if self.vx else 0          # skip the underlay IPv4 and UDP headers
        ip = {k: lst(v[k])[sk:] for k in FIELDS if k.startswith("ip.")}
        # the underlay's own fragmentation of a VXLAN packet (its first fragment shows the inner packet)
        omf, ooff = lst(v["ip.flags.mf"])[:1], lst(v["ip.frag_offset"])[:1]
        self.outer_frag = self.vx and (omf[:1] in (["1"], ["True"]) or int((ooff or ["0"])[0] or 0) > 0)
        self.outer_len = int(lst(v["ip.len"])[0]) if self.vx else 0
        ip6 = {k: lst(v[k]) for k in FIELDS if k.startswith("ipv6.")}
        self.fam = None
        if ip["ip.src"]:
            self.fam = 4
            self.src, self.dst = ip["ip.src"][0], ip["ip.dst"][0]
            self.iplen = int(ip["ip.len"][0])
            self.df = ip["ip.flags.df"][0] in ("1", "True")
            mf = ip["ip.flags.mf"][0] in ("1", "True")
            off = int(ip["ip.frag_offset"][0] or 0)
            self.frag = mf or off > 0
            self.ttl = int(ip["ip.ttl"][0])
            self.proto = int(ip["ip.proto"][0])
            self.q_src = ip["ip.src"][1] if len(ip["ip.src"]) > 1 else None
            self.q_dst = ip["ip.dst"][1] if len(ip["ip.dst"]) > 1 else None
        elif ip6["ipv6.src"]:
            self.fam = 6
            self.src, self.dst = ip6["ipv6.src"][0], ip6["ipv6.dst"][0]
            self.iplen = int(ip6["ipv6.plen"][0]) + 40
            self.df = True
            self.frag = bool(ip6["ipv6.fraghdr.offset"])
            self.ttl = None
            self.proto = int(ip6["ipv6.fraghdr.nxt"][0]) if self.frag else int(ip6["ipv6.nxt"][0])
            self.q_src = ip6["ipv6.src"][1] if len(ip6["ipv6.src"]) > 1 else None
            self.q_dst = ip6["ipv6.dst"][1] if len(ip6["ipv6.dst"]) > 1 else None
        udps, udpd = lst(v["udp.srcport"])[sk:], lst(v["udp.dstport"])[sk:]
        self.udp = (udps[0], udpd[0]) if udps else None
        tcps, tcpd = lst(v["tcp.srcport"]), lst(v["tcp.dstport"])
        self.tcp = (tcps[0], tcpd[0]) if tcps else None
        it, ic = lst(v["icmp.type"]), lst(v["icmp.code"])
        self.icmp = (int(it[0]), int(ic[0])) if it else None
        self.icmp_id = [str(int(x, 0)) for x in lst(v["icmp.ident"])[:1]]
        self.icmp_seq = [str(int(x, 0)) for x in lst(v["icmp.seq"])[:1]]
        self.icmp_mtu = lst(v["icmp.mtu"])[:1]
        it6, ic6 = lst(v["icmpv6.type"]), lst(v["icmpv6.code"])
        self.icmp6 = (int(it6[0]), int(ic6[0])) if it6 else None
        self.icmp6_id = [str(int(x, 0)) for x in lst(v["icmpv6.echo.identifier"])[:1]]
        self.icmp6_seq = [str(int(x, 0)) for x in lst(v["icmpv6.echo.sequence_number"])[:1]]
        self.icmp6_mtu = lst(v["icmpv6.mtu"])[:1]

    def is_error(self):
        return (self.icmp and self.icmp[0] in (3, 4, 5, 11, 12)) or \
               (self.icmp6 and self.icmp6[0] < 128)

def load(point):
    p = points[point]
    fn = os.path.join(outdir, p.get("file", ""))
    if not os.path.isfile(fn):
        fail("point %s: missing file %s" % (point, p.get("file")))
        return None
    cmd = ["tshark", "-r", fn, "-n", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "tcp.desegment_tcp_streams:FALSE", "-d", "udp.port==4789,vxlan",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for fld in FIELDS:
        cmd += ["-e", fld]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        fail("point %s: tshark failed: %s" % (point, r.stderr.strip()[-300:]))
        return None
    pk = [Pkt(l.split("\t")) for l in r.stdout.splitlines() if l]
    if not pk:
        fail("point %s: no packets in %s" % (point, p["file"]))
    else:
        ok("point %s has %d packets" % (point, len(pk)))
    return pk

caps = {name: load(name) for name in points}

def off(point):
    return float(points[point].get("clock_offset_s", "0") or 0)

def fmatch(p, fl, allow_frag=True):
    """Does packet p belong to unidirectional flow fl?"""
    if p.fam is None or p.src != fl["src"] or p.dst != fl["dst"] or p.is_error():
        return False
    proto = fl["proto"]
    num = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}[proto]
    if p.proto != num:
        return False
    if proto == "tcp":
        if p.tcp:
            return p.tcp == (fl["sport"], fl["dport"])
    elif proto == "udp":
        if p.udp:
            return p.udp == (fl["sport"], fl["dport"])
    elif proto == "icmp":
        if p.icmp and p.icmp[0] in (0, 8):
            return p.icmp_id == [fl["sport"]]
    elif proto == "icmpv6":
        if p.icmp6 and p.icmp6[0] in (128, 129):
            return p.icmp6_id == [fl["sport"]]
    # a non-first fragment carries no transport header
    return allow_frag and p.frag

def seqs(pk, fl):
    out = {}
    for p in pk:
        if not fmatch(p, fl, allow_frag=False):
            continue
        s = p.icmp_seq if fl["proto"] == "icmp" else p.icmp6_seq
        if s:
            out.setdefault(int(s[0]), p.t)
    return out

def drop_for(fid):
    return [d for d in drops if d.get("flow") == fid]

# ---- flows along their paths
for fid, fl in flows.items():
    path = paths.get(fid)
    if not path:
        continue
    for pt in path:
        if pt not in points:
            fail("flow %s: path point %s not declared" % (fid, pt))
    path = [pt for pt in path if pt in points]
    res = delivers.get(fid, {}).get("result", "all")
    need = list(path)
    if res == "none":
        dr = drop_for(fid)
        cut = path.index(dr[0]["from"]) + 1 if dr and dr[0]["from"] in path else 1
        need = path[:cut]
        for pt in path[cut:]:
            if caps[pt] is not None and any(fmatch(p, fl, False) for p in caps[pt]):
                fail("flow %s (deliver none) seen at %s after drop hop" % (fid, pt))
    for pt in need:
        if caps[pt] is None:
            continue
        if points[pt].get("promisc") == "no":
            continue
        n = sum(1 for p in caps[pt] if fmatch(p, fl))
        if n == 0:
            fail("flow %s not seen at %s" % (fid, pt))
        else:
            ok("flow %s at %s: %d" % (fid, pt, n))
    if fl["proto"] in ("icmp", "icmpv6") and caps.get(path[0]) is not None and caps.get(path[-1]) is not None:
        first, last = set(seqs(caps[path[0]], fl)), set(seqs(caps[path[-1]], fl))
        if not first:
            fail("flow %s: no echo sequence numbers at %s" % (fid, path[0]))
        elif res == "all" and not first <= last:
            fail("flow %s deliver=all but seq %s missing at %s" % (fid, sorted(first - last), path[-1]))
        elif res == "none" and last:
            fail("flow %s deliver=none but seq %s at %s" % (fid, sorted(last), path[-1]))
        elif res == "some" and (not last or last >= first):
            fail("flow %s deliver=some but %d/%d seqs at %s" % (fid, len(last), len(first), path[-1]))
        else:
            ok("deliver %s %s" % (fid, res))

# ---- drops
for d in drops:
    fl = flows.get(d["flow"])
    path = paths.get(d["flow"], [])
    if not fl or d["from"] not in path or d["to"] not in path:
        fail("drop %s: flow or hop not on its path" % d)
        continue
    if not d.get("size_gt"):
        # no size: the flow must be seen at `from`, and some of its packets there must
        # be missing from `to` (compared by IP length multiset)
        a = [p.iplen for p in caps[d["from"]] or [] if fmatch(p, fl, False)]
        b = [p.iplen for p in caps[d["to"]] or [] if fmatch(p, fl, False)]
        for x in b:
            if x in a:
                a.remove(x)
        if not a:
            fail("drop %s: nothing of the flow at %s is missing at %s" % (d["flow"], d["from"], d["to"]))
        continue
    gt = int(d["size_gt"])
    a = caps[d["from"]]
    if a is not None:
        big = [p for p in a if fmatch(p, fl, False) and p.iplen > gt]
        if not big:
            fail("drop %s: no packets above %d at %s" % (d["flow"], gt, d["from"]))
        else:
            ok("drop before")
    for pt in path[path.index(d["to"]):]:
        if caps[pt] is None:
            continue
        big = [p for p in caps[pt] if fmatch(p, fl, False) and p.iplen > gt]
        if big:
            fail("drop %s: %d packets above %d still at %s (max %d)" %
                 (d["flow"], len(big), gt, pt, max(p.iplen for p in big)))
        else:
            ok("drop after")

# ---- fragmentation
for fr in of("frag"):
    fl = flows.get(fr["flow"])
    path = paths.get(fr["flow"], [])
    if not fl or fr["at"] not in path:
        fail("frag %s: flow or point not on its path" % fr)
        continue
    mtu = int(fr["mtu"])
    i = path.index(fr["at"])
    outer = fr.get("layer") == "outer"

    def cut(p):
        return p.outer_frag if outer else p.frag

    def size(p):
        return p.outer_len if outer else p.iplen

    fr_at = [p for p in (caps[fr["at"]] or []) if fmatch(p, fl) and cut(p)]
    if not fr_at:
        fail("frag %s: no fragments at %s" % (fr["flow"], fr["at"]))
    elif max(size(p) for p in fr_at) > mtu:
        fail("frag %s: fragment of %d bytes > mtu %d at %s" %
             (fr["flow"], max(size(p) for p in fr_at), mtu, fr["at"]))
    else:
        ok("frag at")
    for pt in path[:i]:
        if caps[pt] is not None and any(fmatch(p, fl) and cut(p) for p in caps[pt]):
            fail("frag %s: fragments already at %s (before %s)" % (fr["flow"], pt, fr["at"]))

# ---- ICMP errors
for ic in of("icmp"):
    mtu = ic.get("mtu")
    fl = flows.get(ic.get("flow", ""))
    for pt in [x for x in ic.get("seen_at", "").split(",") if x]:
        if pt not in points:
            fail("icmp: seen_at point %s not declared" % pt)
            continue
        found = []
        for p in caps[pt] or []:
            if p.fam is None or p.src != ic["sender"]:
                continue
            if ic["kind"] == "frag-needed" and p.icmp == (3, 4) and p.icmp_mtu[:1] == [mtu]:
                found.append(p)
            elif ic["kind"] == "ptb" and p.icmp6 and p.icmp6[0] == 2 and p.icmp6_mtu[:1] == [mtu]:
                found.append(p)
        if fl:
            found = [p for p in found if p.q_src == fl["src"] and p.q_dst == fl["dst"]]
        if not found:
            fail("icmp %s mtu %s from %s not seen at %s" % (ic["kind"], mtu, ic["sender"], pt))
        else:
            ok("icmp")

# ---- delays
for dl in of("delay"):
    a, b, ms = dl["from"], dl["to"], float(dl["ms"])
    cands = [dl["flow"]] if dl.get("flow") else \
        [f for f, pth in paths.items() if a in pth and b in pth and pth.index(a) < pth.index(b)]
    deltas = []
    for fid in cands:
        fl = flows.get(fid)
        if not fl or fl["proto"] not in ("icmp", "icmpv6"):
            continue
        sa, sb = seqs(caps[a] or [], fl), seqs(caps[b] or [], fl)
        deltas += [((sb[s] - off(b)) - (sa[s] - off(a))) * 1000 for s in sa if s in sb]
    if not deltas:
        fail("delay %s>%s: no echo packets matched" % (a, b))
        continue
    med = statistics.median(deltas)
    if abs(med - ms) > 0.1 * ms:
        fail("delay %s>%s: measured %.3f ms, manifest %g ms" % (a, b, med, ms))
    else:
        ok("delay %s>%s %.3f ms" % (a, b, med))
        print("ok: delay %s>%s measured %.3f ms (manifest %g)" % (a, b, med, ms))

# ---- clock offsets
for ck in of("clock"):
    host, x = ck["host"], float(ck["offset_s"])
    for n, p in points.items():
        if p.get("host") == host and abs(off(n) - x) > 1e-9:
            fail("clock: point %s of host %s has clock_offset_s=%s, expected %s" %
                 (n, host, p.get("clock_offset_s"), x))
    seen = []
    for fid, pth in paths.items():
        fl = flows.get(fid)
        if not fl or fl["proto"] not in ("icmp", "icmpv6"):
            continue
        for u, w in zip(pth, pth[1:]):
            hu, hw = points[u]["host"], points[w]["host"]
            if (hu == host) == (hw == host):
                continue
            su, sw = seqs(caps[u] or [], fl), seqs(caps[w] or [], fl)
            seen += [(sw[s] - su[s]) - (off(w) - off(u)) for s in su if s in sw]
            raw = [sw[s] - su[s] for s in su if s in sw]
            if raw:
                print("ok: clock hop %s>%s raw delta %.6f s (expected offset %+.3f)" %
                      (u, w, statistics.median(raw), off(w) - off(u)))
    if not seen:
        fail("clock %s: no echo packets cross into/out of the host" % host)
    elif max(abs(s) for s in seen) > 0.005:
        fail("clock %s: offset not as stated (residual %.6f s)" % (host, max(abs(s) for s in seen)))
    else:
        ok("clock")

# ---- offloads
mode = {"yes": "on", "no": "off"}.get(scen.get("gso", ""), scen.get("offloads", "n/a"))
if mode in ("on", "off"):
    over = []
    for n, p in points.items():
        if p.get("kind") == "any" or not p.get("mtu", "").isdigit() or caps[n] is None:
            continue
        lim = int(p["mtu"]) + 14
        big = [q.flen for q in caps[n] if q.flen > lim]
        if big:
            over.append("%s:%d>%d" % (n, max(big), lim))
    if mode == "on" and not over:
        fail("offloads=on but no frame above its point's MTU anywhere")
    elif mode == "off" and over:
        fail("offloads=off but frames above MTU: %s" % " ".join(over))
    else:
        print("ok: offloads=%s; frames above MTU: %s" % (mode, " ".join(over) or "none"))

# ---- TTL
for tt in of("ttl"):
    fl = flows.get(tt["flow"])
    got = {p.ttl for p in caps.get(tt["point"]) or [] if fl and fmatch(p, fl, allow_frag=False)}
    if got != {int(tt["ttl"])}:
        fail("ttl %s at %s: %s, expected %s" % (tt["flow"], tt["point"], sorted(got), tt["ttl"]))

name = scen.get("name", outdir)
if fails:
    print("selfcheck %s: %d FAILED, %d ok" % (name, len(fails), oks))
    sys.exit(1)
print("selfcheck %s: all %d checks ok" % (name, oks))
PYEOF
