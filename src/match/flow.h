/* Flows keyed by the innermost 5-tuple, and what each keeps until the end of
 * the pass: the points it was seen at, its distinct path signatures, a
 * bounded sample of the delay between every pair of points its packets
 * crossed, and its TCP sequence space. Packet-level state lives in the
 * matcher and dies with the matching window; a flow keeps only aggregates,
 * because clock offsets, and so the order of points on different hosts, are
 * known only once all two-way traffic has been seen. */
#ifndef PATHTRACE_MATCH_FLOW_H
#define PATHTRACE_MATCH_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hmap.h"
#include "base/pset.h"
#include "match/digest.h"
#include "match/pair-trend.h"
#include "model/flow-key.h"

/* Delay samples kept per pair of points of a flow: enough for p99, bounded
 * whatever the input (reservoir sampling). */
#define PT_PAIR_RESERVOIR 2048

/* Packets seen at both points a < b: delta = t_b - t_a in file time. */
struct pt_pair {
	struct pt_hmap_node node; /* in the flow's pair index */
	uint32_t a, b;
	uint64_t count;
	int64_t min, max;
	int64_t first_ts;           /* t_a of the first packet */
	int64_t *samples;
	/* When samples[i]'s packet passed a: t_a - ts_base, in seconds (latency
	 * over time, analysis/hop-samples.c; a float keeps the reservoir small,
	 * 0.2 ms apart an hour into the capture). */
	float *sample_dt;
	int64_t ts_base;
	uint32_t nsamples, cap;
	struct pt_pair_trend *trend; /* once the pair spans a second or more */
};

/* Packets that were seen at the same set of points. */
struct pt_pathsig {
	pt_pset seen;        /* points the packet was seen at */
	pt_pset uncertain;   /* points silent around it at finalisation: running or not? */
	pt_pset not_started; /* points not capturing yet */
	bool sized;          /* min_len/max_len are wire sizes, not estimates from super-frames */
	uint64_t count;
	int64_t min_ts, max_ts;
	uint32_t min_len, max_len;
	uint32_t carried_max_len; /* the largest narrowest form of those never in outer fragments: what each point carried */
	uint8_t flags_or;    /* TCP flags of those packets */
	uint64_t df;         /* how many had DF */
	uint64_t resent;     /* how many were TCP retransmissions */
	uint32_t resent_min_len;
	uint64_t frag_incomplete;
};

struct pt_record;

struct pt_flow {
	struct pt_hmap_node node;
	uint32_t id; /* from 1, in order of first sight */
	struct pt_flow_key key;
	struct pt_flow *nat_parent; /* the pre-NAT flow this one continues, if any */
	struct pt_flow *reverse;
	uint64_t packets, bytes, sightings, retransmits;
	int64_t first_ts, last_ts;
	pt_pset points;      /* points its packets were seen at */
	pt_pset nat_points;  /* points where its packets carried another 5-tuple */
	pt_pset nat_here;    /* points that saw its packets before and after a translation */
	bool selected;       /* some packet of it is one the user's filter selects (every flow without one) */
	pt_pset frag_points; /* points where it was seen fragmented */
	pt_pset outer_frag_points; /* of those, where its tunnel packets were (the underlay's doing) */
	uint32_t max_frag_len;
	uint16_t mss;        /* MSS this direction's sender announced */
	struct pt_pair *pairs;   /* in order of first sight */
	uint32_t npairs;
	size_t cappairs;
	struct pt_hmap pair_index; /* a packet seen at k points touches k(k-1)/2 pairs */
	struct pt_pathsig *sigs;
	uint32_t nsigs;
	size_t capsigs;
	/* The last SYN or FIN sent, as first seen: a resend carries a new IPv4
	 * ID, so only its sequence number tells it is one. */
	bool has_ctl;
	uint8_t ctl_flags;
	uint32_t ctl_seq, ctl_point;
	int64_t ctl_ts;
	/* TCP sequence space, relative to the first sequence number seen */
	bool seq_init;
	uint32_t seq_last;
	int64_t rel_last;
	struct pt_record **units; /* TCP byte-range units, sorted, from units_head; owned here */
	size_t units_head, units_n, units_cap, units_dead;
	/* Earlier transmissions of bytes sent again while they may still be in
	 * flight (a tail-loss probe, RACK): open records off the unit vector,
	 * owned by the matcher's expiry list (match-tcp.c). */
	struct pt_record **retired;
	size_t nretired, capretired;
	/* The tenant network its packets are in (match/tenant.c), 0 when none
	 * is known; once the pass is over, the tag that names it for people. */
	uint32_t tenant;
	uint8_t tenant_kind; /* enum pt_layer_id_kind: PT_ID_NONE, VNI, GRE key or VLAN */
	uint32_t tenant_id;
};

struct pt_flows {
	struct pt_hmap map;
	struct pt_flow **all; /* all[id - 1] */
	size_t n, cap;
};

void pt_flows_init(struct pt_flows *t);
void pt_flows_free(struct pt_flows *t);
/* The flow of key, created on first sight at ts; NULL when memory ran out. */
struct pt_flow *pt_flows_get(struct pt_flows *t, const struct pt_flow_key *k, int64_t ts);
/* Another flow of key (the same 5-tuple in another tenant network); NULL when memory ran out. */
struct pt_flow *pt_flows_add(struct pt_flows *t, const struct pt_flow_key *k, int64_t ts);
/* The newest flow of key, NULL if none; then the next older one of the same key. */
struct pt_flow *pt_flows_find(const struct pt_flows *t, const struct pt_flow_key *k);
struct pt_flow *pt_flows_next(const struct pt_flow *f);
static inline struct pt_flow *pt_flows_by_id(const struct pt_flows *t, uint32_t id)
{
	return id >= 1 && id <= t->n ? t->all[id - 1] : NULL;
}
/* The flow a NAT-ed flow continues, or the flow itself. */
struct pt_flow *pt_flow_canonical(struct pt_flow *f);

/* A GSO/GRO super-frame: a TCP payload above the MSS, or an IP length the
 * kernel left 0 (TSO). */
bool pt_super_frame(const struct pt_flow *f, const struct pt_digest *g);
/* The innermost IP length the packet has, or, for a super-frame, the length
 * of the segments it becomes on the wire (an estimate from the MSS). */
uint32_t pt_wire_len(const struct pt_flow *f, const struct pt_digest *g, bool super);

/* The pair of points a < b, or NULL. */
struct pt_pair *pt_flow_pair(const struct pt_flow *f, unsigned a, unsigned b);
/* Adds one packet seen at pa at ta and pb at tb; rng drives the reservoir. */
void pt_flow_add_pair(struct pt_flow *f, uint32_t *rng, unsigned pa, int64_t ta, unsigned pb, int64_t tb);
/* The signature of these sets, created on first use; NULL when memory ran out. */
struct pt_pathsig *pt_flow_sig(struct pt_flow *f, pt_pset seen, pt_pset uncertain, pt_pset not_started, bool sized);

#endif
