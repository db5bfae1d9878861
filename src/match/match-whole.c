/* Whole packets, found again by fingerprint. Identical packets (kernel RSTs
 * and unconnected UDP carry IPv4 ID 0, IPv6 has no ID) can be in flight
 * together on a slow hop, so a later one at the same point is a record of
 * its own, and a sighting elsewhere goes to the record it fits best. A
 * packet that repeats (mDNS, keep-alives, health checks) can meet a capture
 * that starts late or a hop whose delay is not yet measured: a sighting
 * taken by the copy sent a second earlier moves to the new one when that
 * one fits it better (reclaim). */
#include <config.h>

#include "match/match-int.h"

int64_t pt_misfit(const struct pt_matcher *m, const struct pt_record *c, unsigned point, int64_t ts, uint64_t not_by,
		  bool *known)
{
	unsigned from = c->s[0].point;
	const struct pt_gap *gp = from < m->ngap && point < m->ngap ? &m->gap[(size_t)from * m->ngap + point] : NULL;
	int64_t gap = 0;
	*known = false;
	if (gp && gp->known && (!not_by || gp->last_by != not_by)) {
		gap = gp->last;
		*known = true;
	} else if (gp && gp->known == 2 && gp->prev_by != not_by) {
		gap = gp->prev;
		*known = true;
	}
	int64_t d = ts - c->s[0].ts - gap;
	return d < 0 ? -d : d;
}

/* Whether the sighting fits record c better than record best: a measured
 * gap first, then the nearer, then the older (one flow keeps its order). */
static bool fits_better(const struct pt_matcher *m, const struct pt_record *c, const struct pt_record *best,
			unsigned point, int64_t ts)
{
	if (!best)
		return true;
	bool ck, bk;
	int64_t dc = pt_misfit(m, c, point, ts, 0, &ck), db = pt_misfit(m, best, point, ts, 0, &bk);
	if (ck != bk)
		return ck;
	if (dc != db)
		return dc < db;
	return c->first_ts < best->first_ts;
}

/* A datagram seen in fragments at other points first, whole here (a point
 * after the one that reassembled it): its record, now findable by
 * fingerprint too; NULL when there is none or this point saw it already. */
static struct pt_record *reassembled(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f)
{
	const struct pt_digest *g = in->g;
	if (!g->dg_key)
		return NULL;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, g->dg_key, &m->by_dg)
	{
		struct pt_record *c = PT_CONTAINER_OF(node, struct pt_record, dg_node);
		if (!c->fragmented || c->whole_seen || !pt_record_same_packet(m, c, f, g) ||
		    pt_record_sighting_at(c, in->point))
			continue;
		c->whole_seen = true;
		c->ip_len = g->ip.total_len;
		if (!c->has_key)
			pt_record_link_key(m, c, g->fingerprint);
		return c;
	}
	return NULL;
}

/* Whether a SYN or FIN starting a record resends the flow's last one: the
 * same flags and sequence number at the same point, later than a copy. */
static bool resent_control(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f)
{
	const struct pt_digest *g = in->g;
	if (!(g->tcp_flags & 0x03) || g->payload_len)
		return false;
	bool resent = f->has_ctl && f->ctl_flags == g->tcp_flags && f->ctl_seq == g->tcp_seq &&
		      f->ctl_point == in->point && in->ts - f->ctl_ts > m->cfg.dup_ns;
	f->has_ctl = true;
	f->ctl_flags = g->tcp_flags;
	f->ctl_seq = g->tcp_seq;
	f->ctl_point = in->point;
	f->ctl_ts = in->ts;
	return resent;
}

/* Sightings of older twins of n (the same fingerprint, seen at n's first
 * point before) that fit n clearly better than the twin they went to: sent
 * a second apart, the two are told apart by the gap between the points, and
 * a gap measured by the very pairing in question is no evidence for it (the
 * first pairing of a capture that started late, with no gap measured before,
 * is what goes wrong: -1.01 s on a P4 switch port pair). */
static void reclaim(struct pt_matcher *m, struct pt_record *n, const struct pt_digest *g, struct pt_flow *f)
{
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, g->fingerprint, &m->by_key)
	{
		struct pt_record *c = PT_CONTAINER_OF(node, struct pt_record, key_node);
		if (c == n || c->is_unit || !pt_record_same_packet(m, c, f, g) ||
		    !pt_record_sighting_at(c, n->s[0].point))
			continue;
		for (unsigned i = 1; i < c->nsight; i++) {
			const struct pt_sighting *s = &c->s[i];
			if (s->point == n->s[0].point || s->returned || pt_record_sighting_at(n, s->point) ||
			    !pt_tenant_fits(m, n, s->segment, n->strong))
				continue;
			bool kc, kn;
			int64_t dc = pt_misfit(m, c, s->point, s->ts, c->serial, &kc);
			int64_t dn = pt_misfit(m, n, s->point, s->ts, c->serial, &kn);
			/* Clearly better only: twins sent microseconds apart fit
			 * both within the hop's jitter, and stay in order. */
			if (2 * dn < dc) {
				uint32_t seg = s->segment;
				pt_record_move_sighting(m, c, i--, n);
				pt_tenant_admit(m, n, seg, n->strong);
			}
		}
	}
}

void pt_match_whole(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f)
{
	const struct pt_digest *g = in->g;
	unsigned point = in->point;
	int64_t ts = in->ts;
	struct pt_record *r = NULL, *oldest = NULL;
	unsigned same = 0;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, g->fingerprint, &m->by_key)
	{
		struct pt_record *c = PT_CONTAINER_OF(node, struct pt_record, key_node);
		if (!pt_record_same_packet(m, c, f, g))
			continue;
		same++;
		if (!oldest || c->first_ts < oldest->first_ts)
			oldest = c;
		struct pt_sighting *s = pt_record_sighting_at(c, point);
		if (s) {
			enum pt_again a = pt_sighting_again(m, s, in);
			if (a == PT_AGAIN_NEW)
				continue;
			pt_sighting_absorb(m, s, in, a);
			if (!pt_record_translated_here(m, c, f, point) && a == PT_AGAIN_COPY)
				m->points->v[point].stats.duplicates++;
			return;
		}
		if (!pt_tenant_fits(m, c, in->segment, g->strong))
			continue;
		if (fits_better(m, c, r, point, ts))
			r = c;
	}
	if (!r)
		r = reassembled(m, in, f);
	if (r) {
		struct pt_sighting *s = pt_record_add_sighting(m, r, in);
		/* Whole here: all of the datagram's bytes, whatever other points saw in pieces. */
		if (s && r->has_dg)
			s->bytes = g->ip.total_len > g->ip.hdr_len ? g->ip.total_len - g->ip.hdr_len : 0;
		pt_tenant_admit(m, r, in->segment, g->strong);
		pt_record_note_nat(m, r, f, s);
		return;
	}
	bool resent = g->l4_proto == PT_P_TCP && (same || resent_control(m, in, pt_flow_canonical(f)));
	if (resent)
		pt_flow_canonical(f)->retransmits++;
	if (same >= PT_SAME_KEY_MAX) {
		m->identical_capped++;
		pt_record_finalize(m, oldest);
	}
	r = pt_record_new(m, f, ts);
	if (!r)
		return;
	pt_record_link_key(m, r, g->fingerprint);
	r->ip_len = g->ip.total_len;
	r->df = g->ip.df;
	r->tcp_flags = g->l4_proto == PT_P_TCP ? g->tcp_flags : 0;
	r->whole_seen = true;
	r->resent = resent;
	struct pt_sighting *s = pt_record_add_sighting(m, r, in);
	pt_tenant_admit(m, r, in->segment, g->strong);
	if (g->ip.version == 4 && !g->ip.df) {
		/* Could be fragmented further on: findable by datagram key too. */
		pt_record_link_dg(m, r, g->dg_key);
		r->dg_len = g->ip.total_len > g->ip.hdr_len ? g->ip.total_len - g->ip.hdr_len : 0;
		if (s)
			s->bytes = r->dg_len;
	}
	if (same && s)
		reclaim(m, r, g, f);
}
