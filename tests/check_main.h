/* The runner every Check program shares (Check's own example: one suite per
 * module): PT_CHECK_MAIN(suite_fn, ...) defines main() running them all. */
#ifndef PATHTRACE_CHECK_MAIN_H
#define PATHTRACE_CHECK_MAIN_H

#include <stdlib.h>

#include <check.h>

#define PT_CHECK_MAIN(...)                                                                  \
	int main(void)                                                                      \
	{                                                                                   \
		Suite *(*const suites[])(void) = { __VA_ARGS__ };                           \
		SRunner *sr = srunner_create(suites[0]());                                  \
		for (size_t i = 1; i < sizeof suites / sizeof suites[0]; i++)              \
			srunner_add_suite(sr, suites[i]());                                 \
		srunner_run_all(sr, CK_NORMAL);                                             \
		int failed = srunner_ntests_failed(sr);                                     \
		srunner_free(sr);                                                           \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                \
	}

#endif
