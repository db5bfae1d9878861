/* Tenant networks: which frames, at which points, belong to one network.
 *
 * Neutron tenants reuse subnets, so two networks can both carry 10.0.0.11 >
 * 10.0.0.12 with the same ports: the 5-tuple does not name a flow, the
 * 5-tuple in its network does. What names the network is a tag (VNI, GRE
 * key, VLAN), and a tag means something only where it is seen: OVS gives one
 * network local VLAN 1 on one host's br-int, VLAN 3 on another's and VNI 100
 * on the wire, and a VM tap shows no tag at all.
 *
 * So the unit here is a segment, what one point sees of one network: (point,
 * tag), the tag possibly none. Segments are joined into classes by the
 * packets that cross them: a packet with a strong identity seen on two
 * segments puts them in one class (union-find), which is how br-int's VLAN 1
 * learns it is VNI 100. Two segments of one point are two networks by
 * definition, so two classes that both hold a segment of one point are apart
 * and never join: that is what keeps two tenants apart, and it holds at
 * every point once each class has crossed one point the other crossed too.
 *
 * An untagged segment that turns out to carry two classes that are apart (a
 * decapsulating device shared by all VNIs) is mixed: it stops telling the
 * network, and its frames are attributed packet by packet, by the tagged
 * sightings of the same packet elsewhere. -i any captures (Linux cooked
 * headers) hold several interfaces in one point: they have no segments. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "match/match-int.h"

struct pt_segment {
	struct pt_hmap_node node;
	uint32_t index; /* from 1 */
	uint32_t point, tag_id;
	uint8_t tag_kind;
	bool mixed;
	uint32_t cls; /* class index, from 1 */
};

struct pt_tenant_class {
	uint32_t parent;    /* union-find: itself at a root */
	pt_pset points;     /* points where the class has a segment */
	uint8_t label_kind; /* its most widely meaningful tag, for people */
	uint32_t label_id;
};

static uint64_t segment_hash(uint32_t point, uint8_t kind, uint32_t id)
{
	return ((uint64_t)point * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)kind << 32 | id) * 0xff51afd7ed558ccdull;
}

void pt_tenants_init(struct pt_tenants *t)
{
	memset(t, 0, sizeof *t);
	pt_hmap_init(&t->segs);
}

void pt_tenants_free(struct pt_tenants *t)
{
	for (size_t i = 0; i < t->nseg; i++)
		free(t->seg[i]);
	free(t->seg);
	free(t->cls);
	free(t->recent);
	pt_hmap_destroy(&t->segs);
	pt_tenants_init(t);
}

/* A VNI or GRE key names a network across a whole overlay, a VLAN one
 * switch domain: the label prefers the first. */
static int label_rank(uint8_t kind)
{
	return kind == PT_ID_VNI ? 3 : kind == PT_ID_GRE_KEY ? 2 : kind == PT_ID_VLAN ? 1 : 0;
}

static bool label_better(uint8_t ka, uint32_t ia, uint8_t kb, uint32_t ib)
{
	if (label_rank(ka) != label_rank(kb))
		return label_rank(ka) > label_rank(kb);
	return ia < ib;
}

uint32_t pt_tenant_root(const struct pt_matcher *m, uint32_t cls)
{
	const struct pt_tenants *t = &m->tenants;
	if (cls == 0 || cls > t->ncls)
		return 0;
	/* pt_tenant_join keeps every class one step from its root. */
	return t->cls[cls - 1].parent;
}

static uint32_t class_new(struct pt_matcher *m, const struct pt_segment *s)
{
	struct pt_tenants *t = &m->tenants;
	struct pt_tenant_class *v = pt_grow(t->cls, &t->capcls, t->ncls, sizeof *v, 64);
	if (!v)
		return 0;
	t->cls = v;
	uint32_t c = (uint32_t)++t->ncls;
	t->cls[c - 1] = (struct pt_tenant_class){ .parent = c,
						  .points = pt_pset_with(m->psets, PT_PSET_EMPTY, s->point),
						  .label_kind = s->tag_kind,
						  .label_id = s->tag_id };
	return c;
}

/* Remembers seg as the last segment point saw. */
static uint32_t recent(struct pt_tenants *t, uint32_t point, uint8_t kind, uint32_t id, uint32_t seg)
{
	if (point >= t->nrecent) {
		size_t n = t->nrecent ? t->nrecent : 16;
		while (n <= point)
			n *= 2;
		struct pt_recent_segment *v = realloc(t->recent, n * sizeof *v);
		if (!v)
			return seg; /* only slower */
		memset(v + t->nrecent, 0, (n - t->nrecent) * sizeof *v);
		t->recent = v;
		t->nrecent = n;
	}
	t->recent[point] = (struct pt_recent_segment){ kind, id, seg };
	return seg;
}

uint32_t pt_tenant_segment(struct pt_matcher *m, const struct pt_digest *g)
{
	struct pt_tenants *t = &m->tenants;
	if (g->cooked || g->kind == PT_DG_NOT_IP)
		return 0;
	if (g->point < t->nrecent) {
		const struct pt_recent_segment *r = &t->recent[g->point];
		if (r->seg && r->kind == g->tag_kind && r->id == g->tag_id)
			return r->seg;
	}
	uint64_t h = segment_hash(g->point, g->tag_kind, g->tag_id);
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, h, &t->segs)
	{
		struct pt_segment *s = PT_CONTAINER_OF(node, struct pt_segment, node);
		if (s->point == g->point && s->tag_kind == g->tag_kind && s->tag_id == g->tag_id)
			return recent(t, g->point, g->tag_kind, g->tag_id, s->index);
	}
	struct pt_segment **v = pt_grow(t->seg, &t->capseg, t->nseg, sizeof *v, 64);
	struct pt_segment *s = v ? calloc(1, sizeof *s) : NULL;
	if (v)
		t->seg = v;
	if (!s) {
		m->alloc_failures++;
		return 0;
	}
	s->point = g->point;
	s->tag_kind = g->tag_kind;
	s->tag_id = g->tag_id;
	s->cls = class_new(m, s);
	if (!s->cls || !pt_hmap_insert(&t->segs, &s->node, h)) {
		free(s);
		m->alloc_failures++;
		return 0;
	}
	t->seg[t->nseg++] = s;
	s->index = (uint32_t)t->nseg;
	return recent(t, g->point, g->tag_kind, g->tag_id, s->index);
}

static struct pt_segment *segment_at(const struct pt_matcher *m, uint32_t seg)
{
	return seg && seg <= m->tenants.nseg ? m->tenants.seg[seg - 1] : NULL;
}

uint32_t pt_tenant_of(const struct pt_matcher *m, uint32_t seg)
{
	const struct pt_segment *s = segment_at(m, seg);
	return s && !s->mixed ? pt_tenant_root(m, s->cls) : 0;
}

bool pt_segment_tagged(const struct pt_matcher *m, uint32_t seg)
{
	const struct pt_segment *s = segment_at(m, seg);
	return s && s->tag_kind != PT_ID_NONE;
}

bool pt_tenant_apart(const struct pt_matcher *m, uint32_t a, uint32_t b)
{
	a = pt_tenant_root(m, a);
	b = pt_tenant_root(m, b);
	if (!a || !b || a == b)
		return false;
	return pt_pset_meets(m->psets, m->tenants.cls[a - 1].points, m->tenants.cls[b - 1].points);
}

uint32_t pt_tenant_join(struct pt_matcher *m, uint32_t a, uint32_t b)
{
	struct pt_tenants *t = &m->tenants;
	a = pt_tenant_root(m, a);
	b = pt_tenant_root(m, b);
	if (!a || !b || a == b)
		return a ? a : b;
	if (pt_tenant_apart(m, a, b))
		return 0;
	if (b < a) {
		uint32_t x = a;
		a = b;
		b = x;
	}
	struct pt_tenant_class *ca = &t->cls[a - 1], *cb = &t->cls[b - 1];
	/* Flat: whatever pointed at b points at a, so a root is one step away. */
	for (size_t i = 0; i < t->ncls; i++)
		if (t->cls[i].parent == b)
			t->cls[i].parent = a;
	ca->points = pt_pset_union(m->psets, ca->points, cb->points);
	if (label_better(cb->label_kind, cb->label_id, ca->label_kind, ca->label_id)) {
		ca->label_kind = cb->label_kind;
		ca->label_id = cb->label_id;
	}
	return a;
}

void pt_tenant_mix(struct pt_matcher *m, uint32_t seg)
{
	struct pt_segment *s = segment_at(m, seg);
	if (s && s->tag_kind == PT_ID_NONE)
		s->mixed = true;
}

void pt_tenant_label(const struct pt_matcher *m, uint32_t cls, uint8_t *kind, uint32_t *id)
{
	cls = pt_tenant_root(m, cls);
	*kind = PT_ID_NONE;
	*id = 0;
	if (cls) {
		*kind = m->tenants.cls[cls - 1].label_kind;
		*id = m->tenants.cls[cls - 1].label_id;
	}
}

bool pt_tenant_fits(const struct pt_matcher *m, const struct pt_record *r, uint32_t seg, bool strong)
{
	uint32_t sc = pt_tenant_of(m, seg), rc = pt_tenant_root(m, r->cls);
	if (!sc || !rc || !pt_tenant_apart(m, rc, sc))
		return true;
	/* Two networks. A strong identity says the packet crossed both anyway:
	 * then an untagged segment (its own, or all the record's class rests
	 * on) carries both. Two tagged networks stay two packets. */
	return strong && (!pt_segment_tagged(m, seg) || !r->cls_tagged);
}

void pt_tenant_admit(struct pt_matcher *m, struct pt_record *r, uint32_t seg, bool strong)
{
	uint32_t sc = pt_tenant_of(m, seg), rc = pt_tenant_root(m, r->cls);
	bool tagged = pt_segment_tagged(m, seg);
	if (!sc)
		return;
	if (!rc) {
		r->cls = sc;
	} else if (rc != sc && !pt_tenant_apart(m, rc, sc)) {
		if (strong)
			r->cls = pt_tenant_join(m, rc, sc); /* learnt: one network */
		else if (tagged && !r->cls_tagged)
			r->cls = sc; /* a tag tells the network better than an untagged point */
	} else if (rc != sc && strong) {
		/* Apart, and one packet crossed both (pt_tenant_fits let it): the
		 * untagged side carries both networks. */
		if (!tagged) {
			pt_tenant_mix(m, seg);
			return;
		}
		if (!r->cls_tagged) {
			for (unsigned i = 0; i < r->nsight; i++)
				if (pt_tenant_of(m, r->s[i].segment) == rc && !pt_segment_tagged(m, r->s[i].segment))
					pt_tenant_mix(m, r->s[i].segment);
			r->cls = sc;
		}
	}
	r->cls_tagged = r->cls_tagged || tagged;
}

/* Which of two flows of one 5-tuple a TCP segment belongs to when no
 * network tells: the one whose sequence space it falls in. Two connections
 * with one 5-tuple in two networks have random initial sequence numbers. */
static uint32_t seq_distance(const struct pt_flow *f, uint32_t seq)
{
	if (!f->seq_init)
		return UINT32_MAX;
	int32_t d = (int32_t)(seq - f->seq_last);
	return d < 0 ? (uint32_t)-(int64_t)d : (uint32_t)d;
}

/* Pairs a new flow with its reverse in the same network. */
static void pair_reverse(struct pt_matcher *m, struct pt_flow *f)
{
	struct pt_flow_key rk;
	pt_flow_key_reverse(&f->key, &rk);
	uint32_t fc = pt_tenant_root(m, f->tenant);
	for (struct pt_flow *r = pt_flows_find(&m->flows, &rk); r; r = pt_flows_next(r))
		if (r != f && pt_tenant_root(m, r->tenant) == fc) {
			f->reverse = r;
			r->reverse = f;
			return;
		}
}

struct pt_flow *pt_tenant_flow(struct pt_matcher *m, const struct pt_flow_key *key, uint32_t cls, int64_t ts,
			       bool has_seq, uint32_t seq)
{
	cls = pt_tenant_root(m, cls);
	struct pt_flow *same = NULL, *fits = NULL, *oldest = NULL, *nearest = NULL;
	unsigned n = 0;
	/* Newest first: the last one kept is the oldest. */
	for (struct pt_flow *f = pt_flows_find(&m->flows, key); f; f = pt_flows_next(f)) {
		n++;
		oldest = f;
		uint32_t fc = pt_tenant_root(m, f->tenant);
		if (cls && fc == cls)
			same = f;
		else if (cls && !pt_tenant_apart(m, fc, cls))
			fits = f;
		if (has_seq && (!nearest || seq_distance(f, seq) <= seq_distance(nearest, seq)))
			nearest = f;
	}
	if (same)
		return same;
	if (!cls || (!fits && !n)) {
		struct pt_flow *f = n > 1 && nearest ? nearest : oldest;
		if (!f) {
			f = pt_flows_add(&m->flows, key, ts);
			if (f)
				f->tenant = cls;
		}
		return f;
	}
	if (fits) {
		if (!fits->tenant)
			fits->tenant = cls;
		return fits;
	}
	/* Every flow of this 5-tuple is in a network apart from cls: the same
	 * addresses and ports in another tenant's network, a flow of its own. */
	struct pt_flow *f = pt_flows_add(&m->flows, key, ts);
	if (!f)
		return NULL;
	f->tenant = cls;
	pair_reverse(m, f);
	return f;
}
