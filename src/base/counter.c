/* The bounded string counter, on the shared hash map. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/counter.h"

struct slot {
	struct pt_hmap_node node;
	struct pt_counter_entry e;
};

void pt_counter_init(struct pt_counter *c, size_t max_keys)
{
	memset(c, 0, sizeof *c);
	pt_hmap_init(&c->map);
	c->max_keys = max_keys;
}

/* Every slot, in bucket order, for one pass over the table. */
static void for_each_slot(const struct pt_counter *c, void (*fn)(struct slot *, void *), void *arg)
{
	for (size_t b = 0; b <= c->map.mask; b++) {
		struct pt_hmap_node *node = c->map.buckets[b];
		while (node) {
			struct pt_hmap_node *next = node->next;
			fn(PT_CONTAINER_OF(node, struct slot, node), arg);
			node = next;
		}
	}
}

static void free_slot(struct slot *s, void *arg)
{
	(void)arg;
	free(s->e.key);
	free(s);
}

void pt_counter_free(struct pt_counter *c)
{
	for_each_slot(c, free_slot, NULL);
	pt_hmap_destroy(&c->map);
	memset(c, 0, sizeof *c);
	pt_hmap_init(&c->map);
}

void pt_counter_add(struct pt_counter *c, const char *key, uint64_t n)
{
	uint64_t h = pt_hash_string(key);
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, h, &c->map)
	{
		struct slot *s = PT_CONTAINER_OF(node, struct slot, node);
		if (strcmp(s->e.key, key) == 0) {
			s->e.count += n;
			return;
		}
	}
	struct slot *s = c->used < c->max_keys ? malloc(sizeof *s) : NULL;
	if (s)
		s->e.key = strdup(key);
	if (!s || !s->e.key || !pt_hmap_insert(&c->map, &s->node, h)) {
		if (s)
			free(s->e.key);
		free(s);
		c->other += n;
		return;
	}
	s->e.count = n;
	c->used++;
}

struct collect {
	struct pt_counter_entry *out;
	size_t n;
};

static void collect_slot(struct slot *s, void *arg)
{
	struct collect *x = arg;
	x->out[x->n++] = s->e;
}

static int by_count(const void *a, const void *b)
{
	const struct pt_counter_entry *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

struct pt_counter_entry *pt_counter_sorted(const struct pt_counter *c, size_t *n)
{
	struct collect x = { malloc((c->used ? c->used : 1) * sizeof *x.out), 0 };
	*n = 0;
	if (!x.out)
		return NULL;
	for_each_slot(c, collect_slot, &x);
	qsort(x.out, x.n, sizeof *x.out, by_count);
	*n = x.n;
	return x.out;
}
