/* The series CSV files, the chart scripts and `compare`'s reading back, on
 * small hand-built analyses with known answers. Rendering (gnuplot) is
 * judged end to end by tests/e2e/check-charts.py. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "check_feed.h"
#include "check_pathtrace.h"
#include "output/compare.h"
#include "output/csv-reader.h"
#include "output/series-out.h"

#define A FEED_IP(10, 0, 0, 1)
#define B FEED_IP(10, 0, 0, 2)

/* A CSV file read back: rows of fields (the header is row 0). */
struct table {
	char ***rows;
	size_t *ncols;
	size_t n;
};

static bool keep_row(void *ctx, const char *const *f, size_t n)
{
	struct table *t = ctx;
	t->rows = realloc(t->rows, (t->n + 1) * sizeof *t->rows);
	t->ncols = realloc(t->ncols, (t->n + 1) * sizeof *t->ncols);
	ck_assert(t->rows && t->ncols);
	t->rows[t->n] = calloc(n ? n : 1, sizeof **t->rows);
	for (size_t i = 0; i < n; i++)
		t->rows[t->n][i] = strdup(f[i]);
	t->ncols[t->n++] = n;
	return true;
}

static void table_read(struct table *t, const char *path)
{
	char err[256];
	memset(t, 0, sizeof *t);
	ck_assert_msg(pt_csv_read(path, keep_row, t, err, sizeof err) == 0, "%s", err);
}

static void table_free(struct table *t)
{
	for (size_t r = 0; r < t->n; r++) {
		for (size_t c = 0; c < t->ncols[r]; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	free(t->ncols);
}

static const char *cell(const struct table *t, size_t row, const char *col)
{
	long c = pt_csv_column((const char *const *)t->rows[0], t->ncols[0], col);
	ck_assert_msg(c >= 0, "no column %s", col);
	ck_assert_uint_lt((size_t)c, t->ncols[row]);
	return t->rows[row][c];
}

/* p0 > p1: a UDP flow A > B of ten 1000-byte datagrams 100 ms apart (1 ms
 * on the hop), and five pings A > B answered in 4 ms at p0 (1 ms hop each
 * way, 2 ms turnaround at p1). */
static struct pt_analysis *small(struct pt_points *ps)
{
	static const char *const names[] = { "tap", "nic" };
	feed_points(ps, 2, names);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .reorder_ns = MS(5), .dup_ns = US(500),
					  .reference = -1, .bin_ns = MS(500) };
	struct pt_analysis *a = pt_analysis_new(&cfg, ps);
	ck_assert_ptr_nonnull(a);
	for (uint16_t i = 0; i < 10; i++) {
		struct feed_pkt p = { .point = 0, .ts = MS(100) * i, .src = A, .dst = B, .sport = 1, .dport = 2,
				      .ip_len = 1028, .ip_id = (uint16_t)(1 + i) };
		feed(a, &p);
		p.point = 1;
		p.ts += MS(1);
		feed(a, &p);
	}
	for (uint16_t i = 0; i < 5; i++) {
		int64_t t0 = MS(2000) + MS(100) * i;
		struct feed_pkt q = { .point = 0, .ts = t0, .proto = 1, .src = A, .dst = B, .sport = 7, .ip_len = 84,
				      .icmp_seq = (uint16_t)(i + 1), .ip_id = (uint16_t)(100 + i) };
		feed(a, &q);
		q.point = 1;
		q.ts = t0 + MS(1);
		feed(a, &q);
		struct feed_pkt p = { .point = 1, .ts = t0 + MS(3), .proto = 1, .src = B, .dst = A, .sport = 7,
				      .ip_len = 84, .icmp_reply = true, .icmp_seq = (uint16_t)(i + 1),
				      .ip_id = (uint16_t)(200 + i) };
		feed(a, &p);
		p.point = 0;
		p.ts = t0 + MS(4);
		feed(a, &p);
	}
	pt_analysis_finish(a);
	return a;
}

static char dir[] = "/tmp/pt-check-charts-XXXXXX";

static void path_in(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void setup(void)
{
	strcpy(dir, "/tmp/pt-check-charts-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_throughput_csv)
{
	struct pt_points ps;
	struct pt_analysis *a = small(&ps);
	char path[512];
	path_in(path, sizeof path, "throughput.csv");
	ck_assert(pt_write_throughput(a, path));
	struct table t;
	table_read(&t, path);
	/* Rows of the UDP flow (1) at the tap: 1000 bytes of goodput every 100 ms,
	 * so 5000 per 0.5 s bin = 80 kbit/s, for bins 0 and 1. */
	size_t got = 0;
	for (size_t r = 1; r < t.n; r++) {
		if (strcmp(cell(&t, r, "flow"), "1") != 0 || strcmp(cell(&t, r, "point"), "tap") != 0)
			continue;
		double ts = atof(cell(&t, r, "t_s"));
		ck_assert(ts == 0.0 || ts == 0.5);
		ck_assert_str_eq(cell(&t, r, "bin_s"), "0.500000");
		ck_assert_str_eq(cell(&t, r, "packets"), "5");
		ck_assert_str_eq(cell(&t, r, "goodput_bytes"), "5000");
		ck_assert_str_eq(cell(&t, r, "goodput_bps"), "80000");
		ck_assert_str_eq(cell(&t, r, "wire_bytes"), "5210");
		got++;
	}
	ck_assert_uint_eq(got, 2);
	/* "all" at the tap spans every bin of the capture (0 .. 2.4 s: 5 bins), zeros included. */
	got = 0;
	for (size_t r = 1; r < t.n; r++)
		if (strcmp(cell(&t, r, "flow"), "all") == 0 && strcmp(cell(&t, r, "point"), "tap") == 0)
			got++;
	ck_assert_uint_eq(got, 5);
	ck_assert_str_eq(t.rows[0][0], "point");
	/* Where a series lies, for the charts that read only it. */
	size_t first, n;
	ck_assert(pt_throughput_rows(a, (uint32_t)pt_tput_slot(a->tput, 1), 1, &first, &n));
	ck_assert_uint_eq(n, 2);
	for (size_t r = first + 1; r < first + 1 + n; r++) {
		ck_assert_str_eq(cell(&t, r, "point"), "nic");
		ck_assert_str_eq(cell(&t, r, "flow"), "1");
	}
	ck_assert(first + 1 + n >= t.n || strcmp(cell(&t, first + 1 + n, "flow"), "1") != 0 ||
		  strcmp(cell(&t, first + 1 + n, "point"), "nic") != 0);
	ck_assert(!pt_throughput_rows(a, PT_SLOT_OTHER, 1, &first, &n));
	table_free(&t);
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

START_TEST(test_rtt_and_split_csv)
{
	struct pt_points ps;
	struct pt_analysis *a = small(&ps);
	char path[512];
	path_in(path, sizeof path, "rtt.csv");
	struct pt_chart_pick p;
	pt_chart_pick(a, NULL, &p);
	ck_assert(pt_write_rtt(a, &p, path));
	struct table t;
	table_read(&t, path);
	/* The charted series first: ping's at its first point, the tap. */
	ck_assert_uint_eq(p.nrtt, 1);
	size_t first, n;
	ck_assert(pt_rtt_rows(a, &p, 0, &first, &n));
	ck_assert_uint_eq(first, 0);
	ck_assert_uint_eq(n, 5);
	for (size_t r = 1; r <= 5; r++)
		ck_assert_str_eq(cell(&t, r, "point"), "tap");
	ck_assert(!pt_rtt_rows(a, &p, 1, &first, &n));
	size_t at_tap = 0;
	for (size_t r = 1; r < t.n; r++) {
		ck_assert_str_eq(cell(&t, r, "kind"), "icmp");
		if (strcmp(cell(&t, r, "point"), "tap") == 0) {
			ck_assert_str_eq(cell(&t, r, "rtt_us"), "4000.000");
			ck_assert(fabs(atof(cell(&t, r, "t_s")) - (2.0 + 0.1 * (double)at_tap)) < 1e-9);
			at_tap++;
		} else {
			ck_assert_str_eq(cell(&t, r, "rtt_us"), "2000.000");
		}
	}
	ck_assert_uint_eq(at_tap, 5);
	table_free(&t);

	path_in(path, sizeof path, "rtt-hops.csv");
	ck_assert(pt_write_rtt_hops(a, path));
	table_read(&t, path);
	ck_assert_uint_eq(t.n, 4);
	static const char *const part[] = { "there", "far end", "back" }, *const p50[] = { "1000.000", "2000.000",
											  "1000.000" },
				 *const start[] = { "0.000", "1000.000", "3000.000" };
	for (size_t r = 1; r < 4; r++) {
		ck_assert_str_eq(cell(&t, r, "part"), part[r - 1]);
		ck_assert_str_eq(cell(&t, r, "p50_us"), p50[r - 1]);
		ck_assert_str_eq(cell(&t, r, "start_us"), start[r - 1]);
		ck_assert_str_eq(cell(&t, r, "measured_at"), "tap");
		ck_assert_str_eq(cell(&t, r, "measured_p50_us"), "4000.000");
	}
	table_free(&t);
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

START_TEST(test_scenario_row)
{
	struct pt_points ps;
	struct pt_analysis *a = small(&ps);
	struct pt_chart_opts o = { .label = "two points" };
	struct pt_chart_pick p;
	pt_chart_pick(a, &o, &p);
	ck_assert_uint_eq(p.main_flow, 1);
	ck_assert_uint_eq(p.receiver, 1);
	struct pt_scenario s;
	pt_scenario_numbers(a, &p, &s);
	/* 10000 bytes of goodput at nic from 0.001 s to 0.901 s. */
	ck_assert(fabs(s.fwd_bps - 8.0 * 10000 / 0.9) < 1e-6);
	ck_assert(fabs(s.lat_p50_us - 1000) < 1e-9);
	ck_assert_int_eq(s.rtt_kind, PT_RTT_ICMP);
	ck_assert(fabs(s.rtt_p50_us - 4000) < 1e-9);
	ck_assert_uint_eq(s.lost, 0);
	char path[512];
	path_in(path, sizeof path, "scenario.csv");
	ck_assert(pt_write_scenario(a, &p, o.label, path));
	/* compare reads back what analyze wrote. */
	struct pt_compare_row row;
	char err[256];
	ck_assert_msg(pt_compare_load(dir, NULL, &row, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(row.label, "two points");
	ck_assert_str_eq(row.receiver, "nic");
	ck_assert_uint_eq(row.main_flow, 1);
	ck_assert(fabs(row.fwd_bps - s.fwd_bps) < 1);
	ck_assert(fabs(row.rtt_p50_us - 4000) < 1e-9);
	ck_assert_str_eq(row.mtu, "none");
	ck_assert_msg(pt_compare_load(dir, "given", &row, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(row.label, "given");
	/* A directory without an analysis is an error naming the file. */
	ck_assert_int_eq(pt_compare_load("/proc/self", NULL, &row, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "scenario.csv"));
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "%s missing", path);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

START_TEST(test_chart_scripts)
{
	struct pt_points ps;
	struct pt_analysis *a = small(&ps);
	struct pt_chart_opts o = { .label = "it's small", .svg = true };
	struct pt_chart_pick p;
	pt_chart_pick(a, &o, &p);
	char err[256], path[512];
	ck_assert_int_eq(pt_charts_write(a, &p, &o, dir, err, sizeof err), 0);
	static const char *const all[] = { "throughput", "throughput-flows", "latency-box", "latency-cdf", "latency-time",
					   "rtt", "rtt-hops", "sizes", "overhead" };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		snprintf(path, sizeof path, "%s/%s.gp", dir, all[i]);
		ck_assert_msg(access(path, F_OK) == 0, "%s not written", path);
	}
	path_in(path, sizeof path, "throughput.gp");
	char *s = slurp(path);
	/* The choices first, quoted for gnuplot, then the style, then the chart. */
	ck_assert_ptr_nonnull(strstr(s, "if (!exists(\"formats\")) formats = 'png pdf svg'\n"));
	ck_assert_ptr_nonnull(strstr(s, "capture_set = 'it''s small'\n"));
	ck_assert_ptr_nonnull(strstr(s, "flow = 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "npoints = 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "point_1 = 'tap'\n"));
	ck_assert_ptr_nonnull(strstr(s, "point_2 = 'nic'\n"));
	ck_assert_ptr_nonnull(strstr(s, "unit_name = 'kbit/s'\n"));
	ck_assert_ptr_nonnull(strstr(s, "bin_label = '500 ms'\n"));
	ck_assert_ptr_nonnull(strstr(s, "t_first = 0\n"));
	ck_assert_ptr_nonnull(strstr(s, "t_last = 1\n"));
	char *style = strstr(s, "term(fmt, name) ="), *chart = strstr(s, "eval term(fmt, \"throughput\")");
	ck_assert(style && chart && style < chart);
	free(s);
	path_in(path, sizeof path, "rtt-hops.gp");
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "nrows = 3\n"));
	ck_assert_ptr_nonnull(strstr(s, "row_title_2 = 'far end: nic'\n"));
	ck_assert_ptr_nonnull(strstr(s, "row_pattern_3 = 4\n")); /* the way back is hatched */
	ck_assert_ptr_nonnull(strstr(s, "unit_name = 'ms'\n"));
	free(s);
	path_in(path, sizeof path, "latency-box.gp");
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "hop_list = '1'\n"));
	free(s);
	path_in(path, sizeof path, "throughput-flows.gp");
	s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "flow_1 = 1\n")); /* the most goodput first */
	free(s);
	pt_analysis_free(a);
	pt_points_free(&ps);

	/* Another analysis into the same directory, of one point: the charts it
	 * has no data for go, images included, so none tells of other captures. */
	path_in(path, sizeof path, "rtt.png");
	FILE *fp = fopen(path, "w");
	fclose(fp);
	feed_points(&ps, 1, NULL);
	struct pt_analysis_config cfg = { .window_ns = MS(1000), .dup_ns = US(500), .reference = -1 };
	a = pt_analysis_new(&cfg, &ps);
	struct feed_pkt one = { .point = 0, .ts = MS(1), .ip_len = 100, .ip_id = 1 };
	feed(a, &one);
	pt_analysis_finish(a);
	pt_chart_pick(a, &o, &p);
	ck_assert_int_eq(pt_charts_write(a, &p, &o, dir, err, sizeof err), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	static const char *const gone[] = { "throughput-flows", "latency-box", "latency-cdf", "latency-time", "rtt",
					    "rtt-hops" };
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
		snprintf(path, sizeof path, "%s/%s.gp", dir, gone[i]);
		ck_assert_msg(access(path, F_OK) == -1, "%s left", path);
	}
	path_in(path, sizeof path, "throughput.gp");
	ck_assert_int_eq(access(path, F_OK), 0);
	pt_analysis_free(a);
	pt_points_free(&ps);
}
END_TEST

START_TEST(test_csv_reader)
{
	char path[512];
	path_in(path, sizeof path, "q.csv");
	FILE *fp = fopen(path, "w");
	fputs("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n", fp);
	fclose(fp);
	struct table t;
	table_read(&t, path);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(t.rows[1][1], "x, y");
	ck_assert_str_eq(t.rows[1][2], "say \"hi\"");
	ck_assert_str_eq(t.rows[2][1], "two\nlines");
	ck_assert_uint_eq(t.ncols[2], 3);
	ck_assert_str_eq(t.rows[2][2], "");
	ck_assert_int_eq(pt_csv_column((const char *const *)t.rows[0], 3, "c"), 2);
	ck_assert_int_eq(pt_csv_column((const char *const *)t.rows[0], 3, "d"), -1);
	table_free(&t);
	char err[256];
	ck_assert_int_eq(pt_csv_read("/no/such/file.csv", keep_row, &t, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/no/such/file.csv"));
}
END_TEST

START_TEST(test_compare_table)
{
	struct pt_compare_row rows[2];
	memset(rows, 0, sizeof rows);
	strcpy(rows[0].label, "linuxbridge");
	strcpy(rows[1].label, "hybrid veth");
	rows[0].fwd_bps = 27.4e9, rows[1].fwd_bps = 1.13e9;
	rows[0].rev_bps = rows[1].rev_bps = NAN;
	rows[0].lat_p50_us = 12, rows[0].lat_p99_us = 30, rows[0].rtt_p50_us = 40, rows[0].rtt_p99_us = 80;
	rows[1].lat_p50_us = rows[1].lat_p99_us = rows[1].rtt_p50_us = rows[1].rtt_p99_us = NAN;
	rows[0].loss_pct = rows[1].loss_pct = 0;
	rows[0].overhead_pct = 0, rows[1].overhead_pct = 3.2;
	strcpy(rows[0].mtu, "none");
	strcpy(rows[1].mtu, "mtu.oversize_drop@qbr1>qvb1");
	char path[512];
	path_in(path, sizeof path, "t.txt");
	FILE *fp = fopen(path, "w");
	pt_compare_text(rows, 2, fp);
	fclose(fp);
	char *s = slurp(path);
	ck_assert_ptr_nonnull(strstr(s, "Gbit/s"));
	ck_assert_ptr_nonnull(strstr(s, "27.400"));
	ck_assert_ptr_nonnull(strstr(s, "1.130"));
	ck_assert_ptr_nonnull(strstr(s, "12.0 / 30.0"));
	ck_assert_ptr_nonnull(strstr(s, "mtu.oversize_drop@qbr1>qvb1"));
	ck_assert_ptr_nonnull(strstr(s, "hybrid veth"));
	free(s);
	char err[256], sub[512];
	ck_assert_int_eq(pt_compare_write(rows, 2, dir, err, sizeof err), 0);
	/* A directory with missing parents is made. */
	path_in(sub, sizeof sub, "study/figures");
	ck_assert_msg(pt_compare_write(rows, 2, sub, err, sizeof err) == 0, "%s", err);
	path_in(path, sizeof path, "study/figures/compare.txt");
	ck_assert_int_eq(access(path, F_OK), 0);
	path_in(path, sizeof path, "compare.csv");
	struct table t;
	table_read(&t, path);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(cell(&t, 1, "fwd_goodput_bps"), "27400000000");
	ck_assert_str_eq(cell(&t, 2, "rev_goodput_bps"), "");
	ck_assert_str_eq(cell(&t, 2, "label"), "hybrid veth");
	table_free(&t);
}
END_TEST

Suite *pt_charts_suite(void)
{
	Suite *s = suite_create("charts");
	TCase *tc = tcase_create("charts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_throughput_csv);
	tcase_add_test(tc, test_rtt_and_split_csv);
	tcase_add_test(tc, test_scenario_row);
	tcase_add_test(tc, test_chart_scripts);
	tcase_add_test(tc, test_csv_reader);
	tcase_add_test(tc, test_compare_table);
	suite_add_tcase(s, tc);
	return s;
}
