/* Bounds the pass reached: each one a finding, never silence. */
#include <config.h>

#include "analysis/analysis.h"

static void limit(struct pt_analysis *a, enum pt_finding_id id, enum pt_severity sev, uint64_t count, uint64_t bound)
{
	if (!count)
		return;
	struct pt_finding *f = pt_findings_add(&a->findings, id, sev);
	if (f)
		f->u.limit = (struct pt_f_limit){ count, bound };
}

void pt_limits_done(struct pt_analysis *a)
{
	limit(a, PT_F_LIMIT_IDENTICAL, PT_SEV_WARNING, a->match.identical_capped, PT_SAME_KEY_MAX);
	limit(a, PT_F_LIMIT_ICMP_MESSAGES, PT_SEV_WARNING, a->icmp.over_limit, PT_ICMP_MTU_MAX);
	uint64_t lost = a->match.alloc_failures + pt_psets_failures(a->match.psets) + a->findings.dropped;
	limit(a, PT_F_LIMIT_MEMORY, PT_SEV_ERROR, lost, 0);
}
