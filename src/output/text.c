/* Names and small texts of the output layer. */
#include <config.h>

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
