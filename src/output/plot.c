/* Charts: the gnuplot scripts of plots/ are written next to the CSV files
 * (so a user can edit and re-run them) and rendered with gnuplot when it is
 * installed. Rendering is the optional last step; a missing gnuplot is
 * reported, never fatal. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/report.h"
#include "output/text.h"

static const char hop_latency_gp[] =
#include "output/plot-hop-latency.inc"
	;

static bool write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		return false;
	bool ok = fputs(text, fp) >= 0;
	return fclose(fp) == 0 && ok;
}

static int run_gnuplot(const char *gnuplot, const char *dir, const char *expr, const char *script)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(126);
		execlp(gnuplot, gnuplot, "-e", expr, script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int pt_plot_write(const struct pt_analysis *a, const char *dir, const char *gnuplot, char *note, size_t notelen)
{
	char path[4096];
	note[0] = '\0';
	snprintf(path, sizeof path, "%s/hop-latency.gp", dir);
	if (!write_text(path, hop_latency_gp)) {
		snprintf(note, notelen, "%s: cannot write the chart script", path);
		return -1;
	}
	/* The chart of the flow with the most packets that has hops. */
	uint32_t best = 0;
	uint64_t most = 0;
	for (size_t i = 0; i < a->hops.n; i++) {
		const struct pt_flow *f = pt_analysis_flow(a, a->hops.v[i].flow_id);
		if (f && f->packets > most && pt_flow_reported(a, f->id)) {
			most = f->packets;
			best = f->id;
		}
	}
	if (!best) {
		snprintf(note, notelen, "no flow crossed two points: no latency chart");
		return 0;
	}
	if (!gnuplot)
		gnuplot = getenv("PATHTRACE_GNUPLOT");
	if (!gnuplot)
		gnuplot = "gnuplot";
	char expr[64];
	snprintf(expr, sizeof expr, "flow=%u", best);
	int rc = run_gnuplot(gnuplot, dir, expr, "hop-latency.gp");
	if (rc == 127) {
		snprintf(note, notelen,
			 "gnuplot not found: chart scripts written to %s, render them with gnuplot (Debian: gnuplot-nox)",
			 dir);
		return 0;
	}
	if (rc != 0) {
		snprintf(note, notelen, "gnuplot failed (status %d) on %s/hop-latency.gp", rc, dir);
		return -1;
	}
	snprintf(note, notelen, "chart: %s/hop-latency-flow%u.png (gnuplot -e \"flow=N\" hop-latency.gp for others)",
		 dir, best);
	return 0;
}
