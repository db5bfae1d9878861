/* Generic UDP Encapsulation (draft-ietf-intarea-gue; Linux fou in gue mode,
 * the encap option of ipip, sit and gre tunnels). GUE has no well-known
 * port: the UDP ports are given with --gue-port. The first two bits are the
 * variant:
 *   0: a 4-byte header (C bit, Hlen in 4-byte words of extension fields and
 *      options after it, the IP protocol number of the payload, flags), then
 *      the extensions; C set makes it a control message.
 *   1: no header at all: the payload is an IPv4 (0100) or IPv6 (0110) packet,
 *      told by its own version nibble.
 * Only payloads that are network layers of their own are followed (IPv4,
 * IPv6, GRE); a transport header with no IP header before it has no flow. */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(gue)
{
	enum pt_status st = pt_need(x, in, 1, PT_EV_GUE_TRUNCATED, PT_EV_GUE_MALFORMED);
	if (st != PT_OK)
		return st;
	const struct pt_view *v = &in->v;
	uint8_t first = pt_u8(v, 0);
	x->d->tunnel_count++;
	if (first >> 6 == 1) {
		layer->aux = 1;
		next->hdr_len = 0;
		switch (first >> 4) {
		case 4:
			next->proto = PT_P_IPV4;
			return PT_OK;
		case 6:
			next->proto = PT_P_IPV6;
			return PT_OK;
		default:
			pt_dctx_event(x, PT_EV_GUE_BAD_VERSION);
			return PT_MALFORMED;
		}
	}
	if (first >> 6 != 0) {
		pt_dctx_event(x, PT_EV_GUE_BAD_VERSION);
		return PT_MALFORMED;
	}
	st = pt_need(x, in, 4, PT_EV_GUE_TRUNCATED, PT_EV_GUE_MALFORMED);
	if (st != PT_OK)
		return st;
	size_t hlen = 4 + (size_t)(first & 0x1f) * 4;
	uint8_t proto = pt_u8(v, 1);
	layer->aux = proto;
	st = pt_need(x, in, hlen, PT_EV_GUE_TRUNCATED, PT_EV_GUE_MALFORMED);
	if (st != PT_OK)
		return st;
	next->hdr_len = hlen;
	if (first & 0x20) {
		pt_dctx_event(x, PT_EV_GUE_CONTROL);
		return PT_OK;
	}
	switch (pt_dispatch_ipproto(proto)) {
	case PT_P_IPV4:
	case PT_P_IPV6:
	case PT_P_GRE:
		next->proto = pt_dispatch_ipproto(proto);
		return PT_OK;
	default:
		pt_dctx_event(x, PT_EV_GUE_UNKNOWN_PROTO);
		return PT_OK;
	}
}
