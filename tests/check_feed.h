/* Hand-built digests for the match, analysis and output suites: a packet
 * described by a few numbers becomes the digest the decoder would have made
 * of it, without a frame. Sequences of them are the small known-answer
 * inputs those suites run on. */
#ifndef PATHTRACE_CHECK_FEED_H
#define PATHTRACE_CHECK_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "match/digest.h"
#include "model/point.h"

struct pt_analysis;

struct feed_pkt {
	uint32_t point;
	int64_t ts;          /* ns */
	uint8_t proto;       /* 17 UDP (default), 6 TCP, 1 ICMP echo */
	uint32_t src, dst;   /* IPv4, host order; 10.0.0.1 > 10.0.0.2 when 0 */
	uint16_t sport, dport;
	uint16_t ip_id;
	uint32_t ip_len;     /* IPv4 total length; 100 when 0 */
	bool df;
	uint32_t tcp_seq;    /* TCP: data when payload > 0 and no SYN */
	uint8_t tcp_flags;
	uint16_t tcp_mss;    /* announced in a SYN */
	uint64_t tag;        /* what tells otherwise equal packets apart (the payload) */
	uint32_t tunnel;     /* bytes of outer headers: a VXLAN underlay capture when > 0 */
	uint32_t tcp_ack;    /* TCP: the acknowledgment number (with ACK, the default flags) */
	bool icmp_reply;     /* ICMP (proto 1): an echo reply, else a request; sport is the identifier */
	uint16_t icmp_seq;
	uint32_t icmp_mtu;   /* an ICMP frag-needed quoting src > dst (of the quoted flow below) */
	uint32_t quoted_src, quoted_dst;
	uint16_t quoted_sport, quoted_dport;
	bool outside_filter; /* the user's filters do not select it */
	uint8_t tag_kind;    /* the tenant tag the frame carries (enum pt_layer_id_kind), none when 0 */
	uint32_t tag_id;
	uint64_t carrier_src, carrier_dst; /* who carried the frame (struct pt_digest), unknown when 0 */
	bool ipv6;           /* IPv6 (fd00::src > fd00::dst): no IP ID, a weak identity but for TCP data or a SYN */
	bool sll2;           /* an -i any capture: an interface index, no segments of its own */
};

/* The digest the decoder would make of p. */
void feed_digest(struct pt_digest *g, const struct feed_pkt *p);
/* Feeds p to the analysis (tests/check_feed_analysis.c: analysis layer and up). */
void feed(struct pt_analysis *a, const struct feed_pkt *p);
/* n points named names[i] (all "pN" when names is NULL). */
void feed_points(struct pt_points *ps, unsigned n, const char *const *names);

#define FEED_IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define MS(x) ((int64_t)(x) * 1000000)
#define US(x) ((int64_t)(x) * 1000)

#endif
