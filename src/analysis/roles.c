/* The role of every capture point: what the user said (--role), else a
 * capture of several interfaces (-i any) is a vantage point, else what its
 * name suggests (model/point.c). */
#include <config.h>

#include "analysis/analysis.h"

void pt_roles_done(struct pt_analysis *a)
{
	for (size_t p = 0; p < a->points->n; p++) {
		struct pt_point *pt = &a->points->v[p];
		if (pt->role_given)
			pt->role = pt->given_role;
		else
			pt->role = pt->stats.aggregate ? PT_ROLE_VANTAGE : pt->name_role;
	}
}
