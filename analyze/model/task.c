/* task.c - the live tasks: their records into process and wait
 * entities, their exits, and what the task walk gives each sample. */
#include "reading.h"
#include "tidy.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tslot *task_find(struct rd *r, uint32_t tid, bool create)
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
	t->bk_b = UINT32_MAX;
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

/* A cumulative I/O counter's new reading: the task's own step since the
 * last one, added to the bucket's kB when count, and the reading kept. */
static inline __attribute__((always_inline)) void io_reading(uint64_t now, bool count, float *kb, bool *have,
							     uint64_t *last, uint64_t *inherited, uint64_t *step)
{
	if (count && now != CAP_NA && *have && now >= *last) {
		*step = own_step(now - *last, inherited);
		*kb += (float)*step / 1024.0f;
	}
	*have = now != CAP_NA;
	*last = now;
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
static inline __attribute__((always_inline)) void add_n(float *p, float x, int k)
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

/* One bucket's share of a flush: k samples of the same values. */
static inline __attribute__((always_inline)) void flush_bucket(float *eb, int k, float rss, float held, float hwm,
							       float shm, const bool have_held)
{
	add_n(&eb[PF_RSS_SUM], rss, k);
	eb[PF_RSS_MAX] = eb[PF_RSS_MAX] > rss ? eb[PF_RSS_MAX] : rss;
	add_n(&eb[PF_ALIVE], 1, k);
	if (have_held) {
		add_n(&eb[PF_HELD_SUM], held, k);
		add_n(&eb[PF_SHMEM_SUM], shm, k);
		add_n(&eb[PF_HELD_N], 1, k);
		eb[PF_HWM_MAX] = eb[PF_HWM_MAX] > hwm ? eb[PF_HWM_MAX] : hwm;
	}
}

/* task_flush's walk of the buckets of samples [from, to), b1 the first;
 * have_held is a constant where it is called.  The buckets between the
 * ends take bw samples each: a loop of its own with k known to be bw. */
static inline __attribute__((always_inline)) void flush_range(struct model *mo, struct entity *e, int from, int to,
							      uint32_t b1, float rss, float held, float hwm,
							      float shm, const bool have_held)
{
	const int bw = mo->bw;
	float *eb = e->v + (size_t)(b1 - e->b0) * PF_COUNT;
	int end = ((int)b1 + 1) * bw;
	if (end >= to) {
		flush_bucket(eb, to - from, rss, held, hwm, shm, have_held);
		return;
	}
	flush_bucket(eb, end - from, rss, held, hwm, shm, have_held);
	for (eb += PF_COUNT; end + bw < to; end += bw, eb += PF_COUNT)
		flush_bucket(eb, bw, rss, held, hwm, shm, have_held);
	flush_bucket(eb, to - end, rss, held, hwm, shm, have_held);
}

/* Adds a main thread's samples [since, done) to its process's buckets
 * (the RSS, alive and held-memory fields), with the values it has had all
 * that time: called before they change, when it goes, before compaction
 * and at the end. */
void task_flush(struct model *mo, struct rd *r, struct tslot *t)
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
	/* add_n inline and the held-memory test out of the loop: a flush
	 * before compaction walks up to MODEL_NB / 2 buckets per task */
	if (t->have_held)
		flush_range(mo, e, from, to, b1, rss, held, hwm, shm, true);
	else
		flush_range(mo, e, from, to, b1, rss, held, hwm, shm, false);
	e->last_sample = to - 1;
}

void flush_all(struct model *mo, struct rd *r)
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

/* The task of a reader slot of this frame, or NULL: the slot's task
 * table index, if the task there is still the one of that tid. */
static inline struct tslot *slot_task(struct rd *r, uint32_t slot, uint32_t tid)
{
	if (slot - 1 >= r->nsix) /* slot 0 too */
		return NULL;
	uint32_t j = r->six[slot - 1];
	return j < r->tn && r->tasks[j].tid == tid ? &r->tasks[j] : NULL;
}

static void slot_remember(struct rd *r, uint32_t slot, const struct tslot *t)
{
	if (!slot)
		return;
	if (slot > r->six_cap) {
		size_t nc = r->six_cap ? r->six_cap * 2 : 1024;
		while (nc < slot)
			nc *= 2;
		r->six = xrealloc(r->six, nc * sizeof *r->six);
		r->six_cap = nc;
	}
	while (r->nsix < slot)
		r->six[r->nsix++] = UINT32_MAX;
	r->six[slot - 1] = (uint32_t)(t - r->tasks);
}

/* A task's CPU, fault and I/O steps into its process's current bucket.
 * changed: the fields that may differ from what t holds; a step of 0 is
 * left out, as adding 0 changes no sum. */
static inline __attribute__((always_inline)) void
task_counters(struct model *mo, struct rd *r, struct tslot *t, const struct cap_rec *rec, uint32_t comm, bool fresh,
	      uint64_t changed)
{
	const uint64_t *v = rec->u.task.v;
	struct entity *e = t->ent >= 0 ? &mo->ents[t->ent] : NULL;
	float *b = e && mo->nsamples ? ent_at(mo, e, r->cur_b) : NULL;
	if (!fresh && b) {
		t->step_rd = t->step_wr = 0;
		t->step_sample = mo->nsamples - 1;
	}
	if (changed & (1ull << CAP_TF_UTIME | 1ull << CAP_TF_STIME)) {
		uint64_t cpu = v[CAP_TF_UTIME] + v[CAP_TF_STIME];
		if (!fresh && b && cpu >= t->cpu) {
			b[PF_CPU] += (float)(cpu - t->cpu);
			if (t->kswapd_comm != comm) {
				t->kswapd_comm = comm;
				t->kswapd = !strncmp(rec->u.task.comm, "kswapd", 6);
			}
			if (t->kswapd)
				r->kswapd_ticks += cpu - t->cpu;
		}
		t->cpu = cpu;
	}
	if (changed & (1ull << CAP_TF_MAJFLT)) {
		uint64_t maj = v[CAP_TF_MAJFLT];
		if (!fresh && b && maj >= t->majflt)
			b[PF_MAJFLT] += (float)(maj - t->majflt);
		t->majflt = maj;
	}
	if (changed & (1ull << CAP_TF_READ_BYTES))
		io_reading(v[CAP_TF_READ_BYTES], !fresh && b, b ? &b[PF_RD_KB] : NULL, &t->have_rd, &t->rd, &t->sub_rd,
			   &t->step_rd);
	if (changed & (1ull << CAP_TF_WRITE_BYTES))
		io_reading(v[CAP_TF_WRITE_BYTES], !fresh && b, b ? &b[PF_WR_KB] : NULL, &t->have_wr, &t->wr, &t->sub_wr,
			   &t->step_wr);
}

/* Fields whose change takes the whole of feed_task.  Most records are of
 * a task already fed in this frame that changed none of them, only
 * counters or RSS: those take the short way, found by the reader's slot
 * without a lookup, and do only what the whole way would do with these
 * fields as they were (a name id, and so its meaning, stays within a
 * frame).  A task's first record of a frame always takes the whole way. */
#define TASK_SLOW_FIELDS (1ull << CAP_TF_TGID | 1ull << CAP_TF_PPID | 1ull << CAP_TF_STATE | \
			  1ull << CAP_TF_COMM | 1ull << CAP_TF_WCHAN | 1ull << CAP_TF_START | \
			  1ull << CAP_TF_FLAGS | 1ull << CAP_TF_CGROUP | 1ull << CAP_TF_RSS_ANON | \
			  1ull << CAP_TF_RSS_SHMEM | 1ull << CAP_TF_VM_HWM | 1ull << CAP_TF_VM_SWAP)

/* The whole way: kept out of line, so the short way pays for no more
 * registers than it uses. */
static __attribute__((noinline)) void feed_task_whole(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	const uint64_t *v = rec->u.task.v;
	struct tslot *t = task_find(r, rec->u.task.tid, true);
	if (!t)
		return;
	t->bk_b = UINT32_MAX; /* its entity may change */
	slot_remember(r, rec->u.task.slot, t);
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
	task_counters(mo, r, t, rec, comm, fresh, ~0ull);
	mo->tasks_seen += fresh;
}

/* The short way with every call it may need: a task of this frame that
 * changed no field of TASK_SLOW_FIELDS, else the whole way. */
static __attribute__((noinline)) void feed_task_short(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	const uint64_t *v = rec->u.task.v;
	struct tslot *t = slot_task(r, rec->u.task.slot, rec->u.task.tid);
	if (t && !rec->u.task.is_new && !(rec->u.task.changed & TASK_SLOW_FIELDS) && !(t->tgid == 0 && t->ent < 0)) {
		uint64_t rss = v[CAP_TF_RSS] == CAP_NA ? 0 : v[CAP_TF_RSS];
		if (rss != t->rss) {
			task_flush(mo, r, t);
			t->rss = rss;
		}
		t->seen = true;
		set_state(r, t, (uint8_t)v[CAP_TF_STATE]);
		task_counters(mo, r, t, rec, t->comm, false, rec->u.task.changed);
		return;
	}
	feed_task_whole(mo, r, rec);
}

void feed_task(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	feed_task_short(mo, r, rec);
}

#define TF_CPU (1ull << CAP_TF_UTIME | 1ull << CAP_TF_STIME)

/* Every task row goes through here: in most, only counters moved, of a
 * task of this frame whose bucket is there.  That case calls nothing, so
 * it saves and restores no registers (those were a tenth of its
 * instructions); anything else goes the short way, which starts over. */
void model_feed_task(void *m, const struct cap_rec *rec)
{
	struct model *mo = m;
	struct rd *r = mo->priv;
	if (!r || !r->tasks_on) {
		if (r && !r->skip)
			mo->clean_end = false;
		return;
	}
	/* no mo->clean_end = false: a sample is open, and its SAMPLE record
	 * came after any END */
	const uint64_t *v = rec->u.task.v;
	uint64_t changed = rec->u.task.changed;
	struct tslot *t = slot_task(r, rec->u.task.slot, rec->u.task.tid);
	if (!t || rec->u.task.is_new || (changed & TASK_SLOW_FIELDS) || t->ent < 0 ||
	    (uint8_t)v[CAP_TF_STATE] != t->state || (v[CAP_TF_RSS] == CAP_NA ? 0 : v[CAP_TF_RSS]) != t->rss ||
	    ((changed & TF_CPU) && t->kswapd_comm != t->comm)) {
		feed_task_short(mo, r, rec);
		return;
	}
	float *b = t->bk;
	if (t->bk_b != r->cur_b || t->bk_gen != r->egen) {
		struct entity *e = &mo->ents[t->ent];
		uint32_t bi = r->cur_b - e->b0;
		if (r->cur_b < e->b0 || bi >= e->cap) {
			feed_task_short(mo, r, rec);
			return;
		}
		b = e->v + (size_t)bi * PF_COUNT;
		/* the buckets up to this one, as ent_grow makes them: every
		 * entity gains one every bw samples (more than one when its
		 * tasks were quiet), and a call for it was most of the task
		 * rows that left this way */
		for (; e->n <= bi; e->n++)
			memset(e->v + (size_t)e->n * PF_COUNT, 0, PF_COUNT * sizeof *b);
		t->bk = b;
		t->bk_b = r->cur_b;
		t->bk_gen = r->egen;
	}
	t->seen = true;
	t->step_rd = t->step_wr = 0;
	t->step_sample = mo->nsamples - 1;
	if (changed & TF_CPU) {
		uint64_t cpu = v[CAP_TF_UTIME] + v[CAP_TF_STIME];
		if (cpu >= t->cpu) {
			b[PF_CPU] += (float)(cpu - t->cpu);
			if (t->kswapd)
				r->kswapd_ticks += cpu - t->cpu;
		}
		t->cpu = cpu;
	}
	if (changed & (1ull << CAP_TF_MAJFLT)) {
		uint64_t maj = v[CAP_TF_MAJFLT];
		if (maj >= t->majflt)
			b[PF_MAJFLT] += (float)(maj - t->majflt);
		t->majflt = maj;
	}
	if (changed & (1ull << CAP_TF_READ_BYTES))
		io_reading(v[CAP_TF_READ_BYTES], true, &b[PF_RD_KB], &t->have_rd, &t->rd, &t->sub_rd, &t->step_rd);
	if (changed & (1ull << CAP_TF_WRITE_BYTES))
		io_reading(v[CAP_TF_WRITE_BYTES], true, &b[PF_WR_KB], &t->have_wr, &t->wr, &t->sub_wr, &t->step_wr);
}

void drop_task(struct model *mo, struct rd *r, struct tslot *t)
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
void derive_tasks(struct model *mo, struct rd *r, double *row, double dt)
{
	derive_kswapd(mo, r, row, dt);
	size_t ndrop = mark_gone_tasks(r);
	count_d_tasks(mo, r, mo->nsamples - 1);
	drop_gone_tasks(mo, r, ndrop);
	row[M_TASKS_D] = r->tn ? r->nd : NAN;
	row[M_TASKS_R] = r->tn ? r->nr : NAN;
	r->key = false;
}
