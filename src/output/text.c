/* Names and small texts of the output layer. */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>

#include "output/text.h"

bool pt_flow_reported(const struct pt_analysis *a, long id)
{
	const struct pt_flow *f = id >= 0 ? pt_analysis_flow(a, (uint32_t)id) : NULL;
	return f && (f->selected || (f->nat_parent && f->nat_parent->selected));
}

bool pt_finding_reported(const struct pt_analysis *a, const struct pt_finding *f)
{
	return f->flow < 0 || pt_flow_reported(a, f->flow);
}

const char *pt_point_label(const struct pt_analysis *a, long p)
{
	if (p < 0 || (size_t)p >= a->points->n)
		return NULL;
	return a->points->v[p].name;
}

const char *pt_ip_proto_name(uint8_t proto)
{
	switch (proto) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 58: return "icmpv6";
	default: return "ip";
	}
}

void pt_flow_key_format(const struct pt_flow_key *k, char *buf, size_t size)
{
	char s[64], d[64];
	pt_ip_format(k->version, k->src, s, sizeof s);
	pt_ip_format(k->version, k->dst, d, sizeof d);
	const char *p = k->proto == 6 ? "tcp" : k->proto == 17 ? "udp" : k->proto == 1 ? "icmp"
		      : k->proto == 58 ? "icmpv6" : "ip";
	if (k->has_ports && pt_flow_key_is_icmp(k))
		snprintf(buf, size, "%s %s > %s id %u", p, s, d, k->sport);
	else if (k->has_ports)
		snprintf(buf, size, "%s %s:%u > %s:%u", p, s, k->sport, d, k->dport);
	else
		snprintf(buf, size, "%s %s > %s", p, s, d);
}

void pt_path_format(const struct pt_analysis *a, const struct pt_path *path, pt_pset seen, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < path->n && n < size; i++) {
		unsigned p = path->order[i];
		if (!pt_pset_has(a->match.psets, seen, p))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ">" : "", a->points->v[p].name);
	}
}

void pt_path_format_all(const struct pt_analysis *a, const struct pt_path *path, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < path->n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ">" : "", a->points->v[path->order[i]].name);
}

void pt_tcp_flags_text(uint8_t f, char *buf, size_t size)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < 8 && n < size; i++)
		if (f & (1 << i))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", names[i]);
}

const char *pt_encap_name(uint8_t proto)
{
	switch (proto) {
	case PT_P_VXLAN: return "VXLAN";
	case PT_P_GENEVE: return "Geneve";
	case PT_P_GRE: return "GRE";
	case PT_P_L2TP: return "L2TPv3";
	case PT_P_GUE: return "GUE";
	case PT_P_AH: return "IPsec AH";
	case PT_P_IPV4: return "IP-in-IP";
	case PT_P_MPLS: return "MPLS";
	default: return NULL;
	}
}

void pt_encaps_text(uint64_t bits, char *buf, size_t size)
{
	static const struct {
		enum pt_proto p;
		const char *name;
	} order[] = { { PT_P_VLAN, "vlan" }, { PT_P_MPLS, "mpls" }, { PT_P_GRE, "gre" }, { PT_P_ERSPAN, "erspan" },
		      { PT_P_VXLAN, "vxlan" }, { PT_P_GENEVE, "geneve" }, { PT_P_L2TP, "l2tp" }, { PT_P_GUE, "gue" },
		      { PT_P_AH, "ah" },
		      { PT_P_IPV4, "ipip" } };
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof order / sizeof order[0] && n < size; i++)
		if (bits & (1ull << order[i].p))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "+" : "", order[i].name);
	if (!n)
		snprintf(buf, size, "none");
}

const char *pt_iface_kind_name(enum pt_iface_kind k)
{
	switch (k) {
	case PT_IF_BRIDGE: return "Linux bridge";
	case PT_IF_OVS_INTERNAL: return "Open vSwitch internal port";
	case PT_IF_OVS_MIRROR: return "ovs-tcpdump mirror port";
	case PT_IF_PORT: return "VM or container port";
	case PT_IF_TUNNEL: return "tunnel device";
	case PT_IF_ROUTER: return "router port";
	case PT_IF_NIC: return "NIC";
	case PT_IF_ANY: return "-i any capture";
	case PT_IF_UNKNOWN: break;
	}
	return "interface of unknown kind";
}

const char *pt_iface_kind_article(enum pt_iface_kind k)
{
	return k == PT_IF_OVS_INTERNAL || k == PT_IF_OVS_MIRROR || k == PT_IF_ANY || k == PT_IF_UNKNOWN ? "an" : "a";
}

const char *pt_role_phrase(enum pt_point_role r)
{
	switch (r) {
	case PT_ROLE_BRIDGE: return "a bridge copy";
	case PT_ROLE_VANTAGE: return "a vantage point";
	case PT_ROLE_FLOOD: return "a flood port";
	case PT_ROLE_HOP: break;
	}
	return "a hop";
}

void pt_role_reason_text(const struct pt_analysis *a, size_t p, char *buf, size_t size)
{
	const struct pt_point *pt = &a->points->v[p];
	const struct pt_role_evidence *e = &pt->evidence;
	switch (e->why) {
	case PT_WHY_GIVEN:
		snprintf(buf, size, "given with --role");
		return;
	case PT_WHY_IFINDEXES:
		snprintf(buf, size, "several interfaces in one capture (-i any)");
		return;
	case PT_WHY_COPIES:
		snprintf(buf, size, "%" PRIu64 " of %" PRIu64 " IP packets seen again, once per device (-i any)",
			 pt->stats.duplicates, pt->stats.ip_packets);
		return;
	case PT_WHY_PARTIAL_VIEW:
		snprintf(buf, size, "saw %" PRIu64 " of %" PRIu64 " unicast packets that went past it: floods only",
			 e->seen, e->behind);
		return;
	case PT_WHY_COPY_STAMPS:
		if (e->tie_back >= 0)
			snprintf(buf, size,
				 "stamped as %s one way and %s the other in %" PRIu32 " of %" PRIu32
				 " conversations: copies",
				 pt_point_label(a, e->tie_out), pt_point_label(a, e->tie_back), e->copies,
				 e->conversations);
		else
			snprintf(buf, size, "stamped after %s both ways in %" PRIu32 " of %" PRIu32 " conversations: copies",
				 pt_point_label(a, e->tie_out), e->copies, e->conversations);
		return;
	case PT_WHY_FULL_VIEW:
		snprintf(buf, size, "saw %" PRIu64 " of %" PRIu64 " unicast packets that went past it: it carries them",
			 e->seen, e->behind);
		return;
	case PT_WHY_NAME:
		break;
	}
	int n = pt->iface == PT_IF_UNKNOWN ? snprintf(buf, size, "a hop by default")
					   : snprintf(buf, size, "named like %s %s", pt_iface_kind_article(pt->iface),
						      pt_iface_kind_name(pt->iface));
	if (n < 0 || (size_t)n >= size)
		return;
	/* What was measured and did not decide. */
	if (e->behind && e->conversations)
		snprintf(buf + n, size - (size_t)n,
			 " (saw %" PRIu64 " of %" PRIu64 " unicast packets that went past it; stamped as a copy in %" PRIu32
			 " of %" PRIu32 " conversations)",
			 e->seen, e->behind, e->copies, e->conversations);
	else if (e->behind)
		snprintf(buf + n, size - (size_t)n, " (saw %" PRIu64 " of %" PRIu64 " unicast packets that went past it)",
			 e->seen, e->behind);
	else if (e->conversations)
		snprintf(buf + n, size - (size_t)n, " (stamped as a copy in %" PRIu32 " of %" PRIu32 " conversations)",
			 e->copies, e->conversations);
	else
		snprintf(buf + n, size - (size_t)n, "; no evidence either way");
}
