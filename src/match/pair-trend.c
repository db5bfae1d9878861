/* A pair's deltas over time (pair-trend.h). */
#include <config.h>

#include <string.h>

#include "match/pair-trend.h"

static int64_t floor_to(int64_t t, int64_t w)
{
	return t - ((t % w) + w) % w;
}

void pt_trend_init(struct pt_pair_trend *tr, int64_t first, int64_t min, int64_t max)
{
	memset(tr, 0, sizeof *tr);
	tr->width = PT_TREND_START_NS;
	tr->t0 = floor_to(first, tr->width);
	tr->used = 1;
	tr->min[0] = min;
	tr->max[0] = max;
}

/* Twice as wide, half as many: neighbouring bins fold together. */
static void coarsen(struct pt_pair_trend *tr)
{
	struct pt_pair_trend old = *tr;
	tr->width *= 2;
	tr->t0 = floor_to(old.t0, tr->width);
	tr->used = 0;
	for (unsigned k = 0; k < PT_TREND_BINS; k++) {
		if (!(old.used & 1u << k))
			continue;
		unsigned j = (unsigned)((old.t0 + (int64_t)k * old.width - tr->t0) / tr->width);
		if (!(tr->used & 1u << j)) {
			tr->min[j] = old.min[k];
			tr->max[j] = old.max[k];
			tr->used |= 1u << j;
		} else {
			if (old.min[k] < tr->min[j])
				tr->min[j] = old.min[k];
			if (old.max[k] > tr->max[j])
				tr->max[j] = old.max[k];
		}
	}
}

void pt_trend_add(struct pt_pair_trend *tr, int64_t t, int64_t d)
{
	/* Records close a window late and a little out of order: an earlier
	 * stamp joins the first bin. */
	int64_t k = t < tr->t0 ? 0 : (t - tr->t0) / tr->width;
	while (k >= PT_TREND_BINS) {
		coarsen(tr);
		k = t < tr->t0 ? 0 : (t - tr->t0) / tr->width;
	}
	unsigned j = (unsigned)k;
	if (!(tr->used & 1u << j)) {
		tr->min[j] = tr->max[j] = d;
		tr->used |= 1u << j;
		return;
	}
	if (d < tr->min[j])
		tr->min[j] = d;
	if (d > tr->max[j])
		tr->max[j] = d;
}
