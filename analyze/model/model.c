/* model.c - turns the record stream into per-sample system metrics and
 * bucketed per-entity series (see model.h for the memory bound).
 *
 * Rates are derived here, and only here, from raw counters, because the
 * names differ between kernels: pgscan_kswapd (4.8+) vs
 * pgscan_kswapd_{dma,normal,movable,...} (zoned, summed); allocstall vs
 * allocstall_*; workingset_refault (<5.9) vs workingset_refault_file.
 */
#include "model.h"
#include "fnv.h"
#include "hash.h"
#include "tidy.h"
#include "xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct metric_info metric_info[M_COUNT] = {
	[M_CPU_USR] = { "cpu_usr_pct", "usr%", "% of all CPUs", 0 },
	[M_CPU_SYS] = { "cpu_sys_pct", "sys%", "% of all CPUs", 0 },
	[M_CPU_IOWAIT] = { "cpu_iowait_pct", "iowt%", "% of all CPUs", 0 },
	[M_CPU_IDLE] = { "cpu_idle_pct", "idle%", "% of all CPUs", 0 },
	[M_CPU_STEAL] = { "cpu_steal_pct", "steal%", "% of all CPUs", 0 },
	[M_MEMTOTAL] = { "memtotal_kb", "MemTotal", "kB", 0 },
	[M_MEMFREE] = { "memfree_kb", "MemFree", "kB", 0 },
	[M_MEMAVAIL] = { "memavailable_kb", "MemAvail", "kB", 0 },
	[M_CACHED] = { "cached_kb", "Cached", "kB", 0 },
	[M_SHMEM] = { "shmem_kb", "Shmem", "kB", 0 },
	[M_SLAB] = { "slab_kb", "Slab", "kB", 0 },
	[M_SUNRECL] = { "sunreclaim_kb", "SUnrecl", "kB", 0 },
	[M_ANON] = { "anonpages_kb", "Anon", "kB", 0 },
	[M_DIRTY] = { "dirty_kb", "Dirty", "kB", 0 },
	[M_WRITEBACK] = { "writeback_kb", "Writeback", "kB", 0 },
	[M_SWAPUSED] = { "swapused_kb", "SwapUsed", "kB", 0 },
	[M_MAJFLT] = { "majflt_ps", "majflt/s", "faults/s", 0 },
	[M_REFAULT] = { "refault_ps", "refault/s", "pages/s", 0 },
	[M_PGSCAN_K] = { "pgscan_kswapd_ps", "scanK/s", "pages/s", 0 },
	[M_PGSCAN_D] = { "pgscan_direct_ps", "scanD/s", "pages/s", 0 },
	[M_PGSTEAL] = { "pgsteal_ps", "steal/s", "pages/s", 0 },
	[M_ALLOCSTALL] = { "allocstall_ps", "stall/s", "stalls/s", 1 },
	[M_PSWPIN] = { "pswpin_ps", "swpin/s", "pages/s", 0 },
	[M_PSWPOUT] = { "pswpout_ps", "swpout/s", "pages/s", 0 },
	[M_OOMKILL] = { "oom_kills", "oom", "kills in the interval", 0 },
	[M_DISK_RPS] = { "disk_reads_ps", "rd/s", "reads/s (busy disks)", 0 },
	[M_DISK_RMBPS] = { "disk_read_mbps", "rdMB/s", "MB/s (busy disks)", 1 },
	[M_DISK_WPS] = { "disk_writes_ps", "wr/s", "writes/s (busy disks)", 0 },
	[M_DISK_WMBPS] = { "disk_write_mbps", "wrMB/s", "MB/s (busy disks)", 1 },
	[M_DISK_UTIL] = { "disk_util_pct", "util%", "% busy (busiest disk)", 0 },
	[M_TASKS_D] = { "tasks_d", "D", "tasks in D state", 0 },
	[M_TASKS_R] = { "tasks_r", "R", "tasks runnable", 0 },
	[M_PROCS_RUN] = { "procs_running", "run", "tasks (/proc/stat)", 0 },
	[M_LOAD1] = { "load1", "load1", "load average", 2 },
	[M_PSI_CPU] = { "psi_cpu_some", "psiC", "% avg10", 1 },
	[M_PSI_MEM] = { "psi_mem_some", "psiM", "% avg10", 1 },
	[M_PSI_MEM_FULL] = { "psi_mem_full", "psiMf", "% avg10", 1 },
	[M_PSI_IO] = { "psi_io_some", "psiIO", "% avg10", 1 },
	[M_PSI_IO_FULL] = { "psi_io_full", "psiIOf", "% avg10", 1 },
	[M_KSWAPD_CPU] = { "kswapd_cpu_pct", "kswapd%", "% of one CPU", 0 },
	[M_STRESS] = { "stress", "stress", "0..1 health signal", 2 },
};

/* ------------------------------------------------------------ raw slots */

enum raw {
	R_PROCS_RUNNING,
	R_CPU_USER, R_CPU_NICE, R_CPU_SYS, R_CPU_IDLE, R_CPU_IOWAIT, R_CPU_IRQ, R_CPU_SOFTIRQ, R_CPU_STEAL,
	R_LOAD1,
	R_MEMTOTAL, R_MEMFREE, R_MEMAVAIL, R_BUFFERS, R_CACHED, R_SHMEM, R_SLAB, R_SRECL, R_SUNRECL,
	R_ANON, R_DIRTY, R_WB, R_SWAPTOTAL, R_SWAPFREE, R_ACTFILE, R_INACTFILE,
	R_PGMAJFAULT, R_REFAULT, R_PGSCAN_K, R_PGSCAN_D, R_PGSTEAL_K, R_PGSTEAL_D, R_ALLOCSTALL,
	R_PSWPIN, R_PSWPOUT, R_OOMKILL,
	R_PSI_CPU, R_PSI_MEM, R_PSI_MEM_FULL, R_PSI_IO, R_PSI_IO_FULL,
	R_COUNT
};

struct kv { const char *name; int slot; };

static const struct kv meminfo_keys[] = {
	{ "MemTotal", R_MEMTOTAL }, { "MemFree", R_MEMFREE }, { "MemAvailable", R_MEMAVAIL },
	{ "Buffers", R_BUFFERS }, { "Cached", R_CACHED }, { "Shmem", R_SHMEM }, { "Slab", R_SLAB },
	{ "SReclaimable", R_SRECL }, { "SUnreclaim", R_SUNRECL }, { "AnonPages", R_ANON },
	{ "Dirty", R_DIRTY }, { "Writeback", R_WB }, { "SwapTotal", R_SWAPTOTAL },
	{ "SwapFree", R_SWAPFREE }, { "Active(file)", R_ACTFILE }, { "Inactive(file)", R_INACTFILE },
};

static const struct kv vmstat_keys[] = {
	{ "pgmajfault", R_PGMAJFAULT },
	/* <5.9 and 5.9+ spell the file refault counter differently; a kernel
	 * prints only one of them, so summing is safe. */
	{ "workingset_refault", R_REFAULT }, { "workingset_refault_file", R_REFAULT },
	{ "pgscan_kswapd", R_PGSCAN_K }, { "pgscan_direct", R_PGSCAN_D },
	{ "pgsteal_kswapd", R_PGSTEAL_K }, { "pgsteal_direct", R_PGSTEAL_D },
	{ "allocstall", R_ALLOCSTALL }, { "pswpin", R_PSWPIN }, { "pswpout", R_PSWPOUT },
	{ "oom_kill", R_OOMKILL },
};

/* Zoned spellings (pre-4.8 pgscan_kswapd_normal, allocstall_movable, ...)
 * are summed into the node-level slot; pgscan_direct_throttle counts
 * throttling events, not pages, and must not be added. */
static int vm_prefix_slot(const char *n)
{
	static const struct kv pre[] = {
		{ "pgscan_kswapd_", R_PGSCAN_K }, { "pgscan_direct_", R_PGSCAN_D },
		{ "pgsteal_kswapd_", R_PGSTEAL_K }, { "pgsteal_direct_", R_PGSTEAL_D },
		{ "allocstall_", R_ALLOCSTALL },
	};
	if (n[0] != 'p' && n[0] != 'a')
		return -1;
	if (!strcmp(n, "pgscan_direct_throttle"))
		return -1;
	for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
		if (!strncmp(n, pre[i].name, strlen(pre[i].name)))
			return pre[i].slot;
	return -1;
}

/* A table of counter names: kv[] and the hash of its names. */
struct ktab { const struct kv *kv; struct hash h; };

static bool kv_same(const void *ctx, uint32_t i)
{
	const void *const *c = ctx; /* { kv, name } */
	return !strcmp(((const struct kv *)c[0])[i].name, c[1]);
}

static uint32_t str_hash(const char *s) { return fnv1a32(s, strlen(s)); }

static void ktab_init(struct ktab *t, const struct kv *kv, size_t n)
{
	t->kv = kv;
	for (size_t i = 0; i < n; i++) {
		hash_reserve(&t->h, 64);
		uint32_t h = str_hash(kv[i].name);
		const void *c[2] = { kv, kv[i].name };
		hash_put(&t->h, hash_find(&t->h, h, kv_same, c), h, (uint32_t)i);
	}
}

static int ktab_get(const struct ktab *t, const char *name)
{
	const void *c[2] = { t->kv, name };
	long i = hash_get(&t->h, str_hash(name), kv_same, c);
	return i < 0 ? -1 : t->kv[i].slot;
}

/* ------------------------------------------------------------ reading state */

struct tslot {
	uint32_t tid, tgid;
	bool seen;
	uint8_t state;
	uint32_t comm, wchan;     /* interned */
	int ent, dw;              /* process entity, dwait entity (-1) */
	uint64_t start, cpu, majflt, rd, wr, rss, flags;
	uint64_t held_kb, hwm_kb, shmem_kb; /* from /proc/PID/status, main thread */
	bool have_rd, have_wr, have_held;
	uint32_t ppid;
	uint64_t sub_rd, sub_wr;  /* reaped children's I/O still to come in our counters */
	uint64_t step_rd, step_wr; /* what this sample added to our bucket */
	int step_sample;
	/* A main thread's RSS and held memory are added to its process's
	 * buckets for samples [since, rd.done) only when they change, it goes
	 * or the buckets are compacted: most tasks do not change in most
	 * samples, and a walk of every task every sample was a fifth of a
	 * replay. */
	int since;
	int di;                   /* index in rd.dl while in D, else -1 */
	uint32_t kswapd_comm;     /* the comm id kswapd was last told for */
	bool kswapd;
};

struct strtab { char **s; size_t n, cap; struct hash h; };

struct cgstate { int ent; uint64_t prev[5]; bool have; };

struct rd;
struct gplan;

/* How the model reads one source's groups (one row per group source
 * name, model_feeds[]).  A group's counter names are classified once per
 * frame, so a sample costs a pass over the few counters the model uses. */
struct feed {
	const char *source; /* the group's source name */
	/* Whether a group of this instance is of use, and its aux (a disk, a
	 * cgroup, a mount); NULL: every instance is, aux -1. */
	bool (*open)(struct model *mo, struct rd *r, const char *instance, int *aux);
	/* What counter NAME means to take(): a code >= 0, or -1: not used. */
	int (*meaning)(const struct rd *r, const char *name, const char *instance);
	/* One group's values: v[it[k].i] is a counter of code it[k].what. */
	void (*take)(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v);
	/* Once the sample is complete: its metrics in row (NaN until set),
	 * dt seconds after the previous sample (0: unknown). */
	void (*derive)(struct model *mo, struct rd *r, double *row, double dt);
};
extern const struct feed model_feeds[];
extern const size_t model_nfeeds;

/* What one group of this frame gives the model, worked out when its names
 * first come: (index in the group, code) items. */
struct gplan {
	uint32_t src, inst;      /* name ids of the source and instance */
	const struct feed *f;    /* NULL: nothing in it is used */
	int aux;                 /* the feed's: disk index, cgroup state index, entity */
	size_t seen;             /* names classified so far */
	struct gitem { uint32_t i; int16_t what; } *it;
	size_t nit, cap;
};

static void derive_meminfo(struct model *mo, struct rd *r, double *row, double dt);
static void derive_vmstat(struct model *mo, struct rd *r, double *row, double dt);
static void derive_cpu(struct model *mo, struct rd *r, double *row, double dt);
static void derive_stat(struct model *mo, struct rd *r, double *row, double dt);
static void derive_loadavg(struct model *mo, struct rd *r, double *row, double dt);
static void derive_psi(struct model *mo, struct rd *r, double *row, double dt);
static void derive_disk(struct model *mo, struct rd *r, double *row, double dt);

struct rd {
	struct ktab mem, vm;
	uint64_t raw[R_COUNT], prev[R_COUNT];
	bool has[R_COUNT], phas[R_COUNT];
	uint64_t prev_mono;
	bool have_prev, in_sample, key;
	uint64_t capture_id;
	bool have_id;
	uint64_t list_id;         /* the capture id of the run being listed */
	bool skip, frame_pending; /* in a capture the model does not hold */
	struct tslot *tasks;      /* tn of them, in no order: th finds them */
	size_t tcap, tn;
	struct hash th;
	struct strtab st;
	/* small maps: linear-probe arrays of (key, ent) */
	/* entity keys (KEY_*) and their entity indexes */
	uint64_t *mk; int *mv; size_t mcap, mn;
	struct hash mh;
	struct cgstate *cgs; size_t ncgs, cgs_cap;
	/* What a name id of the current frame means, looked up once per frame
	 * rather than by string every sample: ids[id] for id < nids. */
	struct idmeaning { uint32_t st; } *ids; /* st: intern() id of the name */
	size_t nids, ids_cap;
	uint64_t kswapd_ticks;
	int disk_seen[32];
	uint64_t disk_cur[32][5];
	int nstart_events;
	int done;                 /* samples whose end_sample has run */
	int nd, nr;               /* live tasks in D, in R */
	uint32_t *dl;             /* tids of the tasks in D */
	size_t dn, dcap;
	size_t *fdw;              /* slots of the D tasks with no wait entity yet, this sample */
	size_t fdw_cap;
	struct gplan *gp;         /* this frame's groups, in the order they come */
	size_t ngp, gpcap, gpcur;
	struct gplan byname;      /* the plan of a group without name ids */
};

static bool str_same(const void *ctx, uint32_t i)
{
	const void *const *c = ctx; /* { strtab, string } */
	return !strcmp(((const struct strtab *)c[0])->s[i], c[1]);
}

/* The id of string s (0 for none or ""), the same for equal strings. */
static uint32_t intern(struct strtab *t, const char *s)
{
	if (!s || !*s)
		return 0;
	uint32_t h = str_hash(s);
	const void *c[2] = { t, s };
	hash_reserve(&t->h, 256);
	size_t j = hash_find(&t->h, h, str_same, c);
	if (t->h.s[j].v)
		return t->h.s[j].v - 1;
	if (t->n + 1 > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
		if (!t->n)
			t->s[t->n++] = NULL; /* id 0 = empty */
	}
	t->s[t->n] = xstrdup(s);
	hash_put(&t->h, j, h, (uint32_t)t->n);
	return (uint32_t)t->n++;
}

static const char *str_of(const struct rd *r, uint32_t id)
{
	return id && id < r->st.n ? r->st.s[id] : "";
}

static bool key_same(const void *ctx, uint32_t i)
{
	const void *const *c = ctx; /* { keys, key } */
	return ((const uint64_t *)c[0])[i] == *(const uint64_t *)c[1];
}

/* The entity index kept for key (-1 when just made, for the caller to
 * set); NULL when absent and not to be made.  The pointer holds until the
 * next key is made. */
static int *map_slot(struct rd *r, uint64_t key, bool create)
{
	uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32);
	const void *c[2] = { r->mk, &key };
	if (!create) {
		long i = hash_get(&r->mh, h, key_same, c);
		return i < 0 ? NULL : &r->mv[i];
	}
	hash_reserve(&r->mh, 1024);
	size_t j = hash_find(&r->mh, h, key_same, c);
	if (r->mh.s[j].v)
		return &r->mv[r->mh.s[j].v - 1];
	if (r->mn == r->mcap) {
		r->mcap = r->mcap ? r->mcap * 2 : 256;
		r->mk = xrealloc(r->mk, r->mcap * sizeof *r->mk);
		r->mv = xrealloc(r->mv, r->mcap * sizeof *r->mv);
	}
	r->mk[r->mn] = key;
	r->mv[r->mn] = -1;
	hash_put(&r->mh, j, h, (uint32_t)r->mn);
	return &r->mv[r->mn++];
}

/* map key spaces */
#define KEY_PROC(tgid) ((uint64_t)1 << 62 | (tgid))
#define KEY_DW(c, w) ((uint64_t)2 << 62 | (uint64_t)(c) << 31 | (w))
#define KEY_CG(id) ((uint64_t)3 << 62 | (id))
#define KEY_MNT(id) ((uint64_t)3 << 62 | (uint64_t)1 << 40 | (id))

/* A tid is its own key: the multiplication is a bijection of 32 bits. */
static uint32_t tid_hash(uint32_t tid) { return tid * 2654435761u; }

/* The task of slot j of the task table, which must hold one. */
static inline struct tslot *task_at(struct rd *r, size_t j) { return &r->tasks[r->th.s[j].v - 1]; }

static struct tslot *task_find(struct rd *r, uint32_t tid, bool create)
{
	uint32_t h = tid_hash(tid);
	if (!create) {
		long i = hash_get(&r->th, h, NULL, NULL);
		return i < 0 ? NULL : &r->tasks[i];
	}
	hash_reserve(&r->th, 1024);
	size_t j = hash_find(&r->th, h, NULL, NULL);
	if (r->th.s[j].v)
		return task_at(r, j);
	if (r->tn == r->tcap) {
		r->tcap = r->tcap ? r->tcap * 2 : 512;
		r->tasks = xrealloc(r->tasks, r->tcap * sizeof *r->tasks);
	}
	struct tslot *t = &r->tasks[r->tn];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->ent = t->dw = -1;
	t->di = -1;
	t->since = r->done;
	hash_put(&r->th, j, h, (uint32_t)r->tn++);
	return t;
}

/* Every state change goes through here, so the D and R counts of a sample
 * need no walk, and the D tasks are a list. */
static void set_state(struct rd *r, struct tslot *t, uint8_t s)
{
	if (s == t->state)
		return;
	r->nr += (s == 'R') - (t->state == 'R');
	if (t->state == 'D' && t->di >= 0) {
		uint32_t moved = r->dl[--r->dn];
		if ((size_t)t->di < r->dn) {
			r->dl[t->di] = moved;
			struct tslot *m = task_find(r, moved, false);
			if (m)
				m->di = t->di;
		}
		t->di = -1;
		r->nd--;
	}
	t->state = s;
	if (s == 'D') {
		if (r->dn == r->dcap) {
			size_t nc = r->dcap ? r->dcap * 2 : 64;
			r->dl = xrealloc(r->dl, nc * sizeof *r->dl);
			r->dcap = nc;
		}
		t->di = (int)r->dn;
		r->dl[r->dn++] = t->tid;
		r->nd++;
	}
}

/* The last task takes the place of the one removed: the walks go by
 * the table's slots, not by where a task is kept. */
static void task_remove(struct rd *r, struct tslot *t)
{
	size_t i = (size_t)(t - r->tasks);
	hash_del(&r->th, hash_find(&r->th, tid_hash(t->tid), NULL, NULL));
	if (i != --r->tn) {
		r->tasks[i] = r->tasks[r->tn];
		r->th.s[hash_find(&r->th, tid_hash(r->tasks[i].tid), NULL, NULL)].v = (uint32_t)i + 1;
	}
}

/* ------------------------------------------------------------ entities */

int ent_nfields(enum ent_kind k)
{
	return k == ENT_PROC ? PF_COUNT : k == ENT_CGROUP ? CF_COUNT : k == ENT_MOUNT ? MF_COUNT : DF_COUNT;
}

static bool field_is_max(enum ent_kind k, int f)
{
	return (k == ENT_PROC && (f == PF_RSS_MAX || f == PF_HWM_MAX)) || (k == ENT_CGROUP && f == CF_LIMIT) ||
	       (k == ENT_MOUNT && f == MF_TOTAL_MAX);
}

static int ent_new(struct model *mo, enum ent_kind kind, const char *name, int sample)
{
	if (mo->nents == mo->ents_cap) {
		size_t nc = mo->ents_cap ? mo->ents_cap * 2 : 256;
		mo->ents = xrealloc(mo->ents, nc * sizeof *mo->ents);
		mo->ents_cap = nc;
	}
	struct entity *e = &mo->ents[mo->nents];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	snprintf(e->name, sizeof e->name, "%s", name ? name : "");
	text_tidy(e->name);
	e->first_sample = e->last_sample = sample;
	return (int)mo->nents++;
}

static float *ent_grow(struct entity *e, uint32_t b);

/* Bucket b of entity e, created (zeroed) on demand.
 * Nearly always the bucket is there already: that case stays inline. */
static inline float *ent_at(struct model *mo, struct entity *e, uint32_t b)
{
	if (b >= e->b0 && b < e->b0 + e->n)
		return e->v + (size_t)(b - e->b0) * ent_nfields(e->kind);
	(void)mo;
	return ent_grow(e, b);
}

static float *ent_grow(struct entity *e, uint32_t b)
{
	int nf = ent_nfields(e->kind);
	if (!e->n) {
		e->b0 = b;
	} else if (b < e->b0) {
		/* a main thread's deferred samples (task_flush) land before
		 * what its threads already wrote */
		uint32_t add = e->b0 - b, nn = e->n + add;
		if (nn > e->cap) {
			e->v = xrealloc(e->v, (size_t)nn * nf * sizeof *e->v);
			e->cap = nn;
		}
		memmove(e->v + (size_t)add * nf, e->v, (size_t)e->n * nf * sizeof *e->v);
		memset(e->v, 0, (size_t)add * nf * sizeof *e->v);
		e->b0 = b;
		e->n = nn;
	}
	uint32_t need = b - e->b0 + 1;
	if (need > e->cap) {
		uint32_t nc = e->cap ? e->cap * 2 : 8;
		while (nc < need)
			nc *= 2;
		if (nc > MODEL_NB + 1)
			nc = need > MODEL_NB + 1 ? need : MODEL_NB + 1;
		e->v = xrealloc(e->v, (size_t)nc * nf * sizeof *e->v);
		e->cap = nc;
	}
	if (need > e->n) {
		memset(e->v + (size_t)e->n * nf, 0, (size_t)(need - e->n) * nf * sizeof *e->v);
		e->n = need;
	}
	return e->v + (size_t)(b - e->b0) * nf;
}

/* Pairs of buckets become one: sums added, maxima kept.  A pair with one
 * side outside the range held is that side alone. */
static void ent_halve(struct entity *e)
{
	if (!e->n)
		return;
	int nf = ent_nfields(e->kind);
	uint32_t nb0 = e->b0 / 2, last = (e->b0 + e->n - 1) / 2, nn = last - nb0 + 1;
	int maxf[2], nmax = 0; /* the max fields: at most two in any kind */
	for (int f = 0; f < nf; f++)
		if (field_is_max(e->kind, f))
			maxf[nmax++] = f;
	for (uint32_t j = 0; j < nn; j++) {
		const float *x = ent_bucket(e, 2 * (nb0 + j), nf), *y = ent_bucket(e, 2 * (nb0 + j) + 1, nf);
		/* j <= index of its children: writing in place is safe going
		 * up, field by field, once the maxima are read */
		float *o = e->v + (size_t)j * nf;
		if (x && y) {
			float mx[2];
			for (int m = 0; m < nmax; m++)
				mx[m] = x[maxf[m]] > y[maxf[m]] ? x[maxf[m]] : y[maxf[m]];
			for (int f = 0; f < nf; f++)
				o[f] = x[f] + y[f];
			for (int m = 0; m < nmax; m++)
				o[maxf[m]] = mx[m];
		} else {
			const float *src = x ? x : y;
			for (int f = 0; f < nf; f++)
				o[f] = src[f];
		}
	}
	e->b0 = nb0;
	e->n = nn;
}

/* ------------------------------------------------------------ lifecycle */

void model_warn(struct model *mo, const char *fmt, ...)
{
	if (mo->nwarn >= 200)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	mo->warnings = xrealloc(mo->warnings, (mo->nwarn + 1) * sizeof *mo->warnings);
	mo->warnings[mo->nwarn++] = xstrdup(buf);
}

struct model *model_new(void)
{
	struct model *mo = xrealloc(NULL, sizeof *mo);
	struct rd *r = xrealloc(NULL, sizeof *r);
	memset(mo, 0, sizeof *mo);
	memset(r, 0, sizeof *r);
	ktab_init(&r->mem, meminfo_keys, sizeof meminfo_keys / sizeof *meminfo_keys);
	ktab_init(&r->vm, vmstat_keys, sizeof vmstat_keys / sizeof *vmstat_keys);
	mo->priv = r;
	mo->bw = 1;
	return mo;
}

static void add_event(struct model *mo, int sample, int kind, uint32_t pid, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void add_event(struct model *mo, int sample, int kind, uint32_t pid, const char *fmt, ...)
{
	if (mo->nevs >= 100000)
		return;
	if (mo->nevs == mo->evs_cap) {
		size_t nc = mo->evs_cap ? mo->evs_cap * 2 : 64;
		mo->evs = xrealloc(mo->evs, nc * sizeof *mo->evs);
		mo->evs_cap = nc;
	}
	struct event *e = &mo->evs[mo->nevs++];
	e->sample = sample < 0 ? 0 : sample;
	e->kind = kind;
	e->pid = pid;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
	for (char *p = e->text; *p; p++)
		if ((unsigned char)*p < 32)
			*p = ' ';
}

static void grow_samples(struct model *mo)
{
	if (mo->nsamples < mo->cap_samples)
		return;
	int nc = mo->cap_samples ? mo->cap_samples * 2 : 1024;
	mo->m = xrealloc(mo->m, (size_t)nc * M_COUNT * sizeof *mo->m);
	mo->t = xrealloc(mo->t, (size_t)nc * sizeof *mo->t);
	mo->wall_us = xrealloc(mo->wall_us, (size_t)nc * sizeof *mo->wall_us);
	mo->mono_us = xrealloc(mo->mono_us, (size_t)nc * sizeof *mo->mono_us);
	for (int d = 0; d < mo->ndisks; d++) {
		struct disk *k = &mo->disks[d];
		float **arr[5] = { &k->rps, &k->rmbps, &k->util, &k->wps, &k->wmbps };
		for (int a = 0; a < 5; a++)
			*arr[a] = xrealloc(*arr[a], (size_t)nc * sizeof **arr[a]);
	}
	mo->cap_samples = nc;
}

/* Partitions, loop, ram and zram devices are not "disks" for I/O load:
 * their traffic is already counted on the whole device (or is memory). */
static bool not_a_disk(const char *n)
{
	if (!strncmp(n, "loop", 4) || !strncmp(n, "ram", 3) || !strncmp(n, "zram", 4))
		return true;
	size_t l = strlen(n);
	if (!l || !isdigit((unsigned char)n[l - 1]))
		return false;
	size_t i = l;
	while (i && isdigit((unsigned char)n[i - 1]))
		i--;
	/* mmcblk0p1, nvme0n1p2: a 'p' after a digit before the number */
	if (i >= 2 && n[i - 1] == 'p' && isdigit((unsigned char)n[i - 2]))
		return true;
	/* sda1, vdb2, hda1, xvda1: letters then a number */
	if ((!strncmp(n, "sd", 2) || !strncmp(n, "vd", 2) || !strncmp(n, "hd", 2) || !strncmp(n, "xvd", 3)) &&
	    i > 2 && isalpha((unsigned char)n[i - 1]))
		return true;
	return false;
}

/* The index of disk NAME, added when new; -1 when there is no room. */
static int disk_index(struct model *mo, const char *name)
{
	int d;
	for (d = 0; d < mo->ndisks; d++)
		if (!strcmp(mo->disks[d].name, name))
			return d;
	if (mo->ndisks == 32)
		return -1;
	struct disk *k = &mo->disks[d];
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	k->partition = not_a_disk(k->name);
	size_t n = (size_t)(mo->cap_samples ? mo->cap_samples : 1);
	k->rps = xrealloc(NULL, n * sizeof(float));
	k->rmbps = xrealloc(NULL, n * sizeof(float));
	k->util = xrealloc(NULL, n * sizeof(float));
	k->wps = xrealloc(NULL, n * sizeof(float));
	k->wmbps = xrealloc(NULL, n * sizeof(float));
	for (int i = 0; i < mo->nsamples; i++)
		k->rps[i] = k->rmbps[i] = k->util[i] = k->wps[i] = k->wmbps[i] = NAN;
	mo->ndisks++;
	return d;
}

/* The meaning cell of a name id in this frame.  Records from JSON Lines
 * carry no ids: the callers then go by string. */
static struct idmeaning *id_cell_grow(struct rd *r, uint32_t id);
static inline struct idmeaning *id_cell(struct rd *r, uint32_t id)
{
	return id < r->nids ? &r->ids[id] : id_cell_grow(r, id);
}

static struct idmeaning *id_cell_grow(struct rd *r, uint32_t id)
{
	if (id >= r->ids_cap) {
		size_t nc = r->ids_cap ? r->ids_cap : 256;
		while (nc <= id)
			nc *= 2;
		r->ids = xrealloc(r->ids, nc * sizeof *r->ids);
		r->ids_cap = nc;
	}
	for (size_t k = r->nids; k <= id; k++)
		r->ids[k] = (struct idmeaning){ UINT32_MAX };
	r->nids = (size_t)id + 1;
	return &r->ids[id];
}

/* ------------------------------------------------------------ feeds */

/* Counters that are summed into raw slots as they come (the system-wide
 * sources): the code of a name is its slot. */
static void take_raw(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	(void)mo;
	for (size_t k = 0; k < g->nit; k++) {
		uint64_t x = v[g->it[k].i];
		if (x != CAP_NA) {
			r->raw[g->it[k].what] += x;
			r->has[g->it[k].what] = true;
		}
	}
}

static int meminfo_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)inst;
	return ktab_get(&r->mem, name);
}

static int vmstat_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)inst;
	int s = ktab_get(&r->vm, name);
	return s >= 0 ? s : vm_prefix_slot(name);
}

/* the "cpu" group of /proc/stat: per-CPU lines are not needed here */
static bool cpu_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	(void)mo, (void)r, (void)aux;
	return !strcmp(inst, "cpu");
}

static int cpu_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	static const char *const ck[] = { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal" };
	static const int cslot[] = { R_CPU_USER, R_CPU_NICE, R_CPU_SYS, R_CPU_IDLE, R_CPU_IOWAIT, R_CPU_IRQ,
				     R_CPU_SOFTIRQ, R_CPU_STEAL };
	for (int k = 7; k >= 0; k--)
		if (!strcmp(name, ck[k]))
			return cslot[k];
	return -1;
}

static int stat_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	return !strcmp(name, "procs_running") ? R_PROCS_RUNNING : -1;
}

static int loadavg_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	return !strcmp(name, "load1") ? R_LOAD1 : -1;
}

static bool psi_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	(void)mo, (void)r, (void)aux;
	return !strcmp(inst, "cpu") || !strcmp(inst, "memory") || !strcmp(inst, "io");
}

static int psi_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r;
	int some = !strcmp(inst, "cpu") ? R_PSI_CPU : !strcmp(inst, "memory") ? R_PSI_MEM : R_PSI_IO;
	if (!strcmp(name, "some_avg10"))
		return some;
	return !strcmp(name, "full_avg10") && some != R_PSI_CPU ? some + 1 : -1;
}

static const char *const disk_keys[5] = { "rd_ios", "rd_sectors", "wr_ios", "wr_sectors", "io_ticks" };

static bool disk_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	(void)r;
	return (*aux = disk_index(mo, inst)) >= 0;
}

static int disk_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	for (int k = 4; k >= 0; k--)
		if (!strcmp(name, disk_keys[k]))
			return k;
	return -1;
}

/* Kept until the sample ends: rates need the interval, known then. */
static void disk_take(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	(void)mo;
	uint64_t dv[5];
	int got = 0;
	for (size_t k = 0; k < g->nit; k++) {
		dv[g->it[k].what] = v[g->it[k].i];
		got |= 1 << g->it[k].what;
	}
	if (got != 31)
		return;
	memcpy(r->disk_cur[g->aux], dv, sizeof dv);
	r->disk_seen[g->aux] = 1;
}

/* A cgroup's counters: v1 names mapped to v2 meaning; hierarchical total_*
 * wins over the cgroup's own figure when both are printed. */
enum cgname {
	CG_NONE, CG_USAGE, CG_LIMIT, CG_TOT_CACHE, CG_FILE, CG_TOT_RSS, CG_ANON, CG_TOT_SHMEM, CG_SHMEM,
	CG_TOT_MAJ, CG_MAJ, CG_REFAULT, CG_PGSCAN, CG_PGSTEAL, CG_OOM, CG_PSI_MEM, CG_PSI
};

static int cg_code(const char *k)
{
	if (!strcmp(k, "usage")) return CG_USAGE;
	if (!strcmp(k, "limit")) return CG_LIMIT;
	if (!strcmp(k, "total_cache")) return CG_TOT_CACHE;
	if (!strcmp(k, "file") || !strcmp(k, "cache")) return CG_FILE;
	if (!strcmp(k, "total_rss")) return CG_TOT_RSS;
	if (!strcmp(k, "anon") || !strcmp(k, "rss")) return CG_ANON;
	if (!strcmp(k, "total_shmem")) return CG_TOT_SHMEM;
	if (!strcmp(k, "shmem")) return CG_SHMEM;
	if (!strcmp(k, "total_pgmajfault")) return CG_TOT_MAJ;
	if (!strcmp(k, "pgmajfault")) return CG_MAJ;
	if (!strcmp(k, "workingset_refault_file") || !strcmp(k, "workingset_refault") ||
	    !strcmp(k, "total_workingset_refault_file")) return CG_REFAULT;
	if (!strcmp(k, "pgscan")) return CG_PGSCAN;
	if (!strcmp(k, "pgsteal")) return CG_PGSTEAL;
	if (strstr(k, "oom_kill")) return CG_OOM;
	if (strstr(k, "some_avg10")) return strstr(k, "mem") ? CG_PSI_MEM : CG_PSI;
	return CG_NONE;
}

struct cgsample {
	uint64_t usage, limit, file, anon, psi, shmem;
	uint64_t cnt[5]; /* majflt refault pgscan pgsteal oom */
	bool tot_file, tot_anon, tot_maj, tot_shmem;
};

static void cg_one(struct cgsample *c, int code, uint64_t x)
{
	if (x == CAP_NA)
		return;
	switch (code) {
	case CG_USAGE: c->usage = x; break;
	case CG_LIMIT: c->limit = x; break;
	case CG_TOT_CACHE: c->file = x; c->tot_file = true; break;
	case CG_FILE: if (!c->tot_file) c->file = x; break;
	case CG_TOT_RSS: c->anon = x; c->tot_anon = true; break;
	case CG_ANON: if (!c->tot_anon) c->anon = x; break;
	case CG_TOT_SHMEM: c->shmem = x; c->tot_shmem = true; break;
	case CG_SHMEM: if (!c->tot_shmem) c->shmem = x; break;
	case CG_TOT_MAJ: c->cnt[0] = x; c->tot_maj = true; break;
	case CG_MAJ: if (!c->tot_maj) c->cnt[0] = x; break;
	case CG_REFAULT: c->cnt[1] = x; break;
	case CG_PGSCAN: c->cnt[2] = x; break;
	case CG_PGSTEAL: c->cnt[3] = x; break;
	case CG_OOM: c->cnt[4] = x; break;
	case CG_PSI_MEM: c->psi = x; break;
	case CG_PSI: if (c->psi == CAP_NA) c->psi = x; break;
	default: break;
	}
}

static const struct cgsample cg_empty = {
	CAP_NA, CAP_NA, CAP_NA, CAP_NA, CAP_NA, CAP_NA, { CAP_NA, CAP_NA, CAP_NA, CAP_NA, CAP_NA }, false, false, false, false
};

/* The index in r->cgs of cgroup INST, its entity made when new. */
static int cg_index(struct model *mo, struct rd *r, const char *inst)
{
	uint32_t id = intern(&r->st, inst);
	int *slot = map_slot(r, KEY_CG(id), true);
	if (*slot < 0) {
		if (r->ncgs == r->cgs_cap) {
			size_t nc = r->cgs_cap ? r->cgs_cap * 2 : 16;
			r->cgs = xrealloc(r->cgs, nc * sizeof *r->cgs);
			r->cgs_cap = nc;
		}
		int e = ent_new(mo, ENT_CGROUP, inst, mo->nsamples - 1);
		snprintf(mo->ents[e].name, sizeof mo->ents[e].name, "%s", inst);
		r->cgs[r->ncgs] = (struct cgstate){ .ent = e };
		*slot = (int)r->ncgs++;
	}
	return *slot;
}

static void cg_take(struct model *mo, struct rd *r, int csi, const struct cgsample *c)
{
	struct cgstate *cs = &r->cgs[csi];
	struct entity *e = &mo->ents[cs->ent];
	float *b = ent_at(mo, e, (uint32_t)((mo->nsamples - 1) / mo->bw));
	e->last_sample = mo->nsamples - 1;
	if (c->usage != CAP_NA) b[CF_USAGE_SUM] += (float)(c->usage / 1024);
	/* v1 prints "no limit" as a page-rounded LONG_MAX */
	if (c->limit != CAP_NA && c->limit < (1ull << 60))
		b[CF_LIMIT] = b[CF_LIMIT] > c->limit / 1024 ? b[CF_LIMIT] : (float)(c->limit / 1024);
	if (c->file != CAP_NA) b[CF_FILE_SUM] += (float)(c->file / 1024);
	if (c->anon != CAP_NA) b[CF_ANON_SUM] += (float)(c->anon / 1024);
	if (c->shmem != CAP_NA) b[CF_SHMEM_SUM] += (float)(c->shmem / 1024);
	if (c->psi != CAP_NA) b[CF_PSI_SUM] += (float)c->psi / 100.0f;
	b[CF_SAMPLES] += 1;
	static const int cf[5] = { CF_MAJFLT, CF_REFAULT, CF_PGSCAN, CF_PGSTEAL, CF_OOM };
	for (int k = 0; k < 5; k++) {
		if (c->cnt[k] != CAP_NA && cs->have && cs->prev[k] != CAP_NA && c->cnt[k] >= cs->prev[k])
			b[cf[k]] += (float)(c->cnt[k] - cs->prev[k]);
		cs->prev[k] = c->cnt[k];
	}
	cs->have = true;
}

static bool cgroup_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	*aux = cg_index(mo, r, inst);
	return true;
}

static int cgroup_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	int c = cg_code(name);
	return c == CG_NONE ? -1 : c;
}

static void cgroup_take(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	struct cgsample c = cg_empty;
	for (size_t k = 0; k < g->nit; k++)
		cg_one(&c, g->it[k].what, v[g->it[k].i]);
	cg_take(mo, r, g->aux, &c);
}

/* A tmpfs or ramfs mount: its entity is named by the mount point. */
static bool statfs_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	if (!inst || !inst[0])
		return false;
	int *slot = map_slot(r, KEY_MNT(intern(&r->st, inst)), true);
	if (*slot < 0) {
		/* a long mount point differs from its siblings at its end */
		size_t l = strlen(inst), room = sizeof mo->ents[0].name - 1;
		char name[sizeof mo->ents[0].name];
		snprintf(name, sizeof name, "%s%s", l > room ? "..." : "", l > room ? inst + l - (room - 3) : inst);
		*slot = ent_new(mo, ENT_MOUNT, name, mo->nsamples - 1);
	}
	*aux = *slot;
	return true;
}

enum { STATFS_USED, STATFS_TOTAL };

static int statfs_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	return !strcmp(name, "used_kb") ? STATFS_USED : !strcmp(name, "total_kb") ? STATFS_TOTAL : -1;
}

static void statfs_take(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	(void)r;
	struct entity *e = &mo->ents[g->aux];
	float *b = ent_at(mo, e, (uint32_t)((mo->nsamples - 1) / mo->bw));
	e->last_sample = mo->nsamples - 1;
	b[MF_SEEN] += 1;
	for (size_t k = 0; k < g->nit; k++) {
		uint64_t x = v[g->it[k].i];
		if (x == CAP_NA)
			continue; /* ramfs, or tmpfs without a size: no count */
		if (g->it[k].what == STATFS_USED) {
			b[MF_USED_SUM] += (float)x;
			b[MF_N] += 1;
		} else if ((float)x > b[MF_TOTAL_MAX]) {
			b[MF_TOTAL_MAX] = (float)x;
		}
	}
}

const struct feed model_feeds[] = {
	{ "meminfo", NULL, meminfo_meaning, take_raw, derive_meminfo },
	{ "vmstat", NULL, vmstat_meaning, take_raw, derive_vmstat },
	{ "cpu", cpu_open, cpu_meaning, take_raw, derive_cpu },
	{ "stat", NULL, stat_meaning, take_raw, derive_stat },
	{ "loadavg", NULL, loadavg_meaning, take_raw, derive_loadavg },
	{ "psi", psi_open, psi_meaning, take_raw, derive_psi },
	{ "disk", disk_open, disk_meaning, disk_take, derive_disk },
	{ "cgroup", cgroup_open, cgroup_meaning, cgroup_take, NULL },
	{ "statfs", statfs_open, statfs_meaning, statfs_take, NULL },
};
const size_t model_nfeeds = sizeof model_feeds / sizeof model_feeds[0];

static const struct feed *feed_of(const char *source)
{
	for (size_t f = 0; f < model_nfeeds; f++)
		if (!strcmp(source, model_feeds[f].source))
			return &model_feeds[f];
	return NULL;
}

/* Sets up plan g for a group of this source and instance: which feed
 * takes it (NULL: nothing in it is used), its aux. */
static void plan_open(struct model *mo, struct rd *r, struct gplan *g, const struct cap_rec *rec)
{
	g->seen = g->nit = 0;
	g->aux = -1;
	g->f = feed_of(rec->u.group.source);
	if (g->f && g->f->open && !g->f->open(mo, r, rec->u.group.instance, &g->aux))
		g->f = NULL;
}

/* The plan of this group in this frame, made when it first comes. */
static struct gplan *plan_get(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	uint32_t src = rec->u.group.source_id, inst = rec->u.group.instance_id;
	for (size_t k = 0; k < r->ngp; k++) {
		size_t i = (r->gpcur + k) % r->ngp;
		if (r->gp[i].src == src && r->gp[i].inst == inst) {
			r->gpcur = i + 1;
			return &r->gp[i];
		}
	}
	if (r->ngp == r->gpcap) {
		size_t nc = r->gpcap ? r->gpcap * 2 : 32;
		r->gp = xrealloc(r->gp, nc * sizeof *r->gp);
		memset(r->gp + r->gpcap, 0, (nc - r->gpcap) * sizeof *r->gp);
		r->gpcap = nc;
	}
	struct gplan *g = &r->gp[r->ngp++];
	r->gpcur = r->ngp;
	g->src = src;
	g->inst = inst;
	plan_open(mo, r, g, rec);
	return g;
}

/* Classifies the names of the group not yet seen under plan g. */
static void plan_names(struct rd *r, struct gplan *g, const struct cap_rec *rec)
{
	for (size_t n = rec->u.group.n; g->seen < n; g->seen++) {
		int w = g->f ? g->f->meaning(r, rec->u.group.names[g->seen], rec->u.group.instance) : -1;
		if (w < 0)
			continue;
		if (g->nit == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 16;
			g->it = xrealloc(g->it, g->cap * sizeof *g->it);
		}
		g->it[g->nit++] = (struct gitem){ (uint32_t)g->seen, (int16_t)w };
	}
}

/* One group: through the frame's plan when the record carries name ids
 * (a capture file), through a plan of its own otherwise (JSON Lines). */
static void feed_group(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	struct gplan *g = &r->byname;
	if (rec->u.group.ids)
		g = plan_get(mo, r, rec);
	else
		plan_open(mo, r, g, rec);
	plan_names(r, g, rec);
	if (g->f)
		g->f->take(mo, r, g, rec->u.group.values);
}

static void proc_event_name(struct model *mo, struct rd *r, struct tslot *t, int ev)
{
	if (r->nstart_events > 20000 || !mo->nsamples)
		return;
	r->nstart_events++;
	add_event(mo, mo->nsamples - 1, ev, t->tgid, "%s %s (pid %u)", ev == EV_TASK_START ? "started" : "exited",
		  str_of(r, t->comm), t->tgid);
}

/* The part of a counter's step that is this task's own (a reaped child's I/O lands in its parent's counters: see drop_task). */
static uint64_t own_step(uint64_t step, uint64_t *inherited)
{
	uint64_t s = step < *inherited ? step : *inherited;
	*inherited -= s;
	return step - s;
}

static int task_entity(struct model *mo, struct rd *r, struct tslot *t, const uint64_t *v, const char *comm,
		       const char *cgroup)
{
	int *slot = map_slot(r, KEY_PROC(t->tgid), true);
	bool leader = t->tid == t->tgid;
	if (*slot >= 0) {
		struct entity *e = &mo->ents[*slot];
		if (leader && e->start && v[CAP_TF_START] != e->start)
			*slot = -1; /* pid reused by a new process */
		else {
			if (leader && !e->start) {
				e->start = v[CAP_TF_START];
				snprintf(e->name, sizeof e->name, "%s", comm);
				text_tidy(e->name);
			}
			return *slot;
		}
	}
	int e = ent_new(mo, ENT_PROC, comm, mo->nsamples - 1);
	mo->ents[e].pid = t->tgid;
	mo->ents[e].start = leader ? v[CAP_TF_START] : 0;
	mo->ents[e].kthread = v[CAP_TF_FLAGS] != CAP_NA && (v[CAP_TF_FLAGS] & 0x00200000);
	snprintf(mo->ents[e].cgroup, sizeof mo->ents[e].cgroup, "%s", cgroup ? cgroup : "");
	text_tidy(mo->ents[e].cgroup);
	*slot = e;
	return e;
}

/* *p += x, k times, as floats: one multiplication while every partial sum
 * is an integer a float holds exactly (the same bits as k additions), the
 * additions themselves beyond that. */
static void add_n(float *p, float x, int k)
{
	if (k == 1) {
		*p += x;
		return;
	}
	/* the fields summed this way only ever hold integers */
	double s = (double)*p + (double)x * k;
	if (s <= 16777216.0 && *p >= 0 && x >= 0) {
		*p = (float)s;
		return;
	}
	while (k-- > 0)
		*p += x;
}

/* Adds a main thread's samples [since, done) to its process's buckets
 * (the RSS, alive and held-memory fields), with the values it has had all
 * that time: called before they change, when it goes, before compaction
 * and at the end. */
static void task_flush(struct model *mo, struct rd *r, struct tslot *t)
{
	int from = t->since, to = r->done;
	t->since = to;
	if (from >= to || t->tid != t->tgid || t->ent < 0)
		return;
	struct entity *e = &mo->ents[t->ent];
	uint64_t page_kb = (mo->hdr.page_size ? mo->hdr.page_size : 4096) / 1024;
	float rss = (float)(t->rss * page_kb), held = (float)t->held_kb, hwm = (float)t->hwm_kb;
	uint32_t b1 = (uint32_t)(from / mo->bw), b2 = (uint32_t)((to - 1) / mo->bw);
	/* the range held covers [b1, b2] once both ends are */
	ent_at(mo, e, b2);
	ent_at(mo, e, b1);
	float shm = (float)t->shmem_kb;
	for (int s = from; s < to;) {
		uint32_t b = (uint32_t)(s / mo->bw);
		int end = (int)(b + 1) * mo->bw;
		if (end > to)
			end = to;
		int k = end - s;
		float *eb = e->v + (size_t)(b - e->b0) * PF_COUNT;
		add_n(&eb[PF_RSS_SUM], rss, k);
		eb[PF_RSS_MAX] = eb[PF_RSS_MAX] > rss ? eb[PF_RSS_MAX] : rss;
		add_n(&eb[PF_ALIVE], 1, k);
		if (t->have_held) {
			add_n(&eb[PF_HELD_SUM], held, k);
			add_n(&eb[PF_SHMEM_SUM], shm, k);
			add_n(&eb[PF_HELD_N], 1, k);
			eb[PF_HWM_MAX] = eb[PF_HWM_MAX] > hwm ? eb[PF_HWM_MAX] : hwm;
		}
		e->last_sample = end - 1;
		s = end;
	}
}

static void flush_all(struct model *mo, struct rd *r)
{
	for (size_t j = 0; j < r->th.cap; j++)
		if (r->th.s[j].v)
			task_flush(mo, r, task_at(r, j));
}

/* intern() of a task's name field, through the frame's name id when the
 * reader gave one: a string lookup per name per frame, not per sample. */
static uint32_t intern_field(struct rd *r, const struct cap_rec *rec, int f, const char *s)
{
	uint64_t id = rec->u.task.v[f];
	struct idmeaning *c = rec->u.task.name_ids && id <= UINT32_MAX ? id_cell(r, (uint32_t)id) : NULL;
	if (!c)
		return intern(&r->st, s);
	if (c->st == UINT32_MAX)
		c->st = intern(&r->st, s);
	return c->st;
}

static void feed_task(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	const uint64_t *v = rec->u.task.v;
	struct tslot *t = task_find(r, rec->u.task.tid, true);
	if (!t)
		return;
	bool fresh = t->tgid == 0 && t->ent < 0;
	/* what the deferred samples were counted with must not change
	 * under them: flush first when it does */
	uint32_t tgid = v[CAP_TF_TGID] && v[CAP_TF_TGID] <= UINT32_MAX ? (uint32_t)v[CAP_TF_TGID] : t->tid;
	uint64_t rss = v[CAP_TF_RSS] == CAP_NA ? 0 : v[CAP_TF_RSS];
	uint64_t hwm = v[CAP_TF_VM_HWM], an = v[CAP_TF_RSS_ANON], sh = v[CAP_TF_RSS_SHMEM], sw = v[CAP_TF_VM_SWAP];
	/* A live user process always has a peak RSS: VmHWM 0 means the
	 * status fields were not recorded (older capture, kernel thread). */
	bool have_held = hwm != CAP_NA && hwm > 0 && an != CAP_NA;
	uint64_t held_kb = have_held ? an + (sh != CAP_NA ? sh : 0) + (sw != CAP_NA ? sw : 0) : t->held_kb;
	uint64_t shmem_kb = have_held ? (sh != CAP_NA ? sh : 0) : t->shmem_kb;
	if (have_held != t->have_held ||
	    (have_held && (held_kb != t->held_kb || hwm != t->hwm_kb || shmem_kb != t->shmem_kb)) ||
	    rss != t->rss || tgid != t->tgid || fresh || rec->u.task.is_new || v[CAP_TF_START] != t->start)
		task_flush(mo, r, t);
	if (!fresh && (rec->u.task.is_new || (v[CAP_TF_START] != t->start))) {
		/* same tid, a new task: forget the old one's counters */
		fresh = true;
		t->dw = -1;
	}
	t->seen = true;
	if (fresh || tgid != t->tgid) {
		t->tgid = tgid;
		t->ent = task_entity(mo, r, t, v, rec->u.task.comm, rec->u.task.cgroup);
		if (mo->nsamples > 1 && t->tid == t->tgid && rec->u.task.is_new) {
			t->comm = intern(&r->st, rec->u.task.comm);
			proc_event_name(mo, r, t, EV_TASK_START);
		}
	}
	uint32_t comm = intern_field(r, rec, CAP_TF_COMM, rec->u.task.comm);
	uint32_t wchan = intern_field(r, rec, CAP_TF_WCHAN, rec->u.task.wchan);
	if (comm != t->comm || wchan != t->wchan)
		t->dw = -1;
	/* exec renames a process (a shell that execs the daemon): name it
	 * by what it became */
	if (comm != t->comm && t->tid == t->tgid && t->ent >= 0 && !fresh) {
		snprintf(mo->ents[t->ent].name, sizeof mo->ents[t->ent].name, "%s", rec->u.task.comm);
		text_tidy(mo->ents[t->ent].name);
	}
	t->comm = comm;
	t->wchan = wchan;
	set_state(r, t, (uint8_t)v[CAP_TF_STATE]);
	t->ppid = v[CAP_TF_PPID] <= UINT32_MAX ? (uint32_t)v[CAP_TF_PPID] : 0;
	t->start = v[CAP_TF_START];
	t->flags = v[CAP_TF_FLAGS];
	t->rss = rss;
	t->have_held = have_held;
	if (have_held) {
		t->hwm_kb = hwm;
		t->held_kb = held_kb;
		t->shmem_kb = shmem_kb;
	}
	uint64_t cpu = v[CAP_TF_UTIME] + v[CAP_TF_STIME], maj = v[CAP_TF_MAJFLT];
	uint64_t rdb = v[CAP_TF_READ_BYTES], wrb = v[CAP_TF_WRITE_BYTES];
	struct entity *e = t->ent >= 0 ? &mo->ents[t->ent] : NULL;
	float *b = e && mo->nsamples ? ent_at(mo, e, (uint32_t)((mo->nsamples - 1) / mo->bw)) : NULL;
	if (!fresh && b) {
		if (cpu >= t->cpu) {
			b[PF_CPU] += (float)(cpu - t->cpu);
			if (t->kswapd_comm != comm) {
				t->kswapd_comm = comm;
				t->kswapd = !strncmp(rec->u.task.comm, "kswapd", 6);
			}
			if (t->kswapd)
				r->kswapd_ticks += cpu - t->cpu;
		}
		if (maj >= t->majflt)
			b[PF_MAJFLT] += (float)(maj - t->majflt);
		t->step_rd = t->step_wr = 0;
		t->step_sample = mo->nsamples - 1;
		if (rdb != CAP_NA && t->have_rd && rdb >= t->rd) {
			t->step_rd = own_step(rdb - t->rd, &t->sub_rd);
			b[PF_RD_KB] += (float)t->step_rd / 1024.0f;
		}
		if (wrb != CAP_NA && t->have_wr && wrb >= t->wr) {
			t->step_wr = own_step(wrb - t->wr, &t->sub_wr);
			b[PF_WR_KB] += (float)t->step_wr / 1024.0f;
		}
	}
	t->cpu = cpu;
	t->majflt = maj;
	t->have_rd = rdb != CAP_NA;
	t->have_wr = wrb != CAP_NA;
	t->rd = rdb;
	t->wr = wrb;
	mo->tasks_seen += fresh;
}

static void drop_task(struct model *mo, struct rd *r, struct tslot *t)
{
	if (t->tid == t->tgid) {
		proc_event_name(mo, r, t, EV_TASK_EXIT);
		/* The kernel adds a reaped child's I/O to its parent's
		 * /proc/PID/io: without this, the shell that started a heavy
		 * writer inherits all its bytes at once when it reaps it. */
		struct tslot *p = t->ppid ? task_find(r, t->ppid, false) : NULL;
		if (p && p != t) {
			uint64_t rd = t->have_rd ? t->rd : 0, wr = t->have_wr ? t->wr : 0;
			/* the parent may have reaped it before its own line was read
			 * in this very sample: take that step back first */
			struct entity *pe = p->ent >= 0 ? &mo->ents[p->ent] : NULL;
			float *b = pe && p->step_sample == mo->nsamples - 1
					   ? ent_at(mo, pe, (uint32_t)((mo->nsamples - 1) / mo->bw)) : NULL;
			if (b) {
				uint64_t x = rd < p->step_rd ? rd : p->step_rd, y = wr < p->step_wr ? wr : p->step_wr;
				b[PF_RD_KB] -= (float)x / 1024.0f;
				b[PF_WR_KB] -= (float)y / 1024.0f;
				p->step_rd -= x;
				p->step_wr -= y;
				rd -= x;
				wr -= y;
			}
			p->sub_rd += rd;
			p->sub_wr += wr;
		}
	}
	task_flush(mo, r, t);
	set_state(r, t, 0);
	task_remove(r, t);
}


static double rate(const struct rd *r, int s, double dt)
{
	if (!r->has[s] || !r->phas[s] || dt <= 0 || r->raw[s] < r->prev[s])
		return NAN;
	return (double)(r->raw[s] - r->prev[s]) / dt;
}

static double val(const struct rd *r, int s, double scale)
{
	return r->has[s] ? (double)r->raw[s] * scale : NAN;
}

static void compact_all(struct model *mo)
{
	for (size_t i = 0; i < mo->nents; i++)
		ent_halve(&mo->ents[i]);
	mo->bw *= 2;
}

static int by_position(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* One D task's sample in the entity of where it waits. */
static void dwait_count(struct model *mo, struct rd *r, struct tslot *t, uint32_t b, int i)
{
	if (t->dw < 0) {
		/* "0" is no place: the task was running when wchan was read */
		uint32_t w = t->wchan && strcmp(str_of(r, t->wchan), "0") ? t->wchan : intern(&r->st, "?");
		int *slot = map_slot(r, KEY_DW(t->comm, w), true);
		if (*slot < 0) {
			*slot = ent_new(mo, ENT_DWAIT, str_of(r, t->comm), i);
			snprintf(mo->ents[*slot].wchan, sizeof mo->ents[*slot].wchan, "%s", str_of(r, w));
			text_tidy(mo->ents[*slot].wchan);
		}
		t->dw = *slot;
	}
	ent_at(mo, &mo->ents[t->dw], b)[DF_D] += 1;
	mo->ents[t->dw].last_sample = i;
}

/* CPU shares over the interval, from the "cpu" line of /proc/stat. */
static void derive_cpu(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo;
	static const int cs[] = { R_CPU_USER, R_CPU_NICE, R_CPU_SYS, R_CPU_IDLE, R_CPU_IOWAIT, R_CPU_IRQ, R_CPU_SOFTIRQ, R_CPU_STEAL };
	double d[8], tot = 0;
	bool ok = dt > 0;
	for (int k = 0; k < 8 && ok; k++) {
		if (!r->has[cs[k]]) {
			d[k] = 0; /* old kernels print fewer columns */
			continue;
		}
		ok = r->phas[cs[k]] && r->raw[cs[k]] >= r->prev[cs[k]];
		d[k] = ok ? (double)(r->raw[cs[k]] - r->prev[cs[k]]) : 0;
		tot += d[k];
	}
	if (ok && tot > 0) {
		row[M_CPU_USR] = 100 * (d[0] + d[1]) / tot;
		row[M_CPU_SYS] = 100 * (d[2] + d[5] + d[6]) / tot;
		row[M_CPU_IDLE] = 100 * d[3] / tot;
		row[M_CPU_IOWAIT] = 100 * d[4] / tot;
		row[M_CPU_STEAL] = 100 * d[7] / tot;
	}
}

static void derive_stat(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_PROCS_RUN] = val(r, R_PROCS_RUNNING, 1);
}

static void derive_loadavg(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_LOAD1] = val(r, R_LOAD1, 0.01);
}

/* MemAvailable as the kernel has computed it since 3.14 (si_mem_available),
 * for the kernels before, with the low watermark approximated as
 * MemTotal/256 (zoneinfo is not recorded). */
static double mem_available_before_3_14(const struct rd *r)
{
	double low = (double)r->raw[R_MEMTOTAL] / 256;
	double pc = r->has[R_ACTFILE] ? (double)(r->raw[R_ACTFILE] + r->raw[R_INACTFILE])
				      : (double)(r->raw[R_CACHED] + r->raw[R_BUFFERS]) - (double)r->raw[R_SHMEM];
	double sr = (double)r->raw[R_SRECL];
	double a = (double)r->raw[R_MEMFREE] - low + pc - fmin(pc / 2, low) + sr - fmin(sr / 2, low);
	return a < 0 ? 0 : a;
}

static void derive_meminfo(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_MEMTOTAL] = val(r, R_MEMTOTAL, 1);
	row[M_MEMFREE] = val(r, R_MEMFREE, 1);
	if (r->has[R_MEMAVAIL])
		row[M_MEMAVAIL] = val(r, R_MEMAVAIL, 1);
	else if (r->has[R_MEMFREE] && r->has[R_MEMTOTAL])
		row[M_MEMAVAIL] = mem_available_before_3_14(r);
	row[M_CACHED] = val(r, R_CACHED, 1);
	row[M_SHMEM] = val(r, R_SHMEM, 1);
	row[M_SLAB] = val(r, R_SLAB, 1);
	row[M_SUNRECL] = val(r, R_SUNRECL, 1);
	row[M_ANON] = val(r, R_ANON, 1);
	row[M_DIRTY] = val(r, R_DIRTY, 1);
	row[M_WRITEBACK] = val(r, R_WB, 1);
	if (r->has[R_SWAPTOTAL] && r->has[R_SWAPFREE])
		row[M_SWAPUSED] = (double)r->raw[R_SWAPTOTAL] - (double)r->raw[R_SWAPFREE];
}

static void derive_vmstat(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo;
	row[M_MAJFLT] = rate(r, R_PGMAJFAULT, dt);
	row[M_REFAULT] = rate(r, R_REFAULT, dt);
	row[M_PGSCAN_K] = rate(r, R_PGSCAN_K, dt);
	row[M_PGSCAN_D] = rate(r, R_PGSCAN_D, dt);
	double sk = rate(r, R_PGSTEAL_K, dt), sd = rate(r, R_PGSTEAL_D, dt);
	row[M_PGSTEAL] = isnan(sk) ? sd : isnan(sd) ? sk : sk + sd;
	row[M_ALLOCSTALL] = rate(r, R_ALLOCSTALL, dt);
	row[M_PSWPIN] = rate(r, R_PSWPIN, dt);
	row[M_PSWPOUT] = rate(r, R_PSWPOUT, dt);
	row[M_OOMKILL] = rate(r, R_OOMKILL, 1.0);
}

static void derive_psi(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_PSI_CPU] = val(r, R_PSI_CPU, 0.01);
	row[M_PSI_MEM] = val(r, R_PSI_MEM, 0.01);
	row[M_PSI_MEM_FULL] = val(r, R_PSI_MEM_FULL, 0.01);
	row[M_PSI_IO] = val(r, R_PSI_IO, 0.01);
	row[M_PSI_IO_FULL] = val(r, R_PSI_IO_FULL, 0.01);
}

/* One disk's rates of sample i, into its series and x[] (reads/s,
 * read MB/s, writes/s, write MB/s, % busy); false when its counters went
 * backwards. */
static bool disk_rates(struct disk *dk, const uint64_t *c, int i, double dt, double x[5])
{
	for (int f = 0; f < 5; f++)
		if (c[f] < dk->prev[f])
			return false;
	x[0] = (double)(c[0] - dk->prev[0]) / dt;
	x[1] = (double)(c[1] - dk->prev[1]) * 512 / 1e6 / dt;
	x[2] = (double)(c[2] - dk->prev[2]) / dt;
	x[3] = (double)(c[3] - dk->prev[3]) * 512 / 1e6 / dt;
	x[4] = (double)(c[4] - dk->prev[4]) / 10.0 / dt; /* io_ticks ms -> % */
	if (x[4] > 100)
		x[4] = 100;
	dk->rps[i] = (float)x[0];
	dk->rmbps[i] = (float)x[1];
	dk->wps[i] = (float)x[2];
	dk->wmbps[i] = (float)x[3];
	dk->util[i] = (float)x[4];
	dk->total_ios += (x[0] + x[2]) * dt;
	return true;
}

/* Every disk's rates; the sample's: the real disks summed, the busiest's
 * utilisation. */
static void derive_disk(struct model *mo, struct rd *r, double *row, double dt)
{
	int i = mo->nsamples - 1;
	double sum[4] = { 0 }, util = 0, x[5];
	bool any = false;
	for (int k = 0; k < mo->ndisks; k++) {
		struct disk *dk = &mo->disks[k];
		dk->rps[i] = dk->rmbps[i] = dk->util[i] = dk->wps[i] = dk->wmbps[i] = NAN;
		if (!r->disk_seen[k])
			continue;
		r->disk_seen[k] = 0;
		uint64_t *c = r->disk_cur[k];
		if (dk->have_prev && dt > 0 && disk_rates(dk, c, i, dt, x) && !dk->partition) {
			for (int f = 0; f < 4; f++)
				sum[f] += x[f];
			util = x[4] > util ? x[4] : util;
			any = true;
		}
		memcpy(dk->prev, c, sizeof dk->prev);
		dk->have_prev = true;
	}
	if (any) {
		row[M_DISK_RPS] = sum[0];
		row[M_DISK_RMBPS] = sum[1];
		row[M_DISK_WPS] = sum[2];
		row[M_DISK_WMBPS] = sum[3];
		row[M_DISK_UTIL] = util;
	}
}

/* kswapd's CPU over the interval, from the ticks its tasks gained. */
static void derive_kswapd(struct model *mo, struct rd *r, double *row, double dt)
{
	uint32_t hz = mo->hdr.user_hz ? mo->hdr.user_hz : 100;
	row[M_KSWAPD_CPU] = dt > 0 ? 100.0 * (double)r->kswapd_ticks / hz / dt : NAN;
	r->kswapd_ticks = 0;
}

/* A key sample lists every live task: the others are gone.  They leave
 * the D list now and the table after the D walk (drop_gone_tasks), since
 * removal moves slots.  Returns how many. */
static size_t mark_gone_tasks(struct rd *r)
{
	size_t ndrop = 0;
	for (size_t j = 0; r->key && j < r->th.cap; j++) {
		struct tslot *t = r->th.s[j].v ? task_at(r, j) : NULL;
		if (t && !t->seen) {
			set_state(r, t, 0);
			ndrop++;
		}
	}
	return ndrop;
}

/* The D tasks of sample i: counted in their process's and their wait's
 * buckets.  A (comm, wchan) seen for the first time becomes an entity in
 * the order of the task table's slots, as a walk of it would. */
static void count_d_tasks(struct model *mo, struct rd *r, int i)
{
	uint32_t b = (uint32_t)(i / mo->bw);
	size_t nfresh = 0;
	if (r->dn > r->fdw_cap) {
		r->fdw = xrealloc(r->fdw, r->dn * sizeof *r->fdw);
		r->fdw_cap = r->dn;
	}
	for (size_t k = 0; k < r->dn && r->th.cap; k++) {
		size_t j = hash_find(&r->th, tid_hash(r->dl[k]), NULL, NULL);
		if (!r->th.s[j].v)
			continue;
		struct tslot *t = task_at(r, j);
		if (t->ent >= 0)
			ent_at(mo, &mo->ents[t->ent], b)[PF_D] += 1;
		if (t->dw < 0)
			r->fdw[nfresh++] = j;
		else
			dwait_count(mo, r, t, b, i);
	}
	if (nfresh > 1)
		qsort(r->fdw, nfresh, sizeof *r->fdw, by_position);
	for (size_t k = 0; k < nfresh; k++)
		dwait_count(mo, r, task_at(r, r->fdw[k]), b, i);
}

static void drop_gone_tasks(struct model *mo, struct rd *r, size_t ndrop)
{
	for (size_t j = 0; ndrop && j < r->th.cap; j++) {
		struct tslot *t = r->th.s[j].v ? task_at(r, j) : NULL;
		if (t && !t->seen) {
			drop_task(mo, r, t);
			ndrop--;
			j = (size_t)-1; /* restart: the shift may move a slot behind j */
		}
	}
}

/* What the task walk gives the sample: kswapd's CPU, D and R counts. */
static void derive_tasks(struct model *mo, struct rd *r, double *row, double dt)
{
	derive_kswapd(mo, r, row, dt);
	size_t ndrop = mark_gone_tasks(r);
	count_d_tasks(mo, r, mo->nsamples - 1);
	drop_gone_tasks(mo, r, ndrop);
	row[M_TASKS_D] = r->tn ? r->nd : NAN;
	row[M_TASKS_R] = r->tn ? r->nr : NAN;
	r->key = false;
}

/* Seconds since the previous sample; 0 when unknown or not forward. */
static double sample_interval(const struct model *mo, const struct rd *r, int i)
{
	if (!r->have_prev || mo->mono_us[i] <= r->prev_mono)
		return 0;
	return (double)(mo->mono_us[i] - r->prev_mono) / 1e6;
}

/* Everything that needs the whole sample: each source's derivations,
 * then the task walk; the raw counters become the next sample's previous. */
static void end_sample(struct model *mo, struct rd *r)
{
	if (!r->in_sample)
		return;
	r->in_sample = false;
	int i = mo->nsamples - 1;
	double *row = mo->m + (size_t)i * M_COUNT;
	double dt = sample_interval(mo, r, i);
	for (int k = 0; k < M_COUNT; k++)
		row[k] = NAN;
	for (size_t f = 0; f < model_nfeeds; f++)
		if (model_feeds[f].derive)
			model_feeds[f].derive(mo, r, row, dt);
	derive_tasks(mo, r, row, dt);
	memcpy(r->prev, r->raw, sizeof r->raw);
	memcpy(r->phas, r->has, sizeof r->has);
	r->prev_mono = mo->mono_us[i];
	r->have_prev = true;
	r->done = i + 1;
}

static void begin_sample(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	end_sample(mo, r);
	grow_samples(mo);
	int i = mo->nsamples;
	if (i && (uint32_t)(i / mo->bw) >= MODEL_NB) {
		flush_all(mo, r);
		compact_all(mo);
	}
	mo->wall_us[i] = rec->u.sample.wall_us;
	mo->mono_us[i] = rec->u.sample.mono_us;
	mo->t[i] = i ? mo->t[i - 1] + ((rec->u.sample.mono_us > mo->mono_us[i - 1])
					      ? (double)(rec->u.sample.mono_us - mo->mono_us[i - 1]) / 1e6 : 0)
		     : 0;
	if (i) {
		double iv = mo->hdr.interval_us ? (double)mo->hdr.interval_us / 1e6 : 1;
		double dt = mo->t[i] - mo->t[i - 1];
		if (rec->u.sample.mono_us < mo->mono_us[i - 1]) {
			add_event(mo, i, EV_GAP, 0, "monotonic clock went backwards (reboot or new capture)");
			mo->gaps++;
			r->have_prev = false;
		} else if (dt > 2.5 * iv) {
			add_event(mo, i, EV_GAP, 0, "no samples for %.1f s", dt);
			mo->gaps++;
		}
	}
	mo->nsamples++;
	memset(r->raw, 0, sizeof r->raw);
	memset(r->has, 0, sizeof r->has);
	r->in_sample = true;
	r->key = rec->u.sample.key;
	if (r->key)
		for (size_t j = 0; j < r->tn; j++)
			r->tasks[j].seen = false;
}

static bool mentions(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	return memmem(s, len, needle, n) != NULL;
}

static void feed_text(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	(void)r;
	const char *s = rec->u.text.text;
	size_t len = rec->u.text.len;
	int i = mo->nsamples ? mo->nsamples - 1 : 0;
	if (mo->nkmsg < 2000000 && mo->kmsg_bytes < (64u << 20)) {
		if (mo->nkmsg == mo->kmsg_cap) {
			size_t nc = mo->kmsg_cap ? mo->kmsg_cap * 2 : 256;
			mo->kmsg = xrealloc(mo->kmsg, nc * sizeof *mo->kmsg);
			mo->kmsg_cap = nc;
		}
		char *copy = xstrndup(s, len);
		for (size_t k = 0; k < len; k++)
			if (!copy[k])
				copy[k] = '?';
		text_tidy(copy);
		mo->kmsg[mo->nkmsg++] = (struct kmsg_line){ i, rec->u.text.ts_us, rec->u.text.trigger,
							    rec->u.text.kind, copy };
		mo->kmsg_bytes += len + 1;
	}
	char line[200];
	size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
	memcpy(line, s, n);
	line[n] = 0;
	for (size_t k = 0; k < n; k++)
		if (!line[k])
			line[k] = '?';
	text_tidy(line);
	switch (rec->u.text.kind) {
	case CAP_TXT_TRIGGER:
		add_event(mo, i, EV_SYSRQ, 0, "sysrq-%c requested (%s)", line[0] ? line[0] : '?', n > 2 ? line + 2 : "");
		break;
	case CAP_TXT_NOTE:
		add_event(mo, i, EV_NOTE, 0, "recorder: %s", line);
		model_warn(mo, "recorder note at sample %d: %s", i, line);
		break;
	default:
		if (mentions(s, len, "Killed process") || mentions(s, len, "Out of memory") ||
		    mentions(s, len, "invoked oom-killer"))
			add_event(mo, i, EV_OOM, 0, "%s", line);
		else if (mentions(s, len, "blocked for more than"))
			add_event(mo, i, EV_HUNG, 0, "%s", line);
		else if (mentions(s, len, "Show Blocked State") || mentions(s, len, "Show backtrace of all active CPUs"))
			add_event(mo, i, EV_SYSRQ, 0, "%s", line);
		break;
	}
}

/* A new capture replaces what was read so far: the model holds one
 * capture, never a mix of machines with time running backwards. */
static void restart(struct model *mo)
{
	struct model *n = model_new();
	memcpy(n->caps, mo->caps, sizeof mo->caps);
	n->ncaps = mo->ncaps;
	n->want_capture = mo->want_capture;
	struct model tmp = *mo;
	*mo = *n;
	*n = tmp;
	model_free(n);
}

/* Keeps the list of captures; 1 when this record belongs to a capture the
 * model does not hold. */
static bool other_capture(struct model *mo, const struct cap_rec *rec)
{
	struct rd *r = mo->priv;
	struct capinfo *ci = mo->ncaps && mo->ncaps <= MODEL_MAXCAPS ? &mo->caps[mo->ncaps - 1] : NULL;
	/* a frame is counted once its header says whose it is */
	if (rec->type == CAP_EV_FRAME) {
		r->frame_pending = true;
		return true;
	}
	if (rec->type == CAP_HEADER) {
		uint64_t id = rec->u.header->capture_id;
		bool fresh = !mo->ncaps || id != r->list_id, fp = r->frame_pending;
		if (fresh) {
			if (mo->ncaps < MODEL_MAXCAPS) {
				ci = &mo->caps[mo->ncaps];
				memset(ci, 0, sizeof *ci);
				ci->id = id;
				snprintf(ci->host, sizeof ci->host, "%.63s", rec->u.header->host);
				text_tidy(ci->host);
			} else {
				ci = NULL;
			}
			mo->ncaps++;
			r->list_id = id;
			if (mo->want_capture > 0) {
				r->skip = mo->ncaps != mo->want_capture;
			} else if (mo->ncaps > 1) {
				restart(mo);
				r = mo->priv;
				r->list_id = id;
			}
			if (!r->skip)
				mo->chosen = mo->ncaps;
		}
		if (ci && fp)
			ci->frames++;
		if (fp && !r->skip)
			mo->frames++;
		r->frame_pending = false;
		return r->skip;
	}
	if (rec->type == CAP_SAMPLE && ci) {
		if (!ci->samples)
			ci->first_wall_us = rec->u.sample.wall_us;
		ci->samples++;
		ci->last_wall_us = rec->u.sample.wall_us;
	}
	return r->skip;
}

int model_feed(struct model *mo, const struct cap_rec *rec)
{
	struct rd *r = mo->priv;
	if (!r)
		return 0;
	if (rec->type == CAP_EV_FRAME)
		r->nids = r->ngp = 0; /* name ids start afresh in every frame */
	if (other_capture(mo, rec))
		return 0;
	r = mo->priv;
	switch (rec->type) {
	case CAP_EV_FRAME:
		mo->frames++;
		break;
	case CAP_HEADER:
		if (!mo->have_hdr) {
			mo->hdr = *rec->u.header;
			mo->have_hdr = true;
			char *hs[] = { mo->hdr.writer, mo->hdr.host, mo->hdr.kernel, mo->hdr.machine, mo->hdr.options };
			for (size_t k = 0; k < sizeof hs / sizeof *hs; k++)
				text_tidy(hs[k]);
		} else if (r->have_id && rec->u.header->capture_id != r->capture_id) {
			mo->restarts++;
			add_event(mo, mo->nsamples, EV_RESTART, 0, "another capture (id %016llx) continues here",
				  (unsigned long long)rec->u.header->capture_id);
			model_warn(mo, "the file holds more than one capture (concatenated); they are read as one");
		}
		r->capture_id = rec->u.header->capture_id;
		r->have_id = true;
		break;
	case CAP_SAMPLE:
		begin_sample(mo, r, rec);
		break;
	case CAP_GROUP:
		if (r->in_sample)
			feed_group(mo, r, rec);
		break;
	case CAP_TASK:
		if (r->in_sample)
			feed_task(mo, r, rec);
		break;
	case CAP_TASK_EXIT: {
		struct tslot *t = task_find(r, rec->u.exit.tid, false);
		if (t)
			drop_task(mo, r, t);
		break;
	}
	case CAP_SAMPLE_END:
		end_sample(mo, r);
		break;
	case CAP_TEXT:
		feed_text(mo, r, rec);
		break;
	case CAP_END:
		end_sample(mo, r);
		mo->clean_end = true;
		break;
	case CAP_EV_DAMAGE:
		end_sample(mo, r);
		mo->damaged++;
		mo->damaged_bytes += rec->u.damage.length;
		add_event(mo, mo->nsamples, EV_DAMAGE, 0, "damaged region: %s", rec->u.damage.what);
		model_warn(mo, "damaged region at byte %llu (%llu bytes): %s; the samples in it are lost",
			   (unsigned long long)rec->u.damage.offset, (unsigned long long)rec->u.damage.length,
			   rec->u.damage.what);
		break;
	case CAP_EV_UNKNOWN: {
		mo->unknown_recs++;
		uint32_t ty = (uint32_t)rec->u.unknown.type;
		int k = 0;
		while (k < mo->nunknown_types && mo->unknown_types[k] != ty)
			k++;
		if (k == mo->nunknown_types && k < 8)
			mo->unknown_types[mo->nunknown_types++] = ty;
		break;
	}
	default:
		break;
	}
	if (rec->type != CAP_END)
		mo->clean_end = false;
	return 0;
}

void model_finish(struct model *mo)
{
	struct rd *r = mo->priv;
	if (!r)
		return;
	end_sample(mo, r);
	flush_all(mo, r);
	if (mo->ncaps > 1 && mo->chosen)
		model_warn(mo, "the input holds %d captures (by capture id); this report is of capture %d (id %016llx); "
			   "`analyze info` lists them, --capture N picks another", mo->ncaps, mo->chosen,
			   (unsigned long long)mo->hdr.capture_id);
	if (mo->nsamples && !mo->clean_end && !mo->damaged)
		model_warn(mo, "the capture has no end record: the recorder was stopped abruptly (power cut, SIGKILL) or is still running");
	if (mo->unknown_recs) {
		char types[80] = "";
		size_t tl = 0;
		for (int k = 0; k < mo->nunknown_types && tl < sizeof types; k++)
			tl += (size_t)snprintf(types + tl, sizeof types - tl, "%s%u", k ? ", " : "",
					       (unsigned)mo->unknown_types[k]);
		model_warn(mo, "%d record(s) of a newer format version were skipped (record type%s %s%s); "
			   "a newer analyze reads them", mo->unknown_recs, mo->nunknown_types > 1 ? "s" : "", types,
			   mo->unknown_recs > mo->nunknown_types && mo->nunknown_types == 8 ? ", ..." : "");
	}
	for (size_t i = 1; i < r->st.n; i++)
		free(r->st.s[i]);
	free(r->st.s);
	hash_free(&r->st.h);
	free(r->tasks);
	hash_free(&r->th);
	free(r->mk);
	free(r->mv);
	hash_free(&r->mh);
	free(r->cgs);
	free(r->ids);
	free(r->dl);
	free(r->fdw);
	for (size_t k = 0; k < r->gpcap; k++)
		free(r->gp[k].it);
	free(r->gp);
	free(r->byname.it);
	free(r);
	mo->priv = NULL;
}

void model_free(struct model *mo)
{
	if (!mo)
		return;
	if (mo->priv)
		model_finish(mo);
	free(mo->m);
	free(mo->t);
	free(mo->wall_us);
	free(mo->mono_us);
	for (size_t i = 0; i < mo->nents; i++)
		free(mo->ents[i].v);
	free(mo->ents);
	for (int d = 0; d < mo->ndisks; d++) {
		free(mo->disks[d].rps);
		free(mo->disks[d].rmbps);
		free(mo->disks[d].util);
		free(mo->disks[d].wps);
		free(mo->disks[d].wmbps);
	}
	free(mo->evs);
	for (size_t i = 0; i < mo->nkmsg; i++)
		free(mo->kmsg[i].text);
	free(mo->kmsg);
	for (size_t i = 0; i < mo->nwarn; i++)
		free(mo->warnings[i]);
	free(mo->warnings);
	free(mo);
}

/* ------------------------------------------------------------ queries */

static void bucket_range(const struct model *mo, int a, int b, uint32_t *ba, uint32_t *bb)
{
	*ba = (uint32_t)(a / mo->bw);
	*bb = (uint32_t)((b - 1) / mo->bw);
}

double ent_sum(const struct model *mo, const struct entity *e, int f, int a, int b)
{
	if (b <= a)
		return 0;
	uint32_t ba, bb;
	bucket_range(mo, a, b, &ba, &bb);
	int nf = ent_nfields(e->kind);
	double s = 0;
	for (uint32_t k = ba; k <= bb; k++) {
		const float *p = ent_bucket(e, k, nf);
		if (p)
			s += p[f];
	}
	return s;
}

double ent_max(const struct model *mo, const struct entity *e, int f, int a, int b)
{
	if (b <= a)
		return 0;
	uint32_t ba, bb;
	bucket_range(mo, a, b, &ba, &bb);
	int nf = ent_nfields(e->kind);
	double m = 0;
	for (uint32_t k = ba; k <= bb; k++) {
		const float *p = ent_bucket(e, k, nf);
		if (p && p[f] > m)
			m = p[f];
	}
	return m;
}

double win_mean(const struct model *mo, int k, int a, int b)
{
	double s = 0;
	int n = 0;
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		double x = M(mo, i, k);
		if (!isnan(x)) {
			s += x;
			n++;
		}
	}
	return n ? s / n : NAN;
}

double win_max(const struct model *mo, int k, int a, int b)
{
	double m = NAN;
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		double x = M(mo, i, k);
		if (!isnan(x) && (isnan(m) || x > m))
			m = x;
	}
	return m;
}

double win_min(const struct model *mo, int k, int a, int b)
{
	double m = NAN;
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		double x = M(mo, i, k);
		if (!isnan(x) && (isnan(m) || x < m))
			m = x;
	}
	return m;
}

int model_index_at(const struct model *mo, double t)
{
	int lo = 0, hi = mo->nsamples;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (mo->t[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
