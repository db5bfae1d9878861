/* Several analyses side by side: each directory's scenario.csv is one row of
 * the table; its throughput.csv gives the main flow's goodput over time at
 * its receiving point, from the first bin that carried payload. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output/compare.h"
#include "output/csv-reader.h"
#include "output/csv-writer.h"

static double num(const char *s)
{
	if (!s || !*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}

struct load {
	struct pt_compare_row *row;
	const char *label;
	long col[32];
	size_t rows;
};

static const char *const wanted[] = { "label",      "main_flow",  "main_flow_key", "receiver",   "fwd_goodput_bps",
				      "rev_goodput_bps", "peak_goodput_bps", "bin_s", "lat_p50_us", "lat_p99_us",
				      "rtt_kind",   "rtt_p50_us", "rtt_p99_us",   "lost",       "loss_pct",
				      "overhead_pct", "mtu_findings" };
enum { W_LABEL, W_FLOW, W_KEY, W_RECEIVER, W_FWD, W_REV, W_PEAK, W_BIN, W_LAT50, W_LAT99, W_RTTKIND, W_RTT50,
       W_RTT99, W_LOST, W_LOSS, W_OVERHEAD, W_MTU, W__N };

static const char *field(const struct load *l, const char *const *f, size_t n, int w)
{
	return l->col[w] >= 0 && (size_t)l->col[w] < n ? f[l->col[w]] : "";
}

static bool load_row(void *ctx, const char *const *f, size_t n)
{
	struct load *l = ctx;
	if (l->rows++ == 0) {
		for (int w = 0; w < W__N; w++)
			l->col[w] = pt_csv_column(f, n, wanted[w]);
		return true;
	}
	struct pt_compare_row *r = l->row;
	snprintf(r->label, sizeof r->label, "%s", l->label ? l->label : field(l, f, n, W_LABEL));
	r->main_flow = (uint32_t)strtoul(field(l, f, n, W_FLOW), NULL, 10);
	snprintf(r->flow_key, sizeof r->flow_key, "%s", field(l, f, n, W_KEY));
	snprintf(r->receiver, sizeof r->receiver, "%s", field(l, f, n, W_RECEIVER));
	snprintf(r->rtt_kind, sizeof r->rtt_kind, "%s", field(l, f, n, W_RTTKIND));
	snprintf(r->mtu, sizeof r->mtu, "%s", field(l, f, n, W_MTU));
	r->fwd_bps = num(field(l, f, n, W_FWD));
	r->rev_bps = num(field(l, f, n, W_REV));
	r->peak_bps = num(field(l, f, n, W_PEAK));
	r->bin_s = num(field(l, f, n, W_BIN));
	r->lat_p50_us = num(field(l, f, n, W_LAT50));
	r->lat_p99_us = num(field(l, f, n, W_LAT99));
	r->rtt_p50_us = num(field(l, f, n, W_RTT50));
	r->rtt_p99_us = num(field(l, f, n, W_RTT99));
	r->lost = strtoull(field(l, f, n, W_LOST), NULL, 10);
	r->loss_pct = num(field(l, f, n, W_LOSS));
	r->overhead_pct = num(field(l, f, n, W_OVERHEAD));
	return false; /* one row */
}

int pt_compare_load(const char *dir, const char *label, struct pt_compare_row *row, char *err, size_t errlen)
{
	char path[4096];
	memset(row, 0, sizeof *row);
	snprintf(row->dir, sizeof row->dir, "%s", dir);
	snprintf(path, sizeof path, "%s/scenario.csv", dir);
	struct load l = { .row = row, .label = label };
	if (pt_csv_read(path, load_row, &l, err, errlen) != 0)
		return -1;
	if (l.rows < 2 || l.col[W_FWD] < 0) {
		snprintf(err, errlen, "%s: no scenario row (is %s the output of pathtrace analyze?)", path, dir);
		return -1;
	}
	if (!row->label[0]) {
		/* The directory's own name. */
		char tmp[1024];
		snprintf(tmp, sizeof tmp, "%s", dir);
		size_t n = strlen(tmp);
		while (n > 1 && tmp[n - 1] == '/')
			tmp[--n] = '\0';
		const char *b = strrchr(tmp, '/');
		snprintf(row->label, sizeof row->label, "%s", b ? b + 1 : tmp);
	}
	return 0;
}

/* ------------------------------------------------------------ compare-throughput.csv */

struct series {
	const struct pt_compare_row *row;
	size_t index;
	struct pt_csv *out;
	long c_point, c_flow, c_t, c_bps;
	size_t rows;
	bool started;
	double t0;
	char flow[16];
};

static bool series_row(void *ctx, const char *const *f, size_t n)
{
	struct series *s = ctx;
	if (s->rows++ == 0) {
		s->c_point = pt_csv_column(f, n, "point");
		s->c_flow = pt_csv_column(f, n, "flow");
		s->c_t = pt_csv_column(f, n, "t_s");
		s->c_bps = pt_csv_column(f, n, "goodput_bps");
		return s->c_point >= 0 && s->c_flow >= 0 && s->c_t >= 0 && s->c_bps >= 0;
	}
	size_t need = (size_t)s->c_point;
	if ((size_t)s->c_flow > need)
		need = (size_t)s->c_flow;
	if ((size_t)s->c_t > need)
		need = (size_t)s->c_t;
	if ((size_t)s->c_bps > need)
		need = (size_t)s->c_bps;
	if (n <= need || strcmp(f[s->c_point], s->row->receiver) != 0 || strcmp(f[s->c_flow], s->flow) != 0)
		return true;
	double t = num(f[s->c_t]), bps = num(f[s->c_bps]);
	if (!s->started) {
		if (!(bps > 0))
			return true;
		s->started = true;
		s->t0 = t;
	}
	pt_csv_u64(s->out, s->index);
	pt_csv_str(s->out, s->row->label);
	pt_csv_f(s->out, t - s->t0, 6);
	pt_csv_f(s->out, bps, 0);
	pt_csv_end_row(s->out);
	return true;
}

static int write_series(const struct pt_compare_row *rows, size_t n, const char *outdir, char *err, size_t errlen)
{
	/* The scenario's number first: a chart picks rows by it, since gnuplot
	 * cannot compare a quoted label holding a comma. */
	static const char *const cols[] = { "scenario", "label", "t_s", "goodput_bps" };
	char path[4096];
	snprintf(path, sizeof path, "%s/compare-throughput.csv", outdir);
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, 4)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].main_flow || !rows[i].receiver[0])
			continue;
		char in[4096];
		snprintf(in, sizeof in, "%s/throughput.csv", rows[i].dir);
		struct series s = { .row = &rows[i], .index = i + 1, .out = &c };
		snprintf(s.flow, sizeof s.flow, "%u", (unsigned)rows[i].main_flow);
		if (pt_csv_read(in, series_row, &s, err, errlen) != 0) {
			pt_csv_abort(&c);
			return -1;
		}
	}
	if (!pt_csv_close(&c)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ compare.csv, compare.txt */

/* mkdir -p: -o out/study/figures works on a fresh tree. */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return -1;
		path[i] = c;
	}
	return 0;
}

int pt_compare_write(const struct pt_compare_row *rows, size_t n, const char *outdir, char *err, size_t errlen)
{
	static const char *const cols[] = { "label",         "dir",         "fwd_goodput_bps", "rev_goodput_bps",
					    "peak_goodput_bps", "lat_p50_us", "lat_p99_us",      "rtt_kind",
					    "rtt_p50_us",    "rtt_p99_us",  "lost",            "loss_pct",
					    "overhead_pct",  "mtu_findings", "main_flow_key",  "receiver" };
	char path[4096];
	if (make_dirs(outdir) != 0) {
		snprintf(err, errlen, "%s: cannot create: %s", outdir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/compare.csv", outdir);
	struct pt_csv c;
	if (!pt_csv_open(&c, path, cols, sizeof cols / sizeof cols[0])) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pt_compare_row *r = &rows[i];
		pt_csv_str(&c, r->label);
		pt_csv_str(&c, r->dir);
		pt_csv_f(&c, r->fwd_bps, 0);
		pt_csv_f(&c, r->rev_bps, 0);
		pt_csv_f(&c, r->peak_bps, 0);
		pt_csv_f(&c, r->lat_p50_us, 3);
		pt_csv_f(&c, r->lat_p99_us, 3);
		pt_csv_str(&c, r->rtt_kind);
		pt_csv_f(&c, r->rtt_p50_us, 3);
		pt_csv_f(&c, r->rtt_p99_us, 3);
		pt_csv_u64(&c, r->lost);
		pt_csv_f(&c, r->loss_pct, 3);
		pt_csv_f(&c, r->overhead_pct, 2);
		pt_csv_str(&c, r->mtu);
		pt_csv_str(&c, r->flow_key);
		pt_csv_str(&c, r->receiver);
		pt_csv_end_row(&c);
	}
	if (!pt_csv_close(&c)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/compare.txt", outdir);
	FILE *fp = fopen(path, "w");
	if (!fp) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	pt_compare_text(rows, n, fp);
	bool ok = !ferror(fp);
	if (fclose(fp) != 0 || !ok) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	return write_series(rows, n, outdir, err, errlen);
}

static void cell(char *buf, size_t size, double v, double unit, int decimals)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.*f", decimals, v / unit);
}

void pt_compare_text(const struct pt_compare_row *rows, size_t n, FILE *fp)
{
	double peak = 0, lat = 0;
	int wl = 8;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].fwd_bps > peak)
			peak = rows[i].fwd_bps;
		if (rows[i].rev_bps > peak)
			peak = rows[i].rev_bps;
		if (rows[i].rtt_p99_us > lat)
			lat = rows[i].rtt_p99_us;
		if (rows[i].lat_p99_us > lat)
			lat = rows[i].lat_p99_us;
		int l = (int)strlen(rows[i].label);
		if (l > wl)
			wl = l;
	}
	double ru = peak >= 1e9 ? 1e9 : 1e6, tu = lat >= 10000 ? 1000 : 1;
	const char *rn = ru == 1e9 ? "Gbit/s" : "Mbit/s", *tn = tu == 1000 ? "ms" : "us";
	fprintf(fp, "%-*s  %10s %10s  %19s  %19s  %14s  %7s  %s\n", wl, "scenario", "forward", "reverse",
		"one-way p50 / p99", "round trip p50/p99", "lost", "encap", "MTU findings");
	char u1[32], u2[32];
	snprintf(u1, sizeof u1, "(%s)", tn);
	snprintf(u2, sizeof u2, "(%s)", tn);
	fprintf(fp, "%-*s  %10s %10s  %19s  %19s  %14s  %7s\n", wl, "", rn, rn, u1, u2, "packets (%)", "%");
	for (size_t i = 0; i < n; i++) {
		const struct pt_compare_row *r = &rows[i];
		char f[32], b[32], l50[32], l99[32], r50[32], r99[32], lat_s[80], rtt_s[80], lost[48], ov[32];
		cell(f, sizeof f, r->fwd_bps, ru, 3);
		cell(b, sizeof b, r->rev_bps, ru, 3);
		cell(l50, sizeof l50, r->lat_p50_us, tu, tu == 1 ? 1 : 3);
		cell(l99, sizeof l99, r->lat_p99_us, tu, tu == 1 ? 1 : 3);
		cell(r50, sizeof r50, r->rtt_p50_us, tu, tu == 1 ? 1 : 3);
		cell(r99, sizeof r99, r->rtt_p99_us, tu, tu == 1 ? 1 : 3);
		snprintf(lat_s, sizeof lat_s, "%s / %s", l50, l99);
		snprintf(rtt_s, sizeof rtt_s, "%s / %s", r50, r99);
		if (isnan(r->loss_pct))
			snprintf(lost, sizeof lost, "%llu", (unsigned long long)r->lost);
		else
			snprintf(lost, sizeof lost, "%llu (%.2f)", (unsigned long long)r->lost, r->loss_pct);
		cell(ov, sizeof ov, r->overhead_pct, 1, 2);
		fprintf(fp, "%-*s  %10s %10s  %19s  %19s  %14s  %7s  %s\n", wl, r->label, f, b, lat_s, rtt_s, lost, ov,
			r->mtu[0] ? r->mtu : "-");
	}
	fprintf(fp,
		"\nforward: mean goodput of the main flow's direction at its receiving point; reverse: the other way.\n"
		"one-way: the main flow from its first capture point to its last (clocks corrected); round trip: at the\n"
		"sender's point (ping if the captures hold one, else TCP). encap: tunnel headers' share of the bytes at\n"
		"the point where it is largest.\n");
}
