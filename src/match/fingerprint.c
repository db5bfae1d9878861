/* The hop-invariant identity of a packet.
 *
 * What a hop may rewrite never enters it: outer headers, VLAN tags, MACs,
 * TTL, checksums (senders leave them unfilled under offload), and, because of
 * floating-IP NAT, addresses, ports and ICMP echo identifiers. What stays:
 * the IPv4 ID, TCP sequence/ack/flags/window, both timestamps and the SACK
 * blocks (three dup-ACKs of one hole differ only there, and IPv6 has no ID to
 * tell them apart), ICMP type/code/seq, the payload length and a hash of the
 * first payload bytes; for an ICMP error, what NAT leaves of the packet it
 * quotes (NAT rewrites the quote's addresses and ports along with the error's
 * own). TCP data is not
 * matched by fingerprint but by byte range (match.c), because GSO and GRO
 * change segment boundaries between points.
 */
#include <config.h>

#include <string.h>

#include "match/digest.h"

/* Long enough to tell iperf/ping payloads apart, short enough to survive a
 * snap length of 128 with three layers of encapsulation. */
#define PAYLOAD_HASH_BYTES 16

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return mix(h, n);
}

static uint64_t payload_hash(uint64_t h, const struct pt_decoded *d, const uint8_t *frame)
{
	if (d->payload_off >= d->caplen)
		return mix(h, 0);
	size_t avail = d->caplen - d->payload_off;
	size_t n = d->payload_len < avail ? d->payload_len : avail;
	if (n > PAYLOAD_HASH_BYTES)
		n = PAYLOAD_HASH_BYTES;
	return hash_bytes(h, frame + d->payload_off, n);
}

/* An ICMP error's quote, as NAT leaves it: the quoted packet's IP ID,
 * protocol, length and TCP sequence or echo sequence; not its addresses,
 * ports or checksums, which a translation rewrites in the quote too. */
static uint64_t quote_hash(uint64_t h, const struct pt_icmp_quote *q)
{
	h = mix(h, (uint64_t)q->version << 40 | (uint64_t)q->proto << 32 | q->total_len);
	h = mix(h, q->ip_id);
	return mix(h, q->has_l4_word ? (uint64_t)1 << 32 | q->l4_word : 0);
}

uint64_t pt_fingerprint(const struct pt_decoded *d, const uint8_t *frame)
{
	const struct pt_ip *ip = pt_inner_ip(d);
	if (!ip)
		return 0;
	uint64_t h = mix(0x5054, (uint64_t)ip->version << 8 | ip->proto);
	if (ip->version == 4)
		h = mix(h, ip->id);
	else if (ip->is_frag)
		h = mix(mix(h, ip->id), ip->frag_off);
	switch (d->l4_proto) {
	case PT_P_TCP:
		h = mix(h, (uint64_t)d->tcp.seq << 32 | d->tcp.ack);
		h = mix(h, (uint64_t)d->tcp.flags << 16 | d->tcp.win);
		h = mix(h, d->tcp.has_ts ? (uint64_t)d->tcp.ts_val << 32 | d->tcp.ts_ecr : 0);
		for (unsigned b = 0; b < d->tcp.sack_blocks && b < PT_MAX_SACK_BLOCKS; b++)
			h = mix(h, (uint64_t)d->tcp.sack[b].left << 32 | d->tcp.sack[b].right);
		h = mix(h, d->payload_len);
		return payload_hash(h, d, frame);
	case PT_P_UDP:
		h = mix(h, d->payload_len);
		return payload_hash(h, d, frame);
	case PT_P_ICMP:
	case PT_P_ICMPV6:
		/* NAT rewrites the echo identifier like a port: keep type, code and sequence. */
		h = mix(h, (uint64_t)d->icmp.type << 24 | (uint64_t)d->icmp.code << 16 | d->icmp.echo_seq);
		h = mix(h, d->payload_len);
		if (d->icmp.quote.present)
			return quote_hash(mix(h, d->icmp.mtu), &d->icmp.quote);
		return payload_hash(h, d, frame);
	default: {
		uint32_t off = ip->off + ip->hdr_len;
		uint32_t len = ip->total_len > ip->hdr_len ? ip->total_len - ip->hdr_len : 0;
		h = mix(h, len);
		if (off < d->caplen) {
			size_t n = d->caplen - off;
			if (n > len)
				n = len;
			if (n > PAYLOAD_HASH_BYTES)
				n = PAYLOAD_HASH_BYTES;
			h = hash_bytes(h, frame + off, n);
		}
		return h;
	}
	}
}

uint64_t pt_datagram_key(const struct pt_ip *ip)
{
	uint64_t h = mix(0x4447, (uint64_t)ip->version << 8 | ip->proto);
	h = hash_bytes(h, ip->src, ip->version == 4 ? 4 : 16);
	h = hash_bytes(h, ip->dst, ip->version == 4 ? 4 : 16);
	return mix(h, ip->id);
}

void pt_flow_key_from(const struct pt_decoded *d, struct pt_flow_key *k)
{
	memset(k, 0, sizeof *k);
	const struct pt_ip *ip = pt_inner_ip(d);
	if (!ip)
		return;
	k->version = ip->version;
	k->proto = ip->proto;
	memcpy(k->src, ip->src, ip->version == 4 ? 4 : 16);
	memcpy(k->dst, ip->dst, ip->version == 4 ? 4 : 16);
	if (d->has_ports) {
		k->sport = d->sport;
		k->dport = d->dport;
		k->has_ports = true;
	} else if ((d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6) && d->icmp.is_echo) {
		k->sport = d->icmp.echo_id;
		k->has_ports = true;
	}
}
