/* The top of the summary, what a person reads in ten seconds: what went
 * wrong and what to do (errors and warnings, folded), then the main flows'
 * paths as one chain each, with the time each hop took and where packets
 * were lost. */
#include <config.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/summary-int.h"
#include "output/text.h"

/* The flows drawn as chains: the busiest ones. */
#define MAIN_FLOWS 6
/* A chain wraps before this column. */
#define CHAIN_WIDTH 100

static const char *severity_color(enum pt_severity s)
{
	return s == PT_SEV_ERROR ? "\033[1;31m" : s == PT_SEV_WARNING ? "\033[33m" : "";
}

void pt_summary_print_finding(const struct pt_shown *s, FILE *fp, bool color)
{
	const struct pt_finding *f = s->f;
	if (color && f->severity != PT_SEV_INFO)
		fprintf(fp, "%s%-7s\033[0m %s", severity_color(f->severity), pt_severity_name(f->severity),
			pt_finding_name(f->id));
	else
		fprintf(fp, "%-7s %s", pt_severity_name(f->severity), pt_finding_name(f->id));
	if (s->point)
		fprintf(fp, " at %s", s->point);
	if (s->from)
		fprintf(fp, " on %s > %s", s->from, s->to ? s->to : "?");
	if (f->flow >= 0)
		fprintf(fp, " (flow %" PRId64 ")", f->flow);
	if (s->t.value[0])
		fprintf(fp, ": %s", s->t.value);
	fprintf(fp, "\n        %s\n", s->t.evidence);
	if (s->t.advice[0])
		fprintf(fp, "        -> %s\n", s->t.advice);
}

/* Errors and warnings, most severe first, one story per kind and place. */
static void verdict(const struct pt_analysis *a, FILE *fp, bool color)
{
	size_t n;
	struct pt_shown *v = pt_summary_findings(a, &n);
	if (!v) {
		fprintf(fp, "(out of memory: see findings.csv)\n");
		return;
	}
	size_t infos = 0, shown = 0;
	for (size_t i = 0; i < n; i++)
		infos += v[i].f->severity == PT_SEV_INFO;
	fprintf(fp, "== verdict ==\n");
	pt_summary_print_groups(v, n, fp, color, PT_SEV_WARNING, PT_SEV_ERROR, &shown);
	if (!shown)
		fprintf(fp, "no errors or warnings\n");
	if (infos)
		fprintf(fp, "(%zu informational finding%s in findings.csv and summary.txt)\n", infos, infos == 1 ? "" : "s");
	free(v);
}

static void append(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n < size) {
		memcpy(buf + *len, s, n + 1);
		*len += n;
	}
}

/* "12.3us", "1.25ms", "?" */
static void duration(double us, char *buf, size_t size)
{
	if (isnan(us))
		snprintf(buf, size, "?");
	else if (us < 0 ? -us < 1000 : us < 1000)
		snprintf(buf, size, "%.1fus", us);
	else
		snprintf(buf, size, "%.2fms", us / 1000);
}

static const struct pt_hop *hop_of(const struct pt_analysis *a, uint32_t flow, unsigned from, unsigned to)
{
	for (size_t i = 0; i < a->hops.n; i++)
		if (a->hops.v[i].flow_id == flow && a->hops.v[i].from == from && a->hops.v[i].to == to)
			return &a->hops.v[i];
	return NULL;
}

/* vm1-eth0 -[1.6us]-> cn1-tap1 -[5.0us]-> cn1-br0 ..., wrapped; then the
 * losses. Whether a bridge's copy is on it: its two hops are not transit
 * times, only their sum is. */
static bool chain(const struct pt_analysis *a, const struct pt_flow *f, FILE *fp)
{
	bool bridge = false;
	const struct pt_path *path = pt_analysis_path(a, f->id);
	char line[CHAIN_WIDTH + 256];
	size_t len = 0;
	line[0] = '\0';
	append(line, sizeof line, &len, "  ");
	for (uint32_t i = 0; i < path->n; i++) {
		char piece[256];
		const char *name = pt_point_label(a, path->order[i]);
		bridge = bridge || a->points->v[path->order[i]].role == PT_ROLE_BRIDGE;
		if (i == 0) {
			snprintf(piece, sizeof piece, "%s", name);
		} else {
			const struct pt_hop *h = hop_of(a, f->id, path->order[i - 1], path->order[i]);
			char d[32];
			duration(h ? h->p50_us : NAN, d, sizeof d);
			snprintf(piece, sizeof piece, " -[%s]-> %s", d, name);
		}
		if (len + strlen(piece) > CHAIN_WIDTH && len > 2) {
			fprintf(fp, "%s\n", line);
			len = 0;
			line[0] = '\0';
			append(line, sizeof line, &len, "   ");
		}
		append(line, sizeof line, &len, piece);
	}
	fprintf(fp, "%s\n", line);
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (h->flow_id == f->id && h->lost)
			fprintf(fp, "  %" PRIu64 " lost on %s > %s\n", h->lost, pt_point_label(a, h->from),
				pt_point_label(a, h->to));
	}
	return bridge;
}

static int by_packets(const void *x, const void *y)
{
	const struct pt_flow *a = *(const struct pt_flow *const *)x, *b = *(const struct pt_flow *const *)y;
	if (a->packets != b->packets)
		return a->packets > b->packets ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The busiest reported flows that crossed two points or more. */
static void main_paths(const struct pt_analysis *a, FILE *fp)
{
	size_t n = a->match.flows.n, m = 0;
	const struct pt_flow **v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (!f->nat_parent && f->packets && pt_flow_reported(a, f->id) && pt_analysis_path(a, f->id)->n >= 2)
			v[m++] = f;
	}
	qsort(v, m, sizeof *v, by_packets);
	fprintf(fp, "\n== main paths (median one-way time per hop, after clock correction) ==\n");
	if (!m)
		fprintf(fp, "no flow was seen at two points\n");
	bool bridge = false;
	for (size_t i = 0; i < m && i < MAIN_FLOWS; i++) {
		char key[160];
		pt_flow_key_format(&v[i]->key, key, sizeof key);
		fprintf(fp, "flow %u  %s  (%" PRIu64 " packets)\n", v[i]->id, key, v[i]->packets);
		bridge = chain(a, v[i], fp) || bridge;
	}
	if (m > MAIN_FLOWS)
		fprintf(fp, "(%zu more flows in flows.csv and summary.txt)\n", m - MAIN_FLOWS);
	if (bridge)
		fprintf(fp, "(a bridge's copy is stamped at its ingress or after its egress: the two hops around it "
			    "are not transit times, their sum is)\n");
	free(v);
}

void pt_summary_top(const struct pt_analysis *a, FILE *fp, bool color)
{
	verdict(a, fp, color);
	main_paths(a, fp);
}
