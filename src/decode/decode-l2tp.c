/* L2TPv3 (RFC 3931) data messages carrying an Ethernet pseudowire (RFC 4719),
 * over IP (protocol 115) and over UDP (port 1701).
 *
 * Over IP the header is the 32-bit session id, 0 meaning a control message.
 * Over UDP it is a flags/version word (T bit, version 3), 16 reserved bits and
 * the session id. Then come a cookie whose length (0, 4 or 8 bytes) the two
 * ends agreed on out of band, and an optional 4-byte L2-specific sublayer
 * (Linux sends the default one unless told "l2spec_type none"). Neither is
 * announced in the packet, so the Ethernet header is looked for 0, 4, 8 and
 * 12 bytes after the session header and taken where its bytes give it away
 * (pt_eth_probe). The session id is the layer's id, the bytes skipped
 * between the session header and Ethernet its aux. */
#include <config.h>

#include "decode/decode-int.h"

#define L2TP_T 0x8000 /* control message */

/* Reads the session header: *hlen is its length, *data whether a data
 * message (a session's payload) follows it. */
static enum pt_status session_header(struct pt_dctx *x, struct pt_layer *layer, const struct pt_layer_in *in,
				     bool over_udp, size_t *hlen, bool *data)
{
	const struct pt_view *v = &in->v;
	*data = false;
	if (!over_udp) {
		*hlen = 4;
		enum pt_status st = pt_need(x, in, 4, PT_EV_L2TP_TRUNCATED, PT_EV_L2TP_MALFORMED);
		if (st != PT_OK)
			return st;
		layer->id = pt_be32(v, 0);
		if (layer->id == 0)
			pt_dctx_event(x, PT_EV_L2TP_CONTROL);
		*data = layer->id != 0;
		return PT_OK;
	}
	*hlen = 2;
	enum pt_status st = pt_need(x, in, 2, PT_EV_L2TP_TRUNCATED, PT_EV_L2TP_MALFORMED);
	if (st != PT_OK)
		return st;
	uint16_t flags = pt_be16(v, 0);
	switch (flags & 0x000f) {
	case 3:
		break;
	case 1: /* L2F */
	case 2: /* L2TPv2: PPP, not followed */
		pt_dctx_event(x, PT_EV_L2TP_OTHER_VERSION);
		return PT_OK;
	default:
		pt_dctx_event(x, PT_EV_L2TP_BAD_VERSION);
		return PT_MALFORMED;
	}
	*hlen = 8;
	st = pt_need(x, in, 8, PT_EV_L2TP_TRUNCATED, PT_EV_L2TP_MALFORMED);
	if (st != PT_OK)
		return st;
	if (flags & L2TP_T) {
		pt_dctx_event(x, PT_EV_L2TP_CONTROL);
		return PT_OK;
	}
	layer->id = pt_be32(v, 4);
	*data = true;
	return PT_OK;
}

PT_DECODER(l2tp)
{
	const struct pt_decoded *d = x->d;
	bool over_udp = d->nlayers >= 2 && d->layers[d->nlayers - 2].proto == PT_P_UDP;
	size_t hlen;
	bool data;
	x->d->tunnel_count++;
	enum pt_status st = session_header(x, layer, in, over_udp, &hlen, &data);
	if (st != PT_OK || !data) {
		next->hdr_len = hlen;
		return st;
	}
	layer->id_kind = PT_ID_L2TP_SESSION;
	next->hdr_len = hlen;
	/* Cookie 0, 4 or 8 bytes, with or without the 4-byte sublayer. */
	for (size_t extra = 0; extra <= 12; extra += 4) {
		bool found;
		st = pt_eth_probe(x, in, hlen + extra, PT_EV_L2TP_TRUNCATED, &found);
		if (st != PT_OK)
			return st;
		if (found) {
			layer->aux = (uint16_t)extra;
			next->hdr_len = hlen + extra;
			next->proto = PT_P_ETH;
			return PT_OK;
		}
	}
	pt_dctx_event(x, PT_EV_L2TP_UNKNOWN_PAYLOAD);
	return PT_OK;
}
