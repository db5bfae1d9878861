/* path.nat: where a flow's packets start carrying another 5-tuple: on a
 * hop, or at a point that saw them before and after. */
#include <config.h>

#include "analysis/analysis.h"

void pt_nat_done(struct pt_analysis *a)
{
	const struct pt_psets *ps = a->match.psets;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent)
			continue;
		for (long p = pt_pset_next(ps, f->nat_here, 0); p >= 0; p = pt_pset_next(ps, f->nat_here, (unsigned)p + 1)) {
			struct pt_finding *x = pt_findings_add(&a->findings, PT_F_PATH_NAT, PT_SEV_INFO);
			if (!x)
				return;
			x->point = p;
			x->flow = f->id;
		}
		if (!f->nat_points)
			continue;
		/* The hop into the first point that saw another 5-tuple. */
		const struct pt_path *path = pt_analysis_path(a, f->id);
		for (uint32_t k = 1; k < path->n; k++) {
			unsigned p = path->order[k], q = path->order[k - 1];
			/* A point that saw both forms already told where. */
			if (!pt_pset_has(ps, f->nat_points, p) || pt_pset_has(ps, f->nat_points, q) ||
			    pt_pset_has(ps, f->nat_here, q))
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
