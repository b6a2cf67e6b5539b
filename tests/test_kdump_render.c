/* test_kdump_render.c - the stacks renderers (JSON, text) on parsed
 * corpus dumps, and parser plus renderer on garbage. */
#include "kdump_test.h"
#include "render_stacks.h"

static void robust_garbage(void **state)
{
	(void)state;
	struct kd_parser *p = kd_parser_new();
	const char *h = "sysrq: Show Blocked State\ntask:x state:D stack:0 pid:1 ppid:0 flags:0x0\n";
	kd_feed_text(p, h, strlen(h));
	unsigned x = 12345;
	char buf[512];
	for (int i = 0; i < 3000; i++) {
		size_t n = (size_t)(x % sizeof buf);
		for (size_t k = 0; k < n; k++) {
			x = x * 1103515245u + 12345u;
			buf[k] = (char)(x >> 16);
		}
		kd_feed_line(p, buf, n);
	}
	size_t big = 200 * 1024; /* far past any line buffer */
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, '[', big);
	kd_feed_line(p, huge, big);
	memset(huge, ' ', big);
	memcpy(huge + big - 20, "schedule+0x1/0x2", 16);
	kd_feed_text(p, huge, big);
	for (size_t i = 0; i + 24 < big; i += 24)
		memcpy(huge + i, " schedule+0x29/0x70\n    ", 24);
	kd_feed_text(p, huge, big); /* ~8000 frames: capped, not grown without bound */
	free(huge);
	kd_feed_line(p, "\0\0\0", 3);
	kd_feed_line(p, NULL, 0);
	kd_feed_text(p, "", 0);
	struct kd_result *r = kd_finish(p);
	for (size_t i = 0; i < kd_ndumps(r); i++)
		for (size_t k = 0; k < kd_dump_at(r, i)->ntasks; k++)
			assert_true(kd_dump_at(r, i)->tasks[k].nframes <= 512);
	struct sg_groups *g = sg_build(r);
	json_t *j = stacks_to_json(r, g);
	assert_non_null(j);
	json_decref(j);
	sg_free(g);
	kd_result_free(r);

	kd_result_free(NULL);
	sg_free(NULL);
	assert_int_equal(kd_ndumps(NULL), 0);
	assert_null(kd_dump_at(NULL, 0));
}

static void render_json_seed(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("arm-4.9-seed-sysrq-w.txt");
	struct sg_groups *g = sg_build(r);
	json_t *j = stacks_to_json(r, g);
	json_t *d0 = json_array_get(json_object_get(j, "dumps"), 0);
	assert_string_equal(json_string_value(json_object_get(d0, "kind")), "sysrq-w");
	assert_true(json_is_false(json_object_get(d0, "complete")));
	json_t *t0 = json_array_get(json_object_get(d0, "tasks"), 0);
	assert_string_equal(json_string_value(json_object_get(t0, "comm")), "logd");
	assert_int_equal(json_integer_value(json_object_get(t0, "pid")), 493);
	assert_string_equal(json_string_value(json_object_get(t0, "state")), "D");
	assert_true(json_is_null(json_object_get(t0, "cpu")));
	json_t *fr = json_array_get(json_object_get(t0, "frames"), 1);
	assert_string_equal(json_string_value(json_object_get(fr, "function")), "schedule");
	assert_string_equal(json_string_value(json_object_get(fr, "offset")), "0x40");
	assert_true(json_is_true(json_object_get(fr, "reliable")));
	assert_true(json_is_null(json_object_get(
		json_array_get(json_object_get(t0, "frames"), 0), "offset")));
	json_t *g0 = json_array_get(json_object_get(j, "groups"), 0);
	assert_string_equal(json_string_value(json_object_get(g0, "fingerprint")), "filemap_fault");
	assert_int_equal(json_integer_value(json_object_get(g0, "count")), 5);
	json_t *pids = json_object_get(g0, "tasks");
	assert_int_equal(json_array_size(pids), 5);
	assert_int_equal(json_integer_value(json_array_get(pids, 4)), 3258);
	assert_true(json_is_true(json_object_get(g0, "page_fault")));
	json_decref(j);

	/* idle CPUs have no pid: null, not -1 */
	kd_result_free(r);
	sg_free(g);
	r = parse_file("x86_64-4.20-hung-task-callerid-01.txt");
	g = sg_build(r);
	j = stacks_to_json(r, g);
	json_t *l = json_array_get(json_object_get(j, "dumps"), 1);
	assert_string_equal(json_string_value(json_object_get(l, "kind")), "sysrq-l");
	json_t *idle = json_array_get(json_object_get(l, "tasks"), 1);
	assert_true(json_is_null(json_object_get(idle, "pid")));
	assert_int_equal(json_integer_value(json_object_get(idle, "cpu")), 0);
	json_decref(j);
	sg_free(g);
	kd_result_free(r);
}

static void render_text_seed(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("arm-4.9-seed-sysrq-w.txt");
	struct sg_groups *g = sg_build(r);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	stacks_print_text(f, r, g, false);
	fclose(f);
	assert_non_null(strstr(buf, "  5  waiting for a page read in filemap_fault"));
	assert_non_null(strstr(buf, "logd/493 app/2469 app/2495 videocapture/3242 tracker/3258"));
	assert_non_null(strstr(buf, "filemap_fault < ext4_filemap_fault < __do_fault"));
	assert_non_null(strstr(buf, "sysrq-w at 49686.375: 5 task(s), incomplete"));
	assert_null(strstr(buf, "\033["));
	free(buf);
	f = open_memstream(&buf, &len);
	stacks_print_text(f, r, g, true);
	fclose(f);
	assert_non_null(strstr(buf, "\033[1m"));
	free(buf);
	sg_free(g);
	kd_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(robust_garbage),
		cmocka_unit_test(render_json_seed),
		cmocka_unit_test(render_text_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
