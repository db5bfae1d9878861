/* IPsec Authentication Header (RFC 4302) after an IPv4 header: next header,
 * payload length in 4-byte words minus 2, SPI, sequence number and the ICV,
 * all in clear. Tunnel mode carries a whole IP packet (next header 4 or 41),
 * which becomes the innermost IP, so a packet is matched between the vti
 * device and the underlay; transport mode carries the transport header. In
 * IPv6, AH is an extension header and stays inside the ipv6 layer. */
#include <config.h>

#include "decode/decode-int.h"

#define AH_FIXED_LEN 12 /* next header .. sequence number: payload length 1, no ICV */

PT_DECODER(ah)
{
	enum pt_status st = pt_need(x, in, AH_FIXED_LEN, PT_EV_AH_TRUNCATED, PT_EV_AH_MALFORMED);
	if (st != PT_OK)
		return st;
	const struct pt_view *v = &in->v;
	uint8_t nh = pt_u8(v, 0);
	size_t hlen = ((size_t)pt_u8(v, 1) + 2) * 4;
	layer->aux = nh;
	layer->id_kind = PT_ID_SPI;
	layer->id = pt_be32(v, 4);
	if (hlen < AH_FIXED_LEN) {
		pt_dctx_event(x, PT_EV_AH_MALFORMED);
		return PT_MALFORMED;
	}
	st = pt_need(x, in, hlen, PT_EV_AH_TRUNCATED, PT_EV_AH_MALFORMED);
	if (st != PT_OK)
		return st;
	next->hdr_len = hlen;
	/* The IPv4 header AH extends names what follows AH, as ipv6.c does past
	 * its extension headers. A fragment keeps 51, the protocol its later
	 * fragments (which carry no AH) show, so its datagram key stays one. */
	struct pt_decoded *d = x->d;
	struct pt_ip *ip = d->nips ? &d->ips[d->nips - 1] : NULL;
	if (ip && !ip->is_frag && d->nlayers >= 2 && d->layers[d->nlayers - 2].proto == PT_P_IPV4)
		ip->proto = nh;
	if (nh == 59) /* no next header */
		return PT_OK;
	next->proto = pt_dispatch_ipproto(nh);
	if (next->proto == PT_P_IPV4 || next->proto == PT_P_IPV6)
		d->tunnel_count++;
	else if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_IP_UNKNOWN_PROTO);
	return PT_OK;
}
