/* One writer per CSV file of `pathtrace analyze`: true, or false with errno
 * set when the file could not be written. */
#ifndef PATHTRACE_OUTPUT_TABLES_H
#define PATHTRACE_OUTPUT_TABLES_H

#include <stdbool.h>

#include "analysis/analysis.h"

bool pt_write_points(const struct pt_analysis *a, const char *path);
bool pt_write_flows(const struct pt_analysis *a, const char *path);
bool pt_write_paths(const struct pt_analysis *a, const char *path);
bool pt_write_hops(const struct pt_analysis *a, const char *path);
bool pt_write_findings(const struct pt_analysis *a, const char *path);
bool pt_write_mtu(const struct pt_analysis *a, const char *path);

#endif
