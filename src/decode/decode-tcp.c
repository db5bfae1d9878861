/* TCP (RFC 9293): ports, sequence numbers, flags and the options a path
 * analysis needs (MSS, window scale, SACK, timestamps). */
#include <config.h>

#include "decode/decode-int.h"

static void parse_options(struct pt_dctx *x, const struct pt_view *v, size_t hlen, struct pt_tcp *t)
{
	size_t off = 20;
	while (off < hlen) {
		if (!pt_view_has(v, off, 1)) {
			pt_dctx_event(x, PT_EV_TCP_OPT_TRUNCATED);
			return;
		}
		uint8_t kind = pt_u8(v, off);
		if (kind == 0)
			return;
		if (kind == 1) {
			off++;
			continue;
		}
		if (off + 1 >= hlen) {
			pt_dctx_event(x, PT_EV_TCP_BAD_OPTION);
			return;
		}
		uint8_t len = pt_u8(v, off + 1);
		if (len < 2 || off + len > hlen) {
			pt_dctx_event(x, PT_EV_TCP_BAD_OPTION);
			return;
		}
		switch (kind) {
		case 2:
			if (len == 4)
				t->mss = pt_be16(v, off + 2);
			break;
		case 3:
			if (len == 3)
				t->wscale = (int8_t)(pt_u8(v, off + 2) > 14 ? 14 : pt_u8(v, off + 2));
			break;
		case 4:
			t->sack_ok = true;
			break;
		case 5:
			t->sack_blocks = (uint8_t)((len - 2) / 8);
			for (unsigned b = 0; b < t->sack_blocks && b < PT_MAX_SACK_BLOCKS; b++) {
				t->sack[b].left = pt_be32(v, off + 2 + 8 * b);
				t->sack[b].right = pt_be32(v, off + 6 + 8 * b);
			}
			break;
		case 8:
			if (len == 10) {
				t->has_ts = true;
				t->ts_val = pt_be32(v, off + 2);
				t->ts_ecr = pt_be32(v, off + 6);
			}
			break;
		default:
			break;
		}
		off += len;
	}
}

PT_DECODER(tcp)
{
	enum pt_status st = pt_need(x, in, 20, PT_EV_TCP_TRUNCATED, PT_EV_TCP_MALFORMED);
	if (st != PT_OK)
		return st;
	const struct pt_view *v = &in->v;
	struct pt_decoded *d = x->d;
	(void)layer;
	size_t hlen = (size_t)(pt_u8(v, 12) >> 4) * 4;
	if (hlen < 20) {
		pt_dctx_event(x, PT_EV_TCP_BAD_DATA_OFFSET);
		return PT_MALFORMED;
	}
	st = pt_need(x, in, hlen, PT_EV_TCP_TRUNCATED, PT_EV_TCP_BAD_DATA_OFFSET);
	if (st != PT_OK)
		return st;
	d->l4_proto = PT_P_TCP;
	d->sport = pt_be16(v, 0);
	d->dport = pt_be16(v, 2);
	d->has_ports = true;
	d->l4_off = in->off;
	struct pt_tcp *t = &d->tcp;
	t->seq = pt_be32(v, 4);
	t->ack = pt_be32(v, 8);
	t->flags = pt_u8(v, 13);
	t->win = pt_be16(v, 14);
	t->hdr_len = (uint8_t)hlen;
	t->wscale = -1;
	parse_options(x, v, hlen, t);
	d->payload_off = (uint32_t)(in->off + hlen);
	d->payload_len = (uint32_t)(in->wire - hlen);
	next->hdr_len = hlen;
	return PT_OK;
}
