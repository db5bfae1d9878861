/* Decoded frame in, digest out. */
#include <config.h>

#include <string.h>

#include "match/digest.h"

static uint64_t encapsulations(const struct pt_decoded *d)
{
	const uint64_t shown = 1ull << PT_P_VLAN | 1ull << PT_P_MPLS | 1ull << PT_P_GRE | 1ull << PT_P_ERSPAN |
			       1ull << PT_P_VXLAN | 1ull << PT_P_GENEVE | 1ull << PT_P_L2TP | 1ull << PT_P_AH |
			       1ull << PT_P_GUE;
	const uint64_t tunnels = 1ull << PT_P_GRE | 1ull << PT_P_VXLAN | 1ull << PT_P_GENEVE | 1ull << PT_P_L2TP |
				 1ull << PT_P_MPLS;
	uint64_t layers = 0;
	for (unsigned i = 0; i < d->nlayers; i++)
		layers |= 1ull << d->layers[i].proto;
	uint64_t bits = layers & shown;
	/* IP directly in IP: no tunnel header of its own to name it (a label
	 * names one: MPLS over UDP is mpls, not ipip). AH in
	 * tunnel mode only authenticates such a packet, and GUE is the UDP
	 * framing Linux puts around an ipip (or gre) tunnel: they show beside
	 * ipip (ah+ipip, gue+ipip), not instead of it. */
	if (d->nips > 1 && d->layers[0].proto != PT_P_NONE && !(layers & tunnels))
		bits |= 1ull << PT_P_IPV4;
	return bits;
}

static void quoted_key(const struct pt_icmp_quote *q, struct pt_flow_key *k)
{
	memset(k, 0, sizeof *k);
	if (!q->present)
		return;
	k->version = q->version;
	k->proto = q->proto;
	memcpy(k->src, q->src, 16);
	memcpy(k->dst, q->dst, 16);
	if (q->has_ports) {
		k->sport = q->sport;
		k->dport = q->dport;
		k->has_ports = true;
	} else if (q->has_echo_id) {
		k->sport = q->echo_id; /* flows of echoes are keyed by identifier */
		k->has_ports = true;
	}
}

/* The tunnel id nearest the inner packet, else its innermost VLAN: the
 * layers before the innermost IP header. A mirror session (ERSPAN) is not a
 * tenant network: ids outside it do not count. */
static void tenant_tag(const struct pt_decoded *d, const struct pt_ip *ip, struct pt_digest *g)
{
	uint8_t tunnel_kind = PT_ID_NONE, vlan_kind = PT_ID_NONE;
	uint32_t tunnel_id = 0, vlan_id = 0;
	for (unsigned i = 0; i < d->nlayers && d->layers[i].off < ip->off; i++) {
		const struct pt_layer *l = &d->layers[i];
		if (l->proto == PT_P_ERSPAN) {
			tunnel_kind = vlan_kind = PT_ID_NONE;
		} else if (l->id_kind == PT_ID_VNI || l->id_kind == PT_ID_GRE_KEY) {
			tunnel_kind = l->id_kind;
			tunnel_id = l->id;
			/* NVGRE (RFC 7637) puts the network in the key's upper 24
			 * bits and a per-flow hash in the lower 8; VSIDs below
			 * 0x1000 are reserved, which tells it from keys such as
			 * Neutron's segmentation ids. */
			if (l->id_kind == PT_ID_GRE_KEY && l->aux == 0x6558 && l->id >> 8 >= 0x1000)
				tunnel_id = l->id >> 8;
			vlan_kind = PT_ID_NONE; /* an underlay VLAN is not the tenant's */
		} else if (l->id_kind == PT_ID_VLAN) {
			vlan_kind = PT_ID_VLAN;
			vlan_id = l->id;
		}
	}
	if (tunnel_kind != PT_ID_NONE) {
		g->tag_kind = tunnel_kind;
		g->tag_id = tunnel_id;
	} else if (vlan_kind != PT_ID_NONE) {
		g->tag_kind = vlan_kind;
		g->tag_id = vlan_id;
	}
}

/* An address (4, 6 or 16 bytes) as a 64-bit value that tells addresses apart. */
static uint64_t hash_addr(const uint8_t *p, size_t n)
{
	uint64_t a = 0, b = 0;
	memcpy(&a, p, n < 8 ? n : 8);
	if (n > 8)
		memcpy(&b, p + 8, n - 8);
	uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ n) * 0xff51afd7ed558ccdull;
	return (h ^ h >> 29) | 1; /* never 0: 0 means unknown */
}

static void carrier(const struct pt_decoded *d, const uint8_t *frame, struct pt_digest *g)
{
	if (d->nips > 1) {
		const struct pt_ip *o = pt_outer_ip(d);
		size_t n = o->version == 4 ? 4 : 16;
		g->carrier_src = hash_addr(o->src, n);
		g->carrier_dst = hash_addr(o->dst, n);
	} else if (d->nlayers && d->layers[0].proto == PT_P_ETH && d->layers[0].off + 12 <= d->caplen) {
		const uint8_t *eth = frame + d->layers[0].off;
		g->carrier_dst = hash_addr(eth, 6);
		g->carrier_src = hash_addr(eth + 6, 6);
	}
}

bool pt_identity_strong(const struct pt_decoded *d)
{
	const struct pt_ip *ip = pt_inner_ip(d);
	if (!ip)
		return false;
	if (ip->version == 4 && ip->id != 0)
		return true;
	return d->l4_proto == PT_P_TCP && (d->payload_len > 0 || (d->tcp.flags & 0x02));
}

void pt_digest_make(struct pt_digest *g, const struct pt_decoded *d, const uint8_t *frame, uint32_t point,
		    int64_t ts, uint32_t len, uint32_t caplen)
{
	memset(g, 0, sizeof *g);
	g->ts = ts;
	g->point = point;
	g->len = len;
	g->caplen = caplen;
	g->status = (uint8_t)d->status;
	g->cooked = d->nlayers && (d->layers[0].proto == PT_P_SLL || d->layers[0].proto == PT_P_SLL2);
	if (d->nlayers && d->layers[0].proto == PT_P_SLL2 && caplen >= 8) {
		g->has_ifindex = true;
		g->ifindex = (uint32_t)frame[4] << 24 | (uint32_t)frame[5] << 16 | (uint32_t)frame[6] << 8 | frame[7];
	}
	g->encap_bits = encapsulations(d);
	g->vlan_count = d->vlan_count;
	const struct pt_ip *outer = pt_outer_ip(d), *ip = pt_inner_ip(d);
	if (!ip)
		return;
	g->nips = d->nips;
	g->outer_version = outer->version;
	g->outer_len = outer->total_len;
	for (unsigned i = 0; i < d->nips; i++) {
		g->len_from_frame = g->len_from_frame || d->ips[i].len_from_frame;
		if (d->ips[i].is_frag) {
			g->fragmented = true;
			if (d->ips[i].total_len > g->frag_len)
				g->frag_len = d->ips[i].total_len;
		}
	}
	if (d->nips > 1 && outer->version == 4 && outer->is_frag && outer->frag_off == 0) {
		g->outer_first_frag = true;
		g->outer_dg_key = pt_datagram_key(outer);
		g->outer_dg_len = ip->off - outer->off + ip->total_len;
	}
	g->ip = (struct pt_digest_ip){ .version = ip->version, .proto = ip->proto, .hdr_len = ip->hdr_len,
				       .total_len = ip->total_len, .id = ip->id, .frag_off = ip->frag_off,
				       .df = ip->df, .mf = ip->mf, .is_frag = ip->is_frag };
	pt_flow_key_from(d, &g->key);
	g->l4_proto = d->l4_proto;
	g->payload_len = d->payload_len;
	g->strong = pt_identity_strong(d);
	tenant_tag(d, ip, g);
	carrier(d, frame, g);
	if (d->l4_proto == PT_P_TCP) {
		g->tcp_seq = d->tcp.seq;
		g->tcp_flags = d->tcp.flags;
		g->tcp_hdr_len = d->tcp.hdr_len;
		if (d->tcp.flags & 0x02)
			g->tcp_mss = d->tcp.mss;
		g->tcp_ack = d->tcp.ack;
	}
	if ((d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6) && d->icmp.is_echo) {
		g->icmp_echo = true;
		g->icmp_echo_reply = d->icmp.type == 0 || d->icmp.type == 129;
		g->icmp_seq = d->icmp.echo_seq;
	}
	if ((d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6) && d->icmp.mtu) {
		g->icmp_mtu = d->icmp.mtu;
		quoted_key(&d->icmp.quote, &g->icmp_quoted);
	}
	if (ip->version == 4 && ip->is_frag) {
		g->kind = PT_DG_FRAGMENT;
		g->dg_key = pt_datagram_key(ip);
	} else if (d->l4_proto == PT_P_TCP && d->payload_len > 0 && !(d->tcp.flags & 0x02)) {
		g->kind = PT_DG_TCP_DATA;
	} else {
		g->kind = PT_DG_WHOLE;
		g->fingerprint = pt_fingerprint(d, frame);
		if (ip->version == 4 && !ip->df)
			g->dg_key = pt_datagram_key(ip);
	}
}
