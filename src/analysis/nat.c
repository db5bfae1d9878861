/* path.nat: where a flow's packets start carrying another 5-tuple. */
#include <config.h>

#include "analysis/analysis.h"

void pt_nat_done(struct pt_analysis *a)
{
	const struct pt_psets *ps = a->match.psets;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (!f->nat_points || f->nat_parent)
			continue;
		/* The hop into the first point that saw another 5-tuple. */
		const struct pt_path *path = pt_analysis_path(a, f->id);
		for (uint32_t k = 1; k < path->n; k++) {
			unsigned p = path->order[k], q = path->order[k - 1];
			if (!pt_pset_has(ps, f->nat_points, p) || pt_pset_has(ps, f->nat_points, q))
				continue;
			struct pt_finding *x = pt_findings_add(&a->findings, PT_F_PATH_NAT, PT_SEV_INFO);
			if (!x)
				return;
			x->from = q;
			x->to = p;
			x->flow = f->id;
			break;
		}
	}
}
