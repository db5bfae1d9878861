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
/* The smallest datagram every IPv4 host must accept (RFC 791): no link in a
 * cloud has a smaller MTU, whatever a few lost packets suggest. */
#define MIN_LINK_MTU 576

/* Every flow's losses on one hop, as one story. */
struct hop_group {
	uint32_t from, to;
	uint32_t passed_max, died_min, died_max;
	uint64_t lost, flows;
	uint32_t first_flow;
	uint64_t resent_lost;   /* TCP retransmissions among the dead */
	uint32_t resent_min;
	bool told;              /* an ICMP message could have told some sender in time */
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

/* The verdict one hop's evidence gives. */
struct verdict {
	struct pt_f_oversize o;
	long from, to;
	int64_t flow;
	bool merged;
};

static void hop_verdict(struct pt_analysis *a, const struct hop_group *x, struct verdict *v)
{
	const struct pt_point_stats *tp = x->tunnel >= 0 ? &a->points->v[x->tunnel].stats : NULL;
	uint32_t overhead = tp ? tp->tunnel_overhead_max : 0;
	uint32_t underlay = DEFAULT_UNDERLAY_MTU;
	bool seen = tp && tp->max_plain_ip_len >= underlay;
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
				   .underlay_seen = seen,
				   .resent_lost = x->resent_lost,
				   .blackhole = x->resent_lost && x->resent_min > x->passed_max && !x->told };
	/* The router's own word first, then the tunnel's arithmetic, then the
	 * largest packet that passed (a lower bound only). */
	bool tunnel_fits = tp && overhead && overhead < underlay && x->passed_max <= underlay - overhead &&
			   x->died_min > underlay - overhead;
	if (x->icmp_mtu) {
		o.usable = x->icmp_mtu;
		o.basis = PT_MTU_FROM_ICMP;
		if (tunnel_fits && underlay - overhead != x->icmp_mtu) {
			o.other_usable = underlay - overhead;
			o.other_basis = PT_MTU_FROM_TUNNEL;
		}
	} else if (tunnel_fits) {
		o.usable = underlay - overhead;
		o.basis = PT_MTU_FROM_TUNNEL;
	} else {
		o.usable = x->passed_max;
		o.basis = PT_MTU_FROM_LARGEST;
	}
	if (o.basis != PT_MTU_FROM_LARGEST && x->passed_max > o.usable) {
		o.other_usable = x->passed_max;
		o.other_basis = PT_MTU_FROM_LARGEST;
	}
	*v = (struct verdict){ o, x->from, x->to, x->flows == 1 ? (int64_t)x->first_flow : -1, false };
}

/* A verdict from sizes alone (no router's message, no tunnel arithmetic)
 * must not be a few random losses that happened to hit the largest packets:
 * it needs an MTU a link can have and more than a couple of packets, or
 * several flows, or TCP resending the sizes to die again. */
static bool verdict_stands(const struct pt_f_oversize *o)
{
	if (o->basis != PT_MTU_FROM_LARGEST)
		return true;
	return o->usable >= MIN_LINK_MTU && (o->lost >= 3 || o->flows >= 2 || o->resent_lost);
}

/* Whether verdict b's MTU is the better told: lower (the path MTU is the
 * smallest of its hops'), then from an ICMP message, then the tunnel's. */
static bool better_told(const struct pt_f_oversize *b, const struct pt_f_oversize *than)
{
	if (b->usable != than->usable)
		return b->usable < than->usable;
	return b->basis < than->basis;
}

/* Hops of one tunnel network that drop for its MTU give one verdict: named
 * on the hop where most died, with the MTU its evidence tells best, the
 * others listed. */
static void merge_verdicts(struct verdict *v, size_t n, size_t first)
{
	struct verdict *m = &v[first];
	const struct pt_f_oversize *best = &m->o;
	for (size_t k = first + 1; k < n; k++)
		if (!v[k].merged && v[k].o.tunnel >= 0 && v[k].o.tunnel == m->o.tunnel && v[k].o.lost > m->o.lost) {
			struct verdict t = *m;
			*m = v[k];
			v[k] = t;
		}
	for (size_t k = first + 1; k < n; k++) {
		struct verdict *x = &v[k];
		if (x->merged || x->o.tunnel < 0 || x->o.tunnel != m->o.tunnel)
			continue;
		x->merged = true;
		if (better_told(&x->o, best))
			best = &x->o;
		struct pt_f_oversize *o = &m->o;
		if (o->nextra < sizeof o->extra_from / sizeof o->extra_from[0]) {
			o->extra_from[o->nextra] = x->from;
			o->extra_to[o->nextra] = x->to;
			o->extra_lost[o->nextra] = x->o.lost;
			o->extra_died_min[o->nextra] = x->o.died_min;
			o->nextra++;
		}
		if (x->o.died_max > o->died_max)
			o->died_max = x->o.died_max;
	}
	if (best != &m->o) {
		struct pt_f_oversize *o = &m->o;
		o->usable = best->usable;
		o->basis = best->basis;
		o->underlay = best->underlay;
		o->underlay_seen = best->underlay_seen;
		o->other_usable = best->other_basis == PT_MTU_FROM_LARGEST ? 0 : best->other_usable;
		o->other_basis = best->other_basis;
		if (o->passed_max > o->usable) {
			o->other_usable = o->passed_max;
			o->other_basis = PT_MTU_FROM_LARGEST;
		}
	}
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
		if (h->passed_max_len > x->passed_max)
			x->passed_max = h->passed_max_len;
		long t = pt_tunnel_point(a, pt_analysis_flow(a, h->flow_id));
		if (t >= 0)
			x->tunnel = t;
	}
	/* What died larger than anything that passed: a flow's losses as small
	 * as what passed are another story (a queue, a filter), told apart. */
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		struct hop_group *x = group_of(&gs, h);
		if (!x || !h->lost_sized || h->lost_sized_min <= x->passed_max)
			continue;
		const struct pt_flow *f = pt_analysis_flow(a, h->flow_id);
		if (h->lost_sized_min < x->died_min)
			x->died_min = h->lost_sized_min;
		if (h->lost_sized_max > x->died_max)
			x->died_max = h->lost_sized_max;
		x->lost += h->lost_sized;
		if (!x->flows++)
			x->first_flow = h->flow_id;
		if (h->lost_resent && (!x->resent_lost || h->lost_resent_min_len < x->resent_min))
			x->resent_min = h->lost_resent_min_len;
		x->resent_lost += h->lost_resent;
		const struct pt_icmp_mtu *m = pt_icmp_for_flow(a, f);
		if (m && (!x->icmp_mtu || m->mtu < x->icmp_mtu))
			x->icmp_mtu = m->mtu;
		x->told = x->told || pt_icmp_told_flow(a, f);
	}
	struct verdict *v = calloc(gs.n ? gs.n : 1, sizeof *v);
	size_t nv = 0;
	for (size_t k = 0; v && k < gs.n; k++) {
		const struct hop_group *x = &gs.v[k];
		/* Something smaller must pass. */
		if (x->lost && x->passed_max) {
			hop_verdict(a, x, &v[nv]);
			nv += verdict_stands(&v[nv].o);
		}
	}
	for (size_t k = 0; k < nv; k++) {
		if (v[k].merged)
			continue;
		merge_verdicts(v, nv, k);
		struct pt_finding *f = pt_findings_add(&a->findings, PT_F_MTU_OVERSIZE_DROP, PT_SEV_ERROR);
		if (!f)
			break;
		f->from = v[k].from;
		f->to = v[k].to;
		f->flow = v[k].o.nextra ? -1 : v[k].flow;
		f->u.oversize = v[k].o;
	}
	free(v);
	free(gs.v);
}

/* The oversize drop that names hop from > to, as its own or among its
 * merged hops; NULL none. */
static const struct pt_finding *oversize_on_hop(const struct pt_analysis *a, long from, long to)
{
	for (size_t k = 0; k < a->findings.n; k++) {
		const struct pt_finding *x = &a->findings.v[k];
		if (x->id != PT_F_MTU_OVERSIZE_DROP)
			continue;
		if (x->from == from && x->to == to)
			return x;
		const struct pt_f_oversize *o = &x->u.oversize;
		for (uint32_t e = 0; e < o->nextra; e++)
			if (o->extra_from[e] == from && o->extra_to[e] == to)
				return x;
	}
	return NULL;
}

static void blackhole_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_hop *h = &a->hops.v[i];
		const struct pt_flow *f = pt_analysis_flow(a, h->flow_id);
		/* Resent at a size that died before, and died again, with no word back;
		 * a size story only if nothing that large crossed the hop. */
		if (!h->lost || !h->lost_df || f->key.proto != 6 || !h->lost_resent || pt_icmp_told_flow(a, f) ||
		    h->lost_min_len <= h->passed_max_len ||
		    oversize_on_hop(a, h->from, h->to) ||
		    h->lost_min_len <= 576)
			continue;
		struct pt_finding *x = pt_finding_on_hop(a, PT_F_MTU_PMTUD_BLACKHOLE, PT_SEV_ERROR, h);
		if (!x)
			return;
		x->u.blackhole = (struct pt_f_blackhole){ h->lost, h->lost_min_len, h->lost_max_len, h->lost_resent,
							  h->lost_resent_min_len };
	}
}

/* The usable MTU an oversize drop gives on some hop of flow r, 0 none. */
static uint32_t oversize_on_flow(const struct pt_analysis *a, const struct pt_flow *r)
{
	uint32_t usable = 0;
	for (size_t h = 0; h < a->hops.n; h++) {
		const struct pt_hop *hop = &a->hops.v[h];
		const struct pt_finding *x = hop->flow_id == r->id ? oversize_on_hop(a, hop->from, hop->to) : NULL;
		if (x)
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
		const struct pt_finding *over = oversize_on_hop(a, h->from, h->to);
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
