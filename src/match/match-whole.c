/* Whole packets, found again by fingerprint. Identical packets (kernel RSTs
 * and unconnected UDP carry IPv4 ID 0, IPv6 has no ID) can be in flight
 * together on a slow hop, so a later one at the same point is a record of
 * its own, and a sighting elsewhere goes to the record it fits best. */
#include <config.h>

#include "match/match-int.h"

/* How far a sighting at point, at ts, is from where record c would be seen
 * there: its first sighting plus the gap last measured between those two
 * points (clock offset included), or with none measured yet (capture start,
 * when points begin at different times) its first sighting itself. */
static int64_t misfit(const struct pt_matcher *m, const struct pt_record *c, unsigned point, int64_t ts, bool *known)
{
	unsigned from = c->s[0].point;
	size_t at = (size_t)from * m->ngap + point;
	*known = from < m->ngap && point < m->ngap && m->gap_known[at];
	int64_t d = ts - c->s[0].ts - (*known ? m->gap[at] : 0);
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
	int64_t dc = misfit(m, c, point, ts, &ck), db = misfit(m, best, point, ts, &bk);
	if (ck != bk)
		return ck;
	if (dc != db)
		return dc < db;
	return c->first_ts < best->first_ts;
}

static bool same_packet(const struct pt_record *c, const struct pt_flow *f, uint8_t version)
{
	return c->flow && c->nsight && c->flow->key.version == version &&
	       (c->flow == f || (pt_flow_key_unicast(&f->key) && pt_flow_key_unicast(&c->flow->key)));
}

/* The same packet twice at one point with two 5-tuples: not a copy but a
 * translation where it was captured (a DNAT on a pod's tun0, seen before
 * and after iptables). The translated flow continues the first. */
static bool translated_here(struct pt_matcher *m, struct pt_record *c, struct pt_flow *f, unsigned point)
{
	struct pt_flow *rf = pt_flow_canonical(c->flow);
	/* The same bytes sent back, addresses swapped, are a reflection (a
	 * firewall hairpin), not a translation. */
	if (!rf || f == c->flow || f == c->flow->reverse)
		return false;
	if (!f->nat_parent && pt_flow_canonical(f) != rf)
		f->nat_parent = rf;
	rf->nat_here = pt_pset_with(m->psets, rf->nat_here, point);
	return true;
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
		if (!c->fragmented || c->whole_seen || !same_packet(c, f, g->ip.version) ||
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
		if (!same_packet(c, f, g->ip.version))
			continue;
		same++;
		if (!oldest || c->first_ts < oldest->first_ts)
			oldest = c;
		struct pt_sighting *s = pt_record_sighting_at(c, point);
		if (s) {
			if (ts - s->ts <= m->cfg.dup_ns && ts >= s->ts - m->cfg.dup_ns) {
				if (!translated_here(m, c, f, point))
					m->points->v[point].stats.duplicates++;
				return;
			}
			continue;
		}
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
		pt_record_note_nat(r, f, s);
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
	if (g->ip.version == 4 && !g->ip.df) {
		/* Could be fragmented further on: findable by datagram key too. */
		pt_record_link_dg(m, r, g->dg_key);
		r->dg_len = g->ip.total_len > g->ip.hdr_len ? g->ip.total_len - g->ip.hdr_len : 0;
		if (s)
			s->bytes = r->dg_len;
	}
}

