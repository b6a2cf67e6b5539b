/* detect_writeback.c - writeback-stall: dirty pages pile up and writers
 * are throttled in balance_dirty_pages or wait for writeback. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int detect_writeback(const struct actx *c, struct finding *f)
{
	const struct model *fm = c->fm;
	double h = hmean(c, M_DIRTY) + hmean(c, M_WRITEBACK), fv = fmean(c, M_DIRTY) + fmean(c, M_WRITEBACK);
	if (fv < fmax(0.05 * c->memtotal_kb, 3 * h + 16 * 1024))
		return 0;
	double wait_s = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind == ENT_DWAIT && dwait_kind(c, e) == WAIT_WRITEBACK)
			wait_s += ent_sum(fm, e, DF_D, c->fa, c->fb);
	}
	double secs = (c->fb - c->fa) * c->interval_s, waiting = secs > 0 ? wait_s * c->interval_s / secs : 0;
	double uf = fmean(c, M_DISK_UTIL);
	if (waiting < 0.5 && uf < 80)
		return 0;
	const struct entity *top = NULL;
	double tw = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind != ENT_PROC)
			continue;
		double w = ent_sum(fm, e, PF_WR_KB, c->fa, c->fb);
		if (w > tw) {
			tw = w;
			top = e;
		}
	}
	f->score = 0.45 + 0.4 * fmin(1, waiting / 2 + (uf >= 80 ? 0.3 : 0));
	if (top) {
		f->pid = top->pid;
		snprintf(f->comm, sizeof f->comm, "%s", top->name);
	}
	char a[32], b[32], hw[48];
	snprintf(f->summary, sizeof f->summary,
		 "dirty + writeback pages at %s%s; %.1f tasks on average wait for writeback%s%s",
		 fmt_kb(fv, a, sizeof a), healthy_words(c, hw, sizeof hw, " (healthy %s)", fmt_kb(h, b, sizeof b)), waiting,
		 top ? "; top writer " : "", top ? top->name : "");
	add_ev(f, "dirty_kb", hmean(c, M_DIRTY), fmean(c, M_DIRTY), "kB");
	add_ev(f, "writeback_kb", hmean(c, M_WRITEBACK), fmean(c, M_WRITEBACK), "kB");
	add_ev(f, "disk_write_mbps", hmean(c, M_DISK_WMBPS), fmean(c, M_DISK_WMBPS), "MB/s");
	add_ev(f, "tasks_waiting_writeback", NAN, waiting, "tasks");
	if (top)
		add_ev(f, "top_writer_kbps", NAN, secs > 0 ? tw / secs : 0, "kB/s");
	return 1;
}
