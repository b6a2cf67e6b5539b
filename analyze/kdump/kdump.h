/* kdump: parser for the kernel's task dumps in log text.
 *
 * Recognises sysrq-w / sysrq-t (blocked / all tasks), sysrq-l (all CPUs),
 * hung-task reports and OOM-killer reports, from any kernel era and the
 * common architectures, with or without log prefixes. The parser is a
 * streaming state machine: feed it lines in log order, then finish.
 * Nothing it is fed can make it crash; unknown lines are ignored. */
#ifndef KDUMP_H
#define KDUMP_H

#include <stdbool.h>
#include <stddef.h>

struct kd_frame {
	char *function;  /* bare name; "0x..." when the kernel printed no symbol */
	char *offset;    /* "0x1a4" as printed, or NULL */
	char *size;      /* "0x2c0" as printed, or NULL */
	char *module;    /* without brackets, or NULL */
	char *address;   /* hex digits as printed (no brackets), or NULL */
	char *file_line; /* "kernel/sched/core.c:3421" when symbolized, or NULL */
	bool reliable;   /* false for "?" frames, "(unreliable)", raw stack scans */
};

struct kd_task {
	char *comm;      /* NULL when the dump did not name the task */
	long pid;        /* -1 = not printed */
	long ppid;       /* -1 = not printed */
	long tgid;       /* -1 = not printed */
	char state[4];   /* "D", "R", ...; "" when not printed */
	int cpu;         /* -1 = none (sysrq-l gives the CPU) */
	double ts;       /* kernel seconds of the task's first line, -1 if none */
	char *pc_function; /* where the CPU was (pc:/RIP:/PC is at/NIP/epc), or NULL */
	struct kd_frame *frames; /* innermost first */
	size_t nframes;
	bool complete;   /* false: header missing or trace cut off */
	bool idle;       /* CPU was idle (sysrq-l "skipped: idling", swapper) */
};

/* One row of an OOM report's task table ("Tasks state (memory values in
 * pages)"): the columns the kernel of that report printed, in pages. */
struct kd_oom_task {
	long pid;
	char *name;
	long rss, rss_anon, rss_shmem, swapents; /* -1: no such column */
};

enum kd_kind { KD_SYSRQ_W, KD_SYSRQ_L, KD_HUNG_TASK, KD_OOM, KD_SYSRQ_T };

struct kd_dump {
	enum kd_kind kind;
	bool complete;   /* false: header missing, `...` elision, cut-off trace */
	double ts;       /* kernel seconds of the header line, -1 if none */
	struct kd_task *tasks;
	size_t ntasks;
	/* OOM only (NULL / -1 otherwise or when not printed): */
	char *oom_victim_comm;
	long oom_victim_pid;
	long oom_victim_rss_kb; /* anon + file + shmem rss of the victim */
	long oom_victim_anon_kb, oom_victim_file_kb, oom_victim_shmem_kb;
	char *oom_constraint;   /* "CONSTRAINT_NONE", "CONSTRAINT_MEMCG", ... */
	char *oom_memcg;        /* oom_memcg= of the oom-kill line; NULL: global */
	long oom_limit_kb;      /* a memory cgroup OOM's "memory: usage ..., limit" */
	struct kd_oom_task *oom_tasks; /* the task table, in the kernel's order */
	size_t noom_tasks;
	size_t oom_kill_line;   /* the line (0-based, in the order fed) naming the victim */
	long trigger_id; /* kd_set_trigger() id in force when the dump began, -1 */
};

struct kd_parser;
struct kd_result;

struct kd_parser *kd_parser_new(void);
/* Attribute dumps that begin after this call to trigger `id` (-1: none). A
 * dump still open is closed: lines after a trigger belong to its answer. */
void kd_set_trigger(struct kd_parser *p, long id);
/* One line of kernel log text, with or without prefixes; no newline needed.
 * Any bytes are accepted; over-long lines are cut. */
void kd_feed_line(struct kd_parser *p, const char *line, size_t len);
/* A block of text: split on '\n' and fed line by line. */
void kd_feed_text(struct kd_parser *p, const char *text, size_t len);
/* Ends the input, frees the parser; the result owns everything. */
struct kd_result *kd_finish(struct kd_parser *p);
void kd_result_free(struct kd_result *r);

size_t kd_ndumps(const struct kd_result *r);
const struct kd_dump *kd_dump_at(const struct kd_result *r, size_t i);

/* "sysrq-w", "sysrq-l", "hung-task", "oom", "sysrq-t". */
const char *kd_kind_name(enum kd_kind kind);

#endif
