/* kdump_test.h - what the kernel-dump tests share: reading a corpus file,
 * parsing a file or a string, asserting a dump, a task and its exact frames,
 * finding a stack group, and the runner of a corpus file's case. */
#ifndef TEST_KDUMP_TEST_H
#define TEST_KDUMP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kdump.h"
#include "stackgroup.h"

static inline char *read_data(const char *name, size_t *len)
{
	const char *dir = getenv("TEST_DATA");
	char path[1024];
	snprintf(path, sizeof path, "%s/dmesg/%s", dir && *dir ? dir : "tests/data", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		if (!got)
			break;
		n += got;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* The file's text fed after kd_set_trigger(trigger) (-1: no trigger). */
static inline struct kd_result *parse_file_after_trigger(const char *name, long trigger)
{
	size_t len;
	char *text = read_data(name, &len);
	struct kd_parser *p = kd_parser_new();
	assert_non_null(p);
	kd_set_trigger(p, trigger);
	kd_feed_text(p, text, len);
	free(text);
	return kd_finish(p);
}

static inline struct kd_result *parse_file(const char *name) { return parse_file_after_trigger(name, -1); }

static inline struct kd_result *parse_str(const char *text)
{
	struct kd_parser *p = kd_parser_new();
	kd_feed_text(p, text, strlen(text));
	return kd_finish(p);
}

static inline const struct kd_dump *dump(const struct kd_result *r, size_t i, enum kd_kind kind,
								  size_t ntasks)
{
	const struct kd_dump *d = kd_dump_at(r, i);
	assert_non_null(d);
	assert_int_equal(d->kind, kind);
	assert_int_equal(d->ntasks, ntasks);
	return d;
}

static inline void check_task(const struct kd_task *t, const char *comm, long pid, const char *state)
{
	if (comm)
		assert_string_equal(t->comm, comm);
	else
		assert_null(t->comm);
	assert_int_equal(t->pid, pid);
	assert_string_equal(t->state, state);
}

/* check_task, and the parent the task line names */
static inline void check_proc(const struct kd_task *t, const char *comm, long pid, long ppid, const char *state)
{
	check_task(t, comm, pid, state);
	assert_int_equal(t->ppid, ppid);
}

/* The exact function list, innermost first; NULL-terminated. */
static inline void check_frames(const struct kd_task *t, const char *const *fn)
{
	size_t n = 0;
	while (fn[n])
		n++;
	for (size_t i = 0; i < n && i < t->nframes; i++)
		if (!t->frames[i].function || strcmp(t->frames[i].function, fn[i]) != 0)
			fail_msg("frame %zu: got %s, want %s", i,
					 t->frames[i].function ? t->frames[i].function : "(null)", fn[i]);
	assert_int_equal(t->nframes, n);
}

static inline const struct sg_group *group_with(const struct sg_groups *g, const char *fp)
{
	for (size_t i = 0; i < g->ngroups; i++)
		if (strcmp(g->groups[i].fingerprint, fp) == 0)
			return &g->groups[i];
	fail_msg("no group %s", fp);
	return NULL;
}

/* What a corpus file parses to before what is particular to it: how many
 * dumps, the first one's kind and task count, and whether it is whole. */
enum whole { UNSAID, WHOLE, CUT };
struct corpus_case {
	const char *file;
	size_t ndumps;
	enum kd_kind kind;
	size_t ntasks;
	enum whole whole;
	void (*more)(const struct kd_result *r, const struct kd_dump *d);
};

static inline void run_corpus(void **state)
{
	const struct corpus_case *c = *state;
	struct kd_result *r = parse_file(c->file);
	assert_int_equal(kd_ndumps(r), c->ndumps);
	const struct kd_dump *d = dump(r, 0, c->kind, c->ntasks);
	if (c->whole != UNSAID)
		assert_int_equal(d->complete, c->whole == WHOLE);
	c->more(r, d);
	kd_result_free(r);
}
#define CORPUS(c) { #c, run_corpus, NULL, NULL, (void *)&c }

#endif
