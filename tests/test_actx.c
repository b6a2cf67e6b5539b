/* test_actx.c - the analysis helpers every detector shares, on their edge
 * cases: cgroup membership (cgroup_holds), the kernel's wait functions
 * (common/kwait.c: wait_kind for wchan, kw_prim for stack frames). */
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

static const char *why(const char *wchan) { return wait_name(wait_kind(wchan)); }

static void test_wait_kind(void **state)
{
	(void)state;
	/* the wchans the samples hold, and each family by a real kernel name */
	assert_string_equal(why("folio_wait_bit_common"), "page-fault");
	assert_string_equal(why("filemap_fault"), "page-fault");
	assert_string_equal(why("ext4_filemap_fault"), "page-fault"); /* a family: anywhere in the name */
	assert_string_equal(why("__lock_page_killable"), "page-fault");
	assert_string_equal(why("shrink_inactive_list"), "reclaim");
	assert_string_equal(why("congestion_wait"), "reclaim");
	assert_string_equal(why("balance_dirty_pages"), "writeback");
	assert_string_equal(why("jbd2_log_wait_commit"), "writeback");
	assert_string_equal(why("folio_wait_writeback"), "writeback");
	assert_string_equal(why("io_schedule"), "io");
	assert_string_equal(why("blk_mq_get_tag"), "io");
	assert_string_equal(why("bit_wait_io"), "io");
	assert_string_equal(why("mutex_lock_killable"), "other");
	assert_string_equal(why("__sync_dirty_buffer"), "other");
	assert_string_equal(why("synchronize_rcu_normal"), "other");
	/* the older kernels' names of the same waits: 3.x's page lock, the
	 * buffer-head waits of block I/O */
	assert_string_equal(why("sleep_on_page"), "page-fault");
	assert_string_equal(why("sync_page"), "page-fault");
	assert_string_equal(why("wait_on_page_locked"), "page-fault");
	assert_string_equal(why("__wait_on_buffer"), "io");
	assert_string_equal(why("sleep_on_buffer"), "io");
	/* a primitive is matched by its name's start, not inside another */
	assert_string_equal(why("unlock_page"), "other");
	/* two reasons: told in the order fault, reclaim, writeback, io */
	assert_string_equal(why("swapin_writeback"), "page-fault");
	assert_string_equal(why("shrink_blk_"), "reclaim");
	assert_string_equal(why("jbd2_bio_"), "writeback");
	/* no place recorded */
	assert_string_equal(why(""), "unknown");
	assert_string_equal(why("0"), "unknown");
	assert_string_equal(why("?"), "unknown");
}

static void test_kw_prim(void **state)
{
	(void)state;
	assert_int_equal(kw_prim("schedule"), KW_SCHED);
	assert_int_equal(kw_prim("schedule_timeout"), KW_SCHED);
	assert_int_equal(kw_prim("io_schedule_timeout"), KW_IO);
	assert_int_equal(kw_prim("folio_wait_bit_common"), KW_PAGE);
	assert_int_equal(kw_prim("__mutex_lock"), KW_MUTEX);
	assert_int_equal(kw_prim("rwsem_down_read_slowpath"), KW_RWSEM);
	assert_int_equal(kw_prim("down_read"), KW_RWSEM);
	assert_int_equal(kw_prim("down"), KW_SEM);
	assert_int_equal(kw_prim("wait_for_completion_killable"), KW_COMPLETION);
	assert_int_equal(kw_prim("msleep"), KW_SLEEP);
	/* places are not primitives, even where they tell a reason */
	assert_int_equal(kw_prim("filemap_fault"), KW_NOT_PRIM);
	assert_int_equal(kw_prim("jbd2_log_wait_commit"), KW_NOT_PRIM);
	assert_int_equal(kw_prim("unlock_page"), KW_NOT_PRIM);
	assert_int_equal(kw_prim("downgrade_write"), KW_NOT_PRIM);
	assert_string_equal(kw_prim_name(KW_SEM), "semaphore");
	assert_string_equal(kw_prim_name(KW_PAGE), "page");
	assert_null(kw_prim_name(KW_SCHED));
	assert_null(kw_prim_name(KW_NOT_PRIM));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_holds),
		cmocka_unit_test(test_wait_kind),
		cmocka_unit_test(test_kw_prim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
