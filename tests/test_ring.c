/* test_ring.c - capture --ring's ring in-process, on a simulated clock: the
 * format writer's real frames go through ring_write, and what a trigger
 * writes to FILE is read back with the format's reader.  So eviction
 * (the ring reaches back DURATION and at most one flush more), growth under
 * --ring-mem, the post window and the --max-size reserve are checked to the
 * sample, without sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "kmsg.h"
#include "ring.h"
#include "sysrq.h"

#define S 1000000ull

static char notes[64][400];
static int nnotes;

static void note(struct ctx *c, const char *msg)
{
	(void)c;
	if (nnotes < 64)
		snprintf(notes[nnotes++], sizeof notes[0], "%s", msg);
}

struct sim {
	struct ctx c;
	struct kmsg k;
	struct sysrq_cfg when;
	struct ring *g;
	uint64_t t, seq, lcg;
	int fat;            /* groups of random counters per sample */
	char path[256];
};

static void sim_open(struct sim *s, const struct ring_cfg *cfg)
{
	static const struct sysrq_cfg dflt = SYSRQ_DEFAULTS;
	memset(s, 0, sizeof *s);
	nnotes = 0;
	snprintf(s->path, sizeof s->path, "/tmp/test_ring.%d.zst", (int)getpid());
	unlink(s->path);
	s->when = dflt;
	s->g = ring_new(cfg, s->path);
	assert_non_null(s->g);
	struct cap_header h = { .interval_us = 100000 };
	snprintf(h.writer, sizeof h.writer, "test");
	s->c.w = cap_writer_new(&h, NULL, ring_write, s->g);
	assert_non_null(s->c.w);
	s->c.note = note;
	s->t = 1000 * S;
}

static void sim_close(struct sim *s)
{
	cap_writer_free(s->c.w);
	ring_free(s->g);
	unlink(s->path);
}

/* One sample at the simulated time, with a counter that differs each time
 * (so frames have real size); returns ring_step's answer. */
static int sim_sample(struct sim *s, bool usr1)
{
	struct cap_writer *w = s->c.w;
	assert_int_equal(cap_sample_begin(w, s->t, s->t), 0);
	assert_int_equal(cap_group_begin(w, "stat", NULL), 0);
	assert_int_equal(cap_group_value(w, "ctxt", s->seq * 7919u), 0);
	assert_int_equal(cap_group_value(w, "seq", s->seq++), 0);
	assert_int_equal(cap_group_end(w), 0);
	/* busy counters, ~1 KB a sample compressed, like a real box's */
	for (int g = 0; g < s->fat; g++) {
		char n[16];
		snprintf(n, sizeof n, "c%d", g);
		s->lcg = s->lcg * 6364136223846793005ull + 1442695040888963407ull;
		assert_int_equal(cap_group_begin(w, "fat", n), 0);
		assert_int_equal(cap_group_value(w, "v", s->lcg >> 20), 0);
		assert_int_equal(cap_group_end(w), 0);
	}
	assert_int_equal(ring_check(s->g, &s->c, &s->when, &s->k, usr1, false, s->t), 0);
	assert_int_equal(cap_sample_end(w, 10), 0);
	return ring_step(s->g, &s->c, s->t);
}

struct span { int samples, notes, ends, dropped; uint64_t first, last; char trig[200], drop[400]; };

static struct span read_back(const char *path)
{
	struct span sp = { 0 };
	char err[200];
	struct cap_reader *r = cap_reader_open(path, err, sizeof err);
	if (!r)
		return sp;
	struct cap_rec rec;
	while (cap_next(r, &rec) == 1) {
		if (rec.type == CAP_SAMPLE) {
			if (!sp.samples++)
				sp.first = rec.u.sample.mono_us;
			sp.last = rec.u.sample.mono_us;
		} else if (rec.type == CAP_END) {
			sp.ends++;
		} else if (rec.type == CAP_TEXT && rec.u.text.kind == CAP_TXT_NOTE) {
			sp.notes++;
			if (!strncmp(rec.u.text.text, "ring trigger", 12) && !sp.trig[0])
				snprintf(sp.trig, sizeof sp.trig, "%.*s", (int)rec.u.text.len, rec.u.text.text);
			if (!strncmp(rec.u.text.text, "ring: trigger dropped", 21)) {
				sp.dropped++;
				snprintf(sp.drop, sizeof sp.drop, "%.*s", (int)rec.u.text.len, rec.u.text.text);
			}
		}
	}
	cap_reader_free(r);
	return sp;
}

static off_t file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_size : -1;
}

static void test_durations(void **st)
{
	(void)st;
	uint64_t us;
	assert_int_equal(ring_parse_duration("30m", &us), 0);
	assert_int_equal(us, 1800 * S);
	assert_int_equal(ring_parse_duration("90s", &us), 0);
	assert_int_equal(us, 90 * S);
	assert_int_equal(ring_parse_duration("2h", &us), 0);
	assert_int_equal(us, 7200 * S);
	assert_int_equal(ring_parse_duration("45", &us), 0);
	assert_int_equal(us, 45 * S);
	assert_int_equal(ring_parse_duration("1.5m", &us), 0);
	assert_int_equal(us, 90 * S);
	assert_int_equal(ring_parse_duration("0.5s", &us), 0);
	assert_int_equal(us, S / 2);
	const char *bad[] = { "", "m", "0", "0m", "-3m", "3x", "3mm", "1e3", "99999999999999999h" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(ring_parse_duration(bad[i], &us), -1);
}

/* 60 s at 10 samples/s into a 3 s ring flushed every 0.5 s, then SIGUSR1:
 * FILE was empty, and gets 3.0-3.5 s of history before the trigger plus
 * the 1 s post window. */
static void test_eviction_and_window(void **st)
{
	(void)st;
	struct sim s;
	struct ring_cfg cfg = { .ring_us = 3 * S, .post_us = S, .mem_cap = 16u << 20, .flush_us = S / 2, .gap_us = S };
	sim_open(&s, &cfg);
	for (int i = 0; i < 600; i++, s.t += S / 10)
		assert_int_equal(sim_sample(&s, false), 0);
	assert_int_equal(file_size(s.path), 0);
	uint64_t trig = s.t;
	int closed = 0;
	for (int i = 0; i < 30 && !closed; i++, s.t += S / 10)
		closed = sim_sample(&s, i == 0);
	assert_int_equal(closed, 1);
	struct span sp = read_back(s.path);
	assert_string_equal(sp.trig, "ring trigger 1: SIGUSR1");
	/* the ring reaches back DURATION from the trigger, at most a flush more */
	assert_true(trig - sp.first >= 3 * S);
	assert_true(trig - sp.first <= 3 * S + S / 2);
	/* and the post window runs to a second after it */
	assert_true(sp.last >= trig + S);
	assert_true(sp.last <= trig + S + S / 10);
	assert_int_equal(sp.samples, (int)((sp.last - sp.first) / (S / 10)) + 1);
	/* back in the ring: nothing more is written */
	off_t sz = file_size(s.path);
	for (int i = 0; i < 50; i++, s.t += S / 10)
		assert_int_equal(sim_sample(&s, false), 0);
	assert_int_equal(file_size(s.path), sz);
	/* the next trigger writes its ring and post window after the first */
	uint64_t trig2 = s.t;
	for (int i = 0; i < 30; i++, s.t += S / 10)
		sim_sample(&s, i == 0);
	struct span sp2 = read_back(s.path);
	assert_int_equal(sp2.first, sp.first);
	assert_true(sp2.last >= trig2 + S);
	assert_true(sp2.samples >= sp.samples + 40);
	sim_close(&s);
}

/* --ring-mem smaller than DURATION needs: the ring keeps what fits and
 * says so; the arena never passes the cap. */
static void test_ring_mem_cap(void **st)
{
	(void)st;
	struct sim s;
	struct ring_cfg cfg = { .ring_us = 3600 * S, .post_us = S, .mem_cap = 256u << 10, .flush_us = S, .gap_us = 60 * S };
	sim_open(&s, &cfg);
	s.fat = 50;
	for (int i = 0; i < 20000; i++, s.t += S / 10)
		assert_int_equal(sim_sample(&s, false), 0);
	bool capped = false;
	for (int i = 0; i < nnotes; i++)
		capped |= strstr(notes[i], "--ring-mem 256 KiB holds only the last") != NULL;
	assert_true(capped);
	sim_sample(&s, true);
	struct span sp = read_back(s.path);
	assert_true(sp.samples > 100);
	assert_true(file_size(s.path) <= 256 << 10);
	sim_close(&s);
}

/* --max-size: FILE stays under it; dropped triggers are counted in notes
 * at 1, 2, 4, ... and a clean stop writes END. */
static void test_max_size_drops(void **st)
{
	(void)st;
	struct sim s;
	struct ring_cfg cfg = { .ring_us = 5 * S, .post_us = S, .mem_cap = 16u << 20, .max_size = 65536,
				.flush_us = S / 2, .gap_us = S };
	sim_open(&s, &cfg);
	s.fat = 50;
	for (int k = 0; k < 40; k++)
		for (int i = 0; i < 30; i++, s.t += S / 10)
			assert_true(sim_sample(&s, i == 0) >= 0);
	assert_int_equal(ring_close(s.g, &s.c), 0);
	assert_true(file_size(s.path) <= 65536);
	assert_true(file_size(s.path) > 65536 - 8192);
	struct span sp = read_back(s.path);
	assert_int_equal(sp.ends, 1);
	/* in the file: one note at 1, 2, 4, 8, 16, 32 drops and one at the stop */
	assert_true(sp.dropped >= 4);
	assert_non_null(strstr(sp.drop, "trigger(s) dropped by the cap so far (last: SIGUSR1)"));
	const char *n = strstr(sp.drop, "; ");
	assert_non_null(n);
	unsigned long total = strtoul(n + 2, NULL, 10);
	/* every trigger after the file filled up, and none before */
	assert_true(total >= 20 && total < 40);
	sim_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_eviction_and_window),
		cmocka_unit_test(test_ring_mem_cap),
		cmocka_unit_test(test_max_size_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
