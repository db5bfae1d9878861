/* The layered decoder on hand-built frames: stacks, addresses, tunnel ids,
 * fragments, TCP options, ICMP MTUs, and the malformed and truncated cases
 * each with its named event. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <pcap/dlt.h>

#include "check_pathtrace.h"

static struct pt_decoded d;
static char stack[1024];

#define EXPECT_STACK(s) ck_assert_str_eq(stack, (s))
#define EXPECT_EVENT(ev) ck_assert_msg(pt_decoded_has_event(&d, (ev)), "event %s missing", pt_event_name(ev))
#define EXPECT_NO_EVENT(ev) ck_assert_msg(!pt_decoded_has_event(&d, (ev)), "unexpected event %s", pt_event_name(ev))

/* Never NULL, so the assertions below need no guards; nips is checked where it matters. */
static const struct pt_ip *inner_ip(void)
{
	ck_assert_uint_gt(d.nips, 0);
	return &d.ips[d.nips ? d.nips - 1 : 0];
}

static const struct pt_ip *outer_ip(void)
{
	ck_assert_uint_gt(d.nips, 0);
	return &d.ips[0];
}

static enum pt_status dec(const struct fb *f, int dlt)
{
	return pt_t_decode(&d, f->b, f->n, dlt, stack, sizeof stack);
}

static enum pt_status dec_cut(const struct fb *f, size_t caplen, size_t wire)
{
	enum pt_status st = pt_decode(&d, f->b, (uint32_t)caplen, (uint32_t)wire, DLT_EN10MB, NULL);
	pt_stack_format(&d, stack, sizeof stack);
	return st;
}

static void expect_ip(const struct pt_ip *ip, const char *src, const char *dst)
{
	char a[64], b[64];
	ck_assert_ptr_nonnull(ip);
	pt_ip_format(ip->version, ip->src, a, sizeof a);
	pt_ip_format(ip->version, ip->dst, b, sizeof b);
	ck_assert_str_eq(a, src);
	ck_assert_str_eq(b, dst);
}

static const struct pt_sample *sample(const char *name)
{
	static struct pt_sample s[64];
	static size_t n;
	if (!n)
		n = pt_samples(s, 64);
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].name, name) == 0)
			return &s[i];
	ck_abort_msg("no sample %s", name);
	return NULL;
}

static enum pt_status dec_sample(const char *name)
{
	const struct pt_sample *s = sample(name);
	enum pt_status st = pt_decode(&d, s->data, (uint32_t)s->len, (uint32_t)s->len, s->dlt, pt_sample_opts(s));
	pt_stack_format(&d, stack, sizeof stack);
	return st;
}

static enum pt_status dec_opts(const struct fb *f, const struct pt_decode_opts *o)
{
	enum pt_status st = pt_decode(&d, f->b, (uint32_t)f->n, (uint32_t)f->n, DLT_EN10MB, o);
	pt_stack_format(&d, stack, sizeof stack);
	return st;
}

/* The status must follow from the events' kinds: a malformed packet names a
 * malformed event, a truncated one a truncated event (STYLE.md, principle 1). */
static void expect_status_consistent(void)
{
	bool m = false, t = false;
	for (unsigned i = 0; i < d.nevents; i++) {
		char k = pt_event_kind((enum pt_event)d.events[i]);
		m |= k == 'M';
		t |= k == 'T';
	}
	if (d.status == PT_MALFORMED)
		ck_assert_msg(m, "status malformed but no malformed event (stack %s)", stack);
	if (d.status == PT_TRUNCATED)
		ck_assert_msg(t || pt_decoded_has_event(&d, PT_EV_IP_TINY_FRAGMENT),
			      "status truncated but no truncated event (stack %s)", stack);
	if (d.status == PT_OK)
		ck_assert_msg(!m && !t, "status ok with a truncated/malformed event (stack %s)", stack);
}

START_TEST(test_tcp_syn_options)
{
	ck_assert_int_eq(dec_sample("eth-ipv4-tcp-syn"), PT_OK);
	EXPECT_STACK("eth:ipv4:tcp");
	expect_ip(inner_ip(), "10.0.0.1", "10.0.0.2");
	ck_assert_int_eq(d.nevents, 0);
	ck_assert_int_eq(d.l4_proto, PT_P_TCP);
	ck_assert(d.has_ports);
	ck_assert_uint_eq(d.sport, 40000);
	ck_assert_uint_eq(d.dport, 80);
	ck_assert_uint_eq(d.tcp.flags, 0x02);
	ck_assert_uint_eq(d.tcp.seq, 1000);
	ck_assert_uint_eq(d.tcp.ack, 2000);
	ck_assert_uint_eq(d.tcp.win, 65535);
	ck_assert_uint_eq(d.tcp.hdr_len, 40);
	ck_assert_uint_eq(d.tcp.mss, 1460);
	ck_assert_int_eq(d.tcp.wscale, 7);
	ck_assert(d.tcp.sack_ok);
	ck_assert(d.tcp.has_ts);
	ck_assert_uint_eq(d.tcp.ts_val, 1);
	ck_assert_uint_eq(d.tcp.ts_ecr, 0);
	ck_assert_uint_eq(d.payload_len, 0);
	const struct pt_ip *ip = inner_ip();
	ck_assert_uint_eq(ip->ttl, 64);
	ck_assert(ip->df);
	ck_assert(!ip->is_frag);
	ck_assert_uint_eq(ip->total_len, 60);
}
END_TEST

START_TEST(test_tcp_sack_blocks_and_absent_options)
{
	static const uint8_t opts[20] = { 1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4 };
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x10, opts, sizeof opts);
	fb_bytes(&f, "data", 4);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	ck_assert_uint_eq(d.tcp.sack_blocks, 2);
	ck_assert_uint_eq(d.tcp.mss, 0);
	ck_assert_int_eq(d.tcp.wscale, -1);
	ck_assert(!d.tcp.has_ts);
	ck_assert(!d.tcp.sack_ok);
	ck_assert_uint_eq(d.payload_len, 4);
	ck_assert_uint_eq(d.payload_off, 14 + 20 + 40);
}
END_TEST

START_TEST(test_tcp_bad_option_length)
{
	static const uint8_t opts[4] = { 2, 9, 5, 0xb4 }; /* MSS claiming 9 bytes in a 4-byte option area */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x02, opts, sizeof opts);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_TCP_BAD_OPTION);
	expect_status_consistent();
}
END_TEST

START_TEST(test_qinq_ipv6_udp)
{
	ck_assert_int_eq(dec_sample("qinq-ipv6-udp"), PT_OK);
	EXPECT_STACK("eth:vlan[10]:vlan[20]:ipv6:udp");
	ck_assert_uint_eq(d.vlan_count, 2);
	ck_assert_uint_eq(d.layers[1].id, 10);
	ck_assert_uint_eq(d.layers[2].id, 20);
	expect_ip(inner_ip(), "2001:db8::1", "2001:db8::2");
	ck_assert_uint_eq(d.sport, 5000);
	ck_assert_uint_eq(d.dport, 53);
	ck_assert_uint_eq(d.payload_len, 16);
	ck_assert_uint_eq(inner_ip()->ttl, 63);
}
END_TEST

START_TEST(test_vlan_pcp_dei_masked)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x88a8);
	fb_vlan(&f, 0xf000 | 100, 0x8100); /* PCP 7, DEI 1 */
	fb_vlan(&f, 0x2000 | 4095, 0x0800);
	fb_ipv4(&f, 17, IP4(1, 2, 3, 4), IP4(5, 6, 7, 8));
	fb_udp(&f, 1, 2);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:vlan[100]:vlan[4095]:ipv4:udp");
	ck_assert_uint_eq(d.layers[1].aux, 0x88a8);
	ck_assert_uint_eq(d.layers[2].aux, 0x8100);
}
END_TEST

START_TEST(test_vlan_too_many_tags)
{
	struct fb f;
	for (int ntags = 8; ntags <= 9; ntags++) {
		fb_init(&f);
		fb_eth(&f, 0x8100);
		for (int i = 0; i < ntags; i++)
			fb_vlan(&f, (uint16_t)(i + 1), i + 1 < ntags ? 0x8100 : 0x0800);
		fb_ipv4(&f, 17, IP4(1, 2, 3, 4), IP4(5, 6, 7, 8));
		fb_udp(&f, 1, 2);
		fb_done(&f);
		enum pt_status st = dec(&f, DLT_EN10MB);
		if (ntags == PT_MAX_VLAN_TAGS) {
			ck_assert_int_eq(st, PT_OK);
			ck_assert_uint_eq(d.vlan_count, 8);
		} else {
			ck_assert_int_eq(st, PT_MALFORMED);
			EXPECT_EVENT(PT_EV_VLAN_TOO_MANY_TAGS);
			ck_assert_uint_eq(d.nips, 0);
		}
		expect_status_consistent();
	}
}
END_TEST

START_TEST(test_vxlan)
{
	ck_assert_int_eq(dec_sample("vxlan-tcp"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:vxlan[vni=100]:eth:ipv4:tcp");
	ck_assert_uint_eq(d.nips, 2);
	expect_ip(outer_ip(), "192.0.2.1", "192.0.2.2");
	expect_ip(inner_ip(), "10.1.0.1", "10.1.0.2");
	ck_assert_uint_eq(d.sport, 1234);
	ck_assert_uint_eq(d.dport, 443);
	ck_assert_uint_eq(d.tunnel_count, 1);
	ck_assert_uint_eq(d.payload_len, 16);
	ck_assert_uint_eq(d.tcp.flags, 0x18);
}
END_TEST

START_TEST(test_vxlan_ports)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(&f, 8472, 40000); /* the tunnel port on the source side (a reply) */
	fb_vxlan(&f, 0xffffff);
	fb_eth(&f, 0x0806);
	fb_be16(&f, 1);
	fb_be16(&f, 0x0800);
	fb_u8(&f, 6);
	fb_u8(&f, 4);
	fb_be16(&f, 2);
	fb_zero(&f, 20);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:vxlan[vni=16777215]:eth:arp");
	ck_assert_uint_eq(d.arp_op, 2);

	/* A port only the options name. */
	f.b[14 + 20] = 0x12;
	f.b[14 + 21] = 0x34;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp");
	struct pt_decode_opts o;
	pt_decode_opts_init(&o);
	ck_assert(pt_decode_opts_add_vxlan_port(&o, 0x1234));
	pt_decode(&d, f.b, (uint32_t)f.n, (uint32_t)f.n, DLT_EN10MB, &o);
	pt_stack_format(&d, stack, sizeof stack);
	EXPECT_STACK("eth:ipv4:udp:vxlan[vni=16777215]:eth:arp");
	for (unsigned i = 0; i < 20; i++)
		pt_decode_opts_add_geneve_port(&o, (uint16_t)(1000 + i));
	ck_assert_uint_eq(o.n_geneve_ports, PT_MAX_UDP_TUNNEL_PORTS);
}
END_TEST

START_TEST(test_vxlan_bad_flags)
{
	const struct pt_sample *s = sample("vxlan-tcp");
	uint8_t b[FB_MAX];
	memcpy(b, s->data, s->len);
	b[14 + 20 + 8] = 0x00; /* I flag clear */
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_EN10MB, stack, sizeof stack), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_VXLAN_BAD_FLAGS);
	expect_status_consistent();
}
END_TEST

/* A UDP datagram to the VXLAN port whose payload is empty (not cut by the
 * capture): nothing was truncated, so the packet must not be reported as
 * malformed with only a "truncated" event. */
START_TEST(test_vxlan_empty_payload_consistent)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(&f, 40000, 4789);
	fb_done(&f);
	fb_zero(&f, 60 - f.n); /* Ethernet padding must not become a VXLAN header */
	dec(&f, DLT_EN10MB);
	ck_assert_msg(strncmp(stack, "eth:ipv4:udp", 12) == 0, "stack %s", stack);
	for (unsigned i = 0; i < d.nlayers; i++)
		ck_assert_msg(d.layers[i].id_kind != PT_ID_VNI, "padding read as a VXLAN header");
	expect_status_consistent();
}
END_TEST

START_TEST(test_geneve_options)
{
	ck_assert_int_eq(dec_sample("geneve-opts-icmpv6-echo"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:geneve[vni=11259375]:eth:ipv6:icmpv6");
	ck_assert_uint_eq(d.layers[3].hdr_len, 8 + 12);
	ck_assert_uint_eq(d.icmp.type, 128);
	ck_assert(d.icmp.is_echo);
	ck_assert_uint_eq(d.icmp.echo_id, 7);
	ck_assert_uint_eq(d.icmp.echo_seq, 1);
	expect_ip(inner_ip(), "2001:db8::3", "2001:db8::4");
}
END_TEST

START_TEST(test_geneve_ip_payload)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(&f, 1, 6081);
	fb_geneve(&f, 5, 0x0800, NULL, 0);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 3, 4, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:geneve[vni=5]:ipv4:tcp");
}
END_TEST

START_TEST(test_geneve_bad_option_length)
{
	/* Option header says 4 more words, but only 1 word of the 3-word option area is left. */
	static const uint8_t gopts[12] = { 0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4, 0x01, 0x02, 0x03, 0x04 };
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(&f, 1, 6081);
	fb_geneve(&f, 7, 0x6558, gopts, sizeof gopts);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 3, 4, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_GENEVE_MALFORMED);
	ck_assert_uint_eq(d.nips, 1);
	expect_status_consistent();

	/* Version 1 is not Geneve as we know it. */
	f.b[14 + 20 + 8] |= 0x40;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_GENEVE_BAD_VERSION);
}
END_TEST

START_TEST(test_gre_key)
{
	ck_assert_int_eq(dec_sample("gre-csum-key-seq-icmp"), PT_OK);
	EXPECT_STACK("eth:ipv4:gre[key=3735928559]:ipv4:icmp");
	ck_assert_uint_eq(d.layers[2].hdr_len, 16);
	ck_assert_uint_eq(d.layers[2].id_kind, PT_ID_GRE_KEY);
	ck_assert_uint_eq(d.icmp.echo_id, 0x42);
	expect_ip(inner_ip(), "10.2.0.1", "10.2.0.2");
	ck_assert_uint_eq(d.tunnel_count, 1);
}
END_TEST

START_TEST(test_gre_nvgre_teb)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(&f, 0x2000, 0x6558, (0x123456u << 8) | 0x02);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 3, 4, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:gre[key=305419778]:eth:ipv4:tcp");
}
END_TEST

START_TEST(test_gre_bad_version)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(&f, 0x0002, 0x0800, 0);
	fb_ipv4(&f, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_icmp(&f, 8, 0, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_GRE_BAD_VERSION);
	EXPECT_STACK("eth:ipv4:gre");
	expect_status_consistent();

	/* Version 1 is PPTP: noted, PPP not followed. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(&f, 0x3001, 0x880b, 0x00100001);
	fb_be16(&f, 0xff03);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_EVENT(PT_EV_GRE_PPTP);
	EXPECT_STACK("eth:ipv4:gre");
}
END_TEST

START_TEST(test_gre_in_udp_and_erspan)
{
	ck_assert_int_eq(dec_sample("gre-in-udp"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:gre:ipv4:udp");
	ck_assert_int_eq(dec_sample("erspan2"), PT_OK);
	EXPECT_STACK("eth:ipv4:gre:erspan[session=5]:eth:ipv4:icmp");
	ck_assert_int_eq(dec_sample("erspan3-subheader"), PT_OK);
	EXPECT_STACK("eth:ipv4:gre:erspan[session=9]:eth:ipv4:icmp");
	ck_assert_uint_eq(d.layers[3].hdr_len, 20);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	ck_assert_int_eq(dec_sample("ipv4-first-fragment"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp");
	const struct pt_ip *ip = inner_ip();
	ck_assert(ip->is_frag);
	ck_assert(ip->mf);
	ck_assert(!ip->df);
	ck_assert_uint_eq(ip->frag_off, 0);
	ck_assert_uint_eq(ip->id, 77);
	ck_assert_uint_eq(d.sport, 7001);
	EXPECT_NO_EVENT(PT_EV_UDP_BAD_LENGTH);

	/* A later fragment: offset 1480, last. Its payload is not a header. */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 77, 1480 / 8, NULL, 0);
	fb_udp(&f, 7001, 7002); /* looks like a header, is payload */
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4");
	ip = inner_ip();
	ck_assert(ip->is_frag);
	ck_assert(!ip->mf);
	ck_assert_uint_eq(ip->frag_off, 1480);
	ck_assert(!d.has_ports);
	ck_assert_int_eq(d.l4_proto, PT_P_NONE);
}
END_TEST

/* A VXLAN packet fragmented on the underlay: its first outer fragment holds
 * the inner headers, whose lengths are the packet's own (the rest is in the
 * next fragment), neither truncated nor malformed. */
START_TEST(test_vxlan_in_outer_first_fragment)
{
	static uint8_t payload[1454 - 28];
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), 4242, 0x2000 /* MF */, NULL, 0);
	fb_udp(&f, 40000, 4789);
	fb_vxlan(&f, 100);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 7, 0, NULL, 0);
	fb_icmp(&f, 8, 0, 3005u << 16 | 1);
	fb_bytes(&f, payload, sizeof payload);
	fb_done(&f);
	ck_assert_uint_eq(f.n, 14 + 1504);
	f.n = 14 + 1500; /* the underlay's MTU cuts the outer datagram here */
	f.b[14 + 2] = 1500 >> 8;
	f.b[14 + 3] = 1500 & 0xff;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:vxlan[vni=100]:eth:ipv4:icmp");
	ck_assert_uint_eq(d.nips, 2);
	ck_assert(outer_ip()->is_frag);
	ck_assert(outer_ip()->mf);
	ck_assert_uint_eq(outer_ip()->total_len, 1500);
	ck_assert(!inner_ip()->is_frag);
	ck_assert_uint_eq(inner_ip()->total_len, 1454);
	ck_assert_uint_eq(d.payload_len, 1454 - 28); /* what the VM sent, as at the points before */
	expect_status_consistent();
}
END_TEST

START_TEST(test_ipv6_fragments)
{
	ck_assert_int_eq(dec_sample("ipv6-first-fragment"), PT_OK);
	EXPECT_STACK("eth:ipv6:tcp");
	const struct pt_ip *ip = inner_ip();
	ck_assert(ip->is_frag);
	ck_assert(ip->mf);
	ck_assert_uint_eq(ip->frag_off, 0);
	ck_assert_uint_eq(ip->id, 0xcafe);
	ck_assert_uint_eq(ip->proto, 6);
	ck_assert_uint_eq(ip->hdr_len, 48);
	ck_assert_uint_eq(d.sport, 80);

	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, 1, 2);
	fb_ipv6_frag(&f, 6, 1232, false, 0xcafe);
	fb_zero(&f, 24);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv6");
	ip = inner_ip();
	ck_assert_uint_eq(ip->frag_off, 1232);
	ck_assert(!ip->mf);
	ck_assert_int_eq(d.l4_proto, PT_P_NONE);

	/* An atomic fragment (offset 0, M clear) still is a fragment header. */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, 1, 2);
	fb_ipv6_frag(&f, 17, 0, false, 1);
	fb_udp(&f, 1, 2);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv6:udp");
	ck_assert(inner_ip()->is_frag);
}
END_TEST

START_TEST(test_ipv6_exthdrs)
{
	ck_assert_int_eq(dec_sample("ipv6-hbh-dstopts-udp"), PT_OK);
	EXPECT_STACK("eth:ipv6:udp");
	ck_assert_uint_eq(inner_ip()->hdr_len, 40 + 8 + 16);
	ck_assert_uint_eq(inner_ip()->proto, 17);
	ck_assert_uint_eq(d.dport, 547);

	/* Nine destination-options headers: past the bound. */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 60, 1, 2);
	for (int i = 0; i < 9; i++) {
		fb_u8(&f, i < 8 ? 60 : 59);
		fb_u8(&f, 0);
		fb_zero(&f, 6);
	}
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV6_TOO_MANY_EXTHDRS);

	/* An extension header longer than the payload length. */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 0, 1, 2);
	fb_u8(&f, 17);
	fb_u8(&f, 4); /* 40 bytes, only 8 there */
	fb_zero(&f, 6);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV6_EXTHDR_MALFORMED);
	expect_status_consistent();
}
END_TEST

START_TEST(test_icmp_frag_needed)
{
	ck_assert_int_eq(dec_sample("icmp-frag-needed"), PT_OK);
	EXPECT_STACK("eth:ipv4:icmp");
	ck_assert_int_eq(d.l4_proto, PT_P_ICMP);
	ck_assert_uint_eq(d.icmp.type, 3);
	ck_assert_uint_eq(d.icmp.code, 4);
	ck_assert_uint_eq(d.icmp.mtu, 1400);
	const struct pt_icmp_quote *q = &d.icmp.quote;
	ck_assert(q->present);
	ck_assert_uint_eq(q->version, 4);
	ck_assert_uint_eq(q->proto, 6);
	char a[64];
	pt_ip_format(4, q->src, a, sizeof a);
	ck_assert_str_eq(a, "10.0.0.1");
	pt_ip_format(4, q->dst, a, sizeof a);
	ck_assert_str_eq(a, "203.0.113.9");
	ck_assert(q->has_ports);
	ck_assert_uint_eq(q->sport, 40000);
	ck_assert_uint_eq(q->dport, 25);
	ck_assert_uint_eq(q->total_len, 1500);
	ck_assert_uint_eq(q->ip_id, 0x1234);
	expect_ip(inner_ip(), "198.51.100.1", "10.0.0.1");
	ck_assert_uint_eq(d.nips, 1); /* the quote is not walked as layers */
}
END_TEST

START_TEST(test_icmp_other_unreachable_has_no_mtu)
{
	const struct pt_sample *s = sample("icmp-frag-needed");
	uint8_t b[FB_MAX];
	memcpy(b, s->data, s->len);
	b[14 + 20 + 1] = 3; /* port unreachable */
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_EN10MB, stack, sizeof stack), PT_OK);
	ck_assert_uint_eq(d.icmp.mtu, 0);
	ck_assert(d.icmp.quote.present);
	ck_assert_uint_eq(d.icmp.quote.dport, 25);
}
END_TEST

START_TEST(test_icmpv6_ptb)
{
	ck_assert_int_eq(dec_sample("icmpv6-ptb"), PT_OK);
	EXPECT_STACK("eth:ipv6:icmpv6");
	ck_assert_uint_eq(d.icmp.type, 2);
	ck_assert(d.icmp.is_v6);
	ck_assert_uint_eq(d.icmp.mtu, 1400);
	ck_assert(d.icmp.quote.present);
	ck_assert_uint_eq(d.icmp.quote.version, 6);
	ck_assert_uint_eq(d.icmp.quote.proto, 17);
	ck_assert_uint_eq(d.icmp.quote.sport, 5353);
	ck_assert_uint_eq(d.icmp.quote.dport, 9999);
	ck_assert_uint_eq(d.icmp.quote.total_len, 1520);
	EXPECT_NO_EVENT(PT_EV_ICMPV6_PTB_BELOW_MIN);

	const struct pt_sample *s = sample("icmpv6-ptb");
	uint8_t b[FB_MAX];
	memcpy(b, s->data, s->len);
	b[14 + 40 + 6] = 0x04; /* MTU 1200 */
	b[14 + 40 + 7] = 0xb0;
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_EN10MB, stack, sizeof stack), PT_OK);
	ck_assert_uint_eq(d.icmp.mtu, 1200);
	EXPECT_EVENT(PT_EV_ICMPV6_PTB_BELOW_MIN);
}
END_TEST

START_TEST(test_icmp_quote_truncated)
{
	/* The capture cut the quote: truncated, not malformed. */
	const struct pt_sample *s = sample("icmp-frag-needed");
	pt_decode(&d, s->data, 14 + 20 + 8 + 10, (uint32_t)s->len, DLT_EN10MB, NULL);
	ck_assert_int_eq(d.status, PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_ICMP_QUOTE_TRUNCATED);
	ck_assert_uint_eq(d.icmp.mtu, 1400);
	ck_assert(!d.icmp.quote.present);
}
END_TEST

START_TEST(test_ipv4_padding_not_parsed)
{
	ck_assert_int_eq(dec_sample("ipv4-padded"), PT_OK);
	ck_assert_uint_eq(d.wire_len, 60);
	ck_assert_uint_eq(inner_ip()->total_len, 28);
	ck_assert_uint_eq(d.payload_len, 0);

	/* TCP: the 6 padding bytes are not payload. */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x10, NULL, 0);
	fb_done(&f);
	fb_bytes(&f, "\x01\x02\x03\x04\x05\x06", 6);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:tcp");
	ck_assert_uint_eq(d.payload_len, 0);

	/* IPv4 claims 40 bytes; the UDP header inside says 8: padding past both. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1000, 2000);
	fb_bytes(&f, "abcd", 4);
	fb_done(&f);
	fb_bytes(&f, "\x08\x00\x00\x00\x00\x00\x01\x00\xff\xff", 10);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	ck_assert_uint_eq(d.payload_len, 4);
	ck_assert_uint_eq(inner_ip()->total_len, 32);
}
END_TEST

START_TEST(test_ipv4_total_length_zero)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x10, NULL, 0);
	fb_zero(&f, 100);
	f.b[16] = f.b[17] = 0;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_EVENT(PT_EV_IPV4_LEN_ZERO);
	ck_assert(inner_ip()->len_from_frame);
	ck_assert_uint_eq(d.payload_len, 100);
}
END_TEST

START_TEST(test_ipv4_bad_ihl)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1, 2);
	fb_done(&f);
	f.b[14] = 0x44; /* IHL 4: 16 bytes */
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV4_BAD_HLEN);
	EXPECT_STACK("eth:ipv4");
	ck_assert_uint_eq(d.nips, 0);
	expect_status_consistent();

	f.b[14] = 0x4f; /* IHL 60 > total length 28 */
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV4_BAD_HLEN);
	expect_status_consistent();

	/* IHL 6 with a header that is there but claims a total length below it. */
	f.b[14] = 0x46;
	f.b[17] = 20;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV4_BAD_HLEN);

	f.b[14] = 0x65; /* version 6 in an IPv4 ethertype */
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV4_BAD_VERSION);
}
END_TEST

START_TEST(test_ipv4_bad_option)
{
	static const uint8_t opts[4] = { 0x07, 0x09, 0x04, 0x00 }; /* record route longer than the options */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 0, opts, sizeof opts);
	fb_udp(&f, 1, 2);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV4_BAD_OPTION);
	ck_assert_int_eq(dec_sample("ipv4-options"), PT_OK);
	ck_assert_uint_eq(inner_ip()->hdr_len, 28);
	EXPECT_STACK("eth:ipv4:udp");
}
END_TEST

START_TEST(test_udp_bad_length)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1, 4789);
	fb_vxlan(&f, 1);
	fb_done(&f);
	f.b[14 + 20 + 5] = 4; /* below the header */
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_UDP_BAD_LENGTH);
	EXPECT_STACK("eth:ipv4:udp");
	ck_assert_uint_eq(d.dport, 4789);
	expect_status_consistent();

	f.b[14 + 20 + 5] = 200; /* past the IP payload */
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_UDP_BAD_LENGTH);
	ck_assert_uint_eq(d.payload_len, 8);
}
END_TEST

START_TEST(test_tcp_bad_data_offset)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x10, NULL, 0);
	fb_done(&f);
	f.b[14 + 20 + 12] = 0x30; /* 12 bytes */
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_TCP_BAD_DATA_OFFSET);
	expect_status_consistent();

	f.b[14 + 20 + 12] = 0xf0; /* 60 bytes in a 20-byte segment */
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_TCP_BAD_DATA_OFFSET);
	expect_status_consistent();

	/* The same 60-byte header, with the capture cutting it: truncated. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x10, NULL, 0);
	fb_zero(&f, 40);
	fb_done(&f);
	f.b[14 + 20 + 12] = 0xf0;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	ck_assert_int_eq(dec_cut(&f, 14 + 20 + 30, f.n), PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_TCP_TRUNCATED);
	EXPECT_EVENT(PT_EV_PKT_SNAPLEN_CUT);
	expect_status_consistent();
}
END_TEST

START_TEST(test_truncated_vs_malformed)
{
	const struct pt_sample *s = sample("eth-ipv4-tcp-syn");
	struct fb f;
	fb_init(&f);
	fb_bytes(&f, s->data, s->len);
	/* Snap length cut inside the TCP header: the packet is fine, the capture is short. */
	ck_assert_int_eq(dec_cut(&f, 14 + 20 + 10, f.n), PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_TCP_TRUNCATED);
	EXPECT_STACK("eth:ipv4:tcp");
	expect_status_consistent();
	/* Cut inside the IPv4 header. */
	ck_assert_int_eq(dec_cut(&f, 14 + 10, f.n), PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_IPV4_TRUNCATED);
	/* Inside the Ethernet header. */
	ck_assert_int_eq(dec_cut(&f, 8, f.n), PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_ETH_TRUNCATED);
	/* The wire itself ends early: the IPv4 total length is a lie. */
	ck_assert_int_eq(dec_cut(&f, 14 + 20 + 10, 14 + 20 + 10), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_IPV4_LEN_EXCEEDS_FRAME);
	EXPECT_NO_EVENT(PT_EV_PKT_SNAPLEN_CUT);
	expect_status_consistent();
	/* caplen above len. */
	pt_decode(&d, f.b, (uint32_t)f.n, (uint32_t)f.n - 4, DLT_EN10MB, NULL);
	EXPECT_EVENT(PT_EV_PKT_CAPLEN_EXCEEDS_LEN);
	ck_assert_uint_eq(d.wire_len, f.n);
	/* Nothing at all. */
	ck_assert_int_eq(dec_cut(&f, 0, 0), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_ETH_MALFORMED);
}
END_TEST

START_TEST(test_depth_capped)
{
	struct fb f;
	fb_init(&f);
	for (int i = 0; i < 8; i++) {
		fb_eth(&f, 0x0800);
		fb_ipv4(&f, 17, IP4(10, 0, 0, (uint8_t)i), IP4(10, 0, 1, (uint8_t)i));
		fb_udp(&f, 1, 4789);
		fb_vxlan(&f, (uint32_t)i + 1);
	}
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 9, 9, 1), IP4(10, 9, 9, 2));
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	ck_assert(d.depth_exceeded);
	EXPECT_EVENT(PT_EV_DEPTH_EXCEEDED);
	ck_assert_uint_eq(d.nlayers, PT_MAX_LAYERS);
	ck_assert_uint_le(d.nips, PT_MAX_IPS);
	expect_status_consistent();

	/* Three levels, as in vxlan-nested-triple.pcap, decode fully. */
	fb_init(&f);
	for (int i = 0; i < 3; i++) {
		fb_eth(&f, 0x0800);
		fb_ipv4(&f, 17, IP4(10, 0, 0, (uint8_t)i), IP4(10, 0, 1, (uint8_t)i));
		fb_udp(&f, 1, 4789);
		fb_vxlan(&f, (uint32_t)i + 1);
	}
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 9, 9, 1), IP4(10, 9, 9, 2));
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:vxlan[vni=1]:eth:ipv4:udp:vxlan[vni=2]:eth:ipv4:udp:vxlan[vni=3]:eth:ipv4:tcp");
	ck_assert_uint_eq(d.tunnel_count, 3);
}
END_TEST

START_TEST(test_mpls)
{
	ck_assert_int_eq(dec_sample("mpls-2-labels"), PT_OK);
	EXPECT_STACK("eth:mpls[16]:mpls[17]:ipv4:udp");
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x8847);
	for (int i = 0; i < 9; i++)
		fb_be32(&f, ((uint32_t)(100 + i) << 12) | (i == 8 ? 0x100u : 0) | 64);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1, 2);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_MPLS_TOO_MANY_LABELS);
}
END_TEST

START_TEST(test_link_types)
{
	ck_assert_int_eq(dec_sample("sll-ipv4-udp"), PT_OK);
	EXPECT_STACK("sll:ipv4:udp");
	ck_assert_int_eq(dec_sample("sll2-ipv6-tcp"), PT_OK);
	EXPECT_STACK("sll2:ipv6:tcp");
	ck_assert_uint_eq(d.tcp.mss, 1460);
	ck_assert_int_eq(dec_sample("null-ipv4-icmp"), PT_OK);
	EXPECT_STACK("null:ipv4:icmp");
	ck_assert_int_eq(dec_sample("raw-ipv6-udp"), PT_OK);
	EXPECT_STACK("raw:ipv6:udp");
	ck_assert(pt_linktype_supported(228));
	ck_assert(pt_linktype_supported(229));
	ck_assert(!pt_linktype_supported(105));

	/* DLT_NULL written on a big-endian host; DLT_LOOP in network order. */
	const struct pt_sample *s = sample("null-ipv4-icmp");
	uint8_t b[FB_MAX];
	memcpy(b, s->data, s->len);
	b[0] = 0;
	b[3] = 2;
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_NULL, stack, sizeof stack), PT_OK);
	EXPECT_STACK("null:ipv4:icmp");
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_LOOP, stack, sizeof stack), PT_OK);
	EXPECT_STACK("null:ipv4:icmp");
	b[3] = 99;
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_LOOP, stack, sizeof stack), PT_OK);
	EXPECT_EVENT(PT_EV_NULL_UNKNOWN_FAMILY);

	/* Raw IP with neither version. */
	b[0] = 0x50;
	ck_assert_int_eq(pt_t_decode(&d, b, 20, DLT_RAW, stack, sizeof stack), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_RAW_BAD_VERSION);

	ck_assert_int_eq(pt_t_decode(&d, b, 20, 105, stack, sizeof stack), PT_OK);
	EXPECT_EVENT(PT_EV_LINK_UNSUPPORTED);
	ck_assert_uint_eq(d.nlayers, 0);
}
END_TEST

/* ARPHRD_IPGRE cooked captures: the inner packet follows the cooked header
 * (kaorimatz/pcaps gre2), or a GRE header does; the bytes decide. */
START_TEST(test_sll_ipgre)
{
	ck_assert_int_eq(dec_sample("sll-ipgre-ipv4-icmp"), PT_OK);
	EXPECT_STACK("sll:ipv4:icmp");
	expect_ip(inner_ip(), "172.16.1.1", "172.16.2.1");
	ck_assert_uint_eq(d.icmp.echo_id, 0x1274);
	ck_assert_uint_eq(d.tunnel_count, 0);
	ck_assert_uint_eq(d.layers[0].aux, 778);
	ck_assert_int_eq(dec_sample("sll2-ipgre-gre-ipv6-udp"), PT_OK);
	EXPECT_STACK("sll2:gre[key=7]:ipv6:udp");
	ck_assert_uint_eq(d.tunnel_count, 1);

	/* The same two over the other cooked version. */
	struct fb f;
	fb_init(&f);
	fb_sll2(&f, 778, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, 276), PT_OK);
	EXPECT_STACK("sll2:ipv4:tcp");
	fb_init(&f);
	fb_sll(&f, 778, 0x0800);
	fb_gre(&f, 0x0000, 0x0800, 0);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_LINUX_SLL), PT_OK);
	EXPECT_STACK("sll:gre:ipv4:tcp");

	/* A GRE header whose protocol type disagrees with the cooked one is not
	 * taken for one: the bytes are read as the cooked protocol says. */
	f.b[16 + 2] = 0x86;
	f.b[16 + 3] = 0xdd;
	ck_assert_int_eq(dec(&f, DLT_LINUX_SLL), PT_MALFORMED);
	EXPECT_STACK("sll:ipv4");
	EXPECT_EVENT(PT_EV_IPV4_BAD_VERSION);
	expect_status_consistent();

	/* Cut before the 4 bytes that tell the layouts apart: truncated, not a guess. */
	const struct pt_sample *s = sample("sll-ipgre-ipv4-icmp");
	pt_decode(&d, s->data, 16 + 3, (uint32_t)s->len, DLT_LINUX_SLL, NULL);
	ck_assert_int_eq(d.status, PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_SLL_TRUNCATED);
	expect_status_consistent();
}
END_TEST

START_TEST(test_arp_llc)
{
	ck_assert_int_eq(dec_sample("arp-request"), PT_OK);
	EXPECT_STACK("eth:arp");
	ck_assert_uint_eq(d.arp_op, 1);

	/* 802.3 length field, LLC/SNAP carrying IPv4, then padding. */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0);
	fb_bytes(&f, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_udp(&f, 1, 2);
	fb_done(&f);
	f.b[12] = 0;
	f.b[13] = (uint8_t)(f.n - 14);
	fb_zero(&f, 10);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:llc:ipv4:udp");

	/* Neither a length nor an ethertype. */
	f.b[12] = 0x05;
	f.b[13] = 0xff;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_ETH_MALFORMED);
	f.b[12] = 0x88;
	f.b[13] = 0xb5;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_EVENT(PT_EV_ETH_UNKNOWN_ETHERTYPE);
}
END_TEST

START_TEST(test_ip_in_ip)
{
	ck_assert_int_eq(dec_sample("ipip-4in6"), PT_OK);
	EXPECT_STACK("eth:ipv6:ipv4:tcp");
	ck_assert_uint_eq(d.tunnel_count, 1);
	ck_assert_uint_eq(d.nips, 2);
	expect_ip(outer_ip(), "2001:db8::1", "2001:db8::2");
	expect_ip(inner_ip(), "10.9.0.1", "10.9.0.2");
}
END_TEST

/* IPsec AH: tunnel mode makes the inner packet the innermost IP (matched at
 * the vti device), transport mode names the transport; the lengths are
 * checked and a capture cut is told from a short packet. */
START_TEST(test_ah)
{
	ck_assert_int_eq(dec_sample("ah-tunnel-icmp"), PT_OK);
	EXPECT_STACK("eth:ipv4:ah[spi=0x101]:ipv4:icmp");
	ck_assert_uint_eq(d.layers[2].hdr_len, 24);
	ck_assert_uint_eq(d.layers[2].aux, 4);
	ck_assert_uint_eq(d.nips, 2);
	ck_assert_uint_eq(d.tunnel_count, 1);
	expect_ip(outer_ip(), "192.168.1.1", "192.168.1.2");
	expect_ip(inner_ip(), "172.16.1.1", "172.16.2.1");
	ck_assert_uint_eq(outer_ip()->proto, 4);
	/* What point-stats counts as overhead: outer IP 20 + AH 24. */
	ck_assert_uint_eq(outer_ip()->total_len - inner_ip()->total_len, 44);
	ck_assert(d.icmp.is_echo);
	ck_assert_uint_eq(d.icmp.echo_id, 0x7a5a);

	ck_assert_int_eq(dec_sample("ah-transport-tcp"), PT_OK);
	EXPECT_STACK("eth:ipv4:ah[spi=0x100]:tcp");
	ck_assert_uint_eq(d.nips, 1);
	ck_assert_uint_eq(d.tunnel_count, 0);
	ck_assert_uint_eq(inner_ip()->proto, 6);
	ck_assert_uint_eq(d.dport, 22);
	ck_assert_uint_eq(d.payload_len, 16);
	ck_assert_uint_eq(d.payload_off, 14 + 20 + 24 + 20);

	/* A first fragment keeps protocol 51 for its datagram key. */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 51, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2), 9, 0x2000, NULL, 0);
	fb_ah(&f, 17, 0x100, 8, 12);
	fb_udp(&f, 1, 2);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:ah[spi=0x100]:udp");
	ck_assert_uint_eq(inner_ip()->proto, 51);

	/* ESP after AH: not followed. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 51, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_ah(&f, 50, 0x100, 8, 12);
	fb_zero(&f, 32);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:ah[spi=0x100]");
	EXPECT_EVENT(PT_EV_IP_UNKNOWN_PROTO);

	/* Payload length 0: 8 bytes, less than the fixed fields. */
	const struct pt_sample *s = sample("ah-tunnel-icmp");
	uint8_t b[FB_MAX];
	memcpy(b, s->data, s->len);
	b[14 + 20 + 1] = 0;
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_EN10MB, stack, sizeof stack), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_AH_MALFORMED);
	expect_status_consistent();
	/* A length past the IP packet. */
	b[14 + 20 + 1] = 60;
	ck_assert_int_eq(pt_t_decode(&d, b, s->len, DLT_EN10MB, stack, sizeof stack), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_AH_MALFORMED);
	expect_status_consistent();
	/* The snap length cuts the ICV: truncated. */
	pt_decode(&d, s->data, 14 + 20 + 16, (uint32_t)s->len, DLT_EN10MB, NULL);
	ck_assert_int_eq(d.status, PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_AH_TRUNCATED);
	ck_assert_uint_eq(d.nips, 1);
	expect_status_consistent();

	/* In IPv6, AH is an extension header inside the ipv6 layer. */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 51, 1, 2);
	fb_ah(&f, 6, 0x200, 1, 12);
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv6:tcp");
	ck_assert_uint_eq(inner_ip()->hdr_len, 40 + 24);
}
END_TEST

/* GUE on a port given with --gue-port: variant 0 with IPIP or GRE and
 * extension fields, variant 1 (bare IP), control messages, what is not
 * followed, and the lengths. */
START_TEST(test_gue)
{
	ck_assert_int_eq(dec_sample("gue-ipip-icmp"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:gue:ipv4:icmp");
	ck_assert_uint_eq(d.layers[3].hdr_len, 4);
	ck_assert_uint_eq(d.layers[3].aux, 4);
	ck_assert_uint_eq(d.nips, 2);
	expect_ip(inner_ip(), "172.16.1.1", "172.16.2.1");
	ck_assert_uint_eq(outer_ip()->total_len - inner_ip()->total_len, 20 + 8 + 4);
	ck_assert_uint_eq(d.icmp.echo_id, 0x08ac);
	ck_assert_uint_eq(d.tunnel_count, 1);

	/* GUE has no default port: without the option it is plain UDP. */
	const struct pt_sample *s = sample("gue-ipip-icmp");
	ck_assert_int_eq(pt_t_decode(&d, s->data, s->len, DLT_EN10MB, stack, sizeof stack), PT_OK);
	EXPECT_STACK("eth:ipv4:udp");

	ck_assert_int_eq(dec_sample("gue-ext-gre-udp"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:gue:gre:ipv4:udp");
	ck_assert_uint_eq(d.layers[3].hdr_len, 12);
	ck_assert_uint_eq(d.tunnel_count, 2);

	ck_assert_int_eq(dec_sample("gue-v1-ipv6-tcp"), PT_OK);
	EXPECT_STACK("eth:ipv6:udp:gue:ipv6:tcp");
	ck_assert_uint_eq(d.layers[3].hdr_len, 0);
	ck_assert_uint_eq(d.layers[3].aux, 1);
	expect_ip(inner_ip(), "2001:db8::7", "2001:db8::8");
	ck_assert_uint_eq(d.tcp.mss, 1460);

	struct pt_decode_opts o;
	pt_decode_opts_init(&o);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_GUE, 6080), PT_PORT_ADDED);
	struct fb f;
	/* A control message carries no packet. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_udp(&f, 1, 6080);
	fb_gue(&f, 1, 0, 4);
	f.b[14 + 20 + 8] |= 0x20;
	fb_zero(&f, 20);
	fb_done(&f);
	ck_assert_int_eq(dec_opts(&f, &o), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:gue");
	EXPECT_EVENT(PT_EV_GUE_CONTROL);
	ck_assert_uint_eq(d.layers[3].hdr_len, 8);

	/* A transport header with no IP header before it is not followed. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_udp(&f, 1, 6080);
	fb_gue(&f, 6, 0, 0);
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec_opts(&f, &o), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:gue");
	EXPECT_EVENT(PT_EV_GUE_UNKNOWN_PROTO);
	ck_assert_uint_eq(d.sport, 1);
	ck_assert_uint_eq(d.dport, 6080);

	/* Variants 2 and 3 are reserved; variant 1 holds IPv4 or IPv6 only. */
	f.b[14 + 20 + 8] = 0x80;
	ck_assert_int_eq(dec_opts(&f, &o), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_GUE_BAD_VERSION);
	expect_status_consistent();
	f.b[14 + 20 + 8] = 0x50;
	ck_assert_int_eq(dec_opts(&f, &o), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_GUE_BAD_VERSION);
	expect_status_consistent();

	/* Hlen past the UDP payload: malformed; the capture cutting the
	 * extension fields: truncated. */
	f.b[14 + 20 + 8] = 0x1f;
	ck_assert_int_eq(dec_opts(&f, &o), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_GUE_MALFORMED);
	expect_status_consistent();
	s = sample("gue-ext-gre-udp");
	pt_decode(&d, s->data, 14 + 20 + 8 + 6, (uint32_t)s->len, DLT_EN10MB, pt_sample_opts(s));
	ck_assert_int_eq(d.status, PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_GUE_TRUNCATED);
	expect_status_consistent();
}
END_TEST

/* A UDP port means one protocol: an explicit port takes a default over, and
 * a port given for one protocol is refused for another. */
START_TEST(test_udp_port_options)
{
	struct pt_decode_opts o;
	pt_decode_opts_init(&o);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o, 4789), PT_P_VXLAN);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o, 6081), PT_P_GENEVE);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o, 6080), PT_P_NONE);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_VXLAN, 6080), PT_PORT_ADDED);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_VXLAN, 6080), PT_PORT_ADDED);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_GUE, 6080), PT_PORT_TAKEN);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o, 6080), PT_P_VXLAN);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_GUE, 4789), PT_PORT_ADDED);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o, 4789), PT_P_GUE);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o, 8472), PT_P_VXLAN);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_TCP, 1), PT_PORT_NOT_A_TUNNEL);

	/* The port decides the decoder. */
	const struct pt_sample *s = sample("vxlan-tcp");
	struct fb f;
	fb_init(&f);
	fb_bytes(&f, s->data, s->len);
	ck_assert_int_eq(dec_opts(&f, &o), PT_OK); /* a VXLAN header read as GUE: Hlen 8, protocol 0 */
	EXPECT_STACK("eth:ipv4:udp:gue");
	EXPECT_EVENT(PT_EV_GUE_UNKNOWN_PROTO);
	pt_decode_opts_init(&o);
	ck_assert_int_eq(dec_opts(&f, &o), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:vxlan[vni=100]:eth:ipv4:tcp");
	for (unsigned i = 0; i < PT_MAX_UDP_TUNNEL_PORTS; i++)
		pt_decode_opts_add_port(&o, PT_P_GUE, (uint16_t)(2000 + i));
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_GUE, 3000), PT_PORT_FULL);
}
END_TEST

/* L2TPv3 over IP and UDP: the session id, the Ethernet frame found past a
 * cookie and sublayer of unannounced length, control messages, the other
 * versions on port 1701, and truncated vs malformed. */
START_TEST(test_l2tp)
{
	ck_assert_int_eq(dec_sample("l2tp-ip-eth-icmp"), PT_OK);
	EXPECT_STACK("eth:ipv4:l2tp[session=1]:eth:ipv4:icmp");
	ck_assert_uint_eq(d.layers[2].hdr_len, 8);
	ck_assert_uint_eq(d.layers[2].aux, 4);
	ck_assert_uint_eq(d.layers[2].id_kind, PT_ID_L2TP_SESSION);
	ck_assert_uint_eq(d.tunnel_count, 1);
	expect_ip(inner_ip(), "172.16.1.1", "172.16.1.2");
	ck_assert_uint_eq(d.icmp.echo_id, 0x0d56);

	ck_assert_int_eq(dec_sample("l2tp-udp-cookie-vlan-ipv6"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:l2tp[session=19088743]:eth:vlan[30]:ipv6:udp");
	ck_assert_uint_eq(d.layers[3].hdr_len, 16);
	ck_assert_uint_eq(d.layers[3].aux, 8);
	ck_assert_uint_eq(d.dport, 53);

	/* No cookie, no sublayer: Ethernet right after the session id. */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 115, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_l2tp(&f, false, 7, 0, false);
	fb_eth(&f, 0x0806);
	fb_be16(&f, 1);
	fb_be16(&f, 0x0800);
	fb_u8(&f, 6);
	fb_u8(&f, 4);
	fb_be16(&f, 1);
	fb_zero(&f, 20);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:l2tp[session=7]:eth:arp");
	ck_assert_uint_eq(d.layers[2].aux, 0);

	/* A payload that is no Ethernet frame at any of the offsets. */
	f.b[14 + 20 + 4 + 12] = 0x88;
	f.b[14 + 20 + 4 + 13] = 0xb5;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:l2tp[session=7]");
	EXPECT_EVENT(PT_EV_L2TP_UNKNOWN_PAYLOAD);

	/* Session 0 over IP is a control message. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 115, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_be32(&f, 0);
	fb_be16(&f, 0xc803);
	fb_be16(&f, 20);
	fb_zero(&f, 16);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:l2tp");
	EXPECT_EVENT(PT_EV_L2TP_CONTROL);

	/* Over UDP: the T bit; L2TPv2 and L2F are not followed; other versions are wrong. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_udp(&f, 1701, 1701);
	fb_be16(&f, 0xc803);
	fb_be16(&f, 20);
	fb_zero(&f, 16);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:l2tp");
	EXPECT_EVENT(PT_EV_L2TP_CONTROL);
	f.b[14 + 20 + 8] = 0x40; /* L2TPv2 data, length present */
	f.b[14 + 20 + 9] = 0x02;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:l2tp");
	EXPECT_EVENT(PT_EV_L2TP_OTHER_VERSION);
	f.b[14 + 20 + 9] = 0x05;
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_L2TP_BAD_VERSION);
	expect_status_consistent();

	/* An IP payload shorter than the session id: malformed. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 115, IP4(192, 168, 1, 1), IP4(192, 168, 1, 2));
	fb_be16(&f, 1);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_MALFORMED);
	EXPECT_EVENT(PT_EV_L2TP_MALFORMED);
	expect_status_consistent();

	/* The capture cuts the bytes that would show where Ethernet starts: truncated. */
	const struct pt_sample *s = sample("l2tp-ip-eth-icmp");
	pt_decode(&d, s->data, 14 + 20 + 4 + 10, (uint32_t)s->len, DLT_EN10MB, NULL);
	ck_assert_int_eq(d.status, PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_L2TP_TRUNCATED);
	expect_status_consistent();
}
END_TEST

/* MPLS over UDP (RFC 7510): IANA's port by default, others by option; after
 * the bottom label IP by its nibble, else an Ethernet frame its bytes give
 * away, which MPLS on Ethernet does not follow (pseudowire control words). */
START_TEST(test_mpls_udp)
{
	ck_assert_int_eq(dec_sample("mpls-udp-ipv4-icmp"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:mpls[209]:ipv4:icmp");
	ck_assert_uint_eq(d.layers[3].aux, 63);
	expect_ip(inner_ip(), "10.65.65.5", "10.35.35.3");
	ck_assert_uint_eq(outer_ip()->total_len - inner_ip()->total_len, 20 + 8 + 4);

	ck_assert_int_eq(dec_sample("mpls-udp-eth-tcp"), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:mpls[100]:mpls[120]:eth:ipv4:tcp");
	expect_ip(inner_ip(), "10.65.65.4", "10.65.65.5");
	ck_assert_uint_eq(d.dport, 80);
	ck_assert_uint_eq(d.tcp.flags, 0x02);
	const struct pt_sample *s = sample("mpls-udp-eth-tcp");
	ck_assert_int_eq(pt_t_decode(&d, s->data, s->len, DLT_EN10MB, stack, sizeof stack), PT_OK);
	EXPECT_STACK("eth:ipv4:udp");

	/* Over UDP, neither IP nor Ethernet after the label. */
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 11, 0, 55), IP4(10, 11, 0, 56));
	fb_udp(&f, 1, 6635);
	fb_mpls(&f, 5, true, 64);
	fb_be32(&f, 0x00000001); /* a control word */
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:ipv4:udp:mpls[5]");
	EXPECT_EVENT(PT_EV_MPLS_UNKNOWN_PAYLOAD);

	/* MPLS on Ethernet: an Ethernet-looking payload is a pseudowire, not followed. */
	fb_init(&f);
	fb_eth(&f, 0x8847);
	fb_mpls(&f, 16, true, 64);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
	fb_tcp(&f, 1, 2, 0x02, NULL, 0);
	fb_done(&f);
	ck_assert_int_eq(dec(&f, DLT_EN10MB), PT_OK);
	EXPECT_STACK("eth:mpls[16]");
	EXPECT_EVENT(PT_EV_MPLS_UNKNOWN_PAYLOAD);

	/* The capture cuts the Ethernet header after the label: truncated. */
	pt_decode(&d, s->data, 14 + 20 + 8 + 8 + 9, (uint32_t)s->len, DLT_EN10MB, pt_sample_opts(s));
	ck_assert_int_eq(d.status, PT_TRUNCATED);
	EXPECT_EVENT(PT_EV_MPLS_TRUNCATED);
	expect_status_consistent();

	struct pt_decode_opts o;
	pt_decode_opts_init(&o);
	ck_assert_int_eq(pt_decode_opts_port_proto(&o, 6635), PT_P_MPLS);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_MPLS, 51234), PT_PORT_ADDED);
	ck_assert_int_eq(pt_decode_opts_add_port(&o, PT_P_GUE, 51234), PT_PORT_TAKEN);
}
END_TEST

START_TEST(test_stack_format_and_ip_format)
{
	dec_sample("vxlan-tcp");
	char small[8];
	size_t want = pt_stack_format(&d, small, sizeof small);
	ck_assert_uint_eq(want, strlen("eth:ipv4:udp:vxlan[vni=100]:eth:ipv4:tcp"));
	ck_assert_uint_eq(strlen(small), sizeof small - 1);
	ck_assert_uint_eq(pt_stack_format(&d, NULL, 0), want);

	uint8_t a[16] = { 0 };
	char buf[64];
	pt_ip_format(6, a, buf, sizeof buf);
	ck_assert_str_eq(buf, "::");
	a[15] = 1;
	pt_ip_format(6, a, buf, sizeof buf);
	ck_assert_str_eq(buf, "::1");
	uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 };
	pt_ip_format(6, b, buf, sizeof buf);
	ck_assert_str_eq(buf, "2001:db8:0:1::1");
	uint8_t c[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
	pt_ip_format(6, c, buf, sizeof buf);
	ck_assert_str_eq(buf, "2001:db8::1:0:0:1");
	uint8_t m[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1 };
	pt_ip_format(6, m, buf, sizeof buf);
	ck_assert_str_eq(buf, "::ffff:192.0.2.1");
	uint8_t e[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	pt_ip_format(6, e, buf, sizeof buf);
	ck_assert_str_eq(buf, "fe80::");
	uint8_t v4[16] = { 192, 0, 2, 1 };
	pt_ip_format(4, v4, buf, sizeof buf);
	ck_assert_str_eq(buf, "192.0.2.1");
	ck_assert_str_eq(pt_proto_name(PT_P_GENEVE), "geneve");
	ck_assert_str_eq(pt_proto_name(PT_P__COUNT), "?");
}
END_TEST

/* Every sample decodes OK at full length with no truncated/malformed event. */
START_TEST(test_samples_decode_ok)
{
	static struct pt_sample s[64];
	size_t n = pt_samples(s, 64);
	ck_assert_uint_ge(n, 20);
	for (size_t i = 0; i < n; i++) {
		enum pt_status st = pt_decode(&d, s[i].data, (uint32_t)s[i].len, (uint32_t)s[i].len, s[i].dlt,
					      pt_sample_opts(&s[i]));
		pt_stack_format(&d, stack, sizeof stack);
		ck_assert_msg(st == PT_OK, "sample %s: status %d stack %s", s[i].name, st, stack);
		expect_status_consistent();
	}
}
END_TEST

Suite *pt_decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("frames");
	tcase_add_test(tc, test_tcp_syn_options);
	tcase_add_test(tc, test_tcp_sack_blocks_and_absent_options);
	tcase_add_test(tc, test_tcp_bad_option_length);
	tcase_add_test(tc, test_qinq_ipv6_udp);
	tcase_add_test(tc, test_vlan_pcp_dei_masked);
	tcase_add_test(tc, test_vlan_too_many_tags);
	tcase_add_test(tc, test_vxlan);
	tcase_add_test(tc, test_vxlan_ports);
	tcase_add_test(tc, test_vxlan_bad_flags);
	tcase_add_test(tc, test_vxlan_empty_payload_consistent);
	tcase_add_test(tc, test_geneve_options);
	tcase_add_test(tc, test_geneve_ip_payload);
	tcase_add_test(tc, test_geneve_bad_option_length);
	tcase_add_test(tc, test_gre_key);
	tcase_add_test(tc, test_gre_nvgre_teb);
	tcase_add_test(tc, test_gre_bad_version);
	tcase_add_test(tc, test_gre_in_udp_and_erspan);
	tcase_add_test(tc, test_ipv4_fragments);
	tcase_add_test(tc, test_vxlan_in_outer_first_fragment);
	tcase_add_test(tc, test_ipv6_fragments);
	tcase_add_test(tc, test_ipv6_exthdrs);
	tcase_add_test(tc, test_icmp_frag_needed);
	tcase_add_test(tc, test_icmp_other_unreachable_has_no_mtu);
	tcase_add_test(tc, test_icmpv6_ptb);
	tcase_add_test(tc, test_icmp_quote_truncated);
	tcase_add_test(tc, test_ipv4_padding_not_parsed);
	tcase_add_test(tc, test_ipv4_total_length_zero);
	tcase_add_test(tc, test_ipv4_bad_ihl);
	tcase_add_test(tc, test_ipv4_bad_option);
	tcase_add_test(tc, test_udp_bad_length);
	tcase_add_test(tc, test_tcp_bad_data_offset);
	tcase_add_test(tc, test_truncated_vs_malformed);
	tcase_add_test(tc, test_depth_capped);
	tcase_add_test(tc, test_mpls);
	tcase_add_test(tc, test_link_types);
	tcase_add_test(tc, test_sll_ipgre);
	tcase_add_test(tc, test_arp_llc);
	tcase_add_test(tc, test_ip_in_ip);
	tcase_add_test(tc, test_ah);
	tcase_add_test(tc, test_gue);
	tcase_add_test(tc, test_udp_port_options);
	tcase_add_test(tc, test_l2tp);
	tcase_add_test(tc, test_mpls_udp);
	tcase_add_test(tc, test_stack_format_and_ip_format);
	tcase_add_test(tc, test_samples_decode_ok);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_decode_suite, pt_events_suite, pt_sweep_suite)
