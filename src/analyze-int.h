/* Internal state of `pathtrace analyze`, shared by its modules:
 *
 *   fingerprint.c  the hop-invariant identity of a packet
 *   flow.c         flows keyed by the innermost 5-tuple, and their aggregates
 *   match.c        sightings of one packet across points, within the window
 *   clock.c        per-point clock offsets from two-way traffic
 *   paths.c        path order, hops, losses and latency per flow
 *   findings.c     named findings (data, not prose)
 *   report.c       CSV files and the summary
 *
 * Packet-level state (open records) lives only as long as the matching window.
 * Flows keep compact aggregates (per-point counts, path signatures, a bounded
 * sample of per-hop delays) until the end, because clock offsets, and so the
 * order of points on different hosts, are only known once all two-way traffic
 * has been seen.
 */
#ifndef PATHTRACE_ANALYZE_INT_H
#define PATHTRACE_ANALYZE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pathtrace/capture.h"
#include "pathtrace/decode.h"
#include "pathtrace/options.h"

#define PT_MAX_POINTS 64
#define PT_REC_MAX_SIGHTINGS 16
#define PT_PAIR_RESERVOIR 2048

typedef uint64_t pt_mask;

/* ---- points ---- */
struct pt_point_stats {
	uint64_t packets, bytes, ip_packets;
	int64_t first_ts, last_ts;
	uint32_t max_frame_len, max_ip_len;      /* outermost IP length */
	uint32_t max_inner_ip_len;               /* innermost, excluding super-frames */
	uint32_t max_plain_ip_len;               /* outermost, excluding super-frames */
	uint64_t gso_frames, fragments, duplicates, malformed, truncated;
	uint64_t encap_seen;                     /* bit per enum pt_proto */
	uint64_t overhead_bytes, overhead_packets; /* outer minus inner, tunnelled packets */
	uint64_t vlan_packets;
	uint64_t ip_bytes;                       /* outermost IP bytes, for overhead shares */
	uint32_t max_frag_len;                   /* largest IPv4/IPv6 fragment (IP total length) */
	uint32_t overhead_max;                   /* largest per-packet encapsulation overhead */
	bool ipv6_underlay;
	uint32_t ifindex;  /* SLL2: the first interface index seen */
	bool aggregate;    /* an -i any capture: several interfaces, not a hop of its own */
	enum pt_point_role role;
	bool fine_ts;      /* some timestamp is not a whole microsecond */
	double clock_offset_s, clock_uncert_s;
	bool offset_known, offset_forced;
	int offset_via; /* point the offset was estimated against, -1 none */
};

/* ---- flows ---- */
struct pt_flow_key {
	uint8_t version, proto;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool has_ports;
};

struct pt_pair {
	uint8_t a, b; /* point indexes, a < b; delta = t_b - t_a (raw) */
	uint64_t count;
	int64_t min, max;
	int64_t *samples;
	uint32_t nsamples, cap;
};

struct pt_pathsig {
	pt_mask seen;       /* points the packet was seen at */
	pt_mask uncertain;  /* points silent around it at finalisation: running or not? */
	pt_mask not_started;
	uint64_t count;
	int64_t min_ts, max_ts;
	uint32_t min_len, max_len;
	bool sized;          /* min_len/max_len are wire sizes, not estimates from super-frames */
	uint8_t flags_or;    /* TCP flags of those packets */
	uint64_t df;         /* how many had DF */
	uint64_t frag_incomplete;
};

struct pt_record;

struct pt_flow {
	uint32_t id;
	struct pt_flow_key key;
	struct pt_flow *next_hash;
	struct pt_flow *nat_parent; /* the pre-NAT flow this one continues, if any */
	uint64_t packets, bytes, sightings;
	int64_t first_ts, last_ts;
	pt_mask points;
	uint64_t point_packets[PT_MAX_POINTS];
	struct pt_pair *pairs;
	uint32_t npairs;
	size_t cappairs;
	struct pt_pathsig *sigs;
	uint32_t nsigs;
	size_t capsigs;
	uint16_t mss;          /* MSS this direction's sender announced */
	uint32_t max_payload;  /* largest TCP/UDP payload on any point */
	uint64_t retransmits;
	/* TCP sequence space, relative to the first sequence number seen */
	bool seq_init;
	uint32_t seq_last;
	int64_t rel_last;
	struct pt_record **units; /* TCP byte-range units, sorted, from units_head */
	size_t units_head, units_n, units_cap, units_dead;
	/* results (paths.c) */
	uint8_t order[PT_MAX_POINTS];
	uint8_t norder;
	struct pt_flow *reverse;
	pt_mask nat_points; /* points where this flow's packets carried another 5-tuple */
	pt_mask frag_points; /* points where this flow was seen fragmented */
	uint32_t max_overhead;
	uint32_t max_frag_len;
};

struct pt_flow_table {
	struct pt_flow **buckets;
	size_t nbuckets;
	struct pt_flow **all; /* by id */
	size_t n, cap;
};

/* ---- records: one packet (or one TCP byte range) across points ---- */
struct pt_sighting {
	uint8_t point;
	bool nat;         /* seen with another 5-tuple than the record's flow */
	bool has_ip_id;   /* IPv4: a copy keeps the ID, a retransmission gets a new one */
	bool len_estimated; /* carried by a super-frame: wire_len is the segment size */
	uint16_t nfrags;
	uint16_t ip_id;
	uint32_t bytes;   /* datagram payload bytes seen at this point (fragments) */
	uint32_t wire_len; /* the IP length it had here (largest fragment, or segment) */
	int64_t ts;
};

struct pt_record {
	uint64_t key, dg_key;
	bool has_key, has_dg, is_unit, dead, finalized;
	struct pt_flow *flow;
	struct pt_record *hnext, *dgnext; /* hash chains */
	struct pt_record *prev, *next;    /* expiry list, oldest first */
	int64_t first_ts;
	uint32_t ip_len;       /* innermost IP length of the whole packet */
	uint32_t dg_len;       /* datagram payload length, 0 unknown */
	uint8_t tcp_flags;
	bool df, whole_seen, fragmented;
	int64_t seq_start, seq_end; /* TCP units: relative byte range */
	uint8_t nsight;
	struct pt_sighting s[PT_REC_MAX_SIGHTINGS];
};

struct pt_match {
	struct pt_record **buckets, **dgbuckets;
	size_t nbuckets;
	size_t open;
	struct pt_record *head, *tail;
	/* Time from a record's first sighting to its sighting at another point,
	 * as last measured, clock offset included: it tells identical packets
	 * in flight together apart. */
	int64_t gap[PT_MAX_POINTS][PT_MAX_POINTS];
	pt_mask gap_known[PT_MAX_POINTS];
};

/* Room for element n of the array v of elem-byte items holding *cap,
 * doubling from first: the array to use from now on (maybe moved), or NULL
 * when memory ran out, v and *cap then unchanged. */
void *pt_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first);

/* ---- findings ---- */
enum pt_severity { PT_SEV_INFO = 0, PT_SEV_WARNING = 1, PT_SEV_ERROR = 2 };

struct pt_finding {
	enum pt_severity severity;
	char *name, *point, *from, *to, *value, *evidence, *advice;
	int64_t flow_id; /* -1 none */
};

struct pt_findings {
	struct pt_finding *v;
	size_t n, cap;
};

struct pt_hop {
	uint32_t flow_id;
	uint8_t from, to;
	uint64_t matched, lost;
	double min_us, p50_us, p90_us, p99_us, max_us;
	uint64_t negative; /* corrected deltas below zero */
	uint32_t lost_min_len, lost_max_len;
	uint64_t lost_sized; /* lost packets whose wire size is known (not super-frame estimates) */
	uint32_t lost_sized_min, lost_sized_max;
	uint32_t passed_max_len; /* wire sizes only */
	uint8_t lost_flags;
	uint64_t lost_df;
};

/* An ICMP fragmentation-needed or ICMPv6 Packet Too Big, aggregated by
 * sender, MTU and the flow it quotes. */
struct pt_icmp_mtu {
	uint8_t version;
	uint8_t sender[16];
	uint32_t mtu;
	struct pt_flow_key quoted;
	uint64_t count;
	pt_mask points;
	int64_t first_ts;
};

struct pt_analysis {
	const struct pt_options *opts;
	struct pt_capset *cs;
	unsigned npoints;
	struct pt_point_stats points[PT_MAX_POINTS];
	struct pt_flow_table flows;
	struct pt_match match;
	int64_t window_ns, reorder_ns, dup_ns;
	int64_t now;
	uint64_t packets, non_ip, too_many_points;
	unsigned reference;
	struct pt_hop *hops;
	size_t nhops, caphops;
	struct pt_findings findings;
	uint32_t rng;
	struct pt_flow **by_pair; /* flows sorted by (version, src, dst), for path order */
	struct pt_icmp_mtu *icmp_mtu;
	size_t nicmp_mtu, capicmp_mtu;
};

/* fingerprint.c */
uint64_t pt_fingerprint(const struct pt_decoded *d, const uint8_t *frame);
uint64_t pt_datagram_key(const struct pt_ip *ip);
void pt_flow_key_from(const struct pt_decoded *d, struct pt_flow_key *k);

/* flow.c */
void pt_flows_init(struct pt_flow_table *t);
void pt_flows_free(struct pt_flow_table *t);
struct pt_flow *pt_flow_get(struct pt_flow_table *t, const struct pt_flow_key *k, int64_t ts);
struct pt_flow *pt_flow_find(const struct pt_flow_table *t, const struct pt_flow_key *k);
struct pt_flow *pt_flow_canonical(struct pt_flow *f);
/* Routed unicast: not multicast, broadcast or link-local. Other traffic has
 * no single path to be lost on, and no NAT rewrites it. */
bool pt_flow_unicast(const struct pt_flow_key *k);
/* A GSO/GRO super-frame: a TCP payload above the MSS, or an IP length the
 * kernel left 0 (TSO). */
bool pt_super_frame(const struct pt_flow *f, const struct pt_decoded *d);
/* The innermost IP length the packet has, or, for a super-frame, the length
 * of the segments it becomes on the wire (an estimate from the MSS). */
uint32_t pt_wire_len(const struct pt_flow *f, const struct pt_decoded *d, bool super);
void pt_flow_add_pair(struct pt_analysis *a, struct pt_flow *f, unsigned pa, int64_t ta, unsigned pb, int64_t tb);
struct pt_pair *pt_flow_pair(struct pt_flow *f, unsigned a, unsigned b);
struct pt_pathsig *pt_flow_sig(struct pt_flow *f, pt_mask seen, pt_mask uncertain, pt_mask not_started, bool sized);
void pt_flow_key_format(const struct pt_flow_key *k, char *buf, size_t size);

/* match.c */
void pt_match_init(struct pt_match *m);
void pt_match_free(struct pt_match *m);
/* The flow of a decoded IP packet, created on first sight. */
struct pt_flow *pt_match_flow(struct pt_analysis *a, const struct pt_decoded *d, int64_t ts);
void pt_match_packet(struct pt_analysis *a, unsigned point, int64_t ts, const struct pt_decoded *d,
		     const uint8_t *frame, struct pt_flow *f, bool super);
/* Finalises records older than the window; all of them when flush is set. */
void pt_match_expire(struct pt_analysis *a, bool flush);

/* clock.c */
void pt_clock_estimate(struct pt_analysis *a);
static inline double pt_point_offset(const struct pt_analysis *a, unsigned p)
{
	return a->points[p].offset_known ? a->points[p].clock_offset_s : 0.0;
}

/* point-role.c */
enum pt_point_role pt_point_role_guess(const char *name);
const char *pt_point_role_name(enum pt_point_role r);
/* Roles from --role, names and what was seen; false with err on an unknown point. */
bool pt_point_roles_assign(struct pt_analysis *a, char *err, size_t errlen);

/* paths.c */
void pt_paths_compute(struct pt_analysis *a);
/* The flow's points in order joined by '>' for a mask. */
void pt_path_format(const struct pt_analysis *a, const struct pt_flow *f, pt_mask seen, char *buf, size_t size);
double pt_quantile(int64_t *v, size_t n, double q);
int pt_cmp_i64(const void *x, const void *y);

/* findings.c */
void pt_findings_add(struct pt_findings *fs, enum pt_severity sev, const char *name, const char *point,
		     const char *from, const char *to, int64_t flow_id, const char *value,
		     const char *evidence, const char *advice);
void pt_findings_sort(struct pt_findings *fs);
/* The finding called name on the hop from > to for flow_id (-2: any flow), or NULL. */
struct pt_finding *pt_findings_find(struct pt_findings *fs, const char *name, int64_t flow_id, const char *from,
				    const char *to);
void pt_findings_free(struct pt_findings *fs);
const char *pt_severity_name(enum pt_severity s);
void pt_findings_from_analysis(struct pt_analysis *a);

/* mtu.c */
void pt_mtu_note_packet(struct pt_analysis *a, unsigned point, int64_t ts, const struct pt_decoded *d,
			struct pt_flow *f);
void pt_mtu_findings(struct pt_analysis *a);
/* The usable MTU and encapsulation overhead at a point, for mtu.csv. */
uint32_t pt_mtu_overhead(const struct pt_point_stats *ps);

/* plot.c: writes chart scripts into dir and renders them; note says what happened. */
int pt_plot_write(struct pt_analysis *a, const char *dir, char *note, size_t notelen);

/* report.c */
int pt_report_write(struct pt_analysis *a, const char *dir, char *err, size_t errlen);
void pt_report_summary(struct pt_analysis *a, FILE *fp);

const char *pt_point_name(const struct pt_analysis *a, unsigned p);

#endif
