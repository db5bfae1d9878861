/* pathtrace: where did each packet go, how long did each hop take, where was
 * it lost, and is MTU or encapsulation to blame. main() parses the command
 * line, runs a command, prints errors and picks the exit code. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"

static void report(const char *message)
{
	fflush(stdout);
	fprintf(stderr, "pathtrace: %s\n", message);
}

/* What follows a mistake: one line, not the whole help. */
static const char usage_line[] = "usage: pathtrace analyze|decode|plot|compare [options] ... (pathtrace help)\n";

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pathtrace analyze [options] CAPTURE... [BPF-EXPRESSION]\n"
		"       pathtrace decode  [options] CAPTURE... [BPF-EXPRESSION]\n"
		"       pathtrace plot    [options] DIR...\n"
		"       pathtrace compare [--label NAME]... [options] DIR...\n"
		"       pathtrace version | help [COMMAND] | COMMAND --help\n"
		"\n"
		"analyze  find each packet at every capture point: paths, per-hop latency,\n"
		"         drops, clock offsets, MTU and encapsulation findings (CSV + charts)\n"
		"decode   one line per packet: capture point, time, lengths, layer stack, flow\n"
		"plot     render the charts of an analysis again, after editing a .gp or CSV file\n"
		"compare  analyses side by side: the table of a comparative study and its charts\n"
		"\nexit status: 0 ok, 1 some input could not be read, 2 usage, 3 output not written\n");
}

/* plot and compare read analyses (directories), the others captures. */
static bool takes_dirs(const char *cmd)
{
	return strcmp(cmd, "plot") == 0 || strcmp(cmd, "compare") == 0;
}

static bool is_command(const char *cmd)
{
	return strcmp(cmd, "decode") == 0 || strcmp(cmd, "analyze") == 0 || takes_dirs(cmd);
}

static void command_usage(const char *cmd)
{
	if (takes_dirs(cmd))
		printf("usage: pathtrace %s [options] DIR...\n\noptions:\n", cmd);
	else
		printf("usage: pathtrace %s [options] CAPTURE... [BPF-EXPRESSION]\n\noptions:\n", cmd);
	pt_options_usage(cmd, stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return PT_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		if (argc > 2 && is_command(argv[2])) {
			command_usage(argv[2]);
			return PT_EXIT_OK;
		}
		if (argc > 2) {
			fprintf(stderr, "pathtrace: no help on \"%s\"\n%s", argv[2], usage_line);
			return PT_EXIT_USAGE;
		}
		usage(stdout);
		return PT_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("%s\n", PACKAGE_STRING);
		return PT_EXIT_OK;
	}
	if (!is_command(cmd)) {
		fprintf(stderr, "pathtrace: unknown command \"%s\"\n%s", cmd, usage_line);
		return PT_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			command_usage(cmd);
			return PT_EXIT_OK;
		}
		if (strcmp(argv[i], "--") == 0)
			break;
	}

	struct pt_options o;
	char err[512];
	pt_options_init(&o);
	o.command = cmd;
	if (!pt_options_parse(&o, argc - 2, (const char *const *)(argv + 2), err, sizeof err)) {
		report(err);
		pt_options_free(&o);
		return PT_EXIT_USAGE;
	}
	if (o.nfiles == 0 && !o.explain) {
		if (takes_dirs(cmd)) {
			report("no directory given");
		} else if (o.filter_start) {
			/* The first word that is not a capture starts the filter: say which it was. */
			char why[600];
			snprintf(why, sizeof why, "no capture files given: \"%.200s\" is not a file or directory here, and "
				 "the words from it on were taken for a filter", o.filter_start);
			report(why);
		} else {
			report("no capture files given");
		}
		fprintf(stderr, "try: pathtrace %s --help\n", cmd);
		pt_options_free(&o);
		return PT_EXIT_USAGE;
	}
	int rc = strcmp(cmd, "decode") == 0    ? pt_cmd_decode(&o, report)
		 : strcmp(cmd, "plot") == 0    ? pt_cmd_plot(&o, report)
		 : strcmp(cmd, "compare") == 0 ? pt_cmd_compare(&o, report)
					       : pt_cmd_analyze(&o, report);
	pt_options_free(&o);
	return rc;
}
