/* The point table, and what a point's name suggests about its role.
 *
 * A capture on a Linux bridge device in promiscuous mode holds a copy of each
 * frame the bridge forwards between two of its ports. The copy is stamped
 * either with the ingress port's receive time (the skb keeps it) or just
 * after the egress port transmitted it (the copy goes up the stack last),
 * depending on the protocol and the kernel. Its timestamps cannot place it,
 * but the user's naming can: Neutron and libvirt name bridges br0, brq<net>,
 * qbr<port>, br-int, virbr0. */
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
	p->name_role = pt_point_role_from_name(name);
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
	return true;
}

bool pt_point_same_host(const struct pt_point *a, const struct pt_point *b)
{
	if (a->host && b->host)
		return strcmp(a->host, b->host) == 0;
	const char *da = strchr(a->name, '-'), *db = strchr(b->name, '-');
	if (!da || !db)
		return true;
	return da - a->name == db - b->name && strncmp(a->name, b->name, (size_t)(da - a->name)) == 0;
}

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
enum pt_point_role pt_point_role_from_name(const char *name)
{
	for (const char *s = name; s; s = strchr(s, '-')) {
		if (*s == '-')
			s++;
		if (bridge_interface(s))
			return PT_ROLE_BRIDGE;
	}
	return PT_ROLE_HOP;
}
