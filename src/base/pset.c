/* Interned point sets: entries in one array, their words in one pool, found
 * again by content through the hash map. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/hmap.h"
#include "base/pset.h"

struct entry {
	struct pt_hmap_node node;
	size_t off, nwords;
};

struct pt_psets {
	struct pt_hmap map;
	struct entry *v; /* v[id - 1] */
	size_t n, cap;
	uint64_t *pool;
	size_t npool, cappool;
	uint64_t failures;
};

struct pt_psets *pt_psets_new(void)
{
	struct pt_psets *t = calloc(1, sizeof *t);
	if (t)
		pt_hmap_init(&t->map);
	return t;
}

void pt_psets_free(struct pt_psets *t)
{
	if (!t)
		return;
	pt_hmap_destroy(&t->map);
	free(t->v);
	free(t->pool);
	free(t);
}

uint64_t pt_psets_failures(const struct pt_psets *t)
{
	return t->failures;
}

const uint64_t *pt_pset_words(const struct pt_psets *t, pt_pset s, size_t *nwords)
{
	if (s == PT_PSET_EMPTY || s > t->n) {
		*nwords = 0;
		return NULL;
	}
	const struct entry *e = &t->v[s - 1];
	*nwords = e->nwords;
	return t->pool + e->off;
}

bool pt_pset_has(const struct pt_psets *t, pt_pset s, unsigned i)
{
	size_t n;
	const uint64_t *w = pt_pset_words(t, s, &n);
	return i / 64 < n && (w[i / 64] >> (i % 64) & 1);
}

size_t pt_pset_count(const struct pt_psets *t, pt_pset s)
{
	size_t n, c = 0;
	const uint64_t *w = pt_pset_words(t, s, &n);
	for (size_t i = 0; i < n; i++)
		c += (size_t)__builtin_popcountll(w[i]);
	return c;
}

long pt_pset_next(const struct pt_psets *t, pt_pset s, unsigned from)
{
	size_t n;
	const uint64_t *w = pt_pset_words(t, s, &n);
	for (size_t k = from / 64; k < n; k++) {
		uint64_t bits = w[k];
		if (k == from / 64)
			bits &= ~0ull << (from % 64);
		if (bits)
			return (long)(k * 64 + (size_t)__builtin_ctzll(bits));
	}
	return -1;
}

bool pt_pset_meets(const struct pt_psets *t, pt_pset a, pt_pset b)
{
	size_t na, nb;
	const uint64_t *wa = pt_pset_words(t, a, &na), *wb = pt_pset_words(t, b, &nb);
	for (size_t i = 0; i < na && i < nb; i++)
		if (wa[i] & wb[i])
			return true;
	return false;
}

static pt_pset intern(struct pt_psets *t, const uint64_t *w, size_t n)
{
	while (n && !w[n - 1])
		n--;
	if (!n)
		return PT_PSET_EMPTY;
	uint64_t h = pt_hash_bytes(w, n * sizeof *w, n);
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, h, &t->map)
	{
		const struct entry *e = PT_CONTAINER_OF(node, struct entry, node);
		if (e->nwords == n && memcmp(t->pool + e->off, w, n * sizeof *w) == 0)
			return (pt_pset)(e - t->v) + 1;
	}
	if (t->n >= UINT32_MAX - 1)
		goto fail;
	uint64_t *pool = t->pool;
	while (t->npool + n > t->cappool) {
		pool = pt_grow(t->pool, &t->cappool, t->cappool, sizeof *pool, 64);
		if (!pool)
			goto fail;
		t->pool = pool;
	}
	struct entry *v = pt_grow(t->v, &t->cap, t->n, sizeof *v, 64);
	if (!v)
		goto fail;
	if (v != t->v) {
		/* The entries moved: relink them at their new addresses. */
		t->v = v;
		pt_hmap_destroy(&t->map);
		pt_hmap_init(&t->map);
		for (size_t i = 0; i < t->n; i++)
			pt_hmap_insert(&t->map, &t->v[i].node, t->v[i].node.hash);
	}
	/* w may point into the pool (a set being extended): copy after growing. */
	memmove(t->pool + t->npool, w, n * sizeof *w);
	struct entry *e = &t->v[t->n++];
	e->off = t->npool;
	e->nwords = n;
	t->npool += n;
	pt_hmap_insert(&t->map, &e->node, h);
	return (pt_pset)t->n;
fail:
	t->failures++;
	return PT_PSET_EMPTY;
}

void pt_pset_builder_init(struct pt_pset_builder *b)
{
	memset(b, 0, sizeof *b);
	b->w = b->inl;
	b->nwords = sizeof b->inl / sizeof b->inl[0];
}

void pt_pset_builder_free(struct pt_pset_builder *b)
{
	if (b->w != b->inl)
		free(b->w);
	b->w = b->inl;
}

void pt_pset_builder_add(struct pt_pset_builder *b, unsigned i)
{
	size_t k = i / 64;
	if (k >= b->nwords) {
		size_t n = k + 1 > b->nwords * 2 ? k + 1 : b->nwords * 2;
		uint64_t *w = calloc(n, sizeof *w);
		if (!w) {
			b->failed = true;
			return;
		}
		memcpy(w, b->w, b->nwords * sizeof *w);
		pt_pset_builder_free(b);
		b->w = w;
		b->nwords = n;
	}
	b->w[k] |= 1ull << (i % 64);
}

bool pt_pset_builder_has(const struct pt_pset_builder *b, unsigned i)
{
	return i / 64 < b->nwords && (b->w[i / 64] >> (i % 64) & 1);
}

bool pt_pset_builder_empty(const struct pt_pset_builder *b)
{
	for (size_t i = 0; i < b->nwords; i++)
		if (b->w[i])
			return false;
	return true;
}

pt_pset pt_pset_builder_done(struct pt_pset_builder *b, struct pt_psets *t)
{
	pt_pset s = b->failed ? PT_PSET_EMPTY : intern(t, b->w, b->nwords);
	if (b->failed)
		t->failures++;
	pt_pset_builder_free(b);
	return s;
}

/* Room for n words in an empty builder. */
static bool builder_reserve(struct pt_pset_builder *b, size_t n)
{
	if (n > b->nwords) {
		pt_pset_builder_add(b, (unsigned)(n * 64 - 1)); /* grows it; the word is cleared again below */
		if (b->failed)
			return false;
		b->w[n - 1] = 0;
	}
	return true;
}

static pt_pset combine(struct pt_psets *t, pt_pset a, pt_pset b, long extra)
{
	size_t na, nb;
	const uint64_t *wa = pt_pset_words(t, a, &na), *wb = pt_pset_words(t, b, &nb);
	size_t n = na > nb ? na : nb;
	struct pt_pset_builder x;
	pt_pset_builder_init(&x);
	if (builder_reserve(&x, n)) {
		for (size_t i = 0; i < na; i++)
			x.w[i] |= wa[i];
		for (size_t i = 0; i < nb; i++)
			x.w[i] |= wb[i];
		if (extra >= 0)
			pt_pset_builder_add(&x, (unsigned)extra);
	}
	return pt_pset_builder_done(&x, t);
}

pt_pset pt_pset_union(struct pt_psets *t, pt_pset a, pt_pset b)
{
	if (a == b || b == PT_PSET_EMPTY)
		return a;
	if (a == PT_PSET_EMPTY)
		return b;
	return combine(t, a, b, -1);
}

pt_pset pt_pset_with(struct pt_psets *t, pt_pset a, unsigned i)
{
	if (pt_pset_has(t, a, i))
		return a;
	return combine(t, a, PT_PSET_EMPTY, (long)i);
}
