/* Reading CSV files (the analysis' own, for `pathtrace compare`) through
 * libcsv: one callback per row with its fields, the header row included. */
#ifndef PATHTRACE_OUTPUT_CSV_READER_H
#define PATHTRACE_OUTPUT_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>

/* Called once per row; return false to stop reading. */
typedef bool (*pt_csv_row_fn)(void *ctx, const char *const *fields, size_t n);

/* Reads path row by row: 0, or -1 with a one-line reason in err. */
int pt_csv_read(const char *path, pt_csv_row_fn fn, void *ctx, char *err, size_t errlen);

/* The index of name in a header row, or -1. */
long pt_csv_column(const char *const *header, size_t n, const char *name);

#endif
