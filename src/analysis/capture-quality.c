/* What the captures themselves show: copies of one packet at one point, and
 * clocks that jumped or stepped within a file. */
#include <config.h>

#include "analysis/analysis.h"

static void glitch(struct pt_analysis *a, enum pt_finding_id id, size_t p, uint64_t count, int64_t max_ns)
{
	if (!count)
		return;
	struct pt_finding *f = pt_findings_add(&a->findings, id, PT_SEV_WARNING);
	if (f) {
		f->point = (long)p;
		f->u.glitch = (struct pt_f_clock_glitch){ count, max_ns };
	}
}

void pt_capture_done(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point_stats *ps = &a->points->v[p].stats;
		glitch(a, PT_F_CAPTURE_CLOCK_JUMP, p, ps->clock_jumps, ps->max_clock_jump_ns);
		glitch(a, PT_F_CAPTURE_CLOCK_STEP, p, ps->clock_steps, ps->max_clock_step_ns);
		if (!ps->duplicates)
			continue;
		struct pt_finding *f = pt_findings_add(&a->findings, PT_F_CAPTURE_DUPLICATES, PT_SEV_INFO);
		if (!f)
			return;
		f->point = (long)p;
		f->u.dup = (struct pt_f_duplicates){ ps->duplicates, a->cfg.dup_ns };
	}
}
