/* GRE (RFC 2784, key and sequence RFC 2890; NVGRE RFC 7637; PPTP's enhanced
 * GRE version 1, RFC 2637). Also reached from UDP port 4754 (GRE-in-UDP,
 * RFC 8086) and from Linux cooked captures of ipgre devices. */
#include <config.h>

#include "decode/decode-int.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_A 0x0080 /* version 1: acknowledgment number present */

PT_DECODER(gre)
{
	enum pt_status st = pt_need(x, in, 4, PT_EV_GRE_TRUNCATED, PT_EV_GRE_MALFORMED);
	if (st != PT_OK)
		return st;
	uint16_t flags = pt_be16(&in->v, 0);
	uint16_t proto = pt_be16(&in->v, 2);
	unsigned version = flags & 0x7;
	layer->aux = proto;
	x->d->tunnel_count++;
	if (version > 1) {
		pt_dctx_event(x, PT_EV_GRE_BAD_VERSION);
		return PT_MALFORMED;
	}
	if (flags & GRE_R) {
		/* RFC 1701 source routing, deprecated since RFC 2784: not followed. */
		pt_dctx_event(x, PT_EV_GRE_MALFORMED);
		return PT_MALFORMED;
	}
	size_t hlen = 4, key_off = 0;
	if (flags & GRE_C)
		hlen += 4;
	if (flags & GRE_K) {
		key_off = hlen;
		hlen += 4;
	}
	if (flags & GRE_S)
		hlen += 4;
	if (version == 1 && (flags & GRE_A))
		hlen += 4;
	st = pt_need(x, in, hlen, PT_EV_GRE_TRUNCATED, PT_EV_GRE_MALFORMED);
	if (st != PT_OK)
		return st;
	next->hdr_len = hlen;
	if (version == 1) {
		/* PPTP: the "key" is payload length and call id; PPP is not followed. */
		pt_dctx_event(x, PT_EV_GRE_PPTP);
		return PT_OK;
	}
	if (key_off) {
		layer->id_kind = PT_ID_GRE_KEY;
		layer->id = pt_be32(&in->v, key_off);
	}
	switch (proto) {
	case PT_ETHERTYPE_ERSPAN_2:
		/* ERSPAN type I carries no sequence number and no header of its own. */
		next->proto = PT_P_ERSPAN;
		next->aux = (flags & GRE_S) ? 2 : 1;
		return PT_OK;
	case PT_ETHERTYPE_ERSPAN_3:
		next->proto = PT_P_ERSPAN;
		next->aux = 3;
		return PT_OK;
	default:
		next->proto = pt_dispatch_ethertype(proto);
		next->aux = proto;
		if (next->proto == PT_P_NONE)
			pt_dctx_event(x, PT_EV_GRE_UNKNOWN_PROTO);
		return PT_OK;
	}
}
