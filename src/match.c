/* Sightings of one packet across capture points, within the matching window.
 *
 * Three kinds of record, all finalised the same way once older than the
 * window:
 *  - whole packets, found again by fingerprint;
 *  - IPv4 datagrams, found again by (src, dst, proto, id) so that a packet
 *    fragmented on a hop still matches its fragments;
 *  - TCP byte-range units: every data segment is split at the boundaries any
 *    point saw, so a 64 KB GSO super-frame at a tap matches the forty-odd wire
 *    segments on the underlay and nothing merged or split looks lost.
 * A second sighting at the same point within the duplicate window is a copy
 * (promiscuous bridge, -i any). Later, it is another packet: for whole
 * packets a record of its own, since identical packets (kernel RSTs and
 * unconnected UDP carry IPv4 ID 0, IPv6 has no ID) can be in flight together
 * on a slow hop; for TCP bytes a retransmission, which closes the first
 * record (TCP resends only after an RTT or dup-ACKs, when the first copy has
 * arrived or is lost).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analyze-int.h"

#define INITIAL_BUCKETS (1u << 14)
/* Identical packets in flight together beyond this are closed oldest first:
 * it bounds the work per packet under a flood of identical frames. */
#define SAME_KEY_MAX 64

void pt_match_init(struct pt_match *m)
{
	memset(m, 0, sizeof *m);
}

void pt_match_free(struct pt_match *m)
{
	struct pt_record *r = m->head;
	while (r) {
		struct pt_record *n = r->next;
		if (!r->is_unit)
			free(r);
		r = n;
	}
	free(m->buckets);
	free(m->dgbuckets);
	memset(m, 0, sizeof *m);
}

static bool ensure_buckets(struct pt_match *m)
{
	if (m->nbuckets && m->open < m->nbuckets)
		return true;
	size_t n = m->nbuckets ? m->nbuckets * 2 : INITIAL_BUCKETS;
	struct pt_record **b = calloc(n, sizeof *b), **g = calloc(n, sizeof *g);
	if (!b || !g) {
		free(b);
		free(g);
		return m->nbuckets != 0;
	}
	for (struct pt_record *r = m->head; r; r = r->next) {
		if (r->has_key) {
			size_t j = r->key & (n - 1);
			r->hnext = b[j];
			b[j] = r;
		}
		if (r->has_dg) {
			size_t j = r->dg_key & (n - 1);
			r->dgnext = g[j];
			g[j] = r;
		}
	}
	free(m->buckets);
	free(m->dgbuckets);
	m->buckets = b;
	m->dgbuckets = g;
	m->nbuckets = n;
	return true;
}

static void list_append(struct pt_match *m, struct pt_record *r)
{
	r->prev = m->tail;
	r->next = NULL;
	if (m->tail)
		m->tail->next = r;
	else
		m->head = r;
	m->tail = r;
}

static void list_unlink(struct pt_match *m, struct pt_record *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		m->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		m->tail = r->prev;
	r->prev = r->next = NULL;
}

static struct pt_record *record_new(struct pt_analysis *a, struct pt_flow *f, int64_t ts)
{
	struct pt_match *m = &a->match;
	if (!ensure_buckets(m))
		return NULL;
	struct pt_record *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->flow = f;
	r->first_ts = ts;
	list_append(m, r);
	m->open++;
	return r;
}

static void link_key(struct pt_match *m, struct pt_record *r, uint64_t key)
{
	r->key = key;
	r->has_key = true;
	size_t j = key & (m->nbuckets - 1);
	r->hnext = m->buckets[j];
	m->buckets[j] = r;
}

static void link_dg(struct pt_match *m, struct pt_record *r, uint64_t key)
{
	r->dg_key = key;
	r->has_dg = true;
	size_t j = key & (m->nbuckets - 1);
	r->dgnext = m->dgbuckets[j];
	m->dgbuckets[j] = r;
}

static void unlink_hashes(struct pt_match *m, struct pt_record *r)
{
	if (r->has_key) {
		struct pt_record **pp = &m->buckets[r->key & (m->nbuckets - 1)];
		while (*pp && *pp != r)
			pp = &(*pp)->hnext;
		if (*pp)
			*pp = r->hnext;
		r->has_key = false;
	}
	if (r->has_dg) {
		struct pt_record **pp = &m->dgbuckets[r->dg_key & (m->nbuckets - 1)];
		while (*pp && *pp != r)
			pp = &(*pp)->dgnext;
		if (*pp)
			*pp = r->dgnext;
		r->has_dg = false;
	}
}

static struct pt_sighting *find_sighting(struct pt_record *r, unsigned point)
{
	for (unsigned i = 0; i < r->nsight; i++)
		if (r->s[i].point == point)
			return &r->s[i];
	return NULL;
}

/* One packet at one point, as the record handlers need it. */
struct sight {
	unsigned point;
	int64_t ts;
	const struct pt_ip *ip; /* innermost */
	uint32_t wire_len;
	bool estimated;
};

static struct pt_sighting *add_sighting(struct pt_match *m, struct pt_record *r, const struct sight *in)
{
	if (r->nsight >= PT_REC_MAX_SIGHTINGS)
		return NULL;
	if (r->nsight) {
		unsigned from = r->s[0].point;
		m->gap[from][in->point] = in->ts - r->s[0].ts;
		m->gap_known[from] |= (pt_mask)1 << in->point;
	}
	struct pt_sighting *s = &r->s[r->nsight++];
	memset(s, 0, sizeof *s);
	s->point = (uint8_t)in->point;
	s->ts = in->ts;
	s->wire_len = in->wire_len;
	s->len_estimated = in->estimated;
	if (in->ip->version == 4) {
		/* A copy keeps the IP ID, a retransmission gets a new one. */
		s->has_ip_id = true;
		s->ip_id = (uint16_t)in->ip->id;
	}
	if (in->ts < r->first_ts)
		r->first_ts = in->ts;
	return s;
}

/* Folds a record into its flow's aggregates. */
static void record_emit(struct pt_analysis *a, struct pt_record *r)
{
	struct pt_flow *f = pt_flow_canonical(r->flow);
	if (!f || r->nsight == 0)
		return;
	pt_mask seen = 0, uncertain = 0, not_started = 0;
	bool incomplete = false, sized = true;
	uint32_t wire = UINT32_MAX;
	unsigned idx[PT_REC_MAX_SIGHTINGS], n = 0;
	for (unsigned i = 0; i < r->nsight; i++) {
		const struct pt_sighting *s = &r->s[i];
		/* A datagram some of whose fragments never arrived did not arrive. */
		if (r->fragmented && r->dg_len && s->bytes < r->dg_len) {
			incomplete = true;
			continue;
		}
		seen |= (pt_mask)1 << s->point;
		f->point_packets[s->point]++;
		/* The narrowest form it took is the size that crossed the narrowest link. */
		if (s->wire_len && s->wire_len < wire) {
			wire = s->wire_len;
			sized = !s->len_estimated;
		} else if (s->wire_len == wire && !s->len_estimated) {
			sized = true; /* a real packet of the size the super-frame was estimated at */
		}
		if (s->nat)
			f->nat_points |= (pt_mask)1 << s->point;
		idx[n++] = i;
	}
	if (!seen)
		seen = (pt_mask)1 << r->s[0].point;
	f->points |= seen;
	f->packets++;
	f->bytes += r->ip_len;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			pt_flow_add_pair(a, f, r->s[idx[i]].point, r->s[idx[i]].ts, r->s[idx[j]].point,
					 r->s[idx[j]].ts);
	for (unsigned q = 0; q < a->npoints; q++) {
		pt_mask bit = (pt_mask)1 << q;
		if (seen & bit)
			continue;
		const struct pt_point_stats *ps = &a->points[q];
		if (ps->packets == 0 || ps->first_ts > r->first_ts + a->window_ns)
			not_started |= bit;
		else if (ps->last_ts < r->first_ts - a->window_ns)
			uncertain |= bit;
	}
	if (wire == UINT32_MAX)
		wire = r->ip_len;
	struct pt_pathsig *sig = pt_flow_sig(f, seen, uncertain, not_started, sized);
	if (!sig)
		return;
	sig->count++;
	if (r->first_ts < sig->min_ts)
		sig->min_ts = r->first_ts;
	if (r->first_ts > sig->max_ts)
		sig->max_ts = r->first_ts;
	if (wire < sig->min_len)
		sig->min_len = wire;
	if (wire > sig->max_len)
		sig->max_len = wire;
	sig->flags_or |= r->tcp_flags;
	sig->df += r->df;
	sig->frag_incomplete += incomplete;
}

static void record_release(struct pt_analysis *a, struct pt_record *r)
{
	struct pt_match *m = &a->match;
	unlink_hashes(m, r);
	list_unlink(m, r);
	m->open--;
	if (r->is_unit) {
		/* The flow's unit vector still points at it; compaction frees it. */
		r->dead = true;
		struct pt_flow *f = r->flow;
		f->units_dead++;
		while (f->units_n && f->units[f->units_head]->dead) {
			free(f->units[f->units_head]);
			f->units_head++;
			f->units_n--;
			f->units_dead--;
		}
		if (f->units_dead > 64 && f->units_dead * 2 > f->units_n) {
			size_t w = 0;
			for (size_t i = 0; i < f->units_n; i++) {
				struct pt_record *u = f->units[f->units_head + i];
				if (u->dead)
					free(u);
				else
					f->units[w++] = u;
			}
			f->units_head = 0;
			f->units_n = w;
			f->units_dead = 0;
		}
	} else {
		free(r);
	}
}

static void finalize(struct pt_analysis *a, struct pt_record *r)
{
	record_emit(a, r);
	record_release(a, r);
}

void pt_match_expire(struct pt_analysis *a, bool flush)
{
	int64_t limit = a->now - a->window_ns - a->reorder_ns;
	while (a->match.head && (flush || a->match.head->first_ts < limit))
		finalize(a, a->match.head);
}

static void note_nat(struct pt_record *r, struct pt_flow *f, struct pt_sighting *s)
{
	struct pt_flow *rf = pt_flow_canonical(r->flow);
	/* Compare 5-tuples, not canonical flows: once linked they are the same. */
	if (!s || !rf || f == r->flow || f == rf)
		return;
	/* The same packet with another 5-tuple: a hop rewrote it (floating IP). */
	s->nat = true;
	if (!f->nat_parent && pt_flow_canonical(f) != rf)
		f->nat_parent = rf;
}

/* How far a sighting at point, at ts, is from where record c would be seen
 * there: its first sighting plus the gap last measured between those two
 * points (clock offset included), or with none measured yet (capture start,
 * when points begin at different times) its first sighting itself. */
static int64_t misfit(const struct pt_match *m, const struct pt_record *c, unsigned point, int64_t ts,
		      bool *known)
{
	unsigned from = c->s[0].point;
	*known = m->gap_known[from] & (pt_mask)1 << point;
	int64_t d = ts - c->s[0].ts - (*known ? m->gap[from][point] : 0);
	return d < 0 ? -d : d;
}

/* Whether the sighting fits record c better than record best: a measured
 * gap first, then the nearer, then the older (one flow keeps its order). */
static bool fits_better(const struct pt_match *m, const struct pt_record *c, const struct pt_record *best,
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

static bool same_packet(const struct pt_record *c, uint64_t key, const struct pt_flow *f, const struct pt_ip *ip)
{
	return c->key == key && c->flow && c->nsight && c->flow->key.version == ip->version &&
	       (c->flow == f || (pt_flow_unicast(&f->key) && pt_flow_unicast(&c->flow->key)));
}

static void handle_whole(struct pt_analysis *a, const struct sight *in, const struct pt_decoded *d,
			 const uint8_t *frame, struct pt_flow *f)
{
	struct pt_match *m = &a->match;
	const struct pt_ip *ip = in->ip;
	unsigned point = in->point;
	int64_t ts = in->ts;
	uint64_t key = pt_fingerprint(d, frame);
	struct pt_record *r = NULL, *oldest = NULL;
	unsigned same = 0;
	if (m->nbuckets)
		for (struct pt_record *c = m->buckets[key & (m->nbuckets - 1)]; c; c = c->hnext) {
			if (!same_packet(c, key, f, ip))
				continue;
			same++;
			if (!oldest || c->first_ts < oldest->first_ts)
				oldest = c;
			struct pt_sighting *s = find_sighting(c, point);
			if (s) {
				if (ts - s->ts <= a->dup_ns && ts >= s->ts - a->dup_ns) {
					a->points[point].duplicates++;
					return;
				}
				continue;
			}
			if (fits_better(m, c, r, point, ts))
				r = c;
		}
	if (r) {
		struct pt_sighting *s = add_sighting(m, r, in);
		/* Whole here: all of the datagram's bytes, whatever other points saw in pieces. */
		if (s && r->has_dg)
			s->bytes = ip->total_len > ip->hdr_len ? ip->total_len - ip->hdr_len : 0;
		note_nat(r, f, s);
		return;
	}
	if (same && d->l4_proto == PT_P_TCP)
		pt_flow_canonical(f)->retransmits++;
	if (same >= SAME_KEY_MAX)
		finalize(a, oldest);
	r = record_new(a, f, ts);
	if (!r)
		return;
	link_key(m, r, key);
	r->ip_len = ip->total_len;
	r->df = ip->df;
	r->tcp_flags = d->l4_proto == PT_P_TCP ? d->tcp.flags : 0;
	r->whole_seen = true;
	struct pt_sighting *s = add_sighting(m, r, in);
	if (ip->version == 4 && !ip->df) {
		/* Could be fragmented further on: findable by datagram key too. */
		link_dg(m, r, pt_datagram_key(ip));
		r->dg_len = ip->total_len > ip->hdr_len ? ip->total_len - ip->hdr_len : 0;
		if (s)
			s->bytes = r->dg_len;
	}
}

static void handle_fragment(struct pt_analysis *a, const struct sight *in, struct pt_flow *f)
{
	struct pt_match *m = &a->match;
	const struct pt_ip *ip = in->ip;
	unsigned point = in->point;
	uint64_t key = pt_datagram_key(ip);
	struct pt_record *r = NULL;
	if (m->nbuckets)
		for (struct pt_record *c = m->dgbuckets[key & (m->nbuckets - 1)]; c; c = c->dgnext)
			if (c->dg_key == key) {
				r = c;
				break;
			}
	uint32_t len = ip->total_len > ip->hdr_len ? ip->total_len - ip->hdr_len : 0;
	a->points[point].fragments++;
	if (!r) {
		r = record_new(a, f, in->ts);
		if (!r)
			return;
		link_dg(m, r, key);
		r->df = false;
	}
	r->fragmented = true;
	if (!r->flow->key.has_ports && f->key.has_ports)
		r->flow = f; /* the first fragment carries the ports */
	if (!ip->mf)
		r->dg_len = ip->frag_off + len;
	if (!r->whole_seen && r->ip_len < ip->frag_off + len + ip->hdr_len)
		r->ip_len = ip->frag_off + len + ip->hdr_len;
	struct pt_sighting *s = find_sighting(r, point);
	if (!s)
		s = add_sighting(m, r, in);
	if (!s)
		return;
	if (in->wire_len > s->wire_len)
		s->wire_len = in->wire_len; /* the largest fragment here */
	s->nfrags++;
	s->bytes += len;
}

/* Sequence numbers relative to the flow's first, unwrapped across 2^32. */
static int64_t seq_rel(struct pt_flow *f, uint32_t seq)
{
	if (!f->seq_init) {
		f->seq_init = true;
		f->seq_last = seq;
		f->rel_last = 0;
		return 0;
	}
	int64_t rel = f->rel_last + (int32_t)(seq - f->seq_last);
	if (rel > f->rel_last) {
		f->rel_last = rel;
		f->seq_last = seq;
	}
	return rel;
}

static bool units_insert(struct pt_flow *f, size_t pos, struct pt_record *u)
{
	/* pos is relative to units_head */
	if (f->units_head + f->units_n == f->units_cap) {
		if (f->units_head > f->units_cap / 2) {
			memmove(f->units, f->units + f->units_head, f->units_n * sizeof *f->units);
			f->units_head = 0;
		} else {
			struct pt_record **n = pt_grow(f->units, &f->units_cap, f->units_head + f->units_n, sizeof *n, 64);
			if (!n)
				return false;
			f->units = n;
		}
	}
	struct pt_record **base = f->units + f->units_head;
	memmove(base + pos + 1, base + pos, (f->units_n - pos) * sizeof *base);
	base[pos] = u;
	f->units_n++;
	return true;
}

static struct pt_record *unit_new(struct pt_analysis *a, struct pt_flow *f, int64_t ts, int64_t s, int64_t e)
{
	struct pt_record *u = record_new(a, f, ts);
	if (!u)
		return NULL;
	u->is_unit = true;
	u->seq_start = s;
	u->seq_end = e;
	return u;
}

/* Splits unit at pos so that it ends at cut; the tail becomes a new unit after it. */
static struct pt_record *unit_split(struct pt_analysis *a, struct pt_flow *f, size_t pos, int64_t cut)
{
	struct pt_record *u = f->units[f->units_head + pos];
	struct pt_record *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	*t = *u;
	t->hnext = t->dgnext = NULL;
	t->has_key = t->has_dg = false;
	t->seq_start = cut;
	u->seq_end = cut;
	/* Bytes are shared out by length so flow byte counts stay right. */
	uint64_t whole = (uint64_t)(t->seq_end - u->seq_start);
	uint32_t hdr = u->ip_len > whole ? u->ip_len - (uint32_t)whole : 0;
	u->ip_len = hdr + (uint32_t)(u->seq_end - u->seq_start);
	t->ip_len = hdr + (uint32_t)(t->seq_end - t->seq_start);
	/* Same age: keep it next to the original in the expiry list. */
	t->prev = u;
	t->next = u->next;
	if (u->next)
		u->next->prev = t;
	else
		a->match.tail = t;
	u->next = t;
	a->match.open++;
	if (!units_insert(f, pos + 1, t)) {
		list_unlink(&a->match, t);
		a->match.open--;
		free(t);
		return NULL;
	}
	return t;
}

static void unit_sight(struct pt_analysis *a, struct pt_flow *f, struct pt_flow *seen_as, struct pt_record *u,
		       const struct sight *in, uint8_t flags)
{
	struct pt_sighting *s = find_sighting(u, in->point);
	u->tcp_flags |= flags;
	u->df = u->df || in->ip->df;
	if (!s) {
		note_nat(u, seen_as, add_sighting(&a->match, u, in));
		return;
	}
	/* A copy, or the same bytes in a GSO frame and its segments at one
	 * point; unless the IP ID changed: a stack retransmitting at once
	 * after an ICMP frag-needed does so within microseconds. */
	bool new_packet = s->has_ip_id && in->ip->version == 4 && s->ip_id != (uint16_t)in->ip->id;
	if (in->ts - s->ts <= a->dup_ns && in->ts >= s->ts - a->dup_ns && !new_packet)
		return;
	/* A retransmission: what was sent before is done travelling. */
	f->retransmits++;
	record_emit(a, u);
	u->nsight = 0;
	u->first_ts = in->ts;
	list_unlink(&a->match, u);
	list_append(&a->match, u);
	add_sighting(&a->match, u, in);
}

static void handle_tcp_data(struct pt_analysis *a, const struct sight *in, const struct pt_decoded *d,
			    struct pt_flow *seen_as)
{
	struct pt_flow *f = pt_flow_canonical(seen_as);
	const struct pt_ip *ip = in->ip;
	int64_t ts = in->ts;
	int64_t s = seq_rel(f, d->tcp.seq), e = s + d->payload_len;
	uint32_t hdr = ip->hdr_len + d->tcp.hdr_len;
	/* First unit that ends after s. */
	size_t lo = 0, hi = f->units_n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->units[f->units_head + mid]->seq_end <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t i = lo;
	int64_t cur = s;
	unsigned guard = 0;
	while (cur < e && guard++ < 100000) {
		struct pt_record *u = i < f->units_n ? f->units[f->units_head + i] : NULL;
		if (u && u->dead) {
			i++;
			continue;
		}
		if (u && u->seq_start <= cur) {
			if (u->seq_start < cur) {
				if (!unit_split(a, f, i, cur))
					return;
				i++;
				u = f->units[f->units_head + i];
			}
			if (u->seq_end > e && !unit_split(a, f, i, e))
				return;
			u = f->units[f->units_head + i];
			unit_sight(a, f, seen_as, u, in, d->tcp.flags);
			cur = u->seq_end;
			i++;
			continue;
		}
		int64_t gap_end = u && u->seq_start < e ? u->seq_start : e;
		struct pt_record *n = unit_new(a, f, ts, cur, gap_end);
		if (!n)
			return;
		n->ip_len = hdr + (uint32_t)(gap_end - cur);
		if (!units_insert(f, i, n)) {
			list_unlink(&a->match, n);
			a->match.open--;
			free(n);
			return;
		}
		unit_sight(a, f, seen_as, n, in, d->tcp.flags);
		cur = gap_end;
		i++;
	}
}

struct pt_flow *pt_match_flow(struct pt_analysis *a, const struct pt_decoded *d, int64_t ts)
{
	struct pt_flow_key k;
	pt_flow_key_from(d, &k);
	return pt_flow_get(&a->flows, &k, ts);
}

void pt_match_packet(struct pt_analysis *a, unsigned point, int64_t ts, const struct pt_decoded *d,
		     const uint8_t *frame, struct pt_flow *f, bool super)
{
	const struct pt_ip *ip = pt_inner_ip(d);
	if (ts > f->last_ts)
		f->last_ts = ts;
	if (ts < f->first_ts)
		f->first_ts = ts;
	f->sightings++;
	if (d->l4_proto == PT_P_TCP && (d->tcp.flags & 0x02) && d->tcp.mss)
		f->mss = d->tcp.mss;
	if ((d->l4_proto == PT_P_TCP || d->l4_proto == PT_P_UDP) && d->payload_len > f->max_payload)
		f->max_payload = d->payload_len;
	struct sight in = { .point = point, .ts = ts, .ip = ip };
	in.estimated = super;
	in.wire_len = pt_wire_len(f, d, super);
	if (ip->version == 4 && ip->is_frag)
		handle_fragment(a, &in, f);
	else if (d->l4_proto == PT_P_TCP && d->payload_len > 0 && !(d->tcp.flags & 0x02))
		handle_tcp_data(a, &in, d, f);
	else
		handle_whole(a, &in, d, frame, f);
}
