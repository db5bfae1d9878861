/* What `pathtrace decode` sums up at the end: packets per stack, per link
 * type and status, tunnel ids seen, fragments, ICMP MTU messages, events. */
#ifndef PATHTRACE_DECODE_STATS_H
#define PATHTRACE_DECODE_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "base/counter.h"
#include "pathtrace/decode.h"

struct pt_decode_stats {
	uint64_t packets, bytes;
	uint64_t status[3];
	uint64_t snaplen_cut;
	uint64_t frag_v4, frag_v6, frag_first, frag_later;
	uint64_t events[PT_EV__COUNT];
	struct pt_counter stacks, linktypes, tunnel_ids, icmp_mtu;
};

void pt_decode_stats_init(struct pt_decode_stats *s);
void pt_decode_stats_free(struct pt_decode_stats *s);
void pt_decode_stats_add(struct pt_decode_stats *s, const struct pt_decoded *d);
void pt_decode_stats_print(const struct pt_decode_stats *s, FILE *fp);

/* "frag-needed mtu=1492 from 10.0.0.1 about 10.0.0.2 > 10.0.0.3 udp" style text for an ICMP MTU message. */
void pt_icmp_mtu_describe(const struct pt_decoded *d, char *buf, size_t size);

#endif
