/* The output contract of `pathtrace analyze`: CSV files (columns in
 * doc/output.md), summary.txt and the charts, all made from an analysis
 * that is done. */
#ifndef PATHTRACE_OUTPUT_REPORT_H
#define PATHTRACE_OUTPUT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/analysis.h"

/* Writes every file into dir (created with its parents): 0, or -1 with a
 * one-line reason naming the file in err. */
int pt_report_write(const struct pt_analysis *a, const char *dir, char *err, size_t errlen);
/* The summary a person reads: the verdict and the main paths; with full,
 * then the points, every flow's paths, the hops and every finding. */
struct pt_summary_style {
	bool full;
	bool color;         /* ANSI colours on the severities */
	const char *outdir; /* where summary.txt is, for the pointer at the end */
};
void pt_report_summary(const struct pt_analysis *a, FILE *fp, const struct pt_summary_style *style);

/* A flow's distinct paths (signatures merged by the points seen), most
 * common first. An array of *n to free, or NULL. */
struct pt_path_count {
	pt_pset seen;
	uint64_t count;
};
struct pt_path_count *pt_flow_paths(const struct pt_flow *f, size_t *n);

#endif
