/* Sets of capture point indexes, interned: each distinct set is stored once
 * and named by a 32-bit id, so a path signature stays as cheap to keep and
 * compare as a 64-bit mask while the number of points is unbounded. Id 0 is
 * the empty set. Ids are stable for the life of the table. */
#ifndef PATHTRACE_BASE_PSET_H
#define PATHTRACE_BASE_PSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t pt_pset;
#define PT_PSET_EMPTY 0u

struct pt_psets;

struct pt_psets *pt_psets_new(void);
void pt_psets_free(struct pt_psets *t);
/* Sets the table could not store for want of memory (each became empty). */
uint64_t pt_psets_failures(const struct pt_psets *t);

bool pt_pset_has(const struct pt_psets *t, pt_pset s, unsigned i);
/* The set's words (bit i of word i / 64), trailing zero words left out. */
const uint64_t *pt_pset_words(const struct pt_psets *t, pt_pset s, size_t *nwords);
size_t pt_pset_count(const struct pt_psets *t, pt_pset s);
pt_pset pt_pset_union(struct pt_psets *t, pt_pset a, pt_pset b);
pt_pset pt_pset_with(struct pt_psets *t, pt_pset a, unsigned i);
/* Whether a and b share a member. */
bool pt_pset_meets(const struct pt_psets *t, pt_pset a, pt_pset b);
/* Iterates members in ascending order: i = pt_pset_next(t, s, 0) while i >= 0,
 * then pt_pset_next(t, s, i + 1). */
long pt_pset_next(const struct pt_psets *t, pt_pset s, unsigned from);

/* A set under construction, on the stack for up to 256 points. */
struct pt_pset_builder {
	uint64_t inl[4];
	uint64_t *w;
	size_t nwords;
	bool failed;
};

void pt_pset_builder_init(struct pt_pset_builder *b);
void pt_pset_builder_add(struct pt_pset_builder *b, unsigned i);
bool pt_pset_builder_has(const struct pt_pset_builder *b, unsigned i);
bool pt_pset_builder_empty(const struct pt_pset_builder *b);
/* Interns the set and releases the builder. */
pt_pset pt_pset_builder_done(struct pt_pset_builder *b, struct pt_psets *t);
void pt_pset_builder_free(struct pt_pset_builder *b);

#endif
