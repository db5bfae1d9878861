/* What the analysis needs of one packet, and nothing else: a compact summary
 * made from the decoded layers and the frame in one pure step, so that the
 * frame can be released (or decoding done on another thread) before
 * matching. Everything after this step sees digests, never frames. */
#ifndef PATHTRACE_MATCH_DIGEST_H
#define PATHTRACE_MATCH_DIGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "model/flow-key.h"
#include "pathtrace/decode.h"

/* How the matcher finds the packet again at other points. */
enum pt_digest_kind {
	PT_DG_NOT_IP = 0, /* no IP header: counted at its point, not matched */
	PT_DG_WHOLE,      /* a whole packet, by fingerprint */
	PT_DG_FRAGMENT,   /* an IPv4 fragment, by datagram key */
	PT_DG_TCP_DATA,   /* TCP payload, by sequence byte range */
};

struct pt_digest_ip {
	uint8_t version, proto;
	uint32_t hdr_len, total_len, id;
	uint16_t frag_off;
	bool df, mf, is_frag;
};

struct pt_digest {
	int64_t ts;
	bool ts_guessed;        /* a stand-in for a glitched stamp: where, not when */
	bool outside_filter;    /* the user's filter does not select it: analysed, its flow not reported for it */
	uint32_t point;
	uint32_t len, caplen;
	uint8_t status;         /* enum pt_status */
	uint8_t kind;           /* enum pt_digest_kind */
	bool has_ifindex;       /* LINUX_SLL2 */
	bool cooked;            /* LINUX_SLL or SLL2: an -i any capture, many devices at one point */
	uint32_t ifindex;
	uint64_t encap_bits;    /* bit per enum pt_proto; PT_P_IPV4 for IP-in-IP */
	uint16_t vlan_count;
	uint8_t nips;
	uint8_t outer_version;
	uint32_t outer_len;     /* outermost IP length */
	bool len_from_frame;    /* some IP length was 0 (TSO) and taken from the frame */
	bool fragmented;        /* some IP header is a fragment */
	uint32_t frag_len;      /* the largest fragmented IP header's length */
	/* A tunnel packet whose outer IPv4 datagram was fragmented: this is its
	 * first fragment (the inner packet decoded from it); the later ones carry
	 * only the rest of the outer payload. */
	bool outer_first_frag;
	uint64_t outer_dg_key;
	uint32_t outer_dg_len;  /* the outer datagram's length before fragmentation */
	struct pt_digest_ip ip; /* innermost */
	struct pt_flow_key key; /* innermost 5-tuple */
	uint8_t l4_proto;       /* enum pt_proto */
	uint32_t payload_len;
	uint32_t tcp_seq;
	uint8_t tcp_flags, tcp_hdr_len;
	uint16_t tcp_mss;       /* announced in a SYN, else 0 */
	uint32_t tcp_ack;       /* with ACK in tcp_flags: a round trip ends here (analysis/rtt.c) */
	/* ICMP/ICMPv6 echo request or reply: the round trip ping measures */
	bool icmp_echo, icmp_echo_reply;
	uint16_t icmp_seq;
	uint64_t fingerprint;   /* PT_DG_WHOLE */
	uint64_t dg_key;        /* fragments, and whole IPv4 packets that may be fragmented later */
	uint32_t icmp_mtu;      /* an ICMP fragmentation-needed / Packet Too Big: the MTU it gives */
	struct pt_flow_key icmp_quoted;
	/* The tenant network as the frame shows it: the tunnel id (VNI, GRE
	 * key) nearest the inner packet, else its innermost VLAN tag;
	 * PT_ID_NONE where nothing tells (a VM tap). */
	uint8_t tag_kind;       /* enum pt_layer_id_kind */
	uint32_t tag_id;
	/* Who carried the frame here: the outer IP addresses of a tunnel
	 * packet, else the Ethernet addresses; 0 when the link type has none.
	 * A frame sent back where it came from (a firewall hair-pin) has them
	 * swapped; a copy has them as they were. */
	uint64_t carrier_src, carrier_dst;
	/* An identity no other packet shares by chance: a non-zero IPv4 ID, a
	 * SYN or TCP data (random sequence numbers). Kernel RSTs, unconnected
	 * UDP (IPv4 ID 0) and IPv6 without TCP data are weak: their twins are
	 * told apart by time, and they teach nothing (NAT, tenants, copies). */
	bool strong;
};

/* Summarises a decoded frame captured at point at ts (len: on the wire). */
void pt_digest_make(struct pt_digest *g, const struct pt_decoded *d, const uint8_t *frame, uint32_t point,
		    int64_t ts, uint32_t len, uint32_t caplen);

/* The hop-invariant identity of a whole packet (match/fingerprint.c). */
uint64_t pt_fingerprint(const struct pt_decoded *d, const uint8_t *frame);
/* Whether a digest's identity is strong (see struct pt_digest). */
bool pt_identity_strong(const struct pt_decoded *d);
/* IPv4 (src, dst, proto, id): what ties fragments to their datagram. */
uint64_t pt_datagram_key(const struct pt_ip *ip);
void pt_flow_key_from(const struct pt_decoded *d, struct pt_flow_key *k);

#endif
