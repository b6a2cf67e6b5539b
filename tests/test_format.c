/* test_format.c - the capture format: round trips, damage, compatibility. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>
#include <zstd.h>

#include "cap.h"
#include "codec.h"
#include "xxh32.h"

#define GOLDEN_V2_BYTES 1086

#include "membuf.h"

/* What `zstd -dc` does: inflate every frame in turn; NULL if zstd refuses. */
static uint8_t *inflate_all(const uint8_t *src, size_t len, size_t *outlen)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	size_t cap = 1 << 20;
	uint8_t *out = malloc(cap);
	ZSTD_inBuffer in = { src, len, 0 };
	ZSTD_outBuffer ob = { out, cap, 0 };
	size_t rc = 1;
	while (in.pos < in.size) {
		rc = ZSTD_decompressStream(dc, &ob, &in);
		if (ZSTD_isError(rc) || ob.pos == ob.size) {
			free(out);
			out = NULL;
			break;
		}
	}
	ZSTD_freeDCtx(dc);
	if (out && rc != 0) { /* input ended inside a frame */
		free(out);
		out = NULL;
	}
	*outlen = ob.pos;
	return out;
}

static struct cap_header test_header(void)
{
	struct cap_header h = { 0 };
	snprintf(h.writer, sizeof h.writer, "test 1");
	snprintf(h.host, sizeof h.host, "OpenWrt");
	snprintf(h.kernel, sizeof h.kernel, "4.9.37");
	snprintf(h.machine, sizeof h.machine, "armv7l");
	snprintf(h.options, sizeof h.options, "-i 1");
	h.page_size = 4096;
	h.user_hz = 100;
	h.ncpu = 2;
	h.boot_time_us = 1647500000000000ull;
	h.start_us = 1647534480000000ull;
	h.interval_us = 1000000;
	h.capture_id = 0x1234abcd5678ef90ull;
	return h;
}

/* A small synthetic series: every sample has meminfo/vmstat groups, two or
 * three tasks (one appears at sample 3, one exits at sample 6), a kmsg line
 * every 4th sample.  Flushes every 3 samples, so it spans several frames. */
#define NSAMPLES 10

static uint64_t memfree_at(int s) { return 500000 - (uint64_t)s * 12345; }
static uint64_t rss_at(int s) { return 600 + (uint64_t)s * s * 100; }

/* The series with v2 flush points: cap_flush_point() after every
 * point_every-th sample (0: none), the byte count reached after each sample
 * in written[] (if not NULL), and the writer limits in lim (NULL: defaults). */
static struct membuf make_series_v2(int flush_every, int point_every, const struct cap_writer_limits *lim,
				    size_t *written);

static struct membuf make_series(int flush_every)
{
	return make_series_v2(flush_every, 0, NULL, NULL);
}

static struct membuf make_series_v2(int flush_every, int point_every, const struct cap_writer_limits *lim,
				    size_t *written)
{
	struct membuf m = { 0 };
	struct cap_header h = test_header();
	struct cap_writer *w = cap_writer_new(&h, lim, mem_write, &m);
	assert_non_null(w);
	for (int s = 0; s < NSAMPLES; s++) {
		assert_int_equal(cap_sample_begin(w, h.start_us + (uint64_t)s * 1000000, 5000000 + (uint64_t)s * 1000003), 0);
		cap_group_begin(w, "meminfo", NULL);
		cap_group_value(w, "MemTotal", 650000);
		cap_group_value(w, "MemFree", memfree_at(s));
		cap_group_value(w, "Cached", s == 5 ? 0 : UINT64_MAX - 3); /* wraps both ways */
		cap_group_end(w);
		cap_group_begin(w, "disk", "mmcblk0");
		cap_group_value(w, "rd_ios", 1000 + (uint64_t)s * 7);
		cap_group_end(w);
		struct cap_task_in t = { .tid = 493, .comm = "logd", .wchan = s % 2 ? "filemap_fault" : NULL };
		t.v[CAP_TF_TGID] = 493;
		t.v[CAP_TF_STATE] = s % 2 ? 'D' : 'S';
		t.v[CAP_TF_RSS] = rss_at(s);
		t.v[CAP_TF_START] = 1234;
		t.v[CAP_TF_RCHAR] = CAP_NA;
		assert_int_equal(cap_task(w, &t), 0);
		struct cap_task_in k = { .tid = 30, .comm = "kswapd0" };
		k.v[CAP_TF_TGID] = 30;
		k.v[CAP_TF_STATE] = 'R';
		k.v[CAP_TF_STIME] = (uint64_t)s * 60;
		k.v[CAP_TF_FLAGS] = 0x00200040;
		cap_task(w, &k);
		if (s >= 3 && s < 6) {
			struct cap_task_in a = { .tid = 2469, .comm = "a) R (b <x>" };
			a.v[CAP_TF_TGID] = 2469;
			a.v[CAP_TF_STATE] = 'D';
			a.v[CAP_TF_MAJFLT] = (uint64_t)s * 1000;
			cap_task(w, &a);
		}
		if (s % 4 == 0) {
			char line[64];
			int n = snprintf(line, sizeof line, "sysrq: Show Blocked State %d", s);
			cap_text(w, CAP_TXT_KMSG, 100000000 + (uint64_t)s, (uint64_t)s, 6, s == 4 ? 1 : 0, line, (size_t)n);
		}
		assert_int_equal(cap_sample_end(w, 1500 + (uint64_t)s), 0);
		if (flush_every && (s + 1) % flush_every == 0)
			assert_int_equal(cap_flush(w), 0);
		if (point_every && (s + 1) % point_every == 0)
			assert_true(cap_flush_point(w) >= 0);
		if (written)
			written[s] = m.len;
	}
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);
	return m;
}

struct tally {
	int frames, headers, samples, sample_ends, groups, tasks, exits, texts, ends, damage, unknown;
	uint64_t last_seq;
	int first_sample; /* index of the first sample seen */
	bool values_ok;
};

static void check_series(const void *buf, size_t len, struct tally *t)
{
	memset(t, 0, sizeof *t);
	t->values_ok = true;
	t->first_sample = -1;
	struct cap_reader *r = cap_reader_mem(buf, len);
	struct cap_rec rec;
	int s = -1;
	while (cap_next(r, &rec)) {
		switch (rec.type) {
		case CAP_EV_FRAME: t->frames++; break;
		case CAP_HEADER:
			t->headers++;
			assert_string_equal(rec.u.header->host, "OpenWrt");
			assert_string_equal(rec.u.header->machine, "armv7l");
			assert_int_equal(rec.u.header->user_hz, 100);
			assert_int_equal(rec.u.header->capture_id, 0x1234abcd5678ef90ull);
			break;
		case CAP_SAMPLE:
			t->samples++;
			s = (int)rec.u.sample.seq - 1;
			if (t->first_sample < 0)
				t->first_sample = s;
			if (rec.u.sample.wall_us != 1647534480000000ull + (uint64_t)s * 1000000)
				t->values_ok = false;
			if (rec.u.sample.mono_us != 5000000 + (uint64_t)s * 1000003)
				t->values_ok = false;
			break;
		case CAP_GROUP:
			t->groups++;
			if (!strcmp(rec.u.group.source, "meminfo")) {
				if (rec.u.group.n != 3 || strcmp(rec.u.group.names[1], "MemFree") ||
				    rec.u.group.values[1] != memfree_at(s) ||
				    rec.u.group.values[2] != (s == 5 ? 0 : UINT64_MAX - 3))
					t->values_ok = false;
			} else if (strcmp(rec.u.group.instance, "mmcblk0") || rec.u.group.values[0] != 1000 + (uint64_t)s * 7) {
				t->values_ok = false;
			}
			break;
		case CAP_TASK:
			t->tasks++;
			if (rec.u.task.tid == 493) {
				if (rec.u.task.v[CAP_TF_RSS] != rss_at(s) || strcmp(rec.u.task.comm, "logd") ||
				    strcmp(rec.u.task.wchan, s % 2 ? "filemap_fault" : "") ||
				    rec.u.task.v[CAP_TF_RCHAR] != CAP_NA)
					t->values_ok = false;
			} else if (rec.u.task.tid == 2469) {
				if (strcmp(rec.u.task.comm, "a) R (b <x>") || rec.u.task.v[CAP_TF_MAJFLT] != (uint64_t)s * 1000)
					t->values_ok = false;
			}
			break;
		case CAP_TASK_EXIT:
			t->exits++;
			if (rec.u.exit.tid != 2469)
				t->values_ok = false;
			break;
		case CAP_SAMPLE_END:
			t->sample_ends++;
			if (rec.u.sample_end.took_us != 1500 + (uint64_t)s)
				t->values_ok = false;
			break;
		case CAP_TEXT:
			t->texts++;
			if (rec.u.text.ts_us != 100000000 + (uint64_t)s || rec.u.text.len < 25 ||
			    memcmp(rec.u.text.text, "sysrq: Show Blocked State", 25))
				t->values_ok = false;
			break;
		case CAP_END: t->ends++; break;
		case CAP_EV_DAMAGE: t->damage++; break;
		case CAP_EV_UNKNOWN: t->unknown++; break;
		default: break;
		}
	}
	cap_reader_free(r);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct membuf m = make_series(3);
	struct tally t;
	check_series(m.p, m.len, &t);
	assert_true(t.values_ok);
	assert_int_equal(t.frames, 4); /* 3+3+3+1 samples */
	assert_int_equal(t.headers, 4);
	assert_int_equal(t.samples, NSAMPLES);
	assert_int_equal(t.sample_ends, NSAMPLES);
	assert_int_equal(t.groups, 2 * NSAMPLES);
	assert_int_equal(t.exits, 1);
	assert_int_equal(t.texts, 3);
	assert_int_equal(t.ends, 1);
	assert_int_equal(t.damage, 0);
	assert_true(cap_looks_like_capture(m.p, m.len));
	assert_false(cap_looks_like_capture("{\"type\":1}", 10));
	free(m.p);
}

/* Unchanged tasks are not stored again: with one frame, kswapd0 (changes
 * every sample) appears 10 times, logd 10 times, and the renamed task only
 * when it changes. */
static void test_unchanged_tasks_elided(void **state)
{
	(void)state;
	struct membuf m = make_series(0);
	struct tally t;
	check_series(m.p, m.len, &t);
	assert_true(t.values_ok);
	assert_int_equal(t.frames, 1);
	assert_int_equal(t.tasks, 10 + 10 + 3);
	free(m.p);
}

/* zstd itself accepts the file, and cat a b reads as both. */
static void test_stock_zstd_and_concat(void **state)
{
	(void)state;
	struct membuf m = make_series(3);
	size_t rawlen;
	uint8_t *raw = inflate_all(m.p, m.len, &rawlen);
	assert_non_null(raw);
	assert_true(rawlen > 1000);
	free(raw);
	uint8_t *cat = malloc(m.len * 2);
	memcpy(cat, m.p, m.len);
	memcpy(cat + m.len, m.p, m.len);
	struct tally t;
	check_series(cat, m.len * 2, &t);
	assert_int_equal(t.samples, 2 * NSAMPLES);
	assert_int_equal(t.ends, 2);
	assert_int_equal(t.damage, 0);
	assert_true(t.values_ok);
	free(cat);
	free(m.p);
}

/* Every cut reads up to the last complete frame and reports the rest. */
static void test_every_truncation(void **state)
{
	(void)state;
	struct membuf m = make_series(3);
	/* frame boundaries: find them with zstd */
	size_t ends[16], nf = 0;
	for (size_t off = 0; off < m.len && nf < 16;) {
		size_t cs = ZSTD_findFrameCompressedSize(m.p + off, m.len - off);
		assert_false(ZSTD_isError(cs));
		off += cs;
		ends[nf++] = off;
	}
	assert_int_equal(nf, 4);
	for (size_t cut = 0; cut <= m.len; cut++) {
		uint8_t *b = malloc(cut ? cut : 1);
		memcpy(b, m.p, cut);
		struct tally t;
		check_series(b, cut, &t);
		size_t whole = 0;
		while (whole < nf && ends[whole] <= cut)
			whole++;
		assert_int_equal(t.frames, (int)whole);
		int expect = whole == nf ? NSAMPLES : (int)whole * 3;
		assert_int_equal(t.samples, expect);
		assert_true(t.values_ok);
		bool at_boundary = cut == 0 || (whole && ends[whole - 1] == cut);
		assert_int_equal(t.damage, at_boundary ? 0 : 1);
		free(b);
	}
	free(m.p);
}

/* Random bit flips: no crash; damage is reported; frames after it read. */
static void test_bit_flips(void **state)
{
	(void)state;
	struct membuf m = make_series(3);
	size_t first_end = ZSTD_findFrameCompressedSize(m.p, m.len);
	srand(12345);
	int later_read = 0, caught = 0;
	for (int trial = 0; trial < 2000; trial++) {
		uint8_t *b = malloc(m.len);
		memcpy(b, m.p, m.len);
		size_t at = (size_t)rand() % first_end; /* damage in the first frame */
		b[at] ^= (uint8_t)(1u << (rand() % 8));
		struct tally t;
		check_series(b, m.len, &t);
		/* either the flip is caught (checksum, structure) or it hit a bit
		 * that does not change the data (e.g. the window size) */
		assert_true(t.damage >= 1 || t.samples == NSAMPLES);
		if (t.damage)
			caught++;
		assert_true(t.values_ok);
		if (t.samples >= NSAMPLES - 3)
			later_read++;
		free(b);
	}
	/* frames 2..4 survive every flip confined to frame 1 */
	assert_int_equal(later_read, 2000);
	assert_true(caught > 1900);
	free(m.p);
}

/* A newer writer's record type is skipped; what follows still reads. */
static void test_unknown_record_skipped(void **state)
{
	(void)state;
	struct membuf m = make_series(0);
	size_t rl;
	uint8_t *raw = inflate_all(m.p, m.len, &rl);
	assert_non_null(raw);
	raw = realloc(raw, rl + 64);
	/* insert record type 77 with a 5-byte body right after the header */
	uint64_t ty = 0, ln = 0;
	size_t k = cap_get_varint(raw, rl, &ty);
	k += cap_get_varint(raw + k, rl - k, &ln);
	size_t after = k + (size_t)ln;
	uint8_t ins[] = { 77, 5, 1, 2, 3, 4, 5 };
	memmove(raw + after + sizeof ins, raw + after, rl - after);
	memcpy(raw + after, ins, sizeof ins);
	rl += sizeof ins;
	size_t zc = ZSTD_compressBound(rl);
	uint8_t *z = malloc(zc);
	size_t zl = ZSTD_compress(z, zc, raw, rl, 3);
	assert_false(ZSTD_isError(zl));
	struct tally t;
	check_series(z, zl, &t);
	assert_int_equal(t.unknown, 1);
	assert_int_equal(t.samples, NSAMPLES);
	assert_int_equal(t.damage, 0);
	assert_true(t.values_ok);
	free(raw); free(z); free(m.p);
}

/* Garbage in front of and between frames. */
static void test_garbage_between(void **state)
{
	(void)state;
	struct membuf m = make_series(3);
	size_t f1 = ZSTD_findFrameCompressedSize(m.p, m.len);
	size_t n = m.len + 200;
	uint8_t *b = malloc(n);
	memset(b, 'x', 100);
	memcpy(b + 100, m.p, f1);
	memset(b + 100 + f1, 0xfd, 100);
	memcpy(b + 200 + f1, m.p + f1, m.len - f1);
	struct tally t;
	check_series(b, n, &t);
	assert_int_equal(t.damage, 2);
	assert_int_equal(t.samples, NSAMPLES);
	assert_true(t.values_ok);
	free(b); free(m.p);
}

/* tests/data/golden-v1.zst was written once by this series (GOLDEN_WRITE=1)
 * and is never regenerated: it pins byte order and layout for every later
 * version of the reader. */
static void test_golden_file(void **state)
{
	(void)state;
	char path[512];
	const char *dir = getenv("TEST_DATA") ? getenv("TEST_DATA") : "tests/data";
	snprintf(path, sizeof path, "%s/golden-v1.zst", dir);
	if (getenv("GOLDEN_WRITE")) {
		struct membuf m = make_series(3);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(m.p, 1, m.len, f);
		fclose(f);
		free(m.p);
	}
	char err[256];
	struct cap_reader *r = cap_reader_open(path, err, sizeof err);
	assert_non_null(r);
	size_t len = (size_t)cap_reader_size(r);
	assert_int_equal(len, 1402);
	cap_reader_free(r);
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(len);
	assert_int_equal(fread(b, 1, len, f), len);
	fclose(f);
	struct tally t;
	check_series(b, len, &t);
	assert_true(t.values_ok);
	assert_int_equal(t.frames, 4);
	assert_int_equal(t.samples, NSAMPLES);
	assert_int_equal(t.tasks, 23);
	assert_int_equal(t.exits, 1);
	assert_int_equal(t.texts, 3);
	assert_int_equal(t.damage, 0);
	free(b);
}

/* Inputs the fuzzer once crashed the reader with: each must now read to
 * its end with damage reported (run under the sanitizers in CI). */
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
		if (e->d_name[0] == '.' || !strstr(e->d_name, ".zst"))
			continue;
		char path[1024], err[256];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct cap_reader *r = cap_reader_open(path, err, sizeof err);
		assert_non_null(r);
		struct cap_rec rec;
		size_t chars = 0, damage = 0;
		while (cap_next(r, &rec)) {
			if (rec.type == CAP_GROUP)
				for (size_t i = 0; i < rec.u.group.n; i++)
					chars += strlen(rec.u.group.names[i]); /* every name readable */
			damage += rec.type == CAP_EV_DAMAGE;
		}
		cap_reader_free(r);
		/* the crash inputs are fuzzer-mangled: each must show damage */
		assert_true(damage > 0 || chars > 0);
		n++;
	}
	closedir(d);
	assert_true(n >= 1);
}

/* A group larger than a record keeps what fits, says so in a note, and
 * the file stays readable. */
static void test_oversized_group(void **state)
{
	(void)state;
	struct membuf m = { 0 };
	struct cap_header h = test_header();
	struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, &m);
	cap_sample_begin(w, 1, 1);
	cap_group_begin(w, "huge", NULL);
	char name[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof name, "key_%d", i);
		cap_group_value(w, name, (uint64_t)i << 40);
	}
	cap_group_end(w);
	cap_sample_end(w, 0);
	cap_writer_close(w);
	cap_writer_free(w);
	struct cap_reader *r = cap_reader_mem(m.p, m.len);
	struct cap_rec rec;
	size_t n = 0;
	int notes = 0, damage = 0;
	while (cap_next(r, &rec)) {
		if (rec.type == CAP_GROUP) {
			n = rec.u.group.n;
			assert_string_equal(rec.u.group.names[5], "key_5");
			assert_true(rec.u.group.values[5] == 5ull << 40);
		}
		notes += rec.type == CAP_TEXT && rec.u.text.kind == CAP_TXT_NOTE;
		damage += rec.type == CAP_EV_DAMAGE;
	}
	cap_reader_free(r);
	assert_true(n > 500 && n < 3000);
	assert_int_equal(notes, 1);
	assert_int_equal(damage, 0);
	free(m.p);
}

/* A tid that exits and comes back within a frame (pid reuse) is read
 * with its new values, not the old task's plus the new ones, and gets a
 * slot of its own; a task keeps its slot while it lives in the frame, and
 * tids past what a kernel hands out work the same way. */
static void test_tid_reuse_in_frame(void **state)
{
	(void)state;
	static const uint32_t tids[] = { 5, 4000000, 4194304, 4294967295u };
	for (size_t k = 0; k < sizeof tids / sizeof *tids; k++) {
		struct membuf m = { 0 };
		struct cap_header h = test_header();
		struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, &m);
		struct cap_task_in t = { .tid = tids[k], .comm = "first" }, other = { .tid = 77, .comm = "other" };
		for (int s = 0; s < 5; s++) {
			cap_sample_begin(w, 1000000ull * (s + 1), 1000000ull * (s + 1));
			other.v[CAP_TF_UTIME] = (uint64_t)s;
			cap_task(w, &other);
			if (s == 1) { /* the same tid, another start: exit, then a new task */
				t.comm = "second";
				t.v[CAP_TF_UTIME] = 8;
				t.v[CAP_TF_START] = 3;
			} else if (s == 3) { /* back after a sample away */
				t.comm = "third";
				t.v[CAP_TF_UTIME] = 10;
				t.v[CAP_TF_START] = 5;
			} else {
				t.v[CAP_TF_UTIME] = s ? 100 + (uint64_t)s : 100;
				t.v[CAP_TF_START] = s ? t.v[CAP_TF_START] : 1;
			}
			if (s != 2)
				cap_task(w, &t);
			cap_sample_end(w, 1);
		}
		cap_writer_close(w);
		cap_writer_free(w);
		struct cap_reader *r = cap_reader_mem(m.p, m.len);
		struct cap_rec rec;
		uint64_t utime[5] = { 0 }, start[5] = { 0 };
		uint32_t slot[5] = { 0 }, other_slot = 0, exit_slot[2] = { 0 };
		char comm[5][16] = { "" };
		int s = -1, exits = 0;
		while (cap_next(r, &rec)) {
			if (rec.type == CAP_SAMPLE)
				s++;
			if (rec.type == CAP_TASK && rec.u.task.tid == 77) {
				assert_true(!other_slot || other_slot == rec.u.task.slot);
				other_slot = rec.u.task.slot;
			}
			if (rec.type == CAP_TASK && rec.u.task.tid == tids[k] && s >= 0 && s < 5) {
				utime[s] = rec.u.task.v[CAP_TF_UTIME];
				start[s] = rec.u.task.v[CAP_TF_START];
				slot[s] = rec.u.task.slot;
				snprintf(comm[s], sizeof comm[s], "%s", rec.u.task.comm);
			}
			if (rec.type == CAP_TASK_EXIT && rec.u.exit.tid == tids[k] && exits < 2)
				exit_slot[exits++] = rec.u.exit.slot;
		}
		cap_reader_free(r);
		free(m.p);
		assert_int_equal(exits, 2);
		assert_true(utime[0] == 100 && start[0] == 1);
		assert_true(utime[1] == 8 && start[1] == 3);
		assert_string_equal(comm[1], "second");
		assert_true(utime[3] == 10 && start[3] == 5);
		assert_string_equal(comm[3], "third");
		assert_true(utime[4] == 104 && start[4] == 5);
		assert_string_equal(comm[4], "third");
		/* slots: 77 came first; each life of the tid has its own */
		assert_int_equal(other_slot, 1);
		assert_int_equal(slot[0], 2);
		assert_int_equal(exit_slot[0], 2);
		assert_int_equal(slot[1], 3);
		assert_int_equal(exit_slot[1], 3);
		assert_int_equal(slot[3], 4);
		assert_int_equal(slot[4], 4);
	}
}

static void test_varint_edges(void **state)
{
	(void)state;
	uint64_t vals[] = { 0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX - 1, UINT64_MAX };
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		uint8_t b[CAP_VARINT_MAX];
		size_t n = cap_put_varint(b, vals[i]);
		uint64_t out;
		assert_int_equal(cap_get_varint(b, n, &out), n);
		assert_true(out == vals[i]);
		assert_int_equal(cap_get_varint(b, n - 1, &out), 0); /* cut: refused */
		assert_true(cap_unzigzag(cap_zigzag(vals[i])) == vals[i]);
	}
	assert_int_equal(cap_zigzag((uint64_t)-1), 1);
	assert_int_equal(cap_zigzag(1), 2);
}

/* ---- version 2: long frames, flush points, checkpoints */

/* One long frame with a flush point after every sample: a cut at any byte
 * reads exactly the samples whose flush point is wholly in the file, with
 * the values pinned, and reports the rest once. */
static void test_v2_cut_reads_to_last_checkpoint(void **state)
{
	(void)state;
	size_t written[NSAMPLES];
	struct membuf m = make_series_v2(0, 1, NULL, written);
	assert_int_equal(ZSTD_findFrameCompressedSize(m.p, m.len), m.len); /* one frame */
	struct tally t;
	check_series(m.p, m.len, &t);
	assert_true(t.values_ok);
	assert_int_equal(t.samples, NSAMPLES);
	assert_int_equal(t.damage, 0);
	assert_int_equal(t.unknown, 0); /* checkpoints are the reader's business */
	for (size_t cut = 0; cut < m.len; cut++) {
		int expect = 0;
		while (expect < NSAMPLES && written[expect] <= cut)
			expect++;
		check_series(m.p, cut, &t);
		assert_int_equal(t.samples, expect);
		assert_int_equal(t.sample_ends, expect);
		assert_int_equal(t.frames, expect ? 1 : 0);
		assert_int_equal(t.damage, cut ? 1 : 0);
		assert_true(t.values_ok);
	}
	free(m.p);
}

/* Bytes that inflate without a zstd error but differ from what was written
 * (no frame checksum yet: the frame is cut) are caught by the checkpoint:
 * the segment before it is read, nothing of it or after. */
static void test_v2_checkpoint_checksum(void **state)
{
	(void)state;
	struct membuf m = make_series_v2(0, 1, NULL, NULL);
	size_t rl;
	uint8_t *raw = inflate_all(m.p, m.len, &rl);
	assert_non_null(raw);
	/* find the record ends of the first three checkpoints */
	size_t cp[3], ncp = 0, pos = 0, end1 = 0;
	while (pos < rl && ncp < 3) {
		uint64_t ty = 0, ln = 0;
		size_t k = cap_get_varint(raw + pos, rl - pos, &ty);
		k += cap_get_varint(raw + pos + k, rl - pos - k, &ln);
		if (ty == CAP_SAMPLE_END && !end1)
			end1 = pos; /* the first sample's end record */
		pos += k + (size_t)ln;
		if (ty == CAP_CHECKPOINT)
			cp[ncp++] = pos;
	}
	assert_int_equal(ncp, 3);
	assert_true(end1 < cp[0]);
	for (int tamper = 0; tamper < 2; tamper++) {
		uint8_t *b = malloc(rl);
		memcpy(b, raw, rl);
		/* a took_us in segment 2 (the second sample's SAMPLE_END), or none */
		size_t at = cp[0];
		while (tamper) {
			uint64_t ty = 0, ln = 0;
			size_t k = cap_get_varint(b + at, rl - at, &ty);
			k += cap_get_varint(b + at + k, rl - at - k, &ln);
			if (ty == CAP_SAMPLE_END) {
				b[at + k] ^= 0x01;
				break;
			}
			at += k + (size_t)ln;
		}
		ZSTD_CCtx *zc = ZSTD_createCCtx();
		size_t zcap = ZSTD_compressBound(rl) + 1024, zl = 0;
		uint8_t *z = malloc(zcap);
		size_t from = 0;
		for (size_t i = 0; i < 3; i++) {
			ZSTD_inBuffer in = { b + from, cp[i] - from, 0 };
			ZSTD_outBuffer out = { z, zcap, zl };
			while (ZSTD_compressStream2(zc, &out, &in, ZSTD_e_flush))
				;
			zl = out.pos;
			from = cp[i];
		}
		struct tally t;
		check_series(z, zl, &t); /* cut after the third flush point */
		assert_int_equal(t.samples, tamper ? 1 : 3);
		assert_int_equal(t.damage, 1);
		assert_true(t.values_ok);
		ZSTD_freeCCtx(zc);
		free(z);
		free(b);
	}
	free(raw);
	free(m.p);
}

/* The frame length is a writer limit: frame_us 1 ends a frame at every
 * flush point (a ring keeps such frames), 3 s one every third sample (the
 * span counts the last sample's interval). */
static void test_v2_frame_length_limit(void **state)
{
	(void)state;
	struct cap_writer_limits lim = { .frame_us = 1 };
	struct membuf m = make_series_v2(0, 1, &lim, NULL);
	struct tally t;
	check_series(m.p, m.len, &t);
	assert_int_equal(t.frames, NSAMPLES + 1); /* the END after the last flush gets its own */
	assert_int_equal(t.samples, NSAMPLES);
	assert_true(t.values_ok);
	free(m.p);
	lim.frame_us = 3000000; /* samples are 1.000003 s apart */
	m = make_series_v2(0, 1, &lim, NULL);
	check_series(m.p, m.len, &t);
	assert_int_equal(t.frames, 4); /* samples 0-2, 3-5, 6-8, 9 and END */
	assert_int_equal(t.samples, NSAMPLES);
	assert_int_equal(t.damage, 0);
	assert_true(t.values_ok);
	free(m.p);
}

/* Damage costs at most its frame: bit flips anywhere in the first of two
 * long frames never cost a sample of the second, nor a wrong value. */
static void test_v2_damage_costs_one_frame(void **state)
{
	(void)state;
	struct membuf m = make_series_v2(5, 1, NULL, NULL);
	size_t first_end = ZSTD_findFrameCompressedSize(m.p, m.len);
	assert_true(first_end < m.len);
	srand(4242);
	int caught = 0;
	for (int trial = 0; trial < 1000; trial++) {
		uint8_t *b = malloc(m.len);
		memcpy(b, m.p, m.len);
		size_t at = (size_t)rand() % first_end;
		b[at] ^= (uint8_t)(1u << (rand() % 8));
		struct tally t;
		check_series(b, m.len, &t);
		assert_true(t.values_ok);
		assert_true(t.samples >= NSAMPLES - 5);
		assert_true(t.damage >= 1 || t.samples == NSAMPLES);
		caught += t.damage > 0;
		free(b);
	}
	assert_true(caught > 900);
	free(m.p);
}

/* zstd accepts a v2 file, and cat of a cut file and a whole one reads the
 * cut one to its last checkpoint and the other whole. */
static void test_v2_stock_zstd_and_concat(void **state)
{
	(void)state;
	size_t written[NSAMPLES];
	struct membuf m = make_series_v2(0, 1, NULL, written);
	size_t rl;
	uint8_t *raw = inflate_all(m.p, m.len, &rl);
	assert_non_null(raw);
	free(raw);
	size_t cut = written[6] + 3; /* inside the 8th sample's segment */
	uint8_t *cat = malloc(cut + m.len);
	memcpy(cat, m.p, cut);
	memcpy(cat + cut, m.p, m.len);
	struct tally t;
	check_series(cat, cut + m.len, &t);
	assert_int_equal(t.samples, 7 + NSAMPLES);
	assert_int_equal(t.damage, 1);
	assert_int_equal(t.ends, 1);
	assert_true(t.values_ok);
	free(cat);
	free(m.p);
}

/* tests/data/golden-v2.zst: the same series as golden-v1 written once by
 * the v2 writer (GOLDEN_V2_WRITE=1), flush points every sample, frames ended
 * every 5 samples (cap_flush): pinned like v1, so later readers keep reading v2. */
static void test_golden_v2_file(void **state)
{
	(void)state;
	char path[512];
	const char *dir = getenv("TEST_DATA") ? getenv("TEST_DATA") : "tests/data";
	snprintf(path, sizeof path, "%s/golden-v2.zst", dir);
	if (getenv("GOLDEN_V2_WRITE")) {
		struct membuf m = make_series_v2(5, 1, NULL, NULL);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(m.p, 1, m.len, f);
		fclose(f);
		free(m.p);
	}
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t b[4096];
	size_t len = fread(b, 1, sizeof b, f);
	fclose(f);
	assert_int_equal(len, GOLDEN_V2_BYTES);
	struct tally t;
	check_series(b, len, &t);
	assert_true(t.values_ok);
	assert_int_equal(t.frames, 3); /* 5 samples, 5 samples, END */
	assert_int_equal(t.samples, NSAMPLES);
	assert_int_equal(t.tasks, 10 + 10 + 3); /* every task changes in frame 2's first sample anyway */
	assert_int_equal(t.exits, 1);
	assert_int_equal(t.texts, 3);
	assert_int_equal(t.damage, 0);
	struct cap_reader *r = cap_reader_mem(b, len);
	struct cap_rec rec;
	while (cap_next(r, &rec))
		if (rec.type == CAP_HEADER)
			assert_int_equal(rec.u.header->format_version, 2);
	cap_reader_free(r);
	/* the XXH32 the checkpoints use, on the reference vectors */
	assert_int_equal(cap_xxh32("", 0), 0x02cc5d05);
	assert_int_equal(cap_xxh32("abc", 3), 0x32d153ff);
	assert_int_equal(cap_xxh32("Nobody inspects the spammish repetition", 39), 0xe2293b2f);
}

/* One line per record, what a caller can see of it: the task callback and
 * cap_next must tell the same story in the same order. */
static void log_rec(struct membuf *m, const struct cap_rec *rec)
{
	char line[512];
	int n;
	switch (rec->type) {
	case CAP_TASK: {
		uint64_t sum = 0;
		for (int f = 0; f < CAP_TF_COUNT; f++)
			sum = sum * 1000003 + rec->u.task.v[f];
		n = snprintf(line, sizeof line, "task %u slot %u new %d changed %llx sum %llx %s|%s|%s\n",
			     rec->u.task.tid, rec->u.task.slot, rec->u.task.is_new,
			     (unsigned long long)rec->u.task.changed, (unsigned long long)sum,
			     rec->u.task.comm, rec->u.task.wchan, rec->u.task.cgroup);
		break;
	}
	case CAP_EV_DAMAGE:
		n = snprintf(line, sizeof line, "damage %llu+%llu %s\n", (unsigned long long)rec->u.damage.offset,
			     (unsigned long long)rec->u.damage.length, rec->u.damage.what);
		break;
	case CAP_SAMPLE:
		n = snprintf(line, sizeof line, "sample %llu\n", (unsigned long long)rec->u.sample.seq);
		break;
	case CAP_TASK_EXIT:
		n = snprintf(line, sizeof line, "exit %u slot %u\n", rec->u.exit.tid, rec->u.exit.slot);
		break;
	default:
		n = snprintf(line, sizeof line, "%s at %llu\n", cap_type_name(rec->type),
			     (unsigned long long)rec->frame_offset);
	}
	mem_write(m, line, (size_t)n);
}

static void log_task(void *ctx, const struct cap_rec *rec)
{
	assert_int_equal(rec->type, CAP_TASK);
	log_rec(ctx, rec);
}

static struct membuf read_log_ahead(const uint8_t *b, size_t len, bool callback, bool ahead)
{
	struct membuf m = { 0 };
	struct cap_reader *r = cap_reader_mem(b, len);
	assert_non_null(r);
	cap_reader_ahead(r, ahead);
	if (callback)
		cap_reader_on_task(r, log_task, &m);
	struct cap_rec rec;
	while (cap_next(r, &rec)) {
		if (callback)
			assert_int_not_equal(rec.type, CAP_TASK);
		log_rec(&m, &rec);
	}
	cap_reader_free(r);
	mem_write(&m, "", 1);
	return m;
}

static struct membuf read_log(const uint8_t *b, size_t len, bool callback)
{
	return read_log_ahead(b, len, callback, false);
}

/* cap_reader_on_task and cap_reader_ahead: the same records, values and
 * damage as cap_next alone, whole and cut and bit-flipped, v1 and v2. */
static void test_task_callback_same_records(void **state)
{
	(void)state;
	struct membuf src[2] = { make_series(3), make_series_v2(5, 1, NULL, NULL) };
	srand(4242);
	for (int k = 0; k < 2; k++) {
		struct membuf whole = read_log(src[k].p, src[k].len, false);
		assert_non_null(strstr((char *)whole.p, "task 2469 slot"));
		int frames = 0; /* the worker has frames to decode ahead */
		for (const char *f = (char *)whole.p; (f = strstr(f, "frame at ")); f++)
			frames++;
		assert_true(frames >= 3);
		free(whole.p);
		for (int trial = 0; trial < 600; trial++) {
			size_t len = src[k].len;
			uint8_t *b = malloc(len);
			memcpy(b, src[k].p, len);
			if (trial < 200)
				len = (size_t)rand() % (len + 1); /* cut */
			else if (trial > 0)
				b[(size_t)rand() % len] ^= (uint8_t)(1u << (rand() % 8));
			struct membuf a = read_log(b, len, false), c = read_log(b, len, true);
			assert_string_equal((char *)a.p, (char *)c.p);
			free(c.p);
			/* and with the next frame decoded on a thread meanwhile */
			c = read_log_ahead(b, len, trial % 2, true);
			assert_string_equal((char *)a.p, (char *)c.p);
			free(a.p);
			free(c.p);
			free(b);
		}
		free(src[k].p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint_edges),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_unchanged_tasks_elided),
		cmocka_unit_test(test_stock_zstd_and_concat),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_unknown_record_skipped),
		cmocka_unit_test(test_garbage_between),
		cmocka_unit_test(test_golden_file),
		cmocka_unit_test(test_fuzz_regressions),
		cmocka_unit_test(test_oversized_group),
		cmocka_unit_test(test_tid_reuse_in_frame),
		cmocka_unit_test(test_v2_cut_reads_to_last_checkpoint),
		cmocka_unit_test(test_v2_checkpoint_checksum),
		cmocka_unit_test(test_v2_frame_length_limit),
		cmocka_unit_test(test_v2_damage_costs_one_frame),
		cmocka_unit_test(test_v2_stock_zstd_and_concat),
		cmocka_unit_test(test_golden_v2_file),
		cmocka_unit_test(test_task_callback_same_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
