/* TCP data, matched by sequence byte range: every data segment is split at
 * the boundaries any point saw, so a 64 KB GSO super-frame at a tap matches
 * the forty-odd wire segments on the underlay and nothing merged or split
 * looks lost. A flow keeps its units sorted by sequence; a unit is a record
 * like any other and expires with the window.
 *
 * The same bytes sent again are another transmission, and it can be in
 * flight together with the first: a tail-loss probe or a RACK retransmission
 * leaves while the original still crosses a slow hop. So a transmission is
 * never closed by the next one: the earlier one is retired, whole, off the
 * unit vector, and stays open for its own sightings until the window closes
 * on it; the vector holds the newest. Which transmission a sighting belongs
 * to: where both were whole wire segments, the IPv4 ID tells (a
 * retransmission carries a new one, even one at once after an ICMP
 * frag-needed); else the gap between the points, as for identical whole
 * packets; with no gap measured, the older (one path keeps its order).
 * Retired whole, a segment the sender cut smaller to resend (1291 bytes
 * lost, then 1280 + 63 after an ICMP frag-needed) stays one packet: one
 * loss, not two pieces of byte range. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "match/match-int.h"

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

/* Inserts u at pos, relative to units_head. */
static bool units_insert(struct pt_flow *f, size_t pos, struct pt_record *u)
{
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

static struct pt_record *unit_new(struct pt_matcher *m, struct pt_flow *f, int64_t ts, int64_t s, int64_t e)
{
	struct pt_record *u = pt_record_new(m, f, ts);
	if (!u)
		return NULL;
	u->is_unit = true;
	u->seq_start = s;
	u->seq_end = e;
	return u;
}

/* Splits unit at pos so that it ends at cut; the tail becomes a new unit after it. */
static struct pt_record *unit_split(struct pt_matcher *m, struct pt_flow *f, size_t pos, int64_t cut)
{
	struct pt_record *u = f->units[f->units_head + pos];
	struct pt_record *t = pt_record_clone(m, u);
	if (!t)
		return NULL;
	t->seq_start = cut;
	u->seq_end = cut;
	for (unsigned k = 0; k < t->nsight; k++)
		t->s[k].counted_in = NULL; /* one frame, counted once: with the first piece */
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
		m->tail = t;
	u->next = t;
	m->open++;
	if (!units_insert(f, pos + 1, t)) {
		pt_record_list_unlink(m, t);
		m->open--;
		pt_record_destroy(t);
		m->alloc_failures++;
		return NULL;
	}
	return t;
}

/* Whether sighting in could be transmission r: where both were whole wire
 * segments (not estimated from a super-frame), their IPv4 IDs agree. */
static bool same_transmission(const struct pt_record *r, const struct pt_sight *in)
{
	if (in->estimated || in->g->ip.version != 4)
		return true;
	for (unsigned i = 0; i < r->nsight; i++) {
		const struct pt_sighting *s = &r->s[i];
		if (s->has_ip_id && !s->len_estimated && s->point != in->point)
			return s->ip_id == (uint16_t)in->g->ip.id;
	}
	return true;
}

/* Whether a sighting that neither r (an earlier transmission) nor u (the
 * vector's) has at its point goes to r. */
static bool older_fits(const struct pt_matcher *m, const struct pt_record *r, const struct pt_record *u,
		       const struct pt_sight *in)
{
	bool rs = same_transmission(r, in), us = same_transmission(u, in);
	if (rs != us)
		return rs;
	bool kr, ku;
	int64_t dr = pt_misfit(m, r, in->point, in->ts, 0, &kr), du = pt_misfit(m, u, in->point, in->ts, 0, &ku);
	if (kr && ku)
		return dr <= du;
	return true; /* first sent, first seen */
}

/* The live unit holding byte seq, or NULL. */
static struct pt_record *unit_at(const struct pt_flow *f, int64_t seq)
{
	size_t lo = 0, hi = f->units_n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->units[f->units_head + mid]->seq_end <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < f->units_n; lo++) {
		struct pt_record *u = f->units[f->units_head + lo];
		if (!u->dead)
			return u->seq_start <= seq ? u : NULL;
	}
	return NULL;
}

static void unit_sight(struct pt_matcher *m, struct pt_flow *seen_as, struct pt_record *u, const struct pt_sight *in)
{
	const struct pt_digest *g = in->g;
	u->tcp_flags |= g->tcp_flags;
	u->df = u->df || g->ip.df;
	struct pt_sighting *at = pt_record_sighting_at(u, in->point);
	if (at) {
		/* A copy, the same bytes in a GSO frame and its segments at one
		 * point, or the segment back from a middlebox: decided before. */
		enum pt_again a = pt_sighting_again(m, at, in);
		if (a != PT_AGAIN_NEW) {
			pt_sighting_absorb(m, at, in, a);
			pt_record_translated_here(m, u, seen_as, in->point);
		}
		return;
	}
	struct pt_sighting *s = pt_record_add_sighting(m, u, in);
	pt_tenant_admit(m, u, in->segment, true);
	pt_record_note_nat(m, u, seen_as, s);
}

/* The bytes [s, e) sent again: unit i, an earlier transmission, leaves the
 * vector whole, still open; a new unit for the bytes sent now takes its
 * place. */
static bool retire(struct pt_matcher *m, struct pt_flow *f, struct pt_flow *seen_as, size_t i, int64_t s, int64_t e,
		   const struct pt_sight *in, uint32_t hdr)
{
	struct pt_record *u = f->units[f->units_head + i];
	struct pt_record *n = unit_new(m, f, in->ts, s, e);
	if (!n)
		return false;
	n->ip_len = hdr + (uint32_t)(e - s);
	n->resent = true;
	f->retransmits++;
	f->units[f->units_head + i] = n;
	u->is_unit = false; /* off the vector: a record like a whole packet's */
	struct pt_record **v = pt_grow(f->retired, &f->capretired, f->nretired, sizeof *v, 8);
	if (v) {
		f->retired = v;
		f->retired[f->nretired++] = u;
		u->retired = true;
		u->home = f;
	} else {
		m->alloc_failures++;
		pt_record_finalize(m, u); /* nowhere to wait: done travelling */
	}
	unit_sight(m, seen_as, n, in);
	return true;
}

/* Whether bytes [s, e) were sent here before in a transmission still open:
 * sending them again is a retransmission. */
static bool sent_before(const struct pt_flow *f, unsigned point, int64_t s, int64_t e)
{
	for (size_t i = 0; i < f->nretired; i++) {
		const struct pt_record *r = f->retired[i];
		if (r->seq_start < e && r->seq_end > s && pt_record_sighting_at((struct pt_record *)r, point))
			return true;
	}
	return false;
}

/* The bytes [a, b) of the sighting that go to the unit vector. */
static void walk(struct pt_matcher *m, struct pt_flow *f, struct pt_flow *seen_as, const struct pt_sight *in,
		 int64_t a, int64_t b, uint32_t hdr)
{
	/* First unit that ends after a. */
	size_t lo = 0, hi = f->units_n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->units[f->units_head + mid]->seq_end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t i = lo;
	int64_t cur = a;
	/* Every round consumes a unit or bytes; the bound only guards against a
	 * unit vector broken by a failed allocation. */
	unsigned guard = 0;
	while (cur < b && guard++ < 100000) {
		struct pt_record *u = i < f->units_n ? f->units[f->units_head + i] : NULL;
		if (u && u->dead) {
			i++;
			continue;
		}
		if (u && u->seq_start <= cur) {
			struct pt_sighting *at = pt_record_sighting_at(u, in->point);
			bool again = at ? pt_sighting_again(m, at, in) == PT_AGAIN_NEW : !same_transmission(u, in);
			if (again) {
				int64_t end = u->seq_end < b ? u->seq_end : b;
				if (!retire(m, f, seen_as, i, cur, end, in, hdr))
					return;
				cur = end;
				i++;
				continue;
			}
			if (u->seq_start < cur) {
				if (!unit_split(m, f, i, cur))
					return;
				i++;
				u = f->units[f->units_head + i];
			}
			if (u->seq_end > b && !unit_split(m, f, i, b))
				return;
			u = f->units[f->units_head + i];
			unit_sight(m, seen_as, u, in);
			cur = u->seq_end;
			i++;
			continue;
		}
		int64_t gap_end = u && u->seq_start < b ? u->seq_start : b;
		struct pt_record *n = unit_new(m, f, in->ts, cur, gap_end);
		if (!n)
			return;
		n->ip_len = hdr + (uint32_t)(gap_end - cur);
		if (!units_insert(f, i, n)) {
			pt_record_list_unlink(m, n);
			m->open--;
			pt_record_destroy(n);
			m->alloc_failures++;
			return;
		}
		if (f->nretired && sent_before(f, in->point, cur, gap_end)) {
			n->resent = true;
			f->retransmits++;
		}
		unit_sight(m, seen_as, n, in);
		cur = gap_end;
		i++;
	}
}

/* Spans of a sighting claimed by earlier transmissions. */
struct span {
	int64_t s, e;
};

#define CLAIMS_MAX 8

static bool claimed_already(const struct span *c, size_t n, int64_t s, int64_t e)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].s < e && c[i].e > s)
			return true;
	return false;
}

/* The sighting's bytes that an earlier transmission still in flight takes
 * (it joins that record); their spans, sorted, in claimed. */
static size_t claim_retired(struct pt_matcher *m, struct pt_flow *f, struct pt_flow *seen_as, const struct pt_sight *in,
			    int64_t s, int64_t e, struct span *claimed)
{
	size_t n = 0;
	for (size_t i = 0; i < f->nretired && n < CLAIMS_MAX; i++) {
		struct pt_record *r = f->retired[i];
		int64_t cs = r->seq_start > s ? r->seq_start : s, ce = r->seq_end < e ? r->seq_end : e;
		if (cs >= ce || claimed_already(claimed, n, cs, ce))
			continue;
		struct pt_sighting *at = pt_record_sighting_at(r, in->point);
		if (at) {
			enum pt_again a = pt_sighting_again(m, at, in);
			if (a == PT_AGAIN_NEW)
				continue;
			pt_sighting_absorb(m, at, in, a);
			pt_record_translated_here(m, r, seen_as, in->point);
		} else {
			if (!same_transmission(r, in))
				continue;
			struct pt_record *u = unit_at(f, cs);
			if (u && !pt_record_sighting_at(u, in->point) && !older_fits(m, r, u, in))
				continue;
			struct pt_sighting *sg = pt_record_add_sighting(m, r, in);
			pt_tenant_admit(m, r, in->segment, true);
			pt_record_note_nat(m, r, seen_as, sg);
		}
		size_t k = n++;
		for (; k > 0 && claimed[k - 1].s > cs; k--)
			claimed[k] = claimed[k - 1];
		claimed[k] = (struct span){ cs, ce };
	}
	return n;
}

void pt_match_tcp_data(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *seen_as)
{
	const struct pt_digest *g = in->g;
	struct pt_flow *f = pt_flow_canonical(seen_as);
	int64_t s = seq_rel(f, g->tcp_seq), e = s + g->payload_len;
	uint32_t hdr = g->ip.hdr_len + g->tcp_hdr_len;
	struct span claimed[CLAIMS_MAX];
	size_t n = f->nretired ? claim_retired(m, f, seen_as, in, s, e, claimed) : 0;
	int64_t cur = s;
	for (size_t k = 0; k < n; k++) {
		if (claimed[k].s > cur)
			walk(m, f, seen_as, in, cur, claimed[k].s, hdr);
		if (claimed[k].e > cur)
			cur = claimed[k].e;
	}
	if (cur < e)
		walk(m, f, seen_as, in, cur, e, hdr);
}
