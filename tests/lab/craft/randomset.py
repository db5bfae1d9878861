#!/usr/bin/python3
"""randomset.py [--max-points N] [--big-clocks] [--count K] SEED OUTDIR

Writes one random multi-point capture set with its ground truth: OUTDIR gets one capture file
per capture point (<host>-<ifname>.pcap or .pcapng), a manifest.tsv (doc/lab-manifest.md) and a
README.  Deterministic per seed: the same seed and options give the same bytes.  With --count K,
seeds SEED .. SEED+K-1 go to OUTDIR/<seed>/ (one interpreter start for many sets).

What a seed draws (each from its own random.Random):
  - a cloud flavour: Neutron Linux bridge agent (tapXXXXXXXX-XX > brqXXXXXXXX-XX > vxlan-<vni>
    or <nic>.<vid>), Neutron Open vSwitch with hybrid plug (tap > qbr > qvb/qvo veth pair >
    vxlan_sys_4789, gre_sys or genev_sys_6081), OVN (tap > genev_sys_6081 with the OVN Geneve
    option), or libvirt/containers (vnetN or vethXXXXXXX > br0 > vxlanN or <nic>.<vid>, and
    virbr0 with the host routing and masquerading);
  - 2-8 hosts: compute nodes, a network node with a Neutron router (qr-/qg- ports, TTL
    decrement, MAC rewrite, floating-IP NAT or SNAT), an external host, VMs captured inside;
  - tenant networks: VXLAN (port 4789 or 8472), GRE (key) or Geneve (VNI), 802.1Q VLAN or flat,
    IPv4 or IPv6 underlay (routed or not), dual-stack tenants; MTUs: a correct VM MTU (1450,
    1442, 1458...), a jumbo underlay, or sometimes the classic VM MTU 1500 over a 1450-usable
    VXLAN (GRE, Geneve) network, or a router whose far link has a small MTU (DF: dropped with
    ICMP frag-needed, later DF packets refused by the sender; no DF: fragmented);
  - traffic between the same and different hosts: TCP sessions (DF and no DF), UDP echo (DF
    with IPv4 ID 0 as unconnected sockets send it, or no DF), pings (also ping -M dont and
    ping -6), one-way syslog, UDP datagrams fragmented by the sender, several flows per pair;
  - per-hop delays with jitter (a promiscuous bridge's copy keeps its ingress port's receive
    stamp; a decapsulated packet may keep the underlay's receive stamp), netem delays on a
    device's egress, random losses of data packets on random hops (exact counts), per-host clock
    offsets (up to 3 ms; --big-clocks: up to 5 minutes, beyond pathtrace's 1 s window);
  - which points were captured (3-40 points, --max-points up to 200), each as pcap or pcapng
    with microsecond or nanosecond stamps.

The manifest states only what the simulation makes certain: every point, every flow that has
packets at its first captured point with its path over the captured points, delivery, each loss
(hop and exact count), the added delays a flow shows on a captured hop (written only when every
packet of the flow shows it within 4 %), clock offsets of hosts whose every point is joined to the
reference point (the alphabetically first non-bridge capture, whose host keeps true time) by
two-way traffic, NAT, and for MTU problems the drop (size_gt and count), usable_mtu, icmp and frag
records.  Packets are simulated with tests/lab/craft/craft.py's building blocks (Point, Tunnel,
Hop, Sim, Side, tcp_session, udp_echo, ping, the pcap/pcapng writers), imported as a module.
Needs Debian's python3-scapy; exits 77 when scapy is missing.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _ensure_scapy():
    try:
        import scapy  # noqa: F401
        return
    except ImportError:
        pass
    alt = "/usr/bin/python3"
    if (os.path.exists(alt) and not os.environ.get("PATHTRACE_RANDOMSET_REEXEC")
            and os.path.realpath(sys.executable) != os.path.realpath(alt)):
        os.environ["PATHTRACE_RANDOMSET_REEXEC"] = "1"
        os.execv(alt, [alt, os.path.abspath(__file__)] + sys.argv[1:])
    sys.stderr.write("randomset.py: python3 module scapy is missing "
                     "(Debian: apt-get install python3-scapy)\n")
    sys.exit(77)


_ensure_scapy()

# craft.py re-executes *itself* under /usr/bin/python3 when scapy is missing; scapy is here now,
# but make sure an import can never exec craft.py in our place.  Its main() only runs as __main__.
os.environ["PATHTRACE_CRAFT_REEXEC"] = "1"
sys.path.insert(0, HERE)

import argparse  # noqa: E402
import glob  # noqa: E402
import random  # noqa: E402

import craft  # noqa: E402
from craft import BASE_NS, US, MS, EPHEMERAL  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP, ICMP  # noqa: E402
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest, ICMPv6EchoReply  # noqa: E402

F, R = "f", "r"
OTHER = {F: R, R: F}
GEN = "tests/lab/craft/randomset.py"


# --------------------------------------------------------------------------------------
# the model: capture points, chain elements, hops, routers, routes
# --------------------------------------------------------------------------------------


class Host:
    def __init__(self, name, role):
        self.name, self.role = name, role     # role: compute, network, external, vm
        self.offset_ns = 0
        self.points = []


class GPoint:
    """One capture point (one file).  Routes hold their own craft.Point views of it, since MACs,
    tunnel and VLAN differ from route to route."""

    def __init__(self, rs, host, ifname, kind, mtu, note=None):
        self.host, self.ifname, self.kind, self.mtu = host, ifname, kind, mtu
        self.name = host.name + "-" + ifname
        assert self.name not in rs.points, self.name
        self.encaps = []
        self.notes = [note] if note else []
        self.captured = False
        self.forced = False
        self.fmt, self.tsres = rs.rng.choice([("pcap", "us"), ("pcap", "ns"), ("pcapng", "us"),
                                              ("pcapng", "ns")])
        self.bridge = kind == "bridge"
        rs.points[self.name] = self
        host.points.append(self)

    def add_encap(self, e):
        if e not in self.encaps:
            self.encaps.append(e)

    @property
    def file(self):
        return self.name + (".pcapng" if self.fmt == "pcapng" else ".pcap")


class El:
    """A point as one route sees it: forward frames' MACs, VLAN tags, tunnel."""

    def __init__(self, gp, l2, vlans=(), tun=None, il2=None):
        self.gp, self.l2, self.vlans, self.tun, self.il2 = gp, l2, list(vlans), tun, il2
        if tun is not None:
            assert il2 is not None


class HSpec:
    """The hop between two neighbouring elements: a symmetric base delay with jitter (us), an
    extra delay per direction (us, no jitter: a bridge copy or a decapsulated packet keeps an
    earlier receive stamp one way), outer TTL decrement (routed underlay), and whether the hop
    enters a tunnel (for the MTU black hole: the direction in which packets get encapsulated)."""

    def __init__(self, base, jit, df=0.0, dr=0.0, rout=False, tun_entry=None):
        self.base, self.jit, self.df, self.dr, self.rout = base, jit, df, dr, rout
        self.tun_entry = tun_entry

    def rev(self):
        te = OTHER[self.tun_entry] if self.tun_entry else None
        return HSpec(self.base, self.jit, self.dr, self.df, self.rout, te)


class Router:
    """Routing between two segments: TTL decrement, NAT (nat=(private, public), forward is
    outward), a per-direction egress MTU and the address that answers ICMP on the ingress."""

    def __init__(self, name, base, jit, nat=None, mtu=None, gw=None):
        self.name, self.base, self.jit, self.nat = name, base, jit, nat
        self.mtu = mtu or {}
        self.gw = gw or {}
        self.extra_ms = {F: 0.0, R: 0.0}
        self.plans = {}


class Route:
    """A chain of elements from endpoint A (forward start) to B, split into L2 segments by
    routers."""

    def __init__(self, name, what):
        self.name, self.what = name, what
        self.items = []            # El, HSpec, Router alternating
        self.mtu = {F: 1500, R: 1500}
        self.convs = []
        self.pmtu = {}

    def el(self, e):
        assert not self.items or not isinstance(self.items[-1], El)
        self.items.append(e)

    def hop(self, h):
        assert isinstance(self.items[-1], El)
        self.items.append(h)

    def router(self, r):
        assert isinstance(self.items[-1], El)
        self.items.append(r)

    def chain(self, els_hops):
        """Append [El, HSpec, El, HSpec, ..., El]; a leading HSpec joins it to the last El."""
        for x in els_hops:
            if isinstance(x, El):
                self.el(x)
            else:
                self.hop(x)

    def finish(self):
        """Flatten: names, segment boundaries, positions of hops and routers."""
        self.flat = [x for x in self.items if isinstance(x, El)]
        self.names = [e.gp.name for e in self.flat]
        assert len(set(self.names)) == len(self.names), "route %s revisits a point: %s" % (
            self.name, self.names)
        self.gaps = []             # gap p is between flat[p] and flat[p+1]: HSpec or Router
        for x in self.items:
            if not isinstance(x, El):
                self.gaps.append(x)
        assert len(self.gaps) == len(self.flat) - 1
        self.hosts = []
        for e in self.flat:
            if e.gp.host not in self.hosts:
                self.hosts.append(e.gp.host)

    def captured(self):
        return [e.gp.name for e in self.flat if e.gp.captured]

    def around(self, p, d):
        """Captured points before and after gap p in direction d (None when there is none)."""
        before = [e.gp.name for e in self.flat[:p + 1] if e.gp.captured]
        after = [e.gp.name for e in self.flat[p + 1:] if e.gp.captured]
        if d == F:
            return (before[-1] if before else None), (after[0] if after else None)
        return (after[0] if after else None), (before[-1] if before else None)


# --------------------------------------------------------------------------------------
# simulation: one craft.Sim per L2 segment, routers between them
# --------------------------------------------------------------------------------------


class SegSc:
    """What craft.Sim needs of a scenario."""

    def __init__(self, rng, points, hops):
        self.rng, self.points, self.hops = rng, points, hops


def ip_len(l3):
    return craft.ip_len(l3)


def is_df(l3):
    return isinstance(l3, IP) and bool(int(l3.flags) & 2)


def is_fragment(l3):
    return isinstance(l3, IP) and (l3.frag != 0 or bool(int(l3.flags) & 1))


def eligible(l3):
    """Packets a random loss may take: data, datagrams, echoes; not handshakes or FINs (the
    TCP model needs them), not fragments, not ICMP errors."""
    if is_fragment(l3):
        return False
    l4 = l3.payload
    if isinstance(l4, TCP):
        return len(bytes(l4.payload)) > 0 and not (int(l4.flags) & 0x07)
    if isinstance(l4, UDP):
        return True
    if isinstance(l4, ICMP):
        return l4.type in (0, 8)
    return isinstance(l4, (ICMPv6EchoRequest, ICMPv6EchoReply))


def fragment4(l3, mtu):
    """IPv4 fragments of l3 for a link of MTU mtu (as Linux cuts them)."""
    raw = bytes(l3)
    hl = (raw[0] & 0x0f) * 4
    data = raw[hl:]
    step = (mtu - hl) // 8 * 8
    out = []
    for off in range(0, len(data), step):
        chunk = data[off:off + step]
        more = off + step < len(data)
        out.append(IP(src=l3.src, dst=l3.dst, ttl=l3.ttl, tos=l3.tos, id=l3.id,
                      flags="MF" if more else 0, frag=off // 8, proto=l3.proto) / Raw(chunk))
    return out


class Stats:
    def __init__(self):
        self.sent = 0          # datagrams seen at the flow's first captured point
        self.delivered = 0     # ... of which every piece reached its last captured point
        self.sizes = []
        self.first_l3 = None
        self.drops = {}        # (gap position, reason) -> count
        self.frag = None       # (by, at, mtu)
        self.icmp = []         # (kind, sender, mtu, seen_at)
        self.points = []       # captured points crossed by at least one packet


class RouteSim:
    """What craft's Side and conversation helpers need of a Sim (rng, transit), for a route of
    several segments joined by routers."""

    def __init__(self, rs, route):
        self.rs, self.route, self.rng = rs, route, rs.rng
        self.segs = []             # (craft.Sim, first flat index)
        self.seg_of_gap = {}
        flat, gaps = route.flat, route.gaps
        start = 0
        for p in range(len(flat)):
            if p == len(flat) - 1 or isinstance(gaps[p], Router):
                self.segs.append(self._segment(start, p))
                start = p + 1
        self.routers = [g for g in gaps if isinstance(g, Router)]
        self.router_pos = [p for p, g in enumerate(gaps) if isinstance(g, Router)]
        cap = route.captured()
        self.first_cap = {F: cap[0] if cap else None, R: cap[-1] if cap else None}
        self.last_cap = {F: cap[-1] if cap else None, R: cap[0] if cap else None}

    def _segment(self, a, b):
        route = self.route
        pts, hops = [], []
        for p in range(a, b + 1):
            e = route.flat[p]
            g = e.gp
            pts.append(craft.Point(g.name, g.host.name, g.ifname, g.kind, g.mtu, "none", g.fmt,
                                   g.tsres, e.l2, vlans=e.vlans, tun=e.tun, il2=e.il2))
            if p < b:
                hops.append(self.rs.make_hop(route, p))
        sim = craft.Sim(SegSc(self.rng, pts, hops))
        self.rs.sims.append(sim)
        return sim, a

    # ---- transit ---------------------------------------------------------------------

    def transit(self, fid, d, l3, t):
        st = self.rs.stats.setdefault(fid, Stats())
        size = ip_len(l3)
        own = self.route.mtu[d]
        limit = min(own, self.route.pmtu.get(d, own))
        pieces = [l3]
        if size > limit:
            if isinstance(l3, IPv6) or is_df(l3):
                return None          # EMSGSIZE: the sender's stack refuses it
            pieces = fragment4(l3, limit)
            if st.frag is None:
                st.frag = ("sender", self.first_cap[d], limit)
        first = self.first_cap[d]
        seen_first, all_last, t_end = False, True, None
        for k, piece in enumerate(pieces):
            ok, t_last, at_first = self._go(fid, d, piece, t + k * 2 * US, 0, st)
            seen_first = seen_first or at_first
            all_last = all_last and ok
            t_end = t_last if ok else t_end
        if seen_first:
            st.sent += 1
            if all_last:
                st.delivered += 1
            if st.first_l3 is None:
                st.first_l3 = l3
        del first
        return t_end if all_last else None

    def _segments_in(self, d):
        order = list(range(len(self.segs)))
        return order if d == F else order[::-1]

    def _go(self, fid, d, l3, t, k, st):
        """Carry l3 from the k-th segment (in direction d) on.  Returns (reached the last
        captured point, time at the end, seen at the first captured point)."""
        order = self._segments_in(d)
        at_first, reached = False, False
        for n in range(k, len(order)):
            s = order[n]
            sim, a = self.segs[s]
            if n > k or (n == k and k > 0):
                # the router before this segment (in direction d)
                ridx = s - 1 if d == F else s
                res = self._route(fid, d, l3, t, ridx, n, st)
                if res is None:
                    return reached, None, at_first
                if isinstance(res, list):
                    ok_all, t_last = True, None
                    for j, fr in enumerate(res):
                        ok, tt, _ = self._go(fid, d, fr[0], fr[1], n + 1 if False else n, st) \
                            if False else self._go_from(fid, d, fr[0], fr[1], n, st)
                        ok_all = ok_all and ok
                        t_last = tt if ok else t_last
                    return ok_all or reached, (t_last if ok_all else None), at_first
                l3, t = res
            t2 = sim.transit(fid, d, l3, t)
            visits = sim.events[-1][2]
            for i, tv, l3v, _ in visits:
                name = sim.sc.points[i].name
                if name == self.first_cap[d]:
                    at_first = True
                    st.sizes.append(ip_len(l3v))
                if name == self.last_cap[d]:
                    reached = True
                if self.rs.points[name].captured and name not in st.points:
                    st.points.append(name)
            if t2 is None:
                return reached, None, at_first
            l3, t = visits[-1][2], t2
        return reached, t, at_first

    def _go_from(self, fid, d, l3, t, n, st):
        """A fragment made by the router before the n-th segment: carry it from there."""
        order = self._segments_in(d)
        reached = False
        for m in range(n, len(order)):
            s = order[m]
            sim, a = self.segs[s]
            if m > n:
                ridx = s - 1 if d == F else s
                res = self._route(fid, d, l3, t, ridx, m, st)
                if res is None or isinstance(res, list):
                    return reached, None, False
                l3, t = res
            t2 = sim.transit(fid, d, l3, t)
            visits = sim.events[-1][2]
            for i, tv, l3v, _ in visits:
                name = sim.sc.points[i].name
                if name == self.last_cap[d]:
                    reached = True
                if self.rs.points[name].captured and name not in st.points:
                    st.points.append(name)
            if t2 is None:
                return reached, None, False
            l3, t = visits[-1][2], t2
        return reached, t, False

    def _route(self, fid, d, l3, t, ridx, n, st):
        """Forward l3 across router ridx in direction d: (l3, t), a list of fragments
        [(l3, t)], or None when the router drops it."""
        rt = self.routers[ridx]
        pos = self.router_pos[ridx]
        t += int(round((rt.base + self.rng.uniform(-rt.jit, rt.jit)) * US))
        t += int(round(rt.extra_ms[d] * MS))
        plan = rt.plans.get(fid)
        if plan and plan.hit(d, l3):
            st.drops[(pos, "loss")] = st.drops.get((pos, "loss"), 0) + 1
            return None
        orig = l3
        l3 = l3.copy()
        if isinstance(l3, IPv6):
            l3.hlim -= 1
        else:
            l3.ttl -= 1
        if rt.nat:
            priv, pub = rt.nat
            if d == F and l3.src == priv:
                l3.src = pub
            if d == R and l3.dst == pub:
                l3.dst = priv
        mtu = rt.mtu.get(d)
        if mtu and ip_len(l3) > mtu:
            if isinstance(l3, IPv6) or is_df(l3):
                st.drops[(pos, "mtu")] = st.drops.get((pos, "mtu"), 0) + 1
                self._icmp_back(fid, d, orig, t, ridx, mtu, st)
                return None
            frs = fragment4(l3, mtu)
            if st.frag is None:
                at = self.route.around(pos, d)[1]
                st.frag = ("router", at, mtu)
            return [(fr, t + k * 2 * US) for k, fr in enumerate(frs)]
        return l3, t

    def _icmp_back(self, fid, d, orig, t, ridx, mtu, st):
        """ICMP frag-needed from the router's ingress address to the sender, back across the
        segment before the router; the sender's stack then knows the path MTU."""
        rt = self.routers[ridx]
        src = rt.gw[d]
        quote = bytes(orig)[:28]
        err = IP(src=src, dst=orig.src, ttl=64, id=self.rng.randrange(65536), flags=0) / \
            ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(quote)
        s = ridx if d == F else ridx + 1
        sim, a = self.segs[s]
        efid = "icmp-error-" + fid
        sim.transit(efid, OTHER[d], err, t + int(self.rng.uniform(8, 20) * US))
        seen = [sim.sc.points[i].name for i, _, _, _ in sim.events[-1][2]
                if self.rs.points[sim.sc.points[i].name].captured]
        if not any(x[0] == "frag-needed" for x in st.icmp):
            st.icmp.append(("frag-needed", src, mtu, seen))
        self.route.pmtu[d] = mtu


class Plan:
    """Random loss of some eligible packets of one flow in one direction."""

    def __init__(self, d, ordinals):
        self.d, self.ordinals, self.n = d, set(ordinals), 0

    def hit(self, d, l3):
        if d != self.d or not eligible(l3):
            return False
        self.n += 1
        return self.n in self.ordinals


class ZeroIdSide(craft.Side):
    """An unconnected UDP socket (or a ping socket) sending with DF: IPv4 ID 0 on Linux."""

    def send(self, peer, l4, t, df=None):
        if (self.df if df is None else df):
            self.ipid = 0
        return craft.Side.send(self, peer, l4, t, df)


# --------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def port_id(rng):
    return hexid(rng, 8) + "-" + hexid(rng, 2)


class RandomSet:
    def __init__(self, seed, max_points=40, big_clocks=False):
        self.seed = seed
        self.rng = random.Random("pathtrace-randomset-%d" % seed)
        self.max_points = max(3, min(200, max_points))
        self.big_clocks = big_clocks
        self.points = {}
        self.hosts = []
        self.routes = []
        self.sims = []
        self.stats = {}
        self.flows = []           # dicts: id, proto, src, sport, dst, dport, what, df, d, route
        self.records = []
        self.notes = []
        self.used_ports = set()
        self.used_ids = set()
        self.used_names = set()
        self.netem = []           # (gp name, toward, ms)
        self.mac_n = 0
        self.problem = None       # None, ('tunnel', net), ('router', router)

    # ---- small helpers ---------------------------------------------------------------

    def mac(self, oui="fa:16:3e"):
        self.mac_n += 1
        r = self.rng
        return "%s:%02x:%02x:%02x" % (oui, r.randrange(256), self.mac_n >> 8 & 0xff, self.mac_n & 0xff)

    def host(self, name, role):
        h = Host(name, role)
        self.hosts.append(h)
        return h

    def ephemeral(self):
        while True:
            p = self.rng.randrange(*EPHEMERAL)
            if p not in self.used_ports:
                self.used_ports.add(p)
                return p

    def ident(self):
        while True:
            i = self.rng.randrange(1, 65536)
            if i not in self.used_ids:
                self.used_ids.add(i)
                return i

    def make_hop(self, route, p):
        """craft.Hop for gap p of route (a HSpec), with netem extras and the drop callback."""
        h = route.gaps[p]
        a, b = route.flat[p].gp, route.flat[p + 1].gp
        extra = {F: h.df / 1000.0, R: h.dr / 1000.0}
        for name, ms in self.netem:
            if b.name == name and self.points[name].netem_from == a.name:
                extra[F] += ms
            if a.name == name and self.points[name].netem_from == b.name:
                extra[R] += ms
        plans = route.hop_plans.get(p, {})
        mtu_dir = route.mtu_drop.get(p)

        def drop(fid, d, l3, plans=plans, mtu_dir=mtu_dir, p=p):
            if mtu_dir and d == mtu_dir[0] and ip_len(l3) > mtu_dir[1]:
                st = self.stats.setdefault(fid, Stats())
                st.drops[(p, "mtu")] = st.drops.get((p, "mtu"), 0) + 1
                return True
            plan = plans.get(fid)
            if plan and plan.hit(d, l3):
                st = self.stats.setdefault(fid, Stats())
                st.drops[(p, "loss")] = st.drops.get((p, "loss"), 0) + 1
                return True
            return False

        return craft.Hop(h.base, h.jit, rout=(F + R) if h.rout else "", extra_ms=extra, drop=drop)

    # ---- topology --------------------------------------------------------------------

    def build(self):
        rng = self.rng
        self.flavour = rng.choice(["lb", "lb", "ovs", "ovs", "ovn", "libvirt"])
        self.v6_underlay = rng.random() < 0.15
        style = rng.choice(["cn", "compute-", "node", "hv", "kvm"])
        self.tun_nic = rng.choice(["eth1", "ens3", "eno1", "enp3s0", "bond0"])
        self.prov_nic = rng.choice(["eth2", "ens4", "eno2", "enp4s0"])
        small = self.max_points < 12
        big = self.max_points > 60
        ncomp = rng.choice([1, 2, 2, 2, 3, 3, 4]) if not small else rng.choice([1, 2])
        self.computes = [self.host("%s%d" % (style, k + (0 if style.endswith("-") else 1)), "compute")
                         for k in range(ncomp)]
        kind = {"lb": ["vxlan", "vxlan", "vlan"], "ovs": ["vxlan", "gre", "geneve", "vlan"],
                "ovn": ["geneve"], "libvirt": ["vxlan", "vlan", "flat"]}[self.flavour]
        self.nets = []
        nnet = 1 if small else rng.choice([1, 1, 2, 2, 3])
        for k in range(nnet):
            self.nets.append(self.make_net(rng.choice(kind), k))
        # a router (Neutron network node or the libvirt host's NAT)
        self.router_mode = None
        room = 8 - ncomp
        if self.flavour in ("lb", "ovs") and room >= 2 and rng.random() < 0.45:
            self.router_mode = "neutron"
        elif self.flavour == "libvirt" and room >= 1 and rng.random() < 0.4:
            self.router_mode = "virbr"
        self.underlay()
        self.choose_problem()
        # VMs
        self.vms = []
        per = [1, 2, 2, 3] if not big else [4, 6, 8, 10]
        for h in self.computes:
            for _ in range(rng.choice(per)):
                self.add_vm(h, rng.choice(self.nets))
        if ncomp == 1 and len(self.vms) < 2:
            self.add_vm(self.computes[0], self.vms[0].net)
        self.make_routes()

    def make_net(self, kind, k):
        rng = self.rng
        n = type("Net", (), {})()
        n.kind = kind
        n.index = k
        n.id = port_id(rng)
        n.v4 = "10.%d.%d." % (rng.randrange(0, 250), rng.randrange(0, 250))
        while any(m.v4 == n.v4 for m in getattr(self, "nets", [])):
            n.v4 = "10.%d.%d." % (rng.randrange(0, 250), rng.randrange(0, 250))
        n.v6 = "fd%02x:%x:%x::" % (rng.randrange(256), rng.randrange(1, 65536), k + 1) \
            if rng.random() < 0.3 else None
        n.vms = []
        if kind == "vxlan":
            n.segid = rng.choice([rng.randrange(1, 5000), rng.randrange(1, 1 << 24)])
            n.port = 8472 if self.flavour in ("lb",) and rng.random() < 0.4 else 4789
        elif kind == "gre":
            n.segid = rng.randrange(1, 5000)
            n.port = None
        elif kind == "geneve":
            n.segid = rng.randrange(1, 1 << 24) if self.flavour == "ovn" else rng.randrange(1, 5000)
            n.port = 6081
        elif kind == "vlan":
            n.segid = rng.randrange(2, 4095)
            n.port = None
        else:
            n.segid = None
            n.port = None
        return n

    def underlay(self):
        rng = self.rng
        self.underlay_mtu = rng.choice([1500, 1500, 1500, 9000])
        self.routed_underlay = rng.random() < 0.4
        base = rng.randrange(1, 250)
        self.nic_addr = {}
        self.nic_mac = {}
        self.gw_mac = self.mac("52:54:00")
        for k, h in enumerate(self.computes):
            sub = base + (k if self.routed_underlay else 0)
            self.nic_addr[h.name] = ("2001:db8:%x::%d" % (sub, 11 + k) if self.v6_underlay
                                     else "192.168.%d.%d" % (sub % 256, 11 + k))
            self.nic_mac[h.name] = self.mac("52:54:00")

    def overhead(self, kind):
        v6 = 20 if self.v6_underlay else 0
        return {"vxlan": 50 + v6, "geneve": 58 + v6, "gre": 42 + v6}.get(kind, 0)

    def choose_problem(self):
        rng = self.rng
        for n in self.nets:
            usable = self.underlay_mtu - self.overhead(n.kind)
            n.usable = usable
            n.vm_mtu = usable if n.kind in ("vxlan", "gre", "geneve") else 1500
            if n.vm_mtu > 1500:
                n.vm_mtu = 1500          # jumbo underlay: VMs keep 1500
            n.problem = False
        tunnel_nets = [n for n in self.nets if n.kind in ("vxlan", "gre", "geneve")]
        x = rng.random()
        if tunnel_nets and self.underlay_mtu == 1500 and not self.v6_underlay and x < 0.25:
            n = rng.choice(tunnel_nets)
            n.problem = True
            n.vm_mtu = 1500
            self.problem = ("tunnel", n)
        elif self.router_mode == "neutron" and x > 0.8:
            self.problem = ("router", rng.choice([576, 1000, 1280, 1400]))

    def add_vm(self, h, net):
        rng = self.rng
        v = type("VM", (), {})()
        v.host, v.net = h, net
        v.k = len(net.vms)
        v.ip4 = net.v4 + str(10 + len(net.vms) + 10 * net.index)
        v.ip6 = (net.v6 + "%x" % (0x10 + len(net.vms))) if net.v6 else None
        v.mac = self.mac("fa:16:3e" if self.flavour != "libvirt" else "52:54:00")
        v.mtu = net.vm_mtu
        v.zero_id = rng.random() < 0.5
        pid = port_id(rng)
        v.pid = pid
        n_on_host = sum(1 for w in self.vms if w.host is h)
        if self.flavour == "libvirt":
            v.tap = rng.choice(["vnet%d" % n_on_host, "veth" + hexid(rng, 7)])
        else:
            v.tap = "tap" + pid
        v.vmname = None
        if len(self.hosts) < 8 and rng.random() < 0.2:
            v.vmname = "vm%d" % (len(self.vms) + 1)
        v.index = len(self.vms)
        self.vms.append(v)
        net.vms.append(v)
        return v

    # ---- points of a VM port, of a host's network, of the NICs -----------------------

    def gp(self, host, ifname, kind, mtu, note=None):
        name = host.name + "-" + ifname
        if name in self.points:
            return self.points[name]
        return GPoint(self, host, ifname, kind, mtu, note)

    def vm_host(self, v):
        if v.vmname is None:
            return None
        for h in self.hosts:
            if h.name == v.vmname:
                return h
        return self.host(v.vmname, "vm")

    def port_part(self, v, l2):
        """From the VM outward up to the element that joins the host's switching:
        [vm eth0] > tap [> qbr > qvb > qvo].  Returns (items, last element)."""
        rng = self.rng
        items = []
        vh = self.vm_host(v)
        if vh is not None:
            items += [El(self.gp(vh, rng.choice(["eth0", "ens3"]) if False else "eth0", "vm", v.mtu), l2),
                      HSpec(rng.uniform(15, 40), rng.uniform(2, 6))]
        tap = self.gp(v.host, v.tap, "tap" if not v.tap.startswith("veth") else "veth", v.mtu)
        items.append(El(tap, l2))
        if self.flavour == "ovs":
            qbr = self.gp(v.host, "qbr" + v.pid, "bridge", v.mtu)
            qvb = self.gp(v.host, "qvb" + v.pid, "veth", v.mtu)
            qvo = self.gp(v.host, "qvo" + v.pid, "veth", v.mtu)
            d = rng.uniform(3, 12)
            items += [HSpec(0, 0, 0.0, d), El(qbr, l2), HSpec(0, 0, d, 0.0), El(qvb, l2),
                      HSpec(rng.uniform(2, 6), rng.uniform(0.5, 1.5)), El(qvo, l2)]
        return items

    def host_switch(self, v, l2):
        """The host's own bridge a port hangs off: brq (Linux bridge agent), br0 (libvirt),
        none (OVS br-int is not captured)."""
        if self.flavour == "lb":
            return El(self.gp(v.host, "brq" + v.net.id, "bridge", min(v.mtu, self.dev_mtu(v.net))), l2)
        if self.flavour == "libvirt":
            name = "br0" if v.net.kind != "vlan" else "br%d" % v.net.segid
            return El(self.gp(v.host, name, "bridge", min(v.mtu, self.dev_mtu(v.net))), l2)
        return None

    def dev_mtu(self, net):
        if net.kind in ("vxlan", "gre", "geneve"):
            return net.usable if self.flavour in ("lb", "libvirt") else 65000
        return 1500

    def to_same_host(self, v1, v2, l2):
        """Items from v1 to v2 on one host and one network."""
        rng = self.rng
        a = self.port_part(v1, l2)
        b = self.port_part(v2, l2)
        items = list(a)
        sw = self.host_switch(v1, l2)
        if sw is not None:
            d1, d2 = rng.uniform(3, 12), rng.uniform(3, 12)
            items += [HSpec(0, 0, 0.0, d2), sw, HSpec(0, 0, d1, 0.0)]
        else:
            items.append(HSpec(rng.uniform(4, 15), rng.uniform(1, 3)))
        items += reverse_items(b)
        return items

    def outward(self, v, l2, tun, il2, peer_host, vlan=None):
        """From VM v to its host's NIC, for an L2 segment whose frames are l2 (forward) and
        whose NIC frames are tunnelled (tun, il2) or VLAN-tagged."""
        rng = self.rng
        net = v.net
        items = self.port_part(v, l2)
        sw = self.host_switch(v, l2)
        if sw is not None:
            d1, d2 = rng.uniform(3, 12), rng.uniform(3, 12)
            items += [HSpec(0, 0, 0.0, d2), sw, HSpec(0, 0, d1, 0.0)]
        items += self.host_net(v.host, net, l2, tun, il2, bool(sw), entry_from=items[-1])
        return items

    def host_net(self, h, net, l2, tun, il2, after_bridge, entry_from=None):
        """[tunnel device >] NIC, or [<nic>.<vid> >] NIC for VLAN networks, from the host's
        switching outward.  The first HSpec joins it to what comes before."""
        rng = self.rng
        items = []
        quirk = self.decap_quirk
        if net.kind in ("vxlan", "gre", "geneve"):
            if self.flavour == "lb":
                dev = self.gp(h, "vxlan-%d" % net.segid, "vxlan", net.usable)
            elif self.flavour == "libvirt":
                dev = self.gp(h, "vxlan%d" % net.segid, "vxlan", net.usable)
            elif net.kind == "vxlan":
                dev = self.gp(h, "vxlan_sys_%d" % net.port, "vxlan", 65000)
            elif net.kind == "gre":
                dev = self.gp(h, "gre_sys", "ovs", 65000)
            else:
                dev = self.gp(h, "genev_sys_6081", "ovs", 65000)
            nic = self.gp(h, self.tun_nic, "phys", self.underlay_mtu)
            nic.add_encap(self.encap_of(net))
            if after_bridge:
                # the bridge copy was stamped at ingress: the hop into the device takes time
                # outward; inward the copy keeps the device's stamp
                items.append(None)     # placeholder: the HSpec before is the bridge's
            else:
                items.append(HSpec(rng.uniform(5, 20), rng.uniform(1, 4)))
            items.append(El(dev, l2))
            d_out = rng.uniform(5, 20)
            d_in = 0.0 if quirk else rng.uniform(4, 12)
            items += [HSpec(0, 0, d_out, d_in, tun_entry=F if net.problem else None),
                      El(nic, (self.nic_mac[h.name], None), tun=tun, il2=il2)]
            if self.problem and self.problem[0] == "tunnel" and self.problem[1] is net:
                pass
        elif net.kind == "vlan":
            nic = self.gp(h, self.prov_nic, "phys", 1500)
            nic.add_encap("vlan:%d" % net.segid)
            if self.flavour in ("lb", "libvirt"):
                sub = self.gp(h, "%s.%d" % (self.prov_nic, net.segid), "phys", 1500,
                              note="802.1Q sub-interface of %s" % self.prov_nic)
                items += [None if after_bridge else HSpec(rng.uniform(4, 12), rng.uniform(1, 3)),
                          El(sub, l2), HSpec(rng.uniform(2, 6), rng.uniform(0.5, 1.5))]
            else:
                items.append(None if after_bridge else HSpec(rng.uniform(6, 20), rng.uniform(1, 4)))
            items.append(El(nic, l2, vlans=[(0x8100, net.segid)]))
        else:
            nic = self.gp(h, self.prov_nic, "phys", 1500)
            nic.add_encap("none")
            items.append(None if after_bridge else HSpec(rng.uniform(4, 12), rng.uniform(1, 3)))
            items.append(El(nic, l2))
        # a None placeholder means: the previous item already is the joining HSpec
        return [x for x in items if x is not None] if after_bridge else items

    def encap_of(self, net):
        if net.kind == "vxlan":
            return "vxlan:%d:%d" % (net.segid, net.port)
        if net.kind == "gre":
            return "gre:%d" % net.segid
        if net.kind == "geneve":
            return "geneve:%d" % net.segid
        return "none"

    def tunnel(self, net, ha, hb):
        a, b = self.nic_addr[ha.name], self.nic_addr[hb.name]
        if net.kind == "vxlan":
            return craft.Tunnel("vxlan", a, b, vni=net.segid, port=net.port)
        if net.kind == "gre":
            return craft.Tunnel("gre", a, b, key=net.segid)
        return craft.Tunnel("geneve", a, b, vni=net.segid, port=6081, csum=True,
                            ovn_ports=(self.rng.randrange(1, 64), self.rng.randrange(1, 64)))

    def wire(self, net, ha, hb):
        """The hop between two hosts' NICs; outer MACs on each side."""
        rng = self.rng
        if net.kind in ("vxlan", "gre", "geneve"):
            if self.routed_underlay:
                return HSpec(rng.uniform(40, 200), rng.uniform(3, 15), rout=True), \
                    (self.nic_mac[ha.name], self.gw_mac), (self.gw_mac, self.nic_mac[hb.name])
            return HSpec(rng.uniform(20, 120), rng.uniform(2, 10)), \
                (self.nic_mac[ha.name], self.nic_mac[hb.name]), \
                (self.nic_mac[ha.name], self.nic_mac[hb.name])
        return HSpec(rng.uniform(20, 120), rng.uniform(2, 10)), None, None

    def cross_hosts(self, va, vb, l2):
        """Items of an L2 segment from VM va to VM vb on another host (same network)."""
        net = va.net
        tun = self.tunnel(net, va.host, vb.host) if net.kind in ("vxlan", "gre", "geneve") else None
        wire, oa, ob = self.wire(net, va.host, vb.host)
        a = self.outward(va, l2, tun, l2 if tun else None, vb.host)
        b = self.outward(vb, l2, tun, l2 if tun else None, va.host)
        if tun:
            a[-1].l2 = oa
            b[-1].l2 = ob
        return a + [wire] + reverse_items(b)

    # ---- routes ----------------------------------------------------------------------

    def make_routes(self):
        rng = self.rng
        self.decap_quirk = rng.random() < 0.7
        pairs = []
        for n in self.nets:
            vs = n.vms
            for i in range(len(vs)):
                for j in range(i + 1, len(vs)):
                    pairs.append((vs[i], vs[j]))
        rng.shuffle(pairs)
        target = rng.randint(1, 3) if self.max_points <= 40 else rng.randint(3, 40)
        used = []
        for va, vb in pairs:
            if len(self.routes) >= target:
                break
            if va.host is vb.host:
                self.route_same_host(va, vb)
            else:
                self.route_cross(va, vb)
            used += [va, vb]
        if self.router_mode == "neutron":
            self.setup_neutron_router()
            for v in rng.sample(self.vms, min(len(self.vms), rng.choice([1, 1, 2, 3]))):
                self.route_north_south(v)
        elif self.router_mode == "virbr":
            for v in rng.sample(self.vms, min(len(self.vms), rng.choice([1, 2]))):
                if v.net.kind != "vlan":
                    self.route_virbr(v)
        if not self.routes:
            # at least one route: two VMs, or a VM and a new one next to it
            v = self.vms[0]
            w = self.add_vm(v.host if len(self.computes) == 1 else rng.choice(
                [h for h in self.computes if h is not v.host]), v.net)
            if v.host is w.host:
                self.route_same_host(v, w)
            else:
                self.route_cross(v, w)
        for r in self.routes:
            r.finish()

    def new_route(self, name, what):
        r = Route(name, what)
        r.hop_plans = {}
        r.mtu_drop = {}
        self.routes.append(r)
        return r

    def route_same_host(self, va, vb):
        r = self.new_route("r%d" % (len(self.routes) + 1), "%s and %s on %s, same network" % (
            va.ip4, vb.ip4, va.host.name))
        r.chain(self.to_same_host(va, vb, (va.mac, vb.mac)))
        r.ends = (va, vb)
        r.mtu = {F: va.mtu, R: vb.mtu}

    def route_cross(self, va, vb):
        r = self.new_route("r%d" % (len(self.routes) + 1), "%s on %s and %s on %s over %s" % (
            va.ip4, va.host.name, vb.ip4, vb.host.name, va.net.kind))
        r.chain(self.cross_hosts(va, vb, (va.mac, vb.mac)))
        r.ends = (va, vb)
        r.mtu = {F: va.mtu, R: vb.mtu}

    def setup_neutron_router(self):
        rng = self.rng
        style = rng.choice(["net1", "network-0", "ctl1", "neutron1"])
        self.netnode = self.host(style, "network")
        k = len(self.computes)
        sub = rng.randrange(1, 250)
        self.nic_addr[self.netnode.name] = ("2001:db8:%x::%d" % (sub, 5) if self.v6_underlay
                                            else "192.168.%d.%d" % (sub, 5))
        if not self.routed_underlay:
            # one underlay segment: the network node sits on the computes' subnet
            h0 = self.computes[0].name
            a = self.nic_addr[h0]
            self.nic_addr[self.netnode.name] = a.rsplit(".", 1)[0] + ".5" if "." in a \
                else a.rsplit(":", 1)[0] + ":5"
        self.nic_mac[self.netnode.name] = self.mac("52:54:00")
        del k
        self.ext_host = self.host(rng.choice(["ext1", "client1", "inet1"]), "external")
        self.ext_net = "%d.%d.%d." % rng.choice([(198, 51, 100), (203, 0, 113), (192, 0, 2)])
        self.ext_ip = self.ext_net + str(rng.randrange(100, 250))
        self.ext_mac = self.mac("52:54:00")
        self.ext_vlan = rng.choice([None, rng.randrange(2, 4095)])
        self.router_id = port_id(rng)
        self.qg = "qg-" + port_id(rng)
        self.qg_mac = self.mac()
        self.qg_ip = self.ext_net + str(rng.randrange(2, 20))
        self.qr = {}
        self.fips = {}
        self.upstream_mac = self.mac("52:54:00")

    def qr_of(self, net):
        if net.id not in self.qr:
            self.qr[net.id] = ("qr-" + port_id(self.rng), self.mac(), net.v4 + "1")
        return self.qr[net.id]

    def route_north_south(self, v):
        """VM > its host > network node > qr- > (router, NAT) > qg- > provider NIC > external."""
        rng = self.rng
        net = v.net
        nn = self.netnode
        qrname, qrmac, gw = self.qr_of(net)
        problem_mtu = self.problem[1] if self.problem and self.problem[0] == "router" else None
        nat = None
        if rng.random() < 0.6:
            fip = self.ext_net + str(rng.randrange(20, 99))
            while fip in self.fips.values() or fip == self.ext_ip:
                fip = self.ext_net + str(rng.randrange(20, 99))
            self.fips[v.ip4] = fip
            nat = (v.ip4, fip)
        else:
            nat = (v.ip4, self.qg_ip) if rng.random() < 0.5 else None
        what = "%s on %s to external %s via router %s%s" % (
            v.ip4, v.host.name, self.ext_ip, nn.name,
            "" if not nat else " (%s %s)" % ("floating IP" if nat[1] != self.qg_ip else "SNAT", nat[1]))
        r = self.new_route("r%d" % (len(self.routes) + 1), what)
        l2 = (v.mac, qrmac)
        if net.kind in ("vxlan", "gre", "geneve"):
            tun = self.tunnel(net, v.host, nn)
            wire, oa, ob = self.wire(net, v.host, nn)
            a = self.outward(v, l2, tun, l2, nn)
            a[-1].l2 = oa
            r.chain(a)
            r.hop(wire)
            # network node: NIC > tunnel device [> brq] > qr-
            nic = self.gp(nn, self.tun_nic, "phys", self.underlay_mtu)
            nic.add_encap(self.encap_of(net))
            if self.flavour == "lb":
                dev = self.gp(nn, "vxlan-%d" % net.segid, "vxlan", net.usable)
            elif net.kind == "vxlan":
                dev = self.gp(nn, "vxlan_sys_%d" % net.port, "vxlan", 65000)
            elif net.kind == "gre":
                dev = self.gp(nn, "gre_sys", "ovs", 65000)
            else:
                dev = self.gp(nn, "genev_sys_6081", "ovs", 65000)
            d_in = 0.0 if self.decap_quirk else rng.uniform(4, 12)
            r.el(El(nic, ob, tun=tun, il2=l2))
            r.hop(HSpec(0, 0, d_in, rng.uniform(5, 20), tun_entry=R if net.problem else None))
            r.el(El(dev, l2))
        else:
            a = self.outward(v, l2, None, None, nn)
            r.chain(a)
            wire, _, _ = self.wire(net, v.host, nn)
            r.hop(wire)
            nic = self.gp(nn, self.prov_nic, "phys", 1500)
            if net.kind == "vlan":
                nic.add_encap("vlan:%d" % net.segid)
                r.el(El(nic, l2, vlans=[(0x8100, net.segid)]))
            else:
                nic.add_encap("none")
                r.el(El(nic, l2))
        if self.flavour == "lb":
            brq = self.gp(nn, "brq" + net.id, "bridge", min(net.vm_mtu, self.dev_mtu(net)))
            d1, d2 = rng.uniform(3, 12), rng.uniform(3, 12)
            r.hop(HSpec(0, 0, 0.0, d2))
            r.el(El(brq, l2))
            r.hop(HSpec(0, 0, d1, 0.0))
        else:
            r.hop(HSpec(rng.uniform(6, 25), rng.uniform(1, 4)))
        qr = self.gp(nn, qrname, "router", net.vm_mtu)
        r.el(El(qr, l2))
        ext_mtu = problem_mtu or 1500
        rt = Router("router-" + self.router_id, rng.uniform(10, 40), rng.uniform(2, 6), nat=nat,
                    mtu={F: ext_mtu, R: net.vm_mtu}, gw={F: gw, R: self.qg_ip})
        r.router(rt)
        l2e = (self.qg_mac, self.upstream_mac)
        qg = self.gp(nn, self.qg, "router", ext_mtu)
        r.el(El(qg, l2e))
        pnic_name = self.prov_nic
        if any(n.kind == "vlan" for n in self.nets) and pnic_name:
            pnic_name = {"eth2": "eth3", "ens4": "ens5", "eno2": "eno3", "enp4s0": "enp5s0"}[pnic_name]
        pnic = self.gp(nn, pnic_name, "phys", ext_mtu)
        if self.ext_vlan:
            pnic.add_encap("vlan:%d" % self.ext_vlan)
        else:
            pnic.add_encap("none")
        if self.flavour == "lb":
            brx = self.gp(nn, "brq" + self.router_id, "bridge", ext_mtu)
            d1, d2 = rng.uniform(3, 12), rng.uniform(3, 12)
            r.chain([HSpec(0, 0, 0.0, d2), El(brx, l2e), HSpec(0, 0, d1, 0.0)])
        else:
            r.hop(HSpec(rng.uniform(6, 25), rng.uniform(1, 4)))
        r.el(El(pnic, l2e, vlans=[(0x8100, self.ext_vlan)] if self.ext_vlan else []))
        r.hop(HSpec(rng.uniform(40, 300), rng.uniform(3, 20)))
        ext = self.gp(self.ext_host, "eth0", "phys", ext_mtu)
        ext.add_encap("none")
        r.el(El(ext, l2e))
        r.ends = (v, "ext")
        r.nat = nat
        r.router_obj = rt
        r.mtu = {F: v.mtu, R: ext_mtu}
        r.ext_ip = self.ext_ip

    def route_virbr(self, v):
        """libvirt NAT network: VM > vnet > virbr0 > (host routes and masquerades) > NIC >
        external host."""
        rng = self.rng
        h = v.host
        if not hasattr(self, "virbr_ext"):
            self.virbr_ext = self.host(rng.choice(["ext1", "mirror1", "inet1"]), "external")
            self.virbr_ext_ip = "%d.%d.%d.%d" % (rng.choice([(198, 51, 100), (203, 0, 113)]) +
                                                 (rng.randrange(100, 250),))
            self.virbr_ext_mac = self.mac("52:54:00")
            self.virbr_gw_mac = self.mac("52:54:00")
        vmnet = "192.168.122."
        # a libvirt NAT network has its own addresses; this VM gets a second NIC there
        if not hasattr(v, "nat_ip"):
            v.nat_ip = vmnet + str(100 + v.index)
            v.nat_tap = "vnet%d" % (10 + v.index)
            v.nat_mac = self.mac("52:54:00")
        host_ip = "%d.%d.%d.%d" % (rng.choice([(198, 51, 100), (203, 0, 113)]) + (rng.randrange(2, 99),))
        if not hasattr(h, "public_ip"):
            h.public_ip = host_ip
            h.virbr_mac = self.mac("52:54:00")
            h.public_mac = self.mac("52:54:00")
        r = self.new_route("r%d" % (len(self.routes) + 1), "%s (libvirt NAT on %s) to %s" % (
            v.nat_ip, h.name, self.virbr_ext_ip))
        l2 = (v.nat_mac, h.virbr_mac)
        tap = self.gp(h, v.nat_tap, "tap", 1500)
        virbr = self.gp(h, "virbr0", "bridge", 1500)
        vh = self.vm_host(v)
        if vh is not None:
            r.chain([El(self.gp(vh, "eth1", "vm", 1500), l2), HSpec(rng.uniform(15, 40), rng.uniform(2, 6))])
        d1 = rng.uniform(3, 12)
        r.chain([El(tap, l2), HSpec(0, 0, 0.0, d1), El(virbr, l2)])
        rt = Router("masquerade-" + h.name, rng.uniform(8, 30), rng.uniform(1, 5),
                    nat=(v.nat_ip, h.public_ip), mtu={F: 1500, R: 1500},
                    gw={F: vmnet + "1", R: h.public_ip})
        r.router(rt)
        l2e = (h.public_mac, self.virbr_gw_mac)
        pn = {"eth2": "eth0", "ens4": "ens3", "eno2": "eno1", "enp4s0": "enp2s0"}[self.prov_nic]
        if any(e == pn for e in [self.tun_nic]):
            pn = pn + "x"
        nic = self.gp(h, pn, "phys", 1500)
        nic.add_encap("none")
        ext = self.gp(self.virbr_ext, "eth0", "phys", 1500)
        ext.add_encap("none")
        r.chain([El(nic, l2e), HSpec(rng.uniform(60, 400), rng.uniform(5, 25), rout=False),
                 El(ext, l2e)])
        r.ends = ("virbr", "ext")
        r.vm = v
        r.nat = (v.nat_ip, h.public_ip)
        r.router_obj = rt
        r.mtu = {F: 1500, R: 1500}
        r.ext_ip = self.virbr_ext_ip

    # ---- capture selection, problems, losses, delays ---------------------------------

    def select_capture(self):
        rng = self.rng
        names = []
        for r in self.routes:
            for n in r.names:
                if n not in names:
                    names.append(n)
        hi = min(self.max_points, len(names))
        lo = min(3, hi)
        if self.max_points <= 40:
            want = rng.randint(lo, hi)
        else:
            want = rng.randint(max(lo, min(hi, 41)), hi)
        forced = []
        if self.problem:
            for r in self.routes:
                for e in r.flat:
                    g = e.gp
                    if self.problem[0] == "tunnel" and g.kind in ("tap", "veth", "phys") \
                            and g.host.role == "compute" and g.name not in forced:
                        if g.kind != "veth" or g.ifname.startswith("veth"):
                            forced.append(g.name)
                    if self.problem[0] == "router" and g.kind == "router" and g.name not in forced:
                        forced.append(g.name)
        chosen = list(forced[:hi])
        rest = [n for n in names if n not in chosen]
        rng.shuffle(rest)
        chosen += rest[:max(0, want - len(chosen))]
        # every route shows at least two points
        for r in self.routes:
            have = [n for n in r.names if n in chosen]
            if len(have) < 2:
                for n in rng.sample(r.names, len(r.names)):
                    if n not in chosen and len(have) < 2:
                        chosen.append(n)
                        have.append(n)
        # over budget now: drop unforced points of routes that keep two
        while len(chosen) > self.max_points:
            cand = [n for n in chosen if n not in forced and all(
                len([m for m in r.names if m in chosen and m != n]) >= 2
                for r in self.routes if n in r.names)]
            if not cand:
                break
            chosen.remove(rng.choice(cand))
        for n in chosen:
            self.points[n].captured = True

    def plan_problems(self):
        """MTU black hole on the problem network's tunnel entries; random losses; netem."""
        rng = self.rng
        for r in self.routes:
            for p, g in enumerate(r.gaps):
                if isinstance(g, HSpec) and g.tun_entry:
                    net = None
                    for e in r.flat:
                        if e.tun is not None:
                            net = e
                            break
                    usable = self.problem[1].usable
                    r.mtu_drop[p] = (g.tun_entry, usable)
        # netem on a device's egress: a tap (toward its VM) or a NIC (toward the wire)
        self.netem = []
        if rng.random() < 0.35:
            cands = []
            for r in self.routes:
                for p, e in enumerate(r.flat):
                    g = e.gp
                    if g.kind in ("tap",) and p in (0, len(r.flat) - 1) or (
                            g.kind == "tap" and 0 < p < len(r.flat) - 1 and
                            r.flat[p - 1].gp.host.role == "vm"):
                        pass
                    if g.kind == "tap":
                        # the neighbour away from the VM
                        vm_side = p == 0 or r.flat[p - 1].gp.host.role == "vm"
                        nb = r.flat[p + 1] if vm_side else r.flat[p - 1]
                        cands.append((g.name, nb.gp.name))
                    elif g.kind == "phys" and g.host.role == "compute" and p > 0 and p < len(r.flat) - 1:
                        if r.flat[p - 1].gp.host is g.host and r.flat[p + 1].gp.host is not g.host:
                            cands.append((g.name, r.flat[p - 1].gp.name))
                        elif r.flat[p + 1].gp.host is g.host and r.flat[p - 1].gp.host is not g.host:
                            cands.append((g.name, r.flat[p + 1].gp.name))
            uniq = []
            for c in cands:
                if c[0] not in [u[0] for u in uniq]:
                    uniq.append(c)
            for name, frm in rng.sample(uniq, min(len(uniq), rng.choice([1, 1, 2]))):
                ms = rng.choice([5, 10, 20, 30, 50])
                self.points[name].netem_from = frm
                self.netem.append((name, ms))
        for g in self.points.values():
            if not hasattr(g, "netem_from"):
                g.netem_from = None

    def plan_losses(self):
        """Random losses: some flows lose a few eligible packets on one hop between two
        captured points."""
        rng = self.rng
        for r in self.routes:
            if any(r.mtu_drop.values()) or (self.problem and self.problem[0] == "router" and
                                            getattr(r, "router_obj", None)):
                continue
            capidx = [p for p, e in enumerate(r.flat) if e.gp.captured]
            if len(capidx) < 2:
                continue
            for c in r.convs:
                for fid, d in c["flows"]:
                    if rng.random() > 0.25:
                        continue
                    i = rng.randrange(len(capidx) - 1)
                    p = rng.randrange(capidx[i], capidx[i + 1])
                    k = rng.choice([1, 1, 2, 3])
                    n = max(2, c["eligible"].get(d, 0))
                    ords = sorted(rng.sample(range(1, n + 1), min(k, n - 1)))
                    g = r.gaps[p]
                    if isinstance(g, Router):
                        g.plans[fid] = Plan(d, ords)
                    else:
                        r.hop_plans.setdefault(p, {})[fid] = Plan(d, ords)

    # ---- traffic ---------------------------------------------------------------------

    def plan_traffic(self):
        rng = self.rng
        nconv = 0
        for r in self.routes:
            k = rng.choice([1, 2, 2, 3]) if self.max_points <= 40 else rng.choice([1, 2])
            kinds = []
            for _ in range(k):
                kinds.append(rng.choice(["tcp", "tcp", "udp", "ping", "ping"]))
            if "tcp" not in kinds and "ping" not in kinds:
                kinds.append("ping")
            if rng.random() < 0.15:
                kinds.append("syslog")
            if rng.random() < 0.12 and r.ends[0] != "virbr":
                kinds.append("bigudp")
            for kind in kinds:
                nconv += 1
                r.convs.append(self.conv_spec(r, kind, nconv))

    def conv_spec(self, r, kind, n):
        """What a conversation will send, decided before the simulation (for loss plans)."""
        rng = self.rng
        a, b = r.ends
        v6 = False
        if isinstance(a, object) and hasattr(a, "ip6") and isinstance(b, type(a)) and \
                a.ip6 and b.ip6 and kind in ("tcp", "udp", "ping") and rng.random() < 0.4:
            v6 = True
        spec = {"kind": kind, "v6": v6, "n": n}
        spec["t0"] = BASE_NS + int(rng.uniform(1, 700) * MS)
        # who starts it: forward (A) mostly
        spec["d"] = F if (rng.random() < 0.7 or r.ends[0] == "virbr") else R
        if r.ends[1] == "ext" and r.nat and r.nat[1] != getattr(self, "qg_ip", None) \
                and r.ends[0] != "virbr":
            pass                     # a floating IP: the outside may start it too
        elif r.ends[1] == "ext":
            spec["d"] = F            # SNAT or no NAT to the outside: the VM starts it
        d = spec["d"]
        hdr = 60 if v6 else 40
        mtu_c, mtu_s = r.mtu[d], r.mtu[OTHER[d]]
        path_mtu = min(mtu_c, mtu_s, *[g.mtu.get(x, 1500) for g in r.gaps if isinstance(g, Router)
                                       for x in (F, R)]) if r.gaps else min(mtu_c, mtu_s)
        if kind == "tcp":
            spec["sport"] = rng.choice([22, 80, 443, 5201, 3306, 5432, 6379, 8080, 9000])
            spec["df"] = rng.random() < 0.8
            spec["req"] = rng.randrange(40, 600) if rng.random() < 0.7 else rng.randrange(600, 6000)
            spec["resp"] = rng.choice([0, rng.randrange(40, 1400), rng.randrange(1400, 12000),
                                       rng.randrange(3000, 20000)])
            clamp = rng.random() < 0.3 or any(isinstance(g, Router) and g.mtu.get(F, 1500) < 1500
                                              for g in r.gaps)
            spec["mss_c"] = (path_mtu if clamp else mtu_c) - hdr
            spec["mss_s"] = (path_mtu if clamp else mtu_s) - hdr
            if rng.random() < 0.2:
                spec["mss_c"] = spec["mss_s"] = min(spec["mss_c"], rng.choice([536, 1200, 1360]))
            eff = min(spec["mss_c"], spec["mss_s"]) - 12
            spec["eligible"] = {d: -(-spec["req"] // eff) if spec["req"] else 0,
                                OTHER[d]: -(-spec["resp"] // eff) if spec["resp"] else 0}
            spec["close"] = rng.random() < 0.85
        elif kind == "udp":
            spec["sport"] = rng.choice([7, 53, 123, 161, 4789 + 1000, 5000, 9999])
            spec["df"] = rng.random() < 0.6
            hi = mtu_c if not (self.problem and self.problem[0] == "router") else mtu_c
            cnt = rng.randint(2, 6)
            lo = 48 if v6 else 28
            spec["sizes"] = [rng.choice([rng.randrange(lo + 4, 200), rng.randrange(200, hi + 1),
                                         hi]) for _ in range(cnt)]
            if not spec["df"] and rng.random() < 0.5 and not v6:
                pass
            spec["sizes"] = [min(s, min(mtu_c, mtu_s)) if v6 else min(s, mtu_c) for s in spec["sizes"]]
            spec["interval"] = rng.uniform(3, 40)
            spec["eligible"] = {d: cnt, OTHER[d]: cnt}
        elif kind == "ping":
            cnt = rng.randint(3, 6)
            spec["df"] = rng.random() < 0.8
            dmax = mtu_c - (48 if v6 else 28)
            if v6:
                dmax = min(mtu_c, mtu_s) - 48
            big = rng.random() < 0.3
            spec["data"] = [rng.choice([56, 56, rng.randrange(16, dmax + 1)]) if not big else dmax
                            for _ in range(cnt)]
            spec["interval"] = rng.uniform(20, 200)
            spec["eligible"] = {d: cnt, OTHER[d]: cnt}
        elif kind == "syslog":
            spec["count"] = rng.randint(3, 8)
            spec["interval"] = rng.uniform(20, 120)
            spec["df"] = rng.random() < 0.5
            spec["eligible"] = {d: spec["count"], OTHER[d]: 0}
        elif kind == "bigudp":
            # NFS/DNS-style datagrams above the MTU without DF: the sender fragments them
            spec["df"] = False
            spec["sport"] = rng.choice([2049, 53, 5353, 6000])
            spec["sizes"] = [rng.randrange(mtu_c + 1, 3 * mtu_c) for _ in range(rng.randint(2, 4))]
            spec["interval"] = rng.uniform(5, 40)
            spec["eligible"] = {d: 0, OTHER[d]: 0}
            spec["v6"] = False
        if spec["v6"]:
            spec["df"] = True
        base = {"tcp": "tcp", "udp": "udp", "ping": "ping6" if spec["v6"] else "ping",
                "syslog": "syslog", "bigudp": "bigudp"}[kind]
        cid = "%s%d" % (base, n)
        if kind == "tcp" or kind == "udp" or kind == "bigudp":
            spec["flows"] = [(cid + "-c2s", d), (cid + "-s2c", OTHER[d])]
        elif kind == "ping":
            spec["flows"] = [(cid + "-req", d), (cid + "-rep", OTHER[d])]
        else:
            spec["flows"] = [(cid, d)]
        spec["id"] = cid
        return spec

    def addrs(self, r, spec):
        """(client address, server address, client sees server as, server sees client as)."""
        a, b = r.ends
        d = spec["d"]
        if r.ends[0] == "virbr":
            v = r.vm
            return v.nat_ip, r.ext_ip, None, r.nat[1]
        if b == "ext":
            if d == F:
                return a.ip4, r.ext_ip, None, (r.nat[1] if r.nat else None)
            return r.ext_ip, a.ip4, r.nat[1], None
        if spec["v6"]:
            x, y = a.ip6, b.ip6
        else:
            x, y = a.ip4, b.ip4
        return (x, y, None, None) if d == F else (y, x, None, None)

    def zero_id(self, r, spec):
        a = r.ends[0] if spec["d"] == F else r.ends[1]
        return bool(getattr(a, "zero_id", False))

    def run_traffic(self):
        for r in self.routes:
            r.sim = RouteSim(self, r)
        convs = [(c["t0"], c["n"], r, c) for r in self.routes for c in r.convs]
        for _, _, r, c in sorted(convs, key=lambda x: (x[0], x[1])):
            self.run_conv(r, c)

    def side(self, sim, fid, d, ip, port, df, zero=False):
        cls = ZeroIdSide if zero else craft.Side
        return cls(sim, fid, d, ip, port, df)

    def run_conv(self, r, c):
        sim = r.sim
        d = c["d"]
        rd = OTHER[d]
        cip, sip, c_to, s_to = self.addrs(r, c)
        kind = c["kind"]
        (f1, _), = c["flows"][:1]
        f2 = c["flows"][1][0] if len(c["flows"]) > 1 else None
        where = r.what
        if kind == "tcp":
            cport = self.ephemeral()
            cs = self.side(sim, f1, d, cip, cport, c["df"])
            ss = self.side(sim, f2, rd, sip, c["sport"], c["df"])
            cs.dst_ip, ss.dst_ip = c_to, s_to
            what = "TCP to port %d, %d B request, %d B response%s%s" % (
                c["sport"], c["req"], c["resp"], "" if c["df"] else ", DF clear (ip_no_pmtu_disc)",
                "" if c["close"] else ", left open")
            self.flow(f1, "tcp", cip, cport, sip, c["sport"], what + " (client to server)", d, r, c["df"])
            self.flow(f2, "tcp", sip, c["sport"], cip, cport, what + " (server to client)", rd, r, c["df"])
            craft.tcp_session(sim, cs, ss, c["t0"], craft.pattern(c["req"], c["n"]),
                              craft.pattern(c["resp"], c["n"] + 1), c["mss_c"], c["mss_s"], c["close"])
        elif kind in ("udp", "bigudp"):
            cport = self.ephemeral()
            zero = kind == "udp" and c["df"] and self.zero_id(r, c)
            cs = self.side(sim, f1, d, cip, cport, c["df"], zero)
            ss = self.side(sim, f2, rd, sip, c["sport"], c["df"], zero)
            cs.dst_ip, ss.dst_ip = c_to, s_to
            what = "UDP echo to port %d, IP lengths %s%s" % (
                c["sport"], " ".join(map(str, c["sizes"])),
                ", DF (IPv4 ID 0)" if zero else ", DF" if c["df"] else ", no DF")
            if kind == "bigudp":
                what += ", above the MTU: fragmented by the sender"
            self.flow(f1, "udp", cip, cport, sip, c["sport"], what + " (requests)", d, r, c["df"])
            self.flow(f2, "udp", sip, c["sport"], cip, cport, what + " (echoes)", rd, r, c["df"])
            craft.udp_echo(sim, cs, ss, c["t0"], c["sizes"], c["interval"])
        elif kind == "ping":
            ident = self.ident()
            zero = c["df"] and self.zero_id(r, c)
            cs = self.side(sim, f1, d, cip, 0, c["df"], zero)
            ss = self.side(sim, f2, rd, sip, 0, False)
            cs.dst_ip, ss.dst_ip = c_to, s_to
            proto = "icmpv6" if c["v6"] else "icmp"
            what = "ping%s%s -c %d, data %s" % (" -6" if c["v6"] else "",
                                                " -M do" if c["df"] and not c["v6"] else
                                                "" if c["v6"] else " -M dont", len(c["data"]),
                                                " ".join(map(str, c["data"])))
            self.flow(f1, proto, cip, ident, sip, "", what + " (echo requests)", d, r, c["df"])
            self.flow(f2, proto, sip, ident, cip, "", what + " (echo replies)", rd, r,
                      c["v6"])
            craft.ping(sim, cs, ss, c["t0"], ident, c["data"], c["interval"])
        elif kind == "syslog":
            cport = self.ephemeral()
            cs = self.side(sim, f1, d, cip, cport, c["df"])
            ss = self.side(sim, "-", rd, sip, 514, c["df"])
            cs.dst_ip = c_to
            self.flow(f1, "udp", cip, cport, sip, 514, "syslog over UDP, %d messages (one way)" %
                      c["count"], d, r, c["df"])
            craft.syslog(sim, cs, ss, c["t0"], c["count"], c["interval"])
        del where

    def flow(self, fid, proto, src, sport, dst, dport, what, d, r, df):
        self.flows.append(dict(id=fid, proto=proto, src=src, sport=sport, dst=dst, dport=dport,
                               what=what, d=d, route=r, df="yes" if df else "no"))

    # ---- truths after the simulation -------------------------------------------------

    def clocks(self):
        """Offsets for hosts whose every captured point is joined to the reference point by
        two-way traffic (both directions of a conversation crossed both points)."""
        rng = self.rng
        caps = sorted(g.file for g in self.points.values() if g.captured and not g.bridge)
        byfile = {g.file: g for g in self.points.values() if g.captured}
        if not caps:
            return
        ref = byfile[caps[0]]
        self.reference = ref
        adj = {n: set() for n, g in self.points.items() if g.captured and not g.bridge}
        rev = {}
        for fl in self.flows:
            rev[fl["id"]] = fl
        for r in self.routes:
            for c in r.convs:
                if len(c["flows"]) < 2:
                    continue
                a = self.stats.get(c["flows"][0][0])
                b = self.stats.get(c["flows"][1][0])
                if not a or not b:
                    continue
                both = [n for n in a.points if n in b.points and n in adj]
                for x in both:
                    for y in both:
                        if x != y:
                            adj[x].add(y)
        comp, todo = {ref.name}, [ref.name]
        while todo:
            x = todo.pop()
            for y in sorted(adj[x]):
                if y not in comp:
                    comp.add(y)
                    todo.append(y)
        for h in self.hosts:
            caps_h = [g for g in h.points if g.captured]
            if not caps_h or h is ref.host:
                continue
            hop_pts = [g for g in caps_h if not g.bridge]
            if not hop_pts or not all(g.name in comp for g in hop_pts):
                continue
            if rng.random() < 0.35:
                continue
            if self.big_clocks and rng.random() < 0.6:
                off = rng.uniform(1.5, 300.0) * rng.choice([-1, 1])
                h.offset_ns = int(off * 1e9) // 1000 * 1000
            else:
                off_us = rng.randrange(150, 3000) * rng.choice([-1, 1])
                h.offset_ns = off_us * 1000

    def write(self, outdir):
        os.makedirs(outdir, exist_ok=True)
        for pat in ("*.pcap", "*.pcapng", "manifest.tsv", "README"):
            for old in glob.glob(os.path.join(outdir, pat)):
                os.remove(old)
        # outer IPv4 IDs: one counter per (outer source, outer destination), in time order
        encs = []
        for si, sim in enumerate(self.sims):
            for T, d, t, uid in sim.encaps:
                encs.append((t, si, uid, T, d))
        encs.sort(key=lambda e: (e[0], e[1], e[2]))
        ids = [dict() for _ in self.sims]
        counters = {}
        for t, si, uid, T, d in encs:
            k = (T.a, T.b) if d == F else (T.b, T.a)
            if k not in counters:
                counters[k] = self.rng.randrange(65536)
            ids[si][uid] = counters[k]
            counters[k] = (counters[k] + 1) & 0xffff
        per = {n: [] for n, g in self.points.items() if g.captured}
        seq = 0
        render = craft.Scenario.render
        for si, sim in enumerate(self.sims):
            for fid, d, visits in sim.events:
                for i, t, l3, outer in visits:
                    p = sim.sc.points[i]
                    g = self.points[p.name]
                    if not g.captured:
                        continue
                    per[p.name].append((t + g.host.offset_ns, seq, render(None, p, d, l3, outer, ids[si])))
                    seq += 1
        for n, frames in per.items():
            g = self.points[n]
            fr = [(t, b) for t, _, b in sorted(frames, key=lambda e: (e[0], e[1]))]
            path = os.path.join(outdir, g.file)
            if g.fmt == "pcapng":
                craft.write_pcapng(path, fr, g.ifname, g.tsres)
            else:
                craft.write_pcap(path, fr, g.tsres)
        with open(os.path.join(outdir, "manifest.tsv"), "w") as f:
            f.write(self.manifest())
        with open(os.path.join(outdir, "README"), "w") as f:
            f.write(self.readme())

    # ---- manifest --------------------------------------------------------------------

    def title(self):
        fl = {"lb": "Neutron Linux bridge agent", "ovs": "Neutron Open vSwitch (hybrid plug)",
              "ovn": "OVN", "libvirt": "libvirt bridges"}[self.flavour]
        kinds = sorted(set(n.kind for n in self.nets))
        ncap = sum(1 for g in self.points.values() if g.captured)
        nh = sum(1 for h in self.hosts if any(g.captured for g in h.points))
        t = "Random set %d: %s, %s networks, %d hosts, %d points" % (
            self.seed, fl, "/".join(kinds), nh, ncap)
        if self.problem:
            t += ", MTU problem (%s)" % ("VM MTU %d over %s usable %d" % (
                self.problem[1].vm_mtu, self.problem[1].kind, self.problem[1].usable)
                if self.problem[0] == "tunnel" else "router far link MTU %d" % self.problem[1])
        return t

    def readme(self):
        out = [self.title() + ".", "Written by %s %d (deterministic); the truth is in manifest.tsv."
               % (GEN, self.seed), "Routes:"]
        for r in self.routes:
            out.append("  %s: %s: %s" % (r.name, r.what, " > ".join(
                n + ("" if self.points[n].captured else " (not captured)") for n in r.names)))
        return "\n".join(out) + "\n"

    def manifest(self):
        def rec(kind, *kv):
            return "\t".join([kind] + ["%s=%s" % (k, v) for k, v in kv if v is not None]) + "\n"

        extra = []
        if self.problem and self.problem[0] == "tunnel":
            extra.append(("vm_mtu", self.problem[1].vm_mtu))
            if self.problem[1].kind == "vxlan":
                extra.append(("underlay_mtu", self.underlay_mtu))
        out = [rec("scenario", ("name", "random-%d" % self.seed), ("title", self.title()),
                   ("source", "crafted"), ("seed", self.seed), ("offloads", "n/a"),
                   ("generator", GEN), *extra)]
        out.append("# %s %d%s%s; base time 1700000000.000000000 (true time); clock_offset_s = "
                   "file time minus true time\n" % (GEN, self.seed,
                                                     " --max-points %d" % self.max_points
                                                     if self.max_points != 40 else "",
                                                     " --big-clocks" if self.big_clocks else ""))
        for name, g in sorted(self.points.items()):
            if not g.captured:
                continue
            enc = g.encaps[0] if g.encaps else "none"
            notes = list(g.notes)
            if len(g.encaps) > 1:
                notes.append("also " + ", ".join(g.encaps[1:]))
            out.append(rec("point", ("name", g.name), ("file", g.file), ("host", g.host.name),
                           ("ifname", g.ifname), ("kind", g.kind), ("mtu", g.mtu), ("encap", enc),
                           ("format", g.fmt), ("clock_offset_s", fmt_s(g.host.offset_ns)),
                           ("tsresol", g.tsres), ("linktype", "EN10MB"),
                           ("promisc", "yes"), ("note", "; ".join(notes) if notes else None)))
        for h in self.hosts:
            if h.offset_ns and any(g.captured for g in h.points):
                out.append(rec("clock", ("host", h.name), ("offset_s", fmt_s(h.offset_ns))))
        live = []
        for fl in self.flows:
            st = self.stats.get(fl["id"])
            if not st or st.sent == 0:
                continue
            live.append(fl)
            l3 = st.first_l3
            fl["src"], fl["dst"] = l3.src, l3.dst
            out.append(rec("flow", ("id", fl["id"]), ("proto", fl["proto"]), ("src", fl["src"]),
                           ("sport", fl["sport"]), ("dst", fl["dst"]), ("dport", fl["dport"]),
                           ("df", fl["df"]), ("sizes", ",".join(str(s) for s in sorted(set(st.sizes)))),
                           ("what", fl["what"]), ("route", fl["route"].name)))
        for fl in live:
            r = fl["route"]
            cap = r.captured()
            if fl["d"] == R:
                cap = cap[::-1]
            out.append(rec("path", ("flow", fl["id"]), ("points", ">".join(cap))))
        for fl in live:
            st = self.stats[fl["id"]]
            res = "all" if st.delivered == st.sent else ("none" if st.delivered == 0 else "some")
            out.append(rec("deliver", ("flow", fl["id"]), ("result", res),
                           ("note", "%d of %d packets reach the last point" % (st.delivered, st.sent))))
        usable = []
        for fl in live:
            st = self.stats[fl["id"]]
            r = fl["route"]
            shown = {}
            for (p, reason), n in st.drops.items():
                a, b = r.around(p, fl["d"])
                if a is None or b is None:
                    continue
                key = (a, b, reason)
                shown[key] = shown.get(key, 0) + n
            assert len(shown) <= 1, "flow %s loses packets on several hops: %s" % (fl["id"], shown)
            for (a, b, reason), n in shown.items():
                if reason == "mtu":
                    gt = self.problem[1].usable if self.problem[0] == "tunnel" else self.problem[1]
                    out.append(rec("drop", ("flow", fl["id"]), ("from", a), ("to", b),
                                   ("size_gt", gt), ("count", n), ("reason", "mtu")))
                else:
                    out.append(rec("drop", ("flow", fl["id"]), ("from", a), ("to", b),
                                   ("count", n), ("reason", "loss"),
                                   ("note", "random loss of data packets")))
        for fl in live:
            st = self.stats[fl["id"]]
            if st.frag and st.frag[1]:
                by, at, mtu = st.frag
                out.append(rec("frag", ("flow", fl["id"]), ("at", at), ("mtu", mtu), ("by", by)))
            for kind, sender, mtu, seen in st.icmp:
                out.append(rec("icmp", ("kind", kind), ("sender", sender), ("mtu", mtu),
                               ("flow", fl["id"]), ("seen_at", ",".join(seen)), ("by", "router")))
        out += self.delay_records(live)
        for r in self.routes:
            rt = getattr(r, "router_obj", None)
            if not rt or not rt.nat:
                continue
            p = r.gaps.index(rt)
            a, b = r.around(p, F)
            if a and b and any(fl["route"] is r for fl in live):
                priv, pub = rt.nat
                nat_recs = [rec("nat", ("from", a), ("to", b), ("orig", priv), ("new", pub),
                                ("kind", "snat")),
                            rec("nat", ("from", b), ("to", a), ("orig", pub), ("new", priv),
                                ("kind", "dnat"))]
                for x in nat_recs:
                    if x not in out:
                        out.append(x)
        if self.problem and self.problem[0] == "tunnel":
            n = self.problem[1]
            usable.append(rec("usable_mtu", ("network", self.encap_of(n).rsplit(":", 1)[0]
                                              if n.kind == "vxlan" else self.encap_of(n)),
                              ("mtu", n.usable)))
            for v in n.vms:
                t = self.points.get(v.host.name + "-" + v.tap)
                if t is not None and t.captured:
                    usable.append(rec("usable_mtu", ("point", t.name), ("mtu", n.usable)))
        elif self.problem and self.problem[0] == "router":
            if any(st.drops or st.frag for st in self.stats.values()):
                for fl in live:
                    st = self.stats[fl["id"]]
                    if any(reason == "mtu" for (_, reason) in st.drops) or (
                            st.frag and st.frag[0] == "router"):
                        first = fl["route"].captured()[0 if fl["d"] == F else -1]
                        x = rec("usable_mtu", ("point", first), ("mtu", self.problem[1]),
                                ("note", "path MTU to %s" % fl["dst"]))
                        if x not in usable:
                            usable.append(x)
        else:
            for n in self.nets:
                if n.kind in ("vxlan", "gre", "geneve"):
                    e = self.encap_of(n)
                    usable.append(rec("usable_mtu", ("network", e.rsplit(":", 1)[0] if n.kind == "vxlan"
                                                     else e), ("mtu", n.usable)))
        out += usable
        return "".join(out)

    def delay_records(self, live):
        """A netem delay as a flow shows it on a captured hop: written when every packet of the
        flow took the delay within 4 % there (true time)."""
        out = []
        if not self.netem:
            return out
        for fl in live:
            r = fl["route"]
            d = fl["d"]
            cap = r.captured()
            for name, ms in self.netem:
                if name not in r.names:
                    continue
                g = self.points[name]
                p = r.names.index(name)
                q = r.names.index(g.netem_from) if g.netem_from in r.names else None
                if q is None or abs(p - q) != 1:
                    continue
                # direction in which the delay applies: from netem_from to name
                dd = F if q < p else R
                if dd != d:
                    continue
                gap = min(p, q)
                a, b = r.around(gap, d)
                if a is None or b is None:
                    continue
                lat = self.latencies(fl["id"], a, b)
                if lat and all(abs(x - ms) <= 0.04 * ms for x in lat):
                    out.append("\t".join(["delay", "from=%s" % a, "to=%s" % b, "ms=%g" % ms,
                                          "flow=%s" % fl["id"]]) + "\n")
                del cap
                cap = None
        return out

    def latencies(self, fid, a, b):
        """True ms between points a and b of each packet of flow fid that crossed both."""
        out = []
        for sim in self.sims:
            names = [p.name for p in sim.sc.points]
            if a not in names or b not in names:
                continue
            for f, d, visits in sim.events:
                if f != fid:
                    continue
                ta = tb = None
                for i, t, _, _ in visits:
                    if names[i] == a:
                        ta = t
                    if names[i] == b:
                        tb = t
                if ta is not None and tb is not None:
                    out.append((tb - ta) / 1e6)
        return out

    def generate(self, outdir):
        self.build()
        self.plan_traffic()
        self.select_capture()
        self.plan_problems()
        self.plan_losses()
        self.run_traffic()
        self.clocks()
        self.write(outdir)


def reverse_items(items):
    """[El, HSpec, El, ...] read from the other end (hops swap their directions)."""
    out = []
    for x in reversed(items):
        out.append(x.rev() if isinstance(x, HSpec) else x)
    return out


def fmt_s(ns):
    if ns == 0:
        return "0"
    s = "%.9f" % (ns / 1e9)
    return s.rstrip("0").rstrip(".")


def main(argv):
    ap = argparse.ArgumentParser(prog="randomset.py", description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seed", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--max-points", type=int, default=40, help="at most N capture points (3-200)")
    ap.add_argument("--big-clocks", action="store_true", help="clock offsets up to minutes")
    ap.add_argument("--count", type=int, default=1, help="write seeds SEED..SEED+K-1 into OUTDIR/<seed>")
    a = ap.parse_args(argv[1:])
    if not 3 <= a.max_points <= 200:
        ap.error("--max-points must be 3-200")
    for s in range(a.seed, a.seed + a.count):
        out = a.outdir if a.count == 1 else os.path.join(a.outdir, str(s))
        RandomSet(s, a.max_points, a.big_clocks).generate(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
