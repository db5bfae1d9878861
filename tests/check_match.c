/* The matcher on small known answers: fingerprints and digests of real
 * frames, then sightings across points folded into flow aggregates, driven
 * exactly as src/analysis/analysis.c drives it, and the super-frame sizing. */
#include <config.h>

#include <string.h>

#include <pcap/dlt.h>

#include "check_pathtrace.h"
#include "check_feed.h"
#include "match/digest.h"
#include "match/flow.h"
#include "match/match-int.h"
#include "match/match.h"
#include "model/point.h"

/* ---- frames to digests ---- */

static void digest_of(struct pt_digest *g, const struct fb *f, uint32_t point, int64_t ts)
{
	struct pt_decoded d;
	ck_assert_int_eq(pt_decode(&d, f->b, (uint32_t)f->n, (uint32_t)f->n, DLT_EN10MB, NULL), PT_OK);
	pt_digest_make(g, &d, f->b, point, ts, (uint32_t)f->n, (uint32_t)f->n);
}

/* One UDP packet 10.0.0.1:5000 > 10.0.0.2:6000 and what a hop may or may not change of it. */
struct udp_frame {
	bool vlan, vxlan;
	uint8_t ttl, mac, csum; /* 0: the builder's */
	uint16_t id;            /* 0: 0x1234 */
	size_t paylen;          /* 0: 16 */
	unsigned flip;          /* payload byte flip - 1 inverted; 0 none */
};

static void build_udp(struct fb *f, const struct udp_frame *v)
{
	uint8_t pay[64];
	size_t n = v->paylen ? v->paylen : 16;
	ck_assert_uint_le(n, sizeof pay);
	for (size_t i = 0; i < n; i++)
		pay[i] = (uint8_t)('a' + i);
	if (v->flip)
		pay[v->flip - 1] ^= 0xff;
	fb_init(f);
	if (v->vxlan) {
		fb_eth(f, 0x0800);
		fb_ipv4_ex(f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), 9, 0x4000, NULL, 0);
		fb_udp(f, 33333, 4789);
		fb_vxlan(f, 100);
	}
	size_t eth = f->n;
	fb_eth(f, v->vlan ? 0x8100 : 0x0800);
	if (v->vlan)
		fb_vlan(f, 10, 0x0800);
	size_t ip = f->n;
	fb_ipv4_ex(f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), v->id ? v->id : 0x1234, 0x4000, NULL, 0);
	fb_udp(f, 5000, 6000);
	fb_bytes(f, pay, n);
	fb_done(f);
	if (v->mac)
		f->b[eth + 5] = f->b[eth + 11] = v->mac;
	if (v->ttl)
		f->b[ip + 8] = v->ttl;
	if (v->csum)
		f->b[ip + 10] = f->b[ip + 11] = v->csum;
}

static uint64_t fp_of(const struct udp_frame *v)
{
	struct fb f;
	struct pt_digest g;
	build_udp(&f, v);
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_WHOLE);
	ck_assert_uint_ne(g.fingerprint, 0);
	return g.fingerprint;
}

START_TEST(test_fingerprint)
{
	uint64_t base = fp_of(&(struct udp_frame){ 0 });
	ck_assert_uint_eq(fp_of(&(struct udp_frame){ .ttl = 3 }), base);
	ck_assert_uint_eq(fp_of(&(struct udp_frame){ .mac = 0x77 }), base);
	ck_assert_uint_eq(fp_of(&(struct udp_frame){ .csum = 0xbe }), base);
	ck_assert_uint_eq(fp_of(&(struct udp_frame){ .vlan = true }), base);
	ck_assert_uint_eq(fp_of(&(struct udp_frame){ .vxlan = true }), base);
	ck_assert_uint_eq(fp_of(&(struct udp_frame){ .vxlan = true, .vlan = true, .ttl = 1, .mac = 9, .csum = 1 }),
			  base);
	/* Only the first 16 payload bytes are hashed (they survive a small snap length). */
	uint64_t b20 = fp_of(&(struct udp_frame){ .paylen = 20 });
	ck_assert_uint_eq(fp_of(&(struct udp_frame){ .paylen = 20, .flip = 17 }), b20);
	ck_assert_uint_ne(fp_of(&(struct udp_frame){ .paylen = 20, .flip = 16 }), b20);
	ck_assert_uint_ne(fp_of(&(struct udp_frame){ .id = 0x1235 }), base);
	ck_assert_uint_ne(fp_of(&(struct udp_frame){ .flip = 1 }), base);
	ck_assert_uint_ne(fp_of(&(struct udp_frame){ .flip = 16 }), base);
	/* 17 bytes whose first 16 are the same: only the length tells them apart. */
	ck_assert_uint_ne(fp_of(&(struct udp_frame){ .paylen = 17 }), base);
	ck_assert_uint_ne(fp_of(&(struct udp_frame){ .vxlan = true, .id = 1 }), base);
}
END_TEST

START_TEST(test_digest_tunnel)
{
	/* Static: pt_flow_key_eq compares padding too. */
	static const struct pt_flow_key inner = { .version = 4, .proto = 17, .src = { 10, 0, 0, 1 },
						  .dst = { 10, 0, 0, 2 }, .sport = 5000, .dport = 6000,
						  .has_ports = true };
	struct fb f;
	struct pt_digest plain, vx, vl;
	build_udp(&f, &(struct udp_frame){ 0 });
	digest_of(&plain, &f, 0, 0);
	build_udp(&f, &(struct udp_frame){ .vxlan = true });
	ck_assert_uint_eq(f.n, 108);
	digest_of(&vx, &f, 0, 0);
	build_udp(&f, &(struct udp_frame){ .vlan = true });
	digest_of(&vl, &f, 0, 0);

	/* The flow is the innermost 5-tuple, not the underlay's. */
	ck_assert(pt_flow_key_eq(&vx.key, &inner));
	ck_assert(pt_flow_key_eq(&plain.key, &inner));
	ck_assert_uint_eq(plain.nips, 1);
	ck_assert_uint_eq(plain.encap_bits, 0);
	ck_assert_uint_eq(vx.nips, 2);
	ck_assert_uint_eq(vx.outer_version, 4);
	ck_assert_uint_eq(vx.ip.total_len, 44);
	ck_assert_uint_eq(vx.outer_len - vx.ip.total_len, 50);
	ck_assert_uint_eq(vx.encap_bits, 1ull << PT_P_VXLAN);
	ck_assert_uint_eq(vl.encap_bits, 1ull << PT_P_VLAN);
	ck_assert_uint_eq(vl.vlan_count, 1);

	struct pt_point_stats ps = { 0 };
	pt_point_account(&ps, &plain, false);
	pt_point_account(&ps, &vx, false);
	pt_point_account(&ps, &vl, false);
	ck_assert_uint_eq(ps.ip_packets, 3);
	ck_assert_uint_eq(ps.tunnel_overhead_max, 50);
	ck_assert_uint_eq(ps.overhead_bytes, 50 + 4);
	ck_assert_uint_eq(ps.overhead_packets, 2);
	ck_assert_uint_eq(ps.vlan_packets, 1);
	ck_assert_uint_eq(ps.max_vlan_tags, 1);
	ck_assert_uint_eq(ps.max_ip_len, 94);
	ck_assert_uint_eq(ps.encap_seen, 1ull << PT_P_VXLAN | 1ull << PT_P_VLAN);

	/* QinQ: the most tags on one frame are kept, for mtu.csv's overhead. */
	struct pt_digest qinq = vl;
	qinq.vlan_count = 2;
	pt_point_account(&ps, &qinq, false);
	pt_point_account(&ps, &vl, false);
	ck_assert_uint_eq(ps.max_vlan_tags, 2);
	ck_assert_uint_eq(ps.vlan_packets, 3);
}
END_TEST

/* A UDP datagram with 24 payload bytes (IP payload 32), ID 77, DF clear:
 * part 0 whole, 1 its first fragment (24 bytes), 2 its last (8 bytes). */
static void frag_frame(struct fb *f, int part)
{
	uint8_t pay[24];
	for (size_t i = 0; i < sizeof pay; i++)
		pay[i] = (uint8_t)('A' + i);
	fb_init(f);
	fb_eth(f, 0x0800);
	fb_ipv4_ex(f, 17, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 77, part == 1 ? 0x2000 : part == 2 ? 3 : 0, NULL, 0);
	if (part == 2) {
		fb_bytes(f, pay + 16, 8);
	} else {
		fb_udp(f, 7001, 7002);
		fb_bytes(f, pay, part == 1 ? 16 : 24);
	}
	fb_done(f);
	if (part == 1)
		f->b[14 + 20 + 5] = 32; /* UDP length: the whole datagram's */
}

static void ip_frame(struct fb *f, uint8_t proto)
{
	fb_init(f);
	fb_eth(f, 0x0800);
	fb_ipv4(f, proto, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2));
}

START_TEST(test_digest_kinds)
{
	static const uint8_t mss1448[4] = { 2, 4, 0x05, 0xa8 };
	static const uint8_t data[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct fb f;
	struct pt_digest g, whole;

	build_udp(&f, &(struct udp_frame){ 0 });
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_WHOLE);
	ck_assert_uint_eq(g.dg_key, 0); /* DF: never fragmented later */

	ip_frame(&f, 1);
	fb_icmp(&f, 8, 0, 0x00420001);
	fb_done(&f);
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_WHOLE);
	ck_assert_uint_ne(g.fingerprint, 0);
	ck_assert_uint_eq(g.l4_proto, PT_P_ICMP);
	ck_assert(g.key.has_ports);
	ck_assert_uint_eq(g.key.sport, 0x42); /* echoes are keyed by identifier */

	ip_frame(&f, 6);
	fb_tcp(&f, 40000, 80, 0x18, NULL, 0);
	fb_bytes(&f, data, sizeof data);
	fb_done(&f);
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_TCP_DATA);
	ck_assert_uint_eq(g.tcp_seq, 1000);
	ck_assert_uint_eq(g.payload_len, 16);
	ck_assert_uint_eq(g.fingerprint, 0);

	/* A SYN is matched whole, even with data. */
	ip_frame(&f, 6);
	fb_tcp(&f, 40000, 80, 0x02, mss1448, sizeof mss1448);
	fb_bytes(&f, data, sizeof data);
	fb_done(&f);
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_WHOLE);
	ck_assert_uint_eq(g.tcp_mss, 1448);

	/* A fragment and its whole datagram share the datagram key. */
	frag_frame(&f, 0);
	digest_of(&whole, &f, 0, 0);
	ck_assert_uint_ne(whole.dg_key, 0);
	frag_frame(&f, 1);
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_FRAGMENT);
	ck_assert_uint_eq(g.dg_key, whole.dg_key);
	ck_assert(g.fragmented);
	ck_assert_uint_eq(g.frag_len, 44);
	ck_assert_uint_eq(g.key.sport, 7001);
	frag_frame(&f, 2);
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_FRAGMENT);
	ck_assert_uint_eq(g.dg_key, whole.dg_key);
	ck_assert_uint_eq(g.ip.frag_off, 24);
	ck_assert(!g.key.has_ports);

	fb_init(&f);
	fb_eth(&f, 0x0806);
	fb_be32(&f, 0x00010800); /* ARP request: Ethernet, IPv4 */
	fb_be32(&f, 0x06040001);
	fb_zero(&f, 20);
	fb_done(&f);
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_NOT_IP);
	ck_assert_uint_eq(g.nips, 0);
	ck_assert_uint_eq(g.fingerprint, 0);
}
END_TEST

/* ---- the matcher, driven as analysis.c drives it ---- */

/* One matcher per test, reset by rig_init. */
static struct rig {
	struct pt_points pts;
	struct pt_matcher m;
	int64_t now;
} r;

static void rig_init(unsigned npoints)
{
	/* The CLI's defaults. */
	static const struct pt_match_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500) };
	memset(&r, 0, sizeof r);
	feed_points(&r.pts, npoints, NULL);
	ck_assert(pt_match_init(&r.m, &cfg, &r.pts));
}

static struct pt_flow *rig_digest(const struct pt_digest *g)
{
	ck_assert_uint_lt(g->point, r.pts.n);
	ck_assert_int_ge(g->ts, r.now); /* inputs are in time order */
	r.now = g->ts;
	struct pt_flow *f = pt_match_flow(&r.m, g);
	bool super = pt_super_frame(f, g);
	pt_point_account(&r.pts.v[g->point].stats, g, super);
	if (f)
		pt_match_packet(&r.m, g, f, super);
	pt_match_expire(&r.m, r.now, false);
	return f;
}

static struct pt_flow *rig_feed(struct feed_pkt p)
{
	struct pt_digest g;
	feed_digest(&g, &p);
	return rig_digest(&g);
}

static void rig_finish(void)
{
	pt_match_expire(&r.m, 0, true);
	ck_assert_uint_eq(r.m.open, 0);
	ck_assert_ptr_null(r.m.head);
}

static void rig_free(void)
{
	pt_match_free(&r.m);
	pt_points_free(&r.pts);
}

/* Flow id, once finalised: packets in it, distinct signatures. */
static struct pt_flow *flow_n(uint32_t id, uint64_t packets, uint32_t nsigs)
{
	struct pt_flow *f = pt_flows_by_id(&r.m.flows, id);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->packets, packets);
	ck_assert_uint_eq(f->nsigs, nsigs);
	return f;
}

#define SIG(f, ...) \
	sig_seen((f), (const unsigned[]){ __VA_ARGS__ }, sizeof((unsigned[]){ __VA_ARGS__ }) / sizeof(unsigned))

/* The signature seen at exactly the n points of want. */
static const struct pt_pathsig *sig_seen(const struct pt_flow *f, const unsigned *want, size_t n)
{
	for (uint32_t i = 0; i < f->nsigs; i++) {
		const struct pt_pathsig *s = &f->sigs[i];
		bool all = pt_pset_count(r.m.psets, s->seen) == n;
		for (size_t k = 0; all && k < n; k++)
			all = pt_pset_has(r.m.psets, s->seen, want[k]);
		if (all)
			return s;
	}
	ck_abort_msg("no signature seen at exactly %zu points (flow %u has %u)", n, f->id, f->nsigs);
	return NULL;
}

static void expect_pair(const struct pt_flow *f, unsigned a, unsigned b, uint64_t count, int64_t min, int64_t max)
{
	const struct pt_pair *p = pt_flow_pair(f, a, b);
	ck_assert_msg(p != NULL, "no pair (%u, %u)", a, b);
	ck_assert_uint_eq(p->count, count);
	ck_assert_int_eq(p->min, min);
	ck_assert_int_eq(p->max, max);
}

START_TEST(test_match_three_points)
{
	rig_init(3);
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .ip_id = 5, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = US(10), .ip_id = 5, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 2, .ts = US(30), .ip_id = 5, .tag = 1 });
	ck_assert_uint_eq(r.m.open, 1);
	rig_finish();
	ck_assert_uint_eq(r.m.flows.n, 1);
	struct pt_flow *f = flow_n(1, 1, 1);
	ck_assert_uint_eq(f->sightings, 3);
	const struct pt_pathsig *s = SIG(f, 0, 1, 2);
	ck_assert_uint_eq(s->count, 1);
	ck_assert_uint_eq(s->uncertain, PT_PSET_EMPTY);
	ck_assert_uint_eq(s->not_started, PT_PSET_EMPTY);
	ck_assert_uint_eq(f->npairs, 3);
	expect_pair(f, 0, 1, 1, US(10), US(10));
	expect_pair(f, 1, 2, 1, US(20), US(20));
	expect_pair(f, 0, 2, 1, US(30), US(30));
	rig_free();
}
END_TEST

START_TEST(test_match_duplicate)
{
	rig_init(2);
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .ip_id = 5, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = US(100), .ip_id = 5, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = US(500), .ip_id = 5, .tag = 1 }); /* the window's edge */
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(1), .ip_id = 5, .tag = 1 });
	/* Past the duplicate window: the same bytes again, another packet. */
	rig_feed((struct feed_pkt){ .point = 0, .ts = MS(2), .ip_id = 5, .tag = 1 });
	rig_finish();
	ck_assert_uint_eq(r.pts.v[0].stats.duplicates, 2);
	ck_assert_uint_eq(r.pts.v[1].stats.duplicates, 0);
	ck_assert_uint_eq(r.pts.v[0].stats.packets, 4);
	struct pt_flow *f = flow_n(1, 2, 2);
	ck_assert_uint_eq(SIG(f, 0, 1)->count, 1);
	ck_assert_uint_eq(SIG(f, 0)->count, 1);
	expect_pair(f, 0, 1, 1, MS(1), MS(1));
	rig_free();
}
END_TEST

START_TEST(test_match_identical_in_flight)
{
	rig_init(2);
	/* Another packet first measures the 20 ms hop. */
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .ip_id = 1, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(20), .ip_id = 1, .tag = 1 });
	/* Two identical packets 5 ms apart: by nearness alone the first arrival
	 * would go to the second record (15 ms) and the second to the first (25 ms). */
	rig_feed((struct feed_pkt){ .point = 0, .ts = MS(100), .tag = 9 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = MS(105), .tag = 9 });
	ck_assert_uint_eq(r.m.open, 3);
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(120), .tag = 9 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(125), .tag = 9 });
	ck_assert_uint_eq(r.m.open, 3);
	rig_finish();
	struct pt_flow *f = flow_n(1, 3, 1);
	ck_assert_uint_eq(SIG(f, 0, 1)->count, 3);
	ck_assert_uint_eq(f->npairs, 1);
	expect_pair(f, 0, 1, 3, MS(20), MS(20));
	ck_assert_uint_eq(r.pts.v[1].stats.duplicates, 0);
	rig_free();
}
END_TEST

/* Past the record's inline sightings, and past the 256 points a set
 * builder holds on the stack. */
START_TEST(test_match_many_points)
{
	enum { NP = 300 };
	static unsigned want[NP];
	rig_init(NP);
	for (unsigned p = 0; p < NP; p++)
		want[p] = p;
	for (unsigned p = 0; p < 6; p++)
		rig_feed((struct feed_pkt){ .point = p, .ts = US(10 * p), .sport = 1, .ip_id = 1, .tag = 1 });
	for (unsigned p = 0; p < NP; p++)
		rig_feed((struct feed_pkt){ .point = p, .ts = MS(10) + US(p), .sport = 2, .ip_id = 2, .tag = 2 });
	ck_assert_uint_eq(r.m.open, 2);
	rig_finish();
	ck_assert_uint_eq(r.m.alloc_failures, 0);
	struct pt_flow *f6 = flow_n(1, 1, 1);
	ck_assert_uint_eq(sig_seen(f6, want, 6)->count, 1);
	ck_assert_uint_eq(f6->npairs, 15);
	expect_pair(f6, 0, 5, 1, US(50), US(50));
	struct pt_flow *f300 = flow_n(2, 1, 1);
	const struct pt_pathsig *s = sig_seen(f300, want, NP);
	ck_assert_uint_eq(s->count, 1);
	ck_assert_uint_eq(f300->npairs, NP * (NP - 1) / 2);
	expect_pair(f300, 0, 299, 1, US(299), US(299));
	expect_pair(f300, 255, 256, 1, US(1), US(1));
	rig_free();
}
END_TEST

/* The receiver's SYN-ACK announces MSS 1448, then the sender's 4344 bytes
 * go out as one GSO super-frame at point 0 and as three segments at point 1. */
static void tcp_bulk(void)
{
	struct feed_pkt p = { .proto = 6, .src = FEED_IP(10, 0, 0, 2), .dst = FEED_IP(10, 0, 0, 1), .sport = 80,
			      .dport = 40000, .ip_len = 40, .tcp_seq = 5000, .tcp_flags = 0x12, .tcp_mss = 1448 };
	rig_feed(p);
	p.point = 1;
	p.ts = US(20);
	rig_feed(p);
	p = (struct feed_pkt){ .point = 0, .ts = MS(1), .proto = 6, .sport = 40000, .dport = 80, .ip_id = 7,
			       .ip_len = 40 + 3 * 1448, .tcp_seq = 1000 };
	rig_feed(p);
	p.point = 1;
	p.ip_len = 40 + 1448;
	for (unsigned k = 0; k < 3; k++) {
		p.ts = MS(1) + US(40 + 10 * k);
		p.ip_id = (uint16_t)(7 + k);
		p.tcp_seq = 1000 + 1448 * k;
		rig_feed(p);
	}
}

START_TEST(test_match_tcp_super_frame)
{
	rig_init(2);
	tcp_bulk();
	ck_assert_uint_eq(r.pts.v[0].stats.gso_frames, 1);
	ck_assert_uint_eq(r.pts.v[1].stats.gso_frames, 0);
	ck_assert_uint_eq(r.pts.v[1].stats.max_plain_ip_len, 1488);
	rig_finish();
	ck_assert_uint_eq(r.m.flows.n, 2);
	struct pt_flow *rev = flow_n(1, 1, 1), *f = flow_n(2, 3, 1);
	ck_assert_ptr_eq(f->reverse, rev);
	ck_assert_uint_eq(rev->mss, 1448);
	ck_assert_uint_eq(f->bytes, 3 * 1488);
	ck_assert_uint_eq(f->retransmits, 0);
	const struct pt_pathsig *s = SIG(f, 0, 1);
	ck_assert_uint_eq(s->count, 3);
	/* The super-frame's estimate agrees with the real segments: sized. */
	ck_assert(s->sized);
	ck_assert_uint_eq(s->min_len, 1488);
	ck_assert_uint_eq(s->max_len, 1488);
	expect_pair(f, 0, 1, 3, US(40), US(60));
	rig_free();
}
END_TEST

START_TEST(test_match_tcp_retransmit)
{
	rig_init(2);
	tcp_bulk();
	/* The same IP ID: only the time tells a copy from a retransmission. */
	struct feed_pkt p = { .point = 0, .ts = MS(1) + US(400), .proto = 6, .sport = 40000, .dport = 80,
			      .ip_id = 7, .ip_len = 40 + 1448, .tcp_seq = 1000 };
	struct pt_flow *f = rig_feed(p);
	ck_assert_uint_eq(f->retransmits, 0);
	p.ts = MS(3);
	rig_feed(p);
	ck_assert_uint_eq(f->retransmits, 1);
	rig_finish();
	flow_n(2, 4, 2);
	ck_assert_uint_eq(SIG(f, 0, 1)->count, 3);
	ck_assert_uint_eq(SIG(f, 0)->count, 1);
	expect_pair(f, 0, 1, 3, US(40), US(60));
	rig_free();
}
END_TEST

/* The parts of the datagram named ("0": whole, "1": first fragment, "2":
 * last) at point 0 from 0, then at point 1 from 100 us, 10 us apart. */
static void frag_path(const char *at0, const char *at1)
{
	struct fb f;
	struct pt_digest g;
	rig_init(2);
	for (unsigned p = 0; p < 2; p++)
		for (unsigned i = 0; (p ? at1 : at0)[i]; i++) {
			frag_frame(&f, (p ? at1 : at0)[i] - '0');
			digest_of(&g, &f, p, US(100 * p + 10 * i));
			rig_digest(&g);
		}
	rig_finish();
}

START_TEST(test_match_fragments)
{
	frag_path("0", "12");
	ck_assert_uint_eq(r.pts.v[0].stats.fragments, 0);
	ck_assert_uint_eq(r.pts.v[1].stats.fragments, 2);
	/* The last fragment has no ports: a flow of its own, but no packet in it. */
	ck_assert_uint_eq(r.m.flows.n, 2);
	flow_n(2, 0, 0);
	struct pt_flow *f = flow_n(1, 1, 1);
	ck_assert_uint_eq(f->bytes, 52);
	const struct pt_pathsig *s = SIG(f, 0, 1);
	ck_assert_uint_eq(s->count, 1);
	ck_assert_uint_eq(s->frag_incomplete, 0);
	ck_assert_uint_eq(s->min_len, 44); /* the largest fragment crossed the narrow link */
	expect_pair(f, 0, 1, 1, US(100), US(100));
	ck_assert(pt_pset_has(r.m.psets, f->frag_points, 1));
	ck_assert(!pt_pset_has(r.m.psets, f->frag_points, 0));
	ck_assert_uint_eq(f->max_frag_len, 44);
	rig_free();
}
END_TEST

START_TEST(test_match_fragment_lost)
{
	frag_path("0", "1");
	struct pt_flow *f = flow_n(1, 1, 1);
	const struct pt_pathsig *s = SIG(f, 0);
	ck_assert(!pt_pset_has(r.m.psets, s->seen, 1));
	ck_assert_uint_eq(s->frag_incomplete, 1);
	ck_assert_uint_eq(f->npairs, 0);
	ck_assert(!pt_pset_has(r.m.psets, f->points, 1));
	rig_free();
	/* Fragmented at the source: the last fragment gives the datagram's size. */
	frag_path("12", "1");
	f = flow_n(1, 1, 1);
	ck_assert_uint_eq(SIG(f, 0)->frag_incomplete, 1);
	ck_assert_uint_eq(f->bytes, 52);
	rig_free();
}
END_TEST

/* A copy of the first fragment (a bridge, -i any) is no substitute for the
 * last one: the datagram still did not arrive whole at point 1. */
START_TEST(test_match_fragment_copy_not_complete)
{
	frag_path("0", "11");
	struct pt_flow *f = flow_n(1, 1, 1);
	ck_assert_msg(!pt_pset_has(r.m.psets, f->sigs[0].seen, 1),
		      "point 1 counted as having the datagram from two copies of its first fragment");
	ck_assert_uint_eq(SIG(f, 0)->frag_incomplete, 1);
	ck_assert_uint_eq(r.pts.v[1].stats.duplicates, 1);
	rig_free();
}
END_TEST

/* A 1454-byte ping (DF clear) at the vxlan device (part 0), and the VXLAN
 * packet carrying it (1504 bytes) cut by a 1500-byte underlay: part 1 its
 * first outer fragment, with the inner headers, part 2 the last 24 bytes. */
static void outer_frag_frame(struct fb *f, int part)
{
	static uint8_t pay[1454 - 28];
	for (size_t i = 0; i < sizeof pay; i++)
		pay[i] = (uint8_t)i;
	fb_init(f);
	fb_eth(f, 0x0800);
	if (part == 2) {
		fb_ipv4_ex(f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), 4242, 1480 / 8, NULL, 0);
		fb_bytes(f, pay + sizeof pay - 24, 24);
		fb_done(f);
		return;
	}
	if (part == 1) {
		fb_ipv4_ex(f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), 4242, 0x2000, NULL, 0);
		fb_udp(f, 40000, 4789);
		fb_vxlan(f, 100);
		fb_eth(f, 0x0800);
	}
	fb_ipv4_ex(f, 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 7, 0, NULL, 0);
	fb_icmp(f, 8, 0, 3005u << 16 | 1);
	fb_bytes(f, pay, sizeof pay);
	fb_done(f);
	if (part == 1) {
		f->n = 14 + 1500;
		f->b[14 + 2] = 1500 >> 8;
		f->b[14 + 3] = 1500 & 0xff;
	}
}

/* The ping crosses the underlay whole inside its VXLAN packet: matched from
 * the first outer fragment, the rest counted, and its size not taken for one
 * the underlay carried whole. */
START_TEST(test_match_outer_fragments)
{
	struct fb f;
	struct pt_digest g;
	rig_init(2);
	for (int part = 0; part < 3; part++) {
		outer_frag_frame(&f, part);
		digest_of(&g, &f, part ? 1 : 0, US(10 * part));
		rig_digest(&g);
	}
	rig_finish();
	const struct pt_point_stats *u = &r.pts.v[1].stats;
	ck_assert_uint_eq(u->outer_frag_packets, 1);
	ck_assert_uint_eq(u->outer_frag_rest, 1);
	ck_assert_uint_eq(u->outer_frag_max_len, 1504);
	struct pt_flow *ping = flow_n(1, 1, 1);
	const struct pt_pathsig *s = SIG(ping, 0, 1);
	ck_assert_uint_eq(s->max_len, 1454);
	ck_assert_uint_eq(s->carried_max_len, 0);
	ck_assert(pt_pset_has(r.m.psets, ping->outer_frag_points, 1));
	ck_assert(!pt_pset_has(r.m.psets, ping->outer_frag_points, 0));
	expect_pair(ping, 0, 1, 1, US(10), US(10));
	uint64_t packets = 0;
	for (size_t i = 0; i < r.m.flows.n; i++)
		packets += r.m.flows.all[i]->packets;
	ck_assert_uint_eq(packets, 1);
	rig_free();
}
END_TEST

START_TEST(test_match_expire_window)
{
	rig_init(1);
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .ip_id = 1, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = MS(500), .ip_id = 2, .tag = 2 });
	/* Window 1 s plus reorder 5 ms: a record from 0 is final after 1.005 s. */
	static const struct {
		int64_t now;
		size_t open;
		uint64_t packets;
	} step[] = { { MS(1005), 2, 0 }, { MS(1005) + 1, 1, 1 }, { MS(1505), 1, 1 }, { MS(1505) + 1, 0, 2 } };
	for (size_t i = 0; i < sizeof step / sizeof step[0]; i++) {
		pt_match_expire(&r.m, step[i].now, false);
		ck_assert_uint_eq(r.m.open, step[i].open);
		ck_assert_uint_eq(r.m.flows.all[0]->packets, step[i].packets);
	}
	rig_free();
}
END_TEST

/* ---- super-frames ---- */

static struct pt_digest tcp_digest(uint32_t ip_len)
{
	struct pt_digest g;
	feed_digest(&g, &(struct feed_pkt){ .proto = 6, .ip_len = ip_len, .tcp_seq = 1 });
	return g;
}

START_TEST(test_super_frame_wire_len)
{
	struct pt_flow f = { 0 }, peer = { 0 };
	struct pt_digest g = tcp_digest(40 + 2896);

	/* No MSS known: only an IP length no Ethernet carries gives it away. */
	ck_assert(pt_super_frame(&f, &g));
	ck_assert_uint_eq(pt_wire_len(NULL, &g, true), 20 + 20 + 1460);
	struct pt_digest g1460 = tcp_digest(40 + 1460);
	ck_assert(!pt_super_frame(NULL, &g1460));
	ck_assert_uint_eq(pt_wire_len(NULL, &g1460, false), 1500);

	/* The sender's own MSS when the peer's SYN was not seen. */
	f.mss = 1448;
	ck_assert(pt_super_frame(&f, &g));
	ck_assert_uint_eq(pt_wire_len(&f, &g, true), 20 + 20 + 1448);

	/* The peer's MSS wins. */
	f.reverse = &peer;
	peer.mss = 1400;
	ck_assert(pt_super_frame(&f, &g1460));
	ck_assert_uint_eq(pt_wire_len(&f, &g1460, true), 20 + 20 + 1400);
	struct pt_digest g1400 = tcp_digest(40 + 1400), g1401 = tcp_digest(40 + 1401);
	ck_assert(!pt_super_frame(&f, &g1400));
	ck_assert(pt_super_frame(&f, &g1401));
	ck_assert_uint_eq(pt_wire_len(&f, &g1401, true), 1440);

	/* No payload, or not TCP: never a super-frame by size. */
	struct pt_digest ack = tcp_digest(40), udp;
	ck_assert(!pt_super_frame(&f, &ack));
	feed_digest(&udp, &(struct feed_pkt){ .ip_len = 9000 });
	ck_assert(!pt_super_frame(NULL, &udp));
	ck_assert_uint_eq(pt_wire_len(NULL, &udp, false), 9000);

	/* An IP length of 0 (TSO) is one whatever the protocol; the estimate
	 * never exceeds what the frame holds. */
	udp.len_from_frame = true;
	udp.ip.total_len = 1000;
	ck_assert(pt_super_frame(NULL, &udp));
	ck_assert_uint_eq(pt_wire_len(NULL, &udp, true), 1000);
}
END_TEST


/* ---- identity: packets that look alike ---- */

/* One unrelated packet at each of n points at ts (flow 10.9.9.9 > 10.9.9.8):
 * every capture still runs after the packets under test, so none of them
 * is uncertain for a capture that might have stopped. */
static void rig_tail(unsigned n, int64_t ts)
{
	for (unsigned p = 0; p < n; p++)
		rig_feed((struct feed_pkt){ .point = p, .ts = ts + US(p), .src = FEED_IP(10, 9, 9, 9),
					    .dst = FEED_IP(10, 9, 9, 8), .ip_id = 0xeeee, .tag = 0xeeee });
}

/* An IPv6 TCP ACK 2001:db8::1 > ::2 with timestamps (val, ecr) and, when
 * left != right, one SACK block. */
static uint64_t v6_ack_fp(uint32_t tsval, uint32_t tsecr, uint32_t left, uint32_t right)
{
	uint8_t opts[24] = { 1, 1, 8, 10 };
	size_t n = 12;
	for (int i = 0; i < 4; i++) {
		opts[4 + i] = (uint8_t)(tsval >> (24 - 8 * i));
		opts[8 + i] = (uint8_t)(tsecr >> (24 - 8 * i));
	}
	if (left != right) {
		static const uint8_t sack[4] = { 1, 1, 5, 10 };
		memcpy(opts + 12, sack, 4);
		for (int i = 0; i < 4; i++) {
			opts[16 + i] = (uint8_t)(left >> (24 - 8 * i));
			opts[20 + i] = (uint8_t)(right >> (24 - 8 * i));
		}
		n = 24;
	}
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 6, 1, 2);
	fb_tcp(&f, 443, 50000, 0x10, opts, n);
	fb_done(&f);
	struct pt_digest g;
	digest_of(&g, &f, 0, 0);
	ck_assert_int_eq(g.kind, PT_DG_WHOLE);
	ck_assert(!g.strong); /* no IP ID, no data: only time tells twins apart */
	return g.fingerprint;
}

START_TEST(test_fingerprint_tcp_dupacks)
{
	/* Three dup-ACKs of one hole differ only in their SACK blocks. */
	uint64_t a = v6_ack_fp(7, 9, 3000, 4000), b = v6_ack_fp(7, 9, 3000, 5000), c = v6_ack_fp(7, 9, 3000, 6000);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_ne(b, c);
	ck_assert_uint_ne(a, c);
	ck_assert_uint_eq(v6_ack_fp(7, 9, 3000, 4000), a);
	/* The echoed timestamp tells two ACKs apart too; no SACK is not an empty one. */
	ck_assert_uint_ne(v6_ack_fp(7, 10, 0, 0), v6_ack_fp(7, 9, 0, 0));
	ck_assert_uint_ne(v6_ack_fp(7, 9, 0, 0), a);
}
END_TEST

/* ICMP fragmentation-needed from 192.0.2.1 to dst, quoting a UDP packet
 * from quoted_src (IP ID quoted_id) to 198.51.100.7, MTU 1300. */
static struct pt_digest frag_needed(uint32_t dst, uint32_t quoted_src, uint16_t quoted_sport, uint16_t quoted_id)
{
	struct fb f;
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4_ex(&f, 1, IP4(192, 0, 2, 1), dst, 77, 0, NULL, 0);
	fb_icmp(&f, 3, 4, 1300);
	fb_ipv4_ex(&f, 17, quoted_src, IP4(198, 51, 100, 7), quoted_id, 0x4000, NULL, 0);
	fb_udp(&f, quoted_sport, 9000);
	fb_done(&f);
	struct pt_digest g;
	digest_of(&g, &f, 0, 0);
	ck_assert_uint_eq(g.icmp_mtu, 1300);
	return g;
}

START_TEST(test_fingerprint_icmp_error_across_nat)
{
	const uint32_t fip = IP4(203, 0, 113, 10), vm = IP4(10, 0, 0, 5);
	struct pt_digest out = frag_needed(fip, fip, 40500, 0x4242);
	/* The NAT translates the error and the packet it quotes back (address, port too). */
	struct pt_digest in = frag_needed(vm, vm, 1025, 0x4242);
	ck_assert_uint_eq(out.fingerprint, in.fingerprint);
	ck_assert(out.strong); /* the router's IPv4 ID */
	/* About another packet: another message. */
	ck_assert_uint_ne(frag_needed(fip, fip, 40500, 0x4243).fingerprint, out.fingerprint);
}
END_TEST

/* The tag of a frame built by build: kind and id. */
static void tag_of(void (*build)(struct fb *), uint8_t kind, uint32_t id)
{
	struct fb f;
	struct pt_digest g;
	fb_init(&f);
	build(&f);
	fb_ipv4(&f, 17, IP4(10, 0, 0, 11), IP4(10, 0, 0, 12));
	fb_udp(&f, 1, 2);
	fb_zero(&f, 8);
	fb_done(&f);
	digest_of(&g, &f, 0, 0);
	ck_assert_uint_eq(g.tag_kind, kind);
	ck_assert_uint_eq(g.tag_id, id);
}

static void bare(struct fb *f)
{
	fb_eth(f, 0x0800);
}

static void vlan10(struct fb *f)
{
	fb_eth(f, 0x8100);
	fb_vlan(f, 10, 0x0800);
}

static void qinq(struct fb *f)
{
	fb_eth(f, 0x88a8);
	fb_vlan(f, 300, 0x8100);
	fb_vlan(f, 10, 0x0800);
}

/* VXLAN 100 over an underlay tagged 50: the VNI, not the underlay's VLAN. */
static void vxlan_over_vlan(struct fb *f)
{
	fb_eth(f, 0x8100);
	fb_vlan(f, 50, 0x0800);
	fb_ipv4(f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_udp(f, 33333, 4789);
	fb_vxlan(f, 100);
	fb_eth(f, 0x0800);
}

static void gre_key2(struct fb *f)
{
	fb_eth(f, 0x0800);
	fb_ipv4(f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(f, 0x2000, 0x6558, 2);
	fb_eth(f, 0x0800);
}

/* NVGRE: VSID 5001 and a per-flow hash 0x5a in the key. */
static void nvgre(struct fb *f)
{
	fb_eth(f, 0x0800);
	fb_ipv4(f, 47, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2));
	fb_gre(f, 0x2000, 0x6558, 5001u << 8 | 0x5a);
	fb_eth(f, 0x0800);
}

START_TEST(test_digest_tenant_tag)
{
	tag_of(bare, PT_ID_NONE, 0);
	tag_of(vlan10, PT_ID_VLAN, 10);
	tag_of(qinq, PT_ID_VLAN, 10);
	tag_of(vxlan_over_vlan, PT_ID_VNI, 100);
	tag_of(gre_key2, PT_ID_GRE_KEY, 2);
	tag_of(nvgre, PT_ID_GRE_KEY, 5001);
}
END_TEST

/* Identical UDP packets (IPv4 ID 0, DF) from flow src:41000 > 10.0.0.9:53. */
static struct feed_pkt twin(uint32_t point, int64_t ts, uint32_t src)
{
	return (struct feed_pkt){ .point = point, .ts = ts, .src = src, .dst = FEED_IP(10, 0, 0, 9), .sport = 41000,
				  .dport = 53, .df = true, .tag = 48 };
}

START_TEST(test_match_lookalikes_no_nat)
{
	/* Two VMs ask the same question 100 us apart: p0 is vm1's tap, p1
	 * vm2's, p2 the uplink both cross. */
	const uint32_t vm1 = FEED_IP(10, 0, 0, 5), vm2 = FEED_IP(10, 0, 0, 6);
	rig_init(3);
	for (int k = 0; k < 3; k++) {
		int64_t t = MS(50) * k;
		rig_feed(twin(0, t, vm1));
		rig_feed(twin(2, t + US(12), vm1));
		rig_feed(twin(1, t + US(100), vm2));
		rig_feed(twin(2, t + US(112), vm2));
	}
	rig_tail(3, MS(200));
	rig_finish();
	ck_assert_uint_eq(r.m.flows.n, 3);
	struct pt_flow *f1 = flow_n(1, 3, 1), *f2 = flow_n(2, 3, 1);
	ck_assert_ptr_null(f2->nat_parent);
	ck_assert_uint_eq(f1->nat_points, PT_PSET_EMPTY);
	ck_assert_uint_eq(SIG(f1, 0, 2)->count, 3);
	ck_assert_uint_eq(SIG(f2, 1, 2)->count, 3);
	ck_assert_uint_eq(r.pts.v[2].stats.duplicates, 0);
	rig_free();
}
END_TEST

START_TEST(test_match_nat_learnt_then_weak)
{
	/* A floating IP: 10.0.0.5 inside (p0), 203.0.113.10 outside (p1). A
	 * packet with an IPv4 ID teaches the translation; identical packets
	 * without one cross it after that, in another flow of the same
	 * addresses too. */
	const uint32_t vm = FEED_IP(10, 0, 0, 5), fip = FEED_IP(203, 0, 113, 10), ext = FEED_IP(198, 51, 100, 7);
	rig_init(2);
	/* Before anything is learnt, a weak twin is not taken for the packet NAT-ed. */
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .src = vm, .dst = ext, .sport = 7, .dport = 9, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = US(30), .src = fip, .dst = ext, .sport = 7, .dport = 9, .tag = 1 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = MS(10), .src = vm, .dst = ext, .sport = 5, .dport = 9, .ip_id = 99,
				    .tag = 2 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(10) + US(30), .src = fip, .dst = ext, .sport = 5, .dport = 9,
				    .ip_id = 99, .tag = 2 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = MS(20), .src = vm, .dst = ext, .sport = 6, .dport = 9, .tag = 3 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(20) + US(30), .src = fip, .dst = ext, .sport = 6, .dport = 9,
				    .tag = 3 });
	rig_finish();
	struct pt_flow *in7 = flow_n(1, 1, 1), *out7 = flow_n(2, 1, 1);
	ck_assert_ptr_null(out7->nat_parent);
	(void)in7;
	struct pt_flow *in5 = flow_n(3, 1, 1), *out5 = pt_flows_by_id(&r.m.flows, 4);
	ck_assert_ptr_eq(out5->nat_parent, in5);
	ck_assert_uint_eq(SIG(in5, 0, 1)->count, 1);
	struct pt_flow *in6 = flow_n(5, 1, 1), *out6 = pt_flows_by_id(&r.m.flows, 6);
	ck_assert_ptr_eq(out6->nat_parent, in6);
	ck_assert_uint_eq(SIG(in6, 0, 1)->count, 1);
	rig_free();
}
END_TEST

START_TEST(test_match_copy_window_learnt)
{
	/* p0 shows 40 packets with IPv4 IDs, none twice: it makes no copies,
	 * so identical IPv6 packets 30 us apart there are two. p1 copies every
	 * packet 8 us later: its window is learnt (2 x 8 us + 2 us), so twins 10
	 * us apart are copies and 40 us apart two packets. */
	rig_init(2);
	int64_t t = 0;
	for (int i = 0; i < 40; i++, t += US(200)) {
		rig_feed((struct feed_pkt){ .point = 0, .ts = t, .ip_id = (uint16_t)(i + 1), .tag = 100 });
		rig_feed((struct feed_pkt){ .point = 1, .ts = t + US(50), .sport = 2, .ip_id = (uint16_t)(i + 1), .tag = 200 });
		rig_feed((struct feed_pkt){ .point = 1, .ts = t + US(58), .sport = 2, .ip_id = (uint16_t)(i + 1), .tag = 200 });
	}
	ck_assert_int_eq(pt_copy_window(&r.m, 0), 0);
	ck_assert_int_eq(pt_copy_window(&r.m, 1), US(18));
	t += MS(5);
	rig_feed((struct feed_pkt){ .point = 0, .ts = t, .ipv6 = true, .sport = 3, .tag = 7 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = t + US(30), .ipv6 = true, .sport = 3, .tag = 7 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = t + MS(1), .ipv6 = true, .sport = 4, .tag = 7 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = t + MS(1) + US(10), .ipv6 = true, .sport = 4, .tag = 7 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = t + MS(2), .ipv6 = true, .sport = 4, .tag = 7 });
	rig_finish();
	ck_assert_uint_eq(r.pts.v[1].stats.strong_copies, 40);
	ck_assert_uint_eq(r.pts.v[0].stats.duplicates, 0);
	ck_assert_uint_eq(r.pts.v[1].stats.duplicates, 40 + 1);
	struct pt_flow *v6a = NULL, *v6b = NULL;
	for (size_t i = 0; i < r.m.flows.n; i++)
		if (r.m.flows.all[i]->key.version == 6)
			*(r.m.flows.all[i]->key.sport == 3 ? &v6a : &v6b) = r.m.flows.all[i];
	ck_assert_ptr_nonnull(v6a);
	ck_assert_ptr_nonnull(v6b);
	ck_assert_uint_eq(v6a->packets, 2);
	ck_assert_uint_eq(v6b->packets, 2);
	rig_free();
}
END_TEST

START_TEST(test_match_copy_window_unlearnt)
{
	/* Too few packets with an identity to learn from: the configured 500 us. */
	rig_init(1);
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .ipv6 = true, .tag = 7 });
	rig_feed((struct feed_pkt){ .point = 0, .ts = US(300), .ipv6 = true, .tag = 7 });
	ck_assert_int_eq(pt_copy_window(&r.m, 0), US(500));
	rig_finish();
	ck_assert_uint_eq(r.pts.v[0].stats.duplicates, 1);
	flow_n(1, 1, 1);
	rig_free();
}
END_TEST

START_TEST(test_match_hairpin_returns)
{
	/* p0 sees each packet go out to a firewall (carrier A > F) and come
	 * back (F > A) 3 ms later, then p1 sees it: one packet, seen twice at
	 * p0, neither a copy nor another packet. A copy (A > F again) is a copy. */
	const uint64_t a = 0x1111, fw = 0x2222;
	rig_init(2);
	for (int k = 0; k < 4; k++) {
		int64_t t = MS(20) * k;
		struct feed_pkt out = { .point = 0, .ts = t, .ip_id = (uint16_t)(10 + k), .tag = 5, .carrier_src = a,
					.carrier_dst = fw };
		rig_feed(out);
		if (k == 3) {
			out.ts += US(5);
			rig_feed(out);
		}
		rig_feed((struct feed_pkt){ .point = 0, .ts = t + MS(3), .ip_id = (uint16_t)(10 + k), .tag = 5,
					    .carrier_src = fw, .carrier_dst = a });
		rig_feed((struct feed_pkt){ .point = 1, .ts = t + MS(3) + US(40), .ip_id = (uint16_t)(10 + k), .tag = 5 });
	}
	rig_finish();
	struct pt_flow *f = flow_n(1, 4, 1);
	ck_assert_uint_eq(SIG(f, 0, 1)->count, 4);
	ck_assert_uint_eq(f->sightings, 13);
	ck_assert_uint_eq(r.pts.v[0].stats.returned, 4);
	ck_assert_uint_eq(r.pts.v[0].stats.duplicates, 1);
	rig_free();
}
END_TEST

START_TEST(test_match_repeat_reclaimed)
{
	/* A health check (IPv4 ID 0) repeated every 400 ms; p0 is upstream of
	 * p1 by 2 ms but started capturing late: the first copy is seen at p1
	 * alone, and p0's first sighting 400 ms later first went to it. When
	 * the second copy reaches p1 the sighting moves to the copy it fits. */
	rig_init(2);
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(2), .df = true, .tag = 4 });
	for (int k = 1; k < 4; k++) {
		int64_t t = MS(400) * k;
		rig_feed((struct feed_pkt){ .point = 0, .ts = t, .df = true, .tag = 4 });
		rig_feed((struct feed_pkt){ .point = 1, .ts = t + MS(2), .df = true, .tag = 4 });
	}
	rig_finish();
	struct pt_flow *f = flow_n(1, 4, 2);
	ck_assert_uint_eq(SIG(f, 0, 1)->count, 3);
	ck_assert_uint_eq(SIG(f, 1)->count, 1);
	expect_pair(f, 0, 1, 3, MS(2), MS(2));
	rig_free();
}
END_TEST

START_TEST(test_match_expired_record_takes_nothing)
{
	/* Sent again 1.2 s later, outside the 1 s window: another packet, even
	 * seen at a point the first never reached. */
	rig_init(2);
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .df = true, .tag = 4 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(1200), .df = true, .tag = 4 });
	rig_finish();
	struct pt_flow *f = flow_n(1, 2, 2);
	ck_assert_uint_eq(f->npairs, 0);
	rig_free();
}
END_TEST

/* A 1000-byte TCP segment 10.0.0.1:1 > 10.0.0.2:2 at seq, IPv4 ID id (IPv6 when 0). */
static struct feed_pkt seg(uint32_t point, int64_t ts, uint32_t seq, uint16_t id, uint32_t len)
{
	return (struct feed_pkt){ .point = point, .ts = ts, .proto = 6, .sport = 1, .dport = 2, .tcp_seq = seq,
				  .ip_id = id, .ipv6 = id == 0, .ip_len = 40 + len, .df = true };
}

static void probe_in_flight(bool v6)
{
	/* A burst of two segments crosses a 20 ms queue (p0 > p1); 8 ms later
	 * the sender probes with the last one again. The probe does not close
	 * the original: both arrive, 20 ms each, nothing lost. A SYN first
	 * measures the gap. */
	rig_init(2);
	rig_feed((struct feed_pkt){ .point = 0, .ts = 0, .proto = 6, .sport = 1, .dport = 2, .tcp_seq = 99,
				    .tcp_flags = 0x02, .ip_id = v6 ? 0 : 1, .ipv6 = v6, .ip_len = 60 });
	rig_feed((struct feed_pkt){ .point = 1, .ts = MS(20), .proto = 6, .sport = 1, .dport = 2, .tcp_seq = 99,
				    .tcp_flags = 0x02, .ip_id = v6 ? 0 : 1, .ipv6 = v6, .ip_len = 60 });
	int64_t t = MS(50);
	rig_feed(seg(0, t, 100, v6 ? 0 : 2, 1000));
	rig_feed(seg(0, t + US(20), 1100, v6 ? 0 : 3, 1000));
	rig_feed(seg(0, t + MS(8), 1100, v6 ? 0 : 4, 1000));
	rig_feed(seg(1, t + MS(20), 100, v6 ? 0 : 2, 1000));
	rig_feed(seg(1, t + MS(20) + US(20), 1100, v6 ? 0 : 3, 1000));
	rig_feed(seg(1, t + MS(28), 1100, v6 ? 0 : 4, 1000));
	rig_finish();
	struct pt_flow *f = flow_n(1, 4, 1);
	ck_assert_uint_eq(SIG(f, 0, 1)->count, 4);
	ck_assert_uint_eq(SIG(f, 0, 1)->resent, 1);
	ck_assert_uint_eq(f->retransmits, 1);
	expect_pair(f, 0, 1, 4, MS(20), MS(20));
	rig_free();
}

START_TEST(test_match_tcp_probe_in_flight)
{
	probe_in_flight(false); /* the IPv4 ID tells */
	probe_in_flight(true);  /* the gap tells */
}
END_TEST

START_TEST(test_match_tcp_new_id_own_packet)
{
	/* The original (ID 7) reaches p0 and dies; p0 misses the resend (ID 8,
	 * 255 ms later), p1 sees it. Sequence numbers alone paired them: a 255
	 * ms hop and no loss. Two packets: the first lost after p0, the second
	 * seen at p1 only. */
	rig_init(2);
	rig_feed(seg(0, 0, 100, 7, 1000));
	rig_feed(seg(1, MS(255) + US(30), 100, 8, 1000));
	rig_finish();
	struct pt_flow *f = flow_n(1, 2, 2);
	ck_assert_uint_eq(SIG(f, 0)->count, 1);
	ck_assert_uint_eq(SIG(f, 1)->count, 1);
	ck_assert_uint_eq(f->npairs, 0);
	rig_free();
}
END_TEST

START_TEST(test_match_tcp_resegmented_one_loss)
{
	/* 1239 bytes die after p0; resent as 1228 + 11 after an ICMP
	 * frag-needed, both arriving. One packet lost, not two pieces. */
	rig_init(2);
	rig_feed(seg(0, 0, 100, 7, 1239));
	rig_feed(seg(0, US(400), 100, 8, 1228));
	rig_feed(seg(0, US(430), 1328, 9, 11));
	rig_feed(seg(1, US(450), 100, 8, 1228));
	rig_feed(seg(1, US(480), 1328, 9, 11));
	rig_finish();
	struct pt_flow *f = flow_n(1, 3, 2);
	ck_assert_uint_eq(SIG(f, 0)->count, 1);
	ck_assert_uint_eq(SIG(f, 0, 1)->count, 2);
	ck_assert_uint_eq(SIG(f, 0, 1)->resent, 2);
	ck_assert_uint_eq(f->retransmits, 2);
	rig_free();
}
END_TEST

/* One packet of a two-tenant network: tenant t (0 A, 1 B) at point p, on
 * the taps 0 (A) and 1 (B) untagged, p2 br-int (VLAN 1 / 2), p3 the wire
 * (VNI 100 / 200), p4 the other host's br-int (VLAN 7 / 3). */
static uint8_t wire_kind = PT_ID_VNI; /* or PT_ID_GRE_KEY: keys 1 and 2 on the wire */

static struct feed_pkt tenant_pkt(unsigned tenant, uint32_t point, int64_t ts, uint16_t id, uint64_t tag)
{
	const uint8_t kinds[5] = { PT_ID_NONE, PT_ID_NONE, PT_ID_VLAN, wire_kind, PT_ID_VLAN };
	const uint32_t wire = wire_kind == PT_ID_VNI ? 100 : 1;
	const uint32_t ids[2][5] = { { 0, 0, 1, wire, 7 }, { 0, 0, 2, 2 * wire, 3 } };
	return (struct feed_pkt){ .point = point, .ts = ts, .src = FEED_IP(10, 0, 0, 11), .dst = FEED_IP(10, 0, 0, 12),
				  .sport = 40000, .dport = 53, .ip_id = id, .df = true, .tag = tag,
				  .tag_kind = kinds[point], .tag_id = ids[tenant][point] };
}

static void tenant_send(unsigned tenant, int64_t ts, uint16_t id, uint64_t tag)
{
	const uint32_t path[4] = { tenant, 2, 3, 4 };
	for (unsigned k = 0; k < 4; k++)
		rig_feed(tenant_pkt(tenant, path[k], ts + US(20) * k, id, tag));
}

/* Two networks on GRE keys 1 and 2 (Neutron's segmentation ids): the same. */
START_TEST(test_match_tenants_apart_gre)
{
	wire_kind = PT_ID_GRE_KEY;
	rig_init(5);
	tenant_send(0, 0, 100, 10);
	tenant_send(1, US(100), 500, 50);
	for (int k = 0; k < 2; k++) {
		tenant_send(0, MS(100) + MS(10) * k, 0, 99);
		tenant_send(1, MS(100) + MS(10) * k + US(100), 0, 99);
	}
	rig_finish();
	ck_assert_uint_eq(r.m.flows.n, 2);
	struct pt_flow *a = pt_flows_by_id(&r.m.flows, 1), *b = pt_flows_by_id(&r.m.flows, 2);
	ck_assert_uint_eq(a->packets, 3);
	ck_assert_uint_eq(b->packets, 3);
	ck_assert_uint_eq(a->tenant_kind, PT_ID_GRE_KEY);
	ck_assert_uint_eq(a->tenant_id, 1);
	ck_assert_uint_eq(b->tenant_id, 2);
	ck_assert_ptr_nonnull(SIG(a, 0, 2, 3, 4));
	ck_assert_ptr_nonnull(SIG(b, 1, 2, 3, 4));
	for (unsigned p = 0; p < 5; p++)
		ck_assert_uint_eq(r.pts.v[p].stats.duplicates, 0);
	wire_kind = PT_ID_VNI;
	rig_free();
}
END_TEST

START_TEST(test_match_tenants_apart)
{
	/* The same 5-tuple in two networks. Packets with an identity teach
	 * which segments are one network (VLAN 1 is VNI 100 is VLAN 7, and the
	 * tap of A); then byte-identical packets (IPv4 ID 0) 100 us apart in
	 * both stay apart at every point, the untagged taps included. */
	rig_init(5);
	for (int k = 0; k < 3; k++) {
		tenant_send(0, MS(10) * k, (uint16_t)(100 + k), 10 + (uint64_t)k);
		tenant_send(1, MS(10) * k + US(100), (uint16_t)(500 + k), 50 + (uint64_t)k);
	}
	for (int k = 0; k < 3; k++) {
		tenant_send(0, MS(100) + MS(10) * k, 0, 99);
		tenant_send(1, MS(100) + MS(10) * k + US(100), 0, 99);
	}
	rig_finish();
	ck_assert_uint_eq(r.m.flows.n, 2);
	struct pt_flow *a = flow_n(1, 6, 2), *b = flow_n(2, 6, 2);
	ck_assert(pt_flow_key_eq(&a->key, &b->key));
	/* The last packets, seen when the captures end: uncertain whether the
	 * points after them still ran (another signature), but seen at the same
	 * points. */
	ck_assert_uint_eq(SIG(a, 0, 2, 3, 4)->count, 5);
	ck_assert_uint_eq(SIG(b, 1, 2, 3, 4)->count, 5);
	for (uint32_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(a->sigs[i].seen, SIG(a, 0, 2, 3, 4)->seen);
		ck_assert_uint_eq(b->sigs[i].seen, SIG(b, 1, 2, 3, 4)->seen);
	}
	ck_assert_uint_eq(a->tenant_kind, PT_ID_VNI);
	ck_assert_uint_eq(a->tenant_id, 100);
	ck_assert_uint_eq(b->tenant_kind, PT_ID_VNI);
	ck_assert_uint_eq(b->tenant_id, 200);
	ck_assert_uint_eq(a->sightings, 24);
	ck_assert_uint_eq(b->sightings, 24);
	for (unsigned p = 0; p < 5; p++)
		ck_assert_uint_eq(r.pts.v[p].stats.duplicates, 0);
	rig_free();
}
END_TEST

START_TEST(test_match_tenant_one_network_many_tags)
{
	/* One network, tagged differently at each point (VLAN 1, VNI 100, VLAN
	 * 7): one flow, named by its VNI, even for packets without an identity. */
	rig_init(5);
	tenant_send(0, 0, 5, 1);
	tenant_send(0, MS(10), 0, 2);
	tenant_send(0, MS(20), 0, 2);
	rig_finish();
	ck_assert_uint_eq(r.m.flows.n, 1);
	struct pt_flow *f = flow_n(1, 3, 1);
	ck_assert_uint_eq(SIG(f, 0, 2, 3, 4)->count, 3);
	ck_assert_uint_eq(f->tenant_kind, PT_ID_VNI);
	ck_assert_uint_eq(f->tenant_id, 100);
	rig_free();
}
END_TEST

START_TEST(test_match_tenant_mixed_point)
{
	/* p0 is untagged and carries both networks (a device decapsulating all
	 * VNIs): a packet of B with an identity crossing it after A's makes it
	 * tell no network. Packets of both are still matched across it. */
	rig_init(5);
	for (int k = 0; k < 3; k++) {
		uint16_t id = (uint16_t)(10 + 2 * k);
		rig_feed(tenant_pkt(0, 0, MS(10) * k, id, 1));
		rig_feed(tenant_pkt(0, 3, MS(10) * k + US(20), id, 1));
		rig_feed(tenant_pkt(1, 0, MS(10) * k + US(200), (uint16_t)(id + 1), 1));
		rig_feed(tenant_pkt(1, 3, MS(10) * k + US(220), (uint16_t)(id + 1), 1));
	}
	rig_finish();
	ck_assert_uint_eq(r.m.flows.n, 2);
	struct pt_flow *a = flow_n(1, 3, 1), *b = flow_n(2, 3, 1);
	ck_assert_uint_eq(SIG(a, 0, 3)->count, 3);
	ck_assert_uint_eq(SIG(b, 0, 3)->count, 3);
	ck_assert_uint_eq(a->tenant_id, 100);
	ck_assert_uint_eq(b->tenant_id, 200);
	ck_assert_uint_eq(pt_tenant_of(&r.m, 1), 0); /* segment 1 is p0's: mixed */
	rig_free();
}
END_TEST

START_TEST(test_match_cooked_point_copies)
{
	/* -i any shows a packet on the VXLAN device and on the NIC under it:
	 * two tags, one packet (a copy). On one device two tags are two
	 * networks' packets, even microseconds apart. */
	rig_init(2);
	struct feed_pkt p = { .point = 0, .ts = 0, .ipv6 = true, .tag = 3, .sll2 = true };
	rig_feed(p);
	p.ts = US(4);
	p.tag_kind = PT_ID_VNI;
	p.tag_id = 100;
	rig_feed(p);
	p = (struct feed_pkt){ .point = 1, .ts = MS(1), .ipv6 = true, .sport = 9, .tag = 4, .tag_kind = PT_ID_VLAN,
			       .tag_id = 1 };
	rig_feed(p);
	p.ts += US(4);
	p.tag_id = 2;
	rig_feed(p);
	rig_finish();
	ck_assert_uint_eq(r.pts.v[0].stats.duplicates, 1);
	ck_assert_uint_eq(r.pts.v[1].stats.duplicates, 0);
	ck_assert_uint_eq(flow_n(1, 1, 1)->sightings, 2);
	ck_assert_uint_eq(flow_n(2, 1, 1)->sightings, 1);
	ck_assert_uint_eq(flow_n(3, 1, 1)->sightings, 1);
	rig_free();
}
END_TEST

Suite *pt_match_suite(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("match");
	tcase_add_test(tc, test_fingerprint);
	tcase_add_test(tc, test_digest_tunnel);
	tcase_add_test(tc, test_digest_kinds);
	tcase_add_test(tc, test_match_three_points);
	tcase_add_test(tc, test_match_duplicate);
	tcase_add_test(tc, test_match_identical_in_flight);
	tcase_add_test(tc, test_match_tcp_super_frame);
	tcase_add_test(tc, test_match_tcp_retransmit);
	tcase_add_test(tc, test_match_fragments);
	tcase_add_test(tc, test_match_fragment_lost);
	tcase_add_test(tc, test_match_fragment_copy_not_complete);
	tcase_add_test(tc, test_match_outer_fragments);
	tcase_add_test(tc, test_match_expire_window);
	tcase_add_test(tc, test_super_frame_wire_len);
	suite_add_tcase(s, tc);
	tc = tcase_create("identity");
	tcase_add_test(tc, test_fingerprint_tcp_dupacks);
	tcase_add_test(tc, test_fingerprint_icmp_error_across_nat);
	tcase_add_test(tc, test_digest_tenant_tag);
	tcase_add_test(tc, test_match_lookalikes_no_nat);
	tcase_add_test(tc, test_match_nat_learnt_then_weak);
	tcase_add_test(tc, test_match_copy_window_learnt);
	tcase_add_test(tc, test_match_copy_window_unlearnt);
	tcase_add_test(tc, test_match_hairpin_returns);
	tcase_add_test(tc, test_match_repeat_reclaimed);
	tcase_add_test(tc, test_match_expired_record_takes_nothing);
	tcase_add_test(tc, test_match_tcp_probe_in_flight);
	tcase_add_test(tc, test_match_tcp_new_id_own_packet);
	tcase_add_test(tc, test_match_tcp_resegmented_one_loss);
	tcase_add_test(tc, test_match_tenants_apart);
	tcase_add_test(tc, test_match_tenants_apart_gre);
	tcase_add_test(tc, test_match_tenant_one_network_many_tags);
	tcase_add_test(tc, test_match_tenant_mixed_point);
	tcase_add_test(tc, test_match_cooked_point_copies);
	suite_add_tcase(s, tc);
	/* One packet at 300 points folds 44850 pairs, each found by a linear
	 * search of the flow's pairs: ~2 s plain, ~10 s under ASan. */
	tc = tcase_create("many-points");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_match_many_points);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_match_suite)
