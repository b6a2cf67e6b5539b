/* churn.c - short-lived processes whose lifetimes are known, for the soak.
 *
 * Usage: churn LOG SECONDS [RATE [PEAK]]
 *
 * Forks RATE children a second (default 2) for SECONDS, each living
 * 0.1-3 s; at a third and at two thirds of SECONDS it forks PEAK more
 * (default 1500) that live 30 s each, so the recorder meets the same high
 * twice: tables sized for the first must carry the second with no growth.
 * Each child appends "pid from_us to_us" (CLOCK_MONOTONIC, the clock of a
 * sample's mono_us) to LOG just before it exits: the child certainly
 * existed over [from_us, to_us], so any sample whose whole walk lies in
 * that span must have recorded it.  A zombie outlives to_us; that only
 * makes the check stricter than the truth, never looser.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void nap_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int logfd;
static unsigned forked, failed;

static void child(uint64_t life_us)
{
	uint64_t from = mono_us();
	char line[64];

	/* the soak's end must not leave 1,500 sleepers behind */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	nap_us(life_us);
	int n = snprintf(line, sizeof line, "%d %llu %llu\n", (int)getpid(),
			 (unsigned long long)from, (unsigned long long)mono_us());
	if (write(logfd, line, (size_t)n) != n)
		_exit(1);
	_exit(0);
}

static void spawn(uint64_t life_us)
{
	pid_t p = fork();

	if (p == 0)
		child(life_us);
	if (p < 0)
		failed++;
	else
		forked++;
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: churn LOG SECONDS [RATE [PEAK]]\n");
		return 2;
	}
	logfd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0) {
		perror(argv[1]);
		return 1;
	}
	uint64_t dur = strtoull(argv[2], NULL, 10) * 1000000;
	double rate = argc > 3 ? atof(argv[3]) : 2;
	unsigned peak = argc > 4 ? (unsigned)atoi(argv[4]) : 1500;
	if (rate <= 0 || rate > 1000) {
		fprintf(stderr, "churn: RATE must be in (0, 1000]\n");
		return 2;
	}
	uint64_t step = (uint64_t)(1e6 / rate), t0 = mono_us(), next = t0;
	uint64_t peak_at[2] = { t0 + dur / 3, t0 + dur * 2 / 3 };
	int peaks = 0;
	uint32_t rnd = 2463534242u;

	for (;;) {
		uint64_t now = mono_us();
		if (now - t0 >= dur)
			break;
		if (peaks < 2 && now >= peak_at[peaks]) {
			for (unsigned k = 0; k < peak; k++)
				spawn(30000000);
			peaks++;
		}
		while (next <= now) {
			rnd ^= rnd << 13;
			rnd ^= rnd >> 17;
			rnd ^= rnd << 5;
			spawn(100000 + rnd % 2900000);
			next += step;
		}
		reap();
		nap_us(next > now ? next - now : 0);
	}
	fprintf(stderr, "churn: %u children forked, %u forks failed\n", forked, failed);
	return 0;
}
