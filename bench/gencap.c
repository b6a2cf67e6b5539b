/* gencap.c - writes synthetic captures with the real writer, for the
 * benchmark and the tests (which #include this file with GENCAP_NO_MAIN).
 *
 *   gencap OUT [--scenario seed|cgroup|writer|healthy|late] [--seconds S]
 *              [--tasks N] [--interval S] [--frame S]
 *
 * seed:    the field report: Linux 4.9 armv7, 650 MB, no swap; logd leaks
 *          2 -> 290 MB from 30% to 60% of the run; from 50% kswapd0 burns
 *          CPU, Cached collapses, majflt/refaults soar, apps sit in D in
 *          filemap_fault, iowait ~80%, eMMC reads ~30 MB/s; a sysrq-w dump.
 * cgroup:  the scenarios/README thrash on 6.x: leak inside a 400 MB memory
 *          cgroup on a 24 GB host; global pgscan stays 0; few major faults
 *          (exec read-around) but many refaults; cgroup file pages collapse;
 *          PSI io/memory rise; D in folio_wait_bit_common.
 * writer:  a dd writes 100 MB/s on a 4 GB box with plenty of memory.
 * healthy: nothing happens.
 * late:    the seed story, but the capture starts after the fault began.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap.h"

struct gen_opts {
	const char *scenario;
	double seconds, interval;
	int tasks;
};

static double gen_frame_s; /* --frame: frame length in seconds; 0 = the writer's default */

struct gtask {
	uint32_t tid, tgid;
	const char *comm;
	uint64_t utime, stime, majflt, minflt, rss, rd, wr, start, flags;
	char state;
	const char *wchan;
	const char *cgroup;
};

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
static double frand(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

/* 0 before a, 1 after b, linear between */
static double ramp(double x, double a, double b)
{
	return x <= a ? 0 : x >= b ? 1 : (x - a) / (b - a);
}

static const char *const seed_dump[] = {
	"sysrq: SysRq : Show Blocked State",
	"  task                PC stack   pid father",
	"logd            D    0   493      1 0x00000000",
	"[<c05ef3e4>] (__schedule) from [<c05ef724>] (schedule+0x40/0xa0)",
	"[<c05ef724>] (schedule) from [<c05f22a8>] (schedule_timeout+0x134/0x174)",
	"[<c05f22a8>] (schedule_timeout) from [<c05ef21c>] (io_schedule_timeout+0x7c/0xb4)",
	"[<c05ef21c>] (io_schedule_timeout) from [<c05eff18>] (bit_wait_io+0x10/0x5c)",
	"[<c05eff18>] (bit_wait_io) from [<c05efb94>] (__wait_on_bit+0x60/0xb8)",
	"[<c05efb94>] (__wait_on_bit) from [<c018e468>] (wait_on_page_bit_killable+0x88/0x98)",
	"[<c018e468>] (wait_on_page_bit_killable) from [<c018eea0>] (__lock_page_or_retry+0xb0/0xec)",
	"[<c018eea0>] (__lock_page_or_retry) from [<c018f394>] (filemap_fault+0x4b8/0x5f4)",
	"[<c018f394>] (filemap_fault) from [<c0252570>] (ext4_filemap_fault+0x2c/0x40)",
	"[<c0252570>] (ext4_filemap_fault) from [<c01b14fc>] (__do_fault+0x68/0xe8)",
	"[<c01b14fc>] (__do_fault) from [<c01b5218>] (handle_mm_fault+0x600/0xa74)",
	"[<c01b5218>] (handle_mm_fault) from [<c0112088>] (do_page_fault+0x124/0x2bc)",
	"app             D    0  2469      1 0x00000000",
	"[<c05ef3e4>] (__schedule) from [<c05ef724>] (schedule+0x40/0xa0)",
	"[<c05ef724>] (schedule) from [<c05f22a8>] (schedule_timeout+0x134/0x174)",
	"[<c05f22a8>] (schedule_timeout) from [<c05ef21c>] (io_schedule_timeout+0x7c/0xb4)",
	"[<c05ef21c>] (io_schedule_timeout) from [<c05eff18>] (bit_wait_io+0x10/0x5c)",
	"[<c05eff18>] (bit_wait_io) from [<c05efb94>] (__wait_on_bit+0x60/0xb8)",
	"[<c05efb94>] (__wait_on_bit) from [<c018e468>] (wait_on_page_bit_killable+0x88/0x98)",
	"[<c018e468>] (wait_on_page_bit_killable) from [<c018eea0>] (__lock_page_or_retry+0xb0/0xec)",
	"[<c018eea0>] (__lock_page_or_retry) from [<c018f394>] (filemap_fault+0x4b8/0x5f4)",
	"[<c018f394>] (filemap_fault) from [<c0252570>] (ext4_filemap_fault+0x2c/0x40)",
	"[<c0252570>] (ext4_filemap_fault) from [<c01b14fc>] (__do_fault+0x68/0xe8)",
	NULL,
};

static void group(struct cap_writer *w, const char *src, const char *inst, const char *const *names,
		  const uint64_t *vals, int n)
{
	cap_group_begin(w, src, inst);
	for (int i = 0; i < n; i++)
		cap_group_value(w, names[i], vals[i]);
	cap_group_end(w);
}

/* A scenario's run: what it is, its tasks, and the counters it carries
 * from sample to sample. */
struct gen {
	bool seed, cg, writer, late;
	double iv;       /* seconds a sample */
	double memtotal; /* kB */
	uint64_t start_us;
	struct gtask *t;
	int nt;
	double c_cpu[8], pgmaj, refault, scank, steal, alloc, rd_ios, rd_sec, wr_ios, wr_sec, io_ticks, cg_maj,
	       cg_ref, psi_io_total;
	uint64_t trig;
};

/* Where sample s stands in the story, and what its steps hand on to the
 * later ones (the tasks follow the system's rates). */
struct phase {
	int s;
	double x;    /* position in the run, 0..1 */
	double leak; /* 0..1: logd's (or the cgroup's) growth */
	double th;   /* 0..1: thrash intensity */
	double wr;   /* 0..1: the writer's dd */
	int dtasks;  /* tasks in D */
	double logd_kb, memfree, dirty, wb;
	double maj_ps, ref_ps, r_mb, w_mb;
};

static void gen_header(struct cap_header *h, const struct gen *g)
{
	memset(h, 0, sizeof *h);
	snprintf(h->writer, sizeof h->writer, "gencap 1");
	snprintf(h->host, sizeof h->host, g->cg ? "lab-vm" : g->writer ? "nas" : "OpenWrt");
	snprintf(h->kernel, sizeof h->kernel, g->cg ? "6.18.0" : g->writer ? "5.15.0" : "4.9.37");
	snprintf(h->machine, sizeof h->machine, g->cg || g->writer ? "x86_64" : "armv7l");
	snprintf(h->options, sizeof h->options, "-i %g --sysrq auto", g->iv);
	h->page_size = 4096;
	h->user_hz = 100;
	h->ncpu = 2;
	h->boot_time_us = 1647500000000000ull;
	h->start_us = 1647534480000000ull;
	h->interval_us = (uint64_t)(g->iv * 1e6);
	h->capture_id = 0x5eed0001;
}

/* The story's cast (kswapd, the leaking logd, the apps that wait, the
 * eMMC thread), then filler daemons up to nt; -1 out of memory. */
static int gen_tasks(struct gen *g, int nt)
{
	g->t = calloc((size_t)nt + 8, sizeof *g->t);
	if (!g->t)
		return -1;
	static const char *const names[] = { "ubusd", "netifd", "dnsmasq", "dropbear", "procd", "hostapd",
					     "media_service", "device_service", "uhttpd", "ntpd", "odhcpd", "crond" };
	struct gtask *t = g->t;
	bool cg = g->cg;
	int k = 0;
	const char *appcg = cg ? "/seedleak" : "";
	t[k++] = (struct gtask){ .tid = 31, .tgid = 31, .comm = "kswapd0", .flags = 0x00200040, .rss = 0, .start = 5 };
	t[k++] = (struct gtask){ .tid = 493, .tgid = 493, .comm = "logd", .rss = 600, .start = 900, .cgroup = appcg };
	t[k++] = (struct gtask){ .tid = 2469, .tgid = 2469, .comm = cg ? "appsrv" : "app", .rss = 20000, .start = 1500, .cgroup = appcg };
	t[k++] = (struct gtask){ .tid = 2495, .tgid = 2469, .comm = cg ? "appsrv" : "app", .rss = 20000, .start = 1501, .cgroup = appcg };
	t[k++] = (struct gtask){ .tid = 3242, .tgid = 3242, .comm = cg ? "appsrv" : "videocapture", .rss = 9000, .start = 1600, .cgroup = appcg };
	t[k++] = (struct gtask){ .tid = 3258, .tgid = 3258, .comm = g->writer ? "dd" : "tracker", .rss = 3000, .start = 1700 };
	t[k++] = (struct gtask){ .tid = 67, .tgid = 67, .comm = "mmcqd/0", .flags = 0x00200040, .start = 6 };
	for (; k < nt; k++)
		t[k] = (struct gtask){ .tid = (uint32_t)(4000 + k * 3), .tgid = (uint32_t)(4000 + k * 3),
				       .comm = names[k % 12], .rss = 300 + rnd() % 3000, .start = 2000 + (uint64_t)k };
	for (int i = 0; i < nt; i++)
		t[i].state = 'S';
	g->nt = nt;
	return 0;
}

static void gen_phase(const struct gen *g, int s, int n, struct phase *p)
{
	memset(p, 0, sizeof *p);
	p->s = s;
	p->x = (double)s / n;
	if (g->late)
		p->x = 0.55 + 0.45 * p->x; /* the capture starts inside the fault */
	p->leak = g->seed || g->cg ? ramp(p->x, 0.30, 0.60) : 0;
	p->th = g->seed || g->cg ? ramp(p->x, 0.48, 0.52) : 0;
	p->wr = g->writer ? ramp(p->x, 0.45, 0.47) : 0;
}

/* CPU ticks per interval for 2 CPUs at USER_HZ 100 */
static void gen_cpu(struct cap_writer *w, struct gen *g, const struct phase *p)
{
	bool seed = g->seed, cg = g->cg, writer = g->writer;
	double th = p->th, wr = p->wr, tot = 200 * g->iv;
	double iow = seed ? 0.80 * th : cg ? 0.52 * th : writer ? 0.30 * wr : 0;
	double sys = 0.03 + (seed ? 0.15 * th : cg ? 0.12 * th : 0.10 * wr), usr = 0.05;
	if (iow + sys + usr > 0.98)
		iow = 0.98 - sys - usr;
	double idle = 1 - iow - sys - usr;
	double *c_cpu = g->c_cpu;
	c_cpu[0] += usr * tot; c_cpu[2] += sys * tot; c_cpu[3] += idle * tot; c_cpu[4] += iow * tot;
	static const char *const cn[] = { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal" };
	uint64_t cv[8];
	for (int i = 0; i < 8; i++)
		cv[i] = (uint64_t)c_cpu[i];
	group(w, "cpu", "cpu", cn, cv, 8);
	for (int c = 0; c < 2; c++) {
		char inst[16];
		snprintf(inst, sizeof inst, "cpu%d", c);
		uint64_t hv[8];
		for (int i = 0; i < 8; i++)
			hv[i] = cv[i] / 2;
		group(w, "cpu", inst, cn, hv, 8);
	}
}

/* /proc/stat's scalars and loadavg */
static void gen_stat(struct cap_writer *w, const struct gen *g, struct phase *p)
{
	bool seed = g->seed, cg = g->cg, writer = g->writer;
	double th = p->th, wr = p->wr;
	int s = p->s;
	static const char *const stn[] = { "ctxt", "intr", "processes", "procs_running", "procs_blocked", "btime" };
	p->dtasks = seed ? (int)(6 * th) : cg ? (int)(3 * th) : writer ? (int)(1 + wr) * (wr > 0) : 0;
	uint64_t stv[6] = { (uint64_t)s * 3000, (uint64_t)s * 5000, 5000 + (uint64_t)s / 100, 1, (uint64_t)p->dtasks, 1647500000 };
	group(w, "stat", "", stn, stv, 6);
	static const char *const ln[] = { "load1", "load5", "load15", "running", "total", "last_pid" };
	uint64_t lv[6] = { (uint64_t)(30 + 1200 * (seed ? th : cg ? th / 2 : wr)), 30, 30, 1, 180, 16000 };
	group(w, "loadavg", "", ln, lv, 6);
}

/* memory, kB: logd's leak eats MemFree, the thrash eats Cached */
static void gen_meminfo(struct cap_writer *w, const struct gen *g, struct phase *p)
{
	bool seed = g->seed, cg = g->cg, writer = g->writer;
	double th = p->th, wr = p->wr, memtotal = g->memtotal;
	double logd_kb = 2400 + (seed ? 288000 : cg ? 343000 : 0) * p->leak;
	double cached = seed ? 230000 - 225000 * th : cg ? 600000 : writer ? 2500000 : 200000;
	double memfree = seed ? 380000 - (logd_kb - 2400) : memtotal * 0.5;
	if (seed && memfree < 8000)
		memfree = 8000 + 2000 * frand();
	if (seed && th > 0 && memfree > 12000)
		memfree = 9000;
	double avail = seed ? memfree + cached * 0.8 : memtotal * 0.45;
	double dirty = writer ? 400000 * wr + 100 : 120, wb = writer ? 60000 * wr : 0;
	const char *mn[] = { "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active",
			     "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)",
			     "Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Dirty", "Writeback", "AnonPages",
			     "Mapped", "Shmem", "Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables",
			     "NFS_Unstable", "Bounce", "WritebackTmp", "CommitLimit", "Committed_AS",
			     "VmallocTotal", "VmallocUsed", "VmallocChunk" };
	uint64_t mv[34] = { (uint64_t)memtotal, (uint64_t)memfree, (uint64_t)avail, 116, (uint64_t)cached, 0,
			    (uint64_t)(logd_kb + cached / 2), (uint64_t)(cached / 2), (uint64_t)logd_kb, 0,
			    (uint64_t)(cached / 2), (uint64_t)(cached / 2), 0, 0, 0, 0, (uint64_t)dirty, (uint64_t)wb,
			    (uint64_t)(logd_kb + 40000), 30000, 1448, 22000, 9000, 13000, 1200, 3000, 0, 0, 0,
			    (uint64_t)memtotal / 2, 900000, 1u << 30, 0, 0 };
	group(w, "meminfo", "", mn, mv, 34);
	p->logd_kb = logd_kb;
	p->memfree = memfree;
	p->dirty = dirty;
	p->wb = wb;
}

/* vmstat's names and values, built up */
struct vlist {
	char name[160][40];
	const char *names[160];
	uint64_t v[160];
	int n;
};

static void vput(struct vlist *l, const char *name, double val)
{
	snprintf(l->name[l->n], sizeof l->name[l->n], "%s", name);
	l->v[l->n] = (uint64_t)val;
	l->names[l->n] = l->name[l->n];
	l->n++;
}

/* vmstat: each kernel generation's names for reclaim and refaults, the
 * rates per interval of the story, then filler up to a real line count */
static void gen_vmstat(struct cap_writer *w, struct gen *g, struct phase *p)
{
	bool seed = g->seed, cg = g->cg, writer = g->writer;
	double th = p->th, wr = p->wr, iv = g->iv;
	double maj_ps = seed ? 2000 * th : cg ? 10 * th : 0.5, ref_ps = seed ? 2500 * th : cg ? 11000 * th : 0;
	double scan_ps = seed ? 30000 * th : writer ? 2000 * wr : 0, steal_ps = seed ? 3000 * th : writer ? 1900 * wr : 0;
	g->pgmaj += maj_ps * iv; g->refault += ref_ps * iv; g->scank += scan_ps * iv; g->steal += steal_ps * iv;
	g->alloc += seed ? 2 * th * iv : 0;
	struct vlist l;
	l.n = 0;
	vput(&l, "nr_free_pages", p->memfree / 4); vput(&l, "nr_dirty", p->dirty / 4); vput(&l, "nr_writeback", p->wb / 4);
	vput(&l, "pgpgin", g->rd_sec / 2); vput(&l, "pgpgout", g->wr_sec / 2); vput(&l, "pswpin", 0); vput(&l, "pswpout", 0);
	vput(&l, "pgmajfault", g->pgmaj); vput(&l, "pgfault", g->pgmaj * 40 + p->s * 100.0);
	if (cg) {
		vput(&l, "workingset_refault_anon", 0); vput(&l, "workingset_refault_file", g->refault);
		vput(&l, "pgscan_kswapd", 0); vput(&l, "pgscan_direct", 0); vput(&l, "pgsteal_kswapd", 0); vput(&l, "pgsteal_direct", 0);
		vput(&l, "pgscan_direct_throttle", 5);
		vput(&l, "allocstall_normal", 0); vput(&l, "allocstall_movable", 0); vput(&l, "oom_kill", 0);
	} else if (seed) {
		vput(&l, "workingset_refault", g->refault);
		vput(&l, "pgscan_kswapd", g->scank); vput(&l, "pgscan_direct", g->scank / 20); vput(&l, "pgsteal_kswapd", g->steal);
		vput(&l, "pgsteal_direct", g->steal / 20); vput(&l, "pgscan_direct_throttle", 1000000); vput(&l, "allocstall", g->alloc);
	} else {
		vput(&l, "workingset_refault_file", g->refault);
		vput(&l, "pgscan_kswapd", g->scank); vput(&l, "pgscan_direct", 0); vput(&l, "pgsteal_kswapd", g->steal); vput(&l, "pgsteal_direct", 0);
		vput(&l, "allocstall_normal", 0); vput(&l, "allocstall_movable", 0); vput(&l, "oom_kill", 0);
	}
	while (l.n < (cg ? 150 : 110)) {
		char nm[40];
		snprintf(nm, sizeof nm, "nr_zone_filler_%d", l.n);
		vput(&l, nm, 1000 + l.n);
	}
	group(w, "vmstat", "", l.names, l.v, l.n);
	p->maj_ps = maj_ps;
	p->ref_ps = ref_ps;
}

/* the disk the story reads from, its partition, and an idle loop device */
static void gen_disks(struct cap_writer *w, struct gen *g, struct phase *p)
{
	bool seed = g->seed, cg = g->cg, writer = g->writer;
	double th = p->th, wr = p->wr, iv = g->iv;
	double r_ps = seed ? 1900 * th + 2 : cg ? 2000 * th : 1, r_mb = seed ? 30 * th : cg ? 7.8 * th : 0.01;
	double w_ps = writer ? 800 * wr : 2, w_mb = writer ? 100 * wr : 0.02;
	double util = seed ? 100 * th : cg ? 12 * th : writer ? 100 * wr : 1;
	g->rd_ios += r_ps * iv; g->rd_sec += r_mb * 1e6 / 512 * iv; g->wr_ios += w_ps * iv; g->wr_sec += w_mb * 1e6 / 512 * iv;
	g->io_ticks += util * 10 * iv;
	static const char *const dn[] = { "major", "minor", "rd_ios", "rd_merges", "rd_sectors", "rd_ticks",
					  "wr_ios", "wr_merges", "wr_sectors", "wr_ticks", "in_flight", "io_ticks",
					  "time_in_queue" };
	uint64_t dv[13] = { 179, 0, (uint64_t)g->rd_ios, 0, (uint64_t)g->rd_sec, (uint64_t)g->rd_ios * 3, (uint64_t)g->wr_ios, 0,
			    (uint64_t)g->wr_sec, (uint64_t)g->wr_ios * 2, (uint64_t)p->dtasks, (uint64_t)g->io_ticks,
			    (uint64_t)g->io_ticks * 2 };
	const char *dname = cg ? "vda" : writer ? "sda" : "mmcblk0";
	group(w, "disk", dname, dn, dv, 13);
	uint64_t pv[13];
	memcpy(pv, dv, sizeof pv);
	pv[1] = 1;
	group(w, "disk", cg ? "vda1" : writer ? "sda1" : "mmcblk0p1", dn, pv, 13);
	uint64_t lo[13] = { 7, 0 };
	group(w, "disk", "loop0", dn, lo, 13);
	p->r_mb = r_mb;
	p->w_mb = w_mb;
}

/* PSI: 4.20+, so not on the seed's 4.9 */
static void gen_psi(struct cap_writer *w, struct gen *g, const struct phase *p)
{
	static const char *const pn[] = { "some_avg10", "some_avg60", "some_avg300", "some_total",
					  "full_avg10", "full_avg60", "full_avg300", "full_total" };
	double pio = g->cg ? 6100 * p->th : g->writer ? 3000 * p->wr : 0, pmem = g->cg ? 660 * p->th : 0;
	g->psi_io_total += pio * 100 * g->iv;
	uint64_t a[8] = { (uint64_t)pio, (uint64_t)pio, (uint64_t)pio / 2, (uint64_t)g->psi_io_total,
			  (uint64_t)(pio * 0.9), 0, 0, (uint64_t)g->psi_io_total / 2 };
	group(w, "psi", "io", pn, a, 8);
	uint64_t m[8] = { (uint64_t)pmem, 0, 0, 0, (uint64_t)(pmem * 0.9), 0, 0, 0 };
	group(w, "psi", "memory", pn, m, 8);
	uint64_t c[8] = { 100, 0, 0, 0 };
	group(w, "psi", "cpu", pn, c, 4);
}

/* the cgroup scenario's v1 memory cgroup, and the root */
static void gen_cgroup(struct cap_writer *w, struct gen *g, const struct phase *p)
{
	g->cg_maj += p->maj_ps * g->iv;
	g->cg_ref += p->ref_ps * g->iv;
	double file = (256 - 206 * p->th) * 1048576.0, anon = (3 + 343 * p->leak) * 1048576.0;
	static const char *const gn[] = { "version", "usage", "limit", "cache", "rss", "mapped_file",
					  "pgmajfault", "workingset_refault_file", "total_cache", "total_rss",
					  "total_pgmajfault" };
	uint64_t gv[11] = { 1, (uint64_t)(file + anon), 400ull << 20, (uint64_t)file, (uint64_t)anon,
			    (uint64_t)file, (uint64_t)g->cg_maj, (uint64_t)g->cg_ref, (uint64_t)file, (uint64_t)anon,
			    (uint64_t)g->cg_maj };
	group(w, "cgroup", "/seedleak", gn, gv, 11);
	uint64_t rv[3] = { 1, 2ull << 30, 9223372036854771712ull };
	group(w, "cgroup", "/", gn, rv, 3);
}

/* One task's sample: kswapd burns CPU in the thrash, logd grows, the
 * writer's dd writes, the victims fault and wait in D, the rest idle. */
static void gen_task_step(const struct gen *g, struct gtask *k, int i, const struct phase *p)
{
	bool seed = g->seed, cg = g->cg, writer = g->writer;
	double th = p->th, wr = p->wr, iv = g->iv;
	bool victim = (seed || cg) && th > 0.5 && (k->tid == 2469 || k->tid == 2495 || k->tid == 3242 ||
						   (seed && (k->tid == 3258 || k->tid == 493)));
	if (k->tid == 31)
		k->stime += (uint64_t)((seed ? 80 * th : 0.02) * iv + (frand() < 0.05));
	else if (k->tid == 493) {
		k->rss = (uint64_t)(p->logd_kb / 4);
		k->utime += frand() < 0.3;
	} else if (writer && k->tid == 3258) {
		k->wr += (uint64_t)(p->w_mb * 1e6 * iv);
		k->stime += (uint64_t)(30 * wr * iv);
		k->state = wr > 0 && frand() < 0.6 ? 'D' : 'R';
		k->wchan = k->state == 'D' ? "balance_dirty_pages" : NULL;
	} else if (i < 7 || frand() < 0.1) {
		k->utime += rnd() % 3;
		k->minflt += rnd() % 20;
	}
	if (victim) {
		k->majflt += (uint64_t)(p->maj_ps / 4 * iv);
		k->rd += (uint64_t)(p->r_mb * 1e6 / 5 * iv);
		k->state = frand() < 0.9 ? 'D' : 'R';
		k->wchan = k->state == 'D' ? (cg ? "folio_wait_bit_common" : "filemap_fault") : NULL;
	} else if (!(writer && k->tid == 3258)) {
		k->state = k->tid == 31 && th > 0 ? 'R' : 'S';
		k->wchan = NULL;
	}
}

static int gen_task_write(struct cap_writer *w, const struct gtask *k)
{
	struct cap_task_in in = { .tid = k->tid, .comm = k->comm, .wchan = k->wchan, .cgroup = k->cgroup };
	in.v[CAP_TF_TGID] = k->tgid;
	in.v[CAP_TF_PPID] = 1;
	in.v[CAP_TF_STATE] = (uint64_t)k->state;
	in.v[CAP_TF_START] = k->start;
	in.v[CAP_TF_UTIME] = k->utime;
	in.v[CAP_TF_STIME] = k->stime;
	in.v[CAP_TF_MINFLT] = k->minflt;
	in.v[CAP_TF_MAJFLT] = k->majflt;
	in.v[CAP_TF_RSS] = k->rss;
	in.v[CAP_TF_VSIZE] = k->rss * 4096 * 3;
	in.v[CAP_TF_FLAGS] = k->flags;
	in.v[CAP_TF_RCHAR] = k->rd / 100;
	in.v[CAP_TF_WCHAR] = k->wr;
	in.v[CAP_TF_READ_BYTES] = k->flags ? CAP_NA : k->rd; /* kernel threads have no io */
	in.v[CAP_TF_WRITE_BYTES] = k->flags ? CAP_NA : k->wr;
	return cap_task(w, &in);
}

/* one sysrq-w answered in the middle of the thrash */
static void gen_dump(struct cap_writer *w, struct gen *g, const struct phase *p)
{
	if (!(g->seed || g->cg) || p->th < 1 || g->trig || p->x <= 0.62)
		return;
	g->trig = 1;
	cap_text(w, CAP_TXT_TRIGGER, CAP_NA, CAP_NA, CAP_NA, g->trig, "w iowait 80%", 12);
	uint64_t ts = 49686374707ull;
	for (int l = 0; seed_dump[l]; l++)
		cap_text(w, CAP_TXT_KMSG, ts + (uint64_t)l * 5000, 1000 + (uint64_t)l, 6, g->trig, seed_dump[l],
			 strlen(seed_dump[l]));
}

/* Sample s of n, source by source as capture writes them; -1 when the
 * writer failed. */
static int gen_sample(struct cap_writer *w, struct gen *g, int s, int n)
{
	struct phase p;
	gen_phase(g, s, n, &p);
	uint64_t wall = g->start_us + (uint64_t)((double)s * g->iv * 1e6),
		 mono = 5000000000ull + (uint64_t)((double)s * g->iv * 1e6);
	if (cap_sample_begin(w, wall, mono))
		return -1;
	gen_cpu(w, g, &p);
	gen_stat(w, g, &p);
	gen_meminfo(w, g, &p);
	gen_vmstat(w, g, &p);
	gen_disks(w, g, &p);
	if (!g->seed)
		gen_psi(w, g, &p);
	if (g->cg)
		gen_cgroup(w, g, &p);
	static const char *const sn[] = { "rss_kb", "utime", "stime", "majflt" };
	uint64_t sv[4] = { 3000, (uint64_t)s / 50, (uint64_t)s / 80, 0 };
	group(w, "self", "", sn, sv, 4);
	int rc = 0;
	for (int i = 0; i < g->nt; i++) {
		gen_task_step(g, &g->t[i], i, &p);
		if (gen_task_write(w, &g->t[i])) {
			rc = -1;
			break;
		}
	}
	gen_dump(w, g, &p);
	if (cap_sample_end(w, 1500))
		rc = -1;
	/* a flush point every 10 samples, as capture at 1 Hz; the writer
	 * ends a frame every CAP_FRAME_US_DEFAULT */
	if ((s + 1) % 10 == 0 && cap_flush_point(w) < 0)
		rc = -1;
	return rc;
}

/* Returns 0, or -1 when the writer failed. */
static int gencap_write(const struct gen_opts *o, cap_write_fn fn, void *ctx)
{
	const char *sc = o->scenario ? o->scenario : "seed";
	struct gen g = {
		.seed = !strcmp(sc, "seed") || !strcmp(sc, "late"), .cg = !strcmp(sc, "cgroup"),
		.writer = !strcmp(sc, "writer"), .late = !strcmp(sc, "late"),
		.iv = o->interval > 0 ? o->interval : 1,
		.pgmaj = 1000, .refault = 500, .rd_ios = 1e5, .rd_sec = 1e7, .wr_ios = 5e4, .wr_sec = 4e6, .io_ticks = 1e6,
	};
	int n = (int)(o->seconds / g.iv);
	if (n < 2)
		n = 2;
	struct cap_header h;
	gen_header(&h, &g);
	g.start_us = h.start_us;
	struct cap_writer_limits lim = { .max_tasks = 8192, .frame_us = (uint64_t)(gen_frame_s * 1e6) };
	struct cap_writer *w = cap_writer_new(&h, &lim, fn, ctx);
	if (!w)
		return -1;
	g.memtotal = g.cg ? 24.0 * 1024 * 1024 : g.writer ? 4.0 * 1024 * 1024 : 650.0 * 1024;
	if (gen_tasks(&g, o->tasks > 0 ? o->tasks : 40)) {
		cap_writer_free(w);
		return -1;
	}
	int rc = 0;
	for (int s = 0; s < n && !rc; s++)
		rc = gen_sample(w, &g, s, n);
	if (!rc && cap_writer_close(w))
		rc = -1;
	cap_writer_free(w);
	free(g.t);
	return rc;
}

#ifndef GENCAP_NO_MAIN
static int file_write(void *ctx, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct gen_opts o = { "seed", 3600, 1, 40 };
	const char *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scenario") && i + 1 < argc)
			o.scenario = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			o.seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--tasks") && i + 1 < argc)
			o.tasks = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--interval") && i + 1 < argc)
			o.interval = atof(argv[++i]);
		else if (!strcmp(argv[i], "--frame") && i + 1 < argc)
			gen_frame_s = atof(argv[++i]);
		else if (argv[i][0] != '-' && !out)
			out = argv[i];
		else {
			fprintf(stderr, "usage: gencap OUT [--scenario seed|cgroup|writer|healthy|late] [--seconds S] [--tasks N] [--interval S] [--frame S]\n");
			return 2;
		}
	}
	if (!out) {
		fprintf(stderr, "gencap: no OUT file given\n");
		return 2;
	}
	FILE *f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return 1;
	}
	int rc = gencap_write(&o, file_write, f);
	if (fclose(f) || rc) {
		fprintf(stderr, "gencap: writing %s failed\n", out);
		return 1;
	}
	return 0;
}
#endif
