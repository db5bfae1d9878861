/* The frame builder, the hand-made sample frames and the corpus locator
 * shared by the suites. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/dlt.h>

#include "check_pathtrace.h"

void fb_init(struct fb *f)
{
	memset(f, 0, sizeof *f);
}

void fb_bytes(struct fb *f, const void *p, size_t n)
{
	ck_assert_msg(f->n + n <= FB_MAX, "frame builder overflow");
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

void fb_u8(struct fb *f, uint8_t v)
{
	fb_bytes(f, &v, 1);
}

void fb_be16(struct fb *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	fb_bytes(f, b, 2);
}

void fb_be32(struct fb *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	fb_bytes(f, b, 4);
}

void fb_zero(struct fb *f, size_t n)
{
	ck_assert_msg(f->n + n <= FB_MAX, "frame builder overflow");
	memset(f->b + f->n, 0, n);
	f->n += n;
}

static void add_patch(struct fb *f, size_t off, int kind)
{
	ck_assert(f->npatch < FB_MAX_PATCH);
	f->patch[f->npatch].off = off;
	f->patch[f->npatch].kind = kind;
	f->npatch++;
}

void fb_eth(struct fb *f, uint16_t ethertype)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01 };
	fb_bytes(f, macs, sizeof macs);
	fb_be16(f, ethertype);
}

void fb_vlan(struct fb *f, uint16_t tci, uint16_t ethertype)
{
	fb_be16(f, tci);
	fb_be16(f, ethertype);
}

void fb_sll(struct fb *f, uint16_t hatype, uint16_t proto)
{
	fb_be16(f, 0); /* packet type: to us */
	fb_be16(f, hatype);
	fb_be16(f, 0); /* address length */
	fb_zero(f, 8);
	fb_be16(f, proto);
}

void fb_sll2(struct fb *f, uint16_t hatype, uint16_t proto)
{
	fb_be16(f, proto);
	fb_be16(f, 0);
	fb_be32(f, 3); /* interface index */
	fb_be16(f, hatype);
	fb_u8(f, 0);
	fb_u8(f, 0);
	fb_zero(f, 8);
}

void fb_ipv4_ex(struct fb *f, uint8_t proto, uint32_t src, uint32_t dst, uint16_t id, uint16_t frag,
		const uint8_t *opts, size_t optlen)
{
	add_patch(f, f->n, 4);
	fb_u8(f, (uint8_t)(0x40 | ((20 + optlen) / 4)));
	fb_u8(f, 0);
	fb_be16(f, 0); /* patched */
	fb_be16(f, id);
	fb_be16(f, frag);
	fb_u8(f, 64);
	fb_u8(f, proto);
	fb_be16(f, 0);
	fb_be32(f, src);
	fb_be32(f, dst);
	if (optlen)
		fb_bytes(f, opts, optlen);
}

void fb_ipv4(struct fb *f, uint8_t proto, uint32_t src, uint32_t dst)
{
	fb_ipv4_ex(f, proto, src, dst, 0x1234, 0x4000, NULL, 0);
}

void fb_ipv6(struct fb *f, uint8_t nh, uint8_t src, uint8_t dst)
{
	static const uint8_t pfx[14] = { 0x20, 0x01, 0x0d, 0xb8 };
	add_patch(f, f->n, 6);
	fb_be32(f, 0x60000000);
	fb_be16(f, 0); /* patched */
	fb_u8(f, nh);
	fb_u8(f, 63);
	fb_bytes(f, pfx, sizeof pfx);
	fb_be16(f, src);
	fb_bytes(f, pfx, sizeof pfx);
	fb_be16(f, dst);
}

void fb_ipv6_frag(struct fb *f, uint8_t nh, uint16_t offset_bytes, bool mf, uint32_t id)
{
	fb_u8(f, nh);
	fb_u8(f, 0);
	fb_be16(f, (uint16_t)((offset_bytes & 0xfff8) | (mf ? 1 : 0)));
	fb_be32(f, id);
}

void fb_udp(struct fb *f, uint16_t sport, uint16_t dport)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	add_patch(f, f->n - 4, 17);
	fb_be16(f, 0);
	fb_be16(f, 0);
}

void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, const uint8_t *opts, size_t optlen)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be32(f, 1000);
	fb_be32(f, 2000);
	fb_u8(f, (uint8_t)(((20 + optlen) / 4) << 4));
	fb_u8(f, flags);
	fb_be16(f, 65535);
	fb_be16(f, 0);
	fb_be16(f, 0);
	if (optlen)
		fb_bytes(f, opts, optlen);
}

void fb_vxlan(struct fb *f, uint32_t vni)
{
	fb_be32(f, 0x08000000);
	fb_be32(f, vni << 8);
}

void fb_geneve(struct fb *f, uint32_t vni, uint16_t proto, const uint8_t *opts, size_t optlen)
{
	fb_u8(f, (uint8_t)(optlen / 4));
	fb_u8(f, 0);
	fb_be16(f, proto);
	fb_be32(f, vni << 8);
	if (optlen)
		fb_bytes(f, opts, optlen);
}

void fb_gre(struct fb *f, uint16_t flags, uint16_t proto, uint32_t key)
{
	fb_be16(f, flags);
	fb_be16(f, proto);
	if (flags & 0x8000)
		fb_be32(f, 0);
	if (flags & 0x2000)
		fb_be32(f, key);
	if (flags & 0x1000)
		fb_be32(f, 7);
}

void fb_icmp(struct fb *f, uint8_t type, uint8_t code, uint32_t rest)
{
	fb_u8(f, type);
	fb_u8(f, code);
	fb_be16(f, 0);
	fb_be32(f, rest);
}

void fb_ah(struct fb *f, uint8_t nh, uint32_t spi, uint32_t seq, size_t icv_len)
{
	fb_u8(f, nh);
	fb_u8(f, (uint8_t)((12 + icv_len) / 4 - 2));
	fb_be16(f, 0);
	fb_be32(f, spi);
	fb_be32(f, seq);
	for (size_t i = 0; i < icv_len; i++)
		fb_u8(f, (uint8_t)(0xa0 + i));
}

void fb_gue(struct fb *f, uint8_t proto, uint16_t flags, size_t ext_len)
{
	fb_u8(f, (uint8_t)(ext_len / 4));
	fb_u8(f, proto);
	fb_be16(f, flags);
	fb_zero(f, ext_len);
}

void fb_l2tp(struct fb *f, bool over_udp, uint32_t session, size_t cookie_len, bool sublayer)
{
	if (over_udp) {
		fb_be16(f, 0x0003);
		fb_be16(f, 0);
	}
	fb_be32(f, session);
	for (size_t i = 0; i < cookie_len; i++)
		fb_u8(f, (uint8_t)(0xc0 + i));
	if (sublayer)
		fb_be32(f, 0);
}

void fb_mpls(struct fb *f, uint32_t label, bool bottom, uint8_t ttl)
{
	fb_be32(f, label << 12 | (bottom ? 0x100u : 0) | ttl);
}

void fb_done(struct fb *f)
{
	for (unsigned i = 0; i < f->npatch; i++) {
		size_t o = f->patch[i].off, v;
		switch (f->patch[i].kind) {
		case 4:
			v = f->n - o;
			f->b[o + 2] = (uint8_t)(v >> 8);
			f->b[o + 3] = (uint8_t)v;
			break;
		case 6:
			v = f->n - o - 40;
			f->b[o + 4] = (uint8_t)(v >> 8);
			f->b[o + 5] = (uint8_t)v;
			break;
		default:
			v = f->n - o;
			f->b[o + 4] = (uint8_t)(v >> 8);
			f->b[o + 5] = (uint8_t)v;
			break;
		}
	}
}

/* ---- samples ---- */

static const uint8_t tcp_syn_opts[20] = {
	2, 4, 0x05, 0xb4,                 /* MSS 1460 */
	4, 2,                             /* SACK permitted */
	8, 10, 0, 0, 0, 1, 0, 0, 0, 0,    /* timestamps 1, 0 */
	1,                                /* NOP */
	3, 3, 7,                          /* window scale 7 */
};

static void add(struct pt_sample *out, size_t max, size_t *n, const char *name, int dlt, const struct fb *f)
{
	if (*n >= max)
		return;
	struct pt_sample *s = &out[(*n)++];
	s->name = name;
	s->dlt = dlt;
	memcpy(s->data, f->b, f->n);
	s->len = f->n;
	s->has_opts = false;
}

/* A sample decoded with a port the defaults do not name. */
static void add_port(struct pt_sample *out, size_t max, size_t *n, const char *name, const struct fb *f,
		     enum pt_proto proto, uint16_t port)
{
	size_t before = *n;
	add(out, max, n, name, DLT_EN10MB, f);
	if (*n == before)
		return;
	struct pt_sample *s = &out[before];
	s->has_opts = true;
	pt_decode_opts_init(&s->opts);
	ck_assert_int_eq(pt_decode_opts_add_port(&s->opts, proto, port), PT_PORT_ADDED);
}

const struct pt_decode_opts *pt_sample_opts(const struct pt_sample *s)
{
	return s->has_opts ? &s->opts : NULL;
}

size_t pt_samples(struct pt_sample *out, size_t max)
{
	size_t n = 0;
	struct fb f;
	static const uint8_t payload[16] = "pathtrace-sample";

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 40000, 80, 0x02, tcp_syn_opts, sizeof tcp_syn_opts);
	fb_done(&f);
	add(out, max, &n, "eth-ipv4-tcp-syn", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x8100);
	fb_vlan(&f, 10, 0x8100);
	fb_vlan(&f, 20, 0x86dd);
	fb_ipv6(&f, 17, 1, 2);
	fb_udp(&f, 5000, 53);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "qinq-ipv6-udp", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(&f, 33333, 4789);
	fb_vxlan(&f, 100);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 1, 0, 1), IP4(10, 1, 0, 2));
	fb_tcp(&f, 1234, 443, 0x18, NULL, 0);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "vxlan-tcp", DLT_EN10MB, &f);

	static const uint8_t gopts[12] = { 0x01, 0x02, 0x80, 0x02, 1, 2, 3, 4, 5, 6, 7, 8 };
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(&f, 33333, 6081);
	fb_geneve(&f, 0xabcdef, 0x6558, gopts, sizeof gopts);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 58, 3, 4);
	fb_icmp(&f, 128, 0, 0x00070001);
	fb_done(&f);
	add(out, max, &n, "geneve-opts-icmpv6-echo", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(&f, 0xb000, 0x0800, 0xdeadbeef);
	fb_ipv4(&f, 1, IP4(10, 2, 0, 1), IP4(10, 2, 0, 2));
	fb_icmp(&f, 8, 0, 0x00420001);
	fb_done(&f);
	add(out, max, &n, "gre-csum-key-seq-icmp", DLT_EN10MB, &f);

	/* ICMP frag-needed quoting a TCP segment; padded like a short Ethernet frame would be. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, IP4(198, 51, 100, 1), IP4(10, 0, 0, 1));
	fb_icmp(&f, 3, 4, 1400);
	{
		struct fb q;
		fb_init(&q);
		fb_ipv4(&q, 6, IP4(10, 0, 0, 1), IP4(203, 0, 113, 9));
		fb_tcp(&q, 40000, 25, 0x10, NULL, 0);
		q.b[2] = 0x05; /* quoted total length 1500 */
		q.b[3] = 0xdc;
		fb_bytes(&f, q.b, 28);
	}
	fb_done(&f);
	add(out, max, &n, "icmp-frag-needed", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 58, 9, 1);
	fb_icmp(&f, 2, 0, 1400);
	{
		struct fb q;
		fb_init(&q);
		fb_ipv6(&q, 17, 1, 7);
		fb_udp(&q, 5353, 9999);
		q.b[4] = 0x05;
		q.b[5] = 0xc8; /* quoted payload length 1480 */
		fb_bytes(&f, q.b, 48);
	}
	fb_done(&f);
	add(out, max, &n, "icmpv6-ptb", DLT_EN10MB, &f);

	/* First IPv4 fragment of a UDP datagram, and an IPv6 first fragment. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 77, 0x2000, NULL, 0);
	fb_udp(&f, 7001, 7002);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	f.b[14 + 20 + 4] = 0x05; /* UDP length 1400: the datagram goes on in later fragments */
	f.b[14 + 20 + 5] = 0x78;
	add(out, max, &n, "ipv4-first-fragment", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, 1, 2);
	fb_ipv6_frag(&f, 6, 0, true, 0xcafe);
	fb_tcp(&f, 80, 40000, 0x10, NULL, 0);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "ipv6-first-fragment", DLT_EN10MB, &f);

	/* Linux cooked v1 and v2, BSD loopback, raw. */
	fb_init(&f);
	fb_be16(&f, 0);
	fb_be16(&f, 1);
	fb_be16(&f, 6);
	fb_zero(&f, 8);
	fb_be16(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1, 2);
	fb_done(&f);
	add(out, max, &n, "sll-ipv4-udp", DLT_LINUX_SLL, &f);

	fb_init(&f);
	fb_be16(&f, 0x86dd);
	fb_be16(&f, 0);
	fb_be32(&f, 2);
	fb_be16(&f, 1);
	fb_u8(&f, 0);
	fb_u8(&f, 6);
	fb_zero(&f, 8);
	fb_ipv6(&f, 6, 5, 6);
	fb_tcp(&f, 22, 50000, 0x12, tcp_syn_opts, sizeof tcp_syn_opts);
	fb_done(&f);
	add(out, max, &n, "sll2-ipv6-tcp", 276, &f);

	/* An ipgre device read cooked: the inner packet right after the header, and
	 * the layout with a GRE header in front. */
	fb_init(&f);
	fb_sll(&f, 778, 0x0800);
	fb_ipv4(&f, 1, IP4(172, 16, 1, 1), IP4(172, 16, 2, 1));
	fb_icmp(&f, 8, 0, 0x12740001);
	fb_done(&f);
	add(out, max, &n, "sll-ipgre-ipv4-icmp", DLT_LINUX_SLL, &f);

	fb_init(&f);
	fb_sll2(&f, 778, 0x86dd);
	fb_gre(&f, 0x2000, 0x86dd, 7);
	fb_ipv6(&f, 17, 1, 2);
	fb_udp(&f, 53, 53);
	fb_done(&f);
	add(out, max, &n, "sll2-ipgre-gre-ipv6-udp", 276, &f);

	fb_init(&f);
	fb_u8(&f, 2); /* AF_INET, little-endian host */
	fb_zero(&f, 3);
	fb_ipv4(&f, 1, IP4(127, 0, 0, 1), IP4(127, 0, 0, 1));
	fb_icmp(&f, 0, 0, 0x00010002);
	fb_done(&f);
	add(out, max, &n, "null-ipv4-icmp", DLT_NULL, &f);

	fb_init(&f);
	fb_ipv6(&f, 17, 1, 2);
	fb_udp(&f, 443, 50000);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "raw-ipv6-udp", DLT_RAW, &f);

	/* Ethernet padding after a short IPv4 packet. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1000, 9);
	fb_done(&f);
	fb_zero(&f, 60 - f.n);
	add(out, max, &n, "ipv4-padded", DLT_EN10MB, &f);

	/* 802.3 + LLC/SNAP + IPv4, ARP, MPLS. */
	fb_init(&f);
	fb_eth(&f, 0x0806);
	fb_be16(&f, 1);
	fb_be16(&f, 0x0800);
	fb_u8(&f, 6);
	fb_u8(&f, 4);
	fb_be16(&f, 1);
	fb_zero(&f, 20);
	fb_done(&f);
	add(out, max, &n, "arp-request", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x8847);
	fb_be32(&f, (16u << 12) | 64);
	fb_be32(&f, (17u << 12) | 0x100 | 64);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1, 2);
	fb_done(&f);
	add(out, max, &n, "mpls-2-labels", DLT_EN10MB, &f);

	/* ERSPAN type II and III over GRE. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(&f, 0x1000, 0x88be, 0);
	fb_be16(&f, 0x1000); /* version 1 = type II */
	fb_be16(&f, 0x0005); /* session 5 */
	fb_be32(&f, 0);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_icmp(&f, 8, 0, 1);
	fb_done(&f);
	add(out, max, &n, "erspan2", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(&f, 0x1000, 0x22eb, 0);
	fb_be16(&f, 0x2000); /* version 2 = type III */
	fb_be16(&f, 0x0009);
	fb_be32(&f, 0);
	fb_be32(&f, 0x00000001); /* O flag: platform sub-header follows */
	fb_zero(&f, 8);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_icmp(&f, 8, 0, 1);
	fb_done(&f);
	add(out, max, &n, "erspan3-subheader", DLT_EN10MB, &f);

	/* IPv4 with options, and IPv6 with hop-by-hop and destination options. */
	static const uint8_t v4opts[8] = { 0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00 };
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 17, IP4(10, 0, 0, 1), IP4(224, 0, 0, 1), 1, 0, v4opts, sizeof v4opts);
	fb_udp(&f, 9, 9);
	fb_done(&f);
	add(out, max, &n, "ipv4-options", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 0, 1, 2);
	fb_u8(&f, 60);
	fb_u8(&f, 0);
	fb_zero(&f, 6);
	fb_u8(&f, 17);
	fb_u8(&f, 1);
	fb_zero(&f, 14);
	fb_udp(&f, 546, 547);
	fb_done(&f);
	add(out, max, &n, "ipv6-hbh-dstopts-udp", DLT_EN10MB, &f);

	/* IPv4 in IPv6 and GRE-in-UDP. */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 4, 1, 2);
	fb_ipv4(&f, 6, IP4(10, 9, 0, 1), IP4(10, 9, 0, 2));
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	add(out, max, &n, "ipip-4in6", DLT_EN10MB, &f);

	/* IPsec AH in tunnel mode (an ICMP echo, as Linux vti sends it: 96-bit
	 * ICV) and in transport mode (a TCP segment). */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 51, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_ah(&f, 4, 0x101, 1, 12);
	fb_ipv4(&f, 1, IP4(172, 16, 1, 1), IP4(172, 16, 2, 1));
	fb_icmp(&f, 8, 0, 0x7a5a0001);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "ah-tunnel-icmp", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 51, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_ah(&f, 6, 0x100, 7, 12);
	fb_tcp(&f, 40000, 22, 0x18, NULL, 0);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "ah-transport-tcp", DLT_EN10MB, &f);

	/* GUE (Linux fou, port 6080 as given with --gue-port): variant 0 with
	 * ipip and with 8 bytes of extension fields and GRE, variant 1 with IPv6. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_udp(&f, 47780, 6080);
	fb_gue(&f, 4, 0, 0);
	fb_ipv4(&f, 1, IP4(172, 16, 1, 1), IP4(172, 16, 2, 1));
	fb_icmp(&f, 8, 0, 0x08ac0001);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add_port(out, max, &n, "gue-ipip-icmp", &f, PT_P_GUE, 6080);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_udp(&f, 47780, 6080);
	fb_gue(&f, 47, 0x0001, 8);
	fb_gre(&f, 0x0000, 0x0800, 0);
	fb_ipv4(&f, 17, IP4(172, 16, 1, 1), IP4(172, 16, 2, 1));
	fb_udp(&f, 5353, 5353);
	fb_done(&f);
	add_port(out, max, &n, "gue-ext-gre-udp", &f, PT_P_GUE, 6080);

	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 17, 1, 2);
	fb_udp(&f, 6080, 40000);
	fb_ipv6(&f, 6, 7, 8);
	fb_tcp(&f, 443, 50000, 0x12, tcp_syn_opts, sizeof tcp_syn_opts);
	fb_done(&f);
	add_port(out, max, &n, "gue-v1-ipv6-tcp", &f, PT_P_GUE, 6080);

	/* L2TPv3 Ethernet pseudowires: over IP as Linux sends them by default
	 * (no cookie, the 4-byte sublayer), over UDP with an 8-byte cookie. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 115, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_l2tp(&f, false, 1, 0, true);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, IP4(172, 16, 1, 1), IP4(172, 16, 1, 2));
	fb_icmp(&f, 8, 0, 0x0d560001);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "l2tp-ip-eth-icmp", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_udp(&f, 1701, 1701);
	fb_l2tp(&f, true, 0x1234567, 8, false);
	fb_eth(&f, 0x8100);
	fb_vlan(&f, 30, 0x86dd);
	fb_ipv6(&f, 17, 1, 2);
	fb_udp(&f, 5000, 53);
	fb_done(&f);
	add(out, max, &n, "l2tp-udp-cookie-vlan-ipv6", DLT_EN10MB, &f);

	/* MPLS over UDP (RFC 7510): bare IPv4 on IANA's port, and an Ethernet
	 * frame under two labels on OpenContrail's 51234 (--mpls-udp-port). */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 11, 0, 55), IP4(10, 11, 0, 56));
	fb_udp(&f, 51822, 6635);
	fb_mpls(&f, 209, true, 63);
	fb_ipv4(&f, 1, IP4(10, 65, 65, 5), IP4(10, 35, 35, 3));
	fb_icmp(&f, 0, 0, 0x00010002);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	add(out, max, &n, "mpls-udp-ipv4-icmp", DLT_EN10MB, &f);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 11, 0, 56), IP4(10, 11, 0, 55));
	fb_udp(&f, 53580, 51234);
	fb_mpls(&f, 100, false, 64);
	fb_mpls(&f, 120, true, 64);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 65, 65, 4), IP4(10, 65, 65, 5));
	fb_tcp(&f, 40000, 80, 0x02, tcp_syn_opts, sizeof tcp_syn_opts);
	fb_done(&f);
	add_port(out, max, &n, "mpls-udp-eth-tcp", &f, PT_P_MPLS, 51234);

	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(&f, 50000, 4754);
	fb_gre(&f, 0x0000, 0x0800, 0);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 53, 53);
	fb_done(&f);
	add(out, max, &n, "gre-in-udp", DLT_EN10MB, &f);
	return n;
}

/* ---- helpers ---- */

enum pt_status pt_t_decode(struct pt_decoded *d, const uint8_t *p, size_t n, int dlt, char *stack,
			   size_t size)
{
	enum pt_status st = pt_decode(d, p, (uint32_t)n, (uint32_t)n, dlt, NULL);
	if (stack)
		pt_stack_format(d, stack, size);
	return st;
}

const char *pt_t_srcdir(void)
{
	const char *s = getenv("PT_SRCDIR");
	return s && *s ? s : ".";
}

const char *pt_t_corpus(const char *test)
{
	static char buf[4096];
	const char *env = getenv("PATHTRACE_CORPUS");
	struct stat st;
	if (env && *env) {
		snprintf(buf, sizeof buf, "%s", env);
	} else {
		/* In the source tree the corpus sits beside it; in make distcheck one level further up. */
		snprintf(buf, sizeof buf, "%s/../shared/corpus", pt_t_srcdir());
		if (stat(buf, &st) != 0)
			snprintf(buf, sizeof buf, "%s/../../shared/corpus", pt_t_srcdir());
	}
	char manifest[4200];
	snprintf(manifest, sizeof manifest, "%s/MANIFEST.tsv", buf);
	if (stat(manifest, &st) != 0) {
		fprintf(stderr, "SKIP %s: corpus not found (set PATHTRACE_CORPUS)\n", test);
		return NULL;
	}
	return buf;
}

const char *pt_t_corpus_file(const char *file, char *buf, size_t size)
{
	const char *dir = pt_t_corpus("corpus");
	snprintf(buf, size, "%s/%s", dir ? dir : ".", file);
	return buf;
}
