/* The role of every capture point: what the user said (--role), else a
 * capture of several interfaces (-i any) is a vantage point, else what its
 * name suggests (model/point.c). A capture of "any" is cooked: SLL2 names
 * each packet's interface; SLL, as tcpdump wrote it before 4.99, does not,
 * but a routed or bridged packet shows there once per device it crossed,
 * which one interface never shows. */
#include <config.h>

#include <pcap/dlt.h>

#include "analysis/analysis.h"

/* A tenth of the IP packets seen again at the same point within the copy window. */
static bool copies_of_several_devices(const struct pt_point *pt)
{
	const struct pt_point_stats *s = &pt->stats;
	return pt->linktype == DLT_LINUX_SLL && s->duplicates >= 3 && s->duplicates * 10 >= s->ip_packets;
}

void pt_roles_done(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++) {
		struct pt_point *pt = &a->points->v[p];
		if (pt->role_given)
			pt->role = pt->given_role;
		else if (pt->stats.aggregate || copies_of_several_devices(pt))
			pt->role = PT_ROLE_VANTAGE;
		else
			pt->role = pt->name_role;
	}
}
