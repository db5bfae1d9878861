/* CSV files written through libcsv: a header row, fixed column order, and an
 * atomic finish (written to FILE.tmp, renamed on close) so a killed run never
 * leaves a half-written file under the real name. */
#ifndef PATHTRACE_CSV_WRITER_H
#define PATHTRACE_CSV_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pt_csv {
	FILE *fp;
	char *path, *tmp;
	unsigned ncols, col;
	bool failed;
};

/* Opens path.tmp and writes the header (ncols names). "-" writes to stdout. */
bool pt_csv_open(struct pt_csv *c, const char *path, const char *const *cols, unsigned ncols);
void pt_csv_str(struct pt_csv *c, const char *s);
void pt_csv_u64(struct pt_csv *c, uint64_t v);
void pt_csv_i64(struct pt_csv *c, int64_t v);
/* A float with a fixed number of decimals; NAN writes an empty field. */
void pt_csv_f(struct pt_csv *c, double v, int decimals);
/* Seconds with nine decimals from nanoseconds. */
void pt_csv_ts(struct pt_csv *c, int64_t ns);
void pt_csv_empty(struct pt_csv *c);
void pt_csv_end_row(struct pt_csv *c);
/* Flushes, checks for write errors and renames into place. */
bool pt_csv_close(struct pt_csv *c);
/* Removes the temporary file without publishing it. */
void pt_csv_abort(struct pt_csv *c);

/* Formats nanoseconds as seconds with nine decimals ("-0.000000500" for -500). */
void pt_format_ts(int64_t ns, char *buf, size_t size);

#endif
