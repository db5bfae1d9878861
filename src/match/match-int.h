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
	bool returned;      /* seen again here coming back through a middlebox (a hair-pin) */
	bool has_ip_id;     /* IPv4: a copy keeps the ID, a retransmission gets a new one */
	bool len_estimated; /* carried by a super-frame: wire_len is the segment size */
	bool ts_guessed;    /* its time is a stand-in (a clock glitch): no delay from it */
	bool outer_frag;    /* carried in outer fragments here (a tunnel packet fragmented on the underlay) */
	uint16_t nfrags;
	uint16_t ip_id;
	uint32_t bytes;     /* datagram payload bytes seen at this point (fragments) */
	uint32_t wire_len;  /* the IP length it had here (largest fragment, or segment) */
	uint8_t tag_kind;   /* the tenant tag the frame carried here (struct pt_digest) */
	uint32_t tag_id;
	uint32_t segment;   /* and the tenant segment that is (match/tenant.c), 0 none */
	uint32_t carrier_src, carrier_dst; /* who carried it here (struct pt_digest), folded */
	struct pt_flow *counted_in; /* the flow its frame was counted in when it came */
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
	bool strong;                /* its identity is strong (struct pt_digest) */
	bool retired;               /* an earlier transmission of TCP bytes, off the unit vector (match-tcp.c) */
	bool cls_tagged;            /* its tenant class comes from a tagged sighting */
	uint8_t tcp_flags;
	uint32_t cls;               /* the tenant class its sightings put it in, 0 none */
	uint64_t serial;            /* from 1, in order of creation */
	struct pt_flow *flow;
	struct pt_flow *home;       /* retired: the flow whose retired list holds it */
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
	uint32_t segment; /* its tenant segment, 0 none */
	struct pt_flow *flow; /* the flow it was counted in */
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
/* Moves sighting i of from to to (a repeat's sighting that fits a later twin). */
void pt_record_move_sighting(struct pt_matcher *m, struct pt_record *from, unsigned i, struct pt_record *to);
/* A 64-bit carrier hash in the 32 bits a sighting keeps; 0 stays 0. */
static inline uint32_t pt_fold(uint64_t h)
{
	uint32_t x = (uint32_t)(h ^ h >> 32);
	return x || !h ? x : 1;
}
/* Marks a sighting of flow f on record r as NAT-ed when the 5-tuples differ;
 * a strong identity teaches the translation (match/translation.c). */
void pt_record_note_nat(struct pt_matcher *m, struct pt_record *r, struct pt_flow *f, struct pt_sighting *s);
/* The packet of record c seen again at point with flow f's 5-tuple, as a
 * copy or coming back through a middlebox: with another 5-tuple, a
 * translation where it was captured (a DNAT on a pod's tun0, seen before
 * and after iptables), and the translated flow continues c's. False when
 * the 5-tuple is c's own. */
bool pt_record_translated_here(struct pt_matcher *m, struct pt_record *c, struct pt_flow *f, unsigned point);
/* Whether a packet of flow f (digest g) may be record c's packet seen
 * again: the same 5-tuple, or 5-tuples a translation ties together. */
bool pt_record_same_packet(const struct pt_matcher *m, const struct pt_record *c, struct pt_flow *f,
			   const struct pt_digest *g);
/* How far a sighting at point at ts is from where record c would be seen
 * there (see match-whole.c); known says whether a gap was measured between
 * c's first point and point by a record other than the one with serial
 * not_by (0: any record). */
int64_t pt_misfit(const struct pt_matcher *m, const struct pt_record *c, unsigned point, int64_t ts, uint64_t not_by,
		  bool *known);
/* What a second sighting at s's point is. */
enum pt_again {
	PT_AGAIN_COPY,     /* the same frame twice (promiscuous bridge, -i any) */
	PT_AGAIN_RETURNED, /* the packet coming back through a middlebox on the same interface */
	PT_AGAIN_NEW,      /* another packet: a resend, a repeat, another tenant's twin */
};
enum pt_again pt_sighting_again(const struct pt_matcher *m, const struct pt_sighting *s, const struct pt_sight *in);
/* Counts a hair-pin's return (s->returned) or a copy at in's point. */
void pt_sighting_absorb(struct pt_matcher *m, struct pt_sighting *s, const struct pt_sight *in, enum pt_again a);

/* Tenant networks (match/tenant.c). */
void pt_tenants_init(struct pt_tenants *t);
void pt_tenants_free(struct pt_tenants *t);
/* The segment a digest was seen on (created on first sight); 0 for -i any
 * captures, non-IP packets, or when memory ran out. */
uint32_t pt_tenant_segment(struct pt_matcher *m, const struct pt_digest *g);
/* The class (its root) a segment is known to be in; 0 for a mixed segment or none. */
uint32_t pt_tenant_of(const struct pt_matcher *m, uint32_t seg);
bool pt_segment_tagged(const struct pt_matcher *m, uint32_t seg);
uint32_t pt_tenant_root(const struct pt_matcher *m, uint32_t cls);
/* Whether two classes are two networks: both hold a segment of one point. */
bool pt_tenant_apart(const struct pt_matcher *m, uint32_t a, uint32_t b);
/* Joins two classes that are not apart; the root, 0 when they are apart. */
uint32_t pt_tenant_join(struct pt_matcher *m, uint32_t a, uint32_t b);
/* An untagged segment found carrying two networks: it no longer tells one. */
void pt_tenant_mix(struct pt_matcher *m, uint32_t seg);
void pt_tenant_label(const struct pt_matcher *m, uint32_t cls, uint8_t *kind, uint32_t *id);
/* Whether a sighting on segment seg may join record r as far as networks
 * tell; pt_tenant_admit then lets it, learning what it teaches. */
bool pt_tenant_fits(const struct pt_matcher *m, const struct pt_record *r, uint32_t seg, bool strong);
void pt_tenant_admit(struct pt_matcher *m, struct pt_record *r, uint32_t seg, bool strong);
/* The flow of key in tenant class cls (0: whichever fits), created when
 * none is in a network that could be cls; NULL when memory ran out. A
 * TCP data segment (seq given, has_seq) goes to the flow whose sequence
 * space is nearest when the class does not tell. */
struct pt_flow *pt_tenant_flow(struct pt_matcher *m, const struct pt_flow_key *key, uint32_t cls, int64_t ts,
			       bool has_seq, uint32_t seq);

/* Learnt address translations (match/translation.c). */
void pt_xlats_init(struct pt_xlats *t);
void pt_xlats_free(struct pt_xlats *t);
void pt_xlat_learn(struct pt_matcher *m, const struct pt_flow_key *x, const struct pt_flow_key *y);
/* Whether x and y differ only by addresses a learnt translation maps. */
bool pt_xlat_known(const struct pt_matcher *m, const struct pt_flow_key *x, const struct pt_flow_key *y);

void pt_match_whole(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f);
void pt_match_fragment(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f);
void pt_match_tcp_data(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *seen_as);

#endif
