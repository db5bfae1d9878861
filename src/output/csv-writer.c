/* CSV output through libcsv. libcsv quotes every field it writes, which
 * gnuplot and spreadsheets accept for text but not for numbers, so fields are
 * quoted only when they need it (RFC 4180: comma, quote, CR/LF, leading or
 * trailing space), and then through libcsv. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "output/csv-writer.h"

void pt_format_ts(int64_t ns, char *buf, size_t size)
{
	const char *sign = "";
	uint64_t u;
	if (ns < 0) {
		sign = "-";
		u = (uint64_t)(-(ns + 1)) + 1;
	} else {
		u = (uint64_t)ns;
	}
	snprintf(buf, size, "%s%llu.%09llu", sign, (unsigned long long)(u / 1000000000u),
		 (unsigned long long)(u % 1000000000u));
}

static void sep(struct pt_csv *c)
{
	if (c->col++ > 0)
		fputc(',', c->fp);
}

bool pt_csv_open(struct pt_csv *c, const char *path, const char *const *cols, unsigned ncols)
{
	memset(c, 0, sizeof *c);
	c->ncols = ncols;
	if (strcmp(path, "-") == 0) {
		c->fp = stdout;
	} else {
		size_t n = strlen(path) + 5;
		c->path = strdup(path);
		c->tmp = malloc(n);
		if (!c->path || !c->tmp) {
			free(c->path);
			free(c->tmp);
			return false;
		}
		snprintf(c->tmp, n, "%s.tmp", path);
		c->fp = fopen(c->tmp, "w");
		if (!c->fp) {
			free(c->path);
			free(c->tmp);
			c->path = c->tmp = NULL;
			return false;
		}
	}
	for (unsigned i = 0; i < ncols; i++)
		pt_csv_str(c, cols[i]);
	pt_csv_end_row(c);
	return true;
}

void pt_csv_str(struct pt_csv *c, const char *s)
{
	sep(c);
	if (!s)
		return;
	size_t n = strlen(s);
	bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (quote) {
		if (csv_fwrite(c->fp, s, n) != 0)
			c->failed = true;
	} else {
		fwrite(s, 1, n, c->fp);
	}
}

void pt_csv_u64(struct pt_csv *c, uint64_t v)
{
	sep(c);
	fprintf(c->fp, "%llu", (unsigned long long)v);
}

void pt_csv_i64(struct pt_csv *c, int64_t v)
{
	sep(c);
	fprintf(c->fp, "%lld", (long long)v);
}

void pt_csv_f(struct pt_csv *c, double v, int decimals)
{
	sep(c);
	if (!isnan(v))
		fprintf(c->fp, "%.*f", decimals, v);
}

void pt_csv_ts(struct pt_csv *c, int64_t ns)
{
	char b[48];
	pt_format_ts(ns, b, sizeof b);
	sep(c);
	fputs(b, c->fp);
}

void pt_csv_empty(struct pt_csv *c)
{
	sep(c);
}

void pt_csv_end_row(struct pt_csv *c)
{
	fputc('\n', c->fp);
	c->col = 0;
}

bool pt_csv_close(struct pt_csv *c)
{
	bool ok = !c->failed;
	if (c->fp == stdout) {
		ok = fflush(stdout) == 0 && ok;
	} else if (c->fp) {
		ok = !ferror(c->fp) && ok;
		ok = fclose(c->fp) == 0 && ok;
		if (ok)
			ok = rename(c->tmp, c->path) == 0;
		else
			remove(c->tmp);
	}
	free(c->path);
	free(c->tmp);
	memset(c, 0, sizeof *c);
	return ok;
}

void pt_csv_abort(struct pt_csv *c)
{
	if (c->fp && c->fp != stdout) {
		fclose(c->fp);
		remove(c->tmp);
	}
	free(c->path);
	free(c->tmp);
	memset(c, 0, sizeof *c);
}
