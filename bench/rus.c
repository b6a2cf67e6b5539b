/* rus.c - rus OUT CMD ARGS...: runs CMD, writes "cpu_us maxrss_kb" of it
 * (wait4's rusage: user+system time, peak RSS) to OUT. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	pid_t p = fork();
	if (p == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(p, &st, 0, &ru) < 0)
		return 1;
	FILE *f = fopen(argv[1], "w");
	if (!f)
		return 1;
	long long us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	fprintf(f, "%lld %ld\n", us, ru.ru_maxrss);
	fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
