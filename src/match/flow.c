/* The flow table and each flow's aggregates. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/stats.h"
#include "match/flow.h"
#include "match/match-int.h"

void pt_flows_init(struct pt_flows *t)
{
	memset(t, 0, sizeof *t);
	pt_hmap_init(&t->map);
}

void pt_flows_free(struct pt_flows *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct pt_flow *f = t->all[i];
		for (uint32_t k = 0; k < f->npairs; k++) {
			free(f->pairs[k].samples);
			free(f->pairs[k].sample_dt);
			free(f->pairs[k].trend);
		}
		free(f->pairs);
		pt_hmap_destroy(&f->pair_index);
		free(f->sigs);
		for (size_t k = 0; k < f->units_n; k++)
			pt_record_destroy(f->units[f->units_head + k]);
		free(f->units);
		free(f->retired); /* the records are the matcher's */
		free(f);
	}
	free(t->all);
	pt_hmap_destroy(&t->map);
	memset(t, 0, sizeof *t);
	pt_hmap_init(&t->map);
}

static struct pt_flow *same_key_from(const struct pt_hmap_node *node, const struct pt_flow_key *k)
{
	for (; node; node = pt_hmap_next_with_hash(node)) {
		struct pt_flow *f = PT_CONTAINER_OF(node, struct pt_flow, node);
		if (pt_flow_key_eq(&f->key, k))
			return f;
	}
	return NULL;
}

struct pt_flow *pt_flows_find(const struct pt_flows *t, const struct pt_flow_key *k)
{
	return same_key_from(pt_hmap_first_with_hash(&t->map, pt_flow_key_hash(k)), k);
}

struct pt_flow *pt_flows_next(const struct pt_flow *f)
{
	return same_key_from(pt_hmap_next_with_hash(&f->node), &f->key);
}

struct pt_flow *pt_flows_get(struct pt_flows *t, const struct pt_flow_key *k, int64_t ts)
{
	struct pt_flow *f = pt_flows_find(t, k);
	return f ? f : pt_flows_add(t, k, ts);
}

struct pt_flow *pt_flows_add(struct pt_flows *t, const struct pt_flow_key *k, int64_t ts)
{
	struct pt_flow *f;
	struct pt_flow **all = pt_grow(t->all, &t->cap, t->n, sizeof *all, 256);
	if (!all)
		return NULL;
	t->all = all;
	f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	if (!pt_hmap_insert(&t->map, &f->node, pt_flow_key_hash(k))) {
		free(f);
		return NULL;
	}
	f->key = *k;
	pt_hmap_init(&f->pair_index);
	f->id = (uint32_t)t->n + 1;
	f->first_ts = f->last_ts = ts;
	t->all[t->n++] = f;
	/* The reverse direction, for clock offsets and the summary. One taken
	 * already is another tenant network's: the matcher pairs those. */
	struct pt_flow_key r;
	pt_flow_key_reverse(k, &r);
	struct pt_flow *rev = pt_flows_find(t, &r);
	if (rev && rev != f && !rev->reverse) {
		f->reverse = rev;
		rev->reverse = f;
	}
	return f;
}

struct pt_flow *pt_flow_canonical(struct pt_flow *f)
{
	for (int i = 0; f && f->nat_parent && i < 8; i++)
		f = f->nat_parent;
	return f;
}

/* Segments a TCP sender puts on the wire are bounded by the MSS its peer
 * announced (its own, when the peer's SYN was not captured). */
static uint16_t segment_mss(const struct pt_flow *f)
{
	if (f->reverse && f->reverse->mss)
		return f->reverse->mss;
	return f->mss;
}

bool pt_super_frame(const struct pt_flow *f, const struct pt_digest *g)
{
	if (g->len_from_frame)
		return true;
	if (g->l4_proto != PT_P_TCP || g->payload_len == 0)
		return false;
	uint16_t mss = f ? segment_mss(f) : 0;
	if (mss)
		return g->payload_len > mss;
	return g->nips && g->ip.total_len > 1500;
}

uint32_t pt_wire_len(const struct pt_flow *f, const struct pt_digest *g, bool super)
{
	if (!super)
		return g->ip.total_len;
	uint16_t mss = f ? segment_mss(f) : 0;
	uint32_t seg = g->ip.hdr_len + 20 + (mss ? mss : 1460);
	return seg < g->ip.total_len ? seg : g->ip.total_len;
}

static uint64_t pair_hash(unsigned a, unsigned b)
{
	return (uint64_t)a << 32 | b;
}

struct pt_pair *pt_flow_pair(const struct pt_flow *f, unsigned a, unsigned b)
{
	/* Most flows cross a handful of points: a scan beats hashing. */
	if (f->npairs <= 8) {
		for (uint32_t i = 0; i < f->npairs; i++)
			if (f->pairs[i].a == a && f->pairs[i].b == b)
				return &f->pairs[i];
		return NULL;
	}
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, pair_hash(a, b), &f->pair_index)
	{
		struct pt_pair *p = PT_CONTAINER_OF(node, struct pt_pair, node);
		if (p->a == a && p->b == b)
			return p;
	}
	return NULL;
}

/* A new pair a < b at the end of the flow's pairs, indexed. */
static struct pt_pair *pair_new(struct pt_flow *f, unsigned a, unsigned b)
{
	struct pt_pair *n = pt_grow(f->pairs, &f->cappairs, f->npairs, sizeof *n, 4);
	if (!n)
		return NULL;
	if (n != f->pairs) {
		/* The pairs moved: index them at their new addresses. */
		pt_hmap_destroy(&f->pair_index);
		pt_hmap_init(&f->pair_index);
		for (uint32_t i = 0; i < f->npairs; i++)
			pt_hmap_insert(&f->pair_index, &n[i].node, n[i].node.hash);
	}
	f->pairs = n;
	struct pt_pair *p = &f->pairs[f->npairs];
	memset(p, 0, sizeof *p);
	p->a = a;
	p->b = b;
	p->min = INT64_MAX;
	p->max = INT64_MIN;
	if (!pt_hmap_insert(&f->pair_index, &p->node, pair_hash(a, b)))
		return NULL;
	f->npairs++;
	return p;
}

void pt_flow_add_pair(struct pt_flow *f, uint32_t *rng, unsigned pa, int64_t ta, unsigned pb, int64_t tb)
{
	if (pa > pb) {
		unsigned tp = pa;
		pa = pb;
		pb = tp;
		int64_t tt = ta;
		ta = tb;
		tb = tt;
	}
	struct pt_pair *p = pt_flow_pair(f, pa, pb);
	if (!p)
		p = pair_new(f, pa, pb);
	if (!p)
		return;
	int64_t d = tb - ta;
	if (!p->count)
		p->first_ts = ta;
	else if (p->trend)
		pt_trend_add(p->trend, ta, d);
	else if (ta - p->first_ts >= PT_TREND_START_NS && (p->trend = malloc(sizeof *p->trend)) != NULL) {
		pt_trend_init(p->trend, p->first_ts, p->min, p->max);
		pt_trend_add(p->trend, ta, d);
	}
	p->count++;
	if (d < p->min)
		p->min = d;
	if (d > p->max)
		p->max = d;
	/* Reservoir sampling keeps the quantiles honest with bounded memory. */
	if (p->nsamples < PT_PAIR_RESERVOIR) {
		if (p->nsamples == p->cap) {
			uint32_t cap = p->cap ? p->cap * 2 : 16;
			int64_t *s = realloc(p->samples, cap * sizeof *s);
			if (!s)
				return;
			p->samples = s;
			float *t = realloc(p->sample_dt, cap * sizeof *t);
			if (!t)
				return;
			p->sample_dt = t;
			p->cap = cap;
		}
		if (p->nsamples == 0)
			p->ts_base = ta;
		p->sample_dt[p->nsamples] = (float)((double)(ta - p->ts_base) / 1e9);
		p->samples[p->nsamples++] = d;
	} else {
		uint64_t r = ((uint64_t)pt_rand32(rng) << 32 | pt_rand32(rng)) % p->count;
		if (r < PT_PAIR_RESERVOIR) {
			p->samples[r] = d;
			p->sample_dt[r] = (float)((double)(ta - p->ts_base) / 1e9);
		}
	}
}

struct pt_pathsig *pt_flow_sig(struct pt_flow *f, pt_pset seen, pt_pset uncertain, pt_pset not_started, bool sized)
{
	for (uint32_t i = 0; i < f->nsigs; i++)
		if (f->sigs[i].seen == seen && f->sigs[i].uncertain == uncertain &&
		    f->sigs[i].not_started == not_started && f->sigs[i].sized == sized)
			return &f->sigs[i];
	struct pt_pathsig *n = pt_grow(f->sigs, &f->capsigs, f->nsigs, sizeof *n, 4);
	if (!n)
		return NULL;
	f->sigs = n;
	struct pt_pathsig *s = &f->sigs[f->nsigs++];
	memset(s, 0, sizeof *s);
	s->seen = seen;
	s->uncertain = uncertain;
	s->not_started = not_started;
	s->sized = sized;
	s->min_ts = INT64_MAX;
	s->max_ts = INT64_MIN;
	s->min_len = UINT32_MAX;
	return s;
}
