/* Per-point statistics, made once per packet from its digest. */
#include <config.h>

#include "match/match.h"

void pt_point_account(struct pt_point_stats *ps, const struct pt_digest *g, bool super)
{
	ps->outside_filter += g->outside_filter;
	if (ps->packets == 0 || g->ts < ps->first_ts)
		ps->first_ts = g->ts;
	if (ps->packets == 0 || g->ts > ps->last_ts)
		ps->last_ts = g->ts;
	ps->packets++;
	ps->bytes += g->len;
	if (g->ts % 1000)
		ps->fine_ts = true;
	if (g->len > ps->max_frame_len)
		ps->max_frame_len = g->len;
	if (g->has_ifindex) {
		if (ps->packets == 1)
			ps->ifindex = g->ifindex;
		else if (g->ifindex != ps->ifindex)
			ps->aggregate = true;
	}
	if (g->status == PT_MALFORMED)
		ps->malformed++;
	else if (g->status == PT_TRUNCATED)
		ps->truncated++;
	ps->encap_seen |= g->encap_bits;
	if (!g->nips)
		return;
	ps->ip_packets++;
	if (g->outer_len > ps->max_ip_len)
		ps->max_ip_len = g->outer_len;
	if (super)
		ps->gso_frames++;
	else if (g->outer_len > ps->max_plain_ip_len)
		ps->max_plain_ip_len = g->outer_len;
	uint32_t tunnel = g->nips > 1 && g->outer_len > g->ip.total_len ? g->outer_len - g->ip.total_len : 0;
	if (tunnel > ps->tunnel_overhead_max)
		ps->tunnel_overhead_max = tunnel;
	if (g->nips > 1 && g->outer_version == 6)
		ps->ipv6_underlay = true;
	uint32_t overhead = 4u * g->vlan_count + tunnel;
	if (overhead) {
		ps->overhead_bytes += overhead;
		ps->overhead_packets++;
	}
	if (g->vlan_count)
		ps->vlan_packets++;
	if (g->vlan_count > ps->max_vlan_tags)
		ps->max_vlan_tags = g->vlan_count;
	if (g->fragmented && g->frag_len > ps->max_frag_len)
		ps->max_frag_len = g->frag_len;
	if (g->outer_first_frag) {
		ps->outer_frag_packets++;
		if (g->outer_dg_len > ps->outer_frag_max_len)
			ps->outer_frag_max_len = g->outer_dg_len;
	}
}
