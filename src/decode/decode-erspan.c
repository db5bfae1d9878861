/* ERSPAN, Cisco's mirrored-traffic encapsulation over GRE: type I (no
 * header), type II (8 bytes) and type III (12 bytes, plus an 8-byte platform
 * sub-header when the O flag is set). The type comes from GRE (layer->aux). */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(erspan)
{
	unsigned type = layer->aux;
	next->proto = PT_P_ETH;
	if (type == 1) {
		next->hdr_len = 0;
		return PT_OK;
	}
	size_t hlen = type == 3 ? 12 : 8;
	enum pt_status st = pt_need(x, in, hlen, PT_EV_ERSPAN_TRUNCATED, PT_EV_ERSPAN_MALFORMED);
	if (st != PT_OK)
		return st;
	unsigned ver = pt_u8(&in->v, 0) >> 4;
	if (ver != type - 1) {
		pt_dctx_event(x, PT_EV_ERSPAN_MALFORMED);
		return PT_MALFORMED;
	}
	layer->id_kind = PT_ID_ERSPAN;
	layer->id = pt_be16(&in->v, 2) & 0x03ff;
	if (type == 3 && (pt_u8(&in->v, 11) & 0x01)) {
		hlen += 8;
		st = pt_need(x, in, hlen, PT_EV_ERSPAN_TRUNCATED, PT_EV_ERSPAN_MALFORMED);
		if (st != PT_OK)
			return st;
	}
	next->hdr_len = hlen;
	return PT_OK;
}
