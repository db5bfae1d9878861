/* The commands main.c dispatches to. Each reports problems through report()
 * and returns an exit code (enum pt_exit); none prints errors itself. */
#ifndef PATHTRACE_CLI_COMMANDS_H
#define PATHTRACE_CLI_COMMANDS_H

#include "cli/options.h"

typedef void (*pt_report_fn)(const char *message);

int pt_cmd_decode(const struct pt_options *o, pt_report_fn report);
int pt_cmd_analyze(const struct pt_options *o, pt_report_fn report);
int pt_cmd_plot(const struct pt_options *o, pt_report_fn report);
int pt_cmd_compare(const struct pt_options *o, pt_report_fn report);

#endif
