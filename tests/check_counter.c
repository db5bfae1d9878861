/* The bounded counter. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pathtrace.h"
#include "base/counter.h"


START_TEST(test_counter_sorted)
{
	struct pt_counter c;
	pt_counter_init(&c, 100);
	pt_counter_add(&c, "b", 2);
	pt_counter_add(&c, "a", 2);
	pt_counter_add(&c, "c", 5);
	pt_counter_add(&c, "b", 1);
	size_t n;
	struct pt_counter_entry *e = pt_counter_sorted(&c, &n);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(e[0].key, "c");
	ck_assert_uint_eq(e[0].count, 5);
	ck_assert_str_eq(e[1].key, "b");
	ck_assert_uint_eq(e[1].count, 3);
	ck_assert_str_eq(e[2].key, "a");
	ck_assert_uint_eq(c.other, 0);
	free(e);
	pt_counter_free(&c);
}
END_TEST

START_TEST(test_counter_bounded)
{
	struct pt_counter c;
	pt_counter_init(&c, 50);
	char key[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		pt_counter_add(&c, key, 1);
	}
	ck_assert_uint_eq(c.used, 50);
	ck_assert_uint_eq(c.other, 950);
	/* Known keys still count after the table is full. */
	pt_counter_add(&c, "k0", 10);
	size_t n;
	struct pt_counter_entry *e = pt_counter_sorted(&c, &n);
	ck_assert_uint_eq(n, 50);
	ck_assert_str_eq(e[0].key, "k0");
	ck_assert_uint_eq(e[0].count, 11);
	free(e);
	pt_counter_free(&c);
}
END_TEST

START_TEST(test_counter_empty)
{
	struct pt_counter c;
	pt_counter_init(&c, 0);
	pt_counter_add(&c, "x", 3);
	ck_assert_uint_eq(c.other, 3);
	size_t n = 99;
	struct pt_counter_entry *e = pt_counter_sorted(&c, &n);
	ck_assert_uint_eq(n, 0);
	free(e);
	pt_counter_free(&c);
}
END_TEST

Suite *pt_counter_suite(void)
{
	Suite *s = suite_create("counter");
	TCase *tc = tcase_create("counter");
	tcase_add_test(tc, test_counter_sorted);
	tcase_add_test(tc, test_counter_bounded);
	tcase_add_test(tc, test_counter_empty);
	suite_add_tcase(s, tc);
	return s;
}
