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

/* Whether --name's key names file, in three passes of falling precedence:
 * the same spelling; a key with a directory, the same file however spelled;
 * a bare key, every file of that name, with or without its extension. */
#define NAME_PASSES 3
static bool key_names(const char *k, const char *file, int pass)
{
	if (pass == 0)
		return strcmp(k, file) == 0;
	if (pass == 1)
		return strchr(k, '/') && same_file(k, file);
	if (strchr(k, '/'))
		return false;
	const char *slash = strrchr(file, '/');
	char point[256], kp[256];
	pt_point_name_from_path(file, point, sizeof point);
	pt_point_name_from_path(k, kp, sizeof kp);
	return strcmp(k, slash ? slash + 1 : file) == 0 || strcmp(kp, point) == 0;
}

const char *pt_cli_name_for_file(const struct pt_options *o, const char *file)
{
	for (int pass = 0; pass < NAME_PASSES; pass++)
		for (size_t i = 0; i < o->names.n; i++)
			if (key_names(o->names.v[i].key, file, pass))
				return o->names.v[i].value;
	return NULL;
}

bool pt_cli_check_names(const struct pt_options *o, const char *const *files, size_t nfiles, char *err,
			size_t errlen)
{
	for (size_t i = 0; i < o->names.n; i++) {
		bool found = false;
		for (size_t f = 0; f < nfiles && !found; f++)
			for (int pass = 0; pass < NAME_PASSES && !found; pass++)
				found = key_names(o->names.v[i].key, files[f], pass);
		if (!found) {
			snprintf(err, errlen, "--name %s=%s: no capture file given is called %s", o->names.v[i].key,
				 o->names.v[i].value, o->names.v[i].key);
			return false;
		}
	}
	return true;
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

/* What may tell point p apart from another of its name, nearest first:
 * for an interface of a pcapng file the file's name, then the directories
 * of its path (resolved, so that "eth1.pcap" and "../cn2/eth1.pcap" differ).
 * Returns how many were written into ctx. */
#define MAX_CONTEXT 4
static size_t contexts(const struct pt_point *p, char ctx[MAX_CONTEXT][128])
{
	size_t n = 0;
	char base[256], path[4096];
	pt_point_name_from_path(p->file, base, sizeof base);
	if (strcmp(base, p->name) != 0)
		snprintf(ctx[n++], sizeof ctx[0], "%.127s", base);
	if (!realpath(p->file, path))
		snprintf(path, sizeof path, "%s", p->file);
	char *slash = strrchr(path, '/');
	while (slash && n < MAX_CONTEXT) {
		*slash = '\0';
		slash = strrchr(path, '/');
		const char *dir = slash ? slash + 1 : path;
		if (!*dir)
			break;
		snprintf(ctx[n++], sizeof ctx[0], "%.127s", dir);
	}
	return n;
}

/* The name of p qualified at level (1: nearest context), or false when p
 * has no context that far. */
static bool qualified(const struct pt_point *p, unsigned level, char *out, size_t size, char *host, size_t hsize)
{
	char ctx[MAX_CONTEXT][128];
	size_t n = contexts(p, ctx);
	if (level > n)
		return false;
	size_t k = 0;
	host[0] = '\0';
	for (unsigned i = level; i-- > 0;)
		k += (size_t)snprintf(host + k, k < hsize ? hsize - k : 0, "%s%s", ctx[i], i ? "-" : "");
	snprintf(out, size, "%s-%s", host, p->name);
	return true;
}

static bool named_alike(const struct pt_points *ps, size_t p)
{
	for (size_t q = 0; q < ps->n; q++)
		if (q != p && strcmp(ps->v[q].name, ps->v[p].name) == 0)
			return true;
	return false;
}

/* Whether the points named name, qualified at level, all get names of their
 * own that no other point has. */
static bool level_separates(const struct pt_points *ps, const char *name, unsigned level)
{
	char a[512], b[512], ha[512], hb[512];
	for (size_t p = 0; p < ps->n; p++) {
		if (strcmp(ps->v[p].name, name) != 0)
			continue;
		if (!qualified(&ps->v[p], level, a, sizeof a, ha, sizeof ha))
			return false;
		for (size_t q = 0; q < ps->n; q++) {
			if (q == p)
				continue;
			bool same_group = strcmp(ps->v[q].name, name) == 0;
			if (same_group && !qualified(&ps->v[q], level, b, sizeof b, hb, sizeof hb))
				return false;
			if (strcmp(same_group ? b : ps->v[q].name, a) == 0)
				return false;
		}
	}
	return true;
}

/* Whether p's nearest context is its pcapng file (an interface of it)
 * rather than a directory. */
static bool in_multi_interface_file(const struct pt_point *p)
{
	char base[256];
	pt_point_name_from_path(p->file, base, sizeof base);
	return strcmp(base, p->name) != 0;
}

static bool given_by_user(const struct pt_capset *cs, size_t p)
{
	return p < pt_capset_npoints(cs) && pt_capset_point(cs, (unsigned)p)->named;
}

/* What made some points of one host: the pcapng file whose interfaces they
 * are, or the directory (the level-th above the file) whose siblings are
 * hosts. */
struct host_context {
	unsigned level;
	bool file_kind;
	char where[4096]; /* the file, or the parent of the host directories */
};

/* The directory that holds p's host directory at level (its level-th
 * ancestor's parent), resolved. */
static void hosts_parent(const struct pt_point *p, unsigned level, char *out, size_t size)
{
	char path[4096];
	if (!realpath(p->file, path))
		snprintf(path, sizeof path, "%s", p->file);
	for (unsigned i = 0; i <= level; i++) {
		char *slash = strrchr(path, '/');
		if (!slash) {
			path[0] = '\0';
			break;
		}
		*slash = '\0';
	}
	snprintf(out, size, "%s", path);
}

static void note_context(struct host_context *h, const struct pt_point *p, unsigned level)
{
	h->level = level;
	h->file_kind = in_multi_interface_file(p);
	if (h->file_kind)
		snprintf(h->where, sizeof h->where, "%s", p->file);
	else
		hosts_parent(p, level, h->where, sizeof h->where);
}

/* Every point of a host that told points apart is qualified by its host too
 * (once cn1/eth1 and cn2/eth1 are, cn1/tap1 is cn1-tap1 and vm1/eth0 is
 * vm1-eth0), and so is every interface of a pcapng file that did. */
static bool qualify_by_hosts(struct pt_points *ps, const struct pt_capset *cs, const struct host_context *hs, size_t nh)
{
	for (size_t p = 0; p < ps->n; p++) {
		if (ps->v[p].host || given_by_user(cs, p))
			continue;
		bool file_kind = in_multi_interface_file(&ps->v[p]);
		for (size_t h = 0; h < nh; h++) {
			char full[512], host[512], where[4096];
			if (file_kind != hs[h].file_kind)
				continue;
			if (file_kind)
				snprintf(where, sizeof where, "%s", ps->v[p].file);
			else
				hosts_parent(&ps->v[p], hs[h].level, where, sizeof where);
			if (strcmp(where, hs[h].where) != 0 ||
			    !qualified(&ps->v[p], hs[h].level, full, sizeof full, host, sizeof host))
				continue;
			size_t k = strlen(host);
			if (strncmp(ps->v[p].name, host, k) == 0 && ps->v[p].name[k] == '-')
				break; /* named after its host already */
			if (!pt_point_qualify(&ps->v[p], full, host))
				return false;
			break;
		}
	}
	return true;
}

bool pt_cli_qualify_points(struct pt_points *ps, const struct pt_capset *cs, char *err, size_t errlen)
{
	struct host_context *hs = calloc(ps->n ? ps->n : 1, sizeof *hs);
	err[0] = '\0';
	size_t nh = 0;
	if (!hs) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	bool ok = true;
	for (size_t p = 0; ok && p < ps->n; p++) {
		if (!named_alike(ps, p))
			continue;
		char name[256];
		snprintf(name, sizeof name, "%s", ps->v[p].name);
		unsigned level = 1;
		while (level <= MAX_CONTEXT && !level_separates(ps, name, level))
			level++;
		bool given = false;
		for (size_t q = 0; q < ps->n; q++)
			given = given || (strcmp(ps->v[q].name, name) == 0 && given_by_user(cs, q));
		if (level > MAX_CONTEXT || given) {
			size_t other = p + 1;
			while (strcmp(ps->v[other].name, name) != 0)
				other++;
			snprintf(err, errlen,
				 "%s and %s would both be capture point %s: tell them apart with --name FILE=POINT",
				 ps->v[p].file, ps->v[other].file, name);
			ok = false;
			break;
		}
		for (size_t q = 0; ok && q < ps->n; q++) {
			char full[512], host[512];
			if (strcmp(ps->v[q].name, name) != 0)
				continue;
			qualified(&ps->v[q], level, full, sizeof full, host, sizeof host);
			note_context(&hs[nh++], &ps->v[q], level);
			if (!pt_point_qualify(&ps->v[q], full, host))
				ok = false;
		}
	}
	if (ok)
		ok = qualify_by_hosts(ps, cs, hs, nh);
	if (!ok && !err[0])
		snprintf(err, errlen, "out of memory");
	free(hs);
	return ok;
}

/* Whether point p is the one an option names with key: by its name, or by
 * the name it had before its host qualified it. */
static bool named_by(const struct pt_point *p, const char *key, bool by_alias)
{
	const char *name = by_alias ? p->alias : p->name;
	return name && strcmp(name, key) == 0;
}

/* How an option's point name is to be read: false with a message when no
 * point has it, or when it was the name of several points on different
 * hosts before they were qualified. */
static bool resolve(const struct pt_points *ps, const char *option, const char *key, bool *by_alias, char *err,
		    size_t errlen)
{
	size_t n = 0, k = 0;
	char choices[512] = "";
	for (size_t p = 0; p < ps->n; p++)
		if (named_by(&ps->v[p], key, false)) {
			*by_alias = false;
			return true;
		}
	for (size_t p = 0; p < ps->n; p++)
		if (named_by(&ps->v[p], key, true)) {
			n++;
			k += (size_t)snprintf(choices + k, k < sizeof choices ? sizeof choices - k : 0, "%s%s", k ? ", " : "",
					      ps->v[p].name);
		}
	*by_alias = true;
	if (n == 1)
		return true;
	if (n > 1)
		snprintf(err, errlen, "%s %s: %zu capture points are called that on different hosts (%s): name one", option,
			 key, n, choices);
	else
		snprintf(err, errlen, "%s %s: no such capture point", option, key);
	return false;
}

bool pt_cli_apply_point_options(struct pt_points *ps, const struct pt_options *o, struct pt_analysis_config *cfg,
				char *err, size_t errlen)
{
	bool alias;
	cfg->reference = -1;
	for (size_t k = 0; k < o->roles.n; k++) {
		const struct pt_assign *r = &o->roles.v[k];
		if (!resolve(ps, "--role", r->key, &alias, err, errlen))
			return false;
		for (size_t p = 0; p < ps->n; p++)
			if (named_by(&ps->v[p], r->key, alias)) {
				ps->v[p].role_given = true;
				ps->v[p].given_role = (enum pt_point_role)pt_point_role_parse(r->value);
			}
	}
	for (size_t k = 0; k < o->offsets.n; k++) {
		const struct pt_assign *c = &o->offsets.v[k];
		if (!resolve(ps, "--clock-offset", c->key, &alias, err, errlen))
			return false;
		for (size_t p = 0; p < ps->n; p++)
			if (named_by(&ps->v[p], c->key, alias)) {
				ps->v[p].offset_given = true;
				ps->v[p].given_offset_s = strtod(c->value, NULL);
			}
	}
	if (o->reference) {
		if (!resolve(ps, "--reference", o->reference, &alias, err, errlen))
			return false;
		for (size_t p = 0; p < ps->n && cfg->reference < 0; p++)
			if (named_by(&ps->v[p], o->reference, alias))
				cfg->reference = (long)p;
	}
	return true;
}
