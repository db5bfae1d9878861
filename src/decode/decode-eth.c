/* Ethernet II and IEEE 802.3 frames. */
#include <config.h>

#include "decode/decode-int.h"

#define ETH_HLEN 14

PT_DECODER(eth)
{
	enum pt_status st = pt_need(x, in, ETH_HLEN, PT_EV_ETH_TRUNCATED, PT_EV_ETH_MALFORMED);
	if (st != PT_OK)
		return st;
	uint16_t type = pt_be16(&in->v, 12);
	next->hdr_len = ETH_HLEN;
	layer->aux = type;
	if (type <= 1500) {
		/* 802.3: a length, not a type; the length excludes padding. */
		next->proto = PT_P_LLC;
		if (ETH_HLEN + (size_t)type <= in->wire)
			next->clamp = ETH_HLEN + (size_t)type;
		return PT_OK;
	}
	if (type < 0x0600) {
		pt_dctx_event(x, PT_EV_ETH_MALFORMED);
		return PT_MALFORMED;
	}
	next->proto = pt_dispatch_ethertype(type);
	if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_ETH_UNKNOWN_ETHERTYPE);
	next->aux = type;
	return PT_OK;
}
