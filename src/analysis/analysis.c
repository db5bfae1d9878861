/* The pass and the module table's driver. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

struct pt_analysis *pt_analysis_new(const struct pt_analysis_config *cfg, struct pt_points *points)
{
	struct pt_analysis *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->cfg = *cfg;
	a->points = points;
	pt_findings_init(&a->findings);
	pt_hmap_init(&a->icmp.map);
	/* The per-packet path calls only the modules that want packets. */
	for (size_t i = 0; i < pt_nmodules; i++)
		if (pt_modules[i].packet && a->npacket_hooks < sizeof a->packet_hooks / sizeof a->packet_hooks[0])
			a->packet_hooks[a->npacket_hooks++] = i;
	struct pt_match_config mc = { cfg->window_ns, cfg->reorder_ns, cfg->dup_ns };
	if (!pt_match_init(&a->match, &mc, points)) {
		pt_analysis_free(a);
		return NULL;
	}
	return a;
}

void pt_analysis_free(struct pt_analysis *a)
{
	if (!a)
		return;
	for (size_t i = pt_nmodules; i-- > 0;)
		if (pt_modules[i].free)
			pt_modules[i].free(a);
	pt_match_free(&a->match);
	pt_findings_free(&a->findings);
	free(a);
}

void pt_analysis_packet(struct pt_analysis *a, const struct pt_digest *g)
{
	a->packets++;
	if (g->ts > a->now)
		a->now = g->ts;
	struct pt_flow *f = pt_match_flow(&a->match, g);
	bool super = pt_super_frame(f, g);
	pt_point_account(&a->points->v[g->point].stats, g, super);
	if (f) {
		pt_match_packet(&a->match, g, f, super);
		for (size_t i = 0; i < a->npacket_hooks; i++)
			pt_modules[a->packet_hooks[i]].packet(a, g, f);
	}
	pt_match_expire(&a->match, a->now, false);
}

void pt_analysis_finish(struct pt_analysis *a)
{
	pt_match_expire(&a->match, a->now, true);
	for (size_t i = 0; i < pt_nmodules; i++)
		if (pt_modules[i].done)
			pt_modules[i].done(a);
}

struct pt_finding *pt_finding_on_hop(struct pt_analysis *a, enum pt_finding_id id, enum pt_severity sev,
				     const struct pt_hop *h)
{
	struct pt_finding *f = pt_findings_add(&a->findings, id, sev);
	if (f) {
		f->from = h->from;
		f->to = h->to;
		f->flow = h->flow_id;
	}
	return f;
}
