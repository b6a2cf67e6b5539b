/* reading.h - the model's reading state, shared by the files of model/
 * (model.c the record loop, feed*.c the sources' groups, task.c the
 * tasks, entity.c the buckets, keys.c names and keys, query.c what later
 * stages ask).  Nothing outside model/ includes it. */
#ifndef READING_H
#define READING_H

#include "model.h"
#include "hash.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ raw slots */

/* One slot per row of metrics.def that names a raw slot: counters are
 * summed into them as groups come (take_raw). */
enum raw {
#define METRIC_RAW(id, key, label, unit, decimals) R_##id,
#define RAW(id) R_##id,
#include "metrics.def"
	R_COUNT
};

struct kv { const char *name; int slot; };

/* A table of counter names: kv[] and the hash of its names. */
struct ktab { const struct kv *kv; struct hash h; };

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
	/* Its process's bucket of the open sample, found by the fast way
	 * of model_feed_task for the rows after the first in the bucket:
	 * good while bk_b is rd.cur_b and bk_gen rd.egen, which moves
	 * whenever buckets may move (ent_grow, compaction). */
	float *bk;
	uint32_t bk_b, bk_gen;
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
	/* NULL, or sets up what the feed keeps in r when a model is made */
	void (*init)(struct rd *r);
};
extern const struct feed *const model_feeds[];
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
	bool tasks_on;            /* in_sample && !skip, the one test of a task row */
	struct tslot *tasks;      /* tn of them, in no order: th finds them */
	size_t tcap, tn;
	struct hash th;
	struct strtab st;
	/* entity keys (KEY_*) and their entity indexes, mh finds them */
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
	uint32_t cur_b;           /* the bucket of the open sample: (nsamples - 1) / bw, without a division per record */
	uint32_t egen;            /* moves when entities' buckets may move (tslot.bk) */
	int nd, nr;               /* live tasks in D, in R */
	uint32_t *dl;             /* tids of the tasks in D */
	size_t dn, dcap;
	size_t *fdw;              /* slots of the D tasks with no wait entity yet, this sample */
	size_t fdw_cap;
	/* The task table index of each reader slot of this frame
	 * (rec.u.task.slot - 1), checked before use: a task moves when
	 * another is removed. */
	uint32_t *six;
	size_t nsix, six_cap;
	struct gplan *gp;         /* this frame's groups, in the order they come */
	size_t ngp, gpcap, gpcur;
	struct gplan byname;      /* the plan of a group without name ids */
};

/* the key spaces of map_slot */
#define KEY_PROC(tgid) ((uint64_t)1 << 62 | (tgid))
#define KEY_DW(c, w) ((uint64_t)2 << 62 | (uint64_t)(c) << 31 | (w))
#define KEY_CG(id) ((uint64_t)3 << 62 | (id))
#define KEY_MNT(id) ((uint64_t)3 << 62 | (uint64_t)1 << 40 | (id))

/* keys.c */
void ktab_init(struct ktab *t, const struct kv *kv, size_t n);
int ktab_get(const struct ktab *t, const char *name);
uint32_t intern(struct strtab *t, const char *s);
const char *str_of(const struct rd *r, uint32_t id);
int *map_slot(struct rd *r, uint64_t key, bool create);
struct idmeaning *id_cell_grow(struct rd *r, uint32_t id);

/* entity.c */
int ent_new(struct model *mo, enum ent_kind kind, const char *name, int sample);
float *ent_grow(struct entity *e, uint32_t b);
void compact_all(struct model *mo);

/* task.c */
struct tslot *task_find(struct rd *r, uint32_t tid, bool create);
void task_flush(struct model *mo, struct rd *r, struct tslot *t);
void flush_all(struct model *mo, struct rd *r);
void feed_task(struct model *mo, struct rd *r, const struct cap_rec *rec);
void drop_task(struct model *mo, struct rd *r, struct tslot *t);
void derive_tasks(struct model *mo, struct rd *r, double *row, double dt);

/* feed.c */
void take_raw(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v);
void feed_group(struct model *mo, struct rd *r, const struct cap_rec *rec);

/* model.c */
void add_event(struct model *mo, int sample, int kind, uint32_t pid, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A tid is its own key: the multiplication is a bijection of 32 bits. */
static inline uint32_t tid_hash(uint32_t tid) { return tid * 2654435761u; }

/* The task of slot j of the task table, which must hold one. */
static inline struct tslot *task_at(struct rd *r, size_t j) { return &r->tasks[r->th.s[j].v - 1]; }

/* ent_nfields(), inline: ent_at is called for nearly every record. */
static inline int ent_nf(enum ent_kind k)
{
	return k == ENT_PROC ? PF_COUNT : k == ENT_CGROUP ? CF_COUNT : k == ENT_MOUNT ? MF_COUNT : DF_COUNT;
}

/* Bucket b of entity e, created (zeroed) on demand.
 * Nearly always the bucket is there already: that case stays inline. */
static inline float *ent_at(struct model *mo, struct entity *e, uint32_t b)
{
	if (b >= e->b0 && b < e->b0 + e->n)
		return e->v + (size_t)(b - e->b0) * ent_nf(e->kind);
	struct rd *r = mo->priv;
	if (r)
		r->egen++; /* it may move e's buckets: see tslot.bk */
	return ent_grow(e, b);
}

/* A raw slot's rate and value in this sample, NaN when unknown: inline,
 * as the derivations ask for them some thirty times a sample. */
static inline double rate(const struct rd *r, int s, double dt)
{
	if (!r->has[s] || !r->phas[s] || dt <= 0 || r->raw[s] < r->prev[s])
		return NAN;
	return (double)(r->raw[s] - r->prev[s]) / dt;
}

static inline double val(const struct rd *r, int s, double scale)
{
	return r->has[s] ? (double)r->raw[s] * scale : NAN;
}

static inline struct idmeaning *id_cell(struct rd *r, uint32_t id)
{
	return id < r->nids ? &r->ids[id] : id_cell_grow(r, id);
}

#endif
