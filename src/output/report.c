/* Writing an analysis' files into its output directory. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "output/report.h"
#include "output/tables.h"

static bool write_summary(const struct pt_analysis *a, const char *path)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *fp = fopen(tmp, "w");
	if (!fp)
		return false;
	static const struct pt_summary_style full = { true, false, NULL };
	pt_report_summary(a, fp, &full);
	bool ok = !ferror(fp);
	ok = fclose(fp) == 0 && ok;
	if (ok)
		ok = rename(tmp, path) == 0;
	else
		remove(tmp);
	return ok;
}

/* mkdir -p: -o out/run1/cn1 works on a fresh tree. */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return -1;
		path[i] = c;
	}
	return 0;
}

/* "PATH: WHY", the path cut in its middle when both do not fit: the
 * reason is what the user needs. */
static void path_error(char *err, size_t errlen, const char *path, const char *why)
{
	size_t need = strlen(path) + 2 + strlen(why) + 1;
	if (need <= errlen || errlen < strlen(why) + 40) {
		snprintf(err, errlen, "%s: %s", path, why);
		return;
	}
	size_t keep = errlen - strlen(why) - 2 - 1 - 3, head = keep / 3;
	snprintf(err, errlen, "%.*s...%s: %s", (int)head, path, path + strlen(path) - (keep - head), why);
}

int pt_report_write(const struct pt_analysis *a, const char *dir, char *err, size_t errlen)
{
	char why[256];
	if (make_dirs(dir) != 0) {
		snprintf(why, sizeof why, "cannot create the output directory: %s", strerror(errno));
		path_error(err, errlen, dir, why);
		return -1;
	}
	static const struct {
		const char *name;
		bool (*fn)(const struct pt_analysis *, const char *);
	} files[] = {
		{ "points.csv", pt_write_points }, { "flows.csv", pt_write_flows },
		{ "paths.csv", pt_write_paths },   { "hops.csv", pt_write_hops },
		{ "findings.csv", pt_write_findings }, { "mtu.csv", pt_write_mtu },
		{ "summary.txt", write_summary },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
		if (!files[i].fn(a, path)) {
			snprintf(why, sizeof why, "cannot write: %s", strerror(errno));
			path_error(err, errlen, path, why);
			return -1;
		}
	}
	return 0;
}
