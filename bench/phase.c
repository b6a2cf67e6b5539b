/* phase.c - phase PERIOD_MS SPIN_MS: runnable (spinning) for the first
 * SPIN_MS of every PERIOD_MS of CLOCK_MONOTONIC, asleep until the next
 * period for the rest; prints its pid.  alarm() keeps a stray bounded. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: phase PERIOD_MS SPIN_MS\n");
		return 2;
	}
	uint64_t period = strtoull(argv[1], NULL, 10) * 1000000, spin = strtoull(argv[2], NULL, 10) * 1000000;
	if (!period || spin > period)
		return 2;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	alarm(3600);
	for (;;) {
		uint64_t t = mono_ns();
		if (t % period < spin)
			continue;
		t = t - t % period + period;
		struct timespec ts = { (time_t)(t / 1000000000u), (long)(t % 1000000000u) };
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
}
