/* kdump_dumps.c: the lines that open and close dumps, anywhere in the log:
 * sysrq-w/t/l headers, NMI backtraces, hung-task reports, OOM reports,
 * other reports that end a dump. */
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

static void add_idle_frame(struct kd_parser *p, struct kd_task *t, const char *at)
{
	struct fline fl;
	fl.n = 0;
	if (kd_try_bare(kd_skip_ws(at), &fl)) {
		kd_push_frame(p, t, &fl.f[0]);
		fl.n = 0;
	}
	kd_fline_free(&fl);
}

struct kd_task *kd_new_cpu_task(struct kd_parser *p, double ts, int cpu)
{
	struct kd_task *t = kd_new_task(p, ts, true);
	if (t)
		t->cpu = cpu;
	return t;
}

bool kd_header_allowed(const struct kd_dump *d)
{
	return d->kind == KD_SYSRQ_W || d->kind == KD_SYSRQ_T || d->kind == KD_HUNG_TASK;
}

/* The task listing an all-CPU backtrace interrupted, if the open dump is
 * that backtrace and the listing is of `kind` (or any, for -1). */
size_t kd_interrupted_listing(const struct kd_parser *p, int kind)
{
	if (!p->dump_open || p->res->dumps[p->open_idx].kind != KD_SYSRQ_L ||
		p->listing_idx == SIZE_MAX)
		return SIZE_MAX;
	const struct kd_dump *l = &p->res->dumps[p->listing_idx];
	return kind < 0 || l->kind == (enum kd_kind)kind ? p->listing_idx : SIZE_MAX;
}

/* "NMI backtrace for cpu 1", "... skipped: idling at native_safe_halt+0x2/0x10" */
bool kd_h_nmi(struct kd_parser *p, const struct ctx *c)
{
	const char *k = "NMI backtrace for cpu ";
	if (!kd_has_prefix(c->t, k))
		return false;
	const char *q = c->t + strlen(k);
	size_t n = strspn(q, "0123456789");
	if (!n)
		return false;
	struct kd_dump *d = kd_cur_dump(p);
	if (!d || d->kind != KD_SYSRQ_L) {
		/* khungtaskd and the RCU stall detector print every CPU in the
		 * middle of a task listing, which may go on afterwards */
		size_t from = d && kd_header_allowed(d) ? p->open_idx : SIZE_MAX;
		d = kd_open_dump(p, KD_SYSRQ_L, c->ts, true);
		p->listing_idx = from;
	}
	if (!d)
		return true;
	struct kd_task *t = kd_new_cpu_task(p, c->ts, (int)kd_to_long(q, n));
	const char *idle = strstr(q, "idling at ");
	if (t && (idle || strstr(q, "skipped"))) {
		t->idle = true;
		if (idle)
			add_idle_frame(p, t, idle + 10);
		kd_close_task(p, false);
	}
	return true;
}

/* An RCU stall on an architecture without NMIs (parisc, sparc) shows each
 * stalled CPU as "Task dump for CPU 0:", the task line of what runs there
 * and its stack. */
bool kd_h_task_dump(struct kd_parser *p, const struct ctx *c)
{
	const char *k = "Task dump for CPU ";
	if (!kd_has_prefix(c->t, k))
		return false;
	const char *q = c->t + strlen(k);
	size_t n = strspn(q, "0123456789");
	if (!n || n > 6 || q[n] != ':')
		return true;
	struct kd_dump *d = kd_cur_dump(p);
	if (!d || d->kind != KD_SYSRQ_L)
		d = kd_open_dump(p, KD_SYSRQ_L, c->ts, true);
	if (d && kd_new_cpu_task(p, c->ts, (int)kd_to_long(q, n)))
		p->task_dump = true;
	return true;
}

/* sysrq showacpu: "sysrq: CPU0:" (pr_fmt), "CPU0:" (older), vendor
 * "=>entered showacpu on CPU 0". */
bool kd_h_sysrq_cpu(struct kd_parser *p, const struct ctx *c)
{
	const char *q = c->t;
	bool explicit = false;
	if (kd_has_prefix(q, "sysrq: ")) {
		q += 7;
		explicit = true;
	}
	if (kd_has_prefix(q, "=>entered showacpu on CPU")) {
		q = kd_skip_ws(q + 25);
		explicit = true;
	} else if (kd_has_prefix(q, "CPU") && isdigit((unsigned char)q[3])) {
		q += 3;
	} else {
		return false;
	}
	size_t n = strspn(q, "0123456789");
	if (!n || n > 6 || (q[n] != ':' && q[n] != '\0'))
		return false;
	struct kd_dump *d = kd_cur_dump(p);
	if (!d || d->kind != KD_SYSRQ_L) {
		if (!explicit)
			return false;
		d = kd_open_dump(p, KD_SYSRQ_L, c->ts, false);
	}
	int cpu = (int)kd_to_long(q, n);
	struct kd_task *t = kd_cur_task(p);
	/* vendor showacpu prints "CPU0:" again between the registers and the
	 * stack of the same CPU */
	if (d && !(t && t->cpu == cpu && t->nframes == 0))
		kd_new_cpu_task(p, c->ts, cpu);
	return true;
}

bool kd_h_sysrq(struct kd_parser *p, const struct ctx *c)
{
	if (!kd_has_prefix_ci(c->t, "sysrq"))
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
			kd_open_dump(p, tab[i].kind, c->ts, true);
			return true;
		}
	return false;
}

/* "INFO: task kworker/0:0:6301 blocked for more than 120 seconds." */
bool kd_h_hung(struct kd_parser *p, const struct ctx *c)
{
	if (!kd_has_prefix(c->t, "INFO: task "))
		return false;
	const char *name = c->t + 11;
	const char *bl = strstr(name, " blocked for more than ");
	if (!bl)
		return true; /* other hung-task lines ("is blocked on a mutex ...") */
	const char *colon = NULL;
	for (const char *q = name; q < bl; q++)
		if (*q == ':')
			colon = q;
	if (!colon || !kd_is_dec_str(colon + 1, (size_t)(bl - colon - 1)))
		return true;
	size_t scan = kd_interrupted_listing(p, KD_HUNG_TASK);
	struct kd_dump *d = scan != SIZE_MAX ? &p->res->dumps[scan] : kd_cur_dump(p);
	bool same_scan = d && d->kind == KD_HUNG_TASK &&
					 (c->ts < 0 || p->last_ts < 0 ||
					  (c->ts >= p->last_ts - 1 && c->ts - p->last_ts < KD_HUNG_SCAN_GAP));
	if (!same_scan)
		d = kd_open_dump(p, KD_HUNG_TASK, c->ts, true);
	else if (scan != SIZE_MAX)
		d = kd_reopen_dump(p, scan);
	if (!d)
		return true;
	struct kd_task *t = kd_new_task(p, c->ts, false);
	if (t) {
		kd_set_comm(t, name, (size_t)(colon - name));
		t->pid = kd_to_long(colon + 1, (size_t)(bl - colon - 1));
		strcpy(t->state, "D"); /* hung tasks are uninterruptible by definition */
	}
	return true;
}

/* "logd invoked oom-killer: gfp_mask=0x..., order=0, oom_score_adj=0" */
bool kd_h_oom(struct kd_parser *p, const struct ctx *c)
{
	const char *k = strstr(c->t, " invoked oom-killer:");
	if (!k)
		return false;
	struct kd_dump *d = kd_open_dump(p, KD_OOM, c->ts, true);
	struct kd_task *t = d ? kd_new_task(p, c->ts, true) : NULL;
	if (t)
		kd_set_comm(t, c->t, (size_t)(k - c->t));
	return true;
}

/* "Kernel panic - not syncing: hung_task: blocked tasks": khungtaskd's own
 * stack follows, the only trace left when the blocked tasks' were lost (a
 * syslog file rarely gets them to disk before the panic); it stays with the
 * report that caused it, or stands for that report when none was kept. */
bool kd_h_hung_panic(struct kd_parser *p, const struct ctx *c)
{
	if (!kd_has_prefix(c->t, "Kernel panic") || !strstr(c->t, "hung_task"))
		return false;
	size_t idx = kd_interrupted_listing(p, KD_HUNG_TASK);
	if (idx == SIZE_MAX && p->dump_open && kd_cur_dump(p)->kind == KD_HUNG_TASK)
		idx = p->open_idx;
	if (idx != SIZE_MAX)
		kd_reopen_dump(p, idx);
	else if (!kd_open_dump(p, KD_HUNG_TASK, c->ts, false))
		return true; /* the blocked tasks' report was lost: incomplete */
	p->panic_task = true;
	return true;
}

/* Lines that end whatever dump is open: other kernel reports. */
bool kd_h_terminator(struct kd_parser *p, const struct ctx *c)
{
	static const char *const tab[] = {
		"Kernel panic", "---[ end", "------------[ cut here ]", "WARNING:",
		"BUG:", "Oops", "Unable to handle", "Sched Debug Version", "INFO: rcu",
		"rcu: INFO:", "Internal error:", "Rebooting in", "watchdog: BUG:",
		"NMI watchdog:", "general protection fault", "kernel BUG at",
		"Kernel BUG at", "Call Trace for", "Showing busy workqueues",
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (kd_has_prefix(c->t, tab[i])) {
			if (p->dump_open)
				kd_close_dump(p, false);
			/* where no NMI exists (s390) the stalled CPU's registers and
			 * stack follow the RCU stall report directly */
			p->stall_lines = strstr(c->t, "stall") ? KD_STALL_LINES : 0;
			return true;
		}
	return false;
}
