/* Findings in words: each kind's stable dotted name (the key of
 * doc/findings.md and of findings.csv), and the value, evidence and advice
 * sentences made from a record's numbers. */
#ifndef PATHTRACE_OUTPUT_FINDING_TEXT_H
#define PATHTRACE_OUTPUT_FINDING_TEXT_H

#include <stddef.h>

#include "analysis/analysis.h"

const char *pt_finding_name(enum pt_finding_id id);
const char *pt_severity_name(enum pt_severity s);

struct pt_finding_text {
	char value[64];
	char evidence[1536];
	char advice[768];
};

void pt_finding_format(const struct pt_analysis *a, const struct pt_finding *f, struct pt_finding_text *t);

/* The reported findings in report order: most severe first, then by name,
 * flow and the order they were made in. An array of *n pointers to free, or
 * NULL. */
const struct pt_finding **pt_findings_in_order(const struct pt_analysis *a, size_t *n);

#endif
