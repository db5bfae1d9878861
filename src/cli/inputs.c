/* The capture files a command reads. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/grow.h"
#include "cli/inputs.h"

static bool capture_name(const char *name)
{
	static const char *const exts[] = { ".pcap", ".pcapng", ".cap", ".ntar", ".dmp", ".pcap.gz", ".pcapng.gz" };
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t e = strlen(exts[i]);
		if (n > e && strcmp(name + n - e, exts[i]) == 0)
			return true;
	}
	return false;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The file already listed that is the same file as path, or NULL. */
static const char *listed(const struct pt_inputs *in, const char *path)
{
	struct stat a, b;
	if (stat(path, &a) != 0)
		return NULL;
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->paths[i], path) == 0 ||
		    (stat(in->paths[i], &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino))
			return in->paths[i];
	return NULL;
}

static bool add(struct pt_inputs *in, const char *path, pt_report_fn report)
{
	const char *same = listed(in, path);
	if (same) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s: given twice (as %s too): read once", path, same);
		report(msg);
		return true;
	}
	char **v = pt_grow(in->paths, &in->cap, in->n, sizeof *v, 16);
	if (!v)
		return false;
	in->paths = v;
	in->paths[in->n] = strdup(path);
	return in->paths[in->n++] != NULL;
}

/* The captures in dir, by name. */
static bool add_dir(struct pt_inputs *in, const char *dir, bool *failed, pt_report_fn report)
{
	DIR *d = opendir(dir);
	char msg[1024];
	if (!d) {
		snprintf(msg, sizeof msg, "%s: cannot read the directory", dir);
		report(msg);
		*failed = true;
		return true;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.' || !capture_name(e->d_name))
			continue;
		char **v = pt_grow(names, &cap, n, sizeof *v, 16);
		ok = v != NULL;
		if (ok) {
			names = v;
			size_t len = strlen(dir) + strlen(e->d_name) + 2;
			names[n] = malloc(len);
			ok = names[n] != NULL;
			if (ok)
				snprintf(names[n++], len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; ok && i < n; i++)
		ok = add(in, names[i], report);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ok && n == 0) {
		snprintf(msg, sizeof msg, "%s: no captures in this directory (.pcap, .pcapng, .cap)", dir);
		report(msg);
		*failed = true;
	}
	return ok;
}

bool pt_cli_inputs(const struct pt_options *o, struct pt_inputs *in, bool *failed, pt_report_fn report)
{
	memset(in, 0, sizeof *in);
	*failed = false;
	for (unsigned i = 0; i < o->nfiles; i++) {
		struct stat st;
		bool ok = stat(o->files[i], &st) == 0 && S_ISDIR(st.st_mode) ? add_dir(in, o->files[i], failed, report)
									       : add(in, o->files[i], report);
		if (!ok)
			return false;
	}
	return true;
}

void pt_cli_inputs_free(struct pt_inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->paths[i]);
	free(in->paths);
	memset(in, 0, sizeof *in);
}
