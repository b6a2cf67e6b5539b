/* kdump.c: streaming parser for kernel task dumps (see kdump.h).
 *
 * Design: every line is first stripped of its log prefixes (syslog, kmsg
 * record, printk level, timestamp, caller id), then offered to a table of
 * dump-level recognizers (headers that open or close a dump) and, inside a
 * dump, to a table of line recognizers (task headers, CPU lines, trace
 * starts, frames, ...). Unknown lines are ignored, which is what makes
 * interleaved unrelated log lines harmless.
 *
 * One line of lookahead is kept so that a mail-wrapped line (its tail alone
 * on the next line, without the prefix the rest of the log has) can be
 * joined back before it is interpreted. */
#include "kdump.h"
#include "tidy.h"
#include "xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Kernel lines are < 1 KB; the cap only bounds work on hostile input. */
#define KD_LINE_MAX 4096
/* A kernel stack trace never has this many entries; beyond it is garbage. */
#define KD_MAX_FRAMES 512
#define KD_MAX_TASKS 100000
#define KD_MAX_DUMPS 10000
#define KD_MAX_LINE_FRAMES 32
/* Consecutive hung-task reports closer than this are one khungtaskd scan. */
#define KD_HUNG_SCAN_GAP 10.0
/* The kernel stores a whole dump within a second or so (printk time is
 * store time, not console time); a longer silence means the dump is over
 * and later traces belong to something else. */
#define KD_DUMP_SILENCE 60.0
/* An RCU stall report prints two or three lines before the CPU's own. */
#define KD_STALL_LINES 6

struct kd_result {
	struct kd_dump *dumps;
	size_t ndumps, cap;
};

struct kd_parser {
	struct kd_result *res;
	long trigger;
	bool trigger_fresh;   /* no dump begun since kd_set_trigger */
	bool dump_open;       /* res->dumps[open_idx] still takes lines */
	size_t open_idx;
	/* A task listing that an all-CPU backtrace cut into: its next task
	 * line continues it (SIZE_MAX: none). */
	size_t listing_idx;
	bool panic_task;      /* the next CPU line is the hung-task panic's */
	bool task_dump;       /* the open CPU's task line is still to come */
	int stall_lines;      /* lines left in which a CPU line is a stalled CPU */
	bool task_open;       /* its last task still takes frames */
	bool task_has_header; /* the open task has seen its task line */
	bool discard;         /* frames belong to something that is not ours */
	bool stack_words;     /* inside a raw "Stack :" word block */
	bool raw_trace;       /* the current trace is a raw stack scan */
	double last_ts;       /* latest timestamp seen inside the open dump */
	size_t tasks_cap, frames_cap;
	char pend[KD_LINE_MAX + 1]; /* lookahead line, prefixes kept */
	size_t pend_len;
	bool have_pend, pend_prefixed, pend_joined;
	char task_caller[16]; /* caller id of the line that began the open task */
	char last[KD_LINE_MAX + 1]; /* the line processed before it, as read */
	size_t last_len;
	bool have_last;
};

/* ---------- small helpers ---------- */

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_hex_str(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_dec_str(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static long to_long(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n && isdigit((unsigned char)s[i]); i++) {
		if (v > (LONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Finds `key` ("pid:") where it starts a word, so "pid:" does not match
 * inside "tgid:" or "ppid:". */
static const char *find_key(const char *s, const char *key)
{
	size_t kl = strlen(key);
	for (const char *q = strstr(s, key); q; q = strstr(q + 1, key))
		if (q == s || q[-1] == ' ' || q[-1] == '\t')
			return q + kl;
	return NULL;
}

static long key_long(const char *s, const char *key)
{
	const char *v = find_key(s, key);
	if (!v)
		return -1;
	v = skip_ws(v);
	size_t n = strspn(v, "0123456789");
	return n ? to_long(v, n) : -1;
}

/* ---------- result storage ---------- */

static void frame_free(struct kd_frame *f)
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
		frame_free(&t->frames[i]);
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
}

static struct kd_dump *cur_dump(struct kd_parser *p)
{
	return p->dump_open ? &p->res->dumps[p->open_idx] : NULL;
}

static struct kd_task *cur_task(struct kd_parser *p)
{
	struct kd_dump *d = cur_dump(p);
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
		if (has_prefix(fn, stack_bases[i]))
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

static void close_task(struct kd_parser *p, bool cut)
{
	struct kd_task *t = cur_task(p);
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

static void close_dump(struct kd_parser *p, bool cut)
{
	close_task(p, cut);
	p->dump_open = false;
	p->discard = false;
	p->panic_task = false;
}

/* Continues an earlier dump: its storage only ever grows, so the capacity
 * is taken as its count and the next task reallocates. */
static struct kd_dump *reopen_dump(struct kd_parser *p, size_t idx)
{
	close_dump(p, false);
	struct kd_dump *d = &p->res->dumps[idx];
	p->dump_open = true;
	p->open_idx = idx;
	p->tasks_cap = d->ntasks;
	return d;
}

static struct kd_dump *open_dump(struct kd_parser *p, enum kd_kind kind,
								 double ts, bool header_seen)
{
	close_dump(p, false);
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

static struct kd_task *new_task(struct kd_parser *p, double ts, bool header)
{
	struct kd_dump *d = cur_dump(p);
	if (!d)
		return NULL;
	close_task(p, false);
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

static void push_frame(struct kd_parser *p, struct kd_task *t, struct kd_frame *f)
{
	if (t->nframes >= KD_MAX_FRAMES) {
		frame_free(f);
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

/* ---------- prefixes ---------- */

/* "[ 1234.567890] " and the damaged "[  240.]"; a '.' is required so that
 * OOM task-table rows ("[    493]") are not taken for timestamps. */
static const char *strip_stamp(const char *s, double *ts)
{
	if (*s != '[')
		return NULL;
	const char *q = skip_ws(s + 1);
	size_t n = strspn(q, "0123456789");
	if (!n || q[n] != '.')
		return NULL;
	size_t m = strspn(q + n + 1, "0123456789");
	if (q[n + 1 + m] != ']')
		return NULL;
	*ts = strtod(q, NULL);
	return q + n + 1 + m + 1;
}

/* "[ T1054]" (task) or "[    C0]" (CPU) printk caller ids. */
static const char *strip_callerid(const char *s)
{
	if (*s != '[')
		return NULL;
	const char *q = skip_ws(s + 1);
	if (*q != 'T' && *q != 'C')
		return NULL;
	size_t n = strspn(q + 1, "0123456789");
	if (!n || q[1 + n] != ']')
		return NULL;
	return q + 2 + n;
}

/* dmesg -T: "[Mon Jan 17 10:00:00 2024]". */
static const char *strip_human_stamp(const char *s)
{
	if (*s != '[' || !isalpha((unsigned char)s[1]))
		return NULL;
	const char *e = strchr(s, ']');
	if (!e || e - s > 40 || !memchr(s, ':', (size_t)(e - s)))
		return NULL;
	return e + 1;
}

static const char *strip_level(const char *s)
{
	if (*s != '<')
		return NULL;
	size_t n = strspn(s + 1, "0123456789");
	if (!n || n > 3 || s[1 + n] != '>')
		return NULL;
	return s + 2 + n;
}

/* /dev/kmsg record: "6,1234,5678901,-;text" (timestamp in microseconds). */
static const char *strip_kmsg(const char *s, double *ts)
{
	const char *q = s;
	size_t n = strspn(q, "0123456789");
	if (!n || n > 4 || q[n] != ',')
		return NULL;
	q += n + 1;
	n = strspn(q, "0123456789");
	if (!n || q[n] != ',')
		return NULL;
	q += n + 1;
	n = strspn(q, "0123456789");
	if (!n || q[n] != ',')
		return NULL;
	double us = strtod(q, NULL);
	const char *semi = strchr(q + n, ';');
	if (!semi || semi - (q + n) > 32)
		return NULL;
	*ts = us / 1e6;
	return semi + 1;
}

static bool looks_like_syslog_start(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (size_t i = 0; i + 3 <= sizeof months - 1; i += 3)
		if (strncmp(s, months + i, 3) == 0 && s[3] == ' ')
			return true;
	/* ISO 8601, as rsyslog and journalctl -o short-iso write it. */
	return is_dec_str(s, 4) && s[4] == '-' && isdigit((unsigned char)s[5]);
}

/* "May 17 18:48:11 host kernel: " or "... host kern.warn kernel: ". */
static const char *strip_syslog(const char *s)
{
	if (!looks_like_syslog_start(s))
		return NULL;
	const char *k = strstr(s, "kernel:");
	if (!k || k - s > 160)
		return NULL;
	return k + 7;
}

/* dmesg -x: "kern  :warn  : ". */
static const char *strip_facility(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
	if (n < 3 || n > 8)
		return NULL;
	const char *q = skip_ws(s + n);
	if (*q != ':')
		return NULL;
	q++;
	n = strspn(q, "abcdefghijklmnopqrstuvwxyz");
	if (n < 3 || n > 8)
		return NULL;
	q = skip_ws(q + n);
	if (q[0] != ':' || q[1] != ' ')
		return NULL;
	return q + 1;
}

static const char *strip_prefixes(const char *s, double *ts, bool *prefixed)
{
	*ts = -1;
	*prefixed = false;
	for (int guard = 0; guard < 8; guard++) {
		const char *n = strip_stamp(s, ts);
		if (!n) n = strip_callerid(s);
		if (!n) n = strip_level(s);
		if (!n && guard == 0) n = strip_kmsg(s, ts);
		if (!n && guard == 0) n = strip_syslog(s);
		if (!n && guard == 0) n = strip_facility(s);
		if (!n) n = strip_human_stamp(s);
		if (!n)
			break;
		/* printk puts exactly one space after the prefix; more is content */
		s = (*n == ' ') ? n + 1 : n;
		*prefixed = true;
	}
	return s;
}

/* ---------- frames ---------- */

static bool is_sym_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

static bool is_sym_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

/* "name+0xoff/0xsize" or "name" or "0xaddr"; fills function/offset/size and
 * returns the end, or NULL. With `bare` (a line holding only the symbol) an
 * unresolved address is not accepted: too many non-frame lines start so. */
static const char *parse_sym(const char *s, struct kd_frame *f, bool bare)
{
	const char *q = s;
	if (q[0] == '0' && q[1] == 'x' && isxdigit((unsigned char)q[2])) {
		size_t n = 2 + strspn(q + 2, "0123456789abcdefABCDEF");
		if (bare || is_sym_char(q[n]))
			return NULL;
		f->function = xstrndup(q, n);
		return q + n;
	}
	if (!is_sym_start(*q))
		return NULL;
	size_t n = 0;
	while (is_sym_char(q[n]) && n < 512)
		n++;
	const char *name = q;
	size_t nlen = n;
	/* ppc64 ELFv1 prints function descriptors as ".name" */
	if (nlen > 1 && name[0] == '.' && (isalpha((unsigned char)name[1]) || name[1] == '_')) {
		name++;
		nlen--;
	}
	if (nlen == 0 || name[0] == '.')
		return NULL;
	q += n;
	if (q[0] == '+' && q[1] == '0' && q[2] == 'x') {
		size_t on = 2 + strspn(q + 3, "0123456789abcdefABCDEF") + 1;
		if (on < 4)
			return NULL;
		f->offset = xstrndup(q + 1, on - 1);
		q += on;
		if (q[0] == '/' && q[1] == '0' && q[2] == 'x') {
			size_t sn = 2 + strspn(q + 3, "0123456789abcdefABCDEF");
			f->size = xstrndup(q + 1, sn);
			q += sn + 1;
		}
	}
	f->function = xstrndup(name, nlen);
	return q;
}

static bool is_file_line(const char *tok, size_t n)
{
	/* "path/file.c:123" or "file.c:123:7" */
	const char *colon = memchr(tok, ':', n);
	if (!colon || colon == tok)
		return false;
	size_t rest = n - (size_t)(colon - tok) - 1;
	size_t d = strspn(colon + 1, "0123456789");
	if (!d || d > rest)
		return false;
	if (d < rest && !(colon[1 + d] == ':' && is_dec_str(colon + 2 + d, rest - d - 1)))
		return false;
	return memchr(tok, '.', (size_t)(colon - tok)) != NULL;
}

/* The decorations after a symbol: " [module]", " [module buildid]",
 * " file.c:12", " (file.c:12)", " [inline]", " (unreliable)". Returns the
 * end of what was understood; *clean tells whether the line ended there. */
static const char *parse_decorations(const char *s, struct kd_frame *f,
									 bool *inl, bool *clean)
{
	const char *q = s;
	*clean = false;
	for (int guard = 0; guard < 8; guard++) {
		const char *tok = skip_ws(q);
		if (!*tok) {
			*clean = true;
			return tok;
		}
		if (tok == q)
			return q; /* decorations are separated by spaces */
		if (has_prefix(tok, "[inline]")) {
			*inl = true;
			q = tok + 8;
		} else if (has_prefix(tok, "(unreliable)")) {
			f->reliable = false;
			q = tok + 12;
		} else if (tok[0] == '[' && (isalnum((unsigned char)tok[1]) || tok[1] == '_')) {
			const char *e = strchr(tok, ']');
			if (!e || e - tok > 200)
				return tok;
			size_t mn = strcspn(tok + 1, " ]");
			if (!f->module && mn)
				f->module = xstrndup(tok + 1, mn);
			q = e + 1;
		} else if (tok[0] == '(') {
			const char *e = strchr(tok, ')');
			if (!e || !is_file_line(tok + 1, (size_t)(e - tok - 1)))
				return tok;
			if (!f->file_line)
				f->file_line = xstrndup(tok + 1, (size_t)(e - tok - 1));
			q = e + 1;
		} else {
			size_t n = strcspn(tok, " \t");
			if (!is_file_line(tok, n))
				return tok;
			if (!f->file_line)
				f->file_line = xstrndup(tok, n);
			q = tok + n;
		}
	}
	return q;
}

/* "[<hex>]" -> hex digits; returns end or NULL. */
static const char *parse_angle_addr(const char *s, const char **hex, size_t *hn)
{
	if (s[0] != '[' || s[1] != '<')
		return NULL;
	size_t n = strspn(s + 2, "0123456789abcdefABCDEF");
	if (!n || s[2 + n] != '>' || s[3 + n] != ']')
		return NULL;
	*hex = s + 2;
	*hn = n;
	return s + 4 + n;
}

/* "[hex]" (powerpc) -> hex digits. */
static const char *parse_square_addr(const char *s, const char **hex, size_t *hn)
{
	if (s[0] != '[')
		return NULL;
	size_t n = strspn(s + 1, "0123456789abcdefABCDEF");
	if (n < 8 || s[1 + n] != ']')
		return NULL;
	*hex = s + 1;
	*hn = n;
	return s + 2 + n;
}

static const char *skip_unreliable_mark(const char *s, struct kd_frame *f)
{
	if (s[0] == '?' && s[1] == ' ') {
		f->reliable = false;
		return skip_ws(s + 2);
	}
	return s;
}

/* A parsed line: up to KD_LINE_MAX_FRAMES frames; for the ARM forms that
 * name a callee and its caller, arm_pair is set and out[0]/out[1] are
 * callee/caller. */
struct fline {
	struct kd_frame f[KD_MAX_LINE_FRAMES];
	int n;
	bool arm_pair;
};

static void fline_free(struct fline *fl)
{
	for (int i = 0; i < fl->n; i++)
		frame_free(&fl->f[i]);
	fl->n = 0;
}

static struct kd_frame *fline_add(struct fline *fl)
{
	struct kd_frame *f = &fl->f[fl->n++];
	memset(f, 0, sizeof *f);
	f->reliable = true;
	return f;
}

/* "(name+0x1/0x2)" -> frame; returns the end after ')' or NULL. */
static const char *parse_paren_sym(const char *s, struct kd_frame *f)
{
	if (*s != '(')
		return NULL;
	const char *e = parse_sym(s + 1, f, false);
	if (!e || *e != ')')
		return NULL;
	return e + 1;
}

/* arm: "[<c05ef3e4>] (__schedule) from [<c05ef724>] (schedule+0x40/0xa0)" */
static bool try_arm_old(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!(q = parse_angle_addr(t, &hex, &hn)) || q[0] != ' ' || q[1] != '(')
		return false;
	struct kd_frame *callee = fline_add(fl);
	callee->address = xstrndup(hex, hn);
	if (!(q = parse_paren_sym(q + 1, callee)) || !has_prefix(q, " from "))
		return false;
	q = skip_ws(q + 6);
	struct kd_frame *caller = fline_add(fl);
	if (!(q = parse_angle_addr(q, &hex, &hn)))
		return false;
	caller->address = xstrndup(hex, hn);
	q = skip_ws(q);
	if (!(q = parse_paren_sym(q, caller)))
		return false;
	fl->arm_pair = true;
	return true;
}

/* arm without kallsyms: "Function entered at [<c001e990>] from [<c0109b14>]";
 * the functions are their addresses. */
static bool try_arm_entered(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!has_prefix(t, "Function entered at "))
		return false;
	for (int i = 0; i < 2; i++) {
		q = skip_ws(t + (i ? 0 : 20));
		if (!(q = parse_angle_addr(q, &hex, &hn)) || hn > 32)
			return false;
		struct kd_frame *f = fline_add(fl);
		char buf[2 + 32 + 1];
		snprintf(buf, sizeof buf, "0x%.*s", (int)hn, hex);
		f->function = xstrndup(buf, strlen(buf));
		f->address = xstrndup(hex, hn);
		if (i == 0 && !has_prefix(q, " from "))
			return false;
		t = q + 6;
	}
	fl->arm_pair = true;
	return true;
}

/* arm 6.x: " __schedule from schedule+0x20/0x134" */
static bool try_arm_new(const char *t, struct fline *fl)
{
	struct kd_frame *callee = fline_add(fl);
	const char *q = parse_sym(t, callee, false);
	if (!q || !has_prefix(q, " from "))
		return false;
	struct kd_frame *caller = fline_add(fl);
	q = parse_sym(q + 6, caller, true);
	if (!q || !caller->offset)
		return false;
	bool inl = false, clean;
	parse_decorations(q, caller, &inl, &clean);
	if (!clean)
		return false;
	fl->arm_pair = true;
	return true;
}

/* powerpc: "[c0000000fe2bf8f0] [c000000000019e00] __switch_to+0x2d0/0x4b0 (unreliable)" */
static bool try_ppc(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!(q = parse_square_addr(t, &hex, &hn)) || *q != ' ')
		return false;
	q = skip_ws(q);
	if (!(q = parse_square_addr(q, &hex, &hn)))
		return false;
	struct kd_frame *f = fline_add(fl);
	f->address = xstrndup(hex, hn);
	q = skip_ws(q);
	if (!(q = parse_sym(q, f, false)))
		return false;
	bool inl = false, clean;
	parse_decorations(q, f, &inl, &clean);
	return true;
}

/* sparc64 before 5.x: " [00000000004a7c44] io_schedule+0x20/0x3c" */
static bool try_square(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!(q = parse_square_addr(t, &hex, &hn)) || *q != ' ')
		return false;
	struct kd_frame *f = fline_add(fl);
	f->address = xstrndup(hex, hn);
	q = skip_ws(q);
	if (*q == '[' || !(q = parse_sym(q, f, false)))
		return false;
	bool inl = false, clean;
	parse_decorations(q, f, &inl, &clean);
	return clean && (f->offset || f->function[0] == '0');
}

/* x86/mips/riscv/arm64/i386: "[<addr>] ? sym+0x1/0x2 [mod]", possibly several
 * per line (2.4/2.6.early i386), possibly without symbols. */
static bool try_angle(const char *t, struct fline *fl)
{
	const char *q = t;
	while (fl->n < KD_MAX_LINE_FRAMES) {
		const char *hex;
		size_t hn;
		const char *e = parse_angle_addr(q, &hex, &hn);
		if (!e)
			break;
		struct kd_frame *f = fline_add(fl);
		f->address = xstrndup(hex, hn);
		q = skip_ws(e);
		q = skip_unreliable_mark(q, f);
		const char *s = (*q != '[') ? parse_sym(q, f, false) : NULL;
		if (s) {
			bool inl = false, clean;
			q = skip_ws(parse_decorations(s, f, &inl, &clean));
		} else {
			size_t n = hn;
			char buf[2 + 32 + 1];
			if (n > 32)
				n = 32;
			snprintf(buf, sizeof buf, "0x%.*s", (int)n, hex);
			f->function = xstrndup(buf, strlen(buf));
		}
	}
	return fl->n > 0;
}

/* arm64/riscv/x86 4.13+/ppc 5.x: " ? sym+0x1/0x2 [mod]", symbolized forms
 * "sym+0x1/0x2 file.c:12", "sym file.c:12 [inline]". */
static bool try_bare(const char *t, struct fline *fl)
{
	struct kd_frame *f = fline_add(fl);
	const char *q = skip_unreliable_mark(t, f);
	q = parse_sym(q, f, true);
	if (!q)
		return false;
	bool inl = false, clean;
	parse_decorations(q, f, &inl, &clean);
	return clean && (f->offset || f->file_line);
}

/* s390 marks a frame it could not verify by parentheses:
 * "([<00000000174adf7a>] __schedule+0x342/0x748)". */
static bool try_s390_unreliable(const char *t, struct fline *fl)
{
	size_t n = strlen(t);
	if (t[0] != '(' || t[1] != '[' || t[2] != '<' || t[n - 1] != ')' || n > KD_LINE_MAX)
		return false;
	char buf[KD_LINE_MAX + 1];
	memcpy(buf, t + 1, n - 2);
	buf[n - 2] = '\0';
	if (!try_angle(buf, fl))
		return false;
	for (int i = 0; i < fl->n; i++)
		fl->f[i].reliable = false;
	return true;
}

typedef bool (*frame_recognizer)(const char *t, struct fline *fl);

static const frame_recognizer frame_recognizers[] = {
	try_arm_old, try_arm_entered, try_s390_unreliable, try_angle, try_ppc, try_square,
	try_arm_new, try_bare,
};

/* Skips "<IRQ>", "<EOI>", "<<EOE>>", "<TASK>" markers that x86 puts in front
 * of or between frames. */
static const char *skip_markers(const char *t)
{
	while (*t == '<' && t[1] != '.' && t[1] != '[') {
		size_t n = strcspn(t, "> ");
		if (t[n] != '>' || n > 16)
			break;
		while (t[n] == '>')
			n++;
		t = skip_ws(t + n);
	}
	return t;
}

static bool parse_frame_line(const char *t, struct fline *fl)
{
	t = skip_markers(skip_ws(t));
	if (!*t)
		return false;
	for (size_t i = 0; i < sizeof frame_recognizers / sizeof *frame_recognizers; i++) {
		fl->n = 0;
		fl->arm_pair = false;
		if (frame_recognizers[i](t, fl))
			return true;
		fline_free(fl);
	}
	return false;
}

/* ---------- task headers ---------- */

struct hdr {
	const char *comm;
	size_t comm_len;
	char state;
	long pid, ppid, tgid;
};

static bool is_state_char(char c)
{
	return c && strchr("RSDTtXZPIKWNx", c) != NULL;
}

/* 5.10+: "task:lvm             state:D stack:0     pid:11422  tgid:11422 ppid:1374   flags:0x00004002" */
static bool parse_new_header(const char *t, struct hdr *h)
{
	if (!has_prefix(t, "task:"))
		return false;
	const char *st = strstr(t + 5, " state:");
	if (!st || !is_state_char(st[7]))
		return false;
	const char *c = t + 5;
	size_t n = (size_t)(st - c);
	while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
		n--;
	if (!n)
		return false;
	h->comm = c;
	h->comm_len = n;
	h->state = st[7];
	h->pid = key_long(st, "pid:");
	h->ppid = key_long(st, "ppid:");
	h->tgid = key_long(st, "tgid:");
	return h->pid >= 0;
}

struct tok {
	const char *s;
	size_t n;
};

static int tokenize(const char *t, struct tok *tk, int max)
{
	int n = 0;
	const char *q = skip_ws(t);
	while (*q && n < max) {
		size_t len = strcspn(q, " \t");
		tk[n].s = q;
		tk[n].n = len;
		n++;
		q = skip_ws(q + len);
	}
	return *q ? -1 : n;
}

/* Validates the numbers after a state letter at tk[i]; see SOURCES.md for the
 * eras: "D ffff880078524c94 0 1 0" (2.6), "D 805b6844 0 6301 2 0x0" (3.x/4.4),
 * "D27168 14507 3322 0x2" (4.9-5.7, stack glued), "D    0   493 1 0x0". */
static bool parse_old_tail(const struct tok *tk, int ntok, int i, struct hdr *h)
{
	const struct tok *st = &tk[i];
	bool glued = st->n > 1;
	if (glued && !is_dec_str(st->s + 1, st->n - 1))
		return false;
	struct tok nums[8];
	int nn = 0;
	for (int k = i + 1; k < ntok; k++) {
		const struct tok *x = &tk[k];
		bool first = k == i + 1;
		if (x->n > 2 && x->s[0] == '0' && x->s[1] == 'x' && is_hex_str(x->s + 2, x->n - 2)) {
			if (k != ntok - 1)
				return false; /* flags end the line */
		} else if (x->s[0] == '(' && x->s[x->n - 1] == ')' && k == ntok - 1) {
			continue; /* 2.6.early "(L-TLB)" / "(NOTLB)" */
		} else if ((first || k == i + 2) && ((x->n == 7 && !strncmp(x->s, "running", 7)) ||
											  (x->n == 4 && !strncmp(x->s, "task", 4)))) {
			continue;
		} else if (is_hex_str(x->s, x->n) && nn < 8) {
			nums[nn++] = *x;
		} else {
			return false;
		}
	}
	int at = 0;
	if (!glued && nn >= 4 && (nums[0].n >= 8 || !is_dec_str(nums[0].s, nums[0].n)))
		at = 1; /* saved PC column */
	if (!glued)
		at++;   /* stack column */
	if (nn - at < 2 || !is_dec_str(nums[at].s, nums[at].n) ||
		!is_dec_str(nums[at + 1].s, nums[at + 1].n))
		return false;
	h->pid = to_long(nums[at].s, nums[at].n);
	h->ppid = to_long(nums[at + 1].s, nums[at + 1].n);
	h->state = st->s[0];
	return h->pid >= 0;
}

static bool parse_old_header(const char *t, struct hdr *h)
{
	struct tok tk[24];
	int ntok = tokenize(t, tk, 24);
	if (ntok < 3)
		return false;
	for (int i = 1; i < ntok - 1; i++) {
		if (!is_state_char(tk[i].s[0]))
			continue;
		if (!parse_old_tail(tk, ntok, i, h))
			continue;
		h->comm = tk[0].s;
		h->comm_len = (size_t)(tk[i - 1].s + tk[i - 1].n - tk[0].s);
		h->tgid = -1;
		return h->comm_len <= 64;
	}
	return false;
}

static bool parse_task_header(const char *t, struct hdr *h)
{
	memset(h, 0, sizeof *h);
	return parse_new_header(t, h) || parse_old_header(t, h);
}

/* ---------- line handlers ---------- */

struct ctx {
	const char *t; /* body, leading blanks skipped, trailing blanks cut */
	double ts;
	char caller[16]; /* printk caller id, "" when not printed */
};

static void set_comm(struct kd_task *t, const char *c, size_t n)
{
	free(t->comm);
	t->comm = xstrndup(c, n);
}

/* "CPU: 1 PID: 5857 Comm: rs:main Q:Reg Not tainted 4.20 ..." (also with
 * "UID: 0" before PID on 6.x). comm may hold spaces, so it ends at the taint
 * field, not at a blank. */
static bool parse_cpu_line(const char *t, int *cpu, long *pid, const char **comm,
						   size_t *comm_len)
{
	if (!has_prefix(t, "CPU: "))
		return false;
	const char *q = skip_ws(t + 5);
	size_t n = strspn(q, "0123456789");
	if (!n || n > 6)
		return false;
	*cpu = (int)to_long(q, n);
	*pid = key_long(q, "PID:");
	const char *c = find_key(q, "Comm:");
	if (*pid < 0 || !c)
		return false;
	c = skip_ws(c);
	const char *end = NULL;
	static const char *const stops[] = {" Not tainted", " Tainted:", " Kdump:", " 0x"};
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
		const char *e = strstr(c, stops[i]);
		if (e && (!end || e < end))
			end = e;
	}
	if (!end)
		end = c + strcspn(c, " \t");
	size_t len = (size_t)(end - c);
	while (len && c[len - 1] == ' ')
		len--;
	if (len > 20)
		len = 20; /* printed with %.20s */
	*comm = c;
	*comm_len = len;
	return true;
}

static void add_idle_frame(struct kd_parser *p, struct kd_task *t, const char *at)
{
	struct fline fl;
	fl.n = 0;
	if (try_bare(skip_ws(at), &fl)) {
		push_frame(p, t, &fl.f[0]);
		fl.n = 0;
	}
	fline_free(&fl);
}

static struct kd_task *new_cpu_task(struct kd_parser *p, double ts, int cpu)
{
	struct kd_task *t = new_task(p, ts, true);
	if (t)
		t->cpu = cpu;
	return t;
}

static bool header_allowed(const struct kd_dump *d)
{
	return d->kind == KD_SYSRQ_W || d->kind == KD_SYSRQ_T || d->kind == KD_HUNG_TASK;
}

/* The task listing an all-CPU backtrace interrupted, if the open dump is
 * that backtrace and the listing is of `kind` (or any, for -1). */
static size_t interrupted_listing(const struct kd_parser *p, int kind)
{
	if (!p->dump_open || p->res->dumps[p->open_idx].kind != KD_SYSRQ_L ||
		p->listing_idx == SIZE_MAX)
		return SIZE_MAX;
	const struct kd_dump *l = &p->res->dumps[p->listing_idx];
	return kind < 0 || l->kind == (enum kd_kind)kind ? p->listing_idx : SIZE_MAX;
}

/* "NMI backtrace for cpu 1", "... skipped: idling at native_safe_halt+0x2/0x10" */
static bool h_nmi(struct kd_parser *p, const struct ctx *c)
{
	const char *k = "NMI backtrace for cpu ";
	if (!has_prefix(c->t, k))
		return false;
	const char *q = c->t + strlen(k);
	size_t n = strspn(q, "0123456789");
	if (!n)
		return false;
	struct kd_dump *d = cur_dump(p);
	if (!d || d->kind != KD_SYSRQ_L) {
		/* khungtaskd and the RCU stall detector print every CPU in the
		 * middle of a task listing, which may go on afterwards */
		size_t from = d && header_allowed(d) ? p->open_idx : SIZE_MAX;
		d = open_dump(p, KD_SYSRQ_L, c->ts, true);
		p->listing_idx = from;
	}
	if (!d)
		return true;
	struct kd_task *t = new_cpu_task(p, c->ts, (int)to_long(q, n));
	const char *idle = strstr(q, "idling at ");
	if (t && (idle || strstr(q, "skipped"))) {
		t->idle = true;
		if (idle)
			add_idle_frame(p, t, idle + 10);
		close_task(p, false);
	}
	return true;
}

/* An RCU stall on an architecture without NMIs (parisc, sparc) shows each
 * stalled CPU as "Task dump for CPU 0:", the task line of what runs there
 * and its stack. */
static bool h_task_dump(struct kd_parser *p, const struct ctx *c)
{
	const char *k = "Task dump for CPU ";
	if (!has_prefix(c->t, k))
		return false;
	const char *q = c->t + strlen(k);
	size_t n = strspn(q, "0123456789");
	if (!n || n > 6 || q[n] != ':')
		return true;
	struct kd_dump *d = cur_dump(p);
	if (!d || d->kind != KD_SYSRQ_L)
		d = open_dump(p, KD_SYSRQ_L, c->ts, true);
	if (d && new_cpu_task(p, c->ts, (int)to_long(q, n)))
		p->task_dump = true;
	return true;
}

/* sysrq showacpu: "sysrq: CPU0:" (pr_fmt), "CPU0:" (older), vendor
 * "=>entered showacpu on CPU 0". */
static bool h_sysrq_cpu(struct kd_parser *p, const struct ctx *c)
{
	const char *q = c->t;
	bool explicit = false;
	if (has_prefix(q, "sysrq: ")) {
		q += 7;
		explicit = true;
	}
	if (has_prefix(q, "=>entered showacpu on CPU")) {
		q = skip_ws(q + 25);
		explicit = true;
	} else if (has_prefix(q, "CPU") && isdigit((unsigned char)q[3])) {
		q += 3;
	} else {
		return false;
	}
	size_t n = strspn(q, "0123456789");
	if (!n || n > 6 || (q[n] != ':' && q[n] != '\0'))
		return false;
	struct kd_dump *d = cur_dump(p);
	if (!d || d->kind != KD_SYSRQ_L) {
		if (!explicit)
			return false;
		d = open_dump(p, KD_SYSRQ_L, c->ts, false);
	}
	int cpu = (int)to_long(q, n);
	struct kd_task *t = cur_task(p);
	/* vendor showacpu prints "CPU0:" again between the registers and the
	 * stack of the same CPU */
	if (d && !(t && t->cpu == cpu && t->nframes == 0))
		new_cpu_task(p, c->ts, cpu);
	return true;
}

static bool h_sysrq(struct kd_parser *p, const struct ctx *c)
{
	if (!has_prefix_ci(c->t, "sysrq"))
		return false;
	static const struct {
		const char *what;
		enum kd_kind kind;
	} tab[] = {
		{"Show Blocked State", KD_SYSRQ_W},
		{"Show backtrace of all active CPUs", KD_SYSRQ_L},
		{"Show State", KD_SYSRQ_T},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (strstr(c->t, tab[i].what)) {
			open_dump(p, tab[i].kind, c->ts, true);
			return true;
		}
	return false;
}

/* "INFO: task kworker/0:0:6301 blocked for more than 120 seconds." */
static bool h_hung(struct kd_parser *p, const struct ctx *c)
{
	if (!has_prefix(c->t, "INFO: task "))
		return false;
	const char *name = c->t + 11;
	const char *bl = strstr(name, " blocked for more than ");
	if (!bl)
		return true; /* other hung-task lines ("is blocked on a mutex ...") */
	const char *colon = NULL;
	for (const char *q = name; q < bl; q++)
		if (*q == ':')
			colon = q;
	if (!colon || !is_dec_str(colon + 1, (size_t)(bl - colon - 1)))
		return true;
	size_t scan = interrupted_listing(p, KD_HUNG_TASK);
	struct kd_dump *d = scan != SIZE_MAX ? &p->res->dumps[scan] : cur_dump(p);
	bool same_scan = d && d->kind == KD_HUNG_TASK &&
					 (c->ts < 0 || p->last_ts < 0 ||
					  (c->ts >= p->last_ts - 1 && c->ts - p->last_ts < KD_HUNG_SCAN_GAP));
	if (!same_scan)
		d = open_dump(p, KD_HUNG_TASK, c->ts, true);
	else if (scan != SIZE_MAX)
		d = reopen_dump(p, scan);
	if (!d)
		return true;
	struct kd_task *t = new_task(p, c->ts, false);
	if (t) {
		set_comm(t, name, (size_t)(colon - name));
		t->pid = to_long(colon + 1, (size_t)(bl - colon - 1));
		strcpy(t->state, "D"); /* hung tasks are uninterruptible by definition */
	}
	return true;
}

/* "logd invoked oom-killer: gfp_mask=0x..., order=0, oom_score_adj=0" */
static bool h_oom(struct kd_parser *p, const struct ctx *c)
{
	const char *k = strstr(c->t, " invoked oom-killer:");
	if (!k)
		return false;
	struct kd_dump *d = open_dump(p, KD_OOM, c->ts, true);
	struct kd_task *t = d ? new_task(p, c->ts, true) : NULL;
	if (t)
		set_comm(t, c->t, (size_t)(k - c->t));
	return true;
}

/* "Kernel panic - not syncing: hung_task: blocked tasks": khungtaskd's own
 * stack follows, the only trace left when the blocked tasks' were lost (a
 * syslog file rarely gets them to disk before the panic); it stays with the
 * report that caused it, or stands for that report when none was kept. */
static bool h_hung_panic(struct kd_parser *p, const struct ctx *c)
{
	if (!has_prefix(c->t, "Kernel panic") || !strstr(c->t, "hung_task"))
		return false;
	size_t idx = interrupted_listing(p, KD_HUNG_TASK);
	if (idx == SIZE_MAX && p->dump_open && cur_dump(p)->kind == KD_HUNG_TASK)
		idx = p->open_idx;
	if (idx != SIZE_MAX)
		reopen_dump(p, idx);
	else if (!open_dump(p, KD_HUNG_TASK, c->ts, false))
		return true; /* the blocked tasks' report was lost: incomplete */
	p->panic_task = true;
	return true;
}

/* Lines that end whatever dump is open: other kernel reports. */
static bool h_terminator(struct kd_parser *p, const struct ctx *c)
{
	static const char *const tab[] = {
		"Kernel panic", "---[ end", "------------[ cut here ]", "WARNING:",
		"BUG:", "Oops", "Unable to handle", "Sched Debug Version", "INFO: rcu",
		"rcu: INFO:", "Internal error:", "Rebooting in", "watchdog: BUG:",
		"NMI watchdog:", "general protection fault", "kernel BUG at",
		"Kernel BUG at", "Call Trace for", "Showing busy workqueues",
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (has_prefix(c->t, tab[i])) {
			if (p->dump_open)
				close_dump(p, false);
			/* where no NMI exists (s390) the stalled CPU's registers and
			 * stack follow the RCU stall report directly */
			p->stall_lines = strstr(c->t, "stall") ? KD_STALL_LINES : 0;
			return true;
		}
	return false;
}

typedef bool (*line_handler)(struct kd_parser *p, const struct ctx *c);

/* Recognised anywhere: they open or close dumps. */
static const line_handler top_handlers[] = {
	h_sysrq, h_hung, h_nmi, h_task_dump, h_sysrq_cpu, h_oom, h_hung_panic, h_terminator,
};

/* ---- handlers that apply inside an open dump ---- */

static bool is_elision(const char *t)
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
	int n = tokenize(t, tk, 24);
	if (n <= 0)
		return false;
	for (int i = 0; i < n; i++) {
		size_t len = tk[i].n;
		if (len && tk[i].s[len - 1] == ':')
			len--; /* "9ce0:" offsets of Exception stack dumps */
		if (!is_hex_str(tk[i].s, len) && !(tk[i].n == 3 && !strncmp(tk[i].s, "...", 3)))
			return false;
	}
	return true;
}

static bool h_stack_words(struct kd_parser *p, const struct ctx *c)
{
	if (has_prefix(c->t, "Stack :") || has_prefix(c->t, "Stack:")) {
		p->stack_words = true;
		return true;
	}
	if (p->stack_words && is_hex_words(c->t))
		return true;
	p->stack_words = false;
	return false;
}

static bool h_elision(struct kd_parser *p, const struct ctx *c)
{
	if (!is_elision(c->t))
		return false;
	struct kd_dump *d = cur_dump(p);
	d->complete = false;
	close_task(p, true);
	return true;
}

static bool h_cpu_line(struct kd_parser *p, const struct ctx *c)
{
	int cpu;
	long pid;
	const char *comm;
	size_t cl;
	if (!parse_cpu_line(c->t, &cpu, &pid, &comm, &cl))
		return false;
	struct kd_dump *d = cur_dump(p);
	struct kd_task *t = cur_task(p);
	if (d->kind == KD_SYSRQ_L) {
		/* The NMI line opened this CPU's task; show_regs repeats the CPU
		 * line before the trace (seed), which must not start a new one. */
		bool same = t && t->nframes == 0 && (t->cpu < 0 || t->cpu == cpu) &&
					(t->pid < 0 || t->pid == pid);
		if (!same)
			t = new_cpu_task(p, c->ts, cpu);
	} else if (d->kind == KD_OOM) {
		if (!t || t->nframes > 0) {
			p->discard = true;
			close_task(p, false);
			return true;
		}
	} else if (p->panic_task) {
		p->panic_task = false;
		t = new_task(p, c->ts, true);
		if (t)
			strcpy(t->state, "R"); /* the task printing the panic runs */
	} else {
		/* A CPU line inside a task listing is another report's stack. */
		close_task(p, false);
		p->discard = true;
		return true;
	}
	if (!t)
		return true;
	t->cpu = cpu;
	t->pid = pid;
	set_comm(t, comm, cl);
	if (pid == 0 && has_prefix(t->comm, "swapper"))
		t->idle = true;
	return true;
}


static void apply_header(struct kd_parser *p, struct kd_task *t, const struct hdr *h)
{
	set_comm(t, h->comm, h->comm_len);
	t->pid = h->pid;
	t->ppid = h->ppid;
	t->tgid = h->tgid;
	t->state[0] = h->state;
	t->state[1] = '\0';
	p->task_has_header = true;
}

static bool h_task_header(struct kd_parser *p, const struct ctx *c)
{
	struct kd_dump *d = cur_dump(p);
	struct hdr h;
	if (p->task_dump && cur_task(p) && parse_task_header(c->t, &h)) {
		apply_header(p, cur_task(p), &h);
		p->task_dump = false;
		return true;
	}
	size_t listing = interrupted_listing(p, -1);
	if ((!header_allowed(d) && listing == SIZE_MAX) || !parse_task_header(c->t, &h))
		return false;
	if (!header_allowed(d))
		d = reopen_dump(p, listing);
	struct kd_task *t = cur_task(p);
	/* The hung-task INFO line already made the task; its task line fills in. */
	bool fill = d->kind == KD_HUNG_TASK && t && !p->task_has_header && t->nframes == 0 &&
				(t->pid < 0 || t->pid == h.pid);
	if (!fill)
		t = new_task(p, c->ts, true);
	if (t)
		apply_header(p, t, &h);
	return true;
}

static struct kd_task *task_for_frames(struct kd_parser *p, double ts)
{
	struct kd_task *t = cur_task(p);
	if (t || p->discard)
		return t;
	/* Frames without a task line: the header was lost. */
	return new_task(p, ts, false);
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
			push_frame(p, t, &fl->f[i]);
		}
		fline_free(fl);
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
		push_frame(p, t, &fl->f[0]);
	push_frame(p, t, &fl->f[1]);
	fline_free(fl);
}

/* "Call Trace:", "Call trace:", "Backtrace:", mips "Call Trace:(--Raw--". */
static bool h_trace_start(struct kd_parser *p, const struct ctx *c)
{
	const char *rest;
	if (has_prefix_ci(c->t, "Call Trace:"))
		rest = c->t + 11;
	else if (has_prefix(c->t, "Backtrace:") || has_prefix(c->t, "Inexact backtrace:"))
		rest = strchr(c->t, ':') + 1;
	else
		return false;
	p->stack_words = false;
	bool raw = strstr(rest, "Raw") != NULL;
	struct kd_task *t = cur_task(p);
	if (t && t->nframes > 0 && p->raw_trace && !raw) {
		/* mips prints the raw stack scan, then the unwound trace of the
		 * same task: the unwound one is the task's */
		for (size_t i = 0; i < t->nframes; i++)
			frame_free(&t->frames[i]);
		t->nframes = 0;
	} else if (t && t->nframes > 0) {
		close_task(p, false);
		t = NULL;
	}
	t = task_for_frames(p, c->ts);
	if (!t)
		return true;
	p->raw_trace = raw;
	const char *f = strstr(rest, "[<");
	struct fline fl;
	fl.n = 0;
	if (f && parse_frame_line(f, &fl))
		add_fline(p, t, &fl);
	fline_free(&fl);
	return true;
}

/* Where the CPU was: "pc : sym+0x1c/0x30", "PC is at sym+..", "RIP: 0010:sym+..",
 * "NIP [c0..] sym+..", "epc   : 8066c218 sym+..", "EIP is at sym+..". */
static bool h_pc(struct kd_parser *p, const struct ctx *c)
{
	static const char *const keys[] = {"pc :", "pc:", "PC is at", "RIP:", "NIP", "epc",
									   "EIP is at", "EIP:", "IP:", "ERA:", "Krnl PSW :"};
	const char *q = NULL;
	for (size_t i = 0; i < sizeof keys / sizeof *keys && !q; i++)
		if (has_prefix(c->t, keys[i]))
			q = c->t + strlen(keys[i]);
	if (!q)
		return false;
	struct kd_task *t = cur_task(p);
	if (!t || t->pc_function || t->nframes)
		return true;
	struct tok tk[6];
	int n = tokenize(q, tk, 6);
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
		if (has_prefix(s, "[<")) {
			const char *e = strchr(s, ']');
			s = e ? e + 1 : s;
		}
		struct kd_frame f;
		memset(&f, 0, sizeof f);
		if (parse_sym(s, &f, true) && f.offset) {
			t->pc_function = f.function;
			f.function = NULL;
			frame_free(&f);
			break;
		}
		frame_free(&f);
	}
	return true;
}

static bool h_frame(struct kd_parser *p, const struct ctx *c)
{
	struct fline fl;
	fl.n = 0;
	if (!parse_frame_line(c->t, &fl))
		return false;
	struct kd_task *t = task_for_frames(p, c->ts);
	if (t)
		add_fline(p, t, &fl);
	fline_free(&fl);
	return true;
}

/* Lines after which the open task takes no more frames. */
static bool h_task_end(struct kd_parser *p, const struct ctx *c)
{
	static const char *const tab[] = {
		"Showing all locks held", "Sending NMI from CPU", "Mem-Info:",
		"Tasks state (memory values in pages)", "NMI backtrace for cpus",
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (has_prefix(c->t, tab[i])) {
			close_task(p, false);
			return true;
		}
	/* s390: the address on the next line is the last branch taken, not a
	 * caller; what follows belongs to no task until a new one starts */
	if (has_prefix(c->t, "Last Breaking-Event-Address:")) {
		close_task(p, false);
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
	return n ? to_long(v, n) : -1;
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

/* "oom-kill:constraint=CONSTRAINT_NONE,..." and "[Out of memory: ]Killed
 * process 493 (logd) total-vm:..kB, anon-rss:..kB, file-rss:..kB, shmem-rss:..kB" */
static bool h_oom_lines(struct kd_parser *p, const struct ctx *c)
{
	struct kd_dump *d = cur_dump(p);
	const char *k = strstr(c->t, "constraint=");
	if (has_prefix(c->t, "oom-kill:") && k) {
		size_t n = strcspn(k + 11, ", ");
		free(d->oom_constraint);
		d->oom_constraint = xstrndup(k + 11, n);
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
		d->oom_victim_pid = to_long(q, n);
	if (lp && rp && rp > lp) {
		free(d->oom_victim_comm);
		d->oom_victim_comm = xstrndup(lp + 1, (size_t)(rp - lp - 1));
	}
	long rss = -1;
	static const char *const keys[] = {"anon-rss:", "file-rss:", "shmem-rss:"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		long v = kb_field(q, keys[i]);
		if (v >= 0)
			rss = (rss < 0 ? 0 : rss) + v;
	}
	if (rss >= 0)
		d->oom_victim_rss_kb = rss;
	if (strstr(c->t, "Killed process"))
		close_dump(p, false);
	return true;
}

static bool h_oom_only(struct kd_parser *p, const struct ctx *c)
{
	return cur_dump(p)->kind == KD_OOM && h_oom_lines(p, c);
}

/* Order matters: a "..." inside a mips "Stack :" block is not an elision,
 * and task lines / pc lines must be tried before the looser frame forms. */
static const line_handler dump_handlers[] = {
	h_stack_words, h_elision, h_task_end, h_oom_only, h_cpu_line,
	h_trace_start, h_task_header, h_pc, h_frame,
};

/* No dump open: OOM lines whose header was lost, and a task listing right
 * after a recorded trigger whose header line was lost. */
static void handle_orphan(struct kd_parser *p, const struct ctx *c)
{
	if (find_kill(c->t) && strstr(c->t, "Out of memory")) {
		if (open_dump(p, KD_OOM, c->ts, false))
			h_oom_lines(p, c);
		return;
	}
	int cpu;
	long pid;
	const char *comm;
	size_t cl;
	if (p->stall_lines > 0 && parse_cpu_line(c->t, &cpu, &pid, &comm, &cl)) {
		p->stall_lines = 0;
		struct kd_task *t = open_dump(p, KD_SYSRQ_L, c->ts, true) ?
							new_cpu_task(p, c->ts, cpu) : NULL;
		if (t) {
			t->pid = pid;
			set_comm(t, comm, cl);
		}
		return;
	}
	if (p->stall_lines > 0)
		p->stall_lines--;
	struct hdr h;
	if (p->trigger >= 0 && p->trigger_fresh && parse_task_header(c->t, &h)) {
		if (!open_dump(p, KD_SYSRQ_W, c->ts, false))
			return;
		struct kd_task *t = new_task(p, c->ts, true);
		if (t)
			apply_header(p, t, &h);
	}
}

/* The printk caller id ("T59", "C1") among a line's prefixes, or "". */
static void caller_id(const char *line, const char *body, char *out, size_t cap)
{
	out[0] = '\0';
	for (const char *q = line; q < body; q++)
		if (*q == '[' && strip_callerid(q)) {
			const char *id = skip_ws(q + 1);
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
	struct kd_dump *d = cur_dump(p);
	if (!d)
		return;
	if (joined)
		d->complete = false;
	struct kd_task *t = cur_task(p);
	if (!handled && c->caller[0] && p->task_caller[0] && strcmp(c->caller, p->task_caller) &&
		t && !trace_finished(t))
		d->complete = false;
}

static void process_line(struct kd_parser *p, char *line, bool joined)
{
	struct ctx c;
	bool prefixed;
	const char *body = strip_prefixes(line, &c.ts, &prefixed);
	caller_id(line, body, c.caller, sizeof c.caller);
	char *end = line + strlen(line);
	while (end > body && isspace((unsigned char)end[-1]))
		*--end = '\0';
	c.t = skip_ws(body);
	if (!*c.t)
		return;
	if (p->dump_open && c.ts >= 0 && p->last_ts >= 0 &&
		(c.ts - p->last_ts > KD_DUMP_SILENCE || c.ts < p->last_ts - 1))
		close_dump(p, false); /* silence, or the clock went back (reboot) */
	size_t idx = p->dump_open ? p->open_idx : SIZE_MAX;
	size_t ntasks = p->dump_open ? cur_dump(p)->ntasks : 0;
	bool handled = false;
	for (size_t i = 0; i < sizeof top_handlers / sizeof *top_handlers && !handled; i++)
		handled = top_handlers[i](p, &c);
	if (!handled && !p->dump_open) {
		handle_orphan(p, &c);
		handled = true;
	}
	if (!handled && c.ts >= 0)
		p->last_ts = c.ts;
	for (size_t i = 0; i < sizeof dump_handlers / sizeof *dump_handlers && !handled; i++)
		handled = dump_handlers[i](p, &c);
	if (!p->dump_open)
		return;
	/* a task begun by this line belongs to this line's context */
	if (p->open_idx != idx || cur_dump(p)->ntasks != ntasks)
		memcpy(p->task_caller, c.caller, sizeof c.caller);
	note_damage(p, &c, joined, handled);
}

/* ---------- lookahead / wrapped lines ---------- */

static bool line_is_prefixed(const char *s)
{
	double ts;
	bool prefixed;
	strip_prefixes(s, &ts, &prefixed);
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
	if (isspace((unsigned char)*s) && (!in_field || !*skip_ws(s)))
		return false;
	if (line_is_prefixed(s) || looks_like_syslog_start(s) || is_elision(s))
		return false;
	static const char *const own[] = {"INFO:", "sysrq", "SysRq", "NMI backtrace",
									  "Call Trace", "Call trace", "REPORT", "CPU:",
									  "task:", "Kernel panic", "BUG:", "WARNING:"};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (has_prefix(s, own[i]))
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
	strip_prefixes(p->pend, &ts, &prefixed);
	return ts >= 0;
}

static void flush_pending(struct kd_parser *p)
{
	if (!p->have_pend)
		return;
	p->have_pend = false;
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
	struct kd_parser *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->res = calloc(1, sizeof *p->res);
	if (!p->res) {
		free(p);
		return NULL;
	}
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
		close_dump(p, true);
	p->trigger = id < 0 ? -1 : id;
	p->trigger_fresh = true;
}

struct kd_result *kd_finish(struct kd_parser *p)
{
	if (!p)
		return NULL;
	flush_pending(p);
	if (p->dump_open)
		close_dump(p, true);
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
