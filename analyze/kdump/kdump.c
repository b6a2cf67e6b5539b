/* kdump.c: streaming parser for kernel task dumps (see kdump.h): the
 * result, the open dump and task, and the line loop.
 *
 * Design: every line is first stripped of its log prefixes (syslog, kmsg
 * record, printk level, timestamp, caller id), then offered to a table of
 * dump-level recognizers (headers that open or close a dump) and, inside a
 * dump, to a table of line recognizers (task headers, CPU lines, trace
 * starts, frames, ...). Unknown lines are ignored, which is what makes
 * interleaved unrelated log lines harmless.  The line shapes are in
 * kdump_line.c, the dump-level recognizers in kdump_dumps.c, the ones
 * inside a dump in kdump_tasks.c.
 *
 * One line of lookahead is kept so that a mail-wrapped line (its tail alone
 * on the next line, without the prefix the rest of the log has) can be
 * joined back before it is interpreted. */
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

/* ---------- result storage ---------- */

void kd_frame_free(struct kd_frame *f)
{
	free(f->function);
	free(f->offset);
	free(f->size);
	free(f->module);
	free(f->address);
	free(f->file_line);
	memset(f, 0, sizeof *f);
}

static void task_free(struct kd_task *t)
{
	for (size_t i = 0; i < t->nframes; i++)
		kd_frame_free(&t->frames[i]);
	free(t->frames);
	free(t->comm);
	free(t->pc_function);
}

static void dump_free(struct kd_dump *d)
{
	for (size_t i = 0; i < d->ntasks; i++)
		task_free(&d->tasks[i]);
	free(d->tasks);
	free(d->oom_victim_comm);
	free(d->oom_constraint);
	free(d->oom_memcg);
	for (size_t i = 0; i < d->noom_tasks; i++)
		free(d->oom_tasks[i].name);
	free(d->oom_tasks);
}

struct kd_dump *kd_cur_dump(struct kd_parser *p)
{
	return p->dump_open ? &p->res->dumps[p->open_idx] : NULL;
}

struct kd_task *kd_cur_task(struct kd_parser *p)
{
	struct kd_dump *d = kd_cur_dump(p);
	return d && p->task_open && d->ntasks ? &d->tasks[d->ntasks - 1] : NULL;
}

/* Stack bases: a trace that reaches one of these was printed to its end. */
static const char *const stack_bases[] = {
	"ret_from_", "ret_fast_syscall", "entry_SYSCALL", "entry_INT80",
	"entry_SYSENTER", "system_call", "sysenter_", "syscall_call",
	"el0_", "el0t_", "kernel_thread", "start_kernel", "secondary_start",
	"rest_init", "cpu_startup_entry", "__primary_switched",
	"__secondary_switched", "int_signal", "ia32_sys", "handle_exception",
	"ret_to_user", "vector_swi", "work_pending", "resume_userspace",
	"syscall_exit", "start_secondary", "x86_64_start", "start_here",
	"do_idle", "cpu_idle", "kthread", "worker_thread", "syscall_common",
	"handle_sys", "__sys_trace", "do_syscall_64", "linux_sparc_syscall",
	"stack_done", "intr_return",
};

static bool is_stack_base(const char *fn)
{
	if (!fn)
		return false;
	for (size_t i = 0; i < sizeof stack_bases / sizeof *stack_bases; i++)
		if (kd_has_prefix(fn, stack_bases[i]))
			return true;
	return false;
}

/* Unwinders print a few junk entries after the base ("? kthread_create..."),
 * so the last three are checked. */
static bool trace_finished(const struct kd_task *t)
{
	if (t->idle)
		return true;
	for (size_t i = t->nframes, k = 0; i > 0 && k < 3; i--, k++)
		if (is_stack_base(t->frames[i - 1].function))
			return true;
	return false;
}

void kd_close_task(struct kd_parser *p, bool cut)
{
	struct kd_task *t = kd_cur_task(p);
	if (t && cut && !trace_finished(t))
		t->complete = false;
	if (t && !p->task_has_header)
		t->complete = false;
	p->task_open = false;
	p->task_has_header = false;
	p->task_dump = false;
	p->stack_words = false;
	p->raw_trace = false;
}

void kd_close_dump(struct kd_parser *p, bool cut)
{
	kd_close_task(p, cut);
	p->dump_open = false;
	p->discard = false;
	p->panic_task = false;
	p->oom_table = 0;
}

/* Continues an earlier dump: its storage only ever grows, so the capacity
 * is taken as its count and the next task reallocates. */
struct kd_dump *kd_reopen_dump(struct kd_parser *p, size_t idx)
{
	kd_close_dump(p, false);
	struct kd_dump *d = &p->res->dumps[idx];
	p->dump_open = true;
	p->open_idx = idx;
	p->tasks_cap = d->ntasks;
	return d;
}

struct kd_dump *kd_open_dump(struct kd_parser *p, enum kd_kind kind, double ts, bool header_seen)
{
	kd_close_dump(p, false);
	struct kd_result *r = p->res;
	if (r->ndumps >= KD_MAX_DUMPS)
		return NULL;
	if (r->ndumps == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->dumps = xrealloc(r->dumps, r->cap * sizeof *r->dumps);
	}
	struct kd_dump *d = &r->dumps[r->ndumps++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->complete = header_seen;
	d->ts = ts;
	d->oom_victim_pid = -1;
	d->oom_victim_rss_kb = -1;
	d->oom_victim_anon_kb = d->oom_victim_file_kb = d->oom_victim_shmem_kb = -1;
	d->oom_limit_kb = -1;
	d->trigger_id = p->trigger;
	p->dump_open = true;
	p->open_idx = r->ndumps - 1;
	p->listing_idx = SIZE_MAX;
	p->stall_lines = 0;
	p->trigger_fresh = false;
	p->tasks_cap = 0;
	p->last_ts = ts;
	return d;
}

struct kd_task *kd_new_task(struct kd_parser *p, double ts, bool header)
{
	struct kd_dump *d = kd_cur_dump(p);
	if (!d)
		return NULL;
	kd_close_task(p, false);
	if (d->ntasks >= KD_MAX_TASKS)
		return NULL;
	if (d->ntasks == p->tasks_cap) {
		p->tasks_cap = p->tasks_cap ? p->tasks_cap * 2 : 8;
		d->tasks = xrealloc(d->tasks, p->tasks_cap * sizeof *d->tasks);
	}
	struct kd_task *t = &d->tasks[d->ntasks++];
	memset(t, 0, sizeof *t);
	t->pid = t->ppid = t->tgid = -1;
	t->cpu = -1;
	t->ts = ts;
	t->complete = true;
	p->task_open = true;
	p->task_has_header = header;
	p->discard = false;
	p->frames_cap = 0;
	return t;
}

void kd_push_frame(struct kd_parser *p, struct kd_task *t, struct kd_frame *f)
{
	if (t->nframes >= KD_MAX_FRAMES) {
		kd_frame_free(f);
		return;
	}
	if (t->nframes == p->frames_cap) {
		p->frames_cap = p->frames_cap ? p->frames_cap * 2 : 16;
		t->frames = xrealloc(t->frames, p->frames_cap * sizeof *t->frames);
	}
	if (p->raw_trace)
		f->reliable = false;
	t->frames[t->nframes++] = *f;
	memset(f, 0, sizeof *f);
}

/* The printk caller id ("T59", "C1") among a line's prefixes, or "". */
static void caller_id(const char *line, const char *body, char *out, size_t cap)
{
	out[0] = '\0';
	for (const char *q = line; q < body; q++)
		if (*q == '[' && kd_strip_callerid(q)) {
			const char *id = kd_skip_ws(q + 1);
			size_t n = strcspn(id, "]");
			if (n < cap) {
				memcpy(out, id, n);
				out[n] = '\0';
			}
			return;
		}
}

/* The dump's text was damaged on the way (a mail client broke a line, or
 * another context's line landed inside an unfinished trace): what it holds
 * is kept, but it may not be all the kernel printed. */
static void note_damage(struct kd_parser *p, const struct ctx *c, bool joined, bool handled)
{
	struct kd_dump *d = kd_cur_dump(p);
	if (!d)
		return;
	if (joined)
		d->complete = false;
	struct kd_task *t = kd_cur_task(p);
	if (!handled && c->caller[0] && p->task_caller[0] && strcmp(c->caller, p->task_caller) &&
		t && !trace_finished(t))
		d->complete = false;
}

/* Recognised anywhere: they open or close dumps. */
static const line_handler top_handlers[] = {
	kd_h_sysrq, kd_h_hung, kd_h_nmi, kd_h_task_dump, kd_h_sysrq_cpu, kd_h_oom, kd_h_hung_panic, kd_h_terminator,
};

/* Order matters: a "..." inside a mips "Stack :" block is not an elision,
 * and task lines / pc lines must be tried before the looser frame forms. */
static const line_handler dump_handlers[] = {
	kd_h_oom_table, kd_h_stack_words, kd_h_elision, kd_h_task_end, kd_h_oom_only, kd_h_cpu_line,
	kd_h_trace_start, kd_h_task_header, kd_h_pc, kd_h_frame,
};

static void process_line(struct kd_parser *p, char *line, bool joined)
{
	struct ctx c;
	bool prefixed;
	const char *body = kd_strip_prefixes(line, &c.ts, &prefixed);
	caller_id(line, body, c.caller, sizeof c.caller);
	char *end = line + strlen(line);
	while (end > body && isspace((unsigned char)end[-1]))
		*--end = '\0';
	c.t = kd_skip_ws(body);
	if (!*c.t)
		return;
	if (p->dump_open && c.ts >= 0 && p->last_ts >= 0 &&
		(c.ts - p->last_ts > KD_DUMP_SILENCE || c.ts < p->last_ts - 1))
		kd_close_dump(p, false); /* silence, or the clock went back (reboot) */
	size_t idx = p->dump_open ? p->open_idx : SIZE_MAX;
	size_t ntasks = p->dump_open ? kd_cur_dump(p)->ntasks : 0;
	bool handled = false;
	for (size_t i = 0; i < sizeof top_handlers / sizeof *top_handlers && !handled; i++)
		handled = top_handlers[i](p, &c);
	if (!handled && !p->dump_open) {
		kd_handle_orphan(p, &c);
		handled = true;
	}
	if (!handled && c.ts >= 0)
		p->last_ts = c.ts;
	for (size_t i = 0; i < sizeof dump_handlers / sizeof *dump_handlers && !handled; i++)
		handled = dump_handlers[i](p, &c);
	if (!p->dump_open)
		return;
	/* a task begun by this line belongs to this line's context */
	if (p->open_idx != idx || kd_cur_dump(p)->ntasks != ntasks)
		memcpy(p->task_caller, c.caller, sizeof c.caller);
	note_damage(p, &c, joined, handled);
}

/* ---------- lookahead / wrapped lines ---------- */

static bool line_is_prefixed(const char *s)
{
	double ts;
	bool prefixed;
	kd_strip_prefixes(s, &ts, &prefixed);
	return prefixed;
}

/* A mail client that wraps a long line leaves the tail alone on the next
 * line, without the prefix every other line has. Such a tail never is a
 * line the kernel starts on its own, and starts with a blank only when the
 * break fell inside a padded field ("ppid: " / "     2 flags:..."). */
static bool is_wrapped_tail(const struct kd_parser *p, const char *s)
{
	if (!p->have_pend || !p->pend_prefixed || !*s)
		return false;
	bool in_field = p->pend_len >= 2 && p->pend[p->pend_len - 1] == ' ' &&
					p->pend[p->pend_len - 2] == ':';
	if (isspace((unsigned char)*s) && (!in_field || !*kd_skip_ws(s)))
		return false;
	if (line_is_prefixed(s) || kd_looks_like_syslog_start(s) || kd_is_elision(s))
		return false;
	static const char *const own[] = {"INFO:", "sysrq", "SysRq", "NMI backtrace",
									  "Call Trace", "Call trace", "REPORT", "CPU:",
									  "task:", "Kernel panic", "BUG:", "WARNING:"};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (kd_has_prefix(s, own[i]))
			return false;
	return true;
}

/* Some consoles log every line twice (serial and netconsole into one
 * file): the same timestamped line again right after itself is the copy.
 * Without a timestamp a repeat is real (recursion prints equal frames). */
static bool is_repeat(struct kd_parser *p)
{
	bool same = p->have_last && p->last_len == p->pend_len &&
				memcmp(p->last, p->pend, p->pend_len) == 0;
	if (!same) {
		memcpy(p->last, p->pend, p->pend_len + 1);
		p->last_len = p->pend_len;
		p->have_last = true;
		return false;
	}
	double ts = -1;
	bool prefixed;
	kd_strip_prefixes(p->pend, &ts, &prefixed);
	return ts >= 0;
}

static void flush_pending(struct kd_parser *p)
{
	if (!p->have_pend)
		return;
	p->have_pend = false;
	p->cur_line = p->pend_line;
	if (!is_repeat(p))
		process_line(p, p->pend, p->pend_joined);
}

static size_t sanitize(char *dst, const char *src, size_t len)
{
	if (len > KD_LINE_MAX)
		len = KD_LINE_MAX;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)src[i];
		if (ch == '\n' || ch == '\r')
			continue;
		dst[n++] = (ch == '\0' || ch == '\t' || (ch < 0x20)) ? ' ' : (char)ch;
	}
	dst[n] = '\0';
	text_tidy(dst); /* DEL, C1 controls, invalid UTF-8 -> '?' (same length) */
	return n;
}

void kd_feed_line(struct kd_parser *p, const char *line, size_t len)
{
	if (!p || (!line && len))
		return;
	char buf[KD_LINE_MAX + 1];
	size_t n = sanitize(buf, line ? line : "", len);
	size_t at = p->nfed++;
	if (is_wrapped_tail(p, buf)) {
		if (p->pend_len + 1 + n <= KD_LINE_MAX) {
			p->pend[p->pend_len++] = ' ';
			memcpy(p->pend + p->pend_len, buf, n + 1);
			p->pend_len += n;
		}
		p->pend_joined = true;
		return;
	}
	flush_pending(p);
	memcpy(p->pend, buf, n + 1);
	p->pend_len = n;
	p->pend_line = at;
	p->have_pend = true;
	p->pend_joined = false;
	p->pend_prefixed = line_is_prefixed(buf);
}

void kd_feed_text(struct kd_parser *p, const char *text, size_t len)
{
	if (!p || !text)
		return;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || text[i] == '\n') {
			if (i > start || i < len)
				kd_feed_line(p, text + start, i - start);
			start = i + 1;
		}
}

struct kd_parser *kd_parser_new(void)
{
	struct kd_parser *p = xcalloc(1, sizeof *p);
	p->res = xcalloc(1, sizeof *p->res);
	p->trigger = -1;
	p->last_ts = -1;
	p->listing_idx = SIZE_MAX;
	return p;
}

void kd_set_trigger(struct kd_parser *p, long id)
{
	if (!p)
		return;
	flush_pending(p);
	if (p->dump_open)
		kd_close_dump(p, true);
	p->trigger = id < 0 ? -1 : id;
	p->trigger_fresh = true;
}

struct kd_result *kd_finish(struct kd_parser *p)
{
	if (!p)
		return NULL;
	flush_pending(p);
	if (p->dump_open)
		kd_close_dump(p, true);
	struct kd_result *r = p->res;
	for (size_t i = 0; i < r->ndumps; i++) {
		struct kd_dump *d = &r->dumps[i];
		for (size_t k = 0; k < d->ntasks; k++)
			if (!d->tasks[k].complete)
				d->complete = false;
	}
	free(p);
	return r;
}

void kd_result_free(struct kd_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndumps; i++)
		dump_free(&r->dumps[i]);
	free(r->dumps);
	free(r);
}

size_t kd_ndumps(const struct kd_result *r)
{
	return r ? r->ndumps : 0;
}

const struct kd_dump *kd_dump_at(const struct kd_result *r, size_t i)
{
	return r && i < r->ndumps ? &r->dumps[i] : NULL;
}

const char *kd_kind_name(enum kd_kind kind)
{
	switch (kind) {
	case KD_SYSRQ_W: return "sysrq-w";
	case KD_SYSRQ_L: return "sysrq-l";
	case KD_HUNG_TASK: return "hung-task";
	case KD_OOM: return "oom";
	case KD_SYSRQ_T: return "sysrq-t";
	}
	return "unknown";
}
