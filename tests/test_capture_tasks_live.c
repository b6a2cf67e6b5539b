/* test_capture_tasks_live.c - the recorder on this machine's own
 * processes: it records every task with thousands of processes and threads
 * (also under a low open-file limit), through a fork storm mid-capture,
 * follows a task's RSS split, stops promptly while walking, and never
 * replaces an existing capture unasked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cap.h"
#include "capture_test.h"
#include "tasks_test.h"

static char tmp[256], bin[512];

static pid_t *kids;
static size_t nkids;

static void *park(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* n processes with extra threads each, all parked; they die with us. */
static void spawn(size_t n, int extra)
{
	kids = realloc(kids, (nkids + n) * sizeof *kids);
	assert_non_null(kids);
	for (size_t i = 0; i < n; i++) {
		pid_t p = fork();
		assert_true(p >= 0);
		if (p == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			alarm(300);
			pthread_attr_t a;
			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, 64 << 10);
			for (int t = 0; t < extra; t++) {
				pthread_t th;
				pthread_create(&th, &a, park, NULL);
			}
			park(NULL);
		}
		kids[nkids++] = p;
	}
}

static void reap(void)
{
	if (!nkids)
		return;
	for (size_t i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	for (size_t i = 0; i < nkids; i++)
		waitpid(kids[i], NULL, 0);
	nkids = 0;
}

/* Every tid of our children, once each has its threads. */
static size_t kid_tids(uint32_t **out, int per)
{
	size_t n = 0;
	*out = malloc(nkids * (size_t)per * sizeof **out);
	for (size_t i = 0; i < nkids; i++) {
		char p[64];
		snprintf(p, sizeof p, "/proc/%d/task", (int)kids[i]);
		for (int tries = 0;; tries++) {
			DIR *d = opendir(p);
			assert_non_null(d);
			struct dirent *e;
			size_t before = n;
			while ((e = readdir(d)))
				if (e->d_name[0] != '.')
					(*out)[n++] = (uint32_t)atoi(e->d_name);
			closedir(d);
			if (n - before == (size_t)per)
				break;
			n = before;
			assert_true(tries < 12000); /* 120 s: a loaded box starts threads late */
			usleep(10000);
		}
	}
	return n;
}

static rlim_t fd_limit; /* 0: inherit */

/* Forks the recorder on argv (bin first, NULL-terminated), its stderr to
 * tmp/stderr, under fd_limit when one is set. */
static pid_t fork_capture(const char *const *argv)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (fd_limit) {
			struct rlimit rl = { fd_limit, fd_limit };
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		char p[300];
		snprintf(p, sizeof p, "%s/stderr", tmp);
		int e = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(e, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static pid_t start_capture(const char *out, const char *n, const char *i)
{
	/* --flush 0.2: the tests watch the file grow instead of sleeping */
	const char *argv[] = { bin, "-o", out, "-n", n, "-i", i, "--sysrq", "off", "--force", "--flush", "0.2", NULL };
	return fork_capture(argv);
}

/* Waits at most limit_ms; a capture still running then has hung. */
static int wait_bounded(pid_t pid, long limit_ms, long *took_ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		int stt;
		pid_t r = waitpid(pid, &stt, WNOHANG);
		clock_gettime(CLOCK_MONOTONIC, &b);
		*took_ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		if (r == pid)
			return WIFEXITED(stt) ? WEXITSTATUS(stt) : 128 + WTERMSIG(stt);
		if (*took_ms > limit_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			fail_msg("capture still running after %ld ms: hung", *took_ms);
		}
		usleep(20000);
	}
}

/* Tids recorded (any sample) and exits seen for them, from the file. */
static void read_back(const char *file, struct rec *r, int *notes_full, int *samples)
{
	char err[200];
	struct cap_reader *rd = cap_reader_open(file, err, sizeof err);
	if (!rd)
		fail_msg("cannot read %s: %s", file, err);
	memset(r, 0, sizeof *r);
	*notes_full = *samples = 0;
	static uint8_t seen[1u << 22];
	memset(seen, 0, sizeof seen);
	struct cap_rec rec;
	while (cap_next(rd, &rec) == 1) {
		if (rec.type == CAP_SAMPLE)
			(*samples)++;
		if (rec.type == CAP_EV_DAMAGE)
			fail_msg("damage in %s", file);
		if (rec.type == CAP_TASK && rec.u.task.tid < sizeof seen && !seen[rec.u.task.tid]) {
			seen[rec.u.task.tid] = 1;
			struct cap_task_in in = { .tid = rec.u.task.tid };
			r_task(r, &in);
		}
		if (rec.type == CAP_TEXT && rec.u.text.kind == CAP_TXT_NOTE &&
		    (memmem(rec.u.text.text, rec.u.text.len, "records lost", 12) ||
		     memmem(rec.u.text.text, rec.u.text.len, "task limit", 10) ||
		     memmem(rec.u.text.text, rec.u.text.len, "damaged", 7)))
			(*notes_full)++;
	}
	cap_reader_free(rd);
}

/* Watches a capture still being written (its flushed prefix reads; the
 * unfinished tail reads as damage and is ignored) until it holds at least
 * min_samples samples and, when want is given, every tid of want; gives up
 * after limit_ms, leaving the caller's assertions on the final file to
 * fail.  A loaded box only makes this slower, never wrong. */
static void wait_recorded(const char *file, int min_samples, const uint32_t *want, size_t nwant, long limit_ms)
{
	static uint8_t seen[1u << 22];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		char err[200];
		int samples = 0;
		size_t have = 0;
		memset(seen, 0, sizeof seen);
		struct cap_reader *rd = cap_reader_open(file, err, sizeof err);
		struct cap_rec rec;
		while (rd && cap_next(rd, &rec) == 1) {
			if (rec.type == CAP_SAMPLE_END)
				samples++;
			if (rec.type == CAP_TASK && rec.u.task.tid < sizeof seen)
				seen[rec.u.task.tid] = 1;
		}
		if (rd)
			cap_reader_free(rd);
		for (size_t i = 0; i < nwant; i++)
			have += want[i] < sizeof seen && seen[want[i]];
		if (samples >= min_samples && have == nwant)
			return;
		clock_gettime(CLOCK_MONOTONIC, &b);
		if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 > limit_ms) {
			print_message("%s: %d samples, %zu of %zu tasks after %ld ms\n", file, samples, have, nwant,
				      limit_ms);
			return;
		}
		usleep(200000);
	}
}

static void live(size_t nproc, int extra)
{
	spawn(nproc, extra);
	uint32_t *want;
	size_t n = kid_tids(&want, extra + 1);
	char out[300];
	snprintf(out, sizeof out, "%s/live.cap", tmp);
	long took;
	/* a bound for a hang, not a speed test: 2,000 processes on a box at
	 * load 150 take seconds a sample */
	int rc = wait_bounded(start_capture(out, "3", "0.2"), 180000, &took);
	if (rc) {
		char e[300];
		snprintf(e, sizeof e, "%s/stderr", tmp);
		fail_msg("capture exit %d: %s", rc, slurp(e, NULL));
	}
	struct rec r;
	int full, samples;
	read_back(out, &r, &full, &samples);
	assert_int_equal(samples, 3);
	assert_int_equal(full, 0);
	assert_all_once(&r, want, n);
	print_message("%zu processes x %d tasks: -n 3 took %ld ms, %zu tasks recorded\n", nproc, extra + 1,
		      took, r.n);
	free(r.tid);
	free(want);
	reap();
}

/* 1,500 tasks under an open-file limit of 600: the kept fds stop short of
 * it and the rest are read by open and close, every task still recorded
 * (running out of fds once lost the processes whose task/ could not be
 * opened). */
static void test_live_fd_limit(void **st)
{
	(void)st;
	fd_limit = 600;
	live(1500, 0);
	fd_limit = 0;
}

static void test_live_2000_processes(void **st)
{
	(void)st;
	live(2000, 0);
}

static void test_live_600_processes_3_threads(void **st)
{
	(void)st;
	live(600, 2);
}

/* ~100 tasks, then 1,600 more forked while the capture runs: every new one
 * is in the file, nothing noted as lost. */
static void test_fork_storm(void **st)
{
	(void)st;
	char out[300];
	snprintf(out, sizeof out, "%s/storm.cap", tmp);
	pid_t cap = start_capture(out, "100000", "0.25");
	wait_recorded(out, 2, NULL, 0, 120000); /* the storm starts mid-capture */
	spawn(1600, 0);
	uint32_t *want;
	size_t n = kid_tids(&want, 1);
	/* the stop comes once the file holds every new task (or after 3
	 * minutes): the assertions below are on what was recorded */
	wait_recorded(out, 0, want, n, 180000);
	kill(cap, SIGTERM);
	long took;
	assert_int_equal(wait_bounded(cap, 60000, &took), 0);
	struct rec r;
	int full, samples;
	read_back(out, &r, &full, &samples);
	assert_true(samples >= 3); /* 12 on a quiet box; a sample of 14,000 tasks takes 0.5 s */
	assert_int_equal(full, 0);
	assert_all_once(&r, want, n);
	free(r.tid);
	free(want);
	reap();
}

/* The status fields follow a change of the RSS split: a child trades 256
 * file pages for 256 anon pages (madvise drops the one, writes fault in the
 * other), and the first sample whose p_minflt shows the faults must hold
 * the new split.  On this kernel stat's rss is a per-CPU approximation
 * that moves with such a trade too, so the test does not single out the
 * fault counters in the gate (a gate of rss and vsize alone also passes);
 * it fails when status is not reread when it should be. */
static void on_usr1(int sig) { (void)sig; }

static void test_status_follows_faults(void **st)
{
	(void)st;
	/* 256 pages: the kernel's RSS counters are per-CPU, and a read may
	 * miss up to 32 pages per CPU of what moved */
	long pg = sysconf(_SC_PAGESIZE), len = 256 * pg;
	char file[300];
	snprintf(file, sizeof file, "%s/page", tmp);
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, len), 0);
	int ready[2], done[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);
	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		signal(SIGUSR1, on_usr1);
		volatile char *f = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, 0);
		volatile char *a = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (f == MAP_FAILED || a == MAP_FAILED)
			_exit(1);
		char c = 0;
		for (long i = 0; i < len; i += pg)
			c += f[i]; /* the file pages in */
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		madvise((void *)f, (size_t)len, MADV_DONTNEED);
		for (long i = 0; i < len; i += pg)
			a[i] = 1; /* the anon pages in: minor faults */
		if (write(done[1], "c", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fd);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	char out[300];
	snprintf(out, sizeof out, "%s/status.cap", tmp);
	pid_t cap = start_capture(out, "40", "0.05");
	usleep(700000);
	kill(kid, SIGUSR1);
	assert_int_equal(read(done[0], &c, 1), 1);
	long took;
	assert_int_equal(wait_bounded(cap, 30000, &took), 0);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	close(ready[0]); close(ready[1]); close(done[0]); close(done[1]);

	char err[200];
	struct cap_reader *rd = cap_reader_open(out, err, sizeof err);
	if (!rd)
		fail_msg("cannot read %s: %s", out, err);
	/* The check is made at the first sample that shows the final fault
	 * count: a sample taken while the child is still touching its pages
	 * sees only part of them, in the counters and in status alike. */
	struct cap_rec rec;
	enum { MAXROWS = 256 };
	uint64_t flt[MAXROWS], anon[MAXROWS], filed[MAXROWS]; /* filed: RssFile + RssShmem (tmpfs) */
	int rows = 0;
	while (cap_next(rd, &rec) == 1) {
		if (rec.type != CAP_TASK || rec.u.task.tid != (uint32_t)kid || rows == MAXROWS)
			continue;
		const uint64_t *v = rec.u.task.v;
		assert_true(v[CAP_TF_RSS_ANON] != CAP_NA && v[CAP_TF_RSS_FILE] != CAP_NA);
		flt[rows] = v[CAP_TF_P_MINFLT];
		anon[rows] = v[CAP_TF_RSS_ANON];
		filed[rows] = v[CAP_TF_RSS_FILE] + v[CAP_TF_RSS_SHMEM];
		rows++;
	}
	cap_reader_free(rd);
	assert_true(rows > 1);
	assert_true(filed[0] >= (uint64_t)(len / 2) / 1024);
	assert_true(flt[rows - 1] != flt[0]); /* the fault was seen */
	int i = 1;
	while (flt[i] != flt[rows - 1])
		i++;
	assert_true(anon[i] >= anon[0] + (uint64_t)(len / 2) / 1024);
	assert_true(filed[i] <= filed[0] - (uint64_t)(len / 2) / 1024);
}

/* A stop request is honoured while the recorder walks thousands of
 * processes back to back under fork churn: a clean file within ~1 s. */
static void test_stop_while_walking(void **st)
{
	(void)st;
	spawn(2000, 0);
	pid_t churn = fork_churn(0);
	assert_true(churn >= 0);
	pid_t *k = realloc(kids, (nkids + 1) * sizeof *kids);
	assert_non_null(k);
	kids = k;
	kids[nkids++] = churn;
	char out[300];
	snprintf(out, sizeof out, "%s/stop.cap", tmp);
	pid_t cap = start_capture(out, "1000000", "0");
	/* the stop lands in a later walk: the first has to finish first */
	wait_recorded(out, 1, NULL, 0, 120000);
	usleep(300000);
	kill(cap, SIGTERM);
	long took;
	/* a hang is forever; at load 150 the reread of 2,000 known tasks and
	 * the last flush can take seconds, so the bound is for a hang */
	assert_int_equal(wait_bounded(cap, 20000, &took), 0);
	print_message("stopped %ld ms after SIGTERM\n", took);
	struct rec r;
	int full, samples;
	read_back(out, &r, &full, &samples);
	assert_true(samples >= 1);
	assert_true(r.n >= 2000);
	free(r.tid);
	reap();
}

/* One sample, the options after a0 ending at the first NULL */
static int run_capture(const char *a0, const char *a1, const char *a2, const char *a3)
{
	const char *argv[] = { bin, "-n", "1", "-i", "0", "--sysrq", "off", a0, a1, a2, a3, NULL };
	long took;
	return wait_bounded(fork_capture(argv), 30000, &took);
}

/* An existing capture at -o is never replaced without --force; an empty
 * file (mktemp's) holds nothing and is used. */
static void test_existing_file_refused(void **st)
{
	(void)st;
	char f[300], f1[300], e[300];
	snprintf(f, sizeof f, "%s/old.cap", tmp);
	snprintf(f1, sizeof f1, "%s/old.cap.1", tmp);
	snprintf(e, sizeof e, "%s/stderr", tmp);
	put(f, "yesterday");
	assert_int_equal(run_capture("-o", f, NULL, NULL), 2);
	assert_string_equal(slurp(f, NULL), "yesterday");
	assert_non_null(strstr(slurp(e, NULL), "--force"));
	assert_int_equal(run_capture("-o", f, "--force", NULL), 0);
	struct rec r;
	int full, samples;
	read_back(f, &r, &full, &samples);
	assert_int_equal(samples, 1);
	free(r.tid);
	/* --max-size would replace FILE.1 at its first rotation */
	unlink(f);
	put(f1, "the day before");
	assert_int_equal(run_capture("-o", f, "--max-size", "1M"), 2);
	assert_string_equal(slurp(f1, NULL), "the day before");
	put(f, "");
	assert_int_equal(run_capture("-o", f, NULL, NULL), 0);
	read_back(f, &r, &full, &samples);
	assert_int_equal(samples, 1);
	free(r.tid);
}

/* also after a failed test: its children killed, the fd limit off */
static int teardown_reap(void **st)
{
	(void)st;
	reap();
	fd_limit = 0;
	return 0;
}

int main(void)
{
	if (test_dirs("tasks-live", bin, sizeof bin, NULL, 0, tmp, sizeof tmp))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_live_2000_processes, teardown_reap),
		cmocka_unit_test_teardown(test_live_fd_limit, teardown_reap),
		cmocka_unit_test_teardown(test_live_600_processes_3_threads, teardown_reap),
		cmocka_unit_test_teardown(test_fork_storm, teardown_reap),
		cmocka_unit_test(test_status_follows_faults),
		cmocka_unit_test_teardown(test_stop_while_walking, teardown_reap),
		cmocka_unit_test(test_existing_file_refused),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_rmtree(tmp);
	return rc;
}
