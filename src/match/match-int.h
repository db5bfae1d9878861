/* What the matcher's files share: packet records and their sightings.
 *
 * Three kinds of record, all finalised the same way once older than the
 * window: whole packets found again by fingerprint (match-whole.c), IPv4 datagrams
 * found again by datagram key so that fragments match (match-frag.c), and
 * TCP byte-range units (match-tcp.c). */
#ifndef PATHTRACE_MATCH_MATCH_INT_H
#define PATHTRACE_MATCH_MATCH_INT_H

#include "match/match.h"

struct pt_sighting {
	uint32_t point;
	bool nat;           /* seen with another 5-tuple than the record's flow */
	bool has_ip_id;     /* IPv4: a copy keeps the ID, a retransmission gets a new one */
	bool len_estimated; /* carried by a super-frame: wire_len is the segment size */
	bool ts_guessed;    /* its time is a stand-in (a clock glitch): no delay from it */
	bool outer_frag;    /* carried in outer fragments here (a tunnel packet fragmented on the underlay) */
	uint16_t nfrags;
	uint16_t ip_id;
	uint32_t bytes;     /* datagram payload bytes seen at this point (fragments) */
	uint32_t wire_len;  /* the IP length it had here (largest fragment, or segment) */
	int64_t ts;
};

/* A fragment a datagram's record has seen at a point: the same offset again
 * there is a copy, not more of the datagram. */
struct pt_frag_seen {
	uint32_t point;
	uint16_t off;
};

/* Most packets are seen at a handful of points: those sightings live in the
 * record, more go to the heap. */
#define PT_RECORD_INLINE 4

struct pt_record {
	struct pt_hmap_node key_node, dg_node;
	bool has_key, has_dg, is_unit, dead;
	bool whole_seen, fragmented, df;
	bool resent;                /* a TCP retransmission of bytes or a control segment sent before */
	uint8_t tcp_flags;
	struct pt_flow *flow;
	struct pt_record *prev, *next; /* expiry list, oldest first */
	int64_t first_ts;
	uint32_t ip_len;            /* innermost IP length of the whole packet */
	uint32_t dg_len;            /* datagram payload length, 0 unknown */
	int64_t seq_start, seq_end; /* TCP units: relative byte range */
	uint32_t nsight, capsight;
	struct pt_sighting *s;
	struct pt_sighting inl[PT_RECORD_INLINE];
	struct pt_frag_seen *frags; /* datagrams only */
	size_t nfrags, capfrags;
};

struct pt_outer_frag {
	struct pt_hmap_node node;
	uint32_t point;
	int64_t ts;
	struct pt_outer_frag *next; /* by age */
};

/* One packet at one point, as the record handlers need it. */
struct pt_sight {
	uint32_t point;
	int64_t ts;
	const struct pt_digest *g;
	uint32_t wire_len;
	bool estimated;
};

struct pt_record *pt_record_new(struct pt_matcher *m, struct pt_flow *f, int64_t ts);
/* A copy of r (sightings included) outside every list and map. */
struct pt_record *pt_record_clone(struct pt_matcher *m, const struct pt_record *r);
void pt_record_destroy(struct pt_record *r);
struct pt_sighting *pt_record_sighting_at(struct pt_record *r, unsigned point);
struct pt_sighting *pt_record_add_sighting(struct pt_matcher *m, struct pt_record *r, const struct pt_sight *in);
/* Folds a record into its flow's aggregates. */
void pt_record_emit(struct pt_matcher *m, struct pt_record *r);
/* Emits and releases it. */
void pt_record_finalize(struct pt_matcher *m, struct pt_record *r);
void pt_record_list_append(struct pt_matcher *m, struct pt_record *r);
void pt_record_list_unlink(struct pt_matcher *m, struct pt_record *r);
void pt_record_link_key(struct pt_matcher *m, struct pt_record *r, uint64_t key);
void pt_record_link_dg(struct pt_matcher *m, struct pt_record *r, uint64_t key);
/* Marks a sighting of flow f on record r as NAT-ed when the 5-tuples differ. */
void pt_record_note_nat(struct pt_record *r, struct pt_flow *f, struct pt_sighting *s);

void pt_match_whole(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f);
void pt_match_fragment(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f);
void pt_match_tcp_data(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *seen_as);

#endif
