/* Clock offsets between capture points, from two-way traffic, the way NTP
 * does it: a packet going a->b shows t_b - t_a = delay + theta, one going
 * b->a shows t_b - t_a = theta - delay'. With the smallest delays of each
 * direction, theta = (min forward + max reverse) / 2, give or take half the
 * smallest round trip. Offsets are then chained from the reference point
 * along the most certain estimates. An estimate smaller than its uncertainty
 * is not applied: points on one host share a clock, and shifting them by
 * asymmetric hop delays would only add error. Bridge copies and -i any
 * captures are stamped off the path (see point-role.c), so they take the
 * clock of the hop they run closest to, which is on their host. */
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

/* Median |t_a - t_b| over a pair's sampled packets, ns. */
static double median_gap(const struct pt_pair *p)
{
	int64_t *v = malloc(p->nsamples * sizeof *v);
	if (!v)
		return INFINITY;
	for (uint32_t i = 0; i < p->nsamples; i++)
		v[i] = p->samples[i] < 0 ? -p->samples[i] : p->samples[i];
	qsort(v, p->nsamples, sizeof *v, pt_cmp_i64);
	double m = pt_quantile(v, p->nsamples, 0.5);
	free(v);
	return m;
}

/* Bridge copies and -i any captures take the clock of the hop whose stamps
 * they run closest to, over all flows: a point on their own host. */
static void adopt_host_clocks(struct pt_analysis *a)
{
	double best[PT_MAX_POINTS];
	int host[PT_MAX_POINTS];
	for (unsigned i = 0; i < a->npoints; i++) {
		best[i] = INFINITY;
		host[i] = -1;
	}
	for (size_t i = 0; i < a->flows.n; i++) {
		const struct pt_flow *f = a->flows.all[i];
		for (uint32_t k = 0; k < f->npairs; k++) {
			const struct pt_pair *p = &f->pairs[k];
			unsigned ends[2] = { p->a, p->b };
			for (int e = 0; e < 2; e++) {
				unsigned b = ends[e], x = ends[1 - e];
				if (a->points[b].role == PT_ROLE_HOP || b == a->reference ||
				    a->points[x].role != PT_ROLE_HOP || !a->points[x].offset_known || !p->nsamples)
					continue;
				double g = median_gap(p);
				if (g < best[b]) {
					best[b] = g;
					host[b] = (int)x;
				}
			}
		}
	}
	for (unsigned b = 0; b < a->npoints; b++) {
		if (host[b] < 0)
			continue;
		struct pt_point_stats *ps = &a->points[b];
		ps->offset_known = true;
		ps->offset_via = host[b];
		ps->clock_offset_s = a->points[host[b]].clock_offset_s;
		ps->clock_uncert_s = a->points[host[b]].clock_uncert_s;
	}
}

/* Points on one host share a clock, but each got its offset along its own
 * chain of estimates, a few microseconds apart. Taking the most certain
 * first, each point joins the clock of an earlier one whose offset lies
 * within both uncertainties, or starts a clock of its own; the reference's
 * clock is the true one, so small estimates against it are not applied. */
static void snap_to_clock_domains(struct pt_analysis *a, const double *off, const double *dist, const int *via)
{
	unsigned n = a->npoints, by_certainty[PT_MAX_POINTS], k = 0;
	for (unsigned i = 0; i < n; i++)
		if (isfinite(dist[i]))
			by_certainty[k++] = i;
	for (unsigned x = 1; x < k; x++)
		for (unsigned y = x; y > 0 && dist[by_certainty[y]] < dist[by_certainty[y - 1]]; y--) {
			unsigned t = by_certainty[y];
			by_certainty[y] = by_certainty[y - 1];
			by_certainty[y - 1] = t;
		}
	for (unsigned i = 0; i < n; i++) {
		struct pt_point_stats *ps = &a->points[i];
		ps->offset_via = via[i];
		ps->clock_uncert_s = isfinite(dist[i]) ? dist[i] : NAN;
		ps->clock_offset_s = 0;
		ps->offset_known = false;
	}
	for (unsigned x = 0; x < k; x++) {
		unsigned i = by_certainty[x];
		struct pt_point_stats *ps = &a->points[i];
		ps->offset_known = true;
		ps->clock_offset_s = off[i];
		for (unsigned y = 0; y < x; y++) {
			unsigned j = by_certainty[y];
			if (fabs(off[i] - off[j]) <= dist[i] + dist[j]) {
				ps->clock_offset_s = a->points[j].clock_offset_s;
				break;
			}
		}
	}
}

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
				if (!pr || a->points[pf->a].role != PT_ROLE_HOP || a->points[pf->b].role != PT_ROLE_HOP)
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
				/* A microsecond file truncates: its stamps are up to 1 us early. */
				if (!a->points[pf->a].fine_ts || !a->points[pf->b].fine_ts)
					u += 1e-6;
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
	snap_to_clock_domains(a, off, dist, via);
	adopt_host_clocks(a);
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
