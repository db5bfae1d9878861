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

PT_DECODER(sll)
{
	enum pt_status st = pt_need(x, in, 16, PT_EV_SLL_TRUNCATED, PT_EV_SLL_MALFORMED);
	if (st != PT_OK)
		return st;
	uint16_t hatype = pt_be16(&in->v, 2);
	uint16_t proto = pt_be16(&in->v, 14);
	layer->aux = hatype;
	next->hdr_len = 16;
	/* ARPHRD_IPGRE: the protocol field is GRE's protocol type and a GRE header follows. */
	if (hatype == 778) {
		next->proto = PT_P_GRE;
		return PT_OK;
	}
	next->proto = cooked_proto(proto, &next->aux);
	if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_ETH_UNKNOWN_ETHERTYPE);
	return PT_OK;
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
	if (hatype == 778) {
		next->proto = PT_P_GRE;
		return PT_OK;
	}
	next->proto = cooked_proto(proto, &next->aux);
	if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_ETH_UNKNOWN_ETHERTYPE);
	return PT_OK;
}
