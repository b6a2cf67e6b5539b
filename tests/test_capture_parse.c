/* test_capture_parse.c - capture's parsers on real /proc files from the
 * corpus (tests/data/proc, see tests/data/README.md), oddities included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "src_tasks.h"
#include "kmsg.h"
#include "sysrq.h"

/* A sink that keeps "source/instance/name" -> value. */
struct tsink {
	char cur[128];
	size_t n, groups, tasks;
	struct { char key[224]; uint64_t v; } e[2048];
	struct cap_task_in t[64];
	char comm[64][64];
};

static int t_begin(void *ctx, const char *s, const char *i)
{
	struct tsink *t = ctx;
	snprintf(t->cur, sizeof t->cur, "%s/%s", s, i ? i : "");
	t->groups++;
	return 0;
}

static int t_value(void *ctx, const char *name, uint64_t v)
{
	struct tsink *t = ctx;
	assert_true(t->n < 2048);
	char *k = t->e[t->n].key;
	size_t a = strlen(t->cur), b = strlen(name);
	assert_true(a + 1 + b < sizeof t->e[0].key);
	memcpy(k, t->cur, a);
	k[a] = '/';
	memcpy(k + a + 1, name, b + 1);
	t->e[t->n++].v = v;
	return 0;
}

static int t_end(void *ctx) { (void)ctx; return 0; }

static int t_task(void *ctx, const struct cap_task_in *in)
{
	struct tsink *t = ctx;
	if (t->tasks < 64) {
		t->t[t->tasks] = *in;
		snprintf(t->comm[t->tasks], sizeof t->comm[0], "%s", in->comm ? in->comm : "");
	}
	t->tasks++;
	return 0;
}

static struct sink sink_of(struct tsink *t)
{
	memset(t, 0, sizeof *t);
	struct sink s = { t_begin, t_value, t_end, t_task, t };
	return s;
}

static bool has(const struct tsink *t, const char *key, uint64_t *v)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].key, key)) {
			if (v)
				*v = t->e[i].v;
			return true;
		}
	return false;
}

static uint64_t get(const struct tsink *t, const char *key)
{
	uint64_t v = 0;
	if (!has(t, key, &v))
		fail_msg("no value for %s", key);
	return v;
}

static char *slurp(const char *rel, size_t *len)
{
	static char buf[256 << 10];
	char path[512];
	const char *d = getenv("TEST_DATA");
	snprintf(path, sizeof path, "%s/%s", d ? d : "tests/data", rel);
	ssize_t n = read_at(AT_FDCWD, path, buf, sizeof buf);
	if (n < 0)
		fail_msg("cannot read %s", path);
	*len = (size_t)n;
	return buf;
}

static void test_stat_10_values(void **st)
{
	(void)st;
	struct tsink t;
	struct sink s = sink_of(&t);
	struct health h;
	size_t len;
	char *b = slurp("proc/sysstat-root1/proc/stat", &len);
	assert_int_equal(parse_stat(b, len, &s, &h), 0);
	assert_int_equal(get(&t, "cpu/cpu/user"), 96005);
	assert_int_equal(get(&t, "cpu/cpu/iowait"), 60648);
	assert_int_equal(get(&t, "cpu/cpu/guest_nice"), 0);
	assert_int_equal(get(&t, "cpu/cpu0/nice"), 331675);
	assert_int_equal(get(&t, "stat//ctxt"), 130465866);
	assert_int_equal(get(&t, "stat//intr"), 95105080);
	assert_int_equal(get(&t, "stat//processes"), 46972);
	assert_int_equal(get(&t, "stat//procs_running"), 2);
	assert_int_equal(get(&t, "stat//procs_blocked"), 0);
	assert_int_equal(get(&t, "stat//btime"), 1555568347);
	assert_int_equal(get(&t, "stat//softirq"), 39588713);
	assert_int_equal(h.ncpu, 9); /* cpu0..cpu8 in this tree */
	assert_int_equal(h.processes, 46972);
	assert_int_equal(h.cpu_iowait, 60648);
	assert_int_equal(h.cpu_total, 96005 + 2578701 + 53845 + 3617879 + 60648 + 27891 + 25853);
}

static void test_stat_7_values(void **st)
{
	(void)st;
	struct tsink t;
	struct sink s = sink_of(&t);
	struct health h;
	size_t len;
	char *b = slurp("proc/sysstat-root6/proc/stat", &len);
	assert_int_equal(parse_stat(b, len, &s, &h), 0);
	/* 2.6.9-2.6.23: user nice system idle iowait irq softirq, no steal */
	assert_int_equal(get(&t, "cpu/cpu/softirq"), 25855);
	assert_int_equal(get(&t, "cpu/cpu/user"), 94891);
	assert_false(has(&t, "cpu/cpu/steal", NULL));
	assert_false(has(&t, "cpu/cpu/guest", NULL));
}

static void test_meminfo_2_4_table(void **st)
{
	(void)st;
	struct tsink t;
	struct sink s = sink_of(&t);
	size_t len;
	char *b = slurp("proc/lkml-2.4.7/proc/meminfo", &len);
	s.begin(s.ctx, "meminfo", NULL);
	assert_int_equal(parse_keyvals(b, len, &s, NULL), 0);
	assert_int_equal(get(&t, "meminfo//MemTotal"), 900132);
	assert_int_equal(get(&t, "meminfo//MemShared"), 0);
	assert_int_equal(get(&t, "meminfo//Cached"), 35168);
	/* the byte table above the Key: lines is not a key */
	assert_false(has(&t, "meminfo//Mem", NULL));
	assert_false(has(&t, "meminfo//Swap", NULL));
	assert_false(has(&t, "meminfo//total", NULL));
}

static void test_meminfo_vmstat_modern(void **st)
{
	(void)st;
	struct tsink t;
	struct sink s = sink_of(&t);
	size_t len;
	char *b = slurp("proc/sysstat-root1/proc/meminfo", &len);
	s.begin(s.ctx, "meminfo", NULL);
	assert_int_equal(parse_keyvals(b, len, &s, NULL), 0);
	assert_int_equal(get(&t, "meminfo//MemTotal"), 8144960);
	assert_int_equal(get(&t, "meminfo//MemAvailable"), 4389516);
	size_t before = t.n;
	b = slurp("proc/sysstat-root1/proc/vmstat", &len);
	s.begin(s.ctx, "vmstat", NULL);
	assert_int_equal(parse_keyvals(b, len, &s, NULL), 0);
	assert_int_equal(t.n - before, 142); /* every line, every key */
	assert_int_equal(get(&t, "vmstat//nr_free_pages"), 335580);
}

static void test_diskstats_14_18_20(void **st)
{
	(void)st;
	struct tsink t;
	struct sink s = sink_of(&t);
	size_t len;
	char *b = slurp("proc/prometheus/proc/diskstats", &len);
	assert_int_equal(parse_diskstats(b, len, &s), 0);
	assert_int_equal(t.groups, 52);
	/* 14 fields: up to time_in_queue */
	assert_int_equal(get(&t, "disk/ram0/time_in_queue"), 0);
	assert_false(has(&t, "disk/ram0/disc_ios", NULL));
	/* 20 fields: flush counters */
	assert_int_equal(get(&t, "disk/sdc/rd_ios"), 14202);
	assert_int_equal(get(&t, "disk/sdc/flush_ios"), 127);
	assert_int_equal(get(&t, "disk/sdc/flush_ticks"), 182);
	/* 18 fields: discard, no flush */
	assert_int_equal(get(&t, "disk/sdb/disc_ios"), 68851);
	assert_int_equal(get(&t, "disk/sdb/disc_ticks"), 11130);
	assert_false(has(&t, "disk/sdb/flush_ios", NULL));

	s = sink_of(&t);
	b = slurp("proc/sysstat-root6/proc/diskstats", &len);
	assert_int_equal(parse_diskstats(b, len, &s), 0);
	assert_int_equal(get(&t, "disk/cciss/c0d0/major"), 104);
	assert_int_equal(get(&t, "disk/cciss/c0d0/rd_ios"), 35817);
	assert_int_equal(get(&t, "disk/cciss/c0d0/time_in_queue"), 19000180);
	assert_false(has(&t, "disk/cciss/c0d0/disc_ios", NULL));
}

static void test_psi(void **st)
{
	(void)st;
	struct tsink t;
	struct sink s = sink_of(&t);
	size_t len;
	uint64_t some10 = CAP_NA;
	char *b = slurp("proc/prometheus/proc/pressure/cpu", &len);
	s.begin(s.ctx, "psi", "cpu");
	assert_int_equal(parse_psi(b, len, &s, NULL, &some10), 0);
	assert_int_equal(get(&t, "psi/cpu/some_avg10"), 10);
	assert_int_equal(get(&t, "psi/cpu/some_avg60"), 200);
	assert_int_equal(get(&t, "psi/cpu/some_avg300"), 385);
	assert_int_equal(get(&t, "psi/cpu/some_total"), 15);
	assert_false(has(&t, "psi/cpu/full_avg10", NULL)); /* cpu has only "some" */
	assert_int_equal(some10, 10);
	b = slurp("proc/sysstat-root1/proc/pressure/io", &len);
	s.begin(s.ctx, "cgroup", "/x");
	assert_int_equal(parse_psi(b, len, &s, "psi_", NULL), 0);
	assert_int_equal(get(&t, "cgroup//x/psi_full_avg10"), 45);
	assert_int_equal(get(&t, "cgroup//x/psi_full_total"), 92732851);
}

static void test_loadavg(void **st)
{
	(void)st;
	struct tsink t;
	struct sink s = sink_of(&t);
	size_t len;
	char *b = slurp("proc/prometheus/proc/loadavg", &len);
	assert_int_equal(parse_loadavg(b, len, &s), 0);
	assert_int_equal(get(&t, "loadavg//load1"), 2);
	assert_int_equal(get(&t, "loadavg//load5"), 4);
	assert_int_equal(get(&t, "loadavg//load15"), 5);
	assert_int_equal(get(&t, "loadavg//running"), 1);
	assert_int_equal(get(&t, "loadavg//total"), 497);
	assert_int_equal(get(&t, "loadavg//last_pid"), 11947);
}

static void test_task_stat_parens(void **st)
{
	(void)st;
	struct task_stat ts;
	size_t len;
	char *b = slurp("proc/prometheus/proc/584/stat", &len);
	assert_int_equal(parse_task_stat(b, len, &ts), 0);
	assert_string_equal(ts.comm, "(a b ) ( c d) ");
	assert_int_equal(ts.pid, 1020);
	assert_int_equal(ts.state, 'R');
	assert_int_equal(ts.ppid, 28378);
	assert_int_equal(ts.minflt, 286);
	assert_int_equal(ts.threads, 1);
	assert_int_equal(ts.start, 10839175);
	assert_int_equal(ts.vsize, 10395648);
	assert_int_equal(ts.rss, 155);
	assert_int_equal(ts.cpu, 5);
	assert_int_equal(ts.blkio, 0);

	/* signed fields down to INT64_MIN, nice -20, kernel thread flags */
	b = slurp("proc/prometheus/proc/26232/stat", &len);
	assert_int_equal(parse_task_stat(b, len, &ts), 0);
	assert_string_equal(ts.comm, "ata_sff");
	assert_int_equal(ts.state, 'S');
	assert_int_equal((int64_t)ts.nice, -20);
	assert_int_equal(ts.flags, 69238880);
	assert_int_equal(ts.ppid, 2);

	b = slurp("proc/sysstat-root1/proc/8741/task/8785/stat", &len);
	assert_int_equal(parse_task_stat(b, len, &ts), 0);
	assert_string_equal(ts.comm, "JS Helper");
	assert_int_equal(ts.majflt, 1);
	assert_int_equal(ts.utime, 7);
	assert_int_equal(ts.stime, 3);
	assert_int_equal(ts.threads, 67);
	assert_int_equal(ts.cpu, 3);
	assert_int_equal(ts.blkio, 5);
	/* the process totals' parse stops at stime, same values up to there */
	struct task_stat tt;
	assert_int_equal(parse_task_totals(b, len, &tt), 0);
	assert_string_equal(tt.comm, "JS Helper");
	assert_int_equal(tt.minflt, ts.minflt);
	assert_int_equal(tt.majflt, 1);
	assert_int_equal(tt.utime, 7);
	assert_int_equal(tt.stime, 3);
	assert_int_equal(tt.threads, CAP_NA);
	assert_int_equal(tt.blkio, CAP_NA);

	/* a field that is not a number ends the line, whether the field is
	 * kept or skipped (pgrp, field 5, is not kept) */
	const char *bad = "7 (x) S 1 5x 0 0 -1 2048 0 0 0 0 5 9";
	assert_int_equal(parse_task_stat(bad, strlen(bad), &ts), 0);
	assert_int_equal(ts.ppid, 1);
	assert_int_equal(ts.flags, CAP_NA);
	assert_int_equal(ts.stime, CAP_NA);

	/* a stat line cut short (older kernels print fewer fields) */
	const char *old = "7 (kswapd0) S 1 0 0 0 -1 2048 0 0 0 0 5 9";
	assert_int_equal(parse_task_stat(old, strlen(old), &ts), 0);
	assert_int_equal(ts.stime, 9);
	assert_int_equal(ts.rss, CAP_NA);
	assert_int_equal(ts.blkio, CAP_NA);
	const char *junk = "no parens here";
	assert_int_equal(parse_task_stat(junk, strlen(junk), &ts), -1);
}

static void test_task_io_and_wchan(void **st)
{
	(void)st;
	struct task_io io;
	size_t len;
	char *b = slurp("proc/prometheus/proc/26231/io", &len);
	assert_int_equal(parse_task_io(b, len, &io), 0);
	assert_int_equal(io.rchar, 750339);
	assert_int_equal(io.wchar, 818609);
	assert_int_equal(io.read_bytes, 1024);
	assert_int_equal(io.write_bytes, 2048);
	b = slurp("proc/prometheus/proc/26232/wchan", &len);
	assert_int_equal(len, 1); /* "0" without a newline */
	assert_string_equal(b, "0");
	b = slurp("proc/prometheus/proc/26231/wchan", &len);
	assert_string_equal(b, "poll_schedule_timeout");
}

static void test_cgroup_paths(void **st)
{
	(void)st;
	char out[256];
	size_t len;
	char *b = slurp("pid-cgroup-v1", &len);
	assert_int_equal(parse_pid_cgroup(b, len, 1, out, sizeof out), 0);
	assert_string_equal(out, "/process_api/b1bc36076ad3636471a58640012f282b");
	assert_int_equal(parse_pid_cgroup(b, len, 2, out, sizeof out), 0);
	assert_string_equal(out, "/");
	const char *v2 = "0::/system.slice/logd:x.service\n";
	assert_int_equal(parse_pid_cgroup(v2, strlen(v2), 2, out, sizeof out), 0);
	assert_string_equal(out, "/system.slice/logd:x.service");
	assert_int_equal(parse_pid_cgroup(v2, strlen(v2), 1, out, sizeof out), -1);
	const char *joint = "3:cpu,memory:/a\n";
	assert_int_equal(parse_pid_cgroup(joint, strlen(joint), 1, out, sizeof out), 0);
	assert_string_equal(out, "/a");

	b = slurp("mountinfo-hybrid-v1", &len);
	assert_int_equal(parse_mountinfo_memcg(b, len, out, sizeof out), 1);
	assert_string_equal(out, "/sys/fs/cgroup/memory");
	const char *pure2 = "30 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
	assert_int_equal(parse_mountinfo_memcg(pure2, strlen(pure2), out, sizeof out), 2);
	assert_string_equal(out, "/sys/fs/cgroup");
}

struct mlist { size_t n; char dir[32][128], type[32][32]; };

static int m_add(void *arg, const char *dir, const char *type)
{
	struct mlist *m = arg;
	if (m->n < 32) {
		snprintf(m->dir[m->n], sizeof m->dir[0], "%s", dir);
		snprintf(m->type[m->n], sizeof m->type[0], "%s", type);
	}
	m->n++;
	return 0;
}

static int m_stop(void *arg, const char *dir, const char *type)
{
	(void)arg;
	(void)type;
	return strcmp(dir, "/tmp") ? 0 : 7;
}

static void test_mounts(void **st)
{
	(void)st;
	static struct mlist m;
	size_t len;
	/* a router's: the logs' /tmp and /dev are the tmpfs mounts */
	char *b = slurp("mounts-openwrt", &len);
	memset(&m, 0, sizeof m);
	assert_int_equal(parse_mounts(b, len, m_add, &m), 11);
	assert_string_equal(m.dir[4], "/tmp");
	assert_string_equal(m.type[4], "tmpfs");
	assert_string_equal(m.dir[6], "/");
	assert_string_equal(m.type[6], "overlay");
	assert_string_equal(m.dir[7], "/dev");
	assert_string_equal(m.type[10], "bpf");
	assert_int_equal(parse_mounts(b, len, m_stop, NULL), 7);
	/* a VM's: /dev/shm twice (a container's own over the host's), a
	 * blank in a mount point, a ramfs */
	b = slurp("mounts-vm", &len);
	memset(&m, 0, sizeof m);
	assert_int_equal(parse_mounts(b, len, m_add, &m), 21);
	assert_string_equal(m.dir[15], "/dev/shm");
	assert_string_equal(m.dir[16], "/dev/shm");
	assert_string_equal(m.dir[19], "/tmp/sfx/log files");
	assert_string_equal(m.type[19], "tmpfs");
	assert_string_equal(m.dir[20], "/tmp/sfx/r");
	assert_string_equal(m.type[20], "ramfs");
	/* short lines and a cut last line: skipped or read, never past len */
	const char *odd = "none\nnone /a\ntmpfs /t\\134x\\011y tmpfs rw 0 0\ntmpfs /b tmp";
	memset(&m, 0, sizeof m);
	assert_int_equal(parse_mounts(odd, strlen(odd) - 2, m_add, &m), 2);
	assert_string_equal(m.dir[0], "/t\\x\ty");
	assert_string_equal(m.type[1], "t");
	/* a mount point longer than PATH_MAX would be cut into another name */
	static char big[PATH_MAX + 64];
	int k = snprintf(big, sizeof big, "tmpfs /");
	memset(big + k, 'a', PATH_MAX);
	snprintf(big + k + PATH_MAX, sizeof big - (size_t)k - PATH_MAX, " tmpfs rw 0 0\n");
	memset(&m, 0, sizeof m);
	assert_int_equal(parse_mounts(big, strlen(big), m_add, &m), 0);
}

static char notes[4][320];
static size_t nnotes;
static void t_note(struct ctx *c, const char *msg)
{
	(void)c;
	if (nnotes < 4)
		snprintf(notes[nnotes], sizeof notes[0], "%s", msg);
	nnotes++;
}

/* The source on this machine's kernel, in a private mount namespace: a
 * tmpfs with a blank in its name holding 100 KiB, a ramfs, then an umount
 * the next sample must see. */
static void test_statfs_live(void **st)
{
	(void)st;
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip(); /* needs root: mounts */
	static struct tsink t;
	static char buf[64 << 10];
	struct sink s = sink_of(&t);
	char top[] = "/tmp/statfs-test.XXXXXX", tm[128], rm[128], file[160], key[200];
	assert_non_null(mkdtemp(top));
	snprintf(tm, sizeof tm, "%s/log files", top);
	snprintf(rm, sizeof rm, "%s/r", top);
	assert_int_equal(mkdir(tm, 0700), 0);
	assert_int_equal(mkdir(rm, 0700), 0);
	assert_int_equal(mount("iowd-test", tm, "tmpfs", 0, "size=1m"), 0);
	assert_int_equal(mount("iowd-test", rm, "ramfs", 0, NULL), 0);
	snprintf(file, sizeof file, "%s/messages", tm);
	int fd = open(file, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	static char blk[100 << 10];
	memset(blk, 'x', sizeof blk);
	assert_int_equal(write(fd, blk, sizeof blk), (ssize_t)sizeof blk);
	close(fd);

	struct ctx c;
	memset(&c, 0, sizeof c);
	c.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY);
	c.proc_root = "/proc";
	c.sink = &s;
	c.buf = buf;
	c.buf_cap = sizeof buf;
	c.note = t_note;
	nnotes = 0;
	assert_int_equal(source_statfs.init(&c), 0);
	assert_int_equal(source_statfs.sample(&c), 0);
	snprintf(key, sizeof key, "statfs/%s/total_kb", tm);
	assert_int_equal(get(&t, key), 1024);
	snprintf(key, sizeof key, "statfs/%s/used_kb", tm);
	assert_int_equal(get(&t, key), 100);
	snprintf(key, sizeof key, "statfs/%s/avail_kb", tm);
	assert_int_equal(get(&t, key), 924);
	snprintf(key, sizeof key, "statfs/%s/files_free", tm);
	uint64_t files = 0, ffree = get(&t, key);
	snprintf(key, sizeof key, "statfs/%s/files", tm);
	files = get(&t, key);
	assert_int_equal(files - ffree, 2); /* the root directory and the file */
	/* ramfs counts nothing: not a measurement of zero */
	snprintf(key, sizeof key, "statfs/%s/used_kb", rm);
	assert_int_equal(get(&t, key), CAP_NA);
	snprintf(key, sizeof key, "statfs/%s/total_kb", rm);
	assert_int_equal(get(&t, key), CAP_NA);
	assert_int_equal(nnotes, 0);

	/* the kernel flags the table when it changes: the umount is seen */
	assert_int_equal(umount(tm), 0);
	sink_of(&t);
	assert_int_equal(source_statfs.sample(&c), 0);
	snprintf(key, sizeof key, "statfs/%s/used_kb", tm);
	assert_false(has(&t, key, NULL));
	snprintf(key, sizeof key, "statfs/%s/files", rm);
	assert_true(has(&t, key, NULL));
	assert_int_equal(nnotes, 0); /* dropped by the reread, not by the type check */
	source_statfs.fini(&c);
	close(c.proc_fd);
	umount(rm);
	rmdir(tm);
	rmdir(rm);
	rmdir(top);
}

static void test_kmsg_record(void **st)
{
	(void)st;
	struct kmsg_rec r;
	const char *rec = "6,339,5140900,-;NET: Registered protocol family 10\n SUBSYSTEM=net\n";
	assert_int_equal(parse_kmsg(rec, strlen(rec), &r), 0);
	assert_int_equal(r.prio, 6);
	assert_int_equal(r.seq, 339);
	assert_int_equal(r.ts_us, 5140900);
	assert_int_equal(r.len, strlen("NET: Registered protocol family 10"));
	assert_memory_equal(r.text, "NET: Registered protocol family 10", r.len);
	/* extra comma fields (caller id on 5.10+) and ';' inside the text */
	const char *cid = "12,7,99,c,caller=T1;a; b";
	assert_int_equal(parse_kmsg(cid, strlen(cid), &r), 0);
	assert_int_equal(r.prio, 12);
	assert_int_equal(r.len, 4);
	assert_int_equal(parse_kmsg(" KEY=v", 6, &r), -1);
}

static void test_numbers(void **st)
{
	(void)st;
	uint64_t us, v;
	assert_int_equal(parse_seconds_us("0.5", &us), 0);
	assert_int_equal(us, 500000);
	assert_int_equal(parse_seconds_us("1.25", &us), 0);
	assert_int_equal(us, 1250000);
	assert_int_equal(parse_seconds_us(".1", &us), 0);
	assert_int_equal(us, 100000);
	assert_int_equal(parse_seconds_us("0", &us), 0);
	assert_int_equal(us, 0);
	assert_int_equal(parse_seconds_us("-1", &us), -1);
	assert_int_equal(parse_seconds_us("1s", &us), -1);
	assert_int_equal(parse_seconds_us("", &us), -1);
	assert_int_equal(parse_size("20M", &v), 0);
	assert_int_equal(v, 20u << 20);
	assert_int_equal(parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(parse_size("3x", &v), -1);
	const char *c = "0.45";
	assert_non_null(parse_centi(c, c + 4, &v));
	assert_int_equal(v, 45);
	c = "61.5";
	assert_non_null(parse_centi(c, c + 4, &v));
	assert_int_equal(v, 6150);
	char out[32];
	fmt_centi(out, 6100);
	assert_string_equal(out, "61.00");
}

static void test_sysrq_decision(void **st)
{
	(void)st;
	struct sysrq_cfg cfg = SYSRQ_DEFAULTS;
	assert_int_equal(sysrq_parse_when("iowait=60,dtasks=5,psi=12.5,gap=30,max=2", &cfg), 0);
	assert_int_equal(cfg.iowait_pct, 60);
	assert_int_equal(cfg.dtasks, 5);
	assert_int_equal(cfg.psi_centi, 1250);
	assert_int_equal(cfg.gap_us, 30000000);
	assert_int_equal(cfg.max_runs, 2);
	assert_int_equal(sysrq_parse_when("bogus=1", &cfg), -1);
	assert_int_equal(sysrq_parse_mode("every=5", &cfg), 0);
	assert_int_equal(cfg.every_us, 5000000);
	assert_int_equal(sysrq_parse_mode("sometimes", &cfg), -1);

	struct sysrq q;
	memset(&q, 0, sizeof q);
	q.cfg = (struct sysrq_cfg)SYSRQ_DEFAULTS;
	q.trig_fd = 99; /* never written: only the decision is tested */
	char why[200];
	struct health h = { .have_cpu = true, .cpu_total = 1000, .cpu_iowait = 100 };
	assert_false(sysrq_should(&q, &h, 1000000, why, sizeof why)); /* no previous sample */
	/* the seed box: 83% iowait over the interval */
	h.cpu_total = 1100;
	h.cpu_iowait = 183;
	assert_true(sysrq_should(&q, &h, 2000000, why, sizeof why));
	assert_string_equal(why, "iowait=83%");
	q.runs = 1;
	q.last_us = 2000000;
	/* rate limit: 60 s between triggers */
	h.cpu_total = 1200;
	h.cpu_iowait = 283;
	h.dtasks = 5;
	assert_false(sysrq_should(&q, &h, 30000000, why, sizeof why));
	h.cpu_total = 1300;
	h.cpu_iowait = 283;
	h.have_psi_io = true;
	h.psi_io_some10 = 6100;
	assert_true(sysrq_should(&q, &h, 62000001, why, sizeof why));
	assert_string_equal(why, "dtasks=5 psi_io=61.00");
	q.runs = q.cfg.max_runs;
	assert_false(sysrq_should(&q, &h, 999000000, why, sizeof why));
}

static void test_tasks_on_fixture(void **st)
{
	(void)st;
	static struct tsink t;
	struct sink s = sink_of(&t);
	char root[512];
	const char *d = getenv("TEST_DATA");
	snprintf(root, sizeof root, "%s/sick/proc", d ? d : "tests/data");
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.proc_fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(c.proc_fd >= 0);
	c.proc_root = root;
	c.memcg_version = 1;
	c.sink = &s;
	c.page_size = 4096;
	c.h.processes = CAP_NA;
	assert_int_equal(source_tasks.init(&c), 0);
	assert_int_equal(source_tasks.sample(&c), 0);
	assert_int_equal(t.tasks, 11); /* 4 processes, 11 threads */
	bool found = false;
	for (size_t i = 0; i < t.tasks && i < 64; i++) {
		if (t.t[i].tid != 8785)
			continue;
		found = true;
		assert_string_equal(t.comm[i], "JS Helper");
		assert_int_equal(t.t[i].v[CAP_TF_TGID], 8741);
		assert_int_equal(t.t[i].v[CAP_TF_STATE], 'D');
		assert_string_equal(t.t[i].cgroup, "/scenario");
		assert_int_equal(t.t[i].v[CAP_TF_READ_BYTES], CAP_NA); /* io is on the main thread */
	}
	assert_true(found);
	for (size_t i = 0; i < t.tasks && i < 64; i++)
		if (t.t[i].tid == 8741)
			assert_int_equal(t.t[i].v[CAP_TF_READ_BYTES], 209874944);
	assert_int_equal(c.h.dtasks, 1);
	/* again: same tasks, from the kept fds */
	t.tasks = 0;
	assert_int_equal(source_tasks.sample(&c), 0);
	assert_int_equal(t.tasks, 11);
	source_tasks.fini(&c);
	close(c.proc_fd);
}

static void test_cgroup_v2_fixture(void **st)
{
	(void)st;
	static struct tsink t;
	struct sink s = sink_of(&t);
	char root[512];
	static char buf[64 << 10];
	const char *d = getenv("TEST_DATA");
	snprintf(root, sizeof root, "%s/cgroup-v2", d ? d : "tests/data");
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.proc_root = "/nonexistent";
	c.cgroup_root = root;
	c.cgroup_depth = 3;
	c.sink = &s;
	c.buf = buf;
	c.buf_cap = sizeof buf;
	c.page_size = 4096;
	assert_int_equal(source_cgroup.init(&c), 0);
	assert_int_equal(c.memcg_version, 2);
	assert_int_equal(source_cgroup.sample(&c), 0);
	assert_int_equal(get(&t, "cgroup///version"), 2);
	assert_int_equal(get(&t, "cgroup//app/usage"), 360710144);
	assert_int_equal(get(&t, "cgroup//app/limit"), 419430400);
	assert_int_equal(get(&t, "cgroup//app/anon"), 358612992);
	assert_int_equal(get(&t, "cgroup//app/events.oom_kill"), 0);
	assert_int_equal(get(&t, "cgroup//app/events.max"), 1423);
	assert_int_equal(get(&t, "cgroup//app/psi_some_avg10"), 661);
	assert_int_equal(get(&t, "cgroup//app/psi_full_total"), 9811034);
	assert_int_equal(get(&t, "cgroup//app/logd/limit"), CAP_NA); /* "max" */
	source_cgroup.fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_10_values),
		cmocka_unit_test(test_stat_7_values),
		cmocka_unit_test(test_meminfo_2_4_table),
		cmocka_unit_test(test_meminfo_vmstat_modern),
		cmocka_unit_test(test_diskstats_14_18_20),
		cmocka_unit_test(test_psi),
		cmocka_unit_test(test_loadavg),
		cmocka_unit_test(test_task_stat_parens),
		cmocka_unit_test(test_task_io_and_wchan),
		cmocka_unit_test(test_cgroup_paths),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_statfs_live),
		cmocka_unit_test(test_kmsg_record),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sysrq_decision),
		cmocka_unit_test(test_tasks_on_fixture),
		cmocka_unit_test(test_cgroup_v2_fixture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
