/* src_tasks.c - every task (each thread of each process, kernel threads
 * included) every sample.
 *
 * Cost is what matters here: on a box with 1,600 tasks the per-task reads
 * are nearly all of the recorder's CPU.  So:
 *  - each thread's stat file stays open and is reread with pread at 0
 *    (one syscall per task instead of open+read+close);
 *  - /proc is only listed again when /proc/stat "processes" (forks since
 *    boot, threads included) moved: no fork, no new task;
 *  - a process's task/ directory is only listed again when its thread
 *    count (stat field 20) differs from the threads we know or one of them
 *    vanished.  A thread that starts while another exits is still caught:
 *    the exited one's pread fails with ESRCH;
 *  - wchan is read only for tasks in D;
 *  - per process, on the main thread's row: /proc/PID/io every sample,
 *    PID/stat (the process's own totals, exited threads included) when a
 *    thread's row or the thread count shows they can have moved, and
 *    PID/status (the RSS split, peak and swap) when rss, vsize or the
 *    faults moved (io and stat from kept fds); kernel threads have none
 *    of these worth reading;
 *  - the memory cgroup path is read once, when the process is first seen.
 *
 * The tables start sized from the task count at start and grow in bounded
 * steps (a fork storm is an incident worth recording) up to --max-tasks;
 * only past that are tasks counted and noted instead of recorded.  A sample
 * that finds no new task allocates nothing.
 *
 * Directory walks: the /proc listing and each task/ listing have their own
 * getdents buffer (a thread listing inside the /proc walk must not clobber
 * the /proc batch being walked), every record is checked against the bytes
 * the kernel returned, and a walk stops at a stop request.  A process whose
 * task/ is missing, unreadable or empty (Linux 2.4, collected trees) is
 * recorded as one task from PID/stat, or from PID/status without stat.
 */
#include "src_tasks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CG_PATHS 512
#define CG_ARENA (24u << 10)
#define DENTS_BYTES (16u << 10)
#define WALK_MAX 4000000u      /* entries in one listing: far past pid_max */
#define GROW_MIN 256u
#define GROW_MAX 8192u
#define UNOPENED (-2)
#define NO_SLOT UINT32_MAX
#define PF_KTHREAD 0x00200000u

/* Where a task's line comes from: its own task/TID/stat, or, for a
 * process recorded as one task, PID/stat or PID/status. */
enum { TK_TASK, TK_PSTAT, TK_STATUS };
enum { SOLO_UNKNOWN, SOLO_YES, SOLO_NO };

/* moved: utime + stime + minflt + majflt as last read.  Each never
 * decreases (cputime_adjust keeps utime and stime monotonic), so the sum
 * is unchanged exactly when none of the four moved. */
struct thr { uint32_t tid; uint32_t proc; int fd; uint8_t kind; uint64_t moved; };
struct proc {                      /* widest fields first: no padding */
	uint64_t tot[4];           /* utime stime minflt majflt of PID/stat as last read */
	uint64_t gate[3];          /* rss, vsize, the process's faults when status was last read */
	uint64_t mem[5];           /* RssAnon RssFile RssShmem VmHWM VmSwap from then */
	uint32_t pid;
	uint32_t main;             /* thread slot of tid == pid, NO_SLOT while unknown */
	int io_fd, stat_fd;        /* UNOPENED, -1: none (kernel thread, no fd left) */
	uint32_t seen, want;       /* threads read this sample / stat's count */
	uint32_t nthr;             /* thread slots held: free_proc stops looking at 0 */
	int16_t cg;                /* index into the cgroup path table, -1 none */
	uint8_t solo;              /* SOLO_*: are the process's totals its one thread's? */
	bool moved;                /* a thread's utime/stime/faults moved this sample */
	bool reread;               /* PID/stat must be read at the next chance (see read_process) */
	bool lost;                 /* a thread vanished this sample */
	bool flat;                 /* recorded as one task: task/ unusable */
	bool counted;              /* want is stat's thread count, not a guess */
};

/* tid/pid -> slot, open addressing; keys live in the slot arrays. */
struct idmap { int32_t *slot; size_t cap, used, tomb; };

struct tasks_state {
	struct thr *thr; size_t thr_hw;
	struct proc *pr; size_t pr_hw;
	size_t cap, hard;          /* slots in each table now / --max-tasks */
	uint32_t *thr_free; size_t thr_nfree;
	uint32_t *pr_free; size_t pr_nfree;
	struct idmap thr_map, pr_map;
	int root_fd;
	char *dents_root, *dents_task; /* one buffer per nesting level of walk */
	uint64_t last_processes;
	uint64_t samples;
	bool scanned_once;
	char *cg_arena; size_t cg_used;
	uint32_t cg_off[CG_PATHS]; uint16_t cg_len[CG_PATHS]; size_t cg_n;
	uint64_t dropped;          /* tasks not recorded: at the limit */
	size_t kept, kept_max;     /* fds kept open / the budget for them */
	bool noted_full, noted_fds, noted_damage, noted_grow_failed;
	char stat_buf[1024], pstat_buf[1024], status_buf[4096], io_buf[512], wchan[128], path[64],
		cgbuf[4096];
};

static void tnote(struct ctx *c, const char *msg)
{
	if (c->note)
		c->note(c, msg);
}

static bool stopping(const struct ctx *c)
{
	return c && c->stop && *c->stop;
}

static uint32_t tid_of(const struct tasks_state *s, bool pr, size_t i)
{
	return pr ? s->pr[i].pid : s->thr[i].tid;
}

static int32_t map_find(const struct tasks_state *s, const struct idmap *m, bool pr, uint32_t key)
{
	size_t mask = m->cap - 1, j = (key * 2654435761u) & mask;
	for (; m->slot[j] != -1; j = (j + 1) & mask)
		if (m->slot[j] >= 0 && tid_of(s, pr, (size_t)m->slot[j]) == key)
			return m->slot[j];
	return -1;
}

static void map_rebuild(struct tasks_state *s, struct idmap *m, bool pr)
{
	memset(m->slot, 0xff, m->cap * sizeof *m->slot);
	m->used = m->tomb = 0;
	size_t hw = pr ? s->pr_hw : s->thr_hw, mask = m->cap - 1;
	for (size_t i = 0; i < hw; i++) {
		uint32_t key = tid_of(s, pr, i);
		if (!key)
			continue;
		size_t j = (key * 2654435761u) & mask;
		while (m->slot[j] != -1)
			j = (j + 1) & mask;
		m->slot[j] = (int32_t)i;
		m->used++;
	}
}

static void map_add(struct idmap *m, uint32_t key, size_t idx)
{
	size_t mask = m->cap - 1, j = (key * 2654435761u) & mask;
	while (m->slot[j] >= 0)
		j = (j + 1) & mask;
	if (m->slot[j] == -2)
		m->tomb--;
	m->slot[j] = (int32_t)idx;
	m->used++;
}

static void map_del(struct tasks_state *s, struct idmap *m, bool pr, uint32_t key)
{
	size_t mask = m->cap - 1, j = (key * 2654435761u) & mask;
	for (; m->slot[j] != -1; j = (j + 1) & mask)
		if (m->slot[j] >= 0 && tid_of(s, pr, (size_t)m->slot[j]) == key) {
			m->slot[j] = -2;
			m->used--;
			m->tomb++;
			break;
		}
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 64;
	while (p < n)
		p <<= 1;
	return p;
}

static bool parse_id(const char *name, uint32_t *id)
{
	uint64_t v = 0;
	if (!*name)
		return false;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > UINT32_MAX / 10)
			return false;
		v = v * 10 + (uint64_t)(*name - '0');
	}
	*id = (uint32_t)v;
	return v != 0;
}

struct walk {
	struct ctx *c;
	int (*fn)(struct ctx *, void *, uint32_t);
	void *arg;
	size_t entries;
};

static int walk_name(void *arg, const char *name)
{
	struct walk *w = arg;
	uint32_t id;
	if (++w->entries > WALK_MAX)
		return -1;
	if (parse_id(name, &id) && w->fn(w->c, w->arg, id))
		return -2;
	return 0;
}

/* Calls fn for every numeric entry of the directory fd (from offset 0),
 * reading batches into buf (DENTS_BYTES), which nothing else may use while
 * the walk runs.  0 done, -1 the listing failed or is damaged, -2 fn
 * failed (the writer), -3 stopped on request. */
static int list_ids(struct ctx *c, int fd, char *buf, int (*fn)(struct ctx *, void *, uint32_t),
		    void *arg)
{
	struct walk w = { c, fn, arg, 0 };
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, DENTS_BYTES);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		int rc = n > (long)DENTS_BYTES ? -1 : parse_dents(buf, (size_t)n, walk_name, &w);
		if (rc == -2)
			return -2;
		if (rc == -1)
			break;
		if (stopping(c))
			return -3;
	}
	if (c && c->tasks && !c->tasks->noted_damage) {
		c->tasks->noted_damage = true;
		tnote(c, "a directory listing of the proc root is damaged (bad getdents record): "
		      "that listing stops there; the tasks after it may be missing this sample");
	}
	if (c)
		c->read_errors++;
	return -1;
}

static int count_cb(struct ctx *c, void *arg, uint32_t id)
{
	(void)c; (void)id;
	(*(size_t *)arg)++;
	return 0;
}

struct count_arg { int proc_fd; size_t n; char *dents; };

static int count_proc_cb(struct ctx *c, void *arg, uint32_t pid)
{
	struct count_arg *a = arg;
	char path[32];
	snprintf(path, sizeof path, "%u/task", pid);
	int fd = openat(a->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t before = a->n;
	if (fd >= 0) {
		list_ids(c, fd, a->dents, count_cb, &a->n);
		close(fd);
	}
	if (a->n == before)
		a->n++;
	return 0;
}

size_t src_tasks_count(int proc_fd)
{
	char *root = malloc(DENTS_BYTES), *task = malloc(DENTS_BYTES);
	struct count_arg a = { proc_fd, 0, task };
	int fd = root && task ? openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		list_ids(NULL, fd, root, count_proc_cb, &a);
		close(fd);
	}
	free(root);
	free(task);
	return a.n;
}

/* loadavg's "running/total" total is the kernel's thread count: one read
 * instead of listing every task directory. */
static size_t tasks_now(int proc_fd)
{
	char buf[128];
	ssize_t n = read_at(proc_fd, "loadavg", buf, sizeof buf);
	const char *slash = n > 0 ? strchr(buf, '/') : NULL;
	uint64_t total;
	if (slash && parse_u64(slash + 1, buf + n, &total) && total > 0 && total < 10000000)
		return (size_t)total;
	return src_tasks_count(proc_fd);
}

/* One kept fd per thread, up to two per process (io, and stat for a
 * multi-threaded one): raise the soft limit as far as the hard one allows;
 * the kept fds may use all but FD_RESERVE of it. */
#define FD_RESERVE 256
static void raise_nofile(struct tasks_state *s, size_t cap)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t want = (rlim_t)(cap * 3 + FD_RESERVE);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	size_t cur = rl.rlim_cur == RLIM_INFINITY ? SIZE_MAX : (size_t)rl.rlim_cur;
	s->kept_max = cur > 2 * FD_RESERVE ? cur - FD_RESERVE : cur / 2;
}

static bool grow_map(struct tasks_state *s, struct idmap *m, bool pr, size_t cap)
{
	size_t mcap = pow2_at_least(cap * 2);
	if (mcap <= m->cap)
		return true;
	int32_t *slot = realloc(m->slot, mcap * sizeof *slot);
	if (!slot)
		return false;
	m->slot = slot;
	m->cap = mcap;
	map_rebuild(s, m, pr);
	return true;
}

/* Makes room for at least one more thread and process: the next step is
 * half the tables again, at least GROW_MIN and at most GROW_MAX slots, so
 * a storm costs a few reallocations and no step is huge.  Each array is
 * committed only when all of them have the room. */
static bool grow(struct ctx *c)
{
	struct tasks_state *s = c->tasks;
	if (s->cap >= s->hard)
		return false;
	size_t step = s->cap / 2;
	step = step < GROW_MIN ? GROW_MIN : step > GROW_MAX ? GROW_MAX : step;
	size_t cap = s->cap + step > s->hard ? s->hard : s->cap + step;
	void *p;
	if (!(p = realloc(s->thr, cap * sizeof *s->thr)))
		goto failed;
	s->thr = p;
	if (!(p = realloc(s->pr, cap * sizeof *s->pr)))
		goto failed;
	s->pr = p;
	if (!(p = realloc(s->thr_free, cap * sizeof *s->thr_free)))
		goto failed;
	s->thr_free = p;
	if (!(p = realloc(s->pr_free, cap * sizeof *s->pr_free)))
		goto failed;
	s->pr_free = p;
	if (!grow_map(s, &s->thr_map, false, cap) || !grow_map(s, &s->pr_map, true, cap))
		goto failed;
	s->cap = cap;
	raise_nofile(s, cap);
	return true;
failed:
	if (!s->noted_grow_failed) {
		s->noted_grow_failed = true;
		char msg[160];
		snprintf(msg, sizeof msg, "cannot grow the task table past %zu slots (out of memory): "
			 "new tasks are not recorded until some exit", s->cap);
		tnote(c, msg);
	}
	return false;
}

static int src_tasks_init(struct ctx *c)
{
	size_t hard = c->max_tasks ? c->max_tasks : CAPTURE_MAX_TASKS;
	size_t now = tasks_now(c->proc_fd);
	size_t cap = now + now / 4 + 128;
	if (cap > hard)
		cap = hard;
	c->max_tasks = hard;
	c->init_tasks = cap;
	struct tasks_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	c->tasks = s;
	s->cap = cap;
	s->hard = hard;
	s->thr = calloc(cap, sizeof *s->thr);
	s->pr = calloc(cap, sizeof *s->pr);
	s->thr_free = malloc(cap * sizeof *s->thr_free);
	s->pr_free = malloc(cap * sizeof *s->pr_free);
	s->thr_map.cap = pow2_at_least(cap * 2);
	s->pr_map.cap = pow2_at_least(cap * 2);
	s->thr_map.slot = malloc(s->thr_map.cap * sizeof(int32_t));
	s->pr_map.slot = malloc(s->pr_map.cap * sizeof(int32_t));
	s->dents_root = malloc(DENTS_BYTES);
	s->dents_task = malloc(DENTS_BYTES);
	s->cg_arena = malloc(CG_ARENA);
	s->root_fd = openat(c->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!s->thr || !s->pr || !s->thr_free || !s->pr_free || !s->thr_map.slot ||
	    !s->pr_map.slot || !s->dents_root || !s->dents_task || !s->cg_arena || s->root_fd < 0)
		return -1;
	map_rebuild(s, &s->thr_map, false);
	map_rebuild(s, &s->pr_map, true);
	raise_nofile(s, cap);
	return 0;
}

static void close_kept(struct tasks_state *s, int fd)
{
	if (fd >= 0) {
		close(fd);
		s->kept--;
	}
}

static void src_tasks_fini(struct ctx *c)
{
	struct tasks_state *s = c->tasks;
	if (!s)
		return;
	for (size_t i = 0; s->thr && i < s->thr_hw; i++)
		if (s->thr[i].tid)
			close_kept(s, s->thr[i].fd);
	for (size_t i = 0; s->pr && i < s->pr_hw; i++)
		if (s->pr[i].pid) {
			close_kept(s, s->pr[i].io_fd);
			close_kept(s, s->pr[i].stat_fd);
		}
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s->thr); free(s->pr); free(s->thr_free); free(s->pr_free);
	free(s->thr_map.slot); free(s->pr_map.slot); free(s->dents_root); free(s->dents_task);
	free(s->cg_arena);
	free(s);
	c->tasks = NULL;
}

size_t src_tasks_slots(const struct ctx *c)
{
	return c->tasks ? c->tasks->cap : 0;
}

static int16_t cg_intern(struct tasks_state *s, const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < s->cg_n; i++)
		if (s->cg_len[i] == n && !memcmp(s->cg_arena + s->cg_off[i], path, n))
			return (int16_t)i;
	if (s->cg_n == CG_PATHS || s->cg_used + n + 1 > CG_ARENA)
		return -1;
	memcpy(s->cg_arena + s->cg_used, path, n + 1);
	s->cg_off[s->cg_n] = (uint32_t)s->cg_used;
	s->cg_len[s->cg_n] = (uint16_t)n;
	s->cg_used += n + 1;
	return (int16_t)s->cg_n++;
}

/* Keeps an fd only while the budget (the open-file limit less a reserve)
 * lasts: past it files are opened per read, and the reserve keeps those
 * opens, task/ listings included, from ever failing for want of an fd, which
 * would lose the task. */
static int open_kept(struct ctx *c, const char *path)
{
	struct tasks_state *s = c->tasks;
	int fd = -1;
	if (s->kept < s->kept_max) {
		fd = openat(c->proc_fd, path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			s->kept++;
	} else {
		errno = EMFILE;
	}
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && !s->noted_fds) {
		s->noted_fds = true;
		tnote(c, "out of file descriptors for kept /proc files: the rest are opened per sample "
		      "(slower); raise the open-file limit (ulimit -n) to fix");
	}
	return fd;
}

/* Reads a per-process file through its kept fd, opening it on first use
 * (fd == UNOPENED) and per read when no fd could be kept. */
static ssize_t read_kept(struct ctx *c, int *fd, uint32_t pid, const char *name, char *buf, size_t cap)
{
	struct tasks_state *s = c->tasks;
	if (*fd >= 0) /* the path is formatted only when opened: this runs per process per sample */
		return reread_fd(*fd, buf, cap);
	snprintf(s->path, sizeof s->path, "%u/%s", pid, name);
	if (*fd == UNOPENED) {
		*fd = open_kept(c, s->path);
		if (*fd >= 0)
			return reread_fd(*fd, buf, cap);
	}
	return read_at(c->proc_fd, s->path, buf, cap);
}

static void free_thr(struct tasks_state *s, size_t i)
{
	struct proc *p = &s->pr[s->thr[i].proc];
	p->nthr--;
	if (p->main == i)
		p->main = NO_SLOT;
	close_kept(s, s->thr[i].fd);
	map_del(s, &s->thr_map, false, s->thr[i].tid);
	s->thr[i].tid = 0;
	s->thr_free[s->thr_nfree++] = (uint32_t)i;
}

static void free_proc(struct tasks_state *s, size_t i)
{
	/* most processes die with their threads already freed (their stat
	 * reads failed first): no scan of the whole table for those */
	for (size_t t = 0; s->pr[i].nthr && t < s->thr_hw; t++)
		if (s->thr[t].tid && s->thr[t].proc == i)
			free_thr(s, t);
	close_kept(s, s->pr[i].io_fd);
	close_kept(s, s->pr[i].stat_fd);
	map_del(s, &s->pr_map, true, s->pr[i].pid);
	s->pr[i].pid = 0;
	s->pr_free[s->pr_nfree++] = (uint32_t)i;
}

static void put_mem(struct cap_task_in *in, const struct task_mem *m)
{
	in->v[CAP_TF_RSS_ANON] = m->rss_anon;
	in->v[CAP_TF_RSS_FILE] = m->rss_file;
	in->v[CAP_TF_RSS_SHMEM] = m->rss_shmem;
	in->v[CAP_TF_VM_HWM] = m->vm_hwm;
	in->v[CAP_TF_VM_SWAP] = m->vm_swap;
}

static void put_totals(struct cap_task_in *in, const struct task_stat *ts)
{
	in->v[CAP_TF_P_UTIME] = ts->utime;
	in->v[CAP_TF_P_STIME] = ts->stime;
	in->v[CAP_TF_P_MINFLT] = ts->minflt;
	in->v[CAP_TF_P_MAJFLT] = ts->majflt;
}

/* Whether PID/stat's totals can differ from the ones last read.  The
 * kernel prints (fs/proc/array.c, do_task_stat with whole = 1) the faults
 * of the threads that exited (signal_struct's min_flt/maj_flt, which only
 * a thread's exit changes) plus those of every live thread, and as the
 * times cputime_adjust() of the summed sum_exec_runtime of both
 * (thread_group_cputime_adjusted).  The main thread is read after every
 * other known thread of its process (src_tasks_sample), so by now each
 * known thread's row of this sample has been compared with the last: with
 * none moved, none vanished and the kernel's thread count equal to the
 * threads known, the fault totals are exactly those last read, and the
 * times trail the kernel's only by runtime no thread's row shows yet
 * (whole ticks: under one in each of a thread's utime and stime).
 * A thread that started and exited between two samples moves no row; it
 * is caught when the mm's rss or vsize moved (its stack, its pages), and
 * else by the 64th sample (README: what is skipped).  A thread first read
 * after the totals (found by listing task/) sets reread: its row's
 * baseline postdates them. */
static bool totals_stale(const struct tasks_state *s, const struct proc *p, const struct task_stat *ts)
{
	return p->reread || p->moved || p->lost || ts->threads != p->nthr ||
	       ts->rss != p->gate[0] || ts->vsize != p->gate[1] || (s->samples + p->pid) % 64 == 0;
}

/* The main thread's row carries what is per process: io, the process's own
 * stat totals and its memory from status. */
static void read_process(struct ctx *c, struct proc *p, const struct thr *t, const struct task_stat *ts,
			 struct cap_task_in *in)
{
	struct tasks_state *s = c->tasks;
	ssize_t n;
	/* kernel threads: no mm, no user I/O, one thread: their totals are theirs */
	if (ts->flags != CAP_NA && (ts->flags & PF_KTHREAD)) {
		put_totals(in, ts);
		return;
	}
	if (t->kind == TK_PSTAT) {
		put_totals(in, ts);
	} else if (t->kind == TK_TASK) {
		/* A process that had one thread when first seen, with totals equal
		 * to that thread's (no exited thread counted in them), and one
		 * thread since: no other thread can have added to them, so the
		 * thread's stat is the process's and PID/stat need not be read.
		 * Once it has more threads, PID/stat is read every sample. */
		if (ts->threads != 1)
			p->solo = SOLO_NO;
		if (p->solo == SOLO_YES) {
			put_totals(in, ts);
		} else if (!totals_stale(s, p, ts)) {
			in->v[CAP_TF_P_UTIME] = p->tot[0];
			in->v[CAP_TF_P_STIME] = p->tot[1];
			in->v[CAP_TF_P_MINFLT] = p->tot[2];
			in->v[CAP_TF_P_MAJFLT] = p->tot[3];
		} else {
			struct task_stat pt;
			p->reread = true; /* until a read succeeds */
			n = read_kept(c, &p->stat_fd, p->pid, "stat", s->pstat_buf, sizeof s->pstat_buf);
			if (n > 0 && !parse_task_totals(s->pstat_buf, (size_t)n, &pt)) {
				put_totals(in, &pt);
				uint64_t tot[4] = { pt.utime, pt.stime, pt.minflt, pt.majflt };
				memcpy(p->tot, tot, sizeof tot);
				p->reread = false;
				if (p->solo == SOLO_UNKNOWN)
					p->solo = pt.utime == ts->utime && pt.stime == ts->stime &&
						  pt.minflt == ts->minflt && pt.majflt == ts->majflt
						  ? SOLO_YES : SOLO_NO;
				if (p->solo == SOLO_YES) {
					close_kept(s, p->stat_fd);
					p->stat_fd = UNOPENED;
				}
			}
		}
	}
	if (t->kind != TK_STATUS) {
		/* status costs the kernel ~50 lines of formatting.  The main
		 * thread's stat already holds the process's resident pages and
		 * size, and its totals the faults of every thread: status is
		 * reread when any of those moved, and every 64th sample, spread
		 * over the processes.  A page comes into a process's RSS through
		 * a fault, which moves the fault counters, and leaves it
		 * through an unmap or reclaim, which moves rss or vsize; what
		 * moves none of them (swap entries dropped by madvise, a page
		 * put in by another process's process_vm_writev, swapoff) waits
		 * for the 64th sample (see README: what is skipped). */
		uint64_t faults = in->v[CAP_TF_P_MINFLT] + in->v[CAP_TF_P_MAJFLT];
		uint64_t gate[3] = { ts->rss, ts->vsize, faults };
		if (memcmp(gate, p->gate, sizeof gate) || (s->samples + p->pid) % 64 == 0) {
			struct task_stat st;
			struct task_mem m;
			snprintf(s->path, sizeof s->path, "%u/status", p->pid);
			n = read_at(c->proc_fd, s->path, s->status_buf, sizeof s->status_buf);
			if (n > 0 && !parse_task_status(s->status_buf, (size_t)n, &st, &m)) {
				uint64_t v[5] = { m.rss_anon, m.rss_file, m.rss_shmem, m.vm_hwm, m.vm_swap };
				memcpy(p->mem, v, sizeof v);
				memcpy(p->gate, gate, sizeof gate);
			}
		}
		in->v[CAP_TF_RSS_ANON] = p->mem[0];
		in->v[CAP_TF_RSS_FILE] = p->mem[1];
		in->v[CAP_TF_RSS_SHMEM] = p->mem[2];
		in->v[CAP_TF_VM_HWM] = p->mem[3];
		in->v[CAP_TF_VM_SWAP] = p->mem[4];
	}
	n = read_kept(c, &p->io_fd, p->pid, "io", s->io_buf, sizeof s->io_buf);
	struct task_io io;
	if (n > 0 && !parse_task_io(s->io_buf, (size_t)n, &io)) {
		in->v[CAP_TF_RCHAR] = io.rchar;
		in->v[CAP_TF_WCHAR] = io.wchar;
		in->v[CAP_TF_READ_BYTES] = io.read_bytes;
		in->v[CAP_TF_WRITE_BYTES] = io.write_bytes;
	}
}

/* Reads and reports one thread.  1: it is gone (exited), 0: reported,
 * -1: the writer failed. */
static int read_thr(struct ctx *c, size_t i)
{
	struct tasks_state *s = c->tasks;
	struct thr *t = &s->thr[i];
	struct proc *p = &s->pr[t->proc];
	static const char *const file[] = { "stat", "stat", "status" };
	char *buf = t->kind == TK_STATUS ? s->status_buf : s->stat_buf;
	size_t cap = t->kind == TK_STATUS ? sizeof s->status_buf : sizeof s->stat_buf;
	ssize_t n;
	if (t->fd >= 0) {
		n = reread_fd(t->fd, buf, cap);
	} else {
		if (t->kind == TK_TASK)
			snprintf(s->path, sizeof s->path, "%u/task/%u/stat", p->pid, t->tid);
		else
			snprintf(s->path, sizeof s->path, "%u/%s", p->pid, file[t->kind]);
		n = read_at(c->proc_fd, s->path, buf, cap);
	}
	struct task_stat ts;
	struct task_mem mem;
	int bad = n <= 0;
	if (!bad)
		bad = t->kind == TK_STATUS ? parse_task_status(buf, (size_t)n, &ts, &mem)
					   : parse_task_stat(buf, (size_t)n, &ts);
	if (bad) {
		if (n != 0 && !(n < 0 && gone_errno(errno)))
			c->read_errors++;
		return 1;
	}
	p->seen++;
	uint64_t moved = ts.utime + ts.stime + ts.minflt + ts.majflt;
	if (moved != t->moved) {
		t->moved = moved;
		p->moved = true;
	}
	p->want = ts.threads == CAP_NA ? p->seen : (uint32_t)ts.threads;
	p->counted = ts.threads != CAP_NA;

	struct cap_task_in in;
	memset(&in, 0, sizeof in);
	in.tid = t->tid;
	in.v[CAP_TF_TGID] = p->pid;
	in.v[CAP_TF_PPID] = ts.ppid;
	in.v[CAP_TF_STATE] = (uint8_t)ts.state;
	in.v[CAP_TF_START] = ts.start;
	in.v[CAP_TF_UTIME] = ts.utime;
	in.v[CAP_TF_STIME] = ts.stime;
	in.v[CAP_TF_MINFLT] = ts.minflt;
	in.v[CAP_TF_MAJFLT] = ts.majflt;
	in.v[CAP_TF_RSS] = ts.rss;
	in.v[CAP_TF_VSIZE] = ts.vsize;
	in.v[CAP_TF_CPU] = ts.cpu;
	in.v[CAP_TF_BLKIO] = ts.blkio;
	in.v[CAP_TF_NICE] = ts.nice;
	in.v[CAP_TF_THREADS] = ts.threads;
	in.v[CAP_TF_FLAGS] = ts.flags;
	in.v[CAP_TF_RCHAR] = in.v[CAP_TF_WCHAR] = CAP_NA;
	in.v[CAP_TF_READ_BYTES] = in.v[CAP_TF_WRITE_BYTES] = CAP_NA;
	for (int f = CAP_TF_RSS_ANON; f < CAP_TF_COUNT; f++)
		in.v[f] = CAP_NA;
	in.comm = ts.comm;
	if (t->kind == TK_STATUS) {
		if (mem.vm_rss != CAP_NA)
			in.v[CAP_TF_RSS] = mem.vm_rss * 1024 / (uint64_t)(c->page_size > 0 ? c->page_size : 4096);
		if (mem.vm_size != CAP_NA)
			in.v[CAP_TF_VSIZE] = mem.vm_size * 1024;
		put_mem(&in, &mem);
	}
	if (ts.state == 'D') {
		c->h.dtasks++;
		if (t->kind == TK_TASK)
			snprintf(s->path, sizeof s->path, "%u/task/%u/wchan", p->pid, t->tid);
		else
			snprintf(s->path, sizeof s->path, "%u/wchan", p->pid);
		ssize_t w = read_at(c->proc_fd, s->path, s->wchan, sizeof s->wchan);
		if (w > 0) {
			s->wchan[strcspn(s->wchan, "\n")] = 0;
			in.wchan = s->wchan;
		}
	}
	if (t->tid == p->pid)
		read_process(c, p, t, &ts, &in);
	if (p->cg >= 0)
		in.cgroup = s->cg_arena + s->cg_off[p->cg];
	c->tasks_seen++;
	if (c->sink->task && c->sink->task(c->sink->ctx, &in))
		return -1;
	return 0;
}

/* A free thread slot, growing the tables when there is none; SIZE_MAX at
 * the limit (the task is counted as dropped). */
static size_t thr_slot(struct ctx *c)
{
	struct tasks_state *s = c->tasks;
	if (s->thr_nfree)
		return s->thr_free[--s->thr_nfree];
	if (s->thr_hw < s->cap || grow(c))
		return s->thr_hw++;
	s->dropped++;
	return SIZE_MAX;
}

/* Adds thread tid of process pi read from kind; 1 when it could not be
 * read (gone), -1 when the writer failed. */
static int add_thr(struct ctx *c, size_t pi, uint32_t tid, uint8_t kind)
{
	struct tasks_state *s = c->tasks;
	size_t i = thr_slot(c);
	if (i == SIZE_MAX)
		return 0;
	if ((s->thr_map.used + s->thr_map.tomb + 1) * 4 > s->thr_map.cap * 3)
		map_rebuild(s, &s->thr_map, false);
	s->thr[i].tid = tid;
	s->thr[i].proc = (uint32_t)pi;
	s->thr[i].kind = kind;
	s->thr[i].moved = 0;
	s->pr[pi].nthr++;
	if (tid == s->pr[pi].pid)
		s->pr[pi].main = (uint32_t)i;
	if (kind == TK_TASK)
		snprintf(s->path, sizeof s->path, "%u/task/%u/stat", s->pr[pi].pid, tid);
	else
		snprintf(s->path, sizeof s->path, "%u/%s", s->pr[pi].pid, kind == TK_PSTAT ? "stat" : "status");
	s->thr[i].fd = open_kept(c, s->path);
	map_add(&s->thr_map, tid, i);
	int rc = read_thr(c, i);
	if (rc == 1)
		free_thr(s, i);
	else if (tid != s->pr[pi].pid)
		s->pr[pi].reread = true; /* read after this sample's totals */
	return rc;
}

static int add_thr_cb(struct ctx *c, void *arg, uint32_t tid)
{
	struct tasks_state *s = c->tasks;
	if (map_find(s, &s->thr_map, false, tid) >= 0)
		return 0;
	return add_thr(c, (size_t)(uintptr_t)arg, tid, TK_TASK) < 0 ? -1 : 0;
}

/* Lists PID/task and adds the threads we do not know yet; without a usable
 * task/ the process is one task read from PID/stat or PID/status.  Returns
 * 1 when the process is gone. */
static int scan_threads(struct ctx *c, size_t pi)
{
	struct tasks_state *s = c->tasks;
	uint32_t pid = s->pr[pi].pid;
	snprintf(s->path, sizeof s->path, "%u/task", pid);
	int fd = openat(c->proc_fd, s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		int rc = list_ids(c, fd, s->dents_task, add_thr_cb, (void *)(uintptr_t)pi);
		close(fd);
		if (rc == -2)
			return -1;
		if (s->pr[pi].seen || rc == -3)
			return 0;
	}
	/* no thread could be read through task/: the process as one task */
	for (uint8_t kind = TK_PSTAT; kind <= TK_STATUS; kind++) {
		int rc = add_thr(c, pi, pid, kind);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			s->pr[pi].flat = true;
			return 0;
		}
	}
	return 1;
}

static int add_proc_cb(struct ctx *c, void *arg, uint32_t pid)
{
	struct tasks_state *s = c->tasks;
	(void)arg;
	if (map_find(s, &s->pr_map, true, pid) >= 0)
		return 0;
	size_t i;
	if (s->pr_nfree)
		i = s->pr_free[--s->pr_nfree];
	else if (s->pr_hw < s->cap || grow(c))
		i = s->pr_hw++;
	else {
		s->dropped++;
		return 0;
	}
	if ((s->pr_map.used + s->pr_map.tomb + 1) * 4 > s->pr_map.cap * 3)
		map_rebuild(s, &s->pr_map, true);
	struct proc *p = &s->pr[i];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->cg = -1;
	p->io_fd = p->stat_fd = UNOPENED;
	p->main = NO_SLOT;
	p->reread = true;
	for (int k = 0; k < 5; k++)
		p->mem[k] = CAP_NA;
	map_add(&s->pr_map, pid, i);
	snprintf(s->path, sizeof s->path, "%u/cgroup", pid);
	ssize_t n = read_at(c->proc_fd, s->path, s->cgbuf, sizeof s->cgbuf);
	char cgpath[1024];
	if (n > 0 && !parse_pid_cgroup(s->cgbuf, (size_t)n, c->memcg_version, cgpath, sizeof cgpath))
		p->cg = cg_intern(s, cgpath);
	/* Most new processes have one thread, the leader: its stat read
	 * straight away says so, and saves listing task/ (an open, two
	 * getdents and a close per fork).  Threads beyond the leader, or a
	 * leader that cannot be read, send us to the listing. */
	int rc = add_thr(c, i, pid, TK_TASK);
	if (rc < 0)
		return -1;
	if (rc == 0 && s->pr[i].counted && s->pr[i].want == 1) /* add_thr may have moved pr[] */
		return 0;
	rc = scan_threads(c, i);
	if (rc < 0)
		return -1;
	if (rc == 1)
		free_proc(s, i);
	return 0;
}

static int src_tasks_sample(struct ctx *c)
{
	struct tasks_state *s = c->tasks;
	c->h.dtasks = 0;
	c->tasks_seen = 0;
	s->samples++;
	for (size_t i = 0; i < s->pr_hw; i++)
		s->pr[i].seen = s->pr[i].want = 0, s->pr[i].lost = s->pr[i].moved = false;
	/* Known tasks are always all reread, even when a stop is pending: a
	 * task left out would read as an exit.  Main threads come last, each
	 * after every other thread of its process: their rows carry the
	 * process's totals, whose gate needs this sample's threads
	 * (totals_stale). */
	for (size_t i = 0; i < s->thr_hw; i++) {
		if (!s->thr[i].tid || s->pr[s->thr[i].proc].main == i)
			continue;
		int rc = read_thr(c, i);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			s->pr[s->thr[i].proc].lost = true;
			free_thr(s, i);
		}
	}
	for (size_t i = 0; i < s->pr_hw; i++) {
		if (!s->pr[i].pid)
			continue;
		uint32_t m = s->pr[i].main;
		if (m != NO_SLOT) {
			int rc = read_thr(c, m);
			if (rc < 0)
				return -1;
			if (rc == 1) {
				s->pr[i].lost = true;
				free_thr(s, m);
			}
		}
		struct proc *p = &s->pr[i];
		if (p->flat) {
			if (!p->seen)
				free_proc(s, i);
			continue;
		}
		if (!p->lost && p->seen == p->want && p->seen)
			continue;
		if (stopping(c))
			continue; /* the main threads after this one are still read */
		int rc = scan_threads(c, i);
		if (rc < 0)
			return -1;
		if (rc == 1)
			free_proc(s, i);
	}
	/* forks since boot: unchanged means no task can be new */
	if (!stopping(c) &&
	    (!s->scanned_once || c->h.processes == CAP_NA || c->h.processes != s->last_processes)) {
		int rc = list_ids(c, s->root_fd, s->dents_root, add_proc_cb, NULL);
		if (rc == -2)
			return -1;
		if (rc != -3) {
			s->scanned_once = true;
			s->last_processes = c->h.processes;
		}
	}
	if (s->dropped && !s->noted_full) {
		s->noted_full = true;
		char msg[200];
		snprintf(msg, sizeof msg, "task limit reached (%zu tasks, --max-tasks): new tasks are not "
			 "recorded until some exit; restart with a higher --max-tasks", s->cap);
		tnote(c, msg);
	}
	return 0;
}

const struct source source_tasks = {
	.name = "tasks",
	.init = src_tasks_init,
	.sample = src_tasks_sample,
	.fini = src_tasks_fini,
	.emits_tasks = true,
};
