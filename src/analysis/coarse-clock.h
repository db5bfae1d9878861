/* Clock offsets too large for the matching window (hosts without NTP are
 * seconds or minutes apart), found before the pass: packets with strong
 * identities seen at two points are paired however far apart their stamps
 * are, and the median of their differences, taken over both directions of
 * the traffic, is the offset give or take the hop delays. The pass then
 * reads those captures shifted by it, and the fine estimate (clock.c)
 * refines what is left. */
#ifndef PATHTRACE_ANALYSIS_COARSE_CLOCK_H
#define PATHTRACE_ANALYSIS_COARSE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match/digest.h"

struct pt_coarse;

struct pt_coarse *pt_coarse_new(void);
void pt_coarse_free(struct pt_coarse *c);
/* One packet of the sample (its point and file time). */
void pt_coarse_add(struct pt_coarse *c, const struct pt_digest *g);

struct pt_coarse_offset {
	bool known;        /* tied to the reference through packets seen at both ends */
	int64_t offset_ns; /* this point's clock minus the reference's */
	int64_t spread_ns; /* half the interquartile range of the differences it rests on */
	uint64_t packets;  /* packets it rests on (the weakest link to the reference) */
	long via;          /* the point it was estimated against, -1 none */
};

/* Offsets of points 0..n-1 against reference, into out[n]. */
void pt_coarse_solve(struct pt_coarse *c, size_t n, unsigned reference, struct pt_coarse_offset *out);

#endif
