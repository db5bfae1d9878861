/* The MTU diagnosis: which hop drops packets above which size, what the
 * usable MTU is and how to fix it, PMTUD black holes, MSS the path cannot
 * carry, and which losses these explain. Super-frames made by GSO/GRO are
 * never taken for oversize packets: TCP is matched by byte range, and only
 * packets whose wire size is known (not estimated from a super-frame) count
 * as oversize. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "base/grow.h"

/* Ethernet's MTU: the underlay's unless larger packets were seen on it. */
#define DEFAULT_UNDERLAY_MTU 1500

/* Every flow's losses on one hop, as one story. */
struct hop_group {
	uint32_t from, to;
	uint32_t passed_max, died_min, died_max;
	uint64_t lost, flows;
	uint32_t first_flow;
	bool tcp_retransmitted;
	uint32_t icmp_mtu;
	long tunnel;
};

struct hop_groups {
	struct hop_group *v;
	size_t n, cap;
};

static struct hop_group *group_of(struct hop_groups *gs, const struct pt_hop *h)
{
	for (size_t k = 0; k < gs->n; k++)
		if (gs->v[k].from == h->from && gs->v[k].to == h->to)
			return &gs->v[k];
	struct hop_group *v = pt_grow(gs->v, &gs->cap, gs->n, sizeof *v, 16);
	if (!v)
		return NULL;
	gs->v = v;
	struct hop_group *x = &gs->v[gs->n++];
	memset(x, 0, sizeof *x);
	x->from = h->from;
	x->to = h->to;
	x->died_min = UINT32_MAX;
	x->tunnel = -1;
	return x;
}

static void oversize_finding(struct pt_analysis *a, const struct hop_group *x)
{
	const struct pt_point_stats *tp = x->tunnel >= 0 ? &a->points->v[x->tunnel].stats : NULL;
	uint32_t overhead = tp ? tp->tunnel_overhead_max : 0;
	uint32_t underlay = DEFAULT_UNDERLAY_MTU;
	if (tp && tp->max_plain_ip_len > underlay)
		underlay = tp->max_plain_ip_len;
	struct pt_f_oversize o = { .lost = x->lost,
				   .flows = x->flows,
				   .died_min = x->died_min,
				   .died_max = x->died_max,
				   .passed_max = x->passed_max,
				   .tunnel = tp ? x->tunnel : -1,
				   .encap = tp ? pt_point_encap(tp) : PT_P_NONE,
				   .overhead = overhead,
				   .underlay = underlay,
				   .blackhole = x->tcp_retransmitted && !x->icmp_mtu };
	if (x->icmp_mtu) {
		o.usable = x->icmp_mtu;
		o.basis = PT_MTU_FROM_ICMP;
	} else if (tp && overhead && x->passed_max <= underlay - overhead && x->died_min > underlay - overhead) {
		o.usable = underlay - overhead;
		o.basis = PT_MTU_FROM_TUNNEL;
	} else {
		o.usable = x->passed_max;
		o.basis = PT_MTU_FROM_LARGEST;
	}
	struct pt_finding *f = pt_findings_add(&a->findings, PT_F_MTU_OVERSIZE_DROP, PT_SEV_ERROR);
	if (!f)
		return;
	f->from = x->from;
	f->to = x->to;
	f->flow = x->flows == 1 ? (int64_t)x->first_flow : -1;
	f->u.oversize = o;
}

/* Per hop, over every flow that crossed it: the largest packet that passed
 * and the sizes that died. Super-frames, whose wire size is only estimated,
 * take no part. */
static void oversize_findings(struct pt_analysis *a)
{
	struct hop_groups gs = { NULL, 0, 0 };
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		struct hop_group *x = group_of(&gs, h);
		if (!x)
			continue;
		const struct pt_flow *f = pt_analysis_flow(a, h->flow_id);
		if (h->passed_max_len > x->passed_max)
			x->passed_max = h->passed_max_len;
		long t = pt_tunnel_point(a, f);
		if (t >= 0)
			x->tunnel = t;
		if (!h->lost_sized)
			continue;
		if (h->lost_sized_min < x->died_min)
			x->died_min = h->lost_sized_min;
		if (h->lost_sized_max > x->died_max)
			x->died_max = h->lost_sized_max;
		x->lost += h->lost_sized;
		if (!x->flows++)
			x->first_flow = h->flow_id;
		x->tcp_retransmitted = x->tcp_retransmitted || (f->key.proto == 6 && f->retransmits);
		const struct pt_icmp_mtu *m = pt_icmp_for_flow(a, f);
		if (m && (!x->icmp_mtu || m->mtu < x->icmp_mtu))
			x->icmp_mtu = m->mtu;
	}
	for (size_t k = 0; k < gs.n; k++) {
		const struct hop_group *x = &gs.v[k];
		/* Something smaller must pass, and nothing that died may be as small. */
		if (x->lost && x->passed_max && x->died_min > x->passed_max)
			oversize_finding(a, x);
	}
	free(gs.v);
}

static void blackhole_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		const struct pt_flow *f = pt_analysis_flow(a, h->flow_id);
		if (!h->lost || !h->lost_df || f->key.proto != 6 || !f->retransmits || pt_icmp_for_flow(a, f) ||
		    pt_findings_find(&a->findings, PT_F_MTU_OVERSIZE_DROP, PT_ANY_FLOW, h->from, h->to) ||
		    h->lost_min_len <= 576)
			continue;
		struct pt_finding *x = pt_finding_on_hop(a, PT_F_MTU_PMTUD_BLACKHOLE, PT_SEV_ERROR, h);
		if (!x)
			return;
		x->u.blackhole = (struct pt_f_blackhole){ h->lost, h->lost_min_len, h->lost_max_len };
	}
}

/* The usable MTU an oversize drop gives on some hop of flow r, 0 none. */
static uint32_t oversize_on_flow(const struct pt_analysis *a, const struct pt_flow *r)
{
	uint32_t usable = 0;
	for (size_t k = 0; k < a->findings.n; k++) {
		const struct pt_finding *x = &a->findings.v[k];
		if (x->id != PT_F_MTU_OVERSIZE_DROP)
			continue;
		for (size_t h = 0; h < a->hops.n; h++)
			if (a->hops.v[h].flow_id == r->id && (long)a->hops.v[h].from == x->from &&
			    (long)a->hops.v[h].to == x->to)
				usable = x->u.oversize.usable;
	}
	return usable;
}

static void mss_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || f->key.proto != 6 || !f->mss)
			continue;
		/* The MSS this sender announced bounds what the peer sends: check the reverse path. */
		const struct pt_flow *r = f->reverse;
		if (!r)
			continue;
		uint32_t usable = oversize_on_flow(a, r);
		const struct pt_icmp_mtu *m = pt_icmp_for_flow(a, r);
		if (m && (!usable || m->mtu < usable))
			usable = m->mtu;
		uint32_t hdr = f->key.version == 4 ? 40 : 60;
		if (!usable || f->mss + hdr <= usable)
			continue;
		struct pt_finding *x = pt_findings_add(&a->findings, PT_F_MTU_MSS_EXCEEDS_PATH, PT_SEV_WARNING);
		if (!x)
			return;
		x->flow = f->id;
		x->u.mss = (struct pt_f_mss){ f->mss, hdr, usable };
	}
}

/* A loss whose sizes an MTU finding explains is part of that finding, not
 * a mystery of its own: it stays listed, as information. */
static void explain_losses(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		if (!h->lost)
			continue;
		struct pt_finding *loss = pt_findings_find(&a->findings, PT_F_LOSS_HOP, h->flow_id, h->from, h->to);
		if (!loss)
			continue;
		const struct pt_finding *over =
			pt_findings_find(&a->findings, PT_F_MTU_OVERSIZE_DROP, PT_ANY_FLOW, h->from, h->to);
		const struct pt_icmp_mtu *m = pt_icmp_for_flow(a, pt_analysis_flow(a, h->flow_id));
		struct pt_f_loss *l = &loss->u.loss;
		if (over && h->lost_min_len > over->u.oversize.usable) {
			l->cause = PT_LOSS_OVERSIZE;
			l->oversize = (size_t)(over - a->findings.v);
		} else if (m && h->lost_min_len > m->mtu) {
			l->cause = PT_LOSS_ICMP_MTU;
			l->icmp_mtu = m->mtu;
			l->icmp_version = m->version;
		} else {
			continue;
		}
		loss->severity = PT_SEV_INFO;
	}
}

void pt_mtu_done(struct pt_analysis *a)
{
	oversize_findings(a);
	blackhole_findings(a);
	mss_findings(a);
	explain_losses(a);
}
