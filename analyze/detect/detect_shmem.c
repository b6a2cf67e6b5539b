/* detect_shmem.c - shmem-growth: tmpfs / shared memory (OpenWrt keeps its
 * logs in /tmp) grows until memory runs short.  Nothing per-process tells
 * who wrote the files, so the culprit is null.
 *
 * Memory can run short for the whole machine or inside a memory cgroup
 * (tmpfs pages are charged to the cgroup of the writer): both are checked,
 * each against its own size. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>

/* The cgroup whose shmem grew most while it was near its limit. */
static const struct entity *cg_grower(const struct actx *c, double *h, double *fv, double *lim, double *use)
{
	const struct model *fm = c->fm;
	const struct entity *best = NULL;
	double bgrow = 0;
	int fa = c->fa, fb = c->fb;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *g = &fm->ents[i];
		if (g->kind != ENT_CGROUP)
			continue;
		double l = ent_max(fm, g, CF_LIMIT, fa, fb);
		if (!(l > 0) || l >= c->memtotal_kb)
			continue;
		/* the healthy window, or the fault's own start when the healthy
		 * figures live in another capture */
		double base = c->hm == fm ? cg_mean(fm, g, CF_SHMEM_SUM, c->ha, c->hb)
					  : cg_mean(fm, g, CF_SHMEM_SUM, fa, fa + (fb - fa) / 10 + 1);
		double top = cg_peak(fm, g, CF_SHMEM_SUM, fa, fb);
		double u = cg_peak(fm, g, CF_USAGE_SUM, fa, fb);
		if (isnan(base))
			base = 0;
		double grow = top - base;
		if (isnan(grow) || grow < fmax(16 * 1024, 0.05 * l) || u < 0.85 * l || grow <= bgrow)
			continue;
		best = g;
		bgrow = grow;
		*h = base;
		*fv = top;
		*lim = l;
		*use = u;
	}
	return best;
}

int detect_shmem(const struct actx *c, struct finding *f)
{
	char a[32], b[32], g[32];
	double h = hmean(c, M_SHMEM), fv = fmax_(c, M_SHMEM), grow = fv - h;
	double avail = fmean(c, M_MEMAVAIL);
	if (c->memtotal_kb > 0 && grow >= fmax(16 * 1024, 0.05 * c->memtotal_kb) && avail / c->memtotal_kb < 0.15) {
		double share = grow / c->memtotal_kb;
		f->score = 0.5 + 0.45 * fmin(1, share / 0.3);
		snprintf(f->summary, sizeof f->summary,
			 "shared memory / tmpfs grew from %s to %s (+%s, %.0f%% of RAM); memory ran short",
			 fmt_kb(h, a, sizeof a), fmt_kb(fv, b, sizeof b), fmt_kb(grow, g, sizeof g), 100 * share);
		add_ev(f, "shmem_kb", h, fv, "kB");
		add_ev(f, "memavailable_kb", hmean(c, M_MEMAVAIL), avail, "kB");
		add_ev(f, "cached_kb", hmean(c, M_CACHED), fmin_(c, M_CACHED), "kB");
	} else {
		double lim = NAN, use = NAN;
		const struct entity *cg = cg_grower(c, &h, &fv, &lim, &use);
		if (!cg)
			return 0;
		grow = fv - h;
		double share = grow / lim;
		f->score = 0.5 + 0.45 * fmin(1, share / 0.3);
		snprintf(f->summary, sizeof f->summary,
			 "shared memory / tmpfs in memory cgroup %s grew from %s to %s (+%s, %.0f%% of its limit); "
			 "the cgroup hit its limit", cg->name, fmt_kb(h, a, sizeof a), fmt_kb(fv, b, sizeof b),
			 fmt_kb(grow, g, sizeof g), 100 * share);
		add_ev(f, "cgroup_shmem_kb", h, fv, "kB");
		add_ev(f, "cgroup_usage_kb", NAN, use, "kB");
		add_ev(f, "cgroup_limit_kb", NAN, lim, "kB");
		add_ev(f, "shmem_kb", hmean(c, M_SHMEM), fmax_(c, M_SHMEM), "kB");
	}
	detail_add(f, "look for big files in tmpfs mounts (df -h /tmp /dev/shm) and SysV/POSIX shared memory (ipcs -m)");
	return 1;
}
