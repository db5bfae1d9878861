/* Clock offsets between capture points, from two-way traffic, the way NTP
 * does it: a packet going a->b shows t_b - t_a = delay + theta, one going
 * b->a shows t_b - t_a = theta - delay'. With the smallest delays of each
 * direction, theta = (min forward + max reverse) / 2, give or take half the
 * smallest round trip. Offsets are then chained from the reference point
 * along the most certain estimates. An estimate smaller than its uncertainty
 * is not applied: points on one host share a clock, and shifting them by
 * asymmetric hop delays would only add error. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-int.h"

struct edge {
	bool have;
	double theta; /* off_b - off_a, seconds */
	double u;
};

void pt_clock_estimate(struct pt_analysis *a)
{
	unsigned n = a->npoints;
	static struct edge e[PT_MAX_POINTS][PT_MAX_POINTS];
	memset(e, 0, sizeof e);
	const struct pt_options *o = a->opts;

	if (!o->no_auto_offset) {
		for (size_t i = 0; i < a->flows.n; i++) {
			struct pt_flow *f = a->flows.all[i], *r = f->reverse;
			if (!r || f->nat_parent || r->nat_parent || f->id > r->id)
				continue;
			for (uint32_t k = 0; k < f->npairs; k++) {
				const struct pt_pair *pf = &f->pairs[k];
				const struct pt_pair *pr = pt_flow_pair(r, pf->a, pf->b);
				if (!pr)
					continue;
				double theta, u;
				if (pf->min >= pr->max) {
					theta = ((double)pf->min + (double)pr->max) / 2e9;
					u = ((double)pf->min - (double)pr->max) / 2e9;
				} else if (pr->min >= pf->max) {
					theta = ((double)pr->min + (double)pf->max) / 2e9;
					u = ((double)pr->min - (double)pf->max) / 2e9;
				} else {
					continue; /* the two directions overlap: no ordering to learn from */
				}
				struct edge *x = &e[pf->a][pf->b];
				if (!x->have || u < x->u) {
					x->have = true;
					x->theta = theta;
					x->u = u;
				}
			}
		}
	}

	/* Dijkstra from the reference over accumulated uncertainty. */
	double dist[PT_MAX_POINTS], off[PT_MAX_POINTS];
	int via[PT_MAX_POINTS];
	bool done[PT_MAX_POINTS];
	for (unsigned i = 0; i < n; i++) {
		dist[i] = INFINITY;
		off[i] = 0;
		via[i] = -1;
		done[i] = false;
	}
	dist[a->reference] = 0;
	for (;;) {
		int best = -1;
		for (unsigned i = 0; i < n; i++)
			if (!done[i] && isfinite(dist[i]) && (best < 0 || dist[i] < dist[best]))
				best = (int)i;
		if (best < 0)
			break;
		done[best] = true;
		for (unsigned j = 0; j < n; j++) {
			if (done[j])
				continue;
			unsigned lo = (unsigned)best < j ? (unsigned)best : j, hi = (unsigned)best < j ? j : (unsigned)best;
			const struct edge *x = &e[lo][hi];
			if (!x->have)
				continue;
			double d = dist[best] + x->u;
			if (d < dist[j]) {
				dist[j] = d;
				/* theta is off_hi - off_lo */
				off[j] = (unsigned)best == lo ? off[best] + x->theta : off[best] - x->theta;
				via[j] = best;
			}
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct pt_point_stats *ps = &a->points[i];
		ps->offset_via = via[i];
		ps->clock_uncert_s = isfinite(dist[i]) ? dist[i] : NAN;
		ps->clock_offset_s = 0;
		ps->offset_known = i == a->reference;
		if (i != a->reference && isfinite(dist[i])) {
			ps->offset_known = true;
			if (fabs(off[i]) > dist[i])
				ps->clock_offset_s = off[i];
		}
	}
	for (unsigned k = 0; k < o->noffsets; k++) {
		for (unsigned i = 0; i < n; i++) {
			if (strcmp(pt_point_name(a, i), o->offsets[k].key) != 0)
				continue;
			a->points[i].clock_offset_s = strtod(o->offsets[k].value, NULL);
			a->points[i].clock_uncert_s = 0;
			a->points[i].offset_known = true;
			a->points[i].offset_forced = true;
		}
	}
}
