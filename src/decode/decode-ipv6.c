/* IPv6 (RFC 8200) with its extension headers: hop-by-hop, routing,
 * destination options, fragment, AH, mobility, HIP, shim6. The extension
 * headers stay inside the ipv6 layer; ip->proto is the upper layer. */
#include <config.h>

#include "decode/decode-int.h"

static bool is_exthdr(uint8_t nh)
{
	switch (nh) {
	case 0:   /* hop-by-hop options */
	case 43:  /* routing */
	case 44:  /* fragment */
	case 51:  /* AH */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
		return true;
	default:
		return false;
	}
}

PT_DECODER(ipv6)
{
	(void)layer;
	enum pt_status st = pt_need(x, in, 40, PT_EV_IPV6_TRUNCATED, PT_EV_IPV6_MALFORMED);
	if (st != PT_OK)
		return st;
	const struct pt_view *v = &in->v;
	if (pt_u8(v, 0) >> 4 != 6) {
		pt_dctx_event(x, PT_EV_IPV6_BAD_VERSION);
		return PT_MALFORMED;
	}
	struct pt_ip *ip = pt_dctx_push_ip(x);
	if (!ip) {
		pt_dctx_event(x, PT_EV_DEPTH_EXCEEDED);
		return PT_MALFORMED;
	}
	ip->version = 6;
	ip->off = in->off;
	ip->tos = (uint8_t)((pt_be16(v, 0) >> 4) & 0xff);
	ip->ttl = pt_u8(v, 7);
	pt_copy(v, 8, ip->src, 16);
	pt_copy(v, 24, ip->dst, 16);

	size_t total = 40 + (size_t)pt_be16(v, 4);
	uint8_t nh = pt_u8(v, 6);
	if (total == 40 && in->wire > 40 && nh != 44) {
		/* Jumbograms and BIG TCP super-frames carry 0 here: the frame says the length. */
		pt_dctx_event(x, PT_EV_IPV6_LEN_ZERO);
		ip->len_from_frame = true;
		total = in->wire;
	} else if (total > in->wire) {
		pt_dctx_event(x, pt_dctx_in_fragment(x, false) ? PT_EV_IP_INSIDE_FRAGMENT
							       : PT_EV_IPV6_LEN_EXCEEDS_FRAME);
	}
	ip->total_len = (uint32_t)total;
	size_t lim_wire = total < in->wire ? total : in->wire;

	size_t off = 40;
	unsigned count = 0;
	bool later_fragment = false;
	while (is_exthdr(nh)) {
		if (++count > PT_MAX_IPV6_EXTHDRS) {
			pt_dctx_event(x, PT_EV_IPV6_TOO_MANY_EXTHDRS);
			return PT_MALFORMED;
		}
		if (off + 8 > lim_wire) {
			pt_dctx_event(x, PT_EV_IPV6_EXTHDR_MALFORMED);
			return PT_MALFORMED;
		}
		if (!pt_view_has(v, off, 8)) {
			pt_dctx_event(x, PT_EV_IPV6_EXTHDR_TRUNCATED);
			return PT_TRUNCATED;
		}
		uint8_t this = nh;
		size_t len;
		nh = pt_u8(v, off);
		if (this == 44) {
			uint16_t offlg = pt_be16(v, off + 2);
			ip->is_frag = true;
			ip->frag_off = offlg & 0xfff8;
			ip->mf = offlg & 1;
			ip->id = pt_be32(v, off + 4);
			later_fragment = ip->frag_off != 0;
			if ((size_t)ip->frag_off + (total - off - 8) > 65535)
				pt_dctx_event(x, PT_EV_IPV6_FRAG_OVERSIZE);
			len = 8;
		} else if (this == 51) {
			len = ((size_t)pt_u8(v, off + 1) + 2) * 4;
		} else {
			len = ((size_t)pt_u8(v, off + 1) + 1) * 8;
		}
		if (off + len > lim_wire) {
			pt_dctx_event(x, PT_EV_IPV6_EXTHDR_MALFORMED);
			return PT_MALFORMED;
		}
		off += len;
		if (later_fragment)
			break;
	}
	ip->proto = nh;
	ip->hdr_len = (uint32_t)off;
	next->hdr_len = off;
	next->clamp = pt_dctx_in_fragment(x, false) ? total : lim_wire; /* as in decode-ipv4.c */
	if (later_fragment || nh == 59 /* no next header */)
		return PT_OK;
	next->proto = pt_dispatch_ipproto(nh);
	if (next->proto == PT_P_IPV4 || next->proto == PT_P_IPV6)
		x->d->tunnel_count++;
	else if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_IP_UNKNOWN_PROTO);
	return PT_OK;
}
