/* ICMP fragmentation-needed and ICMPv6 Packet Too Big messages: who sent
 * them, for which flow, with which MTU, and whether they got back to the
 * sender's first capture point (if not, PMTUD cannot work). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "base/grow.h"

static uint64_t message_hash(uint8_t version, const uint8_t *sender, uint32_t mtu, const struct pt_flow_key *quoted)
{
	uint64_t h = pt_hash_bytes(sender, 16, (uint64_t)version << 32 | mtu);
	return h ^ pt_flow_key_hash(quoted) * 0x9e3779b97f4a7c15ull;
}

void pt_icmp_packet(struct pt_analysis *a, const struct pt_digest *g, struct pt_flow *f)
{
	(void)f;
	if (!g->icmp_mtu)
		return;
	struct pt_icmp_mtus *t = &a->icmp;
	/* A message about a translated packet is translated back with it, the
	 * quote too: on either side it is about the flow the translation
	 * continues, one message seen at the points of both sides. */
	struct pt_flow_key quoted = g->icmp_quoted;
	const struct pt_flow *qf = pt_flow_canonical(pt_flows_find(&a->match.flows, &quoted));
	if (qf)
		quoted = qf->key;
	uint64_t h = message_hash(g->ip.version, g->key.src, g->icmp_mtu, &quoted);
	struct pt_icmp_mtu *m = NULL;
	struct pt_hmap_node *node;
	PT_HMAP_FOR_EACH_WITH_HASH(node, h, &t->map)
	{
		struct pt_icmp_mtu *c = PT_CONTAINER_OF(node, struct pt_icmp_mtu, node);
		if (c->version == g->ip.version && c->mtu == g->icmp_mtu && memcmp(c->sender, g->key.src, 16) == 0 &&
		    pt_flow_key_eq(&c->quoted, &quoted)) {
			m = c;
			break;
		}
	}
	if (!m) {
		if (t->n >= PT_ICMP_MTU_MAX) {
			t->over_limit++; /* a flood of distinct messages: the first ones tell the story */
			return;
		}
		struct pt_icmp_mtu **v = pt_grow(t->v, &t->cap, t->n, sizeof *v, 16);
		m = v ? calloc(1, sizeof *m) : NULL;
		if (!m) {
			if (v)
				t->v = v;
			t->over_limit++;
			return;
		}
		t->v = v;
		t->v[t->n++] = m;
		m->version = g->ip.version;
		memcpy(m->sender, g->key.src, 16);
		m->mtu = g->icmp_mtu;
		m->quoted = quoted;
		m->first_ts = g->ts;
		pt_hmap_insert(&t->map, &m->node, h);
	}
	m->count++;
	m->points = pt_pset_with(a->match.psets, m->points, g->point);
}

static const struct pt_icmp_mtu *icmp_for(const struct pt_analysis *a, const struct pt_flow *f, bool in_time)
{
	const struct pt_icmp_mtu *same_path = NULL;
	for (size_t i = 0; i < a->icmp.n; i++) {
		const struct pt_icmp_mtu *m = a->icmp.v[i];
		if (m->quoted.version != f->key.version || memcmp(m->quoted.src, f->key.src, 16) != 0 ||
		    memcmp(m->quoted.dst, f->key.dst, 16) != 0)
			continue;
		if (in_time && m->first_ts > f->last_ts)
			continue; /* came after the flow ended: it never told this flow's sender */
		if (m->quoted.proto == f->key.proto &&
		    (!m->quoted.has_ports || !f->key.has_ports ||
		     (m->quoted.sport == f->key.sport && m->quoted.dport == f->key.dport)))
			return m;
		if (!same_path || m->mtu < same_path->mtu)
			same_path = m;
	}
	return same_path;
}

const struct pt_icmp_mtu *pt_icmp_for_flow(const struct pt_analysis *a, const struct pt_flow *f)
{
	return icmp_for(a, f, false);
}

const struct pt_icmp_mtu *pt_icmp_told_flow(const struct pt_analysis *a, const struct pt_flow *f)
{
	return icmp_for(a, f, true);
}

/* Where the message was seen closest to the sender: on the quoted flow's
 * path, the first point that saw it; else the first point kept on paths. */
static long nearest_point(const struct pt_analysis *a, const struct pt_icmp_mtu *m, const struct pt_path *path)
{
	const struct pt_psets *ps = a->match.psets;
	long first = -1;
	for (long p = pt_pset_next(ps, m->points, 0); p >= 0; p = pt_pset_next(ps, m->points, (unsigned)p + 1))
		if (first < 0 || pt_role_off_paths(a->points->v[first].role))
			first = p;
	for (uint32_t k = 0; path && k < path->n; k++)
		if (pt_pset_has(ps, m->points, path->order[k]))
			return path->order[k];
	return first;
}

void pt_icmp_done(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->icmp.n; i++) {
		const struct pt_icmp_mtu *m = a->icmp.v[i];
		struct pt_flow *qf = pt_flow_canonical(pt_flows_find(&a->match.flows, &m->quoted));
		const struct pt_path *path = qf ? pt_analysis_path(a, qf->id) : NULL;
		bool quoted_seen = path && path->n;
		bool blackholed = quoted_seen && !pt_pset_has(a->match.psets, m->points, path->order[0]);
		enum pt_finding_id id = m->version == 6 ? PT_F_MTU_ICMPV6_PTB : PT_F_MTU_ICMP_FRAG_NEEDED;
		struct pt_finding *f = pt_findings_add(&a->findings, id, blackholed ? PT_SEV_ERROR : PT_SEV_WARNING);
		if (!f)
			return;
		f->point = nearest_point(a, m, path);
		f->flow = qf ? (int64_t)qf->id : -1;
		struct pt_f_icmp_mtu *x = &f->u.icmp;
		x->version = m->version;
		memcpy(x->sender, m->sender, 16);
		x->mtu = m->mtu;
		x->quoted = m->quoted;
		x->count = m->count;
		x->seen_at = m->points;
		x->quoted_seen = quoted_seen;
		x->blackholed = blackholed;
	}
}

void pt_icmp_free(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->icmp.n; i++)
		free(a->icmp.v[i]);
	free(a->icmp.v);
	pt_hmap_destroy(&a->icmp.map);
	memset(&a->icmp, 0, sizeof a->icmp);
	pt_hmap_init(&a->icmp.map);
}
