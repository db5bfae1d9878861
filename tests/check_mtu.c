/* The MTU diagnosis on hand-built sequences: the classic VM MTU 1500 over a
 * VXLAN underlay of 1500 (usable 1450), the same told by an ICMP message,
 * sizes that do not make an MTU story, a PMTUD black hole, an MSS the
 * path back cannot carry, and two hops of one tunnel network with one verdict. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "check_feed.h"
#include "check_pathtrace.h"

#define A FEED_IP(10, 0, 0, 1)
#define B FEED_IP(10, 0, 0, 2)
#define ROUTER FEED_IP(10, 0, 0, 254)

static const char *const tap_and_underlay[] = { "cn1-tap1", "cn1-eth1" };

struct run {
	struct pt_points points;
	struct pt_analysis *a;
};

static void run_start(struct run *r)
{
	feed_points(&r->points, 2, tap_and_underlay);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500), .reference = -1 };
	r->a = pt_analysis_new(&cfg, &r->points);
	ck_assert_ptr_nonnull(r->a);
}

static void run_end(struct run *r)
{
	pt_analysis_free(r->a);
	pt_points_free(&r->points);
}

static const struct pt_finding *only(const struct pt_analysis *a, enum pt_finding_id id)
{
	const struct pt_finding *found = NULL;
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.v[i].id == id) {
			ck_assert_msg(!found, "more than one finding of kind %d", id);
			found = &a->findings.v[i];
		}
	ck_assert_msg(found != NULL, "no finding of kind %d", id);
	return found;
}

static size_t count(const struct pt_analysis *a, enum pt_finding_id id)
{
	size_t n = 0;
	for (size_t i = 0; i < a->findings.n; i++)
		n += a->findings.v[i].id == id;
	return n;
}

/* UDP from the VM, DF: 1400-byte packets cross the VXLAN underlay (50 bytes
 * of outer headers), 1500-byte ones die before it. sized_died/passed give
 * the two sizes. */
static void udp_over_vxlan(struct pt_analysis *a, uint32_t passed, uint32_t died)
{
	for (int i = 0; i < 20; i++) {
		int64_t t = MS(5) * i + 1;
		uint32_t len = i % 2 ? died : passed;
		struct feed_pkt p = { .point = 0, .ts = t, .src = A, .dst = B, .sport = 1000, .dport = 2000,
				      .ip_id = (uint16_t)i, .ip_len = len, .df = true };
		feed(a, &p);
		if (len == passed) {
			p.point = 1;
			p.ts = t + US(15);
			p.tunnel = 50;
			feed(a, &p);
		}
	}
	/* Both points go on capturing after the last loss. */
	struct feed_pkt last = { .point = 0, .ts = MS(150), .src = A, .dst = B, .sport = 1000, .dport = 2000,
				 .ip_id = 99, .ip_len = passed, .df = true };
	feed(a, &last);
	last.point = 1;
	last.ts += US(15);
	last.tunnel = 50;
	feed(a, &last);
}

START_TEST(test_vm_mtu_1500_over_vxlan)
{
	struct run r;
	run_start(&r);
	udp_over_vxlan(r.a, 1400, 1500);
	pt_analysis_finish(r.a);
	const struct pt_analysis *a = r.a;
	const struct pt_finding *o = only(a, PT_F_MTU_OVERSIZE_DROP);
	ck_assert_int_eq(o->severity, PT_SEV_ERROR);
	ck_assert_int_eq(o->from, 0);
	ck_assert_int_eq(o->to, 1);
	ck_assert_int_eq(o->flow, 1);
	ck_assert_uint_eq(o->u.oversize.usable, 1450);
	ck_assert_int_eq(o->u.oversize.basis, PT_MTU_FROM_TUNNEL);
	ck_assert_int_eq(o->u.oversize.encap, PT_P_VXLAN);
	ck_assert_int_eq(o->u.oversize.tunnel, 1);
	ck_assert_uint_eq(o->u.oversize.overhead, 50);
	ck_assert_uint_eq(o->u.oversize.underlay, 1500);
	ck_assert_uint_eq(o->u.oversize.lost, 10);
	ck_assert_uint_eq(o->u.oversize.died_min, 1500);
	ck_assert_uint_eq(o->u.oversize.passed_max, 1400);
	ck_assert(!o->u.oversize.blackhole);
	/* The losses it explains are folded under it. */
	const struct pt_finding *l = only(a, PT_F_LOSS_HOP);
	ck_assert_int_eq(l->severity, PT_SEV_INFO);
	ck_assert_int_eq(l->u.loss.cause, PT_LOSS_OVERSIZE);
	ck_assert_ptr_eq(&a->findings.v[l->u.loss.oversize], o);
	ck_assert_uint_eq(l->u.loss.lost, 10);
	/* And the tunnel's cost is said where it is paid. */
	const struct pt_finding *e = only(a, PT_F_ENCAP_OVERHEAD);
	ck_assert_int_eq(e->point, 1);
	ck_assert_uint_eq(e->u.overhead.tunnel_max, 50);
	ck_assert_double_eq_tol(e->u.overhead.per_packet, 50.0, 1e-9);
	ck_assert_uint_eq(count(a, PT_F_MTU_PMTUD_BLACKHOLE), 0);
	run_end(&r);
}
END_TEST

/* The hop router tells the sender its MTU: the verdict uses that number. */
START_TEST(test_icmp_frag_needed_gives_the_mtu)
{
	struct run r;
	run_start(&r);
	udp_over_vxlan(r.a, 1400, 1500);
	struct feed_pkt icmp = { .point = 0, .ts = MS(200), .proto = 1, .src = ROUTER, .dst = A, .ip_len = 576,
				 .icmp_mtu = 1450, .quoted_src = A, .quoted_dst = B, .quoted_sport = 1000,
				 .quoted_dport = 2000 };
	feed(r.a, &icmp);
	pt_analysis_finish(r.a);
	const struct pt_analysis *a = r.a;
	const struct pt_finding *o = only(a, PT_F_MTU_OVERSIZE_DROP);
	ck_assert_uint_eq(o->u.oversize.usable, 1450);
	ck_assert_int_eq(o->u.oversize.basis, PT_MTU_FROM_ICMP);
	const struct pt_finding *m = only(a, PT_F_MTU_ICMP_FRAG_NEEDED);
	ck_assert_int_eq(m->severity, PT_SEV_WARNING); /* it reached the sender's capture point */
	ck_assert_int_eq(m->point, 0);
	ck_assert_int_eq(m->flow, 1);
	ck_assert_uint_eq(m->u.icmp.mtu, 1450);
	ck_assert_uint_eq(m->u.icmp.count, 1);
	ck_assert(m->u.icmp.quoted_seen);
	ck_assert(!m->u.icmp.blackholed);
	ck_assert(pt_pset_has(a->match.psets, m->u.icmp.seen_at, 0));
	ck_assert(!pt_pset_has(a->match.psets, m->u.icmp.seen_at, 1));
	ck_assert_int_eq(only(a, PT_F_LOSS_HOP)->severity, PT_SEV_INFO);
	run_end(&r);
}
END_TEST

/* A DF packet dies before the next point's capture has started, and the
 * router says why: a frag-needed quoting the flow makes it a loss there all
 * the same, and the verdict names the hop (the clab PMTUD capture's shape). */
START_TEST(test_icmp_names_a_drop_before_the_capture_started)
{
	struct run r;
	run_start(&r);
	struct feed_pkt big = { .point = 0, .ts = MS(1), .src = A, .dst = B, .sport = 1000, .dport = 2000,
				.ip_id = 1, .ip_len = 1500, .df = true };
	feed(r.a, &big);
	struct feed_pkt icmp = { .point = 0, .ts = MS(1) + US(70), .proto = 1, .src = ROUTER, .dst = A, .ip_len = 576,
				 .icmp_mtu = 1450, .quoted_src = A, .quoted_dst = B, .quoted_sport = 1000,
				 .quoted_dport = 2000 };
	feed(r.a, &icmp);
	/* Point 1's capture starts a second later; smaller packets cross both. */
	for (int i = 0; i < 4; i++) {
		struct feed_pkt p = { .point = 0, .ts = MS(1000) + MS(5) * i, .src = A, .dst = B, .sport = 1000,
				      .dport = 2000, .ip_id = (uint16_t)(10 + i), .ip_len = 1400, .df = true };
		feed(r.a, &p);
		p.point = 1;
		p.ts += US(20);
		p.tunnel = 50;
		feed(r.a, &p);
	}
	pt_analysis_finish(r.a);
	const struct pt_finding *o = only(r.a, PT_F_MTU_OVERSIZE_DROP);
	ck_assert_int_eq(o->from, 0);
	ck_assert_int_eq(o->to, 1);
	ck_assert_uint_eq(o->u.oversize.lost, 1);
	ck_assert_uint_eq(o->u.oversize.usable, 1450);
	ck_assert_int_eq(o->u.oversize.basis, PT_MTU_FROM_ICMP);
	ck_assert_int_eq(only(r.a, PT_F_LOSS_HOP)->u.loss.cause, PT_LOSS_OVERSIZE);
	run_end(&r);
}
END_TEST

/* Evidence that disagrees is kept: the router's number wins over the
 * tunnel's arithmetic, which the finding still carries. */
START_TEST(test_icmp_wins_over_the_tunnel)
{
	struct run r;
	run_start(&r);
	udp_over_vxlan(r.a, 1400, 1500);
	struct feed_pkt icmp = { .point = 0, .ts = MS(200), .proto = 1, .src = ROUTER, .dst = A, .ip_len = 576,
				 .icmp_mtu = 1420, .quoted_src = A, .quoted_dst = B, .quoted_sport = 1000,
				 .quoted_dport = 2000 };
	feed(r.a, &icmp);
	pt_analysis_finish(r.a);
	const struct pt_f_oversize *o = &only(r.a, PT_F_MTU_OVERSIZE_DROP)->u.oversize;
	ck_assert_uint_eq(o->usable, 1420);
	ck_assert_int_eq(o->basis, PT_MTU_FROM_ICMP);
	ck_assert_uint_eq(o->other_usable, 1450);
	ck_assert_int_eq(o->other_basis, PT_MTU_FROM_TUNNEL);
	run_end(&r);
}
END_TEST

/* Jumbo packets die, nothing above 1450 ever crossed the underlay: its
 * 1500 bytes are an assumption, and the finding says so. */
START_TEST(test_underlay_mtu_assumed)
{
	struct run r;
	run_start(&r);
	udp_over_vxlan(r.a, 1400, 9000);
	pt_analysis_finish(r.a);
	const struct pt_f_oversize *o = &only(r.a, PT_F_MTU_OVERSIZE_DROP)->u.oversize;
	ck_assert_uint_eq(o->usable, 1450);
	ck_assert_int_eq(o->basis, PT_MTU_FROM_TUNNEL);
	ck_assert(!o->underlay_seen);
	ck_assert_uint_eq(o->other_usable, 0);
	run_end(&r);
}
END_TEST

/* One random loss that happened to hit the largest packet of a ping, and
 * one that hit two of a few large ones: neither is an MTU (84 bytes is no
 * link's; two packets of one flow are not a pattern), the losses stand. */
START_TEST(test_random_loss_of_the_largest_is_no_verdict)
{
	static const uint32_t passed[] = { 84, 1000 }, died[] = { 574, 1300 }, ndied[] = { 1, 2 };
	for (int c = 0; c < 2; c++) {
		struct run r;
		run_start(&r);
		for (int i = 0; i < 20; i++) {
			bool dies = i >= 10 && (uint32_t)i < 10 + ndied[c]; /* both points capture before and after */
			struct feed_pkt p = { .point = 0, .ts = MS(5) * i + 1, .src = A, .dst = B, .sport = 1000,
					      .dport = 2000, .ip_id = (uint16_t)i, .ip_len = dies ? died[c] : passed[c] };
			feed(r.a, &p);
			if (!dies) {
				p.point = 1;
				p.ts += US(15);
				feed(r.a, &p);
			}
		}
		pt_analysis_finish(r.a);
		ck_assert_uint_eq(count(r.a, PT_F_MTU_OVERSIZE_DROP), 0);
		ck_assert_int_eq(only(r.a, PT_F_LOSS_HOP)->u.loss.cause, PT_LOSS_UNEXPLAINED);
		run_end(&r);
	}
}
END_TEST

/* A queue drops one small packet of another flow on the same hop where the
 * big ones die for their size: the verdict stands, the small loss stays a
 * loss of its own. */
START_TEST(test_small_random_loss_beside_an_mtu_drop)
{
	struct run r;
	run_start(&r);
	udp_over_vxlan(r.a, 1400, 1500);
	for (int i = 0; i < 10; i++) {
		struct feed_pkt p = { .point = 0, .ts = MS(5) * i + US(500), .src = A, .dst = B, .sport = 3000,
				      .dport = 4000, .ip_id = (uint16_t)(500 + i), .ip_len = 120, .df = true };
		feed(r.a, &p);
		if (i != 4) {
			p.point = 1;
			p.ts += US(15);
			p.tunnel = 50;
			feed(r.a, &p);
		}
	}
	pt_analysis_finish(r.a);
	const struct pt_finding *o = only(r.a, PT_F_MTU_OVERSIZE_DROP);
	ck_assert_uint_eq(o->u.oversize.usable, 1450);
	ck_assert_uint_eq(o->u.oversize.lost, 10);
	ck_assert_uint_eq(o->u.oversize.died_min, 1500);
	size_t unexplained = 0;
	for (size_t i = 0; i < r.a->findings.n; i++)
		if (r.a->findings.v[i].id == PT_F_LOSS_HOP)
			unexplained += r.a->findings.v[i].u.loss.cause == PT_LOSS_UNEXPLAINED;
	ck_assert_uint_eq(unexplained, 1);
	run_end(&r);
}
END_TEST

/* Larger packets passed than died: not an MTU story, the loss stands. */
START_TEST(test_no_verdict_when_sizes_do_not_fit)
{
	struct run r;
	run_start(&r);
	udp_over_vxlan(r.a, 1500, 1400);
	pt_analysis_finish(r.a);
	ck_assert_uint_eq(count(r.a, PT_F_MTU_OVERSIZE_DROP), 0);
	const struct pt_finding *l = only(r.a, PT_F_LOSS_HOP);
	ck_assert_int_eq(l->severity, PT_SEV_ERROR);
	ck_assert_int_eq(l->u.loss.cause, PT_LOSS_UNEXPLAINED);
	run_end(&r);
}
END_TEST

/* A TCP handshake that crosses both points, then GSO super-frames of DF
 * segments that never reach the underlay, resent at the same size, with no
 * ICMP: the classic PMTUD black hole. Their wire size is only estimated, so
 * no oversize verdict is drawn from them. */
START_TEST(test_pmtud_black_hole)
{
	struct run r;
	run_start(&r);
	struct pt_analysis *a = r.a;
	struct feed_pkt syn = { .proto = 6, .src = A, .dst = B, .sport = 40000, .dport = 80, .ip_len = 60,
				.tcp_flags = 0x02, .tcp_mss = 1448, .tcp_seq = 0, .df = true, .ts = 1 };
	feed(a, &syn);
	syn.point = 1;
	syn.ts = US(10);
	syn.tunnel = 50;
	feed(a, &syn);
	struct feed_pkt synack = { .point = 1, .proto = 6, .src = B, .dst = A, .sport = 80, .dport = 40000,
				   .ip_len = 60, .tcp_flags = 0x12, .tcp_mss = 1448, .tunnel = 50, .df = true,
				   .ts = US(100), .ip_id = 7 };
	feed(a, &synack);
	synack.point = 0;
	synack.ts = US(110);
	synack.tunnel = 0;
	feed(a, &synack);
	for (int i = 0; i < 3; i++) {
		for (int resend = 0; resend < 2; resend++) {
			struct feed_pkt data = { .point = 0, .proto = 6, .src = A, .dst = B, .sport = 40000, .dport = 80,
						 .ip_len = 40 + 2896, .tcp_seq = 1 + 2896u * (unsigned)i, .df = true,
						 .ts = MS(10) + MS(300) * resend + MS(50) * i,
						 .ip_id = (uint16_t)(100 + 10 * i + resend) };
			feed(a, &data);
		}
	}
	/* The peer's ACKs keep the underlay capture alive throughout. */
	for (int i = 0; i < 8; i++) {
		struct feed_pkt ack = { .point = 1, .proto = 6, .src = B, .dst = A, .sport = 80, .dport = 40000,
					.ip_len = 52, .tcp_flags = 0x10, .tunnel = 50, .ts = MS(100) * i + MS(1),
					.ip_id = (uint16_t)(200 + i), .tcp_seq = 1 };
		feed(a, &ack);
		ack.point = 0;
		ack.tunnel = 0;
		ack.ts += US(10);
		feed(a, &ack);
	}
	pt_analysis_finish(a);
	ck_assert_uint_eq(count(a, PT_F_MTU_OVERSIZE_DROP), 0);
	const struct pt_finding *b = only(a, PT_F_MTU_PMTUD_BLACKHOLE);
	ck_assert_int_eq(b->from, 0);
	ck_assert_int_eq(b->to, 1);
	ck_assert_uint_eq(b->u.blackhole.lost, 6);
	ck_assert_uint_eq(b->u.blackhole.min_len, 20 + 20 + 1448);
	ck_assert_int_eq(only(a, PT_F_LOSS_HOP)->severity, PT_SEV_ERROR);
	run_end(&r);
}
END_TEST

/* The SYN of B announces MSS 1460 (1500-byte segments) while the path
 * towards B carries at most 1450: a warning on B's flow. */
START_TEST(test_mss_exceeds_path_back)
{
	struct run r;
	run_start(&r);
	struct pt_analysis *a = r.a;
	struct feed_pkt syn = { .point = 1, .proto = 6, .src = B, .dst = A, .sport = 80, .dport = 40000, .ip_len = 60,
				.tcp_flags = 0x02, .tcp_mss = 1460, .tunnel = 50, .ts = 1, .ip_id = 1 };
	feed(a, &syn);
	syn.point = 0;
	syn.tunnel = 0;
	syn.ts = US(10);
	feed(a, &syn);
	uint32_t seq = 1;
	for (int i = 0; i < 20; i++) {
		uint32_t len = i % 2 ? 1500 : 1400;
		struct feed_pkt d = { .point = 0, .proto = 6, .src = A, .dst = B, .sport = 40000, .dport = 80,
				      .ip_len = len, .tcp_seq = seq, .df = true, .ts = MS(5) * i + MS(1),
				      .ip_id = (uint16_t)(10 + i) };
		feed(a, &d);
		if (len == 1400) {
			d.point = 1;
			d.tunnel = 50;
			d.ts += US(15);
			feed(a, &d);
		}
		seq += len - 40;
	}
	pt_analysis_finish(a);
	const struct pt_finding *o = only(a, PT_F_MTU_OVERSIZE_DROP);
	ck_assert_uint_eq(o->u.oversize.usable, 1450);
	const struct pt_finding *m = only(a, PT_F_MTU_MSS_EXCEEDS_PATH);
	const struct pt_flow *b_to_a = pt_analysis_flow(a, (uint32_t)m->flow);
	ck_assert_ptr_nonnull(b_to_a);
	ck_assert_uint_eq(b_to_a->key.sport, 80);
	ck_assert_uint_eq(m->u.mss.mss, 1460);
	ck_assert_uint_eq(m->u.mss.header, 40);
	ck_assert_uint_eq(m->u.mss.usable, 1450);
	run_end(&r);
}
END_TEST

/* A Linux bridge drops what exceeds the vxlan device's MTU; the vxlan
 * device drops what passed the bridge but does not fit the underlay. One
 * network, one limit: one verdict, named on the hop where most died, with
 * the MTU the better evidence tells (the underlay's minus the tunnel's), and
 * both hops' losses explained by it. */
static const char *const bridge_chain[] = { "cn1-tap1", "cn1-brq1", "cn1-vxlan-1", "cn1-eth1" };

START_TEST(test_bridge_and_vxlan_device_one_verdict)
{
	struct pt_points points;
	feed_points(&points, 4, bridge_chain);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500), .reference = -1 };
	struct pt_analysis *a = pt_analysis_new(&cfg, &points);
	ck_assert_ptr_nonnull(a);
	/* 1400 crosses everything, 1454 dies in the vxlan device, 1500 at the bridge. */
	static const uint32_t sizes[] = { 1400, 1454, 1500, 1500 };
	static const uint32_t reach[] = { 4, 3, 2, 2 };
	for (int i = 0; i < 41; i++) {
		uint32_t k = i == 40 ? 0 : (uint32_t)i % 4; /* a last packet through all four: no capture stopped */
		for (uint32_t pt = 0; pt < reach[k]; pt++) {
			struct feed_pkt p = { .point = pt, .ts = MS(5) * i + US(10) * pt + 1, .src = A, .dst = B,
					      .sport = 1000, .dport = 2000, .ip_id = (uint16_t)i, .ip_len = sizes[k],
					      .df = true, .tunnel = pt == 3 ? 50 : 0 };
			feed(a, &p);
		}
	}
	pt_analysis_finish(a);
	const struct pt_finding *o = only(a, PT_F_MTU_OVERSIZE_DROP);
	ck_assert_int_eq(o->from, 1);
	ck_assert_int_eq(o->to, 2);
	ck_assert_uint_eq(o->u.oversize.lost, 20);
	ck_assert_uint_eq(o->u.oversize.usable, 1450);
	ck_assert_int_eq(o->u.oversize.basis, PT_MTU_FROM_TUNNEL);
	ck_assert_uint_eq(o->u.oversize.nextra, 1);
	ck_assert_int_eq(o->u.oversize.extra_from[0], 2);
	ck_assert_int_eq(o->u.oversize.extra_to[0], 3);
	ck_assert_uint_eq(o->u.oversize.extra_lost[0], 10);
	ck_assert_uint_eq(o->u.oversize.extra_died_min[0], 1454);
	ck_assert_uint_eq(count(a, PT_F_LOSS_HOP), 2);
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.v[i].id == PT_F_LOSS_HOP) {
			ck_assert_int_eq(a->findings.v[i].u.loss.cause, PT_LOSS_OVERSIZE);
			ck_assert_ptr_eq(&a->findings.v[a->findings.v[i].u.loss.oversize], o);
		}
	pt_analysis_free(a);
	pt_points_free(&points);
}
END_TEST

Suite *pt_mtu_suite(void)
{
	Suite *s = suite_create("mtu");
	TCase *tc = tcase_create("mtu");
	tcase_add_test(tc, test_vm_mtu_1500_over_vxlan);
	tcase_add_test(tc, test_icmp_frag_needed_gives_the_mtu);
	tcase_add_test(tc, test_no_verdict_when_sizes_do_not_fit);
	tcase_add_test(tc, test_pmtud_black_hole);
	tcase_add_test(tc, test_mss_exceeds_path_back);
	tcase_add_test(tc, test_bridge_and_vxlan_device_one_verdict);
	tcase_add_test(tc, test_icmp_names_a_drop_before_the_capture_started);
	tcase_add_test(tc, test_icmp_wins_over_the_tunnel);
	tcase_add_test(tc, test_underlay_mtu_assumed);
	tcase_add_test(tc, test_random_loss_of_the_largest_is_no_verdict);
	tcase_add_test(tc, test_small_random_loss_beside_an_mtu_drop);
	suite_add_tcase(s, tc);
	return s;
}
