/* Linux cooked captures (tcpdump -i any): SLL v1 (16 bytes) and v2 (20 bytes). */
#include <config.h>

#include "decode/decode-int.h"

/* The protocol field of a cooked header holds an ethertype, or for non-DIX
 * frames one of the Linux ETH_P_ pseudo types. */
static enum pt_proto cooked_proto(uint16_t proto, uint16_t *aux)
{
	*aux = proto;
	switch (proto) {
	case 0x0004: /* ETH_P_802_2: an LLC header follows */
		return PT_P_LLC;
	default:
		return pt_dispatch_ethertype(proto);
	}
}

#define ARPHRD_IPGRE 778

/* On an ipgre device (ARPHRD_IPGRE) the protocol field is GRE's protocol
 * type. libpcap reads such a device cooked (SOCK_DGRAM), so the kernel has
 * already taken the outer IP and GRE headers off and the inner packet follows
 * the cooked header directly, as tcpdump and Wireshark read it
 * (kaorimatz/pcaps gre2). A GRE header in front of it is told by its own
 * bytes: flags with bit 1 (RFC 1701's R) and the bits RFC 2784/2890 reserve
 * clear, version 0, and its protocol type repeating the cooked one. The first
 * byte of an IPv4 or IPv6 header (0x4_, 0x6_) always has bit 1 set. */
static bool gre_header_follows(const struct pt_view *v, uint16_t proto)
{
	return pt_view_has(v, 0, 4) && (pt_be16(v, 0) & 0x4fff) == 0 && pt_be16(v, 2) == proto;
}

static enum pt_status after_cooked(struct pt_dctx *x, const struct pt_layer_in *in, size_t hlen,
				   uint16_t hatype, uint16_t proto, struct pt_next *next)
{
	if (hatype == ARPHRD_IPGRE) {
		struct pt_view rest = pt_view_from(&in->v, hlen);
		if (rest.len < 4 && in->wire >= hlen + 4) {
			/* The capture cut the bytes that tell the two layouts apart. */
			pt_dctx_event(x, PT_EV_SLL_TRUNCATED);
			return PT_TRUNCATED;
		}
		if (gre_header_follows(&rest, proto)) {
			next->proto = PT_P_GRE;
			return PT_OK;
		}
	}
	next->proto = cooked_proto(proto, &next->aux);
	if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_ETH_UNKNOWN_ETHERTYPE);
	return PT_OK;
}

PT_DECODER(sll)
{
	enum pt_status st = pt_need(x, in, 16, PT_EV_SLL_TRUNCATED, PT_EV_SLL_MALFORMED);
	if (st != PT_OK)
		return st;
	uint16_t hatype = pt_be16(&in->v, 2);
	uint16_t proto = pt_be16(&in->v, 14);
	layer->aux = hatype;
	next->hdr_len = 16;
	return after_cooked(x, in, 16, hatype, proto, next);
}

PT_DECODER(sll2)
{
	enum pt_status st = pt_need(x, in, 20, PT_EV_SLL_TRUNCATED, PT_EV_SLL_MALFORMED);
	if (st != PT_OK)
		return st;
	uint16_t proto = pt_be16(&in->v, 0);
	uint16_t hatype = pt_be16(&in->v, 8);
	layer->aux = hatype;
	next->hdr_len = 20;
	return after_cooked(x, in, 20, hatype, proto, next);
}
