/* What a second sighting of one packet at one point is.
 *
 * A copy: a promiscuous bridge or an -i any capture shows one frame twice,
 * microseconds apart, byte for byte. The packet coming back: a firewall or a
 * router on a stick sends it back out of the interface it came in on, from
 * where it had gone (the carrier's source is now the first frame's
 * destination), however long it stayed there. Anything else is another
 * packet: a resend, the next of a repeating packet (mDNS, keep-alives),
 * another network's twin (its tag differs). A frame seen both bare and in a
 * tunnel at one point (two devices in one file) is a copy: carriers of two
 * kinds say nothing about each other.
 *
 * How close copies come depends on the point, so the window is learnt
 * where the data allows: packets of strong identity (a non-zero IPv4 ID, TCP
 * data) seen twice within the configured window are copies for certain, and
 * the largest gap between such twins, doubled, bounds the copies of weak
 * identities (IPv6 dup-ACKs, IPv4 ID 0). A point that showed hundreds of
 * strong packets and not one copy makes none: there only a frame with the
 * very same timestamp is a copy. Until a point has shown that many, the
 * configured window holds. */
#include <config.h>

#include "match/match-int.h"

/* Strong packets a point shows before its own copy window is trusted. */
#define COPY_LEARN_MIN 32
/* Room for timestamps taken to the microsecond. */
#define COPY_SLACK_NS 2000

int64_t pt_copy_window(const struct pt_matcher *m, unsigned point)
{
	const struct pt_point_stats *ps = &m->points->v[point].stats;
	if (ps->strong_packets < COPY_LEARN_MIN)
		return m->cfg.dup_ns;
	if (!ps->strong_copies)
		return 0;
	int64_t w = 2 * ps->copy_gap_max_ns + COPY_SLACK_NS;
	return w < m->cfg.dup_ns ? w : m->cfg.dup_ns;
}

enum pt_again pt_sighting_again(const struct pt_matcher *m, const struct pt_sighting *s, const struct pt_sight *in)
{
	const struct pt_digest *g = in->g;
	uint32_t src = pt_fold(g->carrier_src);
	if (!s->returned && src && src == s->carrier_dst && src != s->carrier_src)
		return PT_AGAIN_RETURNED;
	/* An -i any capture shows one packet on several devices, tagged on some. */
	if (!g->cooked && (s->tag_kind != g->tag_kind || s->tag_id != g->tag_id))
		return PT_AGAIN_NEW;
	int64_t window = g->strong ? m->cfg.dup_ns : pt_copy_window(m, in->point);
	int64_t d = in->ts - s->ts;
	if (d > window || d < -window)
		return PT_AGAIN_NEW;
	/* A copy keeps the IPv4 ID; a stack retransmitting at once (after an
	 * ICMP frag-needed) does so within microseconds, with a new one. */
	if (g->ip.version == 4 && s->has_ip_id && s->ip_id != (uint16_t)g->ip.id)
		return PT_AGAIN_NEW;
	return PT_AGAIN_COPY;
}

void pt_sighting_absorb(struct pt_matcher *m, struct pt_sighting *s, const struct pt_sight *in, enum pt_again a)
{
	struct pt_point_stats *ps = &m->points->v[in->point].stats;
	if (a == PT_AGAIN_RETURNED) {
		s->returned = true;
		ps->returned++;
	} else if (a == PT_AGAIN_COPY && in->g->strong && in->g->kind == PT_DG_WHOLE) {
		/* Whole frames only: a GSO frame and its own segments at one
		 * point are one packet too, but not the kind of copy that
		 * tells how far apart this point's copies come. */
		int64_t d = in->ts > s->ts ? in->ts - s->ts : s->ts - in->ts;
		ps->strong_copies++;
		if (d > ps->copy_gap_max_ns)
			ps->copy_gap_max_ns = d;
	}
}
