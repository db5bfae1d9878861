/* Command-line options shared by the commands, parsed from one table
 * (src/options.c); main.c prints usage and errors. */
#ifndef PATHTRACE_CLI_OPTIONS_H
#define PATHTRACE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "pathtrace/decode.h"

/* Exit codes, documented in doc/pathtrace.md. */
enum pt_exit {
	PT_EXIT_OK = 0,
	PT_EXIT_INPUT = 1,  /* some input could not be read (others were processed) */
	PT_EXIT_USAGE = 2,  /* bad command line */
	PT_EXIT_OUTPUT = 3, /* an output file could not be written */
};

/* KEY=VALUE from the command line: the key copied, the value in argv. */
struct pt_assign {
	const char *key;
	const char *value;
};

struct pt_assigns {
	struct pt_assign *v;
	size_t n, cap;
};

struct pt_options {
	const char *command;
	const char **files;
	unsigned nfiles;
	char *bpf;       /* the filter on the frame (-f and the words after the files, joined), or NULL */
	char *inner_bpf; /* --inner: the filter on the innermost packet, or NULL */
	const char *filter_start; /* the first word after the files taken for a filter, or NULL */
	struct pt_decode_opts dec;

	/* decode */
	const char *csv_path;
	bool quiet;      /* no per-packet lines */
	bool no_summary;
	unsigned long long limit;

	/* analyze */
	const char *outdir;
	bool outdir_given;
	double window_s;
	double reorder_s;
	struct pt_assigns names, offsets, roles;
	const char *reference;
	const char *explain;
	bool no_plots;
	bool verbose;    /* the whole summary on stdout */
	enum { PT_COLOR_AUTO, PT_COLOR_ALWAYS, PT_COLOR_NEVER } color;
	bool no_auto_offset;
	const char *gnuplot;
	double bin_s;             /* throughput bins (1 s) */
	bool bin_start_set;
	double bin_start_s;       /* bins start here (epoch seconds), else at the first packet */
	bool svg;                 /* charts also as SVG */
	unsigned chart_flow;      /* the flow the charts follow; 0: the one with the most goodput */
	const char **labels;      /* --label: analyze's capture-set name; compare's, one per directory */
	unsigned nlabels;
};

void pt_options_init(struct pt_options *o);
void pt_options_free(struct pt_options *o);
/* Parses argv after the command name. Returns false with a message in err. */
bool pt_options_parse(struct pt_options *o, int argc, const char *const *argv, char *err, size_t errlen);
/* Writes the option table for a command to fp. */
void pt_options_usage(const char *command, void *fp);

#endif
