/* One-way latency over time: a hop's delay samples (the matcher's reservoir
 * per pair of points, which keeps when each packet passed) corrected for
 * the clocks as hops.c corrects its quantiles, in time order. */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "analysis/analysis.h"

static int by_time(const void *x, const void *y)
{
	const struct pt_tsample *a = x, *b = y;
	return (a->ts > b->ts) - (a->ts < b->ts);
}

struct pt_tsample *pt_hop_samples(const struct pt_analysis *a, const struct pt_hop *h, size_t *n)
{
	*n = 0;
	const struct pt_flow *f = pt_analysis_flow(a, h->flow_id);
	unsigned lo = h->from < h->to ? h->from : h->to, hi = h->from < h->to ? h->to : h->from;
	const struct pt_pair *p = f ? pt_flow_pair(f, lo, hi) : NULL;
	if (!p || !p->nsamples || !p->sample_dt)
		return NULL;
	struct pt_tsample *v = malloc(p->nsamples * sizeof *v);
	if (!v)
		return NULL;
	double off_lo = pt_point_offset(&a->points->v[lo]), off_hi = pt_point_offset(&a->points->v[hi]);
	int64_t corr = (int64_t)llround((off_hi - off_lo) * 1e9);
	int64_t off_from = (int64_t)llround((h->from == lo ? off_lo : off_hi) * 1e9);
	for (uint32_t i = 0; i < p->nsamples; i++) {
		/* Stored: t_lo (from the pair's base), and t_hi - t_lo in file time. */
		int64_t t_lo = p->ts_base + (int64_t)llround((double)p->sample_dt[i] * 1e9);
		int64_t t_from = h->from == lo ? t_lo : t_lo + p->samples[i];
		int64_t d = p->samples[i] - corr;
		v[i] = (struct pt_tsample){ t_from - off_from, h->from == lo ? d : -d };
	}
	qsort(v, p->nsamples, sizeof *v, by_time);
	*n = p->nsamples;
	return v;
}
