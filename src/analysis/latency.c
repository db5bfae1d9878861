/* Latency findings: packets that appear at a point before the one they came
 * from, after clock correction; and, once per bridge, the copies a bridge
 * hands its own interface, which are stamped off the path by design. */
#include <config.h>

#include <math.h>

#include "analysis/analysis.h"

static bool is_bridge(const struct pt_analysis *a, unsigned p)
{
	return a->points->v[p].role == PT_ROLE_BRIDGE;
}

static void negative_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (!h->negative || is_bridge(a, h->from) || is_bridge(a, h->to))
			continue;
		struct pt_finding *f = pt_finding_on_hop(a, PT_F_LATENCY_NEGATIVE, PT_SEV_WARNING, h);
		if (!f)
			return;
		bool same_clock =
			fabs(pt_point_offset(&a->points->v[h->from]) - pt_point_offset(&a->points->v[h->to])) == 0;
		f->u.negative = (struct pt_f_latency_negative){ h->negative, h->matched, h->min_us, same_clock };
	}
}

/* A bridge's copy is stamped at ingress or after egress (model/point.c):
 * negative times into or out of it are how it works, said once per bridge. */
static void bridge_copy_findings(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++) {
		if (!is_bridge(a, (unsigned)p))
			continue;
		uint64_t negative = 0, matched = 0, hops = 0;
		for (size_t i = 0; i < a->hops.n; i++) {
			const struct pt_hop *h = &a->hops.v[i];
			if (h->from != p && h->to != p)
				continue;
			negative += h->negative;
			matched += h->matched;
			hops += h->negative != 0;
		}
		if (!negative)
			continue;
		struct pt_finding *f = pt_findings_add(&a->findings, PT_F_LATENCY_BRIDGE_COPY, PT_SEV_INFO);
		if (!f)
			return;
		f->point = (long)p;
		f->u.bridge = (struct pt_f_bridge_copy){ negative, matched, hops };
	}
}

void pt_latency_done(struct pt_analysis *a)
{
	negative_findings(a);
	bridge_copy_findings(a);
}
