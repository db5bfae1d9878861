#!/usr/bin/python3
"""randomset.py [--max-points N] [--big-clocks] [--without F,...] [--count K] SEED OUTDIR

Writes one random multi-point capture set with its ground truth: OUTDIR gets one capture file
per capture point (<host>-<ifname>.pcap or .pcapng), a manifest.tsv (doc/lab-manifest.md) and a
README (the routes, with the points that were not captured in brackets).  Deterministic: the same
seed and options give the same bytes.  With --count K, seeds SEED .. SEED+K-1 go to
OUTDIR/<seed>/ (one interpreter start for many sets).  --without leaves features out (bridges,
clocks, ipv6, loss, mtu, nat, netem, quirks, zero-id) while the seed's other draws stay the same:
to find which feature a failure needs.

What a seed draws (from one random.Random of its own):
  - a cloud: Neutron Linux bridge agent (tapXXXXXXXX-XX > brqXXXXXXXX-XX > vxlan-<vni>, or
    <nic>.<vid> on VLAN networks), Neutron Open vSwitch with hybrid plug (tap > qbr > qvb/qvo veth
    pair > vxlan_sys_4789, gre_sys or genev_sys_6081), OVN (tap > genev_sys_6081, the OVN Geneve
    option), or libvirt/containers (vnetN or vethXXXXXXX > br0/br<id> > vxlan<vni> or <nic>.<vid>,
    and virbr0 where the host routes and masquerades);
  - 2-8 hosts: compute nodes, a network node with a Neutron router (qr-/qg- ports: TTL
    decrement, MAC rewrite, floating-IP NAT, SNAT or none), an external host, VMs captured inside;
  - networks: one tunnel kind per cloud (now and then a second), VXLAN (port 4789 or 8472), GRE
    (key) or Geneve (VNI), 802.1Q VLAN, flat; an IPv4 or IPv6 underlay, routed or not (outer TTL);
    dual-stack tenants; MTUs: the right VM MTU (1450, 1442, 1458, 1430...), a jumbo underlay, or
    the classic VM MTU 1500 over a 1450-usable VXLAN (or GRE, Geneve) network: oversized packets
    vanish where they enter the tunnel; or a router whose far link has a small MTU: DF packets
    dropped with ICMP frag-needed (later ones refused by the sender), others fragmented;
  - traffic, several flows between the same hosts: TCP sessions (with and without DF, clamped
    MSS sometimes), UDP echo (DF, IPv4 ID 0 from unconnected sockets, or no DF), pings (-M do,
    -M dont, -6), one-way syslog, datagrams above the MTU fragmented by the sender;
  - per-hop delays with jitter; a promiscuous bridge's copy keeps its ingress port's receive
    stamp, a decapsulated or VLAN-untagged packet the NIC's; netem on a device's egress (a VM's
    tap, a tunnel NIC); random losses of data packets on random hops (exact counts); per-host
    clock offsets (up to 3 ms; --big-clocks: up to 5 minutes);
  - which points were captured (3-40 points; --max-points up to 200), each pcap or pcapng with
    microsecond or nanosecond stamps.  Every capture starts and ends with an ARP request, as a
    capture running through the whole experiment would: its first and last frames bound it.

The manifest states what the simulation makes certain, and only what the captures can show:
every captured point and its role (a promiscuous bridge's copy or a hop); every flow with
packets at its first captured point, its addresses there and its path over the captured points;
delivery; each loss (the captured hop and the exact count); a netem delay as a flow shows it
on a captured hop within one host (when every packet shows it within 4 %: across hosts a one-way
delay cannot be told from a clock offset); clock offsets of hosts whose every non-bridge point
is joined to the reference point (the alphabetically first non-bridge file, whose host keeps
true time) by two-way traffic over no netem hop (other hosts keep true time); NAT; for MTU problems the drop (size_gt and count), one
usable_mtu value, icmp and frag records.  Packets are simulated with tests/lab/craft/craft.py's
building blocks (Point, Tunnel, Hop, Sim, Side, tcp_session, udp_echo, ping, syslog, the
pcap/pcapng writers and the frame renderer), imported as a module; routers between L2 segments
are simulated here.  Needs Debian's python3-scapy; exits 77 when scapy is missing.
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
# the model: hosts, networks, VMs, capture points, chain elements, hops, routers, routes
# --------------------------------------------------------------------------------------


class Host:
    def __init__(self, name, role):
        self.name, self.role = name, role     # role: compute, network, external, vm
        self.offset_ns = 0
        self.points = []


class Net:
    def __init__(self, index, kind):
        self.index, self.kind = index, kind   # kind: vxlan, gre, geneve, vlan, flat
        self.vms = []
        self.problem = False


class VM:
    def __init__(self, index, host, net):
        self.index, self.host, self.net = index, host, net


class GPoint:
    """One capture point (one file).  Routes hold their own craft.Point views of it, since MACs,
    tunnel and VLAN tags differ from route to route."""

    def __init__(self, rs, host, ifname, kind, mtu, note=None):
        self.host, self.ifname, self.kind, self.mtu = host, ifname, kind, mtu
        self.name = host.name + "-" + ifname
        assert self.name not in rs.points, self.name
        self.encaps = []
        self.notes = [note] if note else []
        self.captured = False
        self.netem_ms = 0
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
    """A point as one route sees it: forward frames' MACs (src, dst), VLAN tags, tunnel."""

    def __init__(self, gp, l2, vlans=(), tun=None, il2=None):
        self.gp, self.l2, self.vlans, self.tun, self.il2 = gp, l2, list(vlans), tun, il2


class HSpec:
    """The hop between two neighbouring elements: a symmetric base delay with jitter (us), an
    extra delay per direction (us, without jitter: a bridge copy or a decapsulated packet keeps an
    earlier receive stamp one way, so that way takes 0), outer TTL decrement (routed underlay),
    and the direction in which packets enter a tunnel here (the MTU black hole's drop)."""

    def __init__(self, base, jit, df=0.0, dr=0.0, rout=False, tun_entry=None):
        self.base, self.jit, self.df, self.dr, self.rout = base, jit, df, dr, rout
        self.tun_entry = tun_entry

    def rev(self):
        te = OTHER[self.tun_entry] if self.tun_entry else None
        return HSpec(self.base, self.jit, self.dr, self.df, self.rout, te)


class Router:
    """Routing between two L2 segments: TTL decrement, NAT (nat=(private, public); forward is
    outward), the egress MTU per direction and the address that sends ICMP errors back."""

    def __init__(self, name, base, jit, nat=None, mtu=None, gw=None):
        self.name, self.base, self.jit, self.nat = name, base, jit, nat
        self.mtu = mtu or {}
        self.gw = gw or {}
        self.plans = {}


class Route:
    """A chain of elements from endpoint A (where forward packets start) to endpoint B, split
    into L2 segments by at most one router."""

    def __init__(self, name, what):
        self.name, self.what = name, what
        self.items = []            # El, then (HSpec or Router, El)*
        self.mtu = {F: 1500, R: 1500}
        self.convs = []
        self.pmtu = {}
        self.hop_plans = {}        # gap -> {fid: Plan}
        self.mtu_drop = {}         # gap -> (direction, size limit)
        self.router_obj = None
        self.nat = None
        self.ext_ip = None

    def add(self, *xs):
        for x in xs:
            if isinstance(x, El):
                assert not self.items or not isinstance(self.items[-1], El), self.name
            else:
                assert isinstance(self.items[-1], El), self.name
            self.items.append(x)

    def finish(self):
        self.flat = [x for x in self.items if isinstance(x, El)]
        self.gaps = [x for x in self.items if not isinstance(x, El)]
        assert len(self.gaps) == len(self.flat) - 1
        self.names = [e.gp.name for e in self.flat]
        assert len(set(self.names)) == len(self.names), "route %s revisits a point: %s" % (
            self.name, self.names)

    def captured(self):
        return [e.gp.name for e in self.flat if e.gp.captured]

    def around(self, p, d):
        """The captured points just before and just after gap p in direction d (None when
        there is none)."""
        before = [e.gp.name for e in self.flat[:p + 1] if e.gp.captured]
        after = [e.gp.name for e in self.flat[p + 1:] if e.gp.captured]
        if d == F:
            return (before[-1] if before else None), (after[0] if after else None)
        return (after[0] if after else None), (before[-1] if before else None)


def reverse_items(items):
    """[El, HSpec, El, ...] read from the other end (hops swap their directions)."""
    return [x.rev() if isinstance(x, HSpec) else x for x in reversed(items)]


# --------------------------------------------------------------------------------------
# simulation: one craft.Sim per L2 segment, the router between them simulated here
# --------------------------------------------------------------------------------------


class SegSc:
    """What craft.Sim needs of a scenario: a chain of points, one tenant network."""

    def __init__(self, rng, points, hops):
        self.rng, self.points, self.hops = rng, points, hops
        self.tenant = {}

    def order(self, fid, d):
        idx = list(range(len(self.points)))
        return idx if d == "f" else idx[::-1]

    def hop(self, a, b):
        return self.hops[min(a, b)]


def ip_len(l3):
    return craft.ip_len(l3)


def is_df(l3):
    return isinstance(l3, IP) and bool(int(l3.flags) & 2)


def is_fragment(l3):
    return isinstance(l3, IP) and (l3.frag != 0 or bool(int(l3.flags) & 1))


def eligible(l3):
    """Packets a random loss may take: data, datagrams, echoes; not handshakes or FINs (the TCP
    model needs them), not fragments, not ICMP errors."""
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
    """IPv4 fragments of l3 (not itself a fragment) for a link of MTU mtu, as Linux cuts them."""
    raw = bytes(l3)
    hl = (raw[0] & 0x0f) * 4
    data = raw[hl:]
    step = (mtu - hl) // 8 * 8
    out = []
    for off in range(0, len(data), step):
        more = off + step < len(data)
        out.append(IP(src=l3.src, dst=l3.dst, ttl=l3.ttl, tos=l3.tos, id=l3.id,
                      flags="MF" if more else 0, frag=off // 8, proto=l3.proto)
                   / Raw(data[off:off + step]))
    return out


class Stats:
    """What happened to one flow."""

    def __init__(self):
        self.sent = 0          # packets (datagrams) seen at the flow's first captured point
        self.delivered = 0     # ... of which every piece reached the last captured point
        self.sizes = []        # IP lengths at the first captured point
        self.first_l3 = None   # as seen at the first captured point (addresses after NAT)
        self.drops = {}        # (gap, reason, size limit) -> packets
        self.frags = []        # (by, first point where fragments show, mtu)
        self.icmp = []         # (kind, sender, mtu, captured points it crossed)
        self.points = []       # captured points at least one packet crossed


class Plan:
    """Random loss of some eligible packets (by their ordinal) of one flow in one direction."""

    def __init__(self, d, ordinals):
        self.d, self.ordinals, self.n = d, set(ordinals), 0

    def hit(self, d, l3):
        if d != self.d or not eligible(l3):
            return False
        self.n += 1
        return self.n in self.ordinals


class RouteSim:
    """What craft's Side and conversation helpers need of a Sim (rng, transit), for a route made
    of L2 segments (each a craft.Sim) joined by a router."""

    def __init__(self, rs, route):
        self.rs, self.route, self.rng = rs, route, rs.rng
        self.segs = []
        start = 0
        for p in range(len(route.flat)):
            if p == len(route.flat) - 1 or isinstance(route.gaps[p], Router):
                self.segs.append(self._segment(start, p))
                start = p + 1
        self.routers = [g for g in route.gaps if isinstance(g, Router)]
        self.router_gap = [p for p, g in enumerate(route.gaps) if isinstance(g, Router)]
        cap = route.captured()
        self.first_cap = {F: cap[0], R: cap[-1]}
        self.last_cap = {F: cap[-1], R: cap[0]}

    def _segment(self, a, b):
        pts, hops = [], []
        for p in range(a, b + 1):
            e = self.route.flat[p]
            g = e.gp
            pts.append(craft.Point(g.name, g.host.name, g.ifname, g.kind, g.mtu, "none", g.fmt,
                                   g.tsres, e.l2, vlans=e.vlans, tun=e.tun, il2=e.il2))
            if p < b:
                hops.append(self.rs.make_hop(self.route, p))
        sim = craft.Sim(SegSc(self.rng, pts, hops))
        self.rs.sims.append(sim)
        return sim

    def transit(self, fid, d, l3, t):
        """craft.Sim.transit for the whole route: the sender's stack first (its MTU and the
        path MTU it learnt: DF packets above are refused, others fragmented), then the
        segments.  Returns the time at the far end, or None when the packet is lost."""
        st = self.rs.stats.setdefault(fid, Stats())
        own = self.route.mtu[d]
        limit = min(own, self.route.pmtu.get(d, own))
        pieces = [l3]
        if ip_len(l3) > limit:
            if isinstance(l3, IPv6) or is_df(l3):
                return None          # EMSGSIZE: never on the wire
            pieces = fragment4(l3, limit)
            st.frags.append(("sender", self.first_cap[d], limit))
        ctx = {"first": False}
        ok_all, t_end = True, None
        for k, piece in enumerate(pieces):
            ok, t_last = self._carry(fid, d, piece, t + k * 2 * US, 0, st, ctx)
            ok_all = ok_all and ok
            t_end = t_last
        if ctx["first"]:
            st.sent += 1
            if ok_all:
                st.delivered += 1
        return t_end if ok_all else None

    def _order(self, d):
        order = list(range(len(self.segs)))
        return order if d == F else order[::-1]

    def _carry(self, fid, d, l3, t, n, st, ctx, routed=False):
        """Carry l3 through the segments from the n-th (in direction d) on; routed: the router
        before the n-th segment was crossed already (l3 is one of its fragments).  Returns
        (reached the last captured point, time at the far end or None)."""
        order = self._order(d)
        reached = False
        for m in range(n, len(order)):
            s = order[m]
            if m > 0 and not (m == n and routed):
                res = self._route(fid, d, l3, t, s - 1 if d == F else s, st)
                if res is None:
                    return reached, None
                if isinstance(res, list):      # fragmented by the router
                    ok_all, t_last = True, None
                    for fr, tf in res:
                        ok, tt = self._carry(fid, d, fr, tf, m, st, ctx, routed=True)
                        ok_all = ok_all and ok
                        t_last = tt
                    return reached or ok_all, (t_last if ok_all else None)
                l3, t = res
            sim = self.segs[s]
            t2 = sim.transit(fid, d, l3, t)
            visits = sim.events[-1][2]
            for i, _, l3v, _ in visits:
                name = sim.sc.points[i].name
                if name == self.first_cap[d] and not routed:
                    ctx["first"] = True
                    st.sizes.append(ip_len(l3v))
                    if st.first_l3 is None:
                        st.first_l3 = l3v
                if name == self.last_cap[d]:
                    reached = True
                if self.rs.points[name].captured and name not in st.points:
                    st.points.append(name)
            if t2 is None:
                return reached, None
            l3, t = visits[-1][2], t2
        return reached, t

    def _route(self, fid, d, l3, t, ridx, st):
        """Across router ridx in direction d: (l3, t), a list of fragments [(l3, t)], or None
        when the router drops the packet."""
        rt = self.routers[ridx]
        gap = self.router_gap[ridx]
        t += int(round((rt.base + self.rng.uniform(-rt.jit, rt.jit)) * US))
        plan = rt.plans.get(fid)
        if plan and plan.hit(d, l3):
            st.drops[(gap, "loss", None)] = st.drops.get((gap, "loss", None), 0) + 1
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
                st.drops[(gap, "mtu", mtu)] = st.drops.get((gap, "mtu", mtu), 0) + 1
                self._icmp_back(fid, d, orig, t, ridx, mtu, st)
                return None
            st.frags.append(("router", self.route.around(gap, d)[1], mtu))
            return [(fr, t + k * 2 * US) for k, fr in enumerate(fragment4(l3, mtu))]
        return l3, t

    def _icmp_back(self, fid, d, orig, t, ridx, mtu, st):
        """ICMP frag-needed from the router's ingress address back to the sender, across the
        segment before the router; the sender's stack then knows the path MTU."""
        rt = self.routers[ridx]
        err = IP(src=rt.gw[d], dst=orig.src, ttl=64, id=self.rng.randrange(65536)) / \
            ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(bytes(orig)[:28])
        sim = self.segs[ridx if d == F else ridx + 1]
        sim.transit("icmp-error-" + fid, OTHER[d], err, t + int(self.rng.uniform(8, 20) * US))
        seen = [sim.sc.points[i].name for i, _, _, _ in sim.events[-1][2]
                if self.rs.points[sim.sc.points[i].name].captured]
        if seen and not st.icmp:
            st.icmp.append(("frag-needed", rt.gw[d], mtu, seen))
        self.route.pmtu[d] = mtu


class ZeroIdSide(craft.Side):
    """An unconnected UDP socket (or a ping socket) sending with DF: IPv4 ID 0 on Linux."""

    def send(self, peer, l4, t, df=None):
        if (self.df if df is None else df):
            self.ipid = 0
        return craft.Side.send(self, peer, l4, t, df)


# --------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------


def netem_on(route, p):
    """The netem delay (ms) per direction on gap p of route: a device with netem on its egress
    delays what it transmits, i.e. what enters it from its own host and leaves the host (a VM's
    tap toward the VM, a NIC toward the wire)."""
    flat = route.flat
    a, b = flat[p].gp, flat[p + 1].gp
    out = {F: 0, R: 0}
    if b.netem_ms and a.host is b.host and (p + 2 >= len(flat) or flat[p + 2].gp.host is not b.host):
        out[F] = b.netem_ms
    if a.netem_ms and b.host is a.host and (p == 0 or flat[p - 1].gp.host is not a.host):
        out[R] = a.netem_ms
    return out


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def port_id(rng):
    """The 11 characters of a Neutron port or network UUID that device names carry."""
    return hexid(rng, 8) + "-" + hexid(rng, 2)


def arp_request(k):
    """An ARP who-has broadcast from a link-local address (a host's chatter on every link)."""
    sha = bytes([0x52, 0x54, 0x00, 0xfe, k >> 8 & 0xff, k & 0xff])
    spa = bytes([169, 254, 1 + (k >> 8 & 0xff), 1 + (k & 0xff)])
    return (b"\xff" * 6 + sha + b"\x08\x06" + bytes([0, 1, 8, 0, 6, 4, 0, 1]) + sha + spa
            + b"\x00" * 6 + bytes([169, 254, 0, 1]))


def fmt_s(ns):
    if ns == 0:
        return "0"
    return ("%.9f" % (ns / 1e9)).rstrip("0").rstrip(".")


class RandomSet:
    def __init__(self, seed, max_points=40, big_clocks=False, without=()):
        self.seed = seed
        self.without = set(without)
        self.rng = random.Random("pathtrace-randomset-%d" % seed)
        self.max_points = max(3, min(200, max_points))
        self.big_clocks = big_clocks
        self.points = {}          # name -> GPoint, in creation order
        self.hosts = []
        self.nets = []
        self.vms = []
        self.routes = []
        self.sims = []
        self.stats = {}
        self.flows = []
        self.used_ports = set()
        self.used_ids = set()
        self.mac_n = 0
        self.problem = None       # None, ("tunnel", Net) or ("router", MTU)
        self.router_mode = None
        self.netnode = None

    def generate(self, outdir):
        self.build()
        self.plan_traffic()
        self.select_capture()
        self.plan_problems()
        self.plan_losses()
        self.run_traffic()
        self.clocks()
        self.write(outdir)

    # ---- small helpers ---------------------------------------------------------------

    def mac(self, oui="fa:16:3e"):
        self.mac_n += 1
        return "%s:%02x:%02x:%02x" % (oui, self.rng.randrange(256), self.mac_n >> 8 & 0xff,
                                      self.mac_n & 0xff)

    def host(self, name, role):
        h = Host(name, role)
        self.hosts.append(h)
        return h

    def gp(self, host, ifname, kind, mtu, note=None):
        name = host.name + "-" + ifname
        if name in self.points:
            return self.points[name]
        return GPoint(self, host, ifname, kind, mtu, note)

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
        """craft.Hop for gap p of route: its HSpec, netem on the egress of the device the hop
        leads to, the MTU black hole and the random losses planned there."""
        h = route.gaps[p]
        ne = netem_on(route, p)
        extra = {F: h.df / 1000.0 + ne[F], R: h.dr / 1000.0 + ne[R]}
        plans = route.hop_plans.get(p, {})
        mtu_drop = route.mtu_drop.get(p)

        def drop(fid, d, l3):
            if mtu_drop and d == mtu_drop[0] and ip_len(l3) > mtu_drop[1]:
                st = self.stats.setdefault(fid, Stats())
                key = (p, "mtu", mtu_drop[1])
                st.drops[key] = st.drops.get(key, 0) + 1
                return True
            plan = plans.get(fid)
            if plan and plan.hit(d, l3):
                st = self.stats.setdefault(fid, Stats())
                st.drops[(p, "loss", None)] = st.drops.get((p, "loss", None), 0) + 1
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
        self.ext_nic = {"eth2": "eth3", "ens4": "ens5", "eno2": "eno3", "enp4s0": "enp5s0"}[self.prov_nic]
        small, big = self.max_points < 12, self.max_points > 40
        ncomp = rng.choice([1, 2]) if small else rng.randint(3, 6) if big else \
            rng.choice([1, 2, 2, 2, 3, 3, 4])
        first = 0 if style.endswith("-") else 1
        self.computes = [self.host("%s%d" % (style, k + first), "compute") for k in range(ncomp)]
        tunnels = {"lb": ["vxlan"], "ovs": ["vxlan", "gre", "geneve"], "ovn": ["geneve"],
                   "libvirt": ["vxlan"]}[self.flavour]
        # one tunnel kind per cloud (now and then a second one on the same NICs)
        kinds = [rng.choice(tunnels)] * 2 + {"ovn": [], "libvirt": ["vlan", "flat"]}.get(
            self.flavour, ["vlan"])
        if len(tunnels) > 1 and rng.random() < 0.08:
            kinds.append(rng.choice([k for k in tunnels if k != kinds[0]]))
        nnet = 1 if small else rng.choice([1, 1, 2, 2, 3])
        segids = []
        for k in range(nnet):
            kind = rng.choice(kinds)
            if kind == "flat" and any(n.kind == "flat" for n in self.nets):
                kind = "vlan"
            self.nets.append(self.make_net(kind, k, segids))
        if self.flavour in ("lb", "ovs") and ncomp <= 6 and rng.random() < 0.45:
            self.router_mode = "neutron"
        elif self.flavour == "libvirt" and ncomp <= 7 and rng.random() < 0.4:
            self.router_mode = "virbr"
        self.underlay()
        self.choose_problem()
        budget = 8 - ncomp - {"neutron": 2, "virbr": 1, None: 0}[self.router_mode]
        self.vm_host_budget = budget
        if big:
            # enough VMs for the points wanted: ports of 1 point (4 with hybrid plug), plus
            # each host's bridges, tunnel devices and NICs
            self.big_target = rng.randint(41, self.max_points)
            per_vm = 4.2 if self.flavour == "ovs" else 1.2
            n = max(len(self.computes), int((self.big_target - 4 * ncomp) / per_vm) + 2)
            for k in range(n):
                h = self.computes[k] if k < ncomp else rng.choice(self.computes)
                self.add_vm(h, rng.choice(self.nets))
        else:
            for h in self.computes:
                for _ in range(rng.choice([1, 1, 2, 3])):
                    self.add_vm(h, rng.choice(self.nets))
        if self.router_mode == "neutron":
            self.setup_neutron_router()
        self.make_routes()
        for r in self.routes:
            r.finish()

    def make_net(self, kind, k, segids):
        rng = self.rng
        n = Net(k, kind)
        n.id = port_id(rng)
        while True:
            n.v4 = "10.%d.%d." % (rng.randrange(0, 250), rng.randrange(0, 250))
            if not any(m.v4 == n.v4 for m in self.nets):
                break
        n.v6 = "fd%02x:%x:%x::" % (rng.randrange(256), rng.randrange(1, 65536), k + 1) \
            if rng.random() < 0.3 else None
        while True:
            if kind == "vxlan":
                n.segid = rng.choice([rng.randrange(1, 5000), rng.randrange(1, 1 << 24)])
            elif kind == "geneve":
                n.segid = rng.randrange(1, 1 << 24) if self.flavour == "ovn" else rng.randrange(1, 5000)
            elif kind == "gre":
                n.segid = rng.randrange(1, 5000)
            elif kind == "vlan":
                n.segid = rng.randrange(2, 4095)
            else:
                n.segid = 0
            if n.segid not in segids:
                segids.append(n.segid)
                break
        n.port = {"vxlan": 8472 if self.flavour == "lb" and rng.random() < 0.4 else 4789,
                  "geneve": 6081}.get(kind)
        return n

    def underlay(self):
        rng = self.rng
        self.underlay_mtu = rng.choice([1500, 1500, 1500, 9000])
        self.routed_underlay = rng.random() < 0.4
        self.sub = rng.randrange(1, 200)
        self.nic_addr, self.nic_mac = {}, {}
        self.gw_mac = self.mac("52:54:00")
        for k, h in enumerate(self.computes):
            self.underlay_addr(h, 11 + k, k)

    def underlay_addr(self, h, last, k):
        sub = self.sub + (k if self.routed_underlay else 0)
        self.nic_addr[h.name] = ("2001:db8:%x::%d" % (sub, last) if self.v6_underlay
                                 else "192.168.%d.%d" % (sub, last))
        self.nic_mac[h.name] = self.mac("52:54:00")

    def overhead(self, kind):
        """Outer IP + UDP/GRE + tunnel header + inner Ethernet (OVN's Geneve option: 8 more)."""
        v6 = 20 if self.v6_underlay else 0
        return {"vxlan": 50 + v6, "geneve": 58 + v6, "gre": 42 + v6}.get(kind, 0)

    def tunnelled(self, net):
        return net.kind in ("vxlan", "gre", "geneve")

    def choose_problem(self):
        rng = self.rng
        for n in self.nets:
            n.usable = self.underlay_mtu - self.overhead(n.kind) if self.tunnelled(n) else 1500
            n.vm_mtu = min(n.usable, 1500)     # a jumbo underlay: VMs keep 1500
        tun = [n for n in self.nets if self.tunnelled(n)]
        x = rng.random()
        if tun and self.underlay_mtu == 1500 and not self.v6_underlay and x < 0.25:
            n = rng.choice(tun)
            n.problem = True
            n.vm_mtu = 1500                    # the classic: instances at 1500 over a tunnel
            self.problem = ("tunnel", n)
        elif self.router_mode == "neutron" and x > 0.78:
            self.problem = ("router", rng.choice([576, 1000, 1280, 1400]))
        if "mtu" in self.without and self.problem:
            if self.problem[0] == "tunnel":
                self.problem[1].problem = False
                self.problem[1].vm_mtu = self.problem[1].usable
            self.problem = None

    def add_vm(self, h, net):
        rng = self.rng
        v = VM(len(self.vms), h, net)
        v.ip4 = net.v4 + str(10 + v.index)
        v.ip6 = (net.v6 + "%x" % (0x10 + v.index)) if net.v6 else None
        v.mac = self.mac("fa:16:3e" if self.flavour != "libvirt" else "52:54:00")
        v.mtu = net.vm_mtu
        v.pid = port_id(rng)
        n_on_host = sum(1 for w in self.vms if w.host is h)
        if self.flavour == "libvirt":
            v.tap = rng.choice(["vnet%d" % n_on_host, "veth" + hexid(rng, 7)])
        else:
            v.tap = "tap" + v.pid
        v.vmname = None
        v.vmhost = None
        if self.vm_host_budget > 0 and rng.random() < 0.2:
            self.name_vm_host(v)
        self.vms.append(v)
        net.vms.append(v)
        return v

    def name_vm_host(self, v):
        """This VM's own interface is captured too (a host of its own, with its own clock)."""
        v.vmname = "vm%d" % (v.index + 1)
        v.vmhost = self.host(v.vmname, "vm")
        self.vm_host_budget -= 1

    def dev_mtu(self, net):
        if self.tunnelled(net):
            return net.usable if self.flavour in ("lb", "libvirt") else 65000
        return 1500

    def encap_of(self, net):
        if net.kind == "vxlan":
            return "vxlan:%d:%d" % (net.segid, net.port)
        if net.kind in ("gre", "geneve"):
            return "%s:%d" % (net.kind, net.segid)
        if net.kind == "vlan":
            return "vlan:%d" % net.segid
        return "none"

    def bridge_hops(self):
        """The hops on either side of a promiscuous bridge's copy: it keeps its ingress port's
        receive stamp, so entering the bridge takes 0 and leaving it takes the forwarding time."""
        d1, d2 = self.rng.uniform(3, 12), self.rng.uniform(3, 12)
        return HSpec(0, 0, 0.0, d2), HSpec(0, 0, d1, 0.0)

    # ---- the pieces of a route -------------------------------------------------------

    def port_part(self, v, l2):
        """From the VM outward: [VM eth0 >] tap [> qbr > qvb > qvo]."""
        rng = self.rng
        items = []
        if v.vmhost is not None:
            items += [El(self.gp(v.vmhost, "eth0", "vm", v.mtu), l2),
                      HSpec(rng.uniform(15, 40), rng.uniform(2, 6))]
        kind = "veth" if v.tap.startswith("veth") else "tap"
        items.append(El(self.gp(v.host, v.tap, kind, v.mtu), l2))
        if self.flavour == "ovs":
            into, out = self.bridge_hops()
            items += [into, El(self.gp(v.host, "qbr" + v.pid, "bridge", v.mtu), l2), out,
                      El(self.gp(v.host, "qvb" + v.pid, "veth", v.mtu), l2),
                      # a veth pair takes well under 1 us in the kernel; 1.5-3 here, so that
                      # microsecond files can still tell the order of its ends
                      HSpec(rng.uniform(1.5, 3), 0.2),
                      El(self.gp(v.host, "qvo" + v.pid, "veth", v.mtu), l2)]
        return items

    def host_switch(self, h, net, l2, mtu):
        """The bridge a port hangs off on host h: brq<net> (Linux bridge agent), br0/br<id>
        (libvirt), none (OVS br-int and OVN are not captured)."""
        if self.flavour == "lb":
            return El(self.gp(h, "brq" + net.id, "bridge", min(mtu, self.dev_mtu(net))), l2)
        if self.flavour == "libvirt":
            name = "br0" if net.kind == "flat" else "br%d" % net.segid
            return El(self.gp(h, name, "bridge", min(mtu, self.dev_mtu(net))), l2)
        return None

    def host_net(self, h, net, l2, tun, il2, outer):
        """From host h's switching to its NIC: [tunnel device >] NIC, or [<nic>.<vid> >] NIC.
        Returns (items starting with an El, whether the MTU black hole is on the hop *into*
        the first element: a Linux vxlan device of the smaller MTU)."""
        rng = self.rng
        if self.tunnelled(net):
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
            nic.tunnel_nic = True
            into_dev = self.flavour in ("lb", "libvirt")
            # outward the packet is encapsulated and routed; inward the decapsulated packet may
            # keep the underlay NIC's receive stamp
            d_in = 0.0 if self.decap_quirk else rng.uniform(4, 12)
            entry = F if (net.problem and not into_dev) else None
            return [El(dev, l2), HSpec(0, 0, rng.uniform(5, 20), d_in, tun_entry=entry),
                    El(nic, outer, tun=tun, il2=il2)], into_dev
        nic = self.gp(h, self.prov_nic, "phys", 1500)
        nic.add_encap(self.encap_of(net))
        if net.kind == "vlan":
            vl = [(0x8100, net.segid)]
            if self.flavour in ("lb", "libvirt"):
                sub = self.gp(h, "%s.%d" % (self.prov_nic, net.segid), "phys", 1500,
                              note="802.1Q sub-interface of %s" % self.prov_nic)
                # the tag is pushed on the way out; a received frame is untagged in the same
                # skb, so the sub-interface (and a bridge above it) keeps the NIC's stamp
                return [El(sub, l2), HSpec(0, 0, rng.uniform(1, 4), 0.0),
                        El(nic, l2, vlans=vl)], False
            return [El(nic, l2, vlans=vl)], False
        return [El(nic, l2)], False

    def outward(self, v, l2, tun, outer):
        """From VM v to its host's NIC."""
        rng = self.rng
        net = v.net
        items = self.port_part(v, l2)
        hn, into_dev = self.host_net(v.host, net, l2, tun, l2 if tun else None, outer)
        entry = F if (net.problem and into_dev) else None
        sw = self.host_switch(v.host, net, l2, v.mtu)
        if sw is not None:
            into, out = self.bridge_hops()
            out.tun_entry = entry
            items += [into, sw, out]
        else:
            items.append(HSpec(rng.uniform(5, 20), rng.uniform(1, 4), tun_entry=entry))
        return items + hn

    def tunnel(self, net, ha, hb):
        a, b = self.nic_addr[ha.name], self.nic_addr[hb.name]
        if net.kind == "vxlan":
            return craft.Tunnel("vxlan", a, b, vni=net.segid, port=net.port)
        if net.kind == "gre":
            return craft.Tunnel("gre", a, b, key=net.segid)
        return craft.Tunnel("geneve", a, b, vni=net.segid, port=6081, csum=True,
                            ovn_ports=(self.rng.randrange(1, 64), self.rng.randrange(1, 64)))

    def wire(self, net, ha, hb):
        """The hop between two hosts' NICs, and the outer MACs of forward frames on each side."""
        rng = self.rng
        if self.tunnelled(net) and self.routed_underlay:
            return (HSpec(rng.uniform(40, 200), rng.uniform(3, 15), rout=True),
                    (self.nic_mac[ha.name], self.gw_mac), (self.gw_mac, self.nic_mac[hb.name]))
        return (HSpec(rng.uniform(20, 120), rng.uniform(2, 10)),
                (self.nic_mac[ha.name], self.nic_mac[hb.name]),
                (self.nic_mac[ha.name], self.nic_mac[hb.name]))

    # ---- routes ----------------------------------------------------------------------

    def new_route(self, kind, what):
        r = Route("r%d" % (len(self.routes) + 1), what)
        r.kind = kind
        self.routes.append(r)
        return r

    def make_routes(self):
        rng = self.rng
        self.decap_quirk = rng.random() < 0.7 and "quirks" not in self.without
        pairs = []
        for n in self.nets:
            for i in range(len(n.vms)):
                for j in range(i + 1, len(n.vms)):
                    pairs.append((n.vms[i], n.vms[j]))
        rng.shuffle(pairs)
        if self.max_points <= 40:
            pairs = pairs[:rng.randint(1, 4)]
        else:
            # every VM talks to another of its network (on another host when there is one)
            chosen = []
            for v in self.vms:
                if any(v in pr for pr in chosen):
                    continue
                mates = [w for w in v.net.vms if w is not v]
                far = [w for w in mates if w.host is not v.host]
                if mates:
                    chosen.append((v, rng.choice(far or mates)))
            pairs = chosen
        if len(self.computes) > 1 and not any(a.host is not b.host for a, b in pairs):
            # two hosts at least: one pair of VMs on different hosts
            v = rng.choice(self.vms)
            pairs.append((v, self.add_vm(rng.choice([h for h in self.computes if h is not v.host]),
                                         v.net)))
        elif len(self.computes) == 1 and self.router_mode is None:
            if not pairs:
                pairs.append((self.vms[0], self.add_vm(self.computes[0], self.vms[0].net)))
            if pairs[0][0].vmhost is None:
                self.name_vm_host(pairs[0][0])    # the VM's own interface: a second host
        for va, vb in pairs:
            self.route_l2(va, vb)
        if self.router_mode == "neutron":
            for v in rng.sample(self.vms, min(len(self.vms), rng.choice([1, 1, 2, 3]))):
                self.route_north_south(v)
        elif self.router_mode == "virbr":
            for v in rng.sample(self.vms, min(len(self.vms), rng.choice([1, 2]))):
                self.route_virbr(v)
        if not self.routes:
            v = self.vms[0]
            others = [h for h in self.computes if h is not v.host]
            self.route_l2(v, self.add_vm(rng.choice(others) if others else v.host, v.net))

    def route_l2(self, va, vb):
        """Two VMs of one network, on one host or two."""
        l2 = (va.mac, vb.mac)
        if va.host is vb.host:
            r = self.new_route("l2", "%s and %s on %s, one %s network" % (
                va.ip4, vb.ip4, va.host.name, va.net.kind))
            items = self.port_part(va, l2)
            sw = self.host_switch(va.host, va.net, l2, va.mtu)
            if sw is not None:
                into, out = self.bridge_hops()
                items += [into, sw, out]
            else:
                items.append(HSpec(self.rng.uniform(4, 15), self.rng.uniform(1, 3)))
            r.add(*(items + reverse_items(self.port_part(vb, l2))))
        else:
            net = va.net
            r = self.new_route("l2", "%s on %s and %s on %s over %s" % (
                va.ip4, va.host.name, vb.ip4, vb.host.name, self.encap_of(net)))
            tun = self.tunnel(net, va.host, vb.host) if self.tunnelled(net) else None
            wire, oa, ob = self.wire(net, va.host, vb.host)
            r.add(*(self.outward(va, l2, tun, oa if tun else l2) + [wire] +
                    reverse_items(self.outward(vb, l2, tun, ob if tun else l2))))
        r.va, r.vb = va, vb
        r.mtu = {F: va.mtu, R: vb.mtu}

    def setup_neutron_router(self):
        rng = self.rng
        nn = self.netnode = self.host(rng.choice(["net1", "network-0", "ctl1", "neutron1"]), "network")
        self.underlay_addr(nn, 5, len(self.computes))
        self.ext_host = self.host(rng.choice(["ext1", "client1", "inet1"]), "external")
        self.ext_net = "%d.%d.%d." % rng.choice([(198, 51, 100), (203, 0, 113), (192, 0, 2)])
        self.ext_ip = self.ext_net + str(rng.randrange(100, 250))
        self.ext_vlan = rng.choice([None, rng.randrange(2, 4095)])
        self.router_id = port_id(rng)
        self.qg = "qg-" + port_id(rng)
        self.qg_mac = self.mac()
        self.qg_ip = self.ext_net + str(rng.randrange(2, 20))
        self.upstream_mac = self.mac("52:54:00")
        self.qr = {}
        self.fips = []

    def route_north_south(self, v):
        """VM > its host > the network node > qr- > (router: TTL, NAT) > qg- > external NIC >
        external host."""
        rng = self.rng
        net, nn = v.net, self.netnode
        if net.id not in self.qr:
            self.qr[net.id] = ("qr-" + port_id(rng), self.mac(), net.v4 + "1")
        qrname, qrmac, gw = self.qr[net.id]
        x = rng.random()
        if x < 0.55:
            fip = None
            while fip is None or fip in self.fips or fip in (self.ext_ip, self.qg_ip):
                fip = self.ext_net + str(rng.randrange(20, 99))
            self.fips.append(fip)
            nat, how = (v.ip4, fip), "floating IP %s" % fip
        elif x < 0.8 and v.ip4 not in [r.nat[0] for r in self.routes if r.nat]:
            nat, how = (v.ip4, self.qg_ip), "SNAT to %s" % self.qg_ip
        else:
            nat, how = None, "no NAT"
        if "nat" in self.without:
            nat, how = None, "no NAT"
        r = self.new_route("ns", "%s on %s to %s via router %s on %s (%s)" % (
            v.ip4, v.host.name, self.ext_ip, self.router_id, nn.name, how))
        l2 = (v.mac, qrmac)
        if self.tunnelled(net):
            tun = self.tunnel(net, v.host, nn)
            wire, oa, ob = self.wire(net, v.host, nn)
            r.add(*self.outward(v, l2, tun, oa), wire)
            hn, into_dev = self.host_net(nn, net, l2, tun, l2, ob)
            hn = reverse_items(hn)
            if net.problem and not into_dev:
                hn[1].tun_entry = R
            r.add(*hn)
        else:
            wire, _, _ = self.wire(net, v.host, nn)
            r.add(*self.outward(v, l2, None, l2), wire)
            hn, into_dev = self.host_net(nn, net, l2, None, None, l2)
            r.add(*reverse_items(hn))
        sw = self.host_switch(nn, net, l2, net.vm_mtu) if self.flavour == "lb" else None
        entry = R if (net.problem and self.flavour == "lb") else None
        if sw is not None:
            into, out = self.bridge_hops()
            into.tun_entry = entry             # the bridge cannot forward to the vxlan device
            r.add(into, sw, out)
        else:
            r.add(HSpec(rng.uniform(6, 25), rng.uniform(1, 4)))
        r.add(El(self.gp(nn, qrname, "router", net.vm_mtu), l2))
        ext_mtu = self.problem[1] if self.problem and self.problem[0] == "router" else 1500
        rt = Router("router-" + self.router_id, rng.uniform(10, 40), rng.uniform(2, 6), nat=nat,
                    mtu={F: ext_mtu, R: net.vm_mtu}, gw={F: gw, R: self.qg_ip})
        l2e = (self.qg_mac, self.upstream_mac)
        r.add(rt, El(self.gp(nn, self.qg, "router", ext_mtu), l2e))
        pnic = self.gp(nn, self.ext_nic, "phys", ext_mtu)
        pnic.add_encap("vlan:%d" % self.ext_vlan if self.ext_vlan else "none")
        if self.flavour == "lb":
            into, out = self.bridge_hops()
            r.add(into, El(self.gp(nn, "brq" + self.router_id, "bridge", ext_mtu), l2e), out)
        else:
            r.add(HSpec(rng.uniform(6, 25), rng.uniform(1, 4)))
        ext = self.gp(self.ext_host, "eth0", "phys", ext_mtu)
        ext.add_encap("none")
        r.add(El(pnic, l2e, vlans=[(0x8100, self.ext_vlan)] if self.ext_vlan else []),
              HSpec(rng.uniform(40, 300), rng.uniform(3, 20)), El(ext, l2e))
        r.va, r.vb = v, None
        r.nat, r.router_obj, r.ext_ip = nat, rt, self.ext_ip
        r.mtu = {F: v.mtu, R: ext_mtu}

    def route_virbr(self, v):
        """libvirt NAT network: VM (a second NIC) > vnet > virbr0 > (the host routes and
        masquerades) > host NIC > external host."""
        rng = self.rng
        h = v.host
        if not hasattr(self, "virbr_ext"):
            self.virbr_ext = self.host(rng.choice(["ext1", "mirror1", "inet1"]), "external")
            self.virbr_ext_ip = "%d.%d.%d.%d" % (rng.choice([(198, 51, 100), (203, 0, 113)]) +
                                                 (rng.randrange(100, 250),))
            self.virbr_gw_mac = self.mac("52:54:00")
        if not hasattr(h, "public_ip"):
            while True:
                h.public_ip = "%d.%d.%d.%d" % (rng.choice([(198, 51, 100), (203, 0, 113)]) +
                                               (rng.randrange(2, 99),))
                if h.public_ip != self.virbr_ext_ip and h.public_ip not in [
                        getattr(x, "public_ip", None) for x in self.computes if x is not h]:
                    break
            h.virbr_mac = self.mac("52:54:00")
            h.public_mac = self.mac("52:54:00")
        nat_ip = "192.168.122.%d" % (100 + v.index)
        nat_mac = self.mac("52:54:00")
        r = self.new_route("virbr", "%s (libvirt NAT network on %s, masqueraded to %s) to %s" % (
            nat_ip, h.name, h.public_ip, self.virbr_ext_ip))
        l2 = (nat_mac, h.virbr_mac)
        if v.vmhost is not None:
            r.add(El(self.gp(v.vmhost, "eth1", "vm", 1500), l2),
                  HSpec(rng.uniform(15, 40), rng.uniform(2, 6)))
        # virbr0 is the router's own interface: its copy of a frame from the VM keeps the tap's
        # receive stamp; toward the VM it transmits first, then the tap
        r.add(El(self.gp(h, "vnet%d" % (50 + v.index), "tap", 1500), l2),
              HSpec(0, 0, 0.0, rng.uniform(3, 12)), El(self.gp(h, "virbr0", "bridge", 1500), l2))
        rt = Router("masquerade-" + h.name, rng.uniform(8, 30), rng.uniform(1, 5),
                    nat=None if "nat" in self.without else (nat_ip, h.public_ip), mtu={F: 1500, R: 1500},
                    gw={F: "192.168.122.1", R: h.public_ip})
        l2e = (h.public_mac, self.virbr_gw_mac)
        nic = self.gp(h, self.ext_nic, "phys", 1500)
        nic.add_encap("none")
        ext = self.gp(self.virbr_ext, "eth0", "phys", 1500)
        ext.add_encap("none")
        r.add(rt, El(nic, l2e), HSpec(rng.uniform(60, 400), rng.uniform(5, 25)), El(ext, l2e))
        r.va, r.vb = v, None
        r.nat_ip = nat_ip
        r.nat, r.router_obj, r.ext_ip = rt.nat, rt, self.virbr_ext_ip
        r.mtu = {F: 1500, R: 1500}

    # ---- traffic plans ---------------------------------------------------------------

    def plan_traffic(self):
        rng = self.rng
        n = 0
        for r in self.routes:
            k = rng.choice([1, 2, 2, 3]) if self.max_points <= 40 else rng.choice([1, 1, 2])
            kinds = [rng.choice(["tcp", "tcp", "udp", "ping", "ping"]) for _ in range(k)]
            if "tcp" not in kinds:
                kinds.insert(0, "smallping")   # some two-way traffic every route keeps
            if rng.random() < 0.15:
                kinds.append("syslog")
            if rng.random() < 0.15 and r.kind == "l2" and self.problem is None:
                if "mtu" not in self.without:
                    kinds.append("bigudp")
            for kind in kinds:
                n += 1
                r.convs.append(self.conv_spec(r, kind, n))

    def conv_spec(self, r, kind, n):
        """What a conversation sends, decided before the simulation (loss plans need it)."""
        rng = self.rng
        small = kind == "smallping"
        kind = "ping" if small else kind
        c = {"kind": kind, "n": n}
        c["v6"] = bool(kind in ("tcp", "udp", "ping") and r.kind == "l2" and r.va.ip6 and
                       r.vb.ip6 and rng.random() < 0.4) and "ipv6" not in self.without
        outside_may_start = r.kind == "ns" and (r.nat is None or r.nat[1] != self.qg_ip)
        d = F if (r.kind not in ("l2", "ns") or (r.kind == "ns" and not outside_may_start)
                  or rng.random() < 0.65) else R
        c["d"] = d
        c["t0"] = BASE_NS + int(rng.uniform(1, 700) * MS)
        hdr = 60 if c["v6"] else 40
        mtu_c, mtu_s = r.mtu[d], r.mtu[OTHER[d]]
        rt = r.router_obj
        path = min([mtu_c, mtu_s] + ([rt.mtu[F], rt.mtu[R]] if rt else []))
        # an outside client's packets fit the router's link toward the VM (the MTU problems
        # drawn are the VM's; one MTU per seed keeps check-analyze.py's usable MTU single)
        cap = min(mtu_c, rt.mtu[d]) if rt and d == R else mtu_c
        if kind == "tcp":
            c["sport"] = rng.choice([22, 80, 443, 5201, 3306, 5432, 6379, 8080, 9000])
            c["df"] = rng.random() < 0.8
            c["req"] = rng.randrange(40, 600) if rng.random() < 0.7 else rng.randrange(600, 6000)
            c["resp"] = rng.choice([0, rng.randrange(40, 1400), rng.randrange(1400, 12000),
                                    rng.randrange(3000, 20000)])
            clamp = rng.random() < 0.25 or path < min(mtu_c, mtu_s)   # MSS clamping on the router
            c["mss_c"] = (path if clamp else mtu_c) - hdr
            c["mss_s"] = (path if clamp else mtu_s) - hdr
            if rng.random() < 0.15:
                c["mss_c"] = c["mss_s"] = min(c["mss_c"], rng.choice([536, 1200, 1360]))
            seg = min(c["mss_c"], c["mss_s"]) - 12
            c["eligible"] = {d: -(-c["req"] // seg), OTHER[d]: -(-c["resp"] // seg)}
            c["close"] = rng.random() < 0.85
        elif kind == "udp":
            c["sport"] = rng.choice([7, 53, 123, 161, 5000, 9999, 11211])
            c["df"] = c["v6"] or rng.random() < 0.6
            cnt = rng.randint(2, 6)
            lo = 52 if c["v6"] else 32
            hi = min(mtu_c, mtu_s) if c["v6"] else cap
            c["sizes"] = [rng.choice([rng.randrange(lo, 200), rng.randrange(200, hi + 1), hi])
                          for _ in range(cnt)]
            c["interval"] = rng.uniform(3, 40)
            c["eligible"] = {d: cnt, OTHER[d]: cnt}
            # unconnected sockets sending with DF: IPv4 ID 0 (client, echo server or both)
            c["zero_c"] = c["df"] and not c["v6"] and rng.random() < 0.35 and "zero-id" not in self.without
            c["zero_s"] = c["df"] and not c["v6"] and rng.random() < 0.35 and "zero-id" not in self.without
        elif kind == "ping":
            cnt = rng.randint(3, 6)
            c["df"] = c["v6"] or rng.random() < 0.8
            dmax = (min(mtu_c, mtu_s) - 48) if c["v6"] else (cap - 28)
            big = not small and rng.random() < 0.3
            c["data"] = [56 if small else dmax if big else rng.choice([56, 56, rng.randrange(16, dmax + 1)])
                         for _ in range(cnt)]
            c["interval"] = rng.uniform(20, 200)
            c["eligible"] = {d: cnt, OTHER[d]: cnt}
            c["zero_c"] = c["df"] and not c["v6"] and rng.random() < 0.5 and \
                "zero-id" not in self.without      # a ping socket
        elif kind == "syslog":
            c["count"] = rng.randint(3, 8)
            c["interval"] = rng.uniform(20, 120)
            c["df"] = rng.random() < 0.5
            c["eligible"] = {d: c["count"], OTHER[d]: 0}
        elif kind == "bigudp":
            # NFS/DNS-style datagrams above the MTU without DF: the sender fragments them
            c["df"] = False
            c["sport"] = rng.choice([2049, 53, 5353, 6000])
            c["sizes"] = [rng.randrange(mtu_c + 1, 3 * mtu_c) for _ in range(rng.randint(2, 4))]
            c["interval"] = rng.uniform(5, 40)
            c["eligible"] = {d: 0, OTHER[d]: 0}
        base = {"ping": "ping6" if c["v6"] else "ping"}.get(kind, kind)
        cid = c["id"] = "c%d-%s" % (n, base)
        if kind in ("tcp", "udp", "bigudp"):
            c["flows"] = [(cid + "-c2s", d), (cid + "-s2c", OTHER[d])]
        elif kind == "ping":
            c["flows"] = [(cid + "-req", d), (cid + "-rep", OTHER[d])]
        else:
            c["flows"] = [(cid, d)]
        return c

    # ---- capture selection, MTU problems, netem, losses ------------------------------

    def select_capture(self):
        rng = self.rng
        names = []
        for r in self.routes:
            names += [n for n in r.names if n not in names]
        hi = min(self.max_points, len(names))
        lo = min(3, hi)
        if self.max_points > 40:
            want = min(hi, self.big_target)
        else:
            want = rng.randint(lo, hi) if rng.random() < 0.5 else rng.randint((lo + hi) // 2, hi)
        forced = []
        if self.problem:
            for r in self.routes:
                if self.problem[0] == "tunnel" and (r.va.net is not self.problem[1]):
                    continue
                for e in r.flat:
                    g = e.gp
                    need = g.kind == "router" or (
                        self.problem[0] == "tunnel" and (
                            (g.kind in ("tap", "veth") and not g.ifname.startswith("qv")) or
                            getattr(g, "tunnel_nic", False)))
                    if need and g.name not in forced:
                        forced.append(g.name)
        chosen = forced[:hi]
        rest = [n for n in names if n not in chosen]
        rng.shuffle(rest)
        chosen += rest[:max(0, want - len(chosen))]
        for r in self.routes:                       # every route shows two points at least
            have = [n for n in r.names if n in chosen]
            for n in rng.sample(r.names, len(r.names)):
                if len(have) >= 2:
                    break
                if n not in chosen:
                    chosen.append(n)
                    have.append(n)
        while len(chosen) > self.max_points:      # over budget: drop what no route needs
            cand = [n for n in chosen if n not in forced and all(
                len([m for m in r.names if m in chosen and m != n]) >= 2
                for r in self.routes if n in r.names)]
            if not cand:
                cand = [n for n in chosen if all(
                    len([m for m in r.names if m in chosen and m != n]) >= 2
                    for r in self.routes if n in r.names)]
            if not cand:
                break
            chosen.remove(rng.choice(cand))

        def hosts_of(ns):
            out = []
            for n in ns:
                h = self.points[n].host
                if h not in out:
                    out.append(h)
            return out

        while len(hosts_of(chosen)) < 2:            # two hosts at least
            r = next((r for r in self.routes if len(hosts_of(r.names)) > 1), None)
            if r is None:
                break
            have = hosts_of(chosen)
            add = next(n for n in r.names if self.points[n].host not in have)
            chosen.append(add)
            if len(chosen) > self.max_points:
                out = next((n for n in chosen if self.points[n].host is have[0] and
                            len([m for m in r.names if m in chosen and m != n]) >= 2), None)
                if out:
                    chosen.remove(out)
        if "bridges" in self.without:
            chosen = [n for n in chosen if not self.points[n].bridge]
            for r in self.routes:
                for n in r.names:
                    if len([m for m in r.names if m in chosen]) >= 2:
                        break
                    if n not in chosen and not self.points[n].bridge:
                        chosen.append(n)
        for n in chosen:
            self.points[n].captured = True

    def plan_problems(self):
        rng = self.rng
        for r in self.routes:
            for p, g in enumerate(r.gaps):
                if isinstance(g, HSpec) and g.tun_entry:
                    r.mtu_drop[p] = (g.tun_entry, self.problem[1].usable)
        # netem on a device's egress: a VM's tap (toward the VM) or a tunnel NIC (toward the wire)
        if rng.random() < 0.35:
            cands = []
            for r in self.routes:
                for p, e in enumerate(r.flat):
                    g = e.gp
                    port = g.kind in ("tap", "veth") and not g.ifname.startswith("qv") and (
                        p in (0, len(r.flat) - 1) or r.flat[p - 1].gp.host.role == "vm" or
                        r.flat[p + 1].gp.host.role == "vm")
                    if (port or getattr(g, "tunnel_nic", False)) and g not in cands and \
                            g.host.role == "compute":
                        cands.append(g)
            for g in rng.sample(cands, min(len(cands), rng.choice([1, 1, 2]))):
                g.netem_ms = rng.choice([5, 10, 20, 30, 50]) if "netem" not in self.without else 0

    def plan_losses(self):
        """Some flows lose a few eligible packets on one hop between two captured points."""
        rng = self.rng
        for r in self.routes:
            if r.mtu_drop or (self.problem and self.problem[0] == "router" and r.router_obj):
                continue
            capidx = [p for p, e in enumerate(r.flat) if e.gp.captured]
            for c in r.convs:
                for fid, d in c["flows"]:
                    n = c["eligible"].get(d, 0)
                    if n < 2 or rng.random() > 0.3:
                        continue
                    i = rng.randrange(len(capidx) - 1)
                    p = rng.randrange(capidx[i], capidx[i + 1])
                    ords = rng.sample(range(1, n + 1), min(rng.choice([1, 1, 2, 3]), n - 1))
                    g = r.gaps[p]
                    if isinstance(g, Router):
                        g.plans[fid] = Plan(d, ords)
                    else:
                        r.hop_plans.setdefault(p, {})[fid] = Plan(d, ords)
        if "loss" in self.without:
            for r in self.routes:
                r.hop_plans = {}
                if r.router_obj:
                    r.router_obj.plans = {}

    # ---- traffic ---------------------------------------------------------------------

    def run_traffic(self):
        for r in self.routes:
            r.sim = RouteSim(self, r)
        convs = [(c["t0"], c["n"], r, c) for r in self.routes for c in r.convs]
        for _, _, r, c in sorted(convs, key=lambda x: (x[0], x[1])):
            self.run_conv(r, c)

    def addrs(self, r, c):
        """(client address, server address, the client's address for the server, the server's
        for the client): NAT makes them differ."""
        d = c["d"]
        pub = r.nat[1] if r.nat else None
        if r.kind == "virbr":
            return r.nat_ip, r.ext_ip, None, pub
        if r.kind == "ns":
            if d == F:
                return r.va.ip4, r.ext_ip, None, pub
            return r.ext_ip, r.va.ip4, pub, None
        a, b = (r.va.ip6, r.vb.ip6) if c["v6"] else (r.va.ip4, r.vb.ip4)
        return (a, b, None, None) if d == F else (b, a, None, None)

    def side(self, sim, fid, d, ip, port, df, zero=False):
        return (ZeroIdSide if zero else craft.Side)(sim, fid, d, ip, port, df)

    def run_conv(self, r, c):
        sim, d = r.sim, c["d"]
        rd = OTHER[d]
        cip, sip, c_to, s_to = self.addrs(r, c)
        f1 = c["flows"][0][0]
        f2 = c["flows"][1][0] if len(c["flows"]) > 1 else None
        zc, zs = c.get("zero_c", False), c.get("zero_s", False)
        kind = c["kind"]
        if kind == "tcp":
            cport = self.ephemeral()
            cs = self.side(sim, f1, d, cip, cport, c["df"])
            ss = self.side(sim, f2, rd, sip, c["sport"], c["df"])
            cs.dst_ip, ss.dst_ip = c_to, s_to
            what = "TCP to port %d, %d B request, %d B response, MSS %d/%d%s%s" % (
                c["sport"], c["req"], c["resp"], c["mss_c"], c["mss_s"],
                "" if c["df"] else ", DF clear (ip_no_pmtu_disc=1)", "" if c["close"] else ", left open")
            self.flow(f1, "tcp", cip, cport, sip, c["sport"], what + " (client to server)", d, r, c["df"])
            self.flow(f2, "tcp", sip, c["sport"], cip, cport, what + " (server to client)", rd, r, c["df"])
            craft.tcp_session(sim, cs, ss, c["t0"], craft.pattern(c["req"], c["n"]),
                              craft.pattern(c["resp"], c["n"] + 1), c["mss_c"], c["mss_s"], c["close"])
        elif kind in ("udp", "bigudp"):
            cport = self.ephemeral()
            cs = self.side(sim, f1, d, cip, cport, c["df"], zc)
            ss = self.side(sim, f2, rd, sip, c["sport"], c["df"], zs)
            cs.dst_ip, ss.dst_ip = c_to, s_to
            what = "UDP echo to port %d, IP lengths %s%s%s" % (
                c["sport"], " ".join(map(str, c["sizes"])), ", DF" if c["df"] else ", no DF",
                {(True, True): ", IPv4 ID 0 both ways (unconnected sockets)",
                 (True, False): ", IPv4 ID 0 from the client (unconnected socket)",
                 (False, True): ", IPv4 ID 0 from the echo server (unconnected socket)"}.get((zc, zs), ""))
            if kind == "bigudp":
                what += " (above the MTU: the sender fragments)"
            self.flow(f1, "udp", cip, cport, sip, c["sport"], what + " (requests)", d, r, c["df"])
            self.flow(f2, "udp", sip, c["sport"], cip, cport, what + " (echoes)", rd, r, c["df"])
            craft.udp_echo(sim, cs, ss, c["t0"], c["sizes"], c["interval"])
        elif kind == "ping":
            ident = self.ident()
            cs = self.side(sim, f1, d, cip, 0, c["df"], zc)
            ss = self.side(sim, f2, rd, sip, 0, False)
            cs.dst_ip, ss.dst_ip = c_to, s_to
            proto = "icmpv6" if c["v6"] else "icmp"
            what = "ping%s -c %d -s %s" % (" -6" if c["v6"] else " -M do" if c["df"] else " -M dont",
                                           len(c["data"]), "/".join(map(str, c["data"])))
            self.flow(f1, proto, cip, ident, sip, "", what + " (echo requests)", d, r, c["df"])
            self.flow(f2, proto, sip, ident, cip, "", what + " (echo replies)", rd, r, c["v6"])
            craft.ping(sim, cs, ss, c["t0"], ident, c["data"], c["interval"])
        elif kind == "syslog":
            cport = self.ephemeral()
            cs = self.side(sim, f1, d, cip, cport, c["df"])
            ss = self.side(sim, "-", rd, sip, 514, c["df"])
            cs.dst_ip = c_to
            self.flow(f1, "udp", cip, cport, sip, 514, "syslog over UDP, %d messages (one way)"
                      % c["count"], d, r, c["df"])
            craft.syslog(sim, cs, ss, c["t0"], c["count"], c["interval"])

    def flow(self, fid, proto, src, sport, dst, dport, what, d, r, df):
        self.flows.append(dict(id=fid, proto=proto, src=src, sport=sport, dst=dst, dport=dport,
                               what=what, d=d, route=r, df="yes" if df else "no"))

    # ---- clocks ----------------------------------------------------------------------

    def clocks(self):
        """Offsets for hosts whose every captured (non-bridge) point is joined to the reference
        point by two-way traffic: both flows of a conversation crossed both points.  The
        reference (the alphabetically first non-bridge file, as pathtrace takes it) keeps true
        time.  A netem delay (one way) between two points hides their offset: such pairs do
        not count, and hosts left unjoined keep true time."""
        rng = self.rng
        caps = sorted((g.file, g.name) for g in self.points.values() if g.captured and not g.bridge)
        if not caps:
            return
        ref = self.points[caps[0][1]]
        adj = {n: set() for _, n in caps}
        for r in self.routes:
            asym = [any(netem_on(r, p).values()) for p in range(len(r.flat) - 1)]
            for c in r.convs:
                if len(c["flows"]) < 2:
                    continue
                a, b = self.stats.get(c["flows"][0][0]), self.stats.get(c["flows"][1][0])
                if not a or not b:
                    continue
                both = [n for n in a.points if n in b.points and n in adj]
                for x in both:
                    for y in both:
                        i, j = sorted((r.names.index(x), r.names.index(y)))
                        if x != y and not any(asym[i:j]):
                            adj[x].add(y)
        comp, todo = {ref.name}, [ref.name]
        while todo:
            for y in sorted(adj[todo.pop()]):
                if y not in comp:
                    comp.add(y)
                    todo.append(y)
        for h in self.hosts:
            hop_pts = [g for g in h.points if g.captured and not g.bridge]
            if h is ref.host or not hop_pts or not all(g.name in comp for g in hop_pts):
                continue
            if rng.random() < 0.3:
                continue
            if self.big_clocks and rng.random() < 0.6:
                h.offset_ns = int(rng.uniform(1.5, 300.0) * 1e6) * 1000 * rng.choice([-1, 1])
            else:
                h.offset_ns = rng.randrange(150, 3000) * 1000 * rng.choice([-1, 1])
            if "clocks" in self.without:
                h.offset_ns = 0

    # ---- files -----------------------------------------------------------------------

    def write(self, outdir):
        os.makedirs(outdir, exist_ok=True)
        for pat in ("*.pcap", "*.pcapng", "manifest.tsv", "README"):
            for old in glob.glob(os.path.join(outdir, pat)):
                os.remove(old)
        # outer IPv4 IDs: one counter per (outer source, outer destination), in time order
        encs = sorted(((t, si, uid, T, d) for si, sim in enumerate(self.sims)
                       for T, d, t, uid in sim.encaps), key=lambda e: e[:3])
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
        render = craft.Scenario.render     # uses nothing of its scenario
        end = BASE_NS
        for si, sim in enumerate(self.sims):
            for fid, d, visits in sim.events:
                for i, t, l3, outer in visits:
                    end = max(end, t)
                    p = sim.sc.points[i]
                    g = self.points[p.name]
                    if not g.captured:
                        continue
                    per[p.name].append((t + g.host.offset_ns, seq,
                                        render(None, p, d, l3, outer, ids[si])))
                    seq += 1
        # Every capture ran through the whole experiment and caught some ARP at its start and at
        # its end: a point's first and last frames bound its capture window, so a packet lost
        # before a point is not mistaken for one that came before that capture started.
        end += int(self.rng.uniform(2, 20) * MS)
        for k, (n, frames) in enumerate(per.items()):
            g = self.points[n]
            for t in (BASE_NS + int(self.rng.uniform(0.1, 0.9) * MS), end + int(self.rng.uniform(0, 1) * MS)):
                frames.append((t + g.host.offset_ns, -1, arp_request(k)))
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

    def title(self):
        fl = {"lb": "Neutron Linux bridge agent", "ovs": "Neutron Open vSwitch, hybrid plug",
              "ovn": "OVN", "libvirt": "libvirt bridges"}[self.flavour]
        nets = ", ".join("flat" if n.kind == "flat" else self.encap_of(n) for n in self.nets)
        ncap = sum(1 for g in self.points.values() if g.captured)
        nh = sum(1 for h in self.hosts if any(g.captured for g in h.points))
        t = "Random set %d: %s, networks %s, %d hosts, %d points" % (self.seed, fl, nets, nh, ncap)
        if self.problem and self.problem[0] == "tunnel":
            n = self.problem[1]
            t += ", VM MTU %d over %s (usable %d)" % (n.vm_mtu, self.encap_of(n), n.usable)
        elif self.problem:
            t += ", router far link MTU %d" % self.problem[1]
        return t

    def readme(self):
        out = [self.title() + ".", "Written by %s %d; manifest.tsv holds the truth." % (GEN, self.seed),
               "Routes (forward direction; points not captured in brackets):"]
        for r in self.routes:
            out.append("  %s: %s:" % (r.name, r.what))
            out.append("    " + " > ".join(n if self.points[n].captured else "[%s]" % n for n in r.names))
        return "\n".join(out) + "\n"

    # ---- manifest --------------------------------------------------------------------

    def manifest(self):
        def rec(kind, *kv):
            return "\t".join([kind] + ["%s=%s" % (k, v) for k, v in kv if v is not None]) + "\n"

        extra = []
        if self.problem and self.problem[0] == "tunnel":
            extra.append(("vm_mtu", self.problem[1].vm_mtu))
            if self.problem[1].kind == "vxlan":
                # (check-analyze.py reckons the underlay a Geneve network needs without OVN's
                # option bytes: no underlay_mtu for Geneve, so that it does not check the advice)
                extra.append(("underlay_mtu", self.underlay_mtu))
        out = [rec("scenario", ("name", "random-%d" % self.seed), ("title", self.title()),
                   ("source", "crafted"), ("seed", self.seed), ("offloads", "n/a"),
                   ("generator", GEN), *extra)]
        opts = ("%s%s%s" % (" --max-points %d" % self.max_points if self.max_points != 40 else "",
                            " --big-clocks" if self.big_clocks else "",
                            " --without " + ",".join(sorted(self.without)) if self.without else ""))
        out.append("# %s%s %d; true time starts at 1700000000; clock_offset_s = file time minus "
                   "true time\n" % (GEN, opts, self.seed))
        for name, g in sorted(self.points.items()):
            if not g.captured:
                continue
            notes = list(g.notes)
            if len(g.encaps) > 1:
                notes.append("also carries " + ", ".join(g.encaps[1:]))
            if g.netem_ms:
                notes.append("netem delay %d ms on its egress" % g.netem_ms)
            out.append(rec("point", ("name", g.name), ("file", g.file), ("host", g.host.name),
                           ("ifname", g.ifname), ("kind", g.kind), ("mtu", g.mtu),
                           ("encap", g.encaps[0] if g.encaps else "none"), ("format", g.fmt),
                           ("clock_offset_s", fmt_s(g.host.offset_ns)), ("tsresol", g.tsres),
                           ("linktype", "EN10MB"), ("promisc", "yes"),
                           ("role", "bridge" if g.bridge else "hop"),
                           ("note", "; ".join(notes) if notes else None)))
        for h in self.hosts:
            if h.offset_ns and any(g.captured for g in h.points):
                out.append(rec("clock", ("host", h.name), ("offset_s", fmt_s(h.offset_ns))))
        live = [fl for fl in self.flows if fl["id"] in self.stats and self.stats[fl["id"]].sent]
        for fl in live:
            st = self.stats[fl["id"]]
            fl["src"], fl["dst"] = st.first_l3.src, st.first_l3.dst
            out.append(rec("flow", ("id", fl["id"]), ("proto", fl["proto"]), ("src", fl["src"]),
                           ("sport", fl["sport"]), ("dst", fl["dst"]), ("dport", fl["dport"]),
                           ("df", fl["df"]), ("sizes", ",".join(map(str, sorted(set(st.sizes))))),
                           ("what", fl["what"]), ("route", fl["route"].name)))
        for fl in live:
            cap = fl["route"].captured()
            out.append(rec("path", ("flow", fl["id"]),
                           ("points", ">".join(cap if fl["d"] == F else cap[::-1]))))
        for fl in live:
            st = self.stats[fl["id"]]
            res = "all" if st.delivered == st.sent else "none" if st.delivered == 0 else "some"
            out.append(rec("deliver", ("flow", fl["id"]), ("result", res),
                           ("note", "%d of %d packets reach the last point" % (st.delivered, st.sent))))
        for fl in live:
            st, r = self.stats[fl["id"]], fl["route"]
            shown = {}
            for (p, reason, gt), n in st.drops.items():
                a, b = r.around(p, fl["d"])
                if a is not None and b is not None:
                    shown[(a, b, reason, gt)] = shown.get((a, b, reason, gt), 0) + n
            assert len(shown) <= 1, "seed %d: flow %s loses packets on several hops: %s" % (
                self.seed, fl["id"], shown)
            for (a, b, reason, gt), n in shown.items():
                if reason == "mtu":
                    out.append(rec("drop", ("flow", fl["id"]), ("from", a), ("to", b), ("size_gt", gt),
                                   ("count", n), ("reason", "mtu")))
                else:
                    out.append(rec("drop", ("flow", fl["id"]), ("from", a), ("to", b), ("count", n),
                                   ("reason", "loss"), ("note", "random loss of data packets")))
        for fl in live:
            st, r = self.stats[fl["id"]], fl["route"]
            path = r.captured() if fl["d"] == F else r.captured()[::-1]
            frs = sorted((path.index(at), by, at, mtu) for by, at, mtu in st.frags if at in path)
            if frs:
                _, by, at, mtu = frs[0]
                out.append(rec("frag", ("flow", fl["id"]), ("at", at), ("mtu", mtu), ("by", by)))
            for kind, sender, mtu, seen in st.icmp:
                out.append(rec("icmp", ("kind", kind), ("sender", sender), ("mtu", mtu),
                               ("flow", fl["id"]), ("seen_at", ",".join(seen)), ("by", "router")))
        out += self.delay_records(live)
        for r in self.routes:
            rt = r.router_obj
            if not rt or not rt.nat or not any(fl["route"] is r for fl in live):
                continue
            a, b = r.around(r.gaps.index(rt), F)
            if a and b:
                priv, pub = rt.nat
                for x in (rec("nat", ("from", a), ("to", b), ("orig", priv), ("new", pub), ("kind", "snat")),
                          rec("nat", ("from", b), ("to", a), ("orig", pub), ("new", priv), ("kind", "dnat"))):
                    if x not in out:
                        out.append(x)
        out += self.usable_records(live, rec)
        return "".join(out)

    def usable_records(self, live, rec):
        """usable_mtu: check-analyze.py takes the first record's MTU for every MTU error, so
        with an MTU problem only that problem's MTU is stated."""
        out = []
        if self.problem and self.problem[0] == "tunnel":
            n = self.problem[1]
            out.append(rec("usable_mtu", ("network", "%s:%d" % (n.kind, n.segid)), ("mtu", n.usable)))
            for v in n.vms:
                t = self.points.get(v.host.name + "-" + v.tap)
                if t is not None and t.captured:
                    out.append(rec("usable_mtu", ("point", t.name), ("mtu", n.usable)))
        elif self.problem:
            for fl in live:
                st = self.stats[fl["id"]]
                if any(reason == "mtu" for _, reason, _ in st.drops) or any(
                        by == "router" for by, _, _ in st.frags):
                    cap = fl["route"].captured()
                    x = rec("usable_mtu", ("point", cap[0] if fl["d"] == F else cap[-1]),
                            ("mtu", self.problem[1]), ("note", "path MTU to %s" % fl["dst"]))
                    if x not in out:
                        out.append(x)
        else:
            for n in self.nets:
                if self.tunnelled(n):
                    x = rec("usable_mtu", ("network", "%s:%d" % (n.kind, n.segid)), ("mtu", n.usable))
                    if x not in out:
                        out.append(x)
        return out

    def delay_records(self, live):
        """A netem delay as a flow shows it on a captured hop, written when every packet of the
        flow took it there within 4 % (true time), on a hop within one host."""
        out = []
        for fl in live:
            r, d = fl["route"], fl["d"]
            for p in range(len(r.flat) - 1):
                ms = netem_on(r, p)[d]
                if not ms:
                    continue
                x, y = r.around(p, d)
                # across hosts a one-way delay cannot be told from a clock offset
                if x is None or y is None or self.points[x].host is not self.points[y].host:
                    continue
                lat = self.latencies(fl["id"], x, y)
                if lat and all(abs(v - ms) <= 0.04 * ms for v in lat):
                    out.append("delay\tfrom=%s\tto=%s\tms=%d\tflow=%s\n" % (x, y, ms, fl["id"]))
        return out

    def latencies(self, fid, a, b):
        """True ms from a to b of each packet of flow fid that crossed both (one segment)."""
        out = []
        for sim in self.sims:
            names = [p.name for p in sim.sc.points]
            if a not in names or b not in names:
                continue
            ia, ib = names.index(a), names.index(b)
            for f, _, visits in sim.events:
                if f != fid:
                    continue
                ts = {i: t for i, t, _, _ in visits}
                if ia in ts and ib in ts:
                    out.append((ts[ib] - ts[ia]) / 1e6)
        return out


FEATURES = ["bridges", "clocks", "ipv6", "loss", "mtu", "nat", "netem", "quirks", "zero-id"]


def main(argv):
    ap = argparse.ArgumentParser(prog="randomset.py", usage=__doc__.split("\n")[0],
                                 description="Write a random multi-point capture set and its "
                                 "manifest.tsv (see the head of this file).")
    ap.add_argument("seed", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--max-points", type=int, default=40, help="at most N capture points (3-200)")
    ap.add_argument("--big-clocks", action="store_true",
                    help="clock offsets up to 5 minutes (pathtrace matches within a 1 s window)")
    ap.add_argument("--count", type=int, default=1,
                    help="write seeds SEED..SEED+K-1, each into OUTDIR/<seed>")
    ap.add_argument("--without", default="", metavar="FEATURE,...",
                    help="leave features out, to find which one a failure needs: " + ", ".join(FEATURES)
                    + " (the seed's other draws stay the same)")
    a = ap.parse_args(argv[1:])
    if not 3 <= a.max_points <= 200:
        ap.error("--max-points must be 3-200")
    without = [w for w in a.without.split(",") if w]
    for w in without:
        if w not in FEATURES:
            ap.error("--without: unknown feature %s (known: %s)" % (w, ", ".join(FEATURES)))
    for s in range(a.seed, a.seed + a.count):
        RandomSet(s, a.max_points, a.big_clocks, without).generate(
            a.outdir if a.count == 1 else os.path.join(a.outdir, str(s)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
