/* kdump_int.h: what the kdump parser's files share (kdump.h is the API). */
#ifndef KDUMP_INT_H
#define KDUMP_INT_H

#include "kdump.h"

#include <stdbool.h>
#include <stddef.h>

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
	size_t nfed;          /* lines fed so far */
	size_t pend_line, cur_line; /* the ordinal of the pending line, of the one processed */
	/* an OOM report's task table: 0 not in it, 1 its column line is next,
	 * 2 in its rows; the columns' places in a row (-1: not printed) */
	int oom_table;
	struct oom_cols { int rss, anon, shmem, swap, name, n; } oom_cols;
	size_t oom_tasks_cap;
};

/* A parsed line: up to KD_LINE_MAX_FRAMES frames; for the ARM forms that
 * name a callee and its caller, arm_pair is set and out[0]/out[1] are
 * callee/caller. */
struct fline {
	struct kd_frame f[KD_MAX_LINE_FRAMES];
	int n;
	bool arm_pair;
};

/* A task header line's fields (kd_parse_task_header). */
struct hdr {
	const char *comm;
	size_t comm_len;
	char state;
	long pid, ppid, tgid;
};

/* A blank-separated word of a line (kd_tokenize). */
struct tok {
	const char *s;
	size_t n;
};

/* The line a handler is offered: its prefixes stripped. */
struct ctx {
	const char *t; /* body, leading blanks skipped, trailing blanks cut */
	double ts;
	char caller[16]; /* printk caller id, "" when not printed */
};

/* true: the line was this handler's, no other is asked */
typedef bool (*line_handler)(struct kd_parser *p, const struct ctx *c);

/* kdump.c: the result and the open dump and task */
void kd_frame_free(struct kd_frame *f);
struct kd_dump *kd_cur_dump(struct kd_parser *p);
struct kd_task *kd_cur_task(struct kd_parser *p);
void kd_close_task(struct kd_parser *p, bool cut);
void kd_close_dump(struct kd_parser *p, bool cut);
struct kd_dump *kd_reopen_dump(struct kd_parser *p, size_t idx);
struct kd_dump *kd_open_dump(struct kd_parser *p, enum kd_kind kind, double ts, bool header_seen);
struct kd_task *kd_new_task(struct kd_parser *p, double ts, bool header);
void kd_push_frame(struct kd_parser *p, struct kd_task *t, struct kd_frame *f);

/* kdump_line.c: line shapes */
const char *kd_skip_ws(const char *s);
bool kd_has_prefix(const char *s, const char *prefix);
bool kd_has_prefix_ci(const char *s, const char *prefix);
bool kd_is_hex_str(const char *s, size_t n);
bool kd_is_dec_str(const char *s, size_t n);
long kd_to_long(const char *s, size_t n);
const char *kd_strip_callerid(const char *s);
bool kd_looks_like_syslog_start(const char *s);
const char *kd_strip_prefixes(const char *s, double *ts, bool *prefixed);
const char *kd_parse_sym(const char *s, struct kd_frame *f, bool bare);
void kd_fline_free(struct fline *fl);
bool kd_try_bare(const char *t, struct fline *fl);
bool kd_parse_frame_line(const char *t, struct fline *fl);
int kd_tokenize(const char *t, struct tok *tk, int max);
bool kd_parse_task_header(const char *t, struct hdr *h);
void kd_set_comm(struct kd_task *t, const char *c, size_t n);
bool kd_parse_cpu_line(const char *t, int *cpu, long *pid, const char **comm, size_t *comm_len);

/* kdump_dumps.c: handlers that open and close dumps (top_handlers[]) */
struct kd_task *kd_new_cpu_task(struct kd_parser *p, double ts, int cpu);
bool kd_header_allowed(const struct kd_dump *d);
size_t kd_interrupted_listing(const struct kd_parser *p, int kind);
bool kd_h_nmi(struct kd_parser *p, const struct ctx *c);
bool kd_h_task_dump(struct kd_parser *p, const struct ctx *c);
bool kd_h_sysrq_cpu(struct kd_parser *p, const struct ctx *c);
bool kd_h_sysrq(struct kd_parser *p, const struct ctx *c);
bool kd_h_hung(struct kd_parser *p, const struct ctx *c);
bool kd_h_oom(struct kd_parser *p, const struct ctx *c);
bool kd_h_hung_panic(struct kd_parser *p, const struct ctx *c);
bool kd_h_terminator(struct kd_parser *p, const struct ctx *c);

/* kdump_tasks.c: handlers inside a dump (dump_handlers[]) */
bool kd_is_elision(const char *t);
bool kd_h_stack_words(struct kd_parser *p, const struct ctx *c);
bool kd_h_elision(struct kd_parser *p, const struct ctx *c);
bool kd_h_cpu_line(struct kd_parser *p, const struct ctx *c);
bool kd_h_task_header(struct kd_parser *p, const struct ctx *c);
bool kd_h_trace_start(struct kd_parser *p, const struct ctx *c);
bool kd_h_pc(struct kd_parser *p, const struct ctx *c);
bool kd_h_frame(struct kd_parser *p, const struct ctx *c);
bool kd_h_task_end(struct kd_parser *p, const struct ctx *c);
bool kd_h_oom_only(struct kd_parser *p, const struct ctx *c);
bool kd_h_oom_table(struct kd_parser *p, const struct ctx *c);
void kd_handle_orphan(struct kd_parser *p, const struct ctx *c);

#endif
