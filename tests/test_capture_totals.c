/* test_capture_totals.c - a process's own totals (p_utime, p_stime,
 * p_minflt, p_majflt) are what the kernel's PID/stat says in the sample
 * after any change a thread's row or the thread count shows, though the
 * scanner skips PID/stat while nothing moved.
 *
 * A live child of three threads, each blocked in read() on its own pipe
 * between the steps the test makes it take, so that the kernel's PID/stat
 * read right after a sample holds still and must equal what the sample
 * recorded: a thread other than the main one faults; a thread is created
 * (by raw clone(), whose creator faults nothing) that faults and blocks;
 * a thread faults, runs and exits, so only its vanishing tells; a thread
 * starts, writes fresh pages and exits between two samples, so only the
 * mm's rss tells.  The other faults are reads of fresh anonymous memory
 * (the zero page), which move no rss: each step is caught by one clause
 * of the gate alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "src_tasks.h"
#include "capture_test.h"

#define PAGES 64
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

/* ------------------------------------------------------------ the child */

static int cmd_b[2], cmd_c[2], cmd_d[2], done_fd[2];
static char *mem_b, *mem_c, *mem_d, *mem_e;
static volatile char sink_c;
static long pg;

/* Reading untouched private anonymous memory maps the zero page: a minor
 * fault per page, while rss and vsize, which the gate also watches, stay
 * put.  Only a thread's own fault count shows it. */
static char touch(const volatile char *m)
{
	char sum = 0;
	for (long i = 0; i < PAGES; i++)
		sum += m[i * pg];
	return sum;
}

static void say_done(void)
{
	char c = 'd';
	if (syscall(SYS_write, done_fd[1], &c, 1) != 1)
		_exit(3);
}

static char stack_c[64 << 10] __attribute__((aligned(16)));
static char stack_d[64 << 10] __attribute__((aligned(16)));
static char stack_e[64 << 10] __attribute__((aligned(16)));

/* A thread made by raw clone(): it shares the creator's TLS, so it makes
 * raw system calls only. */
static int thread_d(void *arg)
{
	(void)arg;
	sink_c = touch(mem_d);
	say_done();
	for (;;) {
		char c;
		syscall(SYS_read, cmd_d[0], &c, 1);
	}
	return 0;
}

/* E: writes fresh pages (rss grows) and exits at once: between two
 * samples, so no row ever shows it. */
static int thread_e(void *arg)
{
	(void)arg;
	for (long i = 0; i < PAGES; i++)
		mem_e[i * pg] = 1;
	say_done();
	syscall(SYS_exit, 0);
	return 0;
}

/* B: on 'f' faults its pages, on 'n' clones D (the clone touches only
 * D's stack, faulted in beforehand). */
static void *thread_b(void *arg)
{
	(void)arg;
	char c;
	while (read(cmd_b[0], &c, 1) == 1) {
		if (c == 'f') {
			sink_c = touch(mem_b);
			say_done();
		} else if (c == 'e') {
			if (clone(thread_e, stack_e + sizeof stack_e, THREAD_FLAGS, NULL) < 0)
				_exit(4);
		} else if (c == 'n') {
			if (clone(thread_d, stack_d + sizeof stack_d, THREAD_FLAGS, NULL) < 0)
				_exit(4);
		}
	}
	return NULL;
}

/* C, also made by raw clone(): on 'x' faults its pages, runs ~50 ms (5
 * ticks) and exits with no cleanup, so the mm's rss and vsize stay put
 * (glibc's thread exit would give back its stack's pages). */
static int thread_c(void *arg)
{
	(void)arg;
	char c;
	if (syscall(SYS_read, cmd_c[0], &c, 1) != 1)
		syscall(SYS_exit, 0);
	sink_c = touch(mem_c);
	struct timespec t0, t;
	syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &t0);
	do
		syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 50000000L);
	syscall(SYS_exit, 0);
	return 0;
}

static void child(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(120);
	mem_b = mmap(NULL, (size_t)(PAGES * pg), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mem_c = mmap(NULL, (size_t)(PAGES * pg), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mem_d = mmap(NULL, (size_t)(PAGES * pg), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mem_e = mmap(NULL, (size_t)(PAGES * pg), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem_b == MAP_FAILED || mem_c == MAP_FAILED || mem_d == MAP_FAILED || mem_e == MAP_FAILED)
		_exit(1);
	memset(stack_c, 0, sizeof stack_c);
	memset(stack_d, 0, sizeof stack_d);
	memset(stack_e, 0, sizeof stack_e);
	/* clone()'s code and its lazy binding are faulted in now, not by B
	 * later (glibc refuses a null function before any system call) */
	if (clone(NULL, NULL, 0, NULL) >= 0)
		_exit(5);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_t b;
	if (pthread_create(&b, &at, thread_b, NULL) ||
	    clone(thread_c, stack_c + sizeof stack_c, THREAD_FLAGS, NULL) < 0)
		_exit(2);
	say_done();
	for (;;)
		pause();
}

/* ------------------------------------------------------------ the scanner */

struct row { uint64_t p[4]; int found; };
static struct row got;
static pid_t kid;

static int take(void *ctx, const struct cap_task_in *in)
{
	(void)ctx;
	if (in->tid == (uint32_t)kid) {
		for (int i = 0; i < 4; i++)
			got.p[i] = in->v[CAP_TF_P_UTIME + i];
		got.found++;
	}
	return 0;
}

static struct sink snk = { nop_begin, nop_value, nop_end, take, NULL };
static struct ctx cx;
static unsigned samples;

/* One sample of the whole of /proc. */
static void sample(void)
{
	memset(&got, 0, sizeof got);
	assert_int_equal(source_tasks.sample(&cx), 0);
	samples++;
	assert_int_equal(got.found, 1);
}

/* Before each step: the scanner rereads every process's PID/stat every
 * 64th sample (by its own count plus the pid); when the next sample would
 * be one it is taken now, so that the sample checked after the step is
 * one the gate alone decides. */
static void not_cadence(void)
{
	if ((samples + 1 + (unsigned)kid) % 64 == 0)
		sample();
}

/* utime stime minflt majflt of the kernel's PID/stat, now */
static void kernel_totals(uint64_t out[4])
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "%d/stat", (int)kid);
	ssize_t n = read_at(cx.proc_fd, path, buf, sizeof buf);
	assert_true(n > 0);
	struct task_stat ts;
	assert_int_equal(parse_task_totals(buf, (size_t)n, &ts), 0);
	uint64_t v[4] = { ts.utime, ts.stime, ts.minflt, ts.majflt };
	memcpy(out, v, sizeof v);
}

/* Waits until the child's totals hold still (its threads back in read()),
 * samples, and checks the sample against the kernel's PID/stat, which
 * must not have moved meanwhile. */
static void sample_exact(const char *step)
{
	uint64_t k[4], was[4];
	kernel_totals(was);
	for (int i = 0; i < 200; i++) {
		msleep(30);
		kernel_totals(k);
		if (!memcmp(k, was, sizeof k))
			break;
		memcpy(was, k, sizeof k);
	}
	sample();
	kernel_totals(k);
	if (memcmp(k, was, sizeof k))
		fail_msg("%s: the child's totals moved during the sample", step);
	static const char *const name[] = { "p_utime", "p_stime", "p_minflt", "p_majflt" };
	for (int i = 0; i < 4; i++)
		if (got.p[i] != k[i])
			fail_msg("%s: recorded %s %llu, the kernel's %llu", step, name[i],
				 (unsigned long long)got.p[i], (unsigned long long)k[i]);
}

static void wait_done(void)
{
	char c;
	assert_int_equal(read(done_fd[0], &c, 1), 1);
}

static int threads_of_kid(void)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "%d/stat", (int)kid);
	ssize_t n = read_at(cx.proc_fd, path, buf, sizeof buf);
	struct task_stat ts;
	if (n <= 0 || parse_task_stat(buf, (size_t)n, &ts))
		return -1;
	return (int)ts.threads;
}

static void test_totals_follow_threads(void **st)
{
	(void)st;
	pg = sysconf(_SC_PAGESIZE);
	assert_int_equal(pipe(cmd_b), 0);
	assert_int_equal(pipe(cmd_c), 0);
	assert_int_equal(pipe(cmd_d), 0);
	assert_int_equal(pipe(done_fd), 0);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0)
		child();
	wait_done();

	memset(&cx, 0, sizeof cx);
	cx.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY);
	assert_true(cx.proc_fd >= 0);
	cx.proc_root = "/proc";
	cx.sink = &snk;
	cx.page_size = pg;
	cx.h.processes = CAP_NA; /* list /proc every sample */
	assert_int_equal(source_tasks.init(&cx), 0);

	/* found, then its threads found; from the third sample on the gate decides */
	for (int i = 0; i < 4; i++)
		sample_exact("idle");
	uint64_t before = got.p[2];

	/* a thread other than the main one faults: only its own row moves */
	not_cadence();
	assert_int_equal(write(cmd_b[1], "f", 1), 1);
	wait_done();
	sample_exact("thread B faulted");
	assert_true(got.p[2] >= before + PAGES);
	before = got.p[2];
	sample_exact("idle after B");

	/* a new thread faults: no known row moves, the thread count does */
	not_cadence();
	assert_int_equal(write(cmd_b[1], "n", 1), 1);
	wait_done();
	assert_int_equal(threads_of_kid(), 4);
	sample_exact("thread D started and faulted");
	assert_true(got.p[2] >= before + PAGES);
	before = got.p[2];
	sample();
	sample_exact("idle after D");

	/* a thread faults, runs and exits before the next sample: its row is
	 * gone, only the totals hold what it did */
	uint64_t cpu = got.p[0] + got.p[1];
	not_cadence();
	assert_int_equal(write(cmd_c[1], "x", 1), 1);
	for (int i = 0; i < 500 && threads_of_kid() != 3; i++)
		msleep(10);
	assert_int_equal(threads_of_kid(), 3);
	sample_exact("thread C exited");
	assert_true(got.p[2] >= before + PAGES);
	assert_true(got.p[0] + got.p[1] >= cpu + 3); /* 50 ms is 5 ticks at 100 Hz */
	sample_exact("idle after C");
	before = got.p[2];

	/* a thread starts, writes fresh pages and exits between two samples:
	 * no row shows it and the thread count is back where it was; the
	 * mm's rss moved */
	not_cadence();
	assert_int_equal(write(cmd_b[1], "e", 1), 1);
	wait_done();
	for (int i = 0; i < 500 && threads_of_kid() != 3; i++)
		msleep(10);
	assert_int_equal(threads_of_kid(), 3);
	sample_exact("thread E came and went");
	assert_true(got.p[2] >= before + PAGES);

	source_tasks.fini(&cx);
	close(cx.proc_fd);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals_follow_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
