/* Raw IP link types (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6): no link
 * header; the version nibble says which IP follows. */
#include <config.h>

#include "decode/decode-int.h"

PT_DECODER(raw)
{
	enum pt_status st = pt_need(x, in, 1, PT_EV_IPV4_TRUNCATED, PT_EV_IPV4_MALFORMED);
	if (st != PT_OK)
		return st;
	(void)layer;
	next->hdr_len = 0;
	switch (pt_u8(&in->v, 0) >> 4) {
	case 4:
		next->proto = PT_P_IPV4;
		return PT_OK;
	case 6:
		next->proto = PT_P_IPV6;
		return PT_OK;
	default:
		pt_dctx_event(x, PT_EV_RAW_BAD_VERSION);
		return PT_MALFORMED;
	}
}
