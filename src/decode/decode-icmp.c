/* ICMP (RFC 792, RFC 1191) and ICMPv6 (RFC 4443): echo identifiers, the MTU
 * of fragmentation-needed and Packet Too Big, and the quoted packet of every
 * error, which names the flow the error is about. The quote is parsed here
 * rather than walked as layers: it is evidence about another packet, not part
 * of this one's path. */
#include <config.h>

#include "decode/decode-int.h"

void pt_parse_icmp_quote(struct pt_dctx *x, const struct pt_view *q, struct pt_icmp_quote *out)
{
	memset(out, 0, sizeof *out);
	uint8_t ver = pt_u8(q, 0) >> 4;
	size_t l4;
	if (ver == 4) {
		size_t ihl = (size_t)(pt_u8(q, 0) & 0x0f) * 4;
		if (!pt_view_has(q, 0, 20) || ihl < 20) {
			pt_dctx_event(x, PT_EV_ICMP_QUOTE_TRUNCATED);
			return;
		}
		out->total_len = pt_be16(q, 2);
		out->ip_id = pt_be16(q, 4);
		out->proto = pt_u8(q, 9);
		pt_copy(q, 12, out->src, 4);
		pt_copy(q, 16, out->dst, 4);
		l4 = (pt_be16(q, 6) & 0x1fff) ? 0 : ihl;
	} else if (ver == 6) {
		if (!pt_view_has(q, 0, 40)) {
			pt_dctx_event(x, PT_EV_ICMP_QUOTE_TRUNCATED);
			return;
		}
		out->total_len = 40 + (uint32_t)pt_be16(q, 4);
		out->proto = pt_u8(q, 6);
		pt_copy(q, 8, out->src, 16);
		pt_copy(q, 24, out->dst, 16);
		l4 = 40;
		/* Step over extension headers, boundedly, to reach the ports. */
		for (unsigned i = 0; i < PT_MAX_IPV6_EXTHDRS; i++) {
			uint8_t p = out->proto;
			if (p != 0 && p != 43 && p != 60 && p != 44)
				break;
			if (!pt_view_has(q, l4, 8)) {
				l4 = 0;
				break;
			}
			out->proto = pt_u8(q, l4);
			if (p == 44) {
				out->ip_id = pt_be32(q, l4 + 4);
				if (pt_be16(q, l4 + 2) & 0xfff8) {
					l4 += 8;
					l4 = 0; /* a later fragment has no ports */
					break;
				}
				l4 += 8;
			} else {
				l4 += ((size_t)pt_u8(q, l4 + 1) + 1) * 8;
			}
		}
	} else {
		return;
	}
	out->version = ver;
	out->present = true;
	if (l4 && (out->proto == 6 || out->proto == 17) && pt_view_has(q, l4, 4)) {
		out->sport = pt_be16(q, l4);
		out->dport = pt_be16(q, l4 + 2);
		out->has_ports = true;
	}
	if (l4 && out->proto == 6 && pt_view_has(q, l4, 8)) {
		out->l4_word = pt_be32(q, l4 + 4);
		out->has_l4_word = true;
	}
	uint8_t type = l4 && pt_view_has(q, l4, 6) ? pt_u8(q, l4) : 255;
	bool echo = (out->proto == 1 && (type == 8 || type == 0)) || (out->proto == 58 && (type == 128 || type == 129));
	if (echo) {
		out->echo_id = pt_be16(q, l4 + 4);
		out->has_echo_id = true;
		if (pt_view_has(q, l4, 8)) {
			out->l4_word = pt_be16(q, l4 + 6);
			out->has_l4_word = true;
		}
	}
}

static enum pt_status icmp_common(struct pt_dctx *x, const struct pt_layer_in *in, bool v6,
				  struct pt_next *next)
{
	enum pt_status st = v6 ? pt_need(x, in, 8, PT_EV_ICMPV6_TRUNCATED, PT_EV_ICMPV6_MALFORMED)
			       : pt_need(x, in, 8, PT_EV_ICMP_TRUNCATED, PT_EV_ICMP_MALFORMED);
	if (st != PT_OK)
		return st;
	struct pt_decoded *d = x->d;
	struct pt_icmp *ic = &d->icmp;
	d->l4_proto = v6 ? PT_P_ICMPV6 : PT_P_ICMP;
	d->l4_off = in->off;
	d->payload_off = in->off + 8;
	d->payload_len = (uint32_t)(in->wire - 8);
	ic->is_v6 = v6;
	ic->type = pt_u8(&in->v, 0);
	ic->code = pt_u8(&in->v, 1);
	next->hdr_len = 8;
	return PT_OK;
}

static void note_echo(struct pt_decoded *d, const struct pt_view *v)
{
	d->icmp.is_echo = true;
	d->icmp.echo_id = pt_be16(v, 4);
	d->icmp.echo_seq = pt_be16(v, 6);
}

PT_DECODER(icmp)
{
	(void)layer;
	enum pt_status st = icmp_common(x, in, false, next);
	if (st != PT_OK)
		return st;
	struct pt_icmp *ic = &x->d->icmp;
	switch (ic->type) {
	case 0:  /* echo reply */
	case 8:  /* echo request */
	case 13: /* timestamp */
	case 14:
		note_echo(x->d, &in->v);
		break;
	case 3: /* destination unreachable */
		if (ic->code == 4)
			ic->mtu = pt_be16(&in->v, 6);
		/* fall through */
	case 4:  /* source quench */
	case 5:  /* redirect */
	case 11: /* time exceeded */
	case 12: /* parameter problem */
	{
		struct pt_view q = pt_view_from(&in->v, 8);
		pt_parse_icmp_quote(x, &q, &ic->quote);
		break;
	}
	default:
		break;
	}
	return PT_OK;
}

PT_DECODER(icmpv6)
{
	(void)layer;
	enum pt_status st = icmp_common(x, in, true, next);
	if (st != PT_OK)
		return st;
	struct pt_icmp *ic = &x->d->icmp;
	switch (ic->type) {
	case 128: /* echo request */
	case 129: /* echo reply */
		note_echo(x->d, &in->v);
		break;
	case 2: /* Packet Too Big */
		ic->mtu = pt_be32(&in->v, 4);
		if (ic->mtu < 1280)
			pt_dctx_event(x, PT_EV_ICMPV6_PTB_BELOW_MIN);
		/* fall through */
	case 1: /* destination unreachable */
	case 3: /* time exceeded */
	case 4: /* parameter problem */
	{
		struct pt_view q = pt_view_from(&in->v, 8);
		pt_parse_icmp_quote(x, &q, &ic->quote);
		break;
	}
	default:
		break;
	}
	return PT_OK;
}
