/* detect_leak.c - memory-leak: the process whose RSS grows until memory
 * runs short.  Rule in detectors.def.  Healthy RSS is the lowest bucket
 * mean in the healthy window (0 when the process was not running yet);
 * faulty RSS the highest bucket mean in the faulty window, so a leak that
 * starts mid-window still shows its whole growth. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Lowest / highest held (anon + shmem + swap) over [a, b), NaN if not recorded. */
static double held_ext(const struct model *mo, const struct entity *e, int a, int b, bool hi)
{
	double m = NAN;
	for (uint32_t k = (uint32_t)(a / mo->bw); b > a && k <= (uint32_t)((b - 1) / mo->bw); k++) {
		double x = proc_held_at(e, k);
		if (!isnan(x) && (isnan(m) || (hi ? x > m : x < m)))
			m = x;
	}
	return m;
}

static double rss_min(const struct model *mo, const struct entity *e, int a, int b)
{
	double m = NAN;
	if (b <= a)
		return m;
	for (uint32_t k = (uint32_t)(a / mo->bw); k <= (uint32_t)((b - 1) / mo->bw); k++) {
		double x = proc_rss_at(e, k);
		if (!isnan(x) && (isnan(m) || x < m))
			m = x;
	}
	return m;
}

static double rss_max(const struct model *mo, const struct entity *e, int a, int b)
{
	double m = NAN;
	if (b <= a)
		return m;
	for (uint32_t k = (uint32_t)(a / mo->bw); k <= (uint32_t)((b - 1) / mo->bw); k++) {
		double x = proc_rss_at(e, k);
		if (!isnan(x) && (isnan(m) || x > m))
			m = x;
	}
	return m;
}

/* How fast it grew while it grew (kB/s): from 10% to 90% of its rise.  A
 * leak often grows fast and then holds; a fit over its whole life would
 * blend the two. */
static double rss_slope(const struct model *mo, const struct entity *e, int end)
{
	double lo = NAN, hi = NAN;
	for (uint32_t k = e->b0; k < e->b0 + e->n && (int)(k * (uint32_t)mo->bw) < end; k++) {
		double y = proc_rss_at(e, k);
		if (isnan(y))
			continue;
		if (isnan(lo) || y < lo)
			lo = y;
		if (isnan(hi) || y > hi)
			hi = y;
	}
	if (isnan(lo) || hi <= lo)
		return NAN;
	double t10 = NAN, t90 = NAN, floor_ = lo;
	for (uint32_t k = e->b0; k < e->b0 + e->n && (int)(k * (uint32_t)mo->bw) < end; k++) {
		double y = proc_rss_at(e, k);
		int s = (int)(k * (uint32_t)mo->bw) + mo->bw / 2;
		if (isnan(y) || s >= mo->nsamples)
			continue;
		if (isnan(t10) && y >= floor_ + 0.1 * (hi - lo))
			t10 = mo->t[s];
		if (isnan(t90) && y >= floor_ + 0.9 * (hi - lo))
			t90 = mo->t[s];
	}
	if (isnan(t10) || isnan(t90) || t90 <= t10)
		return NAN;
	return 0.8 * (hi - lo) / (t90 - t10);
}

/* "10 MB/s", "3.0 MB/min", "12 MB/h": the unit a person reads best. */
static void fmt_rate(char *buf, size_t n, double kb_per_s)
{
	double mb = kb_per_s / 1024;
	if (mb >= 1)
		snprintf(buf, n, "%.1f MB/s", mb);
	else if (mb * 60 >= 1)
		snprintf(buf, n, "%.1f MB/min", mb * 60);
	else
		snprintf(buf, n, "%.1f MB/h", mb * 3600);
}

/* RSS counts mapped file pages too: an app touching more of its mmapped
 * data grows without leaking.  Anonymous memory (its cgroup's, else the
 * machine's AnonPages) must have grown by at least half as much. */
static bool anon_grew(const struct actx *c, const struct entity *e, double grow)
{
	const struct model *fm = c->fm;
	/* the process's own anonymous memory, where recorded, settles it */
	if (proc_held_known(fm, e, c->fa, c->fb)) {
		double top = held_ext(fm, e, c->fa, c->fb, true);
		double low = c->hm == fm ? held_ext(fm, e, c->ha, c->hb, false) : NAN;
		/* a baseline from another boot or device: the same program by
		 * name, never the same pid */
		for (size_t j = 0; c->hm != fm && j < c->hm->nents; j++) {
			const struct entity *g = &c->hm->ents[j];
			if (g->kind != ENT_PROC || strcmp(g->name, e->name))
				continue;
			double x = held_ext(c->hm, g, c->ha, c->hb, false);
			if (isnan(x))
				x = rss_min(c->hm, g, c->ha, c->hb);
			if (!isnan(x) && (isnan(low) || x > low))
				low = x;
		}
		if (isnan(low))
			low = e->first_sample >= c->fa ? 0 : held_ext(fm, e, c->fa, c->fb, false);
		return top - low >= 0.5 * grow;
	}
	/* Otherwise the domain's anonymous memory must have grown with it,
	 * at the same time: measured where the process was lowest and where
	 * it peaked.  A bystander refilling file pages after an OOM kill
	 * grows while the domain's anon shrinks. */
	double lim, use;
	const struct entity *cg = proc_cgroup(fm, e, c->fa, c->fb, &lim, &use);
	int kp = proc_rss_bucket(fm, e, c->fa, c->fb, true);
	int kl = c->hm == fm ? proc_rss_bucket(fm, e, c->ha, c->hb, false) : -1;
	double after = kp >= 0 ? domain_anon_at(fm, cg, (uint32_t)kp) : NAN, before = NAN;
	if (kl >= 0)
		before = domain_anon_at(fm, cg, (uint32_t)kl);
	else if (c->hm == fm && c->hb > c->ha)
		before = cg ? cg_mean(fm, cg, CF_ANON_SUM, c->ha, c->hb) + fmax(0, cg_mean(fm, cg, CF_SHMEM_SUM, c->ha, c->hb))
			    : hmean(c, M_ANON) + hmean(c, M_SHMEM);
	if (isnan(after) || isnan(before)) {
		after = fmax_(c, M_ANON);
		before = hmean(c, M_ANON);
	}
	if (isnan(after) || isnan(before))
		return true; /* nothing to check against: trust RSS */
	return after - before >= 0.5 * grow;
}

int detect_leak(const struct actx *c, struct finding *f)
{
	const struct model *fm = c->fm, *hm = c->hm;
	/* with no onset the healthy figures come from inside the fault:
	 * the memory-hog detector names the holder instead */
	if (onset_unseen(c))
		return 0;
	const struct entity *best = NULL;
	double bh = 0, bf = 0, bgrow = 0, bbase = 0;
	int growers = 0;
	char others[400] = "";
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind != ENT_PROC || e->kthread)
			continue;
		double fv = rss_max(fm, e, c->fa, c->fb);
		if (isnan(fv))
			continue;
		double hv = NAN;
		if (hm == fm) {
			hv = rss_min(fm, e, c->ha, c->hb);
		} else {
			for (size_t j = 0; j < hm->nents; j++) {
				const struct entity *g = &hm->ents[j];
				if (g->kind == ENT_PROC && !strcmp(g->name, e->name)) {
					double x = rss_min(hm, g, c->ha, c->hb);
					if (!isnan(x) && (isnan(hv) || x > hv))
						hv = x;
				}
			}
		}
		if (isnan(hv))
			hv = 0; /* not running while healthy */
		double grow = fv - hv;
		double lim, use;
		proc_cgroup(fm, e, c->fa, c->fb, &lim, &use);
		double base = !isnan(lim) && lim < c->memtotal_kb ? lim : c->memtotal_kb;
		double thr = fmax(16 * 1024, 0.05 * base);
		if (grow < thr || !anon_grew(c, e, grow))
			continue;
		growers++;
		if (!best || grow > bgrow) {
			if (best && strlen(others) < 300) {
				char b1[32];
				sappend(others, sizeof others, "%s%s (pid %u) +%s",
					 others[0] ? ", " : "", best->name, best->pid, fmt_kb(bgrow, b1, sizeof b1));
			}
			best = e; bh = hv; bf = fv; bgrow = grow; bbase = base;
		} else if (strlen(others) < 300) {
			char b1[32];
			sappend(others, sizeof others, "%s%s (pid %u) +%s",
				 others[0] ? ", " : "", e->name, e->pid, fmt_kb(grow, b1, sizeof b1));
		}
	}
	if (!best)
		return 0;
	/* is memory short?  globally, in the process's cgroup, or by reclaim */
	double avail_f = fmean(c, M_MEMAVAIL), avail_h = hmean(c, M_MEMAVAIL);
	bool glob = c->memtotal_kb > 0 && avail_f > 0 && avail_f / c->memtotal_kb < 0.15;
	double lim, use;
	const struct entity *cg = proc_cgroup(fm, best, c->fa, c->fb, &lim, &use);
	bool cgshort = cg && use / lim >= 0.85;
	double fl = fmean(c, M_MAJFLT) + fmean(c, M_REFAULT), hl = hmean(c, M_MAJFLT) + hmean(c, M_REFAULT);
	bool rec = fl >= 100 && fl >= 5 * hl;
	double share = bbase > 0 ? bgrow / bbase : 0;
	if (!glob && !cgshort && !rec && share < 0.3)
		return 0;
	f->pid = best->pid;
	snprintf(f->comm, sizeof f->comm, "%s", best->name);
	bool pressure = glob || cgshort || rec;
	f->score = pressure ? 0.55 + 0.4 * fmin(1, share / 0.3) : 0.3 + 0.2 * fmin(1, share);
	char h1[32], f1[32], g1[32];
	double slope = rss_slope(fm, best, c->fb);
	char sl[64] = "";
	if (!isnan(slope) && slope > 0) {
		char rt[32];
		fmt_rate(rt, sizeof rt, slope);
		snprintf(sl, sizeof sl, ", growing %s while it grew", rt);
	}
	snprintf(f->summary, sizeof f->summary,
		 "%s (pid %u) grew from %s to %s RSS (+%s, %.0f%% of %s%s)%s",
		 best->name, best->pid, bh > 0 ? fmt_kb(bh, h1, sizeof h1) : "nothing (not running)",
		 fmt_kb(bf, f1, sizeof f1), fmt_kb(bgrow, g1, sizeof g1), 100 * share,
		 cg && lim < c->memtotal_kb ? "its cgroup's limit" : "RAM", sl,
		 glob ? "; memory ran short" : cgshort ? "; its cgroup hit the limit" : rec ? "; the kernel began refaulting pages" : "");
	holder_shmem(c, best, bf, f);
	add_ev(f, "rss_kb", bh, bf, "kB");
	if (!isnan(slope))
		add_ev(f, "rss_slope_kb_per_h", NAN, slope * 3600, "kB/h");
	add_ev(f, "memavailable_kb", avail_h, avail_f, "kB");
	add_ev(f, "memfree_kb", hmean(c, M_MEMFREE), fmin_(c, M_MEMFREE), "kB");
	add_ev(f, "cached_kb", hmean(c, M_CACHED), fmin_(c, M_CACHED), "kB");
	if (cg) {
		add_ev(f, "cgroup_usage_kb", NAN, use, "kB");
		add_ev(f, "cgroup_limit_kb", NAN, lim, "kB");
		detail_add(f, "runs in memory cgroup %s (limit %s)", cg->name, fmt_kb(lim, g1, sizeof g1));
	}
	if (growers > 1)
		detail_add(f, "other growers: %s", others);
	return 1;
}
