/* The analysis modules on small hand-built packet sequences with known
 * answers: clock offsets, path order, bridge placement, loss accounting,
 * roles, many points, and the bounds that become findings. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "analysis/analysis.h"
#include "analysis/coarse-clock.h"
#include "check_feed.h"
#include "check_pathtrace.h"

/* A scenario: points, then packets in any order, fed sorted by time as the
 * capture merge would. */
struct scenario {
	struct pt_points points;
	struct feed_pkt *pkts;
	size_t n, cap;
	struct pt_analysis *a;
};

static void sc_init(struct scenario *s, unsigned npoints, const char *const *names)
{
	memset(s, 0, sizeof *s);
	feed_points(&s->points, npoints, names);
}

static void sc_add(struct scenario *s, struct feed_pkt p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->pkts = realloc(s->pkts, s->cap * sizeof *s->pkts);
		ck_assert_ptr_nonnull(s->pkts);
	}
	s->pkts[s->n++] = p;
}

static int by_ts(const void *x, const void *y)
{
	const struct feed_pkt *a = x, *b = y;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->point < b->point ? -1 : a->point > b->point;
}

static struct pt_analysis *sc_run(struct scenario *s, long reference)
{
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500),
					  .reference = reference };
	qsort(s->pkts, s->n, sizeof *s->pkts, by_ts);
	s->a = pt_analysis_new(&cfg, &s->points);
	ck_assert_ptr_nonnull(s->a);
	for (size_t i = 0; i < s->n; i++)
		feed(s->a, &s->pkts[i]);
	pt_analysis_finish(s->a);
	return s->a;
}

static void sc_free(struct scenario *s)
{
	pt_analysis_free(s->a);
	pt_points_free(&s->points);
	free(s->pkts);
}

/* The flow of src:sport > dst:dport (UDP), or NULL. */
static const struct pt_flow *flow_of(const struct pt_analysis *a, uint32_t src, uint16_t sport, uint32_t dst,
				     uint16_t dport)
{
	struct feed_pkt p = { .src = src, .dst = dst, .sport = sport, .dport = dport };
	struct pt_digest g;
	feed_digest(&g, &p);
	return pt_flows_find(&a->match.flows, &g.key);
}

static void assert_path(const struct pt_analysis *a, const struct pt_flow *f, const unsigned *want, unsigned n)
{
	ck_assert_ptr_nonnull(f);
	const struct pt_path *path = pt_analysis_path(a, f->id);
	ck_assert_uint_eq(path->n, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(path->order[i] == want[i], "position %u: point %u, expected %u", i, path->order[i], want[i]);
}

static const struct pt_hop *hop_of(const struct pt_analysis *a, uint32_t flow, unsigned from, unsigned to)
{
	for (size_t i = 0; i < a->hops.n; i++)
		if (a->hops.v[i].flow_id == flow && a->hops.v[i].from == from && a->hops.v[i].to == to)
			return &a->hops.v[i];
	return NULL;
}

static size_t count_findings(const struct pt_analysis *a, enum pt_finding_id id)
{
	size_t n = 0;
	for (size_t i = 0; i < a->findings.n; i++)
		n += a->findings.v[i].id == id;
	return n;
}

#define A FEED_IP(10, 0, 0, 1)
#define B FEED_IP(10, 0, 0, 2)

/* Host b's clock runs 250 ms ahead; the wire takes 100 us each way. NTP's
 * minimum-delay estimate is exact on symmetric delays, give or take half
 * the round trip. */
START_TEST(test_clock_offset_two_way)
{
	struct scenario s;
	static const char *const names[] = { "a-eth0", "b-eth0" };
	sc_init(&s, 2, names);
	const int64_t ahead = MS(250), wire = US(100) + 7; /* +7 ns: nanosecond files */
	for (int i = 0; i < 20; i++) {
		int64_t t = MS(10) * i;
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .src = A, .dst = B, .sport = 1000, .dport = 2000,
					      .ip_id = (uint16_t)i, .tag = 1 });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + wire + ahead, .src = A, .dst = B, .sport = 1000,
					      .dport = 2000, .ip_id = (uint16_t)i, .tag = 1 });
		int64_t r = t + MS(5);
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = r + ahead, .src = B, .dst = A, .sport = 2000, .dport = 1000,
					      .ip_id = (uint16_t)(100 + i), .tag = 2 });
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = r + wire, .src = B, .dst = A, .sport = 2000, .dport = 1000,
					      .ip_id = (uint16_t)(100 + i), .tag = 2 });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert_uint_eq(a->reference, 0);
	const struct pt_point_clock *c = &a->points->v[1].clock;
	ck_assert(c->known);
	ck_assert_double_eq_tol(c->offset_s, 0.25, 1e-9);
	ck_assert_double_eq_tol(c->uncert_s, 100.007e-6, 1e-12);
	ck_assert_int_eq(c->via, 0);
	ck_assert(a->points->v[0].clock.known);
	ck_assert_double_eq(a->points->v[0].clock.offset_s, 0);
	/* Latency is corrected by the offset: 100 us on the hop, both ways. */
	const struct pt_flow *f = flow_of(a, A, 1000, B, 2000);
	const struct pt_hop *h = hop_of(a, f->id, 0, 1);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->matched, 20);
	ck_assert_double_eq_tol(h->p50_us, 100.007, 1e-6);
	ck_assert_uint_eq(count_findings(a, PT_F_CLOCK_OFFSET), 1);
	const struct pt_finding *x = pt_findings_find((struct pt_findings *)&a->findings, PT_F_LOSS_HOP, PT_ANY_FLOW, 0, 1);
	ck_assert_ptr_null(x);
	sc_free(&s);
}
END_TEST

/* Traffic one way only (an XDP hook beside tcpdump): no offset, and a
 * warning that says what the point shares and with whom. */
START_TEST(test_clock_unknown_one_way)
{
	struct scenario s;
	static const char *const names[] = { "a-eth0", "b-eth0" };
	sc_init(&s, 2, names);
	for (int i = 0; i < 12; i++) {
		int64_t t = MS(10) * i + 1;
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .ip_id = (uint16_t)(i + 1), .tag = 1 });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + MS(159), .ip_id = (uint16_t)(i + 1), .tag = 1 });
	}
	const struct pt_analysis *a = sc_run(&s, 0);
	ck_assert(!a->points->v[1].clock.known);
	ck_assert_uint_eq(count_findings(a, PT_F_CLOCK_UNKNOWN), 1);
	const struct pt_finding *f = &a->findings.v[0];
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.v[i].id == PT_F_CLOCK_UNKNOWN)
			f = &a->findings.v[i];
	ck_assert_int_eq(f->point, 1);
	ck_assert_int_eq(f->severity, PT_SEV_WARNING);
	ck_assert_uint_eq(f->u.unknown.shared, 12);
	ck_assert_int_eq(f->u.unknown.with, 0);
	sc_free(&s);
}
END_TEST

/* Host b's clock runs 250 ms ahead and gains 40 us every second (40 ppm)
 * over a minute of pings both ways, 100 us on the wire: the offset at
 * mid-capture and the drift are found, and every hop's latency is
 * corrected at its own time (a constant offset would smear it by +-1.2 ms). */
START_TEST(test_clock_drift)
{
	struct scenario s;
	static const char *const names[] = { "a-eth0", "b-eth0" };
	sc_init(&s, 2, names);
	const int64_t wire = US(100);
	const double drift = 40e-6;
	for (int i = 0; i < 600; i++) {
		int64_t t = MS(100) * i + 1;
		int64_t r = t + MS(50);
		/* b's stamp of a true time T: T + 250 ms + drift * T */
		int64_t at_b = t + wire + MS(250) + (int64_t)llround(drift * (double)(t + wire));
		int64_t rb = r + MS(250) + (int64_t)llround(drift * (double)r);
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .src = A, .dst = B, .sport = 1000, .dport = 2000,
					      .ip_id = (uint16_t)i, .tag = 1 });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = at_b, .src = A, .dst = B, .sport = 1000, .dport = 2000,
					      .ip_id = (uint16_t)i, .tag = 1 });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = rb, .src = B, .dst = A, .sport = 2000, .dport = 1000,
					      .ip_id = (uint16_t)(1000 + i), .tag = 2 });
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = r + wire, .src = B, .dst = A, .sport = 2000, .dport = 1000,
					      .ip_id = (uint16_t)(1000 + i), .tag = 2 });
	}
	const struct pt_analysis *a = sc_run(&s, 0);
	const struct pt_point_clock *c = &a->points->v[1].clock;
	ck_assert(c->known);
	ck_assert_double_eq_tol(c->drift, drift, 1e-6);
	/* At the middle of the capture (about 30 s) the offset is 250 ms + 30 s * 40 ppm. */
	double want = 0.25 + drift * (double)a->clock_mid / 1e9;
	ck_assert_double_eq_tol(c->offset_s, want, 20e-6);
	const struct pt_flow *f = flow_of(a, A, 1000, B, 2000);
	const struct pt_hop *h = hop_of(a, f->id, 0, 1);
	ck_assert_ptr_nonnull(h);
	ck_assert_double_eq_tol(h->p50_us, 100, 10);
	ck_assert_double_eq_tol(h->min_us, 100, 20);
	ck_assert_double_eq_tol(h->max_us, 100, 20);
	sc_free(&s);
}
END_TEST

/* A given offset overrides the estimate and is reported as given. */
START_TEST(test_clock_offset_given)
{
	struct scenario s;
	sc_init(&s, 2, NULL);
	s.points.v[1].offset_given = true;
	s.points.v[1].given_offset_s = -0.5;
	for (int i = 0; i < 5; i++) {
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = MS(600 + 10 * i), .ip_id = (uint16_t)i });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = MS(600 + 10 * i) + US(20) - MS(500), .ip_id = (uint16_t)i });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert(a->points->v[1].clock.forced);
	ck_assert_double_eq(a->points->v[1].clock.offset_s, -0.5);
	const struct pt_hop *h = hop_of(a, 1, 0, 1);
	ck_assert_ptr_nonnull(h);
	ck_assert_double_eq_tol(h->p50_us, 20.0, 1e-9);
	size_t k;
	for (k = 0; k < a->findings.n && a->findings.v[k].id != PT_F_CLOCK_OFFSET; k++)
		;
	ck_assert_uint_lt(k, a->findings.n);
	ck_assert(a->findings.v[k].u.clock.given);
	ck_assert_int_eq(a->findings.v[k].point, 1);
	sc_free(&s);
}
END_TEST

/* Points on one host, listed out of order: the path follows the packets,
 * both ways. */
START_TEST(test_path_order_both_directions)
{
	struct scenario s;
	sc_init(&s, 3, NULL);
	/* forward: p1 -> p0 -> p2; reverse: p2 -> p0 -> p1 */
	for (int i = 0; i < 10; i++) {
		int64_t t = MS(1) * i + 3;
		uint16_t id = (uint16_t)i;
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t, .src = A, .dst = B, .sport = 5, .dport = 6, .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t + US(10), .src = A, .dst = B, .sport = 5, .dport = 6,
					      .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t + US(25), .src = A, .dst = B, .sport = 5, .dport = 6,
					      .ip_id = id });
		int64_t r = t + US(500);
		uint16_t rid = (uint16_t)(1000 + i);
		sc_add(&s, (struct feed_pkt){ .point = 2, .ts = r, .src = B, .dst = A, .sport = 6, .dport = 5, .ip_id = rid });
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = r + US(12), .src = B, .dst = A, .sport = 6, .dport = 5,
					      .ip_id = rid });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = r + US(30), .src = B, .dst = A, .sport = 6, .dport = 5,
					      .ip_id = rid });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	static const unsigned fwd[] = { 1, 0, 2 }, rev[] = { 2, 0, 1 };
	assert_path(a, flow_of(a, A, 5, B, 6), fwd, 3);
	assert_path(a, flow_of(a, B, 6, A, 5), rev, 3);
	const struct pt_hop *h = hop_of(a, flow_of(a, A, 5, B, 6)->id, 0, 2);
	ck_assert_ptr_nonnull(h);
	ck_assert_double_eq_tol(h->min_us, 15.0, 1e-9);
	ck_assert_double_eq_tol(h->max_us, 15.0, 1e-9);
	ck_assert_uint_eq(h->lost, 0);
	ck_assert_uint_eq(a->findings.n, 0);
	sc_free(&s);
}
END_TEST

/* Ten packets pass p0 and p1; three never reach p2, which goes on
 * capturing: three lost on p1 > p2, an error (30 %). */
START_TEST(test_loss_on_one_hop)
{
	struct scenario s;
	sc_init(&s, 3, NULL);
	for (int i = 0; i < 10; i++) {
		int64_t t = MS(2) * i;
		uint16_t id = (uint16_t)i;
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .ip_id = id, .ip_len = 200 });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + US(5), .ip_id = id, .ip_len = 200 });
		if (i < 3 || i > 5)
			sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t + US(9), .ip_id = id, .ip_len = 200 });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	const struct pt_flow *f = flow_of(a, A, 0, B, 0);
	static const unsigned want[] = { 0, 1, 2 };
	assert_path(a, f, want, 3);
	ck_assert_uint_eq(f->packets, 10);
	const struct pt_hop *h1 = hop_of(a, f->id, 0, 1), *h2 = hop_of(a, f->id, 1, 2);
	ck_assert_uint_eq(h1->matched, 10);
	ck_assert_uint_eq(h1->lost, 0);
	ck_assert_uint_eq(h2->matched, 7);
	ck_assert_uint_eq(h2->lost, 3);
	ck_assert_uint_eq(h2->lost_min_len, 200);
	ck_assert_uint_eq(h2->passed_max_len, 200);
	struct pt_finding *x = pt_findings_find(&s.a->findings, PT_F_LOSS_HOP, f->id, 1, 2);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(x->severity, PT_SEV_ERROR);
	ck_assert_uint_eq(x->u.loss.lost, 3);
	ck_assert_uint_eq(x->u.loss.total, 10);
	ck_assert_int_eq(x->u.loss.cause, PT_LOSS_UNEXPLAINED);
	ck_assert_uint_eq(count_findings(a, PT_F_LOSS_HOP), 1);
	sc_free(&s);
}
END_TEST

/* A point that has not started capturing yet, or has stopped, loses
 * nothing: packets that would have passed it before its first packet are
 * not counted against it, however close to its start; after its last, not
 * when two flows that used to cross it went on without it (a capture
 * stopped early), while one flow losing its last packets there is a loss. */
START_TEST(test_no_loss_where_not_capturing)
{
	struct scenario s;
	sc_init(&s, 2, NULL);
	for (int i = 0; i < 40; i++) {
		int64_t t = MS(100) * i;
		for (uint16_t port = 1; port <= 2; port++) {
			uint16_t id = (uint16_t)(100 * port + i);
			sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t + port, .sport = port, .ip_id = id });
			/* p1 captures from 1.5 s to 2.5 s only */
			if (t >= MS(1500) && t <= MS(2500))
				sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + US(3) + port, .sport = port, .ip_id = id });
		}
	}
	/* A third flow crosses p1 and loses its last two packets there. */
	for (int i = 0; i < 5; i++) {
		uint16_t id = (uint16_t)(300 + i);
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = MS(1600) + MS(10) * i, .sport = 3, .ip_id = id });
		if (i < 3)
			sc_add(&s, (struct feed_pkt){ .point = 1, .ts = MS(1600) + MS(10) * i + US(3), .sport = 3, .ip_id = id });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert(a->points->v[1].capture_stopped);
	for (uint16_t port = 1; port <= 2; port++) {
		const struct pt_hop *h = hop_of(a, flow_of(a, A, port, B, 0)->id, 0, 1);
		ck_assert_ptr_nonnull(h);
		ck_assert_uint_eq(h->matched, 11);
		ck_assert_uint_eq(h->lost, 0);
	}
	const struct pt_hop *h3 = hop_of(a, flow_of(a, A, 3, B, 0)->id, 0, 1);
	ck_assert_ptr_nonnull(h3);
	ck_assert_uint_eq(h3->lost, 2);
	ck_assert_uint_eq(count_findings(a, PT_F_LOSS_HOP), 1);
	sc_free(&s);
}
END_TEST

/* A bridge's copy is stamped with its ingress port's time: it goes between
 * its ports whatever the stamps say, and says so once. */
START_TEST(test_bridge_between_ports)
{
	struct scenario s;
	static const char *const names[] = { "cn1-eth1", "cn1-br0", "cn1-tap1" };
	sc_init(&s, 3, names);
	for (int i = 0; i < 10; i++) {
		int64_t t = MS(1) * i + 1;
		uint16_t id = (uint16_t)i;
		sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t, .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t, .ip_id = id }); /* the tap's stamp */
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t + US(20), .ip_id = id });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert_int_eq(a->points->v[1].role, PT_ROLE_BRIDGE);
	ck_assert_int_eq(a->points->v[0].role, PT_ROLE_HOP);
	static const unsigned want[] = { 2, 1, 0 };
	assert_path(a, flow_of(a, A, 0, B, 0), want, 3);
	ck_assert_uint_eq(count_findings(a, PT_F_LOSS_HOP), 0);
	sc_free(&s);
}
END_TEST

/* The bridge's copy ties with its ingress, the last port captured (the
 * egress tap was not): it goes after it, not before. */
START_TEST(test_bridge_tied_with_its_last_port)
{
	struct scenario s;
	static const char *const names[] = { "cn1-vxlan0", "cn1-qvb1", "cn1-qbr1" };
	sc_init(&s, 3, names);
	for (int i = 0; i < 10; i++) {
		int64_t t = MS(1) * i + 1;
		uint16_t id = (uint16_t)i;
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + US(10), .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t + US(10), .ip_id = id });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert_int_eq(a->points->v[2].role, PT_ROLE_BRIDGE);
	static const unsigned want[] = { 0, 1, 2 };
	assert_path(a, flow_of(a, A, 0, B, 0), want, 3);
	sc_free(&s);
}
END_TEST

/* A bridge whose ingress was not captured is earlier than all its ports:
 * it goes right before the first of them, not before another host's points. */
START_TEST(test_bridge_before_its_ports)
{
	struct scenario s;
	static const char *const names[] = { "cn2-eth0", "cn1-br0", "cn1-tap1" };
	sc_init(&s, 3, names);
	for (int i = 0; i < 10; i++) {
		int64_t t = MS(1) * i + 1;
		uint16_t id = (uint16_t)i;
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + US(50), .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t + US(60), .ip_id = id });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	static const unsigned want[] = { 0, 1, 2 };
	assert_path(a, flow_of(a, A, 0, B, 0), want, 3);
	sc_free(&s);
}
END_TEST

/* A bridge shares flows with another host's point only: it still takes its
 * own host's clock (b runs 250 ms ahead), not the closest stamps'. */
START_TEST(test_bridge_takes_its_host_clock)
{
	struct scenario s;
	static const char *const names[] = { "a-eth0", "b-eth0", "b-br0" };
	sc_init(&s, 3, names);
	const int64_t ahead = MS(250), wire = US(100);
	for (int i = 0; i < 20; i++) {
		int64_t t = MS(10) * i + 1;
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .src = A, .dst = B, .sport = 1000, .dport = 2000,
					      .ip_id = (uint16_t)i, .tag = 1 });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + wire + ahead, .src = A, .dst = B, .sport = 1000,
					      .dport = 2000, .ip_id = (uint16_t)i, .tag = 1 });
		int64_t r = t + MS(5);
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = r + ahead, .src = B, .dst = A, .sport = 2000, .dport = 1000,
					      .ip_id = (uint16_t)(100 + i), .tag = 2 });
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = r + wire, .src = B, .dst = A, .sport = 2000, .dport = 1000,
					      .ip_id = (uint16_t)(100 + i), .tag = 2 });
		/* A flow from a to b's bridge, never seen at b-eth0. */
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t + MS(2), .src = A, .dst = B, .sport = 3000, .dport = 4000,
					      .ip_id = (uint16_t)(200 + i), .tag = 3 });
		sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t + MS(2) + wire + ahead, .src = A, .dst = B, .sport = 3000,
					      .dport = 4000, .ip_id = (uint16_t)(200 + i), .tag = 3 });
	}
	const struct pt_analysis *a = sc_run(&s, 0);
	ck_assert_int_eq(a->points->v[2].role, PT_ROLE_BRIDGE);
	const struct pt_point_clock *c = &a->points->v[2].clock;
	ck_assert(c->known);
	ck_assert_int_eq(c->via, 1);
	ck_assert_double_eq_tol(c->offset_s, 0.25, 1e-6);
	sc_free(&s);
}
END_TEST

/* Every reply of a flow dies on its last hop: the requests, read backwards,
 * say which point was next, provided that point sees traffic to the
 * requester at all (with_other); one that never does (eBPF handing replies
 * past it) is not blamed. */
static void reply_lost_last_hop(bool with_other)
{
	struct scenario s;
	sc_init(&s, 3, NULL);
	for (int i = 0; i < 6; i++) {
		int64_t t = MS(10) * i + 1;
		for (unsigned p = 0; p < 3; p++)
			sc_add(&s, (struct feed_pkt){ .point = p, .ts = t + US(10) * p, .proto = 1, .src = A, .dst = B,
						      .sport = 77, .ip_id = (uint16_t)(i + 1), .tag = 1 });
		/* The reply crosses p2 and p1, never p0. */
		for (unsigned p = 2; p >= 1; p--)
			sc_add(&s, (struct feed_pkt){ .point = p, .ts = t + MS(1) + US(10) * (2 - p), .proto = 1,
						      .src = B, .dst = A, .sport = 77, .ip_id = (uint16_t)(100 + i),
						      .tag = 2 });
		if (with_other)
			sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t + MS(3), .src = FEED_IP(10, 0, 0, 9), .dst = A,
						      .sport = 53, .dport = 4000, .ip_id = (uint16_t)(200 + i), .tag = 3 });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	struct feed_pkt k = { .proto = 1, .src = B, .dst = A, .sport = 77 };
	struct pt_digest g;
	feed_digest(&g, &k);
	const struct pt_flow *reply = pt_flows_find(&a->match.flows, &g.key);
	ck_assert_ptr_nonnull(reply);
	const struct pt_hop *h = hop_of(a, reply->id, 1, 0);
	if (with_other) {
		ck_assert_ptr_nonnull(h);
		ck_assert_uint_eq(h->lost, 6);
	} else {
		ck_assert_ptr_null(h);
	}
	sc_free(&s);
}

START_TEST(test_reply_lost_on_its_last_hop)
{
	reply_lost_last_hop(true);
	reply_lost_last_hop(false);
}
END_TEST

/* -i any as tcpdump wrote it before 4.99 (LINUX_SLL, no interface index):
 * each routed packet shows there twice, on the way in and on the way out;
 * a one-interface cooked capture never does. */
START_TEST(test_any_capture_in_sll_is_vantage)
{
	for (int copies = 0; copies < 2; copies++) {
		struct scenario s;
		sc_init(&s, 3, NULL);
		s.points.v[2].linktype = DLT_LINUX_SLL;
		for (int i = 0; i < 10; i++) {
			int64_t t = MS(1) * i + 1;
			sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .ip_id = (uint16_t)i });
			sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t + US(2), .ip_id = (uint16_t)i });
			if (copies)
				sc_add(&s, (struct feed_pkt){ .point = 2, .ts = t + US(3), .ip_id = (uint16_t)i });
			sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + US(4), .ip_id = (uint16_t)i });
		}
		const struct pt_analysis *a = sc_run(&s, -1);
		ck_assert_int_eq(a->points->v[2].role, copies ? PT_ROLE_VANTAGE : PT_ROLE_HOP);
		sc_free(&s);
	}
}
END_TEST

/* A capture of several interfaces (-i any) is a vantage point: off paths. */
START_TEST(test_any_capture_is_vantage)
{
	struct scenario s;
	sc_init(&s, 3, NULL);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500), .reference = -1 };
	struct pt_analysis *a = pt_analysis_new(&cfg, &s.points);
	for (int i = 0; i < 10; i++) {
		int64_t t = MS(1) * i;
		struct feed_pkt p = { .point = 0, .ts = t, .ip_id = (uint16_t)i };
		feed(a, &p);
		struct pt_digest g;
		p.point = 2;
		p.ts = t + US(2);
		feed_digest(&g, &p);
		g.has_ifindex = true;
		g.ifindex = 3 + (uint32_t)(i % 2); /* two interfaces in one capture */
		pt_analysis_packet(a, &g);
		p.point = 1;
		p.ts = t + US(4);
		feed(a, &p);
	}
	pt_analysis_finish(a);
	ck_assert(s.points.v[2].stats.aggregate);
	ck_assert_int_eq(s.points.v[2].role, PT_ROLE_VANTAGE);
	s.a = a;
	static const unsigned want[] = { 0, 1 };
	assert_path(a, flow_of(a, A, 0, B, 0), want, 2);
	sc_free(&s);
}
END_TEST

/* No limit on points: a chain of 300, in order, nothing lost. */
START_TEST(test_three_hundred_points)
{
	enum { N = 300, PACKETS = 4 };
	struct scenario s;
	sc_init(&s, N, NULL);
	for (int i = 0; i < PACKETS; i++)
		for (unsigned p = 0; p < N; p++)
			sc_add(&s, (struct feed_pkt){ .point = N - 1 - p, .ts = MS(10) * i + US(1) * p + 1,
						      .ip_id = (uint16_t)i });
	const struct pt_analysis *a = sc_run(&s, -1);
	const struct pt_flow *f = flow_of(a, A, 0, B, 0);
	ck_assert_uint_eq(f->packets, PACKETS);
	const struct pt_path *path = pt_analysis_path(a, f->id);
	ck_assert_uint_eq(path->n, N);
	for (unsigned k = 0; k < N; k++)
		ck_assert_uint_eq(path->order[k], N - 1 - k);
	ck_assert_uint_eq(a->hops.n, N - 1);
	for (size_t k = 0; k < a->hops.n; k++) {
		ck_assert_uint_eq(a->hops.v[k].matched, PACKETS);
		ck_assert_uint_eq(a->hops.v[k].lost, 0);
	}
	sc_free(&s);
}
END_TEST

/* More identical packets in flight than the matcher keeps: the bound is a
 * finding. */
START_TEST(test_identical_flood_is_a_finding)
{
	struct scenario s;
	sc_init(&s, 2, NULL);
	for (int i = 0; i < PT_SAME_KEY_MAX + 6; i++)
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = MS(1) * i, .ip_id = 0, .tag = 9 });
	sc_add(&s, (struct feed_pkt){ .point = 1, .ts = MS(500), .ip_id = 0, .tag = 9 });
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert_uint_eq(a->match.identical_capped, 6);
	ck_assert_uint_eq(count_findings(a, PT_F_LIMIT_IDENTICAL), 1);
	size_t k;
	for (k = 0; a->findings.v[k].id != PT_F_LIMIT_IDENTICAL; k++)
		;
	ck_assert_uint_eq(a->findings.v[k].u.limit.count, 6);
	ck_assert_uint_eq(a->findings.v[k].u.limit.bound, PT_SAME_KEY_MAX);
	sc_free(&s);
}
END_TEST

/* Copies at one point are counted once, and said. */
START_TEST(test_copies_are_a_finding)
{
	struct scenario s;
	sc_init(&s, 2, NULL);
	for (int i = 0; i < 5; i++) {
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = MS(1) * i, .ip_id = (uint16_t)i });
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = MS(1) * i + US(3), .ip_id = (uint16_t)i });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = MS(1) * i + US(9), .ip_id = (uint16_t)i });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert_uint_eq(a->points->v[0].stats.duplicates, 5);
	ck_assert_uint_eq(flow_of(a, A, 0, B, 0)->packets, 5);
	ck_assert_uint_eq(count_findings(a, PT_F_CAPTURE_DUPLICATES), 1);
	const struct pt_finding *d = NULL;
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.v[i].id == PT_F_CAPTURE_DUPLICATES)
			d = &a->findings.v[i];
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->point, 0);
	ck_assert_uint_eq(d->u.dup.count, 5);
	sc_free(&s);
}
END_TEST

/* Clocks minutes apart, found from packets seen at both points whatever the
 * matching window: the median over both directions is the offset. */
START_TEST(test_coarse_offsets)
{
	struct pt_coarse *c = pt_coarse_new();
	ck_assert_ptr_nonnull(c);
	const int64_t b_ahead = -(int64_t)120 * 1000000000, c_ahead = MS(1500);
	for (int i = 0; i < 40; i++) {
		/* a > b one way (30 us), b > a the other (50 us); c hears a's packets 10 us later */
		struct feed_pkt p = { .point = 0, .ts = MS(10) * i, .ip_id = (uint16_t)(i + 1), .tag = 1 };
		struct pt_digest g;
		feed_digest(&g, &p);
		pt_coarse_add(c, &g);
		g.point = 1;
		g.ts = p.ts + US(30) + b_ahead;
		pt_coarse_add(c, &g);
		g.point = 2;
		g.ts = p.ts + US(10) + c_ahead;
		pt_coarse_add(c, &g);
		struct feed_pkt r = { .point = 1, .ts = MS(10) * i + MS(5) + b_ahead, .src = B, .dst = A,
				      .ip_id = (uint16_t)(1000 + i), .tag = 2 };
		feed_digest(&g, &r);
		pt_coarse_add(c, &g);
		g.point = 0;
		g.ts = MS(10) * i + MS(5) + US(50);
		pt_coarse_add(c, &g);
	}
	/* A packet seen twice at one point, far apart, says nothing. */
	struct feed_pkt dup = { .point = 0, .ts = 1, .ip_id = 7777, .tag = 3 };
	struct pt_digest g;
	feed_digest(&g, &dup);
	pt_coarse_add(c, &g);
	g.ts = MS(900);
	pt_coarse_add(c, &g);
	g.point = 2;
	g.ts = 5;
	pt_coarse_add(c, &g);
	struct pt_coarse_offset off[4];
	pt_coarse_solve(c, 4, 0, off);
	ck_assert(off[0].known);
	ck_assert_int_eq(off[0].offset_ns, 0);
	ck_assert(off[1].known);
	/* 40 one way at +30 us, 40 the other at -50 us: the median lies between */
	ck_assert_int_ge(off[1].offset_ns, b_ahead - US(50));
	ck_assert_int_le(off[1].offset_ns, b_ahead + US(30));
	ck_assert_uint_eq(off[1].packets, 80);
	ck_assert_int_eq(off[1].via, 0);
	ck_assert(off[2].known);
	ck_assert_int_eq(off[2].offset_ns, c_ahead + US(10));
	ck_assert_uint_eq(off[2].packets, 40);
	ck_assert(!off[3].known); /* nothing seen there */
	pt_coarse_free(c);
}
END_TEST

/* A packet crosses twelve captured points, files read one after the other:
 * the last file's clock (20 s ahead) is still placed. */
START_TEST(test_coarse_offsets_long_chain)
{
	struct pt_coarse *c = pt_coarse_new();
	ck_assert_ptr_nonnull(c);
	enum { POINTS = 12 };
	for (unsigned point = 0; point < POINTS; point++)
		for (int i = 0; i < 5; i++) {
			struct feed_pkt p = { .point = point, .ip_id = (uint16_t)(i + 1), .tag = 1,
					      .ts = MS(10) * i + US(10) * point + (point == POINTS - 1 ? MS(20000) : 0) };
			struct pt_digest g;
			feed_digest(&g, &p);
			pt_coarse_add(c, &g);
		}
	struct pt_coarse_offset off[POINTS];
	pt_coarse_solve(c, POINTS, 0, off);
	ck_assert(off[POINTS - 1].known);
	ck_assert_int_eq(off[POINTS - 1].offset_ns, MS(20000) + US(10) * (POINTS - 1));
	pt_coarse_free(c);
}
END_TEST

/* A Service address translated on the host, captured before and after at
 * one point (a pod's tun0): a NAT at that point, not a copy. */
START_TEST(test_translation_at_one_point)
{
	struct scenario s;
	sc_init(&s, 2, NULL);
	const uint32_t vip = FEED_IP(172, 30, 0, 1), pod = FEED_IP(10, 1, 0, 7);
	for (int i = 0; i < 5; i++) {
		int64_t t = MS(1) * i + 1;
		uint16_t id = (uint16_t)(40 + i);
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t, .dst = vip, .sport = 999, .dport = 80, .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 0, .ts = t + US(30), .dst = pod, .sport = 999, .dport = 8080,
					      .ip_id = id });
		sc_add(&s, (struct feed_pkt){ .point = 1, .ts = t + US(80), .dst = pod, .sport = 999, .dport = 8080,
					      .ip_id = id });
	}
	const struct pt_analysis *a = sc_run(&s, -1);
	ck_assert_uint_eq(a->points->v[0].stats.duplicates, 0);
	const struct pt_flow *to_vip = flow_of(a, A, 999, vip, 80), *to_pod = flow_of(a, A, 999, pod, 8080);
	ck_assert_ptr_nonnull(to_pod);
	ck_assert_ptr_eq(to_pod->nat_parent, to_vip);
	ck_assert_uint_eq(to_vip->packets, 5);
	ck_assert_uint_eq(count_findings(a, PT_F_PATH_NAT), 1);
	ck_assert_uint_eq(count_findings(a, PT_F_CAPTURE_DUPLICATES), 0);
	for (size_t k = 0; k < a->findings.n; k++)
		if (a->findings.v[k].id == PT_F_PATH_NAT) {
			ck_assert_int_eq(a->findings.v[k].point, 0);
			ck_assert_int_eq(a->findings.v[k].flow, to_vip->id);
		}
	sc_free(&s);
}
END_TEST

/* The module table runs every stage after the ones it depends on. */
START_TEST(test_module_order)
{
	static const char *const before[][2] = {
		{ "roles", "clock" }, { "clock", "order" }, { "order", "hops" }, { "hops", "loss" },
		{ "loss", "mtu" },    { "icmp", "mtu" },    { "hops", "latency" },
	};
	for (size_t k = 0; k < sizeof before / sizeof before[0]; k++) {
		long x = -1, y = -1;
		for (size_t i = 0; i < pt_nmodules; i++) {
			if (strcmp(pt_modules[i].name, before[k][0]) == 0)
				x = (long)i;
			if (strcmp(pt_modules[i].name, before[k][1]) == 0)
				y = (long)i;
		}
		ck_assert_msg(x >= 0 && y > x, "%s must run before %s", before[k][0], before[k][1]);
	}
}
END_TEST

Suite *pt_analysis_suite(void)
{
	Suite *s = suite_create("analysis");
	TCase *tc = tcase_create("analysis");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_clock_offset_two_way);
	tcase_add_test(tc, test_clock_offset_given);
	tcase_add_test(tc, test_clock_unknown_one_way);
	tcase_add_test(tc, test_clock_drift);
	tcase_add_test(tc, test_path_order_both_directions);
	tcase_add_test(tc, test_loss_on_one_hop);
	tcase_add_test(tc, test_no_loss_where_not_capturing);
	tcase_add_test(tc, test_bridge_between_ports);
	tcase_add_test(tc, test_bridge_tied_with_its_last_port);
	tcase_add_test(tc, test_bridge_before_its_ports);
	tcase_add_test(tc, test_bridge_takes_its_host_clock);
	tcase_add_test(tc, test_reply_lost_on_its_last_hop);
	tcase_add_test(tc, test_any_capture_is_vantage);
	tcase_add_test(tc, test_any_capture_in_sll_is_vantage);
	tcase_add_test(tc, test_three_hundred_points);
	tcase_add_test(tc, test_identical_flood_is_a_finding);
	tcase_add_test(tc, test_copies_are_a_finding);
	tcase_add_test(tc, test_module_order);
	tcase_add_test(tc, test_coarse_offsets);
	tcase_add_test(tc, test_coarse_offsets_long_chain);
	tcase_add_test(tc, test_translation_at_one_point);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_analysis_suite, pt_mtu_suite, pt_roles_suite, pt_series_suite)
