/* `pathtrace compare`: several analyses side by side, as the table a
 * comparative study prints (one row per scenario), in CSV and text, and as
 * charts. Each analysis is read back from its directory's scenario.csv and
 * throughput.csv. */
#ifndef PATHTRACE_OUTPUT_COMPARE_H
#define PATHTRACE_OUTPUT_COMPARE_H

#include <stdint.h>
#include <stdio.h>

#include "output/series-out.h"

struct pt_compare_row {
	char label[128], dir[1024];
	char flow_key[256], receiver[256], rtt_kind[16], mtu[1024];
	uint32_t main_flow;
	double fwd_bps, rev_bps, peak_bps, bin_s;
	double lat_p50_us, lat_p99_us, rtt_p50_us, rtt_p99_us;
	double loss_pct, overhead_pct;
	uint64_t lost;
};

/* Reads dir/scenario.csv; label NULL keeps the analysis' own. 0, or -1 with err. */
int pt_compare_load(const char *dir, const char *label, struct pt_compare_row *row, char *err, size_t errlen);
/* compare.csv, compare.txt and compare-throughput.csv in outdir: 0, or -1 with err. */
int pt_compare_write(const struct pt_compare_row *rows, size_t n, const char *outdir, char *err, size_t errlen);
/* The table for people. */
void pt_compare_text(const struct pt_compare_row *rows, size_t n, FILE *fp);
/* compare-bars.gp, compare-latency.gp, compare-time.gp in outdir (output/plot.c). */
int pt_compare_charts_write(const struct pt_compare_row *rows, size_t n, const struct pt_chart_opts *o,
			    const char *outdir, char *err, size_t errlen);

#endif
