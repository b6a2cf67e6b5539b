/* ringpop.c - bench population for capture --ring: N processes of 3
 * threads each that, unlike pop.c's sleepers, do what a device's daemons
 * do: each thread wakes at random every 0.2-5 s, burns ~1 ms of CPU and
 * touches a fresh page, so utime, minflt, state and RSS move the way the
 * ring's bytes per sample depend on.  Runs until killed; alarm() bounds
 * strays. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg ^ (unsigned)getpid() * 2654435761u;
	char *mem = malloc(1 << 20);
	size_t page = 0;
	for (;;) {
		struct timespec ts = { 0, 0 };
		long ms = 200 + rand_r(&seed) % 4800;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		struct timespec a, b;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		do
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 1000000L);
		if (mem) {
			memset(mem + page, 1, 4096);
			page = (page + 4096) % (1 << 20);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 66;
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			alarm(7200);
			pthread_t t;
			pthread_create(&t, NULL, worker, (void *)(uintptr_t)1);
			pthread_create(&t, NULL, worker, (void *)(uintptr_t)2);
			worker((void *)(uintptr_t)3);
		}
	}
	pause();
	return 0;
}
