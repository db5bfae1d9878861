/* VXLAN (RFC 7348): 8 bytes, the I flag says the VNI is valid, an Ethernet
 * frame follows. Which UDP ports mean VXLAN is decided by the dispatch table. */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(vxlan)
{
	enum pt_status st = pt_need(x, in, 8, PT_EV_VXLAN_TRUNCATED, PT_EV_VXLAN_MALFORMED);
	if (st != PT_OK)
		return st;
	x->d->tunnel_count++;
	uint8_t flags = pt_u8(&in->v, 0);
	layer->aux = flags;
	if (!(flags & 0x08))
		pt_dctx_event(x, PT_EV_VXLAN_BAD_FLAGS);
	layer->id_kind = PT_ID_VNI;
	layer->id = pt_be24(&in->v, 4);
	next->hdr_len = 8;
	next->proto = PT_P_ETH;
	return PT_OK;
}
