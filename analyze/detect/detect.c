/* detect.c - the detector table and the helpers detectors share.
 * A new detector is one file with its function, plus its id in enum
 * cause_id (analysis.h), its prototype and its row here. */
#include "analysis.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int detect_leak(const struct actx *, struct finding *);
int detect_hog(const struct actx *, struct finding *);
int detect_shmem(const struct actx *, struct finding *);
int detect_slab(const struct actx *, struct finding *);
int detect_reclaim(const struct actx *, struct finding *);
int detect_swap(const struct actx *, struct finding *);
int detect_oom(const struct actx *, struct finding *);
int detect_io(const struct actx *, struct finding *);
int detect_writeback(const struct actx *, struct finding *);
int detect_cpu(const struct actx *, struct finding *);
int detect_blocked(const struct actx *, struct finding *);

/* Waits that memory trouble makes: faults and reclaim, and the reads and
 * unplaced waits behind them. */
#define MEM_WAITS                                                                                          \
	(WAIT_BIT(WAIT_PAGE_FAULT) | WAIT_BIT(WAIT_RECLAIM) | WAIT_BIT(WAIT_IO) | WAIT_BIT(WAIT_OTHER) |       \
	 WAIT_BIT(WAIT_UNKNOWN))
/* A growing pool of memory: it makes the thrash and what the thrash makes;
 * reclaim burns CPU in kswapd or in the grower itself (an unrelated CPU
 * hog is a rival, not a consequence). */
#define MEMORY_EDGES                                                                                       \
	{ CAUSE_RECLAIM_THRASH, EDGE_ALWAYS }, { CAUSE_SWAP_THRASH, EDGE_ALWAYS }, { CAUSE_OOM_KILL, EDGE_ALWAYS }, \
	{ CAUSE_BLOCKED_TASKS, EDGE_WAITS, MEM_WAITS }, { CAUSE_IO_SATURATION, EDGE_WITH_THRASH },            \
	{ CAUSE_CPU_SATURATION, EDGE_KSWAPD_OR_SAME }
#define THRASH_EDGES                                                                                       \
	{ CAUSE_BLOCKED_TASKS, EDGE_WAITS, MEM_WAITS }, { CAUSE_IO_SATURATION, EDGE_ALWAYS },                 \
	{ CAUSE_CPU_SATURATION, EDGE_KSWAPD }

/* One row per enum cause_id: the detector, its documented rule, and the
 * edges of the causal graph that start at it (rank.c closes them). */
const struct detector detectors[CAUSE_COUNT] = {
	[CAUSE_MEMORY_LEAK] = { "memory-leak", true, detect_leak,
	  "a process (or all processes of one name) gains >= max(16 MB, 5% of RAM or of its cgroup limit) of RSS from healthy to faulty while memory is short (MemAvailable < 15%, cgroup >= 85% of its limit, or reclaim thrash)",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_SHMEM_GROWTH] = { "shmem-growth", true, detect_shmem,
	  "Shmem (tmpfs, shared memory) gains >= max(16 MB, 5% of RAM) while MemAvailable < 15%",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_SLAB_GROWTH] = { "slab-growth", true, detect_slab,
	  "Slab gains >= max(32 MB, 8% of RAM) while MemAvailable < 15%",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_MEMORY_HOG] = { "memory-hog", true, detect_hog,
	  "no onset in the capture (no healthy window, or an OOM kill): in the memory domain under pressure (the tightest memory cgroup at >= 85% of its limit with anon+shmem >= 50% of it or refaults, else the machine at MemAvailable < 15%), the process holding >= 25% of the domain in anon+shmem+swap (RssAnon/RssShmem/VmSwap; stat RSS capped by the domain's anon where those are not recorded), or the OOM killer's victim; memory-leak instead when its growth is seen in the capture, shmem-growth when tmpfs holds more",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_RECLAIM_THRASH] = { "reclaim-thrash", false, detect_reclaim,
	  ">= 2 of: kswapd CPU >= 20%, pgscan >= 1000/s, refaults >= 100/s, major faults >= 100/s (each >= 5x healthy), page cache < 50% of healthy, allocstalls, PSI memory >= 5%, a memory cgroup at its limit with refaults or collapsing file pages; at least one being a reclaim or fault counter",
	  .thrash = true, .explains = { THRASH_EDGES } },
	[CAUSE_SWAP_THRASH] = { "swap-thrash", false, detect_swap,
	  "pswpin + pswpout >= 100 pages/s and >= 5x healthy",
	  .thrash = true, .explains = { THRASH_EDGES } },
	[CAUSE_OOM_KILL] = { "oom-kill", false, detect_oom,
	  "the kernel log shows an OOM kill, or vmstat oom_kill / a cgroup's oom_kill count rises",
	},
	[CAUSE_IO_SATURATION] = { "io-saturation", true, detect_io,
	  "the busiest real disk is >= 80% busy on average in the faulty window (and >= 1.5x healthy); culprit: the process with the most read+write bytes there",
	  .explains = { { CAUSE_BLOCKED_TASKS, EDGE_WAITS, WAIT_BIT(WAIT_IO) | WAIT_BIT(WAIT_OTHER) | WAIT_BIT(WAIT_UNKNOWN) |
							    WAIT_BIT(WAIT_WRITEBACK) } } },
	[CAUSE_WRITEBACK_STALL] = { "writeback-stall", true, detect_writeback,
	  "Dirty + Writeback >= max(5% of RAM, 3x healthy + 16 MB) and tasks wait in writeback throttling (balance_dirty_pages, *wait*writeback, jbd2) or the disk writes at >= 80% util",
	  .explains = { { CAUSE_BLOCKED_TASKS, EDGE_WAITS, WAIT_BIT(WAIT_WRITEBACK) | WAIT_BIT(WAIT_IO) },
			{ CAUSE_IO_SATURATION, EDGE_ALWAYS } } },
	[CAUSE_CPU_SATURATION] = { "cpu-saturation", true, detect_cpu,
	  "runnable tasks >= 1.5 x CPUs on average and idle + iowait < 10% in the faulty window; culprit: the top CPU user",
	},
	[CAUSE_BLOCKED_TASKS] = { "blocked-tasks", false, detect_blocked,
	  "tasks in D state >= 1 on average in the faulty window and >= 3x healthy + 0.5; grouped by comm and wchan",
	},
};

static double mean_in(const struct model *mo, int k, int a, int b) { return win_mean(mo, k, a, b); }

double hmean(const struct actx *c, int k)
{
	double x = mean_in(c->hm, k, c->ha, c->hb);
	return isnan(x) ? 0 : x;
}
double fmean(const struct actx *c, int k)
{
	double x = mean_in(c->fm, k, c->fa, c->fb);
	return isnan(x) ? 0 : x;
}
double fmax_(const struct actx *c, int k)
{
	double x = win_max(c->fm, k, c->fa, c->fb);
	return isnan(x) ? 0 : x;
}
double fmin_(const struct actx *c, int k)
{
	double x = win_min(c->fm, k, c->fa, c->fb);
	return isnan(x) ? 0 : x;
}

void add_ev(struct finding *f, const char *metric, double h, double fv, const char *unit)
{
	if (f->nev >= MAX_EV)
		return;
	struct evidence *e = &f->ev[f->nev++];
	snprintf(e->metric, sizeof e->metric, "%s", metric);
	e->healthy = h;
	e->faulty = fv;
	snprintf(e->unit, sizeof e->unit, "%s", unit);
}

void detail_add(struct finding *f, const char *fmt, ...)
{
	size_t l = strlen(f->detail);
	if (l + 2 >= sizeof f->detail)
		return;
	if (l)
		f->detail[l++] = '\n';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->detail + l, sizeof f->detail - l, fmt, ap);
	va_end(ap);
}

/* Where a D-state task waits, from its wchan (the innermost non-scheduler
 * function).  Names span kernels: 4.x page-lock waits, 5.16+ folios. */
const char *wait_name(enum wait_kind k)
{
	static const char *const names[WAIT_COUNT] = { "page-fault", "reclaim", "writeback", "io", "other", "unknown" };
	return (unsigned)k < WAIT_COUNT ? names[k] : "unknown";
}

enum wait_kind wait_kind(const char *w)
{
	static const char *const fault[] = { "filemap_fault", "folio_wait_bit", "wait_on_page_bit", "__lock_page",
					     "lock_page", "do_page_fault", "handle_mm_fault", "filemap_read_folio",
					     "__folio_lock", "folio_lock", "do_read_fault", "swap_readpage", "swapin", NULL };
	static const char *const reclaim[] = { "shrink_", "reclaim", "congestion_wait", "throttle_direct",
					       "balance_pgdat", "try_to_free", NULL };
	static const char *const wb[] = { "balance_dirty_pages", "writeback", "jbd2", "wbt_wait", "log_wait_commit",
					  "sync_inodes", "__filemap_fdatawait", NULL };
	static const char *const io[] = { "io_schedule", "blk_", "bit_wait_io", "submit_bio", "mmc_", "bio_", NULL };
	static const char *const *const sets[] = { fault, reclaim, wb, io };
	static const enum wait_kind kinds[] = { WAIT_PAGE_FAULT, WAIT_RECLAIM, WAIT_WRITEBACK, WAIT_IO };
	/* "0": the task ran again before wchan was read; empty: not read */
	if (!w[0] || !strcmp(w, "0") || !strcmp(w, "?"))
		return WAIT_UNKNOWN;
	for (int s = 0; s < 4; s++)
		for (int i = 0; sets[s][i]; i++)
			if (strstr(w, sets[s][i]))
				return kinds[s];
	return WAIT_OTHER;
}

const char *fmt_kb(double kb, char *buf, size_t n)
{
	if (isnan(kb))
		snprintf(buf, n, "n/a");
	else if (fabs(kb) >= 1024 * 1024)
		snprintf(buf, n, "%.1f GB", kb / 1048576);
	else if (fabs(kb) >= 10 * 1024)
		snprintf(buf, n, "%.0f MB", kb / 1024);
	else if (fabs(kb) >= 1024)
		snprintf(buf, n, "%.1f MB", kb / 1024);
	else
		snprintf(buf, n, "%.0f kB", kb);
	return buf;
}

void sappend(char *buf, size_t size, const char *fmt, ...)
{
	size_t l = strnlen(buf, size);
	if (l + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + l, size - l, fmt, ap);
	va_end(ap);
}

/* Mean of a per-sample cgroup field over samples [a, b). */
double cg_mean(const struct model *mo, const struct entity *g, int f, int a, int b)
{
	double ns = ent_sum(mo, g, CF_SAMPLES, a, b);
	return ns > 0 ? ent_sum(mo, g, f, a, b) / ns : NAN;
}

/* Highest per-bucket mean of a cgroup field over samples [a, b): the fault
 * may end inside the window (the tmpfs emptied), so its mean undersells it. */
double cg_peak(const struct model *mo, const struct entity *g, int f, int a, int b)
{
	double best = NAN;
	int nf = ent_nfields(ENT_CGROUP);
	for (int bi = a / mo->bw; b > a && bi <= (b - 1) / mo->bw; bi++) {
		const float *v = ent_bucket(g, (uint32_t)bi, nf);
		if (v && v[CF_SAMPLES] > 0 && !(v[f] / v[CF_SAMPLES] <= best))
			best = v[f] / v[CF_SAMPLES];
	}
	return best;
}

const struct entity *proc_cgroup(const struct model *mo, const struct entity *p, int a, int b, double *limit,
				 double *usage)
{
	const struct entity *best = NULL;
	*limit = NAN;
	*usage = NAN;
	for (size_t i = 0; i < mo->nents; i++) {
		const struct entity *g = &mo->ents[i];
		if (g->kind != ENT_CGROUP || !p->wchan[0])
			continue;
		size_t l = strlen(g->name);
		if (strncmp(p->wchan, g->name, l) || (p->wchan[l] && p->wchan[l] != '/' && l > 1))
			continue;
		double lim = ent_max(mo, g, CF_LIMIT, a, b), ns = ent_sum(mo, g, CF_SAMPLES, a, b);
		if (lim <= 0 || ns <= 0)
			continue;
		if (!best || lim < *limit) {
			best = g;
			*limit = lim;
			*usage = ent_sum(mo, g, CF_USAGE_SUM, a, b) / ns;
		}
	}
	return best;
}

double proc_rss_at(const struct entity *e, uint32_t k)
{
	const float *p = ent_bucket(e, k, PF_COUNT);
	return p && p[PF_ALIVE] > 0 ? p[PF_RSS_SUM] / p[PF_ALIVE] : NAN;
}

double proc_held_at(const struct entity *e, uint32_t k)
{
	const float *p = ent_bucket(e, k, PF_COUNT);
	return p && p[PF_HELD_N] > 0 ? p[PF_HELD_SUM] / p[PF_HELD_N] : NAN;
}

bool proc_held_known(const struct model *mo, const struct entity *e, int a, int b)
{
	return b > a && ent_sum(mo, e, PF_HELD_N, a, b) > 0;
}

bool onset_unseen(const struct actx *c)
{
	return c->w.trend && c->hm == c->fm;
}

double domain_anon_at(const struct model *mo, const struct entity *cg, uint32_t k)
{
	if (cg) {
		const float *v = ent_bucket(cg, k, CF_COUNT);
		return v && v[CF_SAMPLES] > 0 ? (v[CF_ANON_SUM] + v[CF_SHMEM_SUM]) / v[CF_SAMPLES] : NAN;
	}
	int a = (int)k * mo->bw, b = a + mo->bw;
	double an = win_mean(mo, M_ANON, a, b), sh = win_mean(mo, M_SHMEM, a, b);
	return isnan(an) ? NAN : an + (isnan(sh) ? 0 : sh);
}

int proc_rss_bucket(const struct model *mo, const struct entity *e, int a, int b, bool hi)
{
	int best = -1;
	double m = NAN;
	for (uint32_t k = (uint32_t)(a / mo->bw); b > a && k <= (uint32_t)((b - 1) / mo->bw); k++) {
		double x = proc_rss_at(e, k);
		if (!isnan(x) && (isnan(m) || (hi ? x > m : x < m))) {
			m = x;
			best = (int)k;
		}
	}
	return best;
}
