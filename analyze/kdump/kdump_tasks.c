/* kdump_tasks.c: the lines inside an open dump: task and CPU lines, trace
 * starts, frames, the pc line, OOM kill lines, and lines with no dump. */
#include "kdump_int.h"
#include "tidy.h"
#include "xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- handlers that apply inside an open dump ---- */

bool kd_is_elision(const char *t)
{
	static const char *const tab[] = {"[...]", "<...>", "(...)", "\xe2\x80\xa6"};
	size_t dots = strspn(t, ".");
	if (dots >= 3 && t[dots] == '\0')
		return true;
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (strcmp(t, tab[i]) == 0)
			return true;
	return false;
}

static bool is_hex_words(const char *t)
{
	struct tok tk[24];
	int n = kd_tokenize(t, tk, 24);
	if (n <= 0)
		return false;
	for (int i = 0; i < n; i++) {
		size_t len = tk[i].n;
		if (len && tk[i].s[len - 1] == ':')
			len--; /* "9ce0:" offsets of Exception stack dumps */
		if (!kd_is_hex_str(tk[i].s, len) && !(tk[i].n == 3 && !strncmp(tk[i].s, "...", 3)))
			return false;
	}
	return true;
}

bool kd_h_stack_words(struct kd_parser *p, const struct ctx *c)
{
	if (kd_has_prefix(c->t, "Stack :") || kd_has_prefix(c->t, "Stack:")) {
		p->stack_words = true;
		return true;
	}
	if (p->stack_words && is_hex_words(c->t))
		return true;
	p->stack_words = false;
	return false;
}

bool kd_h_elision(struct kd_parser *p, const struct ctx *c)
{
	if (!kd_is_elision(c->t))
		return false;
	struct kd_dump *d = kd_cur_dump(p);
	d->complete = false;
	kd_close_task(p, true);
	return true;
}

bool kd_h_cpu_line(struct kd_parser *p, const struct ctx *c)
{
	int cpu;
	long pid;
	const char *comm;
	size_t cl;
	if (!kd_parse_cpu_line(c->t, &cpu, &pid, &comm, &cl))
		return false;
	struct kd_dump *d = kd_cur_dump(p);
	struct kd_task *t = kd_cur_task(p);
	if (d->kind == KD_SYSRQ_L) {
		/* The NMI line opened this CPU's task; show_regs repeats the CPU
		 * line before the trace (seed), which must not start a new one. */
		bool same = t && t->nframes == 0 && (t->cpu < 0 || t->cpu == cpu) &&
					(t->pid < 0 || t->pid == pid);
		if (!same)
			t = kd_new_cpu_task(p, c->ts, cpu);
	} else if (d->kind == KD_OOM) {
		if (!t || t->nframes > 0) {
			p->discard = true;
			kd_close_task(p, false);
			return true;
		}
	} else if (p->panic_task) {
		p->panic_task = false;
		t = kd_new_task(p, c->ts, true);
		if (t)
			strcpy(t->state, "R"); /* the task printing the panic runs */
	} else {
		/* A CPU line inside a task listing is another report's stack. */
		kd_close_task(p, false);
		p->discard = true;
		return true;
	}
	if (!t)
		return true;
	t->cpu = cpu;
	t->pid = pid;
	kd_set_comm(t, comm, cl);
	if (pid == 0 && kd_has_prefix(t->comm, "swapper"))
		t->idle = true;
	return true;
}

static void apply_header(struct kd_parser *p, struct kd_task *t, const struct hdr *h)
{
	kd_set_comm(t, h->comm, h->comm_len);
	t->pid = h->pid;
	t->ppid = h->ppid;
	t->tgid = h->tgid;
	t->state[0] = h->state;
	t->state[1] = '\0';
	p->task_has_header = true;
}

bool kd_h_task_header(struct kd_parser *p, const struct ctx *c)
{
	struct kd_dump *d = kd_cur_dump(p);
	struct hdr h;
	if (p->task_dump && kd_cur_task(p) && kd_parse_task_header(c->t, &h)) {
		apply_header(p, kd_cur_task(p), &h);
		p->task_dump = false;
		return true;
	}
	size_t listing = kd_interrupted_listing(p, -1);
	if ((!kd_header_allowed(d) && listing == SIZE_MAX) || !kd_parse_task_header(c->t, &h))
		return false;
	if (!kd_header_allowed(d))
		d = kd_reopen_dump(p, listing);
	struct kd_task *t = kd_cur_task(p);
	/* The hung-task INFO line already made the task; its task line fills in. */
	bool fill = d->kind == KD_HUNG_TASK && t && !p->task_has_header && t->nframes == 0 &&
				(t->pid < 0 || t->pid == h.pid);
	if (!fill)
		t = kd_new_task(p, c->ts, true);
	if (t)
		apply_header(p, t, &h);
	return true;
}

static struct kd_task *task_for_frames(struct kd_parser *p, double ts)
{
	struct kd_task *t = kd_cur_task(p);
	if (t || p->discard)
		return t;
	/* Frames without a task line: the header was lost. */
	return kd_new_task(p, ts, false);
}

static void add_fline(struct kd_parser *p, struct kd_task *t, struct fline *fl)
{
	if (!fl->arm_pair) {
		for (int i = 0; i < fl->n; i++) {
			const char *a = fl->f[i].address;
			/* sparc and powerpc end a trace with the null frame pointer's
			 * "[<0000000000000000>] 0x0": the unwinder's end, no caller */
			if (a && strspn(a, "0") == strlen(a))
				continue;
			kd_push_frame(p, t, &fl->f[i]);
		}
		kd_fline_free(fl);
		return;
	}
	/* Each ARM line names a callee and its caller; the callee is the caller
	 * of the previous line, so only the first line contributes both. The
	 * address-only form names the callee by its entry, the caller by the
	 * return address, which never match: there the callee always repeats. */
	struct kd_frame *last = t->nframes ? &t->frames[t->nframes - 1] : NULL;
	bool unnamed = fl->f[0].function[0] == '0' && fl->f[0].function[1] == 'x';
	if (!last || !last->function ||
		(!unnamed && strcmp(last->function, fl->f[0].function) != 0))
		kd_push_frame(p, t, &fl->f[0]);
	kd_push_frame(p, t, &fl->f[1]);
	kd_fline_free(fl);
}

/* "Call Trace:", "Call trace:", "Backtrace:", mips "Call Trace:(--Raw--". */
bool kd_h_trace_start(struct kd_parser *p, const struct ctx *c)
{
	const char *rest;
	if (kd_has_prefix_ci(c->t, "Call Trace:"))
		rest = c->t + 11;
	else if (kd_has_prefix(c->t, "Backtrace:") || kd_has_prefix(c->t, "Inexact backtrace:"))
		rest = strchr(c->t, ':') + 1;
	else
		return false;
	p->stack_words = false;
	bool raw = strstr(rest, "Raw") != NULL;
	struct kd_task *t = kd_cur_task(p);
	if (t && t->nframes > 0 && p->raw_trace && !raw) {
		/* mips prints the raw stack scan, then the unwound trace of the
		 * same task: the unwound one is the task's */
		for (size_t i = 0; i < t->nframes; i++)
			kd_frame_free(&t->frames[i]);
		t->nframes = 0;
	} else if (t && t->nframes > 0) {
		kd_close_task(p, false);
		t = NULL;
	}
	t = task_for_frames(p, c->ts);
	if (!t)
		return true;
	p->raw_trace = raw;
	const char *f = strstr(rest, "[<");
	struct fline fl;
	fl.n = 0;
	if (f && kd_parse_frame_line(f, &fl))
		add_fline(p, t, &fl);
	kd_fline_free(&fl);
	return true;
}

/* Where the CPU was: "pc : sym+0x1c/0x30", "PC is at sym+..", "RIP: 0010:sym+..",
 * "NIP [c0..] sym+..", "epc   : 8066c218 sym+..", "EIP is at sym+..". */
bool kd_h_pc(struct kd_parser *p, const struct ctx *c)
{
	static const char *const keys[] = {"pc :", "pc:", "PC is at", "RIP:", "NIP", "epc",
									   "EIP is at", "EIP:", "IP:", "ERA:", "Krnl PSW :"};
	const char *q = NULL;
	for (size_t i = 0; i < sizeof keys / sizeof *keys && !q; i++)
		if (kd_has_prefix(c->t, keys[i]))
			q = c->t + strlen(keys[i]);
	if (!q)
		return false;
	struct kd_task *t = kd_cur_task(p);
	if (!t || t->pc_function || t->nframes)
		return true;
	struct tok tk[6];
	int n = kd_tokenize(q, tk, 6);
	for (int i = 0; i < (n < 0 ? 6 : n); i++) {
		char buf[256];
		size_t len = tk[i].n < sizeof buf - 1 ? tk[i].n : sizeof buf - 1;
		memcpy(buf, tk[i].s, len);
		buf[len] = '\0';
		const char *s = buf;
		if (*s == '(' && len > 2 && buf[len - 1] == ')') {
			buf[len - 1] = '\0'; /* s390: "(hugetlb_fault_mutex_hash+0x2a/0xd8)" */
			s++;
		}
		const char *colon = strrchr(s, ':');
		if (colon && colon[1])
			s = colon + 1;
		if (kd_has_prefix(s, "[<")) {
			const char *e = strchr(s, ']');
			s = e ? e + 1 : s;
		}
		struct kd_frame f;
		memset(&f, 0, sizeof f);
		if (kd_parse_sym(s, &f, true) && f.offset) {
			t->pc_function = f.function;
			f.function = NULL;
			kd_frame_free(&f);
			break;
		}
		kd_frame_free(&f);
	}
	return true;
}

bool kd_h_frame(struct kd_parser *p, const struct ctx *c)
{
	struct fline fl;
	fl.n = 0;
	if (!kd_parse_frame_line(c->t, &fl))
		return false;
	struct kd_task *t = task_for_frames(p, c->ts);
	if (t)
		add_fline(p, t, &fl);
	kd_fline_free(&fl);
	return true;
}

/* Lines after which the open task takes no more frames. */
bool kd_h_task_end(struct kd_parser *p, const struct ctx *c)
{
	static const char *const tab[] = {
		"Showing all locks held", "Sending NMI from CPU", "Mem-Info:",
		"Tasks state (memory values in pages)", "NMI backtrace for cpus",
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (kd_has_prefix(c->t, tab[i])) {
			kd_close_task(p, false);
			return true;
		}
	/* s390: the address on the next line is the last branch taken, not a
	 * caller; what follows belongs to no task until a new one starts */
	if (kd_has_prefix(c->t, "Last Breaking-Event-Address:")) {
		kd_close_task(p, false);
		p->discard = true;
		return true;
	}
	return false;
}

static long kb_field(const char *s, const char *key)
{
	const char *v = strstr(s, key);
	if (!v)
		return -1;
	v += strlen(key);
	size_t n = strspn(v, "0123456789");
	return n ? kd_to_long(v, n) : -1;
}

/* "Killed process 493" (all eras) or "Kill process 493" (the old two-line
 * form); returns the pid's start. */
static const char *find_kill(const char *t)
{
	static const char *const keys[] = {"killed process ", "kill process "};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *k = strcasestr(t, keys[i]);
		if (k)
			return k + strlen(keys[i]);
	}
	return NULL;
}

/* "oom-kill:constraint=CONSTRAINT_NONE,...,oom_memcg=/app,..." and "[Out of
 * memory: ]Killed process 493 (logd) total-vm:..kB, anon-rss:..kB,
 * file-rss:..kB, shmem-rss:..kB" */
static bool h_oom_lines(struct kd_parser *p, const struct ctx *c)
{
	struct kd_dump *d = kd_cur_dump(p);
	const char *k = strstr(c->t, "constraint=");
	if (kd_has_prefix(c->t, "oom-kill:") && k) {
		size_t n = strcspn(k + 11, ", ");
		free(d->oom_constraint);
		d->oom_constraint = xstrndup(k + 11, n);
		const char *m = strstr(c->t, "oom_memcg=");
		free(d->oom_memcg);
		d->oom_memcg = NULL;
		if (m && strncmp(m + 10, "(null)", 6) && (n = strcspn(m + 10, ", ")))
			d->oom_memcg = xstrndup(m + 10, n);
		return true;
	}
	const char *kp = find_kill(c->t);
	if (!kp)
		return false;
	const char *q = kp;
	size_t n = strspn(q, "0123456789");
	const char *lp = strchr(q, '(');
	const char *rp = strrchr(q, ')');
	if (n)
		d->oom_victim_pid = kd_to_long(q, n);
	if (lp && rp && rp > lp) {
		free(d->oom_victim_comm);
		d->oom_victim_comm = xstrndup(lp + 1, (size_t)(rp - lp - 1));
	}
	d->oom_kill_line = p->cur_line;
	long rss = -1;
	long *kb[] = { &d->oom_victim_anon_kb, &d->oom_victim_file_kb, &d->oom_victim_shmem_kb };
	static const char *const keys[] = {"anon-rss:", "file-rss:", "shmem-rss:"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		long v = kb_field(q, keys[i]);
		if (v >= 0) {
			rss = (rss < 0 ? 0 : rss) + v;
			*kb[i] = v;
		}
	}
	if (rss >= 0)
		d->oom_victim_rss_kb = rss;
	/* the limit is the domain's only when the kill was a cgroup's */
	if (!strstr(c->t, "Memory cgroup") && !d->oom_memcg)
		d->oom_limit_kb = -1;
	if (strstr(c->t, "Killed process"))
		kd_close_dump(p, false);
	return true;
}

/* The table's columns: "[  pid  ]   uid  tgid total_vm      rss rss_anon
 * rss_file rss_shmem pgtables_bytes swapents oom_score_adj name" (the
 * set differs between kernels), counted after the "]". */
static void oom_columns(struct oom_cols *oc, const char *rb)
{
	static const char *const names[] = { "rss", "rss_anon", "rss_shmem", "swapents", "name" };
	int *at[] = { &oc->rss, &oc->anon, &oc->shmem, &oc->swap, &oc->name };
	struct tok tk[24];
	int n = kd_tokenize(rb + 1, tk, 24);
	oc->rss = oc->anon = oc->shmem = oc->swap = oc->name = -1;
	for (int i = 0; i < n; i++)
		for (size_t j = 0; j < sizeof names / sizeof *names; j++)
			if (tk[i].n == strlen(names[j]) && !strncmp(tk[i].s, names[j], tk[i].n))
				*at[j] = i;
	oc->n = n < 0 ? 0 : n;
}

/* One row: "[  13682]     0 13682   103116   102232   101952 ... memhog" */
static void oom_row(struct kd_parser *p, struct kd_dump *d, const char *lb, const char *rb)
{
	const struct oom_cols *oc = &p->oom_cols;
	struct tok tk[24];
	int n = kd_tokenize(rb + 1, tk, 24);
	if (oc->n <= 0 || oc->name < 0 || n < oc->n || d->noom_tasks >= KD_MAX_TASKS)
		return;
	if (d->noom_tasks == p->oom_tasks_cap) {
		p->oom_tasks_cap = p->oom_tasks_cap ? p->oom_tasks_cap * 2 : 32;
		d->oom_tasks = xrealloc(d->oom_tasks, p->oom_tasks_cap * sizeof *d->oom_tasks);
	}
	struct kd_oom_task *t = &d->oom_tasks[d->noom_tasks++];
	const char *q = kd_skip_ws(lb + 1);
	t->pid = kd_to_long(q, strspn(q, "0123456789"));
	t->name = xstrndup(tk[oc->name].s, tk[oc->name].n);
	int col[] = { oc->rss, oc->anon, oc->shmem, oc->swap };
	long *v[] = { &t->rss, &t->rss_anon, &t->rss_shmem, &t->swapents };
	for (size_t i = 0; i < 4; i++)
		*v[i] = col[i] >= 0 ? kd_to_long(tk[col[i]].s, strspn(tk[col[i]].s, "0123456789")) : -1;
}

/* Inside an OOM report: the memory cgroup's limit and the task table. */
bool kd_h_oom_table(struct kd_parser *p, const struct ctx *c)
{
	struct kd_dump *d = kd_cur_dump(p);
	if (d->kind != KD_OOM)
		return false;
	const char *lb = c->t[0] == '[' ? c->t : NULL, *rb = lb ? strchr(lb, ']') : NULL;
	if (p->oom_table == 1 && rb) {
		oom_columns(&p->oom_cols, rb);
		p->oom_table = 2;
		return true;
	}
	if (p->oom_table == 2 && rb) {
		oom_row(p, d, lb, rb);
		return true;
	}
	p->oom_table = 0;
	if (kd_has_prefix(c->t, "Tasks state (memory values in pages)")) {
		kd_close_task(p, false);
		p->oom_table = 1;
		/* a table seen again replaces the one before */
		for (size_t i = 0; i < d->noom_tasks; i++)
			free(d->oom_tasks[i].name);
		d->noom_tasks = 0;
		return true;
	}
	const char *m = strstr(c->t, "memory: usage ");
	if (m && strstr(m, "limit ")) {
		d->oom_limit_kb = kb_field(m, "limit ");
		return true;
	}
	return false;
}

bool kd_h_oom_only(struct kd_parser *p, const struct ctx *c)
{
	return kd_cur_dump(p)->kind == KD_OOM && h_oom_lines(p, c);
}

/* No dump open: OOM lines whose header was lost, and a task listing right
 * after a recorded trigger whose header line was lost. */
void kd_handle_orphan(struct kd_parser *p, const struct ctx *c)
{
	/* "Out of memory: Killed process" and a cgroup's "Memory cgroup out of
	 * memory: Killed process" */
	if (find_kill(c->t) && strcasestr(c->t, "out of memory")) {
		if (kd_open_dump(p, KD_OOM, c->ts, false))
			h_oom_lines(p, c);
		return;
	}
	int cpu;
	long pid;
	const char *comm;
	size_t cl;
	if (p->stall_lines > 0 && kd_parse_cpu_line(c->t, &cpu, &pid, &comm, &cl)) {
		p->stall_lines = 0;
		struct kd_task *t = kd_open_dump(p, KD_SYSRQ_L, c->ts, true) ?
							kd_new_cpu_task(p, c->ts, cpu) : NULL;
		if (t) {
			t->pid = pid;
			kd_set_comm(t, comm, cl);
		}
		return;
	}
	if (p->stall_lines > 0)
		p->stall_lines--;
	struct hdr h;
	if (p->trigger >= 0 && p->trigger_fresh && kd_parse_task_header(c->t, &h)) {
		if (!kd_open_dump(p, KD_SYSRQ_W, c->ts, false))
			return;
		struct kd_task *t = kd_new_task(p, c->ts, true);
		if (t)
			apply_header(p, t, &h);
	}
}
