/* logd.c - guest workload for tests/qemu: the leaking log daemon of the
 * field report.
 *
 *   logd AVAIL_KB [RATE_KB_S [DELAY_S [SECONDS]]]
 *
 * Sleeps DELAY_S seconds (default 0), then mallocs and fills anonymous
 * memory at RATE_KB_S (default 8192 kB/s, in 10 steps a second) until
 * MemAvailable falls to AVAIL_KB, and from then on tops up to keep it there
 * while holding everything.  With no swap these pages cannot be reclaimed,
 * so the kernel (kswapd, then direct reclaim) evicts other processes' file
 * pages instead.  alarm() ends it after SECONDS (default 300).
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long mem_available_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: logd AVAIL_KB [RATE_KB_S [DELAY_S [SECONDS]]]\n", stderr);
		return 2;
	}
	long target = atol(argv[1]);
	long step = (argc > 2 ? atol(argv[2]) : 8192) / 10;
	unsigned delay = argc > 3 ? (unsigned)atoi(argv[3]) : 0;
	alarm(argc > 4 ? (unsigned)atoi(argv[4]) : 300);
	if (step < 4)
		step = 4;
	sleep(delay);
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	long held = 0, said = 0;
	for (;;) {
		long avail = mem_available_kb();
		if (avail > target) {
			long kb = avail - target < step ? avail - target : step;
			char *m = malloc((size_t)kb * 1024);
			if (m) {
				memset(m, 0x5a, (size_t)kb * 1024);
				held += kb;
			}
		}
		if (held - said >= 16384) {
			said = held;
			fprintf(stderr, "logd: holding %ld MiB, MemAvailable %ld kB\n", held >> 10, avail);
		}
		nanosleep(&tick, NULL);
	}
}
