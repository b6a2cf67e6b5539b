/* pair.c - pair -n RUNS -- CMD_A ARGS -- CMD_B ARGS: runs A and B in turn,
 * A B A B ..., stdout and stderr to /dev/null, and prints per command the
 * median wall and CPU seconds and peak RSS, then the median of the RUNS
 * pairwise wall ratios A/B, and of the CPU ratios (steadier than wall
 * when other work shares the machine).  Pairs, because the machines this runs on are
 * shared: a slow spell slows both sides of a pair, and the ratio holds.
 * Needs nothing but libc (no GNU time, bc or python on a fresh system). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXRUNS 101

struct fig { double wall, cpu; long rss_kb; };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(char **argv, struct fig *f)
{
	double t0 = now();
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(p, &st, 0, &ru) < 0)
		return -1;
	f->wall = now() - t0;
	f->cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	f->rss_kb = ru.ru_maxrss;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "pair: %s exited with status %d\n", argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -1;
	}
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int n = 5, i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "-n")) {
		n = atoi(argv[i + 1]);
		i += 2;
	}
	if (n < 1 || n > MAXRUNS || i >= argc || strcmp(argv[i], "--")) {
		fprintf(stderr, "usage: pair [-n RUNS] -- CMD_A [ARG...] -- CMD_B [ARG...]\n");
		return 2;
	}
	char **a = argv + i + 1, **b = NULL;
	for (int k = i + 1; k < argc; k++)
		if (!strcmp(argv[k], "--")) {
			argv[k] = NULL;
			b = argv + k + 1;
			break;
		}
	if (!b || !*a || !*b) {
		fprintf(stderr, "usage: pair [-n RUNS] -- CMD_A [ARG...] -- CMD_B [ARG...]\n");
		return 2;
	}
	struct fig fa, fb;
	/* one warm-up pair: page cache, first-touch costs */
	if (run(a, &fa) || run(b, &fb))
		return 1;
	double aw[MAXRUNS], ac[MAXRUNS], ar[MAXRUNS], bw[MAXRUNS], bc[MAXRUNS], br[MAXRUNS], ratio[MAXRUNS];
	double cratio[MAXRUNS];
	for (int k = 0; k < n; k++) {
		if (run(a, &fa) || run(b, &fb))
			return 1;
		aw[k] = fa.wall, ac[k] = fa.cpu, ar[k] = (double)fa.rss_kb;
		bw[k] = fb.wall, bc[k] = fb.cpu, br[k] = (double)fb.rss_kb;
		ratio[k] = fa.wall / (fb.wall > 1e-6 ? fb.wall : 1e-6);
		cratio[k] = fa.cpu / (fb.cpu > 1e-3 ? fb.cpu : 1e-3);
	}
	printf("A_wall=%.3f A_cpu=%.3f A_rss_mb=%.1f\n", median(aw, n), median(ac, n), median(ar, n) / 1024);
	printf("B_wall=%.3f B_cpu=%.3f B_rss_mb=%.1f\n", median(bw, n), median(bc, n), median(br, n) / 1024);
	double lo = ratio[0], hi = ratio[0];
	for (int k = 1; k < n; k++) {
		lo = ratio[k] < lo ? ratio[k] : lo;
		hi = ratio[k] > hi ? ratio[k] : hi;
	}
	printf("ratio=%.2f ratio_min=%.2f ratio_max=%.2f cpu_ratio=%.2f runs=%d\n", median(ratio, n), lo, hi,
	       median(cratio, n), n);
	return 0;
}
