/* What the captures themselves show: copies of one packet at one point,
 * clocks that jumped or stepped within a file, and capture windows: one that
 * starts late or stops early loses nothing outside it, and one that no other
 * overlaps can match nothing. */
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

/* A point's capture window in the reference clock. */
static void window(const struct pt_analysis *a, size_t p, double *from, double *to)
{
	const struct pt_point *pt = &a->points->v[p];
	double off = pt_point_offset(pt);
	*from = (double)pt->stats.first_ts / 1e9 - off;
	*to = (double)pt->stats.last_ts / 1e9 - off;
}

static void window_finding(struct pt_analysis *a, enum pt_finding_id id, enum pt_severity sev, size_t p, double by,
			   long other, double length)
{
	struct pt_finding *f = pt_findings_add(&a->findings, id, sev);
	if (f) {
		f->point = (long)p;
		f->u.window = (struct pt_f_window){ by, other, length };
	}
}

static void window_findings(struct pt_analysis *a)
{
	size_t n = a->points->n, first = n, last = n, with_packets = 0;
	double start = 0, end = 0;
	for (size_t p = 0; p < n; p++) {
		if (!a->points->v[p].stats.packets)
			continue;
		double from, to;
		window(a, p, &from, &to);
		if (first == n || from < start) {
			first = p;
			start = from;
		}
		if (last == n || to > end) {
			last = p;
			end = to;
		}
		with_packets++;
	}
	if (with_packets < 2)
		return;
	double slack = (double)a->cfg.window_ns / 1e9;
	for (size_t p = 0; p < n; p++) {
		if (!a->points->v[p].stats.packets)
			continue;
		double from, to, nearest = -1;
		long near = -1;
		window(a, p, &from, &to);
		for (size_t q = 0; q < n; q++) {
			if (q == p || !a->points->v[q].stats.packets)
				continue;
			double qf, qt;
			window(a, q, &qf, &qt);
			double apart = qf > to ? qf - to : from > qt ? from - qt : 0;
			if (near < 0 || apart < nearest) {
				nearest = apart;
				near = (long)q;
			}
		}
		if (nearest > 0)
			window_finding(a, PT_F_CAPTURE_WINDOWS_APART, PT_SEV_WARNING, p, nearest, near, to - from);
		else if (from - start > slack)
			window_finding(a, PT_F_CAPTURE_STARTED_LATE, PT_SEV_INFO, p, from - start, (long)first, to - from);
		if (nearest <= 0 && end - to > slack)
			window_finding(a, PT_F_CAPTURE_STOPPED_EARLY, PT_SEV_INFO, p, end - to, (long)last, to - from);
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
	window_findings(a);
}
