/* One runner for every suite (Check's own example: one suite per module). */
#include <config.h>

#include <stdlib.h>

#include "check_pathtrace.h"

int main(void)
{
	SRunner *sr = srunner_create(pt_decode_suite());
	srunner_add_suite(sr, pt_capture_suite());
	srunner_add_suite(sr, pt_counter_suite());
	srunner_add_suite(sr, pt_csv_suite());
	srunner_add_suite(sr, pt_events_suite());
	srunner_add_suite(sr, pt_sweep_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
