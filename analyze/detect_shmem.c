/* detect_shmem.c - shmem-growth: tmpfs / shared memory (OpenWrt keeps its
 * logs in /tmp) grows until memory runs short.  Nothing per-process tells
 * who wrote the files, so the culprit is null. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>

int detect_shmem(const struct actx *c, struct finding *f)
{
	double h = hmean(c, M_SHMEM), fv = fmax_(c, M_SHMEM), grow = fv - h;
	double avail = fmean(c, M_MEMAVAIL);
	if (c->memtotal_kb <= 0 || grow < fmax(16 * 1024, 0.05 * c->memtotal_kb) || avail / c->memtotal_kb >= 0.15)
		return 0;
	double share = grow / c->memtotal_kb;
	f->score = 0.5 + 0.45 * fmin(1, share / 0.3);
	char a[32], b[32], g[32];
	snprintf(f->summary, sizeof f->summary, "shared memory / tmpfs grew from %s to %s (+%s, %.0f%% of RAM); memory ran short",
		 fmt_kb(h, a, sizeof a), fmt_kb(fv, b, sizeof b), fmt_kb(grow, g, sizeof g), 100 * share);
	add_ev(f, "shmem_kb", h, fv, "kB");
	add_ev(f, "memavailable_kb", hmean(c, M_MEMAVAIL), avail, "kB");
	add_ev(f, "cached_kb", hmean(c, M_CACHED), fmin_(c, M_CACHED), "kB");
	detail_add(f, "look for big files in tmpfs mounts (df -h /tmp /dev/shm) and SysV/POSIX shared memory (ipcs -m)");
	return 1;
}
