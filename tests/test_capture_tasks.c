/* test_capture_tasks.c - the task scanner records every task on proc trees
 * nobody here wrote (no task/, status only, odd comms) and on trees large
 * enough to span many getdents batches; the writer's task table grows with
 * them, reuses its slots and follows a task's names.  The runs on this
 * machine's own processes are in test_capture_tasks_live.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src_tasks.h"
#include "capture_test.h"
#include "tasks_test.h"

static char tmp[256], data[512];

/* ------------------------------------------------------------ helpers */

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
	assert_int_equal(source_tasks.init(&sc->c), 0);
}

static void scan_close(struct scan *sc)
{
	source_tasks.fini(&sc->c);
	close(sc->c.proc_fd);
	free(sc->r.tid);
}

static void scan_sample(struct scan *sc)
{
	sc->r.n = 0;
	assert_int_equal(source_tasks.sample(&sc->c), 0);
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

/* root: tmp/NAME/proc, with nothing under tmp/NAME yet */
static void fresh_root(char *root, size_t cap, const char *name)
{
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s/%s'", tmp, name);
	assert_int_equal(system(cmd), 0);
	snprintf(root, cap, "%s/%s/proc", tmp, name);
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
	char root[600];
	fresh_root(root, sizeof root, "big");
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
	char root[600];
	fresh_root(root, sizeof root, "grow");
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

/* One task as the table tests write it: its own process, started at 7,
 * named "t". */
static void write_task(struct cap_writer *w, uint32_t tid, uint64_t utime)
{
	struct cap_task_in in;
	memset(&in, 0, sizeof in);
	in.tid = tid;
	in.v[CAP_TF_TGID] = tid;
	in.v[CAP_TF_START] = 7;
	in.v[CAP_TF_UTIME] = utime;
	in.comm = "t";
	assert_int_equal(cap_task(w, &in), 0);
}

/* Ends the capture in mb and reads it from the start. */
static struct cap_reader *reread(struct cap_writer *w, struct membuf *mb)
{
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);
	struct cap_reader *r = cap_reader_mem(mb->p, mb->len);
	assert_non_null(r);
	return r;
}

/* The writer's table grows from 16 slots to 3,000 tasks and every one
 * reads back. */
static void test_writer_table_grows(void **st)
{
	(void)st;
	struct membuf mb = { 0 };
	struct cap_writer_limits lim = { .max_tasks = 2500, .init_tasks = 16 };
	struct cap_writer *w = test_writer_mem(&mb, &lim);
	assert_non_null(w);
	for (int s = 0; s < 3; s++) {
		assert_int_equal(cap_sample_begin(w, 1000 + (uint64_t)s, 1000 + (uint64_t)s), 0);
		unsigned n = s == 0 ? 10 : 3000;
		for (unsigned i = 1; i <= n; i++)
			write_task(w, i, (uint64_t)s);
		assert_int_equal(cap_sample_end(w, 1), 0);
	}
	struct cap_reader *r = reread(w, &mb);
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
	struct cap_writer_limits lim = { .max_tasks = 400, .init_tasks = 300 };
	struct cap_writer *w = test_writer_mem(&mb, &lim);
	assert_non_null(w);
	enum { LIVE = 300, SAMPLES = 6 };
	for (unsigned s = 0; s < SAMPLES; s++) {
		assert_int_equal(cap_sample_begin(w, 1000 + s, 1000 + s), 0);
		/* sample s holds tids 100*s+1 .. 100*s+LIVE */
		for (unsigned i = 1; i <= LIVE; i++) {
			uint32_t tid = 100 * s + i;
			write_task(w, tid, tid * 10 + s);
		}
		assert_int_equal(cap_sample_end(w, 1), 0);
	}
	struct cap_reader *r = reread(w, &mb);
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
	struct cap_writer *w = test_writer_mem(&mb, NULL);
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
	struct cap_reader *r = reread(w, &mb);
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

int main(void)
{
	char bin[512];
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
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_rmtree(tmp);
	return rc;
}
