/* loss.hop: packets of a flow seen at one point that never reached the next. */
#include <config.h>

#include "analysis/analysis.h"

void pt_loss_done(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (!h->lost)
			continue;
		uint64_t total = h->matched + h->lost;
		double share = (double)h->lost / (double)total;
		enum pt_severity sev = share >= 0.01 || h->lost >= 10 ? PT_SEV_ERROR : PT_SEV_WARNING;
		struct pt_finding *f = pt_finding_on_hop(a, PT_F_LOSS_HOP, sev, h);
		if (!f)
			return;
		f->u.loss = (struct pt_f_loss){ .lost = h->lost,
						.total = total,
						.min_len = h->lost_min_len,
						.max_len = h->lost_max_len,
						.passed_max = h->passed_max_len,
						.tcp_flags = h->lost_flags,
						.df = h->lost_df != 0,
						.window_ns = a->cfg.window_ns };
	}
}
