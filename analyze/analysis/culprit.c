/* culprit.c - what the renderers need to know about where an incident
 * lives (the culprit's process series, its memory cgroup, the processes
 * whose memory moved), decided here so that renderers only lay it out. */
#include "analysis.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct finding *report_culprit(const struct report *r)
{
	for (int i = 0; i < r->nf; i++)
		if (r->f[i].pid >= 0 && !r->f[i].explained_by)
			return &r->f[i];
	for (int i = 0; i < r->nf; i++)
		if (r->f[i].pid >= 0)
			return &r->f[i];
	return NULL;
}

const struct entity *model_proc(const struct model *mo, long pid, const char *comm)
{
	const struct entity *any = NULL;
	for (size_t i = 0; i < mo->nents; i++) {
		const struct entity *e = &mo->ents[i];
		if (e->kind != ENT_PROC || e->pid != (uint32_t)pid)
			continue;
		if (!comm || !strcmp(e->name, comm))
			return e;
		any = any ? any : e;
	}
	return any;
}

/* The tightest memory cgroup holding the process whose limit is below the
 * machine's RAM: there the memory ran short, not in the machine. */
const struct entity *proc_memcg(const struct model *mo, const struct entity *p, double memtotal_kb, double *limit_kb)
{
	const struct entity *best = NULL;
	double bl = NAN;
	if (!p || !p->cgroup[0])
		return NULL;
	for (size_t i = 0; i < mo->nents; i++) {
		const struct entity *g = &mo->ents[i];
		if (g->kind != ENT_CGROUP || !cgroup_holds(g->name, p->cgroup))
			continue;
		double lim = ent_max(mo, g, CF_LIMIT, 0, mo->nsamples);
		if (!(lim > 0) || (memtotal_kb > 0 && lim >= memtotal_kb))
			continue;
		if (!best || lim < bl) {
			best = g;
			bl = lim;
		}
	}
	if (limit_kb)
		*limit_kb = bl;
	return best;
}

static double rss_mean(const struct model *mo, const struct entity *e, int a, int b)
{
	double n = ent_sum(mo, e, PF_ALIVE, a, b);
	return n > 0 ? ent_sum(mo, e, PF_RSS_SUM, a, b) / n : NAN;
}

struct mt { const struct entity *e; double grow, hold; };

static int mt_cmp(const void *x, const void *y)
{
	const struct mt *a = x, *b = y;
	if (a->grow != b->grow)
		return a->grow < b->grow ? 1 : -1;
	return a->hold < b->hold ? 1 : a->hold > b->hold ? -1 : 0;
}

/* The processes whose memory matters: those that grew from the healthy to
 * the faulty window (or over the capture), biggest first, then the biggest
 * holders.  Kernel threads hold no RSS worth drawing. */
int report_mem_top(const struct report *r, const struct entity **out, int max)
{
	const struct model *mo = r->mo;
	const struct actx *c = &r->ctx;
	struct mt *v = xcalloc(mo->nents, sizeof *v);
	size_t n = 0;
	bool same = c->hm == c->fm && c->w.healthy.set;
	for (size_t i = 0; i < mo->nents; i++) {
		const struct entity *e = &mo->ents[i];
		if (e->kind != ENT_PROC || e->kthread)
			continue;
		double hold = ent_max(mo, e, PF_RSS_MAX, 0, mo->nsamples);
		if (!(hold > 1024))
			continue;
		double h = same ? rss_mean(mo, e, c->ha, c->hb) : NAN;
		double f = rss_mean(mo, e, c->fa, c->fb);
		if (isnan(h)) /* born in the fault, or no healthy window: its own start */
			h = rss_mean(mo, e, e->first_sample, e->first_sample + 1);
		double g = isnan(f) || isnan(h) ? 0 : f - h;
		v[n++] = (struct mt){ e, g > 4096 ? g : 0, hold };
	}
	qsort(v, n, sizeof *v, mt_cmp);
	int k = 0;
	for (size_t i = 0; i < n && k < max; i++)
		out[k++] = v[i].e;
	free(v);
	return k;
}

/* Whether memory is where this incident lives: the culprit's memory
 * cgroup came within half of its limit, or the machine's MemAvailable
 * fell under a fifth of RAM.  The page then draws memory first. */
bool report_memory_matters(const struct report *r)
{
	const struct model *mo = r->mo;
	const struct finding *f = report_culprit(r);
	const struct entity *p = f ? model_proc(mo, f->pid, f->comm) : NULL;
	double lim = NAN;
	const struct entity *cg = p ? proc_memcg(mo, p, r->ctx.memtotal_kb, &lim) : NULL;
	if (cg && cg_peak(mo, cg, CF_USAGE_SUM, 0, mo->nsamples) >= lim / 2)
		return true;
	double avail = win_min(mo, M_MEMAVAIL, 0, mo->nsamples);
	return r->ctx.memtotal_kb > 0 && avail < r->ctx.memtotal_kb / 5;
}

int report_pids(const struct report *r, long *pids, int max)
{
	int n = 0;
	for (int i = 0; i < r->nf && n < max; i++)
		if (r->f[i].pid >= 0)
			pids[n++] = r->f[i].pid;
	return n;
}
