/* Geneve (RFC 8926): a variable-length header whose TLV options are checked
 * and skipped; the VNI is kept. The protocol type is an ethertype
 * (0x6558 for Ethernet, or IPv4/IPv6 directly as some clouds send). */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(geneve)
{
	enum pt_status st = pt_need(x, in, 8, PT_EV_GENEVE_TRUNCATED, PT_EV_GENEVE_MALFORMED);
	if (st != PT_OK)
		return st;
	x->d->tunnel_count++;
	const struct pt_view *v = &in->v;
	if (pt_u8(v, 0) >> 6 != 0) {
		pt_dctx_event(x, PT_EV_GENEVE_BAD_VERSION);
		return PT_MALFORMED;
	}
	size_t hlen = 8 + (size_t)(pt_u8(v, 0) & 0x3f) * 4;
	uint16_t proto = pt_be16(v, 2);
	layer->aux = proto;
	layer->id_kind = PT_ID_VNI;
	layer->id = pt_be24(v, 4);
	st = pt_need(x, in, hlen, PT_EV_GENEVE_TRUNCATED, PT_EV_GENEVE_MALFORMED);
	if (st != PT_OK)
		return st;
	for (size_t off = 8; off < hlen;) {
		if (off + 4 > hlen) {
			pt_dctx_event(x, PT_EV_GENEVE_MALFORMED);
			return PT_MALFORMED;
		}
		off += 4 + (size_t)(pt_u8(v, off + 3) & 0x1f) * 4;
		if (off > hlen) {
			pt_dctx_event(x, PT_EV_GENEVE_MALFORMED);
			return PT_MALFORMED;
		}
	}
	next->hdr_len = hlen;
	next->proto = pt_dispatch_ethertype(proto);
	next->aux = proto;
	if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_GENEVE_UNKNOWN_PROTO);
	return PT_OK;
}
