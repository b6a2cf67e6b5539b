/* render_json.c - the report, info and timeline as JSON (REPORT.md). */
#include "render.h"
#include "render_stacks.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

/* A figure rounded to its precision: dumped with 15 significant digits,
 * 0.48 reads 0.48, not 0.47999999999999998. */
static json_t *jdp(double v, int dec)
{
	if (isnan(v) || isinf(v))
		return json_null();
	double p = pow(10, dec < 0 ? 0 : dec > 6 ? 6 : dec);
	double r = round(v * p) / p;
	return json_real(r == 0 ? 0 : r); /* no -0 */
}

static json_t *jd(double v)
{
	return jdp(v, 3);
}

/* Strings from the file may hold any bytes; JSON wants UTF-8. */
static json_t *js(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	char buf[1024];
	size_t n = 0;
	for (; *s && n + 4 < sizeof buf; s++)
		buf[n++] = (unsigned char)*s < 128 ? *s : '?';
	buf[n] = 0;
	return json_string(buf);
}

/* Version of the report's layout (REPORT.md): raised when a field changes
 * meaning or goes; new fields do not raise it. */
#define REPORT_SCHEMA 2

static json_t *wall_at(const struct model *mo, int i)
{
	char b[40];
	if (!mo->nsamples)
		return json_null();
	i = i < 0 ? 0 : i >= mo->nsamples ? mo->nsamples - 1 : i;
	fmt_wall(mo->wall_us[i], b, sizeof b, true);
	return json_string(b);
}

static json_t *win(const struct model *mo, const struct window *w)
{
	if (!w->set || !mo->nsamples)
		return json_null();
	int last = w->b < mo->nsamples ? w->b : mo->nsamples - 1;
	double end = mo->t[last];
	return json_pack("{s:o,s:o,s:i,s:o,s:o}", "start_s", jd(mo->t[w->a]), "end_s", jd(end), "samples", w->b - w->a,
			 "start", wall_at(mo, w->a), "end", wall_at(mo, last));
}

static const char *ev_kind(int k)
{
	switch (k) {
	case EV_GAP: return "gap";
	case EV_DAMAGE: return "damage";
	case EV_SYSRQ: return "kernel-dump";
	case EV_OOM: return "oom";
	case EV_HUNG: return "hung-task";
	case EV_TASK_START: return "process-start";
	case EV_TASK_EXIT: return "process-exit";
	case EV_NOTE: return "recorder-note";
	case EV_RESTART: return "restart";
	}
	return "other";
}

/* Every event that tells the incident: gaps, damage, kernel dumps and
 * triggers, OOM kills, hung tasks, notes, and the culprits' starts and
 * exits.  Other processes' starts and exits are counted, not listed (a
 * busy box starts hundreds of short-lived ones an hour).  A flood of
 * dump lines is cut per kind beyond 200, with the count kept; OOM kills
 * and triggers are never cut. */
static void events_json(json_t *root, const struct report *r)
{
	const struct model *mo = r->mo;
	long pids[16];
	int np = report_pids(r, pids, 16);
	json_t *evs = json_array();
	int per_kind[EV_RESTART + 1] = { 0 }, cut[EV_RESTART + 1] = { 0 };
	long started = 0, exited = 0, short_lived = 0;
	for (size_t i = 0; i < mo->nevs; i++) {
		const struct event *e = &mo->evs[i];
		bool task = e->kind == EV_TASK_START || e->kind == EV_TASK_EXIT;
		if (task) {
			bool mine = false;
			for (int k = 0; k < np; k++)
				mine |= pids[k] == (long)e->pid;
			started += e->kind == EV_TASK_START;
			exited += e->kind == EV_TASK_EXIT;
			if (!mine)
				continue;
		}
		bool keep = e->kind == EV_OOM || (e->kind == EV_SYSRQ && strstr(e->text, "requested")) || task;
		if (!keep && per_kind[e->kind] >= 200) {
			cut[e->kind]++;
			continue;
		}
		per_kind[e->kind]++;
		int s = e->sample < mo->nsamples ? e->sample : mo->nsamples - 1;
		json_t *o = json_pack("{s:o,s:o,s:s,s:o}", "t_s", jd(s >= 0 ? mo->t[s] : 0), "wall", wall_at(mo, s), "kind",
				      ev_kind(e->kind), "text", js(e->text));
		if (task)
			json_object_set_new(o, "pid", json_integer(e->pid));
		json_array_append_new(evs, o);
	}
	/* a process seen to start and exit within the capture */
	for (size_t i = 0; i < mo->nents; i++) {
		const struct entity *e = &mo->ents[i];
		if (e->kind == ENT_PROC && e->first_sample > 0 && e->last_sample < mo->nsamples - 1)
			short_lived++;
	}
	json_object_set_new(root, "events", evs);
	json_t *sum = json_pack("{s:I,s:I,s:I}", "processes_started", (json_int_t)started, "processes_exited",
				(json_int_t)exited, "short_lived_processes", (json_int_t)short_lived);
	json_t *c = json_object();
	for (int k = 0; k <= EV_RESTART; k++)
		if (cut[k])
			json_object_set_new(c, ev_kind(k), json_integer(cut[k]));
	json_object_set_new(sum, "not_listed", c);
	json_object_set_new(root, "events_summary", sum);
}

static json_t *capture_obj(const struct model *mo)
{
	char start[40] = "";
	if (mo->nsamples)
		fmt_wall(mo->wall_us[0], start, sizeof start, true);
	json_t *warn = json_array();
	for (size_t i = 0; i < mo->nwarn; i++)
		json_array_append_new(warn, js(mo->warnings[i]));
	json_t *c = json_object();
	char id[24];
	snprintf(id, sizeof id, "%016llx", (unsigned long long)mo->hdr.capture_id);
	json_object_set_new(c, "id", json_string(id));
	json_object_set_new(c, "host", js(mo->hdr.host));
	json_object_set_new(c, "kernel", js(mo->hdr.kernel));
	json_object_set_new(c, "arch", js(mo->hdr.machine));
	json_object_set_new(c, "start", json_string(start));
	json_object_set_new(c, "duration_s", jd(mo->nsamples ? mo->t[mo->nsamples - 1] : 0));
	json_object_set_new(c, "samples", json_integer(mo->nsamples));
	json_object_set_new(c, "warnings", warn);
	json_object_set_new(c, "ncpu", json_integer(mo->hdr.ncpu));
	json_object_set_new(c, "memtotal_kb", jd(mo->nsamples ? win_max(mo, M_MEMTOTAL, 0, mo->nsamples) : NAN));
	json_object_set_new(c, "interval_s", jd((double)mo->hdr.interval_us / 1e6));
	json_object_set_new(c, "frames", json_integer(mo->frames));
	json_object_set_new(c, "gaps", json_integer(mo->gaps));
	json_object_set_new(c, "damaged_regions", json_integer(mo->damaged));
	json_object_set_new(c, "damaged_bytes", json_integer((json_int_t)mo->damaged_bytes));
	json_object_set_new(c, "clean_end", json_boolean(mo->clean_end));
	json_object_set_new(c, "writer", js(mo->hdr.writer));
	return c;
}

static int dump(FILE *out, json_t *o)
{
	int rc = json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(o);
	fputc('\n', out);
	return rc;
}

int render_json(FILE *out, const struct report *r)
{
	const struct model *mo = r->mo;
	const struct actx *c = &r->ctx;
	json_t *root = json_object();
	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA));
	json_object_set_new(root, "capture", capture_obj(mo));
	json_t *w = json_object();
	json_object_set_new(w, "how", json_string(c->w.how));
	json_object_set_new(w, "healthy", !strcmp(c->w.how, "baseline")
				? json_pack("{s:s,s:i}", "source", "baseline", "samples", c->w.healthy.b - c->w.healthy.a)
				: win(mo, &c->w.healthy));
	json_object_set_new(w, "faulty", win(mo, &c->w.faulty));
	json_object_set_new(w, "trend", json_boolean(c->w.trend));
	json_object_set_new(w, "why", js(c->w.why));
	json_object_set_new(root, "windows", w);
	json_t *causes = json_array();
	for (int i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		json_t *o = json_object();
		json_object_set_new(o, "rank", json_integer(f->rank));
		json_object_set_new(o, "id", json_string(f->id));
		json_object_set_new(o, "score", jd(f->score));
		json_object_set_new(o, "culprit", f->pid >= 0 ? json_pack("{s:I,s:o}", "pid", (json_int_t)f->pid, "comm", js(f->comm))
							     : json_null());
		json_object_set_new(o, "summary", js(f->summary));
		json_t *ev = json_array();
		for (int k = 0; k < f->nev; k++)
			json_array_append_new(ev, json_pack("{s:s,s:o,s:o,s:s}", "metric", f->ev[k].metric, "healthy",
							    jd(f->ev[k].healthy), "faulty", jd(f->ev[k].faulty), "unit",
							    f->ev[k].unit));
		json_object_set_new(o, "evidence", ev);
		json_t *ex = json_array();
		for (int k = 0; k < f->nexp; k++)
			json_array_append_new(ex, json_string(f->explains[k]));
		json_object_set_new(o, "explains", ex);
		json_object_set_new(o, "explained_by", f->explained_by ? json_string(f->explained_by) : json_null());
		json_object_set_new(o, "kind", json_string(f->cause ? "cause" : "symptom"));
		json_object_set_new(o, "detail", js(f->detail));
		json_object_set_new(o, "mount", !f->mount.path[0] ? json_null() :
					json_pack("{s:o,s:o,s:o,s:o,s:o,s:b}", "path", js(f->mount.path), "used_kb",
						  jdp(f->mount.used_kb, 0), "low_kb", jdp(f->mount.low_kb, 0), "total_kb",
						  jdp(f->mount.total_kb, 0), "growth_kb_ps", jd(f->mount.rate_kb_ps),
						  "grows", f->mount.grows));
		json_array_append_new(causes, o);
	}
	json_object_set_new(root, "causes", causes);
	json_object_set_new(root, "conclusion", js(r->conclusion));
	json_t *bl = json_array();
	for (int i = 0; i < r->nwg; i++)
		json_array_append_new(bl, json_pack("{s:o,s:o,s:s,s:o,s:o}", "comm", js(r->wg[i].comm), "wchan",
						    js(r->wg[i].wchan), "kind", wait_name(r->wg[i].kind), "faulty_task_s",
						    jd(r->wg[i].faulty_s), "healthy_task_s", jd(r->wg[i].healthy_s)));
	json_object_set_new(root, "blocked", bl);
	json_object_set_new(root, "stacks", c->kd ? stacks_to_json(c->kd, c->sg) : json_null());
	events_json(root, r);
	json_t *rules = json_object();
	for (size_t i = 0; i < ndetectors; i++)
		json_object_set_new(rules, detectors[i].id, json_string(detectors[i].rule));
	json_object_set_new(root, "rules", rules);
	return dump(out, root);
}

int render_info_json(FILE *out, const struct model *mo, const char *path)
{
	json_t *root = json_object();
	json_object_set_new(root, "file", js(path));
	json_object_set_new(root, "capture", capture_obj(mo));
	json_t *d = json_array();
	for (size_t i = 0; i < mo->nevs; i++)
		if (mo->evs[i].kind == EV_DAMAGE || mo->evs[i].kind == EV_GAP || mo->evs[i].kind == EV_RESTART)
			json_array_append_new(d, js(mo->evs[i].text));
	json_object_set_new(root, "integrity", d);
	json_object_set_new(root, "tasks_seen", json_integer(mo->tasks_seen));
	json_object_set_new(root, "kernel_log_lines", json_integer((json_int_t)mo->nkmsg));
	/* every capture the input holds; "chosen" is the one described above */
	json_t *cl = json_array();
	for (int i = 0; i < mo->ncaps && i < MODEL_MAXCAPS; i++) {
		const struct capinfo *ci = &mo->caps[i];
		char id[20], a[40], b[40];
		snprintf(id, sizeof id, "%016llx", (unsigned long long)ci->id);
		fmt_wall(ci->first_wall_us, a, sizeof a, true);
		fmt_wall(ci->last_wall_us, b, sizeof b, true);
		json_array_append_new(cl, json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:b}", "n", i + 1, "id", id,
						    "host", ci->host, "first", a, "last", b, "samples", ci->samples,
						    "frames", ci->frames, "chosen", i + 1 == mo->chosen));
	}
	json_object_set_new(root, "captures", cl);
	return dump(out, root);
}

int render_timeline_json(FILE *out, const struct timeline *tl)
{
	json_t *units = json_object(), *arr = json_array();
	for (int c = 0; c < tl->nsel; c++)
		json_object_set_new(units, tl->cols[tl->sel[c]].key, js(tl->cols[tl->sel[c]].unit));
	for (int i = 0; i < tl->n; i++) {
		const struct tl_row *row = &tl->rows[i];
		char w[40];
		fmt_wall(row->wall_us, w, sizeof w, true);
		json_t *o = json_object();
		json_object_set_new(o, "t_s", jd(row->t));
		json_object_set_new(o, "wall", json_string(w));
		json_object_set_new(o, "samples", json_integer(row->b - row->a));
		for (int c = 0; c < tl->nsel; c++) {
			const struct tl_col *col = &tl->cols[tl->sel[c]];
			json_object_set_new(o, col->key, jdp(tl_value(row, col), col->decimals + 1));
		}
		json_object_set_new(o, "events", js(row->events));
		json_array_append_new(arr, o);
	}
	return dump(out, json_pack("{s:o,s:o}", "units", units, "rows", arr));
}
