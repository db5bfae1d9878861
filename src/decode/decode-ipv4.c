/* IPv4 (RFC 791): options checked, fragments noted, and the total length
 * clamps what follows so Ethernet padding is never parsed as payload. */
#include <config.h>

#include "decode/decode-int.h"

static void check_options(struct pt_dctx *x, const struct pt_view *v, size_t ihl)
{
	size_t off = 20;
	while (off < ihl) {
		uint8_t type = pt_u8(v, off);
		if (type == 0) /* end of option list */
			return;
		if (type == 1) { /* no-op */
			off++;
			continue;
		}
		if (off + 1 >= ihl) {
			pt_dctx_event(x, PT_EV_IPV4_BAD_OPTION);
			return;
		}
		uint8_t len = pt_u8(v, off + 1);
		if (len < 2 || off + len > ihl) {
			pt_dctx_event(x, PT_EV_IPV4_BAD_OPTION);
			return;
		}
		off += len;
	}
}

PT_DECODER(ipv4)
{
	(void)layer;
	enum pt_status st = pt_need(x, in, 20, PT_EV_IPV4_TRUNCATED, PT_EV_IPV4_MALFORMED);
	if (st != PT_OK)
		return st;
	const struct pt_view *v = &in->v;
	if (pt_u8(v, 0) >> 4 != 4) {
		pt_dctx_event(x, PT_EV_IPV4_BAD_VERSION);
		return PT_MALFORMED;
	}
	size_t ihl = (size_t)(pt_u8(v, 0) & 0x0f) * 4;
	if (ihl < 20) {
		pt_dctx_event(x, PT_EV_IPV4_BAD_HLEN);
		return PT_MALFORMED;
	}
	st = pt_need(x, in, ihl, PT_EV_IPV4_TRUNCATED, PT_EV_IPV4_BAD_HLEN);
	if (st != PT_OK)
		return st;

	struct pt_ip *ip = pt_dctx_push_ip(x);
	if (!ip) {
		pt_dctx_event(x, PT_EV_DEPTH_EXCEEDED);
		return PT_MALFORMED;
	}
	ip->version = 4;
	ip->off = in->off;
	ip->hdr_len = (uint32_t)ihl;
	ip->tos = pt_u8(v, 1);
	ip->id = pt_be16(v, 4);
	uint16_t frag = pt_be16(v, 6);
	ip->df = frag & 0x4000;
	ip->mf = frag & 0x2000;
	ip->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	ip->is_frag = ip->mf || ip->frag_off;
	ip->ttl = pt_u8(v, 8);
	ip->proto = pt_u8(v, 9);
	pt_copy(v, 12, ip->src, 4);
	pt_copy(v, 16, ip->dst, 4);

	size_t total = pt_be16(v, 2);
	if (total == 0) {
		/* TSO/GSO super-frames and BIG TCP leave the field 0: the frame says the length. */
		pt_dctx_event(x, PT_EV_IPV4_LEN_ZERO);
		ip->len_from_frame = true;
		total = in->wire;
	} else if (total < ihl) {
		pt_dctx_event(x, PT_EV_IPV4_BAD_HLEN);
		return PT_MALFORMED;
	} else if (total > in->wire) {
		pt_dctx_event(x, pt_dctx_in_fragment(x, false) ? PT_EV_IP_INSIDE_FRAGMENT
							       : PT_EV_IPV4_LEN_EXCEEDS_FRAME);
	}
	ip->total_len = (uint32_t)total;
	if (ip->is_frag && (size_t)ip->frag_off + (total - ihl) > 65535)
		pt_dctx_event(x, PT_EV_IPV4_FRAG_OVERSIZE);
	check_options(x, v, ihl);

	next->hdr_len = ihl;
	/* Inside an outer fragment the claimed length stands: the rest of the
	 * packet is in the outer datagram's later fragments. */
	next->clamp = total < in->wire || pt_dctx_in_fragment(x, false) ? total : in->wire;
	if (ip->frag_off != 0)
		return PT_OK; /* a later fragment: its payload is not a header */
	next->proto = pt_dispatch_ipproto(ip->proto);
	if (next->proto == PT_P_IPV4 || next->proto == PT_P_IPV6)
		x->d->tunnel_count++;
	else if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_IP_UNKNOWN_PROTO);
	return PT_OK;
}
