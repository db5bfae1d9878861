/* Internal contract between the layer walk (decode.c) and the per-protocol
 * decoders (decode-*.c). Every decoder has the same shape:
 *
 *   enum pt_status pt_decode_X(struct pt_dctx *x, struct pt_layer *layer,
 *                              const struct pt_layer_in *in, struct pt_next *next);
 *
 * It reads its header from in->v (captured bytes from the layer start, already
 * clamped by enclosing length fields), fills the layer's id, records what the
 * packet summary needs in x->d, and says in next what follows and where.
 */
#ifndef PATHTRACE_DECODE_INT_H
#define PATHTRACE_DECODE_INT_H

#include "pathtrace/decode.h"

struct pt_dctx {
	struct pt_decoded *d;
	const struct pt_decode_opts *opts;
	const uint8_t *frame;
};

struct pt_layer_in {
	struct pt_view v; /* captured bytes from the layer start */
	size_t wire;      /* bytes the packet claims from the layer start (>= v.len) */
	uint32_t off;     /* offset of the layer in the frame */
};

struct pt_next {
	enum pt_proto proto; /* PT_P_NONE: nothing more to decode */
	size_t hdr_len;      /* the next layer starts this far from this layer's start */
	size_t clamp;        /* nonzero: this layer with payload ends this far from its start */
	uint16_t aux;        /* handed to the next layer's aux (VLAN: the TPID) */
};

typedef enum pt_status (*pt_decoder_fn)(struct pt_dctx *x, struct pt_layer *layer,
					const struct pt_layer_in *in, struct pt_next *next);

/* Records an event (bounded; overflow is itself an event). */
void pt_dctx_event(struct pt_dctx *x, enum pt_event ev);

/* Checks that n header bytes are there. Missing bytes the packet claims to have
 * are a truncation (the capture cut them); missing bytes it never had make the
 * packet malformed. Records the matching event. */
enum pt_status pt_need(struct pt_dctx *x, const struct pt_layer_in *in, size_t n,
		       enum pt_event ev_truncated, enum pt_event ev_malformed);

/* True when an enclosing IP header (not the innermost) is a fragment, so the
 * lengths of what it carries legitimately exceed the bytes present. */
bool pt_dctx_in_fragment(const struct pt_dctx *x, bool include_innermost);

/* Dispatch tables (decode.c): one row per protocol. */
enum pt_proto pt_dispatch_ethertype(uint16_t ethertype);
enum pt_proto pt_dispatch_ipproto(uint8_t ipproto);
enum pt_proto pt_dispatch_udp_port(const struct pt_decode_opts *o, uint16_t sport, uint16_t dport);

/* For payloads with no type field in front (MPLS after the bottom label, an
 * L2TPv3 pseudowire after a cookie of unannounced length): is there an
 * Ethernet header at off that its own bytes give away (a unicast source MAC,
 * an ethertype we follow, and for IPv4/IPv6 the matching version nibble
 * after it)? PT_OK with *found set or not (also when the packet has no room
 * for one), or PT_TRUNCATED with ev_truncated recorded when the capture cut
 * the 15 bytes that would tell. */
enum pt_status pt_eth_probe(struct pt_dctx *x, const struct pt_layer_in *in, size_t off, enum pt_event ev_truncated,
			    bool *found);

/* Starts a new IP header record (resets the innermost transport). NULL past PT_MAX_IPS. */
struct pt_ip *pt_dctx_push_ip(struct pt_dctx *x);

/* Parses what an ICMP/ICMPv6 error quotes: an IP header and the first 8 transport bytes. */
void pt_parse_icmp_quote(struct pt_dctx *x, const struct pt_view *q, struct pt_icmp_quote *out);

#define PT_DECODER(name)                                                                        \
	enum pt_status pt_decode_##name(struct pt_dctx *x, struct pt_layer *layer,            \
					const struct pt_layer_in *in, struct pt_next *next)

PT_DECODER(eth);
PT_DECODER(llc);
PT_DECODER(sll);
PT_DECODER(sll2);
PT_DECODER(null);
PT_DECODER(raw);
PT_DECODER(vlan);
PT_DECODER(mpls);
PT_DECODER(arp);
PT_DECODER(ipv4);
PT_DECODER(ipv6);
PT_DECODER(gre);
PT_DECODER(erspan);
PT_DECODER(vxlan);
PT_DECODER(geneve);
PT_DECODER(ah);
PT_DECODER(gue);
PT_DECODER(l2tp);
PT_DECODER(udp);
PT_DECODER(tcp);
PT_DECODER(icmp);
PT_DECODER(icmpv6);

#define PT_ETHERTYPE_IPV4 0x0800
#define PT_ETHERTYPE_ARP 0x0806
#define PT_ETHERTYPE_IPV6 0x86dd
#define PT_ETHERTYPE_TEB 0x6558
#define PT_ETHERTYPE_ERSPAN_2 0x88be
#define PT_ETHERTYPE_ERSPAN_3 0x22eb
#define PT_ETHERTYPE_PPP 0x880b

#endif
