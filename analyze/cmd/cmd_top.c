/* cmd_top.c - `analyze top`: the task table at a moment, atop-style, and
 * `analyze timeline -p`: one process's own series. */
#include "cli.h"
#include "xalloc.h"
#include "top.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static void num(FILE *out, int w, double v, int dec)
{
	if (isnan(v))
		fprintf(out, " %*s", w, "-");
	else
		fprintf(out, " %*.*f", w, dec, v);
}

struct top_ctx {
	const struct opts *o;
	const struct model *mo;
	FILE *out;
	enum top_sort sort;
	int shown;                   /* snapshots printed */
	json_t *arr;
};

static void top_text(struct top_ctx *c, const struct top_snap *s)
{
	FILE *out = c->out;
	char w[16];
	fmt_wall(s->wall_us, w, sizeof w, false);
	if (c->shown++)
		fputc('\n', out);
	fprintf(out, "at %.0f s (%s %s), sample %d of %d: %d processes, %d tasks", s->t, w, wall_zone(), s->sample + 1,
		c->mo->nsamples, s->nprocs, s->ntasks);
	if (s->dt > 0)
		fprintf(out, "; rates over the last %.2g s", s->dt);
	fprintf(out, "\n%7s %-16s %s %4s %6s %8s %8s %9s %8s %8s  %-24s %s\n", "PID", "COMM", "S", "THR", "CPU%", "RSS MB",
		"ANON MB", "MAJFLT/s", "RD kB/s", "WR kB/s", "WCHAN", "CGROUP");
	int rows = c->o->rows > 0 && !c->o->proc ? c->o->rows : s->np;
	for (int i = 0; i < s->np && i < rows; i++) {
		const struct top_proc *p = &s->p[i];
		fprintf(out, "%7u %-16.16s %c %4d", p->pid, p->comm, p->state ? p->state : '?', p->nthreads);
		num(out, 6, p->cpu_pct, 1);
		num(out, 8, p->rss_kb / 1024, 1);
		num(out, 8, p->anon_kb / 1024, 1);
		num(out, 9, p->majflt_s, 0);
		num(out, 8, p->rd_kbs, 0);
		num(out, 8, p->wr_kbs, 0);
		fprintf(out, "  %-24.24s %s\n", p->state == 'D' && p->wchan[0] ? p->wchan : p->nd ? p->wchan : "",
			p->cgroup[0] ? p->cgroup : "-");
	}
	if (rows < s->np)
		fprintf(out, "(%d more; --rows 0 shows all)\n", s->np - rows);
	if (!s->np)
		fprintf(out, "no process matches -p %s at this moment\n", c->o->proc);
}

static json_t *jnum(double v) { return isnan(v) ? json_null() : json_real(round(v * 100) / 100); }

static json_t *proc_json(const struct top_proc *p)
{
	char st[2] = { p->state ? p->state : '?', 0 };
	json_t *o = json_object();
	json_object_set_new(o, "pid", json_integer(p->pid));
	json_object_set_new(o, "comm", json_string(p->comm));
	json_object_set_new(o, "state", json_string(st));
	json_object_set_new(o, "threads", json_integer(p->nthreads));
	json_object_set_new(o, "threads_d", json_integer(p->nd));
	json_object_set_new(o, "cpu_pct", jnum(p->cpu_pct));
	json_object_set_new(o, "rss_kb", jnum(p->rss_kb));
	json_object_set_new(o, "anon_kb", jnum(p->anon_kb));
	json_object_set_new(o, "majflt_ps", jnum(p->majflt_s));
	json_object_set_new(o, "read_kbps", jnum(p->rd_kbs));
	json_object_set_new(o, "write_kbps", jnum(p->wr_kbs));
	json_object_set_new(o, "wchan", json_string(p->wchan));
	json_object_set_new(o, "cgroup", json_string(p->cgroup));
	json_object_set_new(o, "kthread", json_boolean(p->kthread));
	return o;
}

static void csv_num(FILE *out, double v)
{
	if (isnan(v))
		fputs(",", out);
	else
		fprintf(out, ",%.2f", v);
}

static void csv_str(FILE *out, const char *s)
{
	fputs(",\"", out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void top_cb_fn(void *ctx, const struct top_snap *s0)
{
	struct top_ctx *c = ctx;
	struct top_snap s = *s0;
	top_sort(s.p, s.np, c->sort);
	int rows = c->o->rows > 0 && !c->o->proc ? c->o->rows : s.np;
	if (rows > s.np)
		rows = s.np;
	if (c->o->json) {
		char w[40];
		fmt_wall(s.wall_us, w, sizeof w, true);
		json_t *o = json_object(), *a = json_array();
		json_object_set_new(o, "t_s", json_real(round(s.t * 1000) / 1000));
		json_object_set_new(o, "wall_utc", json_string(w));
		json_object_set_new(o, "sample", json_integer(s.sample));
		json_object_set_new(o, "interval_s", json_real(s.dt));
		json_object_set_new(o, "processes", json_integer(s.nprocs));
		json_object_set_new(o, "tasks", json_integer(s.ntasks));
		for (int i = 0; i < rows; i++)
			json_array_append_new(a, proc_json(&s.p[i]));
		json_object_set_new(o, "table", a);
		json_array_append_new(c->arr, o);
	} else if (c->o->csv) {
		char w[40];
		fmt_wall(s.wall_us, w, sizeof w, true);
		if (!c->shown++)
			fprintf(c->out, "t_s,wall_utc,pid,comm,state,threads,cpu_pct,rss_kb,anon_kb,majflt_ps,read_kbps,write_kbps,wchan,cgroup\n");
		for (int i = 0; i < rows; i++) {
			const struct top_proc *p = &s.p[i];
			fprintf(c->out, "%.3f,%s,%u", s.t, w, p->pid);
			csv_str(c->out, p->comm);
			fprintf(c->out, ",%c,%d", p->state ? p->state : '?', p->nthreads);
			csv_num(c->out, p->cpu_pct);
			csv_num(c->out, p->rss_kb);
			csv_num(c->out, p->anon_kb);
			csv_num(c->out, p->majflt_s);
			csv_num(c->out, p->rd_kbs);
			csv_num(c->out, p->wr_kbs);
			csv_str(c->out, p->wchan);
			csv_str(c->out, p->cgroup);
			fputc('\n', c->out);
		}
	} else {
		top_text(c, &s);
	}
}

static int resolve(const struct model *mo, const char *name, const struct when *w, double dflt, double *t)
{
	char msg[300];
	if (!w->set) {
		*t = dflt;
		return 0;
	}
	if (!when_resolve(mo, w, t, msg, sizeof msg))
		return cli_fail(2, "%s %s", name, msg);
	return 0;
}

int cmd_top(const struct opts *o, const struct model *mo)
{
	double at, to;
	int rc;
	const struct when *w = o->at.set ? &o->at : &o->from;
	if (!w->set)
		return cli_fail(2, "top needs --at T (seconds from the start, or HH:MM[:SS]), e.g. analyze top FILE --at 120");
	if ((rc = resolve(mo, o->at.set ? "--at" : "--from", w, 0, &at)) ||
	    (rc = resolve(mo, "--to", &o->to, mo->t[mo->nsamples - 1], &to)))
		return rc;
	if (o->to.set && to < at)
		return cli_fail(2, "--to %s is before the start of the table (%.0f s); give a later --to", o->to.text, at);
	enum top_sort sort = TOP_CPU;
	if (o->sort && !top_sort_parse(o->sort, &sort))
		return cli_fail(2, "--sort wants cpu, rss, majflt or state, not '%s'", o->sort);
	struct top_filter flt, *fp = NULL;
	if (o->proc) {
		if (!top_filter_parse(o->proc, &flt))
			return cli_fail(2, "-p wants a PID or a process name");
		fp = &flt;
	}
	bool *want = xrealloc(NULL, (size_t)mo->nsamples * sizeof *want);
	memset(want, 0, (size_t)mo->nsamples * sizeof *want);
	/* the sample nearest each moment: clocks drift off whole seconds */
	double half = mo->nsamples > 1 ? mo->t[mo->nsamples - 1] / (mo->nsamples - 1) / 2 : 0.5;
	int i0 = model_index_at(mo, at - half);
	if (i0 >= mo->nsamples)
		i0 = mo->nsamples - 1;
	want[i0] = true;
	if (o->step > 0)
		for (int k = 1; at + k * o->step <= to + half; k++) {
			int i = model_index_at(mo, at + k * o->step - half);
			if (i < mo->nsamples)
				want[i] = true;
		}
	FILE *out = cli_open_out(o->out);
	if (!out) {
		free(want);
		return 2;
	}
	struct top_ctx c = { .o = o, .mo = mo, .out = out, .sort = sort };
	if (o->json)
		c.arr = json_array();
	char err[512];
	rc = top_replay(o->files, o->nfiles, mo, want, fp, top_cb_fn, &c, err, sizeof err);
	free(want);
	if (rc) {
		json_decref(c.arr);
		if (out != stdout)
			fclose(out);
		return cli_fail(2, "%s", err);
	}
	if (c.arr) {
		json_dumpf(c.arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(c.arr);
	}
	return cli_close_out(out, o->out);
}

/* ------------------------------------------------ timeline -p PID|COMM */

#define TLP_MAX 64

struct acc {
	uint32_t pid;
	char comm[64], state, wchan[64];
	int n, nthreads, nd;
	double cpu, rss, anon, maj, rd, wr;   /* sums over the step's samples */
	int ncpu, nrss, nanon, nmaj, nrd, nwr;
};

struct tlp_ctx {
	const struct opts *o;
	const struct model *mo;
	FILE *out;
	struct acc acc[TLP_MAX];
	int nacc, rows;
	double t0;
	uint64_t wall0;
	bool open;
};

static void add(double *sum, int *n, double v)
{
	if (!isnan(v)) {
		*sum += v;
		(*n)++;
	}
}

static double mean(double sum, int n) { return n ? sum / n : NAN; }

static void tlp_flush(struct tlp_ctx *c)
{
	if (!c->open)
		return;
	char w[40];
	for (int i = 0; i < c->nacc; i++) {
		const struct acc *a = &c->acc[i];
		if (c->o->csv) {
			fmt_wall(c->wall0, w, sizeof w, true);
			if (!c->rows)
				fprintf(c->out, "t_s,wall_utc,pid,comm,state,threads,threads_d,cpu_pct,rss_kb,anon_kb,majflt_ps,read_kbps,write_kbps,wchan\n");
			fprintf(c->out, "%.3f,%s,%u", c->t0, w, a->pid);
			csv_str(c->out, a->comm);
			fprintf(c->out, ",%c,%d,%d", a->state, a->nthreads, a->nd);
			csv_num(c->out, mean(a->cpu, a->ncpu));
			csv_num(c->out, mean(a->rss, a->nrss));
			csv_num(c->out, mean(a->anon, a->nanon));
			csv_num(c->out, mean(a->maj, a->nmaj));
			csv_num(c->out, mean(a->rd, a->nrd));
			csv_num(c->out, mean(a->wr, a->nwr));
			csv_str(c->out, a->wchan);
			fputc('\n', c->out);
		} else {
			fmt_wall(c->wall0, w, sizeof w, false);
			if (!c->rows)
				fprintf(c->out, "%8s %8s %7s %-16s %s %4s %3s %6s %8s %8s %9s %8s %8s  %s\n", "t(s)", wall_zone(), "PID",
					"COMM", "S", "THR", "D", "CPU%", "RSS MB", "ANON MB", "MAJFLT/s", "RD kB/s", "WR kB/s", "WCHAN");
			fprintf(c->out, "%8.0f %8s %7u %-16.16s %c %4d %3d", c->t0, w, a->pid, a->comm, a->state, a->nthreads, a->nd);
			num(c->out, 6, mean(a->cpu, a->ncpu), 1);
			num(c->out, 8, mean(a->rss, a->nrss) / 1024, 1);
			num(c->out, 8, mean(a->anon, a->nanon) / 1024, 1);
			num(c->out, 9, mean(a->maj, a->nmaj), 0);
			num(c->out, 8, mean(a->rd, a->nrd), 0);
			num(c->out, 8, mean(a->wr, a->nwr), 0);
			fprintf(c->out, "  %s\n", a->wchan);
		}
		c->rows++;
	}
	c->nacc = 0;
	c->open = false;
}

static void tlp_cb(void *ctx, const struct top_snap *s)
{
	struct tlp_ctx *c = ctx;
	if (c->open && (c->o->step <= 0 || s->t >= c->t0 + c->o->step - s->dt / 2))
		tlp_flush(c);
	if (!c->open) {
		c->open = true;
		c->t0 = s->t;
		c->wall0 = s->wall_us;
	}
	for (int i = 0; i < s->np; i++) {
		const struct top_proc *p = &s->p[i];
		int k = 0;
		while (k < c->nacc && c->acc[k].pid != p->pid)
			k++;
		if (k == c->nacc) {
			if (k == TLP_MAX)
				continue;
			memset(&c->acc[k], 0, sizeof c->acc[k]);
			c->acc[k].pid = p->pid;
			c->nacc++;
		}
		struct acc *a = &c->acc[k];
		snprintf(a->comm, sizeof a->comm, "%s", p->comm);
		/* over a step, the worst state seen and the largest D count */
		if (!a->n || (p->state == 'D') || (p->state == 'R' && a->state != 'D'))
			a->state = p->state ? p->state : '?';
		if (p->nd >= a->nd && p->nd) {
			a->nd = p->nd;
			snprintf(a->wchan, sizeof a->wchan, "%s", p->wchan);
		}
		a->nthreads = p->nthreads;
		a->n++;
		add(&a->cpu, &a->ncpu, p->cpu_pct);
		add(&a->rss, &a->nrss, p->rss_kb);
		add(&a->anon, &a->nanon, p->anon_kb);
		add(&a->maj, &a->nmaj, p->majflt_s);
		add(&a->rd, &a->nrd, p->rd_kbs);
		add(&a->wr, &a->nwr, p->wr_kbs);
	}
}

int cmd_timeline_proc(const struct opts *o, const struct model *mo, int a, int b)
{
	struct top_filter flt;
	if (!top_filter_parse(o->proc, &flt))
		return cli_fail(2, "-p wants a PID or a process name");
	if (o->json)
		return cli_fail(2, "timeline -p prints text or --csv; --json is not offered for one process yet");
	bool *want = xrealloc(NULL, (size_t)mo->nsamples * sizeof *want);
	memset(want, 0, (size_t)mo->nsamples * sizeof *want);
	for (int i = a; i < b; i++)
		want[i] = true;
	FILE *out = cli_open_out(o->out);
	if (!out) {
		free(want);
		return 2;
	}
	struct tlp_ctx *c = xrealloc(NULL, sizeof *c);
	memset(c, 0, sizeof *c);
	c->o = o;
	c->mo = mo;
	c->out = out;
	char err[512];
	int rc = top_replay(o->files, o->nfiles, mo, want, &flt, tlp_cb, c, err, sizeof err);
	tlp_flush(c);
	free(want);
	int rows = c->rows;
	free(c);
	if (rc) {
		if (out != stdout)
			fclose(out);
		return cli_fail(2, "%s", err);
	}
	if (!rows)
		fprintf(stderr, "analyze: no process matches -p %s in this range (a PID, or a name exactly as `analyze top` shows it)\n",
			o->proc);
	return cli_close_out(out, o->out);
}
