/* statfs.c - what the statfs source costs a sample, beside the cheapest
 * source there is (one read of /proc/meminfo), in a private mount
 * namespace holding the machine's mounts plus M extra tmpfs mounts.
 *   statfs M K     K samples; prints µs per sample of each */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

static int n_begin(void *x, const char *s, const char *i) { (void)x; (void)s; (void)i; return 0; }
static int n_value(void *x, const char *n, uint64_t v) { (void)x; (void)n; (void)v; return 0; }
static int n_end(void *x) { (void)x; return 0; }
static int n_mount(void *x, const char *d, const char *t) { (void)d; (void)t; ++*(int *)x; return 0; }
static void n_note(struct ctx *c, const char *m) { (void)c; fprintf(stderr, "note: %s\n", m); }

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	int m = argc > 1 ? atoi(argv[1]) : 8, k = argc > 2 ? atoi(argv[2]) : 20000;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		printf("statfs: skipped (needs root for a private mount namespace)\n");
		return 0;
	}
	char top[] = "/tmp/statfs-bench.XXXXXX", p[96];
	if (!mkdtemp(top))
		return 1;
	for (int i = 0; i < m; i++) {
		snprintf(p, sizeof p, "%s/m%d", top, i);
		if (mkdir(p, 0700) || mount("bench", p, "tmpfs", 0, "size=1m"))
			return 1;
	}
	static char buf[64 << 10];
	struct sink s = { n_begin, n_value, n_end, NULL, NULL };
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY);
	c.proc_root = "/proc";
	c.sink = &s;
	c.buf = buf;
	c.buf_cap = sizeof buf;
	c.note = n_note;
	if (source_statfs.init(&c) || source_statfs.sample(&c))
		return 1;
	double t0 = now_us();
	for (int i = 0; i < k; i++)
		source_statfs.sample(&c);
	double st = (now_us() - t0) / k;
	t0 = now_us();
	for (int i = 0; i < k; i++)
		read_at(c.proc_fd, "meminfo", buf, sizeof buf);
	double mi = (now_us() - t0) / k;
	/* what a sample after a mount or umount adds: the table reread */
	int lines = 0, tm = 0;
	t0 = now_us();
	for (int i = 0; i < k / 10; i++) {
		ssize_t n = read_at(c.proc_fd, "self/mounts", buf, sizeof buf);
		tm = 0;
		parse_mounts(buf, n > 0 ? (size_t)n : 0, n_mount, &tm);
	}
	double rt = (now_us() - t0) / (k / 10);
	lines = tm;
	int tmpfs = m; /* plus the machine's own, counted by the source */
	printf("statfs: %d extra tmpfs mounts (+ the machine's), %d mount table lines, %d samples\n", tmpfs, lines, k);
	printf("  statfs source, table unchanged  %7.2f us/sample\n", st);
	printf("  read of /proc/meminfo (floor)   %7.2f us/sample   ratio %.2fx\n", mi, st / mi);
	printf("  table reread + parse (a change) %7.2f us, once per mount/umount\n", rt);
	source_statfs.fini(&c);
	for (int i = 0; i < m; i++) {
		snprintf(p, sizeof p, "%s/m%d", top, i);
		umount(p);
		rmdir(p);
	}
	rmdir(top);
	return 0;
}
