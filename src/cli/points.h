/* Capture points at the input edge: names from files and --name, copied
 * into the point model, and the options that name points (--role,
 * --clock-offset, --reference) turned into indexes before the pass starts. */
#ifndef PATHTRACE_CLI_POINTS_H
#define PATHTRACE_CLI_POINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/analysis.h"
#include "cli/options.h"
#include "pathtrace/capture.h"

/* The --name given for a capture file, or NULL. */
const char *pt_cli_name_for_file(const struct pt_options *o, const char *file);
/* Whether every --name names one of files: false with the one that does not. */
bool pt_cli_check_names(const struct pt_options *o, const char *const *files, size_t nfiles, char *err,
			size_t errlen);
/* Adds the points the capture set has and the model has not yet; false when
 * memory ran out. */
bool pt_cli_sync_points(struct pt_points *ps, const struct pt_capset *cs);
/* Points of one name on several hosts (eth1.pcap copied from each compute
 * node into cn1/ and cn2/) get what tells them apart as a prefix: the
 * nearest directories where their paths differ, or for interfaces named
 * alike in pcapng files, the file's name. False with a message naming the
 * files and how to fix it when nothing tells them apart. */
bool pt_cli_qualify_points(struct pt_points *ps, const struct pt_capset *cs, char *err, size_t errlen);
/* Applies --role, --clock-offset and --reference to the points and cfg:
 * false with the first unknown name in err. */
bool pt_cli_apply_point_options(struct pt_points *ps, const struct pt_options *o, struct pt_analysis_config *cfg,
				char *err, size_t errlen);

#endif
