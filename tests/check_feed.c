/* Hand-built digests. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <check.h>

#include "check_feed.h"

static void put_ip(uint8_t *out, uint32_t ip)
{
	out[0] = (uint8_t)(ip >> 24);
	out[1] = (uint8_t)(ip >> 16);
	out[2] = (uint8_t)(ip >> 8);
	out[3] = (uint8_t)ip;
}

void feed_digest(struct pt_digest *g, const struct feed_pkt *p)
{
	memset(g, 0, sizeof *g);
	uint32_t src = p->src ? p->src : FEED_IP(10, 0, 0, 1), dst = p->dst ? p->dst : FEED_IP(10, 0, 0, 2);
	uint8_t proto = p->proto ? p->proto : 17;
	uint32_t ip_len = p->ip_len ? p->ip_len : 100;
	uint32_t l4 = proto == 6 ? 20 : 8;
	g->ts = p->ts;
	g->point = p->point;
	g->outside_filter = p->outside_filter;
	g->nips = p->tunnel ? 2 : 1;
	g->outer_version = 4;
	g->outer_len = ip_len + p->tunnel;
	g->len = g->outer_len + 14;
	g->caplen = g->len;
	if (p->tunnel)
		g->encap_bits = 1ull << PT_P_VXLAN;
	uint8_t v = p->ipv6 ? 6 : 4;
	g->ip = (struct pt_digest_ip){ .version = v, .proto = p->ipv6 && proto == 1 ? 58 : proto, .hdr_len = 20,
				       .total_len = ip_len, .id = p->ipv6 ? 0 : p->ip_id, .df = p->df };
	g->key.version = v;
	g->key.proto = g->ip.proto;
	if (p->ipv6) {
		/* fd00::a.b.c.d: unique local, routed unicast */
		g->key.src[0] = g->key.dst[0] = 0xfd;
		put_ip(g->key.src + 12, src);
		put_ip(g->key.dst + 12, dst);
	} else {
		put_ip(g->key.src, src);
		put_ip(g->key.dst, dst);
	}
	g->key.sport = p->sport;
	g->key.dport = proto == 1 ? 0 : p->dport;
	g->key.has_ports = true;
	g->l4_proto = proto == 6 ? PT_P_TCP : proto == 1 ? PT_P_ICMP : PT_P_UDP;
	g->payload_len = ip_len > 20 + l4 ? ip_len - 20 - l4 : 0;
	if (proto == 6) {
		g->tcp_seq = p->tcp_seq;
		g->tcp_flags = p->tcp_flags ? p->tcp_flags : 0x10;
		g->tcp_hdr_len = 20;
		if (g->tcp_flags & 0x02)
			g->tcp_mss = p->tcp_mss;
		g->tcp_ack = p->tcp_ack;
	}
	if (proto == 1 && !p->icmp_mtu) {
		g->icmp_echo = true;
		g->icmp_echo_reply = p->icmp_reply;
		g->icmp_seq = p->icmp_seq;
	}
	if (p->icmp_mtu) {
		g->icmp_mtu = p->icmp_mtu;
		g->icmp_quoted.version = 4;
		g->icmp_quoted.proto = 17;
		put_ip(g->icmp_quoted.src, p->quoted_src);
		put_ip(g->icmp_quoted.dst, p->quoted_dst);
		g->icmp_quoted.sport = p->quoted_sport;
		g->icmp_quoted.dport = p->quoted_dport;
		g->icmp_quoted.has_ports = true;
	}
	g->tag_kind = p->tag_kind;
	g->tag_id = p->tag_id;
	g->carrier_src = p->carrier_src;
	g->carrier_dst = p->carrier_dst;
	g->has_ifindex = g->cooked = p->sll2;
	/* As pt_identity_strong: a non-zero IPv4 ID, a SYN or TCP data. */
	g->strong = (!p->ipv6 && p->ip_id != 0) || (proto == 6 && (g->payload_len > 0 || (g->tcp_flags & 0x02)));
	if (proto == 6 && g->payload_len > 0 && !(g->tcp_flags & 0x02)) {
		g->kind = PT_DG_TCP_DATA;
	} else {
		g->kind = PT_DG_WHOLE;
		/* What the fingerprint hashes is the same at every point: ID, sizes, the payload. */
		g->fingerprint = (uint64_t)p->ip_id << 48 ^ (uint64_t)ip_len << 32 ^ p->tag * 0x9e3779b97f4a7c15ull ^
				 (uint64_t)proto << 40 ^ (uint64_t)p->icmp_mtu << 16 ^ p->tcp_seq ^ (uint64_t)p->icmp_seq << 24 ^
				 (uint64_t)p->icmp_reply << 63;
		if (!p->df)
			g->dg_key = (uint64_t)src << 32 ^ dst ^ (uint64_t)p->ip_id << 16 ^ proto;
	}
}

void feed_points(struct pt_points *ps, unsigned n, const char *const *names)
{
	pt_points_init(ps);
	for (unsigned i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "p%u", i);
		ck_assert_int_ge(pt_points_add(ps, names ? names[i] : name, "test.pcap", 1), 0);
	}
}
