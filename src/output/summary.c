/* summary.txt, also printed: the verdict and the main paths first
 * (verdict.c), then the points, each flow's paths, the hops and every
 * finding, for a person to read. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/finding-text.h"
#include "output/report.h"
#include "output/summary-int.h"
#include "output/text.h"

/* At most this many flows and hops are listed; the CSV files have them all. */
#define SUMMARY_FLOWS 40
#define SUMMARY_PATHS 8
#define SUMMARY_HOPS 200
/* Sixty-four parallel streams losing on one underlay hop are one story:
 * per place and kind, the first findings in full, then the other flows by
 * number (findings.csv keeps every one). */
#define SUMMARY_PER_GROUP 3

static int cmp_opt(const char *x, const char *y)
{
	return x && y ? strcmp(x, y) : (x != NULL) - (y != NULL);
}

/* Findings of one kind, severity and place that differ only by flow. */
static int cmp_group(const struct pt_shown *x, const struct pt_shown *y)
{
	if (x->f->severity != y->f->severity)
		return x->f->severity > y->f->severity ? -1 : 1;
	if (x->f->id != y->f->id)
		return x->f->id < y->f->id ? -1 : 1;
	int c = cmp_opt(x->point, y->point);
	if (!c)
		c = cmp_opt(x->from, y->from);
	if (!c)
		c = cmp_opt(x->to, y->to);
	return c;
}

static int by_group(const void *p, const void *q)
{
	const struct pt_shown *x = p, *y = q;
	int c = cmp_group(x, y);
	if (c)
		return c;
	if (x->f->flow != y->f->flow)
		return x->f->flow < y->f->flow ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

struct pt_shown *pt_summary_findings(const struct pt_analysis *a, size_t *n)
{
	const struct pt_finding **order = pt_findings_in_order(a, n);
	struct pt_shown *v = order ? malloc((*n ? *n : 1) * sizeof *v) : NULL;
	if (!v) {
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		v[i].f = order[i];
		v[i].rank = i;
		v[i].point = pt_point_label(a, order[i]->point);
		v[i].from = pt_point_label(a, order[i]->from);
		v[i].to = pt_point_label(a, order[i]->to);
		pt_finding_format(a, order[i], &v[i].t);
	}
	free(order);
	qsort(v, *n, sizeof *v, by_group);
	return v;
}

void pt_summary_print_groups(const struct pt_shown *v, size_t n, FILE *fp, bool color, enum pt_severity min,
			     enum pt_severity max, size_t *shown)
{
	for (size_t i = 0; i < n;) {
		size_t end = i + 1;
		while (end < n && cmp_group(&v[i], &v[end]) == 0)
			end++;
		if (v[i].f->severity < min || v[i].f->severity > max) {
			i = end;
			continue;
		}
		for (size_t k = i; k < end && k < i + SUMMARY_PER_GROUP; k++, (*shown)++)
			pt_summary_print_finding(&v[k], fp, color);
		if (end - i > SUMMARY_PER_GROUP) {
			fprintf(fp, "        ... and %zu more %s like these, flows", end - i - SUMMARY_PER_GROUP,
				pt_finding_name(v[i].f->id));
			size_t k = i + SUMMARY_PER_GROUP;
			for (unsigned listed = 0; k < end && listed < 12; k++, listed++)
				fprintf(fp, " %" PRId64, v[k].f->flow);
			fprintf(fp, "%s (all in findings.csv)\n", k < end ? " ..." : "");
		}
		i = end;
	}
}

static void summary_findings(const struct pt_analysis *a, FILE *fp)
{
	size_t n, shown = 0;
	struct pt_shown *v = pt_summary_findings(a, &n);
	if (!v) {
		fprintf(fp, "(out of memory: see findings.csv)\n");
		return;
	}
	pt_summary_print_groups(v, n, fp, false, PT_SEV_INFO, PT_SEV_INFO, &shown);
	if (!shown)
		fprintf(fp, "none\n");
	free(v);
}

static void summary_points(const struct pt_analysis *a, FILE *fp)
{
	fprintf(fp, "== capture points ==\n");
	fprintf(fp, "%-24s %10s %12s %8s %8s %-14s %14s  %-8s %s\n", "point", "packets", "bytes", "max_ip", "gso",
		"encaps", "clock_offset_s", "role", "why");
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point *pt = &a->points->v[p];
		char enc[64], off[32], why[256];
		pt_encaps_text(pt->stats.encap_seen, enc, sizeof enc);
		if (pt->clock.known)
			snprintf(off, sizeof off, "%.6f", pt->clock.offset_s);
		else
			snprintf(off, sizeof off, "?");
		pt_role_reason_text(a, p, why, sizeof why);
		fprintf(fp, "%-24s %10" PRIu64 " %12" PRIu64 " %8u %8" PRIu64 " %-14s %14s  %-8s %s\n", pt->name,
			pt->stats.packets, pt->stats.bytes, pt->stats.max_ip_len, pt->stats.gso_frames, enc, off,
			pt_point_role_name(pt->role), why);
	}
}

static void summary_flows(const struct pt_analysis *a, FILE *fp)
{
	fprintf(fp, "\n== flows and paths ==\n");
	unsigned shown = 0, hidden = 0;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || !f->packets || !pt_flow_reported(a, f->id))
			continue;
		if (shown >= SUMMARY_FLOWS) {
			hidden++;
			continue;
		}
		shown++;
		char key[160];
		pt_flow_key_format(&f->key, key, sizeof key);
		fprintf(fp, "flow %u  %s  %" PRIu64 " packets, %" PRIu64 " bytes\n", f->id, key, f->packets, f->bytes);
		size_t n;
		struct pt_path_count *pc = pt_flow_paths(f, &n);
		for (size_t k = 0; k < n && k < SUMMARY_PATHS; k++) {
			char buf[2048];
			pt_path_format(a, pt_analysis_path(a, f->id), pc[k].seen, buf, sizeof buf);
			fprintf(fp, "    %8" PRIu64 "  %s\n", pc[k].count, buf);
		}
		if (n > SUMMARY_PATHS)
			fprintf(fp, "    (%zu more paths in paths.csv)\n", n - SUMMARY_PATHS);
		free(pc);
	}
	if (hidden)
		fprintf(fp, "(%u more flows in flows.csv)\n", hidden);
}

static void summary_hops(const struct pt_analysis *a, FILE *fp)
{
	fprintf(fp, "\n== hops (latency in microseconds, after clock correction) ==\n");
	fprintf(fp, "%6s  %-40s %8s %6s %10s %10s %10s %10s\n", "flow", "hop", "matched", "lost", "min", "p50", "p99",
		"max");
	size_t shown = 0, more = 0;
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (!pt_flow_reported(a, h->flow_id))
			continue;
		if (shown == SUMMARY_HOPS) {
			more++;
			continue;
		}
		shown++;
		char hop[128];
		snprintf(hop, sizeof hop, "%s > %s", pt_point_label(a, h->from), pt_point_label(a, h->to));
		fprintf(fp, "%6u  %-40s %8" PRIu64 " %6" PRIu64 " %10.1f %10.1f %10.1f %10.1f\n", h->flow_id, hop,
			h->matched, h->lost, h->min_us, h->p50_us, h->p99_us, h->max_us);
	}
	if (more)
		fprintf(fp, "(%zu more hops in hops.csv)\n", more);
}

/* What the filters chose: the diagnosis is made from every packet. */
static void summary_filter(const struct pt_analysis *a, FILE *fp)
{
	uint64_t outside = 0, flows = 0, reported = 0;
	for (size_t p = 0; p < a->points->n; p++)
		outside += a->points->v[p].stats.outside_filter;
	if (!outside)
		return;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || !f->packets)
			continue;
		flows++;
		reported += pt_flow_reported(a, f->id);
	}
	fprintf(fp, "filter: %" PRIu64 " of %" PRIu64 " flows selected; the diagnosis below is made from every packet "
		    "read (%" PRIu64 " outside the filter), findings of flows not selected are left out\n\n",
		reported, flows, outside);
}

void pt_report_summary(const struct pt_analysis *a, FILE *fp, const struct pt_summary_style *style)
{
	summary_filter(a, fp);
	pt_summary_top(a, fp, style->color);
	if (!style->full) {
		fprintf(fp, "\nthe capture points, every flow's paths, the hops and the informational findings: "
			    "summary.txt%s%s\n",
			style->outdir ? " in " : "", style->outdir ? style->outdir : "");
		return;
	}
	fprintf(fp, "\n");
	summary_points(a, fp);
	summary_flows(a, fp);
	summary_hops(a, fp);
	fprintf(fp, "\n== informational findings ==\n");
	summary_findings(a, fp);
}
