/* The role of every capture point, from what its packets show; its name
 * (model/point.c) only where they show nothing, and a finding where the two
 * disagree.
 *
 * In order: what the user said (--role); a capture of several interfaces
 * (-i any) is a vantage point: SLL2 names each packet's interface, SLL (as
 * tcpdump wrote it before 4.99) does not, but a routed or bridged packet
 * shows there once per device it crossed, which one interface never shows.
 * Then two things the pass measured:
 *
 *  - What went past it. A unicast packet seen at a later point of the
 *    point's host, while it was capturing, passed it. A hop, a promiscuous
 *    bridge and a mirror port see (nearly) all of those; a switch's own port
 *    (an Open vSwitch internal port such as br-int, a bridge captured with
 *    -p) sees only what the switch floods to it: the first packets to a MAC
 *    it has not learnt, broadcasts. Seeing under half is a flood port's view:
 *    kept off paths, it can neither order a path nor lose a packet.
 *  - How it is stamped, against the other points of its host (one clock).
 *    A device stamps what it transmits when it transmits it, and what it
 *    receives keeps the stamp it arrived with (the kernel sets it once, at
 *    the first receive): along a chain a device ties with a neighbour in one
 *    direction at most, and a point earlier than it one way is later the
 *    other way. A bridge's copy, and a mirror port's, is a receive in both
 *    directions: it ties with each direction's ingress port; or, when the
 *    kernel stamps it as it goes up the stack (TCP, mostly), it comes after
 *    its egress port both ways. Either, in most two-way conversations that
 *    show it with its host's other points, makes a bridge copy. Missing a
 *    copy proves nothing (an uncaptured ingress hides the tie), so a name
 *    that says bridge is never overruled that way.
 *
 * An internal port by name (br-ex) that saw every packet that passed it
 * carries them: it holds the tunnel endpoint's address, say, and is a hop.
 * Anything else keeps what its name says. A point whose name tells no host
 * gives no stamp evidence: another host's clock may be anywhere. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "analysis/analysis.h"

/* Enough packets for a share to mean something. */
#define ROLE_MIN_BEHIND 3
/* Delay samples a pair of points needs to say which is mostly later: the
 * reservoir's first ones are a random sample of them all. */
#define ROLE_SAMPLES 256

bool pt_same_instant(int64_t d, bool a_fine, bool b_fine)
{
	if (a_fine == b_fine)
		return d == 0;
	return a_fine ? d > -1000 && d <= 0 : d >= 0 && d < 1000;
}

/* A tenth of the IP packets seen again at the same point within the copy window. */
static bool copies_of_several_devices(const struct pt_point *pt)
{
	const struct pt_point_stats *s = &pt->stats;
	return pt->linktype == DLT_LINUX_SLL && s->duplicates >= 3 && s->duplicates * 10 >= s->ip_packets;
}

/* Stamps of one host share a clock: they can be compared as they are. */
static bool same_host(const struct pt_analysis *a, unsigned p, unsigned q)
{
	const struct pt_point *x = &a->points->v[p], *y = &a->points->v[q];
	return pt_point_host_named(x) && pt_point_host_named(y) && pt_point_same_host(x, y);
}

/* Over the packets of f seen at both p and q: +1 when q's stamp is mostly
 * later than p's, -1 when mostly earlier, 0 otherwise; *tied: most share
 * p's stamp (as far as the coarser file can tell). */
static int later(const struct pt_analysis *a, const struct pt_flow *f, unsigned p, unsigned q, bool *tied)
{
	unsigned lo = p < q ? p : q, hi = p < q ? q : p;
	const struct pt_pair *pr = pt_flow_pair(f, lo, hi);
	*tied = false;
	if (!pr || !pr->nsamples)
		return 0;
	int sign = p == lo ? 1 : -1;
	bool pf = a->points->v[p].stats.fine_ts, qf = a->points->v[q].stats.fine_ts;
	uint32_t after = 0, before = 0, ties = 0, n = pr->nsamples < ROLE_SAMPLES ? pr->nsamples : ROLE_SAMPLES;
	for (uint32_t i = 0; i < n; i++) {
		int64_t d = sign * pr->samples[i]; /* t_q - t_p */
		if (pt_same_instant(d, pf, qf))
			ties++;
		else if (d > 0)
			after++;
		else
			before++;
	}
	*tied = ties * 2 > n;
	return after * 2 > n ? 1 : before * 2 > n ? -1 : 0;
}

/* A capture of several interfaces: its stamps are any device's. */
static bool several_interfaces(const struct pt_point *pt)
{
	return pt->stats.aggregate || copies_of_several_devices(pt);
}

static bool off_paths_already(const struct pt_analysis *a, unsigned p)
{
	return several_interfaces(&a->points->v[p]);
}

/* Whether p was capturing when the packets of signature s passed. */
static bool capturing(const struct pt_analysis *a, const struct pt_pathsig *s, unsigned p)
{
	return !pt_pset_has(a->match.psets, s->not_started, p) && !pt_pset_has(a->match.psets, s->uncertain, p);
}

/* Adds to every point of f what went past it and what it saw of that. */
static void count_views(struct pt_analysis *a, const struct pt_flow *f, unsigned *pts, size_t n, int8_t *order)
{
	const struct pt_psets *ps = a->match.psets;
	/* order[i * n + j]: point j is later than point i of the same host (1). */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			bool tied;
			order[i * n + j] = i != j && same_host(a, pts[i], pts[j]) ? (int8_t)later(a, f, pts[i], pts[j], &tied)
										   : 0;
		}
	for (size_t i = 0; i < n; i++) {
		struct pt_role_evidence *e = &a->points->v[pts[i]].evidence;
		for (uint32_t k = 0; k < f->nsigs; k++) {
			const struct pt_pathsig *s = &f->sigs[k];
			if (!capturing(a, s, pts[i]))
				continue;
			bool went_past = false;
			for (size_t j = 0; j < n && !went_past; j++)
				went_past = order[i * n + j] > 0 && pt_pset_has(ps, s->seen, pts[j]);
			if (!went_past)
				continue;
			e->behind += s->count;
			if (pt_pset_has(ps, s->seen, pts[i]))
				e->seen += s->count;
		}
	}
}

/* Where p's stamps put it among the other points of its host on one flow. */
struct stamp_view {
	unsigned partners;   /* points of its host that saw some packet of the flow with it */
	unsigned tied;       /* of those, the ones whose stamps it shares */
	long tie;            /* the one of those that saw the most packets with it, -1 none */
	uint64_t tie_count;
};

/* The view of p on f; before[q] (when not NULL) is set for the points q of
 * its host stamped earlier than p. */
static void stamp_view(const struct pt_analysis *a, const struct pt_flow *f, unsigned p, struct stamp_view *v,
		       uint8_t *before)
{
	*v = (struct stamp_view){ 0, 0, -1, 0 };
	for (long q = pt_pset_next(a->match.psets, f->points, 0); q >= 0;
	     q = pt_pset_next(a->match.psets, f->points, (unsigned)q + 1)) {
		if ((unsigned)q == p || !same_host(a, p, (unsigned)q) || off_paths_already(a, (unsigned)q))
			continue;
		bool tied;
		int l = later(a, f, p, (unsigned)q, &tied);
		unsigned lo = p < (unsigned)q ? p : (unsigned)q, hi = p < (unsigned)q ? (unsigned)q : p;
		const struct pt_pair *pr = pt_flow_pair(f, lo, hi);
		if (!pr || !pr->nsamples)
			continue;
		v->partners++;
		if (tied) {
			/* The ingress port carried every packet; a flood port's copies of a few tie too. */
			v->tied++;
			if (v->tie < 0 || pr->count > v->tie_count) {
				v->tie = q;
				v->tie_count = pr->count;
			}
		}
		if (before)
			before[q] = l < 0;
	}
}

/* Each two-way conversation through a point with another point of its host
 * each way, once: whether its stamps are a copy's. A device stamps what it
 * receives with the time it arrived (kept from the first receive) and what
 * it sends when it sends it: along a chain, a point earlier than it one way
 * is later the other way, and it ties with a neighbour one way at most. A
 * copy is a receive both ways: it ties with each direction's ingress port
 * (a different one each way: two captures of one device tie with each
 * other), or, taken after the egress port sent the frame, comes after a
 * point that is also earlier the other way. */
static void count_copies(struct pt_analysis *a, const struct pt_flow *f, const struct pt_flow *r, uint8_t *before)
{
	size_t np = a->points->n;
	for (long p = pt_pset_next(a->match.psets, f->points, 0); p >= 0;
	     p = pt_pset_next(a->match.psets, f->points, (unsigned)p + 1)) {
		if (!pt_pset_has(a->match.psets, r->points, (unsigned)p) || off_paths_already(a, (unsigned)p))
			continue;
		struct stamp_view out, back;
		memset(before, 0, 2 * np);
		stamp_view(a, f, (unsigned)p, &out, before);
		stamp_view(a, r, (unsigned)p, &back, before + np);
		if (!out.partners || !back.partners)
			continue;
		struct pt_role_evidence *e = &a->points->v[p].evidence;
		e->conversations++;
		bool one_device = out.tie == back.tie && out.tied == 1 && back.tied == 1;
		bool ingress = out.tied && back.tied && !one_device;
		long earlier_both = -1;
		for (size_t q = 0; q < np && earlier_both < 0 && !ingress; q++)
			if (before[q] && before[np + q])
				earlier_both = (long)q;
		if (!ingress && earlier_both < 0)
			continue;
		if (!e->copies) {
			e->tie_out = ingress ? out.tie : earlier_both;
			e->tie_back = ingress ? back.tie : -1;
		}
		e->copies++;
	}
}

static void gather_evidence(struct pt_analysis *a)
{
	size_t cap = 0;
	unsigned *pts = NULL;
	int8_t *order = NULL;
	uint8_t *before = calloc(2 * (a->points->n ? a->points->n : 1), 1);
	if (!before)
		return;
	for (size_t i = 0; i < a->match.flows.n; i++) {
		const struct pt_flow *f = a->match.flows.all[i];
		if (f->nat_parent || !f->packets || !pt_flow_key_unicast(&f->key))
			continue;
		size_t n = pt_pset_count(a->match.psets, f->points);
		if (n > cap) {
			unsigned *np = realloc(pts, n * sizeof *pts);
			int8_t *no = np ? realloc(order, n * n) : NULL;
			if (np)
				pts = np;
			if (no)
				order = no;
			if (!np || !no)
				break; /* out of memory: the names decide */
			cap = n;
		}
		size_t k = 0;
		for (long p = pt_pset_next(a->match.psets, f->points, 0); p >= 0;
		     p = pt_pset_next(a->match.psets, f->points, (unsigned)p + 1))
			pts[k++] = (unsigned)p;
		count_views(a, f, pts, n, order);
		const struct pt_flow *r = f->reverse;
		if (r && !r->nat_parent && r->packets && f->id < r->id)
			count_copies(a, f, r, before);
	}
	free(before);
	free(pts);
	free(order);
}

/* The role the evidence gives, and why; the name's when it gives none. */
static void decide(struct pt_point *pt)
{
	struct pt_role_evidence *e = &pt->evidence;
	if (pt->role_given) {
		pt->role = pt->given_role;
		e->why = PT_WHY_GIVEN;
	} else if (pt->stats.aggregate) { /* several_interfaces(), told apart for the reason */
		pt->role = PT_ROLE_VANTAGE;
		e->why = PT_WHY_IFINDEXES;
	} else if (copies_of_several_devices(pt)) {
		pt->role = PT_ROLE_VANTAGE;
		e->why = PT_WHY_COPIES;
	} else if (e->behind >= ROLE_MIN_BEHIND && e->seen * 2 < e->behind) {
		pt->role = PT_ROLE_FLOOD;
		e->why = PT_WHY_PARTIAL_VIEW;
	} else if (e->copies && e->copies * 2 > e->conversations) {
		pt->role = PT_ROLE_BRIDGE;
		e->why = PT_WHY_COPY_STAMPS;
	} else if (pt->name_role == PT_ROLE_FLOOD && e->behind >= ROLE_MIN_BEHIND &&
		   e->seen * 10 >= e->behind * 9) {
		pt->role = PT_ROLE_HOP;
		e->why = PT_WHY_FULL_VIEW;
	} else {
		pt->role = pt->name_role;
		e->why = PT_WHY_NAME;
	}
}

/* The evidence gave another role than a name pathtrace knows. */
static void disagreement(struct pt_analysis *a, size_t p)
{
	const struct pt_point *pt = &a->points->v[p];
	if (pt->evidence.why == PT_WHY_NAME || pt->evidence.why == PT_WHY_GIVEN || pt->iface == PT_IF_UNKNOWN ||
	    pt->role == pt->name_role)
		return;
	struct pt_finding *f = pt_findings_add(&a->findings, PT_F_POINT_ROLE, PT_SEV_WARNING);
	if (!f)
		return;
	f->point = (long)p;
	f->u.role = (struct pt_f_role){ pt->name_role, pt->role, pt->iface, pt->evidence };
}

void pt_roles_done(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++)
		a->points->v[p].evidence = (struct pt_role_evidence){ PT_WHY_NAME, 0, 0, 0, 0, -1, -1 };
	gather_evidence(a);
	for (size_t p = 0; p < a->points->n; p++) {
		decide(&a->points->v[p]);
		disagreement(a, p);
	}
}
