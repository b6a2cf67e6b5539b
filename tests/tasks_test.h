/* tasks_test.h - what the task tests share: reading a small file whole and
 * writing one, and the record of the tids a scan or a capture reported,
 * with the check that each wanted tid is in it exactly once. */
#ifndef TEST_TASKS_TEST_H
#define TEST_TASKS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cap.h"

/* The text of a small file (up to 8 KB), in one of four buffers used in
 * turn, so that a caller can hold a few at once. */
static inline char *slurp(const char *path, size_t *len)
{
	static char buf[4][8192];
	static int k;
	k = (k + 1) % 4;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail_msg("cannot open %s", path);
	ssize_t n = read(fd, buf[k], sizeof buf[k] - 1);
	close(fd);
	assert_true(n > 0);
	buf[k][n] = 0;
	if (len)
		*len = (size_t)n;
	return buf[k];
}

/* path holds text and nothing else. */
static inline void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	size_t n = strlen(text);
	assert_true(write(fd, text, n) == (ssize_t)n);
	close(fd);
}

/* What the scanner reported, by tid. */
struct rec {
	size_t n;
	uint32_t *tid;
	struct cap_task_in t[64];
	char comm[64][64];
	size_t cap;
};

static inline int r_task(void *ctx, const struct cap_task_in *in)
{
	struct rec *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->tid = realloc(r->tid, r->cap * sizeof *r->tid);
		assert_non_null(r->tid);
	}
	if (r->n < 64) {
		r->t[r->n] = *in;
		snprintf(r->comm[r->n], sizeof r->comm[0], "%s", in->comm ? in->comm : "");
	}
	r->tid[r->n++] = in->tid;
	return 0;
}

static inline int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Every tid of want[] reported exactly once. */
static inline void assert_all_once(struct rec *r, uint32_t *want, size_t nwant)
{
	qsort(r->tid, r->n, sizeof *r->tid, cmp_u32);
	qsort(want, nwant, sizeof *want, cmp_u32);
	for (size_t i = 1; i < r->n; i++)
		if (r->tid[i] == r->tid[i - 1])
			fail_msg("tid %u reported twice", r->tid[i]);
	size_t missing = 0, j = 0;
	for (size_t i = 0; i < nwant; i++) {
		while (j < r->n && r->tid[j] < want[i])
			j++;
		if (j == r->n || r->tid[j] != want[i])
			missing++;
	}
	if (missing)
		fail_msg("%zu of %zu tasks not recorded (%zu reported)", missing, nwant, r->n);
}

#endif
