/* Address translations the analysis has learnt.
 *
 * The same packet seen with two 5-tuples is a NAT only if it really is the
 * same packet. Two VMs sending the same 48-byte UDP request (DF, so IPv4 ID
 * 0) 100 µs apart have one fingerprint and two source addresses: taking
 * them for one packet NAT-ed invents a translation and makes the second VM's
 * packets copies of the first's. So a translation is believed first from a
 * packet whose identity is strong (TCP data or a SYN, a non-zero IPv4 ID:
 * nothing else shares it by chance); it is then learnt as pairs of addresses
 * (unordered: replies cross it the other way), and packets of weak identity
 * may cross a learnt translation, with their ports unchanged, or a pair of
 * flows a strong packet tied together (match.c, pt_record_note_nat). The
 * table grows with the distinct translated addresses, as flows do. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "match/match-int.h"

struct pt_xlat_pair {
	struct pt_hmap_node node;
	uint8_t version;
	uint8_t lo[16], hi[16]; /* the two addresses, lo < hi bytewise */
};

void pt_xlats_init(struct pt_xlats *t)
{
	memset(t, 0, sizeof *t);
	pt_hmap_init(&t->map);
}

void pt_xlats_free(struct pt_xlats *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	pt_hmap_destroy(&t->map);
	pt_xlats_init(t);
}

static uint64_t pair_hash(uint8_t version, const uint8_t *lo, const uint8_t *hi)
{
	return pt_hash_bytes(hi, 16, pt_hash_bytes(lo, 16, version));
}

static void order(const uint8_t *a, const uint8_t *b, const uint8_t **lo, const uint8_t **hi)
{
	bool a_first = memcmp(a, b, 16) < 0;
	*lo = a_first ? a : b;
	*hi = a_first ? b : a;
}

static bool pair_known(const struct pt_xlats *t, uint8_t version, const uint8_t *a, const uint8_t *b)
{
	const uint8_t *lo, *hi;
	order(a, b, &lo, &hi);
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, pair_hash(version, lo, hi), &t->map)
	{
		const struct pt_xlat_pair *p = PT_CONTAINER_OF(node, struct pt_xlat_pair, node);
		if (p->version == version && memcmp(p->lo, lo, 16) == 0 && memcmp(p->hi, hi, 16) == 0)
			return true;
	}
	return false;
}

static void pair_learn(struct pt_matcher *m, uint8_t version, const uint8_t *a, const uint8_t *b)
{
	struct pt_xlats *t = &m->xlats;
	if (memcmp(a, b, 16) == 0 || pair_known(t, version, a, b))
		return;
	const uint8_t *lo, *hi;
	order(a, b, &lo, &hi);
	struct pt_xlat_pair **v = pt_grow(t->v, &t->cap, t->n, sizeof *v, 16);
	struct pt_xlat_pair *p = v ? calloc(1, sizeof *p) : NULL;
	if (v)
		t->v = v;
	if (!p || !pt_hmap_insert(&t->map, &p->node, pair_hash(version, lo, hi))) {
		free(p);
		m->alloc_failures++;
		return;
	}
	p->version = version;
	memcpy(p->lo, lo, 16);
	memcpy(p->hi, hi, 16);
	t->v[t->n++] = p;
}

void pt_xlat_learn(struct pt_matcher *m, const struct pt_flow_key *x, const struct pt_flow_key *y)
{
	if (x->version != y->version)
		return;
	pair_learn(m, x->version, x->src, y->src);
	pair_learn(m, x->version, x->dst, y->dst);
}

bool pt_xlat_known(const struct pt_matcher *m, const struct pt_flow_key *x, const struct pt_flow_key *y)
{
	if (x->version != y->version || x->proto != y->proto || x->has_ports != y->has_ports ||
	    x->sport != y->sport || x->dport != y->dport)
		return false;
	bool src = memcmp(x->src, y->src, 16) != 0, dst = memcmp(x->dst, y->dst, 16) != 0;
	if (!src && !dst)
		return false; /* only the ports differ: a PAT is learnt flow by flow */
	return (!src || pair_known(&m->xlats, x->version, x->src, y->src)) &&
	       (!dst || pair_known(&m->xlats, x->version, x->dst, y->dst));
}
