/* Hand-built digests fed to an analysis (the analysis and output suites). */
#include <config.h>

#include <check.h>

#include "analysis/analysis.h"
#include "check_feed.h"

void feed(struct pt_analysis *a, const struct feed_pkt *p)
{
	struct pt_digest g;
	feed_digest(&g, p);
	ck_assert_uint_lt(g.point, a->points->n);
	pt_analysis_packet(a, &g);
}
