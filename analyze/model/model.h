/* model.h - what analyze knows about a capture after reading it once.
 *
 * System metrics are kept per sample (a 24 h, 1 Hz capture is 86,400 rows of
 * M_COUNT doubles, ~30 MB).  Per-process, per-cgroup and per-(comm, wchan)
 * figures are kept in time buckets whose width doubles whenever the
 * capture outgrows MODEL_NB buckets, so memory is bounded by the number of
 * entities, never by entities x samples.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cap.h"

/* System metrics derived per sample; NaN = not available. */
enum metric {
#define METRIC(id, key, label, unit, decimals) M_##id,
#define METRIC_RAW(id, key, label, unit, decimals) M_##id,
#include "metrics.def"
	M_COUNT
};

struct metric_info {
	const char *key;   /* machine name: CSV/JSON column */
	const char *label; /* short header for text tables */
	const char *unit;
	int decimals;
};
extern const struct metric_info metric_info[M_COUNT];

#define MODEL_NB 1024 /* buckets before the bucket width doubles */

/* Bucketed series of one entity: nf fields per bucket, buckets b0..b0+n-1. */
enum ent_kind { ENT_PROC, ENT_CGROUP, ENT_DWAIT, ENT_MOUNT };
/* PF_HELD_SUM: RssAnon + RssShmem + VmSwap (kB), summed over the samples
 * counted in PF_HELD_N, where /proc/PID/status was recorded, and of it
 * RssShmem in PF_SHMEM_SUM; PF_HWM_MAX: VmHWM.  Captures before those fields have PF_HELD_N = 0: unknown, not 0. */
enum { PF_RSS_SUM, PF_RSS_MAX, PF_CPU, PF_MAJFLT, PF_RD_KB, PF_WR_KB, PF_D, PF_ALIVE,
       PF_HELD_SUM, PF_HELD_N, PF_HWM_MAX, PF_SHMEM_SUM, PF_COUNT };
enum { CF_USAGE_SUM, CF_LIMIT, CF_FILE_SUM, CF_ANON_SUM, CF_MAJFLT, CF_REFAULT,
       CF_PGSCAN, CF_PGSTEAL, CF_PSI_SUM, CF_OOM, CF_SAMPLES, CF_SHMEM_SUM, CF_COUNT };
enum { DF_D, DF_COUNT };
/* A tmpfs/ramfs mount (capture's "statfs" groups; the name is the mount
 * point, its tail when longer): used_kb summed over the MF_N samples where
 * the kernel gave it (never for ramfs), the largest total_kb, and the
 * samples it was recorded in. */
enum { MF_USED_SUM, MF_N, MF_TOTAL_MAX, MF_SEEN, MF_COUNT };

struct entity {
	enum ent_kind kind;
	uint32_t pid;          /* process: tgid; cgroup/dwait: 0 */
	uint64_t start;        /* process start (ticks after boot) */
	char name[64];         /* comm, cgroup path (cut) or comm */
	union {
		char wchan[64];        /* dwait: where the tasks wait */
		char cgroup[64];       /* process: its cgroup path (cut) */
	};
	bool kthread;
	int first_sample, last_sample;
	uint32_t b0, n, cap;   /* bucket range held */
	float *v;              /* n * nf values */
};

struct event {
	int sample;
	enum { EV_GAP, EV_DAMAGE, EV_SYSRQ, EV_OOM, EV_HUNG, EV_TASK_START,
	       EV_TASK_EXIT, EV_NOTE, EV_RESTART } kind;
	uint32_t pid;
	char text[256]; /* a recorder note whole; longer text is cut, marked "..." */
};

struct disk {
	char name[32];
	bool partition;        /* or loop/ram/zram: not a "busy disk" */
	uint64_t prev[5];      /* rd_ios rd_sectors wr_ios wr_sectors io_ticks */
	bool have_prev;
	double total_ios;
	float *rps, *rmbps, *util; /* per sample */
	float *wps, *wmbps;    /* per sample: the write side, for the timeline */
};

struct kmsg_line {
	int sample;
	uint64_t ts_us, trigger;
	enum cap_text_kind kind;
	char *text;
};

/* One capture held in the input (a capture id's run of frames): `cat a b`
 * or files from several devices attached to one bug hold several. */
struct capinfo {
	uint64_t id;
	char host[64];
	uint64_t first_wall_us, last_wall_us;
	int samples, frames;
};
#define MODEL_MAXCAPS 64

struct model {
	struct cap_header hdr;
	/* the captures in the input, in order; the model holds one of them */
	struct capinfo caps[MODEL_MAXCAPS];
	int ncaps;             /* how many (the list keeps the first MODEL_MAXCAPS) */
	int want_capture;      /* 1-based; 0 = the last one (set before feeding) */
	int chosen;            /* 1-based index of the capture the model holds */
	bool have_hdr;
	int nsamples, cap_samples;
	double *m;             /* nsamples * M_COUNT */
	double *t;             /* seconds from the first sample (monotonic) */
	uint64_t *wall_us;
	uint64_t *mono_us;
	int bw;                /* samples per bucket */
	struct entity *ents;
	size_t nents, ents_cap;
	struct disk disks[32];
	int ndisks;
	struct event *evs;
	size_t nevs, evs_cap;
	struct kmsg_line *kmsg;
	size_t nkmsg, kmsg_cap, kmsg_bytes;
	/* integrity */
	int frames, damaged, gaps, restarts, unknown_recs, tasks_seen;
	uint32_t unknown_types[8];  /* distinct record types skipped (newer format), first 8 */
	int nunknown_types;
	uint64_t damaged_bytes;
	bool clean_end;
	char **warnings;
	size_t nwarn;
	void *priv;            /* reading state, freed by model_finish */
};

struct model *model_new(void);
/* Feeds one record.  Never fails on content; returns 0.  Out of memory
 * ends the program (xalloc.h). */
int model_feed(struct model *mo, const struct cap_rec *rec);
/* model_feed of a TASK record, in the shape of a task callback
 * (input_on_task): mo is the struct model. */
void model_feed_task(void *mo, const struct cap_rec *rec);
/* Ends reading: derives the per-sample health signal, frees reading state. */
void model_finish(struct model *mo);
void model_free(struct model *mo);
void model_warn(struct model *mo, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline double M(const struct model *mo, int i, int k) { return mo->m[(size_t)i * M_COUNT + k]; }
static inline float *ent_bucket(const struct entity *e, uint32_t b, int nf)
{
	return (b >= e->b0 && b < e->b0 + e->n) ? e->v + (size_t)(b - e->b0) * nf : NULL;
}
int ent_nfields(enum ent_kind k);

/* Sums field f of an entity over samples [a, b) (bucket resolution). */
double ent_sum(const struct model *mo, const struct entity *e, int f, int a, int b);
double ent_max(const struct model *mo, const struct entity *e, int f, int a, int b);

/* Mean / max / min of a metric over samples [a, b), NaN when none. */
double win_mean(const struct model *mo, int k, int a, int b);
/* win_mean of every metric at once, into m[M_COUNT] */
void metric_means(const struct model *mo, int a, int b, double *m);
double win_max(const struct model *mo, int k, int a, int b);
double win_min(const struct model *mo, int k, int a, int b);
/* Sample index at or after t seconds from start (clamped). */
int model_index_at(const struct model *mo, double t);

#endif
