/* Sightings of one packet across capture points, within the matching window.
 *
 * A second sighting at the same point within the duplicate window is a copy
 * (promiscuous bridge, -i any). Later, it is another packet: for whole
 * packets a record of its own, since identical packets (kernel RSTs and
 * unconnected UDP carry IPv4 ID 0, IPv6 has no ID) can be in flight together
 * on a slow hop; for TCP bytes a retransmission, which closes the first
 * record (match-tcp.c). This file holds the records' life cycle and the
 * pass's entry points; match-whole.c, match-frag.c and match-tcp.c find a
 * packet's record. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "match/match-int.h"

bool pt_match_init(struct pt_matcher *m, const struct pt_match_config *cfg, struct pt_points *points)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	m->points = points;
	m->rng = 12345;
	pt_flows_init(&m->flows);
	pt_hmap_init(&m->by_key);
	pt_hmap_init(&m->by_dg);
	pt_hmap_init(&m->outer_frags);
	m->psets = pt_psets_new();
	return m->psets != NULL;
}

void pt_match_free(struct pt_matcher *m)
{
	struct pt_record *r = m->head;
	while (r) {
		struct pt_record *n = r->next;
		/* Units belong to their flow's unit vector, freed with the flows. */
		if (!r->is_unit)
			pt_record_destroy(r);
		r = n;
	}
	while (m->outer_head) {
		struct pt_outer_frag *n = m->outer_head->next;
		free(m->outer_head);
		m->outer_head = n;
	}
	pt_hmap_destroy(&m->outer_frags);
	pt_flows_free(&m->flows);
	pt_hmap_destroy(&m->by_key);
	pt_hmap_destroy(&m->by_dg);
	pt_psets_free(m->psets);
	free(m->gap);
	free(m->gap_known);
	memset(m, 0, sizeof *m);
}

void pt_record_list_append(struct pt_matcher *m, struct pt_record *r)
{
	r->prev = m->tail;
	r->next = NULL;
	if (m->tail)
		m->tail->next = r;
	else
		m->head = r;
	m->tail = r;
}

void pt_record_list_unlink(struct pt_matcher *m, struct pt_record *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		m->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		m->tail = r->prev;
	r->prev = r->next = NULL;
}

struct pt_record *pt_record_new(struct pt_matcher *m, struct pt_flow *f, int64_t ts)
{
	struct pt_record *r = calloc(1, sizeof *r);
	if (!r) {
		m->alloc_failures++;
		return NULL;
	}
	r->s = r->inl;
	r->capsight = PT_RECORD_INLINE;
	r->flow = f;
	r->first_ts = ts;
	pt_record_list_append(m, r);
	m->open++;
	return r;
}

struct pt_record *pt_record_clone(struct pt_matcher *m, const struct pt_record *r)
{
	struct pt_record *t = malloc(sizeof *t);
	if (!t) {
		m->alloc_failures++;
		return NULL;
	}
	*t = *r;
	t->s = t->inl;
	t->capsight = PT_RECORD_INLINE;
	if (r->nsight > PT_RECORD_INLINE) {
		t->s = malloc(r->nsight * sizeof *t->s);
		if (!t->s) {
			free(t);
			m->alloc_failures++;
			return NULL;
		}
		t->capsight = r->nsight;
	}
	memcpy(t->s, r->s, r->nsight * sizeof *t->s);
	t->frags = NULL; /* units carry no fragments */
	t->nfrags = t->capfrags = 0;
	t->has_key = t->has_dg = false;
	t->key_node.next = t->dg_node.next = NULL;
	t->prev = t->next = NULL;
	return t;
}

void pt_record_destroy(struct pt_record *r)
{
	if (r && r->s != r->inl)
		free(r->s);
	if (r)
		free(r->frags);
	free(r);
}

void pt_record_link_key(struct pt_matcher *m, struct pt_record *r, uint64_t key)
{
	r->has_key = pt_hmap_insert(&m->by_key, &r->key_node, key);
}

void pt_record_link_dg(struct pt_matcher *m, struct pt_record *r, uint64_t key)
{
	r->has_dg = pt_hmap_insert(&m->by_dg, &r->dg_node, key);
}

static void unlink_maps(struct pt_matcher *m, struct pt_record *r)
{
	if (r->has_key)
		pt_hmap_remove(&m->by_key, &r->key_node);
	if (r->has_dg)
		pt_hmap_remove(&m->by_dg, &r->dg_node);
	r->has_key = r->has_dg = false;
}

struct pt_sighting *pt_record_sighting_at(struct pt_record *r, unsigned point)
{
	for (unsigned i = 0; i < r->nsight; i++)
		if (r->s[i].point == point)
			return &r->s[i];
	return NULL;
}

/* Room for a gap from and to point p. */
static bool gap_reserve(struct pt_matcher *m, unsigned p)
{
	if (p < m->ngap)
		return true;
	size_t n = m->ngap ? m->ngap : 16;
	while (n <= p)
		n *= 2;
	int64_t *g = calloc(n * n, sizeof *g);
	uint8_t *k = calloc(n * n, 1);
	if (!g || !k) {
		free(g);
		free(k);
		return false;
	}
	for (size_t i = 0; i < m->ngap; i++) {
		memcpy(g + i * n, m->gap + i * m->ngap, m->ngap * sizeof *g);
		memcpy(k + i * n, m->gap_known + i * m->ngap, m->ngap);
	}
	free(m->gap);
	free(m->gap_known);
	m->gap = g;
	m->gap_known = k;
	m->ngap = n;
	return true;
}

struct pt_sighting *pt_record_add_sighting(struct pt_matcher *m, struct pt_record *r, const struct pt_sight *in)
{
	if (r->nsight == r->capsight) {
		uint32_t cap = r->capsight * 2;
		struct pt_sighting *s = malloc(cap * sizeof *s);
		if (!s) {
			m->alloc_failures++;
			return NULL;
		}
		memcpy(s, r->s, r->nsight * sizeof *s);
		if (r->s != r->inl)
			free(r->s);
		r->s = s;
		r->capsight = cap;
	}
	if (r->nsight && !in->g->ts_guessed && !r->s[0].ts_guessed) {
		unsigned from = r->s[0].point;
		if (gap_reserve(m, from > in->point ? from : in->point)) {
			m->gap[from * m->ngap + in->point] = in->ts - r->s[0].ts;
			m->gap_known[from * m->ngap + in->point] = 1;
		}
	}
	struct pt_sighting *s = &r->s[r->nsight++];
	memset(s, 0, sizeof *s);
	s->point = in->point;
	s->ts = in->ts;
	s->wire_len = in->wire_len;
	s->len_estimated = in->estimated;
	s->ts_guessed = in->g->ts_guessed;
	s->outer_frag = in->g->outer_first_frag;
	if (in->g->ip.version == 4) {
		/* A copy keeps the IP ID, a retransmission gets a new one. */
		s->has_ip_id = true;
		s->ip_id = (uint16_t)in->g->ip.id;
	}
	if (in->ts < r->first_ts)
		r->first_ts = in->ts;
	return s;
}

/* Whether sighting s counts: a datagram some of whose fragments never
 * arrived did not arrive. */
static bool sighting_complete(const struct pt_record *r, const struct pt_sighting *s)
{
	return !(r->fragmented && r->dg_len && s->bytes < r->dg_len);
}

/* The points not capturing around a record: not started when it would have
 * passed there (its first sighting plus the gap last measured to that
 * point), or silent since a while (stopped, or just quiet: decided once the
 * pass is over). */
static void idle_points(const struct pt_matcher *m, const struct pt_record *r, struct pt_pset_builder *seen,
			struct pt_pset_builder *uncertain, struct pt_pset_builder *not_started)
{
	unsigned from = r->s[0].point;
	for (unsigned q = 0; q < m->points->n; q++) {
		if (pt_pset_builder_has(seen, q))
			continue;
		const struct pt_point_stats *ps = &m->points->v[q].stats;
		size_t at = (size_t)from * m->ngap + q;
		int64_t arrival = r->s[0].ts + m->cfg.dup_ns;
		if (from < m->ngap && q < m->ngap && m->gap_known[at] && m->gap[at] > 0)
			arrival += m->gap[at];
		if (ps->packets == 0 || ps->first_ts > arrival)
			pt_pset_builder_add(not_started, q);
		else if (ps->last_ts < arrival)
			pt_pset_builder_add(uncertain, q);
	}
}

void pt_record_emit(struct pt_matcher *m, struct pt_record *r)
{
	struct pt_flow *f = pt_flow_canonical(r->flow);
	if (!f || r->nsight == 0)
		return;
	struct pt_pset_builder seen, uncertain, not_started, nat;
	pt_pset_builder_init(&seen);
	pt_pset_builder_init(&uncertain);
	pt_pset_builder_init(&not_started);
	pt_pset_builder_init(&nat);
	bool incomplete = false, sized = true, cut = false;
	uint32_t wire = UINT32_MAX;
	for (unsigned i = 0; i < r->nsight; i++) {
		const struct pt_sighting *s = &r->s[i];
		if (!sighting_complete(r, s)) {
			incomplete = true;
			continue;
		}
		pt_pset_builder_add(&seen, s->point);
		/* The narrowest form it took is the size that crossed the narrowest link. */
		if (s->wire_len && s->wire_len < wire) {
			wire = s->wire_len;
			sized = !s->len_estimated;
		} else if (s->wire_len == wire && !s->len_estimated) {
			sized = true; /* a real packet of the size the super-frame was estimated at */
		}
		if (s->nat)
			pt_pset_builder_add(&nat, s->point);
		cut = cut || s->outer_frag;
	}
	if (pt_pset_builder_empty(&seen))
		pt_pset_builder_add(&seen, r->s[0].point);
	f->packets++;
	f->bytes += r->ip_len;
	for (unsigned i = 0; i < r->nsight; i++) {
		if (!sighting_complete(r, &r->s[i]))
			continue;
		for (unsigned j = i + 1; j < r->nsight; j++)
			if (sighting_complete(r, &r->s[j]) && !r->s[i].ts_guessed && !r->s[j].ts_guessed)
				pt_flow_add_pair(f, &m->rng, r->s[i].point, r->s[i].ts, r->s[j].point, r->s[j].ts);
	}
	idle_points(m, r, &seen, &uncertain, &not_started);
	if (wire == UINT32_MAX)
		wire = r->ip_len;
	if (!pt_pset_builder_empty(&nat))
		f->nat_points = pt_pset_union(m->psets, f->nat_points, pt_pset_builder_done(&nat, m->psets));
	pt_pset_builder_free(&nat);
	pt_pset ns = pt_pset_builder_done(&not_started, m->psets), un = pt_pset_builder_done(&uncertain, m->psets);
	pt_pset sn = pt_pset_builder_done(&seen, m->psets);
	f->points = pt_pset_union(m->psets, f->points, sn);
	struct pt_pathsig *sig = pt_flow_sig(f, sn, un, ns, sized);
	if (!sig) {
		m->alloc_failures++;
		return;
	}
	sig->count++;
	if (r->first_ts < sig->min_ts)
		sig->min_ts = r->first_ts;
	if (r->first_ts > sig->max_ts)
		sig->max_ts = r->first_ts;
	if (wire < sig->min_len)
		sig->min_len = wire;
	if (wire > sig->max_len)
		sig->max_len = wire;
	if (!cut && sized && wire > sig->carried_max_len)
		sig->carried_max_len = wire;
	sig->flags_or |= r->tcp_flags;
	sig->df += r->df;
	if (r->resent) {
		if (!sig->resent || wire < sig->resent_min_len)
			sig->resent_min_len = wire;
		sig->resent++;
	}
	sig->frag_incomplete += incomplete;
}

static void record_release(struct pt_matcher *m, struct pt_record *r)
{
	unlink_maps(m, r);
	pt_record_list_unlink(m, r);
	m->open--;
	if (!r->is_unit) {
		pt_record_destroy(r);
		return;
	}
	/* The flow's unit vector still points at it; compaction frees it. */
	r->dead = true;
	struct pt_flow *f = r->flow;
	f->units_dead++;
	while (f->units_n && f->units[f->units_head]->dead) {
		pt_record_destroy(f->units[f->units_head]);
		f->units_head++;
		f->units_n--;
		f->units_dead--;
	}
	if (f->units_dead > 64 && f->units_dead * 2 > f->units_n) {
		size_t w = 0;
		for (size_t i = 0; i < f->units_n; i++) {
			struct pt_record *u = f->units[f->units_head + i];
			if (u->dead)
				pt_record_destroy(u);
			else
				f->units[w++] = u;
		}
		f->units_head = 0;
		f->units_n = w;
		f->units_dead = 0;
	}
}

void pt_record_finalize(struct pt_matcher *m, struct pt_record *r)
{
	pt_record_emit(m, r);
	record_release(m, r);
}

void pt_match_expire(struct pt_matcher *m, int64_t now, bool flush)
{
	int64_t limit = now - m->cfg.window_ns - m->cfg.reorder_ns;
	while (m->head && (flush || m->head->first_ts < limit))
		pt_record_finalize(m, m->head);
	while (m->outer_head && (flush || m->outer_head->ts < limit)) {
		struct pt_outer_frag *o = m->outer_head;
		m->outer_head = o->next;
		if (!m->outer_head)
			m->outer_tail = NULL;
		pt_hmap_remove(&m->outer_frags, &o->node);
		free(o);
	}
}

static struct pt_outer_frag *outer_frag_find(const struct pt_matcher *m, uint64_t key, uint32_t point)
{
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, key, &m->outer_frags)
	{
		struct pt_outer_frag *o = PT_CONTAINER_OF(node, struct pt_outer_frag, node);
		if (o->point == point)
			return o;
	}
	return NULL;
}

/* Remembers the outer datagram of a tunnel packet seen in fragments. */
static void outer_frag_note(struct pt_matcher *m, const struct pt_digest *g)
{
	if (outer_frag_find(m, g->outer_dg_key, g->point))
		return;
	struct pt_outer_frag *o = calloc(1, sizeof *o);
	if (!o || !pt_hmap_insert(&m->outer_frags, &o->node, g->outer_dg_key)) {
		free(o);
		m->alloc_failures++;
		return;
	}
	o->point = g->point;
	o->ts = g->ts;
	if (m->outer_tail)
		m->outer_tail->next = o;
	else
		m->outer_head = o;
	m->outer_tail = o;
}

void pt_record_note_nat(struct pt_record *r, struct pt_flow *f, struct pt_sighting *s)
{
	struct pt_flow *rf = pt_flow_canonical(r->flow);
	/* Compare 5-tuples, not canonical flows: once linked they are the same. */
	if (!s || !rf || f == r->flow || f == rf)
		return;
	/* The same packet with another 5-tuple: a hop rewrote it (floating IP). */
	s->nat = true;
	if (!f->nat_parent && pt_flow_canonical(f) != rf) {
		f->nat_parent = rf;
		rf->selected = rf->selected || f->selected; /* one flow, whichever side the filter chose */
	}
}

struct pt_flow *pt_match_flow(struct pt_matcher *m, const struct pt_digest *g)
{
	if (g->kind == PT_DG_NOT_IP)
		return NULL;
	struct pt_flow *f = pt_flows_get(&m->flows, &g->key, g->ts);
	if (!f)
		m->alloc_failures++;
	return f;
}

/* Where the flow shows fragmented. Later fragments carry no ports or ICMP
 * identifier: their flow is another one's, known from the first fragment. */
static void note_fragmented(struct pt_matcher *m, const struct pt_digest *g, struct pt_flow *f)
{
	if (!g->fragmented || (g->ip.is_frag && g->ip.frag_off != 0))
		return;
	f = pt_flow_canonical(f);
	f->frag_points = pt_pset_with(m->psets, f->frag_points, g->point);
	if (g->outer_first_frag)
		f->outer_frag_points = pt_pset_with(m->psets, f->outer_frag_points, g->point);
	if (g->frag_len > f->max_frag_len)
		f->max_frag_len = g->frag_len;
}

void pt_match_packet(struct pt_matcher *m, const struct pt_digest *g, struct pt_flow *f, bool super)
{
	if (g->ts > f->last_ts)
		f->last_ts = g->ts;
	if (g->ts < f->first_ts)
		f->first_ts = g->ts;
	f->sightings++;
	if (g->tcp_mss)
		f->mss = g->tcp_mss;
	if (!g->outside_filter)
		f->selected = pt_flow_canonical(f)->selected = true;
	struct pt_sight in = { .point = g->point, .ts = g->ts, .g = g, .estimated = super };
	in.wire_len = pt_wire_len(f, g, super);
	if (g->outer_first_frag)
		outer_frag_note(m, g);
	if (g->kind == PT_DG_FRAGMENT && outer_frag_find(m, g->dg_key, g->point)) {
		m->points->v[g->point].stats.outer_frag_rest++;
		return; /* the rest of a tunnel packet matched from its first fragment */
	}
	if (g->kind == PT_DG_FRAGMENT)
		pt_match_fragment(m, &in, f);
	else if (g->kind == PT_DG_TCP_DATA)
		pt_match_tcp_data(m, &in, f);
	else
		pt_match_whole(m, &in, f);
	note_fragmented(m, g, f);
}
