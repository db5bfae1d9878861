/* --inner: a filter on the innermost packet. tcpdump's expression after the
 * files judges the frame as captured; a tenant's ping on the underlay is a
 * VXLAN packet there, and on an OVS integration bridge it carries a local
 * VLAN tag. The same expression compiled for Ethernet runs on the innermost
 * Ethernet frame with its tags taken out, and compiled for raw IP on an IP
 * packet without Ethernet of its own (tunnelled bare, or a cooked capture),
 * which neither tcpdump nor tshark's capture filters can do. */
#ifndef PATHTRACE_INNER_FILTER_H
#define PATHTRACE_INNER_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "pathtrace/decode.h"

struct pt_inner_filter {
	struct bpf_program eth, raw;
	bool has_eth, has_raw;
	uint8_t *scratch; /* the innermost frame without its tags */
	size_t scratch_cap;
};

/* Compiles bpf for Ethernet frames and raw IP packets; an expression that
 * cannot apply to one of them (link-layer words on raw IP) leaves it out.
 * False, with libpcap's reason in err, when it applies to neither. */
bool pt_inner_filter_init(struct pt_inner_filter *f, const char *bpf, char *err, size_t errlen);
void pt_inner_filter_free(struct pt_inner_filter *f);

/* Whether the innermost Ethernet frame (untagged) or IP packet of a frame
 * passes the filter. */
bool pt_inner_filter_match(struct pt_inner_filter *f, const uint8_t *data, uint32_t caplen, uint32_t len, int dlt,
			   const struct pt_decode_opts *opts);

#endif
