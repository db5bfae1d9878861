/* The CSV writer: header, quoting only where needed, atomic rename, abort. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_pathtrace.h"
#include "output/csv-writer.h"

static char dir[] = "/tmp/pt-check-csv-XXXXXX";

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

START_TEST(test_csv_write)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256], tmp[300];
	snprintf(path, sizeof path, "%s/out.csv", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	static const char *const cols[] = { "a", "b", "c", "d", "e", "f" };
	struct pt_csv c;
	ck_assert(pt_csv_open(&c, path, cols, 6));
	pt_csv_str(&c, "plain");
	pt_csv_str(&c, "with,comma");
	pt_csv_str(&c, "say \"hi\"");
	pt_csv_u64(&c, 18446744073709551615ull);
	pt_csv_f(&c, NAN, 3);
	pt_csv_ts(&c, 1500000001);
	pt_csv_end_row(&c);
	pt_csv_i64(&c, -5);
	pt_csv_empty(&c);
	pt_csv_str(&c, " lead");
	pt_csv_f(&c, 1.23456, 2);
	pt_csv_str(&c, NULL);
	pt_csv_ts(&c, -500);
	pt_csv_end_row(&c);
	ck_assert_int_eq(access(path, F_OK), -1); /* not published before close */
	ck_assert(pt_csv_close(&c));
	ck_assert_int_eq(access(tmp, F_OK), -1);
	const char *s = slurp(path);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "a,b,c,d,e,f\n"
			    "plain,\"with,comma\",\"say \"\"hi\"\"\",18446744073709551615,,1.500000001\n"
			    "-5,,\" lead\",1.23,,-0.000000500\n");
	unlink(path);

	ck_assert(pt_csv_open(&c, path, cols, 1));
	pt_csv_str(&c, "x");
	pt_csv_end_row(&c);
	pt_csv_abort(&c);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(access(tmp, F_OK), -1);

	char bad[300];
	snprintf(bad, sizeof bad, "%s/no/such/dir/x.csv", dir);
	ck_assert(!pt_csv_open(&c, bad, cols, 1));
	rmdir(dir);
}
END_TEST

START_TEST(test_format_ts)
{
	char b[48];
	pt_format_ts(0, b, sizeof b);
	ck_assert_str_eq(b, "0.000000000");
	pt_format_ts(1418145369924505488LL, b, sizeof b);
	ck_assert_str_eq(b, "1418145369.924505488");
	pt_format_ts(-1500000000LL, b, sizeof b);
	ck_assert_str_eq(b, "-1.500000000");
	pt_format_ts(INT64_MIN, b, sizeof b);
	ck_assert_str_eq(b, "-9223372036.854775808");
}
END_TEST

Suite *pt_csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("csv");
	tcase_add_test(tc, test_csv_write);
	tcase_add_test(tc, test_format_ts);
	suite_add_tcase(s, tc);
	return s;
}
