#!/usr/bin/python3
"""craft.py OUTROOT -- write pathtrace's crafted multi-point capture scenarios.

The kernel of the lab machine cannot create 802.1Q/QinQ, GRE, NVGRE, Geneve or MPLS
devices, so the multi-point captures for those datapaths are written here instead: one
directory per scenario (OUTROOT/crafted-*), holding one capture file per capture point
(<host>-<ifname>.pcap or .pcapng), a manifest.tsv (doc/lab-manifest.md) and a README.

Each packet is simulated once along its path: per-hop delays (tens of microseconds with
seeded jitter), TTL/hop-limit decrements and MAC rewrites at routers, NAT, tunnel
encapsulation (outer IP ID counters, per-flow outer UDP source port from a flow hash as
Linux does), and losses; the file of each point then gets the frame as seen there.

Deterministic: fixed seeds, fixed base time 1700000000.000000000, pcap/pcapng written
by this file (no tool version strings), so reruns are byte-identical.
Needs Debian's python3-scapy; exits 77 when scapy is missing.
"""

import os
import sys


def _ensure_scapy():
    try:
        import scapy  # noqa: F401
        return
    except ImportError:
        pass
    # A python3 first on PATH (pyenv, venv) may lack Debian's python3-scapy.
    alt = "/usr/bin/python3"
    if (os.path.exists(alt) and not os.environ.get("PATHTRACE_CRAFT_REEXEC")
            and os.path.realpath(sys.executable) != os.path.realpath(alt)):
        os.environ["PATHTRACE_CRAFT_REEXEC"] = "1"
        os.execv(alt, [alt, os.path.abspath(__file__)] + sys.argv[1:])
    sys.stderr.write("craft.py: python3 module scapy is missing "
                     "(Debian: apt-get install python3-scapy)\n")
    sys.exit(77)


_ensure_scapy()

import logging  # noqa: E402
import random  # noqa: E402
import struct  # noqa: E402
import zlib  # noqa: E402

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.packet import Raw  # noqa: E402
from scapy.layers.l2 import GRE  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP, ICMP, IPerror  # noqa: E402
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest, ICMPv6EchoReply  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402
from scapy.contrib.geneve import GENEVE, GeneveOptions  # noqa: E402
from scapy.contrib.mpls import MPLS  # noqa: E402

BASE_NS = 1700000000 * 10**9
US = 1000          # ns per microsecond
MS = 1000 * US     # ns per millisecond
EPHEMERAL = (32768, 60999)   # Linux net.ipv4.ip_local_port_range default
APP = "pathtrace tests/lab/craft/craft.py"

# --------------------------------------------------------------------------------------
# capture file writers (written here so that the bytes do not depend on a tool version)
# --------------------------------------------------------------------------------------


def write_pcap(path, frames, tsres):
    """Classic pcap, LINKTYPE_ETHERNET; tsres 'ns' (magic a1b23c4d) or 'us'."""
    magic = 0xa1b23c4d if tsres == "ns" else 0xa1b2c3d4
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 262144, 1)]
    for t, data in frames:
        sec, ns = divmod(t, 10**9)
        frac = ns if tsres == "ns" else ns // 1000
        out.append(struct.pack("<IIII", sec, frac, len(data), len(data)))
        out.append(data)
    with open(path, "wb") as f:
        f.write(b"".join(out))


def _pad4(b):
    return b + b"\0" * (-len(b) % 4)


def _opt(code, val):
    return struct.pack("<HH", code, len(val)) + _pad4(val)


def _block(btype, body):
    body = _pad4(body)
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def write_pcapng(path, frames, ifname, tsres):
    """pcapng: SHB, one IDB (if_name, if_tsresol), one EPB per frame."""
    units = 10**9 if tsres == "ns" else 10**6
    out = [_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
                  + _opt(4, APP.encode()) + _opt(0, b"")),
           _block(0x00000001, struct.pack("<HHI", 1, 0, 262144)
                  + _opt(2, ifname.encode()) + _opt(9, bytes([9 if tsres == "ns" else 6]))
                  + _opt(0, b""))]
    for t, data in frames:
        ts = t if units == 10**9 else t // 1000
        out.append(_block(0x00000006, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff,
                                                  len(data), len(data)) + data))
    with open(path, "wb") as f:
        f.write(b"".join(out))


# --------------------------------------------------------------------------------------
# topology model
# --------------------------------------------------------------------------------------


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def dirpair(spec, d):
    """spec: (src, dst) of forward frames (reverse frames swap it) or {'f': .., 'r': ..}."""
    if isinstance(spec, dict):
        return spec[d]
    return spec if d == "f" else (spec[1], spec[0])


class Tunnel:
    def __init__(self, kind, a, b, vni=None, key=None, vsid=None, port=None, csum=False,
                 ovn_ports=None):
        self.kind = kind          # vxlan, geneve, gre, nvgre
        self.a, self.b = a, b     # outer addresses: forward packets go a -> b
        self.vni, self.key, self.vsid = vni, key, vsid
        self.port = port
        self.csum = csum          # outer UDP checksum (IPv6 always)
        self.ovn_ports = ovn_ports
        self.v6 = ":" in a


class Point:
    """A capture point.  leaf(fid, d, l3, n) -> bool makes it a side copy off the chain: it
    holds the packets it returns True for (n: how many packets of fid went that way before),
    stamped as the chain point before it (the kernel keeps the stamp of the first receive), and
    the chain goes on without it; on_path: such a copy is on the flow's path (a mirror port's
    copy of every frame), not a flood's; chatter: extra (t_ns, frame) pairs (ARP broadcasts);
    role: the role pathtrace should give it; sees: what a side copy holds (`first:N`, `none`);
    both written to the manifest.  segs: {tenant: {"vlans": [...], "tun": Tunnel, "encap":
    manifest encap}} for a point that carries several tenant networks, each framed its own
    way (vlans/tun/encap are then those of no tenant); start_ns: the capture starts then
    (earlier frames are not in the file); hairpin_ms: each frame leaves through the point in
    `tun` (to a middlebox) and comes back that much later with the tunnel's addresses
    swapped."""

    def __init__(self, name, host, ifname, kind, mtu, encap, fmt, tsres, l2, vlans=(),
                 tun=None, il2=None, mpls=None, extra=None, leaf=None, on_path=False,
                 chatter=None, role=None, sees=None, segs=None, start_ns=None, hairpin_ms=None):
        assert name == host + "-" + ifname
        self.name, self.host, self.ifname, self.kind = name, host, ifname, kind
        self.mtu, self.encap, self.fmt, self.tsres = mtu, encap, fmt, tsres
        self.l2, self.vlans, self.tun, self.il2, self.mpls = l2, list(vlans), tun, il2, mpls
        self.extra = extra or []
        self.leaf, self.on_path, self.chatter, self.role = leaf, on_path, chatter or [], role
        self.sees = sees
        self.segs = segs or {}
        self.start_ns, self.hairpin_ms = start_ns, hairpin_ms
        self.file = name + (".pcapng" if fmt == "pcapng" else ".pcap")

    def framing(self, tenant):
        """(vlans, tunnel) of a frame of that tenant network here."""
        seg = self.segs.get(tenant)
        if seg is None:
            return self.vlans, self.tun
        return seg.get("vlans", []), seg.get("tun")


class Hop:
    """The hop between points[i] and points[i+1] (leaf points left out).  rin/rout:
    directions ('f', 'r') in which an inner/outer router on this hop decrements TTL;
    nat=(private, public) for a 1:1 floating IP (forward = outward); extra_ms: {dir: ms};
    drop(fid, d, l3) -> bool; on_drop(fid, d, l3, t, prev point index, visits) runs after a
    drop (a router's ICMP); rbase_us/rjit_us: another delay for reverse packets (0 and 0: a
    receive that keeps the stamp the packet arrived with, as after decapsulation)."""

    def __init__(self, base_us, jit_us, rin="", rout="", nat=None, extra_ms=None, drop=None,
                 on_drop=None, rbase_us=None, rjit_us=None):
        self.base_us, self.jit_us = base_us, jit_us
        self.rbase_us, self.rjit_us = rbase_us, rjit_us
        self.rin, self.rout = rin, rout
        self.nat, self.extra_ms, self.drop = nat, extra_ms or {}, drop
        self.on_drop = on_drop


def ip_len(l3):
    if isinstance(l3, IPv6):
        return 40 + len(bytes(l3.payload))
    return len(bytes(l3))


def flow_hash(l3):
    """Stand-in for the kernel's skb flow hash of the inner packet."""
    if isinstance(l3, IPv6):
        src, dst, proto = l3.src, l3.dst, l3.nh
    else:
        src, dst, proto = l3.src, l3.dst, l3.proto
    l4 = l3.payload
    ports = (l4.sport, l4.dport) if isinstance(l4, (TCP, UDP)) else (0, 0)
    return zlib.crc32(("%s|%s|%d|%d|%d" % (src, dst, proto, ports[0], ports[1])).encode()) \
        & 0xffffffff


def udp_src_port(h):
    """Linux udp_flow_src_port(): hash scaled into the local port range."""
    lo, hi = EPHEMERAL
    return ((h * (hi - lo)) >> 32) + lo


class Sim:
    def __init__(self, sc):
        self.sc = sc
        self.rng = sc.rng
        self.events = []     # (fid, d, [(point index, t_ns, l3, outer)])
        self.last = {}
        self.encaps = []     # [tunnel, d, t, uid]
        self.sent = {}       # (fid, d): packets sent so far

    def transit(self, fid, d, l3, t, start=None, visits=None):
        """Carry one packet from the first point of its direction (or from point index
        start, after visits seen before it) along the flow's own order of points; return
        its time at the last point, or None when it is lost on the way.  Leaf points copy
        the stamp of the chain point before them; the chain goes on without them."""
        pts = self.sc.points
        order = self.sc.order(fid, d)
        if start is not None:
            order = order[order.index(start):]
        n = self.sent.get((fid, d), 0)
        self.sent[(fid, d)] = n + 1
        visits, outer, prev = list(visits or []), None, None
        for i in order:
            p = pts[i]
            if p.leaf is not None:
                if prev is not None and p.leaf(fid, d, l3, n):
                    visits.append((i, t, l3, None))
                continue
            if prev is not None:
                hop = self.sc.hop(prev, i)
                if hop.drop and hop.drop(fid, d, l3):
                    self.events.append((fid, d, visits))
                    if hop.on_drop:
                        hop.on_drop(fid, d, l3, t, prev, visits)
                    return None
                if d in hop.rin:
                    l3 = l3.copy()
                    if isinstance(l3, IPv6):
                        l3.hlim -= 1
                    else:
                        l3.ttl -= 1
                if hop.nat:
                    priv, pub = hop.nat
                    l3 = l3.copy()
                    if d == "f" and l3.src == priv:
                        l3.src = pub
                    if d == "r" and l3.dst == pub:
                        l3.dst = priv
                        if IPerror in l3 and l3[IPerror].src == pub:
                            # An ICMP error about a translated packet: the quote too
                            l3[IPerror].src = priv
                            l3[IPerror].chksum = None
                if outer is not None and d in hop.rout:
                    outer = dict(outer, ttl=outer["ttl"] - 1)
                base, jit = hop.base_us, hop.jit_us
                if d == "r" and hop.rbase_us is not None:
                    base, jit = hop.rbase_us, hop.rjit_us
                delay = base + self.rng.uniform(-jit, jit)
                t += int(round(delay * US)) + int(round(hop.extra_ms.get(d, 0) * MS))
            key = (fid, d, i)
            t = max(t, self.last.get(key, 0) + 700)
            self.last[key] = t
            _, tun = p.framing(self.sc.tenant.get(fid))
            if tun is not None:
                if outer is None or outer["tun"] is not tun:
                    uid = len(self.encaps)
                    self.encaps.append([tun, d, t, uid])
                    outer = {"tun": tun, "ttl": 64, "uid": uid, "hash": flow_hash(l3)}
            else:
                outer = None
            visits.append((i, t, l3, outer))
            if p.hairpin_ms is not None:
                # Back from the middlebox: the same inner packet, the tunnel reversed.
                uid = len(self.encaps)
                t += int(round(p.hairpin_ms * MS * self.rng.uniform(0.8, 1.2)))
                self.encaps.append([tun, "r" if d == "f" else "f", t, uid])
                visits.append((i, t, l3, dict(outer, uid=uid, back=True)))
                self.last[key] = t
            prev = i
        self.events.append((fid, d, visits))
        return t


# --------------------------------------------------------------------------------------
# traffic: endpoints, TCP, UDP, ICMP conversations
# --------------------------------------------------------------------------------------


class Side:
    """One end of a conversation: sends flow `fid` in direction `d`."""

    def __init__(self, sim, fid, d, ip, port=0, df=True):
        self.sim, self.fid, self.d, self.ip, self.port, self.df = sim, fid, d, ip, port, df
        rng = sim.rng
        self.v6 = ":" in ip
        self.ipid = rng.randrange(65536)
        self.tsoff = rng.randrange(1 << 31)
        self.fl = rng.randrange(1, 1 << 20)
        self.recent = 0
        self.isn = self.nxt = 0
        self.dst_ip = None       # peer address as this side sees it (NAT), else peer.ip

    def tsval(self, t):
        return (self.tsoff + (t - BASE_NS) // MS) & 0xffffffff

    def send(self, peer, l4, t, df=None):
        if self.v6:
            l3 = IPv6(src=self.ip, dst=self.dst_ip or peer.ip, hlim=64, tc=0, fl=self.fl) / l4
        else:
            df = self.df if df is None else df
            l3 = IP(src=self.ip, dst=self.dst_ip or peer.ip, ttl=64, tos=0, id=self.ipid,
                    flags="DF" if df else 0) / l4
            self.ipid = (self.ipid + 1) & 0xffff
        return self.sim.transit(self.fid, self.d, l3, t)


def think(rng, lo=15, hi=45):
    return int(rng.uniform(lo, hi) * US)


def pattern(n, seed):
    base = bytes((seed + i * 7) & 0xff for i in range(256))
    return (base * (n // 256 + 1))[:n]


def tcp_opts_ts(x, t):
    return [("NOP", None), ("NOP", None), ("Timestamp", (x.tsval(t), x.recent))]


def tcp_send(x, y, t, flags, payload=b"", seq=None, extra_opts=None, syn_opts=None,
             window=502):
    l4 = TCP(sport=x.port, dport=y.port, seq=x.nxt if seq is None else seq,
             ack=(y.nxt if "A" in flags else 0), flags=flags, window=window,
             options=syn_opts if syn_opts is not None else tcp_opts_ts(x, t) + (extra_opts or []))
    if payload:
        l4 = l4 / Raw(payload)
    ta = x.send(y, l4, t)
    if ta is not None:
        y.recent = x.tsval(t)
    return ta


def tcp_data(x, y, t, data, mss, rto_ms=210, retries=1):
    """x sends data to y in MSS-sized segments (burst), y acks every second in-order
    segment and sends SACK dup-acks for out-of-order ones; losses are retransmitted
    after RTO (doubling).  Returns (time y holds all data, time x saw the last ACK),
    or (None, None) when the data never got through."""
    rng = x.sim.rng
    seg = mss - 12                     # timestamps option in every segment
    base = x.nxt
    segs = [(base + off, data[off:off + seg]) for off in range(0, len(data), seg)]
    arr, tx = {}, t
    for k, (sq, chunk) in enumerate(segs):
        flags = "PA" if k == len(segs) - 1 else "A"
        arr[k] = tcp_send(x, y, tx, flags, chunk, seq=sq)
        tx += int(rng.uniform(3, 9) * US)
    x.nxt = base + len(data)
    got, cum, pending, t_all, t_acked = set(), 0, 0, None, None

    def ack(ta, sack=None):
        tt = ta + int(rng.uniform(5, 15) * US)
        saved = x.nxt
        x.nxt = segs[cum][0] if cum < len(segs) else base + len(data)
        extra = [("NOP", None), ("NOP", None), ("SAck", sack)] if sack else None
        r = tcp_send(y, x, tt, "A", extra_opts=extra)
        x.nxt = saved
        return r

    def receive(k, ta):
        nonlocal cum, pending, t_all, t_acked
        got.add(k)
        if k != cum:
            hi = max(got)
            ack(ta, (segs[k][0], segs[hi][0] + len(segs[hi][1])))
            return
        while cum in got:
            cum += 1
            pending += 1
        if pending >= 2 or cum == len(segs):
            r = ack(ta)
            pending = 0
            if cum == len(segs):
                t_all, t_acked = ta, r

    for ta, k in sorted((ta, k) for k, ta in arr.items() if ta is not None):
        receive(k, ta)
    rto, t_r = rto_ms * MS, tx
    tries = 0
    while cum < len(segs) and tries <= retries:
        t_r += rto
        rto *= 2
        tries += 1
        sq, chunk = segs[cum]
        flags = "PA" if cum == len(segs) - 1 else "A"
        ta = tcp_send(x, y, t_r, flags, chunk, seq=sq)
        if ta is not None:
            receive(cum, ta)
            tries = 0
    return t_all, t_acked


def tcp_session(sim, c, s, t, req, resp, mss_c, mss_s, close=True):
    """Handshake, request c->s, response s->c, FIN exchange (client closes)."""
    rng = sim.rng
    c.isn, s.isn = rng.randrange(1 << 32), rng.randrange(1 << 32)
    c.nxt, s.nxt = c.isn, s.isn
    syn = [("MSS", mss_c), ("SAckOK", b""), ("Timestamp", (c.tsval(t), 0)),
           ("NOP", None), ("WScale", 7)]
    ta = tcp_send(c, s, t, "S", syn_opts=syn, window=(65535 // mss_c) * mss_c)
    c.nxt += 1
    t = ta + think(rng)
    synack = [("MSS", mss_s), ("SAckOK", b""), ("Timestamp", (s.tsval(t), s.recent)),
              ("NOP", None), ("WScale", 7)]
    ta = tcp_send(s, c, t, "SA", syn_opts=synack, window=(65535 // mss_s) * mss_s)
    s.nxt += 1
    t = ta + think(rng, 5, 15)
    tcp_send(c, s, t, "A")
    eff_c = min(mss_c, mss_s)          # segment size limits for each sender
    t_req, _ = tcp_data(c, s, t + think(rng, 10, 30), req, eff_c)
    if t_req is None:
        return
    t_resp, _ = tcp_data(s, c, t_req + think(rng, 20, 60), resp, eff_c)
    if t_resp is None or not close:
        return
    t = t_resp + think(rng, 30, 90)
    ta = tcp_send(c, s, t, "FA")
    c.nxt += 1
    t = ta + think(rng, 20, 50)
    ta = tcp_send(s, c, t, "FA")
    s.nxt += 1
    tcp_send(c, s, ta + think(rng, 5, 15), "A")


def udp_echo(sim, c, s, t, sizes, interval_ms):
    """UDP request/echo: c sends one datagram per size (IP total length), s echoes."""
    rng = sim.rng
    hdr = 48 if c.v6 else 28
    for k, size in enumerate(sizes):
        n = size - hdr
        payload = struct.pack(">IQ", k + 1, t - BASE_NS)[:n] + pattern(max(0, n - 12), k)
        ta = c.send(s, UDP(sport=c.port, dport=s.port) / Raw(payload), t)
        if ta is not None:
            s.send(c, UDP(sport=s.port, dport=c.port) / Raw(payload), ta + think(rng, 10, 30))
        t += int(interval_ms * MS * rng.uniform(0.97, 1.03))


def syslog(sim, c, s, t, count, interval_ms):
    rng = sim.rng
    for k in range(count):
        tt = (t - BASE_NS) // 10**9
        msg = ("<14>Nov 14 22:13:%02d vm1 app[812]: heartbeat seq=%d ok" % (20 + tt % 40, k + 1))
        c.send(s, UDP(sport=c.port, dport=s.port) / Raw(msg.encode()), t)
        t += int(interval_ms * MS * rng.uniform(0.9, 1.1))


def ping(sim, c, s, t, ident, data_sizes, interval_ms):
    """ping -s N: echo requests c->s and kernel echo replies s->c (replies: DF clear)."""
    rng = sim.rng
    for k, n in enumerate(data_sizes):
        sec, ns = divmod(t, 10**9)
        data = (struct.pack("<qq", sec, ns // 1000) + bytes(i & 0xff for i in range(16, max(16, n))))[:n]
        if c.v6:
            ta = c.send(s, ICMPv6EchoRequest(id=ident, seq=k + 1, data=data), t)
            if ta is not None:
                s.send(c, ICMPv6EchoReply(id=ident, seq=k + 1, data=data), ta + think(rng, 8, 20))
        else:
            ta = c.send(s, ICMP(type=8, code=0, id=ident, seq=k + 1) / Raw(data), t)
            if ta is not None:
                s.send(c, ICMP(type=0, code=0, id=ident, seq=k + 1) / Raw(data),
                       ta + think(rng, 8, 20), df=False)
        t += int(interval_ms * MS * rng.uniform(0.99, 1.01))


# --------------------------------------------------------------------------------------
# scenario: flows, simulation, rendering, manifest
# --------------------------------------------------------------------------------------


class Scenario:
    def __init__(self, name, title, readme):
        self.name, self.title, self.readme = name, title, readme
        self.rng = random.Random("pathtrace-craft-" + name)
        self.points, self.hops = [], []
        self.paths = {}      # fid -> point names it crosses (forward order), when not all
        self.tenant = {}     # fid -> tenant network name (Point.segs)
        self.labels = {}     # tenant network name -> what pathtrace calls it (vni:100 ...)
        self.links = {}      # (point name, point name) -> Hop, for paths that skip points
        self.count_packets = False   # write packets= (distinct packets) on flow records
        self.context = None  # (tenant, path) of the sides made now
        self.flows = []      # dicts: id, proto, src, sport, dst, dport, what, df, d
        self.records = []    # extra manifest lines (drop, delay, nat, usable_mtu, comments)
        self.deliver_notes = {}
        self.clocks = {}     # host: its clock's offset, ns (file time minus true time)
        self.sim = Sim(self)

    def side(self, fid, d, ip, port=0, df=True):
        if self.context is not None:
            tenant, path = self.context
            if tenant is not None:
                self.tenant[fid] = tenant
            self.paths[fid] = path
        return Side(self.sim, fid, d, ip, port, df)

    def order(self, fid, d):
        """Point indexes flow fid crosses, in its direction d."""
        names = [p.name for p in self.points]
        idx = [names.index(n) for n in self.paths[fid]] if fid in self.paths else list(range(len(names)))
        return idx if d == "f" else idx[::-1]

    def hop(self, a, b):
        """The hop between point indexes a and b: a link between the two, else hops[k] for
        the k-th point of the chain (leaf points left out), the lower of the two."""
        lo, hi = min(a, b), max(a, b)
        link = self.links.get((self.points[lo].name, self.points[hi].name))
        if link is not None:
            return link
        return self.hops[sum(1 for p in self.points[:lo] if p.leaf is None)]

    def flow(self, fid, proto, src, sport, dst, dport, what, d, df="yes"):
        self.flows.append(dict(id=fid, proto=proto, src=src, sport=sport, dst=dst,
                               dport=dport, what=what, d=d, df=df))

    def conv_tcp(self, fid, c_ip, s_ip, sport, d, t, req, resp, mss_c, mss_s, what,
                 close=True, c_pub=None, s_pub=None):
        rd = "r" if d == "f" else "f"
        cport = self.rng.randrange(*EPHEMERAL)
        c = self.side(fid + "-c2s", d, c_ip, cport)
        s = self.side(fid + "-s2c", rd, s_ip, sport)
        self.flow(c.fid, "tcp", c_ip, cport, s_ip, sport, what + " (client to server)", d)
        self.flow(s.fid, "tcp", s_ip, sport, c_ip, cport, what + " (server to client)", rd)
        c.dst_ip, s.dst_ip = s_pub, c_pub
        tcp_session(self.sim, c, s, t, req, resp, mss_c, mss_s, close)

    def conv_udp(self, fid, c_ip, s_ip, sport, d, t, sizes, interval_ms, what, c_pub=None,
                 s_pub=None):
        rd = "r" if d == "f" else "f"
        cport = self.rng.randrange(*EPHEMERAL)
        c = self.side(fid + "-c2s", d, c_ip, cport)
        s = self.side(fid + "-s2c", rd, s_ip, sport)
        self.flow(c.fid, "udp", c_ip, cport, s_ip, sport, what + " (requests)", d)
        self.flow(s.fid, "udp", s_ip, sport, c_ip, cport, what + " (echoes)", rd)
        c.dst_ip, s.dst_ip = s_pub, c_pub
        udp_echo(self.sim, c, s, t, sizes, interval_ms)

    def conv_ping(self, fid, c_ip, s_ip, d, t, data_sizes, interval_ms, what, c_pub=None,
                  s_pub=None):
        rd = "r" if d == "f" else "f"
        ident = self.rng.randrange(1, 65536)
        v6 = ":" in c_ip
        proto = "icmpv6" if v6 else "icmp"
        c = self.side(fid + "-req", d, c_ip)
        s = self.side(fid + "-rep", rd, s_ip, df=False)
        self.flow(c.fid, proto, c_ip, ident, s_ip, "", what + " (echo requests)", d)
        self.flow(s.fid, proto, s_ip, ident, c_ip, "", what + " (echo replies)", rd,
                  df="yes" if v6 else "no")
        c.dst_ip, s.dst_ip = s_pub, c_pub
        ping(self.sim, c, s, t, ident, data_sizes, interval_ms)

    # ---- rendering -------------------------------------------------------------------

    def render(self, p, d, l3, outer, ids, tenant=None):
        vlans, tun = p.framing(tenant)
        if outer is not None and outer.get("back"):
            d = "r" if d == "f" else "f"     # back from the middlebox: the tunnel reversed
        src, dst = dirpair(p.l2, d)
        if p.mpls:
            labels = p.mpls[d]
            ttl = l3.ttl
            stack = None
            for k, lab in enumerate(labels):
                m = MPLS(label=lab, cos=0, s=1 if k == len(labels) - 1 else 0, ttl=ttl)
                stack = m if stack is None else stack / m
            payload, etype = bytes(stack / l3), 0x8847
        elif tun is not None:
            T = tun
            isrc, idst = dirpair(p.il2, d)
            inner = (mac(idst) + mac(isrc)
                     + struct.pack(">H", 0x86dd if isinstance(l3, IPv6) else 0x0800) + bytes(l3))
            osrc, odst = (T.a, T.b) if d == "f" else (T.b, T.a)
            if T.kind in ("vxlan", "geneve"):
                csum = None if (T.v6 or T.csum) else 0
                sport = udp_src_port(outer["hash"])
                if T.kind == "vxlan":
                    l4 = UDP(sport=sport, dport=T.port, chksum=csum) / \
                        VXLAN(flags=0x08, vni=T.vni) / Raw(inner)
                else:
                    ing, egr = T.ovn_ports if d == "f" else T.ovn_ports[::-1]
                    opt = GeneveOptions(classid=0x0102, type=0x80, length=1,
                                        data=struct.pack(">HH", ing & 0x7fff, egr))
                    l4 = UDP(sport=sport, dport=T.port, chksum=csum) / \
                        GENEVE(version=0, optionlen=2, oam=0, critical=1, proto=0x6558,
                               vni=T.vni, options=[opt]) / Raw(inner)
            else:
                key = T.key if T.kind == "gre" else (T.vsid << 8) | (outer["hash"] & 0xff)
                l4 = GRE(key_present=1, proto=0x6558, key=key) / Raw(inner)
            if T.v6:
                o = IPv6(src=osrc, dst=odst, hlim=outer["ttl"], tc=0, fl=0) / l4
                etype = 0x86dd
            else:
                o = IP(src=osrc, dst=odst, ttl=outer["ttl"], tos=0, id=ids[outer["uid"]],
                       flags="DF") / l4
                etype = 0x0800
            payload = bytes(o)
        else:
            payload = bytes(l3)
            etype = 0x86dd if isinstance(l3, IPv6) else 0x0800
        tags = b"".join(struct.pack(">HH", tpid, vid) for tpid, vid in vlans)
        return mac(dst) + mac(src) + tags + struct.pack(">H", etype) + payload

    def write(self, outroot):
        sim = self.sim
        # outer IPv4 IDs: one counter per encapsulating endpoint, in time order
        ids, counters = {}, {}
        for T, d, t, uid in sorted(sim.encaps, key=lambda e: (e[2], e[3])):
            k = (id(T), d)
            if k not in counters:
                counters[k] = self.rng.randrange(65536)
            ids[uid] = counters[k]
            counters[k] = (counters[k] + 1) & 0xffff
        per_point = {i: [] for i in range(len(self.points))}
        seq = 0
        for fid, d, visits in sim.events:
            for i, t, l3, outer in visits:
                p = self.points[i]
                t += self.clocks.get(p.host, 0)
                if p.start_ns is None or t >= p.start_ns:
                    per_point[i].append((t, seq, self.render(p, d, l3, outer, ids, self.tenant.get(fid))))
                seq += 1
        odir = os.path.join(outroot, self.name)
        os.makedirs(odir, exist_ok=True)
        for i, p in enumerate(self.points):
            for t, b in p.chatter:
                per_point[i].append((t + self.clocks.get(p.host, 0), -1, b))
            frames = [(t, b) for t, _, b in sorted(per_point[i], key=lambda e: (e[0], e[1]))]
            path = os.path.join(odir, p.file)
            if p.fmt == "pcapng":
                write_pcapng(path, frames, p.ifname, p.tsres)
            else:
                write_pcap(path, frames, p.tsres)
        with open(os.path.join(odir, "README"), "w") as f:
            f.write(self.readme.strip() + "\n")
        with open(os.path.join(odir, "manifest.tsv"), "w") as f:
            f.write(self.manifest())
        return [p.file for p in self.points] + ["manifest.tsv", "README"]

    def manifest(self):
        def rec(kind, *kv):
            return "\t".join([kind] + ["%s=%s" % (k, v) for k, v in kv]) + "\n"

        out = [rec("scenario", ("name", self.name), ("title", self.title),
                   ("source", "crafted"), ("offloads", "n/a"))]
        out.append("# written by tests/lab/craft/craft.py; base time 1700000000.000000000; "
                   "tsresol = timestamp resolution of the file (ns or us)\n")
        for p in self.points:
            more = []
            if p.start_ns is not None:
                more.append(("capture_from", "%d.%09d" % divmod(p.start_ns, 10**9)))
            if p.hairpin_ms is not None:
                more.append(("hairpin", "yes"))
            out.append(rec("point", ("name", p.name), ("file", p.file), ("host", p.host),
                           ("ifname", p.ifname), ("kind", p.kind), ("mtu", p.mtu),
                           ("encap", p.encap), ("format", p.fmt),
                           ("clock_offset_s", self.clocks.get(p.host, 0) / 1e9 if p.host in self.clocks else 0),
                           ("tsresol", p.tsres), *more, *p.extra,
                           *((("role", p.role),) if p.role else ()),
                           *((("sees", p.sees),) if p.sees else ())))
        for p in self.points:
            for tenant, seg in sorted(p.segs.items()):
                out.append(rec("segment", ("point", p.name), ("tenant", self.labels[tenant]),
                               ("encap", seg["encap"])))
        names = [p.name for p in self.points]
        on_path = lambda i: self.points[i].leaf is None or self.points[i].on_path
        # what each flow looks like at its first point, sizes, delivery
        first, seen, last = {}, {}, {}
        for fid, d, visits in self.sim.events:
            _, _, l3, _ = visits[0]
            first.setdefault(fid, l3)
            seen.setdefault(fid, []).append(ip_len(l3))
            order = [i for i in self.order(fid, d) if self.points[i].leaf is None]
            reached = [i for i, _, _, _ in visits if self.points[i].leaf is None]
            last[fid] = last.get(fid, 0) + (1 if reached and reached[-1] == order[-1]
                                           and len(set(reached)) == len(order) else 0)
        for fl in self.flows:
            l3 = first[fl["id"]]
            fl["src"], fl["dst"] = l3.src, l3.dst
            more = []
            if fl["id"] in self.tenant:
                more.append(("tenant", self.labels[self.tenant[fl["id"]]]))
            if self.count_packets:
                more.append(("packets", len(seen[fl["id"]])))
            out.append(rec("flow", ("id", fl["id"]), ("proto", fl["proto"]), ("src", fl["src"]),
                           ("sport", fl["sport"]), ("dst", fl["dst"]), ("dport", fl["dport"]),
                           ("what", fl["what"]), ("df", fl["df"]),
                           ("sizes", ",".join(str(n) for n in sorted(set(seen[fl["id"]])))), *more))
        for fl in self.flows:
            order = [names[i] for i in self.order(fl["id"], fl["d"]) if on_path(i)]
            out.append(rec("path", ("flow", fl["id"]), ("points", ">".join(order))))
        for fl in self.flows:
            n, k = len(seen[fl["id"]]), last[fl["id"]]
            result = "all" if k == n else ("none" if k == 0 else "some")
            note = self.deliver_notes.get(fl["id"], "%d of %d packets reach the last point" % (k, n))
            out.append(rec("deliver", ("flow", fl["id"]), ("result", result), ("note", note)))
        for host, off in sorted(self.clocks.items()):
            out.append(rec("clock", ("host", host), ("offset_s", off / 1e9)))
        for r in self.records:
            out.append(r if isinstance(r, str) else rec(*r))
        return "".join(out)


# --------------------------------------------------------------------------------------
# the scenarios
# --------------------------------------------------------------------------------------

F, R = "f", "r"


def mtu_drop(limit):
    return lambda fid, d, l3: ip_len(l3) > limit


def sc_vlan_vxlan():
    sc = Scenario("crafted-vlan-vxlan",
                  "OVS/Neutron VXLAN between two compute nodes, local VLAN 10 on cn1 and 20 on cn2",
                  "Crafted: VM tap -> br-int (802.1Q 10) -> br-tun (VXLAN VNI 100) -> eth1 -> "
                  "routed underlay (+2 ms on cn1->cn2) -> cn2 eth1 -> br-tun -> br-int (802.1Q 20) "
                  "-> tap; TCP, UDP echo and ping between 10.0.0.5 and 10.0.0.6.")
    vm1, vm2 = "fa:16:3e:5a:01:05", "fa:16:3e:5a:01:06"
    e1, g1, e2, g2 = "52:54:00:10:00:11", "52:54:00:aa:10:01", "52:54:00:20:00:12", "52:54:00:aa:20:01"
    T = Tunnel("vxlan", "192.168.10.11", "192.168.20.12", vni=100, port=4789)
    ng, us = "pcapng", "us"
    sc.points = [
        Point("cn1-tap1", "cn1", "tap1", "tap", 1450, "none", ng, "ns", (vm1, vm2)),
        Point("cn1-brint", "cn1", "brint", "ovs", 1500, "vlan:10", ng, "ns", (vm1, vm2),
              vlans=[(0x8100, 10)]),
        Point("cn1-brtun", "cn1", "brtun", "ovs", 1500, "vxlan:100:4789", ng, "ns", (e1, g1),
              tun=T, il2=(vm1, vm2)),
        Point("cn1-eth1", "cn1", "eth1", "phys", 1500, "vxlan:100:4789", ng, "ns", (e1, g1),
              tun=T, il2=(vm1, vm2)),
        Point("cn2-eth1", "cn2", "eth1", "phys", 1500, "vxlan:100:4789", "pcap", us, (g2, e2),
              tun=T, il2=(vm1, vm2)),
        Point("cn2-brtun", "cn2", "brtun", "ovs", 1500, "vxlan:100:4789", "pcap", us, (g2, e2),
              tun=T, il2=(vm1, vm2)),
        Point("cn2-brint", "cn2", "brint", "ovs", 1500, "vlan:20", "pcap", us, (vm1, vm2),
              vlans=[(0x8100, 20)]),
        Point("cn2-tap1", "cn2", "tap1", "tap", 1450, "none", "pcap", us, (vm1, vm2)),
    ]
    sc.hops = [Hop(9, 3), Hop(6, 2), Hop(14, 4), Hop(48, 8, rout=F + R, extra_ms={F: 2.0}),
               Hop(19, 5), Hop(6, 2), Hop(10, 3)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp1", "10.0.0.5", "10.0.0.6", 5201, F, t0, pattern(3 * 1398, 1),
                pattern(96, 2), 1410, 1410, "iperf3-like TCP: handshake, 3 x 1398 B, 96 B reply, FIN")
    sc.conv_udp("udp1", "10.0.0.5", "10.0.0.6", 7, F, t0 + 7 * MS, [128, 256, 1450, 64],
                10, "UDP echo to port 7")
    sc.conv_ping("icmp1", "10.0.0.5", "10.0.0.6", F, t0 + 3 * MS, [56] * 5, 200, "ping -c 5 -i 0.2")
    sc.records += [
        "# the underlay router between cn1 (192.168.10.0/24) and cn2 (192.168.20.0/24) delays "
        "cn1->cn2 tunnel packets by 2 ms (netem); outer TTL 64 -> 63\n",
        ("delay", ("from", "cn1-eth1"), ("to", "cn2-eth1"), ("ms", 2)),
        ("usable_mtu", ("network", "vxlan:100"), ("mtu", 1450)),
    ]
    return sc


def sc_qinq():
    sc = Scenario("crafted-qinq", "QinQ provider trunk: S-tag 300 (0x88a8) over C-tag 10 (0x8100)",
                  "Crafted: tap -> br-vlan (802.1Q 10) -> eth1 provider trunk (802.1ad 300 + 802.1Q 10) "
                  "-> cn2 eth1 -> br-vlan -> tap; TCP, UDP echo and ping between 10.20.0.5 and 10.20.0.6.")
    vm1, vm2 = "fa:16:3e:20:00:05", "fa:16:3e:20:00:06"
    P = lambda n, h, i, k, m, e, v: Point(n, h, i, k, m, e, "pcap", "us", (vm1, vm2), vlans=v)
    sc.points = [
        P("cn1-tap1", "cn1", "tap1", "tap", 1500, "none", []),
        P("cn1-brvlan", "cn1", "brvlan", "ovs", 1500, "vlan:10", [(0x8100, 10)]),
        P("cn1-eth1", "cn1", "eth1", "phys", 1500, "qinq:300.10", [(0x88a8, 300), (0x8100, 10)]),
        P("cn2-eth1", "cn2", "eth1", "phys", 1500, "qinq:300.10", [(0x88a8, 300), (0x8100, 10)]),
        P("cn2-brvlan", "cn2", "brvlan", "ovs", 1500, "vlan:10", [(0x8100, 10)]),
        P("cn2-tap1", "cn2", "tap1", "tap", 1500, "none", []),
    ]
    sc.hops = [Hop(8, 2), Hop(11, 3), Hop(22, 5), Hop(12, 3), Hop(9, 2)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp1", "10.20.0.5", "10.20.0.6", 5201, F, t0, pattern(3 * 1448, 3),
                pattern(64, 4), 1460, 1460, "iperf3-like TCP: handshake, 3 x 1448 B, 64 B reply, FIN")
    sc.conv_udp("udp1", "10.20.0.5", "10.20.0.6", 7, F, t0 + 5 * MS, [100, 300, 1500, 60],
                15, "UDP echo to port 7")
    sc.conv_ping("icmp1", "10.20.0.6", "10.20.0.5", R, t0 + 2 * MS, [56] * 5, 250,
                 "ping -c 5 -i 0.25 from 10.20.0.6")
    return sc


def sc_gre():
    sc = Scenario("crafted-gre", "Neutron GRE tunnel (key 0x64, TEB) between two compute nodes",
                  "Crafted: tap -> br-int (802.1Q 1) -> br-tun (GRE key 100, 0x6558) -> eth1 -> "
                  "cn2 eth1 -> br-tun -> br-int (802.1Q 3) -> tap; one syslog flow is lost on the "
                  "wire between the tunnel endpoints.")
    vm1, vm2 = "fa:16:3e:6e:00:05", "fa:16:3e:6e:00:06"
    e1, e2 = "52:54:00:30:00:11", "52:54:00:30:00:12"
    T = Tunnel("gre", "192.168.30.11", "192.168.30.12", key=0x64)
    P = lambda n, h, i, k, m, e, l2, **kw: Point(n, h, i, k, m, e, "pcap", "ns", l2, **kw)
    sc.points = [
        P("cn1-tap1", "cn1", "tap1", "tap", 1458, "none", (vm1, vm2)),
        P("cn1-brint", "cn1", "brint", "ovs", 1500, "vlan:1", (vm1, vm2), vlans=[(0x8100, 1)]),
        P("cn1-brtun", "cn1", "brtun", "ovs", 1500, "gre:100", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("cn1-eth1", "cn1", "eth1", "phys", 1500, "gre:100", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("cn2-eth1", "cn2", "eth1", "phys", 1500, "gre:100", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("cn2-brtun", "cn2", "brtun", "ovs", 1500, "gre:100", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("cn2-brint", "cn2", "brint", "ovs", 1500, "vlan:3", (vm1, vm2), vlans=[(0x8100, 3)]),
        P("cn2-tap1", "cn2", "tap1", "tap", 1458, "none", (vm1, vm2)),
    ]
    lost = lambda fid, d, l3: fid == "syslog1-c2s"
    sc.hops = [Hop(9, 3), Hop(6, 2), Hop(13, 4), Hop(16, 4, drop=lost), Hop(18, 5), Hop(6, 2),
               Hop(10, 3)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp1", "10.0.0.5", "10.0.0.6", 5201, F, t0, pattern(3 * 1406, 5),
                pattern(80, 6), 1418, 1418, "iperf3-like TCP: handshake, 3 x 1406 B, 80 B reply, FIN")
    sc.conv_udp("udp1", "10.0.0.5", "10.0.0.6", 7, F, t0 + 6 * MS, [64, 300, 1458],
                12, "UDP echo to port 7")
    sc.conv_ping("icmp1", "10.0.0.5", "10.0.0.6", F, t0 + 2 * MS, [56] * 5, 200, "ping -c 5 -i 0.2")
    cport = sc.rng.randrange(*EPHEMERAL)
    c = sc.side("syslog1-c2s", F, "10.0.0.5", cport)
    s = sc.side("-", R, "10.0.0.6", 514)
    sc.flow(c.fid, "udp", "10.0.0.5", cport, "10.0.0.6", 514, "syslog over UDP, 8 messages", F)
    syslog(sc.sim, c, s, t0 + 20 * MS, 8, 100)
    sc.deliver_notes["syslog1-c2s"] = "lost between the tunnel endpoints (crafted loss on the wire)"
    sc.records += [
        "# GRE key 100 = 0x64 (Neutron segmentation id); the underlay is one L2 segment\n",
        ("drop", ("flow", "syslog1-c2s"), ("from", "cn1-eth1"), ("to", "cn2-eth1"),
         ("reason", "loss")),
        ("usable_mtu", ("network", "gre:100"), ("mtu", 1458)),
    ]
    return sc


def sc_nvgre():
    sc = Scenario("crafted-nvgre", "NVGRE (VSID 5001) with distributed routing between two hosts",
                  "Crafted: VM tap -> eth1 (NVGRE VSID 5001, FlowID from flow hash, host routes "
                  "the inner packet) -> routed underlay -> hv2 eth1 -> tap; 10.1.0.5 <-> 10.2.0.6.")
    vm1, vm2, gw = "00:15:5d:01:02:05", "00:15:5d:01:02:06", "00:15:5d:00:00:01"
    e1, g1, e2, g2 = "52:54:00:40:00:11", "52:54:00:aa:40:01", "52:54:00:41:00:12", "52:54:00:aa:41:01"
    T = Tunnel("nvgre", "192.168.40.11", "192.168.41.12", vsid=5001)
    P = lambda n, h, i, k, m, e, l2, **kw: Point(n, h, i, k, m, e, "pcapng", "ns", l2, **kw)
    on_wire = {F: (gw, vm2), R: (gw, vm1)}
    sc.points = [
        P("hv1-tap1", "hv1", "tap1", "tap", 1458, "none", {F: (vm1, gw), R: (gw, vm1)}),
        P("hv1-eth1", "hv1", "eth1", "phys", 1500, "nvgre:5001", (e1, g1), tun=T, il2=on_wire),
        P("hv2-eth1", "hv2", "eth1", "phys", 1500, "nvgre:5001", (g2, e2), tun=T, il2=on_wire),
        P("hv2-tap1", "hv2", "tap1", "tap", 1458, "none", {F: (gw, vm2), R: (vm2, gw)}),
    ]
    sc.hops = [Hop(26, 6, rin=F), Hop(52, 9, rout=F + R), Hop(24, 6, rin=R)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp1", "10.1.0.5", "10.2.0.6", 5201, F, t0, pattern(3 * 1406, 7),
                pattern(120, 8), 1418, 1418, "iperf3-like TCP: handshake, 3 x 1406 B, 120 B reply, FIN")
    sc.conv_udp("udp1", "10.1.0.5", "10.2.0.6", 7, F, t0 + 5 * MS, [80, 200, 1400], 20,
                "UDP echo to port 7")
    sc.conv_ping("icmp1", "10.1.0.5", "10.2.0.6", F, t0 + 3 * MS, [56] * 4, 200, "ping -c 4 -i 0.2")
    sc.conv_ping("icmp2", "10.2.0.6", "10.1.0.5", R, t0 + 103 * MS, [56] * 3, 200,
                 "ping -c 3 -i 0.2 from 10.2.0.6")
    sc.records += [
        "# GRE key = VSID << 8 | FlowID (FlowID = low byte of the inner flow hash); inner TTL is "
        "decremented once by the sending host's distributed router; outer TTL 64 -> 63\n",
    ]
    return sc


def sc_geneve():
    sc = Scenario("crafted-geneve", "OVN Geneve (VNI 5000, option class 0x0102) between two chassis",
                  "Crafted: tap -> genev_sys_6081 (decapsulated view) -> eth1 (Geneve VNI 5000, "
                  "OVN option 0x0102/0x80, UDP checksum on) -> ch2 eth1 -> genev_sys_6081 -> tap.")
    vm1, vm2 = "fa:16:3e:70:00:05", "fa:16:3e:70:00:06"
    e1, e2 = "52:54:00:50:00:11", "52:54:00:50:00:12"
    T = Tunnel("geneve", "192.168.50.11", "192.168.50.12", vni=5000, port=6081, csum=True,
               ovn_ports=(1, 2))
    P = lambda n, h, i, k, m, e, l2, **kw: Point(n, h, i, k, m, e, "pcap", "ns", l2, **kw)
    sc.points = [
        P("ch1-tap1", "ch1", "tap1", "tap", 1442, "none", (vm1, vm2)),
        P("ch1-genev_sys_6081", "ch1", "genev_sys_6081", "ovs", 65000, "none", (vm1, vm2)),
        P("ch1-eth1", "ch1", "eth1", "phys", 1500, "geneve:5000", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("ch2-eth1", "ch2", "eth1", "phys", 1500, "geneve:5000", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("ch2-genev_sys_6081", "ch2", "genev_sys_6081", "ovs", 65000, "none", (vm1, vm2)),
        P("ch2-tap1", "ch2", "tap1", "tap", 1442, "none", (vm1, vm2)),
    ]
    sc.hops = [Hop(11, 3), Hop(12, 3), Hop(15, 4), Hop(21, 5), Hop(10, 3)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp1", "10.0.1.5", "10.0.1.6", 5201, F, t0, pattern(3 * 1390, 9),
                pattern(72, 10), 1402, 1402, "iperf3-like TCP: handshake, 3 x 1390 B, 72 B reply, FIN")
    sc.conv_udp("udp1", "10.0.1.5", "10.0.1.6", 7, F, t0 + 4 * MS, [90, 200, 1442, 64], 10,
                "UDP echo to port 7")
    sc.conv_ping("icmp1", "10.0.1.5", "10.0.1.6", F, t0 + 2 * MS, [56] * 5, 200, "ping -c 5 -i 0.2")
    sc.records += [
        "# Geneve option class 0x0102 (Open vSwitch/OVN) type 0x80 (critical), 4 bytes: logical "
        "ingress port key 1, egress 2 (swapped in reverse); 1442 = 1500 - 58\n",
        ("usable_mtu", ("network", "geneve:5000"), ("mtu", 1442)),
    ]
    return sc


def sc_mpls():
    sc = Scenario("crafted-mpls", "MPLS L3VPN hop between two PE routers (two-label stack)",
                  "Crafted: h1 -> PE1 pushes [16002, 24001] -> PE1-PE2 link -> PE2 pops -> h2 "
                  "(reverse: [16001, 24001]); IPv4 inside, TTL 64 -> 63 -> 62.")
    h1, h2 = "52:54:00:01:00:10", "52:54:00:02:00:20"
    p1a, p1b, p2b, p2a = "52:54:00:e1:00:00", "52:54:00:e1:00:01", "52:54:00:e2:00:01", "52:54:00:e2:00:00"
    stacks = {F: [16002, 24001], R: [16001, 24001]}
    lab = ("labels", "16002/24001,16001/24001")
    P = lambda n, h, i, k, e, l2, **kw: Point(n, h, i, k, 1500, e, "pcap", "us", l2, **kw)
    sc.points = [
        P("h1-eth0", "h1", "eth0", "phys", "none", (h1, p1a)),
        P("pe1-eth1", "pe1", "eth1", "router", "mpls:24001", (p1b, p2b), mpls=stacks, extra=[lab]),
        P("pe2-eth1", "pe2", "eth1", "router", "mpls:24001", (p1b, p2b), mpls=stacks, extra=[lab]),
        P("h2-eth0", "h2", "eth0", "phys", "none", (p2a, h2)),
    ]
    sc.hops = [Hop(27, 6, rin=F + R), Hop(6, 1), Hop(25, 6, rin=F + R)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp1", "172.16.1.10", "172.16.2.20", 5201, F, t0, pattern(3 * 1448, 11),
                pattern(64, 12), 1460, 1460, "iperf3-like TCP: handshake, 3 x 1448 B, 64 B reply, FIN")
    sc.conv_udp("udp1", "172.16.1.10", "172.16.2.20", 7, F, t0 + 5 * MS, [64, 200, 1400, 100], 10,
                "UDP echo to port 7")
    sc.conv_ping("icmp1", "172.16.1.10", "172.16.2.20", F, t0 + 2 * MS, [56] * 4, 200,
                 "ping -c 4 -i 0.2")
    sc.records += [
        "# labels (added key): label stacks seen at the point, outermost first, '/' between "
        "labels, ',' between stacks (to PE2: SR prefix SID 16002 + VPN label 24001; to PE1: "
        "16001 + 24001); encap names the VPN label common to both directions\n",
    ]
    return sc


def sc_nat():
    qr, qg = "qr-1a2b3c4d-5e", "qg-6f7a8b9c-0d"
    sc = Scenario("crafted-nat", "Neutron floating IP: SNAT/DNAT 10.0.0.5 <-> 203.0.113.10 at the "
                  "qrouter", "Crafted: VM tap -> qrouter qr- port -> qg- port (floating IP "
                  "10.0.0.5 <-> 203.0.113.10) -> upstream router -> external host 198.51.100.7.")
    vm, qrm, qgm = "fa:16:3e:11:11:05", "fa:16:3e:22:22:01", "fa:16:3e:33:33:01"
    up1, up2, ext = "52:54:00:cc:00:01", "52:54:00:cc:00:02", "52:54:00:dd:00:07"
    P = lambda n, h, i, k, m, l2: Point(n, h, i, k, m, "none", "pcapng", "ns", l2)
    sc.points = [
        P("net1-tap1", "net1", "tap1", "tap", 1450, (vm, qrm)),
        P("net1-" + qr, "net1", qr, "router", 1450, (vm, qrm)),
        P("net1-" + qg, "net1", qg, "router", 1500, (qgm, up1)),
        P("ext1-eth0", "ext1", "eth0", "phys", 1500, (up2, ext)),
    ]
    sc.hops = [Hop(14, 3), Hop(22, 5, rin=F + R, nat=("10.0.0.5", "203.0.113.10")),
               Hop(61, 10, rin=F + R)]
    t0 = BASE_NS + 1 * MS
    fip = "203.0.113.10"
    sc.conv_tcp("tcp1", "10.0.0.5", "198.51.100.7", 5201, F, t0, pattern(3 * 1398, 13),
                pattern(64, 14), 1410, 1460, "iperf3-like TCP from the VM: 3 x 1398 B, 64 B reply",
                c_pub=fip)
    sc.conv_udp("udp1", "10.0.0.5", "198.51.100.7", 7, F, t0 + 6 * MS, [76, 200, 1450], 10,
                "UDP echo to port 7 from the VM", c_pub=fip)
    sc.conv_ping("icmp1", "10.0.0.5", "198.51.100.7", F, t0 + 2 * MS, [56] * 4, 200,
                 "ping -c 4 -i 0.2 from the VM", c_pub=fip)
    banner_s = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
    banner_c = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
    sc.conv_tcp("ssh1", "198.51.100.7", "10.0.0.5", 22, R, t0 + 40 * MS, banner_c, banner_s,
                1460, 1410, "ssh to the floating IP from outside: banners, FIN", s_pub=fip)
    sc.records += [
        "# nat (added record): packets crossing from -> to have address orig rewritten to new "
        "(source for snat, destination for dnat); IP ID, ports, TCP seq and payload kept\n",
        ("nat", ("from", "net1-" + qr), ("to", "net1-" + qg), ("orig", "10.0.0.5"),
         ("new", "203.0.113.10"), ("kind", "snat")),
        ("nat", ("from", "net1-" + qg), ("to", "net1-" + qr), ("orig", "203.0.113.10"),
         ("new", "10.0.0.5"), ("kind", "dnat")),
    ]
    return sc


def sc_ipv6_underlay():
    sc = Scenario("crafted-ipv6-underlay", "Linux bridge VXLAN (VNI 100) over an IPv6 underlay, "
                  "dual-stack tenant", "Crafted: tap -> vxlan-100 (decapsulated view) -> eth1 "
                  "(outer IPv6/UDP 4789, routed underlay) -> cn2 eth1 -> vxlan-100 -> tap; "
                  "inner IPv4 and IPv6 TCP, UDP echo and pings; tenant MTU 1430.")
    vm1, vm2 = "fa:16:3e:66:00:05", "fa:16:3e:66:00:06"
    e1, g1, e2, g2 = "52:54:00:60:00:11", "52:54:00:aa:60:01", "52:54:00:61:00:12", "52:54:00:aa:61:01"
    T = Tunnel("vxlan", "2001:db8:10::11", "2001:db8:20::12", vni=100, port=4789)
    P = lambda n, h, i, k, m, e, l2, **kw: Point(n, h, i, k, m, e, "pcapng", "ns", l2, **kw)
    sc.points = [
        P("cn1-tap1", "cn1", "tap1", "tap", 1430, "none", (vm1, vm2)),
        P("cn1-vxlan-100", "cn1", "vxlan-100", "vxlan", 1430, "none", (vm1, vm2)),
        P("cn1-eth1", "cn1", "eth1", "phys", 1500, "vxlan:100:4789", (e1, g1), tun=T, il2=(vm1, vm2)),
        P("cn2-eth1", "cn2", "eth1", "phys", 1500, "vxlan:100:4789", (g2, e2), tun=T, il2=(vm1, vm2)),
        P("cn2-vxlan-100", "cn2", "vxlan-100", "vxlan", 1430, "none", (vm1, vm2)),
        P("cn2-tap1", "cn2", "tap1", "tap", 1430, "none", (vm1, vm2)),
    ]
    sc.hops = [Hop(10, 3), Hop(15, 4), Hop(44, 8, rout=F + R), Hop(22, 5), Hop(9, 3)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp4", "10.0.0.5", "10.0.0.6", 5201, F, t0, pattern(2 * 1378, 15),
                pattern(64, 16), 1390, 1390, "iperf3-like TCP over IPv4: 2 x 1378 B, 64 B reply")
    sc.conv_tcp("tcp6", "2001:db8:a::5", "2001:db8:a::6", 5201, F, t0 + 9 * MS,
                pattern(2 * 1358, 17), pattern(64, 18), 1370, 1370,
                "iperf3-like TCP over IPv6: 2 x 1358 B, 64 B reply")
    sc.conv_udp("udp4", "10.0.0.5", "10.0.0.6", 7, F, t0 + 4 * MS, [100, 1430], 10,
                "UDP echo to port 7 over IPv4")
    sc.conv_ping("icmp4", "10.0.0.5", "10.0.0.6", F, t0 + 2 * MS, [56] * 3, 200, "ping -c 3 -i 0.2")
    sc.conv_ping("icmp6", "2001:db8:a::6", "2001:db8:a::5", R, t0 + 52 * MS, [56] * 3, 200,
                 "ping -6 -c 3 -i 0.2 from 2001:db8:a::6")
    sc.records += [
        "# outer IPv6: UDP checksum set (udp6zerocsumtx off), flow label 0, hop limit 64 -> 63 "
        "across the underlay router; 1430 = 1500 - 70\n",
        ("usable_mtu", ("network", "vxlan:100"), ("mtu", 1430)),
    ]
    return sc


def sc_mtu_gre():
    sc = Scenario("crafted-mtu-gre", "GRE tunnel MTU black hole: instances at MTU 1500 on a 1458 path",
                  "Crafted: keyed GRE path whose tenant MTU is wrongly 1500: inner packets above "
                  "1458 bytes vanish between br-int and eth1 (no ICMP), smaller ones pass; the HTTP "
                  "response stalls.")
    vm1, vm2 = "fa:16:3e:7e:00:05", "fa:16:3e:7e:00:06"
    e1, e2 = "52:54:00:70:00:11", "52:54:00:70:00:12"
    T = Tunnel("gre", "192.168.70.11", "192.168.70.12", key=0x64)
    P = lambda n, h, i, k, m, e, l2, **kw: Point(n, h, i, k, m, e, "pcap", "us", l2, **kw)
    sc.points = [
        P("cn1-tap1", "cn1", "tap1", "tap", 1500, "none", (vm1, vm2)),
        P("cn1-brint", "cn1", "brint", "ovs", 1500, "vlan:1", (vm1, vm2), vlans=[(0x8100, 1)]),
        P("cn1-eth1", "cn1", "eth1", "phys", 1500, "gre:100", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("cn2-eth1", "cn2", "eth1", "phys", 1500, "gre:100", (e1, e2), tun=T, il2=(vm1, vm2)),
        P("cn2-brint", "cn2", "brint", "ovs", 1500, "vlan:2", (vm1, vm2), vlans=[(0x8100, 2)]),
        P("cn2-tap1", "cn2", "tap1", "tap", 1500, "none", (vm1, vm2)),
    ]
    big = mtu_drop(1458)
    sc.hops = [Hop(9, 3), Hop(24, 6, drop=lambda f, d, l3: d == F and big(f, d, l3)),
               Hop(15, 4), Hop(25, 6, drop=lambda f, d, l3: d == R and big(f, d, l3)), Hop(10, 3)]
    t0 = BASE_NS + 1 * MS
    req = (b"GET /files/disk.bin HTTP/1.1\r\nHost: 10.0.0.6\r\nUser-Agent: curl/7.88.1\r\n"
           b"Accept: */*\r\n\r\n")
    body = pattern(2900, 19)
    resp = (b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Length: %d\r\nConnection: keep-alive\r\n\r\n" % len(body)) + body
    sc.conv_tcp("http1", "10.0.0.5", "10.0.0.6", 80, F, t0, req, resp, 1460, 1460,
                "curl http://10.0.0.6/files/disk.bin (response segments of 1500 B)", close=False)
    sc.conv_udp("udp1", "10.0.0.5", "10.0.0.6", 7, F, t0 + 3 * MS, [200, 1458, 1459, 1500, 200], 20,
                "UDP echo to port 7, IP lengths 200 1458 1459 1500 200")
    sc.conv_ping("icmp1", "10.0.0.5", "10.0.0.6", F, t0 + 5 * MS, [56, 1430, 1431, 1472, 56, 56], 200,
                 "ping -M do -s 56/1430/1431/1472/56/56")
    sc.deliver_notes["http1-s2c"] = "handshake and small segments arrive; 1500-byte segments and " \
                                    "their retransmissions never do"
    sc.records += [
        "# 1458 = 1500 - 20 (outer IPv4) - 8 (GRE with key) - 14 (inner Ethernet); the tunnel "
        "packets of larger inner packets exceed eth1's MTU and are dropped without ICMP\n",
        ("drop", ("flow", "http1-s2c"), ("from", "cn2-brint"), ("to", "cn2-eth1"),
         ("size_gt", 1458), ("reason", "mtu")),
        ("drop", ("flow", "udp1-c2s"), ("from", "cn1-brint"), ("to", "cn1-eth1"),
         ("size_gt", 1458), ("reason", "mtu")),
        ("drop", ("flow", "icmp1-req"), ("from", "cn1-brint"), ("to", "cn1-eth1"),
         ("size_gt", 1458), ("reason", "mtu")),
        ("usable_mtu", ("point", "cn1-tap1"), ("mtu", 1458)),
        ("usable_mtu", ("point", "cn2-tap1"), ("mtu", 1458)),
        ("usable_mtu", ("network", "gre:100"), ("mtu", 1458)),
    ]
    return sc


def sc_repeats():
    sc = Scenario("crafted-repeats", "Identical packets in flight together on a 20 ms hop",
                  "Crafted: vm1 eth0 -> tap1 (netem delay 20 ms, both ways) -> Linux bridge -> tap2 -> "
                  "vm2 eth0. Byte-identical packets follow each other less than 20 ms apart: the "
                  "kernel's RSTs (IPv4 ID 0) to a client still streaming to a closed socket, a "
                  "constant IPv6 UDP heartbeat every 2 ms, and an SNMP-style request (IPv4 ID 0, "
                  "unconnected socket) lost on the delayed hop and resent identical 250 ms later.")
    vm1, vm2 = "fa:16:3e:44:00:05", "fa:16:3e:44:00:06"
    P = lambda n, h, i, k, fmt, res: Point(n, h, i, k, 1500, "none", fmt, res, (vm1, vm2))
    sc.points = [
        P("vm1-eth0", "vm1", "eth0", "vm", "pcapng", "ns"),
        P("cn1-tap1", "cn1", "tap1", "tap", "pcap", "us"),
        P("cn1-tap2", "cn1", "tap2", "tap", "pcap", "us"),
        P("vm2-eth0", "vm2", "eth0", "vm", "pcapng", "ns"),
    ]
    lost = set()

    def drop_first_resend(fid, d, l3):
        # The second request (its first copy only) dies in the netem queue.
        key = bytes(l3.payload)
        if fid == "snmp1-req" and key.endswith(b"\x02") and key not in lost:
            lost.add(key)
            return True
        return False

    sc.hops = [Hop(20, 4, extra_ms={F: 20, R: 20}, drop=drop_first_resend), Hop(14, 3), Hop(9, 2)]
    t0 = BASE_NS + 1 * MS
    rng = sc.rng

    # TCP: a client streams small writes (TCP_NODELAY, ~1.5 ms apart); the server
    # closes with unread data (RST,ACK), then answers every segment still arriving
    # with a RST of seq = their ACK: no socket, so IPv4 ID 0 and no options.
    cport = rng.randrange(*EPHEMERAL)
    c = sc.side("tcp1-c2s", F, "10.44.0.5", cport)
    s = sc.side("tcp1-s2c", R, "10.44.0.6", 5201)
    sc.flow(c.fid, "tcp", c.ip, cport, s.ip, 5201, "client streaming 120 B writes to a server that "
            "closes (client to server)", F)
    sc.flow(s.fid, "tcp", s.ip, 5201, c.ip, cport, "client streaming 120 B writes to a server that "
            "closes: one RST,ACK then identical RSTs (server to client)", R)
    tcp_session(sc.sim, c, s, t0, pattern(200, 5), pattern(100, 6), 1460, 1460, close=False)
    t = t0 + 200 * MS
    t_rst = None
    for k in range(40):
        ta = tcp_send(c, s, t, "PA", pattern(120, 10 + k))
        c.nxt += 120
        if k == 3:
            ta_close = tcp_send(s, c, ta + think(rng, 5, 15), "RA")
            t_rst = ta_close
        elif k > 3 and ta is not None:
            s.ipid = 0
            rst = TCP(sport=s.port, dport=c.port, seq=s.nxt, ack=0, flags="R", window=0)
            s.send(c, rst, ta + think(rng, 5, 15))
        t += int(rng.uniform(1.3, 1.7) * MS)
        if t_rst is not None and t > t_rst:
            break   # the client's stack has the RST: it stops sending

    # IPv6 UDP: the same 48-byte heartbeat every 2 ms, ten of them in flight at once.
    hb = sc.side("hb6", F, "fd00:44::5", 40001)
    sc.flow("hb6", "udp", hb.ip, 40001, "fd00:44::6", 9999, "constant IPv6 UDP heartbeat, 2 ms apart", F)
    peer6 = sc.side("hb6-peer", R, "fd00:44::6", 9999)
    t = t0 + 300 * MS
    for k in range(30):
        hb.send(peer6, UDP(sport=40001, dport=9999) / Raw(b"HB" + bytes(46)), t)
        t += int(rng.uniform(1.95, 2.05) * MS)

    # SNMP-style GET over an unconnected UDP socket (DF, so IPv4 ID 0); each request
    # is resent identical after 250 ms without an answer.
    q = sc.side("snmp1-req", F, "10.44.0.5", 51515)
    a = sc.side("snmp1-rsp", R, "10.44.0.6", 161)
    sc.flow(q.fid, "udp", q.ip, 51515, a.ip, 161, "SNMP-style GET every 100 ms, resent after 250 ms", F)
    sc.flow(a.fid, "udp", a.ip, 161, q.ip, 51515, "SNMP-style responses", R)
    t = t0 + 400 * MS
    for k in range(1, 5):
        # The request ID lies past the first 16 bytes: the requests differ only there.
        req = b"\x30\x26\x02\x01\x01\x04\x06public\xa0\x19getreq" + bytes([k])
        for attempt in range(2):
            q.ipid = 0
            ta = q.send(a, UDP(sport=51515, dport=161) / Raw(req), t)
            if ta is not None:
                a.ipid = 0
                a.send(q, UDP(sport=161, dport=51515) / Raw(b"rsp" + req), ta + think(rng, 40, 90))
                break
            t += 250 * MS
        t += 100 * MS
    sc.deliver_notes["snmp1-req"] = "the first copy of request 2 dies on the delayed hop; its " \
                                   "identical resend 250 ms later arrives"
    sc.records += [
        ("delay", ("from", "vm1-eth0"), ("to", "cn1-tap1"), ("ms", 20), ("flow", "hb6")),
        ("delay", ("from", "cn1-tap1"), ("to", "vm1-eth0"), ("ms", 20), ("flow", "tcp1-s2c")),
        ("delay", ("from", "vm1-eth0"), ("to", "cn1-tap1"), ("ms", 20), ("flow", "snmp1-req")),
        ("drop", ("flow", "snmp1-req"), ("from", "vm1-eth0"), ("to", "cn1-tap1"),
         ("count", 1), ("reason", "queue"), ("note", "the first copy of request 2")),
    ]
    return sc


# --------------------------------------------------------------------------------------
# identity: packets that look alike (issue 12)
# --------------------------------------------------------------------------------------


def fixed_tcp(sc, fid, c_ip, cport, s_ip, sport, d, t, req, resp, mss, what):
    """A TCP conversation with both ports given (conv_tcp draws the client's)."""
    rd = "r" if d == "f" else "f"
    c = sc.side(fid + "-c2s", d, c_ip, cport)
    s = sc.side(fid + "-s2c", rd, s_ip, sport)
    sc.flow(c.fid, "tcp", c_ip, cport, s_ip, sport, what + " (client to server)", d)
    sc.flow(s.fid, "tcp", s_ip, sport, c_ip, cport, what + " (server to client)", rd)
    tcp_session(sc.sim, c, s, t, req, resp, mss, mss)
    return c.fid, s.fid


def fixed_ping(sc, fid, c_ip, s_ip, ident, d, t, n, interval_ms, what):
    """ping -e IDENT: the identifier given (conv_ping draws it)."""
    rd = "r" if d == "f" else "f"
    proto = "icmpv6" if ":" in c_ip else "icmp"
    c = sc.side(fid + "-req", d, c_ip)
    s = sc.side(fid + "-rep", rd, s_ip, df=False)
    sc.flow(c.fid, proto, c_ip, ident, s_ip, "", what + " (echo requests)", d)
    sc.flow(s.fid, proto, s_ip, ident, c_ip, "", what + " (echo replies)", rd, df="no")
    ping(sc.sim, c, s, t, ident, [56] * n, interval_ms)
    return c.fid, s.fid


def dns_answer(query):
    """The query with the response flags (no answer records: NXDOMAIN-free, empty)."""
    return query[:2] + b"\x81\x80" + query[4:]


def unconnected_udp(sc, fid, c_ip, cport, s_ip, sport, d, t, payloads, interval_ms, what,
                    answer=dns_answer):
    """Requests from an unconnected UDP socket: DF, so IPv4 ID 0 (Linux), and an answer
    each (also ID 0): two senders of the same payloads send byte-identical packets."""
    rd = "r" if d == "f" else "f"
    c = sc.side(fid + "-req", d, c_ip, cport)
    s = sc.side(fid + "-rsp", rd, s_ip, sport)
    sc.flow(c.fid, "udp", c_ip, cport, s_ip, sport, what + " (requests)", d)
    if answer:
        sc.flow(s.fid, "udp", s_ip, sport, c_ip, cport, what + " (answers)", rd)
    rng = sc.rng
    for pl in payloads:
        c.ipid = 0
        ta = c.send(s, UDP(sport=cport, dport=sport) / Raw(pl), t)
        if ta is not None and answer:
            s.ipid = 0
            s.send(c, UDP(sport=sport, dport=cport) / Raw(answer(pl)), ta + think(rng, 30, 60))
        t += int(interval_ms * MS * rng.uniform(0.98, 1.02))
    return c.fid, s.fid


def two_tenants(sc, tenants, t0):
    """The same conversations in each tenant network, 10.0.0.11 <-> 10.0.0.12 with the same
    ports and identifiers, the second network's a few hundred microseconds after the first's:
    a TCP transfer, a ping, and byte-identical DNS-style queries and answers (IPv4 ID 0)."""
    query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03api\x04corp\x00\x00\x01\x00\x01"
    for k, (name, path) in enumerate(tenants):
        lag = k * 230 * US
        sc.context = (name, path)
        fixed_tcp(sc, "tcp-" + name, "10.0.0.11", 43210, "10.0.0.12", 8080, F, t0 + lag,
                           pattern(2 * 1398, 21), pattern(300, 22), 1410,
                           "HTTP-like TCP in tenant " + name)
        fixed_ping(sc, "ping-" + name, "10.0.0.11", "10.0.0.12", 777, F,
                            t0 + 30 * MS + lag, 4, 100, "ping -e 777 in tenant " + name)
        unconnected_udp(sc, "dns-" + name, "10.0.0.11", 40000, "10.0.0.12", 53, F,
                                 t0 + 500 * MS + lag // 2, [query] * 5, 50,
                                 "identical DNS-style queries in tenant " + name)
    sc.context = None


def sc_tenants_vni():
    sc = Scenario("crafted-tenants-vni-overlap",
                  "Two tenant networks with the same addresses: VNI 100 and 200, local VLANs 1/2 "
                  "and 7/3", "Crafted: two Neutron tenants both use 10.0.0.0/24; in each, VM "
                  "10.0.0.11 on cn1 talks to 10.0.0.12 on cn2 with the same ports and ping "
                  "identifier (TCP, ping, identical IPv4-ID-0 DNS-style queries). Tenant A: "
                  "tapa -> br-int VLAN 1 -> VXLAN VNI 100 -> cn2 br-int VLAN 7 -> tapa; tenant B: "
                  "tapb -> VLAN 2 -> VNI 200 -> VLAN 3 -> tapb. The VM taps show no tag.")
    sc.count_packets = True
    a1, a2, b1, b2 = "fa:16:3e:a0:00:11", "fa:16:3e:a0:00:12", "fa:16:3e:b0:00:11", "fa:16:3e:b0:00:12"
    e1, g1, e2, g2 = "52:54:00:10:00:11", "52:54:00:aa:10:01", "52:54:00:20:00:12", "52:54:00:aa:20:01"
    TA = Tunnel("vxlan", "192.168.10.11", "192.168.20.12", vni=100, port=4789)
    TB = Tunnel("vxlan", "192.168.10.11", "192.168.20.12", vni=200, port=4789)
    ovs = lambda vid: {"vlans": [(0x8100, vid)], "encap": "vlan:%d" % vid}
    wire = lambda T: {"tun": T, "encap": "vxlan:%d:4789" % T.vni}
    P = lambda n, h, i, k, m, e, l2, **kw: Point(n, h, i, k, m, e, "pcapng", "ns", l2, **kw)
    sc.points = [
        P("cn1-tapa", "cn1", "tapa", "tap", 1450, "none", (a1, a2)),
        P("cn1-tapb", "cn1", "tapb", "tap", 1450, "none", (b1, b2)),
        P("cn1-brint", "cn1", "brint", "ovs", 1500, "vlan:1|vlan:2", {F: (a1, a2), R: (a2, a1)},
          segs={"A": ovs(1), "B": ovs(2)}),
        P("cn1-eth1", "cn1", "eth1", "phys", 1500, "vxlan:100:4789|vxlan:200:4789", (e1, g1),
          il2=(a1, a2), segs={"A": wire(TA), "B": wire(TB)}),
        P("cn2-eth1", "cn2", "eth1", "phys", 1500, "vxlan:100:4789|vxlan:200:4789", (g2, e2),
          il2=(a1, a2), segs={"A": wire(TA), "B": wire(TB)}),
        P("cn2-brint", "cn2", "brint", "ovs", 1500, "vlan:7|vlan:3", (a1, a2),
          segs={"A": ovs(7), "B": ovs(3)}),
        P("cn2-tapa", "cn2", "tapa", "tap", 1450, "none", (a1, a2)),
        P("cn2-tapb", "cn2", "tapb", "tap", 1450, "none", (b1, b2)),
    ]
    sc.labels = {"A": "vni:100", "B": "vni:200"}
    sc.hops = [Hop(9, 3), Hop(9, 3), Hop(14, 4), Hop(48, 8, rout=F + R), Hop(19, 5), Hop(10, 3),
               Hop(10, 3)]
    for x in ("a", "b"):
        sc.links[("cn1-tap" + x, "cn1-brint")] = Hop(9, 3)
        sc.links[("cn2-brint", "cn2-tap" + x)] = Hop(10, 3)
    pa = ["cn1-tapa", "cn1-brint", "cn1-eth1", "cn2-eth1", "cn2-brint", "cn2-tapa"]
    pb = ["cn1-tapb", "cn1-brint", "cn1-eth1", "cn2-eth1", "cn2-brint", "cn2-tapb"]
    two_tenants(sc, [("A", pa), ("B", pb)], BASE_NS + 1 * MS)
    sc.records += [
        "# segment (added record): the encapsulation of one tenant network's frames at a point "
        "that carries several; tenant: what pathtrace calls the network (flows.csv tenant)\n",
        "# tenant (added flow key): the flow's network; packets (added flow key): distinct "
        "packets the flow sent\n",
    ]
    return sc


def sc_tenants_vlan():
    sc = Scenario("crafted-tenants-vlan-overlap",
                  "Two provider VLAN networks (10 and 20) with the same addresses",
                  "Crafted: linuxbridge provider networks on VLAN 10 and VLAN 20 both use "
                  "10.0.0.0/24; in each, 10.0.0.11 on cn1 talks to 10.0.0.12 on cn2 with the same "
                  "ports and ping identifier. The taps are untagged; the trunk between the hosts "
                  "carries both VLANs.")
    sc.count_packets = True
    a1, a2, b1, b2 = "fa:16:3e:a1:00:11", "fa:16:3e:a1:00:12", "fa:16:3e:b1:00:11", "fa:16:3e:b1:00:12"
    trunk = lambda vid: {"vlans": [(0x8100, vid)], "encap": "vlan:%d" % vid}
    P = lambda n, h, i, k, e, l2, **kw: Point(n, h, i, k, 1500, e, "pcap", "us", l2, **kw)
    sc.points = [
        P("cn1-tapa", "cn1", "tapa", "tap", "none", (a1, a2)),
        P("cn1-tapb", "cn1", "tapb", "tap", "none", (b1, b2)),
        P("cn1-eth1", "cn1", "eth1", "phys", "vlan:10|vlan:20", {F: (a1, a2), R: (a2, a1)},
          segs={"A": trunk(10), "B": trunk(20)}),
        P("cn2-eth1", "cn2", "eth1", "phys", "vlan:10|vlan:20", (a1, a2),
          segs={"A": trunk(10), "B": trunk(20)}),
        P("cn2-tapa", "cn2", "tapa", "tap", "none", (a1, a2)),
        P("cn2-tapb", "cn2", "tapb", "tap", "none", (b1, b2)),
    ]
    sc.labels = {"A": "vlan:10", "B": "vlan:20"}
    sc.hops = [Hop(11, 3), Hop(11, 3), Hop(35, 6), Hop(12, 3), Hop(12, 3)]
    for x in ("a", "b"):
        sc.links[("cn1-tap" + x, "cn1-eth1")] = Hop(11, 3)
        sc.links[("cn2-eth1", "cn2-tap" + x)] = Hop(12, 3)
    pa = ["cn1-tapa", "cn1-eth1", "cn2-eth1", "cn2-tapa"]
    pb = ["cn1-tapb", "cn1-eth1", "cn2-eth1", "cn2-tapb"]
    two_tenants(sc, [("A", pa), ("B", pb)], BASE_NS + 1 * MS)
    return sc


def tcp_open(sim, c, s, t, mss, sack=True):
    """SYN, SYN-ACK, ACK; the time the client sends its ACK."""
    rng = sim.rng
    c.isn, s.isn = rng.randrange(1 << 32), rng.randrange(1 << 32)
    c.nxt, s.nxt = c.isn, s.isn
    ok = [("SAckOK", b"")] if sack else []
    ta = tcp_send(c, s, t, "S", window=(65535 // mss) * mss,
                  syn_opts=[("MSS", mss)] + ok + [("Timestamp", (c.tsval(t), 0)), ("NOP", None),
                                                  ("WScale", 7)])
    c.nxt += 1
    t = ta + think(rng)
    ta = tcp_send(s, c, t, "SA", window=(65535 // mss) * mss,
                  syn_opts=[("MSS", mss)] + ok + [("Timestamp", (s.tsval(t), s.recent)),
                                                  ("NOP", None), ("WScale", 7)])
    s.nxt += 1
    t = ta + think(rng, 5, 15)
    tcp_send(c, s, t, "A")
    return t


def tcp_close(sim, c, s, t):
    """FIN, FIN, ACK (client first); the time of the last ACK."""
    rng = sim.rng
    ta = tcp_send(c, s, t, "FA")
    c.nxt += 1
    ta = tcp_send(s, c, ta + think(rng, 20, 50), "FA")
    s.nxt += 1
    return tcp_send(c, s, ta + think(rng, 5, 15), "A")


def frag_needed(router, ipid, mtu, l3):
    """The router's ICMP fragmentation-needed about l3, quoting its first 28 bytes."""
    return IP(src=router, dst=l3.src, ttl=64, tos=0, id=ipid) / \
        ICMP(type=3, code=4, nexthopmtu=mtu) / IPerror(bytes(l3)[:28])


def mtu_router(sc, fid_icmp, router, mtu):
    """A Hop drop and on_drop pair: DF packets above mtu die on the hop and the router
    sends fragmentation-needed back along flow fid_icmp's path (from the hop's near point)."""
    ids = [4321]

    def drop(fid, d, l3):
        return d == F and not isinstance(l3, IPv6) and ip_len(l3) > mtu and l3.flags.DF

    def on_drop(fid, d, l3, t, near, visits):
        ids[0] += 1
        err = frag_needed(router, ids[0], mtu, l3)
        sc.sim.transit(fid_icmp, R, err, t + int(sc.rng.uniform(20, 40) * US),
                       start=near)
    return drop, on_drop


def sc_lookalike():
    sc = Scenario("crafted-lookalike-udp-two-vms",
                  "Two VMs send the same 48-byte UDP request 100 us apart (DF, IPv4 ID 0)",
                  "Crafted: VMs 10.0.0.5 (tap1) and 10.0.0.6 (tap2) on cn1 both ask the "
                  "health endpoint 10.0.0.9:8125 the same question from the same port every "
                  "50 ms, 100 us apart, from unconnected sockets (DF, so IPv4 ID 0): the "
                  "packets differ only in the source address, and so do the answers. No NAT.")
    sc.count_packets = True
    v1, v2, gw, sv = "fa:16:3e:1c:00:05", "fa:16:3e:1c:00:06", "fa:16:3e:1c:00:01", "52:54:00:1c:00:09"
    P = lambda n, h, i, k, l2: Point(n, h, i, k, 1500, "none", "pcap", "us", l2)
    sc.points = [
        P("cn1-tap1", "cn1", "tap1", "tap", (v1, sv)),
        P("cn1-tap2", "cn1", "tap2", "tap", (v2, sv)),
        P("cn1-eth1", "cn1", "eth1", "phys", {F: (gw, sv), R: (sv, gw)}),
        P("srv-eth0", "srv", "eth0", "phys", {F: (gw, sv), R: (sv, gw)}),
    ]
    sc.hops = [Hop(12, 1), Hop(12, 1), Hop(30, 2)]
    sc.links[("cn1-tap1", "cn1-eth1")] = Hop(12, 1)
    sc.links[("cn1-tap2", "cn1-eth1")] = Hop(12, 1)
    req = b"health?svc=api&zone=1"[:20]
    t0 = BASE_NS + 1 * MS
    for k, (vm, tap) in enumerate((("10.0.0.5", "cn1-tap1"), ("10.0.0.6", "cn1-tap2"))):
        sc.context = (None, [tap, "cn1-eth1", "srv-eth0"])
        unconnected_udp(sc, "hc%d" % (k + 1), vm, 41000, "10.0.0.9", 8125, F, t0 + k * 100 * US,
                        [req] * 12, 50, "health check from %s" % vm, answer=lambda q: b"OK " + q[:17])
    sc.context = None
    return sc


def sc_ipv6_dupacks():
    sc = Scenario("crafted-ipv6-dupacks", "IPv6 TCP: one lost segment, then dup-ACKs that differ "
                  "only in SACK blocks, and identical ones without SACK",
                  "Crafted: h1 -> r1 -> h2 over IPv6 (no IP ID). In the first connection one "
                  "data segment dies on r1 -> h2; the receiver answers each later segment with a "
                  "dup-ACK whose SACK block differs. In the second (SACK not permitted) it answers "
                  "with byte-identical dup-ACKs tens of microseconds apart. None is a copy.")
    sc.count_packets = True
    h1, r1a, r1b, h2 = "52:54:00:d6:00:01", "52:54:00:d6:00:fe", "52:54:00:d6:01:fe", "52:54:00:d6:01:02"
    P = lambda n, h, i, k, l2: Point(n, h, i, k, 1500, "none", "pcapng", "ns", l2)
    sc.points = [
        P("h1-eth0", "h1", "eth0", "phys", (h1, r1a)),
        P("r1-eth1", "r1", "eth1", "router", (r1b, h2)),
        P("h2-eth0", "h2", "eth0", "phys", (r1b, h2)),
    ]
    lost = set()

    def drop_once(fid, d, l3):
        # The fifth data segment of each connection, once.
        tcp = l3.payload
        if d == F and isinstance(tcp, TCP) and len(bytes(tcp.payload)) and fid not in lost:
            seen = drop_once.count.get(fid, 0) + 1
            drop_once.count[fid] = seen
            if seen == 5:
                lost.add(fid)
                return True
        return False
    drop_once.count = {}
    sc.hops = [Hop(40, 1, rin=F + R), Hop(25, 1, drop=drop_once)]
    t = BASE_NS + 1 * MS
    for k, sack in enumerate((True, False)):
        c = sc.side("tcp%d-c2s" % (k + 1), F, "2001:db8:6::1", 50000 + k)
        s_ = sc.side("tcp%d-s2c" % (k + 1), R, "2001:db8:7::2", 5001)
        what = "bulk TCP over IPv6, SACK %s" % ("permitted" if sack else "not permitted")
        sc.flow(c.fid, "tcp", c.ip, c.port, s_.ip, 5001, what + " (client to server)", F)
        sc.flow(s_.fid, "tcp", s_.ip, 5001, c.ip, c.port, what + " (server to client)", R)
        t = tcp_open(sc.sim, c, s_, t, 1440, sack)
        t = dupack_transfer(sc, c, s_, t + 200 * US, 50 if sack else 16, 640, sack)
        t = tcp_close(sc.sim, c, s_, t + 500 * US) + 50 * MS
        sc.records.append(("drop", ("flow", c.fid), ("from", "r1-eth1"), ("to", "h2-eth0"), ("count", 1),
                           ("reason", "loss"), ("note", "the fifth data segment; resent after 3 dup-ACKs")))
    return sc


def dupack_transfer(sc, x, y, t, nseg, seglen, sack):
    """x sends nseg segments 40-60 us apart; y acks every second one in order, and every
    segment after a hole with a dup-ACK (SACK blocks growing, when permitted); x resends
    the hole after 3 dup-ACKs (fast retransmit). The time of the last ACK."""
    rng = sc.rng
    base = x.nxt
    segs = [(base + k * seglen, pattern(seglen, 40 + k)) for k in range(nseg)]
    arrive = {}
    for k, (sq, data) in enumerate(segs):
        arrive[k] = tcp_send(x, y, t, "PA" if k == nseg - 1 else "A", data, seq=sq)
        t += int(rng.uniform(40, 60) * US)
    x.nxt = base + nseg * seglen
    got, cum, dups, hole, last = set(), 0, 0, None, t
    for ta, k in sorted((ta, k) for k, ta in arrive.items() if ta is not None):
        got.add(k)
        saved = x.nxt
        if k != cum:
            hole = cum
            x.nxt = segs[cum][0]
            hi = max(got)
            opts = [("NOP", None), ("NOP", None), ("SAck", (segs[hole + 1][0], segs[hi][0] + seglen))] \
                if sack else None
            last = tcp_send(y, x, ta + int(rng.uniform(8, 12) * US), "A", extra_opts=opts)
            dups += 1
        else:
            while cum in got:
                cum += 1
            if cum % 2 == 0 or cum == nseg:
                x.nxt = segs[cum][0] if cum < nseg else base + nseg * seglen
                last = tcp_send(y, x, ta + int(rng.uniform(8, 12) * US), "A")
        x.nxt = saved
    if hole is not None:
        # fast retransmit after the third dup-ACK, then a cumulative ACK for everything
        sq, data = segs[hole]
        ta = tcp_send(x, y, last + 60 * US, "A", data, seq=sq)
        saved = x.nxt
        x.nxt = base + nseg * seglen
        last = tcp_send(y, x, ta + int(rng.uniform(8, 12) * US), "A")
        x.nxt = saved
    return last


def sc_tlp():
    sc = Scenario("crafted-tlp-spurious", "Spurious tail-loss probes while the originals cross a "
                  "20 ms queue (IPv4 and IPv6)",
                  "Crafted: vm1 -> tap1 -> (a 20 ms queue towards the server) -> eth1 -> srv. "
                  "Each connection sends a burst of four segments; the sender's probe timer (an "
                  "RTT estimate from before the queue) fires 8 ms later and resends the last "
                  "segment, over IPv4 with a new IP ID, while the original still waits in the "
                  "queue. Both arrive; nothing is lost.")
    sc.count_packets = True
    v1, g1, e1, sv = "fa:16:3e:71:00:05", "fa:16:3e:71:00:01", "52:54:00:71:00:11", "52:54:00:71:00:09"
    P = lambda n, h, i, k, l2: Point(n, h, i, k, 1500, "none", "pcapng", "ns", l2)
    sc.points = [
        P("vm1-eth0", "vm1", "eth0", "vm", (v1, g1)),
        P("cn1-tap1", "cn1", "tap1", "tap", (v1, g1)),
        P("cn1-eth1", "cn1", "eth1", "phys", (e1, sv)),
        P("srv-eth0", "srv", "eth0", "phys", (e1, sv)),
    ]
    sc.hops = [Hop(10, 2), Hop(30, 4, rin=F + R, extra_ms={F: 20}), Hop(25, 3)]
    t = BASE_NS + 1 * MS
    for k, (v, cip, sip) in enumerate(((4, "10.71.0.5", "198.51.100.71"), (6, "2001:db8:71::5", "2001:db8:99::71"))):
        c = sc.side("tlp%d-c2s" % v, F, cip, 41000 + k)
        s_ = sc.side("tlp%d-s2c" % v, R, sip, 443)
        what = "TLS-like upload over IPv%d with a spurious tail-loss probe" % v
        sc.flow(c.fid, "tcp", cip, c.port, sip, 443, what + " (client to server)", F)
        sc.flow(s_.fid, "tcp", sip, 443, cip, c.port, what + " (server to client)", R)
        t = tcp_open(sc.sim, c, s_, t, 1460)
        t += 1 * MS
        base = c.nxt
        segs = [(base + i * 1000, pattern(1000, 60 + i)) for i in range(4)]
        arrive = []
        for i, (sq, data) in enumerate(segs):
            arrive.append(tcp_send(c, s_, t, "PA" if i == 3 else "A", data, seq=sq))
            t += int(sc.rng.uniform(20, 30) * US)
        c.nxt = base + 4000
        # the probe: the last segment again, 8 ms after the burst
        probe = tcp_send(c, s_, t + 8 * MS, "PA", segs[3][1], seq=segs[3][0])
        # the receiver acks the burst, then the probe's duplicate with a D-SACK
        last = tcp_send(s_, c, arrive[3] + int(sc.rng.uniform(30, 60) * US), "A")
        dsack = [("NOP", None), ("NOP", None), ("SAck", (segs[3][0], segs[3][0] + 1000))]
        last = tcp_send(s_, c, probe + int(sc.rng.uniform(30, 60) * US), "A", extra_opts=dsack)
        t = tcp_close(sc.sim, c, s_, last + 2 * MS) + 60 * MS
    sc.records += [
        ("delay", ("from", "cn1-tap1"), ("to", "cn1-eth1"), ("ms", 20), ("flow", "tlp4-c2s")),
        ("delay", ("from", "cn1-tap1"), ("to", "cn1-eth1"), ("ms", 20), ("flow", "tlp6-c2s")),
    ]
    return sc


def sc_resegment():
    sc = Scenario("crafted-tcp-resegmented-loss", "A 1291-byte segment dies at a 1280 MTU and is "
                  "resent as 1280 + 63 after ICMP fragmentation-needed",
                  "Crafted: vm1 -> r1 eth0 -> (r1 routes to a link of MTU 1280) -> r1 eth1 -> srv. "
                  "The client announces MSS 1460; its first data segment (IP length 1291, DF) "
                  "dies in r1, which answers with ICMP fragmentation-needed (MTU 1280); the client "
                  "resends the same bytes as 1280 + 63. One packet is lost, not two.")
    sc.count_packets = True
    v1, ra, rb, sv = "fa:16:3e:72:00:05", "52:54:00:72:00:fe", "52:54:00:72:01:fe", "52:54:00:72:01:09"
    P = lambda n, h, i, k, m, l2: Point(n, h, i, k, m, "none", "pcap", "us", l2)
    sc.points = [
        P("vm1-eth0", "vm1", "eth0", "vm", 1500, (v1, ra)),
        P("r1-eth0", "r1", "eth0", "router", 1500, (v1, ra)),
        P("r1-eth1", "r1", "eth1", "router", 1280, (rb, sv)),
        P("srv-eth0", "srv", "eth0", "phys", 1280, (rb, sv)),
    ]
    drop, on_drop = mtu_router(sc, "icmp-mtu", "10.72.0.1", 1280)
    sc.hops = [Hop(15, 2), Hop(40, 3, rin=F + R, drop=drop, on_drop=on_drop), Hop(20, 2)]
    c = sc.side("up-c2s", F, "10.72.0.5", 45000)
    s_ = sc.side("up-s2c", R, "10.72.1.9", 8443)
    sc.flow(c.fid, "tcp", c.ip, c.port, s_.ip, 8443, "upload; the first segment is too big (client "
            "to server)", F)
    sc.flow(s_.fid, "tcp", s_.ip, 8443, c.ip, c.port, "upload (server to client)", R)
    sc.context = (None, ["vm1-eth0", "r1-eth0"])
    sc.side("icmp-mtu", R, "10.72.0.1")
    sc.context = None
    sc.flow("icmp-mtu", "icmp", "10.72.0.1", "", "10.72.0.5", "", "r1's fragmentation-needed", R,
            df="no")
    t = tcp_open(sc.sim, c, s_, BASE_NS + 1 * MS, 1460) + 1 * MS
    base = c.nxt
    rest = 12 * 1228
    data = pattern(1239 + rest, 77)
    ta = tcp_send(c, s_, t, "A", data[:1239], seq=base)         # IP length 1291: dies
    assert ta is None
    t += 400 * US                                                # ICMP back, route MTU learnt
    tcp_send(c, s_, t, "A", data[:1228], seq=base)               # 1280
    t += 30 * US
    tcp_send(c, s_, t, "A", data[1228:1239], seq=base + 1228)    # 63
    for k in range(12):                                          # the rest, at the new size
        t += int(sc.rng.uniform(30, 40) * US)
        off = 1239 + k * 1228
        ta = tcp_send(c, s_, t, "PA" if k == 11 else "A", data[off:off + 1228], seq=base + off)
        if k % 2:
            c.nxt = base + off + 1228
            tcp_send(s_, c, ta + 40 * US, "A")
    c.nxt = base + len(data)
    tcp_close(sc.sim, c, s_, t + 2 * MS)
    sc.records += [
        ("drop", ("flow", "up-c2s"), ("from", "r1-eth0"), ("to", "r1-eth1"), ("size_gt", 1280),
         ("count", 1), ("reason", "mtu"), ("note", "the 1291-byte first segment")),
        ("usable_mtu", ("point", "vm1-eth0"), ("mtu", 1280)),
        ("icmp", ("kind", "frag-needed"), ("sender", "10.72.0.1"), ("mtu", 1280),
         ("flow", "up-c2s"), ("seen_at", "r1-eth0,vm1-eth0")),
    ]
    return sc


def sc_mdns_repeats():
    sc = Scenario("crafted-mdns-repeats", "Identical packets repeated every 0.4 s and 1 s, one "
                  "capture starting late",
                  "Crafted: h1 eth0 -> (a 2 ms tunnel) -> site2 gw eth0. h1 sends the same mDNS "
                  "announcement (IPv6, ff02::fb) every second and the same health check (IPv4 ID "
                  "0, DF) every 400 ms; the capture on h1 starts 0.45 s after the one on the "
                  "gateway, so the gateway saw the first copies alone.")
    sc.count_packets = True
    h1, gw = "52:54:00:4d:00:01", "52:54:00:4d:00:fe"
    t0 = BASE_NS + 1 * MS
    P = lambda n, h, i, k, **kw: Point(n, h, i, k, 1500, "none", "pcapng", "ns", (h1, gw), **kw)
    sc.points = [
        P("h1-eth0", "h1", "eth0", "phys", start_ns=t0 + 450 * MS),
        P("gw-eth0", "gw", "eth0", "router"),
    ]
    sc.hops = [Hop(2000, 15)]
    ann = bytes.fromhex("000084000000000100000000") + b"\x02h1\x05local\x00\x00\x01\x80\x01" + \
        struct.pack(">IH", 120, 4) + bytes([10, 77, 0, 1])
    m = sc.side("mdns", F, "fe80::5054:ff:fe4d:1", 5353)
    peer6 = sc.side("-6", R, "ff02::fb", 5353)
    sc.flow("mdns", "udp", m.ip, 5353, "ff02::fb", 5353, "mDNS announcement every second", F)
    hc = sc.side("hc", F, "10.77.0.1", 43000)
    peer4 = sc.side("-4", R, "10.77.9.9", 8081)
    sc.flow("hc", "udp", hc.ip, 43000, "10.77.9.9", 8081, "health check every 400 ms", F)
    for k in range(25):
        t = t0 + k * 400 * MS
        hc.ipid = 0
        hc.send(peer4, UDP(sport=43000, dport=8081) / Raw(b"GET /healthz ping"), t)
        if k % 5 == 2:
            m.send(peer6, UDP(sport=5353, dport=5353) / Raw(ann), t + 137 * MS)
    sc.records += [
        ("delay", ("from", "h1-eth0"), ("to", "gw-eth0"), ("ms", 2), ("flow", "hc")),
        ("delay", ("from", "h1-eth0"), ("to", "gw-eth0"), ("ms", 2), ("flow", "mdns")),
        "# capture_from (added point key): the capture starts then; earlier packets are not in "
        "its file\n",
    ]
    return sc


def sc_fw_hairpin():
    sc = Scenario("crafted-fw-hairpin", "Every packet goes out to a firewall and comes back on "
                  "the same interface (VXLAN hair-pin, 1.5-6 ms)",
                  "Crafted: vm1 -> cn1 fw0, where each frame leaves VXLAN-encapsulated (VNI 5001) "
                  "for the firewall 10.99.0.4 and comes back from it, tunnel addresses swapped, "
                  "after 1.5 to 6 ms -> cn1 eth1 -> vm2. The second sighting at fw0 is the same "
                  "packet back, not a copy and not another packet.")
    sc.count_packets = True
    v1, v2, h, fw = "fa:16:3e:f0:00:05", "fa:16:3e:f0:00:06", "52:54:00:f0:00:01", "52:54:00:f0:00:04"
    T = Tunnel("vxlan", "10.99.0.1", "10.99.0.4", vni=5001, port=4789)
    P = lambda n, h_, i, k, e, l2, **kw: Point(n, h_, i, k, 1500, e, "pcap", "us", l2, **kw)
    sc.points = [
        P("vm1-eth0", "vm1", "eth0", "vm", "none", (v1, v2)),
        P("cn1-fw0", "cn1", "fw0", "phys", "vxlan:5001:4789", (h, fw), tun=T, il2=(v1, v2),
          hairpin_ms=3.5),
        P("cn1-eth1", "cn1", "eth1", "phys", "none", (v1, v2)),
        P("vm2-eth0", "vm2", "eth0", "vm", "none", (v1, v2)),
    ]
    sc.hops = [Hop(15, 3), Hop(20, 4), Hop(35, 6)]
    t0 = BASE_NS + 1 * MS
    sc.conv_ping("icmp1", "10.30.0.5", "10.30.0.6", F, t0, [56] * 5, 100, "ping -c 5 -i 0.1")
    sc.conv_udp("udp1", "10.30.0.5", "10.30.0.6", 7, F, t0 + 600 * MS, [80, 300, 1200], 30,
                "UDP echo to port 7")
    sc.conv_tcp("tcp1", "10.30.0.5", "10.30.0.6", 8080, F, t0 + 800 * MS, pattern(900, 31),
                pattern(2 * 1398, 32), 1410, 1410, "HTTP-like TCP through the firewall")
    sc.records += [
        "# hairpin (added point key): each packet is seen there twice, out to a middlebox and "
        "back, the tunnel's addresses swapped\n",
    ]
    return sc


def sc_icmp_nat():
    qr, qg = "qr-2b3c4d5e-6f", "qg-7a8b9c0d-1e"
    sc = Scenario("crafted-icmp-across-nat", "ICMP fragmentation-needed about a translated packet, "
                  "translated back to the VM",
                  "Crafted: VM 10.0.0.5 (floating IP 203.0.113.10) -> qr- -> qg- -> r1 eth0 -> "
                  "(MTU 1300 towards the server) -> ext 198.51.100.7. A TCP connection, then DF UDP "
                  "datagrams of 1400 bytes: r1 drops them and sends fragmentation-needed to "
                  "203.0.113.10; the qrouter translates the error and the packet it quotes back to "
                  "10.0.0.5.")
    sc.count_packets = True
    vm, qrm, qgm, r1m, extm = ("fa:16:3e:21:00:05", "fa:16:3e:21:00:01", "fa:16:3e:21:01:01",
                               "52:54:00:21:00:fe", "52:54:00:21:01:07")
    P = lambda n, h, i, k, m, l2: Point(n, h, i, k, m, "none", "pcapng", "ns", l2)
    sc.points = [
        P("net1-tap1", "net1", "tap1", "tap", 1450, (vm, qrm)),
        P("net1-" + qr, "net1", qr, "router", 1450, (vm, qrm)),
        P("net1-" + qg, "net1", qg, "router", 1500, (qgm, r1m)),
        P("r1-eth0", "r1", "eth0", "router", 1500, (qgm, r1m)),
        P("ext-eth0", "ext", "eth0", "phys", 1300, {F: (r1m, extm), R: (extm, r1m)}),
    ]
    drop, on_drop = mtu_router(sc, "icmp-mtu", "192.0.2.1", 1300)
    sc.hops = [Hop(14, 3), Hop(22, 5, rin=F + R, nat=("10.0.0.5", "203.0.113.10")), Hop(30, 5),
               Hop(45, 8, rin=F + R, drop=drop, on_drop=on_drop)]
    t0 = BASE_NS + 1 * MS
    sc.conv_tcp("tcp1", "10.0.0.5", "198.51.100.7", 443, F, t0, pattern(600, 51), pattern(4 * 1188, 52),
                1260, 1260, "HTTPS-like TCP from the VM")
    sc.context = (None, ["net1-tap1", "net1-" + qr, "net1-" + qg, "r1-eth0"])
    sc.side("icmp-mtu", R, "192.0.2.1")
    sc.context = None
    sc.flow("icmp-mtu", "icmp", "192.0.2.1", "", "203.0.113.10", "", "r1's fragmentation-needed "
            "(to the floating IP, translated back to the VM)", R, df="no")
    sizes = [200, 1400, 200, 1400, 600, 300, 1400, 250]
    payloads = [struct.pack(">I", k + 1) + pattern(n - 32, 90 + k) for k, n in enumerate(sizes)]
    c, _ = unconnected_udp(sc, "big1", "10.0.0.5", 40500, "198.51.100.7", 9000, F, t0 + 300 * MS,
                           payloads, 20, "DF datagrams, some above the path MTU, from the VM",
                           answer=lambda q: b"ack" + q[:4])
    for fl in sc.flows:
        if fl["id"] == "big1-rsp":
            fl["what"] = "answers to the datagrams that arrive"
    sc.records += [
        ("nat", ("from", "net1-" + qr), ("to", "net1-" + qg), ("orig", "10.0.0.5"),
         ("new", "203.0.113.10"), ("kind", "snat")),
        ("nat", ("from", "net1-" + qg), ("to", "net1-" + qr), ("orig", "203.0.113.10"),
         ("new", "10.0.0.5"), ("kind", "dnat")),
        ("drop", ("flow", "big1-req"), ("from", "r1-eth0"), ("to", "ext-eth0"), ("size_gt", 1300),
         ("reason", "mtu")),
        ("icmp", ("kind", "frag-needed"), ("sender", "192.0.2.1"), ("mtu", 1300), ("flow", "big1-req"),
         ("seen_at", "r1-eth0,net1-%s,net1-%s,net1-tap1" % (qg, qr))),
    ]
    return sc


def arp_who_has(sender_mac, sender_ip, target_ip):
    """An ARP request, broadcast: what an OVS bridge floods to its own port."""
    sha = mac(sender_mac)
    ip4 = lambda a: bytes(int(x) for x in a.split("."))
    return (b"\xff" * 6 + sha + b"\x08\x06" + bytes([0, 1, 8, 0, 6, 4, 0, 1]) + sha + ip4(sender_ip)
            + b"\x00" * 6 + ip4(target_ip))


def sc_ovs_kernel():
    sc = Scenario("crafted-ovs-kernel", "Neutron Open vSwitch, kernel datapath: br-int, br-tun and br-ex "
                  "captured as internal ports, an ovs-tcpdump mirror of br-int",
                  "Crafted: Neutron ML2/OVS on the kernel datapath (the usual deployment), two compute "
                  "nodes. VM tap -> OVS br-int -> br-tun -> vxlan_sys_4789 (VXLAN VNI 100, port 4789) -> "
                  "the host routes the tunnel packet out of br-ex, the OVS internal port holding the "
                  "tunnel address 192.168.100.11 -> eth1 (a port of br-ex) -> compute-2 the same way "
                  "back. tcpdump on br-int or br-tun captures the bridge's own internal port: br-int "
                  "sees only what it floods there (the first two packets of each flow, before it has "
                  "learnt the MAC; tagged with the local VLAN), br-tun only ARP broadcasts; br-ex is a "
                  "real hop for every tunnel packet. ovs-tcpdump -i br-int --span on compute-1 "
                  "(mirror port mibr-int) sees every frame br-int forwards. Every copy a port receives "
                  "keeps the stamp of the first receive (the tap's, or eth1's after decapsulation); "
                  "what a device sends is stamped when it sends it. compute-2's clock runs 2.1 ms "
                  "ahead.")
    h1, h2 = "compute-1", "compute-2"
    tap1, tap2 = "tap5f3c2a1b-9d", "tap7e8d9c0b-1a"
    vm1, vm2 = "fa:16:3e:0b:01:05", "fa:16:3e:0b:01:06"
    ex1, ex2, gw1, gw2 = "52:54:00:ee:00:11", "52:54:00:ee:00:12", "52:54:00:aa:64:01", "52:54:00:aa:65:01"
    T = Tunnel("vxlan", "192.168.100.11", "192.168.101.12", vni=100, port=4789)
    ng = "pcapng"
    floods = lambda fid, d, l3, n: n < 2     # unknown unicast, until the bridge learns the MAC
    # (the manifest says so: sees=first:2)
    mirror = lambda fid, d, l3, n: True
    never = lambda fid, d, l3, n: False
    t0 = BASE_NS + 1 * MS
    arps = lambda m, a, b: [(t0 - 200 * US + k * 150 * MS, arp_who_has(m, a, b)) for k in range(8)]
    P = lambda h, i, k, m, e, l2, **kw: Point(h + "-" + i, h, i, k, m, e, ng, "ns", l2, **kw)
    sc.points = [
        P(h1, tap1, "tap", 1450, "none", (vm1, vm2), role="hop"),
        P(h1, "mibr-int", "ovs", 1450, "none", (vm1, vm2), leaf=mirror, on_path=True, role="bridge"),
        P(h1, "br-int", "ovs", 1450, "vlan:1", (vm1, vm2), vlans=[(0x8100, 1)], leaf=floods,
          role="flood", sees="first:2"),
        P(h1, "br-tun", "ovs", 1450, "none", (vm1, vm2), leaf=never, role="flood", sees="none",
          chatter=arps("fa:16:3e:0b:01:07", "10.0.0.7", "10.0.0.1")),
        P(h1, "vxlan_sys_4789", "ovs", 65000, "none", (vm1, vm2), role="hop"),
        P(h1, "br-ex", "ovs", 1500, "vxlan:100:4789", (ex1, gw1), tun=T, il2=(vm1, vm2), role="hop"),
        P(h1, "eth1", "phys", 1500, "vxlan:100:4789", (ex1, gw1), tun=T, il2=(vm1, vm2), role="hop"),
        P(h2, "eth1", "phys", 1500, "vxlan:100:4789", (gw2, ex2), tun=T, il2=(vm1, vm2), role="hop"),
        P(h2, "br-ex", "ovs", 1500, "vxlan:100:4789", (gw2, ex2), tun=T, il2=(vm1, vm2), role="hop"),
        P(h2, "vxlan_sys_4789", "ovs", 65000, "none", (vm1, vm2), role="hop"),
        P(h2, "br-tun", "ovs", 1450, "none", (vm1, vm2), leaf=never, role="flood", sees="none",
          chatter=arps("fa:16:3e:0b:01:08", "10.0.0.8", "10.0.0.1")),
        P(h2, "br-int", "ovs", 1450, "vlan:2", (vm1, vm2), vlans=[(0x8100, 2)], leaf=floods,
          role="flood", sees="first:2"),
        P(h2, tap2, "tap", 1450, "none", (vm1, vm2), role="hop"),
    ]
    # Between the chain's points: the datapath and the vxlan device (12 us out, 18 back in),
    # the route to br-ex, br-ex to eth1, a routed underlay; receives keep eth1's stamp.
    sc.hops = [Hop(12, 3, rbase_us=18, rjit_us=4), Hop(5, 1, rbase_us=0, rjit_us=0),
               Hop(4, 1, rbase_us=0, rjit_us=0), Hop(45, 8, rout=F + R),
               Hop(0, 0, rbase_us=4, rjit_us=1), Hop(0, 0, rbase_us=5, rjit_us=1),
               Hop(18, 4, rbase_us=12, rjit_us=3)]
    sc.clocks = {h2: 2100 * US}   # compute-2's clock runs 2.1 ms ahead
    sc.conv_tcp("tcp1", "10.0.0.5", "10.0.0.6", 5201, F, t0, pattern(12 * 1398, 21),
                pattern(96, 22), 1410, 1410, "iperf3-like TCP: handshake, 12 x 1398 B, 96 B reply, FIN")
    sc.conv_udp("udp1", "10.0.0.5", "10.0.0.6", 7, F, t0 + 7 * MS,
                [128, 256, 1450, 64, 512, 1024, 200, 100], 10, "UDP echo to port 7")
    sc.conv_ping("icmp1", "10.0.0.6", "10.0.0.5", R, t0 + 3 * MS, [56] * 10, 100,
                 "ping -c 10 -i 0.1 from 10.0.0.6")
    sc.records += [
        "# role (added key): what pathtrace should take each point for: br-int and br-tun are "
        "internal ports that see floods only (off paths), br-ex carries the tunnel packets (a "
        "hop), the mirror holds a copy of every frame (a bridge copy, on paths)\n",
        ("usable_mtu", ("network", "vxlan:100"), ("mtu", 1450)),
    ]
    return sc


SCENARIOS = [sc_vlan_vxlan, sc_qinq, sc_gre, sc_nvgre, sc_geneve, sc_mpls, sc_nat,
             sc_ipv6_underlay, sc_mtu_gre, sc_repeats, sc_tenants_vni, sc_tenants_vlan,
             sc_lookalike, sc_ipv6_dupacks, sc_tlp, sc_resegment, sc_mdns_repeats, sc_fw_hairpin,
             sc_icmp_nat, sc_ovs_kernel]


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: craft.py OUTROOT\n")
        return 2
    outroot = argv[1]
    os.makedirs(outroot, exist_ok=True)
    for make in SCENARIOS:
        sc = make()
        files = sc.write(outroot)
        print("%s: %d files" % (sc.name, len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
