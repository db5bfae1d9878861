/* The series behind the charts, on hand-built packets with known answers:
 * throughput bins (goodput once, resends and copies apart), the bin width and
 * flow bounds, bytes and sizes per point, round trips (ping and TCP, Karn),
 * one-way latency over time and a round trip split into its hops. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "check_feed.h"
#include "check_pathtrace.h"

#define A FEED_IP(10, 0, 0, 1)
#define B FEED_IP(10, 0, 0, 2)

struct run {
	struct pt_points points;
	struct pt_analysis *a;
};

static struct pt_analysis *start(struct run *r, unsigned npoints, int64_t bin_ns)
{
	memset(r, 0, sizeof *r);
	feed_points(&r->points, npoints, NULL);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500),
					  .reference = -1, .bin_ns = bin_ns };
	r->a = pt_analysis_new(&cfg, &r->points);
	ck_assert_ptr_nonnull(r->a);
	return r->a;
}

static void stop(struct run *r)
{
	pt_analysis_free(r->a);
	pt_points_free(&r->points);
}

static const struct pt_bin *bin(const struct pt_analysis *a, uint32_t slot, uint32_t point, int64_t b)
{
	const struct pt_tseries *s = pt_tput_series(a->tput, slot, point);
	ck_assert_msg(s != NULL, "no series for slot %u at point %u", slot, point);
	ck_assert_msg(b >= s->first && b < s->first + (int64_t)s->n, "bin %lld outside %lld..%lld", (long long)b,
		      (long long)s->first, (long long)(s->first + (int64_t)s->n - 1));
	return &s->v[b - s->first];
}

static uint32_t slot_of(const struct pt_analysis *a, uint32_t flow)
{
	int32_t s = pt_tput_slot(a->tput, flow);
	ck_assert_int_ge(s, PT_SLOT_FLOW0);
	return (uint32_t)s;
}

START_TEST(test_throughput_bins)
{
	struct run r;
	struct pt_analysis *a = start(&r, 2, 0);
	/* Three UDP datagrams of 1000 payload bytes, seen at p0 and 1 ms later at p1. */
	const int64_t t[] = { MS(100), MS(500), MS(1200) };
	for (int i = 0; i < 3; i++) {
		struct feed_pkt p = { .point = 0, .ts = t[i], .ip_len = 1028, .ip_id = (uint16_t)(1 + i), .tag = 7 };
		feed(a, &p);
		p.point = 1;
		p.ts += MS(1);
		feed(a, &p);
	}
	pt_analysis_finish(a);
	ck_assert_int_eq(a->tput->bin_ns, 1000000000LL);
	ck_assert_int_eq(a->tput->origin, MS(100)); /* bins start at the first packet */
	uint32_t slot = slot_of(a, 1);
	for (uint32_t p = 0; p < 2; p++) {
		const struct pt_bin *b0 = bin(a, slot, p, 0), *b1 = bin(a, slot, p, 1);
		ck_assert_uint_eq(b0->packets, 2);
		ck_assert_uint_eq(b0->wire_bytes, 2 * (1028 + 14));
		ck_assert_uint_eq(b0->goodput_bytes, 2000);
		ck_assert_uint_eq(b1->packets, 1);
		ck_assert_uint_eq(b1->goodput_bytes, 1000);
		ck_assert_uint_eq(bin(a, PT_SLOT_ALL, p, 0)->packets, 2);
		ck_assert_uint_eq(bin(a, PT_SLOT_ALL, p, 1)->wire_bytes, 1042);
		const struct pt_flow_at *x = pt_tput_flow_at(a->tput, 1, p);
		ck_assert_ptr_nonnull(x);
		ck_assert_uint_eq(x->goodput_bytes, 3000);
		ck_assert_int_eq(x->first_ts, t[0] + (int64_t)p * MS(1));
		ck_assert_int_eq(x->last_ts, t[2] + (int64_t)p * MS(1));
	}
	ck_assert_ptr_null(pt_tput_series(a->tput, PT_SLOT_OTHER, 0));
	ck_assert_uint_eq(a->tput->main_flow, 1);
	stop(&r);
}
END_TEST

START_TEST(test_goodput_counts_tcp_once)
{
	struct run r;
	struct pt_analysis *a = start(&r, 1, MS(100));
	/* 1000-byte segments 0, 1, 2 (seq 5000 + k * 1000); segment 1 again 200 ms later
	 * with a new IP ID (a retransmission); segment 2 again 100 us later with the
	 * same ID (a copy at a promiscuous bridge). */
	struct feed_pkt syn = { .point = 0, .ts = MS(0), .proto = 6, .sport = 40000, .dport = 5201, .ip_len = 40,
				.tcp_seq = 4999, .tcp_flags = 0x02, .tcp_mss = 1460, .ip_id = 1 };
	feed(a, &syn);
	for (int k = 0; k < 3; k++) {
		struct feed_pkt p = { .point = 0, .ts = MS(10) + k * MS(1), .proto = 6, .sport = 40000, .dport = 5201,
				      .ip_len = 1040, .tcp_seq = 5000 + 1000u * (uint32_t)k, .ip_id = (uint16_t)(10 + k) };
		feed(a, &p);
	}
	struct feed_pkt copy = { .point = 0, .ts = MS(12) + US(100), .proto = 6, .sport = 40000, .dport = 5201,
				 .ip_len = 1040, .tcp_seq = 7000, .ip_id = 12 };
	feed(a, &copy);
	struct feed_pkt resend = { .point = 0, .ts = MS(212), .proto = 6, .sport = 40000, .dport = 5201,
				   .ip_len = 1040, .tcp_seq = 6000, .ip_id = 20 };
	feed(a, &resend);
	pt_analysis_finish(a);
	uint32_t slot = slot_of(a, 1);
	const struct pt_bin *b0 = bin(a, slot, 0, 0), *b2 = bin(a, slot, 0, 2);
	ck_assert_uint_eq(b0->packets, 4); /* SYN and three segments; the copy is not counted */
	ck_assert_uint_eq(b0->goodput_bytes, 3000);
	ck_assert_uint_eq(b0->resent_bytes, 0);
	ck_assert_uint_eq(b2->packets, 1);
	ck_assert_uint_eq(b2->goodput_bytes, 0);
	ck_assert_uint_eq(b2->resent_bytes, 1000);
	ck_assert_uint_eq(bin(a, slot, 0, 1)->packets, 0);
	const struct pt_flow_at *x = pt_tput_flow_at(a->tput, 1, 0);
	ck_assert_uint_eq(x->goodput_bytes, 3000);
	ck_assert_uint_eq(x->resent_bytes, 1000);
	stop(&r);
}
END_TEST

START_TEST(test_bin_start_given)
{
	struct run r;
	memset(&r, 0, sizeof r);
	feed_points(&r.points, 1, NULL);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500),
					  .reference = -1, .bin_ns = MS(250), .bin_start_set = true,
					  .bin_start_ns = MS(1000) };
	r.a = pt_analysis_new(&cfg, &r.points);
	/* 0.9 s is before the given start: bin -1; 1.3 s is bin 1. */
	struct feed_pkt p = { .point = 0, .ts = MS(900), .ip_len = 128, .ip_id = 1 };
	feed(r.a, &p);
	p.ts = MS(1300);
	p.ip_id = 2;
	feed(r.a, &p);
	pt_analysis_finish(r.a);
	ck_assert_int_eq(r.a->tput->origin, MS(1000));
	ck_assert_uint_eq(bin(r.a, PT_SLOT_ALL, 0, -1)->packets, 1);
	ck_assert_uint_eq(bin(r.a, PT_SLOT_ALL, 0, 0)->packets, 0);
	ck_assert_uint_eq(bin(r.a, PT_SLOT_ALL, 0, 1)->packets, 1);
	stop(&r);
}
END_TEST

static bool has_finding(const struct pt_analysis *a, enum pt_finding_id id, uint64_t *count)
{
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.v[i].id == id) {
			if (count)
				*count = a->findings.v[i].u.limit.count;
			return true;
		}
	return false;
}

START_TEST(test_bins_widen_when_too_many)
{
	struct run r;
	struct pt_analysis *a = start(&r, 1, MS(1));
	/* 300 s of 1 ms bins for two series (all, the flow) would be 600000 bins:
	 * the width doubles until they fit in PT_SERIES_CELLS, and no packet is lost. */
	for (int i = 0; i < 3; i++) {
		struct feed_pkt p = { .point = 0, .ts = (int64_t)i * 150000 * MS(1), .ip_len = 128,
				      .ip_id = (uint16_t)(i + 1) };
		feed(a, &p);
	}
	pt_analysis_finish(a);
	const struct pt_throughput *t = a->tput;
	ck_assert_int_eq(t->bin_ns, MS(4));
	ck_assert_uint_eq(t->widened, 2);
	ck_assert_uint_le(t->cells, PT_SERIES_CELLS);
	uint64_t n = 0, widened_to = 0;
	const struct pt_tseries *s = pt_tput_series(t, slot_of(a, 1), 0);
	for (size_t k = 0; k < s->n; k++)
		n += s->v[k].packets;
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(bin(a, PT_SLOT_ALL, 0, 150000 / 4)->packets, 1);
	ck_assert_uint_eq(bin(a, PT_SLOT_ALL, 0, 300000 / 4)->packets, 1);
	ck_assert(has_finding(a, PT_F_LIMIT_SERIES_BIN, &widened_to));
	ck_assert_uint_eq(widened_to, 4);
	stop(&r);
}
END_TEST

START_TEST(test_flows_beyond_slots_fold_into_other)
{
	struct run r;
	struct pt_analysis *a = start(&r, 1, 0);
	/* 70 one-packet flows take the 64 slots, 6 go to other; then a flow of
	 * ten packets of the same size ties with the smallest on its first packet
	 * (to other), outgrows it on its second and takes its slot from then on. */
	for (uint16_t k = 0; k < 70; k++) {
		struct feed_pkt p = { .point = 0, .ts = MS(1) * k, .sport = (uint16_t)(1000 + k), .dport = 53,
				      .ip_len = 100, .ip_id = k };
		feed(a, &p);
	}
	for (uint16_t k = 0; k < 10; k++) {
		struct feed_pkt p = { .point = 0, .ts = MS(100) + MS(1) * k, .sport = 9999, .dport = 5201,
				      .ip_len = 100, .ip_id = (uint16_t)(500 + k) };
		feed(a, &p);
	}
	pt_analysis_finish(a);
	const struct pt_throughput *t = a->tput;
	ck_assert_int_ge(pt_tput_slot(t, 71), PT_SLOT_FLOW0);
	ck_assert_int_eq(pt_tput_slot(t, 1), PT_TF_EVICTED);
	ck_assert_int_eq(pt_tput_slot(t, 65), PT_TF_LATE);
	uint64_t folded = 0;
	ck_assert(has_finding(a, PT_F_LIMIT_SERIES_FLOWS, &folded));
	ck_assert_uint_eq(folded, 8); /* 65..70, 71 for its first packet, 1 evicted */
	/* Nothing lost: all = the tracked flows + other, packet for packet. */
	uint64_t all = 0, parts = 0;
	for (size_t i = 0; i < t->nall; i++) {
		const struct pt_tseries *s = t->all[i];
		for (size_t k = 0; k < s->n; k++)
			*(s->slot == PT_SLOT_ALL ? &all : &parts) += s->v[k].packets;
	}
	ck_assert_uint_eq(all, 80);
	ck_assert_uint_eq(parts, 80);
	ck_assert_uint_eq(bin(a, slot_of(a, 71), 0, 0)->packets, 9);
	ck_assert_uint_eq(t->main_flow, 71);
	stop(&r);
}
END_TEST

START_TEST(test_bytes_and_sizes_per_point)
{
	struct run r;
	struct pt_analysis *a = start(&r, 2, 0);
	/* The same datagram (1028 bytes of IP) on a tap and, with 50 bytes of VXLAN, on the underlay. */
	for (int k = 0; k < 4; k++) {
		struct feed_pkt p = { .point = 0, .ts = MS(10) * k, .ip_len = 1028, .ip_id = (uint16_t)(1 + k) };
		feed(a, &p);
		p.point = 1;
		p.tunnel = 50;
		p.ts += US(20);
		feed(a, &p);
	}
	pt_analysis_finish(a);
	const struct pt_point_bytes *tap = &a->tput->pts[0], *nic = &a->tput->pts[1];
	ck_assert_uint_eq(tap->packets, 4);
	ck_assert_uint_eq(tap->wire, 4 * 1042);
	ck_assert_uint_eq(tap->link_hdr, 4 * 14);
	ck_assert_uint_eq(tap->tunnel_hdr, 0);
	ck_assert_uint_eq(tap->inner_hdr, 4 * 28);
	ck_assert_uint_eq(tap->payload, 4 * 1000);
	ck_assert_uint_eq(nic->wire, 4 * 1092);
	ck_assert_uint_eq(nic->tunnel_hdr, 4 * 50);
	ck_assert_uint_eq(nic->payload, 4 * 1000);
	ck_assert_uint_eq(nic->link_hdr + nic->tunnel_hdr + nic->inner_hdr + nic->payload, nic->wire);
	ck_assert_uint_eq(tap->sizes[pt_size_bin(1028)], 4);
	ck_assert_uint_eq(nic->sizes[pt_size_bin(1078)], 4);
	/* The bins: a byte each below 2048, then coarser, all of 0..65535+ covered once. */
	uint32_t lo, hi, next = 0;
	for (unsigned b = 0; b < PT_SIZE_NBINS; b++) {
		pt_size_bin_range(b, &lo, &hi);
		ck_assert_uint_eq(lo, next);
		ck_assert_uint_eq(pt_size_bin(lo), b);
		ck_assert_uint_eq(pt_size_bin(hi), b);
		next = hi + 1;
	}
	ck_assert_uint_eq(hi, UINT32_MAX);
	pt_size_bin_range(pt_size_bin(9000), &lo, &hi);
	ck_assert(lo <= 9000 && 9000 <= hi && hi - lo == 127);
	stop(&r);
}
END_TEST

static const struct pt_rtt_series *rtt(const struct pt_analysis *a, uint32_t flow, uint32_t point)
{
	ck_assert_ptr_nonnull(a->rtt);
	const struct pt_rtt_series *s = pt_rtt_find(a->rtt, flow, point);
	ck_assert_msg(s != NULL, "no round trips for flow %u at point %u", flow, point);
	return s;
}

static int cmp_sample(const void *x, const void *y)
{
	const struct pt_tsample *a = x, *b = y;
	return (a->ts > b->ts) - (a->ts < b->ts);
}

START_TEST(test_rtt_ping_pairs)
{
	struct run r;
	struct pt_analysis *a = start(&r, 1, 0);
	/* Echo 1 answered in 5 ms (its request seen twice: a copy keeps the first
	 * time), echo 2 in 7 ms, echo 3 never; a reply nobody asked for. */
	struct feed_pkt q = { .point = 0, .proto = 1, .src = A, .dst = B, .sport = 77, .ip_len = 84 };
	struct feed_pkt p = { .point = 0, .proto = 1, .src = B, .dst = A, .sport = 77, .ip_len = 84, .icmp_reply = true };
	q.ts = MS(0), q.icmp_seq = 1, q.ip_id = 1;
	feed(a, &q);
	q.ts = US(60);
	feed(a, &q);
	p.ts = MS(5), p.icmp_seq = 1, p.ip_id = 101;
	feed(a, &p);
	q.ts = MS(100), q.icmp_seq = 2, q.ip_id = 2;
	feed(a, &q);
	p.ts = MS(107), p.icmp_seq = 2, p.ip_id = 102;
	feed(a, &p);
	q.ts = MS(200), q.icmp_seq = 3, q.ip_id = 3;
	feed(a, &q);
	p.ts = MS(300), p.icmp_seq = 9, p.ip_id = 109;
	feed(a, &p);
	pt_analysis_finish(a);
	const struct pt_rtt_series *s = rtt(a, 1, 0);
	ck_assert_uint_eq(s->kind, PT_RTT_ICMP);
	ck_assert_uint_eq(s->count, 2);
	ck_assert_int_eq(s->min, MS(5));
	ck_assert_int_eq(s->max, MS(7));
	ck_assert(fabs(s->p50_us - 6000) < 1e-6);
	struct pt_tsample v[2];
	memcpy(v, s->v, sizeof v);
	qsort(v, 2, sizeof *v, cmp_sample);
	ck_assert_int_eq(v[0].ts, 0);
	ck_assert_int_eq(v[1].ts, MS(100));
	stop(&r);
}
END_TEST

START_TEST(test_rtt_tcp_karn)
{
	struct run r;
	struct pt_analysis *a = start(&r, 1, 0);
	struct feed_pkt d = { .point = 0, .proto = 6, .src = A, .dst = B, .sport = 40000, .dport = 5201, .ip_len = 1040 };
	struct feed_pkt k = { .point = 0, .proto = 6, .src = B, .dst = A, .sport = 5201, .dport = 40000, .ip_len = 40 };
	/* Two segments and one ACK for both: 9 ms from the later one (the one it answers). */
	d.ts = MS(0), d.tcp_seq = 1000, d.ip_id = 1;
	feed(a, &d);
	d.ts = MS(1), d.tcp_seq = 2000, d.ip_id = 2;
	feed(a, &d);
	k.ts = MS(10), k.tcp_ack = 3000, k.ip_id = 101;
	feed(a, &k);
	/* Sent, resent, then acknowledged: no sample (either copy may be the one acknowledged). */
	d.ts = MS(20), d.tcp_seq = 3000, d.ip_id = 3;
	feed(a, &d);
	d.ts = MS(220), d.ip_id = 4;
	feed(a, &d);
	k.ts = MS(225), k.tcp_ack = 4000, k.ip_id = 102;
	feed(a, &k);
	/* A copy of a segment (same ID, 50 us later) is not a resend: 4 ms. */
	d.ts = MS(300), d.tcp_seq = 4000, d.ip_id = 5;
	feed(a, &d);
	d.ts = MS(300) + US(50);
	feed(a, &d);
	k.ts = MS(304), k.tcp_ack = 5000, k.ip_id = 103;
	feed(a, &k);
	/* A duplicate ACK acknowledges nothing new. */
	k.ts = MS(305), k.ip_id = 104;
	feed(a, &k);
	pt_analysis_finish(a);
	const struct pt_rtt_series *s = rtt(a, 1, 0);
	ck_assert_uint_eq(s->kind, PT_RTT_TCP);
	ck_assert_uint_eq(s->count, 2);
	ck_assert_int_eq(s->min, MS(4));
	ck_assert_int_eq(s->max, MS(9));
	stop(&r);
}
END_TEST

/* Five pings over p0 > p1 > p2 and back: 1 ms and 2 ms there, 0.5 ms at the
 * far end, 1 ms and 2 ms back: 6.5 ms at p0. */
static struct pt_analysis *three_hop_pings(struct run *r)
{
	struct pt_analysis *a = start(r, 3, 0);
	const int64_t there[] = { 0, MS(1), MS(3) }, back[] = { MS(3) + US(500), MS(4) + US(500), MS(6) + US(500) };
	const uint32_t back_pt[] = { 2, 1, 0 };
	for (uint16_t i = 0; i < 5; i++) {
		int64_t t0 = MS(100) * i;
		for (uint32_t p = 0; p < 3; p++) {
			struct feed_pkt q = { .point = p, .ts = t0 + there[p], .proto = 1, .src = A, .dst = B, .sport = 9,
					      .ip_len = 84, .icmp_seq = (uint16_t)(i + 1), .ip_id = (uint16_t)(10 + i) };
			feed(a, &q);
		}
		for (uint32_t j = 0; j < 3; j++) {
			struct feed_pkt q = { .point = back_pt[j], .ts = t0 + back[j], .proto = 1, .src = B, .dst = A,
					      .sport = 9, .ip_len = 84, .icmp_reply = true,
					      .icmp_seq = (uint16_t)(i + 1), .ip_id = (uint16_t)(60 + i) };
			feed(a, &q);
		}
	}
	pt_analysis_finish(a);
	return a;
}

START_TEST(test_rtt_split_into_hops)
{
	struct run r;
	struct pt_analysis *a = three_hop_pings(&r);
	ck_assert(fabs(rtt(a, 1, 0)->p50_us - 6500) < 1e-6);
	ck_assert(fabs(rtt(a, 1, 1)->p50_us - 3500) < 1e-6);
	ck_assert(fabs(rtt(a, 1, 2)->p50_us - 500) < 1e-6);
	const struct pt_rtt_split *sp = &a->rtt->splits[PT_RTT_ICMP];
	ck_assert_uint_eq(sp->flow, 1);
	ck_assert_uint_eq(sp->reverse, 2);
	ck_assert_uint_eq(sp->point, 0);
	ck_assert_uint_eq(sp->n, 5);
	const struct {
		uint8_t kind;
		uint32_t from, to;
		double us;
	} want[] = { { PT_PART_THERE, 0, 1, 1000 }, { PT_PART_THERE, 1, 2, 2000 }, { PT_PART_FAR, 2, 2, 500 },
		     { PT_PART_BACK, 2, 1, 1000 },  { PT_PART_BACK, 1, 0, 2000 } };
	double sum = 0;
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(sp->parts[i].kind, want[i].kind);
		ck_assert_uint_eq(sp->parts[i].from, want[i].from);
		ck_assert_uint_eq(sp->parts[i].to, want[i].to);
		ck_assert_msg(fabs(sp->parts[i].p50_us - want[i].us) < 1e-6, "part %zu: %g us", i, sp->parts[i].p50_us);
		sum += sp->parts[i].p50_us;
	}
	ck_assert(fabs(sum - sp->measured_p50_us) < 1e-6);
	ck_assert_uint_eq(a->rtt->splits[PT_RTT_TCP].n, 0);
	stop(&r);
}
END_TEST

START_TEST(test_hop_latency_over_time)
{
	struct run r;
	struct pt_analysis *a = three_hop_pings(&r);
	const struct pt_hop *h = NULL;
	for (size_t i = 0; i < a->hops.n; i++)
		if (a->hops.v[i].flow_id == 1 && a->hops.v[i].from == 1 && a->hops.v[i].to == 2)
			h = &a->hops.v[i];
	ck_assert_ptr_nonnull(h);
	ck_assert(fabs(h->p25_us - 2000) < 1e-6 && fabs(h->p75_us - 2000) < 1e-6);
	size_t n;
	struct pt_tsample *v = pt_hop_samples(a, h, &n);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		/* When it left p1, in time order (kept to a float's precision: a microsecond here). */
		ck_assert_int_le(llabs(v[i].ts - (MS(100) * (int64_t)i + MS(1))), US(1));
		ck_assert_int_eq(v[i].ns, MS(2));
	}
	free(v);
	/* The way back, from the later point of the pair to the earlier. */
	for (size_t i = 0; i < a->hops.n; i++)
		if (a->hops.v[i].flow_id == 2 && a->hops.v[i].from == 1 && a->hops.v[i].to == 0)
			h = &a->hops.v[i];
	v = pt_hop_samples(a, h, &n);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_le(llabs(v[0].ts - (MS(4) + US(500))), US(1));
	ck_assert_int_eq(v[0].ns, MS(2));
	free(v);
	stop(&r);
}
END_TEST

START_TEST(test_clock_offset_moves_bins)
{
	/* p1's clock runs 2.4 s ahead (given): its bins move back by 2 s of 1 s
	 * bins... to the nearest bin: 2; its round trips' times by 2.4 s exactly. */
	struct run r;
	memset(&r, 0, sizeof r);
	feed_points(&r.points, 2, NULL);
	r.points.v[1].offset_given = true;
	r.points.v[1].given_offset_s = 2.4;
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500),
					  .reference = 0, .no_auto_offset = true };
	r.a = pt_analysis_new(&cfg, &r.points);
	struct feed_pkt q = { .point = 0, .ts = MS(0), .proto = 1, .src = A, .dst = B, .sport = 5, .ip_len = 84,
			      .icmp_seq = 1, .ip_id = 1 };
	struct feed_pkt p = { .point = 0, .ts = MS(3), .proto = 1, .src = B, .dst = A, .sport = 5, .ip_len = 84,
			      .icmp_reply = true, .icmp_seq = 1, .ip_id = 2 };
	feed(r.a, &q);
	feed(r.a, &p);
	q.point = p.point = 1;
	q.ts = MS(2400) + MS(1);
	p.ts = MS(2400) + MS(2);
	feed(r.a, &q);
	feed(r.a, &p);
	pt_analysis_finish(r.a);
	ck_assert(r.points.v[1].clock.known && fabs(r.points.v[1].clock.offset_s - 2.4) < 1e-9);
	ck_assert_uint_eq(bin(r.a, PT_SLOT_ALL, 1, 0)->packets, 2);
	const struct pt_rtt_series *s = rtt(r.a, 1, 1);
	ck_assert_int_eq(s->v[0].ts, MS(1));
	ck_assert_int_eq(s->v[0].ns, MS(1));
	stop(&r);
}
END_TEST

Suite *pt_series_suite(void)
{
	Suite *s = suite_create("series");
	TCase *tc = tcase_create("series");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_throughput_bins);
	tcase_add_test(tc, test_goodput_counts_tcp_once);
	tcase_add_test(tc, test_bin_start_given);
	tcase_add_test(tc, test_bins_widen_when_too_many);
	tcase_add_test(tc, test_flows_beyond_slots_fold_into_other);
	tcase_add_test(tc, test_bytes_and_sizes_per_point);
	tcase_add_test(tc, test_rtt_ping_pairs);
	tcase_add_test(tc, test_rtt_tcp_karn);
	tcase_add_test(tc, test_rtt_split_into_hops);
	tcase_add_test(tc, test_hop_latency_over_time);
	tcase_add_test(tc, test_clock_offset_moves_bins);
	suite_add_tcase(s, tc);
	return s;
}
