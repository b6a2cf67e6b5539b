/* test_capture_sampling.c - when the recorder samples and what it says on
 * a terminal: a task runnable in the first 30% of every period is seen R
 * in about 30% of samples whatever phase the capture starts at (fixed-phase
 * sampling saw it R in all or none), and the start and stop lines. */
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
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cap.h"
#include "capture_test.h"

static char tmp[256], bin[512];

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until_ns(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000u), (long)(t % 1000000000u) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Runnable for the first spin_ms of every period_ms of CLOCK_MONOTONIC,
 * asleep for the rest. */
static pid_t phase_locked(uint64_t period_ms, uint64_t spin_ms)
{
	pid_t p = fork();
	assert_true(p >= 0);
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(300);
		uint64_t period = period_ms * 1000000, spin = spin_ms * 1000000;
		for (;;) {
			uint64_t t = mono_ns();
			if (t % period < spin)
				continue;
			sleep_until_ns(t - t % period + period);
		}
	}
	return p;
}

static pid_t start_capture(const char *out, const char *n, const char *i)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int e = open("/dev/null", O_WRONLY);
		dup2(e, 2);
		execl(bin, bin, "-o", out, "-n", n, "-i", i, "--sysrq", "off", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* How long pid has been runnable (on a CPU or waiting for one), in ns:
 * the first two fields of /proc/PID/schedstat; 0 when the kernel does
 * not keep them. */
static uint64_t runnable_ns(pid_t pid)
{
	char path[64];
	unsigned long long run = 0, wait = 0;
	snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu %llu", &run, &wait) != 2)
			run = wait = 0;
		fclose(f);
	}
	return run + wait;
}

/* Samples in which tid was R, of those in which it was alive; and the
 * mean gap between samples. */
static void r_share(const char *file, uint32_t tid, int *r, int *all, uint64_t *mean_gap_us,
		    uint64_t *mean_took_us)
{
	char err[200];
	struct cap_reader *rd = cap_reader_open(file, err, sizeof err);
	if (!rd)
		fail_msg("cannot read %s: %s", file, err);
	struct cap_rec rec;
	char state = 0;
	uint64_t first = 0, last = 0, took = 0;
	int samples = 0;
	*r = *all = 0;
	while (cap_next(rd, &rec) == 1) {
		if (rec.type == CAP_SAMPLE) {
			if (!samples++)
				first = rec.u.sample.mono_us;
			last = rec.u.sample.mono_us;
		}
		if (rec.type == CAP_TASK && rec.u.task.tid == tid)
			state = (char)rec.u.task.v[CAP_TF_STATE];
		if (rec.type == CAP_SAMPLE_END)
			took += rec.u.sample_end.took_us;
		if (rec.type == CAP_SAMPLE_END && state) {
			(*all)++;
			*r += state == 'R';
		}
	}
	cap_reader_free(rd);
	*mean_gap_us = samples > 1 ? (last - first) / (uint64_t)(samples - 1) : 0;
	*mean_took_us = samples ? took / (uint64_t)samples : 0;
}

/* Two captures, started 30% and 80% into the workload's period, run side
 * by side: each must see it R in 15-45% of its samples on a quiet box, or
 * in 15% to 15 points above the share of time it really was runnable on a
 * busy one, where it waits for a CPU after each wakeup (measured from its
 * schedstat: 53% at a load average of 12).  A capture waking
 * at fixed multiples of the period would see 100% and 0%.  200 ms periods
 * keep the test short; bench/phase.sh runs the 1 s version. */
static void test_phase_locked_workload(void **st)
{
	(void)st;
	const uint64_t period_ms = 200;
	pid_t w = phase_locked(period_ms, period_ms * 3 / 10);
	char a[300], b[300];
	snprintf(a, sizeof a, "%s/phase-a.cap", tmp);
	snprintf(b, sizeof b, "%s/phase-b.cap", tmp);
	uint64_t period = period_ms * 1000000, t = mono_ns();
	uint64_t base = t - t % period + period;
	sleep_until_ns(base + period * 3 / 10);
	uint64_t t0 = mono_ns(), r0 = runnable_ns(w);
	pid_t ca = start_capture(a, "120", "0.2");
	sleep_until_ns(base + period + period * 8 / 10);
	pid_t cb = start_capture(b, "120", "0.2");
	assert_int_equal(exit_status(ca), 0);
	assert_int_equal(exit_status(cb), 0);
	uint64_t r1 = runnable_ns(w), t1 = mono_ns();
	/* without schedstat, the share the workload asks for */
	int truth = r1 > r0 ? (int)(100 * (r1 - r0) / (t1 - t0)) : 30;
	int lo = 15, hi = truth + 15 > 45 ? truth + 15 : 45;
	print_message("the workload was runnable %d%% of the time: each capture must see it R in %d-%d%%\n",
		      truth, lo, hi);
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);
	const char *files[] = { a, b };
	for (int k = 0; k < 2; k++) {
		int r, all;
		uint64_t gap, took;
		r_share(files[k], (uint32_t)w, &r, &all, &gap, &took);
		print_message("capture started %d%% into the period: R in %d of %d samples (%d%%), mean gap %llu ms, "
			      "sample %llu ms\n", k ? 80 : 30, r, all, all ? 100 * r / all : -1,
			      (unsigned long long)gap / 1000, (unsigned long long)took / 1000);
		assert_true(all >= 100);
		assert_true(r * 100 >= all * lo);
		assert_true(r * 100 <= all * hi);
		/* the mean interval stays -i, unless sampling itself overran it (a
		 * box with 14,000 tasks takes ~0.4 s a sample): a gap that ends
		 * inside the sample is taken as soon as it ends */
		assert_true(gap >= 180000);
		assert_true(gap <= 230000 + took);
	}
}

/* Runs capture with stderr (and stdout when out is NULL) on a pseudo
 * terminal; returns the exit status and what the terminal showed.  With
 * usr1, sends SIGUSR1 once the start line shows (the handlers are set by
 * then: a ring trigger). */
static int on_tty(const char *const *args, const char *out, char *shown, size_t cap, bool usr1)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	char name[128];
	assert_int_equal(ptsname_r(m, name, sizeof name), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int sl = open(name, O_RDWR | O_NOCTTY);
		dup2(sl, 2);
		dup2(out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600) : sl, 1);
		const char *argv[16] = { bin };
		for (int i = 0; args[i] && i < 14; i++)
			argv[i + 1] = args[i];
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	size_t n = 0;
	shown[0] = 0;
	for (int waited = 0; usr1 && !strstr(shown, "capture: recording ") && waited < 600; waited++) {
		struct pollfd pf = { m, POLLIN, 0 };
		ssize_t k;
		if (poll(&pf, 1, 100) == 1 && (k = read(m, shown + n, cap - 1 - n)) > 0)
			shown[n += (size_t)k] = 0;
	}
	if (usr1)
		kill(pid, SIGUSR1);
	int rc = exit_status(pid);
	fcntl(m, F_SETFL, O_NONBLOCK);
	for (ssize_t k; n + 1 < cap && (k = read(m, shown + n, cap - 1 - n)) > 0;)
		n += (size_t)k;
	shown[n] = 0;
	close(m);
	return rc;
}

/* FILE's size as the stop line rounds it (KiB, up) */
static unsigned long long kib(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	return ((unsigned long long)sb.st_size + 1023) >> 10;
}

static void test_terminal_lines(void **st)
{
	(void)st;
	char out[300], shown[4096];
	snprintf(out, sizeof out, "%s/tty.cap", tmp);
	const char *a[] = { "-o", out, "-n", "3", "-i", "0.25", "--sysrq", "off", NULL };
	assert_int_equal(on_tty(a, NULL, shown, sizeof shown, false), 0);
	print_message("%s", shown);
	/* one line at the start, one at the stop, nothing else */
	char *l1 = strstr(shown, "capture: recording ");
	assert_non_null(l1);
	assert_non_null(strstr(l1, out));
	assert_non_null(strstr(l1, " tasks to "));
	assert_non_null(strstr(l1, "every 0.25 s (mean), sysrq off"));
	char *l2 = strstr(shown, "capture: stopped: 3 samples, ");
	assert_non_null(l2);
	assert_non_null(strstr(l2, " KiB written, "));
	assert_int_equal(strtoull(l2 + strlen("capture: stopped: 3 samples, "), NULL, 10), kib(out));
	assert_non_null(strstr(l2, " warning")); /* a crowded box may earn one (fds) */
	int lines = 0;
	for (char *p = shown; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 2);
	/* the task count is the first sample's */
	unsigned long tasks = strtoul(l1 + strlen("capture: recording "), NULL, 10);
	assert_true(tasks > 10);

	/* binary to a terminal: refused before anything is written */
	const char *b[] = { "-o", "-", "-n", "1", "--sysrq", "off", NULL };
	assert_int_equal(on_tty(b, NULL, shown, sizeof shown, false), 2);
	assert_non_null(strstr(shown, "refusing to write a binary capture to a terminal"));
	assert_null(strstr(shown, "IOWCAP"));
	/* to a file it streams as before, still with the lines on stderr */
	const char *c[] = { "-o", "-", "-n", "1", "--sysrq", "off", NULL };
	snprintf(out, sizeof out, "%s/stdout.cap", tmp);
	assert_int_equal(on_tty(c, out, shown, sizeof shown, false), 0);
	assert_non_null(strstr(shown, "to standard output"));
	assert_non_null(strstr(shown, "stopped: 1 sample, "));

	/* a ring writes FILE itself: the stop line counts what the trigger wrote */
	snprintf(out, sizeof out, "%s/ring.cap", tmp);
	const char *d[] = { "-o", out, "--ring", "10s", "--post", "1s", "-d", "3", "-i", "0.1",
			    "--sysrq", "off", NULL };
	assert_int_equal(on_tty(d, NULL, shown, sizeof shown, true), 0);
	print_message("%s", shown);
	assert_non_null(strstr(shown, "capture: recording "));
	assert_non_null(strstr(shown, " tasks to a RAM ring for "));
	assert_null(strstr(shown, "standard output"));
	char *l3 = strstr(shown, "capture: stopped: ");
	assert_non_null(l3);
	l3 = strstr(l3, " samples, ");
	assert_non_null(l3);
	assert_true(kib(out) > 0);
	assert_int_equal(strtoull(l3 + strlen(" samples, "), NULL, 10), kib(out));
}

int main(void)
{
	if (test_dirs("sampling", bin, sizeof bin, NULL, 0, tmp, sizeof tmp))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal_lines),
		cmocka_unit_test(test_phase_locked_workload),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_rmtree(tmp);
	return rc;
}
