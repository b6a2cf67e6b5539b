/* workload.c - the processes the sample scenarios run inside their cgroup.
 *
 *   workload mkfile FILE MB            write a file of random bytes
 *   workload drop FILE                 drop FILE's pages from the page cache
 *   workload app FILE PAGES SLEEP_MS   mmap FILE, touch PAGES random pages per
 *                                      request, sleep; its pages are its working set
 *   workload leak RATE_MB MAX_MB       grow anonymous memory, then hold it
 *   workload tmpfs DIR RATE_MB MAX_MB  append log lines to DIR/messages (Shmem)
 *   workload writer FILE MB            write FILE and fsync it, over and over
 *   workload spin THREADS              burn CPU, no I/O
 *
 * Every mode ends itself after DEADLINE_S seconds (env, default 600): a
 * scenario that loses its script must not leave load behind.  The program
 * name (argv[0], set by copying or linking the binary) is what the capture
 * records as comm.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static int mkfile(const char *path, long mb)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(path);
	static uint64_t buf[1 << 17]; /* 1 MiB */
	for (long i = 0; i < mb; i++) {
		for (size_t k = 0; k < sizeof buf / sizeof *buf; k++)
			buf[k] = rnd();
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			die("write");
	}
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return close(fd);
}

static int drop(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return close(fd);
}

/* Like a program whose code and data are file-backed: once its pages are
 * evicted, every request faults them back from disk. */
static int app(const char *path, long pages, long sleep)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st))
		die(path);
	size_t n = (size_t)st.st_size / 4096;
	volatile unsigned char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		die("mmap");
	madvise((void *)m, (size_t)st.st_size, MADV_RANDOM);
	rnd_state ^= (uint64_t)getpid() << 20;
	unsigned sum = 0;
	for (long req = 0;; req++) {
		for (long i = 0; i < pages; i++)
			sum += m[(rnd() % n) * 4096];
		sleep_ms(sleep);
		if (req % 500 == 0)
			fprintf(stderr, "app %d: %ld requests\n", getpid(), req);
	}
	return (int)sum;
}

static _Noreturn void hold(void)
{
	for (;;)
		pause();
}

static int leak(long rate_mb, long max_mb)
{
	long chunk = 256 << 10, have = 0;
	double t0 = now();
	while (have < max_mb << 20) {
		char *p = malloc((size_t)chunk);
		if (!p)
			die("malloc");
		memset(p, 0x5a, (size_t)chunk); /* touched: resident, unreclaimable without swap */
		have += chunk;
		double due = t0 + (double)have / ((double)rate_mb * 1048576.0);
		if (due > now())
			sleep_ms((long)((due - now()) * 1000));
	}
	fprintf(stderr, "leak: holding %ld MiB\n", max_mb);
	hold();
}

/* OpenWrt keeps logs in /tmp: a tmpfs whose pages count as Shmem and belong
 * to no process's RSS. */
static int tmpfs_writer(const char *dir, long rate_mb, long max_mb)
{
	char path[4096], line[256];
	snprintf(path, sizeof path, "%s/messages", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0)
		die(path);
	long written = 0, seq = 0;
	double t0 = now();
	while (written < max_mb << 20) {
		int n = snprintf(line, sizeof line,
				 "Nov 25 12:00:00 daemon.info app[42]: request %ld served in %lu us from cache slot %lu\n",
				 seq++, (unsigned long)(rnd() % 100000), (unsigned long)(rnd() % 4096));
		if (write(fd, line, (size_t)n) != n)
			die("write");
		written += n;
		double due = t0 + (double)written / ((double)rate_mb * 1048576.0);
		if (due > now() + 0.01)
			sleep_ms((long)((due - now()) * 1000));
	}
	fprintf(stderr, "tmpfs: %ld MiB written, holding\n", max_mb);
	hold();
}

static _Noreturn void writer(const char *path, long mb)
{
	static char buf[1 << 20];
	memset(buf, 0xa5, sizeof buf);
	for (;;) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			die(path);
		for (long i = 0; i < mb; i++) {
			if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
				die("write");
			if (i % 16 == 15)
				fdatasync(fd);
		}
		fsync(fd);
		close(fd);
	}
}

static void *burn(void *arg)
{
	volatile uint64_t x = (uintptr_t)arg;
	for (;;)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	return NULL;
}

static int spin(long threads)
{
	for (long i = 1; i < threads; i++) {
		pthread_t t;
		pthread_create(&t, NULL, burn, (void *)(uintptr_t)i);
	}
	burn(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *d = getenv("DEADLINE_S");
	alarm(d ? (unsigned)atoi(d) : 600);
	const char *mode = argc > 1 ? argv[1] : "";
	long a = argc > 3 ? atol(argv[3]) : 0, b = argc > 4 ? atol(argv[4]) : 0;
	if (!strcmp(mode, "mkfile") && argc == 4)
		return mkfile(argv[2], a);
	if (!strcmp(mode, "drop") && argc == 3)
		return drop(argv[2]);
	if (!strcmp(mode, "app") && argc == 5)
		return app(argv[2], a, b);
	if (!strcmp(mode, "leak") && argc == 4)
		return leak(atol(argv[2]), a);
	if (!strcmp(mode, "tmpfs") && argc == 5)
		return tmpfs_writer(argv[2], a, b);
	if (!strcmp(mode, "writer") && argc == 4)
		writer(argv[2], a);
	if (!strcmp(mode, "spin") && argc == 3)
		return spin(atol(argv[2]));
	fprintf(stderr, "usage: see the comment at the top of workload.c\n");
	return 2;
}
