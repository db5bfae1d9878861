/* IEEE 802.2 LLC, with SNAP carrying an ethertype. Spanning tree, CDP and the
 * like end the walk here: they carry nothing pathtrace follows. */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(llc)
{
	enum pt_status st = pt_need(x, in, 3, PT_EV_LLC_TRUNCATED, PT_EV_ETH_MALFORMED);
	if (st != PT_OK)
		return st;
	uint8_t dsap = pt_u8(&in->v, 0), ssap = pt_u8(&in->v, 1);
	/* U-format frames have a one-byte control field, I/S-format two. */
	size_t hlen = (pt_u8(&in->v, 2) & 0x03) == 0x03 ? 3 : 4;
	layer->aux = (uint16_t)(dsap << 8 | ssap);
	next->hdr_len = hlen;
	if (dsap == 0xaa && ssap == 0xaa) {
		st = pt_need(x, in, 8, PT_EV_LLC_TRUNCATED, PT_EV_ETH_MALFORMED);
		if (st != PT_OK)
			return st;
		uint32_t oui = pt_be24(&in->v, 3);
		uint16_t type = pt_be16(&in->v, 6);
		next->hdr_len = 8;
		if (oui == 0) {
			next->proto = pt_dispatch_ethertype(type);
			next->aux = type;
		}
	}
	return PT_OK;
}
