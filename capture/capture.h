/* capture.h - what the recorder's parts share: the sink the parsers feed,
 * the small parse helpers, the run context and the table of sources.
 *
 * Data flows one way: procfs/kmsg -> sources -> sink (the format writer).
 * Parsers are pure functions over a buffer so the tests can run them on
 * corpus files; the sources around them only open and read.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "cap.h"
#include "version.h"

#define CAPTURE_VERSION IOWD_VERSION
/* --max-tasks default: room for a large server; the tables start at the
 * task count and only grow to this as tasks appear. */
#define CAPTURE_MAX_TASKS 32768

/* Where parsed groups go.  The recorder's sink is the writer; the tests'
 * sink is a table they can look values up in. */
struct sink {
	int (*begin)(void *ctx, const char *source, const char *instance);
	int (*value)(void *ctx, const char *name, uint64_t v);
	int (*end)(void *ctx);
	/* one live task; the writer keeps only what changed */
	int (*task)(void *ctx, const struct cap_task_in *t);
	void *ctx;
};

struct sink sink_for_writer(struct cap_writer *w);

/* ------------------------------------------------------------ util.c */

const char *skip_blank(const char *p, const char *end);
const char *next_line(const char *p, const char *end);
/* Decimal integer; a leading '-' is kept as two's complement (the kernel
 * prints some stat fields signed).  NULL when no digit is there. */
const char *parse_u64(const char *p, const char *end, uint64_t *v);
/* "12.34" -> 1234: PSI and loadavg fractions as integers, so no float
 * formatting is ever linked (musl soft-float MIPS builds). */
const char *parse_centi(const char *p, const char *end, uint64_t *v);
/* Copies the blank-delimited token at p into out (NUL-terminated, cut to
 * cap-1); returns the end of the token, NULL when there is none. */
const char *parse_token(const char *p, const char *end, char *out, size_t cap);
/* The kernel's \ooo escapes in mount tables (\040 for a blank), decoded
 * in place. */
void unescape_octal(char *s);
/* Seconds with an optional fraction ("0.5", "2", "1.25") -> microseconds;
 * -1 on junk. */
int parse_seconds_us(const char *s, uint64_t *us);
/* "10", "64k", "5M", "1G" -> bytes; -1 on junk. */
int parse_size(const char *s, uint64_t *bytes);
/* open + read + close relative to dirfd; the buffer is NUL-terminated and
 * the length returned; -1 with errno on failure.  Files larger than the
 * buffer are cut (the caller's buffers are sized for /proc). */
ssize_t read_at(int dirfd, const char *path, char *buf, size_t cap);
/* Rereads a kept /proc file descriptor from offset 0 (pread), same
 * contract as read_at. */
ssize_t reread_fd(int fd, char *buf, size_t cap);
/* The global files every sample reads.  After kept_start (capture calls
 * it once proc_fd is open; tests that drive sources on a bare ctx do not),
 * when the proc root is procfs, each stays open and is reread with pread:
 * an open and a close per file per sample were ~7% of the recorder's CPU. */
enum kept_file { KF_STAT, KF_LOADAVG, KF_MEMINFO, KF_VMSTAT, KF_DISKSTATS, KF_PSI_CPU,
		 KF_PSI_MEMORY, KF_PSI_IO, KF_SELF, KF_COUNT };
struct ctx;
void kept_start(struct ctx *c);
void kept_close(struct ctx *c);
/* read_at(dirfd, path) through the kept fd k: opened on first use, and
 * closed and opened again after a failed read. */
ssize_t read_kept_at(struct ctx *c, enum kept_file k, int dirfd, const char *path, char *buf,
		     size_t cap);
/* Integer to decimal text, never through printf's float path. */
size_t fmt_u64(char *out, uint64_t v);
/* "61.23" from 6123 (hundredths). */
size_t fmt_centi(char *out, uint64_t v);
bool gone_errno(int e); /* the task or file vanished under us: skip silently */

/* ---------------------------------------------------------- parsers */

/* What the recorder itself needs from the sources: sysrq auto decides on
 * it, the task scanner skips rescans with it.  Not recorded as such.  Set
 * by stat (cpu, processes, btime), psi and tasks (dtasks); a new source
 * adds a field here only when the recorder is to decide on its figures. */
struct health {
	bool have_cpu;
	uint64_t cpu_total, cpu_iowait;   /* ticks, total cpu line */
	uint32_t ncpu;                    /* cpuN lines */
	uint64_t processes, btime;
	bool have_psi_io, have_psi_mem;
	uint64_t psi_io_some10, psi_mem_some10; /* hundredths of a percent */
	uint32_t dtasks;                  /* tasks in D this sample */
};

int parse_stat(const char *buf, size_t len, const struct sink *s, struct health *h);
int parse_loadavg(const char *buf, size_t len, const struct sink *s);
/* "Key: value [kB]" and "key value" lines, one number per line; lines with
 * several numbers (2.4's meminfo byte table) or none are skipped.  Only the
 * values are emitted (the caller owns begin/end); prefix is put before each
 * key (cgroup "events."). */
int parse_keyvals(const char *buf, size_t len, const struct sink *s, const char *prefix);
int parse_diskstats(const char *buf, size_t len, const struct sink *s);
/* PSI lines ("some avg10=... total=..."), values only; prefix as above.
 * some_avg10 goes to *some10 when that is not NULL. */
int parse_psi(const char *buf, size_t len, const struct sink *s, const char *prefix,
	      uint64_t *some10);

struct task_stat {
	uint64_t pid;
	char comm[64];
	char state;
	uint64_t ppid, flags, minflt, majflt, utime, stime, nice, threads, start,
		vsize, rss, cpu, blkio;
};
/* /proc/PID/stat or /proc/PID/task/TID/stat: comm runs from the first '('
 * to the LAST ')', so names like "a) R (b" parse.  Fields a kernel does not
 * print are CAP_NA.  0 on success, -1 when the line is not a stat line. */
int parse_task_stat(const char *buf, size_t len, struct task_stat *t);
/* The same up to stime (field 15): what a process's own totals need; the
 * fields after it are CAP_NA.  PID/stat of a multi-threaded process is
 * parsed for these four whenever its threads show they can have moved. */
int parse_task_totals(const char *buf, size_t len, struct task_stat *t);
/* From /proc/PID/status, kB, CAP_NA where the kernel prints no such line. */
struct task_mem { uint64_t rss_anon, rss_file, rss_shmem, vm_hwm, vm_swap, vm_rss, vm_size; };
/* /proc/PID/status: Name, State, Pid, PPid, Threads into t (every other
 * field CAP_NA) and the memory lines into m.  Sosreport-style trees hold
 * only this file.  0 when Name and Pid are there. */
int parse_task_status(const char *buf, size_t len, struct task_stat *t, struct task_mem *m);
/* getdents64 records in buf[0, n): fn gets each NUL-terminated name and
 * stops the walk by returning nonzero (that value is returned).  A record
 * whose length is zero, runs past n or holds no NUL is damage: -1, never a
 * loop.  Otherwise the number of names. */
int parse_dents(const char *buf, size_t n, int (*fn)(void *arg, const char *name), void *arg);
struct task_io { uint64_t rchar, wchar, read_bytes, write_bytes; };
int parse_task_io(const char *buf, size_t len, struct task_io *io);
/* The memory cgroup path from /proc/PID/cgroup: the v1 line whose
 * controller list holds "memory", or the v2 "0::" line.  0 when found. */
int parse_pid_cgroup(const char *buf, size_t len, int version, char *out, size_t cap);
/* Finds the memory hierarchy in /proc/self/mountinfo: a v1 "cgroup" mount
 * with the memory option wins over cgroup2 (on hybrid systems the memory
 * controller is bound there).  Returns the version (1, 2) or 0. */
int parse_mountinfo_memcg(const char *buf, size_t len, char *mnt, size_t cap);
/* /proc/mounts lines "SPEC DIR TYPE OPTS FREQ PASSNO" (the format of every
 * kernel since 2.4): fn gets each mount point, its escapes decoded, and its
 * type, and stops the walk by returning nonzero (that value is returned).
 * A line with fewer than three fields, or a mount point longer than
 * PATH_MAX, is skipped.  Otherwise the number of mounts passed to fn. */
int parse_mounts(const char *buf, size_t len, int (*fn)(void *arg, const char *dir, const char *type),
		 void *arg);

struct kmsg_rec {
	uint64_t prio, seq, ts_us;
	const char *text;   /* points into the buffer, not NUL-terminated */
	size_t len;
};
/* One /dev/kmsg record: "prio,seq,ts_us,flags[,more];text\n KEY=v\n..."
 * The continuation lines are dropped.  0 on success. */
int parse_kmsg(const char *buf, size_t len, struct kmsg_rec *r);

/* ----------------------------------------------------------- context */

struct tasks_state;
struct cgroup_state;
struct statfs_state;

struct ctx {
	int proc_fd;                 /* the proc root (/proc or --proc-root) */
	const char *proc_root;
	const char *cgroup_root;     /* --cgroup-root, or NULL: found at start */
	int cgroup_depth;
	int memcg_version;           /* 1, 2, or 0 when no memory cgroup */
	size_t max_tasks;            /* hard cap on tasks (0: CAPTURE_MAX_TASKS) */
	size_t init_tasks;           /* table size at start (src_tasks_init sets it) */
	size_t tasks_seen;           /* tasks reported by the last sample */
	/* set by SIGINT/SIGTERM: long walks stop early (NULL in tests) */
	const volatile sig_atomic_t *stop;
	const struct sink *sink;
	struct cap_writer *w;        /* NULL while sizing (dry run) */
	char *buf;                   /* read buffer for the global files */
	size_t buf_cap;
	struct health h;
	uint64_t read_errors;        /* reads that failed other than by exit */
	long page_size;
	struct tasks_state *tasks;
	struct cgroup_state *cg;
	struct statfs_state *mnt;
	bool keep;                   /* the global files stay open (kept_start) */
	int kept[KF_COUNT];          /* their fds, -1 closed */
	/* recorder remarks: stderr once and a CAP_TXT_NOTE */
	void (*note)(struct ctx *c, const char *msg);
};

/* A source reads its files and feeds the sink.  capture/src_<name>.c
 * defines const struct source source_<name>; adding a /proc source is
 * that file and one line in sources.c. */
struct source {
	const char *name;
	int (*init)(struct ctx *c);      /* may be NULL; -1 = fatal */
	int (*sample)(struct ctx *c);    /* -1 only for a writer failure */
	void (*fini)(struct ctx *c);     /* may be NULL */
	/* It feeds the sink's task() and no counter groups: the dry run that
	 * sizes the writer's counter table (a sink with no task()) skips it. */
	bool emits_tasks;
};
extern const struct source *const capture_sources[];
/* the sources tests and benchmarks drive whole on a bare ctx */
extern const struct source source_tasks, source_cgroup, source_statfs;
extern const size_t capture_nsources;

#endif
