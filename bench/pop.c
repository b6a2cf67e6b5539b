/* pop.c - bench population: N sleeping processes with 2 extra threads
 * each.  Writes their pids to PIDFILE (one a line, then "done") and
 * returns; the caller stops them by pid.  alarm() keeps strays bounded. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: pop N PIDFILE\n");
		return 2;
	}
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
			pthread_create(&t, NULL, sleeper, NULL);
			pthread_create(&t, NULL, sleeper, NULL);
			sleeper(NULL);
		}
		fprintf(f, "%d\n", (int)p);
	}
	fprintf(f, "done\n");
	fclose(f);
	return 0;
}
