/* Per flow: the order of its capture points, its distinct paths, and per hop
 * the packets matched and lost and the latency quantiles, all after clock
 * offsets are applied. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-int.h"

int pt_cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

/* Linear interpolation between closest ranks (Hyndman & Fan type 7); v is sorted. */
double pt_quantile(int64_t *v, size_t n, double q)
{
	if (n == 0)
		return NAN;
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	return (double)v[lo] + (h - (double)lo) * (double)(v[hi] - v[lo]);
}

/* Corrected delay from point a to point b (b's time minus a's), ns, as a
 * sorted sample; *count gets the number of packets seen at both. */
static int64_t *corrected_sample(const struct pt_analysis *a, struct pt_flow *f, unsigned pa, unsigned pb,
				 size_t *n, uint64_t *count, int64_t *min, int64_t *max)
{
	unsigned lo = pa < pb ? pa : pb, hi = pa < pb ? pb : pa;
	struct pt_pair *p = pt_flow_pair(f, lo, hi);
	*n = 0;
	*count = 0;
	if (!p || p->nsamples == 0)
		return NULL;
	int64_t *v = malloc(p->nsamples * sizeof *v);
	if (!v)
		return NULL;
	/* Stored deltas are t_hi - t_lo in file time; file time = true time + offset. */
	int64_t corr = (int64_t)llround((pt_point_offset(a, hi) - pt_point_offset(a, lo)) * 1e9);
	int sign = pa == lo ? 1 : -1;
	for (uint32_t i = 0; i < p->nsamples; i++)
		v[i] = sign * (p->samples[i] - corr);
	qsort(v, p->nsamples, sizeof *v, pt_cmp_i64);
	*n = p->nsamples;
	*count = p->count;
	int64_t m1 = sign * (p->min - corr), m2 = sign * (p->max - corr);
	*min = m1 < m2 ? m1 : m2;
	*max = m1 < m2 ? m2 : m1;
	return v;
}

static int cmp_pair_key(const struct pt_flow *x, uint8_t version, const uint8_t *src, const uint8_t *dst)
{
	if (x->key.version != version)
		return x->key.version < version ? -1 : 1;
	int c = memcmp(x->key.src, src, 16);
	return c ? c : memcmp(x->key.dst, dst, 16);
}

static int cmp_flows(const void *p, const void *q)
{
	const struct pt_flow *x = *(struct pt_flow *const *)p, *y = *(struct pt_flow *const *)q;
	return cmp_pair_key(x, y->key.version, y->key.src, y->key.dst);
}

/* Flows between src and dst (any ports): the range [*lo, *hi) of a->by_pair. */
static void pair_range(const struct pt_analysis *a, uint8_t version, const uint8_t *src, const uint8_t *dst,
		       size_t *lo, size_t *hi)
{
	size_t l = 0, h = a->flows.n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (cmp_pair_key(a->by_pair[m], version, src, dst) < 0)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	h = a->flows.n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (cmp_pair_key(a->by_pair[m], version, src, dst) <= 0)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
}

/* Median raw delta t_hi - t_lo over every flow in [from, to) that saw both points. */
static bool pooled_median(const struct pt_analysis *a, size_t from, size_t to, unsigned lo, unsigned hi,
			  double *med)
{
	size_t n = 0;
	for (size_t i = from; i < to; i++) {
		const struct pt_pair *p = pt_flow_pair(a->by_pair[i], lo, hi);
		n += p ? p->nsamples : 0;
	}
	if (!n)
		return false;
	int64_t *v = malloc(n * sizeof *v);
	if (!v)
		return false;
	size_t k = 0;
	for (size_t i = from; i < to; i++) {
		const struct pt_pair *p = pt_flow_pair(a->by_pair[i], lo, hi);
		if (p && p->nsamples) {
			memcpy(v + k, p->samples, p->nsamples * sizeof *v);
			k += p->nsamples;
		}
	}
	qsort(v, n, sizeof *v, pt_cmp_i64);
	*med = pt_quantile(v, n, 0.5);
	free(v);
	return true;
}

/* Every flow between the same two addresses asks for the same pooled
 * medians: without a memo, a thousand connections between two VMs sort
 * each other's samples a thousand times. Two ranges are kept, one per
 * direction, as flows are visited grouped by address pair. */
enum { MEMO_UNKNOWN, MEMO_NONE, MEMO_HAVE };

struct pooled_memo {
	size_t from, to;
	unsigned age;
	uint8_t state[PT_MAX_POINTS][PT_MAX_POINTS];
	double med[PT_MAX_POINTS][PT_MAX_POINTS];
};

struct pooled_memos {
	struct pooled_memo slot[2];
	unsigned clock;
};

static bool pooled_median_memo(const struct pt_analysis *a, struct pooled_memos *ms, size_t from, size_t to,
			       unsigned lo, unsigned hi, double *med)
{
	struct pooled_memo *m = NULL;
	for (unsigned i = 0; i < 2 && !m; i++)
		if (ms->slot[i].from == from && ms->slot[i].to == to && ms->slot[i].age)
			m = &ms->slot[i];
	if (!m) {
		m = ms->slot[0].age <= ms->slot[1].age ? &ms->slot[0] : &ms->slot[1];
		memset(m->state, MEMO_UNKNOWN, sizeof m->state);
		m->from = from;
		m->to = to;
	}
	m->age = ++ms->clock;
	if (m->state[lo][hi] == MEMO_UNKNOWN)
		m->state[lo][hi] = pooled_median(a, from, to, lo, hi, &m->med[lo][hi]) ? MEMO_HAVE : MEMO_NONE;
	*med = m->med[lo][hi];
	return m->state[lo][hi] == MEMO_HAVE;
}

/* Orders the points a flow's packets pass through. Timestamps of one
 * direction alone mislead on one host: after VXLAN decapsulation the vxlan
 * device keeps the underlay's receive time. Any such bias, like a clock
 * offset, is the same for both directions of a pair of points, so the sign of
 *   median(t_b - t_a | a->b traffic) - median(t_b - t_a | b->a traffic)
 * (pooled over all flows between the two addresses) orders them robustly.
 * Without traffic the other way, clock-corrected medians decide. */
static void order_hops(struct pt_analysis *a, struct pt_flow *f, struct pooled_memos *memo)
{
	unsigned pts[PT_MAX_POINTS], k = 0;
	for (unsigned i = 0; i < a->npoints; i++)
		if ((f->points & ((pt_mask)1 << i)) && a->points[i].role == PT_ROLE_HOP)
			pts[k++] = i;
	size_t fl, fh, rl, rh;
	pair_range(a, f->key.version, f->key.src, f->key.dst, &fl, &fh);
	pair_range(a, f->key.version, f->key.dst, f->key.src, &rl, &rh);
	int score[PT_MAX_POINTS] = { 0 };
	for (unsigned x = 0; x < k; x++) {
		for (unsigned y = x + 1; y < k; y++) {
			unsigned lo = pts[x], hi = pts[y]; /* pts ascending, so lo < hi */
			double mf, mr, s;
			if (!pooled_median_memo(a, memo, fl, fh, lo, hi, &mf))
				continue;
			if (pooled_median_memo(a, memo, rl, rh, lo, hi, &mr))
				s = mf - mr;
			else
				s = mf - (pt_point_offset(a, hi) - pt_point_offset(a, lo)) * 1e9;
			/* Equal times keep command-line order. */
			if (s > 0) {
				score[x]++;
				score[y]--;
			} else if (s < 0) {
				score[y]++;
				score[x]--;
			}
		}
	}
	/* Stable selection sort: more points after it first, then input order. */
	bool used[PT_MAX_POINTS] = { false };
	f->norder = 0;
	for (unsigned r = 0; r < k; r++) {
		int best = -1;
		for (unsigned x = 0; x < k; x++)
			if (!used[x] && (best < 0 || score[x] > score[best]))
				best = (int)x;
		used[best] = true;
		f->order[f->norder++] = (uint8_t)pts[best];
	}
}

/* Tunnel underlay points carry the flow one encapsulation deeper than the
 * bridges and ports of the overlay. */
static bool point_tunnelled(const struct pt_point_stats *ps)
{
	uint64_t tunnels = 1ull << PT_P_GRE | 1ull << PT_P_VXLAN | 1ull << PT_P_GENEVE | 1ull << PT_P_IPV4;
	return (ps->encap_seen & tunnels) && ps->overhead_packets * 2 > ps->ip_packets;
}

/* Whether two stamps of one packet are the same instant, as far as the
 * coarser of the two files' resolutions can tell; d = t_b - t_a. */
static bool same_instant(int64_t d, bool a_fine, bool b_fine)
{
	if (a_fine == b_fine)
		return d == 0;
	return a_fine ? d > -1000 && d <= 0 : d >= 0 && d < 1000;
}

struct bridge_view {
	double median_ns; /* t_bridge - t_point, clock-corrected */
	bool tied;        /* most packets share the point's stamp */
};

static bool view_from(const struct pt_analysis *a, struct pt_flow *f, unsigned b, unsigned x,
		      struct bridge_view *v)
{
	unsigned lo = b < x ? b : x, hi = b < x ? x : b;
	const struct pt_pair *p = pt_flow_pair(f, lo, hi);
	if (!p || !p->nsamples)
		return false;
	int64_t *d = malloc(p->nsamples * sizeof *d);
	if (!d)
		return false;
	int sign = b == hi ? 1 : -1;
	size_t ties = 0;
	for (uint32_t i = 0; i < p->nsamples; i++) {
		d[i] = sign * p->samples[i];
		ties += same_instant(d[i], a->points[x].fine_ts, a->points[b].fine_ts);
	}
	qsort(d, p->nsamples, sizeof *d, pt_cmp_i64);
	v->median_ns = pt_quantile(d, p->nsamples, 0.5) - (pt_point_offset(a, b) - pt_point_offset(a, x)) * 1e9;
	v->tied = ties * 2 > p->nsamples;
	free(d);
	return true;
}

/* Puts bridge b between its ports on the flow's ordered hops. Its copy is
 * stamped with the ingress port's time (then it ties with the ingress) or
 * just after the egress transmitted (then it follows the egress); either
 * way it belongs right after the ingress. Ports are the hops at the same
 * encapsulation depth as the bridge. */
static void place_bridge(struct pt_analysis *a, struct pt_flow *f, unsigned b)
{
	int tied = -1, before = -1, last = -1;
	for (unsigned i = 0; i < f->norder; i++) {
		unsigned x = f->order[i];
		struct bridge_view v;
		if (a->points[x].role != PT_ROLE_HOP || !view_from(a, f, b, x, &v))
			continue;
		if (point_tunnelled(&a->points[x]) != point_tunnelled(&a->points[b]))
			continue;
		if (v.tied)
			tied = (int)i;
		if (v.median_ns >= 0)
			before = (int)i;
		last = (int)i;
	}
	unsigned pos;
	if (tied >= 0)
		pos = (unsigned)tied + 1;
	else if (before >= 0)
		pos = (unsigned)before; /* right before the egress it followed */
	else
		pos = last >= 0 ? 0 : f->norder; /* earlier than all its ports, or no port seen with it */
	/* Bridges already in that gap (one host's chain of bridges) stay in time order. */
	while (pos < f->norder && a->points[f->order[pos]].role == PT_ROLE_BRIDGE) {
		struct bridge_view v;
		if (!view_from(a, f, b, f->order[pos], &v) || v.median_ns < 0)
			break;
		pos++;
	}
	memmove(f->order + pos + 1, f->order + pos, f->norder - pos);
	f->order[pos] = (uint8_t)b;
	f->norder++;
}

/* Hops first, by their timestamps; bridges then go between their ports, and
 * vantage points (-i any) stay off paths. */
static void order_points(struct pt_analysis *a, struct pt_flow *f, struct pooled_memos *memo)
{
	order_hops(a, f, memo);
	for (unsigned i = 0; i < a->npoints; i++)
		if ((f->points & ((pt_mask)1 << i)) && a->points[i].role == PT_ROLE_BRIDGE)
			place_bridge(a, f, i);
}

void pt_path_format(const struct pt_analysis *a, const struct pt_flow *f, pt_mask seen, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < f->norder && n < size; i++) {
		unsigned p = f->order[i];
		if (!(seen & ((pt_mask)1 << p)))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ">" : "", pt_point_name(a, p));
	}
}

static bool point_active(const struct pt_analysis *a, const struct pt_pathsig *s, unsigned q)
{
	pt_mask bit = (pt_mask)1 << q;
	if (s->not_started & bit)
		return false;
	if (s->uncertain & bit)
		return a->points[q].last_ts >= s->max_ts; /* it went on capturing afterwards */
	return true;
}

static void hop_init(struct pt_hop *h, uint32_t flow_id, unsigned pa, unsigned pb)
{
	memset(h, 0, sizeof *h);
	h->flow_id = flow_id;
	h->from = (uint8_t)pa;
	h->to = (uint8_t)pb;
	h->lost_min_len = h->lost_sized_min = UINT32_MAX;
	h->min_us = h->max_us = h->p50_us = h->p90_us = h->p99_us = NAN;
}

/* Counts the packets of a path signature as lost on the hop. */
static void hop_add_lost(struct pt_hop *h, const struct pt_pathsig *g)
{
	h->lost += g->count;
	h->lost_df += g->df;
	h->lost_flags |= g->flags_or;
	if (g->min_len < h->lost_min_len)
		h->lost_min_len = g->min_len;
	if (g->max_len > h->lost_max_len)
		h->lost_max_len = g->max_len;
	if (g->sized) {
		h->lost_sized += g->count;
		if (g->min_len < h->lost_sized_min)
			h->lost_sized_min = g->min_len;
		if (g->max_len > h->lost_sized_max)
			h->lost_sized_max = g->max_len;
	}
}

static void hop_append(struct pt_analysis *a, const struct pt_hop *h)
{
	struct pt_hop *v = pt_grow(a->hops, &a->caphops, a->nhops, sizeof *v, 64);
	if (!v)
		return;
	a->hops = v;
	a->hops[a->nhops++] = *h;
}

static void flow_hops(struct pt_analysis *a, struct pt_flow *f)
{
	for (unsigned i = 0; i + 1 < f->norder; i++) {
		unsigned pa = f->order[i], pb = f->order[i + 1];
		struct pt_hop h0;
		hop_init(&h0, f->id, pa, pb);
		size_t n;
		int64_t mn = 0, mx = 0;
		int64_t *v = corrected_sample(a, f, pa, pb, &n, &h0.matched, &mn, &mx);
		if (v) {
			h0.min_us = (double)mn / 1e3;
			h0.max_us = (double)mx / 1e3;
			h0.p50_us = pt_quantile(v, n, 0.50) / 1e3;
			h0.p90_us = pt_quantile(v, n, 0.90) / 1e3;
			h0.p99_us = pt_quantile(v, n, 0.99) / 1e3;
			/* A microsecond file truncates its stamps: less than 1 us early is on time. */
			int64_t tol = a->points[pa].fine_ts && a->points[pb].fine_ts ? 0 : 1000;
			for (size_t k = 0; k < n; k++)
				h0.negative += v[k] < -tol;
			free(v);
		}
		/* Lost on this hop: last seen at pa, and pb was capturing. */
		bool can_lose = pt_flow_unicast(&f->key);
		pt_mask after = 0;
		for (unsigned j = i + 1; j < f->norder; j++)
			after |= (pt_mask)1 << f->order[j];
		for (uint32_t s = 0; s < f->nsigs; s++) {
			const struct pt_pathsig *g = &f->sigs[s];
			if (g->seen & ((pt_mask)1 << pb)) {
				if (g->sized && g->max_len > h0.passed_max_len)
					h0.passed_max_len = g->max_len;
				continue;
			}
			if (!can_lose || !(g->seen & ((pt_mask)1 << pa)) || (g->seen & after) || !point_active(a, g, pb))
				continue;
			hop_add_lost(&h0, g);
		}
		if (h0.matched || h0.lost)
			hop_append(a, &h0);
	}
}

/* A flow whose packets all die on one hop never shows the point after it.
 * Another flow between the same two addresses that goes further along the
 * same points does: the next point of its path is where this one's died. */
static void sibling_loss(struct pt_analysis *a, struct pt_flow *f, size_t lo, size_t hi)
{
	const struct pt_flow *best = NULL;
	for (size_t i = lo; i < hi; i++) {
		const struct pt_flow *g = a->by_pair[i];
		if (g == f || g->nat_parent || g->norder <= f->norder || memcmp(g->order, f->order, f->norder) != 0)
			continue;
		if (!best || g->packets > best->packets || (g->packets == best->packets && g->id < best->id))
			best = g;
	}
	if (!best || f->norder == 0)
		return;
	unsigned pa = f->order[f->norder - 1], pb = best->order[f->norder];
	struct pt_hop h0;
	hop_init(&h0, f->id, pa, pb);
	for (uint32_t s = 0; s < f->nsigs; s++) {
		const struct pt_pathsig *g = &f->sigs[s];
		if ((g->seen & ((pt_mask)1 << pa)) && point_active(a, g, pb))
			hop_add_lost(&h0, g);
	}
	if (h0.lost)
		hop_append(a, &h0);
}

void pt_paths_compute(struct pt_analysis *a)
{
	a->by_pair = malloc((a->flows.n ? a->flows.n : 1) * sizeof *a->by_pair);
	if (!a->by_pair)
		return;
	memcpy(a->by_pair, a->flows.all, a->flows.n * sizeof *a->by_pair);
	qsort(a->by_pair, a->flows.n, sizeof *a->by_pair, cmp_flows);
	struct pooled_memos *memo = calloc(1, sizeof *memo);
	if (!memo)
		return;
	for (size_t i = 0; i < a->flows.n; i++) {
		struct pt_flow *f = a->by_pair[i];
		if (f->nat_parent || f->packets == 0)
			continue;
		order_points(a, f, memo);
	}
	free(memo);
	/* The longest path between each pair of addresses, at the pair's first
	 * index: only a flow with a shorter one can have siblings to learn from,
	 * and thousands of connections between two VMs must not each scan all. */
	uint8_t *longest = calloc(a->flows.n ? a->flows.n : 1, 1);
	if (!longest)
		return;
	for (size_t lo = 0, i = 0; i < a->flows.n; i++) {
		const struct pt_flow *g = a->by_pair[i];
		if (cmp_flows(&a->by_pair[lo], &a->by_pair[i]) != 0)
			lo = i;
		if (!g->nat_parent && g->norder > longest[lo])
			longest[lo] = g->norder;
	}
	for (size_t i = 0; i < a->flows.n; i++) {
		struct pt_flow *f = a->flows.all[i];
		if (f->nat_parent || f->packets == 0)
			continue;
		flow_hops(a, f);
		size_t lo, hi;
		pair_range(a, f->key.version, f->key.src, f->key.dst, &lo, &hi);
		if (pt_flow_unicast(&f->key) && f->norder < longest[lo])
			sibling_loss(a, f, lo, hi);
	}
	free(longest);
}
