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
 *  - /proc/PID/io is read per process (it sums the threads) and stored on
 *    the main thread's row (tid == pid); other threads carry CAP_NA;
 *  - the memory cgroup path is read once, when the process is first seen.
 * Every table is sized at start from the task count then; tasks beyond it
 * are counted and noted, never allocated.
 */
#include "capture.h"

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
#define IO_UNOPENED (-2)
#define PF_KTHREAD 0x00200000u

struct thr { uint32_t tid; uint32_t proc; int fd; };
struct proc {
	uint32_t pid;
	int io_fd;                 /* -1: none (kernel thread, not root, no fd left) */
	int16_t cg;                /* index into the cgroup path table, -1 none */
	bool lost;                 /* a thread vanished this sample */
	uint32_t seen, want;       /* threads read this sample / stat's count */
};

/* tid/pid -> slot, open addressing; keys live in the slot arrays. */
struct idmap { int32_t *slot; size_t cap, used, tomb; };

struct tasks_state {
	struct thr *thr; size_t thr_cap, thr_hw;
	struct proc *pr; size_t pr_cap, pr_hw;
	uint32_t *thr_free; size_t thr_nfree;
	uint32_t *pr_free; size_t pr_nfree;
	struct idmap thr_map, pr_map;
	int root_fd;
	char *dents;
	uint64_t last_processes;
	bool scanned_once;
	char *cg_arena; size_t cg_used;
	uint32_t cg_off[CG_PATHS]; uint16_t cg_len[CG_PATHS]; size_t cg_n;
	uint64_t dropped;          /* tasks not recorded: table full */
	bool noted_full, noted_fds;
	char stat_buf[1024], io_buf[512], wchan[128], path[64], cgbuf[4096];
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

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

static void map_add(struct tasks_state *s, struct idmap *m, bool pr, uint32_t key, size_t idx)
{
	size_t mask = m->cap - 1, j = (key * 2654435761u) & mask;
	while (m->slot[j] >= 0)
		j = (j + 1) & mask;
	if (m->slot[j] == -2)
		m->tomb--;
	m->slot[j] = (int32_t)idx;
	m->used++;
	(void)s; (void)pr;
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

/* Calls fn for every numeric entry of the directory fd (from offset 0). */
static int list_ids(struct tasks_state *s, int fd, int (*fn)(struct ctx *, void *, uint32_t),
		    struct ctx *c, void *arg)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, s->dents, DENTS_BYTES);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(s->dents + off);
			uint32_t id;
			off += d->d_reclen;
			if (parse_id(d->d_name, &id) && fn(c, arg, id))
				return -2; /* the writer failed: stop */
		}
	}
}

static int count_cb(struct ctx *c, void *arg, uint32_t id)
{
	(void)c; (void)id;
	(*(size_t *)arg)++;
	return 0;
}

struct count_arg { int proc_fd; size_t n; struct tasks_state *s; };

static int count_proc_cb(struct ctx *c, void *arg, uint32_t pid)
{
	struct count_arg *a = arg;
	char path[32];
	snprintf(path, sizeof path, "%u/task", pid);
	int fd = openat(a->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	size_t before = a->n;
	list_ids(a->s, fd, count_cb, c, &a->n);
	if (a->n == before)
		a->n++;
	close(fd);
	return 0;
}

size_t src_tasks_count(int proc_fd)
{
	struct tasks_state tmp = { 0 };
	char dents[DENTS_BYTES];
	tmp.dents = dents;
	struct count_arg a = { proc_fd, 0, &tmp };
	int fd = openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	list_ids(&tmp, fd, count_proc_cb, NULL, &a);
	close(fd);
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

int src_tasks_init(struct ctx *c)
{
	size_t now = tasks_now(c->proc_fd);
	size_t cap = c->max_tasks ? c->max_tasks : now + now / 4 + 128;
	c->max_tasks = cap;
	struct tasks_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	c->tasks = s;
	s->thr_cap = cap;
	s->pr_cap = cap;
	s->thr = calloc(cap, sizeof *s->thr);
	s->pr = calloc(cap, sizeof *s->pr);
	s->thr_free = malloc(cap * sizeof *s->thr_free);
	s->pr_free = malloc(cap * sizeof *s->pr_free);
	s->thr_map.cap = pow2_at_least(cap * 2);
	s->pr_map.cap = pow2_at_least(cap * 2);
	s->thr_map.slot = malloc(s->thr_map.cap * sizeof(int32_t));
	s->pr_map.slot = malloc(s->pr_map.cap * sizeof(int32_t));
	s->dents = malloc(DENTS_BYTES);
	s->cg_arena = malloc(CG_ARENA);
	s->root_fd = openat(c->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!s->thr || !s->pr || !s->thr_free || !s->pr_free || !s->thr_map.slot ||
	    !s->pr_map.slot || !s->dents || !s->cg_arena || s->root_fd < 0)
		return -1;
	map_rebuild(s, &s->thr_map, false);
	map_rebuild(s, &s->pr_map, true);

	/* One kept fd per thread plus one per process: raise the soft limit
	 * as far as the hard one allows; past it we fall back to open/close. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t want = (rlim_t)(cap * 2 + 64);
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
			rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	return 0;
}

void src_tasks_fini(struct ctx *c)
{
	struct tasks_state *s = c->tasks;
	if (!s)
		return;
	for (size_t i = 0; s->thr && i < s->thr_hw; i++)
		if (s->thr[i].tid && s->thr[i].fd >= 0)
			close(s->thr[i].fd);
	for (size_t i = 0; s->pr && i < s->pr_hw; i++)
		if (s->pr[i].pid && s->pr[i].io_fd >= 0)
			close(s->pr[i].io_fd);
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s->thr); free(s->pr); free(s->thr_free); free(s->pr_free);
	free(s->thr_map.slot); free(s->pr_map.slot); free(s->dents); free(s->cg_arena);
	free(s);
	c->tasks = NULL;
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

static int open_kept(struct ctx *c, const char *path)
{
	struct tasks_state *s = c->tasks;
	int fd = openat(c->proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && !s->noted_fds) {
		s->noted_fds = true;
		c->note(c, "out of file descriptors for kept /proc files: the rest are opened per sample "
			"(slower); raise the open-file limit (ulimit -n) to fix");
	}
	return fd;
}

static void free_thr(struct tasks_state *s, size_t i)
{
	if (s->thr[i].fd >= 0)
		close(s->thr[i].fd);
	map_del(s, &s->thr_map, false, s->thr[i].tid);
	s->thr[i].tid = 0;
	s->thr_free[s->thr_nfree++] = (uint32_t)i;
}

static void free_proc(struct tasks_state *s, size_t i)
{
	for (size_t t = 0; t < s->thr_hw; t++)
		if (s->thr[t].tid && s->thr[t].proc == i)
			free_thr(s, t);
	if (s->pr[i].io_fd >= 0)
		close(s->pr[i].io_fd);
	map_del(s, &s->pr_map, true, s->pr[i].pid);
	s->pr[i].pid = 0;
	s->pr_free[s->pr_nfree++] = (uint32_t)i;
}

/* Reads and reports one thread.  1: it is gone (exited), 0: reported,
 * -1: the writer failed. */
static int read_thr(struct ctx *c, size_t i)
{
	struct tasks_state *s = c->tasks;
	struct thr *t = &s->thr[i];
	struct proc *p = &s->pr[t->proc];
	ssize_t n;
	if (t->fd >= 0) {
		n = reread_fd(t->fd, s->stat_buf, sizeof s->stat_buf);
	} else {
		snprintf(s->path, sizeof s->path, "%u/task/%u/stat", p->pid, t->tid);
		n = read_at(c->proc_fd, s->path, s->stat_buf, sizeof s->stat_buf);
	}
	struct task_stat ts;
	if (n <= 0 || parse_task_stat(s->stat_buf, (size_t)n, &ts)) {
		if (n != 0 && !(n < 0 && gone_errno(errno)))
			c->read_errors++;
		return 1;
	}
	p->seen++;
	p->want = ts.threads == CAP_NA ? p->seen : (uint32_t)ts.threads;

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
	if (ts.state == 'D') {
		c->h.dtasks++;
		snprintf(s->path, sizeof s->path, "%u/task/%u/wchan", p->pid, t->tid);
		ssize_t w = read_at(c->proc_fd, s->path, s->wchan, sizeof s->wchan);
		if (w > 0) {
			s->wchan[strcspn(s->wchan, "\n")] = 0;
			in.wchan = s->wchan;
		}
	}
	if (t->tid == p->pid && p->io_fd == IO_UNOPENED) {
		/* kernel threads do no user I/O: their io file is all zeros */
		if (ts.flags != CAP_NA && (ts.flags & PF_KTHREAD)) {
			p->io_fd = -1;
		} else {
			snprintf(s->path, sizeof s->path, "%u/io", p->pid);
			p->io_fd = open_kept(c, s->path);
		}
	}
	if (t->tid == p->pid && p->io_fd >= 0) {
		struct task_io io;
		n = reread_fd(p->io_fd, s->io_buf, sizeof s->io_buf);
		if (n > 0 && !parse_task_io(s->io_buf, (size_t)n, &io)) {
			in.v[CAP_TF_RCHAR] = io.rchar;
			in.v[CAP_TF_WCHAR] = io.wchar;
			in.v[CAP_TF_READ_BYTES] = io.read_bytes;
			in.v[CAP_TF_WRITE_BYTES] = io.write_bytes;
		}
	}
	if (p->cg >= 0)
		in.cgroup = s->cg_arena + s->cg_off[p->cg];
	if (c->sink->task && c->sink->task(c->sink->ctx, &in))
		return -1;
	return 0;
}

static int add_thr_cb(struct ctx *c, void *arg, uint32_t tid)
{
	struct tasks_state *s = c->tasks;
	size_t pi = (size_t)(struct proc *)arg - (size_t)s->pr;
	pi /= sizeof *s->pr;
	if (map_find(s, &s->thr_map, false, tid) >= 0)
		return 0;
	size_t i;
	if (s->thr_nfree)
		i = s->thr_free[--s->thr_nfree];
	else if (s->thr_hw < s->thr_cap)
		i = s->thr_hw++;
	else {
		s->dropped++;
		return 0;
	}
	if ((s->thr_map.used + s->thr_map.tomb + 1) * 4 > s->thr_map.cap * 3)
		map_rebuild(s, &s->thr_map, false);
	s->thr[i].tid = tid;
	s->thr[i].proc = (uint32_t)pi;
	snprintf(s->path, sizeof s->path, "%u/task/%u/stat", s->pr[pi].pid, tid);
	s->thr[i].fd = open_kept(c, s->path);
	map_add(s, &s->thr_map, false, tid, i);
	int rc = read_thr(c, i);
	if (rc == 1)
		free_thr(s, i);
	return rc < 0 ? -1 : 0;
}

/* Lists PID/task and adds the threads we do not know yet.  Returns 1 when
 * the process is gone. */
static int scan_threads(struct ctx *c, size_t pi)
{
	struct tasks_state *s = c->tasks;
	snprintf(s->path, sizeof s->path, "%u/task", s->pr[pi].pid);
	int fd = openat(c->proc_fd, s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	int rc = list_ids(s, fd, add_thr_cb, c, &s->pr[pi]);
	close(fd);
	if (rc == -2)
		return -1;
	return s->pr[pi].seen == 0;
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
	else if (s->pr_hw < s->pr_cap)
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
	map_add(s, &s->pr_map, true, pid, i);
	p->io_fd = IO_UNOPENED;
	snprintf(s->path, sizeof s->path, "%u/cgroup", pid);
	ssize_t n = read_at(c->proc_fd, s->path, s->cgbuf, sizeof s->cgbuf);
	char cgpath[1024];
	if (n > 0 && !parse_pid_cgroup(s->cgbuf, (size_t)n, c->memcg_version, cgpath, sizeof cgpath))
		p->cg = cg_intern(s, cgpath);
	int rc = scan_threads(c, i);
	if (rc < 0)
		return -1;
	if (rc == 1)
		free_proc(s, i);
	return 0;
}

int src_tasks_sample(struct ctx *c)
{
	struct tasks_state *s = c->tasks;
	c->h.dtasks = 0;
	for (size_t i = 0; i < s->pr_hw; i++)
		s->pr[i].seen = s->pr[i].want = 0, s->pr[i].lost = false;
	for (size_t i = 0; i < s->thr_hw; i++) {
		if (!s->thr[i].tid)
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
		struct proc *p = &s->pr[i];
		if (!p->pid || (!p->lost && p->seen == p->want && p->seen))
			continue;
		int rc = scan_threads(c, i);
		if (rc < 0)
			return -1;
		if (rc == 1)
			free_proc(s, i);
	}
	/* forks since boot: unchanged means no task can be new */
	if (!s->scanned_once || c->h.processes == CAP_NA || c->h.processes != s->last_processes) {
		if (list_ids(s, s->root_fd, add_proc_cb, c, NULL) == -2)
			return -1;
		s->scanned_once = true;
		s->last_processes = c->h.processes;
	}
	if (s->dropped && !s->noted_full) {
		s->noted_full = true;
		char msg[160];
		snprintf(msg, sizeof msg, "task table full (%zu slots, sized at start): new tasks are not "
			 "recorded; restart with --max-tasks N", s->thr_cap);
		c->note(c, msg);
	}
	return 0;
}

/* ---------------------------------------------------------- parsers */

int parse_task_stat(const char *buf, size_t len, struct task_stat *t)
{
	const char *end = buf + len;
	const char *lp = memchr(buf, '(', len);
	const char *rp = NULL;
	for (const char *q = end; q > buf; q--)
		if (q[-1] == ')') {
			rp = q - 1;
			break;
		}
	if (!lp || !rp || rp < lp || !parse_u64(buf, lp, &t->pid))
		return -1;
	size_t n = (size_t)(rp - lp - 1);
	if (n >= sizeof t->comm)
		n = sizeof t->comm - 1;
	memcpy(t->comm, lp + 1, n);
	t->comm[n] = 0;
	const char *p = skip_blank(rp + 1, end);
	if (p >= end)
		return -1;
	t->state = *p++;
	/* fields after state, numbered as in proc(5): 4 = ppid ... */
	uint64_t f[43];
	size_t got = 4;
	for (size_t i = 0; i < 43; i++)
		f[i] = CAP_NA;
	while (got < 43) {
		const char *q = parse_u64(p, end, &f[got]);
		if (!q)
			break;
		p = q;
		got++;
	}
	if (got <= 4)
		return -1;
	t->ppid = f[4];
	t->flags = f[9];
	t->minflt = f[10];
	t->majflt = f[12];
	t->utime = f[14];
	t->stime = f[15];
	t->nice = f[19];
	t->threads = f[20];
	t->start = f[22];
	t->vsize = f[23];
	t->rss = f[24];
	t->cpu = f[39];
	t->blkio = f[42];
	return 0;
}

int parse_task_io(const char *buf, size_t len, struct task_io *io)
{
	static const char *const keys[] = { "rchar:", "wchar:", "read_bytes:", "write_bytes:" };
	uint64_t *dst[] = { &io->rchar, &io->wchar, &io->read_bytes, &io->write_bytes };
	const char *end = buf + len;
	int found = 0;
	io->rchar = io->wchar = io->read_bytes = io->write_bytes = CAP_NA;
	for (const char *p = buf; p < end; p = next_line(p, end))
		for (size_t i = 0; i < 4; i++) {
			size_t kl = strlen(keys[i]);
			if ((size_t)(end - p) > kl && !memcmp(p, keys[i], kl) && parse_u64(p + kl, end, dst[i])) {
				found++;
				break;
			}
		}
	return found ? 0 : -1;
}

int parse_pid_cgroup(const char *buf, size_t len, int version, char *out, size_t cap)
{
	const char *end = buf + len;
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		/* "ID:controllers:path"; the path may itself hold ':' */
		const char *c1 = memchr(p, ':', (size_t)(eol - p));
		if (!c1)
			continue;
		const char *c2 = memchr(c1 + 1, ':', (size_t)(eol - c1 - 1));
		if (!c2)
			continue;
		bool match;
		if (version == 1) {
			match = false;
			for (const char *q = c1 + 1; q < c2;) {
				const char *e = memchr(q, ',', (size_t)(c2 - q));
				if (!e)
					e = c2;
				if (e - q == 6 && !memcmp(q, "memory", 6))
					match = true;
				q = e + 1;
			}
		} else {
			match = c2 == c1 + 1 && c1 - p == 1 && *p == '0';
		}
		if (!match)
			continue;
		size_t n = (size_t)(eol - c2 - 1);
		if (n >= cap)
			n = cap - 1;
		memcpy(out, c2 + 1, n);
		out[n] = 0;
		return 0;
	}
	return -1;
}
