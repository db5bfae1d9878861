/* The pass before the pass: a sample of every capture, read file by file,
 * to find clocks too far apart for the matching window. */
#ifndef PATHTRACE_CLI_PREPASS_H
#define PATHTRACE_CLI_PREPASS_H

#include "analysis/analysis.h"
#include "cli/options.h"
#include "pathtrace/capture.h"

/* Packets read from the start of each file. */
#define PT_PREPASS_SAMPLE 20000

/* Finds each file's clock offset from a sample and, where it exceeds half
 * the matching window, sets the file's points' clock.shift_* and shifts the
 * file in cs (not started yet). */
void pt_cli_prepass(struct pt_capset *cs, struct pt_points *points, const struct pt_options *o,
		    const struct pt_analysis_config *cfg);

#endif
