/* MTU, fragmentation and encapsulation diagnosis: which hop drops packets
 * above which size, what the usable MTU is and how to fix it, where packets
 * get fragmented, which ICMP "fragmentation needed" / "Packet Too Big"
 * messages were sent and whether they reached the sender, PMTUD black holes,
 * and the overhead each encapsulation costs. Super-frames made by GSO/GRO are
 * never taken for oversize packets: TCP is matched by byte range and point
 * MTUs are inferred from frames that are not super-frames. */
#include <config.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-int.h"

/* Ethernet's MTU: the underlay's unless larger packets were seen on it. */
#define DEFAULT_UNDERLAY_MTU 1500

uint32_t pt_mtu_overhead(const struct pt_point_stats *ps)
{
	return ps->overhead_max;
}

static void note_icmp(struct pt_analysis *a, unsigned point, int64_t ts, const struct pt_decoded *d)
{
	const struct pt_ip *ip = pt_inner_ip(d);
	const struct pt_icmp_quote *q = &d->icmp.quote;
	struct pt_flow_key k;
	memset(&k, 0, sizeof k);
	if (q->present) {
		k.version = q->version;
		k.proto = q->proto;
		memcpy(k.src, q->src, 16);
		memcpy(k.dst, q->dst, 16);
		if (q->has_ports) {
			k.sport = q->sport;
			k.dport = q->dport;
			k.has_ports = true;
		} else if (q->has_echo_id) {
			k.sport = q->echo_id; /* flows of echoes are keyed by identifier */
			k.has_ports = true;
		}
	}
	struct pt_icmp_mtu *m = NULL;
	for (size_t i = 0; i < a->nicmp_mtu; i++) {
		struct pt_icmp_mtu *c = &a->icmp_mtu[i];
		if (c->version == ip->version && c->mtu == d->icmp.mtu && memcmp(c->sender, ip->src, 16) == 0 &&
		    memcmp(&c->quoted, &k, sizeof k) == 0) {
			m = c;
			break;
		}
	}
	if (!m) {
		if (a->nicmp_mtu >= 4096)
			return; /* a flood of distinct messages: the first 4096 tell the story */
		struct pt_icmp_mtu *n = pt_grow(a->icmp_mtu, &a->capicmp_mtu, a->nicmp_mtu, sizeof *n, 16);
		if (!n)
			return;
		a->icmp_mtu = n;
		m = &a->icmp_mtu[a->nicmp_mtu++];
		memset(m, 0, sizeof *m);
		m->version = ip->version;
		memcpy(m->sender, ip->src, 16);
		m->mtu = d->icmp.mtu;
		m->quoted = k;
		m->first_ts = ts;
	}
	m->count++;
	m->points |= (pt_mask)1 << point;
}

void pt_mtu_note_packet(struct pt_analysis *a, unsigned point, int64_t ts, const struct pt_decoded *d,
			struct pt_flow *f)
{
	const struct pt_ip *ip = pt_inner_ip(d);
	if (!ip)
		return;
	if ((d->l4_proto == PT_P_ICMP || d->l4_proto == PT_P_ICMPV6) && d->icmp.mtu)
		note_icmp(a, point, ts, d);
	struct pt_point_stats *ps = &a->points[point];
	const struct pt_ip *outer = pt_outer_ip(d);
	if (d->nips > 1 && outer->version == 6)
		ps->ipv6_underlay = true;
	bool frag = false;
	uint32_t frag_len = 0;
	for (unsigned i = 0; i < d->nips; i++)
		if (d->ips[i].is_frag) {
			frag = true;
			if (d->ips[i].total_len > frag_len)
				frag_len = d->ips[i].total_len;
		}
	uint32_t overhead = d->nips > 1 && outer->total_len > ip->total_len ? outer->total_len - ip->total_len : 0;
	if (overhead > ps->overhead_max)
		ps->overhead_max = overhead;
	if (frag && frag_len > ps->max_frag_len)
		ps->max_frag_len = frag_len;
	if (!frag && !overhead)
		return;
	/* Later fragments carry no ports or ICMP identifier: their flow is
	 * another one's, known from the first fragment. */
	if (frag && ip->is_frag && ip->frag_off != 0)
		return;
	f = pt_flow_canonical(f);
	if (!f)
		return;
	if (overhead > f->max_overhead)
		f->max_overhead = overhead;
	if (frag) {
		f->frag_points |= (pt_mask)1 << point;
		if (frag_len > f->max_frag_len)
			f->max_frag_len = frag_len;
	}
}

static const char *encap_name(const struct pt_point_stats *ps)
{
	if (ps->encap_seen & (1ull << PT_P_VXLAN))
		return "VXLAN";
	if (ps->encap_seen & (1ull << PT_P_GENEVE))
		return "Geneve";
	if (ps->encap_seen & (1ull << PT_P_GRE))
		return "GRE";
	if (ps->encap_seen & (1ull << PT_P_IPV4))
		return "IP-in-IP";
	if (ps->encap_seen & (1ull << PT_P_MPLS))
		return "MPLS";
	return NULL;
}

/* The tunnel a flow's path goes through: the point with the largest overhead. */
static int tunnel_point(const struct pt_analysis *a, const struct pt_flow *f)
{
	int best = -1;
	for (unsigned i = 0; i < f->norder; i++) {
		unsigned p = f->order[i];
		if (a->points[p].overhead_max && (best < 0 || a->points[p].overhead_max > a->points[best].overhead_max))
			best = (int)p;
	}
	return best;
}

static const struct pt_icmp_mtu *icmp_for_flow(const struct pt_analysis *a, const struct pt_flow *f)
{
	for (size_t i = 0; i < a->nicmp_mtu; i++) {
		const struct pt_icmp_mtu *m = &a->icmp_mtu[i];
		if (m->quoted.version == f->key.version && m->quoted.proto == f->key.proto &&
		    memcmp(m->quoted.src, f->key.src, 16) == 0 && memcmp(m->quoted.dst, f->key.dst, 16) == 0 &&
		    (!m->quoted.has_ports || !f->key.has_ports ||
		     (m->quoted.sport == f->key.sport && m->quoted.dport == f->key.dport)))
			return m;
	}
	return NULL;
}

struct hop_group {
	uint8_t from, to;
	uint32_t passed_max, died_min, died_max;
	uint64_t lost, flows, df_lost;
	uint32_t first_flow;
	bool tcp_retransmitted;
	uint32_t icmp_mtu;
	int tunnel;
};

static struct hop_group *hop_group_of(struct hop_group *g, size_t *ng, const struct pt_hop *h)
{
	for (size_t k = 0; k < *ng; k++)
		if (g[k].from == h->from && g[k].to == h->to)
			return &g[k];
	if (*ng == 64)
		return NULL;
	struct hop_group *x = &g[(*ng)++];
	memset(x, 0, sizeof *x);
	x->from = h->from;
	x->to = h->to;
	x->died_min = UINT32_MAX;
	x->tunnel = -1;
	return x;
}

/* Per hop, over every flow that crossed it: the largest packet that passed
 * and the sizes that died. Super-frames, whose wire size is only estimated,
 * take no part. */
static void oversize_findings(struct pt_analysis *a)
{
	struct hop_group g[64];
	size_t ng = 0;
	for (size_t i = 0; i < a->nhops; i++) {
		const struct pt_hop *h = &a->hops[i];
		struct hop_group *x = hop_group_of(g, &ng, h);
		if (!x)
			continue;
		const struct pt_flow *f = a->flows.all[h->flow_id - 1];
		if (h->passed_max_len > x->passed_max)
			x->passed_max = h->passed_max_len;
		int t = tunnel_point(a, f);
		if (t >= 0)
			x->tunnel = t;
		if (!h->lost_sized)
			continue;
		if (h->lost_sized_min < x->died_min)
			x->died_min = h->lost_sized_min;
		if (h->lost_sized_max > x->died_max)
			x->died_max = h->lost_sized_max;
		x->lost += h->lost_sized;
		x->df_lost += h->lost_df;
		if (!x->flows++)
			x->first_flow = h->flow_id;
		x->tcp_retransmitted = x->tcp_retransmitted || (f->key.proto == 6 && f->retransmits);
		const struct pt_icmp_mtu *m = icmp_for_flow(a, f);
		if (m && (!x->icmp_mtu || m->mtu < x->icmp_mtu))
			x->icmp_mtu = m->mtu;
	}
	for (size_t k = 0; k < ng; k++) {
		struct hop_group *x = &g[k];
		/* Something smaller must pass, and nothing that died may be as small. */
		if (!x->lost || !x->passed_max || x->died_min <= x->passed_max)
			continue;
		char value[32], ev[1024], adv[512];
		const char *from = pt_point_name(a, x->from), *to = pt_point_name(a, x->to);
		uint32_t usable;
		const char *how;
		char howbuf[256];
		const struct pt_point_stats *tp = x->tunnel >= 0 ? &a->points[x->tunnel] : NULL;
		uint32_t overhead = tp ? tp->overhead_max : 0;
		uint32_t underlay = DEFAULT_UNDERLAY_MTU;
		if (tp && tp->max_plain_ip_len > underlay)
			underlay = tp->max_plain_ip_len;
		if (x->icmp_mtu) {
			usable = x->icmp_mtu;
			snprintf(howbuf, sizeof howbuf, "an ICMP message on this path advertises MTU %u", x->icmp_mtu);
			how = howbuf;
		} else if (tp && overhead && x->passed_max <= underlay - overhead && x->died_min > underlay - overhead) {
			usable = underlay - overhead;
			snprintf(howbuf, sizeof howbuf, "%s at %s adds %u bytes to a %u-byte underlay", encap_name(tp),
				 pt_point_name(a, (unsigned)x->tunnel), overhead, underlay);
			how = howbuf;
		} else {
			usable = x->passed_max;
			how = "the largest packet that passed";
		}
		snprintf(value, sizeof value, "%u", usable);
		int n = snprintf(ev, sizeof ev,
				 "%" PRIu64 " packets of %" PRIu64 " flow(s) between %u and %u bytes died on %s > %s while "
				 "packets up to %u bytes passed; usable MTU %u (%s)",
				 x->lost, x->flows, x->died_min, x->died_max, from, to, x->passed_max, usable, how);
		if (x->tcp_retransmitted && !x->icmp_mtu && n > 0 && (size_t)n < sizeof ev)
			snprintf(ev + n, sizeof ev - (size_t)n,
				 "; TCP resent the same sizes and no ICMP fragmentation-needed came back (PMTUD black hole)");
		if (tp && overhead)
			snprintf(adv, sizeof adv,
				 "instance MTU must be <= %u on this %s network (underlay %u - %u); set the network's MTU "
				 "to %u (openstack network set --mtu %u), or raise the underlay MTU to >= %u",
				 usable, encap_name(tp), usable + overhead, overhead, usable, usable,
				 x->died_max + overhead);
		else
			snprintf(adv, sizeof adv,
				 "the MTU of the interfaces before %s must be <= %u, or the MTU from %s on raised to >= %u",
				 to, usable, to, x->died_max);
		pt_findings_add(&a->findings, PT_SEV_ERROR, "mtu.oversize_drop", NULL, from, to,
				x->flows == 1 ? (int64_t)x->first_flow : -1, value, ev, adv);
	}
}

static bool hop_has_oversize(const struct pt_analysis *a, uint8_t from, uint8_t to)
{
	for (size_t i = 0; i < a->findings.n; i++) {
		const struct pt_finding *f = &a->findings.v[i];
		if (strcmp(f->name, "mtu.oversize_drop") == 0 && f->from && strcmp(f->from, pt_point_name(a, from)) == 0 &&
		    strcmp(f->to, pt_point_name(a, to)) == 0)
			return true;
	}
	return false;
}

static void blackhole_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->nhops; i++) {
		const struct pt_hop *h = &a->hops[i];
		const struct pt_flow *f = a->flows.all[h->flow_id - 1];
		if (!h->lost || !h->lost_df || f->key.proto != 6 || !f->retransmits || icmp_for_flow(a, f) ||
		    hop_has_oversize(a, h->from, h->to) || h->lost_min_len <= 576)
			continue;
		char value[32], ev[512];
		snprintf(value, sizeof value, "%u", h->lost_min_len);
		snprintf(ev, sizeof ev,
			 "%" PRIu64 " DF segments of %u-%u bytes died on %s > %s, TCP retransmitted them at the same size "
			 "and no ICMP fragmentation-needed/Packet Too Big for this flow was captured",
			 h->lost, h->lost_min_len, h->lost_max_len, pt_point_name(a, h->from), pt_point_name(a, h->to));
		pt_findings_add(&a->findings, PT_SEV_ERROR, "mtu.pmtud_blackhole", NULL, pt_point_name(a, h->from),
				pt_point_name(a, h->to), h->flow_id, value, ev,
				"let ICMP type 3 code 4 / ICMPv6 type 2 through, lower the MTU before this hop, or clamp "
				"the TCP MSS (iptables -t mangle ... TCPMSS --clamp-mss-to-pmtu)");
	}
}

static void icmp_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->nicmp_mtu; i++) {
		const struct pt_icmp_mtu *m = &a->icmp_mtu[i];
		char sender[64], qk[160], value[32], ev[800], where[512] = "";
		pt_ip_format(m->version, m->sender, sender, sizeof sender);
		pt_flow_key_format(&m->quoted, qk, sizeof qk);
		size_t n = 0;
		int first_point = -1;
		for (unsigned p = 0; p < a->npoints && n < sizeof where; p++)
			if (m->points & ((pt_mask)1 << p)) {
				n += (size_t)snprintf(where + n, sizeof where - n, "%s%s", n ? ", " : "", pt_point_name(a, p));
				if (first_point < 0 || a->points[first_point].role == PT_ROLE_VANTAGE)
					first_point = (int)p;
			}
		/* Did it reach the sender's capture point: the first point of the quoted flow? */
		struct pt_flow *qf = pt_flow_canonical(pt_flow_find(&a->flows, &m->quoted));
		/* Named where it got closest to the sender. */
		for (unsigned k = 0; qf && k < qf->norder; k++)
			if (m->points & ((pt_mask)1 << qf->order[k])) {
				first_point = qf->order[k];
				break;
			}
		const char *reached = "the quoted flow was not captured";
		bool blackholed = false;
		if (qf && qf->norder) {
			unsigned sp = qf->order[0];
			blackholed = !(m->points & ((pt_mask)1 << sp));
			reached = blackholed ? "it was NOT seen at the sender's capture point"
					     : "it reached the sender's capture point";
		}
		snprintf(value, sizeof value, "%u", m->mtu);
		snprintf(ev, sizeof ev, "%s says MTU %u for %s (%" PRIu64 " message%s); seen at %s; %s%s", sender, m->mtu,
			 qk, m->count, m->count == 1 ? "" : "s", where, reached,
			 m->version == 6 && m->mtu < 1280 ? "; below the IPv6 minimum of 1280 (RFC 8200)" : "");
		bool v6 = m->version == 6;
		char adv[256];
		snprintf(adv, sizeof adv,
			 blackholed ? "the sender never learns the path MTU: let these ICMP messages through to it, or "
				      "set the MTU before %s's link to <= %u"
				    : "the path MTU past %s is %u: the sender adapts if PMTUD works; lower the instance "
				      "MTU to avoid the extra round trip",
			 sender, m->mtu);
		pt_findings_add(&a->findings, blackholed ? PT_SEV_ERROR : PT_SEV_WARNING,
				v6 ? "mtu.icmpv6_packet_too_big" : "mtu.icmp_frag_needed",
				first_point >= 0 ? pt_point_name(a, (unsigned)first_point) : NULL, NULL, NULL,
				qf ? (int64_t)qf->id : -1, value, ev, adv);
	}
}

static void fragment_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->flows.n; i++) {
		struct pt_flow *f = a->flows.all[i];
		if (f->nat_parent || !f->frag_points || !f->norder)
			continue;
		int first = -1, before = -1;
		for (unsigned k = 0; k < f->norder; k++)
			if (f->frag_points & ((pt_mask)1 << f->order[k])) {
				first = (int)f->order[k];
				before = k ? (int)f->order[k - 1] : -1;
				break;
			}
		if (first < 0)
			continue;
		uint64_t incomplete = 0, datagrams = 0;
		for (uint32_t s = 0; s < f->nsigs; s++) {
			incomplete += f->sigs[s].frag_incomplete;
			datagrams += f->sigs[s].count;
		}
		uint32_t L = a->points[first].max_frag_len;
		char key[160], value[32], ev[700];
		pt_flow_key_format(&f->key, key, sizeof key);
		snprintf(value, sizeof value, "%u", L);
		snprintf(ev, sizeof ev,
			 "%s is fragmented from %s on (%s); largest fragment %u bytes, consistent with a link MTU of %u-%u; "
			 "%" PRIu64 " of %" PRIu64 " datagrams incomplete at some point",
			 key, pt_point_name(a, (unsigned)first),
			 before < 0 ? "by the sender" : "a hop in between fragments it", L, L, L + 7, incomplete, datagrams);
		pt_findings_add(&a->findings, incomplete ? PT_SEV_ERROR : PT_SEV_WARNING, "frag.fragmented", NULL,
				before >= 0 ? pt_point_name(a, (unsigned)before) : NULL, pt_point_name(a, (unsigned)first),
				f->id, value, ev,
				incomplete ? "fragments are being lost: a lost fragment loses the whole datagram; lower the "
					     "sender's MTU or packet size below the smallest MTU on the path"
					   : "fragmentation costs CPU and doubles loss exposure; lower the sender's MTU to "
					     "the path's smallest MTU, or set DF and rely on PMTUD");
	}
}

static void mss_findings(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->flows.n; i++) {
		const struct pt_flow *f = a->flows.all[i];
		if (f->nat_parent || f->key.proto != 6 || !f->mss)
			continue;
		/* The MSS this sender announced bounds what the peer sends: check the reverse path. */
		const struct pt_flow *r = f->reverse;
		if (!r)
			continue;
		uint32_t usable = 0;
		for (size_t k = 0; k < a->findings.n; k++) {
			const struct pt_finding *x = &a->findings.v[k];
			if (strcmp(x->name, "mtu.oversize_drop") != 0 || !x->value)
				continue;
			for (size_t h = 0; h < a->nhops; h++)
				if (a->hops[h].flow_id == r->id && strcmp(pt_point_name(a, a->hops[h].from), x->from) == 0 &&
				    strcmp(pt_point_name(a, a->hops[h].to), x->to) == 0)
					usable = (uint32_t)strtoul(x->value, NULL, 10);
		}
		const struct pt_icmp_mtu *m = icmp_for_flow(a, r);
		if (m && (!usable || m->mtu < usable))
			usable = m->mtu;
		uint32_t hdr = f->key.version == 4 ? 40 : 60;
		if (!usable || f->mss + hdr <= usable)
			continue;
		char key[160], value[32], ev[512], adv[256];
		pt_flow_key_format(&f->key, key, sizeof key);
		snprintf(value, sizeof value, "%u", f->mss);
		snprintf(ev, sizeof ev,
			 "the SYN of %s announces MSS %u (segments of %u bytes) but the path back carries at most %u bytes",
			 key, f->mss, f->mss + hdr, usable);
		snprintf(adv, sizeof adv, "lower the instance MTU to %u, or clamp the MSS to %u", usable, usable - hdr);
		pt_findings_add(&a->findings, PT_SEV_WARNING, "mtu.mss_exceeds_path", NULL, NULL, NULL, f->id, value, ev,
				adv);
	}
}

static void overhead_findings(struct pt_analysis *a)
{
	for (unsigned p = 0; p < a->npoints; p++) {
		const struct pt_point_stats *ps = &a->points[p];
		if (!ps->overhead_packets)
			continue;
		char value[32], ev[512], kinds[128] = "";
		size_t n = 0;
		if (ps->vlan_packets)
			n += (size_t)snprintf(kinds + n, sizeof kinds - n, "802.1Q tags (4 bytes each)");
		const char *t = encap_name(ps);
		if (t && ps->overhead_max && n < sizeof kinds)
			n += (size_t)snprintf(kinds + n, sizeof kinds - n, "%s%s%s (%u bytes with outer headers)",
					      n ? " and " : "", t, ps->ipv6_underlay ? " over IPv6" : "", ps->overhead_max);
		double per = (double)ps->overhead_bytes / (double)ps->overhead_packets;
		double pct = ps->bytes ? 100.0 * (double)ps->overhead_bytes / (double)ps->bytes : 0;
		snprintf(value, sizeof value, "%.0f", per);
		snprintf(ev, sizeof ev,
			 "%s: %.1f bytes per encapsulated packet on average, %.1f %% of the %" PRIu64
			 " bytes captured at %s",
			 kinds, per, pct, ps->bytes, pt_point_name(a, p));
		pt_findings_add(&a->findings, PT_SEV_INFO, "encap.overhead", pt_point_name(a, p), NULL, NULL, -1, value,
				ev,
				ps->overhead_max
					? "instances on this network need an MTU of the underlay's minus this overhead"
					: "");
	}
}

/* A loss whose sizes an MTU finding explains is part of that finding, not
 * a mystery of its own: it stays listed, as information. */
static void explain_losses(struct pt_analysis *a)
{
	for (size_t i = 0; i < a->nhops; i++) {
		const struct pt_hop *h = &a->hops[i];
		if (!h->lost)
			continue;
		const char *from = pt_point_name(a, h->from), *to = pt_point_name(a, h->to);
		struct pt_finding *loss = pt_findings_find(&a->findings, "loss.hop", h->flow_id, from, to);
		if (!loss)
			continue;
		const struct pt_finding *over = pt_findings_find(&a->findings, "mtu.oversize_drop", -2, from, to);
		const struct pt_icmp_mtu *m = icmp_for_flow(a, a->flows.all[h->flow_id - 1]);
		char adv[256];
		if (over && h->lost_min_len > strtoul(over->value, NULL, 10))
			snprintf(adv, sizeof adv, "explained by mtu.oversize_drop on %s > %s (usable MTU %s)", from, to,
				 over->value);
		else if (m && h->lost_min_len > m->mtu)
			snprintf(adv, sizeof adv,
				 "explained by the ICMP %s (MTU %u) sent back for this flow: dropped for their size",
				 m->version == 6 ? "Packet Too Big" : "fragmentation-needed", m->mtu);
		else
			continue;
		loss->severity = PT_SEV_INFO;
		free(loss->advice);
		loss->advice = strdup(adv);
	}
}

void pt_mtu_findings(struct pt_analysis *a)
{
	oversize_findings(a);
	blackhole_findings(a);
	icmp_findings(a);
	fragment_findings(a);
	mss_findings(a);
	overhead_findings(a);
	explain_losses(a);
}
