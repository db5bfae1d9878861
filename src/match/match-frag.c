/* IPv4 fragments: a datagram fragmented on some hop still matches its whole
 * self on the others. Its record is found by (src, dst, proto, id); a point
 * has seen the datagram when it has seen all of its payload bytes. */
#include <config.h>

#include "base/grow.h"
#include "match/match-int.h"

/* Whether this fragment was seen at this point already (a copy); if not,
 * it is remembered. */
static bool seen_before(struct pt_matcher *m, struct pt_record *r, unsigned point, uint16_t off)
{
	for (size_t i = 0; i < r->nfrags; i++)
		if (r->frags[i].point == point && r->frags[i].off == off)
			return true;
	struct pt_frag_seen *v = pt_grow(r->frags, &r->capfrags, r->nfrags, sizeof *v, 4);
	if (!v) {
		m->alloc_failures++;
		return false;
	}
	r->frags = v;
	r->frags[r->nfrags++] = (struct pt_frag_seen){ point, off };
	return false;
}

void pt_match_fragment(struct pt_matcher *m, const struct pt_sight *in, struct pt_flow *f)
{
	const struct pt_digest *g = in->g;
	unsigned point = in->point;
	struct pt_record *r = NULL;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, g->dg_key, &m->by_dg)
	{
		r = PT_CONTAINER_OF(node, struct pt_record, dg_node);
		break;
	}
	uint32_t len = g->ip.total_len > g->ip.hdr_len ? g->ip.total_len - g->ip.hdr_len : 0;
	if (r && seen_before(m, r, point, g->ip.frag_off)) {
		m->points->v[point].stats.duplicates++;
		return;
	}
	m->points->v[point].stats.fragments++;
	if (!r) {
		r = pt_record_new(m, f, in->ts);
		if (!r)
			return;
		pt_record_link_dg(m, r, g->dg_key);
		r->df = false;
		seen_before(m, r, point, g->ip.frag_off);
	}
	r->fragmented = true;
	if (!r->flow->key.has_ports && f->key.has_ports)
		r->flow = f; /* the first fragment carries the ports */
	if (!g->ip.mf)
		r->dg_len = g->ip.frag_off + len;
	if (!r->whole_seen && r->ip_len < g->ip.frag_off + len + g->ip.hdr_len)
		r->ip_len = g->ip.frag_off + len + g->ip.hdr_len;
	struct pt_sighting *s = pt_record_sighting_at(r, point);
	if (!s) {
		s = pt_record_add_sighting(m, r, in);
		pt_tenant_admit(m, r, in->segment, g->strong);
	}
	if (!s)
		return;
	if (in->wire_len > s->wire_len)
		s->wire_len = in->wire_len; /* the largest fragment here */
	s->nfrags++;
	s->bytes += len;
}
