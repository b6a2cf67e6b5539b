/* test_sick.c - a box already sick when capture started, built record by
 * record with the real writer: the holder named by what it holds (RssAnon
 * where recorded, never a file-backed RSS), the OOM killer's victim as the
 * prime suspect, a process refilling its page cache after the kill never
 * called a leaker, and waits of unknown place not taken for a location.
 *
 * The numbers are the seed's shape in a 400 MB memory cgroup: a holder of
 * ~300 MB anon, apps faulting their file pages back, the cgroup at its
 * limit, iowait high from the first sample on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "analysis.h"
#include "cap.h"
#include "membuf.h"
#include "model_of.h"

#define MB 1024.0 /* kB */

struct ptask {
	uint32_t tid;
	const char *comm, *wchan;
	char state;
	double rss_kb, anon_kb;   /* anon_kb < 0: status fields not recorded */
	uint64_t majflt, wrbytes;
	bool alive;
	double shmem_kb;          /* RssShmem, when the status fields are recorded */
};

struct scen {
	int n;                    /* samples */
	double cg_anon_kb[200], cg_file_kb[200];
	struct ptask t[200][4];
	int nt;
	const char *kmsg[16];     /* kernel log lines at sample kmsg_at */
	int nkmsg, kmsg_at;
	double cg_shmem_kb[200];
	/* capture's statfs groups: tmpfs mounts (used < 0: a ramfs) */
	const char *mnt[3];
	double mnt_used_kb[200][3], mnt_total_kb[3];
	int nmnt;
};

/* an empty scenario of n samples and nt tasks, no kernel log */
static void scen_init(struct scen *s, int n, int nt)
{
	memset(s, 0, sizeof *s);
	s->n = n;
	s->nt = nt;
	s->kmsg_at = -1;
}

/* the finding's evidence row for metric; fails the test when it has none */
static const struct evidence *evidence(const struct finding *f, const char *metric)
{
	for (int k = 0; k < f->nev; k++)
		if (!strcmp(f->ev[k].metric, metric))
			return &f->ev[k];
	fail_msg("%s: no evidence %s", f->id, metric);
	return NULL;
}

static void group(struct cap_writer *w, const char *src, const char *inst, const char *const *n, const uint64_t *v,
		  int k)
{
	assert_int_equal(cap_group_begin(w, src, inst), 0);
	for (int i = 0; i < k; i++)
		assert_int_equal(cap_group_value(w, n[i], v[i]), 0);
	assert_int_equal(cap_group_end(w), 0);
}

static struct model *build(const struct scen *s)
{
	struct membuf m = { 0 };
	struct cap_header h = { .format_version = CAP_FORMAT_VERSION, .page_size = 4096, .user_hz = 100, .ncpu = 2,
				.boot_time_us = 1700000000000000ull, .start_us = 1700000600000000ull,
				.interval_us = 1000000, .capture_id = 42 };
	snprintf(h.writer, sizeof h.writer, "capture test");
	snprintf(h.host, sizeof h.host, "box");
	snprintf(h.kernel, sizeof h.kernel, "4.9.37");
	snprintf(h.machine, sizeof h.machine, "armv7l");
	struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, &m);
	assert_non_null(w);
	uint64_t cpu[5] = { 0 }, maj = 0, ref = 0;
	for (int i = 0; i < s->n; i++) {
		assert_int_equal(cap_sample_begin(w, h.start_us + (uint64_t)i * 1000000, 600000000ull + (uint64_t)i * 1000000), 0);
		/* 60% iowait, 25% idle from the first sample: already sick */
		cpu[0] += 10; cpu[1] += 5; cpu[2] += 25; cpu[3] += 60;
		static const char *const cn[] = { "user", "system", "idle", "iowait" };
		uint64_t cv[4] = { cpu[0], cpu[1], cpu[2], cpu[3] };
		group(w, "cpu", "cpu", cn, cv, 4);
		static const char *const mn[] = { "MemTotal", "MemFree", "MemAvailable", "Cached", "AnonPages", "Shmem" };
		uint64_t mv[6] = { 650 * 1024, 200 * 1024, 400 * 1024, (uint64_t)s->cg_file_kb[i] + 50 * 1024,
				   (uint64_t)s->cg_anon_kb[i] + 20 * 1024, 1024 };
		group(w, "meminfo", "", mn, mv, 6);
		maj += 2000;
		ref += 2000;
		static const char *const vn[] = { "pgmajfault", "workingset_refault" };
		uint64_t vv[2] = { maj, ref };
		group(w, "vmstat", "", vn, vv, 2);
		static const char *const pn[] = { "some_avg10", "full_avg10" };
		uint64_t pio[2] = { 6000, 5000 }, pmem[2] = { 100, 50 };
		group(w, "psi", "io", pn, pio, 2);
		group(w, "psi", "memory", pn, pmem, 2);
		static const char *const gn[] = { "usage", "limit", "cache", "rss", "pgmajfault", "workingset_refault_file",
						  "shmem" };
		uint64_t gv[7] = { (uint64_t)((s->cg_anon_kb[i] + s->cg_file_kb[i]) * 1024), 400ull << 20,
				   (uint64_t)(s->cg_file_kb[i] * 1024), (uint64_t)(s->cg_anon_kb[i] * 1024), maj, ref,
				   (uint64_t)(s->cg_shmem_kb[i] * 1024) };
		group(w, "cgroup", "/app", gn, gv, 7);
		for (int k = 0; k < s->nmnt; k++) {
			static const char *const sn[] = { "total_kb", "used_kb", "avail_kb", "files", "files_free" };
			double u = s->mnt_used_kb[i][k], t = s->mnt_total_kb[k];
			uint64_t sv[5] = { u < 0 ? CAP_NA : (uint64_t)t, u < 0 ? CAP_NA : (uint64_t)u,
					   u < 0 ? CAP_NA : (uint64_t)(t - u), u < 0 ? CAP_NA : 1000, u < 0 ? CAP_NA : 990 };
			group(w, "statfs", s->mnt[k], sn, sv, 5);
		}
		for (int k = 0; k < s->nt; k++) {
			const struct ptask *p = &s->t[i][k];
			if (!p->alive)
				continue;
			struct cap_task_in ti = { .tid = p->tid, .comm = p->comm, .wchan = p->wchan, .cgroup = "/app" };
			for (int f = 0; f < CAP_TF_COUNT; f++)
				ti.v[f] = 0;
			ti.v[CAP_TF_TGID] = p->tid;
			ti.v[CAP_TF_PPID] = 1;
			ti.v[CAP_TF_STATE] = (uint64_t)p->state;
			ti.v[CAP_TF_START] = 100 + p->tid;
			ti.v[CAP_TF_RSS] = (uint64_t)(p->rss_kb / 4);
			ti.v[CAP_TF_MAJFLT] = p->majflt;
			ti.v[CAP_TF_READ_BYTES] = p->majflt * 4096;
			ti.v[CAP_TF_WRITE_BYTES] = p->wrbytes;
			ti.v[CAP_TF_THREADS] = 1;
			if (p->anon_kb >= 0) {
				ti.v[CAP_TF_RSS_ANON] = (uint64_t)p->anon_kb;
				ti.v[CAP_TF_RSS_FILE] = (uint64_t)(p->rss_kb - p->anon_kb);
				ti.v[CAP_TF_RSS_SHMEM] = (uint64_t)p->shmem_kb;
				ti.v[CAP_TF_VM_HWM] = (uint64_t)p->rss_kb + 1;
				ti.v[CAP_TF_VM_SWAP] = 0;
			}
			assert_int_equal(cap_task(w, &ti), 0);
		}
		if (i == s->kmsg_at)
			for (int k = 0; k < s->nkmsg; k++)
				assert_int_equal(cap_text(w, CAP_TXT_KMSG, CAP_NA, CAP_NA, 6, 0, s->kmsg[k], strlen(s->kmsg[k])), 0);
		assert_int_equal(cap_sample_end(w, 1000), 0);
		if (i % 10 == 9)
			assert_int_equal(cap_flush(w), 0);
	}
	assert_int_equal(cap_writer_close(w), 0);
	cap_writer_free(w);
	struct model *mo = model_of(m.p, m.len);
	free(m.p);
	return mo;
}

/* apps that fault their file pages back; tid 300.. */
static void apps(struct scen *s, int i, int from, double rss_kb, double anon_kb)
{
	for (int k = from; k < from + 2; k++)
		s->t[i][k] = (struct ptask){ (uint32_t)(300 + k), "app", "folio_wait_bit_common", 'D', rss_kb, anon_kb,
					     (uint64_t)(i + 1) * 900, 0, true, 0 };
}

static const struct finding *memory_cause(const struct report *r)
{
	for (int i = 0; i < r->nf; i++)
		if (!strcmp(r->f[i].id, "memory-leak") || !strcmp(r->f[i].id, "memory-hog"))
			return &r->f[i];
	return NULL;
}

static struct report run(struct model *mo)
{
	struct report r;
	struct win_opts w = { NAN, NAN, NAN, NAN, 0, 0 };
	report_build(&r, mo, NULL, &w);
	return r;
}

/* The holder is named by what it holds in anon (RssAnon), not by stat RSS:
 * an app mapping a 350 MB file has the largest RSS and holds nothing the
 * kernel could not drop. */
static void test_holder_by_rss_anon(void **st)
{
	(void)st;
	static struct scen s;
	scen_init(&s, 60, 3);
	for (int i = 0; i < s.n; i++) {
		s.cg_anon_kb[i] = 310 * MB;
		s.cg_file_kb[i] = 80 * MB;
		s.t[i][0] = (struct ptask){ 200, "logd", "", 'S', 301 * MB, 300 * MB, 0, 0, true, 0 };
		apps(&s, i, 1, 350 * MB, 2 * MB);
	}
	struct model *mo = build(&s);
	struct report r = run(mo);
	assert_true(r.ctx.w.trend);
	assert_true(r.nf >= 1);
	assert_string_equal(r.f[0].id, "memory-hog");
	assert_string_equal(r.f[0].comm, "logd");
	assert_int_equal(r.f[0].pid, 200);
	assert_non_null(strstr(r.f[0].summary, "growth not seen in this capture: the holder is named by its share"));
	assert_non_null(strstr(r.f[0].summary, "anon+shmem+swap"));
	assert_true(fabs(evidence(&r.f[0], "held_kb")->faulty - 300 * MB) < 1);
	/* the apps' generic page waits are page faults: they fault, they do not write */
	assert_string_equal(wait_name(r.wg[0].kind), "page-fault");
	/* no healthy window: no figure is called healthy (the trend's
	 * comparison point is the fault's own start) */
	bool blocked = false;
	for (int i = 0; i < r.nf; i++) {
		blocked |= !strcmp(r.f[i].id, "blocked-tasks");
		if (strstr(r.f[i].summary, "healthy"))
			fail_msg("%s: %s", r.f[i].id, r.f[i].summary);
	}
	assert_true(blocked);
	assert_null(strstr(r.conclusion, "healthy"));
	assert_non_null(strstr(r.conclusion, "hence iowait 60%."));
	report_free(&r);
	model_free(mo);
}

/* Cut after the OOM killer took the leaker: the cgroup's anon fell, a
 * cache process refills 250 MB of file pages by faulting them in.  It is
 * never called a leaker; with the kernel's report of the kill in the
 * capture, the victim is the one named. */
static void scen_after_kill(struct scen *s, bool with_log)
{
	scen_init(s, 60, 4);
	s->kmsg_at = with_log ? 2 : -1;
	for (int i = 0; i < s->n; i++) {
		bool before = i < 3;
		double refill = before ? 10 * MB : 10 * MB + (i - 3) * 4.5 * MB;
		s->cg_anon_kb[i] = before ? 380 * MB : 20 * MB;
		s->cg_file_kb[i] = before ? 15 * MB : 15 * MB + refill;
		/* without the log the capture began just after the kill: the
		 * victim is never seen, only the anon it freed */
		s->t[i][0] = (struct ptask){ 77, "memhog", "", 'R', 380 * MB, -1, 0, 0, before && with_log, 0 };
		s->t[i][1] = (struct ptask){ 90, "cache", "folio_wait_bit_common", 'D', refill, -1,
					     (uint64_t)(refill / 4), 0, true, 0 };
		apps(s, i, 2, 8 * MB, -1);
	}
	static const char *const lines[] = {
		"memhog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"memory: usage 409600kB, limit 409600kB, failcnt 28395",
		"Tasks state (memory values in pages):",
		"[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
		"[     90]     0    90    33866     2560     2000      560         0   303104        0             0 cache",
		"[     77]     0    77   103116    97280    97000      280         0   864256        0             0 memhog",
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/app,task_memcg=/app,task=memhog,pid=77,uid=0",
		"Memory cgroup out of memory: Killed process 77 (memhog) total-vm:412464kB, anon-rss:388000kB, file-rss:1120kB, shmem-rss:0kB, UID:0 pgtables:844kB oom_score_adj:0",
	};
	s->nkmsg = with_log ? 8 : 0;
	for (int k = 0; k < s->nkmsg; k++)
		s->kmsg[k] = lines[k];
}

static void test_refill_after_kill_is_no_leak(void **st)
{
	(void)st;
	static struct scen s;
	scen_after_kill(&s, false);
	struct model *mo = build(&s);
	struct report r = run(mo);
	const struct finding *m = memory_cause(&r);
	if (m)
		print_error("%s blames %s: %s\n", m->id, m->comm, m->summary);
	assert_true(!m || strcmp(m->comm, "cache"));
	report_free(&r);
	model_free(mo);
}

static void test_oom_victim_prime_suspect(void **st)
{
	(void)st;
	static struct scen s;
	scen_after_kill(&s, true);
	struct model *mo = build(&s);
	struct report r = run(mo);
	assert_true(r.nf >= 1);
	assert_true(!strcmp(r.f[0].id, "memory-hog") || !strcmp(r.f[0].id, "memory-leak"));
	assert_string_equal(r.f[0].comm, "memhog");
	assert_int_equal(r.f[0].pid, 77);
	/* 388000 kB anon of a 409600 kB limit */
	assert_true(fabs(evidence(&r.f[0], "share_pct")->faulty - 100.0 * 388000 / 409600) < 0.1);
	assert_non_null(strstr(r.f[0].detail, "next largest cache with 7.8 MB"));
	/* the kernel's figures of the kill: the cgroup's limit and name, the victim's file pages */
	assert_true(evidence(&r.f[0], "cgroup_limit_kb")->faulty == 409600);
	assert_true(evidence(&r.f[0], "victim_file_rss_kb")->faulty == 1120);
	assert_non_null(strstr(r.f[0].summary, "of its memory cgroup's limit /app)"));
	for (int i = 0; i < r.nf; i++)
		assert_true(strcmp(r.f[i].comm, "cache") || (strcmp(r.f[i].id, "memory-leak") && strcmp(r.f[i].id, "memory-hog")));
	report_free(&r);
	model_free(mo);
}

/* The kernel log's ring kept only the kill line of a cgroup's OOM report
 * (its header and table were overwritten): the victim is still named. */
static void test_oom_kill_line_alone(void **st)
{
	(void)st;
	static struct scen s;
	scen_after_kill(&s, true);
	s.kmsg[0] = s.kmsg[7];
	s.nkmsg = 1;
	struct model *mo = build(&s);
	struct report r = run(mo);
	assert_true(r.nf >= 1);
	assert_string_equal(r.f[0].comm, "memhog");
	assert_int_equal(r.f[0].pid, 77);
	assert_true(evidence(&r.f[0], "victim_anon_rss_kb")->faulty == 388000);
	report_free(&r);
	model_free(mo);
}

/* wchan "0" (running again when read) or empty is no place to wait in. */
/* A holder whose memory is shared memory (a tmpfs file it maps, a POSIX
 * segment in /dev/shm) is named with the tmpfs mount that holds the most,
 * from capture's statfs groups; a capture without them says so. */
static void scen_shmem_holder(struct scen *s, bool statfs)
{
	scen_init(s, 60, 3);
	s->nmnt = statfs ? 3 : 0;
	s->mnt[0] = "/tmp";
	s->mnt[1] = "/dev/shm";
	s->mnt[2] = "/rd";
	s->mnt_total_kb[0] = 64 * MB;
	s->mnt_total_kb[1] = 1024 * MB;
	for (int i = 0; i < s->n; i++) {
		s->cg_anon_kb[i] = 310 * MB;
		s->cg_file_kb[i] = 80 * MB;
		s->mnt_used_kb[i][0] = 3 * MB;
		s->mnt_used_kb[i][1] = 262 * MB;
		s->mnt_used_kb[i][2] = -1; /* ramfs: no count */
		s->t[i][0] = (struct ptask){ 200, "videod", "", 'S', 301 * MB, 40 * MB, 0, 0, true, 260 * MB };
		apps(s, i, 1, 350 * MB, 2 * MB);
	}
}

static void test_shmem_holder_names_mount(void **st)
{
	(void)st;
	static struct scen s;
	scen_shmem_holder(&s, true);
	struct model *mo = build(&s);
	struct report r = run(mo);
	assert_true(r.nf >= 1);
	assert_string_equal(r.f[0].id, "memory-hog");
	assert_string_equal(r.f[0].comm, "videod");
	assert_non_null(strstr(r.f[0].summary, "; 260 MB of it is shmem (RssShmem): the fullest tmpfs mount: /dev/shm, "
					     "262 MB used of 1.0 GB"));
	assert_string_equal(r.f[0].mount.path, "/dev/shm");
	assert_true(fabs(r.f[0].mount.used_kb - 262 * MB) < 1);
	assert_true(fabs(r.f[0].mount.total_kb - 1024 * MB) < 1);
	assert_false(r.f[0].mount.grows);
	report_free(&r);
	model_free(mo);

	scen_shmem_holder(&s, false);
	mo = build(&s);
	r = run(mo);
	assert_string_equal(r.f[0].id, "memory-hog");
	assert_non_null(strstr(r.f[0].summary, "of it is shmem (RssShmem): mount usage not recorded in this capture"));
	assert_string_equal(r.f[0].mount.path, "");
	report_free(&r);
	model_free(mo);
}

/* OpenWrt's case on a box already sick: tmpfs holds more than any
 * process, and the /tmp mount grows in the capture: it is named, with its
 * growth rate; a ramfs beside it is never taken for an empty mount. */
static void test_tmpfs_grows_named(void **st)
{
	(void)st;
	static struct scen s;
	scen_init(&s, 60, 3);
	s.nmnt = 2;
	s.mnt[0] = "/rd";
	s.mnt[1] = "/tmp";
	s.mnt_total_kb[1] = 360 * MB;
	for (int i = 0; i < s.n; i++) {
		double t = 200 * MB + i * 2 * MB; /* 2 MB/s */
		s.cg_shmem_kb[i] = t;
		s.cg_anon_kb[i] = 30 * MB;
		s.cg_file_kb[i] = 360 * MB; /* v1 counts shmem as cache */
		s.mnt_used_kb[i][0] = -1;
		s.mnt_used_kb[i][1] = t;
		s.t[i][0] = (struct ptask){ 200, "syslogd", "", 'S', 4 * MB, 1 * MB, 0, 0, true, 0 };
		apps(&s, i, 1, 20 * MB, 2 * MB);
	}
	struct model *mo = build(&s);
	struct report r = run(mo);
	assert_true(r.nf >= 1);
	assert_string_equal(r.f[0].id, "shmem-growth");
	assert_string_equal(r.f[0].mount.path, "/tmp");
	assert_true(r.f[0].mount.grows);
	assert_true(fabs(r.f[0].mount.rate_kb_ps - 2 * MB) < 0.05 * MB);
	assert_non_null(strstr(r.f[0].summary, "the mount that grows: /tmp, 318 MB used of 360 MB (+118 MB, 2.0 MB/s while it grew)"));
	report_free(&r);
	model_free(mo);
}

static void test_unknown_wait(void **st)
{
	(void)st;
	assert_string_equal(wait_name(wait_kind("0")), "unknown");
	assert_string_equal(wait_name(wait_kind("")), "unknown");
	assert_string_equal(wait_name(wait_kind("folio_wait_bit_common")), "page-fault");
	assert_string_equal(wait_name(wait_kind("balance_dirty_pages")), "writeback");
}

/* A generic page wait of a process that writes and never faults is a
 * writeback wait (dbwriter in folio_wait_bit under fdatasync). */
static void test_page_wait_of_a_writer(void **st)
{
	(void)st;
	static struct scen s;
	scen_init(&s, 40, 1);
	for (int i = 0; i < s.n; i++) {
		s.cg_anon_kb[i] = 10 * MB;
		s.cg_file_kb[i] = 100 * MB;
		s.t[i][0] = (struct ptask){ 500, "dbwriter", "folio_wait_bit", 'D', 5 * MB, -1, 0,
					    (uint64_t)i * 16 * 1048576, true, 0 };
	}
	struct model *mo = build(&s);
	struct report r = run(mo);
	assert_true(r.nwg >= 1);
	assert_string_equal(r.wg[0].comm, "dbwriter");
	assert_string_equal(wait_name(r.wg[0].kind), "writeback");
	assert_null(memory_cause(&r));
	report_free(&r);
	model_free(mo);
}

/* --baseline from another boot: the same programs under other pids, and
 * the leaker's pid held by another program there.  Matched by name, logd
 * grew from 2 MB; matched by pid it would have "shrunk" from app's 300 MB. */
static void test_baseline_by_name(void **st)
{
	(void)st;
	static struct scen b, f;
	scen_init(&b, 30, 3);
	for (int i = 0; i < b.n; i++) {
		b.cg_anon_kb[i] = 20 * MB;
		b.cg_file_kb[i] = 200 * MB;
		b.t[i][0] = (struct ptask){ 999, "logd", "", 'S', 2 * MB, -1, 0, 0, true, 0 };
		b.t[i][1] = (struct ptask){ 200, "app", "", 'S', 300 * MB, -1, 0, 0, true, 0 };
		b.t[i][2] = (struct ptask){ 201, "app", "", 'S', 300 * MB, -1, 0, 0, true, 0 };
	}
	scen_init(&f, 40, 3);
	for (int i = 0; i < f.n; i++) {
		f.cg_anon_kb[i] = 310 * MB;
		f.cg_file_kb[i] = 80 * MB;
		f.t[i][0] = (struct ptask){ 200, "logd", "", 'S', 300 * MB, -1, 0, 0, true, 0 };
		apps(&f, i, 1, 10 * MB, -1);
	}
	struct model *bm = build(&b), *fm = build(&f);
	struct report r;
	struct win_opts w = { NAN, NAN, NAN, NAN, 0, 0 };
	report_build(&r, fm, bm, &w);
	assert_string_equal(r.ctx.w.how, "baseline");
	assert_true(r.nf >= 1);
	assert_string_equal(r.f[0].id, "memory-leak");
	assert_string_equal(r.f[0].comm, "logd");
	assert_non_null(strstr(r.f[0].summary, "grew from 2.0 MB"));
	report_free(&r);
	model_free(bm);
	model_free(fm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holder_by_rss_anon),
		cmocka_unit_test(test_refill_after_kill_is_no_leak),
		cmocka_unit_test(test_oom_victim_prime_suspect),
		cmocka_unit_test(test_oom_kill_line_alone),
		cmocka_unit_test(test_shmem_holder_names_mount),
		cmocka_unit_test(test_tmpfs_grows_named),
		cmocka_unit_test(test_unknown_wait),
		cmocka_unit_test(test_page_wait_of_a_writer),
		cmocka_unit_test(test_baseline_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
