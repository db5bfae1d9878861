/* What the captures themselves show: copies of one packet at one point. */
#include <config.h>

#include "analysis/analysis.h"

void pt_capture_done(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point_stats *ps = &a->points->v[p].stats;
		if (!ps->duplicates)
			continue;
		struct pt_finding *f = pt_findings_add(&a->findings, PT_F_CAPTURE_DUPLICATES, PT_SEV_INFO);
		if (!f)
			return;
		f->point = (long)p;
		f->u.dup = (struct pt_f_duplicates){ ps->duplicates, a->cfg.dup_ns };
	}
}
