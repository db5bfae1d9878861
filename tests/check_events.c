/* Event names: unique, stable lookups, valid kinds, and every one documented
 * in doc/events.md with its kind. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pathtrace.h"

START_TEST(test_event_table)
{
	for (int i = 0; i < PT_EV__COUNT; i++) {
		const char *n = pt_event_name((enum pt_event)i);
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(pt_event_by_name(n), i);
		char k = pt_event_kind((enum pt_event)i);
		ck_assert_msg(k == 'T' || k == 'M' || k == 'I', "%s has kind %c", n, k);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(n, pt_event_name((enum pt_event)j));
		/* Truncated events end in "truncated", the rest do not: the name says the kind. */
		bool says_trunc = strstr(n, "truncated") != NULL;
		if (k == 'T')
			ck_assert_msg(says_trunc, "%s is kind T", n);
	}
	ck_assert_int_eq(pt_event_by_name("decoder.no.such"), -1);
	ck_assert_str_eq(pt_event_name(PT_EV__COUNT), "decoder.unknown");
}
END_TEST

START_TEST(test_events_documented)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/doc/events.md", pt_t_srcdir());
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	static char doc[1 << 17];
	size_t n = fread(doc, 1, sizeof doc - 1, fp);
	doc[n] = '\0';
	fclose(fp);
	for (int i = 0; i < PT_EV__COUNT; i++) {
		const char *name = pt_event_name((enum pt_event)i);
		char want[128];
		/* A table row: | `name` | kind | ... */
		snprintf(want, sizeof want, "| `%s` |", name);
		const char *row = strstr(doc, want);
		ck_assert_msg(row != NULL, "%s is not documented in doc/events.md", name);
		const char *kind = row + strlen(want);
		while (*kind == ' ')
			kind++;
		const char *expect = pt_event_kind((enum pt_event)i) == 'T'   ? "truncated"
				     : pt_event_kind((enum pt_event)i) == 'M' ? "malformed"
									       : "informational";
		ck_assert_msg(strncmp(kind, expect, strlen(expect)) == 0, "%s: doc gives another kind than %s",
			      name, expect);
	}
}
END_TEST

Suite *pt_events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("events");
	tcase_add_test(tc, test_event_table);
	tcase_add_test(tc, test_events_documented);
	suite_add_tcase(s, tc);
	return s;
}
