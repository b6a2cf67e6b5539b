/* detect_cpu.c - cpu-saturation: more runnable tasks than CPUs, no idle. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int detect_cpu(const struct actx *c, struct finding *f)
{
	int k = isnan(c->fmeans[M_PROCS_RUN]) ? M_TASKS_R : M_PROCS_RUN;
	double rf = fmean(c, k), rh = hmean(c, k);
	double idle = fmean(c, M_CPU_IDLE) + fmean(c, M_CPU_IOWAIT);
	if (rf < 1.5 * c->ncpu || idle >= 10)
		return 0;
	const struct model *fm = c->fm;
	const struct entity *top = NULL;
	double tc = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind != ENT_PROC)
			continue;
		double x = ent_sum(fm, e, PF_CPU, c->fa, c->fb);
		if (x > tc) {
			tc = x;
			top = e;
		}
	}
	double secs = (c->fb - c->fa) * c->interval_s, hz = fm->hdr.user_hz ? fm->hdr.user_hz : 100;
	f->score = 0.4 + 0.4 * fmin(1, rf / c->ncpu / 4);
	if (top) {
		f->pid = top->pid;
		snprintf(f->comm, sizeof f->comm, "%s", top->name);
	}
	snprintf(f->summary, sizeof f->summary, "%.1f runnable tasks on %d CPU(s), %.0f%% idle%s%s (%.0f%% of one CPU)",
		 rf, c->ncpu, idle, top ? "; top user " : "", top ? top->name : "",
		 top && secs > 0 ? 100 * tc / hz / secs : 0);
	add_ev(f, "runnable", rh, rf, "tasks");
	add_ev(f, "cpu_idle_pct", hmean(c, M_CPU_IDLE), fmean(c, M_CPU_IDLE), "%");
	add_ev(f, "load1", hmean(c, M_LOAD1), fmean(c, M_LOAD1), "load");
	if (top && secs > 0)
		add_ev(f, "top_cpu_pct", NAN, 100 * tc / hz / secs, "% of one CPU");
	return 1;
}
