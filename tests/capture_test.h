/* capture_test.h - what the tests that run or drive the recorder share:
 * where the binary, the data and a scratch directory are, waiting for a
 * child's exit status, a sleep, a child that forks all the time, a sink
 * that takes everything, and a writer into memory. */
#ifndef TEST_CAPTURE_TEST_H
#define TEST_CAPTURE_TEST_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cap.h"
#include "membuf.h"

/* bin: $BUILD/capture (build/capture); data: $TEST_DATA made absolute
 * (the tests chdir into scratch trees); tmp: a new /tmp/capture-NAME.XXXXXX.
 * -1 when the scratch directory cannot be made. */
static inline int test_dirs(const char *name, char *bin, size_t bin_cap, char *data, size_t data_cap,
			    char *tmp, size_t tmp_cap)
{
	const char *b = getenv("BUILD");
	const char *d = getenv("TEST_DATA");
	snprintf(bin, bin_cap, "%s/capture", b ? b : "build");
	char cwd[256];
	if (data && d && d[0] != '/' && getcwd(cwd, sizeof cwd))
		snprintf(data, data_cap, "%s/%s", cwd, d);
	else if (data)
		snprintf(data, data_cap, "%s", d ? d : "tests/data");
	snprintf(tmp, tmp_cap, "/tmp/capture-%s.XXXXXX", name);
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

static inline void test_rmtree(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* The child's exit status, 128 + N for signal N. */
static inline int exit_status(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A child that forks children living life_ms each, one after another,
 * for as long as it lives, and not past its parent: the churn a recorder
 * has to keep up with.  -1 when it cannot be forked. */
static inline pid_t fork_churn(long life_ms)
{
	pid_t churn = fork();
	if (churn == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			pid_t c = fork();
			if (c == 0) {
				struct timespec ts = { life_ms / 1000, life_ms % 1000 * 1000000 };
				while (nanosleep(&ts, &ts) && errno == EINTR)
					;
				_exit(0);
			}
			if (c > 0)
				waitpid(c, NULL, 0);
		}
	}
	return churn;
}

/* sink callbacks that take and drop everything */
static inline int nop_begin(void *c, const char *s, const char *i) { (void)c; (void)s; (void)i; return 0; }
static inline int nop_value(void *c, const char *n, uint64_t v) { (void)c; (void)n; (void)v; return 0; }
static inline int nop_end(void *c) { (void)c; return 0; }
static inline int nop_task(void *c, const struct cap_task_in *t) { (void)c; (void)t; return 0; }

/* A writer into mb whose header names only the writer ("test"): the tests
 * of the writer's tables need nothing else of it.  lim NULL: the defaults. */
static inline struct cap_writer *test_writer_mem(struct membuf *mb, const struct cap_writer_limits *lim)
{
	struct cap_header h;
	memset(&h, 0, sizeof h);
	snprintf(h.writer, sizeof h.writer, "test");
	return cap_writer_new(&h, lim, mem_write, mb);
}

#endif
