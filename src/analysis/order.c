/* The order of each flow's capture points: its path.
 *
 * Timestamps of one direction alone mislead on one host: after VXLAN
 * decapsulation the vxlan device keeps the underlay's receive time. Any such
 * bias, like a clock offset, is the same for both directions of a pair of
 * points, so the sign of
 *   median(t_b - t_a | a->b traffic) - median(t_b - t_a | b->a traffic)
 * (pooled over all flows between the two addresses) orders them robustly.
 * Without traffic the other way, clock-corrected medians decide. Bridge
 * copies then go between their ports; vantage points and flood ports stay
 * off paths. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "base/grow.h"
#include "base/stats.h"

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

void pt_pair_range(const struct pt_analysis *a, uint8_t version, const uint8_t *src, const uint8_t *dst, size_t *lo,
		   size_t *hi)
{
	size_t l = 0, h = a->match.flows.n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (cmp_pair_key(a->by_pair[m], version, src, dst) < 0)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	h = a->match.flows.n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (cmp_pair_key(a->by_pair[m], version, src, dst) <= 0)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
}

/* Ties keep flow id order, whatever the qsort. */
static int cmp_flows_then_id(const void *p, const void *q)
{
	int c = cmp_flows(p, q);
	if (c)
		return c;
	const struct pt_flow *x = *(struct pt_flow *const *)p, *y = *(struct pt_flow *const *)q;
	return x->id < y->id ? -1 : x->id > y->id;
}

bool pt_same_pair(const struct pt_flow *x, const struct pt_flow *y)
{
	return cmp_flows(&x, &y) == 0;
}

/* Median raw delta t_hi - t_lo over every flow in [from, to) that saw both points. */
static bool pooled_median(const struct pt_analysis *a, size_t from, size_t to, unsigned lo, unsigned hi, double *med)
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
	*med = pt_median_sort(v, n);
	free(v);
	return true;
}

/* Every flow between the same two addresses asks for the same pooled
 * medians: without a memo, a thousand connections between two VMs sort
 * each other's samples a thousand times. Two ranges are kept, one per
 * direction, as flows are visited grouped by address pair. */
struct memo_entry {
	struct pt_hmap_node node;
	uint32_t lo, hi;
	bool have;
	double med;
};

struct memo_slot {
	size_t from, to;
	unsigned age;
	struct pt_hmap map;
	struct memo_entry **all;
	size_t n, cap;
};

struct memo {
	struct memo_slot slot[2];
	unsigned clock;
};

static void slot_clear(struct memo_slot *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->all[i]);
	s->n = 0;
	pt_hmap_destroy(&s->map);
}

static bool pooled_median_memo(const struct pt_analysis *a, struct memo *ms, size_t from, size_t to, unsigned lo,
			       unsigned hi, double *med)
{
	struct memo_slot *m = NULL;
	for (unsigned i = 0; i < 2 && !m; i++)
		if (ms->slot[i].from == from && ms->slot[i].to == to && ms->slot[i].age)
			m = &ms->slot[i];
	if (!m) {
		m = ms->slot[0].age <= ms->slot[1].age ? &ms->slot[0] : &ms->slot[1];
		slot_clear(m);
		m->from = from;
		m->to = to;
	}
	m->age = ++ms->clock;
	uint64_t h = (uint64_t)lo << 32 | hi;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, h, &m->map)
	{
		const struct memo_entry *e = PT_CONTAINER_OF(node, struct memo_entry, node);
		*med = e->med;
		return e->have;
	}
	struct memo_entry *e = calloc(1, sizeof *e);
	struct memo_entry **all = e ? pt_grow(m->all, &m->cap, m->n, sizeof *all, 16) : NULL;
	if (!all) {
		free(e);
		return pooled_median(a, from, to, lo, hi, med);
	}
	m->all = all;
	m->all[m->n++] = e;
	e->lo = lo;
	e->hi = hi;
	e->have = pooled_median(a, from, to, lo, hi, &e->med);
	pt_hmap_insert(&m->map, &e->node, h);
	*med = e->med;
	return e->have;
}

static enum pt_point_role role_of(const struct pt_analysis *a, unsigned p)
{
	return a->points->v[p].role;
}

static double offset_of(const struct pt_analysis *a, unsigned p)
{
	return pt_point_offset(&a->points->v[p]);
}

/* The flow's hop points by their timestamps. */
static void order_hops(struct pt_analysis *a, struct pt_flow *f, struct pt_path *path, struct memo *memo)
{
	uint32_t k = 0;
	for (long i = pt_pset_next(a->match.psets, f->points, 0); i >= 0;
	     i = pt_pset_next(a->match.psets, f->points, (unsigned)i + 1))
		if (role_of(a, (unsigned)i) == PT_ROLE_HOP)
			path->order[k++] = (uint32_t)i;
	size_t fl, fh, rl, rh;
	pt_pair_range(a, f->key.version, f->key.src, f->key.dst, &fl, &fh);
	pt_pair_range(a, f->key.version, f->key.dst, f->key.src, &rl, &rh);
	int *score = calloc(k ? k : 1, sizeof *score);
	uint32_t *pts = malloc((k ? k : 1) * sizeof *pts);
	bool *used = calloc(k ? k : 1, sizeof *used);
	if (!score || !pts || !used) {
		path->n = k; /* ascending index order: better than none */
		goto out;
	}
	memcpy(pts, path->order, k * sizeof *pts);
	for (uint32_t x = 0; x < k; x++) {
		for (uint32_t y = x + 1; y < k; y++) {
			unsigned lo = pts[x], hi = pts[y]; /* pts ascending, so lo < hi */
			double mf, mr, s;
			if (!pooled_median_memo(a, memo, fl, fh, lo, hi, &mf))
				continue;
			if (pooled_median_memo(a, memo, rl, rh, lo, hi, &mr))
				s = mf - mr;
			else
				s = mf - (offset_of(a, hi) - offset_of(a, lo)) * 1e9;
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
	path->n = 0;
	for (uint32_t r = 0; r < k; r++) {
		long best = -1;
		for (uint32_t x = 0; x < k; x++)
			if (!used[x] && (best < 0 || score[x] > score[best]))
				best = (long)x;
		used[best] = true;
		path->order[path->n++] = pts[best];
	}
out:
	free(score);
	free(pts);
	free(used);
}

/* Tunnel underlay points carry the flow one encapsulation deeper than the
 * bridges and ports of the overlay. */
static bool point_tunnelled(const struct pt_point_stats *ps)
{
	uint64_t tunnels = 1ull << PT_P_GRE | 1ull << PT_P_VXLAN | 1ull << PT_P_GENEVE | 1ull << PT_P_L2TP |
			   1ull << PT_P_GUE | 1ull << PT_P_IPV4;
	return (ps->encap_seen & tunnels) && ps->overhead_packets * 2 > ps->ip_packets;
}

struct bridge_view {
	double median_ns; /* t_bridge - t_point, clock-corrected */
	bool tied;        /* (nearly) every packet shares the point's stamp */
};

static bool view_from(const struct pt_analysis *a, const struct pt_flow *f, unsigned b, unsigned x,
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
		ties += pt_same_instant(d[i], a->points->v[x].stats.fine_ts, a->points->v[b].stats.fine_ts);
	}
	v->median_ns = pt_median_sort(d, p->nsamples) - (offset_of(a, b) - offset_of(a, x)) * 1e9;
	/* A copy stamped with the ingress port's receive time shares its stamp
	 * exactly, packet after packet; one stamped after the egress port sent it
	 * ties with that port only when both fall in the same microsecond. */
	v->tied = ties * 2 > p->nsamples;
	free(d);
	return true;
}

/* Where bridge b's stamps put it among the hops of the path: after the last
 * one it follows. */
static uint32_t time_position(const struct pt_analysis *a, const struct pt_flow *f, const struct pt_path *path,
			      unsigned b)
{
	uint32_t pos = 0;
	bool any = false;
	for (uint32_t i = 0; i < path->n; i++) {
		struct bridge_view v;
		if (role_of(a, path->order[i]) != PT_ROLE_HOP || !view_from(a, f, b, path->order[i], &v))
			continue;
		any = true;
		if (v.median_ns >= 0)
			pos = i + 1;
	}
	return any ? pos : path->n;
}

/* What bridge b's stamps say against its ports on a flow's ordered hops
 * (path indexes, -1 none): the port it ties with, the last it follows, the
 * first it follows by more than a tie, the first and last port. Ports are the
 * hops at the same encapsulation depth as the bridge, on its host. */
struct port_views {
	long tied, before, followed, first, last;
	unsigned nfollowed;
};

static void port_views(const struct pt_analysis *a, const struct pt_flow *f, const struct pt_path *path, unsigned b,
		       struct port_views *pv)
{
	*pv = (struct port_views){ -1, -1, -1, -1, -1, 0 };
	const struct pt_point *bp = &a->points->v[b];
	bool b_tunnelled = point_tunnelled(&bp->stats);
	for (uint32_t i = 0; i < path->n; i++) {
		unsigned x = path->order[i];
		struct bridge_view v;
		if (role_of(a, x) != PT_ROLE_HOP || !view_from(a, f, b, x, &v))
			continue;
		if (point_tunnelled(&a->points->v[x].stats) != b_tunnelled || !pt_point_same_host(bp, &a->points->v[x]))
			continue;
		if (v.tied)
			pv->tied = (long)i;
		else if (v.median_ns > 0 && pv->followed < 0)
			pv->followed = (long)i;
		if (v.median_ns >= 0) {
			pv->before = (long)i;
			pv->nfollowed++;
		}
		if (pv->first < 0)
			pv->first = (long)i;
		pv->last = (long)i;
	}
}

/* How a bridge stamps its copies, from the flows that show it: a tie with a
 * port that more ports follow is the ingress's stamp; following every port
 * by more than a tie is a stamp taken after the egress sent the frame. The
 * kernel does either, by bridge; a tie with the last port means one or the
 * other by this vote (the ingress's when none). */
static void vote_bridge_stamps(const struct pt_analysis *a, int *after_egress)
{
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || f->packets == 0)
			continue;
		const struct pt_path *path = &a->paths[f->id - 1];
		for (long b = pt_pset_next(a->match.psets, f->points, 0); b >= 0;
		     b = pt_pset_next(a->match.psets, f->points, (unsigned)b + 1)) {
			if (role_of(a, (unsigned)b) != PT_ROLE_BRIDGE)
				continue;
			struct port_views pv;
			port_views(a, f, path, (unsigned)b, &pv);
			if (pv.tied >= 0 && pv.tied != pv.last)
				after_egress[b]--;
			else if (pv.tied < 0 && pv.before >= 0 && pv.before == pv.last && pv.nfollowed >= 2)
				after_egress[b]++;
		}
	}
}

/* Puts bridge b between its ports on the flow's ordered hops. Its copy is
 * stamped with the ingress port's time (then it ties with the ingress) or
 * just after the egress transmitted (then it follows the egress, and in a
 * microsecond file may tie with it); either way it belongs right after the
 * ingress. A bridge that followed one port only (the flow died in it, or its
 * copy came between the ports) goes right after that one; one earlier than
 * all its ports (its ingress was not captured) right before the first; with
 * no port captured, where its stamps put it. */
static void place_bridge(struct pt_analysis *a, const struct pt_flow *f, struct pt_path *path, unsigned b,
			 bool after_egress)
{
	struct port_views pv;
	port_views(a, f, path, b, &pv);
	uint32_t pos;
	if (pv.tied >= 0 && pv.tied == pv.last && pv.followed >= 0 && pv.followed < pv.tied && after_egress)
		pos = (uint32_t)pv.tied; /* a tie with its egress, after an ingress it followed */
	else if (pv.tied >= 0)
		pos = (uint32_t)pv.tied + 1;
	else if (pv.before >= 0 && pv.nfollowed == 1)
		pos = (uint32_t)pv.before + 1; /* it followed one port only: its ingress */
	else if (pv.before >= 0)
		pos = (uint32_t)pv.before; /* right before the egress it followed */
	else if (pv.first >= 0)
		pos = (uint32_t)pv.first; /* earlier than all its ports */
	else
		pos = time_position(a, f, path, b);
	/* Bridges already in that gap (one host's chain of bridges) stay in time order. */
	while (pos < path->n && role_of(a, path->order[pos]) == PT_ROLE_BRIDGE) {
		struct bridge_view v;
		if (!view_from(a, f, b, path->order[pos], &v) || v.median_ns < 0)
			break;
		pos++;
	}
	memmove(path->order + pos + 1, path->order + pos, (path->n - pos) * sizeof *path->order);
	path->order[pos] = b;
	path->n++;
}

static void order_points(struct pt_analysis *a, struct pt_flow *f, struct pt_path *path, struct memo *memo)
{
	size_t n = pt_pset_count(a->match.psets, f->points);
	path->order = malloc((n ? n : 1) * sizeof *path->order);
	if (!path->order)
		return;
	order_hops(a, f, path, memo);
}

static void place_bridges(struct pt_analysis *a, struct pt_flow *f, struct pt_path *path, const int *after_egress)
{
	if (!path->order)
		return;
	for (long i = pt_pset_next(a->match.psets, f->points, 0); i >= 0;
	     i = pt_pset_next(a->match.psets, f->points, (unsigned)i + 1))
		if (role_of(a, (unsigned)i) == PT_ROLE_BRIDGE)
			place_bridge(a, f, path, (unsigned)i, after_egress && after_egress[i] > 0);
}

void pt_order_done(struct pt_analysis *a)
{
	size_t n = a->match.flows.n;
	a->by_pair = malloc((n ? n : 1) * sizeof *a->by_pair);
	a->paths = calloc(n ? n : 1, sizeof *a->paths);
	struct memo *memo = calloc(1, sizeof *memo);
	if (!a->by_pair || !a->paths || !memo) {
		free(memo);
		return;
	}
	if (n) /* no flows: the table may be NULL */
		memcpy(a->by_pair, a->match.flows.all, n * sizeof *a->by_pair);
	qsort(a->by_pair, n, sizeof *a->by_pair, cmp_flows_then_id);
	for (unsigned i = 0; i < 2; i++)
		pt_hmap_init(&memo->slot[i].map);
	for (size_t i = 0; i < n; i++) {
		struct pt_flow *f = a->by_pair[i];
		if (f->nat_parent || f->packets == 0)
			continue;
		order_points(a, f, &a->paths[f->id - 1], memo);
	}
	/* Bridges last: how each stamps its copies is learnt from every flow. */
	int *after_egress = calloc(a->points->n ? a->points->n : 1, sizeof *after_egress);
	if (after_egress)
		vote_bridge_stamps(a, after_egress);
	for (size_t i = 0; i < n; i++) {
		struct pt_flow *f = a->by_pair[i];
		if (!f->nat_parent && f->packets)
			place_bridges(a, f, &a->paths[f->id - 1], after_egress);
	}
	free(after_egress);
	for (unsigned i = 0; i < 2; i++) {
		slot_clear(&memo->slot[i]);
		free(memo->slot[i].all);
	}
	free(memo);
}

void pt_order_free(struct pt_analysis *a)
{
	if (a->paths)
		for (size_t i = 0; i < a->match.flows.n; i++)
			free(a->paths[i].order);
	free(a->paths);
	free(a->by_pair);
	a->paths = NULL;
	a->by_pair = NULL;
}
