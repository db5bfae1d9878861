/* TCP data, matched by sequence byte range: every data segment is split at
 * the boundaries any point saw, so a 64 KB GSO super-frame at a tap matches
 * the forty-odd wire segments on the underlay and nothing merged or split
 * looks lost. A flow keeps its units sorted by sequence; a unit is a record
 * like any other and expires with the window.
 *
 * The same bytes seen again at a point later than the duplicate window are a
 * retransmission, which closes the first record: TCP resends only after an
 * RTT or dup-ACKs, when the first copy has arrived or is lost. */
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

static void unit_sight(struct pt_matcher *m, struct pt_flow *f, struct pt_flow *seen_as, struct pt_record *u,
		       const struct pt_sight *in)
{
	const struct pt_digest *g = in->g;
	struct pt_sighting *s = pt_record_sighting_at(u, in->point);
	u->tcp_flags |= g->tcp_flags;
	u->df = u->df || g->ip.df;
	if (!s) {
		pt_record_note_nat(u, seen_as, pt_record_add_sighting(m, u, in));
		return;
	}
	/* A copy, or the same bytes in a GSO frame and its segments at one
	 * point; unless the IP ID changed: a stack retransmitting at once
	 * after an ICMP frag-needed does so within microseconds. */
	bool new_packet = s->has_ip_id && g->ip.version == 4 && s->ip_id != (uint16_t)g->ip.id;
	if (in->ts - s->ts <= m->cfg.dup_ns && in->ts >= s->ts - m->cfg.dup_ns && !new_packet)
		return;
	/* A retransmission: what was sent before is done travelling. */
	f->retransmits++;
	pt_record_emit(m, u);
	u->nsight = 0;
	u->resent = true;
	u->first_ts = in->ts;
	pt_record_list_unlink(m, u);
	pt_record_list_append(m, u);
	pt_record_add_sighting(m, u, in);
}

void pt_match_tcp_data(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *seen_as)
{
	const struct pt_digest *g = in->g;
	struct pt_flow *f = pt_flow_canonical(seen_as);
	int64_t ts = in->ts;
	int64_t s = seq_rel(f, g->tcp_seq), e = s + g->payload_len;
	uint32_t hdr = g->ip.hdr_len + g->tcp_hdr_len;
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
	/* Every round consumes a unit or bytes; the bound only guards against a
	 * unit vector broken by a failed allocation. */
	unsigned guard = 0;
	while (cur < e && guard++ < 100000) {
		struct pt_record *u = i < f->units_n ? f->units[f->units_head + i] : NULL;
		if (u && u->dead) {
			i++;
			continue;
		}
		if (u && u->seq_start <= cur) {
			if (u->seq_start < cur) {
				if (!unit_split(m, f, i, cur))
					return;
				i++;
				u = f->units[f->units_head + i];
			}
			if (u->seq_end > e && !unit_split(m, f, i, e))
				return;
			u = f->units[f->units_head + i];
			unit_sight(m, f, seen_as, u, in);
			cur = u->seq_end;
			i++;
			continue;
		}
		int64_t gap_end = u && u->seq_start < e ? u->seq_start : e;
		struct pt_record *n = unit_new(m, f, ts, cur, gap_end);
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
		unit_sight(m, f, seen_as, n, in);
		cur = gap_end;
		i++;
	}
}
