/* ARP (RFC 826): the operation is kept; the walk ends here. */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(arp)
{
	enum pt_status st = pt_need(x, in, 8, PT_EV_ARP_TRUNCATED, PT_EV_ARP_MALFORMED);
	if (st != PT_OK)
		return st;
	uint8_t hlen = pt_u8(&in->v, 4), plen = pt_u8(&in->v, 5);
	size_t need = 8 + 2 * ((size_t)hlen + plen);
	st = pt_need(x, in, need, PT_EV_ARP_TRUNCATED, PT_EV_ARP_MALFORMED);
	if (st != PT_OK)
		return st;
	x->d->arp_op = pt_be16(&in->v, 6);
	layer->aux = x->d->arp_op;
	next->hdr_len = need;
	return PT_OK;
}
