/* Bounded string counter: open addressing with linear probing. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pathtrace/counter.h"

void pt_counter_init(struct pt_counter *c, size_t max_keys)
{
	memset(c, 0, sizeof *c);
	c->max_keys = max_keys;
}

void pt_counter_free(struct pt_counter *c)
{
	for (size_t i = 0; i < c->nslots; i++)
		free(c->slots[i].key);
	free(c->slots);
	memset(c, 0, sizeof *c);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static bool grow(struct pt_counter *c)
{
	size_t n = c->nslots ? c->nslots * 2 : 64;
	struct pt_counter_entry *s = calloc(n, sizeof *s);
	if (!s)
		return false;
	for (size_t i = 0; i < c->nslots; i++) {
		if (!c->slots[i].key)
			continue;
		size_t j = hash(c->slots[i].key) & (n - 1);
		while (s[j].key)
			j = (j + 1) & (n - 1);
		s[j] = c->slots[i];
	}
	free(c->slots);
	c->slots = s;
	c->nslots = n;
	return true;
}

void pt_counter_add(struct pt_counter *c, const char *key, uint64_t n)
{
	if (c->nslots) {
		size_t j = hash(key) & (c->nslots - 1);
		while (c->slots[j].key) {
			if (strcmp(c->slots[j].key, key) == 0) {
				c->slots[j].count += n;
				return;
			}
			j = (j + 1) & (c->nslots - 1);
		}
	}
	if (c->used >= c->max_keys || ((c->used + 1) * 2 > c->nslots && !grow(c))) {
		c->other += n;
		return;
	}
	size_t j = hash(key) & (c->nslots - 1);
	while (c->slots[j].key)
		j = (j + 1) & (c->nslots - 1);
	c->slots[j].key = strdup(key);
	if (!c->slots[j].key) {
		c->other += n;
		return;
	}
	c->slots[j].count = n;
	c->used++;
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
	*n = 0;
	struct pt_counter_entry *out = malloc((c->used ? c->used : 1) * sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].key)
			out[(*n)++] = c->slots[i];
	qsort(out, *n, sizeof *out, by_count);
	return out;
}
