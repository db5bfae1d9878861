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

struct pt_matcher {
	struct pt_match_config cfg;
	struct pt_points *points;
	struct pt_flows flows;
	struct pt_psets *psets;
	struct pt_hmap by_key, by_dg;     /* open whole packets by fingerprint, datagrams by key */
	struct pt_record *head, *tail;    /* open records, oldest first */
	size_t open;
	/* Time from a record's first sighting to its sighting at another point,
	 * as last measured, clock offset included: it tells identical packets
	 * in flight together apart. ngap x ngap, row = first point. */
	int64_t *gap;
	uint8_t *gap_known;
	size_t ngap;
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
/* Finalises records older than the window before now; all of them when flush. */
void pt_match_expire(struct pt_matcher *m, int64_t now, bool flush);

/* Per-point statistics of one packet (match/point-stats.c): counts, sizes,
 * encapsulations, time span; made once, read by every later stage. */
void pt_point_account(struct pt_point_stats *ps, const struct pt_digest *g, bool super);

#endif
