/* detect_hog.c - memory-hog: who holds the memory the kernel is short of.
 *
 * A technician often starts capture on a box that is already sick: no
 * healthy window, no onset, so no growth to compare.  What is left is a
 * snapshot of who holds memory in the domain under pressure (the tightest
 * memory cgroup near its limit, else the machine) and what the kernel
 * itself printed when it killed for memory.  The holder of most of it is
 * named by its share; when its growth is seen inside the capture it is a
 * leak, when tmpfs holds more than any process it is shmem.
 *
 * stat RSS counts mapped file pages, so where RssAnon is not recorded a
 * process's RSS is capped by the domain's anonymous memory and a process
 * that faults its pages back from disk is never named: it is the squeeze's
 * victim (an app re-reading its code, the page cache refilling after an
 * OOM kill).
 */
#include "detect.h"
#include "kdump.h"
#include "stacks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the OOM report */

struct oom_info {
	bool have;
	long pid;
	char comm[64];
	double anon_kb, file_kb, shmem_kb;  /* the victim's, from "Killed process" */
	double limit_kb;                    /* memcg limit from "memory: usage ..., limit" */
	char memcg[128];                    /* oom_memcg=, "" when global */
	int sample;
	char other_comm[64];                /* the largest other task in the kernel's table */
	double other_kb;
};

/* A figure the kernel printed, NaN where it printed none. */
static double known(long v)
{
	return v < 0 ? NAN : (double)v;
}

/* What a row of the kernel's task table holds: anon (RSS where the
 * kernel has no rss_anon column) + shmem + swap, in kB. */
static double row_held_kb(const struct kd_oom_task *t, double page_kb)
{
	long held = t->rss_anon >= 0 ? t->rss_anon : t->rss;
	if (held < 0)
		return 0;
	double pages = (double)held;
	if (t->rss_anon >= 0 && t->rss_shmem >= 0)
		pages += (double)t->rss_shmem;
	if (t->swapents >= 0)
		pages += (double)t->swapents;
	return pages * page_kb;
}

/* The last OOM kill in the capture's kernel log (kdump parses the
 * report), and the largest other holder in its task table. */
static void oom_parse(const struct actx *c, struct oom_info *o)
{
	const struct model *mo = c->fm;
	memset(o, 0, sizeof *o);
	o->pid = -1;
	const struct kd_dump *d = NULL;
	for (size_t i = 0; c->kd && i < kd_ndumps(c->kd); i++) {
		const struct kd_dump *x = kd_dump_at(c->kd, i);
		if (x->kind == KD_OOM && x->oom_victim_pid >= 0 && x->oom_victim_comm)
			d = x;
	}
	if (!d)
		return;
	o->have = true;
	o->pid = d->oom_victim_pid;
	snprintf(o->comm, sizeof o->comm, "%s", d->oom_victim_comm);
	o->anon_kb = known(d->oom_victim_anon_kb);
	o->file_kb = known(d->oom_victim_file_kb);
	o->shmem_kb = known(d->oom_victim_shmem_kb);
	o->limit_kb = known(d->oom_limit_kb);
	snprintf(o->memcg, sizeof o->memcg, "%s", d->oom_memcg ? d->oom_memcg : "");
	o->sample = stacks_line_sample(mo, d->oom_kill_line);
	/* the table's two largest holders, to say whether the victim stood out */
	double page_kb = (mo->hdr.page_size ? mo->hdr.page_size : 4096) / 1024.0;
	double t1 = 0, t2 = 0;
	const char *c1 = "", *c2 = "";
	long p1 = -1;
	for (size_t i = 0; i < d->noom_tasks; i++) {
		const struct kd_oom_task *t = &d->oom_tasks[i];
		double kb = row_held_kb(t, page_kb);
		if (kb > t1) {
			t2 = t1, c2 = c1;
			t1 = kb, c1 = t->name, p1 = t->pid;
		} else if (kb > t2) {
			t2 = kb, c2 = t->name;
		}
	}
	o->other_kb = p1 == o->pid ? t2 : t1;
	snprintf(o->other_comm, sizeof o->other_comm, "%s", p1 == o->pid ? c2 : c1);
}

/* ------------------------------------------------------------ the domain */

struct domain {
	const struct entity *cg;   /* NULL: the machine */
	double size_kb, anon_kb, shmem_kb, file_lo_kb, file_hi_kb, refault_ps;
	bool pressure;
};

/* Lowest bucket mean of a cgroup field over [a, b). */
static double cg_low(const struct model *mo, const struct entity *g, int f, int a, int b)
{
	double best = NAN;
	int nf = ent_nfields(ENT_CGROUP);
	for (int bi = a / mo->bw; b > a && bi <= (b - 1) / mo->bw; bi++) {
		const float *v = ent_bucket(g, (uint32_t)bi, nf);
		if (v && v[CF_SAMPLES] > 0 && !(v[f] / v[CF_SAMPLES] >= best))
			best = v[f] / v[CF_SAMPLES];
	}
	return best;
}

static void pick_domain(const struct actx *c, struct domain *d)
{
	const struct model *fm = c->fm;
	int a = c->fa, b = c->fb;
	double secs = (b - a) * c->interval_s;
	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *g = &fm->ents[i];
		if (g->kind != ENT_CGROUP)
			continue;
		double lim = ent_max(fm, g, CF_LIMIT, a, b);
		if (!(lim > 0) || (c->memtotal_kb > 0 && lim >= c->memtotal_kb))
			continue;
		double use = cg_mean(fm, g, CF_USAGE_SUM, a, b), top = cg_peak(fm, g, CF_USAGE_SUM, a, b);
		if (!(use >= 0.85 * lim) && !(top >= 0.9 * lim))
			continue;
		double anon = cg_peak(fm, g, CF_ANON_SUM, a, b), shm = cg_peak(fm, g, CF_SHMEM_SUM, a, b);
		anon = isnan(anon) ? 0 : anon;
		shm = isnan(shm) ? 0 : shm;
		double rate = (ent_sum(fm, g, CF_REFAULT, a, b) + ent_sum(fm, g, CF_MAJFLT, a, b)) / (secs > 0 ? secs : 1);
		bool pressure = anon + shm >= 0.5 * lim || rate >= 50;
		if (!pressure || (d->cg && lim >= d->size_kb))
			continue;
		d->cg = g;
		d->size_kb = lim;
		d->anon_kb = anon;
		d->shmem_kb = shm;
		d->file_lo_kb = cg_low(fm, g, CF_FILE_SUM, a, b);
		d->file_hi_kb = cg_peak(fm, g, CF_FILE_SUM, a, b);
		d->refault_ps = rate;
		d->pressure = true;
	}
	if (d->cg)
		return;
	double avail = fmean(c, M_MEMAVAIL);
	d->size_kb = c->memtotal_kb;
	d->anon_kb = fmax_(c, M_ANON);
	d->shmem_kb = fmax_(c, M_SHMEM);
	d->file_lo_kb = fmin_(c, M_CACHED);
	d->file_hi_kb = fmax_(c, M_CACHED);
	d->refault_ps = fmean(c, M_REFAULT) + fmean(c, M_MAJFLT);
	d->pressure = c->memtotal_kb > 0 && avail > 0 && avail / c->memtotal_kb < 0.15;
}

/* ------------------------------------------------------------ the holder */

struct holder {
	const struct entity *e;
	double held, low, grow;  /* kB: peak held in the window, lowest before it, the rise */
	bool exact;              /* RssAnon recorded, not stat RSS */
	int klow, kpeak;         /* their buckets */
};


/* Peak of a process's memory over [a, b) and the lowest value before the
 * peak (a rise, never a fall), with their buckets.  held when recorded,
 * else RSS. */
static bool measure(const struct model *mo, const struct entity *e, int a, int b, bool exact, double *peak,
		    double *low, int *kpeak, int *klow)
{
	*peak = *low = NAN;
	*kpeak = *klow = -1;
	for (uint32_t k = (uint32_t)(a / mo->bw); b > a && k <= (uint32_t)((b - 1) / mo->bw); k++) {
		double x = exact ? proc_held_at(e, k) : proc_rss_at(e, k);
		if (!isnan(x) && (isnan(*peak) || x > *peak)) {
			*peak = x;
			*kpeak = (int)k;
		}
	}
	if (isnan(*peak))
		return false;
	for (uint32_t k = (uint32_t)(a / mo->bw); k <= (uint32_t)*kpeak; k++) {
		double x = exact ? proc_held_at(e, k) : proc_rss_at(e, k);
		if (!isnan(x) && (isnan(*low) || x < *low)) {
			*low = x;
			*klow = (int)k;
		}
	}
	/* born inside the window: it grew from nothing */
	if (e->first_sample > a + 1)
		*low = 0;
	return true;
}

/* Did the domain's anon + shmem grow with the process, at the same time?
 * A process that refills file pages (after an OOM kill, re-reading its
 * data) grows while the domain's anonymous memory does not. */
static bool anon_followed(const struct actx *c, const struct domain *d, const struct holder *h)
{
	if (h->exact)
		return true;
	if (h->klow < 0 || h->kpeak < 0)
		return true;
	double lo = domain_anon_at(c->fm, d->cg, (uint32_t)h->klow), hi = domain_anon_at(c->fm, d->cg, (uint32_t)h->kpeak);
	return isnan(lo) || isnan(hi) || hi - lo >= 0.5 * h->grow;
}

static int find_holders(const struct actx *c, const struct domain *d, struct holder *h, int max)
{
	const struct model *fm = c->fm;
	double cap = d->anon_kb + d->shmem_kb;
	double thr = fmax(16 * 1024, 0.05 * d->size_kb);
	int n = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind != ENT_PROC || e->kthread || (d->cg && !cgroup_holds(d->cg->name, e->cgroup)))
			continue;
		bool exact = proc_held_known(fm, e, c->fa, c->fb);
		double peak, low;
		int kp, kl;
		if (!measure(fm, e, c->fa, c->fb, exact, &peak, &low, &kp, &kl) || !(peak > 0))
			continue;
		struct holder x = { e, peak, low, peak - low, exact, kl, kp };
		/* stat RSS counts file pages: what it gained in the window
		 * without the domain's anon gaining too was file pages, not
		 * what the kernel is short of */
		if (!exact && x.grow >= thr && !anon_followed(c, d, &x)) {
			x.held -= x.grow;
			x.grow = 0;
		}
		if (!exact && cap > 0 && x.held > cap)
			x.held = cap;
		if (x.low > x.held)
			x.low = x.held;
		x.grow = x.held - x.low;
		/* the max largest, largest first */
		if (n < max)
			n++;
		else if (h[max - 1].held >= x.held)
			continue;
		int j = n - 1;
		while (j > 0 && h[j - 1].held < x.held) {
			h[j] = h[j - 1];
			j--;
		}
		h[j] = x;
	}
	return n;
}

/* Growth seen: a rise of >= max(16 MB, 5% of the domain) inside the
 * capture, matched by the domain's anon where RssAnon is not recorded. */
static bool growth_seen(const struct actx *c, const struct domain *d, const struct holder *h)
{
	return h->grow >= fmax(16 * 1024, 0.05 * d->size_kb) && anon_followed(c, d, h);
}

/* "2.1 min", "3.5 h", "4 days": a process's age for a person. */
static void fmt_age(char *buf, size_t n, double s)
{
	if (s < 120)
		snprintf(buf, n, "%.0f s", s);
	else if (s < 7200)
		snprintf(buf, n, "%.0f min", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, n, "%.1f h", s / 3600);
	else
		snprintf(buf, n, "%.0f days", s / 86400);
}

/* Seconds the process had lived at its last sample, NaN when unknown. */
static double age_s(const struct model *mo, const struct entity *e)
{
	uint32_t hz = mo->hdr.user_hz ? mo->hdr.user_hz : 100;
	if (!e->start || !mo->hdr.boot_time_us || e->last_sample < 0 || e->last_sample >= mo->nsamples)
		return NAN;
	double now = (double)mo->wall_us[e->last_sample] / 1e6, boot = (double)mo->hdr.boot_time_us / 1e6;
	double age = now - boot - (double)e->start / hz;
	return age > 0 ? age : NAN;
}

static void kernel_side(const struct actx *c, const struct domain *d, struct finding *f)
{
	add_ev(f, d->cg ? "cgroup_file_kb" : "cached_kb", d->file_hi_kb, d->file_lo_kb, "kB");
	add_ev(f, "refault_majflt_ps", NAN, d->refault_ps, "pages/s");
	add_ev(f, "psi_mem_some", NAN, fmean(c, M_PSI_MEM), "% avg10");
	add_ev(f, "psi_io_some", NAN, fmean(c, M_PSI_IO), "% avg10");
	char a[32], b[32];
	detail_add(f, "the kernel's side: %s %s at most, %s at least; %.0f refaults+major faults/s; PSI memory %.1f%%, io %.1f%%",
		   d->cg ? "the cgroup's file pages" : "page cache", fmt_kb(d->file_hi_kb, a, sizeof a),
		   fmt_kb(d->file_lo_kb, b, sizeof b), d->refault_ps, fmean(c, M_PSI_MEM), fmean(c, M_PSI_IO));
}

static const char *domain_words(const struct domain *d, char *buf, size_t n)
{
	char l[32];
	if (d->cg)
		snprintf(buf, n, "its cgroup's limit (%s, %s)", d->cg->name, fmt_kb(d->size_kb, l, sizeof l));
	else
		snprintf(buf, n, "RAM (%s)", fmt_kb(d->size_kb, l, sizeof l));
	return buf;
}

/* The OOM killer's victim: what it held at the kill is the kernel's own
 * figure, the best there is after it is gone. */
static int oom_victim(const struct actx *c, const struct oom_info *o, struct finding *f)
{
	const struct model *fm = c->fm;
	double held = (isnan(o->anon_kb) ? 0 : o->anon_kb) + (isnan(o->shmem_kb) ? 0 : o->shmem_kb);
	double size = o->limit_kb > 0 ? o->limit_kb : c->memtotal_kb;
	if (!(held > 0) || !(size > 0))
		return 0;
	double share = held / size;
	/* the model's own entity for the victim, for its growth */
	const struct entity *e = NULL;
	for (size_t i = 0; i < fm->nents; i++)
		if (fm->ents[i].kind == ENT_PROC && (long)fm->ents[i].pid == o->pid &&
		    fm->ents[i].first_sample <= o->sample && (!e || fm->ents[i].first_sample > e->first_sample))
			e = &fm->ents[i];
	double grow = 0, first = NAN;
	bool seen = false;
	if (e) {
		bool exact = proc_held_known(fm, e, e->first_sample, e->last_sample + 1);
		double peak, low;
		int kp, kl;
		if (measure(fm, e, e->first_sample, e->last_sample + 1, exact, &peak, &low, &kp, &kl)) {
			struct holder x = { e, peak, low, peak - low, exact, kl, kp };
			struct domain d = { 0 };
			double lim, use;
			d.cg = proc_cgroup(fm, e, e->first_sample, e->last_sample + 1, &lim, &use);
			grow = x.grow;
			first = low;
			seen = grow >= fmax(16 * 1024, 0.05 * size) && anon_followed(c, &d, &x);
		}
	}
	f->cid = seen ? CAUSE_MEMORY_LEAK : CAUSE_MEMORY_HOG;
	f->pid = o->pid;
	snprintf(f->comm, sizeof f->comm, "%s", o->comm);
	f->score = 0.9 + 0.07 * fmin(1, share / 0.5);
	char a[32], b[32], g[32];
	char dom[200];
	if (o->limit_kb > 0)
		snprintf(dom, sizeof dom, "its memory cgroup's limit%s%s", o->memcg[0] ? " " : "", o->memcg);
	else
		snprintf(dom, sizeof dom, "RAM");
	if (seen)
		sappend(f->summary, sizeof f->summary,
			 "the OOM killer killed %s (pid %ld), which grew from %s to %s in this capture and held %s "
			 "anon+shmem at the kill (%.0f%% of %s)", o->comm, o->pid, fmt_kb(first, a, sizeof a),
			 fmt_kb(first + grow, b, sizeof b), fmt_kb(held, g, sizeof g), 100 * share, dom);
	else
		sappend(f->summary, sizeof f->summary,
			 "the OOM killer killed %s (pid %ld), which held %s anon+shmem at the kill (%.0f%% of %s); "
			 "growth not seen in this capture: the victim is named by its share", o->comm, o->pid,
			 fmt_kb(held, a, sizeof a), 100 * share, dom);
	add_ev(f, "victim_anon_rss_kb", NAN, o->anon_kb, "kB");
	add_ev(f, "victim_shmem_rss_kb", NAN, o->shmem_kb, "kB");
	add_ev(f, "victim_file_rss_kb", NAN, o->file_kb, "kB");
	if (o->limit_kb > 0)
		add_ev(f, "cgroup_limit_kb", NAN, o->limit_kb, "kB");
	add_ev(f, "share_pct", NAN, 100 * share, "%");
	if (o->other_comm[0])
		detail_add(f, "the kernel's task table at the kill: next largest %s with %s", o->other_comm,
			   fmt_kb(o->other_kb, a, sizeof a));
	if (o->sample > 0 || c->fa > 0)
		detail_add(f, "killed at %.0f s into the capture", o->sample < fm->nsamples ? fm->t[o->sample] : 0);
	return 1;
}

int detect_hog(const struct actx *c, struct finding *f)
{
	const struct model *fm = c->fm;
	struct oom_info o;
	oom_parse(c, &o);
	if (o.have && oom_victim(c, &o, f))
		return 1;
	if (!onset_unseen(c))
		return 0;
	struct domain d;
	pick_domain(c, &d);
	if (!d.pressure || !(d.size_kb > 0))
		return 0;
	struct holder h[3] = { { 0 } };
	int n = find_holders(c, &d, h, 3);
	char a[32], b[32], g[32], dom[160];
	domain_words(&d, dom, sizeof dom);
	double top = n ? h[0].held : 0;
	/* tmpfs / shared memory holding more than any process: shmem */
	if (d.shmem_kb > top && d.shmem_kb >= 0.25 * d.size_kb) {
		f->cid = CAUSE_SHMEM_GROWTH;
		double share = d.shmem_kb / d.size_kb;
		f->score = 0.6 + 0.3 * fmin(1, share / 0.6);
		char mw[200];
		/* a mount that gains a quarter of it in the capture is the one that grows */
		shmem_mount(c, c->fa, c->fb, d.shmem_kb, f, mw, sizeof mw);
		sappend(f->summary, sizeof f->summary,
			 "shared memory / tmpfs holds %s (%.0f%% of %s), more than any process; growth not seen in "
			 "this capture: tmpfs is named by its share; %s", fmt_kb(d.shmem_kb, a, sizeof a), 100 * share, dom,
			 mw);
		add_ev(f, d.cg ? "cgroup_shmem_kb" : "shmem_kb", NAN, d.shmem_kb, "kB");
		add_ev(f, d.cg ? "cgroup_limit_kb" : "memtotal_kb", NAN, d.size_kb, "kB");
		if (f->mount.path[0]) {
			add_ev(f, "mount_used_kb", NAN, f->mount.used_kb, "kB");
			add_ev(f, "mount_total_kb", NAN, f->mount.total_kb, "kB");
		}
		kernel_side(c, &d, f);
		if (f->mount.path[0])
			detail_add(f, "look for big files in %s (du -sh %s/*), and SysV/POSIX shared memory (ipcs -m)",
				   f->mount.path, f->mount.path);
		else
			detail_add(f, "look for big files in tmpfs mounts (df -h /tmp /dev/shm) and SysV/POSIX shared memory (ipcs -m)");
		return 1;
	}
	if (!n || h[0].held < fmax(16 * 1024, 0.25 * d.size_kb))
		return 0;
	const struct holder *x = &h[0];
	double share = x->held / d.size_kb;
	bool seen = growth_seen(c, &d, x);
	f->cid = seen ? CAUSE_MEMORY_LEAK : CAUSE_MEMORY_HOG;
	f->pid = x->e->pid;
	snprintf(f->comm, sizeof f->comm, "%s", x->e->name);
	f->score = seen ? 0.6 + 0.35 * fmin(1, share / 0.6) : 0.6 + 0.3 * fmin(1, share / 0.6);
	const char *what = x->exact ? "anon+shmem+swap" : "RSS";
	if (seen)
		sappend(f->summary, sizeof f->summary,
			 "%s (pid %u) grew from %s to %s %s in this capture (+%s) and holds %.0f%% of %s; the growth "
			 "began before the capture did", x->e->name, x->e->pid, fmt_kb(x->low, a, sizeof a),
			 fmt_kb(x->held, b, sizeof b), what, fmt_kb(x->grow, g, sizeof g), 100 * share, dom);
	else if (x->e->last_sample < c->fb - 2)
		sappend(f->summary, sizeof f->summary,
			 "%s (pid %u) held %s %s, %.0f%% of %s, until it exited %.0f s into the capture; growth not "
			 "seen in this capture: the holder is named by its share", x->e->name, x->e->pid,
			 fmt_kb(x->held, a, sizeof a), what, 100 * share, dom, fm->t[x->e->last_sample]);
	else
		sappend(f->summary, sizeof f->summary,
			 "%s (pid %u) holds %s %s, %.0f%% of %s, while the kernel fights for memory there; growth not "
			 "seen in this capture: the holder is named by its share", x->e->name, x->e->pid,
			 fmt_kb(x->held, a, sizeof a), what, 100 * share, dom);
	if (x->exact)
		holder_shmem(c, x->e, x->held, f);
	add_ev(f, x->exact ? "held_kb" : "rss_kb", x->low, x->held, "kB");
	add_ev(f, "share_pct", NAN, 100 * share, "%");
	add_ev(f, d.cg ? "cgroup_limit_kb" : "memtotal_kb", NAN, d.size_kb, "kB");
	add_ev(f, d.cg ? "cgroup_anon_kb" : "anonpages_kb", NAN, d.anon_kb, "kB");
	double hwm = ent_max(fm, x->e, PF_HWM_MAX, c->fa, c->fb);
	if (hwm > 0)
		add_ev(f, "vm_hwm_kb", NAN, hwm, "kB");
	double age = age_s(fm, x->e);
	if (!isnan(age)) {
		char ag[32];
		fmt_age(ag, sizeof ag, age);
		/* what it holds over how long it has lived: a floor on its
		 * growth rate, the past a cut capture cannot show */
		detail_add(f, "its past: %s old at its last sample, so it gained at least %s/min on average since it started%s%s",
			   ag, fmt_kb(x->held / (age / 60), b, sizeof b), hwm > 0 ? "; peak RSS (VmHWM) " : "",
			   hwm > 0 ? fmt_kb(hwm, g, sizeof g) : "");
		add_ev(f, "age_s", NAN, age, "s");
	}
	if (!x->exact)
		detail_add(f, "RssAnon not recorded in this capture: stat RSS capped by %s anonymous memory (%s)",
			   d.cg ? "the cgroup's" : "the machine's", fmt_kb(d.anon_kb + d.shmem_kb, a, sizeof a));
	if (n > 1 && h[1].held > 0)
		detail_add(f, "next holders: %s (pid %u) %s%s%s%s%s", h[1].e->name, h[1].e->pid, fmt_kb(h[1].held, a, sizeof a),
			   n > 2 ? ", " : "", n > 2 ? h[2].e->name : "", n > 2 ? " " : "", n > 2 ? fmt_kb(h[2].held, b, sizeof b) : "");
	kernel_side(c, &d, f);
	return 1;
}
