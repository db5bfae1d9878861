/* The identity of a unidirectional flow: the innermost 5-tuple, ICMP echoes
 * keyed by their identifier in place of a source port. */
#ifndef PATHTRACE_MODEL_FLOW_KEY_H
#define PATHTRACE_MODEL_FLOW_KEY_H

#include <stdbool.h>
#include <stdint.h>

/* Compared and hashed as bytes: no implicit padding, so a key made with a
 * designated initialiser compares like one made by memset and assignment. */
struct pt_flow_key {
	uint8_t version, proto;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool has_ports;
	uint8_t reserved; /* zero */
};

_Static_assert(sizeof(struct pt_flow_key) == 40, "struct pt_flow_key has padding");

uint64_t pt_flow_key_hash(const struct pt_flow_key *k);
bool pt_flow_key_eq(const struct pt_flow_key *a, const struct pt_flow_key *b);
/* The other direction: addresses swapped; ports swapped, or for ICMP the
 * echo identifier kept (replies carry the request's). */
void pt_flow_key_reverse(const struct pt_flow_key *k, struct pt_flow_key *r);
/* Routed unicast: not multicast, broadcast or link-local. Other traffic has
 * no single path to be lost on, and no NAT rewrites it. */
bool pt_flow_key_unicast(const struct pt_flow_key *k);
bool pt_flow_key_is_icmp(const struct pt_flow_key *k);

#endif
