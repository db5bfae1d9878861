/* IEEE 802.1Q and 802.1ad tags, stacked (QinQ) up to PT_MAX_VLAN_TAGS. */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(vlan)
{
	enum pt_status st = pt_need(x, in, 4, PT_EV_VLAN_TRUNCATED, PT_EV_VLAN_MALFORMED);
	if (st != PT_OK)
		return st;
	if (++x->d->vlan_count > PT_MAX_VLAN_TAGS) {
		pt_dctx_event(x, PT_EV_VLAN_TOO_MANY_TAGS);
		return PT_MALFORMED;
	}
	uint16_t tci = pt_be16(&in->v, 0);
	uint16_t type = pt_be16(&in->v, 2);
	layer->id_kind = PT_ID_VLAN;
	layer->id = tci & 0x0fff;
	next->hdr_len = 4;
	if (type <= 1500) {
		next->proto = PT_P_LLC;
		if (4 + (size_t)type <= in->wire)
			next->clamp = 4 + (size_t)type;
		return PT_OK;
	}
	next->proto = pt_dispatch_ethertype(type);
	next->aux = type;
	if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_ETH_UNKNOWN_ETHERTYPE);
	return PT_OK;
}
