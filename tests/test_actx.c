/* test_actx.c - the analysis helpers every detector shares, on their edge
 * cases: cgroup membership (cgroup_holds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis.h"

static void test_cgroup_holds(void **state)
{
	(void)state;
	/* itself and below, at a '/' boundary only */
	assert_true(cgroup_holds("/process_api", "/process_api"));
	assert_true(cgroup_holds("/process_api", "/process_api/06897421bb054e4bc784a0896f221070"));
	assert_false(cgroup_holds("/process_api", "/process_apix"));
	assert_false(cgroup_holds("/process_api/a", "/process_api"));
	assert_false(cgroup_holds("/iowd-seed.16030", "/process_api"));
	/* a trailing '/' on the cgroup changes nothing */
	assert_true(cgroup_holds("/process_api/", "/process_api/x"));
	assert_false(cgroup_holds("/process_api/", "/process_apix"));
	/* the root holds every recorded path, and itself */
	assert_true(cgroup_holds("/", "/"));
	assert_true(cgroup_holds("/", "/iowd-seed.16030"));
	assert_true(cgroup_holds("/", "/a/b/c"));
	/* no path recorded: in no cgroup, not even the root */
	assert_false(cgroup_holds("/", ""));
	assert_false(cgroup_holds("/a", ""));
	/* a cgroup without a name is no cgroup */
	assert_false(cgroup_holds("", "/a"));
	assert_false(cgroup_holds("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_holds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
