/* Charts: one gnuplot script per chart, written next to the CSV files it
 * reads (so a user can edit either and re-render with `pathtrace plot`), then
 * rendered by gnuplot when it is installed. A script is the choices made for
 * this capture set (which flow, which points, units, titles) as variables at
 * its top, then the shared style (plots/style.gp), then the chart
 * (plots/NAME.gp). Rendering is the optional last step: a missing gnuplot is
 * a note, never a failure. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/compare.h"
#include "output/report.h"
#include "output/series-out.h"
#include "output/text.h"

static const struct template {
	const char *name, *text;
} templates[] = {
#include "output/plot-templates.inc"
};

static const char *template_text(const char *name)
{
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (strcmp(templates[i].name, name) == 0)
			return templates[i].text;
	return "";
}

/* The charts of an analysis, in the order they are written. */
static const char *const chart_names[] = { "throughput",  "throughput-flows", "latency-box", "latency-cdf",
					   "latency-time", "rtt",              "rtt-hops",    "sizes",
					   "overhead" };

/* A gnuplot string literal: single quotes keep backslashes; a quote is doubled. */
static void gp_str(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; s && *s; s++) {
		if (*s == '\'')
			fputc('\'', fp);
		if (*s == '\n' || *s == '\r')
			continue;
		fputc(*s, fp);
	}
	fputc('\'', fp);
}

/* name = 'value' unless set already (gnuplot -e "name=..." wins). */
static void var_str(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, "if (!exists(\"%s\")) %s = ", name, name);
	gp_str(fp, value);
	fputc('\n', fp);
}

static void var_num(FILE *fp, const char *name, double value)
{
	fprintf(fp, "if (!exists(\"%s\")) %s = %.17g\n", name, name, value);
}

/* name_i = 'value' (lists are numbered variables; see at() in style.gp). */
static void var_stri(FILE *fp, const char *name, size_t i, const char *value)
{
	char n[64];
	snprintf(n, sizeof n, "%s_%zu", name, i);
	var_str(fp, n, value);
}

static void var_numi(FILE *fp, const char *name, size_t i, double value)
{
	char n[64];
	snprintf(n, sizeof n, "%s_%zu", name, i);
	var_num(fp, n, value);
}

/* Where line i's rows lie in its CSV file (see pt_throughput_rows). */
static void var_rows(FILE *fp, size_t i, size_t first, size_t n)
{
	var_numi(fp, "row_first", i, (double)first);
	var_numi(fp, "row_last", i, (double)first + (double)n - 1);
}

static void bin_label(int64_t ns, char *buf, size_t size)
{
	if (ns % 1000000000 == 0)
		snprintf(buf, size, "%" PRId64 " s", ns / 1000000000);
	else if (ns % 1000000 == 0)
		snprintf(buf, size, "%" PRId64 " ms", ns / 1000000);
	else if (ns >= 1000000)
		snprintf(buf, size, "%g ms", (double)ns / 1e6);
	else
		snprintf(buf, size, "%g us", (double)ns / 1e3);
}

/* A bit-rate unit that keeps the numbers of the axis short. */
static void rate_unit(FILE *fp, double peak_bps)
{
	static const struct {
		double unit;
		const char *name;
	} units[] = { { 1e9, "Gbit/s" }, { 1e6, "Mbit/s" }, { 1e3, "kbit/s" }, { 1, "bit/s" } };
	size_t k = 0;
	while (k + 1 < sizeof units / sizeof units[0] && peak_bps < units[k].unit)
		k++;
	var_num(fp, "unit", units[k].unit);
	var_str(fp, "unit_name", units[k].name);
}

static void time_unit(FILE *fp, double max_us)
{
	var_num(fp, "unit", max_us >= 1000 ? 1000 : 1);
	var_str(fp, "unit_name", max_us >= 1000 ? "ms" : "microseconds");
}

static void flow_title(const struct pt_analysis *a, uint32_t id, char *buf, size_t size)
{
	const struct pt_flow *f = pt_analysis_flow(a, id);
	char key[512] = "";
	if (f)
		pt_flow_key_format(&f->key, key, sizeof key);
	snprintf(buf, size, "flow %" PRIu32 ": %s", id, key);
}

/* A title's second line when a chart leaves something out: fmt takes how
 * many are shown, then how many there are. */
#define FOLD_NOTE(buf, shown, total, fmt)                                                       \
	do {                                                                                     \
		if ((size_t)(shown) < (size_t)(total))                                           \
			snprintf((buf), sizeof(buf), fmt, (size_t)(shown), (size_t)(total));     \
		else                                                                             \
			(buf)[0] = '\0';                                                         \
	} while (0)

struct script {
	FILE *fp;
	char path[4096], tmp[4200];
};

static bool script_open(struct script *s, const char *dir, const char *name, const struct pt_chart_opts *o)
{
	snprintf(s->path, sizeof s->path, "%s/%s.gp", dir, name);
	snprintf(s->tmp, sizeof s->tmp, "%s.tmp", s->path);
	s->fp = fopen(s->tmp, "w");
	if (!s->fp)
		return false;
	fprintf(s->fp,
		"# pathtrace chart \"%s\", written by pathtrace analyze next to the CSV files it reads.\n"
		"# Edit anything (the choices below, the style, the chart), then re-render every chart:\n"
		"#   pathtrace plot DIR            or one:  gnuplot %s.gp\n"
		"# Variables set here can be given on the command line instead:\n"
		"#   gnuplot -e \"formats='pdf svg'\" %s.gp\n\n",
		name, name, name);
	var_str(s->fp, "formats", o->svg ? "png pdf svg" : "png pdf");
	var_str(s->fp, "capture_set", o->label ? o->label : "captures");
	return true;
}

static bool script_close(struct script *s, const char *name)
{
	fputs("\n# ---- style (plots/style.gp)\n", s->fp);
	fputs(template_text("style"), s->fp);
	fprintf(s->fp, "\n# ---- the chart (plots/%s.gp)\n", name);
	fputs(template_text(name), s->fp);
	bool ok = !ferror(s->fp);
	ok = fclose(s->fp) == 0 && ok;
	if (ok)
		ok = rename(s->tmp, s->path) == 0;
	else
		remove(s->tmp);
	return ok;
}

/* ---------------------------------------------------------------- the charts */

/* Widens [*lo, *hi] (bins) to the span of slot's series over all points. */
static void slot_span(const struct pt_throughput *t, int32_t slot, int64_t *lo, int64_t *hi)
{
	for (size_t i = 0; i < t->nall; i++) {
		const struct pt_tseries *s = t->all[i];
		if ((int32_t)s->slot != slot || !s->n)
			continue;
		if (s->first < *lo)
			*lo = s->first;
		if (s->first + (int64_t)s->n - 1 > *hi)
			*hi = s->first + (int64_t)s->n - 1;
	}
}

/* The x range of a throughput chart: from the first bin's start to the last one's end. */
static void time_range(FILE *fp, const struct pt_throughput *t, int64_t lo, int64_t hi)
{
	double secs = (double)t->bin_ns / 1e9;
	if (lo > hi)
		lo = hi = 0;
	var_num(fp, "t_first", (double)lo * secs);
	var_num(fp, "t_last", (double)(hi + 1) * secs);
}

/* The points of the main flow's throughput chart: its whole path when it
 * fits, else both ends and the points where it had the least goodput. */
/* The points of the main flow's throughput chart: the points of its path
 * that hold its series (after a NAT its packets carry another flow's id),
 * all when they fit, else both ends and those with the least goodput.
 * *total gets how many there were. */
static size_t throughput_points(const struct pt_analysis *a, uint32_t flow, uint32_t *out, size_t *total)
{
	const struct pt_path *path = pt_analysis_path(a, flow);
	int32_t slot = pt_tput_slot(a->tput, flow);
	uint32_t *cand = malloc((path->n ? path->n : 1) * sizeof *cand);
	bool *keep = calloc(path->n ? path->n : 1, sizeof *keep);
	size_t n = 0, m = 0;
	for (uint32_t i = 0; cand && keep && i < path->n; i++)
		if (slot >= PT_SLOT_FLOW0 && pt_tput_series(a->tput, (uint32_t)slot, path->order[i]))
			cand[n++] = path->order[i];
	*total = n;
	if (n && n <= PT_CHART_LINES) {
		for (size_t i = 0; i < n; i++)
			keep[i] = true;
	} else if (n) {
		keep[0] = keep[n - 1] = true;
		for (size_t k = 2; k < PT_CHART_LINES; k++) {
			long best = -1;
			uint64_t least = UINT64_MAX;
			for (size_t i = 1; i + 1 < n; i++) {
				const struct pt_flow_at *x = pt_tput_flow_at(a->tput, flow, cand[i]);
				uint64_t g = x ? x->goodput_bytes : 0;
				if (!keep[i] && g < least) {
					least = g;
					best = (long)i;
				}
			}
			if (best >= 0)
				keep[best] = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			out[m++] = cand[i];
	free(cand);
	free(keep);
	return m;
}

static bool chart_throughput(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
			     const char *dir)
{
	const struct pt_throughput *t = a->tput;
	if (!t || !p->main_flow || pt_tput_slot(t, p->main_flow) < PT_SLOT_FLOW0)
		return false;
	uint32_t pts[PT_CHART_LINES];
	size_t total, n = throughput_points(a, p->main_flow, pts, &total);
	if (!n)
		return false;
	struct script s;
	if (!script_open(&s, dir, "throughput", o))
		return false;
	char buf[1024], note[256];
	double peak = 0;
	int32_t slot = pt_tput_slot(t, p->main_flow);
	for (size_t i = 0; i < n; i++) {
		const struct pt_tseries *ser = pt_tput_series(t, (uint32_t)slot, pts[i]);
		for (size_t k = 0; ser && k < ser->n; k++)
			if (8.0 * (double)ser->v[k].goodput_bytes > peak)
				peak = 8.0 * (double)ser->v[k].goodput_bytes;
	}
	var_num(s.fp, "flow", p->main_flow);
	flow_title(a, p->main_flow, buf, sizeof buf);
	var_str(s.fp, "flow_title", buf);
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	slot_span(t, slot, &lo, &hi);
	time_range(s.fp, t, lo, hi);
	var_num(s.fp, "npoints", (double)n);
	for (size_t i = 0; i < n; i++) {
		size_t first = 0, rows = 0;
		var_stri(s.fp, "point", i + 1, a->points->v[pts[i]].name);
		pt_throughput_rows(a, (uint32_t)slot, pts[i], &first, &rows);
		var_rows(s.fp, i + 1, first, rows);
	}
	rate_unit(s.fp, peak / ((double)t->bin_ns / 1e9));
	bin_label(t->bin_ns, buf, sizeof buf);
	var_str(s.fp, "bin_label", buf);
	FOLD_NOTE(note, n, total, "%zu of the path's %zu points: both ends and those with the least goodput");
	var_str(s.fp, "note", note);
	return script_close(&s, "throughput");
}

static bool chart_throughput_flows(const struct pt_analysis *a, const struct pt_chart_pick *p,
				   const struct pt_chart_opts *o, const char *dir)
{
	const struct pt_throughput *t = a->tput;
	/* Each flow at the last point of its path that holds its series. */
	uint32_t flows[PT_CHART_LINES], at[PT_CHART_LINES];
	size_t n = 0;
	for (size_t i = 0; t && i < p->nflows; i++) {
		const struct pt_path *path = pt_analysis_path(a, p->flows[i]);
		int32_t slot = pt_tput_slot(t, p->flows[i]);
		for (uint32_t k = path->n; k-- > 0 && slot >= PT_SLOT_FLOW0;)
			if (pt_tput_series(t, (uint32_t)slot, path->order[k])) {
				flows[n] = p->flows[i];
				at[n++] = path->order[k];
				break;
			}
	}
	if (n < 2)
		return false;
	struct script s;
	if (!script_open(&s, dir, "throughput-flows", o))
		return false;
	char buf[1024], note[256];
	double peak = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	var_num(s.fp, "nflows", (double)n);
	for (size_t i = 0; i < n; i++) {
		int32_t slot = pt_tput_slot(t, flows[i]);
		slot_span(t, slot, &lo, &hi);
		const struct pt_tseries *ser = pt_tput_series(t, (uint32_t)slot, at[i]);
		for (size_t k = 0; ser && k < ser->n; k++)
			if (8.0 * (double)ser->v[k].goodput_bytes > peak)
				peak = 8.0 * (double)ser->v[k].goodput_bytes;
		size_t first = 0, rows = 0;
		pt_throughput_rows(a, (uint32_t)slot, at[i], &first, &rows);
		var_rows(s.fp, i + 1, first, rows);
		var_numi(s.fp, "flow", i + 1, flows[i]);
		var_stri(s.fp, "flow_point", i + 1, a->points->v[at[i]].name);
		flow_title(a, flows[i], buf, sizeof buf);
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof buf - len, " at %s", a->points->v[at[i]].name);
		var_stri(s.fp, "flow_title", i + 1, buf);
	}
	time_range(s.fp, t, lo, hi);
	rate_unit(s.fp, peak / ((double)t->bin_ns / 1e9));
	bin_label(t->bin_ns, buf, sizeof buf);
	var_str(s.fp, "bin_label", buf);
	FOLD_NOTE(note, n, p->flows_total, "the %zu largest of %zu flows with payload");
	var_str(s.fp, "note", note);
	return script_close(&s, "throughput-flows");
}

/* The hops of the latency flow to draw, numbered as in hops.csv: all when
 * they fit, else those with the largest p99 (in path order). */
static size_t latency_hops(const struct pt_analysis *a, uint32_t flow, size_t max, unsigned *num, size_t *idx,
			   size_t *total)
{
	size_t n = 0;
	unsigned hop = 0;
	*total = 0;
	/* First pass: count; second: keep the largest p99 when too many. */
	for (size_t i = 0; i < a->hops.n; i++)
		if (a->hops.v[i].flow_id == flow)
			(*total)++;
	double cut = -INFINITY;
	if (*total > max) {
		/* The max-th largest p99 is the cut. */
		double *v = malloc(*total * sizeof *v);
		size_t k = 0;
		for (size_t i = 0; v && i < a->hops.n; i++)
			if (a->hops.v[i].flow_id == flow)
				v[k++] = isnan(a->hops.v[i].p99_us) ? -INFINITY : a->hops.v[i].p99_us;
		for (size_t x = 0; v && x < k; x++)
			for (size_t y = x + 1; y < k; y++)
				if (v[y] > v[x]) {
					double z = v[x];
					v[x] = v[y];
					v[y] = z;
				}
		cut = v ? v[max - 1] : INFINITY;
		free(v);
	}
	for (size_t i = 0; i < a->hops.n && n < max; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (h->flow_id != flow)
			continue;
		hop++;
		double p99 = isnan(h->p99_us) ? -INFINITY : h->p99_us;
		if (p99 < cut || !h->matched)
			continue;
		num[n] = hop;
		idx[n++] = i;
	}
	return n;
}

static bool chart_latency(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
			  const char *dir, const char *name)
{
	if (!p->lat_flow)
		return false;
	unsigned num[PT_CHART_BARS];
	size_t idx[PT_CHART_BARS], total;
	bool box = strcmp(name, "latency-box") == 0;
	size_t n = latency_hops(a, p->lat_flow, box ? PT_CHART_BARS : PT_CHART_LINES, num, idx, &total);
	if (!n)
		return false;
	struct script s;
	if (!script_open(&s, dir, name, o))
		return false;
	char buf[1024], note[256];
	var_num(s.fp, "flow", p->lat_flow);
	flow_title(a, p->lat_flow, buf, sizeof buf);
	var_str(s.fp, "flow_title", buf);
	var_num(s.fp, "nhops", (double)n);
	size_t m = 0;
	char list[PT_CHART_BARS * 12] = "";
	for (size_t i = 0; i < n; i++) {
		const struct pt_hop *h = &a->hops.v[idx[i]];
		size_t first = 0, rows = 0;
		pt_latency_rows(a, p, p->lat_flow, num[i], &first, &rows);
		var_rows(s.fp, i + 1, first, rows);
		var_numi(s.fp, "hop", i + 1, num[i]);
		snprintf(buf, sizeof buf, "%u: %s > %s", num[i], a->points->v[h->from].name, a->points->v[h->to].name);
		var_stri(s.fp, "hop_title", i + 1, buf);
		m += (size_t)snprintf(list + m, sizeof list - m, "%s%u", m ? " " : "", num[i]);
	}
	var_str(s.fp, "hop_list", list);
	FOLD_NOTE(note, n, total, "the %zu hops with the largest p99 of %zu");
	var_str(s.fp, "note", note);
	return script_close(&s, name);
}

static bool chart_rtt(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
		      const char *dir)
{
	if (!p->nrtt)
		return false;
	struct script s;
	if (!script_open(&s, dir, "rtt", o))
		return false;
	char buf[1024], note[256];
	double max_us = 0;
	var_num(s.fp, "nrtt", (double)p->nrtt);
	for (size_t i = 0; i < p->nrtt; i++) {
		const struct pt_rtt_series *r = pt_rtt_find(a->rtt, p->rtt_flows[i], p->rtt_points[i]);
		for (uint32_t k = 0; r && k < r->n; k++)
			if ((double)r->v[k].ns / 1e3 > max_us)
				max_us = (double)r->v[k].ns / 1e3;
		size_t first = 0, rows = 0;
		pt_rtt_rows(a, p, i, &first, &rows);
		var_rows(s.fp, i + 1, first, rows);
		var_numi(s.fp, "rtt_flow", i + 1, p->rtt_flows[i]);
		var_stri(s.fp, "rtt_point", i + 1, a->points->v[p->rtt_points[i]].name);
		flow_title(a, p->rtt_flows[i], buf, sizeof buf);
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof buf - n, " at %s", a->points->v[p->rtt_points[i]].name);
		var_stri(s.fp, "rtt_title", i + 1, buf);
	}
	time_unit(s.fp, max_us);
	FOLD_NOTE(note, p->nrtt, p->rtt_total, "the %zu flows with the most round trips of %zu");
	var_str(s.fp, "note", note);
	return script_close(&s, "rtt");
}

static bool chart_rtt_hops(const struct pt_analysis *a, const struct pt_chart_opts *o, const char *dir)
{
	const struct pt_rtt *r = a->rtt;
	if (!r || (!r->splits[0].n && !r->splits[1].n))
		return false;
	struct script s;
	if (!script_open(&s, dir, "rtt-hops", o))
		return false;
	char buf[1024], note[256] = "";
	size_t nbars = 0, nrows = 0, labelled = 0, total_parts = 0;
	double max_us = 0;
	for (size_t k = 0; k < 2; k++) {
		const struct pt_rtt_split *sp = &r->splits[k];
		if (!sp->n)
			continue;
		nbars++;
		var_stri(s.fp, "bar_kind", nbars, sp->kind == PT_RTT_ICMP ? "icmp" : "tcp");
		snprintf(buf, sizeof buf, "%s flow %" PRIu32, sp->kind == PT_RTT_ICMP ? "ping" : "TCP", sp->flow);
		var_stri(s.fp, "bar_title", nbars, buf);
		if (sp->measured_p50_us > max_us)
			max_us = sp->measured_p50_us;
		double sum = 0;
		for (size_t i = 0; i < sp->n; i++)
			sum += isnan(sp->parts[i].p50_us) ? 0 : sp->parts[i].p50_us;
		if (sum > max_us)
			max_us = sum;
	}
	/* Key entries: the parts of the first bar, the largest PT_CHART_LINES of them. */
	const struct pt_rtt_split *first = r->splits[0].n ? &r->splits[0] : &r->splits[1];
	double cut = -INFINITY;
	total_parts = first->n;
	if (first->n > PT_CHART_LINES) {
		double v[512];
		size_t m = first->n < 512 ? first->n : 512;
		for (size_t i = 0; i < m; i++)
			v[i] = isnan(first->parts[i].p50_us) ? -INFINITY : first->parts[i].p50_us;
		for (size_t x = 0; x < m; x++)
			for (size_t y = x + 1; y < m; y++)
				if (v[y] > v[x]) {
					double z = v[x];
					v[x] = v[y];
					v[y] = z;
				}
		cut = v[PT_CHART_LINES - 1];
	}
	for (size_t k = 0; k < 2; k++) {
		const struct pt_rtt_split *sp = &r->splits[k];
		const struct pt_path *fw = pt_analysis_path(a, sp->flow);
		for (size_t i = 0; i < sp->n; i++) {
			const struct pt_rtt_part *q = &sp->parts[i];
			nrows++;
			/* A hop's colour is its position on the path there, both ways. */
			long pos = 0;
			uint32_t key = q->kind == PT_PART_BACK ? q->to : q->from;
			for (uint32_t j = 0; j < fw->n; j++)
				if (fw->order[j] == key)
					pos = j;
			int lt = q->kind == PT_PART_FAR ? 7 : (int)(pos % 10) + 1;
			if (lt == 7 && q->kind != PT_PART_FAR)
				lt = 10;
			var_stri(s.fp, "row_kind", nrows, sp->kind == PT_RTT_ICMP ? "icmp" : "tcp");
			var_numi(s.fp, "row_part", nrows, (double)(i + 1));
			var_numi(s.fp, "row_lt", nrows, lt);
			var_numi(s.fp, "row_pattern", nrows, q->kind == PT_PART_BACK ? 4 : 3);
			double p50 = isnan(q->p50_us) ? -INFINITY : q->p50_us;
			if (sp == first && p50 >= cut && labelled < PT_CHART_LINES) {
				labelled++;
				if (q->kind == PT_PART_FAR)
					snprintf(buf, sizeof buf, "far end: %s", a->points->v[q->from].name);
				else
					snprintf(buf, sizeof buf, "%s: %s > %s", q->kind == PT_PART_THERE ? "there" : "back",
						 a->points->v[q->from].name, a->points->v[q->to].name);
				var_stri(s.fp, "row_title", nrows, buf);
			} else {
				var_stri(s.fp, "row_title", nrows, "");
			}
		}
	}
	var_num(s.fp, "nbars", (double)nbars);
	var_num(s.fp, "nrows", (double)nrows);
	time_unit(s.fp, max_us);
	FOLD_NOTE(note, labelled, total_parts, "the key names the %zu largest of %zu parts");
	var_str(s.fp, "note", note);
	return script_close(&s, "rtt-hops");
}

static bool chart_sizes(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
			const char *dir)
{
	const struct pt_throughput *t = a->tput;
	if (!t)
		return false;
	/* The main path's points first, then the others by packets. */
	uint32_t pts[PT_CHART_LINES];
	size_t n = 0, total = 0;
	const struct pt_path *path = pt_analysis_path(a, p->main_flow);
	for (uint32_t i = 0; i < path->n && n < PT_CHART_LINES; i++)
		if (path->order[i] < t->npts && t->pts[path->order[i]].sizes)
			pts[n++] = path->order[i];
	for (size_t q = 0; q < t->npts; q++)
		total += t->pts[q].sizes != NULL;
	while (n < PT_CHART_LINES) {
		long best = -1;
		for (size_t q = 0; q < t->npts; q++) {
			bool taken = false;
			for (size_t i = 0; i < n; i++)
				taken = taken || pts[i] == q;
			if (!taken && t->pts[q].sizes && (best < 0 || t->pts[q].packets > t->pts[best].packets))
				best = (long)q;
		}
		if (best < 0)
			break;
		pts[n++] = (uint32_t)best;
	}
	if (!n)
		return false;
	struct script s;
	if (!script_open(&s, dir, "sizes", o))
		return false;
	char note[256];
	var_num(s.fp, "npoints", (double)n);
	for (size_t i = 0; i < n; i++) {
		size_t first = 0, rows = 0;
		var_stri(s.fp, "point", i + 1, a->points->v[pts[i]].name);
		pt_sizes_rows(a, pts[i], &first, &rows);
		var_rows(s.fp, i + 1, first, rows);
	}
	FOLD_NOTE(note, n, total, "%zu of %zu points: the main flow's path, then the most packets");
	var_str(s.fp, "note", note);
	return script_close(&s, "sizes");
}

static bool chart_overhead(const struct pt_analysis *a, const struct pt_chart_opts *o, const char *dir)
{
	const struct pt_throughput *t = a->tput;
	size_t total = 0;
	for (size_t q = 0; t && q < t->npts; q++)
		total += t->pts[q].packets > 0;
	if (!total)
		return false;
	struct script s;
	if (!script_open(&s, dir, "overhead", o))
		return false;
	char note[256];
	size_t n = total < PT_CHART_BARS ? total : PT_CHART_BARS;
	var_num(s.fp, "nbars", (double)n);
	FOLD_NOTE(note, n, total, "%zu of %zu points: the main flow's path, then the most packets");
	var_str(s.fp, "note", note);
	return script_close(&s, "overhead");
}

int pt_charts_write(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
		    const char *dir, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof chart_names / sizeof chart_names[0]; i++) {
		const char *name = chart_names[i];
		errno = 0;
		bool written;
		if (strcmp(name, "throughput") == 0)
			written = chart_throughput(a, p, o, dir);
		else if (strcmp(name, "throughput-flows") == 0)
			written = chart_throughput_flows(a, p, o, dir);
		else if (strncmp(name, "latency-", 8) == 0)
			written = chart_latency(a, p, o, dir, name);
		else if (strcmp(name, "rtt") == 0)
			written = chart_rtt(a, p, o, dir);
		else if (strcmp(name, "rtt-hops") == 0)
			written = chart_rtt_hops(a, o, dir);
		else if (strcmp(name, "sizes") == 0)
			written = chart_sizes(a, p, o, dir);
		else
			written = chart_overhead(a, o, dir);
		if (!written && errno) {
			snprintf(err, errlen, "%s/%s.gp: cannot write: %s", dir, name, strerror(errno));
			return -1;
		}
		if (!written) {
			/* No data for it this time: a script or image left from an
			 * earlier analysis in this directory would tell of other captures. */
			static const char *const ext[] = { "gp", "png", "pdf", "svg", "table" };
			for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++) {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext[k]);
				remove(path);
			}
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- rendering */

/* Starts gnuplot on script in dir: the child's pid, or -1. */
static pid_t start_gnuplot(const char *gnuplot, const char *dir, const char *extra, const char *script)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (chdir(dir) != 0)
		_exit(126);
	if (extra && *extra)
		execlp(gnuplot, gnuplot, "-e", extra, script, (char *)NULL);
	else
		execlp(gnuplot, gnuplot, script, (char *)NULL);
	_exit(127);
}

/* Waits for one of the children: its pid and exit status (-1 when killed). */
static pid_t wait_gnuplot(int *status)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, 0)) < 0)
		if (errno != EINTR)
			return -1;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return pid;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int pt_charts_render(const char *dir, const char *gnuplot, const char *extra, unsigned *rendered, char *note,
		     size_t notelen)
{
	note[0] = '\0';
	*rendered = 0;
	if (!gnuplot)
		gnuplot = getenv("PATHTRACE_GNUPLOT");
	if (!gnuplot || !*gnuplot)
		gnuplot = "gnuplot";
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(note, notelen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".gp") != 0 || e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			char **v = realloc(names, c * sizeof *v);
			if (!v)
				break;
			names = v;
			cap = c;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	/* gnuplot draws on one core: a script per core at a time. */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t jobs = cores < 1 ? 1 : cores > 4 ? 4 : (size_t)cores;
	pid_t *pids = calloc(n ? n : 1, sizeof *pids);
	int rc = 0;
	size_t used = 0, next = 0, running = 0;
	bool missing = false;
	while (pids && (running || (next < n && !missing))) {
		while (running < jobs && next < n && !missing) {
			pids[next] = start_gnuplot(gnuplot, dir, extra, names[next]);
			if (pids[next] < 0) {
				used += (size_t)snprintf(note + used, used < notelen ? notelen - used : 0, "%scannot start gnuplot for %s/%s",
							 rc ? ", " : "", dir, names[next]);
				rc = -1;
			} else {
				running++;
			}
			next++;
		}
		if (!running)
			break;
		int st;
		pid_t pid = wait_gnuplot(&st);
		if (pid < 0)
			break;
		size_t k = 0;
		while (k < next && pids[k] != pid)
			k++;
		if (k == next)
			continue; /* not one of ours */
		running--;
		if (st == 127) {
			missing = true;
		} else if (st != 0) {
			used += (size_t)snprintf(note + used, used < notelen ? notelen - used : 0, "%s%s/%s (gnuplot status %d)",
						 rc ? ", " : "gnuplot failed on ", dir, names[k], st);
			rc = -1;
		} else {
			(*rendered)++;
		}
		if (used >= notelen)
			used = notelen - 1;
	}
	free(pids);
	if (missing) {
		snprintf(note, notelen,
			 "gnuplot not found: %zu chart scripts and their CSV files are in %s; install gnuplot "
			 "(Debian: gnuplot-nox) and run pathtrace plot %s",
			 n, dir, dir);
		rc = 0;
		*rendered = 0;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---------------------------------------------------------------- compare */

int pt_compare_charts_write(const struct pt_compare_row *rows, size_t n, const struct pt_chart_opts *o,
			    const char *outdir, char *err, size_t errlen)
{
	static const char *const names[] = { "compare-bars", "compare-latency", "compare-time" };
	double peak = 0, lat = 0;
	bool same_bin = true;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].fwd_bps > peak)
			peak = rows[i].fwd_bps;
		if (rows[i].rev_bps > peak)
			peak = rows[i].rev_bps;
		if (rows[i].peak_bps > peak)
			peak = rows[i].peak_bps;
		if (rows[i].lat_p99_us > lat)
			lat = rows[i].lat_p99_us;
		if (rows[i].rtt_p50_us > lat)
			lat = rows[i].rtt_p50_us;
		same_bin = same_bin && (i == 0 || rows[i].bin_s == rows[0].bin_s);
	}
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		struct script s;
		if (!script_open(&s, outdir, names[k], o)) {
			snprintf(err, errlen, "%s/%s.gp: cannot write: %s", outdir, names[k], strerror(errno));
			return -1;
		}
		char note[256] = "", buf[64];
		bool time = k == 2;
		size_t shown = n;
		if (time && n > PT_CHART_LINES)
			shown = PT_CHART_LINES;
		if (!time && n > PT_CHART_BARS)
			shown = PT_CHART_BARS;
		FOLD_NOTE(note, shown, n, "the first %zu of %zu scenarios");
		var_num(s.fp, "nscen", (double)shown);
		if (k == 1)
			time_unit(s.fp, lat);
		else
			rate_unit(s.fp, peak);
		for (size_t i = 0; i < shown; i++)
			var_stri(s.fp, "scenario", i + 1, rows[i].label);
		if (time) {
			if (same_bin && n && rows[0].bin_s > 0)
				bin_label((int64_t)llround(rows[0].bin_s * 1e9), buf, sizeof buf);
			else
				snprintf(buf, sizeof buf, "each scenario's own");
			var_str(s.fp, "bin_label", buf);
		}
		var_str(s.fp, "note", note);
		if (!script_close(&s, names[k])) {
			snprintf(err, errlen, "%s/%s.gp: cannot write: %s", outdir, names[k], strerror(errno));
			return -1;
		}
	}
	return 0;
}
