/* MPLS label stack entries (RFC 3032), one layer per label. After the
 * bottom of the stack there is no type field: the first nibble tells IPv4
 * from IPv6. Anything else ends the walk on Ethernet and GRE, where
 * pseudowires with a control word are at home; over UDP (RFC 7510) an
 * Ethernet frame follows the label directly (OpenContrail's L2 service), so
 * there an Ethernet header that its bytes give away is followed. */
#include <config.h>

#include "decode/decode-int.h"

/* What the label stack this layer belongs to came in. */
static enum pt_proto carrier(const struct pt_decoded *d)
{
	for (unsigned i = d->nlayers - 1; i-- > 0;)
		if (d->layers[i].proto != PT_P_MPLS)
			return (enum pt_proto)d->layers[i].proto;
	return PT_P_NONE;
}

PT_DECODER(mpls)
{
	enum pt_status st = pt_need(x, in, 4, PT_EV_MPLS_TRUNCATED, PT_EV_MPLS_MALFORMED);
	if (st != PT_OK)
		return st;
	unsigned depth = 0;
	for (unsigned i = 0; i < x->d->nlayers; i++)
		depth += x->d->layers[i].proto == PT_P_MPLS;
	if (depth > PT_MAX_MPLS_LABELS) {
		pt_dctx_event(x, PT_EV_MPLS_TOO_MANY_LABELS);
		return PT_MALFORMED;
	}
	uint32_t entry = pt_be32(&in->v, 0);
	layer->id_kind = PT_ID_MPLS;
	layer->id = entry >> 12;
	layer->aux = (uint16_t)(entry & 0xff); /* TTL */
	next->hdr_len = 4;
	if (!(entry & 0x100)) {
		next->proto = PT_P_MPLS;
		return PT_OK;
	}
	if (in->wire <= 4)
		return PT_OK;
	if (in->v.len <= 4) {
		pt_dctx_event(x, PT_EV_MPLS_TRUNCATED);
		return PT_TRUNCATED;
	}
	switch (pt_u8(&in->v, 4) >> 4) {
	case 4:
		next->proto = PT_P_IPV4;
		return PT_OK;
	case 6:
		next->proto = PT_P_IPV6;
		return PT_OK;
	default:
		break;
	}
	if (carrier(x->d) == PT_P_UDP) {
		bool eth;
		st = pt_eth_probe(x, in, 4, PT_EV_MPLS_TRUNCATED, &eth);
		if (st != PT_OK)
			return st;
		if (eth) {
			next->proto = PT_P_ETH;
			return PT_OK;
		}
	}
	pt_dctx_event(x, PT_EV_MPLS_UNKNOWN_PAYLOAD);
	return PT_OK;
}
