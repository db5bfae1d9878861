/* The series behind the charts, as CSV (columns in doc/output.md), and the
 * chart scripts that read them: throughput.csv, rtt.csv, latency.csv,
 * rtt-hops.csv, sizes.csv, overhead.csv and scenario.csv (the one row
 * `pathtrace compare` puts beside other analyses'). */
#ifndef PATHTRACE_OUTPUT_SERIES_OUT_H
#define PATHTRACE_OUTPUT_SERIES_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"

/* Lines a chart draws at most; what does not fit is left out and the title says so. */
#define PT_CHART_LINES 10
/* Bars (points, hops) a chart draws at most. */
#define PT_CHART_BARS 16

struct pt_chart_opts {
	const char *label; /* the capture set's name: in every title and in scenario.csv */
	bool svg;          /* SVG besides PNG and PDF */
	uint32_t flow;     /* the flow to chart (--chart-flow); 0: the one with the most goodput */
};

/* What the charts show, chosen once for the CSV files and the scripts. */
struct pt_chart_pick {
	uint32_t main_flow;          /* the most goodput; 0 when no flow carried payload */
	uint32_t receiver;           /* the last point of its path */
	uint32_t lat_flow;           /* the flow whose hops the latency charts show; 0 none */
	uint32_t flows[PT_CHART_LINES]; /* flows of throughput-flows, the largest goodput first */
	size_t nflows, flows_total;  /* shown, and how many carried payload */
	uint32_t lat_flows[PT_CHART_LINES]; /* flows whose hop samples latency.csv holds */
	size_t nlat_flows;
	uint32_t rtt_flows[PT_CHART_LINES]; /* RTT series at their flow's first point, most samples first */
	uint32_t rtt_points[PT_CHART_LINES];
	size_t nrtt, rtt_total;
};

/* What to chart; o->flow, when it names a flow that carried packets, is the main flow. */
void pt_chart_pick(const struct pt_analysis *a, const struct pt_chart_opts *o, struct pt_chart_pick *p);

/* Writes the series CSV files into dir: 0, or -1 with the file in err. */
int pt_series_write(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
		    const char *dir, char *err, size_t errlen);

/* One CSV writer per file (the path given), true or false with errno set. */
bool pt_write_throughput(const struct pt_analysis *a, const char *path);
bool pt_write_rtt(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *path);
bool pt_write_latency(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *path);
bool pt_write_rtt_hops(const struct pt_analysis *a, const char *path);
bool pt_write_sizes(const struct pt_analysis *a, const char *path);
bool pt_write_overhead(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *path);
bool pt_write_scenario(const struct pt_analysis *a, const struct pt_chart_pick *p, const char *label,
		       const char *path);

/* Where a series lies in its CSV file, for the charts that read only that
 * slice (gnuplot reads about 350 000 rows a second; a chart with ten lines
 * over a large file would read it ten times): the first data row (0 after
 * the header) and how many rows; false when the file does not hold it. */
bool pt_throughput_rows(const struct pt_analysis *a, uint32_t slot, uint32_t point, size_t *first, size_t *n);
/* The k-th series the RTT chart shows (p->rtt_flows[k] at p->rtt_points[k]). */
bool pt_rtt_rows(const struct pt_analysis *a, const struct pt_chart_pick *p, size_t k, size_t *first, size_t *n);
/* Hop number hop (as in hops.csv) of flow. */
bool pt_latency_rows(const struct pt_analysis *a, const struct pt_chart_pick *p, uint32_t flow, unsigned hop,
		     size_t *first, size_t *n);
bool pt_sizes_rows(const struct pt_analysis *a, uint32_t point, size_t *first, size_t *n);

/* The headline numbers of an analysis (scenario.csv's row). */
struct pt_scenario {
	uint32_t main_flow, receiver;
	double fwd_bps, rev_bps, peak_bps;
	double lat_p50_us, lat_p99_us;
	long lat_from, lat_to;
	double rtt_p50_us, rtt_p99_us;
	int rtt_kind;   /* enum pt_rtt_kind, -1 none */
	long rtt_point;
	uint64_t lost, packets;
	double overhead_pct;
	long overhead_point;
	double duration_s;
};
void pt_scenario_numbers(const struct pt_analysis *a, const struct pt_chart_pick *p, struct pt_scenario *s);

/* Chart scripts: writes every chart's .gp beside the CSV files (the names
 * in *names, NUL-separated, for pt_charts_render); 0, or -1 with the file in
 * err. */
int pt_charts_write(const struct pt_analysis *a, const struct pt_chart_pick *p, const struct pt_chart_opts *o,
		    const char *dir, char *err, size_t errlen);
/* Renders every *.gp script of dir with gnuplot (NULL: $PATHTRACE_GNUPLOT,
 * else the one configure found, else gnuplot on PATH). 0 with what happened
 * in note (a missing gnuplot is a note, not an error), or -1 when a script
 * failed (named in note). *rendered gets how many scripts ran. */
int pt_charts_render(const char *dir, const char *gnuplot, const char *extra, unsigned *rendered, char *note,
		     size_t notelen);

#endif
