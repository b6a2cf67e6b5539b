/* test_robust.c - analyze on damaged input: every truncation and a few
 * hundred random corruptions of a capture the real recorder wrote (the
 * whole pipeline in-process at every offset, the binary's exit codes and
 * messages at a stride), a capture from a newer format version (record
 * types it does not know), and the inputs the fuzzers once crashed on
 * (tests/data/fuzz-regress/: *.jsonl through the JSONL reader, model and
 * report; *.proc through every /proc parser). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "analysis.h"
#include "capture.h"
#include "cap.h"
#include "codec.h"
#include "jsonl.h"
#include "model.h"
#include "render.h"

#include "membuf.h"
#include "capture_test.h"

static void append(struct membuf *m, const void *p, size_t n) { mem_write(m, p, n); }

/* Runs "$BUILD/analyze ARGS" and returns its exit status; stdout+stderr in out. */
static int analyze(const char *args, char *out, size_t cap)
{
	const char *b = getenv("BUILD");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/analyze %s 2>&1", b ? b : "build", args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char tmp[256];
static uint8_t *slurp(const char *path, size_t *len);

/* What analyze's load() decides, in-process: 1 = a report (exit 0), 0 =
 * nothing to analyze (exit 2).  Every renderer runs on what it read. */
static int pipeline(const uint8_t *b, size_t n, int *nsamples, size_t *nwarn)
{
	struct cap_reader *r = cap_reader_mem(b, n);
	assert_non_null(r);
	struct model *mo = model_new();
	struct cap_rec rec;
	while (cap_next(r, &rec) == 1)
		assert_int_equal(model_feed(mo, &rec), 0);
	cap_reader_free(r);
	model_finish(mo);
	int ok = mo->have_hdr && mo->nsamples > 0;
	*nsamples = mo->nsamples;
	*nwarn = mo->nwarn;
	if (ok) {
		FILE *null = fopen("/dev/null", "w");
		windows_signal(mo);
		struct report rep;
		struct win_opts wo = { NAN, NAN, NAN, NAN, NAN, NAN };
		report_build(&rep, mo, NULL, &wo);
		render_text(null, &rep, false);
		render_json(null, &rep);
		render_info_text(null, mo, "t");
		report_free(&rep);
		fclose(null);
	}
	model_free(mo);
	return ok;
}

/* A small real capture: the recorder on the sick fixture, 6 samples,
 * a frame every 0.2 s (3 frames). */
static uint8_t *record(size_t *len, char *path, size_t cap)
{
	const char *b = getenv("BUILD");
	const char *d = getenv("TEST_DATA");
	char cmd[2048];
	snprintf(path, cap, "%s/small.cap", tmp);
	snprintf(cmd, sizeof cmd,
		 "cp -r '%s/sick' '%s/' && %s/capture --force -o '%s' --proc-root '%s/sick/proc' --kmsg '%s/sick/kmsg' "
		 "--sysrq off -i 0.1 -n 6 --flush 0.2 --frame 0.2",
		 d ? d : "tests/data", tmp, b ? b : "build", path, tmp, tmp);
	assert_int_equal(system(cmd), 0);
	return slurp(path, len);
}

static void write_file(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

/* exit 0 with "warning" in the output, or exit 2 with one "analyze:" line */
static void check_binary(const char *file, int want_ok, size_t off)
{
	char args[600], buf[65536];
	snprintf(args, sizeof args, "%s", file);
	int rc = analyze(args, buf, sizeof buf);
	if (want_ok) {
		if (rc != 0 || !strstr(buf, "warning"))
			fail_msg("cut at %zu: exit %d, wanted 0 with a warning: %.300s", off, rc, buf);
	} else {
		size_t lines = 0;
		for (char *p = buf; *p; p++)
			lines += *p == '\n';
		if (rc != 2 || lines != 1 || strncmp(buf, "analyze: ", 9))
			fail_msg("cut at %zu: exit %d, wanted 2 with one analyze: line: %.300s", off, rc, buf);
	}
}

static void test_every_truncation(void **state)
{
	(void)state;
	char path[512], cut[600];
	size_t len;
	uint8_t *b = record(&len, path, sizeof path);
	size_t f1 = ZSTD_findFrameCompressedSize(b, len);
	assert_false(ZSTD_isError(f1));
	assert_true(f1 < len);
	int full, ns;
	size_t nw;
	assert_int_equal(pipeline(b, len, &full, &nw), 1);
	assert_int_equal(full, 6);
	assert_int_equal(nw, 0);
	int last = 0;
	for (size_t n = 0; n < len; n++) {
		int ok = pipeline(b, n, &ns, &nw);
		/* a report exactly once the first frame (header + first sample) is whole */
		if (ok != (n >= f1))
			fail_msg("cut at %zu of %zu (first frame ends at %zu): report %d", n, len, f1, ok);
		if (ok && nw == 0)
			fail_msg("cut at %zu: a report without a warning", n);
		if (ns < last)
			fail_msg("cut at %zu: %d samples, fewer than a shorter cut's %d", n, ns, last);
		last = ns;
	}
	/* the binary: both sides of every frame end, and a stride through the rest */
	snprintf(cut, sizeof cut, "%s/cut.cap", tmp);
	int runs = 0;
	for (size_t n = 0; n < len; n += 397) {
		write_file(cut, b, n);
		check_binary(cut, n >= f1, n);
		runs++;
	}
	const size_t edges[] = { f1 - 1, f1, f1 + 1, len - 1 };
	for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
		write_file(cut, b, edges[i]);
		check_binary(cut, edges[i] >= f1, edges[i]);
		runs++;
	}
	print_message("%zu truncation offsets in-process, %d through the binary\n", len, runs);
	free(b);
}

static void test_random_corruption(void **state)
{
	(void)state;
	char path[512], bad[600];
	size_t len;
	uint8_t *b = record(&len, path, sizeof path);
	uint8_t *c = malloc(len);
	snprintf(bad, sizeof bad, "%s/bad.cap", tmp);
	unsigned seed = getenv("FAULT_SEED") ? (unsigned)atoi(getenv("FAULT_SEED")) : 12345u;
	srand(seed);
	int reports = 0;
	for (int k = 0; k < 400; k++) {
		memcpy(c, b, len);
		int edits = 1 + rand() % 8;
		for (int e = 0; e < edits; e++) {
			size_t at = (size_t)rand() % len;
			if (rand() % 2) {
				c[at] ^= (uint8_t)(1u << (rand() % 8)); /* a bit flip */
			} else {
				size_t run = 1 + (size_t)rand() % 64; /* an overwrite */
				for (size_t i = at; i < len && i < at + run; i++)
					c[i] = (uint8_t)rand();
			}
		}
		int ns;
		size_t nw;
		reports += pipeline(c, len, &ns, &nw);
		if (k % 10 == 0) { /* the binary too: exit 0 or 2, never a crash */
			write_file(bad, c, len);
			char args[700], buf[65536];
			snprintf(args, sizeof args, "%s", bad);
			int rc = analyze(args, buf, sizeof buf);
			if (rc != 0 && rc != 2)
				fail_msg("corruption %d (seed %u): exit %d: %.300s", k, seed, rc, buf);
		}
	}
	print_message("400 corruptions (seed %u): %d still gave a report\n", seed, reports);
	assert_true(reports > 0);
	free(b);
	free(c);
}

/* A writer capture whose second frame carries two records of types this
 * version does not know (77 and 200), as a newer capture would. */
static void test_newer_format_records_named(void **state)
{
	(void)state;
	struct membuf m = { 0 };
	struct cap_header h = { 0 };
	snprintf(h.writer, sizeof h.writer, "capture 9.9");
	snprintf(h.host, sizeof h.host, "future");
	snprintf(h.kernel, sizeof h.kernel, "7.0");
	snprintf(h.machine, sizeof h.machine, "riscv64");
	h.page_size = 4096;
	h.user_hz = 100;
	h.ncpu = 1;
	h.start_us = 1700000000000000ull;
	h.interval_us = 1000000;
	h.capture_id = 42;
	struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, &m);
	assert_non_null(w);
	for (int s = 0; s < 6; s++) {
		assert_int_equal(cap_sample_begin(w, h.start_us + (uint64_t)s * 1000000, 1000000 + (uint64_t)s * 1000000), 0);
		cap_group_begin(w, "meminfo", NULL);
		cap_group_value(w, "MemTotal", 650000);
		cap_group_value(w, "MemFree", 300000 - (uint64_t)s * 1000);
		cap_group_end(w);
		assert_int_equal(cap_sample_end(w, 100), 0);
		if (s % 2 == 1)
			assert_int_equal(cap_flush(w), 0);
	}
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);

	/* frame 2: inflate, put the unknown records right after its header */
	size_t f1 = ZSTD_findFrameCompressedSize(m.p, m.len);
	assert_false(ZSTD_isError(f1));
	size_t f2 = ZSTD_findFrameCompressedSize(m.p + f1, m.len - f1);
	assert_false(ZSTD_isError(f2));
	size_t cap = 1 << 20, rl;
	uint8_t *raw = malloc(cap + 16);
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	ZSTD_inBuffer in = { m.p + f1, f2, 0 };
	ZSTD_outBuffer ob = { raw, cap, 0 };
	while (in.pos < in.size)
		assert_false(ZSTD_isError(ZSTD_decompressStream(dc, &ob, &in)));
	ZSTD_freeDCtx(dc);
	rl = ob.pos;
	uint64_t ty = 0, ln = 0;
	size_t k = cap_get_varint(raw, rl, &ty);
	assert_int_equal(ty, CAP_HEADER);
	k += cap_get_varint(raw + k, rl - k, &ln);
	size_t after = k + (size_t)ln;
	const uint8_t ins[] = { 77, 3, 'a', 'b', 'c', 0xc8, 0x01, 0 };
	memmove(raw + after + sizeof ins, raw + after, rl - after);
	memcpy(raw + after, ins, sizeof ins);
	rl += sizeof ins;
	size_t zc = ZSTD_compressBound(rl);
	uint8_t *z = malloc(zc);
	size_t zl = ZSTD_compress(z, zc, raw, rl, 3);
	assert_false(ZSTD_isError(zl));
	struct membuf out = { 0 };
	append(&out, m.p, f1);
	append(&out, z, zl);
	append(&out, m.p + f1 + f2, m.len - f1 - f2);

	char tmpl[] = "/tmp/robust-newer.XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out.p, out.len), (ssize_t)out.len);
	close(fd);

	char buf[16384], args[600];
	snprintf(args, sizeof args, "info %s", tmpl);
	assert_int_equal(analyze(args, buf, sizeof buf), 0);
	assert_non_null(strstr(buf, "samples       6"));
	assert_non_null(strstr(buf, "2 record(s) of a newer format version were skipped (record types 77, 200)"));
	snprintf(args, sizeof args, "--json %s", tmpl);
	assert_int_equal(analyze(args, buf, sizeof buf), 0);
	assert_non_null(strstr(buf, "record types 77, 200"));
	/* the dump keeps them, and reads back to the same warning */
	char jl[64];
	snprintf(jl, sizeof jl, "%s.jsonl", tmpl);
	snprintf(args, sizeof args, "dump %s > %s", tmpl, jl);
	assert_int_equal(analyze(args, buf, sizeof buf), 0);
	snprintf(args, sizeof args, "info %s", jl);
	assert_int_equal(analyze(args, buf, sizeof buf), 0);
	assert_non_null(strstr(buf, "(record types 77, 200)"));
	unlink(jl);
	unlink(tmpl);
	free(raw);
	free(z);
	free(m.p);
	free(out.p);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* What fuzz/fuzz_jsonl.c does with one input. */
static void jsonl_pipeline(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	FILE *null = fopen("/dev/null", "w");
	struct jl_reader *r = jl_open(f);
	struct model *mo = model_new();
	struct cap_rec rec;
	while (jl_next(r, &rec) == 1) {
		jsonl_write(null, &rec);
		if (model_feed(mo, &rec))
			break;
	}
	model_finish(mo);
	if (mo->have_hdr && mo->nsamples > 0) {
		windows_signal(mo);
		struct report rep;
		struct win_opts wo = { NAN, NAN, NAN, NAN, NAN, NAN };
		report_build(&rep, mo, NULL, &wo);
		render_text(null, &rep, true);
		render_json(null, &rep);
		render_text_width(null, &rep, false, 80);
		render_html(null, &rep);
		render_info_text(null, mo, path);
		report_free(&rep);
	}
	model_free(mo);
	jl_close(r);
	fclose(null);
	fclose(f);
}


/* What fuzz/fuzz_proc.c does with one input (exact-size buffer, no NUL). */
static void proc_parsers(const char *path)
{
	size_t n;
	uint8_t *d = slurp(path, &n);
	char *b = malloc(n ? n : 1);
	memcpy(b, d, n);
	struct sink s = { nop_begin, nop_value, nop_end, nop_task, NULL };
	struct health h = { 0 };
	uint64_t some10;
	parse_stat(b, n, &s, &h);
	parse_loadavg(b, n, &s);
	parse_keyvals(b, n, &s, "events.");
	parse_diskstats(b, n, &s);
	parse_psi(b, n, &s, "psi_", &some10);
	struct task_stat ts;
	parse_task_stat(b, n, &ts);
	struct task_io io;
	parse_task_io(b, n, &io);
	char out[256];
	for (int v = 0; v <= 2; v++)
		parse_pid_cgroup(b, n, v, out, sizeof out);
	parse_mountinfo_memcg(b, n, out, sizeof out);
	struct kmsg_rec k;
	parse_kmsg(b, n, &k);
	free(b);
	free(d);
}

static void test_fuzz_regressions(void **state)
{
	(void)state;
	char dir[512];
	const char *base = getenv("TEST_DATA") ? getenv("TEST_DATA") : "tests/data";
	snprintf(dir, sizeof dir, "%s/fuzz-regress", base);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t l = strlen(e->d_name);
		if (l > 6 && !strcmp(e->d_name + l - 6, ".jsonl")) {
			jsonl_pipeline(path);
			n++;
		} else if (l > 5 && !strcmp(e->d_name + l - 5, ".proc")) {
			proc_parsers(path);
			n++;
		}
	}
	closedir(d);
	print_message("%d fuzz regression input(s) read\n", n);
}

int main(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/robust.XXXXXX");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_newer_format_records_named),
		cmocka_unit_test(test_fuzz_regressions),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_rmtree(tmp);
	return rc;
}
