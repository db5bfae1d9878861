/* The point table, and what a point's name says about its interface.
 *
 * The name is a hint only (analysis/roles.c weighs it against what the
 * packets show), but a good hint: Nova, Neutron, libvirt, Docker, the
 * Kubernetes CNIs, Proxmox, LXD, Xen and Open vSwitch name their devices by
 * fixed patterns. A Linux bridge captured in promiscuous mode holds a copy of
 * each frame it forwards between two of its ports, stamped with the ingress
 * port's receive time; an Open vSwitch bridge's own (internal) port sees only
 * what is flooded or addressed to it; an ovs-tcpdump mirror port a copy of
 * every frame, as a bridge does. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "model/point.h"

void pt_points_init(struct pt_points *ps)
{
	memset(ps, 0, sizeof *ps);
}

void pt_points_free(struct pt_points *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].file);
		free(ps->v[i].alias);
		free(ps->v[i].host);
	}
	free(ps->v);
	memset(ps, 0, sizeof *ps);
}

long pt_points_add(struct pt_points *ps, const char *name, const char *file, int linktype)
{
	struct pt_point *v = pt_grow(ps->v, &ps->cap, ps->n, sizeof *v, 16);
	if (!v)
		return -1;
	ps->v = v;
	struct pt_point *p = &ps->v[ps->n];
	memset(p, 0, sizeof *p);
	p->name = strdup(name);
	p->file = strdup(file ? file : "");
	if (!p->name || !p->file) {
		free(p->name);
		free(p->file);
		return -1;
	}
	p->linktype = linktype;
	size_t at;
	p->iface = pt_iface_split(name, &at);
	p->host_len = at ? at - 1 : 0;
	p->name_role = pt_iface_kind_role(p->iface);
	p->role = p->name_role;
	p->clock.via = -1;
	return (long)ps->n++;
}

bool pt_point_qualify(struct pt_point *p, const char *name, const char *host)
{
	char *n = strdup(name), *h = host ? strdup(host) : NULL;
	if (!n || (host && !h)) {
		free(n);
		free(h);
		return false;
	}
	free(p->alias);
	free(p->host);
	p->alias = p->name;
	p->name = n;
	p->host = h;
	size_t at;
	pt_iface_split(n, &at);
	p->host_len = at ? at - 1 : 0;
	return true;
}

bool pt_point_same_host(const struct pt_point *a, const struct pt_point *b)
{
	if (a->host && b->host)
		return strcmp(a->host, b->host) == 0;
	if (!a->host_len || !b->host_len)
		return true;
	return a->host_len == b->host_len && strncmp(a->name, b->name, a->host_len) == 0;
}

bool pt_point_host_named(const struct pt_point *p)
{
	return p->host || p->host_len;
}

int pt_point_role_parse(const char *s)
{
	static const char *const names[] = { "hop", "bridge", "vantage", "flood" };
	for (int r = 0; r < (int)(sizeof names / sizeof names[0]); r++)
		if (strcmp(s, names[r]) == 0)
			return r;
	return -1;
}

const char *pt_point_role_name(enum pt_point_role r)
{
	switch (r) {
	case PT_ROLE_BRIDGE:
		return "bridge";
	case PT_ROLE_VANTAGE:
		return "vantage";
	case PT_ROLE_FLOOD:
		return "flood";
	case PT_ROLE_HOP:
		break;
	}
	return "hop";
}

/* Interface names by kind. In a pattern, '#' is one or more digits, '*' one
 * or more characters other than '-', '@' the eleven characters of a
 * Neutron port or network id (eight hex digits, '-', two: "1a2b3c4d-5e");
 * anything else stands for itself. The first whole match wins, so specific
 * names come before the patterns that would also take them. */
static const struct {
	const char *pattern;
	enum pt_iface_kind kind;
} names[] = {
	{ "any", PT_IF_ANY },
	/* Open vSwitch bridges' own ports: Neutron's integration, tunnel and
	 * external bridges, OVN-Kubernetes' gateway bridge. */
	{ "br-int", PT_IF_OVS_INTERNAL },
	{ "br-tun", PT_IF_OVS_INTERNAL },
	{ "br-ex", PT_IF_OVS_INTERNAL },
	{ "breth#", PT_IF_OVS_INTERNAL },
	/* ovs-tcpdump's mirror ports: "mi" and the port, or ovsmi and six digits. */
	{ "ovsmi#", PT_IF_OVS_MIRROR },
	{ "mibr-int", PT_IF_OVS_MIRROR },
	{ "mibr-tun", PT_IF_OVS_MIRROR },
	{ "mibr-ex", PT_IF_OVS_MIRROR },
	/* Linux bridges: plain, Neutron (Linux bridge agent, hybrid plug),
	 * libvirt, LXC, LXD, Incus, Xen, Proxmox (and its firewall bridges),
	 * Kubernetes (kubenet, bridge CNI, kube-router), Docker (default,
	 * user networks br-<12 hex>, swarm), Podman; other br-<name> are
	 * bridges of some kind too (OpenStack-Ansible's br-mgmt, a provider
	 * bridge). */
	{ "br#", PT_IF_BRIDGE },
	{ "brq@", PT_IF_BRIDGE },
	{ "brq*", PT_IF_BRIDGE },
	{ "qbr@", PT_IF_BRIDGE },
	{ "qbr*", PT_IF_BRIDGE },
	{ "virbr#", PT_IF_BRIDGE },
	{ "lxcbr#", PT_IF_BRIDGE },
	{ "lxdbr#", PT_IF_BRIDGE },
	{ "incusbr#", PT_IF_BRIDGE },
	{ "xenbr#", PT_IF_BRIDGE },
	{ "vmbr#", PT_IF_BRIDGE },
	{ "vmbr#v#", PT_IF_BRIDGE },
	{ "fwbr*", PT_IF_BRIDGE },
	{ "cbr#", PT_IF_BRIDGE },
	{ "cni#", PT_IF_BRIDGE },
	{ "cni-podman#", PT_IF_BRIDGE },
	{ "podman#", PT_IF_BRIDGE },
	{ "kube-bridge", PT_IF_BRIDGE },
	{ "docker#", PT_IF_BRIDGE },
	{ "docker_gwbridge", PT_IF_BRIDGE },
	{ "bridge#", PT_IF_BRIDGE },
	{ "br-*", PT_IF_BRIDGE },
	/* Tunnel devices: OVS's (kernel datapath), Linux VXLAN (Neutron's
	 * vxlan-<vni>), Cilium, flannel, Calico, WireGuard, tun/tap VPNs. */
	{ "vxlan_sys_#", PT_IF_TUNNEL },
	{ "genev_sys_#", PT_IF_TUNNEL },
	{ "gre_sys", PT_IF_TUNNEL },
	{ "stt_sys_#", PT_IF_TUNNEL },
	{ "vxlan-#", PT_IF_TUNNEL },
	{ "vxlan#", PT_IF_TUNNEL },
	{ "geneve#", PT_IF_TUNNEL },
	{ "gretap#", PT_IF_TUNNEL },
	{ "gre#", PT_IF_TUNNEL },
	{ "cilium_vxlan", PT_IF_TUNNEL },
	{ "cilium_geneve", PT_IF_TUNNEL },
	{ "flannel.#", PT_IF_TUNNEL },
	{ "vxlan.calico", PT_IF_TUNNEL },
	{ "tunl#", PT_IF_TUNNEL },
	{ "tun#", PT_IF_TUNNEL },
	{ "wg#", PT_IF_TUNNEL },
	/* Neutron routers (legacy, HA, DVR): internal, gateway, SNAT,
	 * floating-IP gateway ports and the DVR rfp-/fpr- pair. */
	{ "qr-@", PT_IF_ROUTER },
	{ "qg-@", PT_IF_ROUTER },
	{ "sg-@", PT_IF_ROUTER },
	{ "fg-@", PT_IF_ROUTER },
	{ "ha-@", PT_IF_ROUTER },
	{ "rfp-@", PT_IF_ROUTER },
	{ "fpr-@", PT_IF_ROUTER },
	{ "qr-*", PT_IF_ROUTER },
	{ "qg-*", PT_IF_ROUTER },
	{ "rfp-*", PT_IF_ROUTER },
	{ "fpr-*", PT_IF_ROUTER },
	/* A VM's or container's link: taps (Nova tap<port id>, libvirt vnetN,
	 * Proxmox tap<vmid>i<n>), the hybrid plug's veth pair, veths of
	 * Docker, LXC and the CNIs (Cilium lxc…, Calico cali…), Xen's vif. */
	{ "tap@", PT_IF_PORT },
	{ "qvb@", PT_IF_PORT },
	{ "qvo@", PT_IF_PORT },
	{ "tap*", PT_IF_PORT },
	{ "qvb*", PT_IF_PORT },
	{ "qvo*", PT_IF_PORT },
	{ "vnet#", PT_IF_PORT },
	{ "veth*", PT_IF_PORT },
	{ "lxc*", PT_IF_PORT },
	{ "cali*", PT_IF_PORT },
	{ "cilium_host", PT_IF_PORT },
	{ "cilium_net", PT_IF_PORT },
	{ "fwpr*", PT_IF_PORT },
	{ "fwln*", PT_IF_PORT },
	{ "vif#.#", PT_IF_PORT },
	/* A host's NICs, bonds and their VLANs. */
	{ "eth#", PT_IF_NIC },
	{ "eth#.#", PT_IF_NIC },
	{ "ens*", PT_IF_NIC },
	{ "enp*", PT_IF_NIC },
	{ "eno*", PT_IF_NIC },
	{ "em#", PT_IF_NIC },
	{ "bond#", PT_IF_NIC },
	{ "bond#.#", PT_IF_NIC },
	/* Last: "mi" and a port without '-' (mitap1, mieth1). */
	{ "mi*", PT_IF_OVS_MIRROR },
};

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Whether s, up to its end or the end of the name, is wholly pattern p. */
static bool name_matches(const char *p, const char *s)
{
	for (; *p; p++) {
		if (*p == '#') {
			if (*s < '0' || *s > '9')
				return false;
			while (*s >= '0' && *s <= '9')
				s++;
		} else if (*p == '*') {
			if (!*s || *s == '-')
				return false;
			while (*s && *s != '-')
				s++;
		} else if (*p == '@') {
			for (int i = 0; i < 11; i++)
				if (i == 8 ? s[i] != '-' : !is_hex(s[i]))
					return false;
			s += 11;
		} else if (*s++ != *p) {
			return false;
		}
	}
	return *s == '\0';
}

enum pt_iface_kind pt_iface_split(const char *name, size_t *iface_at)
{
	for (const char *s = name; s; s = strchr(s, '-')) {
		if (*s == '-')
			s++;
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (name_matches(names[i].pattern, s)) {
				*iface_at = (size_t)(s - name);
				return names[i].kind;
			}
	}
	/* Hosts are named with '-' (compute-0) more often than unknown interfaces are. */
	const char *last = strrchr(name, '-');
	*iface_at = last && last > name ? (size_t)(last - name) + 1 : 0;
	return PT_IF_UNKNOWN;
}

enum pt_iface_kind pt_iface_kind_from_name(const char *name)
{
	size_t at;
	return pt_iface_split(name, &at);
}

enum pt_point_role pt_iface_kind_role(enum pt_iface_kind k)
{
	switch (k) {
	case PT_IF_BRIDGE:
	case PT_IF_OVS_MIRROR:
		return PT_ROLE_BRIDGE;
	case PT_IF_OVS_INTERNAL:
		return PT_ROLE_FLOOD;
	case PT_IF_ANY:
		return PT_ROLE_VANTAGE;
	default:
		return PT_ROLE_HOP;
	}
}

enum pt_point_role pt_point_role_from_name(const char *name)
{
	return pt_iface_kind_role(pt_iface_kind_from_name(name));
}
