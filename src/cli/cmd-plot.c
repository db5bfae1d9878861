/* `pathtrace plot DIR...`: re-renders every chart script in each directory
 * (after the user edited a script or a CSV file). Without gnuplot: one
 * warning, and success: the scripts and data are there to render later. */
#include <config.h>

#include <stdio.h>

#include "cli/commands.h"
#include "output/series-out.h"

int pt_cmd_plot(const struct pt_options *o, pt_report_fn report)
{
	int rc = PT_EXIT_OK;
	for (unsigned i = 0; i < o->nfiles; i++) {
		char note[1024];
		unsigned n;
		if (pt_charts_render(o->files[i], o->gnuplot, o->svg ? "formats='png pdf svg'" : NULL, &n, note,
				     sizeof note) != 0) {
			report(note);
			rc = PT_EXIT_OUTPUT;
		} else if (note[0]) {
			report(note); /* no gnuplot: said once */
			return rc;
		} else if (n == 0) {
			char msg[1200];
			snprintf(msg, sizeof msg,
				 "%s: no chart scripts (*.gp) here: give a directory written by pathtrace analyze or compare",
				 o->files[i]);
			report(msg);
			rc = PT_EXIT_INPUT;
		} else {
			printf("%s: %u charts rendered (PNG, PDF%s)\n", o->files[i], n, o->svg ? ", SVG" : "");
		}
	}
	return rc;
}
