/* The matcher: sightings of one packet across capture points, within the
 * matching window, folded into their flow's aggregates when the window
 * closes on them. It owns the flows, the open packet records and the
 * interned point sets; it writes the per-point counts only it can make
 * (copies, fragments). */
#ifndef PATHTRACE_MATCH_MATCH_H
#define PATHTRACE_MATCH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hmap.h"
#include "base/pset.h"
#include "match/digest.h"
#include "match/flow.h"
#include "model/point.h"

struct pt_match_config {
	int64_t window_ns;  /* how long a packet may take between points */
	int64_t reorder_ns; /* timestamp disorder tolerated within a file */
	int64_t dup_ns;     /* two sightings at one point this close are copies */
};

/* Identical packets in flight together beyond this are closed oldest first:
 * it bounds the work per packet under a flood of identical frames. */
#define PT_SAME_KEY_MAX 64

struct pt_record;
struct pt_outer_frag;
struct pt_segment;

/* A gap between two points as last measured, and as measured before that
 * by another record: a pairing is no evidence for itself, so the record
 * that measured the last one is judged by the one before. */
struct pt_gap {
	int64_t last, prev;
	uint64_t last_by, prev_by; /* serials of the records that measured them */
	uint8_t known;             /* 0, 1 (last), 2 (last and prev) */
};

struct pt_tenant_class;
struct pt_xlat_pair;

/* Tenant networks learnt from the packets (match/tenant.c). */
struct pt_tenants {
	struct pt_hmap segs;
	/* The segment each point saw last: a point's frames mostly carry one
	 * tag, so most packets find theirs without a hash lookup. */
	struct pt_recent_segment {
		uint8_t kind;
		uint32_t id, seg; /* seg 0: nothing yet */
	} *recent;
	size_t nrecent;
	struct pt_segment **seg; /* seg[i - 1] is segment i */
	size_t nseg, capseg;
	struct pt_tenant_class *cls; /* cls[c - 1] is class c */
	size_t ncls, capcls;
};

/* Address translations learnt from the packets (match/translation.c). */
struct pt_xlats {
	struct pt_hmap map;
	struct pt_xlat_pair **v;
	size_t n, cap;
};

struct pt_matcher {
	struct pt_match_config cfg;
	struct pt_points *points;
	struct pt_flows flows;
	struct pt_psets *psets;
	struct pt_hmap by_key, by_dg;     /* open whole packets by fingerprint, datagrams by key */
	struct pt_record *head, *tail;    /* open records, oldest first */
	size_t open;
	/* Time from a record's first sighting to its sighting at another point,
	 * clock offset included: it tells identical packets in flight together
	 * apart. ngap x ngap, row = first point. */
	struct pt_gap *gap;
	size_t ngap;
	uint64_t serial;  /* records made so far: each record's serial */
	struct pt_tenants tenants;
	struct pt_xlats xlats;
	/* Outer datagrams of tunnel packets whose first fragment was seen: their
	 * later fragments are the rest of a packet already matched. */
	struct pt_hmap outer_frags;
	struct pt_outer_frag *outer_head, *outer_tail;
	uint32_t rng;
	uint64_t identical_capped;        /* records closed early at PT_SAME_KEY_MAX */
	uint64_t alloc_failures;          /* records or sightings lost for want of memory */
};

bool pt_match_init(struct pt_matcher *m, const struct pt_match_config *cfg, struct pt_points *points);
void pt_match_free(struct pt_matcher *m);
/* The flow of an IP digest, created on first sight; NULL for other packets. */
struct pt_flow *pt_match_flow(struct pt_matcher *m, const struct pt_digest *g);
/* One IP packet of flow f at its point; super: a GSO/GRO super-frame. */
void pt_match_packet(struct pt_matcher *m, const struct pt_digest *g, struct pt_flow *f, bool super);
/* Finalises records older than the window before now; all of them when flush
 * (and then names each flow's tenant network). */
void pt_match_expire(struct pt_matcher *m, int64_t now, bool flush);
/* Two sightings at point this close are copies of one packet unless their
 * identities say otherwise: the configured duplicate window for strong
 * identities, for weak ones what the point's strong copies taught (see
 * match.c). */
int64_t pt_copy_window(const struct pt_matcher *m, unsigned point);

/* Per-point statistics of one packet (match/point-stats.c): counts, sizes,
 * encapsulations, time span; made once, read by every later stage. */
void pt_point_account(struct pt_point_stats *ps, const struct pt_digest *g, bool super);

#endif
