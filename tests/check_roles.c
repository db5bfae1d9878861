/* Roles from evidence, on hand-built conversations between two hosts: a
 * switch's own port that holds only the first packets of each flow (floods),
 * a copy stamped with each direction's ingress or after the egress, an
 * internal port by name that carries every packet, two captures of one
 * device, and what --role and the name do when the packets show nothing. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "check_feed.h"
#include "check_pathtrace.h"

#define A FEED_IP(10, 0, 0, 1)
#define B FEED_IP(10, 0, 0, 2)
#define PACKETS 20

/* Where a conversation's packets are seen: out is A > B from h1 to h2, back
 * the reply. A point's stamp is the packet's time plus its offset; a point
 * with first = N sees only the first N packets of each direction. */
struct view {
	bool out, back;
	int64_t out_us, back_us;
	int first;
};

struct case_run {
	struct pt_points points;
	struct pt_analysis *a;
};

/* An ARP broadcast at every point: captures that ran through the whole
 * conversation say so by their first and last frames. */
static void chatter(struct case_run *r, size_t n, int64_t ts)
{
	for (size_t k = 0; k < n; k++) {
		struct pt_digest g;
		memset(&g, 0, sizeof g);
		g.point = (uint32_t)k;
		g.ts = ts;
		g.len = g.caplen = 60;
		g.kind = PT_DG_NOT_IP;
		pt_analysis_packet(r->a, &g);
	}
}

static void run(struct case_run *r, size_t n, const char *const *names, const struct view *v,
		void (*before)(struct pt_points *))
{
	feed_points(&r->points, (unsigned)n, names);
	if (before)
		before(&r->points);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500), .reference = -1 };
	r->a = pt_analysis_new(&cfg, &r->points);
	ck_assert_ptr_nonnull(r->a);
	chatter(r, n, 0);
	for (int i = 0; i < PACKETS; i++) {
		int64_t t = MS(2) * i + 1, back = t + MS(1);
		/* Fed in time order: out first, then the reply. */
		for (int dir = 0; dir < 2; dir++) {
			struct feed_pkt p = { .src = dir ? B : A, .dst = dir ? A : B, .sport = dir ? 2000 : 1000,
					      .dport = dir ? 1000 : 2000, .ip_id = (uint16_t)(dir * 1000 + i),
					      .tag = (uint64_t)(dir + 1) };
			/* Points by their stamps, as the capture merge hands them over. */
			size_t order[16];
			for (size_t k = 0; k < n; k++)
				order[k] = k;
			for (size_t x = 1; x < n; x++)
				for (size_t y = x; y > 0; y--) {
					int64_t a = dir ? v[order[y - 1]].back_us : v[order[y - 1]].out_us;
					int64_t b = dir ? v[order[y]].back_us : v[order[y]].out_us;
					if (a <= b)
						break;
					size_t tmp = order[y];
					order[y] = order[y - 1];
					order[y - 1] = tmp;
				}
			for (size_t k = 0; k < n; k++) {
				const struct view *w = &v[order[k]];
				if (!(dir ? w->back : w->out) || (w->first && i >= w->first))
					continue;
				p.point = (uint32_t)order[k];
				p.ts = (dir ? back : t) + US(dir ? w->back_us : w->out_us);
				feed(r->a, &p);
			}
		}
	}
	chatter(r, n, MS(2) * PACKETS + MS(5));
	pt_analysis_finish(r->a);
}

static void run_free(struct case_run *r)
{
	pt_analysis_free(r->a);
	pt_points_free(&r->points);
}

static const struct pt_flow *conv(const struct pt_analysis *a, bool back)
{
	struct feed_pkt p = { .src = back ? B : A, .dst = back ? A : B, .sport = back ? 2000 : 1000,
			      .dport = back ? 1000 : 2000 };
	struct pt_digest g;
	feed_digest(&g, &p);
	const struct pt_flow *f = pt_flows_find(&a->match.flows, &g.key);
	ck_assert_ptr_nonnull(f);
	return f;
}

static size_t count(const struct pt_analysis *a, enum pt_finding_id id)
{
	size_t n = 0;
	for (size_t i = 0; i < a->findings.n; i++)
		n += a->findings.v[i].id == id;
	return n;
}

static void assert_path(const struct pt_analysis *a, const struct pt_flow *f, const unsigned *want, unsigned n)
{
	const struct pt_path *path = pt_analysis_path(a, f->id);
	ck_assert_uint_eq(path->n, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(path->order[i] == want[i], "position %u: point %u, expected %u", i, path->order[i], want[i]);
}

/* Two hosts: h1-tap1 > h1-eth1 > (wire) > h2-eth1 > h2-tap2, and h1's third
 * point (index 1) seen as the test says. */
static const struct view tap1 = { true, true, 0, 75, 0 }, eth1 = { true, true, 10, 60, 0 },
			 eth2 = { true, true, 60, 10, 0 }, tap2 = { true, true, 75, 0, 0 };

/* A switch's own port holds the first two packets of each direction, stamped
 * as the receive that copied them there (the tap's out, eth1's back): it saw
 * 4 of the 40 that went past it. Whatever its name, it is kept off paths, so
 * nothing is lost on a hop into it; one named as an internal port says
 * nothing more, one named as a bridge gets a point.role finding. */
START_TEST(test_floods_only)
{
	static const char *const names[][5] = {
		{ "h1-tap1", "h1-sw0", "h1-eth1", "h2-eth1", "h2-tap2" },
		{ "h1-tap1", "h1-br-int", "h1-eth1", "h2-eth1", "h2-tap2" },
		{ "h1-tap1", "h1-br0", "h1-eth1", "h2-eth1", "h2-tap2" },
	};
	for (size_t c = 0; c < 3; c++) {
		struct case_run r;
		struct view flood = { true, true, 0, 60, 2 };
		const struct view v[] = { tap1, flood, eth1, eth2, tap2 };
		run(&r, 5, names[c], v, NULL);
		const struct pt_point *sw = &r.points.v[1];
		ck_assert_msg(sw->role == PT_ROLE_FLOOD, "%s: role %d why %d seen %lu behind %lu conv %u tied %u",
			      names[c][1], sw->role, sw->evidence.why, (unsigned long)sw->evidence.seen,
			      (unsigned long)sw->evidence.behind, sw->evidence.conversations, sw->evidence.copies);
		ck_assert_int_eq(sw->evidence.why, PT_WHY_PARTIAL_VIEW);
		ck_assert_uint_eq(sw->evidence.seen, 4);
		ck_assert_uint_eq(sw->evidence.behind, 40);
		for (unsigned p = 0; p < 5; p++)
			if (p != 1)
				ck_assert_int_eq(r.points.v[p].role, PT_ROLE_HOP);
		static const unsigned out[] = { 0, 2, 3, 4 }, back[] = { 4, 3, 2, 0 };
		assert_path(r.a, conv(r.a, false), out, 4);
		assert_path(r.a, conv(r.a, true), back, 4);
		for (size_t i = 0; i < r.a->hops.n; i++) {
			ck_assert_uint_ne(r.a->hops.v[i].from, 1);
			ck_assert_uint_ne(r.a->hops.v[i].to, 1);
			ck_assert_uint_eq(r.a->hops.v[i].lost, 0);
		}
		ck_assert_uint_eq(count(r.a, PT_F_LOSS_HOP), 0);
		ck_assert_uint_eq(count(r.a, PT_F_POINT_ROLE), c == 2 ? 1 : 0);
		run_free(&r);
	}
}
END_TEST

/* Issue 11's capture set: each host's tap and br-int only, br-int holding the
 * first two packets of each flow. No hop between the two br-ints, nothing
 * lost, and each br-int takes its own host's clock. */
START_TEST(test_two_br_ints_make_no_hop)
{
	static const char *const names[] = { "cn1-tap1", "cn1-br-int", "cn2-br-int", "cn2-tap1" };
	const struct view v[] = { { true, true, 0, 75, 0 }, { true, true, 0, 60, 2 }, { true, true, 60, 0, 2 },
				  { true, true, 75, 0, 0 } };
	struct case_run r;
	run(&r, 4, names, v, NULL);
	ck_assert_int_eq(r.points.v[1].role, PT_ROLE_FLOOD);
	ck_assert_int_eq(r.points.v[2].role, PT_ROLE_FLOOD);
	static const unsigned out[] = { 0, 3 }, back[] = { 3, 0 };
	assert_path(r.a, conv(r.a, false), out, 2);
	assert_path(r.a, conv(r.a, true), back, 2);
	ck_assert_uint_eq(r.a->hops.n, 2);
	ck_assert_uint_eq(count(r.a, PT_F_LOSS_HOP), 0);
	ck_assert_uint_eq(count(r.a, PT_F_POINT_ROLE), 0);
	ck_assert_int_eq(r.points.v[1].clock.via, 0);
	ck_assert_int_eq(r.points.v[2].clock.via, 3);
	run_free(&r);
}
END_TEST

/* A point that holds every packet stamped as each direction's ingress (the
 * tap's out, eth1's back) is a copy, whatever its name: placed between its
 * ports. Named as a VM port (an ovs-tcpdump mirror called so by hand), it
 * gets a point.role finding; with a name that says nothing, none. */
START_TEST(test_copies_tied_both_ways)
{
	static const char *const names[][5] = {
		{ "h1-tap1", "h1-sw0", "h1-eth1", "h2-eth1", "h2-tap2" },
		{ "h1-tap1", "h1-tap9", "h1-eth1", "h2-eth1", "h2-tap2" },
	};
	for (size_t c = 0; c < 2; c++) {
		struct case_run r;
		const struct view copy = { true, true, 0, 60, 0 };
		const struct view v[] = { tap1, copy, eth1, eth2, tap2 };
		run(&r, 5, names[c], v, NULL);
		const struct pt_point *sw = &r.points.v[1];
		ck_assert_int_eq(sw->role, PT_ROLE_BRIDGE);
		ck_assert_int_eq(sw->evidence.why, PT_WHY_COPY_STAMPS);
		ck_assert_uint_eq(sw->evidence.copies, 1);
		ck_assert_int_eq(sw->evidence.tie_out, 0);
		ck_assert_int_eq(sw->evidence.tie_back, 2);
		for (unsigned p = 0; p < 5; p++)
			if (p != 1)
				ck_assert_int_eq(r.points.v[p].role, PT_ROLE_HOP);
		static const unsigned out[] = { 0, 1, 2, 3, 4 }, back[] = { 4, 3, 2, 1, 0 };
		assert_path(r.a, conv(r.a, false), out, 5);
		assert_path(r.a, conv(r.a, true), back, 5);
		ck_assert_uint_eq(count(r.a, PT_F_POINT_ROLE), c);
		run_free(&r);
	}
}
END_TEST

/* A copy taken after the egress port sent the frame (the kernel's way for
 * TCP): later than both ports both ways, so the tap is earlier than it out
 * and back, which no device of a chain is. */
START_TEST(test_copies_after_egress)
{
	static const char *const names[] = { "h1-tap1", "h1-sw0", "h1-eth1", "h2-eth1", "h2-tap2" };
	const struct view copy = { true, true, 12, 77, 0 };
	const struct view v[] = { tap1, copy, eth1, eth2, tap2 };
	struct case_run r;
	run(&r, 5, names, v, NULL);
	ck_assert_int_eq(r.points.v[1].role, PT_ROLE_BRIDGE);
	ck_assert_int_eq(r.points.v[1].evidence.why, PT_WHY_COPY_STAMPS);
	ck_assert_int_eq(r.points.v[1].evidence.tie_out, 0);
	static const unsigned out[] = { 0, 1, 2, 3, 4 };
	assert_path(r.a, conv(r.a, false), out, 5);
	run_free(&r);
}
END_TEST

/* br-ex by name is an internal port, but it holds every tunnel packet: sent
 * between the vxlan device and eth1 out, received with eth1's stamp back (a
 * tie one way only, as a device's). A hop, on paths, with a point.role
 * finding. */
START_TEST(test_internal_port_that_carries_traffic)
{
	static const char *const names[] = { "h1-tap1", "h1-br-ex", "h1-eth1", "h2-eth1", "h2-tap2" };
	const struct view brex = { true, true, 5, 60, 0 };
	const struct view v[] = { tap1, brex, eth1, eth2, tap2 };
	struct case_run r;
	run(&r, 5, names, v, NULL);
	const struct pt_point *ex = &r.points.v[1];
	ck_assert_int_eq(ex->name_role, PT_ROLE_FLOOD);
	ck_assert_int_eq(ex->role, PT_ROLE_HOP);
	ck_assert_int_eq(ex->evidence.why, PT_WHY_FULL_VIEW);
	ck_assert_uint_eq(ex->evidence.seen, ex->evidence.behind);
	ck_assert_uint_eq(ex->evidence.copies, 0);
	static const unsigned out[] = { 0, 1, 2, 3, 4 }, back[] = { 4, 3, 2, 1, 0 };
	assert_path(r.a, conv(r.a, false), out, 5);
	assert_path(r.a, conv(r.a, true), back, 5);
	ck_assert_uint_eq(count(r.a, PT_F_POINT_ROLE), 1);
	const struct pt_finding *f = &r.a->findings.v[0];
	for (size_t i = 0; i < r.a->findings.n && f->id != PT_F_POINT_ROLE; i++)
		f = &r.a->findings.v[i];
	ck_assert_int_eq(f->point, 1);
	ck_assert_int_eq(f->u.role.name_role, PT_ROLE_FLOOD);
	ck_assert_int_eq(f->u.role.role, PT_ROLE_HOP);
	ck_assert_int_eq(f->u.role.iface, PT_IF_OVS_INTERNAL);
	run_free(&r);
}
END_TEST

/* Two captures of one device tie with each other both ways: neither is a
 * copy. */
START_TEST(test_one_device_twice_is_no_copy)
{
	static const char *const names[] = { "h1-tap1", "h1-nic", "h1-eth1", "h2-eth1", "h2-tap2" };
	const struct view v[] = { tap1, eth1, eth1, eth2, tap2 };
	struct case_run r;
	run(&r, 5, names, v, NULL);
	ck_assert_int_eq(r.points.v[1].role, PT_ROLE_HOP);
	ck_assert_int_eq(r.points.v[2].role, PT_ROLE_HOP);
	ck_assert_uint_eq(r.points.v[1].evidence.copies, 0);
	ck_assert_uint_eq(r.points.v[1].evidence.conversations, 1);
	run_free(&r);
}
END_TEST

static void given_hop(struct pt_points *ps)
{
	ps->v[1].role_given = true;
	ps->v[1].given_role = PT_ROLE_HOP;
}

/* --role wins over the evidence; with one-way traffic and nothing missed a
 * name is all there is. */
START_TEST(test_given_and_name)
{
	static const char *const names[] = { "h1-tap1", "h1-br-int", "h1-eth1", "h2-eth1", "h2-tap2" };
	struct view flood = { true, true, 0, 60, 2 };
	const struct view v[] = { tap1, flood, eth1, eth2, tap2 };
	struct case_run r;
	run(&r, 5, names, v, given_hop);
	ck_assert_int_eq(r.points.v[1].role, PT_ROLE_HOP);
	ck_assert_int_eq(r.points.v[1].evidence.why, PT_WHY_GIVEN);
	ck_assert_uint_eq(count(r.a, PT_F_POINT_ROLE), 0);
	run_free(&r);

	static const char *const bridge_names[] = { "h1-tap1", "h1-br0", "h1-eth1", "h2-eth1", "h2-tap2" };
	const struct view one_way[] = { { true, false, 0, 0, 0 }, { true, false, 0, 0, 0 }, { true, false, 10, 0, 0 },
					{ true, false, 60, 0, 0 }, { true, false, 75, 0, 0 } };
	run(&r, 5, bridge_names, one_way, NULL);
	ck_assert_int_eq(r.points.v[1].role, PT_ROLE_BRIDGE);
	ck_assert_int_eq(r.points.v[1].evidence.why, PT_WHY_NAME);
	ck_assert_uint_eq(r.points.v[1].evidence.conversations, 0);
	run_free(&r);
}
END_TEST

Suite *pt_roles_suite(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("roles");
	tcase_add_test(tc, test_floods_only);
	tcase_add_test(tc, test_two_br_ints_make_no_hop);
	tcase_add_test(tc, test_copies_tied_both_ways);
	tcase_add_test(tc, test_copies_after_egress);
	tcase_add_test(tc, test_internal_port_that_carries_traffic);
	tcase_add_test(tc, test_one_device_twice_is_no_copy);
	tcase_add_test(tc, test_given_and_name);
	suite_add_tcase(s, tc);
	return s;
}
