/* `pathtrace compare [--label NAME]... DIR...`: analyses side by side, the
 * table a comparative study prints and its charts. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "output/compare.h"
#include "pathtrace/capture.h"

/* The title of the comparison: its labels joined when they are few. */
static void compare_title(const struct pt_compare_row *rows, size_t n, char *buf, size_t size)
{
	if (n > 4) {
		snprintf(buf, size, "%zu scenarios", n);
		return;
	}
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " vs " : "", rows[i].label);
}

int pt_cmd_compare(const struct pt_options *o, pt_report_fn report)
{
	char err[PT_ERRBUF_SIZE];
	if (o->nlabels > o->nfiles) {
		snprintf(err, sizeof err, "%u labels for %u directories: one --label per directory, in order", o->nlabels,
			 o->nfiles);
		report(err);
		return PT_EXIT_USAGE;
	}
	struct pt_compare_row *rows = calloc(o->nfiles, sizeof *rows);
	if (!rows) {
		report("out of memory");
		return PT_EXIT_INPUT;
	}
	int rc = PT_EXIT_OK;
	size_t n = 0;
	for (unsigned i = 0; i < o->nfiles; i++) {
		if (pt_compare_load(o->files[i], i < o->nlabels ? o->labels[i] : NULL, &rows[n], err, sizeof err) != 0) {
			report(err);
			rc = PT_EXIT_INPUT;
			continue;
		}
		n++;
	}
	if (n == 0) {
		free(rows);
		return rc;
	}
	const char *outdir = o->outdir_given ? o->outdir : "pathtrace-compare";
	if (pt_compare_write(rows, n, outdir, err, sizeof err) != 0) {
		report(err);
		free(rows);
		return PT_EXIT_OUTPUT;
	}
	pt_compare_text(rows, n, stdout);
	printf("\nwritten to %s/ (compare.csv, compare.txt, compare-throughput.csv)\n", outdir);
	if (!o->no_plots) {
		char title[512], note[1024];
		unsigned rendered;
		compare_title(rows, n, title, sizeof title);
		struct pt_chart_opts co = { .label = title, .svg = o->svg };
		if (pt_compare_charts_write(rows, n, &co, outdir, err, sizeof err) != 0) {
			report(err);
			free(rows);
			return PT_EXIT_OUTPUT;
		}
		if (pt_charts_render(outdir, o->gnuplot, NULL, &rendered, note, sizeof note) != 0) {
			report(note);
			rc = PT_EXIT_OUTPUT;
		} else if (note[0]) {
			report(note);
		} else {
			printf("charts: %u in %s/ (PNG and PDF%s)\n", rendered, outdir, o->svg ? ", SVG" : "");
		}
	}
	free(rows);
	return rc;
}
