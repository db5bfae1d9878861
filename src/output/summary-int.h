/* What the two halves of the summary share (summary.c, verdict.c): the
 * findings as shown, grouped by kind and place. */
#ifndef PATHTRACE_OUTPUT_SUMMARY_INT_H
#define PATHTRACE_OUTPUT_SUMMARY_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "output/finding-text.h"

struct pt_shown {
	const struct pt_finding *f;
	const char *point, *from, *to;
	size_t rank; /* in report order */
	struct pt_finding_text t;
};

/* The reported findings with their text, grouped: an array of *n to free,
 * or NULL. */
struct pt_shown *pt_summary_findings(const struct pt_analysis *a, size_t *n);
/* Prints the groups of findings of severity min to max, the first few of
 * each in full; *shown counts those printed. */
void pt_summary_print_groups(const struct pt_shown *v, size_t n, FILE *fp, bool color, enum pt_severity min,
			     enum pt_severity max, size_t *shown);
void pt_summary_print_finding(const struct pt_shown *s, FILE *fp, bool color);
/* The verdict and the main flows' paths. */
void pt_summary_top(const struct pt_analysis *a, FILE *fp, bool color);

#endif
