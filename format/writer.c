/* writer.c - encodes samples into independent zstd frames (FORMAT.md).
 *
 * Everything is allocated in cap_writer_new(): the recorder runs on devices
 * that are out of memory, so a sample must never allocate.  When a
 * per-frame table is full the writer ends the frame early (which empties
 * it) rather than grow.  The task table is the one exception: tasks are
 * not per frame, and a fork storm must not lose tasks, so it grows in
 * bounded steps up to max_tasks, only when a new task finds it full.
 */
#include "cap.h"
#include "codec.h"
#include "fnv.h"
#include "xxh32.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define STAGE_BYTES (32u << 10)  /* raw records before they meet zstd */
#define OUT_BYTES (32u << 10)    /* compressed bytes before write(): a flush of a big frame takes a few */
#define REC_BYTES (16u << 10)    /* largest record body: a vmstat group is ~4 KB, a kernel log line ~1 KB */
#define TEXT_MAX (REC_BYTES - 64)

struct name_slot { uint32_t off, len, hash, id; };
struct ctr_slot { uint32_t src, inst, name, used, pos; uint64_t last; };
struct grp_slot { uint32_t src, inst, n, used; }; /* n: counters listed in this frame */
struct task_slot {
	uint32_t tid;
	uint32_t state;      /* 0 free, 1 live */
	uint64_t frame;      /* frame whose deltas v[] is the base of */
	union {
		uint64_t seen;       /* live: last sample that reported it */
		uint64_t next_free;  /* free: the next free slot, NO_SLOT ends the list */
	};
	uint64_t v[CAP_TF_COUNT];
};

struct cap_writer {
	struct cap_header hdr;
	struct cap_writer_limits lim;
	cap_write_fn write;
	void *ctx;
	ZSTD_CCtx *zc;
	bool in_frame, failed;
	uint64_t frame_no, sample_seq, frame_raw, written, prev_wall, prev_mono;
	bool key_sample;
	uint64_t prev_tid;             /* the last TASK record's tid in this sample */
	char err[160];

	uint8_t *stage; size_t stage_len;
	size_t stage_hashed;           /* stage bytes already in seg_hash */
	struct cap_xxh32 seg_hash;     /* raw bytes since the last checkpoint */
	uint64_t seg_bytes, frame_mono0;
	uint8_t *out;
	uint8_t *rec; size_t rec_len;  /* body of the record being built */
	uint32_t group_src, group_inst, group_n, group_new;
	int64_t group_prev;             /* position of the last value listed, -1 before */
	struct grp_slot *group;
	/* a GROUP body's three columns: new names, positions, values */
	uint8_t *group_vals; size_t group_vals_len;
	uint8_t *group_pos; size_t group_pos_len;
	uint8_t *group_names; size_t group_names_len;
	struct grp_slot *grps; size_t grps_cap, grps_n;

	char *arena; size_t arena_len;
	struct name_slot *names; size_t names_cap; uint32_t names_n;
	uint32_t *name_at;             /* name id -> its names[] slot */
	struct ctr_slot *ctrs; size_t ctrs_cap, ctrs_n;
	struct task_slot *tasks; size_t tasks_cap, tasks_live;
	uint64_t free_head;            /* free slots, a list through next_free */
	int32_t *tidx; size_t tidx_cap, tidx_used; /* -1 empty, -2 tombstone */
	uint64_t tasks_dropped, names_dropped, ctrs_dropped;
};

#define NO_SLOT UINT64_MAX

static size_t pow2_at_least(size_t n)
{
	size_t p = 16;
	while (p < n)
		p <<= 1;
	return p;
}

static int fail(struct cap_writer *w, const char *what)
{
	if (!w->failed)
		snprintf(w->err, sizeof w->err, "%s", what);
	w->failed = true;
	return -1;
}

static void hash_stage(struct cap_writer *w)
{
	cap_xxh32_update(&w->seg_hash, w->stage + w->stage_hashed, w->stage_len - w->stage_hashed);
	w->stage_hashed = w->stage_len;
}

static int drain(struct cap_writer *w, ZSTD_EndDirective mode)
{
	hash_stage(w);
	ZSTD_inBuffer in = { w->stage, w->stage_len, 0 };
	for (;;) {
		ZSTD_outBuffer out = { w->out, OUT_BYTES, 0 };
		size_t left = ZSTD_compressStream2(w->zc, &out, &in, mode);
		if (ZSTD_isError(left))
			return fail(w, "zstd compression failed");
		if (out.pos) {
			if (w->write(w->ctx, w->out, out.pos) != 0)
				return fail(w, strerror(errno));
			w->written += out.pos;
		}
		/* e_flush and e_end are done when zstd has nothing left to give */
		if (mode == ZSTD_e_continue ? in.pos == in.size : left == 0)
			break;
	}
	w->stage_len = w->stage_hashed = 0;
	return 0;
}

static int stage(struct cap_writer *w, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		size_t room = STAGE_BYTES - w->stage_len;
		size_t k = n < room ? n : room;
		memcpy(w->stage + w->stage_len, b, k);
		w->stage_len += k; b += k; n -= k;
		w->frame_raw += k;
		w->seg_bytes += k;
		if (w->stage_len == STAGE_BYTES && drain(w, ZSTD_e_continue))
			return -1;
	}
	return 0;
}

static void rec_varint(struct cap_writer *w, uint64_t v)
{
	if (w->rec_len + CAP_VARINT_MAX <= REC_BYTES)
		w->rec_len += cap_put_varint(w->rec + w->rec_len, v);
}

static void rec_bytes(struct cap_writer *w, const void *p, size_t n)
{
	if (n > REC_BYTES - w->rec_len)
		n = REC_BYTES - w->rec_len;
	memcpy(w->rec + w->rec_len, p, n);
	w->rec_len += n;
}

static void rec_string(struct cap_writer *w, const char *s)
{
	size_t n = strlen(s);
	rec_varint(w, n);
	rec_bytes(w, s, n);
}

static int emit(struct cap_writer *w, enum cap_type type, const void *body, size_t n)
{
	uint8_t h[2 * CAP_VARINT_MAX];
	size_t hl = cap_put_varint(h, type);
	hl += cap_put_varint(h + hl, n);
	if (stage(w, h, hl))
		return -1;
	return stage(w, body, n);
}

static int emit_rec(struct cap_writer *w, enum cap_type type)
{
	int rc = emit(w, type, w->rec, w->rec_len);
	w->rec_len = 0;
	return rc;
}

/* A new task takes the head of the free list: O(1) however full the table
 * is (a scan for a free slot was O(n) per new task, in a fork storm per
 * fork).  Slots lo..hi-1 go on it lowest first. */
static void free_push_range(struct cap_writer *w, size_t lo, size_t hi)
{
	while (hi-- > lo) {
		w->tasks[hi].state = 0;
		w->tasks[hi].next_free = w->free_head;
		w->free_head = hi;
	}
}

static void tidx_rebuild(struct cap_writer *w)
{
	memset(w->tidx, 0xff, w->tidx_cap * sizeof *w->tidx);
	w->tidx_used = 0;
	for (size_t i = 0; i < w->tasks_cap; i++) {
		if (!w->tasks[i].state)
			continue;
		size_t m = w->tidx_cap - 1, j = (w->tasks[i].tid * 2654435761u) & m;
		while (w->tidx[j] != -1)
			j = (j + 1) & m;
		w->tidx[j] = (int32_t)i;
		w->tidx_used++;
	}
}

static int start_frame(struct cap_writer *w)
{
	if (ZSTD_isError(ZSTD_CCtx_reset(w->zc, ZSTD_reset_session_only)))
		return fail(w, "zstd reset failed");
	w->in_frame = true;
	w->frame_raw = 0;
	w->frame_mono0 = UINT64_MAX;
	w->seg_bytes = 0;
	w->stage_hashed = w->stage_len;
	cap_xxh32_init(&w->seg_hash);
	w->key_sample = true;
	w->names_n = 0;
	w->arena_len = 0;
	memset(w->names, 0, w->names_cap * sizeof *w->names);
	memset(w->ctrs, 0, w->ctrs_cap * sizeof *w->ctrs);
	w->ctrs_n = 0;
	memset(w->grps, 0, w->grps_cap * sizeof *w->grps);
	w->grps_n = 0;
	w->prev_wall = w->prev_mono = 0;
	tidx_rebuild(w);

	struct cap_header *h = &w->hdr;
	h->frame_seq = w->frame_no++;
	w->rec_len = 0;
	rec_bytes(w, CAP_MAGIC, strlen(CAP_MAGIC));
	rec_varint(w, h->format_version);
	rec_string(w, h->writer);
	rec_string(w, h->host);
	rec_string(w, h->kernel);
	rec_string(w, h->machine);
	rec_string(w, h->options);
	rec_varint(w, h->page_size);
	rec_varint(w, h->user_hz);
	rec_varint(w, h->ncpu);
	rec_varint(w, h->boot_time_us);
	rec_varint(w, h->start_us);
	rec_varint(w, h->interval_us);
	rec_varint(w, h->capture_id);
	rec_varint(w, h->frame_seq);
	return emit_rec(w, CAP_HEADER);
}

static int ensure_frame(struct cap_writer *w)
{
	if (w->failed)
		return -1;
	return w->in_frame ? 0 : start_frame(w);
}

/* Interns s in this frame; returns its id (0 for empty), emitting a NAME
 * record the first time.  Out of room: 0, and the loss is counted. */
static uint32_t intern(struct cap_writer *w, const char *s)
{
	if (!s || !*s)
		return 0;
	size_t n = strnlen(s, 4096);
	uint32_t h = fnv1a32(s, n);
	size_t m = w->names_cap - 1, j = h & m;
	while (w->names[j].id) {
		struct name_slot *e = &w->names[j];
		if (e->hash == h && e->len == n && !memcmp(w->arena + e->off, s, n))
			return e->id;
		j = (j + 1) & m;
	}
	if ((w->names_n + 1) * 4 > w->names_cap * 3 || w->arena_len + n > w->lim.names_bytes) {
		w->names_dropped++;
		return 0;
	}
	memcpy(w->arena + w->arena_len, s, n);
	w->names[j] = (struct name_slot){ (uint32_t)w->arena_len, (uint32_t)n, h, ++w->names_n };
	w->name_at[w->names_n] = (uint32_t)j;
	w->arena_len += n;
	if (emit(w, CAP_NAME, s, n))
		return 0;
	return w->names[j].id;
}

/* A task's comm and cgroup are nearly always the ones it had last sample:
 * compare with that name (prev, an id of this frame, 0 none) before
 * hashing.  The cgroup path, up to a few hundred bytes, is on every thread
 * of the process. */
static uint32_t intern_again(struct cap_writer *w, uint64_t prev, const char *s)
{
	if (prev && prev <= w->names_n && s) {
		const struct name_slot *e = &w->names[w->name_at[prev]];
		if (!strncmp(w->arena + e->off, s, e->len) && !s[e->len])
			return (uint32_t)prev;
	}
	return intern(w, s);
}

struct cap_writer *cap_writer_new(const struct cap_header *h,
				  const struct cap_writer_limits *limits,
				  cap_write_fn write, void *ctx)
{
	struct cap_writer *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->hdr = *h;
	w->hdr.format_version = CAP_FORMAT_VERSION;
	w->write = write;
	w->ctx = ctx;
	w->lim = (struct cap_writer_limits){ 4096, 8192, 128u << 10, 4u << 20, 3, 0, CAP_FRAME_US_DEFAULT };
	if (limits) {
		if (limits->max_tasks) w->lim.max_tasks = limits->max_tasks;
		if (limits->max_counters) w->lim.max_counters = limits->max_counters;
		if (limits->names_bytes) w->lim.names_bytes = limits->names_bytes;
		if (limits->frame_raw) w->lim.frame_raw = limits->frame_raw;
		if (limits->level) w->lim.level = limits->level;
		if (limits->frame_us) w->lim.frame_us = limits->frame_us;
	}
	w->stage = malloc(STAGE_BYTES);
	w->out = malloc(OUT_BYTES);
	w->rec = malloc(REC_BYTES);
	w->group_vals = malloc(REC_BYTES);
	w->group_pos = malloc(REC_BYTES);
	w->group_names = malloc(REC_BYTES);
	w->grps_cap = pow2_at_least(w->lim.max_counters / 2);
	w->grps = calloc(w->grps_cap, sizeof *w->grps);
	w->arena = malloc(w->lim.names_bytes);
	w->names_cap = pow2_at_least(w->lim.names_bytes / 16);
	w->names = calloc(w->names_cap, sizeof *w->names);
	w->name_at = malloc((w->names_cap + 1) * sizeof *w->name_at);
	w->ctrs_cap = pow2_at_least(w->lim.max_counters * 4 / 3);
	w->ctrs = calloc(w->ctrs_cap, sizeof *w->ctrs);
	w->tasks_cap = limits && limits->init_tasks && limits->init_tasks < w->lim.max_tasks
		? limits->init_tasks : w->lim.max_tasks;
	w->tasks = calloc(w->tasks_cap, sizeof *w->tasks);
	w->free_head = NO_SLOT;
	if (w->tasks)
		free_push_range(w, 0, w->tasks_cap);
	w->tidx_cap = pow2_at_least(w->tasks_cap * 2);
	w->tidx = malloc(w->tidx_cap * sizeof *w->tidx);
	w->zc = ZSTD_createCCtx();
	if (!w->stage || !w->out || !w->rec || !w->group_vals || !w->group_pos || !w->group_names ||
	    !w->grps || !w->arena || !w->names || !w->name_at ||
	    !w->ctrs || !w->tasks || !w->tidx || !w->zc) {
		cap_writer_free(w);
		errno = ENOMEM;
		return NULL;
	}
	/* Small hash/chain tables: /proc text deltas are repetitive, and the
	 * default level-3 tables would double the recorder's locked memory.
	 * The window sizes zstd's buffers (about 1.1 MB of workspace at 128
	 * KiB, 440 KB at 32 KiB): a 32 KiB window still reaches the previous
	 * samples' records, and recompressing real captures with 32 KiB
	 * instead of 128 KiB came out within 3% either way. */
	ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, w->lim.level);
	ZSTD_CCtx_setParameter(w->zc, ZSTD_c_windowLog, 15);
	ZSTD_CCtx_setParameter(w->zc, ZSTD_c_hashLog, 15);
	ZSTD_CCtx_setParameter(w->zc, ZSTD_c_chainLog, 14);
	ZSTD_CCtx_setParameter(w->zc, ZSTD_c_checksumFlag, 1);
	/* zstd allocates its workspace on the first compress call, sized for
	 * an unknown source only if that call is not a one-shot e_end.  Start
	 * a frame of unknown size now and drop it, so the full workspace exists
	 * before the caller locks its memory and no sample allocates later. */
	{
		uint8_t tmp[64];
		ZSTD_inBuffer in = { "", 0, 0 };
		ZSTD_outBuffer out = { tmp, sizeof tmp, 0 };
		ZSTD_compressStream2(w->zc, &out, &in, ZSTD_e_continue);
		ZSTD_CCtx_reset(w->zc, ZSTD_reset_session_only);
	}
	tidx_rebuild(w);
	return w;
}

void cap_writer_free(struct cap_writer *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->zc);
	free(w->stage); free(w->out); free(w->rec); free(w->group_vals);
	free(w->group_pos); free(w->group_names); free(w->grps);
	free(w->arena); free(w->names); free(w->name_at); free(w->ctrs); free(w->tasks); free(w->tidx);
	free(w);
}

int cap_sample_begin(struct cap_writer *w, uint64_t wall_us, uint64_t mono_us)
{
	if (w->failed)
		return -1;
	/* Frames end between samples so each frame holds whole samples. */
	if (w->in_frame && (w->frame_raw > w->lim.frame_raw || w->arena_len * 2 > w->lim.names_bytes ||
			    w->names_n * 2 > w->names_cap / 2 || w->ctrs_n * 2 > w->lim.max_counters))
		if (cap_flush(w))
			return -1;
	if (ensure_frame(w))
		return -1;
	w->sample_seq++;
	w->prev_tid = 0;
	rec_varint(w, w->key_sample ? 1 : 0);
	rec_varint(w, w->sample_seq);
	rec_varint(w, cap_zigzag(wall_us - w->prev_wall));
	rec_varint(w, cap_zigzag(mono_us - w->prev_mono));
	w->prev_wall = wall_us;
	w->prev_mono = mono_us;
	if (w->frame_mono0 == UINT64_MAX)
		w->frame_mono0 = mono_us;
	w->key_sample = false;
	return emit_rec(w, CAP_SAMPLE);
}

/* The group's slot in this frame; NULL when the table is full (its
 * counters are then dropped and counted). */
static struct grp_slot *grp_find(struct cap_writer *w, uint32_t src, uint32_t inst)
{
	size_t m = w->grps_cap - 1, j = ((src * 2654435761u) ^ (inst * 40503u)) & m;
	for (; w->grps[j].used; j = (j + 1) & m)
		if (w->grps[j].src == src && w->grps[j].inst == inst)
			return &w->grps[j];
	if ((w->grps_n + 1) * 4 > w->grps_cap * 3)
		return NULL;
	w->grps_n++;
	w->grps[j] = (struct grp_slot){ src, inst, 0, 1 };
	return &w->grps[j];
}

int cap_group_begin(struct cap_writer *w, const char *source, const char *instance)
{
	if (ensure_frame(w))
		return -1;
	w->group_src = intern(w, source);
	w->group_inst = intern(w, instance);
	w->group_n = w->group_new = 0;
	w->group_prev = -1;
	w->group_vals_len = w->group_pos_len = w->group_names_len = 0;
	w->group = grp_find(w, w->group_src, w->group_inst);
	return 0;
}

static struct ctr_slot *ctr_find(struct cap_writer *w, uint32_t src, uint32_t inst, uint32_t name)
{
	uint32_t h = ((src * 2654435761u) ^ (inst * 40503u) ^ (name * 2246822519u));
	size_t m = w->ctrs_cap - 1, j = h & m;
	while (w->ctrs[j].used) {
		struct ctr_slot *c = &w->ctrs[j];
		if (c->src == src && c->inst == inst && c->name == name)
			return c;
		j = (j + 1) & m;
	}
	if (w->ctrs_n >= w->lim.max_counters)
		return NULL;
	w->ctrs_n++;
	w->ctrs[j] = (struct ctr_slot){ src, inst, name, 2, 0, 0 }; /* 2: not yet stored in this frame */
	return &w->ctrs[j];
}

int cap_group_value(struct cap_writer *w, const char *name, uint64_t value)
{
	if (w->failed)
		return -1;
	uint32_t id = intern(w, name);
	struct ctr_slot *c = w->group ? ctr_find(w, w->group_src, w->group_inst, id) : NULL;
	/* room for this value in all three columns and the record head */
	if (!c || w->group_vals_len + w->group_pos_len + w->group_names_len + 3 * CAP_VARINT_MAX > REC_BYTES - 64) {
		w->ctrs_dropped++;
		return 0;
	}
	/* Most counters of an idle source do not move: store a value only when
	 * it changed, or the first time in the frame (which defines the key). */
	if (c->used == 1 && c->last == value)
		return 0;
	if (c->used == 2) { /* new in this frame: it takes the next position */
		c->pos = w->group->n++;
		w->group_names_len += cap_put_varint(w->group_names + w->group_names_len, id);
		w->group_new++;
	}
	c->used = 1;
	/* positions ascend in the kernel's order: the gap is mostly 0 and the
	 * same from sample to sample, which zstd then matches */
	w->group_pos_len += cap_put_varint(w->group_pos + w->group_pos_len,
					   cap_zigzag((uint64_t)((int64_t)c->pos - w->group_prev - 1)));
	w->group_prev = c->pos;
	w->group_vals_len += cap_put_varint(w->group_vals + w->group_vals_len, cap_zigzag(value - c->last));
	c->last = value;
	w->group_n++;
	return 0;
}

int cap_group_end(struct cap_writer *w)
{
	if (w->failed)
		return -1;
	rec_varint(w, w->group_src);
	rec_varint(w, w->group_inst);
	rec_varint(w, w->group_new);
	rec_bytes(w, w->group_names, w->group_names_len);
	rec_varint(w, w->group_n);
	rec_bytes(w, w->group_pos, w->group_pos_len);
	rec_bytes(w, w->group_vals, w->group_vals_len);
	return emit_rec(w, CAP_GROUP);
}

/* Half the table again (at least 256, at most 8192 slots), capped at
 * max_tasks; the new slots are free.  -1 when at the cap or out of memory. */
static int tasks_grow(struct cap_writer *w)
{
	if (w->tasks_cap >= w->lim.max_tasks)
		return -1;
	size_t step = w->tasks_cap / 2;
	step = step < 256 ? 256 : step > 8192 ? 8192 : step;
	size_t cap = w->tasks_cap + step > w->lim.max_tasks ? w->lim.max_tasks : w->tasks_cap + step;
	struct task_slot *t = realloc(w->tasks, cap * sizeof *t);
	if (!t)
		return -1;
	w->tasks = t;
	memset(t + w->tasks_cap, 0, (cap - w->tasks_cap) * sizeof *t);
	size_t icap = pow2_at_least(cap * 2);
	if (icap > w->tidx_cap) {
		int32_t *x = realloc(w->tidx, icap * sizeof *x);
		if (!x)
			return -1; /* the bigger task array stays: harmless */
		w->tidx = x;
		w->tidx_cap = icap;
	}
	free_push_range(w, w->tasks_cap, cap); /* the list was empty: the table was full */
	w->tasks_cap = cap;
	tidx_rebuild(w);
	return 0;
}

static struct task_slot *task_get(struct cap_writer *w, uint32_t tid, bool *is_new)
{
	size_t m = w->tidx_cap - 1, j = (tid * 2654435761u) & m, tomb = SIZE_MAX;
	for (; w->tidx[j] != -1; j = (j + 1) & m) {
		if (w->tidx[j] == -2) {
			if (tomb == SIZE_MAX)
				tomb = j;
			continue;
		}
		if (w->tasks[w->tidx[j]].tid == tid) {
			*is_new = false;
			return &w->tasks[w->tidx[j]];
		}
	}
	if (w->tasks_live >= w->tasks_cap) {
		if (tasks_grow(w))
			return NULL;
		/* the index was rebuilt: find this tid's place again */
		for (j = (tid * 2654435761u) & (w->tidx_cap - 1); w->tidx[j] != -1; j = (j + 1) & (w->tidx_cap - 1))
			;
		tomb = SIZE_MAX;
	}
	size_t i = (size_t)w->free_head;
	w->free_head = w->tasks[i].next_free;
	if (tomb != SIZE_MAX)
		j = tomb;
	else
		w->tidx_used++;
	w->tidx[j] = (int32_t)i;
	w->tasks_live++;
	*is_new = true;
	memset(&w->tasks[i], 0, sizeof w->tasks[i]);
	w->tasks[i].tid = tid;
	w->tasks[i].state = 1;
	w->tasks[i].frame = UINT64_MAX;
	return &w->tasks[i];
}

static void task_drop(struct cap_writer *w, struct task_slot *t)
{
	size_t m = w->tidx_cap - 1, j = (t->tid * 2654435761u) & m;
	int32_t i = (int32_t)(t - w->tasks);
	for (; w->tidx[j] != -1; j = (j + 1) & m)
		if (w->tidx[j] == i) {
			w->tidx[j] = -2;
			break;
		}
	t->state = 0;
	t->next_free = w->free_head;
	w->free_head = (uint64_t)i;
	w->tasks_live--;
}

static int emit_exit(struct cap_writer *w, uint32_t tid)
{
	rec_varint(w, tid);
	return emit_rec(w, CAP_TASK_EXIT);
}

int cap_task(struct cap_writer *w, const struct cap_task_in *in)
{
	if (ensure_frame(w))
		return -1;
	bool is_new;
	struct task_slot *t = task_get(w, in->tid, &is_new);
	if (!t) {
		w->tasks_dropped++;
		return 0;
	}
	/* The same tid with another start time is a new task (pid reuse). */
	if (!is_new && t->v[CAP_TF_START] != in->v[CAP_TF_START]) {
		if (emit_exit(w, in->tid))
			return -1;
		memset(t->v, 0, sizeof t->v);
		t->frame = UINT64_MAX;
		is_new = true;
	}
	uint64_t nv[CAP_TF_COUNT];
	memcpy(nv, in->v, sizeof nv);
	bool base = !is_new && t->frame == w->frame_no - 1; /* t->v's ids are this frame's */
	nv[CAP_TF_COMM] = intern_again(w, base ? t->v[CAP_TF_COMM] : 0, in->comm);
	nv[CAP_TF_WCHAN] = intern(w, in->wchan);
	nv[CAP_TF_CGROUP] = intern_again(w, base ? t->v[CAP_TF_CGROUP] : 0, in->cgroup);
	if (t->frame != w->frame_no - 1) { /* first time in this frame: delta base is zero */
		memset(t->v, 0, sizeof t->v);
		t->frame = w->frame_no - 1;
		t->seen = 0;
	}
	uint64_t mask = 0;
	for (int f = 0; f < CAP_TF_COUNT; f++)
		if (nv[f] != t->v[f])
			mask |= 1ull << f;
	bool first_in_frame = t->seen == 0;
	t->seen = w->sample_seq;
	if (!mask && !first_in_frame && !is_new)
		return 0;
	/* tasks come in /proc order: the tid step is small and repeats */
	rec_varint(w, cap_zigzag((uint64_t)in->tid - w->prev_tid));
	w->prev_tid = in->tid;
	rec_varint(w, mask << 1 | (is_new ? 1 : 0));
	for (int f = 0; f < CAP_TF_COUNT; f++)
		if (mask & (1ull << f))
			rec_varint(w, cap_zigzag(nv[f] - t->v[f]));
	memcpy(t->v, nv, sizeof nv);
	return emit_rec(w, CAP_TASK);
}

int cap_sample_end(struct cap_writer *w, uint64_t took_us)
{
	if (ensure_frame(w))
		return -1;
	for (size_t i = 0; i < w->tasks_cap; i++) {
		struct task_slot *t = &w->tasks[i];
		if (t->state && t->seen != w->sample_seq) {
			if (emit_exit(w, t->tid))
				return -1;
			task_drop(w, t);
		}
	}
	if (w->tidx_used * 4 > w->tidx_cap * 3)
		tidx_rebuild(w);
	if (w->tasks_dropped || w->names_dropped || w->ctrs_dropped) {
		char note[200];
		int n = snprintf(note, sizeof note,
				 "writer tables full: %llu task, %llu name, %llu counter records lost this sample",
				 (unsigned long long)w->tasks_dropped, (unsigned long long)w->names_dropped,
				 (unsigned long long)w->ctrs_dropped);
		w->tasks_dropped = w->names_dropped = w->ctrs_dropped = 0;
		if (cap_text(w, CAP_TXT_NOTE, CAP_NA, CAP_NA, CAP_NA, 0, note, (size_t)n))
			return -1;
	}
	rec_varint(w, took_us);
	return emit_rec(w, CAP_SAMPLE_END);
}

int cap_text(struct cap_writer *w, enum cap_text_kind kind, uint64_t ts_us,
	     uint64_t seq, uint64_t level, uint64_t trigger, const char *text, size_t len)
{
	if (ensure_frame(w))
		return -1;
	if (len > TEXT_MAX)
		len = TEXT_MAX;
	rec_varint(w, kind);
	rec_varint(w, ts_us);
	rec_varint(w, seq);
	rec_varint(w, level);
	rec_varint(w, trigger);
	rec_bytes(w, text, len);
	return emit_rec(w, CAP_TEXT);
}

int cap_flush(struct cap_writer *w)
{
	if (w->failed)
		return -1;
	if (!w->in_frame)
		return 0;
	w->in_frame = false;
	return drain(w, ZSTD_e_end);
}

int cap_flush_point(struct cap_writer *w)
{
	if (w->failed)
		return -1;
	if (!w->in_frame)
		return 1;
	/* the frame spans its samples' intervals: first sample to one
	 * interval after the last */
	if ((w->frame_mono0 != UINT64_MAX &&
	     w->prev_mono - w->frame_mono0 + w->hdr.interval_us >= w->lim.frame_us) ||
	    w->frame_raw > w->lim.frame_raw)
		return cap_flush(w) ? -1 : 1;
	hash_stage(w);
	rec_varint(w, w->seg_bytes);
	rec_varint(w, cap_xxh32_digest(&w->seg_hash));
	if (emit_rec(w, CAP_CHECKPOINT))
		return -1;
	/* the checkpoint is not part of the segment it closes, nor the next */
	w->stage_hashed = w->stage_len;
	w->seg_bytes = 0;
	cap_xxh32_init(&w->seg_hash);
	return drain(w, ZSTD_e_flush) ? -1 : 0;
}

int cap_writer_close(struct cap_writer *w)
{
	if (ensure_frame(w))
		return -1;
	if (emit(w, CAP_END, "", 0))
		return -1;
	return cap_flush(w);
}

uint64_t cap_writer_pending(const struct cap_writer *w) { return w->in_frame ? w->frame_raw : 0; }
uint64_t cap_writer_written(const struct cap_writer *w) { return w->written; }
const char *cap_writer_error(const struct cap_writer *w) { return w->failed ? w->err : NULL; }
