/* Ethernet II and IEEE 802.3 frames. */
#include <config.h>

#include "decode/decode-int.h"

#define ETH_HLEN 14

enum pt_status pt_eth_probe(struct pt_dctx *x, const struct pt_layer_in *in, size_t off, enum pt_event ev_truncated,
			    bool *found)
{
	/* The header and the first byte of what it carries. */
	size_t need = off + ETH_HLEN + 1;
	*found = false;
	if (!pt_view_has(&in->v, 0, need)) {
		if (in->wire < need && !pt_dctx_in_fragment(x, true))
			return PT_OK; /* no room for one */
		/* Cut by the capture (or an outer fragment: pt_need says which). */
		return pt_need(x, in, need, ev_truncated, ev_truncated);
	}
	/* A source MAC is never a group address, the type is one we follow, and
	 * an IP header has the version its type says: a frame shifted by 4 bytes
	 * puts ARP's protocol type (0x0800) where the ethertype would be. */
	if (pt_u8(&in->v, off + 6) & 0x01)
		return PT_OK;
	unsigned version = pt_u8(&in->v, off + ETH_HLEN) >> 4;
	switch (pt_dispatch_ethertype(pt_be16(&in->v, off + 12))) {
	case PT_P_NONE:
		return PT_OK;
	case PT_P_IPV4:
		*found = version == 4;
		return PT_OK;
	case PT_P_IPV6:
		*found = version == 6;
		return PT_OK;
	default:
		*found = true;
		return PT_OK;
	}
}

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
