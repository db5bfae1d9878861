/* A bounded table of string keys and counts, for summaries ("packets per
 * stack"). Past its capacity new keys are counted under "(other)", so a
 * fuzzed capture with endless distinct keys cannot grow memory. */
#ifndef PATHTRACE_BASE_COUNTER_H
#define PATHTRACE_BASE_COUNTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/hmap.h"

struct pt_counter_entry {
	char *key;
	uint64_t count;
};

struct pt_counter {
	struct pt_hmap map;
	size_t used, max_keys;
	uint64_t other;
};

void pt_counter_init(struct pt_counter *c, size_t max_keys);
void pt_counter_free(struct pt_counter *c);
void pt_counter_add(struct pt_counter *c, const char *key, uint64_t n);
/* Entries sorted by count (descending), then key; the keys stay the
 * counter's, the caller frees the array only. */
struct pt_counter_entry *pt_counter_sorted(const struct pt_counter *c, size_t *n);

#endif
