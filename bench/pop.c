/* pop.c - bench population: N sleeping processes with 2 extra threads
 * each.  Writes their pids to PIDFILE (one a line, then "done") and
 * returns; the caller stops them by pid.  alarm() keeps strays bounded.
 *   pop N PIDFILE busy   each thread instead faults a fresh page every
 *                        200 ms (a read: the zero page, no memory used):
 *                        every row moves every sample at almost no CPU,
 *                        the worst case for capture's gates on PID/stat */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile char sum;

static void *faulter(void *arg)
{
	(void)arg;
	long pg = sysconf(_SC_PAGESIZE);
	size_t n = 16384; /* 55 minutes of faults at 5 a second */
	const volatile char *m = mmap(NULL, n * (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	struct timespec ts = { 0, 200000000L };
	for (size_t i = 0;; i = (i + 1) % n) {
		sum += m[i * (size_t)pg];
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "busy"))) {
		fprintf(stderr, "usage: pop N PIDFILE [busy]\n");
		return 2;
	}
	void *(*fn)(void *) = argc == 4 ? faulter : sleeper;
	int n = atoi(argv[1]);
	FILE *f = fopen(argv[2], "w");
	if (!f)
		return 1;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0)
			return 1;
		if (p == 0) {
			alarm(1800);
			pthread_t t;
			pthread_create(&t, NULL, fn, NULL);
			pthread_create(&t, NULL, fn, NULL);
			fn(NULL);
		}
		fprintf(f, "%d\n", (int)p);
	}
	fprintf(f, "done\n");
	fclose(f);
	return 0;
}
