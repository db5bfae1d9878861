/* Coarse clock offsets from packets seen at two points. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/coarse-clock.h"
#include "base/grow.h"
#include "base/hmap.h"
#include "base/stats.h"

/* A packet identity and the points it was seen at, each once, in the order
 * the files were read (a long chain of points: all of them). One seen twice
 * at a point (an identical resend, a periodic frame) is ambiguous and left
 * out. */
struct sight {
	uint32_t point;
	int64_t ts;
};

struct ident {
	struct pt_hmap_node node;
	bool ambiguous;
	uint32_t n, cap;
	struct sight *s;
	struct sight inl[2];
};

/* Differences t_q - t_p of packets seen at both p < q. */
struct pair {
	struct pt_hmap_node node;
	uint32_t p, q;
	int64_t *d;
	size_t n, cap;
};

struct pt_coarse {
	struct pt_hmap ids, pairs;
	struct ident **idv;
	size_t nid, capid;
	struct pair **pv;
	size_t npair, cappair;
};

/* What stays the same from hop to hop, however the packet is carried: the
 * matcher's fingerprint for whole packets; TCP data by its sequence range,
 * flags and IPv4 ID (addresses and ports may be translated); fragments by
 * datagram and offset. IPv4 ID 0 outside TCP repeats too often to tell. */
static bool identity(const struct pt_digest *g, uint64_t *id)
{
	switch (g->kind) {
	case PT_DG_TCP_DATA:
		*id = pt_hash_bytes(&g->tcp_seq, sizeof g->tcp_seq,
				    (uint64_t)g->payload_len << 32 ^ (uint64_t)g->tcp_flags << 16 ^ g->ip.id);
		return true;
	case PT_DG_WHOLE:
		*id = g->fingerprint;
		return g->ip.version != 4 || g->ip.id != 0 || g->l4_proto == PT_P_TCP;
	case PT_DG_FRAGMENT:
		*id = g->dg_key ^ (uint64_t)g->ip.frag_off * 0x9e3779b97f4a7c15ull;
		return true;
	default:
		return false;
	}
}

struct pt_coarse *pt_coarse_new(void)
{
	struct pt_coarse *c = calloc(1, sizeof *c);
	if (c) {
		pt_hmap_init(&c->ids);
		pt_hmap_init(&c->pairs);
	}
	return c;
}

void pt_coarse_free(struct pt_coarse *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nid; i++) {
		if (c->idv[i]->s != c->idv[i]->inl)
			free(c->idv[i]->s);
		free(c->idv[i]);
	}
	for (size_t i = 0; i < c->npair; i++) {
		free(c->pv[i]->d);
		free(c->pv[i]);
	}
	free(c->idv);
	free(c->pv);
	pt_hmap_destroy(&c->ids);
	pt_hmap_destroy(&c->pairs);
	free(c);
}

void pt_coarse_add(struct pt_coarse *c, const struct pt_digest *g)
{
	uint64_t id;
	if (!identity(g, &id))
		return;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, id, &c->ids)
	{
		struct ident *x = PT_CONTAINER_OF(node, struct ident, node);
		for (unsigned i = 0; i < x->n; i++)
			if (x->s[i].point == g->point) {
				/* Copies at one point (a bridge, -i any) are not a second packet. */
				int64_t since = g->ts - x->s[i].ts;
				x->ambiguous = x->ambiguous || since > 500000 || since < -500000;
				return;
			}
		if (x->n == x->cap) {
			struct sight *s = malloc(2 * x->cap * sizeof *s);
			if (!s)
				return;
			memcpy(s, x->s, x->n * sizeof *s);
			if (x->s != x->inl)
				free(x->s);
			x->s = s;
			x->cap *= 2;
		}
		x->s[x->n++] = (struct sight){ g->point, g->ts };
		return;
	}
	struct ident **v = pt_grow(c->idv, &c->capid, c->nid, sizeof *v, 1024);
	struct ident *x = v ? calloc(1, sizeof *x) : NULL;
	if (!x)
		return;
	c->idv = v;
	c->idv[c->nid++] = x;
	x->s = x->inl;
	x->cap = sizeof x->inl / sizeof x->inl[0];
	x->s[0] = (struct sight){ g->point, g->ts };
	x->n = 1;
	pt_hmap_insert(&c->ids, &x->node, id);
}

static struct pair *pair_of(struct pt_coarse *c, uint32_t p, uint32_t q)
{
	uint64_t h = (uint64_t)p << 32 | q;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, h, &c->pairs)
	{
		struct pair *x = PT_CONTAINER_OF(node, struct pair, node);
		if (x->p == p && x->q == q)
			return x;
	}
	struct pair **v = pt_grow(c->pv, &c->cappair, c->npair, sizeof *v, 16);
	struct pair *x = v ? calloc(1, sizeof *x) : NULL;
	if (!x)
		return NULL;
	c->pv = v;
	c->pv[c->npair++] = x;
	x->p = p;
	x->q = q;
	pt_hmap_insert(&c->pairs, &x->node, h);
	return x;
}

static void add_difference(struct pt_coarse *c, uint32_t p, int64_t tp, uint32_t q, int64_t tq)
{
	bool lo_first = p < q;
	struct pair *x = pair_of(c, lo_first ? p : q, lo_first ? q : p);
	int64_t *d = x ? pt_grow(x->d, &x->cap, x->n, sizeof *d, 16) : NULL;
	if (!d)
		return;
	x->d = d;
	x->d[x->n++] = lo_first ? tq - tp : tp - tq;
}

/* Each packet pairs its first point with every other it was seen at. */
static void collect_pairs(struct pt_coarse *c)
{
	for (size_t i = 0; i < c->nid; i++) {
		const struct ident *x = c->idv[i];
		for (unsigned k = 1; !x->ambiguous && k < x->n; k++)
			add_difference(c, x->s[0].point, x->s[0].ts, x->s[k].point, x->s[k].ts);
	}
}

/* Enough packets to trust a median against the odd mismatch. */
#define MIN_PACKETS 3

void pt_coarse_solve(struct pt_coarse *c, size_t n, unsigned reference, struct pt_coarse_offset *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (struct pt_coarse_offset){ .via = -1 };
	if (reference >= n)
		return;
	collect_pairs(c);
	struct {
		int64_t median, spread;
	} *est = calloc(c->npair ? c->npair : 1, sizeof *est);
	if (!est)
		return;
	for (size_t k = 0; k < c->npair; k++) {
		struct pair *x = c->pv[k];
		if (x->n < MIN_PACKETS)
			continue;
		qsort(x->d, x->n, sizeof *x->d, pt_cmp_i64);
		est[k].median = (int64_t)pt_quantile(x->d, x->n, 0.5);
		est[k].spread = (int64_t)((pt_quantile(x->d, x->n, 0.75) - pt_quantile(x->d, x->n, 0.25)) / 2);
	}
	/* A widest-path tree from the reference: each point through the pair
	 * with the most packets among those that reach the points known. */
	out[reference].known = true;
	for (;;) {
		long best = -1;
		for (size_t k = 0; k < c->npair; k++) {
			const struct pair *x = c->pv[k];
			if (x->n < MIN_PACKETS || x->p >= n || x->q >= n || out[x->p].known == out[x->q].known)
				continue;
			if (best < 0 || x->n > c->pv[best]->n)
				best = (long)k;
		}
		if (best < 0)
			break;
		const struct pair *x = c->pv[best];
		bool forward = out[x->p].known;
		uint32_t from = forward ? x->p : x->q, to = forward ? x->q : x->p;
		struct pt_coarse_offset *o = &out[to];
		o->known = true;
		o->via = from;
		/* median is t_q - t_p = off_q - off_p */
		o->offset_ns = out[from].offset_ns + (forward ? est[best].median : -est[best].median);
		o->spread_ns = out[from].spread_ns + est[best].spread;
		o->packets = from == reference || x->n < out[from].packets ? x->n : out[from].packets;
	}
	free(est);
}
