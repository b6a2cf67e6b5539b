/* test_capture_tasks.c - the task scanner records every task: on proc trees
 * nobody here wrote (no task/, status only, odd comms), on trees large
 * enough to span many getdents batches, on this machine with thousands of
 * processes and threads, and through a fork storm mid-capture; the writer's
 * task table grows with them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src_tasks.h"
#include "membuf.h"
#include "capture_test.h"

static char tmp[256], data[512], bin[512];

/* ------------------------------------------------------------ helpers */

static char *slurp(const char *path, size_t *len)
{
	static char buf[4][8192];
	static int k;
	k = (k + 1) % 4;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail_msg("cannot open %s", path);
	ssize_t n = read(fd, buf[k], sizeof buf[k] - 1);
	close(fd);
	assert_true(n > 0);
	buf[k][n] = 0;
	if (len)
		*len = (size_t)n;
	return buf[k];
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	size_t n = strlen(text);
	assert_true(write(fd, text, n) == (ssize_t)n);
	close(fd);
}

static void mkdirs(const char *fmt, ...)
{
	char p[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p, sizeof p, fmt, ap);
	va_end(ap);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", p);
	assert_int_equal(system(cmd), 0);
}

/* A real stat line with its pid and thread count (field 20) replaced. */
static void stat_as(char *out, size_t cap, const char *tmpl, unsigned id, unsigned threads)
{
	const char *lp = strchr(tmpl, '(');
	const char *rp = strrchr(tmpl, ')');
	assert_non_null(lp);
	assert_non_null(rp);
	size_t n = (size_t)snprintf(out, cap, "%u %.*s", id, (int)(rp + 1 - lp), lp);
	/* after ')': " S 1 2 ..." = fields 3, 4, ...; copy up to field 20 */
	const char *p = rp + 1;
	int field = 2;
	while (*p && field < 19) {
		if (*p == ' ')
			field++;
		out[n++] = *p++;
	}
	n += (size_t)snprintf(out + n, cap - n, " %u", threads);
	p++; /* the space before field 20 */
	while (*p && *p != ' ')
		p++;
	snprintf(out + n, cap - n, "%s", p);
}

/* What the scanner reported, by tid. */
struct rec {
	size_t n;
	uint32_t *tid;
	struct cap_task_in t[64];
	char comm[64][64];
	size_t cap;
};

static int r_task(void *ctx, const struct cap_task_in *in)
{
	struct rec *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->tid = realloc(r->tid, r->cap * sizeof *r->tid);
		assert_non_null(r->tid);
	}
	if (r->n < 64) {
		r->t[r->n] = *in;
		snprintf(r->comm[r->n], sizeof r->comm[0], "%s", in->comm ? in->comm : "");
	}
	r->tid[r->n++] = in->tid;
	return 0;
}

static int nnotes;
static char last_note[300];
static void t_note(struct ctx *c, const char *msg)
{
	(void)c;
	nnotes++;
	snprintf(last_note, sizeof last_note, "%s", msg);
}

struct scan {
	struct rec r;
	struct sink s;
	struct ctx c;
};

static void scan_open(struct scan *sc, const char *root, size_t max_tasks)
{
	memset(sc, 0, sizeof *sc);
	sc->s = (struct sink){ nop_begin, nop_value, nop_end, r_task, &sc->r };
	sc->c.proc_fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(sc->c.proc_fd >= 0);
	sc->c.proc_root = root;
	sc->c.sink = &sc->s;
	sc->c.page_size = 4096;
	sc->c.h.processes = CAP_NA; /* unknown: list the root every sample */
	sc->c.max_tasks = max_tasks;
	sc->c.note = t_note;
	nnotes = 0;
	assert_int_equal(src_tasks_init(&sc->c), 0);
}

static void scan_close(struct scan *sc)
{
	src_tasks_fini(&sc->c);
	close(sc->c.proc_fd);
	free(sc->r.tid);
}

static void scan_sample(struct scan *sc)
{
	sc->r.n = 0;
	assert_int_equal(src_tasks_sample(&sc->c), 0);
}

static const struct cap_task_in *find(const struct scan *sc, uint32_t tid, const char **comm)
{
	for (size_t i = 0; i < sc->r.n && i < 64; i++)
		if (sc->r.t[i].tid == tid) {
			if (comm)
				*comm = sc->r.comm[i];
			return &sc->r.t[i];
		}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Every tid of want[] reported exactly once. */
static void assert_all_once(struct rec *r, uint32_t *want, size_t nwant)
{
	qsort(r->tid, r->n, sizeof *r->tid, cmp_u32);
	qsort(want, nwant, sizeof *want, cmp_u32);
	for (size_t i = 1; i < r->n; i++)
		if (r->tid[i] == r->tid[i - 1])
			fail_msg("tid %u reported twice", r->tid[i]);
	size_t missing = 0, j = 0;
	for (size_t i = 0; i < nwant; i++) {
		while (j < r->n && r->tid[j] < want[i])
			j++;
		if (j == r->n || r->tid[j] != want[i])
			missing++;
	}
	if (missing)
		fail_msg("%zu of %zu tasks not recorded (%zu reported)", missing, nwant, r->n);
}

/* ------------------------------------------------------------ parsers */

struct names { int n; char last[16]; };

static int count(void *arg, const char *name)
{
	struct names *s = arg;
	s->n++;
	snprintf(s->last, sizeof s->last, "%s", name);
	return 0;
}

static void test_dents_damage(void **st)
{
	(void)st;
	/* three records as the kernel lays them out, then damaged copies */
	char buf[256];
	size_t off = 0;
	const char *names[] = { ".", "1", "4242" };
	for (int i = 0; i < 3; i++) {
		unsigned short reclen = (unsigned short)((19 + strlen(names[i]) + 1 + 7) & ~7u);
		memset(buf + off, 0, reclen);
		memcpy(buf + off + 16, &reclen, 2);
		strcpy(buf + off + 19, names[i]);
		off += reclen;
	}
	struct names seen = { 0, "" };
	assert_int_equal(parse_dents(buf, off, count, &seen), 3);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.last, "4242");
	/* d_reclen 0 in the second record: damage, not a loop */
	char bad[256];
	memcpy(bad, buf, off);
	unsigned short zero = 0, huge = 4000;
	memcpy(bad + 24 + 16, &zero, 2);
	seen.n = 0;
	assert_int_equal(parse_dents(bad, off, count, &seen), -1);
	assert_int_equal(seen.n, 1);
	/* past the bytes returned */
	memcpy(bad, buf, off);
	memcpy(bad + 24 + 16, &huge, 2);
	assert_int_equal(parse_dents(bad, off, count, &seen), -1);
	/* a name without its NUL */
	memcpy(bad, buf, off);
	memset(bad + 19, 'x', 5);
	assert_int_equal(parse_dents(bad, off, count, &seen), -1);
	/* a cut record */
	assert_int_equal(parse_dents(buf, 10, count, &seen), -1);
	assert_int_equal(parse_dents(buf, 0, count, &seen), 0);
}

static void test_status_parse(void **st)
{
	(void)st;
	char p[600];
	size_t len;
	struct task_stat t;
	struct task_mem m;
	snprintf(p, sizeof p, "%s/proc/hotsos-k8s/proc/1/status", data);
	char *b = slurp(p, &len);
	assert_int_equal(parse_task_status(b, len, &t, &m), 0);
	assert_string_equal(t.comm, "systemd");
	assert_int_equal(t.state, 'S');
	assert_int_equal(t.pid, 1);
	assert_int_equal(t.ppid, 0);
	assert_int_equal(t.threads, 1);
	assert_int_equal(t.utime, CAP_NA);
	assert_int_equal(m.vm_rss, 13604);
	assert_int_equal(m.vm_size, 105868);
	assert_int_equal(m.rss_anon, 5160);
	assert_int_equal(m.rss_file, 8444);
	assert_int_equal(m.rss_shmem, 0);
	assert_int_equal(m.vm_hwm, 13788);
	assert_int_equal(m.vm_swap, 0);
	/* a kernel thread: no memory lines at all */
	snprintf(p, sizeof p, "%s/proc/hotsos-k8s/proc/10/status", data);
	b = slurp(p, &len);
	assert_int_equal(parse_task_status(b, len, &t, &m), 0);
	assert_string_equal(t.comm, "ksoftirqd/0");
	assert_int_equal(t.ppid, 2);
	assert_int_equal(m.vm_rss, CAP_NA);
	assert_int_equal(m.rss_anon, CAP_NA);
	/* spaces instead of tabs (prometheus' fixture) */
	snprintf(p, sizeof p, "%s/proc/prometheus/proc/26235/status", data);
	b = slurp(p, &len);
	assert_int_equal(parse_task_status(b, len, &t, &m), 0);
	assert_string_equal(t.comm, "kube-proxy");
	assert_int_equal(t.threads, 51);
	assert_int_equal(m.rss_anon, 24852);
	assert_int_equal(m.vm_hwm, 61776);
	/* not a status file */
	assert_int_equal(parse_task_status("cpu 1 2 3\n", 10, &t, &m), -1);
	assert_int_equal(parse_task_status("Name:\tx", 7, &t, &m), -1); /* no Pid */
}

/* ------------------------------------------------------------ trees */

/* prometheus' fixture: 26231 and 26232 have stat but no task/, 584's stat
 * carries "(a b ) ( c d) " as its comm, 26235 has only status, 27079 has
 * task/ with 5 threads.  Plus a copy of 26231 with an empty task/. */
static void test_tree_without_task_dirs(void **st)
{
	(void)st;
	char root[300], cmd[2400];
	snprintf(root, sizeof root, "%s/prom/proc", tmp);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/prom' && mkdir -p '%s/prom' && cp -r '%s/proc/prometheus/proc' "
		 "'%s/prom/' && mkdir -p '%s/777/task' && cp '%s/26231/stat' '%s/777/stat'", tmp, tmp,
		 data, tmp, root, root, root);
	assert_int_equal(system(cmd), 0);
	struct scan sc;
	scan_open(&sc, root, 0);
	for (int pass = 0; pass < 2; pass++) {
		scan_sample(&sc);
		uint32_t want[] = { 26231, 26232, 584, 26235, 27079, 27080, 27081, 27082, 27083, 777 };
		assert_all_once(&sc.r, want, sizeof want / sizeof want[0]);
		const char *comm;
		const struct cap_task_in *t = find(&sc, 584, &comm);
		assert_non_null(t);
		assert_string_equal(comm, "(a b ) ( c d) ");
		assert_int_equal(t->v[CAP_TF_STATE], 'R');
		assert_int_equal(t->v[CAP_TF_TGID], 584);
		t = find(&sc, 26231, &comm);
		assert_string_equal(comm, "vim"); /* stat's comm, not status' Name */
		assert_int_equal(t->v[CAP_TF_READ_BYTES], 1024); /* io of a process without task/ */
		assert_int_equal(t->v[CAP_TF_RSS_ANON], 2092);  /* and its status */
		assert_int_equal(t->v[CAP_TF_VM_HWM], 8028);
		assert_int_equal(t->v[CAP_TF_P_UTIME], t->v[CAP_TF_UTIME]);
		t = find(&sc, 777, &comm); /* empty task/: from stat */
		assert_string_equal(comm, "vim"); /* stat's comm, not status' Name */
		t = find(&sc, 26235, &comm); /* status only */
		assert_string_equal(comm, "kube-proxy");
		assert_int_equal(t->v[CAP_TF_STATE], 'S');
		assert_int_equal(t->v[CAP_TF_PPID], 1234);
		assert_int_equal(t->v[CAP_TF_THREADS], 51);
		assert_int_equal(t->v[CAP_TF_RSS], 42652 / 4);
		assert_int_equal(t->v[CAP_TF_VSIZE], 758200ull * 1024);
		assert_int_equal(t->v[CAP_TF_RSS_ANON], 24852);
		assert_int_equal(t->v[CAP_TF_RSS_FILE], 17800);
		assert_int_equal(t->v[CAP_TF_UTIME], CAP_NA);
		assert_int_equal(t->v[CAP_TF_P_UTIME], CAP_NA);
		/* the process's own totals beside its main thread's: 58125 vs 0 */
		t = find(&sc, 27079, NULL);
		assert_int_equal(t->v[CAP_TF_UTIME], 0);
		assert_int_equal(t->v[CAP_TF_P_UTIME], 58125);
		assert_int_equal(t->v[CAP_TF_P_STIME], 15);
		assert_int_equal(t->v[CAP_TF_P_MINFLT], 113);
		assert_int_equal(t->v[CAP_TF_P_MAJFLT], 1);
		t = find(&sc, 27080, NULL); /* not the main thread: no per-process values */
		assert_int_equal(t->v[CAP_TF_UTIME], 34136);
		assert_int_equal(t->v[CAP_TF_P_UTIME], CAP_NA);
		assert_int_equal(t->v[CAP_TF_RSS_ANON], CAP_NA);
	}
	/* a process recorded as one task goes away like any other (an empty
	 * read stands for the ESRCH of a real exit: a kept fd of a removed
	 * regular file would still read) */
	snprintf(cmd, sizeof cmd, ": > '%s/584/stat' && : > '%s/26235/status'", root, root);
	assert_int_equal(system(cmd), 0);
	scan_sample(&sc);
	assert_int_equal(sc.r.n, 8);
	assert_null(find(&sc, 584, NULL));
	assert_null(find(&sc, 26235, NULL));
	scan_close(&sc);
}

/* A sosreport-style tree: every process has only status, kernel threads
 * included. */
static void test_tree_status_only(void **st)
{
	(void)st;
	char root[600];
	snprintf(root, sizeof root, "%s/proc/hotsos-k8s/proc", data);
	struct scan sc;
	scan_open(&sc, root, 0);
	scan_sample(&sc);
	uint32_t want[] = { 1, 10, 2646, 35059 };
	assert_all_once(&sc.r, want, 4);
	const char *comm;
	const struct cap_task_in *t = find(&sc, 35059, &comm);
	assert_string_equal(comm, "conctl");
	assert_int_equal(t->v[CAP_TF_PPID], 1);
	assert_int_equal(t->v[CAP_TF_RSS_ANON], 6084);
	assert_int_equal(t->v[CAP_TF_VM_HWM], 12168);
	t = find(&sc, 10, &comm);
	assert_string_equal(comm, "ksoftirqd/0");
	assert_int_equal(t->v[CAP_TF_RSS_ANON], CAP_NA);
	scan_close(&sc);
}

/* Builds N process directories (no other entries: a collected tree's
 * process directories come first) where every third process has three
 * threads, from sysstat's real stat lines.  Returns the tids in *want. */
static size_t build_big_tree(const char *root, unsigned nproc, unsigned first_pid, uint32_t **want)
{
	char p[600], line[1024], tm[1024], ts[1024];
	snprintf(p, sizeof p, "%s/proc/sysstat-root1/proc/8741/task/8785/stat", data);
	snprintf(tm, sizeof tm, "%s", slurp(p, NULL));
	snprintf(p, sizeof p, "%s/proc/sysstat-root1/proc/8407/stat", data);
	snprintf(ts, sizeof ts, "%s", slurp(p, NULL));
	mkdirs("%s", root);
	size_t n = 0;
	*want = malloc(nproc * 3 * sizeof **want);
	for (unsigned i = 0; i < nproc; i++) {
		unsigned pid = first_pid + i * 5;
		bool multi = i % 3 == 0;
		snprintf(p, sizeof p, "%s/%u", root, pid);
		mkdir(p, 0755);
		stat_as(line, sizeof line, multi ? tm : ts, pid, multi ? 3 : 1);
		snprintf(p, sizeof p, "%s/%u/stat", root, pid);
		put(p, line);
		snprintf(p, sizeof p, "%s/%u/task", root, pid);
		mkdir(p, 0755);
		for (unsigned t = 0; t < (multi ? 3u : 1u); t++) {
			snprintf(p, sizeof p, "%s/%u/task/%u", root, pid, pid + t);
			mkdir(p, 0755);
			stat_as(line, sizeof line, multi ? tm : ts, pid + t, multi ? 3 : 1);
			snprintf(p, sizeof p, "%s/%u/task/%u/stat", root, pid, pid + t);
			put(p, line);
			(*want)[n++] = pid + t;
		}
	}
	return n;
}

static void test_big_tree_every_task(void **st)
{
	(void)st;
	char root[600], cmd[700];
	snprintf(root, sizeof root, "%s/big/proc", tmp);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/big'", tmp);
	assert_int_equal(system(cmd), 0);
	uint32_t *want;
	size_t n = build_big_tree(root, 1500, 1000, &want); /* ~30 KB of entries: 2+ batches */
	struct scan sc;
	scan_open(&sc, root, 0);
	scan_sample(&sc);
	assert_int_equal(sc.r.n, n);
	assert_all_once(&sc.r, want, n);
	scan_sample(&sc);
	assert_all_once(&sc.r, want, n);
	assert_int_equal(nnotes, 0);
	scan_close(&sc);
	free(want);
}

/* From a few tasks to 2,000: the tables grow; past --max-tasks the rest
 * is counted and noted, and the recorded ones stay whole. */
static void test_tables_grow(void **st)
{
	(void)st;
	char root[600], cmd[700];
	snprintf(root, sizeof root, "%s/grow/proc", tmp);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/grow'", tmp);
	assert_int_equal(system(cmd), 0);
	uint32_t *want;
	size_t n = build_big_tree(root, 3, 100, &want);
	struct scan sc;
	scan_open(&sc, root, 0);
	size_t slots = src_tasks_slots(&sc.c);
	assert_int_equal(slots, n + n / 4 + 128);
	scan_sample(&sc);
	assert_int_equal(sc.r.n, n);
	free(want);
	n = build_big_tree(root, 1000, 100, &want); /* the same three, and 997 more */
	scan_sample(&sc);
	assert_int_equal(sc.r.n, n);
	assert_all_once(&sc.r, want, n);
	assert_true(src_tasks_slots(&sc.c) >= n);
	assert_int_equal(nnotes, 0);
	scan_close(&sc);

	/* a hard cap of 500 */
	scan_open(&sc, root, 500);
	scan_sample(&sc);
	assert_int_equal(sc.r.n, 500);
	assert_int_equal(src_tasks_slots(&sc.c), 500);
	assert_int_equal(nnotes, 1);
	assert_non_null(strstr(last_note, "--max-tasks"));
	scan_close(&sc);
	free(want);
}

/* The writer's table grows from 16 slots to 3,000 tasks and every one
 * reads back. */
static void test_writer_table_grows(void **st)
{
	(void)st;
	struct membuf mb = { 0 };
	struct cap_header h;
	memset(&h, 0, sizeof h);
	snprintf(h.writer, sizeof h.writer, "test");
	struct cap_writer_limits lim = { .max_tasks = 2500, .init_tasks = 16 };
	struct cap_writer *w = cap_writer_new(&h, &lim, mem_write, &mb);
	assert_non_null(w);
	for (int s = 0; s < 3; s++) {
		assert_int_equal(cap_sample_begin(w, 1000 + (uint64_t)s, 1000 + (uint64_t)s), 0);
		unsigned n = s == 0 ? 10 : 3000;
		for (unsigned i = 1; i <= n; i++) {
			struct cap_task_in in;
			memset(&in, 0, sizeof in);
			in.tid = i;
			in.v[CAP_TF_TGID] = i;
			in.v[CAP_TF_START] = 7;
			in.v[CAP_TF_UTIME] = (uint64_t)s;
			in.comm = "t";
			assert_int_equal(cap_task(w, &in), 0);
		}
		assert_int_equal(cap_sample_end(w, 1), 0);
	}
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);
	struct cap_reader *r = cap_reader_mem(mb.p, mb.len);
	struct cap_rec rec;
	static uint8_t seen[3001];
	int notes = 0, sample = 0;
	while (cap_next(r, &rec) == 1) {
		if (rec.type == CAP_SAMPLE)
			sample++;
		if (rec.type == CAP_TASK && sample == 3)
			seen[rec.u.task.tid] = 1;
		if (rec.type == CAP_TEXT && rec.u.text.kind == CAP_TXT_NOTE)
			notes++;
	}
	cap_reader_free(r);
	free(mb.p);
	int got = 0;
	for (int i = 1; i <= 3000; i++)
		got += seen[i];
	assert_int_equal(got, 2500); /* up to the cap */
	assert_true(notes >= 1);     /* and the rest said so */
}

/* Churn through the writer's free slots: each sample a third of the tasks
 * exit and as many new ones take their slots.  Every task reads back with
 * its own values (a reused slot carrying a dead task's base would show as
 * a wrong utime), and every exit once. */
static void test_writer_slot_reuse(void **st)
{
	(void)st;
	struct membuf mb = { 0 };
	struct cap_header h;
	memset(&h, 0, sizeof h);
	snprintf(h.writer, sizeof h.writer, "test");
	struct cap_writer_limits lim = { .max_tasks = 400, .init_tasks = 300 };
	struct cap_writer *w = cap_writer_new(&h, &lim, mem_write, &mb);
	assert_non_null(w);
	enum { LIVE = 300, SAMPLES = 6 };
	for (unsigned s = 0; s < SAMPLES; s++) {
		assert_int_equal(cap_sample_begin(w, 1000 + s, 1000 + s), 0);
		/* sample s holds tids 100*s+1 .. 100*s+LIVE */
		for (unsigned i = 1; i <= LIVE; i++) {
			struct cap_task_in in;
			memset(&in, 0, sizeof in);
			in.tid = 100 * s + i;
			in.v[CAP_TF_TGID] = in.tid;
			in.v[CAP_TF_START] = 7;
			in.v[CAP_TF_UTIME] = in.tid * 10 + s;
			in.comm = "t";
			assert_int_equal(cap_task(w, &in), 0);
		}
		assert_int_equal(cap_sample_end(w, 1), 0);
	}
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);
	struct cap_reader *r = cap_reader_mem(mb.p, mb.len);
	struct cap_rec rec;
	unsigned sample = 0, tasks = 0, exits = 0, notes = 0;
	while (cap_next(r, &rec) == 1) {
		if (rec.type == CAP_SAMPLE)
			sample++;
		if (rec.type == CAP_TASK) {
			uint32_t tid = rec.u.task.tid;
			assert_in_range(tid, 100 * (sample - 1) + 1, 100 * (sample - 1) + LIVE);
			assert_int_equal(rec.u.task.v[CAP_TF_UTIME], tid * 10 + (sample - 1));
			tasks++;
		}
		if (rec.type == CAP_TASK_EXIT) {
			assert_in_range(rec.u.exit.tid, 100 * (sample - 2) + 1, 100 * (sample - 1));
			exits++;
		}
		if (rec.type == CAP_TEXT && rec.u.text.kind == CAP_TXT_NOTE)
			notes++;
	}
	cap_reader_free(r);
	free(mb.p);
	assert_int_equal(sample, SAMPLES);
	assert_int_equal(tasks, LIVE * SAMPLES);
	assert_int_equal(exits, 100 * (SAMPLES - 1));
	assert_int_equal(notes, 0); /* 300 live + 100 new before the exits: the cap, 400, fits */
}

/* A task's comm and cgroup are compared with last sample's before they
 * are hashed: a name that grows, shrinks or changes reads back as it was
 * given, in one frame and across a frame start. */
static void test_writer_names_change(void **st)
{
	(void)st;
	static const char *const comm[] = { "a", "ab", "a", "b", "b", "", "xyz", "xyz" };
	static const char *const cg[] = { "/s", "/s", "/s/t", "/s", "/s", "/", NULL, "/s" };
	enum { N = sizeof comm / sizeof comm[0] };
	struct membuf mb = { 0 };
	struct cap_header h;
	memset(&h, 0, sizeof h);
	snprintf(h.writer, sizeof h.writer, "test");
	struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, &mb);
	assert_non_null(w);
	for (unsigned s = 0; s < N; s++) {
		assert_int_equal(cap_sample_begin(w, 1000 + s, 1000 + s), 0);
		struct cap_task_in in;
		memset(&in, 0, sizeof in);
		in.tid = 5;
		in.v[CAP_TF_TGID] = 5;
		in.comm = comm[s];
		in.cgroup = cg[s];
		assert_int_equal(cap_task(w, &in), 0);
		assert_int_equal(cap_sample_end(w, 1), 0);
		if (s == 4)
			assert_int_equal(cap_flush(w), 0); /* a new frame: new name ids */
	}
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);
	struct cap_reader *r = cap_reader_mem(mb.p, mb.len);
	struct cap_rec rec;
	unsigned sample = 0, tasks = 0;
	while (cap_next(r, &rec) == 1) {
		if (rec.type == CAP_SAMPLE)
			sample++;
		if (rec.type == CAP_TASK) {
			assert_string_equal(rec.u.task.comm ? rec.u.task.comm : "", comm[sample - 1]);
			assert_string_equal(rec.u.task.cgroup ? rec.u.task.cgroup : "",
					    cg[sample - 1] ? cg[sample - 1] : "");
			tasks++;
		}
	}
	cap_reader_free(r);
	free(mb.p);
	assert_int_equal(sample, N);
	assert_int_equal(tasks, 7); /* sample 5 repeats sample 4 in the same frame: no record */
}

/* ------------------------------------------------------------ live runs */

static pid_t *kids;
static size_t nkids;

static void *park(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* n processes with extra threads each, all parked; they die with us. */
static void spawn(size_t n, int extra)
{
	kids = realloc(kids, (nkids + n) * sizeof *kids);
	assert_non_null(kids);
	for (size_t i = 0; i < n; i++) {
		pid_t p = fork();
		assert_true(p >= 0);
		if (p == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			alarm(300);
			pthread_attr_t a;
			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, 64 << 10);
			for (int t = 0; t < extra; t++) {
				pthread_t th;
				pthread_create(&th, &a, park, NULL);
			}
			park(NULL);
		}
		kids[nkids++] = p;
	}
}

static void reap(void)
{
	if (!nkids)
		return;
	for (size_t i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	for (size_t i = 0; i < nkids; i++)
		waitpid(kids[i], NULL, 0);
	nkids = 0;
}

/* Every tid of our children, once each has its threads. */
static size_t kid_tids(uint32_t **out, int per)
{
	size_t n = 0;
	*out = malloc(nkids * (size_t)per * sizeof **out);
	for (size_t i = 0; i < nkids; i++) {
		char p[64];
		snprintf(p, sizeof p, "/proc/%d/task", (int)kids[i]);
		for (int tries = 0;; tries++) {
			DIR *d = opendir(p);
			assert_non_null(d);
			struct dirent *e;
			size_t before = n;
			while ((e = readdir(d)))
				if (e->d_name[0] != '.')
					(*out)[n++] = (uint32_t)atoi(e->d_name);
			closedir(d);
			if (n - before == (size_t)per)
				break;
			n = before;
			assert_true(tries < 12000); /* 120 s: a loaded box starts threads late */
			usleep(10000);
		}
	}
	return n;
}

static rlim_t fd_limit; /* 0: inherit */

static pid_t start_capture(const char *out, const char *n, const char *i)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (fd_limit) {
			struct rlimit rl = { fd_limit, fd_limit };
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		char p[300];
		snprintf(p, sizeof p, "%s/stderr", tmp);
		int e = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(e, 2);
		/* --flush 0.2: the tests watch the file grow instead of sleeping */
		execl(bin, bin, "-o", out, "-n", n, "-i", i, "--sysrq", "off", "--force", "--flush", "0.2",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Waits at most limit_ms; a capture still running then has hung. */
static int wait_bounded(pid_t pid, long limit_ms, long *took_ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		int stt;
		pid_t r = waitpid(pid, &stt, WNOHANG);
		clock_gettime(CLOCK_MONOTONIC, &b);
		*took_ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		if (r == pid)
			return WIFEXITED(stt) ? WEXITSTATUS(stt) : 128 + WTERMSIG(stt);
		if (*took_ms > limit_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			fail_msg("capture still running after %ld ms: hung", *took_ms);
		}
		usleep(20000);
	}
}

/* Tids recorded (any sample) and exits seen for them, from the file. */
static void read_back(const char *file, struct rec *r, int *notes_full, int *samples)
{
	char err[200];
	struct cap_reader *rd = cap_reader_open(file, err, sizeof err);
	if (!rd)
		fail_msg("cannot read %s: %s", file, err);
	memset(r, 0, sizeof *r);
	*notes_full = *samples = 0;
	static uint8_t seen[1u << 22];
	memset(seen, 0, sizeof seen);
	struct cap_rec rec;
	while (cap_next(rd, &rec) == 1) {
		if (rec.type == CAP_SAMPLE)
			(*samples)++;
		if (rec.type == CAP_EV_DAMAGE)
			fail_msg("damage in %s", file);
		if (rec.type == CAP_TASK && rec.u.task.tid < sizeof seen && !seen[rec.u.task.tid]) {
			seen[rec.u.task.tid] = 1;
			struct cap_task_in in = { .tid = rec.u.task.tid };
			r_task(r, &in);
		}
		if (rec.type == CAP_TEXT && rec.u.text.kind == CAP_TXT_NOTE &&
		    (memmem(rec.u.text.text, rec.u.text.len, "records lost", 12) ||
		     memmem(rec.u.text.text, rec.u.text.len, "task limit", 10) ||
		     memmem(rec.u.text.text, rec.u.text.len, "damaged", 7)))
			(*notes_full)++;
	}
	cap_reader_free(rd);
}

/* Watches a capture still being written (its flushed prefix reads; the
 * unfinished tail reads as damage and is ignored) until it holds at least
 * min_samples samples and, when want is given, every tid of want; gives up
 * after limit_ms, leaving the caller's assertions on the final file to
 * fail.  A loaded box only makes this slower, never wrong. */
static void wait_recorded(const char *file, int min_samples, const uint32_t *want, size_t nwant, long limit_ms)
{
	static uint8_t seen[1u << 22];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		char err[200];
		int samples = 0;
		size_t have = 0;
		memset(seen, 0, sizeof seen);
		struct cap_reader *rd = cap_reader_open(file, err, sizeof err);
		struct cap_rec rec;
		while (rd && cap_next(rd, &rec) == 1) {
			if (rec.type == CAP_SAMPLE_END)
				samples++;
			if (rec.type == CAP_TASK && rec.u.task.tid < sizeof seen)
				seen[rec.u.task.tid] = 1;
		}
		if (rd)
			cap_reader_free(rd);
		for (size_t i = 0; i < nwant; i++)
			have += want[i] < sizeof seen && seen[want[i]];
		if (samples >= min_samples && have == nwant)
			return;
		clock_gettime(CLOCK_MONOTONIC, &b);
		if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 > limit_ms) {
			print_message("%s: %d samples, %zu of %zu tasks after %ld ms\n", file, samples, have, nwant,
				      limit_ms);
			return;
		}
		usleep(200000);
	}
}

static void live(size_t nproc, int extra)
{
	spawn(nproc, extra);
	uint32_t *want;
	size_t n = kid_tids(&want, extra + 1);
	char out[300];
	snprintf(out, sizeof out, "%s/live.cap", tmp);
	long took;
	/* a bound for a hang, not a speed test: 2,000 processes on a box at
	 * load 150 take seconds a sample */
	int rc = wait_bounded(start_capture(out, "3", "0.2"), 180000, &took);
	if (rc) {
		char e[300];
		snprintf(e, sizeof e, "%s/stderr", tmp);
		fail_msg("capture exit %d: %s", rc, slurp(e, NULL));
	}
	struct rec r;
	int full, samples;
	read_back(out, &r, &full, &samples);
	assert_int_equal(samples, 3);
	assert_int_equal(full, 0);
	assert_all_once(&r, want, n);
	print_message("%zu processes x %d tasks: -n 3 took %ld ms, %zu tasks recorded\n", nproc, extra + 1,
		      took, r.n);
	free(r.tid);
	free(want);
	reap();
}

/* 1,500 tasks under an open-file limit of 600: the kept fds stop short of
 * it and the rest are read by open and close, every task still recorded
 * (running out of fds once lost the processes whose task/ could not be
 * opened). */
static void test_live_fd_limit(void **st)
{
	(void)st;
	fd_limit = 600;
	live(1500, 0);
	fd_limit = 0;
}

static void test_live_2000_processes(void **st)
{
	(void)st;
	live(2000, 0);
}

static void test_live_600_processes_3_threads(void **st)
{
	(void)st;
	live(600, 2);
}

/* ~100 tasks, then 1,600 more forked while the capture runs: every new one
 * is in the file, nothing noted as lost. */
static void test_fork_storm(void **st)
{
	(void)st;
	char out[300];
	snprintf(out, sizeof out, "%s/storm.cap", tmp);
	pid_t cap = start_capture(out, "100000", "0.25");
	wait_recorded(out, 2, NULL, 0, 120000); /* the storm starts mid-capture */
	spawn(1600, 0);
	uint32_t *want;
	size_t n = kid_tids(&want, 1);
	/* the stop comes once the file holds every new task (or after 3
	 * minutes): the assertions below are on what was recorded */
	wait_recorded(out, 0, want, n, 180000);
	kill(cap, SIGTERM);
	long took;
	assert_int_equal(wait_bounded(cap, 60000, &took), 0);
	struct rec r;
	int full, samples;
	read_back(out, &r, &full, &samples);
	assert_true(samples >= 3); /* 12 on a quiet box; a sample of 14,000 tasks takes 0.5 s */
	assert_int_equal(full, 0);
	assert_all_once(&r, want, n);
	free(r.tid);
	free(want);
	reap();
}

/* A stop request is honoured while the recorder walks thousands of
 * processes back to back under fork churn: a clean file within ~1 s. */
/* The status fields follow a change of the RSS split: a child trades 256
 * file pages for 256 anon pages (madvise drops the one, writes fault in the
 * other), and the first sample whose p_minflt shows the faults must hold
 * the new split.  On this kernel stat's rss is a per-CPU approximation
 * that moves with such a trade too, so the test does not single out the
 * fault counters in the gate (a gate of rss and vsize alone also passes);
 * it fails when status is not reread when it should be. */
static void on_usr1(int sig) { (void)sig; }

static void test_status_follows_faults(void **st)
{
	(void)st;
	/* 256 pages: the kernel's RSS counters are per-CPU, and a read may
	 * miss up to 32 pages per CPU of what moved */
	long pg = sysconf(_SC_PAGESIZE), len = 256 * pg;
	char file[300];
	snprintf(file, sizeof file, "%s/page", tmp);
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, len), 0);
	int ready[2], done[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);
	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		signal(SIGUSR1, on_usr1);
		volatile char *f = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, 0);
		volatile char *a = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (f == MAP_FAILED || a == MAP_FAILED)
			_exit(1);
		char c = 0;
		for (long i = 0; i < len; i += pg)
			c += f[i]; /* the file pages in */
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		madvise((void *)f, (size_t)len, MADV_DONTNEED);
		for (long i = 0; i < len; i += pg)
			a[i] = 1; /* the anon pages in: minor faults */
		if (write(done[1], "c", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fd);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	char out[300];
	snprintf(out, sizeof out, "%s/status.cap", tmp);
	pid_t cap = start_capture(out, "40", "0.05");
	usleep(700000);
	kill(kid, SIGUSR1);
	assert_int_equal(read(done[0], &c, 1), 1);
	long took;
	assert_int_equal(wait_bounded(cap, 30000, &took), 0);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	close(ready[0]); close(ready[1]); close(done[0]); close(done[1]);

	char err[200];
	struct cap_reader *rd = cap_reader_open(out, err, sizeof err);
	if (!rd)
		fail_msg("cannot read %s: %s", out, err);
	/* The check is made at the first sample that shows the final fault
	 * count: a sample taken while the child is still touching its pages
	 * sees only part of them, in the counters and in status alike. */
	struct cap_rec rec;
	enum { MAXROWS = 256 };
	uint64_t flt[MAXROWS], anon[MAXROWS], filed[MAXROWS]; /* filed: RssFile + RssShmem (tmpfs) */
	int rows = 0;
	while (cap_next(rd, &rec) == 1) {
		if (rec.type != CAP_TASK || rec.u.task.tid != (uint32_t)kid || rows == MAXROWS)
			continue;
		const uint64_t *v = rec.u.task.v;
		assert_true(v[CAP_TF_RSS_ANON] != CAP_NA && v[CAP_TF_RSS_FILE] != CAP_NA);
		flt[rows] = v[CAP_TF_P_MINFLT];
		anon[rows] = v[CAP_TF_RSS_ANON];
		filed[rows] = v[CAP_TF_RSS_FILE] + v[CAP_TF_RSS_SHMEM];
		rows++;
	}
	cap_reader_free(rd);
	assert_true(rows > 1);
	assert_true(filed[0] >= (uint64_t)(len / 2) / 1024);
	assert_true(flt[rows - 1] != flt[0]); /* the fault was seen */
	int i = 1;
	while (flt[i] != flt[rows - 1])
		i++;
	assert_true(anon[i] >= anon[0] + (uint64_t)(len / 2) / 1024);
	assert_true(filed[i] <= filed[0] - (uint64_t)(len / 2) / 1024);
}

static void test_stop_while_walking(void **st)
{
	(void)st;
	spawn(2000, 0);
	pid_t churn = fork();
	assert_true(churn >= 0);
	if (churn == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			pid_t c = fork();
			if (c == 0)
				_exit(0);
			if (c > 0)
				waitpid(c, NULL, 0);
		}
	}
	pid_t *k = realloc(kids, (nkids + 1) * sizeof *kids);
	assert_non_null(k);
	kids = k;
	kids[nkids++] = churn;
	char out[300];
	snprintf(out, sizeof out, "%s/stop.cap", tmp);
	pid_t cap = start_capture(out, "1000000", "0");
	/* the stop lands in a later walk: the first has to finish first */
	wait_recorded(out, 1, NULL, 0, 120000);
	usleep(300000);
	kill(cap, SIGTERM);
	long took;
	/* a hang is forever; at load 150 the reread of 2,000 known tasks and
	 * the last flush can take seconds, so the bound is for a hang */
	assert_int_equal(wait_bounded(cap, 20000, &took), 0);
	print_message("stopped %ld ms after SIGTERM\n", took);
	struct rec r;
	int full, samples;
	read_back(out, &r, &full, &samples);
	assert_true(samples >= 1);
	assert_true(r.n >= 2000);
	free(r.tid);
	reap();
}

static int run_capture(const char *a0, const char *a1, const char *a2, const char *a3)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char p[300];
		snprintf(p, sizeof p, "%s/stderr", tmp);
		int e = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(e, 2);
		execl(bin, bin, "-n", "1", "-i", "0", "--sysrq", "off", a0, a1, a2, a3, (char *)NULL);
		_exit(127);
	}
	long took;
	return wait_bounded(pid, 30000, &took);
}

/* An existing capture at -o is never replaced without --force; an empty
 * file (mktemp's) holds nothing and is used. */
static void test_existing_file_refused(void **st)
{
	(void)st;
	char f[300], f1[300], e[300];
	snprintf(f, sizeof f, "%s/old.cap", tmp);
	snprintf(f1, sizeof f1, "%s/old.cap.1", tmp);
	snprintf(e, sizeof e, "%s/stderr", tmp);
	put(f, "yesterday");
	assert_int_equal(run_capture("-o", f, NULL, NULL), 2);
	assert_string_equal(slurp(f, NULL), "yesterday");
	assert_non_null(strstr(slurp(e, NULL), "--force"));
	assert_int_equal(run_capture("-o", f, "--force", NULL), 0);
	struct rec r;
	int full, samples;
	read_back(f, &r, &full, &samples);
	assert_int_equal(samples, 1);
	free(r.tid);
	/* --max-size would replace FILE.1 at its first rotation */
	unlink(f);
	put(f1, "the day before");
	assert_int_equal(run_capture("-o", f, "--max-size", "1M"), 2);
	assert_string_equal(slurp(f1, NULL), "the day before");
	put(f, "");
	assert_int_equal(run_capture("-o", f, NULL, NULL), 0);
	read_back(f, &r, &full, &samples);
	assert_int_equal(samples, 1);
	free(r.tid);
}

static int teardown_reap(void **st)
{
	(void)st;
	reap();
	return 0;
}

int main(void)
{
	if (test_dirs("tasks", bin, sizeof bin, data, sizeof data, tmp, sizeof tmp))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dents_damage),
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_tree_without_task_dirs),
		cmocka_unit_test(test_tree_status_only),
		cmocka_unit_test(test_big_tree_every_task),
		cmocka_unit_test(test_tables_grow),
		cmocka_unit_test(test_writer_table_grows),
		cmocka_unit_test(test_writer_slot_reuse),
		cmocka_unit_test(test_writer_names_change),
		cmocka_unit_test_teardown(test_live_2000_processes, teardown_reap),
		cmocka_unit_test_teardown(test_live_fd_limit, teardown_reap),
		cmocka_unit_test_teardown(test_live_600_processes_3_threads, teardown_reap),
		cmocka_unit_test_teardown(test_fork_storm, teardown_reap),
		cmocka_unit_test(test_status_follows_faults),
		cmocka_unit_test_teardown(test_stop_while_walking, teardown_reap),
		cmocka_unit_test(test_existing_file_refused),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_rmtree(tmp);
	return rc;
}
