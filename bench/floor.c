/* floor.c - the cost floor of per-task sampling: every sample, pread the
 * kept fds of each task's stat and wchan (tasks found once at start) and
 * the global files, and throw the bytes away.
 *   floor -n N -i MS            the floor
 *   floor -n N -i MS -d FILE    instead dump the raw text capture reads
 *                               (globals, each thread's stat, each
 *                               process's io) into FILE, for zstd -3 */
#include <dirent.h>
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

int main(int argc, char **argv)
{
	int n = 10, ms = 1000, c;
	const char *dump = NULL;
	while ((c = getopt(argc, argv, "n:i:d:")) != -1) {
		if (c == 'n') n = atoi(optarg);
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
	DIR *d = opendir("/proc");
	struct dirent *e;
	char p[128];
	while ((e = readdir(d))) {
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
	static char buf[1 << 16];
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (int s = 0; s < n; s++) {
		for (size_t i = 0; i < nfds; i++) {
			ssize_t k = pread(fds[i], buf, sizeof buf, 0);
			if (out && k > 0)
				fwrite(buf, 1, (size_t)k, out);
		}
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
	fprintf(stderr, "floor: %zu files per sample\n", nfds);
	return 0;
}
