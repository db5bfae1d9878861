/* The output layer: every finding kind has a stable name in the order the
 * kinds are sorted, and a catalogue entry; the sentences are made from the
 * records' numbers; findings come out most severe first; the report files
 * are written. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "check_feed.h"
#include "check_pathtrace.h"
#include "output/explain.h"
#include "output/finding-text.h"
#include "output/report.h"
#include "output/tables.h"
#include "output/text.h"

START_TEST(test_every_kind_named_in_order_and_documented)
{
	for (int id = 0; id < PT_F__COUNT; id++) {
		const char *name = pt_finding_name((enum pt_finding_id)id);
		ck_assert_msg(strcmp(name, "?") != 0, "kind %d has no name", id);
		ck_assert_msg(strchr(name, '.') != NULL, "%s is not dotted", name);
		ck_assert_msg(pt_explain(name) != NULL, "%s is not in doc/findings.md", name);
		/* Sorting by kind must sort by name (findings.csv's order). */
		if (id)
			ck_assert_msg(strcmp(pt_finding_name((enum pt_finding_id)(id - 1)), name) < 0,
				      "%s is out of order", name);
	}
	ck_assert_str_eq(pt_finding_name(PT_F__COUNT), "?");
}
END_TEST

#define A FEED_IP(10, 0, 0, 1)
#define B FEED_IP(10, 0, 0, 2)

/* Three points, ten UDP packets: three die on p1 > p2; p0 also holds a copy
 * of every packet. */
static struct pt_analysis *small_loss(struct pt_points *ps)
{
	feed_points(ps, 3, NULL);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500), .reference = -1 };
	struct pt_analysis *a = pt_analysis_new(&cfg, ps);
	ck_assert_ptr_nonnull(a);
	for (int i = 0; i < 10; i++) {
		int64_t t = MS(2) * i + 1;
		struct feed_pkt p = { .point = 0, .ts = t, .sport = 1000, .dport = 2000, .ip_id = (uint16_t)i,
				      .ip_len = 200, .df = true };
		feed(a, &p);
		p.ts += US(1);
		feed(a, &p);
		p.point = 1;
		p.ts += US(5);
		feed(a, &p);
		if (i < 3 || i > 5) {
			p.point = 2;
			p.ts += US(5);
			feed(a, &p);
		}
	}
	pt_analysis_finish(a);
	return a;
}

START_TEST(test_loss_sentence_from_numbers)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	const struct pt_finding *f = pt_findings_find(&a->findings, PT_F_LOSS_HOP, 1, 1, 2);
	ck_assert_ptr_nonnull(f);
	struct pt_finding_text t;
	pt_finding_format(a, f, &t);
	ck_assert_str_eq(t.value, "3");
	ck_assert_str_eq(t.evidence, "3 of 10 packets of udp 10.0.0.1:1000 > 10.0.0.2:2000 seen at p1 never reached p2 "
				     "within the 1.000 s window; lost sizes 200-200 bytes, DF set; largest that passed "
				     "200 bytes");
	ck_assert_str_eq(t.advice, "capture on the devices between these two points to narrow the drop down; check "
				   "their drop counters (ip -s link), MTU and filtering rules");
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

/* encap.overhead over a tunnel the analysis has no name for (L2TPv3) still
 * says what the bytes are. */
START_TEST(test_encap_sentence_unnamed_tunnel)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	struct pt_finding *f = pt_findings_add(&a->findings, PT_F_ENCAP_OVERHEAD, PT_SEV_INFO);
	ck_assert_ptr_nonnull(f);
	f->point = 1;
	f->u.overhead = (struct pt_f_overhead){ .per_packet = 42, .share_pct = 10.7, .bytes = 784,
						.encap = PT_P_NONE, .tunnel_max = 42 };
	struct pt_finding_text t;
	pt_finding_format(a, f, &t);
	ck_assert_str_eq(t.evidence, "a tunnel (42 bytes with outer headers): 42.0 bytes per encapsulated packet on "
				     "average, 10.7 % of the 784 bytes captured at p1");
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

/* The oversize verdict says what it assumed and which evidence lost. */
START_TEST(test_oversize_sentence_assumptions)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	struct pt_finding *f = pt_findings_add(&a->findings, PT_F_MTU_OVERSIZE_DROP, PT_SEV_ERROR);
	ck_assert_ptr_nonnull(f);
	f->from = 1;
	f->to = 2;
	f->u.oversize = (struct pt_f_oversize){ .usable = 1450, .basis = PT_MTU_FROM_TUNNEL, .lost = 3, .flows = 1,
						.died_min = 9000, .died_max = 9000, .passed_max = 1400, .tunnel = 2,
						.encap = PT_P_VXLAN, .overhead = 50, .underlay = 1500 };
	struct pt_finding_text t;
	pt_finding_format(a, f, &t);
	ck_assert_ptr_nonnull(strstr(t.evidence, "an underlay taken to be 1500 bytes, as no larger packet crossed it; "
						 "on a 9000-byte underlay the limit would be 8950"));
	f->u.oversize.basis = PT_MTU_FROM_ICMP;
	f->u.oversize.usable = 1420;
	f->u.oversize.other_usable = 1450;
	f->u.oversize.other_basis = PT_MTU_FROM_TUNNEL;
	pt_finding_format(a, f, &t);
	ck_assert_ptr_nonnull(strstr(t.evidence, "the tunnel's overhead would give 1450: the ICMP message wins"));
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

/* Why a point has its role, with the numbers that decided it; and the
 * point.role finding from its record. */
START_TEST(test_role_reason_and_finding)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	char why[256];
	struct pt_point *p1 = &ps.v[1];
	p1->evidence = (struct pt_role_evidence){ PT_WHY_PARTIAL_VIEW, 40, 4, 0, 0, -1, -1 };
	pt_role_reason_text(a, 1, why, sizeof why);
	ck_assert_str_eq(why, "saw 4 of 40 unicast packets that went past it: floods only");
	p1->evidence = (struct pt_role_evidence){ PT_WHY_COPY_STAMPS, 20, 20, 3, 2, 0, 2 };
	pt_role_reason_text(a, 1, why, sizeof why);
	ck_assert_str_eq(why, "stamped as p0 one way and p2 the other in 2 of 3 conversations: copies");
	p1->evidence = (struct pt_role_evidence){ PT_WHY_COPY_STAMPS, 20, 20, 3, 2, 0, -1 };
	pt_role_reason_text(a, 1, why, sizeof why);
	ck_assert_str_eq(why, "stamped after p0 both ways in 2 of 3 conversations: copies");
	p1->evidence = (struct pt_role_evidence){ PT_WHY_NAME, 0, 0, 0, 0, -1, -1 };
	p1->iface = PT_IF_BRIDGE;
	pt_role_reason_text(a, 1, why, sizeof why);
	ck_assert_str_eq(why, "named like a Linux bridge; no evidence either way");
	p1->evidence = (struct pt_role_evidence){ PT_WHY_NAME, 12, 12, 2, 0, -1, -1 };
	pt_role_reason_text(a, 1, why, sizeof why);
	ck_assert_str_eq(why, "named like a Linux bridge (saw 12 of 12 unicast packets that went past it; stamped "
			      "as a copy in 0 of 2 conversations)");
	p1->iface = PT_IF_UNKNOWN;
	p1->evidence.behind = p1->evidence.seen = 0;
	pt_role_reason_text(a, 1, why, sizeof why);
	ck_assert_str_eq(why, "a hop by default (stamped as a copy in 0 of 2 conversations)");

	struct pt_finding *f = pt_findings_add(&a->findings, PT_F_POINT_ROLE, PT_SEV_WARNING);
	ck_assert_ptr_nonnull(f);
	f->point = 1;
	p1->iface = PT_IF_OVS_INTERNAL;
	p1->evidence = (struct pt_role_evidence){ PT_WHY_FULL_VIEW, 30, 30, 0, 0, -1, -1 };
	f->u.role = (struct pt_f_role){ PT_ROLE_FLOOD, PT_ROLE_HOP, PT_IF_OVS_INTERNAL, p1->evidence };
	struct pt_finding_text t;
	pt_finding_format(a, f, &t);
	ck_assert_str_eq(t.value, "hop");
	ck_assert_str_eq(t.evidence, "p1 is named like an Open vSwitch internal port (a flood port), but its packets "
				     "say otherwise: saw 30 of 30 unicast packets that went past it: it carries them; "
				     "taken as a hop");
	ck_assert_ptr_nonnull(strstr(t.advice, "--role p1=ROLE"));
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

/* The summary starts with the verdict, then draws the busiest flow's path
 * as one chain with its losses; colours only when asked. */
START_TEST(test_summary_verdict_first)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	for (int color = 0; color < 2; color++) {
		char *text = NULL;
		size_t size = 0;
		FILE *fp = open_memstream(&text, &size);
		ck_assert_ptr_nonnull(fp);
		struct pt_summary_style style = { .full = false, .color = color, .outdir = "out" };
		pt_report_summary(a, fp, &style);
		fclose(fp);
		ck_assert_msg(strncmp(text, "== verdict ==\n", 14) == 0, "starts with: %.40s", text);
		const char *err = strstr(text, color ? "\033[1;31merror  \033[0m loss.hop on p1 > p2" : "error   loss.hop on p1 > p2");
		const char *paths = strstr(text, "== main paths");
		ck_assert_msg(err && paths && err < paths, "%s", text);
		ck_assert_ptr_nonnull(strstr(paths, "flow 1  udp 10.0.0.1:1000 > 10.0.0.2:2000  (10 packets)\n  p0 -["));
		ck_assert_ptr_nonnull(strstr(paths, "]-> p1 -["));
		ck_assert_ptr_nonnull(strstr(paths, "  3 lost on p1 > p2\n"));
		ck_assert_ptr_null(strstr(text, "== capture points")); /* only in the full summary */
		ck_assert_int_eq(strstr(text, "\033[") != NULL, color);
		free(text);
	}
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

START_TEST(test_report_order)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	/* Add records out of order, as modules do. */
	struct pt_finding *x = pt_findings_add(&a->findings, PT_F_PATH_NAT, PT_SEV_INFO);
	x->flow = 1;
	x->from = 0;
	x->to = 1;
	x = pt_findings_add(&a->findings, PT_F_LATENCY_NEGATIVE, PT_SEV_WARNING);
	x->flow = 1;
	x->from = 0;
	x->to = 1;
	size_t n;
	const struct pt_finding **v = pt_findings_in_order(a, &n);
	ck_assert_ptr_nonnull(v);
	/* One-way traffic only: p1's and p2's clocks are unknown (two warnings). */
	ck_assert_uint_eq(a->findings.n, 6);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(v[0]->id, PT_F_LOSS_HOP);          /* error */
	ck_assert_int_eq(v[1]->id, PT_F_CLOCK_UNKNOWN);     /* warnings, by name */
	ck_assert_int_eq(v[2]->id, PT_F_CLOCK_UNKNOWN);
	ck_assert_int_eq(v[3]->id, PT_F_LATENCY_NEGATIVE);
	ck_assert_int_eq(v[4]->id, PT_F_CAPTURE_DUPLICATES); /* info, by name */
	ck_assert_int_eq(v[5]->id, PT_F_PATH_NAT);
	free(v);
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

static size_t lines_of(const char *path);

/* A filter chooses what is reported, never what is analysed: a flow none
 * of whose packets it selects is left out of the report with its findings,
 * while the analysis (the loss it shows, the points' counts) is the same. */
START_TEST(test_filter_selects_the_report)
{
	struct pt_points ps;
	feed_points(&ps, 2, NULL);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500), .reference = -1 };
	struct pt_analysis *a = pt_analysis_new(&cfg, &ps);
	ck_assert_ptr_nonnull(a);
	for (int i = 0; i < 10; i++) {
		for (uint16_t sport = 1000; sport <= 1001; sport++) {
			/* Flow 1000 is the one the filter selects, at one point only; both lose packet 4. */
			struct feed_pkt p = { .point = 0, .ts = MS(2) * i + sport, .sport = sport, .dport = 2000,
					      .ip_id = (uint16_t)(i + 100 * (sport - 1000)), .ip_len = 200, .df = true,
					      .outside_filter = sport == 1001 };
			feed(a, &p);
			p.point = 1;
			p.ts += US(5);
			p.outside_filter = true;
			if (i != 4)
				feed(a, &p);
		}
	}
	pt_analysis_finish(a);
	ck_assert_uint_eq(a->hops.n, 2);
	ck_assert_uint_eq(a->points->v[0].stats.outside_filter, 10);
	ck_assert_uint_eq(a->points->v[1].stats.outside_filter, 18);
	ck_assert(pt_flow_reported(a, 1));
	ck_assert(!pt_flow_reported(a, 2));
	size_t n;
	const struct pt_finding **v = pt_findings_in_order(a, &n);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(pt_findings_find(&a->findings, PT_F_LOSS_HOP, 2, 0, 1) != NULL, 1);
	size_t losses = 0;
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_ne(v[i]->flow, 2);
		losses += v[i]->id == PT_F_LOSS_HOP;
	}
	ck_assert_uint_eq(losses, 1);
	free(v);
	char dir[] = "/tmp/pt-check-filterXXXXXX", path[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/flows.csv", dir);
	ck_assert(pt_write_flows(a, path));
	ck_assert_uint_eq(lines_of(path), 2); /* header and flow 1 */
	unlink(path);
	snprintf(path, sizeof path, "%s/hops.csv", dir);
	ck_assert(pt_write_hops(a, path));
	ck_assert_uint_eq(lines_of(path), 2);
	unlink(path);
	rmdir(dir);
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

static size_t lines_of(const char *path)
{
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "%s missing", path);
	size_t n = 0;
	int c;
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

START_TEST(test_report_files)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	char dir[] = "/tmp/pt-check-output-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char out[256], err[256], path[512];
	snprintf(out, sizeof out, "%s/run/one", dir);
	ck_assert_int_eq(pt_report_write(a, out, err, sizeof err), 0);
	static const struct {
		const char *file;
		size_t lines;
	} want[] = { { "points.csv", 4 }, { "flows.csv", 2 }, { "paths.csv", 3 }, { "hops.csv", 3 },
		     { "findings.csv", 5 }, { "mtu.csv", 4 } };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", out, want[i].file);
		ck_assert_msg(lines_of(path) == want[i].lines, "%s: %zu lines", want[i].file, lines_of(path));
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/summary.txt", out);
	ck_assert_uint_gt(lines_of(path), 10);
	unlink(path);
	rmdir(out);
	snprintf(path, sizeof path, "%s/run", dir);
	rmdir(path);
	rmdir(dir);
	/* A directory that cannot be made is an error naming it. */
	ck_assert_int_eq(pt_report_write(a, "/proc/no/such/dir", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/proc/no/such/dir"));
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

/* mtu.csv's overhead_bytes: the largest tunnel overhead plus 4 bytes per tag
 * of the most-tagged frame (8 under QinQ, not 4 for "some tag"). */
START_TEST(test_mtu_overhead_counts_tags)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	ps.v[0].stats.max_vlan_tags = 2;
	ps.v[0].stats.vlan_packets = 1;
	ps.v[1].stats.max_vlan_tags = 1;
	ps.v[1].stats.vlan_packets = 1;
	ps.v[1].stats.tunnel_overhead_max = 50;
	char path[] = "/tmp/pt-check-mtu-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert(pt_write_mtu(a, path));
	FILE *fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	char line[512];
	unsigned row = 0;
	static const char *const want[] = { "8", "54", "0" };
	ck_assert_ptr_nonnull(fgets(line, sizeof line, fp)); /* header */
	ck_assert_ptr_nonnull(strstr(line, ",overhead_bytes,"));
	while (fgets(line, sizeof line, fp) && row < 3) {
		/* point,max_ip_len,max_frame_len,mtu_inferred,encap,overhead_bytes,... */
		char *f = line;
		for (int k = 0; k < 5; k++)
			f = strchr(f, ',') + 1;
		*strchr(f, ',') = '\0';
		ck_assert_msg(strcmp(f, want[row]) == 0, "point %u: overhead_bytes %s, want %s", row, f, want[row]);
		row++;
	}
	ck_assert_uint_eq(row, 3);
	fclose(fp);
	unlink(path);
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

/* Distinct paths of a flow, most common first. */
START_TEST(test_flow_paths_merged_and_ranked)
{
	struct pt_points ps;
	struct pt_analysis *a = small_loss(&ps);
	const struct pt_flow *f = pt_analysis_flow(a, 1);
	ck_assert_ptr_nonnull(f);
	size_t n;
	struct pt_path_count *pc = pt_flow_paths(f, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(pc[0].count, 7);
	ck_assert_uint_eq(pc[1].count, 3);
	ck_assert(pt_pset_has(a->match.psets, pc[0].seen, 2));
	ck_assert(!pt_pset_has(a->match.psets, pc[1].seen, 2));
	free(pc);
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

Suite *pt_output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("output");
	tcase_add_test(tc, test_every_kind_named_in_order_and_documented);
	tcase_add_test(tc, test_loss_sentence_from_numbers);
	tcase_add_test(tc, test_encap_sentence_unnamed_tunnel);
	tcase_add_test(tc, test_oversize_sentence_assumptions);
	tcase_add_test(tc, test_role_reason_and_finding);
	tcase_add_test(tc, test_summary_verdict_first);
	tcase_add_test(tc, test_report_order);
	tcase_add_test(tc, test_filter_selects_the_report);
	tcase_add_test(tc, test_report_files);
	tcase_add_test(tc, test_flow_paths_merged_and_ranked);
	tcase_add_test(tc, test_mtu_overhead_counts_tags);
	suite_add_tcase(s, tc);
	return s;
}

PT_CHECK_MAIN(pt_output_suite, pt_csv_suite, pt_charts_suite)
