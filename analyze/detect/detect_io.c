/* detect_io.c - io-saturation: a real disk is saturated; the culprit is
 * the process with most read+write bytes (/proc/PID/io read_bytes counts
 * fault-driven reads too, so a thrash shows its victims here: ranking
 * lets reclaim-thrash explain that case).
 *
 * The device's own busy time is not the only limit: a cgroup I/O throttle
 * or a slow flash controller stalls writers while the block layer reports
 * the disk nearly idle.  So a stalled I/O path (PSI io, iowait) with one
 * process doing most of the real I/O counts too. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>

int detect_io(const struct actx *c, struct finding *f)
{
	double uh = hmean(c, M_DISK_UTIL), uf = fmean(c, M_DISK_UTIL);
	double ph = hmean(c, M_PSI_IO), pf = fmean(c, M_PSI_IO);
	double wh = hmean(c, M_CPU_IOWAIT), wf = fmean(c, M_CPU_IOWAIT);
	bool busy = uf >= 80 && (c->w.trend || uf >= 1.5 * uh);
	bool stalled = (pf >= 40 && (c->w.trend || !(pf < 3 * ph + 5))) ||
		       (wf >= 30 && (c->w.trend || !(wf < 3 * wh + 5)));
	if (!busy && !stalled)
		return 0;
	const struct model *fm = c->fm;
	const struct entity *top = NULL;
	double tb = 0, all = 0;
	for (size_t i = 0; i < fm->nents; i++) {
		const struct entity *e = &fm->ents[i];
		if (e->kind != ENT_PROC)
			continue;
		double b = ent_sum(fm, e, PF_RD_KB, c->fa, c->fb) + ent_sum(fm, e, PF_WR_KB, c->fa, c->fb);
		all += b;
		if (b > tb) {
			tb = b;
			top = e;
		}
	}
	double secs = (c->fb - c->fa) * c->interval_s;
	double disk_kb = (fmean(c, M_DISK_RMBPS) + fmean(c, M_DISK_WMBPS)) * 1e6 / 1024 * secs;
	double share = disk_kb > 0 ? tb / disk_kb : 0;
	double rate_kbps = secs > 0 ? tb / secs : 0;
	if (!busy) {
		/* a stall alone: only when one process does most of the real I/O */
		if (!top || all <= 0 || tb / all < 0.5 || rate_kbps < 1024)
			return 0;
		f->pid = top->pid;
		snprintf(f->comm, sizeof f->comm, "%s", top->name);
		f->score = 0.5 + 0.3 * fmin(1, fmax(pf, wf) / 80);
		snprintf(f->summary, sizeof f->summary,
			 "I/O is the bottleneck: tasks stall on I/O (PSI io %.0f%%, iowait %.0f%%) while the disk is %.0f%% busy, "
			 "so a throttle or the device's queue is the limit; %s (pid %u) does %.0f%% of the I/O (%.1f MB/s)",
			 pf, wf, uf, top->name, top->pid, 100 * tb / all, rate_kbps / 1024);
		add_ev(f, "psi_io_some", ph, pf, "% avg10");
		add_ev(f, "cpu_iowait_pct", wh, wf, "%");
		add_ev(f, "disk_util_pct", uh, uf, "%");
		add_ev(f, "disk_write_mbps", hmean(c, M_DISK_WMBPS), fmean(c, M_DISK_WMBPS), "MB/s");
		add_ev(f, "disk_read_mbps", hmean(c, M_DISK_RMBPS), fmean(c, M_DISK_RMBPS), "MB/s");
		add_ev(f, "top_process_io_kbps", NAN, rate_kbps, "kB/s");
		return 1;
	}
	f->score = 0.4 + 0.4 * fmin(1, (uf - 80) / 20 + 0.5);
	if (top && share >= 0.2) {
		f->pid = top->pid;
		snprintf(f->comm, sizeof f->comm, "%s", top->name);
	}
	snprintf(f->summary, sizeof f->summary, "the disk is %.0f%% busy (%.1f MB/s read, %.1f MB/s written)%s%s%s",
		 uf, fmean(c, M_DISK_RMBPS), fmean(c, M_DISK_WMBPS), f->pid >= 0 ? "; most of it by " : "",
		 f->pid >= 0 ? f->comm : "", f->pid >= 0 ? "" : "; no single process accounts for it");
	add_ev(f, "disk_util_pct", uh, uf, "%");
	add_ev(f, "disk_reads_ps", hmean(c, M_DISK_RPS), fmean(c, M_DISK_RPS), "reads/s");
	add_ev(f, "disk_read_mbps", hmean(c, M_DISK_RMBPS), fmean(c, M_DISK_RMBPS), "MB/s");
	add_ev(f, "disk_write_mbps", hmean(c, M_DISK_WMBPS), fmean(c, M_DISK_WMBPS), "MB/s");
	if (top)
		add_ev(f, "top_process_io_kbps", NAN, secs > 0 ? tb / secs : 0, "kB/s");
	if (top && all > 0)
		detail_add(f, "%s (pid %u) did %.0f%% of the per-process I/O (%.0f%% of the disk's bytes)", top->name, top->pid,
			   100 * tb / all, 100 * share);
	return 1;
}
