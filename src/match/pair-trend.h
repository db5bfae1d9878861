/* How a pair of points' deltas move over a long capture: the smallest and
 * largest t_b - t_a in each stretch of time. Two clocks drift apart by tens
 * of microseconds a second; one minimum over a minute mixes the start with
 * the end, and the offset estimate (analysis/clock.c) needs them apart. */
#ifndef PATHTRACE_PAIR_TREND_H
#define PATHTRACE_PAIR_TREND_H

#include <stdbool.h>
#include <stdint.h>

#define PT_TREND_BINS 32
/* A pair that spans less than this keeps no trend: most flows are short. */
#define PT_TREND_START_NS 1000000000LL

struct pt_pair_trend {
	int64_t t0, width; /* bin k: t0 + k * width <= t < t0 + (k + 1) * width; t0 a multiple of width */
	uint32_t used;     /* bit k: bin k holds a delta */
	int64_t min[PT_TREND_BINS], max[PT_TREND_BINS];
};

/* Adds delta d seen at time t (the lower point's stamp). */
void pt_trend_add(struct pt_pair_trend *tr, int64_t t, int64_t d);
/* A trend whose first bin holds [min, max], seen from first on; widths are
 * whole seconds doubled as the pair grows, so two trends' bins line up. */
void pt_trend_init(struct pt_pair_trend *tr, int64_t first, int64_t min, int64_t max);
/* Bin k of tr as bins of width w >= tr->width (a power-of-two multiple):
 * the absolute start of the coarse bin holding it. */
static inline int64_t pt_trend_bin_start(const struct pt_pair_trend *tr, unsigned k, int64_t w)
{
	int64_t t = tr->t0 + (int64_t)k * tr->width;
	return t - ((t % w) + w) % w;
}

#endif
