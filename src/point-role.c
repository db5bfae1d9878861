/* The role of a capture point in path order, from --role or from its name.
 *
 * A capture on a Linux bridge device in promiscuous mode holds a copy of each
 * frame the bridge forwards between two of its ports. The copy is stamped
 * either with the ingress port's receive time (the skb keeps it) or just
 * after the egress port transmitted it (the copy goes up the stack last),
 * depending on the protocol and the kernel. Its timestamps cannot place it,
 * but the user's naming can: Neutron and libvirt name bridges br0, brq<net>,
 * qbr<port>, br-int, virbr0. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "analyze-int.h"

int pt_point_role_parse(const char *s)
{
	if (strcmp(s, "hop") == 0)
		return PT_ROLE_HOP;
	if (strcmp(s, "bridge") == 0)
		return PT_ROLE_BRIDGE;
	if (strcmp(s, "vantage") == 0)
		return PT_ROLE_VANTAGE;
	return -1;
}

const char *pt_point_role_name(enum pt_point_role r)
{
	return r == PT_ROLE_BRIDGE ? "bridge" : r == PT_ROLE_VANTAGE ? "vantage" : "hop";
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "br" followed only by digits (br0, br100), or a known bridge prefix. */
static bool bridge_interface(const char *ifname)
{
	static const char *const prefixes[] = { "br-", "brq", "qbr", "virbr", "lxcbr", "docker", "cni", "bridge" };
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (starts_with(ifname, prefixes[i]))
			return true;
	if (!starts_with(ifname, "br"))
		return false;
	for (const char *c = ifname + 2; *c && *c != '-'; c++)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

/* Point names are HOST-IFACE by convention, and host names may hold '-':
 * any '-'-separated tail may be the interface. */
enum pt_point_role pt_point_role_guess(const char *name)
{
	for (const char *s = name; s; s = strchr(s, '-')) {
		if (*s == '-')
			s++;
		if (bridge_interface(s))
			return PT_ROLE_BRIDGE;
	}
	return PT_ROLE_HOP;
}

bool pt_point_roles_assign(struct pt_analysis *a, char *err, size_t errlen)
{
	for (unsigned p = 0; p < a->npoints; p++) {
		struct pt_point_stats *ps = &a->points[p];
		ps->role = ps->aggregate ? PT_ROLE_VANTAGE : pt_point_role_guess(pt_point_name(a, p));
	}
	bool ok = true;
	for (unsigned k = 0; k < a->opts->nroles; k++) {
		const struct pt_assign *r = &a->opts->roles[k];
		bool found = false;
		for (unsigned p = 0; p < a->npoints; p++)
			if (strcmp(pt_point_name(a, p), r->key) == 0) {
				a->points[p].role = (enum pt_point_role)pt_point_role_parse(r->value);
				found = true;
			}
		if (!found) {
			snprintf(err, errlen, "--role %s: no such capture point", r->key);
			ok = false;
		}
	}
	return ok;
}
