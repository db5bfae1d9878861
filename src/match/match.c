/* Sightings of one packet across capture points, within the matching window.
 *
 * A second sighting at the same point is a copy (promiscuous bridge, -i
 * any), the packet coming back through a middlebox, or another packet
 * (match/copies.c). Another packet gets a record of its own, since
 * identical packets (kernel RSTs and unconnected UDP carry IPv4 ID 0, IPv6
 * has no ID) can be in flight together on a slow hop, and TCP bytes sent
 * again can be in flight with their first transmission (match-tcp.c). This
 * file holds the records' life cycle and the pass's entry points;
 * match-whole.c, match-frag.c and match-tcp.c find a packet's record,
 * match/tenant.c its network, match/translation.c what NAT it may cross. */
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
	pt_tenants_init(&m->tenants);
	pt_xlats_init(&m->xlats);
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
	pt_tenants_free(&m->tenants);
	pt_xlats_free(&m->xlats);
	pt_psets_free(m->psets);
	free(m->gap);
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
	r->serial = ++m->serial;
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
	struct pt_gap *g = calloc(n * n, sizeof *g);
	if (!g)
		return false;
	for (size_t i = 0; i < m->ngap; i++)
		memcpy(g + i * n, m->gap + i * m->ngap, m->ngap * sizeof *g);
	free(m->gap);
	m->gap = g;
	m->ngap = n;
	return true;
}

/* Room for one more sighting of r; NULL when memory ran out. */
static struct pt_sighting *sighting_slot(struct pt_matcher *m, struct pt_record *r)
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
	return &r->s[r->nsight++];
}

/* The gap from r's first point to s's, as s measured it. */
static void measure_gap(struct pt_matcher *m, const struct pt_record *r, const struct pt_sighting *s)
{
	if (r->nsight < 2 || s == &r->s[0] || s->ts_guessed || r->s[0].ts_guessed)
		return;
	unsigned from = r->s[0].point;
	if (gap_reserve(m, from > s->point ? from : s->point)) {
		struct pt_gap *gp = &m->gap[(size_t)from * m->ngap + s->point];
		if (gp->known && gp->last_by != r->serial) {
			gp->prev = gp->last;
			gp->prev_by = gp->last_by;
			gp->known = 2;
		} else {
			gp->known = 1;
		}
		gp->last = s->ts - r->s[0].ts;
		gp->last_by = r->serial;
	}
}

struct pt_sighting *pt_record_add_sighting(struct pt_matcher *m, struct pt_record *r, const struct pt_sight *in)
{
	struct pt_sighting *s = sighting_slot(m, r);
	if (!s)
		return NULL;
	memset(s, 0, sizeof *s);
	s->point = in->point;
	s->ts = in->ts;
	s->wire_len = in->wire_len;
	s->len_estimated = in->estimated;
	s->ts_guessed = in->g->ts_guessed;
	s->outer_frag = in->g->outer_first_frag;
	s->tag_kind = in->g->tag_kind;
	s->tag_id = in->g->tag_id;
	s->segment = in->segment;
	s->counted_in = in->flow;
	s->carrier_src = pt_fold(in->g->carrier_src);
	s->carrier_dst = pt_fold(in->g->carrier_dst);
	if (in->g->ip.version == 4) {
		/* A copy keeps the IP ID, a retransmission gets a new one. */
		s->has_ip_id = true;
		s->ip_id = (uint16_t)in->g->ip.id;
	}
	if (r->nsight == 1)
		r->strong = in->g->strong;
	measure_gap(m, r, s);
	if (in->ts < r->first_ts)
		r->first_ts = in->ts;
	return s;
}

void pt_record_move_sighting(struct pt_matcher *m, struct pt_record *from, unsigned i, struct pt_record *to)
{
	struct pt_sighting moved = from->s[i];
	memmove(&from->s[i], &from->s[i + 1], (from->nsight - i - 1) * sizeof moved);
	from->nsight--;
	struct pt_sighting *s = sighting_slot(m, to);
	if (!s)
		return;
	*s = moved;
	measure_gap(m, to, s);
	if (s->ts < to->first_ts)
		to->first_ts = s->ts;
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
		if (from < m->ngap && q < m->ngap && m->gap[at].known && m->gap[at].last > 0)
			arrival += m->gap[at].last;
		if (ps->packets == 0 || ps->first_ts > arrival)
			pt_pset_builder_add(not_started, q);
		else if (ps->last_ts < arrival)
			pt_pset_builder_add(uncertain, q);
	}
}

/* The flow a record counts in: its flow, or the same 5-tuple in the tenant
 * network its sightings showed (a packet first seen where nothing told the
 * network, a VM tap, before its tunnel did). Its sightings go with it. */
static struct pt_flow *emit_flow(struct pt_matcher *m, struct pt_record *r)
{
	struct pt_flow *f = pt_flow_canonical(r->flow);
	uint32_t rc = pt_tenant_root(m, r->cls), fc = f ? pt_tenant_root(m, f->tenant) : 0;
	if (!f || !rc || fc == rc)
		return f;
	if (!pt_tenant_apart(m, fc, rc)) {
		if (!fc)
			f->tenant = rc;
		return f;
	}
	struct pt_flow *t = pt_tenant_flow(m, &f->key, rc, r->first_ts, false, 0);
	if (!t) {
		m->alloc_failures++;
		return f;
	}
	for (unsigned i = 0; i < r->nsight; i++) {
		struct pt_flow *was = r->s[i].counted_in;
		if (was && was != t && was->sightings) {
			was->sightings--;
			t->sightings++;
			r->s[i].counted_in = t;
		}
		if (r->s[i].ts < t->first_ts)
			t->first_ts = r->s[i].ts;
		if (r->s[i].ts > t->last_ts)
			t->last_ts = r->s[i].ts;
	}
	return t;
}

void pt_record_emit(struct pt_matcher *m, struct pt_record *r)
{
	if (r->nsight == 0)
		return;
	struct pt_flow *f = emit_flow(m, r);
	if (!f)
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

/* A retired transmission leaves its flow's list when it is finalised. */
static void retired_unlink(struct pt_record *r)
{
	struct pt_flow *f = r->home;
	for (size_t i = 0; f && i < f->nretired; i++)
		if (f->retired[i] == r) {
			f->retired[i] = f->retired[--f->nretired];
			break;
		}
	r->home = NULL;
}

static void record_release(struct pt_matcher *m, struct pt_record *r)
{
	unlink_maps(m, r);
	pt_record_list_unlink(m, r);
	m->open--;
	if (r->retired)
		retired_unlink(r);
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
	for (size_t i = 0; flush && i < m->flows.n; i++) {
		struct pt_flow *f = m->flows.all[i];
		pt_tenant_label(m, f->tenant, &f->tenant_kind, &f->tenant_id);
	}
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

void pt_record_note_nat(struct pt_matcher *m, struct pt_record *r, struct pt_flow *f, struct pt_sighting *s)
{
	struct pt_flow *rf = pt_flow_canonical(r->flow);
	/* Compare 5-tuples, not canonical flows: once linked they are the same. */
	if (!s || !rf || pt_flow_key_eq(&f->key, &r->flow->key) || pt_flow_key_eq(&f->key, &rf->key))
		return;
	/* The same packet with another 5-tuple: a hop rewrote it (floating IP). */
	s->nat = true;
	if (r->strong)
		pt_xlat_learn(m, &r->flow->key, &f->key);
	if (!f->nat_parent && pt_flow_canonical(f) != rf) {
		f->nat_parent = rf;
		rf->selected = rf->selected || f->selected; /* one flow, whichever side the filter chose */
	}
}

bool pt_record_translated_here(struct pt_matcher *m, struct pt_record *c, struct pt_flow *f, unsigned point)
{
	struct pt_flow *rf = pt_flow_canonical(c->flow);
	/* The same bytes sent back, addresses swapped, are a reflection, not a
	 * translation. */
	if (!rf || pt_flow_key_eq(&f->key, &c->flow->key) || f == c->flow->reverse)
		return false;
	if (c->strong)
		pt_xlat_learn(m, &c->flow->key, &f->key);
	if (!f->nat_parent && pt_flow_canonical(f) != rf)
		f->nat_parent = rf;
	rf->nat_here = pt_pset_with(m->psets, rf->nat_here, point);
	return true;
}

bool pt_record_same_packet(const struct pt_matcher *m, const struct pt_record *c, struct pt_flow *f,
			   const struct pt_digest *g)
{
	if (!c->flow || !c->nsight || c->flow->key.version != g->ip.version)
		return false;
	if (pt_flow_key_eq(&c->flow->key, &f->key))
		return true;
	if (!pt_flow_key_unicast(&f->key) || !pt_flow_key_unicast(&c->flow->key))
		return false;
	/* Another 5-tuple: a translation, if it is the same packet. Only a
	 * strong identity tells so by itself (and teaches the translation);
	 * weaker ones cross translations learnt before (match/translation.c). */
	return (g->strong && c->strong) ||
	       pt_flow_canonical(f) == pt_flow_canonical(c->flow) ||
	       pt_xlat_known(m, &c->flow->key, &f->key);
}

struct pt_flow *pt_match_flow(struct pt_matcher *m, const struct pt_digest *g)
{
	if (g->kind == PT_DG_NOT_IP)
		return NULL;
	uint32_t cls = pt_tenant_of(m, pt_tenant_segment(m, g));
	struct pt_flow *f = pt_tenant_flow(m, &g->key, cls, g->ts, g->kind == PT_DG_TCP_DATA, g->tcp_seq);
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
	/* A record older than the window takes no more sightings: the packet
	 * sent again a second later (mDNS, keep-alives) is another one. */
	pt_match_expire(m, g->ts, false);
	if (g->ts > f->last_ts)
		f->last_ts = g->ts;
	if (g->ts < f->first_ts)
		f->first_ts = g->ts;
	f->sightings++;
	if (g->tcp_mss)
		f->mss = g->tcp_mss;
	if (!g->outside_filter)
		f->selected = pt_flow_canonical(f)->selected = true;
	if (g->strong)
		m->points->v[g->point].stats.strong_packets++;
	struct pt_sight in = { .point = g->point, .ts = g->ts, .g = g, .estimated = super,
			       .segment = pt_tenant_segment(m, g), .flow = f };
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
