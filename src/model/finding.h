/* Findings as typed records: what the analysis concludes, as data. A record
 * names its kind (an enum), its severity, where it happened (point indexes,
 * a flow id) and its numbers; the sentences a person reads are made from it
 * in the output layer (output/finding-text.c), and a module that refines
 * another's finding finds it by kind and indexes.
 *
 * The kinds are listed in the order of their dotted names
 * (doc/findings.md), so sorting by kind sorts by name. */
#ifndef PATHTRACE_MODEL_FINDING_H
#define PATHTRACE_MODEL_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pset.h"
#include "model/flow-key.h"
#include "model/point.h"

enum pt_finding_id {
	PT_F_CAPTURE_CLOCK_JUMP,    /* capture.clock_jump */
	PT_F_CAPTURE_CLOCK_STEP,    /* capture.clock_step */
	PT_F_CAPTURE_DUPLICATES,    /* capture.duplicates */
	PT_F_CAPTURE_STARTED_LATE,  /* capture.started_late */
	PT_F_CAPTURE_STOPPED_EARLY, /* capture.stopped_early */
	PT_F_CAPTURE_WINDOWS_APART, /* capture.windows_apart */
	PT_F_CLOCK_OFFSET,          /* clock.offset */
	PT_F_CLOCK_UNKNOWN,         /* clock.unknown */
	PT_F_ENCAP_OVERHEAD,        /* encap.overhead */
	PT_F_FRAG_FRAGMENTED,       /* frag.fragmented */
	PT_F_LATENCY_BRIDGE_COPY,   /* latency.bridge_copy */
	PT_F_LATENCY_NEGATIVE,      /* latency.negative */
	PT_F_LIMIT_ICMP_MESSAGES,   /* limit.icmp_messages */
	PT_F_LIMIT_IDENTICAL,       /* limit.identical_in_flight */
	PT_F_LIMIT_MEMORY,          /* limit.memory */
	PT_F_LIMIT_RTT_PENDING,     /* limit.rtt_pending */
	PT_F_LIMIT_SERIES_BIN,      /* limit.series_bin */
	PT_F_LIMIT_SERIES_FLOWS,    /* limit.series_flows */
	PT_F_LOSS_HOP,              /* loss.hop */
	PT_F_MTU_ICMP_FRAG_NEEDED,  /* mtu.icmp_frag_needed */
	PT_F_MTU_ICMPV6_PTB,        /* mtu.icmpv6_packet_too_big */
	PT_F_MTU_MSS_EXCEEDS_PATH,  /* mtu.mss_exceeds_path */
	PT_F_MTU_OVERSIZE_DROP,     /* mtu.oversize_drop */
	PT_F_MTU_PMTUD_BLACKHOLE,   /* mtu.pmtud_blackhole */
	PT_F_PATH_NAT,              /* path.nat */
	PT_F_POINT_ROLE,            /* point.role */
	PT_F__COUNT
};

enum pt_severity { PT_SEV_INFO = 0, PT_SEV_WARNING = 1, PT_SEV_ERROR = 2 };

/* Why packets died, when an MTU finding explains a loss. */
enum pt_loss_cause {
	PT_LOSS_UNEXPLAINED = 0,
	PT_LOSS_OVERSIZE,  /* sizes above a hop's usable MTU: see the mtu.oversize_drop record */
	PT_LOSS_ICMP_MTU,  /* sizes above the MTU an ICMP error for this flow advertised */
};

struct pt_f_loss {
	uint64_t lost, total;
	uint32_t min_len, max_len, passed_max; /* passed_max 0: nothing of this flow passed */
	uint8_t tcp_flags;                     /* of the lost packets, OR-ed */
	bool df;                               /* some lost packet had DF */
	int64_t window_ns;
	enum pt_loss_cause cause;
	size_t oversize;                       /* index of the explaining mtu.oversize_drop */
	uint32_t icmp_mtu;
	uint8_t icmp_version;
};

struct pt_f_latency_negative {
	uint64_t negative, matched;
	double min_us;
	bool same_clock;
};

struct pt_f_bridge_copy {
	uint64_t negative, matched, hops;
};

struct pt_f_duplicates {
	uint64_t count;
	int64_t window_ns;
};

struct pt_f_clock {
	double offset_s, uncert_s;
	bool given;
	int via;          /* point, -1 none */
	double shift_s;   /* found before the pass from packets seen at both points (0: none) */
	long shift_via;
	uint64_t shift_packets;
	double drift;     /* s per s gained on the reference, 0 none */
};

/* How the usable MTU of an oversize drop was found. */
enum pt_mtu_basis {
	PT_MTU_FROM_ICMP,        /* an ICMP message on the path advertises it */
	PT_MTU_FROM_TUNNEL,      /* underlay MTU minus the tunnel's overhead */
	PT_MTU_FROM_LARGEST,     /* the largest packet that passed */
};

struct pt_f_oversize {
	uint32_t usable;
	enum pt_mtu_basis basis;
	uint64_t lost, flows;
	uint32_t died_min, died_max, passed_max;
	int tunnel;              /* point with the tunnel overhead, -1 none */
	uint8_t encap;           /* enum pt_proto of the tunnel, PT_P_NONE none */
	uint32_t overhead, underlay;
	bool underlay_seen;      /* a packet that large crossed the underlay; else 1500 is assumed */
	/* Evidence that told another number and lost (0 none): the tunnel's
	 * arithmetic against a router's ICMP, or a packet larger than the
	 * verdict that still passed this hop. */
	uint32_t other_usable;
	enum pt_mtu_basis other_basis;
	uint64_t resent_lost;    /* TCP retransmissions among the dead */
	bool blackhole;          /* some were resent above what passed, died again, and no ICMP came back in time */
	/* Other hops of the same network where packets died for the same MTU
	 * (a bridge that drops above 1454, the vxlan device above 1450): one
	 * verdict, the hop above is where most died. */
	uint32_t nextra;
	long extra_from[4], extra_to[4];
	uint64_t extra_lost[4];
	uint32_t extra_died_min[4];
};

struct pt_f_blackhole {
	uint64_t lost;
	uint32_t min_len, max_len;
	uint64_t resent;          /* of the lost, TCP retransmissions */
	uint32_t resent_min_len;  /* the smallest of those */
};

struct pt_f_icmp_mtu {
	uint8_t version;
	uint8_t sender[16];
	uint32_t mtu;
	struct pt_flow_key quoted;
	uint64_t count;
	pt_pset seen_at;         /* points the message was captured at */
	bool quoted_seen;        /* the quoted flow was captured */
	bool blackholed;         /* not seen at the sender's first capture point */
};

struct pt_f_fragmented {
	uint32_t largest;        /* largest fragment, IP total length */
	uint64_t incomplete, datagrams;
	bool by_sender;          /* fragmented from the first point on */
	bool outer;              /* the tunnel packets carrying it were fragmented, not the flow's own */
	uint32_t outer_len;      /* the largest such tunnel packet, whole */
	uint32_t overhead;       /* the tunnel's bytes on top of the flow's packets */
};

struct pt_f_mss {
	uint16_t mss;
	uint32_t header, usable;
};

struct pt_f_overhead {
	double per_packet, share_pct;
	uint64_t bytes;
	bool vlan;
	uint8_t encap;           /* enum pt_proto, PT_P_NONE when only VLAN tags */
	bool ipv6_underlay;
	uint32_t tunnel_max;
};

struct pt_f_clock_glitch {
	uint64_t count;
	int64_t max_ns;
};

/* A capture's window against the others' (reference clock). */
struct pt_f_clock_unknown {
	uint64_t shared;  /* packets also seen at points whose clock is known */
	long with;        /* the point it shares most with, -1 none */
};

struct pt_f_window {
	double by_s;      /* how late, how early, or how far from the nearest other window */
	long other;       /* the point that started first, stopped last, or is nearest */
	double length_s;  /* this capture's own span */
};

/* A point's packets gave it another role than its name suggests. */
struct pt_f_role {
	enum pt_point_role name_role, role;
	enum pt_iface_kind iface;
	struct pt_role_evidence evidence;
};

struct pt_f_limit {
	uint64_t count;          /* how often the bound was hit */
	uint64_t bound;
};

struct pt_finding {
	enum pt_finding_id id;
	enum pt_severity severity;
	long point, from, to;    /* point indexes, -1 none */
	int64_t flow;            /* flow id, -1 none */
	union {
		struct pt_f_loss loss;
		struct pt_f_latency_negative negative;
		struct pt_f_bridge_copy bridge;
		struct pt_f_duplicates dup;
		struct pt_f_clock clock;
		struct pt_f_oversize oversize;
		struct pt_f_blackhole blackhole;
		struct pt_f_icmp_mtu icmp;
		struct pt_f_fragmented frag;
		struct pt_f_mss mss;
		struct pt_f_overhead overhead;
		struct pt_f_limit limit;
		struct pt_f_clock_glitch glitch;
		struct pt_f_window window;
		struct pt_f_role role;
		struct pt_f_clock_unknown unknown;
	} u;
};

struct pt_findings {
	struct pt_finding *v;
	size_t n, cap;
	uint64_t dropped; /* records that could not be stored for want of memory */
};

#define PT_ANY_FLOW (-2)

void pt_findings_init(struct pt_findings *fs);
void pt_findings_free(struct pt_findings *fs);
/* A new record of kind id, zeroed, nowhere (points and flow -1); NULL when
 * memory ran out (counted in dropped). Valid until the next add. */
struct pt_finding *pt_findings_add(struct pt_findings *fs, enum pt_finding_id id, enum pt_severity sev);
/* The first record of kind id on the hop from > to for flow (PT_ANY_FLOW:
 * any), or NULL. */
struct pt_finding *pt_findings_find(struct pt_findings *fs, enum pt_finding_id id, int64_t flow, long from, long to);

#endif
