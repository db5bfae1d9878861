/* encap.overhead: what VLAN tags and tunnels cost at each point; and the
 * tunnel a flow's path goes through, for the MTU diagnosis. */
#include <config.h>

#include "analysis/analysis.h"

uint8_t pt_point_encap(const struct pt_point_stats *ps)
{
	static const uint8_t by_precedence[] = { PT_P_VXLAN, PT_P_GENEVE, PT_P_L2TP, PT_P_GUE,
						 PT_P_GRE,   PT_P_AH,     PT_P_IPV4, PT_P_MPLS };
	for (size_t i = 0; i < sizeof by_precedence; i++)
		if (ps->encap_seen & (1ull << by_precedence[i]))
			return by_precedence[i];
	return PT_P_NONE;
}

long pt_tunnel_point(const struct pt_analysis *a, const struct pt_flow *f)
{
	const struct pt_path *path = pt_analysis_path(a, f->id);
	long best = -1;
	for (uint32_t i = 0; i < path->n; i++) {
		unsigned p = path->order[i];
		uint32_t o = a->points->v[p].stats.tunnel_overhead_max;
		if (o && (best < 0 || o > a->points->v[best].stats.tunnel_overhead_max))
			best = p;
	}
	return best;
}

void pt_encap_done(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++) {
		const struct pt_point_stats *ps = &a->points->v[p].stats;
		if (!ps->overhead_packets)
			continue;
		struct pt_finding *f = pt_findings_add(&a->findings, PT_F_ENCAP_OVERHEAD, PT_SEV_INFO);
		if (!f)
			return;
		f->point = (long)p;
		f->u.overhead = (struct pt_f_overhead){
			.per_packet = (double)ps->overhead_bytes / (double)ps->overhead_packets,
			.share_pct = ps->bytes ? 100.0 * (double)ps->overhead_bytes / (double)ps->bytes : 0,
			.bytes = ps->bytes,
			.vlan = ps->vlan_packets != 0,
			.encap = pt_point_encap(ps),
			.ipv6_underlay = ps->ipv6_underlay,
			.tunnel_max = ps->tunnel_overhead_max,
		};
	}
}
