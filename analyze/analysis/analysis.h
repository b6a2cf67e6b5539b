/* analysis.h - windows -> detectors -> ranking -> report.
 *
 * Detectors read the model through struct actx and write one struct
 * finding each; they never print.  Renderers read struct report and make
 * no decisions.
 */
#ifndef ANALYSIS_H
#define ANALYSIS_H

#include "kwait.h"
#include "model.h"

struct window { bool set; int a, b; };  /* samples [a, b) */

struct windows {
	const char *how;        /* "auto", "given", "baseline" */
	struct window healthy, faulty;
	bool trend;             /* no healthy window: compared with the fault's own start */
	char why[700];
};

struct win_opts {
	double ha, hb, fa, fb;  /* seconds; NaN = not given */
	double lo, hi;          /* --from/--to in seconds; used only when hi > lo */
};

/* Health signal per sample (M_STRESS), smoothed; then the windows. */
void windows_signal(struct model *mo);
void windows_choose(const struct model *mo, const struct model *baseline, const struct win_opts *o,
		    struct windows *w);

#define MAX_EV 10
#define MAX_EXP 10

struct evidence {
	char metric[48];
	double healthy, faulty;
	char unit[24];
};

/* What a report can hold: every detector fires at most once.  The
 * detector table (detect/detectors.def) has one row per cause; a static
 * assert there keeps it within this. */
#define MAX_DETECTORS 32

/* Why a task waits in D state (enum wait_kind, wait_kind(), wait_name():
 * common/kwait.h), as a set for an edge. */
#define WAIT_BIT(k) (1u << (k))

struct finding {
	int cid;                 /* its row in detectors[]; the detector sets another row's when it reports under it */
	const char *id;          /* its name, from the table */
	bool cause;              /* a cause (a process, a kernel pool) or a symptom */
	double score;            /* 0..1 */
	long pid;                /* culprit; -1 = none */
	char comm[64];
	char summary[400];       /* the one-line verdict */
	struct evidence ev[MAX_EV];
	int nev;
	enum wait_kind wait;     /* blocked-tasks: the dominant wait kind; WAIT_UNKNOWN elsewhere */
	char detail[900];        /* more lines for people (other growers, groups) */
	/* the tmpfs/ramfs mount that grows (or holds the culprit's shmem);
	 * path "" = none named */
	struct { char path[64]; double low_kb, used_kb, total_kb, rate_kb_ps; bool grows; } mount;
	const char *explains[MAX_EXP];
	int nexp;
	const char *explained_by;
	int rank;
};

struct kd_result;
struct sg_groups;

struct actx {
	const struct kd_result *kd;   /* kernel task dumps from the capture's log, or NULL */
	const struct sg_groups *sg;   /* the same grouped by stack, or NULL */
	const struct model *fm;  /* the capture under study */
	const struct model *hm;  /* where the healthy window lives (fm, or the baseline) */
	struct windows w;
	int ha, hb, fa, fb;      /* resolved sample ranges in hm / fm */
	/* every metric's mean over them (actx_means): detectors ask for dozens */
	double hmeans[M_COUNT], fmeans[M_COUNT];
	double memtotal_kb;
	int ncpu;
	double interval_s;
};

typedef int (*detect_fn)(const struct actx *c, struct finding *f); /* 1 = fired */

/* The causal graph: an edge A -> B ("A explains B") when B is among what
 * A can bring about and B's own figures agree, as `when` says. */
enum edge_when {
	EDGE_END,                /* (ends a row's list) */
	EDGE_ALWAYS,
	EDGE_WAITS,              /* B's dominant wait kind is one of `waits` */
	EDGE_WITH_THRASH,        /* a thrashing finding is there too */
	EDGE_KSWAPD,             /* B's culprit is kswapd */
	EDGE_KSWAPD_OR_SAME,     /* B's culprit is kswapd, or A's own */
};
struct edge {
	int to;                  /* a row of detectors[] */
	enum edge_when when;
	unsigned waits;          /* WAIT_BIT()s, for EDGE_WAITS */
};
#define MAX_EDGES 8

struct detector {
	const char *id;
	bool cause;
	detect_fn fn;
	const char *rule;        /* the documented rule, one line */
	bool thrash;             /* pages reclaimed or swapped over and over: it keeps a disk busy */
	struct edge explains[MAX_EDGES];
};
/* one row per cause (detect/detectors.def), indexed by a finding's cid */
extern const struct detector detectors[];
extern const size_t ndetectors;

/* helpers for detectors, the report and renderers (actx.c) */
void actx_means(struct actx *c); /* once ha..fb are set */
double hmean(const struct actx *c, int k);
double fmean(const struct actx *c, int k);
double fmax_(const struct actx *c, int k);
double fmin_(const struct actx *c, int k);
/* A cgroup's per-sample field: mean, and highest bucket mean, over [a, b). */
double cg_mean(const struct model *mo, const struct entity *g, int f, int a, int b);
double cg_peak(const struct model *mo, const struct entity *g, int f, int a, int b);
/* Is a process whose cgroup path is `path` in cgroup `cg`, itself or below?
 * A '/' boundary ends the prefix ("/a" holds "/a" and "/a/b", not "/ab"),
 * the root "/" holds every recorded path, and a process whose path was not
 * recorded ("") is in none: it cannot be placed, and putting it in the root
 * would count it in every domain.  Both names are cut at the same length
 * (struct entity), so a cut path still meets its cut cgroup. */
bool cgroup_holds(const char *cg, const char *path);
/* The tightest memory cgroup holding process p (its limit over [a, b) and
 * mean usage), or NULL: its limit is the process's "RAM" when smaller. */
const struct entity *proc_cgroup(const struct model *mo, const struct entity *p, int a, int b, double *limit,
				 double *usage);
/* A process's per-bucket memory over [a, b): RSS (stat) or, where recorded,
 * held = RssAnon + RssShmem + VmSwap.  NaN when not alive / not recorded. */
double proc_rss_at(const struct entity *e, uint32_t k);
double proc_held_at(const struct entity *e, uint32_t k);
bool proc_held_known(const struct model *mo, const struct entity *e, int a, int b);
/* The domain's anon + shmem in bucket k: the cgroup's, else the machine's
 * AnonPages + Shmem; NaN when not recorded. */
double domain_anon_at(const struct model *mo, const struct entity *cg, uint32_t k);
/* Bucket of a process's highest (hi) or lowest RSS over [a, b), -1 if none. */
int proc_rss_bucket(const struct model *mo, const struct entity *e, int a, int b, bool hi);
/* Does the capture hold no onset (no healthy window of its own, no baseline)? */
bool onset_unseen(const struct actx *c);
void add_ev(struct finding *f, const char *metric, double h, double fv, const char *unit);
void detail_add(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *fmt_kb(double kb, char *buf, size_t n);
/* appends to a NUL-terminated buffer, cutting at its size */
void sappend(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* capture's statfs groups: the tmpfs/ramfs mount whose used size grew
 * most over samples [a, b) (from its lowest to its highest bucket, low
 * before high) when that rise is >= max(4 MB, 25% of shmem_grow_kb),
 * else the one using most.  Fills f->mount and returns the
 * words that name it for a summary ("; the mount that grows: /tmp, ...");
 * when the capture holds no statfs group the words say "mount usage not
 * recorded" and f->mount stays empty. */
const char *shmem_mount(const struct actx *c, int a, int b, double shmem_grow_kb, struct finding *f, char *buf,
			size_t n);
/* A process's largest RssShmem (bucket mean) over [a, b), NaN when not
 * recorded. */
double proc_shmem_kb(const struct model *mo, const struct entity *e, int a, int b);
/* When >= 16 MB and half of what the holder holds is shmem: says so in
 * the summary, with the tmpfs mount holding the most (shmem_mount). */
void holder_shmem(const struct actx *c, const struct entity *e, double held_kb, struct finding *f);
/* " (healthy 3.0)" for a summary, printf-style; "" with no healthy window
 * (trend mode), where the figure would be the fault's own start. */
const char *healthy_words(const struct actx *c, char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct wait_group {
	char comm[64], wchan[64];
	enum wait_kind kind;
	double faulty_s, healthy_s;  /* task-seconds in D */
};
int blocked_groups(const struct actx *c, struct wait_group *out, int max);
/* The kind of a D-state (comm, wchan) entity's wait: wait_kind(), with a
 * generic page wait in a write or fsync path told as writeback. */
enum wait_kind dwait_kind(const struct actx *c, const struct entity *e);

/* ranking (rank.c): orders fired findings, fills explains / explained_by / rank */
void rank_findings(struct finding *f, int n);

struct report {
	struct model *mo;
	const char *path;
	struct actx ctx;
	struct finding f[MAX_DETECTORS];  /* each detector fires at most once */
	int nf;
	struct wait_group wg[16];
	int nwg;
	char conclusion[1200];   /* the top cause and the chain it explains, in words */
};

int report_build(struct report *r, struct model *mo, const struct model *baseline, const struct win_opts *o);
void report_free(struct report *r);

/* culprit.c: where the incident lives, for renderers */
const struct finding *report_culprit(const struct report *r);  /* top cause with a culprit, or NULL */
const struct entity *model_proc(const struct model *mo, long pid, const char *comm);
/* the tightest memory cgroup of a process with a limit below RAM, or NULL */
const struct entity *proc_memcg(const struct model *mo, const struct entity *p, double memtotal_kb, double *limit_kb);
/* processes whose memory grew most, then the biggest holders */
int report_mem_top(const struct report *r, const struct entity **out, int max);
/* memory is where the incident lives (the culprit's cgroup near its limit,
 * or the machine short of memory) */
bool report_memory_matters(const struct report *r);
/* culprit pids of the report's findings, for the timeline's event filter */
int report_pids(const struct report *r, long *pids, int max);

/* timeline.c: rows of means over a step, and the columns they can show:
 * every system metric, then extras (each busy disk's reads and writes, the
 * culprit's RSS, its memory cgroup's usage). */
#define TL_MAXX 20
#define TL_MAXCOLS (M_COUNT + TL_MAXX)
struct tl_row {
	int a, b;                /* samples */
	double t, m[M_COUNT];
	double x[TL_MAXX];       /* the extra columns */
	uint64_t wall_us;
	char events[200];
};
struct tl_col {
	int metric;              /* enum metric, or -1 for extra x */
	int x;
	char key[48];            /* CSV / JSON name */
	char label[16];          /* text header */
	char unit[48];           /* the unit of the key's value */
	int decimals;
	bool kb;                 /* a kB figure: the text shows MB */
};
struct timeline {
	struct tl_row *rows;
	int n;
	struct tl_col cols[TL_MAXCOLS];  /* every column, in display order */
	int ncols;
	int sel[TL_MAXCOLS];     /* the chosen ones (--columns), all by default */
	int nsel;
	bool chosen;             /* --columns was given */
	char prefer[24][48];     /* column keys the findings' evidence names, by rank */
	int nprefer;
};
/* rows over samples [a, b) of the report's capture; NULL when the range is
 * empty */
struct timeline *timeline_new(const struct report *r, double step, int a, int b);
/* --columns: a comma-separated list of keys or labels ("iowt%,MemAvail,
 * dirty_kb"); 0, or -1 with err naming what is unknown */
int timeline_select(struct timeline *tl, const char *list, char *err, size_t n);
void timeline_free(struct timeline *tl);
double tl_value(const struct tl_row *row, const struct tl_col *c);

/* time formatting shared by renderers */
void fmt_wall(uint64_t wall_us, char *buf, size_t n, bool date);
/* the zone of fmt_wall's time of day: TZ's abbreviation when TZ is set, else "UTC" */
const char *wall_zone(void);

#endif
