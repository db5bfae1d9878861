/* Clock offsets between capture points, from two-way traffic, the way NTP
 * does it: a packet going a->b shows t_b - t_a = delay + theta, one going
 * b->a shows t_b - t_a = theta - delay'. With the smallest delays of each
 * direction, theta = (min forward + max reverse) / 2, give or take half the
 * smallest round trip. Offsets are then chained from the reference point
 * along the most certain estimates. An estimate smaller than its uncertainty
 * is not applied: points on one host share a clock, and shifting them by
 * asymmetric hop delays would only add error. Bridge copies and -i any
 * captures are stamped off the path (model/point.c), so they take the clock
 * of the hop they run closest to, which is on their host. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "base/grow.h"
#include "base/stats.h"

/* One estimate of off_hi - off_lo at the middle of the capture, with its
 * uncertainty and how fast it moves (a drifting clock). */
struct edge {
	uint32_t lo, hi;
	double theta, u;
	double drift; /* s per s */
	size_t seq;   /* first estimate wins among equally certain ones */
};

struct edges {
	struct edge *v;
	size_t n, cap;
};

static int by_pair_then_certainty(const void *x, const void *y)
{
	const struct edge *a = x, *b = y;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->u != b->u)
		return a->u < b->u ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool is_hop(const struct pt_analysis *a, unsigned p)
{
	return a->points->v[p].role == PT_ROLE_HOP;
}

/* Every pair of hop points both directions of a flow crossed, ordered
 * without overlap, gives an estimate; the most certain one per pair is kept. */
/* The other direction of f, through NAT: the reply to a DNAT-ed request is
 * the reverse of the translated form, not of the original. first_child and
 * next_child list each flow's translated forms (by flow id, 0 ends). */
static const struct pt_flow *reverse_of(const struct pt_analysis *a, const struct pt_flow *f,
					const uint32_t *first_child, const uint32_t *next_child)
{
	struct pt_flow *r = f->reverse;
	for (uint32_t c = first_child[f->id]; !r && c; c = next_child[c]) {
		struct pt_flow_key k;
		pt_flow_key_reverse(&pt_analysis_flow(a, c)->key, &k);
		r = pt_flows_find(&a->match.flows, &k);
	}
	r = pt_flow_canonical(r);
	return r != f ? r : NULL;
}

/* The middle of every capture's span: where a drifting clock's offset is
 * given, so that the constant it stands for is off least over the run. */
static int64_t capture_middle(const struct pt_analysis *a)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point_stats *s = &a->points->v[p].stats;
		if (!s->packets)
			continue;
		lo = s->first_ts < lo ? s->first_ts : lo;
		hi = s->last_ts > hi ? s->last_ts : hi;
	}
	return lo <= hi ? lo + (hi - lo) / 2 : 0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* A drift is believed when the line spans this long and moves further
 * than the estimates' own uncertainty over it. */
#define DRIFT_MIN_SPAN_S 10.0
#define DRIFT_MIN_BINS 3

/* The two directions of a pair, bin by bin on a common grid. */
struct twoway_bin {
	int64_t start;
	int64_t fmin, fmax, rmin, rmax;
	bool f, r;
};

static void add_bins(struct twoway_bin *v, size_t *n, const struct pt_pair_trend *tr, int64_t w, bool forward)
{
	for (unsigned k = 0; k < PT_TREND_BINS; k++) {
		if (!(tr->used & 1u << k))
			continue;
		int64_t start = pt_trend_bin_start(tr, k, w);
		size_t i = 0;
		while (i < *n && v[i].start != start)
			i++;
		if (i == *n)
			v[(*n)++] = (struct twoway_bin){ .start = start };
		struct twoway_bin *b = &v[i];
		int64_t *mn = forward ? &b->fmin : &b->rmin, *mx = forward ? &b->fmax : &b->rmax;
		bool *have = forward ? &b->f : &b->r;
		if (!*have || tr->min[k] < *mn)
			*mn = tr->min[k];
		if (!*have || tr->max[k] > *mx)
			*mx = tr->max[k];
		*have = true;
	}
}

/* off_hi - off_lo as a line through the minimum-delay estimate of each
 * stretch of time both directions crossed: theta at mid, its uncertainty (the
 * median of the stretches') and the slope. False without enough stretches. */
static bool trend_line(const struct pt_pair *pf, const struct pt_pair *pr, int64_t mid, double *theta, double *u,
		       double *drift)
{
	if (!pf->trend || !pr->trend)
		return false;
	int64_t w = pf->trend->width > pr->trend->width ? pf->trend->width : pr->trend->width;
	struct twoway_bin v[2 * PT_TREND_BINS];
	size_t n = 0;
	add_bins(v, &n, pf->trend, w, true);
	add_bins(v, &n, pr->trend, w, false);
	double x[2 * PT_TREND_BINS], y[2 * PT_TREND_BINS], uu[2 * PT_TREND_BINS];
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct twoway_bin *b = &v[i];
		if (!b->f || !b->r)
			continue;
		if (b->fmin >= b->rmax) {
			y[m] = ((double)b->fmin + (double)b->rmax) / 2e9;
			uu[m] = ((double)b->fmin - (double)b->rmax) / 2e9;
		} else if (b->rmin >= b->fmax) {
			y[m] = ((double)b->rmin + (double)b->fmax) / 2e9;
			uu[m] = ((double)b->rmin - (double)b->fmax) / 2e9;
		} else {
			continue;
		}
		x[m++] = (double)(b->start + w / 2 - mid) / 1e9;
	}
	if (m < DRIFT_MIN_BINS)
		return false;
	double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, lo = x[0], hi = x[0];
	for (size_t i = 0; i < m; i++) {
		double wt = 1 / ((uu[i] + 1e-6) * (uu[i] + 1e-6));
		sw += wt;
		sx += wt * x[i];
		sy += wt * y[i];
		sxx += wt * x[i] * x[i];
		sxy += wt * x[i] * y[i];
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
	}
	double det = sw * sxx - sx * sx;
	qsort(uu, m, sizeof *uu, cmp_double);
	*u = uu[m / 2];
	if (hi - lo < DRIFT_MIN_SPAN_S || det <= 0)
		return false;
	double slope = (sw * sxy - sx * sy) / det;
	if (fabs(slope) * (hi - lo) <= 2 * *u + 1e-6) {
		*drift = 0;
		*theta = sy / sw;
	} else {
		*drift = slope;
		*theta = (sy - slope * sx) / sw;
	}
	return true;
}

static void collect_edges(const struct pt_analysis *a, struct edges *es)
{
	const struct pt_flows *flows = &a->match.flows;
	uint32_t *first_child = calloc(flows->n + 1, sizeof *first_child);
	uint32_t *next_child = calloc(flows->n + 1, sizeof *next_child);
	if (!first_child || !next_child) {
		free(first_child);
		free(next_child);
		return;
	}
	for (size_t i = flows->n; i-- > 0;) {
		const struct pt_flow *f = flows->all[i], *p = pt_flow_canonical(f->nat_parent);
		if (p) {
			next_child[f->id] = first_child[p->id];
			first_child[p->id] = f->id;
		}
	}
	for (size_t i = 0; i < flows->n; i++) {
		const struct pt_flow *f = flows->all[i];
		if (f->nat_parent)
			continue;
		const struct pt_flow *r = reverse_of(a, f, first_child, next_child);
		/* Each pair of directions once, from the lower id. */
		if (!r || (f->id > r->id && reverse_of(a, r, first_child, next_child) == f))
			continue;
		for (uint32_t k = 0; k < f->npairs; k++) {
			const struct pt_pair *pf = &f->pairs[k];
			const struct pt_pair *pr = pt_flow_pair(r, pf->a, pf->b);
			if (!pr || !is_hop(a, pf->a) || !is_hop(a, pf->b))
				continue;
			double theta, u, drift = 0;
			if (trend_line(pf, pr, a->clock_mid, &theta, &u, &drift)) {
				/* a long capture: the estimate of each stretch, as a line */
			} else if (pf->min >= pr->max) {
				theta = ((double)pf->min + (double)pr->max) / 2e9;
				u = ((double)pf->min - (double)pr->max) / 2e9;
			} else if (pr->min >= pf->max) {
				theta = ((double)pr->min + (double)pf->max) / 2e9;
				u = ((double)pr->min - (double)pf->max) / 2e9;
			} else {
				continue; /* the two directions overlap: no ordering to learn from */
			}
			/* A microsecond file truncates: its stamps are up to 1 us early. */
			if (!a->points->v[pf->a].stats.fine_ts || !a->points->v[pf->b].stats.fine_ts)
				u += 1e-6;
			struct edge *v = pt_grow(es->v, &es->cap, es->n, sizeof *v, 64);
			if (!v)
				return;
			es->v = v;
			es->v[es->n] = (struct edge){ pf->a, pf->b, theta, u, drift, es->n };
			es->n++;
		}
	}
	if (es->n)
		qsort(es->v, es->n, sizeof *es->v, by_pair_then_certainty);
	size_t w = 0;
	for (size_t i = 0; i < es->n; i++)
		if (!w || es->v[w - 1].lo != es->v[i].lo || es->v[w - 1].hi != es->v[i].hi)
			es->v[w++] = es->v[i];
	es->n = w;
	free(first_child);
	free(next_child);
}

/* Neighbours of each point, in ascending order: start[p] .. start[p + 1]. */
struct graph {
	size_t *start;
	uint32_t *to;
	const struct edge **via;
};

static bool graph_make(struct graph *g, const struct edges *es, size_t n)
{
	g->start = calloc(n + 1, sizeof *g->start);
	g->to = malloc((2 * es->n + 1) * sizeof *g->to);
	g->via = malloc((2 * es->n + 1) * sizeof *g->via);
	if (!g->start || !g->to || !g->via)
		return false;
	for (size_t i = 0; i < es->n; i++) {
		g->start[es->v[i].lo + 1]++;
		g->start[es->v[i].hi + 1]++;
	}
	for (size_t p = 0; p < n; p++)
		g->start[p + 1] += g->start[p];
	size_t *fill = calloc(n + 1, sizeof *fill);
	if (!fill)
		return false;
	/* Edges are sorted by (lo, hi): a point's higher neighbours come in
	 * order, but its lower ones come first from other rows; sort each list. */
	for (size_t i = 0; i < es->n; i++) {
		const struct edge *e = &es->v[i];
		size_t x = g->start[e->lo] + fill[e->lo]++, y = g->start[e->hi] + fill[e->hi]++;
		g->to[x] = e->hi;
		g->via[x] = e;
		g->to[y] = e->lo;
		g->via[y] = e;
	}
	free(fill);
	for (size_t p = 0; p < n; p++)
		for (size_t i = g->start[p] + 1; i < g->start[p + 1]; i++)
			for (size_t j = i; j > g->start[p] && g->to[j] < g->to[j - 1]; j--) {
				uint32_t t = g->to[j];
				g->to[j] = g->to[j - 1];
				g->to[j - 1] = t;
				const struct edge *e = g->via[j];
				g->via[j] = g->via[j - 1];
				g->via[j - 1] = e;
			}
	return true;
}

static void graph_free(struct graph *g)
{
	free(g->start);
	free(g->to);
	free(g->via);
}

/* Dijkstra from the reference over accumulated uncertainty. */
static void chain_offsets(const struct pt_analysis *a, const struct graph *g, double *dist, double *off, double *dr,
			  int *via)
{
	size_t n = a->points->n;
	bool *done = calloc(n, sizeof *done);
	if (!done)
		return;
	dist[a->reference] = 0;
	for (;;) {
		long best = -1;
		for (size_t i = 0; i < n; i++)
			if (!done[i] && isfinite(dist[i]) && (best < 0 || dist[i] < dist[best]))
				best = (long)i;
		if (best < 0)
			break;
		done[best] = true;
		for (size_t k = g->start[best]; k < g->start[best + 1]; k++) {
			uint32_t j = g->to[k];
			if (done[j])
				continue;
			const struct edge *x = g->via[k];
			double d = dist[best] + x->u;
			if (d < dist[j]) {
				dist[j] = d;
				/* theta is off_hi - off_lo */
				off[j] = (uint32_t)best == x->lo ? off[best] + x->theta : off[best] - x->theta;
				dr[j] = (uint32_t)best == x->lo ? dr[best] + x->drift : dr[best] - x->drift;
				via[j] = (int)best;
			}
		}
	}
	free(done);
}

/* Points on one host share a clock, but each got its offset along its own
 * chain of estimates, a few microseconds apart. Taking the most certain
 * first, each point joins the clock of an earlier one whose offset lies
 * within both uncertainties, or starts a clock of its own; the reference's
 * clock is the true one, so small estimates against it are not applied. */
static void snap_to_clock_domains(struct pt_analysis *a, const double *off, const double *dr, const double *dist,
				  const int *via)
{
	size_t n = a->points->n, k = 0;
	size_t *by_certainty = malloc((n ? n : 1) * sizeof *by_certainty);
	if (!by_certainty)
		return;
	for (size_t i = 0; i < n; i++)
		if (isfinite(dist[i]))
			by_certainty[k++] = i;
	for (size_t x = 1; x < k; x++)
		for (size_t y = x; y > 0 && dist[by_certainty[y]] < dist[by_certainty[y - 1]]; y--) {
			size_t t = by_certainty[y];
			by_certainty[y] = by_certainty[y - 1];
			by_certainty[y - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		struct pt_point_clock *c = &a->points->v[i].clock;
		c->via = via[i];
		c->uncert_s = isfinite(dist[i]) ? dist[i] : NAN;
		c->offset_s = 0;
		c->drift = 0;
		c->drift_t0 = a->clock_mid;
		c->known = false;
	}
	for (size_t x = 0; x < k; x++) {
		size_t i = by_certainty[x];
		struct pt_point_clock *c = &a->points->v[i].clock;
		c->known = true;
		c->offset_s = off[i];
		c->drift = dr[i];
		for (size_t y = 0; y < x; y++) {
			size_t j = by_certainty[y];
			/* Files read shifted apart are other clocks, however close the rest. */
			if (a->points->v[j].clock.shift_ns == c->shift_ns && fabs(off[i] - off[j]) <= dist[i] + dist[j]) {
				c->offset_s = a->points->v[j].clock.offset_s;
				c->drift = a->points->v[j].clock.drift;
				break;
			}
		}
	}
	free(by_certainty);
}

/* Median |t_a - t_b| over a pair's sampled packets, ns. */
static double median_gap(const struct pt_pair *p)
{
	int64_t *v = malloc(p->nsamples * sizeof *v);
	if (!v)
		return INFINITY;
	for (uint32_t i = 0; i < p->nsamples; i++)
		v[i] = p->samples[i] < 0 ? -p->samples[i] : p->samples[i];
	double m = pt_median_sort(v, p->nsamples);
	free(v);
	return m;
}

/* Bridge copies and -i any captures take the clock of the hop whose stamps
 * they run closest to, over all flows, among the hops of their own host
 * when any has a clock; with no flow shared with one of those, the clock of
 * any hop of their host (a host has one clock). */
static void adopt_host_clocks(struct pt_analysis *a)
{
	size_t n = a->points->n;
	double *best = malloc((n ? n : 1) * sizeof *best);
	long *host = malloc((n ? n : 1) * sizeof *host);
	if (!best || !host) {
		free(best);
		free(host);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		best[i] = INFINITY;
		host[i] = -1;
	}
	const struct pt_flows *flows = &a->match.flows;
	for (size_t i = 0; i < flows->n; i++) {
		const struct pt_flow *f = flows->all[i];
		for (uint32_t k = 0; k < f->npairs; k++) {
			const struct pt_pair *p = &f->pairs[k];
			unsigned ends[2] = { p->a, p->b };
			for (int e = 0; e < 2; e++) {
				unsigned b = ends[e], x = ends[1 - e];
				if (is_hop(a, b) || b == a->reference || !is_hop(a, x) || !a->points->v[x].clock.known ||
				    !p->nsamples)
					continue;
				/* Another host's stamps only rank behind every one of its own. */
				double g = median_gap(p) + (pt_point_same_host(&a->points->v[b], &a->points->v[x]) ? 0 : 1e18);
				if (g < best[b]) {
					best[b] = g;
					host[b] = (long)x;
				}
			}
		}
	}
	for (size_t b = 0; b < n; b++) {
		if (is_hop(a, (unsigned)b) || b == a->reference || (host[b] >= 0 && best[b] < 1e18))
			continue;
		for (size_t x = 0; x < n; x++)
			if (is_hop(a, (unsigned)x) && a->points->v[x].clock.known &&
			    pt_point_host_named(&a->points->v[b]) && pt_point_host_named(&a->points->v[x]) &&
			    pt_point_same_host(&a->points->v[b], &a->points->v[x])) {
				host[b] = (long)x;
				break;
			}
	}
	for (size_t b = 0; b < n; b++) {
		if (host[b] < 0)
			continue;
		struct pt_point_clock *c = &a->points->v[b].clock;
		const struct pt_point_clock *h = &a->points->v[host[b]].clock;
		c->known = true;
		c->via = (int)host[b];
		c->offset_s = h->offset_s;
		c->uncert_s = h->uncert_s;
		c->drift = h->drift;
		c->drift_t0 = h->drift_t0;
	}
	free(best);
	free(host);
}

/* The estimates above are of shifted timestamps (see struct
 * pt_point_clock): a point read shifted gets its shift, counted from the
 * reference's, added back. One shifted but not tied to the reference by
 * two-way traffic keeps the shift alone, as certain as its spread. */
static void add_shifts(struct pt_analysis *a)
{
	int64_t ref = a->points->v[a->reference].clock.shift_ns;
	for (size_t p = 0; p < a->points->n; p++) {
		struct pt_point_clock *c = &a->points->v[p].clock;
		if (c->shift_ns == ref)
			continue;
		if (!c->known) {
			c->known = true;
			c->offset_s = 0;
			c->uncert_s = (double)c->shift_spread_ns / 1e9;
			c->via = (int)c->shift_via;
		}
		c->offset_s += (double)(c->shift_ns - ref) / 1e9;
	}
}

/* The first point a packet really passes through keeps its clock, unless
 * the user named another. */
static unsigned reference_point(const struct pt_analysis *a)
{
	if (a->cfg.reference >= 0 && (size_t)a->cfg.reference < a->points->n)
		return (unsigned)a->cfg.reference;
	for (size_t p = 0; p < a->points->n; p++)
		if (is_hop(a, (unsigned)p))
			return (unsigned)p;
	return 0;
}

/* A point no two-way traffic joins to the others keeps its own stamps: say
 * so when it shares packets with them (one direction only, as an XDP hook
 * or a SPAN port sees it), for then hops and paths rest on those stamps. */
static void unknown_clock_finding(struct pt_analysis *a, size_t p)
{
	uint64_t shared = 0, most = 0;
	long with = -1;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		for (uint32_t k = 0; k < f->npairs; k++) {
			const struct pt_pair *x = &f->pairs[k];
			unsigned q = x->a == p ? x->b : x->b == p ? x->a : UINT32_MAX;
			if (q == UINT32_MAX || !a->points->v[q].clock.known)
				continue;
			shared += x->count;
			if (x->count > most) {
				most = x->count;
				with = (long)q;
			}
		}
	}
	struct pt_finding *f = shared ? pt_findings_add(&a->findings, PT_F_CLOCK_UNKNOWN, PT_SEV_WARNING) : NULL;
	if (f) {
		f->point = (long)p;
		f->u.unknown = (struct pt_f_clock_unknown){ shared, with };
	}
}

static void clock_findings(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++)
		if (p != a->reference && !a->points->v[p].clock.known && a->points->v[p].stats.packets &&
		    a->points->v[p].role != PT_ROLE_VANTAGE)
			unknown_clock_finding(a, p);
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point_clock *c = &a->points->v[p].clock;
		if (p == a->reference || !c->known || (c->offset_s == 0 && c->drift == 0 && !c->forced))
			continue;
		struct pt_finding *f = pt_findings_add(&a->findings, PT_F_CLOCK_OFFSET, PT_SEV_INFO);
		if (!f)
			return;
		f->point = (long)p;
		f->u.clock = (struct pt_f_clock){ c->offset_s, c->uncert_s, c->forced, c->via,
						   (double)c->shift_ns / 1e9, c->shift_via, c->shift_packets, c->drift };
	}
}

void pt_clock_done(struct pt_analysis *a)
{
	size_t n = a->points->n;
	if (!n)
		return;
	a->reference = reference_point(a);
	a->clock_mid = capture_middle(a);
	struct edges es = { NULL, 0, 0 };
	if (!a->cfg.no_auto_offset)
		collect_edges(a, &es);
	struct graph g = { NULL, NULL, NULL };
	double *dist = malloc(n * sizeof *dist), *off = malloc(n * sizeof *off), *dr = malloc(n * sizeof *dr);
	int *via = malloc(n * sizeof *via);
	if (dist && off && dr && via && graph_make(&g, &es, n)) {
		for (size_t i = 0; i < n; i++) {
			dist[i] = INFINITY;
			off[i] = dr[i] = 0;
			via[i] = -1;
		}
		chain_offsets(a, &g, dist, off, dr, via);
		snap_to_clock_domains(a, off, dr, dist, via);
		adopt_host_clocks(a);
	}
	graph_free(&g);
	free(dist);
	free(off);
	free(dr);
	free(via);
	free(es.v);
	add_shifts(a);
	for (size_t p = 0; p < n; p++) {
		struct pt_point *pt = &a->points->v[p];
		if (!pt->offset_given)
			continue;
		pt->clock.offset_s = pt->given_offset_s;
		pt->clock.uncert_s = 0;
		pt->clock.drift = 0;
		pt->clock.known = true;
		pt->clock.forced = true;
	}
	clock_findings(a);
}
