/* An intrusive hash map in the style of Open vSwitch's hmap: the caller
 * embeds a struct pt_hmap_node in its own records and owns their memory; the
 * map only links them. One map type serves flows, packet records, ICMP
 * messages and string counters.
 *
 * Nodes with the same hash are visited newest first, and that order
 * survives growth: the matcher relies on it to prefer the most recent of
 * several identical packets when all else is equal. */
#ifndef PATHTRACE_BASE_HMAP_H
#define PATHTRACE_BASE_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pt_hmap_node {
	struct pt_hmap_node *next;
	uint64_t hash;
};

struct pt_hmap {
	struct pt_hmap_node **buckets;
	size_t mask; /* buckets - 1; buckets is a power of two */
	size_t n;
};

#define PT_CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

void pt_hmap_init(struct pt_hmap *m);
/* Frees the bucket array; the nodes belong to the caller. */
void pt_hmap_destroy(struct pt_hmap *m);
/* Links node under hash. Growing the table may fail for want of memory: the
 * map then stays correct, only with longer chains; false only when no
 * bucket array could be made at all, and the node is then not linked. */
bool pt_hmap_insert(struct pt_hmap *m, struct pt_hmap_node *node, uint64_t hash);
void pt_hmap_remove(struct pt_hmap *m, struct pt_hmap_node *node);
/* The newest node inserted under hash, or NULL; then the next older one. */
struct pt_hmap_node *pt_hmap_first_with_hash(const struct pt_hmap *m, uint64_t hash);
struct pt_hmap_node *pt_hmap_next_with_hash(const struct pt_hmap_node *node);
static inline size_t pt_hmap_count(const struct pt_hmap *m)
{
	return m->n;
}

/* for (node in nodes with hash h) ... , node a struct pt_hmap_node *. */
#define PT_HMAP_FOR_EACH_WITH_HASH(node, h, map)                                        \
	for ((node) = pt_hmap_first_with_hash((map), (h)); (node);                       \
	     (node) = pt_hmap_next_with_hash(node))

/* A 64-bit hash of bytes whose low bits spread well (bucket = hash & mask). */
uint64_t pt_hash_bytes(const void *p, size_t n, uint64_t seed);
uint64_t pt_hash_string(const char *s);

#endif
