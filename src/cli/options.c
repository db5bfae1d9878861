/* The option table: one row per option, shared by usage and parsing. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/grow.h"
#include "cli/options.h"
#include "model/point.h"

enum opt_id {
	O_CSV, O_QUIET, O_NO_SUMMARY, O_LIMIT, O_VXLAN_PORT, O_GENEVE_PORT, O_GUE_PORT, O_MPLS_UDP_PORT,
	O_FILTER, O_INNER, O_TUNNEL_PORT,
	O_OUT, O_WINDOW, O_REORDER, O_NAME, O_CLOCK_OFFSET, O_REFERENCE, O_EXPLAIN, O_NO_PLOTS,
	O_NO_AUTO_OFFSET, O_GNUPLOT, O_ROLE, O_VERBOSE, O_COLOR, O_BIN, O_BIN_START, O_LABEL, O_SVG, O_CHART_FLOW,
};

#define CMD_DECODE 1
#define CMD_ANALYZE 2
#define CMD_PLOT 4
#define CMD_COMPARE 8

static const struct opt {
	const char *name;
	char short_name;
	const char *arg;
	int commands;
	enum opt_id id;
	const char *help;
} opts[] = {
	{ "csv", 0, "FILE", CMD_DECODE, O_CSV, "also write one CSV row per packet to FILE (- for stdout)" },
	{ "quiet", 'q', NULL, CMD_DECODE, O_QUIET, "no per-packet lines, only the summary" },
	{ "no-summary", 0, NULL, CMD_DECODE, O_NO_SUMMARY, "no summary at the end" },
	{ "limit", 'c', "N", CMD_DECODE, O_LIMIT, "stop after N packets" },
	{ "filter", 'f', "EXPR", CMD_DECODE | CMD_ANALYZE, O_FILTER,
	  "BPF filter on the frame as captured, as tcpdump's (or give it after the files)" },
	{ "inner", 0, "EXPR", CMD_DECODE | CMD_ANALYZE, O_INNER,
	  "BPF filter on the innermost packet: past VLAN tags and inside VXLAN, Geneve, GRE, IP-in-IP" },
	{ "tunnel-port", 0, "PORT=KIND", CMD_DECODE | CMD_ANALYZE, O_TUNNEL_PORT,
	  "decode UDP PORT as KIND: vxlan, geneve, gue or mpls (the same as the four options below)" },
	{ "vxlan-port", 0, "PORT", CMD_DECODE | CMD_ANALYZE, O_VXLAN_PORT,
	  "also decode UDP PORT as VXLAN (4789 and 8472 are by default)" },
	{ "geneve-port", 0, "PORT", CMD_DECODE | CMD_ANALYZE, O_GENEVE_PORT,
	  "also decode UDP PORT as Geneve (6081 is by default)" },
	{ "gue-port", 0, "PORT", CMD_DECODE | CMD_ANALYZE, O_GUE_PORT,
	  "decode UDP PORT as GUE (Linux fou/gue; it has no default port)" },
	{ "mpls-udp-port", 0, "PORT", CMD_DECODE | CMD_ANALYZE, O_MPLS_UDP_PORT,
	  "also decode UDP PORT as MPLS over UDP (6635 is by default)" },
	{ "output", 'o', "DIR", CMD_ANALYZE | CMD_COMPARE, O_OUT,
	  "write CSV, summary and charts to DIR (analyze: pathtrace-out, compare: pathtrace-compare)" },
	{ "window", 'w', "SECONDS", CMD_ANALYZE, O_WINDOW,
	  "how long a packet may take between points before it counts as lost (1.0)" },
	{ "reorder", 0, "SECONDS", CMD_ANALYZE, O_REORDER,
	  "tolerated timestamp disorder within a file (0.005)" },
	{ "name", 'n', "FILE=POINT", CMD_ANALYZE, O_NAME, "call the capture point of FILE POINT" },
	{ "role", 0, "POINT=ROLE", CMD_ANALYZE, O_ROLE,
	  "hop, bridge (a promiscuous bridge's copy: placed between its ports), vantage (-i any: kept off paths) or "
	  "flood (a switch's own port that sees floods only: kept off paths)" },
	{ "clock-offset", 0, "POINT=SECONDS", CMD_ANALYZE, O_CLOCK_OFFSET,
	  "POINT's clock runs SECONDS ahead of the reference (overrides the estimate)" },
	{ "reference", 0, "POINT", CMD_ANALYZE, O_REFERENCE, "the point whose clock is true (first file)" },
	{ "no-auto-offset", 0, NULL, CMD_ANALYZE, O_NO_AUTO_OFFSET, "do not estimate clock offsets" },
	{ "explain", 0, "NAME", CMD_ANALYZE, O_EXPLAIN, "print what finding NAME means and exit (list: every name)" },
	{ "bin", 0, "SECONDS", CMD_ANALYZE, O_BIN,
	  "throughput time bins, as iperf -i (1; 0.1 and finer allowed)" },
	{ "bin-start", 0, "SECONDS", CMD_ANALYZE, O_BIN_START,
	  "start the bins at this time (epoch seconds, as in the CSV files; default: the first packet)" },
	{ "label", 0, "NAME", CMD_ANALYZE | CMD_COMPARE, O_LABEL,
	  "name of the capture set in titles (analyze); of each DIR in turn (compare)" },
	{ "chart-flow", 0, "FLOW_ID", CMD_ANALYZE, O_CHART_FLOW,
	  "the flow the throughput and latency charts follow (flows.csv; default: the most goodput)" },
	{ "svg", 0, NULL, CMD_ANALYZE | CMD_PLOT | CMD_COMPARE, O_SVG, "charts also as SVG (PNG and PDF always)" },
	{ "no-plots", 0, NULL, CMD_ANALYZE | CMD_COMPARE, O_NO_PLOTS, "write no gnuplot scripts or charts" },
	{ "verbose", 'v', NULL, CMD_ANALYZE, O_VERBOSE,
	  "print the whole summary (points, every flow's paths, hops, all findings), not only the verdict" },
	{ "color", 0, "WHEN", CMD_ANALYZE, O_COLOR, "colour the verdict: auto (on a terminal, unless NO_COLOR is set), "
						   "always or never" },
	{ "gnuplot", 0, "PATH", CMD_ANALYZE | CMD_PLOT | CMD_COMPARE, O_GNUPLOT,
	  "gnuplot to render charts with (found on PATH)" },
};

static int command_bit(const char *c)
{
	if (strcmp(c, "decode") == 0)
		return CMD_DECODE;
	if (strcmp(c, "analyze") == 0)
		return CMD_ANALYZE;
	if (strcmp(c, "plot") == 0)
		return CMD_PLOT;
	if (strcmp(c, "compare") == 0)
		return CMD_COMPARE;
	return 0;
}

void pt_options_init(struct pt_options *o)
{
	memset(o, 0, sizeof *o);
	pt_decode_opts_init(&o->dec);
	o->outdir = "pathtrace-out";
	o->window_s = 1.0;
	o->reorder_s = 0.005;
	o->bin_s = 1.0;
}

void pt_options_free(struct pt_options *o)
{
	struct pt_assigns *lists[] = { &o->names, &o->offsets, &o->roles };
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		for (size_t i = 0; i < lists[k]->n; i++)
			free((char *)lists[k]->v[i].key);
		free(lists[k]->v);
		memset(lists[k], 0, sizeof *lists[k]);
	}
	free(o->files);
	free(o->bpf);
	free(o->inner_bpf);
	free(o->labels);
	o->files = NULL;
	o->bpf = NULL;
	o->inner_bpf = NULL;
	o->labels = NULL;
}

void pt_options_usage(const char *command, void *fpv)
{
	FILE *fp = fpv;
	int bit = command_bit(command);
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		if (!(opts[i].commands & bit))
			continue;
		char left[64];
		if (opts[i].short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
				 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", opts[i].name, opts[i].arg ? " " : "",
				 opts[i].arg ? opts[i].arg : "");
		fprintf(fp, "  %-30s %s\n", left, opts[i].help);
	}
}

static bool parse_port(const char *s, uint16_t *port)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

static bool parse_seconds(const char *s, double *out, bool allow_negative)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v) || (!allow_negative && v <= 0))
		return false;
	*out = v;
	return true;
}

static bool parse_assign(const char *s, struct pt_assigns *list)
{
	const char *eq = strrchr(s, '=');
	if (!eq || eq == s || !eq[1])
		return false;
	struct pt_assign *v = pt_grow(list->v, &list->cap, list->n, sizeof *v, 8);
	if (!v)
		return false;
	list->v = v;
	/* The value stays a pointer into argv; the key is split off by copying. */
	char *key = strndup(s, (size_t)(eq - s));
	if (!key)
		return false;
	list->v[list->n].key = key;
	list->v[list->n].value = eq + 1;
	list->n++;
	return true;
}

/* An existing file or directory (of captures), or a name shaped like one. */
static bool looks_like_capture(const char *s)
{
	struct stat st;
	if (stat(s, &st) == 0)
		return true;
	size_t n = strlen(s);
	static const char *const exts[] = { ".pcap", ".pcapng", ".cap", ".gz", ".ntar" };
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t e = strlen(exts[i]);
		if (n > e && strcmp(s + n - e, exts[i]) == 0)
			return true;
	}
	return strchr(s, '/') != NULL;
}

/* Appends word to *buf, space-separated. */
static bool append_word(char **buf, const char *word)
{
	size_t old = *buf ? strlen(*buf) : 0, n = old + strlen(word) + 2;
	char *b = realloc(*buf, n);
	if (!b)
		return false;
	if (old)
		b[old++] = ' ';
	strcpy(b + old, word);
	*buf = b;
	return true;
}

/* Every filter given (-f, and the words after the files) must hold: joined
 * as (A) and (B), never by a bare space that would let "tcp or udp" and
 * "port 53" mean "tcp or udp port 53". */
static bool add_filter(char **bpf, const char *expr)
{
	if (!*bpf) {
		*bpf = strdup(expr);
		return *bpf != NULL;
	}
	size_t n = strlen(*bpf) + strlen(expr) + sizeof "() and ()";
	char *b = malloc(n);
	if (!b)
		return false;
	snprintf(b, n, "(%s) and (%s)", *bpf, expr);
	free(*bpf);
	*bpf = b;
	return true;
}

static bool apply(struct pt_options *o, const struct opt *op, const char *arg, char *err, size_t errlen)
{
	switch (op->id) {
	case O_CSV:
		o->csv_path = arg;
		return true;
	case O_QUIET:
		o->quiet = true;
		return true;
	case O_NO_SUMMARY:
		o->no_summary = true;
		return true;
	case O_LIMIT: {
		char *end;
		errno = 0;
		o->limit = strtoull(arg, &end, 10);
		if (errno || *end || end == arg) {
			snprintf(err, errlen, "--limit needs a number, not \"%s\"", arg);
			return false;
		}
		return true;
	}
	case O_FILTER:
		return add_filter(&o->bpf, arg);
	case O_INNER:
		return add_filter(&o->inner_bpf, arg);
	case O_TUNNEL_PORT: {
		/* PORT=KIND: one option for every tunnel a port can carry. */
		static const struct {
			const char *kind;
			enum opt_id as;
		} kinds[] = { { "vxlan", O_VXLAN_PORT }, { "geneve", O_GENEVE_PORT }, { "gue", O_GUE_PORT },
			      { "mpls", O_MPLS_UDP_PORT } };
		const char *eq = strchr(arg, '=');
		for (size_t k = 0; eq && k < sizeof kinds / sizeof kinds[0]; k++)
			if (strcmp(eq + 1, kinds[k].kind) == 0) {
				char port[16];
				snprintf(port, sizeof port, "%.*s", (int)(eq - arg < 15 ? eq - arg : 15), arg);
				for (size_t j = 0; j < sizeof opts / sizeof opts[0]; j++)
					if (opts[j].id == kinds[k].as)
						return apply(o, &opts[j], port, err, errlen);
			}
		snprintf(err, errlen, "--tunnel-port is PORT=vxlan|geneve|gue|mpls, not \"%s\"", arg);
		return false;
	}
	case O_VXLAN_PORT:
	case O_GENEVE_PORT:
	case O_GUE_PORT:
	case O_MPLS_UDP_PORT: {
		uint16_t port;
		if (!parse_port(arg, &port)) {
			snprintf(err, errlen, "--%s needs a UDP port (1-65535), not \"%s\"", op->name, arg);
			return false;
		}
		enum pt_proto proto = op->id == O_VXLAN_PORT    ? PT_P_VXLAN
				      : op->id == O_GENEVE_PORT ? PT_P_GENEVE
				      : op->id == O_GUE_PORT    ? PT_P_GUE
								: PT_P_MPLS;
		enum pt_proto before = pt_decode_opts_port_proto(&o->dec, port);
		switch (pt_decode_opts_add_port(&o->dec, proto, port)) {
		case PT_PORT_ADDED:
			return true;
		case PT_PORT_TAKEN:
			snprintf(err, errlen, "--%s %u: UDP port %u is already given as %s; a port means one protocol",
				 op->name, port, port, pt_proto_name(before));
			return false;
		default:
			snprintf(err, errlen, "--%s: at most %d ports", op->name, PT_MAX_UDP_TUNNEL_PORTS);
			return false;
		}
	}
	case O_OUT:
		o->outdir = arg;
		o->outdir_given = true;
		return true;
	case O_WINDOW:
	case O_REORDER:
		if (!parse_seconds(arg, op->id == O_WINDOW ? &o->window_s : &o->reorder_s, false)) {
			snprintf(err, errlen, "--%s needs a positive number of seconds, not \"%s\"", op->name, arg);
			return false;
		}
		return true;
	case O_NAME:
		if (!parse_assign(arg, &o->names)) {
			snprintf(err, errlen, "--name needs FILE=POINT, not \"%s\"", arg);
			return false;
		}
		return true;
	case O_CLOCK_OFFSET: {
		double v;
		if (!parse_assign(arg, &o->offsets) || !parse_seconds(o->offsets.v[o->offsets.n - 1].value, &v, true)) {
			snprintf(err, errlen, "--clock-offset needs POINT=SECONDS, not \"%s\"", arg);
			return false;
		}
		return true;
	}
	case O_ROLE:
		if (!parse_assign(arg, &o->roles) || pt_point_role_parse(o->roles.v[o->roles.n - 1].value) < 0) {
			snprintf(err, errlen, "--role needs POINT=hop|bridge|vantage|flood, not \"%s\"", arg);
			return false;
		}
		return true;
	case O_REFERENCE:
		o->reference = arg;
		return true;
	case O_EXPLAIN:
		o->explain = arg;
		return true;
	case O_NO_PLOTS:
		o->no_plots = true;
		return true;
	case O_VERBOSE:
		o->verbose = true;
		return true;
	case O_COLOR:
		if (strcmp(arg, "auto") == 0)
			o->color = PT_COLOR_AUTO;
		else if (strcmp(arg, "always") == 0)
			o->color = PT_COLOR_ALWAYS;
		else if (strcmp(arg, "never") == 0)
			o->color = PT_COLOR_NEVER;
		else {
			snprintf(err, errlen, "--color is auto, always or never, not \"%s\"", arg);
			return false;
		}
		return true;
	case O_NO_AUTO_OFFSET:
		o->no_auto_offset = true;
		return true;
	case O_GNUPLOT:
		o->gnuplot = arg;
		return true;
	case O_BIN:
		/* A bin holds whole nanoseconds; below a microsecond every bin is one packet. */
		if (!parse_seconds(arg, &o->bin_s, false) || o->bin_s < 1e-6 || o->bin_s > 86400) {
			snprintf(err, errlen, "--bin needs seconds between 0.000001 and 86400, not \"%s\"", arg);
			return false;
		}
		return true;
	case O_BIN_START:
		if (!parse_seconds(arg, &o->bin_start_s, true)) {
			snprintf(err, errlen, "--bin-start needs a time in seconds, not \"%s\"", arg);
			return false;
		}
		o->bin_start_set = true;
		return true;
	case O_LABEL: {
		if (!*arg) {
			snprintf(err, errlen, "--label needs a name");
			return false;
		}
		const char **v = realloc(o->labels, (o->nlabels + 1) * sizeof *v);
		if (!v) {
			snprintf(err, errlen, "out of memory");
			return false;
		}
		o->labels = v;
		o->labels[o->nlabels++] = arg;
		return true;
	}
	case O_SVG:
		o->svg = true;
		return true;
	case O_CHART_FLOW: {
		char *end;
		errno = 0;
		unsigned long v = strtoul(arg, &end, 10);
		if (errno || *end || end == arg || v == 0 || v > UINT32_MAX) {
			snprintf(err, errlen, "--chart-flow needs a flow id (flows.csv), not \"%s\"", arg);
			return false;
		}
		o->chart_flow = (unsigned)v;
		return true;
	}
	}
	return false;
}

bool pt_options_parse(struct pt_options *o, int argc, const char *const *argv, char *err, size_t errlen)
{
	int bit = command_bit(o->command);
	o->files = calloc((size_t)argc + 1, sizeof *o->files);
	if (!o->files) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	bool only_positional = false, in_expression = false;
	char *words = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!only_positional && !in_expression && a[0] == '-' && a[1]) {
			if (strcmp(a, "--") == 0) {
				only_positional = true;
				continue;
			}
			const struct opt *op = NULL;
			const char *inline_arg = NULL;
			for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !op; k++) {
				if (!(opts[k].commands & bit))
					continue;
				if (a[1] == '-') {
					size_t n = strlen(opts[k].name);
					if (strncmp(a + 2, opts[k].name, n) == 0 && (a[2 + n] == '\0' || a[2 + n] == '=')) {
						op = &opts[k];
						inline_arg = a[2 + n] == '=' ? a + 3 + n : NULL;
					}
				} else if (opts[k].short_name && a[1] == opts[k].short_name && a[2] == '\0') {
					op = &opts[k];
				}
			}
			if (!op) {
				snprintf(err, errlen, "unknown option %s for %s", a, o->command);
				return false;
			}
			const char *arg = NULL;
			if (op->arg) {
				if (inline_arg)
					arg = inline_arg;
				else if (i + 1 < argc)
					arg = argv[++i];
				else {
					snprintf(err, errlen, "option %s needs %s", a, op->arg);
					return false;
				}
			} else if (inline_arg) {
				snprintf(err, errlen, "option --%s takes no value", op->name);
				return false;
			}
			if (!apply(o, op, arg, err, errlen))
				return false;
			continue;
		}
		/* Files first; the first word that is not a capture starts the BPF expression. */
		/* plot and compare take directories only, and no filter. */
		if (!in_expression && ((bit & (CMD_PLOT | CMD_COMPARE)) || looks_like_capture(a))) {
			o->files[o->nfiles++] = a;
			continue;
		}
		if (!in_expression)
			o->filter_start = a;
		in_expression = true;
		if (!append_word(&words, a)) {
			free(words);
			snprintf(err, errlen, "out of memory");
			return false;
		}
	}
	bool ok = !words || add_filter(&o->bpf, words);
	free(words);
	if (!ok)
		snprintf(err, errlen, "out of memory");
	return ok;
}
