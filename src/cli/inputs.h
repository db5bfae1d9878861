/* The capture files a command reads: the paths given, a directory standing
 * for the captures in it, each file once. */
#ifndef PATHTRACE_CLI_INPUTS_H
#define PATHTRACE_CLI_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/commands.h"

struct pt_inputs {
	char **paths;
	size_t n, cap;
};

/* Expands o->files into in. Problems (an empty directory, a file given
 * twice) are reported through report; false only when memory ran out. A
 * directory with no captures makes *failed true. */
bool pt_cli_inputs(const struct pt_options *o, struct pt_inputs *in, bool *failed, pt_report_fn report);
void pt_cli_inputs_free(struct pt_inputs *in);

#endif
