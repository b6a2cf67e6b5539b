/* floor.c - the cost floor of per-task sampling: every sample, pread the
 * kept fds of each task's stat and wchan (tasks found once at start) and
 * the global files, and throw the bytes away.
 *   floor -n N -i MS            the floor
 *   floor -n N -i MS -D         the floor that also finds new tasks, as any
 *                               recorder must: /proc is listed again when
 *                               /proc/stat "processes" moved, a new
 *                               process's task/ is listed and its tasks'
 *                               fds kept, a process's task/ again when its
 *                               leader's thread count (stat field 20)
 *                               changed, and a task whose pread fails or
 *                               reads nothing is closed and forgotten
 *   floor -n N -i MS -d FILE    instead dump the raw text capture reads
 *                               (globals, each thread's stat, each
 *                               process's io) into FILE, for zstd -3 */
#define _GNU_SOURCE /* memrchr */
#include <dirent.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int *fds;
static size_t nfds, capfds;

static void keep(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (nfds == capfds) {
		capfds = capfds ? capfds * 2 : 4096;
		fds = realloc(fds, capfds * sizeof *fds);
	}
	fds[nfds++] = fd;
}

static int numeric(const char *s)
{
	return *s >= '0' && *s <= '9';
}

/* -D: the tasks found so far, with their fds; per pid its thread count as
 * the leader's stat said when task/ was last listed. */
struct task { int pid, tid, stat_fd, wchan_fd; };
static struct task *tasks;
static size_t ntasks, captasks;
static uint8_t *known;     /* tid -> 1 */
static uint16_t *nthr;     /* pid -> threads when task/ was listed, 0 unknown */
static size_t pid_max;

static void add_task(int pid, int tid)
{
	char p[96];
	if ((size_t)tid >= pid_max || known[tid])
		return;
	if (ntasks == captasks) {
		captasks = captasks ? captasks * 2 : 4096;
		tasks = realloc(tasks, captasks * sizeof *tasks);
	}
	snprintf(p, sizeof p, "/proc/%d/task/%d/stat", pid, tid);
	int sfd = open(p, O_RDONLY | O_CLOEXEC);
	if (sfd < 0)
		return;
	snprintf(p, sizeof p, "/proc/%d/task/%d/wchan", pid, tid);
	tasks[ntasks++] = (struct task){ pid, tid, sfd, open(p, O_RDONLY | O_CLOEXEC) };
	known[tid] = 1;
}

static void list_threads(int pid)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/task", pid);
	DIR *t = opendir(p);
	struct dirent *e;
	int n = 0;
	while (t && (e = readdir(t)))
		if (numeric(e->d_name)) {
			add_task(pid, atoi(e->d_name));
			n++;
		}
	if (t)
		closedir(t);
	if ((size_t)pid < pid_max)
		nthr[pid] = (uint16_t)n;
}

static void list_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (numeric(e->d_name)) {
			int pid = atoi(e->d_name);
			if ((size_t)pid < pid_max && !known[pid])
				list_threads(pid);
		}
	if (d)
		closedir(d);
}

/* field 20 (num_threads) of a stat line, -1 when absent */
static long threads_of(const char *b, ssize_t n)
{
	const char *p = memrchr(b, ')', (size_t)n), *end = b + n;
	for (int f = 2; p && f < 20; f++) {
		p = memchr(p + 1, ' ', (size_t)(end - p - 1));
	}
	return p ? strtol(p + 1, NULL, 10) : -1;
}

static unsigned long long forks(int stat_fd, char *buf, size_t cap)
{
	ssize_t k = pread(stat_fd, buf, cap - 1, 0);
	if (k <= 0)
		return 0;
	buf[k] = 0;
	const char *p = strstr(buf, "\nprocesses ");
	return p ? strtoull(p + 11, NULL, 10) : 0;
}

/* One sample of -D; the globals were read already. */
static void sample_discover(int stat_fd, char *buf, size_t cap, unsigned long long *last)
{
	for (size_t i = 0; i < ntasks;) {
		struct task *t = &tasks[i];
		ssize_t k = pread(t->stat_fd, buf, cap, 0);
		if (k <= 0) {
			close(t->stat_fd);
			if (t->wchan_fd >= 0)
				close(t->wchan_fd);
			known[t->tid] = 0;
			if (t->tid == t->pid)
				nthr[t->pid] = 0;
			*t = tasks[--ntasks];
			continue;
		}
		if (t->wchan_fd >= 0)
			pread(t->wchan_fd, buf + k, cap - (size_t)k, 0);
		if (t->tid == t->pid && threads_of(buf, k) != nthr[t->pid])
			list_threads(t->pid);
		i++;
	}
	unsigned long long f = forks(stat_fd, buf, cap);
	if (f != *last) {
		*last = f;
		list_procs();
	}
}

int main(int argc, char **argv)
{
	int n = 10, ms = 1000, c;
	const char *dump = NULL;
	int discover = 0;
	while ((c = getopt(argc, argv, "n:i:d:D")) != -1) {
		if (c == 'n') n = atoi(optarg);
		else if (c == 'D') discover = 1;
		else if (c == 'i') ms = atoi(optarg);
		else if (c == 'd') dump = optarg;
		else return 2;
	}
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	static const char *globals[] = { "/proc/stat", "/proc/meminfo", "/proc/vmstat", "/proc/diskstats",
					 "/proc/loadavg", "/proc/pressure/cpu", "/proc/pressure/io",
					 "/proc/pressure/memory" };
	for (size_t i = 0; i < sizeof globals / sizeof *globals; i++)
		keep(globals[i]);
	static char buf[1 << 16];
	unsigned long long last = 0;
	if (discover) {
		FILE *pm = fopen("/proc/sys/kernel/pid_max", "r");
		if (!pm || fscanf(pm, "%zu", &pid_max) != 1)
			pid_max = 4194304;
		if (pm)
			fclose(pm);
		pid_max++;
		known = calloc(pid_max, 1);
		nthr = calloc(pid_max, sizeof *nthr);
		last = forks(fds[0], buf, sizeof buf);
		list_procs();
	}
	DIR *d = opendir("/proc");
	struct dirent *e;
	char p[128];
	while (!discover && (e = readdir(d))) {
		if (!numeric(e->d_name))
			continue;
		if (dump) {
			snprintf(p, sizeof p, "/proc/%s/io", e->d_name);
			keep(p);
		}
		snprintf(p, sizeof p, "/proc/%s/task", e->d_name);
		DIR *t = opendir(p);
		struct dirent *te;
		while (t && (te = readdir(t))) {
			if (!numeric(te->d_name))
				continue;
			snprintf(p, sizeof p, "/proc/%s/task/%s/stat", e->d_name, te->d_name);
			keep(p);
			if (!dump) {
				snprintf(p, sizeof p, "/proc/%s/task/%s/wchan", e->d_name, te->d_name);
				keep(p);
			}
		}
		if (t)
			closedir(t);
	}
	closedir(d);
	FILE *out = dump ? fopen(dump, "w") : NULL;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (int s = 0; s < n; s++) {
		for (size_t i = 0; i < nfds; i++) {
			ssize_t k = pread(fds[i], buf, sizeof buf, 0);
			if (out && k > 0)
				fwrite(buf, 1, (size_t)k, out);
		}
		if (discover)
			sample_discover(fds[0], buf, sizeof buf, &last);
		if (s + 1 == n)
			break;
		next.tv_nsec += (long)ms * 1000000;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	if (out)
		fclose(out);
	fprintf(stderr, "floor: %zu files per sample\n", nfds + 2 * ntasks);
	return 0;
}
