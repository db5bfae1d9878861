/* Capture points at the input edge. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/points.h"

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* A key with a directory names one file (however it is spelled); a bare
 * key names every file of that name, with or without its extension. */
const char *pt_cli_name_for_file(const struct pt_options *o, const char *file)
{
	for (size_t i = 0; i < o->names.n; i++)
		if (strcmp(o->names.v[i].key, file) == 0)
			return o->names.v[i].value;
	for (size_t i = 0; i < o->names.n; i++)
		if (strchr(o->names.v[i].key, '/') && same_file(o->names.v[i].key, file))
			return o->names.v[i].value;
	const char *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file;
	char point[256];
	pt_point_name_from_path(file, point, sizeof point);
	for (size_t i = 0; i < o->names.n; i++) {
		const char *k = o->names.v[i].key;
		if (strchr(k, '/'))
			continue;
		char kp[256];
		pt_point_name_from_path(k, kp, sizeof kp);
		if (strcmp(k, base) == 0 || strcmp(kp, point) == 0)
			return o->names.v[i].value;
	}
	return NULL;
}

bool pt_cli_sync_points(struct pt_points *ps, const struct pt_capset *cs)
{
	for (unsigned i = (unsigned)ps->n; i < pt_capset_npoints(cs); i++) {
		const struct pt_point_source *p = pt_capset_point(cs, i);
		if (pt_points_add(ps, p->name, p->file, p->linktype) < 0)
			return false;
	}
	return true;
}

/* Every point called name: false when there is none. */
static bool for_each_named(struct pt_points *ps, const char *name, void (*fn)(struct pt_point *, const char *),
			   const char *value)
{
	bool found = false;
	for (size_t p = 0; p < ps->n; p++)
		if (strcmp(ps->v[p].name, name) == 0) {
			fn(&ps->v[p], value);
			found = true;
		}
	return found;
}

static void give_role(struct pt_point *p, const char *value)
{
	p->role_given = true;
	p->given_role = (enum pt_point_role)pt_point_role_parse(value);
}

static void give_offset(struct pt_point *p, const char *value)
{
	p->offset_given = true;
	p->given_offset_s = strtod(value, NULL);
}

bool pt_cli_apply_point_options(struct pt_points *ps, const struct pt_options *o, struct pt_analysis_config *cfg,
				char *err, size_t errlen)
{
	for (size_t k = 0; k < o->roles.n; k++)
		if (!for_each_named(ps, o->roles.v[k].key, give_role, o->roles.v[k].value)) {
			snprintf(err, errlen, "--role %s: no such capture point", o->roles.v[k].key);
			return false;
		}
	for (size_t k = 0; k < o->offsets.n; k++)
		if (!for_each_named(ps, o->offsets.v[k].key, give_offset, o->offsets.v[k].value)) {
			snprintf(err, errlen, "--clock-offset %s: no such capture point", o->offsets.v[k].key);
			return false;
		}
	cfg->reference = -1;
	if (o->reference) {
		for (size_t p = 0; p < ps->n; p++)
			if (strcmp(ps->v[p].name, o->reference) == 0)
				cfg->reference = (long)p;
		if (cfg->reference < 0) {
			snprintf(err, errlen, "--reference %s: no such capture point", o->reference);
			return false;
		}
	}
	return true;
}
