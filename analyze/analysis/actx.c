/* actx.c - what detectors, the report and the renderers share: means over
 * the windows, evidence and detail lines, sizes in words, a process's and
 * a cgroup's memory. */
#include "analysis.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void actx_means(struct actx *c)
{
	metric_means(c->hm, c->ha, c->hb, c->hmeans);
	metric_means(c->fm, c->fa, c->fb, c->fmeans);
}

double hmean(const struct actx *c, int k)
{
	return isnan(c->hmeans[k]) ? 0 : c->hmeans[k];
}
double fmean(const struct actx *c, int k)
{
	return isnan(c->fmeans[k]) ? 0 : c->fmeans[k];
}
double fmax_(const struct actx *c, int k)
{
	double x = win_max(c->fm, k, c->fa, c->fb);
	return isnan(x) ? 0 : x;
}
double fmin_(const struct actx *c, int k)
{
	double x = win_min(c->fm, k, c->fa, c->fb);
	return isnan(x) ? 0 : x;
}

const char *healthy_words(const struct actx *c, char *buf, size_t n, const char *fmt, ...)
{
	buf[0] = 0;
	if (c->w.trend)
		return buf;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return buf;
}

void add_ev(struct finding *f, const char *metric, double h, double fv, const char *unit)
{
	if (f->nev >= MAX_EV)
		return;
	struct evidence *e = &f->ev[f->nev++];
	snprintf(e->metric, sizeof e->metric, "%s", metric);
	e->healthy = h;
	e->faulty = fv;
	snprintf(e->unit, sizeof e->unit, "%s", unit);
}

void detail_add(struct finding *f, const char *fmt, ...)
{
	size_t l = strlen(f->detail);
	if (l + 2 >= sizeof f->detail)
		return;
	if (l)
		f->detail[l++] = '\n';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->detail + l, sizeof f->detail - l, fmt, ap);
	va_end(ap);
}

const char *fmt_kb(double kb, char *buf, size_t n)
{
	if (isnan(kb))
		snprintf(buf, n, "n/a");
	else if (fabs(kb) >= 1024 * 1024)
		snprintf(buf, n, "%.1f GB", kb / 1048576);
	else if (fabs(kb) >= 10 * 1024)
		snprintf(buf, n, "%.0f MB", kb / 1024);
	else if (fabs(kb) >= 1024)
		snprintf(buf, n, "%.1f MB", kb / 1024);
	else
		snprintf(buf, n, "%.0f kB", kb);
	return buf;
}

void sappend(char *buf, size_t size, const char *fmt, ...)
{
	size_t l = strnlen(buf, size);
	if (l + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + l, size - l, fmt, ap);
	va_end(ap);
}

/* Mean of a per-sample cgroup field over samples [a, b). */
double cg_mean(const struct model *mo, const struct entity *g, int f, int a, int b)
{
	double ns = ent_sum(mo, g, CF_SAMPLES, a, b);
	return ns > 0 ? ent_sum(mo, g, f, a, b) / ns : NAN;
}

/* Highest per-bucket mean of a cgroup field over samples [a, b): the fault
 * may end inside the window (the tmpfs emptied), so its mean undersells it. */
double cg_peak(const struct model *mo, const struct entity *g, int f, int a, int b)
{
	double best = NAN;
	int nf = ent_nfields(ENT_CGROUP);
	for (int bi = a / mo->bw; b > a && bi <= (b - 1) / mo->bw; bi++) {
		const float *v = ent_bucket(g, (uint32_t)bi, nf);
		if (v && v[CF_SAMPLES] > 0 && !(v[f] / v[CF_SAMPLES] <= best))
			best = v[f] / v[CF_SAMPLES];
	}
	return best;
}

bool cgroup_holds(const char *cg, const char *path)
{
	size_t l = strlen(cg);
	while (l > 1 && cg[l - 1] == '/')
		l--; /* "/a/" is "/a" */
	if (!l || strncmp(path, cg, l))
		return false; /* also an empty path: it never starts with cg */
	return (l == 1 && cg[0] == '/') || !path[l] || path[l] == '/';
}

const struct entity *proc_cgroup(const struct model *mo, const struct entity *p, int a, int b, double *limit,
				 double *usage)
{
	const struct entity *best = NULL;
	*limit = NAN;
	*usage = NAN;
	for (size_t i = 0; i < mo->nents; i++) {
		const struct entity *g = &mo->ents[i];
		if (g->kind != ENT_CGROUP || !cgroup_holds(g->name, p->cgroup))
			continue;
		double lim = ent_max(mo, g, CF_LIMIT, a, b), ns = ent_sum(mo, g, CF_SAMPLES, a, b);
		if (lim <= 0 || ns <= 0)
			continue;
		if (!best || lim < *limit) {
			best = g;
			*limit = lim;
			*usage = ent_sum(mo, g, CF_USAGE_SUM, a, b) / ns;
		}
	}
	return best;
}

double proc_rss_at(const struct entity *e, uint32_t k)
{
	const float *p = ent_bucket(e, k, PF_COUNT);
	return p && p[PF_ALIVE] > 0 ? p[PF_RSS_SUM] / p[PF_ALIVE] : NAN;
}

double proc_held_at(const struct entity *e, uint32_t k)
{
	const float *p = ent_bucket(e, k, PF_COUNT);
	return p && p[PF_HELD_N] > 0 ? p[PF_HELD_SUM] / p[PF_HELD_N] : NAN;
}

bool proc_held_known(const struct model *mo, const struct entity *e, int a, int b)
{
	return b > a && ent_sum(mo, e, PF_HELD_N, a, b) > 0;
}

bool onset_unseen(const struct actx *c)
{
	return c->w.trend && c->hm == c->fm;
}

double domain_anon_at(const struct model *mo, const struct entity *cg, uint32_t k)
{
	if (cg) {
		const float *v = ent_bucket(cg, k, CF_COUNT);
		return v && v[CF_SAMPLES] > 0 ? (v[CF_ANON_SUM] + v[CF_SHMEM_SUM]) / v[CF_SAMPLES] : NAN;
	}
	int a = (int)k * mo->bw, b = a + mo->bw;
	double an = win_mean(mo, M_ANON, a, b), sh = win_mean(mo, M_SHMEM, a, b);
	return isnan(an) ? NAN : an + (isnan(sh) ? 0 : sh);
}

int proc_rss_bucket(const struct model *mo, const struct entity *e, int a, int b, bool hi)
{
	int best = -1;
	double m = NAN;
	for (uint32_t k = (uint32_t)(a / mo->bw); b > a && k <= (uint32_t)((b - 1) / mo->bw); k++) {
		double x = proc_rss_at(e, k);
		if (!isnan(x) && (isnan(m) || (hi ? x > m : x < m))) {
			m = x;
			best = (int)k;
		}
	}
	return best;
}
