/* timeline.c - rows of per-step means, with events placed in their row,
 * and the columns they can show. */
#include "analysis.h"
#include "tidy.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* System columns: the first 23 in the order scripts already read by
 * position (CSV), then the write side, swap, and the run queue. */
static const int sys_cols[] = {
	M_CPU_USR, M_CPU_SYS, M_CPU_IOWAIT, M_CPU_IDLE, M_MEMFREE, M_MEMAVAIL, M_CACHED, M_SHMEM,
	M_MAJFLT, M_REFAULT, M_PGSCAN_K, M_PGSCAN_D, M_PGSTEAL, M_ALLOCSTALL, M_DISK_RPS, M_DISK_RMBPS,
	M_DISK_UTIL, M_TASKS_D, M_LOAD1, M_PSI_MEM, M_PSI_IO, M_KSWAPD_CPU, M_STRESS,
	M_DISK_WPS, M_DISK_WMBPS, M_DIRTY, M_WRITEBACK, M_PSWPIN, M_PSWPOUT, M_PROCS_RUN,
};

/* Starts and exits are shown only for processes a finding names: a
 * busy box starts hundreds of short-lived processes an hour. */
static bool notable(const struct event *e, const long *pids, int npids)
{
	if (e->kind != EV_TASK_START && e->kind != EV_TASK_EXIT)
		return true;
	for (int i = 0; i < npids; i++)
		if (pids[i] == (long)e->pid)
			return true;
	return false;
}

static double favg(const float *v, int a, int b)
{
	double s = 0;
	int n = 0;
	for (int i = a; i < b; i++)
		if (!isnan(v[i])) {
			s += v[i];
			n++;
		}
	return n ? s / n : NAN;
}

/* extras: what each one reads */
enum xk { X_DISK_RMB, X_DISK_WMB, X_DISK_WPS, X_DISK_RPS, X_RSS, X_CG };
struct xsrc { enum xk k; const struct disk *d; const struct entity *e; };

static void add_x(struct timeline *tl, struct xsrc *src, enum xk k, const struct disk *d, const struct entity *e,
		  const char *key, const char *label, const char *unit, int dec, bool kb)
{
	if (tl->ncols >= TL_MAXCOLS)
		return;
	int x = 0;
	for (int c = 0; c < tl->ncols; c++)
		x += tl->cols[c].metric < 0;
	if (x >= TL_MAXX)
		return;
	struct tl_col *c = &tl->cols[tl->ncols++];
	memset(c, 0, sizeof *c);
	c->metric = -1;
	c->x = x;
	snprintf(c->key, sizeof c->key, "%s", key);
	snprintf(c->label, sizeof c->label, "%s", label);
	snprintf(c->unit, sizeof c->unit, "%s", unit);
	c->decimals = dec;
	c->kb = kb;
	src[x] = (struct xsrc){ k, d, e };
}

static int disk_cmp(const void *a, const void *b)
{
	const struct disk *x = *(const struct disk *const *)a, *y = *(const struct disk *const *)b;
	return x->total_ios < y->total_ios ? 1 : x->total_ios > y->total_ios ? -1 : 0;
}

/* The busy disks (whole devices that did I/O), busiest first, at most 3;
 * the culprit's RSS and its memory cgroup's usage when there is one. */
static void columns(struct timeline *tl, const struct report *r, struct xsrc *src)
{
	const struct model *mo = r->mo;
	for (size_t i = 0; i < sizeof sys_cols / sizeof *sys_cols; i++) {
		struct tl_col *c = &tl->cols[tl->ncols++];
		const struct metric_info *mi = &metric_info[sys_cols[i]];
		memset(c, 0, sizeof *c);
		c->metric = sys_cols[i];
		snprintf(c->key, sizeof c->key, "%s", mi->key);
		snprintf(c->label, sizeof c->label, "%s", mi->label);
		snprintf(c->unit, sizeof c->unit, "%s", mi->unit);
		c->decimals = mi->decimals;
		c->kb = !strcmp(mi->unit, "kB");
	}
	const struct disk *dk[32];
	int nd = 0;
	for (int d = 0; d < mo->ndisks; d++)
		if (!mo->disks[d].partition && mo->disks[d].total_ios > 0)
			dk[nd++] = &mo->disks[d];
	qsort(dk, (size_t)nd, sizeof *dk, disk_cmp);
	for (int d = 0; d < nd && d < 3; d++) {
		char key[48], lab[16];
		const char *n = dk[d]->name;
		snprintf(key, sizeof key, "%.24s_read_mbps", n);
		snprintf(lab, sizeof lab, "r:%.6s", n);
		add_x(tl, src, X_DISK_RMB, dk[d], NULL, key, lab, "MB/s", 1, false);
		snprintf(key, sizeof key, "%.24s_write_mbps", n);
		snprintf(lab, sizeof lab, "w:%.6s", n);
		add_x(tl, src, X_DISK_WMB, dk[d], NULL, key, lab, "MB/s", 1, false);
		snprintf(key, sizeof key, "%.24s_writes_ps", n);
		snprintf(lab, sizeof lab, "wio:%.4s", n);
		add_x(tl, src, X_DISK_WPS, dk[d], NULL, key, lab, "writes/s", 0, false);
		snprintf(key, sizeof key, "%.24s_reads_ps", n);
		snprintf(lab, sizeof lab, "rio:%.4s", n);
		add_x(tl, src, X_DISK_RPS, dk[d], NULL, key, lab, "reads/s", 0, false);
	}
	const struct finding *f = report_culprit(r);
	const struct entity *p = f ? model_proc(mo, f->pid, f->comm) : NULL;
	if (p) {
		char lab[16];
		snprintf(lab, sizeof lab, "rss:%.4s", p->name);
		add_x(tl, src, X_RSS, NULL, p, "culprit_rss_kb", lab, "kB", 0, true);
		const struct entity *cg = proc_memcg(mo, p, r->ctx.memtotal_kb, NULL);
		if (cg)
			add_x(tl, src, X_CG, NULL, cg, "culprit_cgroup_usage_kb", "cgUsed", "kB", 0, true);
	}
	tl->nsel = tl->ncols;
	for (int c = 0; c < tl->ncols; c++)
		tl->sel[c] = c;
	/* what the verdict rests on, as column keys: a narrow terminal shows
	 * those first */
	static const char *const alias[][2] = {
		{ "rss_kb", "culprit_rss_kb" }, { "cgroup_usage_kb", "culprit_cgroup_usage_kb" },
		{ "runnable", "procs_running" }, { "pgscan_ps", "pgscan_kswapd_ps" },
	};
	for (int i = 0; i < r->nf; i++)
		for (int k = 0; k < r->f[i].nev && tl->nprefer < 24; k++) {
			const char *m = r->f[i].ev[k].metric;
			for (size_t a = 0; a < sizeof alias / sizeof *alias; a++)
				if (!strcmp(m, alias[a][0]))
					m = alias[a][1];
			bool dup = false;
			for (int j = 0; j < tl->nprefer; j++)
				dup |= !strcmp(tl->prefer[j], m);
			if (!dup)
				snprintf(tl->prefer[tl->nprefer++], sizeof tl->prefer[0], "%s", m);
		}
}

static double x_value(const struct model *mo, const struct xsrc *s, int a, int b)
{
	switch (s->k) {
	case X_DISK_RMB: return favg(s->d->rmbps, a, b);
	case X_DISK_WMB: return favg(s->d->wmbps, a, b);
	case X_DISK_WPS: return favg(s->d->wps, a, b);
	case X_DISK_RPS: return favg(s->d->rps, a, b);
	case X_RSS: {
		double n = ent_sum(mo, s->e, PF_ALIVE, a, b);
		return n > 0 ? ent_sum(mo, s->e, PF_RSS_SUM, a, b) / n : NAN;
	}
	case X_CG: {
		double n = ent_sum(mo, s->e, CF_SAMPLES, a, b);
		return n > 0 ? ent_sum(mo, s->e, CF_USAGE_SUM, a, b) / n : NAN;
	}
	}
	return NAN;
}

double tl_value(const struct tl_row *row, const struct tl_col *c)
{
	return c->metric >= 0 ? row->m[c->metric] : row->x[c->x];
}

struct timeline *timeline_new(const struct report *r, double step, int a, int b)
{
	const struct model *mo = r->mo;
	if (a < 0)
		a = 0;
	if (b > mo->nsamples)
		b = mo->nsamples;
	if (b <= a)
		return NULL;
	struct timeline *tl = xcalloc(1, sizeof *tl);
	struct xsrc src[TL_MAXX];
	columns(tl, r, src);
	int nx = tl->ncols - (int)(sizeof sys_cols / sizeof *sys_cols);
	int cap = 64, n = 0;
	struct tl_row *rows = xcalloc((size_t)cap, sizeof *rows);
	for (int i = a; i < b;) {
		int j = i + 1;
		if (step > 0)
			while (j < b && mo->t[j] < mo->t[i] + step - 1e-9)
				j++;
		if (n == cap) {
			cap *= 2;
			rows = xrealloc(rows, (size_t)cap * sizeof *rows);
		}
		struct tl_row *row = &rows[n++];
		row->a = i;
		row->b = j;
		row->t = mo->t[i];
		row->wall_us = mo->wall_us[i];
		row->events[0] = 0;
		metric_means(mo, i, j, row->m);
		for (int k = 0; k < TL_MAXX; k++)
			row->x[k] = k < nx ? x_value(mo, &src[k], i, j) : NAN;
		i = j;
	}
	long pids[16];
	int np = report_pids(r, pids, 16);
	size_t er = 0;
	for (int k = 0; k < n; k++) {
		struct tl_row *row = &rows[k];
		while (er < mo->nevs && mo->evs[er].sample < row->a)
			er++;
		size_t l = 0;
		for (size_t e = er; e < mo->nevs && mo->evs[e].sample < row->b && l < sizeof row->events; e++)
			if (notable(&mo->evs[e], pids, np))
				l += (size_t)snprintf(row->events + l, sizeof row->events - l, "%s%s", l ? "; " : "",
						      mo->evs[e].text);
		if (l >= sizeof row->events)
			text_mark_cut(row->events, sizeof row->events);
	}
	tl->rows = rows;
	tl->n = n;
	return tl;
}

int timeline_select(struct timeline *tl, const char *list, char *err, size_t n)
{
	int ns = 0;
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		int found = -1;
		for (int c = 0; c < tl->ncols && found < 0; c++)
			if ((strlen(tl->cols[c].key) == l && !strncmp(tl->cols[c].key, p, l)) ||
			    (strlen(tl->cols[c].label) == l && !strncmp(tl->cols[c].label, p, l)))
				found = c;
		if (found < 0 && l) {
			snprintf(err, n, "--columns: no column '%.*s'; columns: ", (int)(l < 40 ? l : 40), p);
			for (int c = 0; c < tl->ncols; c++)
				sappend(err, n, "%s%s", c ? "," : "", tl->cols[c].key);
			return -1;
		}
		if (found >= 0 && ns < TL_MAXCOLS)
			tl->sel[ns++] = found;
		p += l + (e ? 1 : 0);
		if (!e)
			break;
	}
	if (!ns) {
		snprintf(err, n, "--columns: give at least one column");
		return -1;
	}
	tl->nsel = ns;
	tl->chosen = true;
	return 0;
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	free(tl->rows);
	free(tl);
}
