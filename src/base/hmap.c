/* The intrusive hash map: chained buckets, a power of two of them, doubled
 * when there are more nodes than buckets. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"

/* One bucket until the first insert: an empty map costs no allocation. */
static struct pt_hmap_node *empty_bucket = NULL;

void pt_hmap_init(struct pt_hmap *m)
{
	m->buckets = &empty_bucket;
	m->mask = 0;
	m->n = 0;
}

void pt_hmap_destroy(struct pt_hmap *m)
{
	if (m->buckets != &empty_bucket)
		free(m->buckets);
	pt_hmap_init(m);
}

/* Doubles the buckets. A new bucket j takes its nodes from old bucket
 * j & old mask only, appended in their old order, so nodes of one hash keep
 * their newest-first order. */
static void expand(struct pt_hmap *m)
{
	size_t n = (m->mask + 1) * 2;
	if (n < 16)
		n = 16;
	struct pt_hmap_node **b = calloc(n, sizeof *b), **tail = calloc(n, sizeof *tail);
	if (!b || !tail) {
		free(b);
		free(tail);
		return;
	}
	for (size_t i = 0; i <= m->mask; i++) {
		struct pt_hmap_node *node = m->buckets[i];
		while (node) {
			struct pt_hmap_node *next = node->next;
			size_t j = node->hash & (n - 1);
			node->next = NULL;
			if (tail[j])
				tail[j]->next = node;
			else
				b[j] = node;
			tail[j] = node;
			node = next;
		}
	}
	free(tail);
	if (m->buckets != &empty_bucket)
		free(m->buckets);
	m->buckets = b;
	m->mask = n - 1;
}

bool pt_hmap_insert(struct pt_hmap *m, struct pt_hmap_node *node, uint64_t hash)
{
	node->next = NULL;
	node->hash = hash;
	if (m->n >= m->mask + 1 || m->buckets == &empty_bucket)
		expand(m);
	if (m->buckets == &empty_bucket)
		return false;
	struct pt_hmap_node **bucket = &m->buckets[hash & m->mask];
	node->hash = hash;
	node->next = *bucket;
	*bucket = node;
	m->n++;
	return true;
}

void pt_hmap_remove(struct pt_hmap *m, struct pt_hmap_node *node)
{
	struct pt_hmap_node **pp = &m->buckets[node->hash & m->mask];
	while (*pp && *pp != node)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = node->next;
		m->n--;
	}
	node->next = NULL;
}

struct pt_hmap_node *pt_hmap_first_with_hash(const struct pt_hmap *m, uint64_t hash)
{
	struct pt_hmap_node *node = m->buckets[hash & m->mask];
	while (node && node->hash != hash)
		node = node->next;
	return node;
}

struct pt_hmap_node *pt_hmap_next_with_hash(const struct pt_hmap_node *node)
{
	uint64_t hash = node->hash;
	node = node->next;
	while (node && node->hash != hash)
		node = node->next;
	return (struct pt_hmap_node *)node;
}

/* Eight bytes at a time, then a murmur-style finaliser: keys here are short
 * (flow keys, point sets), and hashing them is on the per-packet path. */
uint64_t pt_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ seed ^ n;
	for (; n >= 8; b += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	uint64_t tail = 0;
	for (size_t i = 0; i < n; i++)
		tail |= (uint64_t)b[i] << (8 * i);
	h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

uint64_t pt_hash_string(const char *s)
{
	return pt_hash_bytes(s, strlen(s), 0);
}
