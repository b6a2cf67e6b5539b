/* app.c - guest workload for tests/qemu: an "application" that serves
 * requests from a file it maps, like the field box's app and tracker.
 *
 *   app FILE [SEED [SECONDS]]
 *
 * Maps FILE read-only (MADV_RANDOM, so every fault is one page read, as on a
 * small-readahead eMMC) and serves requests forever: each touches 64 random
 * pages, then the app sleeps 10 ms.  While the file fits in the page cache
 * the app is mostly asleep; once a leak squeezes the cache it sits in D in
 * filemap_fault.  alarm() ends it after SECONDS (default 300) whatever
 * happens to the script that started it.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: app FILE [SEED [SECONDS]]\n", stderr);
		return 2;
	}
	unsigned long x = argc > 2 ? strtoul(argv[2], NULL, 10) * 2654435761UL + 88172645UL : 88172645UL;
	alarm(argc > 3 ? (unsigned)atoi(argv[3]) : 300);
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	long pg = sysconf(_SC_PAGESIZE);
	unsigned long npages = (unsigned long)(st.st_size / pg);
	if (!npages) {
		fprintf(stderr, "app: %s is empty\n", argv[1]);
		return 1;
	}
	volatile unsigned char *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise((void *)p, (size_t)st.st_size, MADV_RANDOM);
	const struct timespec nap = { 0, 10 * 1000 * 1000 };
	unsigned sum = 0;
	for (;;) {
		for (int i = 0; i < 64; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			sum += p[(x % npages) * (unsigned long)pg];
		}
		nanosleep(&nap, NULL);
		if (sum == 0xdeadbeef)	/* keep the reads */
			fputc('.', stderr);
	}
}
