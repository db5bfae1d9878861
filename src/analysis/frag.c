/* frag.fragmented: where along its path a flow gets fragmented, and whether
 * its datagrams arrive whole. */
#include <config.h>

#include "analysis/analysis.h"

void pt_frag_done(struct pt_analysis *a)
{
	const struct pt_psets *ps = a->match.psets;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		const struct pt_path *path = pt_analysis_path(a, f->id);
		if (f->nat_parent || !f->frag_points || !path->n)
			continue;
		long first = -1, before = -1;
		for (uint32_t k = 0; k < path->n; k++)
			if (pt_pset_has(ps, f->frag_points, path->order[k])) {
				first = path->order[k];
				before = k ? (long)path->order[k - 1] : -1;
				break;
			}
		if (first < 0)
			continue;
		uint64_t incomplete = 0, datagrams = 0;
		for (uint32_t s = 0; s < f->nsigs; s++) {
			incomplete += f->sigs[s].frag_incomplete;
			datagrams += f->sigs[s].count;
		}
		struct pt_finding *x =
			pt_findings_add(&a->findings, PT_F_FRAG_FRAGMENTED, incomplete ? PT_SEV_ERROR : PT_SEV_WARNING);
		if (!x)
			return;
		x->from = before;
		x->to = first;
		x->flow = f->id;
		const struct pt_point_stats *st = &a->points->v[first].stats;
		bool outer = pt_pset_has(ps, f->outer_frag_points, (uint32_t)first);
		x->u.frag = (struct pt_f_fragmented){ st->max_frag_len, incomplete, datagrams, before < 0, outer,
						     outer ? st->outer_frag_max_len : 0,
						     outer ? st->tunnel_overhead_max : 0 };
	}
}
