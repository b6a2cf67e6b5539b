/* render_text.c - the report and timeline for a person on a terminal. */
#include "render.h"
#include "stackgroup.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct sty { const char *b, *r, *dim, *red, *off; };

/* The width a report is laid out for: COLUMNS, else the terminal's, else
 * 80 (a pipe, a file, a bug report). */
int text_width(FILE *out)
{
	const char *c = getenv("COLUMNS");
	if (c && *c) {
		char *end;
		long v = strtol(c, &end, 10);
		if (!*end && v >= 20 && v <= 10000)
			return (int)v;
	}
	struct winsize ws;
	if (out && isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Prints text from column col, breaking at spaces before width (0: never),
 * continuation lines indented by indent; ends the line. */
static void wrap(FILE *out, const char *text, int col, int indent, int width)
{
	const char *p = text;
	bool first = true;
	while (*p) {
		while (*p == ' ' && !first)
			p++;
		if (!*p)
			break;
		int room = width > 0 ? width - col : 1 << 30;
		if (room < 10) { /* no room left on this line: start a fresh one */
			if (!first || col > indent) {
				fprintf(out, "\n%*s", indent, "");
				col = indent;
				room = width - col;
			}
			if (room < 1)
				room = 1;
		}
		size_t len = strlen(p);
		size_t take = len;
		if ((int)len > room) {
			take = 0;
			for (size_t k = 0; k <= (size_t)room && k < len; k++)
				if (p[k] == ' ')
					take = k;
			if (take == 0) /* one word longer than the line: cut it */
				take = (size_t)room;
			/* never split a UTF-8 sequence */
			while (take > 1 && ((unsigned char)p[take] & 0xc0) == 0x80)
				take--;
		}
		fwrite(p, 1, take, out);
		p += take;
		first = false;
		if (*p) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
	}
	fputc('\n', out);
}

static void wrapf(FILE *out, int col, int indent, int width, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void wrapf(FILE *out, int col, int indent, int width, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	wrap(out, buf, col, indent, width);
}

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

static void print_window(FILE *out, const struct model *mo, const char *name, const struct window *w, const char *note,
			 int width)
{
	if (!w->set) {
		wrapf(out, 0, 11, width, "  %-8s none%s", name, note);
		return;
	}
	char a[16], b[16];
	wall(mo, w->a, a, sizeof a);
	wall(mo, w->b - 1, b, sizeof b);
	double end = w->b < mo->nsamples ? mo->t[w->b] : mo->t[mo->nsamples - 1];
	wrapf(out, 0, 11, width, "  %-8s %7.0f s .. %7.0f s   (%s .. %s %s, %d samples)%s", name, mo->t[w->a], end, a, b,
	      wall_zone(), w->b - w->a, note);
}

/* Which columns a narrow terminal keeps, first kept first: the symptom,
 * memory where it ran short, faults, blocked tasks, pressure, the disks. */
static const char *const col_priority[] = {
	"memavailable_kb", "culprit_rss_kb", "culprit_cgroup_usage_kb", "majflt_ps", "refault_ps",
	"tasks_d", "psi_io_some", "disk_read_mbps", "disk_write_mbps", "dirty_kb", "writeback_kb", "cpu_usr_pct",
	"cpu_sys_pct", "kswapd_cpu_pct", "procs_running", "pswpin_ps", "pswpout_ps", "disk_writes_ps", "cached_kb",
	"psi_mem_some", "cpu_idle_pct", "shmem_kb", "disk_util_pct", "pgscan_kswapd_ps", "pgscan_direct_ps",
};

/* iowait (the complaint) first, then what the findings' evidence names,
 * then the usual story, then the disks, then the rest */
static int prio(const struct timeline *tl, const struct tl_col *c)
{
	if (!strcmp(c->key, "cpu_iowait_pct"))
		return 0;
	for (int i = 0; i < tl->nprefer; i++)
		if (!strcmp(c->key, tl->prefer[i]))
			return 1 + i;
	for (size_t i = 0; i < sizeof col_priority / sizeof *col_priority; i++)
		if (!strcmp(c->key, col_priority[i]))
			return 100 + (int)i;
	return 200 + (c->metric < 0 ? 0 : 50);
}

/* a column with nothing in the rows (not measured, or all zero) */
static bool col_empty(const struct timeline *tl, const struct tl_col *c)
{
	for (int i = 0; i < tl->n; i++) {
		double v = tl_value(&tl->rows[i], c);
		if (!isnan(v) && fabs(v) >= 0.05)
			return false;
	}
	return true;
}

static const char *short_unit(const struct tl_col *c)
{
	const char *u = c->unit;
	return c->kb ? "MB" : u[0] == '%' ? "%" : !strncmp(u, "tasks", 5) ? "tasks" : strstr(u, "MB/s") ? "MB/s"
		: strstr(u, "/s") ? "/s" : !strncmp(u, "load", 4) ? "" : !strncmp(u, "0..1", 4) ? "0..1" : "";
}

enum { TL_FIXED = 17, TL_EVMIN = 16 };

/* 8 characters, or the label's own width */
static int colw(const struct tl_col *c)
{
	int l = (int)strlen(c->label);
	return l > 8 ? l : 8;
}

void render_timeline_text(FILE *out, const struct timeline *tl, int width)
{
	int show[TL_MAXCOLS], ns = 0;
	bool events = false;
	for (int i = 0; i < tl->n && !events; i++)
		events = tl->rows[i].events[0] != 0;
	if (tl->chosen || width <= 0) {
		for (int k = 0; k < tl->nsel; k++)
			show[ns++] = tl->sel[k];
	} else {
		/* the most telling columns that fit, shown in their usual order */
		int cand[TL_MAXCOLS], nc = 0;
		for (int k = 0; k < tl->nsel; k++)
			if (!col_empty(tl, &tl->cols[tl->sel[k]]))
				cand[nc++] = tl->sel[k];
		for (int i = 1; i < nc; i++)
			for (int j = i; j > 0 && prio(tl, &tl->cols[cand[j]]) < prio(tl, &tl->cols[cand[j - 1]]); j--) {
				int t = cand[j];
				cand[j] = cand[j - 1];
				cand[j - 1] = t;
			}
		int room = width - TL_FIXED - (events ? 2 + TL_EVMIN : 0), used = 0;
		for (int k = 0; k < nc; k++) {
			int cw = 1 + colw(&tl->cols[cand[k]]);
			if (used + cw > room)
				continue;
			used += cw;
			show[ns++] = cand[k];
		}
		for (int i = 1; i < ns; i++)
			for (int j = i; j > 0 && show[j] < show[j - 1]; j--) {
				int t = show[j];
				show[j] = show[j - 1];
				show[j - 1] = t;
			}
	}
	int evcol = TL_FIXED + 2;
	for (int c = 0; c < ns; c++)
		evcol += 1 + colw(&tl->cols[show[c]]);
	fprintf(out, "%8s %8s", "t(s)", wall_zone());
	for (int c = 0; c < ns; c++)
		fprintf(out, " %*s", colw(&tl->cols[show[c]]), tl->cols[show[c]].label);
	fprintf(out, "%s\n", events ? "  events" : "");
	fprintf(out, "%8s %8s", "", "");
	for (int c = 0; c < ns; c++)
		fprintf(out, " %*s", colw(&tl->cols[show[c]]), short_unit(&tl->cols[show[c]]));
	fprintf(out, "\n");
	for (int i = 0; i < tl->n; i++) {
		const struct tl_row *row = &tl->rows[i];
		char w[16];
		fmt_wall(row->wall_us, w, sizeof w, false);
		fprintf(out, "%8.0f %8s", row->t, w);
		for (int c = 0; c < ns; c++) {
			const struct tl_col *col = &tl->cols[show[c]];
			char b[24];
			double v = tl_value(row, col);
			if (col->kb && !isnan(v)) {
				num(b, sizeof b, v / 1024, 0); /* MB reads better in a narrow column */
				strcat(b, "M");
			} else {
				num(b, sizeof b, v, col->decimals);
			}
			fprintf(out, " %*.*s", colw(col), colw(col), b);
		}
		if (row->events[0]) {
			fprintf(out, "  ");
			/* too narrow for events beside the figures: under them */
			if (width > 0 && width - evcol < TL_EVMIN) {
				fprintf(out, "\n%*s", 4, "");
				wrap(out, row->events, 4, 6, width);
			} else {
				wrap(out, row->events, evcol, evcol, width);
			}
		} else {
			fputc('\n', out);
		}
	}
}

void render_text(FILE *out, const struct report *r, bool color)
{
	render_text_width(out, r, color, text_width(out));
}

/* one finding: heading, summary, evidence table, what it explains, detail */
static void finding_text(FILE *out, const struct finding *f, const struct sty *s, bool trend, int W)
{
	char head[400];
	int hl = snprintf(head, sizeof head, "  %d. %s", f->rank, f->id);
	fprintf(out, "\n%s%s%s", f->explained_by ? "" : s->red, head, s->off);
	char rest[400] = "";
	sappend(rest, sizeof rest, "  score %.2f", f->score);
	if (f->pid >= 0)
		sappend(rest, sizeof rest, "  culprit %s (pid %ld)", f->comm, f->pid);
	if (f->explained_by)
		sappend(rest, sizeof rest, "  [explained by %s]", f->explained_by);
	wrap(out, rest, hl, 5, W);
	fprintf(out, "     ");
	wrap(out, f->summary, 5, 5, W);
	if (f->nev) {
		int mw = 8;
		for (int k = 0; k < f->nev; k++)
			mw = (int)strlen(f->ev[k].metric) > mw ? (int)strlen(f->ev[k].metric) : mw;
		mw = mw > 28 ? 28 : mw;
		fprintf(out, "     %-*s %10s %10s\n", mw, "evidence", trend ? "start" : "healthy", "faulty");
		for (int k = 0; k < f->nev; k++) {
			const struct evidence *e = &f->ev[k];
			char h[32], v[32], line[256];
			num(h, sizeof h, e->healthy, fabs(e->healthy) < 10 ? 1 : 0);
			num(v, sizeof v, e->faulty, fabs(e->faulty) < 10 ? 1 : 0);
			int l = snprintf(line, sizeof line, "     %-*.*s %10s %10s  %s", mw, mw, e->metric, h, v, e->unit);
			if (W > 0 && l > W && W < (int)sizeof line)
				line[W] = 0;
			fprintf(out, "%s\n", line);
		}
	}
	if (f->nexp) {
		char ex[400] = "explains:";
		for (int k = 0; k < f->nexp; k++)
			sappend(ex, sizeof ex, " %s%s", k ? "-> " : "", f->explains[k]);
		fprintf(out, "     ");
		wrap(out, ex, 5, 7, W);
	}
	if (f->detail[0]) {
		char *d = xstrdup(f->detail);
		for (char *save, *line = strtok_r(d, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			fprintf(out, "     %s", s->dim);
			wrap(out, line, 5, 7, W);
			fprintf(out, "%s", s->off);
		}
		free(d);
	}
}

/* the D-state wait groups, comm and wchan columns narrowed to fit W */
static void blocked_text(FILE *out, const struct report *r, const struct sty *s, int W)
{
	fprintf(out, "\n%sBlocked tasks%s ", s->b, s->r);
	wrap(out, "(D state), by where they wait, in task-seconds", 14, 2, W);
	if (!r->nwg) {
		fprintf(out, "  no task was seen in D state\n");
	} else {
		/* comm and wchan as wide as they need, narrowed to fit */
		int cw = 4, ww = 5, kw = 4;
		for (int i = 0; i < r->nwg; i++) {
			int l = (int)strlen(r->wg[i].comm), m = (int)strlen(r->wg[i].wchan[0] ? r->wg[i].wchan : "?");
			int k = (int)strlen(wait_name(r->wg[i].kind));
			cw = l > cw ? l : cw;
			ww = m > ww ? m : ww;
			kw = k > kw ? k : kw;
		}
		cw = cw > 24 ? 24 : cw;
		ww = ww > 36 ? 36 : ww;
		while (W > 0 && 2 + 8 + 1 + 8 + 2 + cw + 1 + ww + 1 + kw > W && (cw > 8 || ww > 12)) {
			if (ww > 12)
				ww--;
			else
				cw--;
		}
		fprintf(out, "  %8s %8s  %-*s %-*s %s\n", "faulty", r->ctx.w.trend ? "start" : "healthy", cw, "comm", ww, "wchan",
			"kind");
		for (int i = 0; i < r->nwg; i++)
			fprintf(out, "  %8.0f %8.0f  %-*.*s %-*.*s %s\n", r->wg[i].faulty_s, r->wg[i].healthy_s, cw, cw,
				r->wg[i].comm, ww, ww, r->wg[i].wchan[0] ? r->wg[i].wchan : "?", wait_name(r->wg[i].kind));
	}
}

/* the kernel dumps' stack groups, the ten biggest */
static void kstacks_text(FILE *out, const struct actx *c, const struct sty *s, int W)
{
	if (c->sg && c->sg->ngroups) {
		fprintf(out, "\n%sKernel stacks%s ", s->b, s->r);
		wrap(out, "(sysrq / hung-task / OOM dumps in the kernel log), grouped by where they are", 14, 2, W);
		for (size_t i = 0; i < c->sg->ngroups && i < 10; i++) {
			const struct sg_group *g = &c->sg->groups[i];
			char line[1024];
			snprintf(line, sizeof line, "%4zu %s %s:", g->count, g->cpu ? "on CPU " : "blocked", g->label);
			for (size_t m = 0; m < g->count && m < 8; m++) {
				if (g->pids[m] >= 0)
					sappend(line, sizeof line, " %s/%ld", g->comms[m] ? g->comms[m] : "?", g->pids[m]);
				else
					sappend(line, sizeof line, " %s", g->comms[m] ? g->comms[m] : "?");
			}
			if (g->count > 8)
				sappend(line, sizeof line, " ...");
			fprintf(out, "  ");
			wrap(out, line, 2, 15, W);
		}
	}
}

void render_text_width(FILE *out, const struct report *r, bool color, int W)
{
	const struct model *mo = r->mo;
	const struct actx *c = &r->ctx;
	struct sty s = color ? (struct sty){ "\033[1m", "\033[0m", "\033[2m", "\033[1;31m", "\033[0m" }
			     : (struct sty){ "", "", "", "", "" };
	char start[32], end[32], b1[32];
	fmt_wall(mo->wall_us[0], start, sizeof start, true);
	fmt_wall(mo->wall_us[mo->nsamples - 1], end, sizeof end, true);
	fprintf(out, "%siowait-doctor report%s: ", s.b, s.r);
	wrap(out, r->path ? r->path : "-", 22, 4, W);
	fprintf(out, "\n%sCapture%s\n", s.b, s.r);
	wrapf(out, 0, 4, W, "  host %s, kernel %s (%s), %u CPU(s), %s RAM, page %u B, USER_HZ %u", mo->hdr.host,
	      mo->hdr.kernel, mo->hdr.machine, mo->hdr.ncpu, fmt_kb(c->memtotal_kb, b1, sizeof b1), mo->hdr.page_size,
	      mo->hdr.user_hz);
	wrapf(out, 0, 4, W, "  %s .. %s, %.0f s, %d samples every %.2g s, %d gap(s), %d damaged region(s)", start, end,
	      mo->t[mo->nsamples - 1], mo->nsamples, c->interval_s, mo->gaps, mo->damaged);
	for (size_t i = 0; i < mo->nwarn && i < 8; i++) {
		fprintf(out, "  %swarning:%s ", s.red, s.off);
		wrap(out, mo->warnings[i], 11, 4, W);
	}
	if (mo->nwarn > 8)
		wrapf(out, 0, 4, W, "  (%zu more warnings: see `analyze info`)", mo->nwarn - 8);

	fprintf(out, "\n%sWindows%s (%s)\n", s.b, s.r, c->w.how);
	if (!strcmp(c->w.how, "baseline"))
		wrapf(out, 0, 11, W, "  healthy  from the baseline capture, %d samples", c->w.healthy.b - c->w.healthy.a);
	else
		print_window(out, mo, "healthy", &c->w.healthy, c->w.trend ? " (none before the fault: using trends)" : "", W);
	/* with no cause found, the "faulty" window is only the least healthy
	 * stretch: say so rather than let it read like a fault */
	print_window(out, mo, "faulty", &c->w.faulty, r->nf ? "" : " (least healthy stretch; nothing in it looks like a fault)", W);
	fprintf(out, "  %swhy: ", s.dim);
	wrap(out, c->w.why, 7, 4, W);
	fprintf(out, "%s", s.off);

	if (r->conclusion[0]) {
		fprintf(out, "\n%sIn short%s\n  ", s.b, s.r);
		wrap(out, r->conclusion, 2, 2, W);
	}
	fprintf(out, "\n%sCauses%s, most likely first\n", s.b, s.r);
	if (!r->nf)
		wrap(out, "  none of the detectors fired: no memory, reclaim, swap, OOM, I/O, writeback, CPU or D-state trouble found", 0,
		     4, W);
	for (int i = 0; i < r->nf; i++)
		finding_text(out, &r->f[i], &s, c->w.trend, W);

	blocked_text(out, r, &s, W);
	kstacks_text(out, c, &s, W);

	/* timeline: from a little before the fault to its end, ~24 rows */
	int a = c->w.faulty.a, b = c->w.faulty.b;
	int pre = (b - a) / 4 > 5 ? (b - a) / 4 : 5;
	a = a - pre < 0 ? 0 : a - pre;
	double span = mo->t[b - 1 < mo->nsamples ? b - 1 : mo->nsamples - 1] - mo->t[a];
	double step = span / 24;
	step = step < c->interval_s ? 0 : ceil(step);
	struct timeline *tl = timeline_new(r, step, a, b);
	fprintf(out, "\n%sTimeline around the fault%s ", s.b, s.r);
	wrapf(out, 26, 2, W, "(%s; rates per second; memory in MB%s)", step > 0 ? "means over steps" : "every sample",
	      W > 0 ? "; --wide for every column" : "");
	if (tl)
		render_timeline_text(out, tl, W);
	timeline_free(tl);
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
