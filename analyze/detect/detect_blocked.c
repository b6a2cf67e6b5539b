/* detect_blocked.c - blocked-tasks: tasks in D state, grouped by comm and
 * wchan; the dominant wait kind (page-fault, reclaim, writeback, io)
 * decides which cause can explain them (rank.c). */
#include "analysis.h"
#include "kdump.h"
#include "stackgroup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A generic page wait (folio_wait_bit, wait_on_page_bit) is a page fault
 * only when the task faults: a writer waits on the same bit for its pages'
 * writeback inside write() or fsync().  Its stacks in the kernel's dumps,
 * or its counters (it writes, it does not fault), tell which. */
static bool write_path(const char *fn)
{
	static const char *const w[] = { "fsync", "fdatasync", "fdatawait", "write_and_wait", "vfs_write", "ksys_write",
					 "generic_perform_write", "folio_wait_writeback", "wait_on_page_writeback",
					 "balance_dirty_pages", "write_cache_pages", "sync_file_range", NULL };
	for (int i = 0; w[i]; i++)
		if (strstr(fn, w[i]))
			return true;
	return false;
}

enum wait_kind dwait_kind(const struct actx *c, const struct entity *e)
{
	enum wait_kind k = wait_kind(e->wchan);
	if (k != WAIT_PAGE_FAULT || kw_prim(e->wchan) != KW_PAGE)
		return k; /* a place (filemap_fault, swap_readpage) says which */
	int in_write = 0, in_fault = 0;
	for (size_t i = 0; c->kd && i < kd_ndumps(c->kd); i++) {
		const struct kd_dump *d = kd_dump_at(c->kd, i);
		for (size_t t = 0; t < d->ntasks; t++) {
			const struct kd_task *kt = &d->tasks[t];
			if (!kt->comm || strcmp(kt->comm, e->name))
				continue;
			bool w = false, f = false;
			for (size_t j = 0; j < kt->nframes; j++) {
				const char *fn = kt->frames[j].function;
				w |= fn && write_path(fn);
				f |= fn && (strstr(fn, "fault") != NULL);
			}
			in_write += w && !f;
			in_fault += f;
		}
	}
	if (in_write || in_fault)
		return in_write > in_fault ? WAIT_WRITEBACK : k;
	const struct model *fm = c->fm;
	double wr = 0, maj = 0, page_kb = (fm->hdr.page_size ? fm->hdr.page_size : 4096) / 1024.0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *p = &fm->ents[i];
		if (p->kind != ENT_PROC || strcmp(p->name, e->name))
			continue;
		wr += ent_sum(fm, p, PF_WR_KB, c->fa, c->fb);
		maj += ent_sum(fm, p, PF_MAJFLT, c->fa, c->fb) * page_kb;
	}
	return wr >= 1024 && wr >= 4 * maj ? WAIT_WRITEBACK : k;
}

static int by_faulty(const void *a, const void *b)
{
	const struct wait_group *x = a, *y = b;
	return (y->faulty_s > x->faulty_s) - (y->faulty_s < x->faulty_s);
}

int blocked_groups(const struct actx *c, struct wait_group *out, int max)
{
	const struct model *fm = c->fm;
	int n = 0;
	struct wait_group tmp[256];
	for (size_t i = 0; i < fm->nents && n < 256; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind != ENT_DWAIT)
			continue;
		double fs = ent_sum(fm, e, DF_D, c->fa, c->fb) * c->interval_s;
		double hs = c->hm == fm ? ent_sum(fm, e, DF_D, c->ha, c->hb) * c->interval_s : 0;
		if (fs <= 0 && hs <= 0)
			continue;
		struct wait_group *g = &tmp[n++];
		snprintf(g->comm, sizeof g->comm, "%s", e->name);
		snprintf(g->wchan, sizeof g->wchan, "%s", e->wchan);
		g->kind = dwait_kind(c, e);
		g->faulty_s = fs;
		g->healthy_s = hs;
	}
	qsort(tmp, (size_t)n, sizeof *tmp, by_faulty);
	if (n > max)
		n = max;
	memcpy(out, tmp, (size_t)n * sizeof *tmp);
	return n;
}

int detect_blocked(const struct actx *c, struct finding *f)
{
	double h = hmean(c, M_TASKS_D), fv = fmean(c, M_TASKS_D);
	/* sysrq-w / hung-task dumps are evidence on their own: a capture may
	 * miss D states between samples, the kernel's dump does not */
	size_t dumped = 0, pf = 0;
	const struct sg_group *top = NULL;
	for (size_t i = 0; c->sg && i < c->sg->ngroups; i++) {
		const struct sg_group *g = &c->sg->groups[i];
		if (g->cpu)
			continue;
		dumped += g->count;
		pf += sg_is_page_fault_wait(g) ? g->count : 0;
		if (!top || g->count > top->count)
			top = g;
	}
	if ((fv < 1 || (!c->w.trend && fv < 3 * h + 0.5)) && dumped < 2)
		return 0;
	struct wait_group g[16];
	int n = blocked_groups(c, g, 16);
	double kind_s[WAIT_COUNT] = { 0 }, tot = 0;
	/* a wait of unknown place votes for no kind */
	for (int i = 0; i < n; i++)
		if (g[i].kind != WAIT_UNKNOWN) {
			kind_s[g[i].kind] += g[i].faulty_s;
			tot += g[i].faulty_s;
		}
	enum wait_kind dom = WAIT_OTHER;
	for (enum wait_kind k = 0; k <= WAIT_OTHER; k++)
		if (kind_s[k] > kind_s[dom])
			dom = k;
	f->wait = tot > 0 ? dom : pf * 2 > dumped ? WAIT_PAGE_FAULT : n ? WAIT_UNKNOWN : WAIT_OTHER;
	f->score = 0.3 + 0.4 * fmin(1, fv / (2.0 * c->ncpu));
	char who[200] = "";
	/* name the waits that matter: a task seen once in D (a vfork, a
	 * short sync) is noise next to tasks stuck for minutes */
	for (int i = 0, k = 0; i < n && k < 4; i++)
		if (g[i].kind != WAIT_UNKNOWN && (k == 0 || g[i].faulty_s >= 0.05 * tot))
			sappend(who, sizeof who, "%s%s in %s", k++ ? ", " : "", g[i].comm, g[i].wchan);
	if (!who[0] && n)
		snprintf(who, sizeof who, "%s (where it waits was not recorded)", g[0].comm);
	if (!n && top)
		snprintf(who, sizeof who, "%s", top->label);
	char hw[32];
	snprintf(f->summary, sizeof f->summary, "%.1f tasks in D state on average%s, mostly %s waits: %s", fv,
		 healthy_words(c, hw, sizeof hw, " (healthy %.1f)", h), wait_name(f->wait), n || top ? who : "wchan not recorded");
	add_ev(f, "tasks_d", h, fv, "tasks");
	add_ev(f, "cpu_iowait_pct", hmean(c, M_CPU_IOWAIT), fmean(c, M_CPU_IOWAIT), "%");
	add_ev(f, "psi_io_some", hmean(c, M_PSI_IO), fmean(c, M_PSI_IO), "% avg10");
	if (dumped)
		add_ev(f, "tasks_in_kernel_dumps", NAN, (double)dumped, "tasks");
	for (size_t i = 0, k = 0; c->sg && i < c->sg->ngroups && k < 4; i++) {
		const struct sg_group *g = &c->sg->groups[i];
		if (g->cpu)
			continue;
		char names[120] = "";
		for (size_t m = 0; m < g->count && m < 5; m++)
			sappend(names, sizeof names, "%s%s", m ? " " : "", g->comms[m] ? g->comms[m] : "?");
		detail_add(f, "kernel dump: %zu task(s) %s [%s%s]", g->count, g->label, names, g->count > 5 ? " ..." : "");
		k++;
	}
	for (int i = 0; i < n && i < 6; i++)
		detail_add(f, "%8.0f task-s  %-16s %-28s %s", g[i].faulty_s, g[i].comm, g[i].wchan[0] ? g[i].wchan : "?",
			   wait_name(g[i].kind));
	return 1;
}
