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

/* A mount's used kB in bucket k, NaN where the kernel gave none. */
static double used_at(const struct entity *e, uint32_t k)
{
	const float *v = ent_bucket(e, k, MF_COUNT);
	return v && v[MF_N] > 0 ? v[MF_USED_SUM] / v[MF_N] : NAN;
}

static double bucket_t(const struct model *mo, int k)
{
	int i = k * mo->bw + mo->bw / 2;
	return mo->t[i < mo->nsamples ? i : mo->nsamples - 1];
}

struct mnt { const struct entity *e; double low, peak, total; int kl, kp; };

/* Highest used over [a, b) and the lowest before it (a rise, never a fall). */
static bool mnt_measure(const struct model *mo, const struct entity *e, int a, int b, struct mnt *m)
{
	*m = (struct mnt){ e, NAN, NAN, NAN, -1, -1 };
	int k0 = a / mo->bw, k1 = (b - 1) / mo->bw;
	for (int k = k0; b > a && k <= k1; k++) {
		double x = used_at(e, (uint32_t)k);
		if (!isnan(x) && (isnan(m->peak) || x > m->peak)) {
			m->peak = x;
			m->kp = k;
		}
	}
	if (m->kp < 0)
		return false;
	for (int k = k0; k <= m->kp; k++) {
		double x = used_at(e, (uint32_t)k);
		if (!isnan(x) && (isnan(m->low) || x <= m->low)) { /* the last: "while it grew" */
			m->low = x;
			m->kl = k;
		}
	}
	m->total = ent_max(mo, e, MF_TOTAL_MAX, a, b);
	return true;
}

static const char *mount_words(const struct actx *c, int a, int b, double grow_kb, struct finding *f, char *buf,
			       size_t n)
{
	char w[200];
	shmem_mount(c, a, b, grow_kb, f, w, sizeof w);
	buf[0] = 0;
	sappend(buf, n, "%s%s", f->mount.path[0] && !f->mount.grows ?
		 "no tmpfs mount grew by as much (SysV shared memory and memfd are in none); " : "", w);
	return buf;
}

const char *shmem_mount(const struct actx *c, int a, int b, double want_grow_kb, struct finding *f, char *buf,
			size_t n)
{
	const struct model *fm = c->fm;
	struct mnt grow = { 0 }, full = { 0 }, m;
	const struct entity *ramfs = NULL;
	int nmnt = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind != ENT_MOUNT)
			continue;
		nmnt++;
		if (!mnt_measure(fm, e, a, b, &m)) {
			if (ent_sum(fm, e, MF_SEEN, a, b) > 0)
				ramfs = e;
			continue;
		}
		if (!grow.e || m.peak - m.low > grow.peak - grow.low)
			grow = m;
		if (!full.e || m.peak > full.peak)
			full = m;
	}
	buf[0] = 0;
	if (!nmnt)
		return snprintf(buf, n, "mount usage not recorded in this capture"), buf;
	bool grows = want_grow_kb > 0 && grow.e && grow.peak - grow.low >= fmax(4 * 1024, 0.25 * want_grow_kb);
	const struct mnt *x = grows ? &grow : full.e ? &full : NULL;
	if (!x) {
		snprintf(buf, n, "no tmpfs mount reports its usage%s%s%s", ramfs ? " (ramfs " : "", ramfs ? ramfs->name : "",
			 ramfs ? ": the kernel keeps no count)" : "");
		return buf;
	}
	double dt = x->kp > x->kl ? bucket_t(fm, x->kp) - bucket_t(fm, x->kl) : 0;
	snprintf(f->mount.path, sizeof f->mount.path, "%s", x->e->name);
	f->mount.low_kb = x->low;
	f->mount.used_kb = x->peak;
	f->mount.total_kb = x->total > 0 ? x->total : NAN;
	f->mount.rate_kb_ps = dt > 0 ? (x->peak - x->low) / dt : NAN;
	f->mount.grows = grows;
	char u[32], t[32], g[32], r[32];
	fmt_kb(x->peak, u, sizeof u);
	if (x->total > 0)
		fmt_kb(x->total, t, sizeof t);
	else
		snprintf(t, sizeof t, "no set size");
	if (grows)
		snprintf(buf, n, "the mount that grows: %s, %s used of %s (+%s, %s/s while it grew)", x->e->name, u, t,
			 fmt_kb(x->peak - x->low, g, sizeof g), fmt_kb(f->mount.rate_kb_ps, r, sizeof r));
	else
		snprintf(buf, n, "the fullest tmpfs mount: %s, %s used of %s", x->e->name, u, t);
	return buf;
}

double proc_shmem_kb(const struct model *mo, const struct entity *e, int a, int b)
{
	double best = NAN;
	int nf = ent_nfields(ENT_PROC);
	for (int k = a / mo->bw; b > a && k <= (b - 1) / mo->bw; k++) {
		const float *v = ent_bucket(e, (uint32_t)k, nf);
		if (v && v[PF_HELD_N] > 0 && !(v[PF_SHMEM_SUM] / v[PF_HELD_N] <= best))
			best = v[PF_SHMEM_SUM] / v[PF_HELD_N];
	}
	return best;
}

void holder_shmem(const struct actx *c, const struct entity *e, double held_kb, struct finding *f)
{
	double shm = proc_shmem_kb(c->fm, e, c->fa, c->fb);
	if (!(shm >= 16 * 1024) || !(shm >= 0.5 * held_kb))
		return;
	char s[32], mw[200];
	shmem_mount(c, c->fa, c->fb, shm, f, mw, sizeof mw);
	sappend(f->summary, sizeof f->summary, "; %s of it is shmem (RssShmem): %s", fmt_kb(shm, s, sizeof s), mw);
	add_ev(f, "rss_shmem_kb", NAN, shm, "kB");
	if (f->mount.path[0]) {
		add_ev(f, "mount_used_kb", NAN, f->mount.used_kb, "kB");
		add_ev(f, "mount_total_kb", NAN, f->mount.total_kb, "kB");
		detail_add(f, "its shared memory is in a tmpfs or in SysV/POSIX shared memory: look at %s (du -sh %s/*) and ipcs -m",
			   f->mount.path, f->mount.path);
	}
}

static void mount_ev(struct finding *f)
{
	if (!f->mount.path[0])
		return;
	add_ev(f, "mount_used_kb", f->mount.low_kb, f->mount.used_kb, "kB");
	add_ev(f, "mount_total_kb", NAN, f->mount.total_kb, "kB");
	if (f->mount.grows)
		add_ev(f, "mount_growth_kb_ps", NAN, f->mount.rate_kb_ps, "kB/s");
}

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
	char a[32], b[32], g[32], mw[300];
	/* from the healthy window on, when it is in this capture: a tmpfs
	 * fills before memory runs short */
	int ma = c->hm == c->fm && c->hb > c->ha && c->ha < c->fa ? c->ha : c->fa;
	double h = hmean(c, M_SHMEM), fv = fmax_(c, M_SHMEM), grow = fv - h;
	double avail = fmean(c, M_MEMAVAIL);
	if (c->memtotal_kb > 0 && grow >= fmax(16 * 1024, 0.05 * c->memtotal_kb) && avail / c->memtotal_kb < 0.15) {
		double share = grow / c->memtotal_kb;
		f->score = 0.5 + 0.45 * fmin(1, share / 0.3);
		snprintf(f->summary, sizeof f->summary,
			 "shared memory / tmpfs grew from %s to %s (+%s, %.0f%% of RAM); memory ran short; %s",
			 fmt_kb(h, a, sizeof a), fmt_kb(fv, b, sizeof b), fmt_kb(grow, g, sizeof g), 100 * share,
			 mount_words(c, ma, c->fb, grow, f, mw, sizeof mw));
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
			 "the cgroup hit its limit; %s", cg->name, fmt_kb(h, a, sizeof a), fmt_kb(fv, b, sizeof b),
			 fmt_kb(grow, g, sizeof g), 100 * share, mount_words(c, ma, c->fb, grow, f, mw, sizeof mw));
		add_ev(f, "cgroup_shmem_kb", h, fv, "kB");
		add_ev(f, "cgroup_usage_kb", NAN, use, "kB");
		add_ev(f, "cgroup_limit_kb", NAN, lim, "kB");
		add_ev(f, "shmem_kb", hmean(c, M_SHMEM), fmax_(c, M_SHMEM), "kB");
	}
	mount_ev(f);
	if (f->mount.path[0] && f->mount.grows)
		detail_add(f, "look for big files in %s (du -sh %s/*), and SysV/POSIX shared memory (ipcs -m)",
			   f->mount.path, f->mount.path);
	else
		detail_add(f, "look for big files in tmpfs mounts (df -h /tmp /dev/shm) and SysV/POSIX shared memory (ipcs -m)");
	return 1;
}
