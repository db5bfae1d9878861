/* `pathtrace analyze`: captures in; the pass, the analysis modules and the
 * reports out. The pipeline: capture (read and merge) -> decode -> digest
 * -> analysis -> output. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/points.h"
#include "cli/prepass.h"
#include "output/explain.h"
#include "output/report.h"
#include "output/series-out.h"

static int explain(const struct pt_options *o, pt_report_fn report)
{
	if (strcmp(o->explain, "list") == 0) {
		for (const char *const *n = pt_explain_names(); *n; n++)
			printf("%s\n", *n);
		return PT_EXIT_OK;
	}
	const char *text = pt_explain(o->explain);
	if (!text) {
		char err[PT_ERRBUF_SIZE];
		snprintf(err, sizeof err, "no finding named \"%s\" (pathtrace analyze --explain list names them all)",
			 o->explain);
		report(err);
		return PT_EXIT_USAGE;
	}
	fputs(text, stdout);
	return PT_EXIT_OK;
}

/* Reads every packet in time order into the analysis. */
static int run_pass(struct pt_analysis *a, struct pt_points *points, struct pt_capset *cs, const struct pt_options *o,
		    pt_report_fn report)
{
	int rc = PT_EXIT_OK;
	char err[PT_ERRBUF_SIZE];
	struct pt_decoded d;
	struct pt_digest g;
	struct pt_packet pk;
	int r;
	while ((r = pt_capset_next(cs, &pk, err, sizeof err)) != 0) {
		if (r < 0) {
			report(err);
			rc = PT_EXIT_INPUT;
			continue;
		}
		if (pk.point >= points->n && !pt_cli_sync_points(points, cs)) {
			report("out of memory");
			return PT_EXIT_INPUT;
		}
		pt_decode(&d, pk.data, pk.caplen, pk.len, pk.linktype, &o->dec);
		pt_digest_make(&g, &d, pk.data, pk.point, pk.ts_ns, pk.len, pk.caplen);
		g.ts_guessed = pk.ts_guessed;
		g.outside_filter = pk.outside_filter;
		pt_analysis_packet(a, &g);
	}
	return rc;
}

/* What each file's clock did, on the file's first point. */
static void note_clock_glitches(struct pt_points *points, const struct pt_capset *cs)
{
	for (unsigned s = 0; s < pt_capset_nsources(cs); s++) {
		struct pt_clock_glitches g;
		pt_capset_source_clock(cs, s, &g);
		for (unsigned p = 0; p < pt_capset_npoints(cs) && p < points->n; p++)
			if (pt_capset_point(cs, p)->source == s) {
				struct pt_point_stats *ps = &points->v[p].stats;
				ps->clock_jumps = g.jumps;
				ps->max_clock_jump_ns = g.max_jump_ns;
				ps->clock_steps = g.steps;
				ps->max_clock_step_ns = g.max_step_ns;
				break;
			}
	}
}

/* The capture set's name for titles: --label, else the one directory all
 * inputs are in (samples/delay/ *.pcap is "delay"), else the output
 * directory's. Written into buf. */
static void capture_set_label(const struct pt_options *o, const struct pt_inputs *in, char *buf, size_t size)
{
	if (o->nlabels) {
		snprintf(buf, size, "%s", o->labels[o->nlabels - 1]);
		return;
	}
	char common[4096] = "";
	bool same = in->n > 0;
	for (size_t i = 0; i < in->n && same; i++) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s", in->paths[i]);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
		if (i == 0)
			snprintf(common, sizeof common, "%s", dir);
		else
			same = strcmp(common, dir) == 0;
	}
	const char *from = same && strcmp(common, ".") != 0 && common[0] ? common : o->outdir;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", from);
	size_t n = strlen(tmp);
	while (n > 1 && tmp[n - 1] == '/')
		tmp[--n] = '\0';
	const char *base = strrchr(tmp, '/');
	snprintf(buf, size, "%s", base ? base + 1 : tmp);
}

static int write_outputs(const struct pt_analysis *a, const struct pt_options *o, const char *label,
			 pt_report_fn report)
{
	char err[PT_ERRBUF_SIZE];
	int rc = PT_EXIT_OK;
	struct pt_chart_pick pick;
	struct pt_chart_opts co = { .label = label, .svg = o->svg, .flow = o->chart_flow };
	pt_chart_pick(a, &co, &pick);
	if (o->chart_flow && pick.main_flow != o->chart_flow) {
		snprintf(err, sizeof err, "--chart-flow %u: no such flow with packets (flows.csv lists them); charting flow %u",
			 o->chart_flow, pick.main_flow);
		report(err);
	}
	if (pt_report_write(a, o->outdir, err, sizeof err) != 0 ||
	    pt_series_write(a, &pick, &co, o->outdir, err, sizeof err) != 0) {
		report(err);
		rc = PT_EXIT_OUTPUT;
	}
	const char *no_color = getenv("NO_COLOR");
	struct pt_summary_style style = {
		.full = o->verbose,
		.color = o->color == PT_COLOR_ALWAYS ||
			 (o->color == PT_COLOR_AUTO && isatty(STDOUT_FILENO) && !(no_color && *no_color)),
		.outdir = o->outdir,
	};
	pt_report_summary(a, stdout, &style);
	if (rc == PT_EXIT_OUTPUT)
		return rc;
	printf("\nwritten to %s/\n", o->outdir);
	if (!o->no_plots) {
		char note[1024];
		unsigned n;
		if (pt_charts_write(a, &pick, &co, o->outdir, err, sizeof err) != 0) {
			report(err);
			return PT_EXIT_OUTPUT;
		}
		if (pt_charts_render(o->outdir, o->gnuplot, NULL, &n, note, sizeof note) != 0) {
			report(note);
			rc = PT_EXIT_OUTPUT;
		} else if (note[0]) {
			report(note); /* gnuplot missing: a warning, the scripts and CSV files are there */
		} else if (n) {
			printf("charts: %u in %s/ (PNG and PDF%s; edit a .gp or CSV file, then: pathtrace plot %s)\n", n,
			       o->outdir, o->svg ? ", SVG" : "", o->outdir);
		}
	}
	return rc;
}

int pt_cmd_analyze(const struct pt_options *o, pt_report_fn report)
{
	if (o->explain)
		return explain(o, report);
	char err[PT_ERRBUF_SIZE];
	int rc = PT_EXIT_OK;
	struct pt_points points;
	pt_points_init(&points);
	struct pt_capset *cs = pt_capset_new();
	struct pt_analysis *a = NULL;
	struct pt_inputs in;
	bool bad_input;
	if (!cs || !pt_cli_inputs(o, &in, &bad_input, report)) {
		pt_capset_free(cs);
		report("out of memory");
		return PT_EXIT_INPUT;
	}
	if (bad_input)
		rc = PT_EXIT_INPUT;
	pt_capset_decode_opts(cs, &o->dec);
	/* Mistakes in what was asked are said once, before anything is read. */
	if ((o->inner_bpf && !pt_capset_inner_filter(cs, o->inner_bpf, err, sizeof err)) ||
	    (o->bpf && !pt_capset_check_filter(o->bpf, err, sizeof err)) ||
	    !pt_cli_check_names(o, (const char *const *)in.paths, in.n, err, sizeof err)) {
		report(err);
		pt_capset_free(cs);
		pt_cli_inputs_free(&in);
		return PT_EXIT_USAGE;
	}
	for (size_t i = 0; i < in.n; i++)
		if (pt_capset_add(cs, in.paths[i], o->bpf, pt_cli_name_for_file(o, in.paths[i]), err, sizeof err) != 0) {
			report(err);
			rc = PT_EXIT_INPUT;
		}
	/* Copies of one packet at one point (promiscuous bridge, -i any) arrive
	 * within microseconds; a retransmission needs at least a round trip. */
	struct pt_analysis_config cfg = {
		.window_ns = (int64_t)llround(o->window_s * 1e9),
		.reorder_ns = (int64_t)llround(o->reorder_s * 1e9),
		.dup_ns = 500000,
		.no_auto_offset = o->no_auto_offset,
		.bin_ns = (int64_t)llround(o->bin_s * 1e9),
		.bin_start_set = o->bin_start_set,
		.bin_start_ns = (int64_t)llround(o->bin_start_s * 1e9),
	};
	if (!pt_cli_sync_points(&points, cs)) {
		report("out of memory");
		rc = PT_EXIT_INPUT;
		goto out;
	}
	if (!pt_cli_qualify_points(&points, cs, err, sizeof err) ||
	    !pt_cli_apply_point_options(&points, o, &cfg, err, sizeof err)) {
		report(err);
		rc = PT_EXIT_USAGE;
		goto out;
	}
	if (!o->no_auto_offset)
		pt_cli_prepass(cs, &points, o, &cfg);
	a = pt_analysis_new(&cfg, &points);
	if (!a) {
		report("out of memory");
		rc = PT_EXIT_INPUT;
		goto out;
	}
	int pass = run_pass(a, &points, cs, o, report);
	if (pass != PT_EXIT_OK)
		rc = pass;
	note_clock_glitches(&points, cs);
	pt_analysis_finish(a);
	if (points.n) {
		char label[256];
		capture_set_label(o, &in, label, sizeof label);
		int out = write_outputs(a, o, label, report);
		if (out != PT_EXIT_OK)
			rc = out;
	}
	fflush(stdout);
out:
	pt_analysis_free(a);
	pt_capset_free(cs);
	pt_cli_inputs_free(&in);
	pt_points_free(&points);
	return rc;
}
