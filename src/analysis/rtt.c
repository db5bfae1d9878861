/* Round trips seen at one point: an ICMP echo request and its reply (what
 * ping reports), a TCP segment and the first ACK that covers it. Karn's rule:
 * a resent segment gives no sample, since its ACK may answer either copy. A
 * copy of a frame at one point (a promiscuous bridge) is neither a request
 * nor a resend. Then the main ping's and TCP flow's round trip is split into
 * its hops there and back and the far end's turnaround, from hops.csv's
 * medians and the round trips measured at each point. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "base/grow.h"
#include "base/stats.h"

/* A request unanswered this long is given up. */
#define PT_RTT_TIMEOUT_NS (10LL * 1000000000)

/* Buckets come from the low bits: every input bit is mixed into them
 * (the splitmix64 finaliser over flow, point and the extra word). */
static uint64_t key_hash(uint32_t flow, uint32_t point, uint32_t extra)
{
	uint64_t h = ((uint64_t)flow << 32 | point) ^ ((uint64_t)extra * 0xc2b2ae3d27d4eb4full);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static struct pt_rtt *state(struct pt_analysis *a)
{
	if (a->rtt)
		return a->rtt;
	struct pt_rtt *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	pt_hmap_init(&r->series);
	pt_hmap_init(&r->pending);
	r->rng = 2463534242u;
	a->rtt = r;
	return r;
}

const struct pt_rtt_series *pt_rtt_find(const struct pt_rtt *r, uint32_t flow, uint32_t point)
{
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, key_hash(flow, point, 0), &r->series)
	{
		const struct pt_rtt_series *s = PT_CONTAINER_OF(node, struct pt_rtt_series, node);
		if (s->flow == flow && s->point == point)
			return s;
	}
	return NULL;
}

/* The flow's series at point: a walk along its few points, no hashing. */
static struct pt_rtt_series *of_flow(const struct pt_rtt *r, uint32_t flow, uint32_t point)
{
	struct pt_rtt_series *s = flow >= 1 && flow <= r->nflows ? r->of_flow[flow - 1] : NULL;
	while (s && s->point != point)
		s = s->next_of_flow;
	return s;
}

static struct pt_rtt_series *series_get(struct pt_rtt *r, uint32_t flow, uint32_t point, uint8_t kind)
{
	struct pt_rtt_series *s = of_flow(r, flow, point);
	if (s)
		return s;
	while (r->nflows < flow) {
		struct pt_rtt_series **v = pt_grow(r->of_flow, &r->capflows, r->nflows, sizeof *v, 64);
		if (!v)
			return NULL;
		r->of_flow = v;
		r->of_flow[r->nflows++] = NULL;
	}
	struct pt_rtt_series **all = pt_grow(r->all, &r->capall, r->nall, sizeof *all, 16);
	if (!all)
		return NULL;
	r->all = all;
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->flow = flow;
	s->point = point;
	s->kind = kind;
	s->min = INT64_MAX;
	s->max = INT64_MIN;
	s->p50_us = s->p99_us = NAN;
	if (!pt_hmap_insert(&r->series, &s->node, key_hash(flow, point, 0))) {
		free(s);
		return NULL;
	}
	s->next_of_flow = r->of_flow[flow - 1];
	r->of_flow[flow - 1] = s;
	r->all[r->nall++] = s;
	return s;
}

/* One round trip that began at ts; a reservoir keeps the quantiles honest. */
static void sample(struct pt_rtt *r, struct pt_rtt_series *s, int64_t ts, int64_t ns)
{
	s->count++;
	if (ns < s->min)
		s->min = ns;
	if (ns > s->max)
		s->max = ns;
	if (s->n < PT_RTT_RESERVOIR) {
		if (s->n == s->cap) {
			uint32_t cap = s->cap ? s->cap * 2 : 16;
			struct pt_tsample *v = realloc(s->v, cap * sizeof *v);
			if (!v) {
				r->failed++;
				return;
			}
			s->v = v;
			s->cap = cap;
		}
		s->v[s->n++] = (struct pt_tsample){ ts, ns };
	} else {
		uint64_t k = ((uint64_t)pt_rand32(&r->rng) << 32 | pt_rand32(&r->rng)) % s->count;
		if (k < PT_RTT_RESERVOIR)
			s->v[k] = (struct pt_tsample){ ts, ns };
	}
}

static void pending_remove(struct pt_rtt *r, struct pt_rtt_pending *p)
{
	pt_hmap_remove(&r->pending, &p->node);
	if (p->prev)
		p->prev->next = p->next;
	else
		r->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		r->tail = p->prev;
	r->npending--;
	free(p);
}

static struct pt_rtt_pending *pending_find(const struct pt_rtt *r, uint32_t flow, uint32_t point, uint16_t seq)
{
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, key_hash(flow, point, seq), &r->pending)
	{
		struct pt_rtt_pending *p = PT_CONTAINER_OF(node, struct pt_rtt_pending, node);
		if (p->flow == flow && p->point == point && p->seq == seq)
			return p;
	}
	return NULL;
}

static void icmp(struct pt_rtt *r, const struct pt_digest *g, struct pt_flow *f)
{
	/* Requests too old for a reply are given up, oldest first. */
	while (r->head && (g->ts - r->head->ts > PT_RTT_TIMEOUT_NS || r->npending >= PT_RTT_PENDING)) {
		if (r->npending >= PT_RTT_PENDING)
			r->dropped++;
		pending_remove(r, r->head);
	}
	if (!g->icmp_echo_reply) {
		/* A copy of the request at this point keeps the first one's time. */
		if (pending_find(r, f->id, g->point, g->icmp_seq))
			return;
		struct pt_rtt_pending *p = calloc(1, sizeof *p);
		if (!p) {
			r->failed++;
			return;
		}
		p->flow = f->id;
		p->point = g->point;
		p->seq = g->icmp_seq;
		p->ts = g->ts;
		if (!pt_hmap_insert(&r->pending, &p->node, key_hash(p->flow, p->point, p->seq))) {
			free(p);
			r->failed++;
			return;
		}
		p->prev = r->tail;
		if (r->tail)
			r->tail->next = p;
		else
			r->head = p;
		r->tail = p;
		r->npending++;
		return;
	}
	/* A reply: the requests' flow is this one's reverse (the identifier is kept). */
	const struct pt_flow *req = f->reverse;
	if (!req)
		return;
	struct pt_rtt_pending *p = pending_find(r, req->id, g->point, g->icmp_seq);
	if (!p)
		return;
	struct pt_rtt_series *s = series_get(r, req->id, g->point, PT_RTT_ICMP);
	if (s)
		sample(r, s, p->ts, g->ts - p->ts);
	else
		r->failed++;
	pending_remove(r, p);
}

/* Doubles the ring of waiting segments, up to PT_RTT_OUTSTANDING (a small
 * flow keeps a small one); false when it may not or cannot grow. */
static bool ring_grow(struct pt_rtt_series *s)
{
	uint32_t cap = s->out_cap ? s->out_cap * 2 : 8;
	if (cap > PT_RTT_OUTSTANDING)
		return false;
	struct pt_rtt_seg *v = malloc(cap * sizeof *v);
	if (!v)
		return false;
	for (uint32_t i = 0; i < s->out_n; i++)
		v[i] = s->out[(s->out_head + i) % s->out_cap];
	free(s->out);
	s->out = v;
	s->out_head = 0;
	s->out_cap = cap;
	return true;
}

/* seq relative to the data's first, unwrapped near the highest seen. */
static int64_t seq_rel(const struct pt_rtt_series *s, uint32_t seq)
{
	uint32_t rel = seq - s->seq_base;
	return s->seq_high + (int32_t)(rel - (uint32_t)s->seq_high);
}

static void tcp(struct pt_rtt *r, const struct pt_digest *g, struct pt_flow *f, int64_t dup_ns)
{
	/* This packet's data, as a segment waiting for its ACK. */
	if (g->payload_len > 0 && !(g->tcp_flags & 0x02)) {
		struct pt_rtt_series *s = series_get(r, f->id, g->point, PT_RTT_TCP);
		if (!s) {
			r->failed++;
			return;
		}
		if (!s->seq_init) {
			s->seq_init = true;
			s->seq_base = g->tcp_seq;
			s->seq_high = 0;
		}
		int64_t start = seq_rel(s, g->tcp_seq), end = start + g->payload_len;
		if (end > s->seq_high && start >= s->seq_high) {
			if (s->out_n == s->out_cap && !ring_grow(s)) {
				/* Full: forget what waits, so that an ACK is never matched to an older segment than its own. */
				s->out_n = 0;
				if (!s->out_cap) {
					r->failed++;
					return;
				}
			}
			s->out[(s->out_head + s->out_n) % s->out_cap] =
				(struct pt_rtt_seg){ .end = end, .start = start, .ts = g->ts, .ambiguous = false };
			s->out_n++;
			s->seq_high = end;
		} else {
			/* Old bytes: a copy of a waiting segment (same start, within dup_ns), else a resend. */
			bool copy = false;
			for (uint32_t i = 0; i < s->out_n && !copy; i++) {
				const struct pt_rtt_seg *w = &s->out[(s->out_head + i) % s->out_cap];
				copy = w->start == start && g->ts - w->ts <= dup_ns;
			}
			if (!copy)
				for (uint32_t i = 0; i < s->out_n; i++) {
					struct pt_rtt_seg *w = &s->out[(s->out_head + i) % s->out_cap];
					if (w->end > start && w->start < end)
						w->ambiguous = true;
				}
			if (end > s->seq_high)
				s->seq_high = end;
		}
	}
	/* This packet's ACK, for the other direction's data. */
	if (!(g->tcp_flags & 0x10) || !f->reverse)
		return;
	struct pt_rtt_series *d = of_flow(r, f->reverse->id, g->point);
	if (!d || !d->seq_init || d->kind != PT_RTT_TCP || d->out_n == 0)
		return;
	int64_t ack = seq_rel(d, g->tcp_ack);
	const struct pt_rtt_seg *last = NULL;
	while (d->out_n && d->out[d->out_head].end <= ack) {
		last = &d->out[d->out_head];
		d->out_head = (d->out_head + 1) % d->out_cap;
		d->out_n--;
	}
	if (last && !last->ambiguous)
		sample(r, d, last->ts, g->ts - last->ts);
}

void pt_rtt_packet(struct pt_analysis *a, const struct pt_digest *g, struct pt_flow *f)
{
	if (g->ts_guessed || g->ip.is_frag)
		return;
	struct pt_rtt *r = state(a);
	if (!r)
		return;
	if (g->icmp_echo)
		icmp(r, g, f);
	else if (g->l4_proto == PT_P_TCP)
		tcp(r, g, f, a->cfg.dup_ns);
}

static int cmp_ns(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

static const struct pt_hop *find_hop(const struct pt_analysis *a, uint32_t flow, uint32_t from, uint32_t to)
{
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (h->flow_id == flow && h->from == from && h->to == to)
			return h;
	}
	return NULL;
}

static long index_in(const struct pt_path *p, uint32_t point)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (p->order[i] == point)
			return i;
	return -1;
}

static bool add_part(struct pt_rtt_split *sp, size_t *cap, uint8_t kind, uint32_t from, uint32_t to, double p50,
		     uint64_t samples)
{
	struct pt_rtt_part *v = pt_grow(sp->parts, cap, sp->n, sizeof *v, 8);
	if (!v)
		return false;
	sp->parts = v;
	sp->parts[sp->n++] = (struct pt_rtt_part){ kind, from, to, p50, samples };
	return true;
}

/* The round trip measured by s at its flow's first point, as the hops there,
 * the turnaround where the path ends (the round trip measured there) and the
 * hops back. */
static void split(const struct pt_analysis *a, const struct pt_rtt *r, const struct pt_rtt_series *s,
		  struct pt_rtt_split *sp)
{
	const struct pt_path *fw = pt_analysis_path(a, s->flow);
	long m = index_in(fw, s->point), q = -1;
	if (m < 0)
		return;
	for (long j = (long)fw->n - 1; j > m && q < 0; j--) {
		const struct pt_rtt_series *t = pt_rtt_find(r, s->flow, fw->order[j]);
		if (t && t->kind == s->kind && t->n)
			q = j;
	}
	if (q < 0)
		return;
	size_t cap = 0;
	sp->kind = s->kind;
	sp->flow = s->flow;
	sp->point = s->point;
	sp->measured_p50_us = s->p50_us;
	bool ok = true;
	for (long i = m; i < q && ok; i++) {
		const struct pt_hop *h = find_hop(a, s->flow, fw->order[i], fw->order[i + 1]);
		ok = add_part(sp, &cap, PT_PART_THERE, fw->order[i], fw->order[i + 1], h ? h->p50_us : NAN,
			      h ? h->matched : 0);
	}
	const struct pt_rtt_series *far = pt_rtt_find(r, s->flow, fw->order[q]);
	ok = ok && add_part(sp, &cap, PT_PART_FAR, fw->order[q], fw->order[q], far->p50_us, far->count);
	const struct pt_flow *f = pt_analysis_flow(a, s->flow);
	const struct pt_flow *rev = f ? f->reverse : NULL;
	if (rev) {
		sp->reverse = rev->id;
		const struct pt_path *bw = pt_analysis_path(a, rev->id);
		long from = index_in(bw, fw->order[q]), to = index_in(bw, s->point);
		for (long i = from; ok && from >= 0 && to > from && i < to; i++) {
			const struct pt_hop *h = find_hop(a, rev->id, bw->order[i], bw->order[i + 1]);
			ok = add_part(sp, &cap, PT_PART_BACK, bw->order[i], bw->order[i + 1], h ? h->p50_us : NAN,
				      h ? h->matched : 0);
		}
	}
}

static void limit(struct pt_analysis *a, enum pt_finding_id id, uint64_t count, uint64_t bound)
{
	struct pt_finding *f = pt_findings_add(&a->findings, id, PT_SEV_INFO);
	if (f)
		f->u.limit = (struct pt_f_limit){ count, bound };
}

void pt_rtt_done(struct pt_analysis *a)
{
	struct pt_rtt *r = a->rtt;
	if (!r)
		return;
	int64_t *tmp = malloc(PT_RTT_RESERVOIR * sizeof *tmp);
	for (size_t i = 0; i < r->nall; i++) {
		struct pt_rtt_series *s = r->all[i];
		int64_t off = (int64_t)llround(pt_point_offset(&a->points->v[s->point]) * 1e9);
		for (uint32_t k = 0; k < s->n; k++) {
			s->v[k].ts -= off;
			if (tmp)
				tmp[k] = s->v[k].ns;
		}
		if (tmp && s->n) {
			qsort(tmp, s->n, sizeof *tmp, cmp_ns);
			s->p50_us = pt_quantile(tmp, s->n, 0.50) / 1e3;
			s->p99_us = pt_quantile(tmp, s->n, 0.99) / 1e3;
		}
		free(s->out);
		s->out = NULL;
		s->out_n = s->out_cap = 0;
	}
	free(tmp);
	/* The main round trip of each kind: the most samples at a flow's first point. */
	for (uint8_t kind = PT_RTT_ICMP; kind <= PT_RTT_TCP; kind++) {
		const struct pt_rtt_series *best = NULL;
		for (size_t i = 0; i < r->nall; i++) {
			const struct pt_rtt_series *s = r->all[i];
			const struct pt_path *p = pt_analysis_path(a, s->flow);
			if (s->kind != kind || !s->n || !p->n || p->order[0] != s->point)
				continue;
			if (!best || s->count > best->count || (s->count == best->count && s->flow < best->flow))
				best = s;
		}
		if (best)
			split(a, r, best, &r->splits[kind]);
	}
	if (r->dropped)
		limit(a, PT_F_LIMIT_RTT_PENDING, r->dropped, PT_RTT_PENDING);
	if (r->failed)
		limit(a, PT_F_LIMIT_MEMORY, r->failed, 0);
}

void pt_rtt_free(struct pt_analysis *a)
{
	struct pt_rtt *r = a->rtt;
	if (!r)
		return;
	for (size_t i = 0; i < r->nall; i++) {
		free(r->all[i]->v);
		free(r->all[i]->out);
		free(r->all[i]);
	}
	while (r->head)
		pending_remove(r, r->head);
	for (size_t k = 0; k < sizeof r->splits / sizeof r->splits[0]; k++)
		free(r->splits[k].parts);
	pt_hmap_destroy(&r->series);
	pt_hmap_destroy(&r->pending);
	free(r->of_flow);
	free(r->all);
	free(r);
	a->rtt = NULL;
}
