/* Flow keys: hashing, direction and scope. */
#include <config.h>

#include <string.h>

#include "base/hmap.h"
#include "model/flow-key.h"

/* Keys are compared and hashed as bytes (the struct has no padding; unused
 * address bytes are zero). */
uint64_t pt_flow_key_hash(const struct pt_flow_key *k)
{
	return pt_hash_bytes(k, sizeof *k, 0);
}

bool pt_flow_key_eq(const struct pt_flow_key *a, const struct pt_flow_key *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

bool pt_flow_key_is_icmp(const struct pt_flow_key *k)
{
	return k->proto == 1 || k->proto == 58;
}

void pt_flow_key_reverse(const struct pt_flow_key *k, struct pt_flow_key *r)
{
	*r = *k;
	memcpy(r->src, k->dst, sizeof r->src);
	memcpy(r->dst, k->src, sizeof r->dst);
	if (pt_flow_key_is_icmp(k)) {
		r->sport = k->sport;
	} else {
		r->sport = k->dport;
		r->dport = k->sport;
	}
}

bool pt_flow_key_unicast(const struct pt_flow_key *k)
{
	if (k->version == 4) {
		bool link_local = (k->src[0] == 169 && k->src[1] == 254) || (k->dst[0] == 169 && k->dst[1] == 254);
		bool broadcast = k->dst[0] == 255 && k->dst[1] == 255 && k->dst[2] == 255 && k->dst[3] == 255;
		return !link_local && !broadcast && (k->dst[0] & 0xf0) != 0xe0;
	}
	bool link_local = (k->src[0] == 0xfe && (k->src[1] & 0xc0) == 0x80) ||
			  (k->dst[0] == 0xfe && (k->dst[1] & 0xc0) == 0x80);
	return !link_local && k->dst[0] != 0xff;
}
