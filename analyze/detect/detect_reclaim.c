/* detect_reclaim.c - reclaim-thrash, global or inside a memory cgroup.
 *
 * Counted signals (rule in detectors.def).  No single counter decides: memcg
 * limit reclaim leaves global pgscan at 0 since 5.x; exec mappings read
 * around, so major faults can understate a thrash 100-1000x while refaults
 * do not; kswapd only runs on global pressure. */
#include "analysis.h"
#include "kdump.h"
#include "stackgroup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* In trend mode the "healthy" figures come from inside the fault, so
 * only the absolute floor can be asked for. */
static bool surge(double f, double h, double floor_, bool trend_mode)
{
	return f >= floor_ && (trend_mode || f >= 5 * h + floor_ / 10);
}

int detect_reclaim(const struct actx *c, struct finding *f)
{
	const struct model *fm = c->fm;
	int n = 0, hard = 0;
	bool trend_mode = c->w.trend;
	char sig[300] = "";
#define SIG(cond, isreal, ...) do { if (cond) { n++; hard += (isreal); \
	sappend(sig, sizeof sig, "%s", sig[0] ? ", " : ""); \
	sappend(sig, sizeof sig, __VA_ARGS__); } } while (0)
	double ks_h = hmean(c, M_KSWAPD_CPU), ks_f = fmean(c, M_KSWAPD_CPU);
	SIG(ks_f >= 20 && (trend_mode || ks_f >= 3 * ks_h + 5), 1, "kswapd at %.0f%% CPU", ks_f);
	double sc_h = hmean(c, M_PGSCAN_K) + hmean(c, M_PGSCAN_D), sc_f = fmean(c, M_PGSCAN_K) + fmean(c, M_PGSCAN_D);
	double st_f = fmean(c, M_PGSTEAL);
	SIG(surge(sc_f, sc_h, 1000, trend_mode), 1, "%.0f pages/s scanned (%.0f%% reclaimed)", sc_f, sc_f > 0 ? 100 * st_f / sc_f : 0);
	double rf_h = hmean(c, M_REFAULT), rf_f = fmean(c, M_REFAULT);
	SIG(surge(rf_f, rf_h, 100, trend_mode), 1, "%.0f refaults/s", rf_f);
	double mj_h = hmean(c, M_MAJFLT), mj_f = fmean(c, M_MAJFLT);
	SIG(surge(mj_f, mj_h, 100, trend_mode), 1, "%.0f major faults/s", mj_f);
	double ca_h = hmean(c, M_CACHED), ca_f = fmin_(c, M_CACHED);
	SIG(c->memtotal_kb > 0 && ca_h > 0.02 * c->memtotal_kb && ca_f < 0.5 * ca_h, 0,
	    "page cache down to %.0f%% of healthy", 100 * ca_f / ca_h);
	double as_f = fmean(c, M_ALLOCSTALL);
	SIG(as_f >= 1 && (trend_mode || as_f >= 5 * hmean(c, M_ALLOCSTALL)), 1, "%.1f direct-reclaim stalls/s", as_f);
	double pm_f = fmean(c, M_PSI_MEM);
	SIG(pm_f >= 5 && (trend_mode || pm_f >= 3 * hmean(c, M_PSI_MEM)), 0, "memory pressure (PSI) %.1f%%", pm_f);
	/* memory cgroups at their limit that refault or lose their file pages */
	const struct entity *worst = NULL;
	double wrate = 0, wfile_h = 0, wfile_f = 0, wuse = 0, wlim = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *g = &fm->ents[i];
		if (g->kind != ENT_CGROUP)
			continue;
		double ns = ent_sum(fm, g, CF_SAMPLES, c->fa, c->fb);
		double lim = ent_max(fm, g, CF_LIMIT, c->fa, c->fb);
		if (ns <= 0 || lim <= 0)
			continue;
		double use = ent_sum(fm, g, CF_USAGE_SUM, c->fa, c->fb) / ns;
		double secs = (c->fb - c->fa) * c->interval_s;
		double rate = (ent_sum(fm, g, CF_REFAULT, c->fa, c->fb) + ent_sum(fm, g, CF_MAJFLT, c->fa, c->fb)) / (secs > 0 ? secs : 1);
		double hs = c->hm == fm ? ent_sum(fm, g, CF_SAMPLES, c->ha, c->hb) : 0;
		double file_h = hs > 0 ? ent_sum(fm, g, CF_FILE_SUM, c->ha, c->hb) / hs : NAN;
		double file_f = ent_sum(fm, g, CF_FILE_SUM, c->fa, c->fb) / ns;
		bool collapse = !isnan(file_h) && file_h > 8 * 1024 && file_f < 0.5 * file_h;
		if (use >= 0.9 * lim && (rate >= 100 || collapse) && (!worst || rate > wrate)) {
			worst = g; wrate = rate; wfile_h = file_h; wfile_f = file_f; wuse = use; wlim = lim;
		}
	}
	SIG(worst != NULL, 1, "cgroup %s at its limit with %.0f refaults+faults/s", worst ? worst->name : "", wrate);
	/* sysrq-l catching a CPU in shrink_* is the seed report's clue */
	size_t in_reclaim = 0;
	for (size_t i = 0; c->kd && i < kd_ndumps(c->kd); i++) {
		const struct kd_dump *d = kd_dump_at(c->kd, i);
		for (size_t t = 0; t < d->ntasks; t++)
			in_reclaim += sg_is_reclaim(&d->tasks[t]);
	}
	SIG(in_reclaim > 0, 0, "%zu dumped stack(s) inside reclaim", in_reclaim);
#undef SIG
	if (n < 2 || !hard)
		return 0;
	f->score = fmin(0.9, 0.35 + 0.1 * n);
	/* kswapd as culprit only when it is the one burning CPU */
	const struct entity *ks = NULL;
	double ksc = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind == ENT_PROC && !strncmp(e->name, "kswapd", 6)) {
			double x = ent_sum(fm, e, PF_CPU, c->fa, c->fb);
			if (x > ksc) {
				ksc = x;
				ks = e;
			}
		}
	}
	if (ks && ks_f >= 10) {
		f->pid = ks->pid;
		snprintf(f->comm, sizeof f->comm, "%s", ks->name);
	}
	snprintf(f->summary, sizeof f->summary, "the kernel is thrashing on reclaim%s: %s",
		 worst ? " inside a memory cgroup" : "", sig);
	add_ev(f, "kswapd_cpu_pct", ks_h, ks_f, "% of one CPU");
	add_ev(f, "pgscan_ps", sc_h, sc_f, "pages/s");
	add_ev(f, "pgsteal_ps", hmean(c, M_PGSTEAL), st_f, "pages/s");
	add_ev(f, "refault_ps", rf_h, rf_f, "pages/s");
	add_ev(f, "majflt_ps", mj_h, mj_f, "faults/s");
	add_ev(f, "cached_kb", ca_h, ca_f, "kB");
	add_ev(f, "allocstall_ps", hmean(c, M_ALLOCSTALL), as_f, "stalls/s");
	add_ev(f, "psi_mem_some", hmean(c, M_PSI_MEM), pm_f, "% avg10");
	if (worst) {
		add_ev(f, "cgroup_file_kb", wfile_h, wfile_f, "kB");
		add_ev(f, "cgroup_usage_kb", NAN, wuse, "kB");
		detail_add(f, "cgroup %s: usage %.0f of %.0f MB limit, file pages %.0f -> %.0f MB", worst->name,
			   wuse / 1024, wlim / 1024, isnan(wfile_h) ? NAN : wfile_h / 1024, wfile_f / 1024);
	}
	return 1;
}
