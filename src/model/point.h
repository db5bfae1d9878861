/* The point model: every capture point the analysis knows, by index. A
 * name, file and link type come in from the captures (the input edge) and go
 * out in the reports (the output edge); inside, a point is its index, its
 * role, its clock and its statistics.
 *
 * Who writes what:
 *   identity (name, file, linktype, iface,       cli, when the capture opens
 *   name_role, alias, host)
 *   given_role, given_offset_s                   cli, from --role / --clock-offset
 *   stats                                        match (match/point-stats.c), once per packet
 *   role, evidence                               analysis/roles.c
 *   capture_stopped                              analysis/hops.c
 *   clock.shift_*                                cli, from the coarse clock pre-pass
 *   clock (the rest)                             analysis/clock.c
 */
#ifndef PATHTRACE_MODEL_POINT_H
#define PATHTRACE_MODEL_POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a capture point is to path order. */
enum pt_point_role {
	PT_ROLE_HOP = 0,     /* the packet passes through it */
	PT_ROLE_BRIDGE = 1,  /* a promiscuous bridge device or a switch's mirror port: a copy taken while
			      * forwarding between ports */
	PT_ROLE_VANTAGE = 2, /* sees packets of several hops (-i any): not a hop of its own */
	PT_ROLE_FLOOD = 3,   /* a switch's own port (an OVS internal port, a bridge captured with -p):
			      * sees what is flooded to it, not the unicast that passes it */
};

/* What an interface's name says it is, from the names Nova, Neutron,
 * libvirt, Docker, Kubernetes CNIs, Proxmox, LXD, Xen and Open vSwitch
 * give their devices (model/point.c has the list). */
enum pt_iface_kind {
	PT_IF_UNKNOWN = 0,  /* a name pathtrace does not know */
	PT_IF_BRIDGE,       /* a Linux bridge: br0, brq…, qbr…, virbr0, docker0, cni0, vmbr0, lxdbr0, xenbr0, cbr0 */
	PT_IF_OVS_INTERNAL, /* an Open vSwitch bridge's own port: br-int, br-tun, br-ex, breth0 */
	PT_IF_OVS_MIRROR,   /* an ovs-tcpdump mirror port: mi<port>, ovsmi<6 digits> */
	PT_IF_PORT,         /* a VM's or container's link: tap…, vnetN, qvb…/qvo…, veth…, lxc…, cali… */
	PT_IF_TUNNEL,       /* vxlan_sys_4789, genev_sys_6081, gre_sys, vxlan-<vni>, cilium_vxlan, tun0... */
	PT_IF_ROUTER,       /* a Neutron router's port: qr-, qg-, sg-, fg-, rfp-, fpr-, ha- */
	PT_IF_NIC,          /* a host's NIC or its VLAN: ethN, ensN, enpNsN, enoN, bondN, eth1.100 */
	PT_IF_ANY,          /* tcpdump -i any */
};

/* Why a point has its role (owner: analysis/roles.c). */
enum pt_role_why {
	PT_WHY_NAME = 0,        /* no evidence either way: what the name says */
	PT_WHY_GIVEN,           /* --role */
	PT_WHY_IFINDEXES,       /* several interface indexes in one capture (LINUX_SLL2) */
	PT_WHY_COPIES,          /* LINUX_SLL: its packets seen again, once per device they crossed */
	PT_WHY_PARTIAL_VIEW,    /* missed most unicast packets that went past it: it saw floods */
	PT_WHY_COPY_STAMPS,     /* stamped as a copy both ways: at each direction's ingress, or after the egress */
	PT_WHY_FULL_VIEW,       /* an internal port by name, but every packet that went past it is there */
};

/* What the packets showed about a point's role (owner: analysis/roles.c). */
struct pt_role_evidence {
	enum pt_role_why why;
	/* Unicast packets that a later point of its host saw while it was
	 * capturing, and how many of those it saw itself. */
	uint64_t behind, seen;
	/* Two-way conversations through it in which each direction showed it
	 * with another point of its host, and in how many of those its stamps
	 * were a copy's both ways: the same as a different point each way
	 * (tie_out, tie_back: one such pair), or after a point that is earlier
	 * both ways (tie_out; tie_back -1). */
	uint32_t conversations, copies;
	long tie_out, tie_back;
};

struct pt_point_stats {
	uint64_t packets, bytes, ip_packets;
	int64_t first_ts, last_ts;
	uint64_t outside_filter;     /* packets the user's filter does not select (analysed all the same) */
	bool fine_ts;                /* some timestamp is not a whole microsecond */
	uint32_t max_frame_len;
	uint32_t max_ip_len;         /* outermost IP length, super-frames included */
	uint32_t max_plain_ip_len;   /* outermost IP length of frames that are not super-frames */
	uint64_t gso_frames, malformed, truncated;
	uint64_t fragments;          /* IPv4 fragments (counted by the matcher) */
	uint64_t duplicates;         /* copies of one packet at this point (counted by the matcher) */
	/* What the point's copies look like, learnt from packets of strong
	 * identity (match.c, pt_copy_window): how many there were, how many of
	 * them came twice within the duplicate window, and the longest such gap. */
	uint64_t strong_packets, strong_copies;
	int64_t copy_gap_max_ns;
	uint64_t returned;           /* packets seen again coming back (a hair-pin through a middlebox) */
	uint32_t max_frag_len;       /* largest IPv4/IPv6 fragment, IP total length */
	uint64_t outer_frag_packets; /* tunnel packets seen here in outer fragments (their first) */
	uint64_t outer_frag_rest;    /* their later fragments (counted by the matcher) */
	uint32_t outer_frag_max_len; /* the largest such outer datagram before fragmentation */
	uint64_t encap_seen;         /* bit per enum pt_proto: vlan, mpls, gre, erspan, vxlan, geneve; ipv4 for IP-in-IP */
	/* Encapsulation cost per packet: 4 bytes per VLAN tag plus outer IP minus
	 * inner IP. Tags cost wire bytes but not IP MTU, so the largest tunnel
	 * overhead, which does, is kept apart. */
	uint64_t overhead_bytes, overhead_packets, vlan_packets;
	uint32_t tunnel_overhead_max;
	uint16_t max_vlan_tags;      /* most VLAN tags on one frame (QinQ: 2) */
	bool ipv6_underlay;
	uint32_t ifindex;            /* LINUX_SLL2: the first interface index seen */
	/* What the file's clock did (set on the first point of a file, by cli). */
	uint64_t clock_jumps, clock_steps;
	int64_t max_clock_jump_ns, max_clock_step_ns;
	bool aggregate;              /* several interfaces in one capture (-i any) */
};

struct pt_point_clock {
	/* Read shifted: timestamps were taken this much earlier than the file
	 * says, an offset too large for the matching window found before the
	 * pass (analysis/coarse-clock.c); everything else is in shifted time. */
	int64_t shift_ns;
	long shift_via;     /* the point the shift was estimated against */
	uint64_t shift_packets;
	int64_t shift_spread_ns;
	double offset_s;   /* this point's clock minus the reference's at drift_t0, the shift included */
	double uncert_s;
	double drift;      /* seconds per second this clock gains on the reference's (0: none found) */
	int64_t drift_t0;  /* when offset_s holds, in file time: the middle of the capture */
	bool known;
	bool forced;       /* given with --clock-offset */
	int via;           /* point the offset was estimated against, -1 none */
};

struct pt_point {
	char *name, *file;
	char *alias;                  /* the name before it was qualified by its host, or NULL */
	char *host;                   /* what tells its host apart (a directory), or NULL */
	size_t host_len;              /* the HOST part of a HOST-IFACE name, 0 when it has none */
	int linktype;
	enum pt_iface_kind iface;     /* what the interface name says it is */
	enum pt_point_role name_role; /* the role that suggests */
	bool role_given, offset_given; /* by the user: they override what the analysis finds */
	enum pt_point_role given_role;
	double given_offset_s;
	enum pt_point_role role;
	struct pt_role_evidence evidence;
	bool capture_stopped;         /* flows went on without it after its last packet (owner: analysis/hops.c) */
	struct pt_point_clock clock;
	struct pt_point_stats stats;
};

struct pt_points {
	struct pt_point *v;
	size_t n, cap;
};

void pt_points_init(struct pt_points *ps);
void pt_points_free(struct pt_points *ps);
/* Adds a point; its index, or -1 when memory ran out. */
long pt_points_add(struct pt_points *ps, const char *name, const char *file, int linktype);

/* Gives p the name qualified by its host (the old name stays its alias);
 * false when memory ran out. */
bool pt_point_qualify(struct pt_point *p, const char *name, const char *host);

/* Whether two points are on one host as far as their names tell: the hosts
 * the input named, else the HOST part of HOST-IFACE names (what comes before
 * an interface name of a known kind, else before the last '-'); true when a
 * name tells nothing. */
bool pt_point_same_host(const struct pt_point *a, const struct pt_point *b);
/* Whether the point's host is told at all: by the input, or by its name. */
bool pt_point_host_named(const struct pt_point *p);

/* What the interface of a point name is (HOST-IFACE, or IFACE alone; hosts
 * may hold '-'): the longest '-'-separated tail that is a whole name of a
 * known kind, so "web-bridge-eth0" is a NIC and "cn1-br-int" br-int. */
enum pt_iface_kind pt_iface_kind_from_name(const char *name);
/* The same, and where the interface starts in name (0: the whole name;
 * for a name of no known kind, after its last '-'). */
enum pt_iface_kind pt_iface_split(const char *name, size_t *iface_at);
/* The role a kind of interface suggests: bridges and mirrors hold copies,
 * OVS internal ports floods, -i any several hops, the rest are hops. */
enum pt_point_role pt_iface_kind_role(enum pt_iface_kind k);
/* pt_iface_kind_role(pt_iface_kind_from_name(name)). */
enum pt_point_role pt_point_role_from_name(const char *name);
/* "hop", "bridge", "vantage", "flood"; and back (-1 for anything else). */
const char *pt_point_role_name(enum pt_point_role r);
int pt_point_role_parse(const char *s);
/* Whether points of that role are kept off paths. */
static inline bool pt_role_off_paths(enum pt_point_role r)
{
	return r == PT_ROLE_VANTAGE || r == PT_ROLE_FLOOD;
}

/* The clock offset to apply to its (shifted) timestamps, 0 when unknown. */
static inline double pt_point_offset(const struct pt_point *p)
{
	return p->clock.known ? p->clock.offset_s - (double)p->clock.shift_ns / 1e9 : 0.0;
}

/* The same at time t (file time, ns): a drifting clock's offset moves. */
static inline double pt_point_offset_at(const struct pt_point *p, int64_t t)
{
	if (!p->clock.known || p->clock.drift == 0)
		return pt_point_offset(p);
	return pt_point_offset(p) + p->clock.drift * (double)(t - p->clock.drift_t0) / 1e9;
}

#endif
