/* Series for charts, kept while the pass runs and bounded whatever the input:
 *
 *   throughput (analysis/throughput.c)  per point, per flow and in total, per
 *       time bin: packets, wire bytes, goodput (TCP payload counted once) and
 *       resent bytes; per point the bytes split into link headers, tunnel
 *       headers, inner headers and payload, and the distribution of packet
 *       sizes; per flow and point the goodput and its span.
 *   rtt (analysis/rtt.c)  round trips seen at one point: ICMP echo request and
 *       reply, TCP data and the ACK that covers it (Karn: never a resent
 *       segment); a reservoir of samples per flow and point; the round trip
 *       of the main ping and TCP flow split into its hops, there and back.
 *
 * Bounds: PT_SERIES_FLOWS flows have series of their own, the rest are summed
 * in "other" (a flow that outgrows the smallest tracked one takes its place:
 * Space-Saving); when all series together hold more than PT_SERIES_CELLS bins
 * the bin width doubles; RTT samples are a reservoir of PT_RTT_RESERVOIR per
 * flow and point, and at most PT_RTT_PENDING requests wait for an answer.
 * Each bound reached is a limit.* finding. */
#ifndef PATHTRACE_ANALYSIS_SERIES_H
#define PATHTRACE_ANALYSIS_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hmap.h"

struct pt_analysis;
struct pt_digest;
struct pt_flow;
struct pt_hop;

#define PT_SERIES_FLOWS 64
#define PT_SERIES_CELLS (1u << 18)
#define PT_RTT_RESERVOIR 512
#define PT_RTT_PENDING 65536
#define PT_RTT_OUTSTANDING 256
#define PT_DEFAULT_BIN_NS 1000000000LL

/* Series slots: every IP packet of the point, the flows without a slot, then
 * one slot per tracked flow. */
enum { PT_SLOT_ALL = 0, PT_SLOT_OTHER = 1, PT_SLOT_FLOW0 = 2, PT_NSLOTS = PT_SLOT_FLOW0 + PT_SERIES_FLOWS };

struct pt_bin {
	uint64_t packets, wire_bytes, goodput_bytes, resent_bytes;
};

/* One slot at one point: bins first .. first + n - 1. */
struct pt_tseries {
	struct pt_hmap_node node;
	uint32_t slot, point;
	int64_t first;
	struct pt_bin *v;
	size_t n, cap;
};

#define PT_RECENT 8

/* A flow at one point (owner: throughput): its goodput, and for TCP its
 * sequence space there (what is new, what is resent, what is a copy). */
struct pt_flow_at {
	struct pt_hmap_node node;
	struct pt_flow_at *next_of_flow; /* the flow's other points */
	struct pt_tseries *series;  /* the flow's slot's series here, once made (NULL: not yet, or no slot) */
	uint32_t flow, point;
	bool seq_init;
	uint32_t seq_base;
	int64_t seq_high;                 /* end of the highest byte seen, relative to seq_base */
	struct {
		int64_t start, ts;
		uint32_t ip_id;
	} recent[PT_RECENT];              /* the last segments: a copy repeats one within dup_ns */
	uint8_t nrecent, next;
	uint64_t packets, goodput_bytes, resent_bytes;
	int64_t first_ts, last_ts;        /* of packets that carried new payload */
};

/* What throughput keeps per flow id. */
enum { PT_TF_NEW = -1, PT_TF_LATE = -2, PT_TF_EVICTED = -3 };
struct pt_tflow {
	int32_t slot;     /* a flow slot, or PT_TF_*: not seen yet, summed in other (may still get a slot), evicted */
	int64_t since;    /* the first bin of its slot (earlier bins are in other) */
	uint64_t bytes;   /* wire bytes at all points: what ranks flows for slots */
	uint64_t goodput_max; /* goodput at the point where it was largest */
	struct pt_flow_at *ats; /* the points it was seen at (a short list: a path) */
};

/* Sizes: one bin per byte up to 2047, then 128-byte bins up to 16383,
 * 1024-byte bins up to 65535, one bin above. */
#define PT_SIZE_NBINS (2048 + 112 + 48 + 1)
unsigned pt_size_bin(uint32_t len);
void pt_size_bin_range(unsigned bin, uint32_t *lo, uint32_t *hi);

/* Where one point's bytes went (owner: throughput). A GSO/GRO super-frame
 * counts the headers of the segments it becomes on the wire (its payload
 * over the flow's MSS), so wire is what the link carried, not what the
 * capture holds. */
struct pt_point_bytes {
	uint64_t packets, wire, link_hdr, tunnel_hdr, inner_hdr, payload;
	uint64_t *sizes;  /* PT_SIZE_NBINS packet counts by outermost IP length; NULL before the first IP packet */
	uint64_t dups_seen; /* the point's duplicate count when it was last looked at */
	struct pt_tseries *all, *other; /* this point's series of those slots, once made */
};

struct pt_throughput {
	bool have_origin;
	int64_t origin;        /* bin 0 starts here (reference clock after done) */
	int64_t bin_ns, asked_bin_ns;
	int64_t last_bin;      /* the highest bin any packet fell in */
	struct pt_hmap series; /* (slot, point) */
	struct pt_tseries **all;
	size_t nall, capall;
	size_t cells;
	uint32_t slot_flow[PT_NSLOTS]; /* flow id of each flow slot, 0 free */
	struct pt_tflow *flows; /* flows[id - 1] */
	size_t nflows, capflows;
	struct pt_hmap at;     /* (flow, point) -> struct pt_flow_at */
	struct pt_flow_at **ats;
	size_t nats, capats;
	struct pt_point_bytes *pts;
	size_t npts;
	uint64_t min_slot_bytes; /* a lower bound of the smallest tracked flow's bytes */
	uint64_t folded;       /* flows summed in other for some bins */
	unsigned widened;      /* times the bin width doubled */
	uint64_t failed;       /* allocations that failed */
	uint32_t main_flow;    /* done: the flow with the most goodput */
};

/* Round trips. */
enum pt_rtt_kind { PT_RTT_ICMP = 0, PT_RTT_TCP = 1 };

/* A duration at a time: a round trip from when its request was seen, a
 * hop's latency from when the packet passed its first point. */
struct pt_tsample {
	int64_t ts; /* reference clock after done */
	int64_t ns;
};

/* The round trips of one flow (the requests' or the data's direction) seen at one point. */
struct pt_rtt_series {
	struct pt_hmap_node node;
	struct pt_rtt_series *next_of_flow; /* the flow's series at its other points */
	uint32_t flow, point;
	uint8_t kind;
	uint64_t count;
	int64_t min, max;
	struct pt_tsample *v;
	uint32_t n, cap;
	/* TCP: the data's sequence space at this point, relative to seq_base,
	 * and the segments waiting for their ACK in sequence order (a ring) */
	bool seq_init;
	uint32_t seq_base;
	int64_t seq_high;
	struct pt_rtt_seg {
		int64_t start, end, ts;
		bool ambiguous; /* resent: its ACK may answer either copy */
	} *out;
	uint32_t out_head, out_n, out_cap;
	double p50_us, p99_us; /* done */
};

/* One part of a round trip: a hop there, the far end's turnaround, a hop back. */
enum pt_rtt_part_kind { PT_PART_THERE = 0, PT_PART_FAR = 1, PT_PART_BACK = 2 };
struct pt_rtt_part {
	uint8_t kind;
	uint32_t from, to;   /* the far end: from == to, the point where it was measured */
	double p50_us;
	uint64_t samples;
};

/* The round trip of a flow at its first point, split into hops (owner: rtt). */
struct pt_rtt_split {
	uint8_t kind;
	uint32_t flow, reverse;
	uint32_t point;         /* where the whole round trip was measured */
	double measured_p50_us;
	struct pt_rtt_part *parts;
	size_t n;
};

struct pt_rtt_pending {
	struct pt_hmap_node node;
	struct pt_rtt_pending *prev, *next; /* oldest first */
	uint32_t flow, point;
	uint16_t seq;
	int64_t ts;
};

struct pt_rtt {
	struct pt_hmap series;   /* (flow, point) */
	struct pt_rtt_series **of_flow; /* of_flow[id - 1]: the flow's series, a short list */
	size_t nflows, capflows;
	struct pt_rtt_series **all;
	size_t nall, capall;
	struct pt_hmap pending;  /* ICMP echo requests by (flow, point, seq) */
	struct pt_rtt_pending *head, *tail;
	size_t npending;
	uint64_t dropped;        /* requests forgotten at PT_RTT_PENDING */
	uint64_t failed;
	uint32_t rng;
	struct pt_rtt_split splits[2]; /* ICMP, TCP; n == 0 when none */
};

/* Module hooks (analysis/modules.c). */
void pt_throughput_packet(struct pt_analysis *a, const struct pt_digest *g, struct pt_flow *f);
void pt_throughput_done(struct pt_analysis *a);
void pt_throughput_free(struct pt_analysis *a);
void pt_rtt_packet(struct pt_analysis *a, const struct pt_digest *g, struct pt_flow *f);
void pt_rtt_done(struct pt_analysis *a);
void pt_rtt_free(struct pt_analysis *a);

/* For the output. */
/* The series of slot at point, or NULL. */
const struct pt_tseries *pt_tput_series(const struct pt_throughput *t, uint32_t slot, uint32_t point);
/* The flow at point, or NULL. */
const struct pt_flow_at *pt_tput_flow_at(const struct pt_throughput *t, uint32_t flow, uint32_t point);
/* The slot of flow id, or -1. */
int32_t pt_tput_slot(const struct pt_throughput *t, uint32_t flow);
/* The series of flow at point, or NULL. */
const struct pt_rtt_series *pt_rtt_find(const struct pt_rtt *r, uint32_t flow, uint32_t point);

/* One-way latency over time: a hop's samples, (time at from in the reference
 * clock, corrected latency), sorted by time. *n of them in an array to free;
 * NULL when the hop has none. */
struct pt_tsample *pt_hop_samples(const struct pt_analysis *a, const struct pt_hop *h, size_t *n);

#endif
