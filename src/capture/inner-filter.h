/* The user's filter applied past tags and tunnels as well: a capture of the
 * underlay holds the tenant's ICMP inside VXLAN, an OVS integration bridge
 * holds it behind a local VLAN tag, and "icmp" must find it there as it does
 * on the tap. libpcap compiles the filter for the file's link type, which
 * judges the outer headers as they are; the same expression compiled for
 * Ethernet runs on the innermost Ethernet frame with its tags taken out, and
 * compiled for raw IP on an IP packet tunnelled without Ethernet. */
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
 * cannot apply to one of them (link-layer words on raw IP) leaves it out. */
void pt_inner_filter_init(struct pt_inner_filter *f, const char *bpf);
void pt_inner_filter_free(struct pt_inner_filter *f);

/* Whether the innermost Ethernet frame (untagged) or tunnelled IP packet of
 * a frame passes the filter; false when there is nothing past the outer
 * headers as they are (no tag, no tunnel). */
bool pt_inner_filter_match(struct pt_inner_filter *f, const uint8_t *data, uint32_t caplen, uint32_t len, int dlt,
			   const struct pt_decode_opts *opts);

#endif
