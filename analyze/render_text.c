/* render_text.c - the report and timeline for a person on a terminal. */
#include "render.h"
#include "stackgroup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sty { const char *b, *r, *dim, *red, *off; };

static void wall(const struct model *mo, int i, char *buf, size_t n)
{
	if (i >= mo->nsamples)
		i = mo->nsamples - 1;
	fmt_wall(i >= 0 ? mo->wall_us[i] : mo->hdr.start_us, buf, n, false);
}

static void num(char *buf, size_t n, double v, int dec)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else if (fabs(v) >= 1e6 && dec == 0)
		snprintf(buf, n, "%.0fk", v / 1e3);
	else
		snprintf(buf, n, "%.*f", dec, v);
}

static void print_window(FILE *out, const struct model *mo, const char *name, const struct window *w, const char *note)
{
	if (!w->set) {
		fprintf(out, "  %-8s none%s\n", name, note);
		return;
	}
	char a[16], b[16];
	wall(mo, w->a, a, sizeof a);
	wall(mo, w->b - 1, b, sizeof b);
	double end = w->b < mo->nsamples ? mo->t[w->b] : mo->t[mo->nsamples - 1];
	fprintf(out, "  %-8s %7.0f s .. %7.0f s   (%s .. %s %s, %d samples)%s\n", name, mo->t[w->a], end, a, b, wall_zone(),
		w->b - w->a, note);
}

/* The report's timeline shows the columns that tell the seed's story in a
 * terminal's width; `analyze timeline` shows them all. */
static const int compact_cols[] = {
	M_CPU_USR, M_CPU_SYS, M_CPU_IOWAIT, M_CPU_IDLE, M_MEMAVAIL, M_CACHED, M_MAJFLT, M_REFAULT,
	M_DISK_RMBPS, M_TASKS_D, M_PSI_IO, M_KSWAPD_CPU,
};

void render_timeline_text(FILE *out, const struct model *mo, const struct tl_row *rows, int n, bool header)
{
	render_timeline_cols(out, mo, rows, n, header, timeline_cols, ntimeline_cols);
}

void render_timeline_cols(FILE *out, const struct model *mo, const struct tl_row *rows, int n, bool header,
			  const int *cols, int ncols)
{
	(void)mo;
#define timeline_cols cols
#define ntimeline_cols ncols
	if (header) {
		fprintf(out, "%8s %8s", "t(s)", wall_zone());
		for (int c = 0; c < ntimeline_cols; c++)
			fprintf(out, " %8s", metric_info[timeline_cols[c]].label);
		fprintf(out, "  events\n");
		fprintf(out, "%8s %8s", "", "");
		for (int c = 0; c < ntimeline_cols; c++) {
			const char *u = metric_info[timeline_cols[c]].unit;
			fprintf(out, " %8.8s", !strcmp(u, "kB") ? "MB" : u[0] == '%' ? "%" : strstr(u, "MB/s") ? "MB/s"
					     : strstr(u, "/s") ? "/s" : !strncmp(u, "tasks", 5) ? "tasks" : !strncmp(u, "load", 4) ? "" : "0..1");
		}
		fprintf(out, "\n");
	}
	for (int i = 0; i < n; i++) {
		char w[16];
		fmt_wall(rows[i].wall_us, w, sizeof w, false);
		fprintf(out, "%8.0f %8s", rows[i].t, w);
		for (int c = 0; c < ntimeline_cols; c++) {
			int k = timeline_cols[c];
			char b[24];
			double v = rows[i].m[k];
			if (!strcmp(metric_info[k].unit, "kB") && !isnan(v)) {
				v /= 1024; /* MB reads better in a narrow column */
				num(b, sizeof b, v, 0);
				strcat(b, "M");
			} else {
				num(b, sizeof b, v, metric_info[k].decimals);
			}
			fprintf(out, " %8s", b);
		}
		fprintf(out, "  %s\n", rows[i].events);
	}
#undef timeline_cols
#undef ntimeline_cols
}

void render_text(FILE *out, const struct report *r, bool color)
{
	const struct model *mo = r->mo;
	const struct actx *c = &r->ctx;
	struct sty s = color ? (struct sty){ "\033[1m", "\033[0m", "\033[2m", "\033[1;31m", "\033[0m" }
			     : (struct sty){ "", "", "", "", "" };
	char start[32], end[32], b1[32];
	fmt_wall(mo->wall_us[0], start, sizeof start, true);
	fmt_wall(mo->wall_us[mo->nsamples - 1], end, sizeof end, true);
	fprintf(out, "%siowait-doctor report%s: %s\n\n", s.b, s.r, r->path);
	fprintf(out, "%sCapture%s\n", s.b, s.r);
	fprintf(out, "  host %s, kernel %s (%s), %u CPU(s), %s RAM, page %u B, USER_HZ %u\n", mo->hdr.host, mo->hdr.kernel,
		mo->hdr.machine, mo->hdr.ncpu, fmt_kb(c->memtotal_kb, b1, sizeof b1), mo->hdr.page_size, mo->hdr.user_hz);
	fprintf(out, "  %s .. %s, %.0f s, %d samples every %.2g s, %d gap(s), %d damaged region(s)\n", start, end,
		mo->t[mo->nsamples - 1], mo->nsamples, c->interval_s, mo->gaps, mo->damaged);
	for (size_t i = 0; i < mo->nwarn && i < 8; i++)
		fprintf(out, "  %swarning:%s %s\n", s.red, s.off, mo->warnings[i]);
	if (mo->nwarn > 8)
		fprintf(out, "  (%zu more warnings: see `analyze info`)\n", mo->nwarn - 8);

	fprintf(out, "\n%sWindows%s (%s)\n", s.b, s.r, c->w.how);
	if (!strcmp(c->w.how, "baseline"))
		fprintf(out, "  healthy  from the baseline capture, %d samples\n", c->w.healthy.b - c->w.healthy.a);
	else
		print_window(out, mo, "healthy", &c->w.healthy, c->w.trend ? " (none before the fault: using trends)" : "");
	/* with no cause found, the "faulty" window is only the least healthy
	 * stretch: say so rather than let it read like a fault */
	print_window(out, mo, "faulty", &c->w.faulty, r->nf ? "" : " (least healthy stretch; nothing in it looks like a fault)");
	fprintf(out, "  %swhy: %s%s\n", s.dim, c->w.why, s.off);

	if (r->conclusion[0])
		fprintf(out, "\n%sIn short%s\n  %s\n", s.b, s.r, r->conclusion);
	fprintf(out, "\n%sCauses%s, most likely first\n", s.b, s.r);
	if (!r->nf)
		fprintf(out, "  none of the detectors fired: no memory, reclaim, swap, OOM, I/O, writeback, CPU or D-state trouble found\n");
	for (int i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		fprintf(out, "\n  %s%d. %s%s  score %.2f", f->explained_by ? "" : s.red, f->rank, f->id, s.off, f->score);
		if (f->pid >= 0)
			fprintf(out, "  culprit %s%s (pid %ld)%s", s.b, f->comm, f->pid, s.r);
		if (f->explained_by)
			fprintf(out, "  %s[explained by %s]%s", s.dim, f->explained_by, s.off);
		fprintf(out, "\n     %s\n", f->summary);
		if (f->nev) {
			fprintf(out, "     %-28s %14s %14s\n", "evidence", c->w.trend ? "start" : "healthy", "faulty");
			for (int k = 0; k < f->nev; k++) {
				const struct evidence *e = &f->ev[k];
				char h[32], v[32];
				num(h, sizeof h, e->healthy, fabs(e->healthy) < 10 ? 1 : 0);
				num(v, sizeof v, e->faulty, fabs(e->faulty) < 10 ? 1 : 0);
				fprintf(out, "     %-28s %14s %14s  %s\n", e->metric, h, v, e->unit);
			}
		}
		if (f->nexp) {
			fprintf(out, "     explains:");
			for (int k = 0; k < f->nexp; k++)
				fprintf(out, " %s%s", k ? "-> " : "", f->explains[k]);
			fprintf(out, "\n");
		}
		if (f->detail[0]) {
			char *d = strdup(f->detail);
			for (char *save, *line = d ? strtok_r(d, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
				fprintf(out, "     %s%s%s\n", s.dim, line, s.off);
			free(d);
		}
	}

	fprintf(out, "\n%sBlocked tasks%s (D state), by where they wait, in task-seconds\n", s.b, s.r);
	if (!r->nwg)
		fprintf(out, "  no task was seen in D state\n");
	else
		fprintf(out, "  %10s %10s  %-16s %-30s %s\n", "faulty", c->w.trend ? "start" : "healthy", "comm", "wchan", "kind");
	for (int i = 0; i < r->nwg; i++)
		fprintf(out, "  %10.0f %10.0f  %-16s %-30s %s\n", r->wg[i].faulty_s, r->wg[i].healthy_s, r->wg[i].comm,
			r->wg[i].wchan[0] ? r->wg[i].wchan : "?", r->wg[i].kind);

	if (c->sg && c->sg->ngroups) {
		fprintf(out, "\n%sKernel stacks%s (sysrq / hung-task / OOM dumps in the kernel log), grouped by where they are\n", s.b, s.r);
		for (size_t i = 0; i < c->sg->ngroups && i < 10; i++) {
			const struct sg_group *g = &c->sg->groups[i];
			fprintf(out, "  %4zu %s %s:", g->count, g->cpu ? "on CPU " : "blocked", g->label);
			for (size_t m = 0; m < g->count && m < 8; m++)
				fprintf(out, " %s%s%ld%s", g->comms[m] ? g->comms[m] : "?", g->pids[m] >= 0 ? "/" : "",
					g->pids[m] >= 0 ? g->pids[m] : 0L, "");
			fprintf(out, "%s\n", g->count > 8 ? " ..." : "");
		}
	}

	/* timeline: from a little before the fault to its end, ~24 rows */
	int a = c->w.faulty.a, b = c->w.faulty.b;
	int pre = (b - a) / 4 > 5 ? (b - a) / 4 : 5;
	a = a - pre < 0 ? 0 : a - pre;
	double span = mo->t[b - 1 < mo->nsamples ? b - 1 : mo->nsamples - 1] - mo->t[a];
	double step = span / 24;
	step = step < c->interval_s ? 0 : ceil(step);
	long pids[16];
	int np = report_pids(r, pids, 16);
	int n;
	struct tl_row *rows = timeline_build(mo, step, a, b, pids, np, &n);
	fprintf(out, "\n%sTimeline around the fault%s (%s; rates per second; memory in MB)\n", s.b, s.r,
		step > 0 ? "means over steps" : "every sample");
	if (rows)
		render_timeline_cols(out, mo, rows, n, true, compact_cols, (int)(sizeof compact_cols / sizeof *compact_cols));
	free(rows);
}

int report_pids(const struct report *r, long *pids, int max)
{
	int n = 0;
	for (int i = 0; i < r->nf && n < max; i++)
		if (r->f[i].pid >= 0)
			pids[n++] = r->f[i].pid;
	return n;
}

void render_info_text(FILE *out, const struct model *mo, const char *path)
{
	char b[40];
	fprintf(out, "file          %s\n", path);
	fprintf(out, "writer        %s (format %u)\n", mo->hdr.writer, mo->hdr.format_version);
	fprintf(out, "host          %s\n", mo->hdr.host);
	fprintf(out, "kernel        %s (%s)\n", mo->hdr.kernel, mo->hdr.machine);
	fprintf(out, "cpus          %u, page size %u B, USER_HZ %u\n", mo->hdr.ncpu, mo->hdr.page_size, mo->hdr.user_hz);
	fprintf(out, "options       %s\n", mo->hdr.options);
	fprintf(out, "capture id    %016llx\n", (unsigned long long)mo->hdr.capture_id);
	fmt_wall(mo->hdr.boot_time_us, b, sizeof b, true);
	fprintf(out, "booted        %s\n", b);
	fmt_wall(mo->hdr.start_us, b, sizeof b, true);
	fprintf(out, "started       %s\n", b);
	fprintf(out, "interval      %.3f s\n", (double)mo->hdr.interval_us / 1e6);
	if (mo->nsamples) {
		char e[40];
		fmt_wall(mo->wall_us[0], b, sizeof b, true);
		fmt_wall(mo->wall_us[mo->nsamples - 1], e, sizeof e, true);
		fprintf(out, "span          %s .. %s (%.1f s)\n", b, e, mo->t[mo->nsamples - 1]);
	}
	fprintf(out, "samples       %d\n", mo->nsamples);
	fprintf(out, "frames        %d\n", mo->frames);
	fprintf(out, "tasks seen    %d\n", mo->tasks_seen);
	fprintf(out, "kernel log    %zu lines\n", mo->nkmsg);
	fprintf(out, "gaps          %d\n", mo->gaps);
	fprintf(out, "clean end     %s\n", mo->clean_end ? "yes" : "no");
	fprintf(out, "damaged       %d region(s), %llu bytes\n", mo->damaged, (unsigned long long)mo->damaged_bytes);
	for (size_t i = 0; i < mo->nevs; i++)
		if (mo->evs[i].kind == EV_DAMAGE || mo->evs[i].kind == EV_GAP || mo->evs[i].kind == EV_RESTART)
			fprintf(out, "  at %8.1f s  %s\n", mo->nsamples ? mo->t[mo->evs[i].sample < mo->nsamples ? mo->evs[i].sample : mo->nsamples - 1] : 0.0,
				mo->evs[i].text);
	for (size_t i = 0; i < mo->nwarn; i++)
		fprintf(out, "warning       %s\n", mo->warnings[i]);
	if (mo->ncaps > 1) {
		fprintf(out, "captures      %d in the input (the one above is marked *; --capture N picks another)\n", mo->ncaps);
		for (int i = 0; i < mo->ncaps && i < MODEL_MAXCAPS; i++) {
			const struct capinfo *ci = &mo->caps[i];
			char a[40], e[40];
			fmt_wall(ci->first_wall_us, a, sizeof a, true);
			fmt_wall(ci->last_wall_us, e, sizeof e, true);
			fprintf(out, "  %c%3d  id %016llx  host %-16s %s .. %s  %d samples, %d frames\n",
				i + 1 == mo->chosen ? '*' : ' ', i + 1, (unsigned long long)ci->id, ci->host, a, e,
				ci->samples, ci->frames);
		}
	}
}
