/* test_cli.c - the command line's small parsers: time specs (sar's -s/-e
 * habit), top's -p and --sort, and top's ordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "top.h"

static void test_when_parse(void **st)
{
	(void)st;
	struct when w;
	assert_true(when_parse("120", &w));
	assert_false(w.clock);
	assert_true(w.s == 120);
	assert_true(when_parse("12.5", &w));
	assert_true(w.s == 12.5);
	assert_true(when_parse("21:04", &w));
	assert_true(w.clock);
	assert_true(w.s == 21 * 3600 + 4 * 60);
	assert_true(when_parse("21:04:30", &w));
	assert_true(w.s == 21 * 3600 + 4 * 60 + 30);
	assert_true(when_parse("0:00:00", &w));
	assert_true(w.s == 0);
	static const char *const bad[] = { "", "-5", "abc", "25:00", "12:60", "12:00:61", "12:", ":30", "1:2:3:4",
					   "12:00x", "nan", "inf", "1e400", "12 ", NULL };
	for (int i = 0; bad[i]; i++)
		assert_false(when_parse(bad[i], &w));
}

static void test_filter_parse(void **st)
{
	(void)st;
	struct top_filter f;
	assert_true(top_filter_parse("16619", &f));
	assert_int_equal(f.pid, 16619);
	assert_null(f.comm);
	assert_true(top_filter_parse("logd", &f));
	assert_int_equal(f.pid, -1);
	assert_string_equal(f.comm, "logd");
	/* a name that starts with digits is a name */
	assert_true(top_filter_parse("1984d", &f));
	assert_int_equal(f.pid, -1);
	assert_false(top_filter_parse("", &f));
}

static void test_sort(void **st)
{
	(void)st;
	enum top_sort k;
	assert_true(top_sort_parse("state", &k));
	assert_int_equal(k, TOP_STATE);
	assert_false(top_sort_parse("mem", &k));
	struct top_proc p[4];
	memset(p, 0, sizeof p);
	p[0] = (struct top_proc){ .pid = 1, .state = 'S', .cpu_pct = 50, .rss_kb = 100, .majflt_s = 0 };
	p[1] = (struct top_proc){ .pid = 2, .state = 'D', .cpu_pct = 1, .rss_kb = 10, .majflt_s = 700, .nd = 1 };
	p[2] = (struct top_proc){ .pid = 3, .state = 'R', .cpu_pct = NAN, .rss_kb = 900, .majflt_s = NAN };
	p[3] = (struct top_proc){ .pid = 4, .state = 'D', .cpu_pct = 5, .rss_kb = NAN, .majflt_s = 600, .nd = 1 };
	top_sort(p, 4, TOP_CPU);
	assert_int_equal(p[0].pid, 1);
	assert_int_equal(p[3].pid, 3); /* unknown sorts last */
	top_sort(p, 4, TOP_STATE);
	assert_int_equal(p[0].pid, 4); /* D first, then by CPU */
	assert_int_equal(p[1].pid, 2);
	assert_int_equal(p[2].pid, 3);
	top_sort(p, 4, TOP_RSS);
	assert_int_equal(p[0].pid, 3);
	assert_int_equal(p[3].pid, 4);
	top_sort(p, 4, TOP_MAJFLT);
	assert_int_equal(p[0].pid, 2);
	assert_int_equal(p[1].pid, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_when_parse),
		cmocka_unit_test(test_filter_parse),
		cmocka_unit_test(test_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
