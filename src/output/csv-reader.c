/* CSV in, through libcsv's push parser: fields are gathered into a row and
 * handed over when the row ends. A row has at most PT_CSV_MAX_FIELDS fields
 * and a field at most 64 KiB (the analysis' files stay far below both). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "output/csv-reader.h"

#define PT_CSV_MAX_FIELDS 256
#define PT_CSV_MAX_FIELD 65536

struct reader {
	char *fields[PT_CSV_MAX_FIELDS];
	size_t n;
	bool stop, too_wide;
	pt_csv_row_fn fn;
	void *ctx;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	if (r->stop)
		return;
	if (r->n == PT_CSV_MAX_FIELDS || len > PT_CSV_MAX_FIELD) {
		r->too_wide = r->stop = true;
		return;
	}
	char *f = malloc(len + 1);
	if (!f) {
		r->stop = true;
		return;
	}
	if (len)
		memcpy(f, s, len);
	f[len] = '\0';
	r->fields[r->n++] = f;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct reader *r = data;
	if (!r->stop && !r->fn(r->ctx, (const char *const *)r->fields, r->n))
		r->stop = true;
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
}

int pt_csv_read(const char *path, pt_csv_row_fn fn, void *ctx, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	struct reader r = { .fn = fn, .ctx = ctx };
	char buf[65536];
	size_t got;
	int rc = 0;
	while (!r.stop && (got = fread(buf, 1, sizeof buf, fp)) > 0)
		if (csv_parse(&p, buf, got, on_field, on_row, &r) != got) {
			snprintf(err, errlen, "%s: not CSV: %s", path, csv_strerror(csv_error(&p)));
			rc = -1;
			break;
		}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && !r.stop)
		csv_fini(&p, on_field, on_row, &r);
	if (rc == 0 && r.too_wide) {
		snprintf(err, errlen, "%s: a row with more than %d fields or a field above %d bytes", path,
			 PT_CSV_MAX_FIELDS, PT_CSV_MAX_FIELD);
		rc = -1;
	}
	for (size_t i = 0; i < r.n; i++)
		free(r.fields[i]);
	csv_free(&p);
	fclose(fp);
	return rc;
}

long pt_csv_column(const char *const *header, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(header[i], name) == 0)
			return (long)i;
	return -1;
}
