/* test_analyze.c - detectors and ranking on constructed series (bench/gencap.c
 * scenarios written with the real writer), and the dump round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define GENCAP_NO_MAIN
#include "../bench/gencap.c"

#include "analysis.h"
#include "detect.h"
#include "jsonl.h"

#include "membuf.h"
#include "model_of.h"
#include "tidy.h"

static struct membuf gen(const char *scenario, double seconds)
{
	struct membuf m = { 0 };
	struct gen_opts o = { scenario, seconds, 1, 30 };
	assert_int_equal(gencap_write(&o, mem_write, &m), 0);
	return m;
}

static const struct finding *find(const struct report *r, const char *id)
{
	for (int i = 0; i < r->nf; i++)
		if (!strcmp(r->f[i].id, id))
			return &r->f[i];
	return NULL;
}

static bool explains(const struct finding *f, const char *id)
{
	for (int i = 0; i < f->nexp; i++)
		if (!strcmp(f->explains[i], id))
			return true;
	return false;
}

static struct win_opts no_windows(void)
{
	return (struct win_opts){ NAN, NAN, NAN, NAN, NAN, NAN };
}

/* The field report: logd first, thrash and D states explained by it. */
static void test_seed_story(void **state)
{
	(void)state;
	struct membuf m = gen("seed", 600);
	struct model *mo = model_of(m.p, m.len);
	assert_int_equal(mo->nsamples, 600);
	struct report r;
	struct win_opts w = no_windows();
	report_build(&r, mo, NULL, &w);
	assert_true(r.ctx.w.healthy.set && r.ctx.w.faulty.set);
	assert_true(r.ctx.w.healthy.b <= r.ctx.w.faulty.a);
	assert_true(r.nf >= 3);
	assert_string_equal(r.f[0].id, "memory-leak");
	assert_string_equal(r.f[0].comm, "logd");
	assert_int_equal(r.f[0].pid, 493);
	assert_true(r.f[0].ev[0].healthy < 3000 && r.f[0].ev[0].faulty > 250000);
	const struct finding *rt = find(&r, "reclaim-thrash"), *bt = find(&r, "blocked-tasks");
	assert_non_null(rt);
	assert_non_null(bt);
	assert_string_equal(rt->comm, "kswapd0");
	assert_true(explains(&r.f[0], "reclaim-thrash"));
	assert_true(explains(&r.f[0], "blocked-tasks"));
	assert_int_equal(bt->wait, WAIT_PAGE_FAULT);
	assert_true(rt->rank > 1 && bt->rank > rt->rank);
	assert_null(find(&r, "oom-kill"));
	assert_null(find(&r, "swap-thrash"));
	assert_true(r.nwg >= 1 && !strcmp(r.wg[0].wchan, "filemap_fault"));
	assert_non_null(r.ctx.kd); /* the sysrq-w dump in the kernel log was parsed */
	report_free(&r);
	model_free(mo);
	free(m.p);
}

/* The cgroup thrash of scenarios/README: global pgscan 0, few majflt,
 * many refaults; still a leak with reclaim thrash inside the cgroup. */
static void test_cgroup_thrash(void **state)
{
	(void)state;
	struct membuf m = gen("cgroup", 600);
	struct model *mo = model_of(m.p, m.len);
	struct report r;
	struct win_opts w = no_windows();
	report_build(&r, mo, NULL, &w);
	assert_true(r.nf >= 2);
	assert_string_equal(r.f[0].id, "memory-leak");
	assert_string_equal(r.f[0].comm, "logd");
	const struct finding *rt = find(&r, "reclaim-thrash");
	assert_non_null(rt);
	assert_non_null(strstr(rt->summary, "cgroup"));
	assert_true(explains(&r.f[0], "reclaim-thrash"));
	report_free(&r);
	model_free(mo);
	free(m.p);
}

/* A heavy writer with plenty of memory: memory is not blamed. */
static void test_writer_not_memory(void **state)
{
	(void)state;
	struct membuf m = gen("writer", 600);
	struct model *mo = model_of(m.p, m.len);
	struct report r;
	struct win_opts w = no_windows();
	report_build(&r, mo, NULL, &w);
	assert_true(r.nf >= 1);
	assert_null(find(&r, "memory-leak"));
	assert_null(find(&r, "reclaim-thrash"));
	assert_null(find(&r, "shmem-growth"));
	const struct finding *io = find(&r, "io-saturation");
	assert_non_null(io);
	assert_string_equal(io->comm, "dd");
	assert_string_equal(r.f[0].comm, "dd");
	report_free(&r);
	model_free(mo);
	free(m.p);
}

static void test_healthy_silent(void **state)
{
	(void)state;
	struct membuf m = gen("healthy", 600);
	struct model *mo = model_of(m.p, m.len);
	struct report r;
	struct win_opts w = no_windows();
	report_build(&r, mo, NULL, &w);
	assert_int_equal(r.nf, 0);
	report_free(&r);
	model_free(mo);
	free(m.p);
}

/* Capture started after the fault: no healthy window, ranking from trends. */
static void test_late_start_trend(void **state)
{
	(void)state;
	struct membuf m = gen("late", 600);
	struct model *mo = model_of(m.p, m.len);
	struct report r;
	struct win_opts w = no_windows();
	report_build(&r, mo, NULL, &w);
	assert_false(r.ctx.w.healthy.set);
	assert_true(r.ctx.w.trend);
	assert_non_null(find(&r, "reclaim-thrash"));
	assert_non_null(find(&r, "blocked-tasks"));
	report_free(&r);
	model_free(mo);
	free(m.p);
}

/* Given windows override the automatic choice. */
static void test_given_windows(void **state)
{
	(void)state;
	struct membuf m = gen("seed", 600);
	struct model *mo = model_of(m.p, m.len);
	struct report r;
	struct win_opts w = { 10, 100, 400, 500, NAN, NAN };
	report_build(&r, mo, NULL, &w);
	assert_string_equal(r.ctx.w.how, "given");
	assert_int_equal(r.ctx.w.healthy.a, 10);
	assert_int_equal(r.ctx.w.faulty.a, 400);
	assert_string_equal(r.f[0].id, "memory-leak");
	report_free(&r);
	model_free(mo);
	free(m.p);
}

/* dump -> JSONL -> reader gives the same model, metric for metric. */
static void test_jsonl_same_model(void **state)
{
	(void)state;
	struct membuf m = gen("seed", 200);
	char *jl = NULL;
	size_t jlen = 0;
	FILE *f = open_memstream(&jl, &jlen);
	struct cap_reader *cr = cap_reader_mem(m.p, m.len);
	struct cap_rec rec;
	while (cap_next(cr, &rec))
		assert_int_equal(jsonl_write(f, &rec), 0);
	cap_reader_free(cr);
	fclose(f);
	f = fmemopen(jl, jlen, "r");
	struct jl_reader *jr = jl_open(f);
	struct model *a = model_of(m.p, m.len), *b = model_new();
	int rc;
	while ((rc = jl_next(jr, &rec)) == 1) {
		assert_true(rec.type != CAP_EV_DAMAGE);
		model_feed(b, &rec);
	}
	assert_int_equal(rc, 0);
	jl_close(jr);
	fclose(f);
	model_finish(b);
	windows_signal(b);
	assert_int_equal(a->nsamples, b->nsamples);
	assert_int_equal(a->nents, b->nents);
	for (int i = 0; i < a->nsamples; i++)
		for (int k = 0; k < M_COUNT; k++) {
			double x = M(a, i, k), y = M(b, i, k);
			assert_true((x != x && y != y) || x == y);
		}
	model_free(a);
	model_free(b);
	free(jl);
	free(m.p);
}

/* Counter names across kernels: zoned pgscan summed, throttle excluded. */
static void test_kernel_names(void **state)
{
	(void)state;
	struct membuf m = { 0 };
	struct cap_header h = { .page_size = 4096, .user_hz = 100, .ncpu = 1, .interval_us = 1000000 };
	struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, &m);
	for (int s = 0; s < 3; s++) {
		cap_sample_begin(w, 1000000ull * (uint64_t)s, 1000000ull * (uint64_t)s);
		cap_group_begin(w, "vmstat", NULL);
		cap_group_value(w, "pgscan_kswapd_normal", 100ull * (uint64_t)s);
		cap_group_value(w, "pgscan_kswapd_movable", 50ull * (uint64_t)s);
		cap_group_value(w, "pgscan_direct_throttle", 999ull * (uint64_t)s);
		cap_group_value(w, "pgscan_direct_dma", 7ull * (uint64_t)s);
		cap_group_value(w, "allocstall_normal", 2ull * (uint64_t)s);
		cap_group_value(w, "allocstall_movable", 1ull * (uint64_t)s);
		cap_group_value(w, "workingset_refault", 30ull * (uint64_t)s);
		cap_group_end(w);
		cap_group_begin(w, "meminfo", NULL);
		cap_group_value(w, "MemTotal", 100000);
		cap_group_value(w, "MemFree", 10000);
		cap_group_value(w, "Active(file)", 20000);
		cap_group_value(w, "Inactive(file)", 20000);
		cap_group_value(w, "SReclaimable", 4000);
		cap_group_end(w);
		cap_sample_end(w, 0);
	}
	cap_writer_close(w);
	cap_writer_free(w);
	struct model *mo = model_of(m.p, m.len);
	assert_int_equal(mo->nsamples, 3);
	assert_true(M(mo, 2, M_PGSCAN_K) == 150);
	assert_true(M(mo, 2, M_PGSCAN_D) == 7);
	assert_true(M(mo, 2, M_ALLOCSTALL) == 3);
	assert_true(M(mo, 2, M_REFAULT) == 30);
	/* no MemAvailable (pre-3.14): estimated, between MemFree and free + file */
	assert_true(M(mo, 2, M_MEMAVAIL) > 10000 && M(mo, 2, M_MEMAVAIL) < 54000);
	model_free(mo);
	free(m.p);
}

/* The causal graph is data: every cause id has a row with a detector and a
 * rule, the names are unique, and no edge points back at its own row. */
static void test_detector_table(void **state)
{
	(void)state;
	int edges = 0;
	for (int i = 0; i < CAUSE_COUNT; i++) {
		const struct detector *d = &detectors[i];
		assert_non_null(d->id);
		assert_non_null(d->fn);
		assert_true(d->rule && strlen(d->rule) > 20);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(d->id, detectors[j].id);
		for (int k = 0; k < MAX_EDGES && d->explains[k].when != EDGE_END; k++, edges++) {
			assert_int_not_equal(d->explains[k].to, i);
			assert_true(d->explains[k].to < CAUSE_COUNT);
			assert_true(d->explains[k].when != EDGE_WAITS || d->explains[k].waits);
		}
	}
	/* 4 memory causes x 6, 2 thrash x 3, writeback 2, io 1 */
	assert_int_equal(edges, 33);
	assert_string_equal(detectors[CAUSE_BLOCKED_TASKS].id, "blocked-tasks");
	assert_true(detectors[CAUSE_SWAP_THRASH].thrash && !detectors[CAUSE_MEMORY_LEAK].thrash);
}

/* A text longer than an event holds is cut at a character's start and
 * marked "...": a note cut silently read as the whole of what the recorder
 * said.  A note that fits (the sysrq one, 176 bytes) stays whole. */
static void test_event_text_cut_marked(void **state)
{
	(void)state;
	char b[7];
	memcpy(b, "ab\xc3\xa9" "cdef", 6); /* "abé" + more, cut as snprintf cuts: b[3] is inside é */
	b[6] = 0;
	text_mark_cut(b, sizeof b);
	assert_string_equal(b, "ab...");

	static const char fits[] = "sysrq: cannot open /proc/sysrq-trigger (No such file or directory): no kernel stacks "
				   "will be recorded; run as root on a kernel with CONFIG_MAGIC_SYSRQ, or pass --sysrq off";
	char longer[400];
	memset(longer, 'x', sizeof longer);
	struct membuf m = { 0 };
	struct cap_header h = { 0 };
	snprintf(h.writer, sizeof h.writer, "test");
	struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, &m);
	assert_int_equal(cap_sample_begin(w, 1000000, 1000000), 0);
	assert_int_equal(cap_text(w, CAP_TXT_NOTE, CAP_NA, CAP_NA, 0, 0, fits, strlen(fits)), 0);
	assert_int_equal(cap_text(w, CAP_TXT_NOTE, CAP_NA, CAP_NA, 0, 0, longer, sizeof longer), 0);
	assert_int_equal(cap_sample_end(w, 1000), 0);
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);
	struct model *mo = model_of(m.p, m.len);
	free(m.p);
	assert_int_equal(mo->nevs, 2);
	assert_string_equal(mo->evs[0].text + strlen("recorder: "), fits);
	size_t l = strlen(mo->evs[1].text);
	assert_int_equal(l, sizeof mo->evs[1].text - 1);
	assert_string_equal(mo->evs[1].text + l - 4, "x...");
	model_free(mo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_story),
		cmocka_unit_test(test_event_text_cut_marked),
		cmocka_unit_test(test_cgroup_thrash),
		cmocka_unit_test(test_writer_not_memory),
		cmocka_unit_test(test_healthy_silent),
		cmocka_unit_test(test_late_start_trend),
		cmocka_unit_test(test_given_windows),
		cmocka_unit_test(test_jsonl_same_model),
		cmocka_unit_test(test_kernel_names),
		cmocka_unit_test(test_detector_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
