/* render_stacks.c: see render_stacks.h. */
#include "render_stacks.h"

#include <string.h>

/* Text listing: members and stack frames shown per group before "...". */
#define TXT_MEMBERS 12
#define TXT_FRAMES 6

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *long_or_null(long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *ts_or_null(double ts)
{
	return ts >= 0 ? json_real(ts) : json_null();
}

static json_t *frame_json(const struct kd_frame *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "function", str_or_null(f->function));
	json_object_set_new(o, "offset", str_or_null(f->offset));
	json_object_set_new(o, "reliable", json_boolean(f->reliable));
	if (f->size)
		json_object_set_new(o, "size", json_string(f->size));
	if (f->module)
		json_object_set_new(o, "module", json_string(f->module));
	if (f->address)
		json_object_set_new(o, "address", json_string(f->address));
	if (f->file_line)
		json_object_set_new(o, "file_line", json_string(f->file_line));
	return o;
}

static json_t *task_json(const struct kd_task *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "comm", str_or_null(t->comm));
	json_object_set_new(o, "pid", long_or_null(t->pid));
	json_object_set_new(o, "state", t->state[0] ? json_string(t->state) : json_null());
	json_object_set_new(o, "cpu", t->cpu >= 0 ? json_integer(t->cpu) : json_null());
	json_object_set_new(o, "ppid", long_or_null(t->ppid));
	json_object_set_new(o, "tgid", long_or_null(t->tgid));
	json_object_set_new(o, "ts", ts_or_null(t->ts));
	json_object_set_new(o, "complete", json_boolean(t->complete));
	json_object_set_new(o, "idle", json_boolean(t->idle));
	if (t->pc_function)
		json_object_set_new(o, "pc_function", json_string(t->pc_function));
	json_t *frames = json_array();
	for (size_t i = 0; i < t->nframes; i++)
		json_array_append_new(frames, frame_json(&t->frames[i]));
	json_object_set_new(o, "frames", frames);
	return o;
}

static json_t *dump_json(const struct kd_dump *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(kd_kind_name(d->kind)));
	json_object_set_new(o, "complete", json_boolean(d->complete));
	json_object_set_new(o, "ts", ts_or_null(d->ts));
	if (d->trigger_id >= 0)
		json_object_set_new(o, "trigger_id", json_integer(d->trigger_id));
	if (d->kind == KD_OOM) {
		json_t *v = json_object();
		json_object_set_new(v, "comm", str_or_null(d->oom_victim_comm));
		json_object_set_new(v, "pid", long_or_null(d->oom_victim_pid));
		json_object_set_new(v, "rss_kb", long_or_null(d->oom_victim_rss_kb));
		json_object_set_new(o, "oom_victim", v);
		json_object_set_new(o, "oom_constraint", str_or_null(d->oom_constraint));
	}
	json_t *tasks = json_array();
	for (size_t i = 0; i < d->ntasks; i++)
		json_array_append_new(tasks, task_json(&d->tasks[i]));
	json_object_set_new(o, "tasks", tasks);
	return o;
}

static json_t *group_json(const struct sg_group *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "fingerprint", json_string(g->fingerprint));
	json_object_set_new(o, "label", json_string(g->label));
	json_object_set_new(o, "count", json_integer((json_int_t)g->count));
	json_t *pids = json_array(), *comms = json_array(), *cpus = json_array();
	for (size_t i = 0; i < g->count; i++) {
		json_array_append_new(pids, long_or_null(g->pids[i]));
		json_array_append_new(comms, str_or_null(g->comms[i]));
		json_array_append_new(cpus, g->cpus[i] >= 0 ? json_integer(g->cpus[i]) : json_null());
	}
	json_object_set_new(o, "tasks", pids);
	json_object_set_new(o, "comms", comms);
	json_object_set_new(o, "kind", json_string(g->cpu ? "cpu" : "blocked"));
	if (g->cpu)
		json_object_set_new(o, "cpus", cpus);
	else
		json_decref(cpus);
	json_object_set_new(o, "wait", str_or_null(g->wait));
	json_object_set_new(o, "idle", json_boolean(g->idle));
	json_object_set_new(o, "page_fault", json_boolean(sg_is_page_fault_wait(g)));
	json_object_set_new(o, "reclaim", json_boolean(g->reclaim));
	json_t *stack = json_array();
	for (size_t i = 0; i < g->nstack; i++)
		json_array_append_new(stack, json_string(g->stack[i]));
	json_object_set_new(o, "stack", stack);
	return o;
}

json_t *stacks_to_json(const struct kd_result *r, const struct sg_groups *g)
{
	json_t *root = json_object();
	json_t *dumps = json_array();
	for (size_t i = 0; i < kd_ndumps(r); i++)
		json_array_append_new(dumps, dump_json(kd_dump_at(r, i)));
	json_object_set_new(root, "dumps", dumps);
	json_t *groups = json_array();
	for (size_t i = 0; g && i < g->ngroups; i++)
		json_array_append_new(groups, group_json(&g->groups[i]));
	json_object_set_new(root, "groups", groups);
	return root;
}

/* ---------- text ---------- */

struct style {
	const char *bold, *dim, *count, *off;
};

static void print_member(FILE *out, const struct sg_group *g, size_t i)
{
	if (g->cpu && g->cpus[i] >= 0)
		fprintf(out, "cpu%d:", g->cpus[i]);
	fprintf(out, "%s", g->comms[i] ? g->comms[i] : "?");
	if (g->pids[i] >= 0)
		fprintf(out, "/%ld", g->pids[i]);
}

static void print_group(FILE *out, const struct sg_group *g, const struct style *s)
{
	fprintf(out, "  %s%3zu%s  %s%s%s\n", s->count, g->count, s->off, s->bold, g->label, s->off);
	fprintf(out, "       ");
	for (size_t i = 0; i < g->count && i < TXT_MEMBERS; i++) {
		fputs(i ? " " : "", out);
		print_member(out, g, i);
	}
	if (g->count > TXT_MEMBERS)
		fprintf(out, " ... (+%zu)", g->count - TXT_MEMBERS);
	fputc('\n', out);
	if (g->nstack) {
		fprintf(out, "       %s", s->dim);
		for (size_t i = 0; i < g->nstack && i < TXT_FRAMES; i++)
			fprintf(out, "%s%s", i ? " < " : "", g->stack[i]);
		fprintf(out, "%s%s\n", g->nstack > TXT_FRAMES ? " < ..." : "", s->off);
	}
}

static void print_dump_line(FILE *out, const struct kd_dump *d, const struct style *s)
{
	fprintf(out, "  %s%s%s", s->bold, kd_kind_name(d->kind), s->off);
	if (d->ts >= 0)
		fprintf(out, " at %.3f", d->ts);
	if (d->trigger_id >= 0)
		fprintf(out, " (trigger %ld)", d->trigger_id);
	fprintf(out, ": %zu %s%s", d->ntasks, d->kind == KD_SYSRQ_L ? "CPU(s)" : "task(s)",
	        d->complete ? "" : ", incomplete");
	if (d->kind == KD_OOM && d->oom_victim_comm) {
		fprintf(out, ", killed %s", d->oom_victim_comm);
		if (d->oom_victim_pid >= 0)
			fprintf(out, "/%ld", d->oom_victim_pid);
		if (d->oom_victim_rss_kb >= 0)
			fprintf(out, " (rss %ld kB)", d->oom_victim_rss_kb);
	}
	fputc('\n', out);
}

void stacks_print_text(FILE *out, const struct kd_result *r, const struct sg_groups *g,
                       bool color)
{
	static const struct style plain = {"", "", "", ""};
	static const struct style ansi = {"\033[1m", "\033[2m", "\033[1;33m", "\033[0m"};
	const struct style *s = color ? &ansi : &plain;
	size_t nblocked = 0, ncpu = 0;
	for (size_t i = 0; g && i < g->ngroups; i++)
		*(g->groups[i].cpu ? &ncpu : &nblocked) += 1;
	if (nblocked) {
		fprintf(out, "%sBlocked tasks, by where they wait:%s\n", s->bold, s->off);
		for (size_t i = 0; i < g->ngroups; i++)
			if (!g->groups[i].cpu)
				print_group(out, &g->groups[i], s);
	}
	if (ncpu) {
		fprintf(out, "%sCPUs (all-CPU backtraces):%s\n", s->bold, s->off);
		for (size_t i = 0; i < g->ngroups; i++)
			if (g->groups[i].cpu)
				print_group(out, &g->groups[i], s);
	}
	fprintf(out, "%sDumps:%s\n", s->bold, s->off);
	if (kd_ndumps(r) == 0)
		fprintf(out, "  none found\n");
	for (size_t i = 0; i < kd_ndumps(r); i++)
		print_dump_line(out, kd_dump_at(r, i), s);
}
