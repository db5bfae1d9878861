/* UDP (RFC 768), and the UDP ports that mean a tunnel follows. */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(udp)
{
	enum pt_status st = pt_need(x, in, 8, PT_EV_UDP_TRUNCATED, PT_EV_UDP_MALFORMED);
	if (st != PT_OK)
		return st;
	struct pt_decoded *d = x->d;
	(void)layer;
	d->l4_proto = PT_P_UDP;
	d->sport = pt_be16(&in->v, 0);
	d->dport = pt_be16(&in->v, 2);
	d->has_ports = true;
	d->l4_off = in->off;
	d->payload_off = in->off + 8;
	next->hdr_len = 8;

	size_t ulen = pt_be16(&in->v, 4);
	const struct pt_ip *ip = pt_inner_ip(d);
	bool ip_fragment = pt_dctx_in_fragment(x, true);
	if (ulen == 0 && ip && ip->len_from_frame) {
		/* A UDP super-frame above 64 KB (BIG TCP inside VXLAN) cannot state its length. */
		ulen = in->wire;
	} else if (ulen < 8 || (ulen > in->wire && !ip_fragment)) {
		/* A first fragment legitimately claims more than it carries. */
		pt_dctx_event(x, PT_EV_UDP_BAD_LENGTH);
		d->payload_len = (uint32_t)(in->wire - 8);
		return PT_OK;
	}
	if (ulen <= in->wire)
		next->clamp = ulen;
	d->payload_len = (uint32_t)((ulen <= in->wire ? ulen : in->wire) - 8);
	next->proto = pt_dispatch_udp_port(x->opts, d->sport, d->dport);
	return PT_OK;
}
