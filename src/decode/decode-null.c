/* BSD loopback (DLT_NULL: address family in the capturing host's byte order)
 * and OpenBSD loopback (DLT_LOOP: network byte order). */
#include <config.h>

#include <pcap/dlt.h>

#include "decode/decode-int.h"

static enum pt_proto family_proto(uint32_t af)
{
	switch (af) {
	case 2: /* AF_INET everywhere */
		return PT_P_IPV4;
	case 10: /* AF_INET6: Linux */
	case 24: /* NetBSD, OpenBSD */
	case 28: /* FreeBSD */
	case 30: /* macOS */
		return PT_P_IPV6;
	default:
		return PT_P_NONE;
	}
}

PT_DECODER(null)
{
	enum pt_status st = pt_need(x, in, 4, PT_EV_NULL_TRUNCATED, PT_EV_NULL_MALFORMED);
	if (st != PT_OK)
		return st;
	uint32_t af = x->d->linktype == DLT_LOOP ? pt_be32(&in->v, 0) : pt_le32(&in->v, 0);
	/* A family written on a big-endian host shows up in the high bytes. */
	if ((af & 0xffff0000u) != 0 && (af & 0x0000ffffu) == 0)
		af = ((af >> 24) & 0xff) | ((af >> 8) & 0xff00);
	layer->aux = (uint16_t)af;
	next->hdr_len = 4;
	next->proto = family_proto(af);
	if (next->proto == PT_P_NONE)
		pt_dctx_event(x, PT_EV_NULL_UNKNOWN_FAMILY);
	return PT_OK;
}
