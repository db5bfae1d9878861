/* Per hop of each flow: the packets matched at both ends and their latency
 * after clock correction, and the packets lost on it. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "base/grow.h"
#include "base/stats.h"

/* Corrected delay from point a to point b (b's time minus a's), ns, as a
 * sorted sample; *count gets the number of packets seen at both. */
static int64_t *corrected_sample(const struct pt_analysis *a, const struct pt_flow *f, unsigned pa, unsigned pb,
				 size_t *n, uint64_t *count, int64_t *min, int64_t *max)
{
	unsigned lo = pa < pb ? pa : pb, hi = pa < pb ? pb : pa;
	const struct pt_pair *p = pt_flow_pair(f, lo, hi);
	*n = 0;
	*count = 0;
	if (!p || p->nsamples == 0)
		return NULL;
	int64_t *v = malloc(p->nsamples * sizeof *v);
	if (!v)
		return NULL;
	/* Stored deltas are t_hi - t_lo in file time; file time = true time + offset. */
	const struct pt_point *ph = &a->points->v[hi], *pl = &a->points->v[lo];
	int64_t corr = (int64_t)llround((pt_point_offset(ph) - pt_point_offset(pl)) * 1e9);
	int sign = pa == lo ? 1 : -1;
	bool drifting = ph->clock.drift != pl->clock.drift;
	for (uint32_t i = 0; i < p->nsamples; i++) {
		int64_t c = corr;
		if (drifting) {
			/* Two clocks drifting apart: each packet corrected at its own time. */
			int64_t t = p->ts_base + (int64_t)llround((double)p->sample_dt[i] * 1e9);
			c = (int64_t)llround((pt_point_offset_at(ph, t) - pt_point_offset_at(pl, t)) * 1e9);
		}
		v[i] = sign * (p->samples[i] - c);
	}
	qsort(v, p->nsamples, sizeof *v, pt_cmp_i64);
	*n = p->nsamples;
	*count = p->count;
	if (drifting) {
		*min = v[0]; /* a delta's correction depends on its time: the kept samples bound it */
		*max = v[p->nsamples - 1];
		return v;
	}
	int64_t m1 = sign * (p->min - corr), m2 = sign * (p->max - corr);
	*min = m1 < m2 ? m1 : m2;
	*max = m1 < m2 ? m2 : m1;
	return v;
}

/* Whether point q was capturing when the packets of signature s passed.
 * Packets after q's last one were lost there only if q went on capturing:
 * it did if it captured again later, and it stopped if several flows that
 * used to cross it went on without it at once (a capture killed early). */
static bool point_active(const struct pt_analysis *a, const struct pt_pathsig *s, unsigned q)
{
	if (pt_pset_has(a->match.psets, s->not_started, q))
		return false;
	if (pt_pset_has(a->match.psets, s->uncertain, q) && a->points->v[q].capture_stopped)
		return a->points->v[q].stats.last_ts >= s->max_ts;
	return true;
}

/* Whether an ICMP fragmentation-needed or Packet Too Big quoting the flow
 * says that its DF packets of signature s died at a router: they did, even
 * where no capture was running yet to miss them. */
static bool told_too_big(const struct pt_analysis *a, const struct pt_flow *f, const struct pt_pathsig *s)
{
	const struct pt_icmp_mtu *m = s->df == s->count ? pt_icmp_for_flow(a, f) : NULL;
	return m && s->sized && s->min_len > m->mtu;
}

/* The flows that crossed q before its last packet and went on without it. */
static void find_stopped(struct pt_analysis *a)
{
	const struct pt_psets *ps = a->match.psets;
	size_t n = a->points->n;
	uint32_t *left = calloc(n ? n : 1, sizeof *left);
	if (!left)
		return;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || !f->packets)
			continue;
		for (long q = pt_pset_next(ps, f->points, 0); q >= 0; q = pt_pset_next(ps, f->points, (unsigned)q + 1)) {
			for (uint32_t k = 0; k < f->nsigs; k++)
				if (pt_pset_has(ps, f->sigs[k].uncertain, (unsigned)q) &&
				    f->sigs[k].max_ts > a->points->v[q].stats.last_ts) {
					left[q]++;
					break;
				}
		}
	}
	for (size_t q = 0; q < n; q++)
		a->points->v[q].capture_stopped = left[q] >= 2;
	free(left);
}

static void hop_init(struct pt_hop *h, uint32_t flow_id, unsigned pa, unsigned pb)
{
	memset(h, 0, sizeof *h);
	h->flow_id = flow_id;
	h->from = pa;
	h->to = pb;
	h->lost_min_len = h->lost_sized_min = UINT32_MAX;
	h->min_us = h->max_us = h->p50_us = h->p90_us = h->p99_us = h->p25_us = h->p75_us = NAN;
}

/* Counts the packets of a path signature as lost on the hop. */
static void hop_add_lost(struct pt_hop *h, const struct pt_pathsig *g)
{
	h->lost += g->count;
	h->lost_df += g->df;
	h->lost_flags |= g->flags_or;
	if (g->resent && (!h->lost_resent || g->resent_min_len < h->lost_resent_min_len))
		h->lost_resent_min_len = g->resent_min_len;
	h->lost_resent += g->resent;
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
	struct pt_hop *v = pt_grow(a->hops.v, &a->hops.cap, a->hops.n, sizeof *v, 64);
	if (!v)
		return;
	a->hops.v = v;
	a->hops.v[a->hops.n++] = *h;
}

/* Whether a signature's packets were seen past position i of the path. */
static bool seen_after(const struct pt_analysis *a, const struct pt_pathsig *g, const struct pt_path *path, uint32_t i)
{
	for (uint32_t j = i + 1; j < path->n; j++)
		if (pt_pset_has(a->match.psets, g->seen, path->order[j]))
			return true;
	return false;
}

static void flow_hops(struct pt_analysis *a, const struct pt_flow *f, const struct pt_path *path)
{
	const struct pt_psets *ps = a->match.psets;
	for (uint32_t i = 0; i + 1 < path->n; i++) {
		unsigned pa = path->order[i], pb = path->order[i + 1];
		struct pt_hop h0;
		hop_init(&h0, f->id, pa, pb);
		size_t n;
		int64_t mn = 0, mx = 0;
		int64_t *v = corrected_sample(a, f, pa, pb, &n, &h0.matched, &mn, &mx);
		if (v) {
			h0.min_us = (double)mn / 1e3;
			h0.max_us = (double)mx / 1e3;
			h0.p25_us = pt_quantile(v, n, 0.25) / 1e3;
			h0.p50_us = pt_quantile(v, n, 0.50) / 1e3;
			h0.p75_us = pt_quantile(v, n, 0.75) / 1e3;
			h0.p90_us = pt_quantile(v, n, 0.90) / 1e3;
			h0.p99_us = pt_quantile(v, n, 0.99) / 1e3;
			/* A microsecond file truncates its stamps: less than 1 us early is on time. */
			int64_t tol = a->points->v[pa].stats.fine_ts && a->points->v[pb].stats.fine_ts ? 0 : 1000;
			for (size_t k = 0; k < n; k++)
				h0.negative += v[k] < -tol;
			free(v);
		}
		/* Lost on this hop: last seen at pa, and pb was capturing. */
		bool can_lose = pt_flow_key_unicast(&f->key);
		for (uint32_t s = 0; s < f->nsigs; s++) {
			const struct pt_pathsig *g = &f->sigs[s];
			if (pt_pset_has(ps, g->seen, pb)) {
				/* A tunnel packet fragmented on the underlay proves nothing about its MTU. */
				if (g->carried_max_len > h0.passed_max_len)
					h0.passed_max_len = g->carried_max_len;
				continue;
			}
			if (!can_lose || !pt_pset_has(ps, g->seen, pa) || seen_after(a, g, path, i) ||
			    (!point_active(a, g, pb) && !told_too_big(a, f, g)))
				continue;
			hop_add_lost(&h0, g);
		}
		if (h0.matched || h0.lost)
			hop_append(a, &h0);
	}
}

/* A flow whose packets all die on one hop never shows the point after it.
 * Another flow between the same two addresses that goes further along the
 * same points does: the next point of its path is where this one's died;
 * -1 none. */
static long next_from_siblings(const struct pt_analysis *a, const struct pt_flow *f, const struct pt_path *path,
			       size_t lo, size_t hi)
{
	const struct pt_flow *best = NULL;
	const struct pt_path *best_path = NULL;
	for (size_t i = lo; i < hi; i++) {
		const struct pt_flow *g = a->by_pair[i];
		const struct pt_path *gp = pt_analysis_path(a, g->id);
		if (g == f || g->nat_parent || gp->n <= path->n ||
		    memcmp(gp->order, path->order, path->n * sizeof *path->order) != 0)
			continue;
		if (!best || g->packets > best->packets || (g->packets == best->packets && g->id < best->id)) {
			best = g;
			best_path = gp;
		}
	}
	return best ? (long)best_path->order[path->n] : -1;
}

/* Which points saw traffic to which address: hashes of (destination,
 * point), sorted. */
struct delivered {
	uint64_t *v;
	size_t n;
};

static uint64_t delivered_key(const struct pt_flow *f, unsigned point)
{
	return pt_hash_bytes(f->key.dst, sizeof f->key.dst, (uint64_t)f->key.version << 32 | point);
}

static void delivered_make(const struct pt_analysis *a, struct delivered *d)
{
	size_t n = 0, cap = 0;
	uint64_t *v = NULL;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		for (long q = pt_pset_next(a->match.psets, f->points, 0); q >= 0;
		     q = pt_pset_next(a->match.psets, f->points, (unsigned)q + 1)) {
			uint64_t *w = pt_grow(v, &cap, n, sizeof *w, 256);
			if (!w) {
				free(v);
				*d = (struct delivered){ NULL, 0 };
				return;
			}
			v = w;
			v[n++] = delivered_key(f, (unsigned)q);
		}
	}
	if (n)
		qsort(v, n, sizeof *v, pt_cmp_u64);
	*d = (struct delivered){ v, n };
}

static bool delivered_has(const struct delivered *d, uint64_t k)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->v[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->v[lo] == k;
}

/* So does the flow coming back (the echo request a lost reply answers):
 * its path, read backwards, goes on where this one stopped, if that point
 * sees traffic to this flow's destination at all (a datapath that hands
 * replies past a capture point, as eBPF's redirect to a pod's peer does,
 * never shows them there); -1 none. */
static long next_from_reverse(const struct pt_analysis *a, const struct pt_flow *f, const struct pt_path *path,
			      const struct delivered *d)
{
	const struct pt_flow *r = f->reverse;
	if (!r || r->nat_parent || !r->packets)
		return -1;
	const struct pt_path *rp = pt_analysis_path(a, r->id);
	if (rp->n <= path->n)
		return -1;
	for (uint32_t k = 0; k < path->n; k++)
		if (rp->order[rp->n - 1 - k] != path->order[k])
			return -1;
	unsigned next = rp->order[rp->n - 1 - path->n];
	return delivered_has(d, delivered_key(f, next)) ? (long)next : -1;
}

/* What of the flow was last seen at its path's end and not on at pb. */
static void lost_beyond_end(struct pt_analysis *a, const struct pt_flow *f, const struct pt_path *path, unsigned pb)
{
	unsigned pa = path->order[path->n - 1];
	struct pt_hop h0;
	hop_init(&h0, f->id, pa, pb);
	for (uint32_t s = 0; s < f->nsigs; s++) {
		const struct pt_pathsig *g = &f->sigs[s];
		if (pt_pset_has(a->match.psets, g->seen, pa) && point_active(a, g, pb))
			hop_add_lost(&h0, g);
	}
	if (h0.lost)
		hop_append(a, &h0);
}

void pt_hops_done(struct pt_analysis *a)
{
	size_t n = a->match.flows.n;
	if (!a->paths || !a->by_pair)
		return;
	find_stopped(a);
	/* The longest path between each pair of addresses, at the pair's first
	 * index: only a flow with a shorter one can have siblings to learn from,
	 * and thousands of connections between two VMs must not each scan all. */
	uint32_t *longest = calloc(n ? n : 1, sizeof *longest);
	if (!longest)
		return;
	struct delivered delivered;
	delivered_make(a, &delivered);
	for (size_t lo = 0, i = 0; i < n; i++) {
		const struct pt_flow *g = a->by_pair[i];
		if (!pt_same_pair(a->by_pair[lo], g))
			lo = i;
		uint32_t len = pt_analysis_path(a, g->id)->n;
		if (!g->nat_parent && len > longest[lo])
			longest[lo] = len;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || f->packets == 0)
			continue;
		const struct pt_path *path = pt_analysis_path(a, f->id);
		flow_hops(a, f, path);
		size_t lo, hi;
		pt_pair_range(a, f->key.version, f->key.src, f->key.dst, &lo, &hi);
		if (!pt_flow_key_unicast(&f->key) || path->n == 0)
			continue;
		long next = path->n < longest[lo] ? next_from_siblings(a, f, path, lo, hi) : -1;
		if (next < 0)
			next = next_from_reverse(a, f, path, &delivered);
		if (next >= 0)
			lost_beyond_end(a, f, path, (unsigned)next);
	}
	free(delivered.v);
	free(longest);
}

void pt_hops_free(struct pt_analysis *a)
{
	free(a->hops.v);
	memset(&a->hops, 0, sizeof a->hops);
}
