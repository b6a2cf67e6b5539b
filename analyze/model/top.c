/* top.c - replays a capture's task records into the table of live tasks
 * and folds threads into processes at the samples asked for. */
#include "top.h"
#include "hash.h"
#include "input.h"
#include "tidy.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_KTHREAD 0x00200000u

struct tt {
	bool have_prev, seen;
	uint32_t tid;
	uint64_t v[CAP_TF_COUNT];
	uint64_t prev_cpu, prev_maj, prev_rd, prev_wr;
	char comm[64], wchan[64], cgroup[256];
};

/* The live tasks, s[0..n) in no order; h finds one by tid. */
struct table {
	struct tt *s;
	size_t n, cap;
	struct hash h;
};

/* A tid is its own key: the multiplication is a bijection of 32 bits. */
static uint32_t tid_hash(uint32_t tid) { return tid * 2654435761u; }

static struct tt *find(struct table *t, uint32_t tid, bool add)
{
	if (!add) {
		long i = hash_get(&t->h, tid_hash(tid), NULL, NULL);
		return i < 0 ? NULL : &t->s[i];
	}
	hash_reserve(&t->h, 1024);
	size_t j = hash_find(&t->h, tid_hash(tid), NULL, NULL);
	if (t->h.s[j].v)
		return &t->s[t->h.s[j].v - 1];
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 512;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
	}
	struct tt *x = &t->s[t->n];
	memset(x, 0, sizeof *x);
	x->tid = tid;
	hash_put(&t->h, j, tid_hash(tid), (uint32_t)t->n++);
	return x;
}

/* The last task takes the place of the one dropped. */
static void drop(struct table *t, struct tt *x)
{
	size_t i = (size_t)(x - t->s);
	hash_del(&t->h, hash_find(&t->h, tid_hash(x->tid), NULL, NULL));
	if (i != --t->n) {
		t->s[i] = t->s[t->n];
		t->h.s[hash_find(&t->h, tid_hash(t->s[i].tid), NULL, NULL)].v = (uint32_t)i + 1;
	}
}

bool top_filter_parse(const char *s, struct top_filter *f)
{
	f->pid = -1;
	f->comm = NULL;
	if (!s || !*s)
		return false;
	char *end;
	long v = strtol(s, &end, 10);
	if (!*end && v > 0)
		f->pid = v;
	else
		f->comm = s;
	return true;
}

bool top_sort_parse(const char *s, enum top_sort *k)
{
	static const char *const names[] = { "cpu", "rss", "majflt", "state" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*k = (enum top_sort)i;
			return true;
		}
	return false;
}

static int state_rank(char s) { return s == 'D' ? 0 : s == 'R' ? 1 : 2; }
static double key(double v) { return isnan(v) ? -1 : v; }
static enum top_sort sort_key;

static int cmp(const void *a, const void *b)
{
	const struct top_proc *x = a, *y = b;
	double d = 0;
	switch (sort_key) {
	case TOP_STATE:
		if (state_rank(x->state) != state_rank(y->state))
			return state_rank(x->state) - state_rank(y->state);
		if (x->nd != y->nd)
			return y->nd - x->nd;
		d = key(y->cpu_pct) - key(x->cpu_pct);
		break;
	case TOP_RSS: d = key(y->rss_kb) - key(x->rss_kb); break;
	case TOP_MAJFLT: d = key(y->majflt_s) - key(x->majflt_s); break;
	case TOP_CPU: d = key(y->cpu_pct) - key(x->cpu_pct); break;
	}
	if (d == 0 && sort_key != TOP_RSS)
		d = key(y->rss_kb) - key(x->rss_kb);
	if (d != 0)
		return d > 0 ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

void top_sort(struct top_proc *p, int n, enum top_sort k)
{
	sort_key = k;
	qsort(p, (size_t)n, sizeof *p, cmp);
}

static int by_tgid(const void *a, const void *b)
{
	const struct tt *x = *(const struct tt *const *)a, *y = *(const struct tt *const *)b;
	uint64_t gx = x->v[CAP_TF_TGID] ? x->v[CAP_TF_TGID] : x->tid, gy = y->v[CAP_TF_TGID] ? y->v[CAP_TF_TGID] : y->tid;
	if (gx != gy)
		return gx < gy ? -1 : 1;
	if ((x->tid != gx) != (y->tid != gx))
		return (x->tid != gx) - (y->tid != gx); /* the main thread first */
	return x->tid < y->tid ? -1 : x->tid > y->tid; /* then by tid */
}

static bool keep(const struct top_filter *f, uint32_t pid, const char *comm)
{
	if (!f || (f->pid < 0 && !f->comm))
		return true;
	return f->pid >= 0 ? (long)pid == f->pid : !strcmp(comm, f->comm);
}

static double na_or(uint64_t v, double scale, bool measured)
{
	return v == CAP_NA || !measured ? NAN : (double)v * scale;
}

/* Folds the live threads into processes. */
static void snapshot(struct table *tb, const struct cap_header *h, uint64_t seen_mask, double dt,
		    const struct top_filter *flt, struct top_snap *s)
{
	struct tt **v = xrealloc(NULL, (tb->n + 1) * sizeof *v);
	struct top_proc *p = xrealloc(NULL, (tb->n + 1) * sizeof *p);
	size_t n = tb->n;
	for (size_t i = 0; i < n; i++)
		v[i] = &tb->s[i];
	qsort(v, n, sizeof *v, by_tgid);
	double page_kb = h->page_size ? h->page_size / 1024.0 : 4;
	double hz = h->user_hz ? h->user_hz : 100;
	bool anon_ok = seen_mask & (1ull << CAP_TF_RSS_ANON);
	int np = 0, nprocs = 0;
	for (size_t i = 0; i < n;) {
		uint64_t g = v[i]->v[CAP_TF_TGID] ? v[i]->v[CAP_TF_TGID] : v[i]->tid;
		size_t j = i;
		while (j < n && (v[j]->v[CAP_TF_TGID] ? v[j]->v[CAP_TF_TGID] : v[j]->tid) == g)
			j++;
		nprocs++;
		const struct tt *m = v[i]; /* the main thread, or the lowest tid left */
		if (!keep(flt, (uint32_t)g, m->comm)) {
			i = j;
			continue;
		}
		struct top_proc *q = &p[np++];
		memset(q, 0, sizeof *q);
		q->pid = (uint32_t)g;
		snprintf(q->comm, sizeof q->comm, "%s", m->comm);
		snprintf(q->cgroup, sizeof q->cgroup, "%s", m->cgroup);
		q->kthread = m->v[CAP_TF_FLAGS] != CAP_NA && (m->v[CAP_TF_FLAGS] & PF_KTHREAD);
		q->state = (char)m->v[CAP_TF_STATE];
		bool main_row = m->tid == g;
		q->rss_kb = main_row ? na_or(m->v[CAP_TF_RSS], page_kb, true) : NAN;
		q->anon_kb = main_row ? na_or(m->v[CAP_TF_RSS_ANON], 1, anon_ok) : NAN;
		double cpu = 0, maj = 0;
		bool rates = dt > 0;
		for (size_t k = i; k < j; k++) {
			const struct tt *x = v[k];
			q->nthreads++;
			char st = (char)x->v[CAP_TF_STATE];
			if (st == 'D') {
				if (!q->nd)
					snprintf(q->wchan, sizeof q->wchan, "%s", x->wchan);
				q->nd++;
				q->state = 'D';
			} else if (st == 'R' && q->state != 'D') {
				q->state = 'R';
			}
			if (!x->have_prev) {
				/* a thread born in this interval adds nothing known;
				 * a new process has no rate yet */
				if (x->tid == g)
					rates = false;
				continue;
			}
			uint64_t c = x->v[CAP_TF_UTIME] + x->v[CAP_TF_STIME];
			if (c >= x->prev_cpu)
				cpu += (double)(c - x->prev_cpu);
			if (x->v[CAP_TF_MAJFLT] >= x->prev_maj)
				maj += (double)(x->v[CAP_TF_MAJFLT] - x->prev_maj);
		}
		q->cpu_pct = rates ? cpu / hz / dt * 100 : NAN;
		q->majflt_s = rates ? maj / dt : NAN;
		q->rd_kbs = q->wr_kbs = NAN;
		if (rates && main_row && m->have_prev) {
			uint64_t rd = m->v[CAP_TF_READ_BYTES], wr = m->v[CAP_TF_WRITE_BYTES];
			if (rd != CAP_NA && m->prev_rd != CAP_NA && rd >= m->prev_rd)
				q->rd_kbs = (double)(rd - m->prev_rd) / 1024 / dt;
			if (wr != CAP_NA && m->prev_wr != CAP_NA && wr >= m->prev_wr)
				q->wr_kbs = (double)(wr - m->prev_wr) / 1024 / dt;
		}
		i = j;
	}
	free(v);
	s->p = p;
	s->np = np;
	s->ntasks = (int)n;
	s->nprocs = nprocs;
}

static void copy_name(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
	text_tidy(dst);
}

/* What the replay keeps between records. */
struct replay {
	const struct model *mo;
	const bool *want;
	const struct top_filter *flt;
	top_cb cb;
	void *ctx;
	struct table tb;
	struct cap_header h;
	uint64_t id, seen_mask, mono, prev_mono, wall;
	bool have_id, in_sample, key, have_prev_mono;
	int cursor, idx; /* where the model's samples are matched from; this sample's index, -1 */
};

/* Another capture in the input: its tasks are not these. */
static void on_header(struct replay *p, const struct cap_header *h)
{
	p->h = *h;
	if (p->have_id && h->capture_id != p->id) {
		p->tb.n = 0;
		hash_free(&p->tb.h);
		p->have_prev_mono = false;
	}
	p->id = h->capture_id;
	p->have_id = true;
}

static void on_sample(struct replay *p, const struct cap_rec *rec)
{
	p->in_sample = true;
	p->wall = rec->u.sample.wall_us;
	p->mono = rec->u.sample.mono_us;
	p->key = rec->u.sample.key;
	if (p->key)
		for (size_t i = 0; i < p->tb.n; i++)
			p->tb.s[i].seen = false;
	p->idx = -1;
	for (int i = p->cursor; i < p->mo->nsamples; i++)
		if (p->mo->wall_us[i] == p->wall && p->mo->mono_us[i] == p->mono) {
			p->idx = i;
			p->cursor = i + 1;
			break;
		}
}

static void on_task(struct replay *p, const struct cap_rec *rec)
{
	if (!p->in_sample)
		return;
	struct tt *x = find(&p->tb, rec->u.task.tid, true);
	const uint64_t *v = rec->u.task.v;
	if (rec->u.task.is_new || x->v[CAP_TF_START] != v[CAP_TF_START])
		x->have_prev = false;
	memcpy(x->v, v, sizeof x->v);
	copy_name(x->comm, sizeof x->comm, rec->u.task.comm);
	copy_name(x->wchan, sizeof x->wchan, rec->u.task.wchan);
	copy_name(x->cgroup, sizeof x->cgroup, rec->u.task.cgroup);
	x->seen = true;
	p->seen_mask |= rec->u.task.changed;
}

/* The sample is complete: its table when it is wanted, then every task's
 * counters become the previous ones. */
static void on_sample_end(struct replay *p)
{
	if (!p->in_sample)
		return;
	p->in_sample = false;
	struct table *tb = &p->tb;
	if (p->key) /* a key sample lists every live task: the rest are gone */
		for (size_t i = tb->n; i-- > 0;)
			if (!tb->s[i].seen)
				drop(tb, &tb->s[i]);
	if (p->idx >= 0 && p->want[p->idx]) {
		struct top_snap s = { .sample = p->idx, .t = p->mo->t[p->idx], .wall_us = p->wall };
		s.dt = p->have_prev_mono && p->mono > p->prev_mono ? (double)(p->mono - p->prev_mono) / 1e6 : 0;
		snapshot(tb, &p->h, p->seen_mask, s.dt, p->flt, &s);
		p->cb(p->ctx, &s);
		free(s.p);
	}
	for (size_t i = 0; i < tb->n; i++) {
		struct tt *x = &tb->s[i];
		x->prev_cpu = x->v[CAP_TF_UTIME] + x->v[CAP_TF_STIME];
		x->prev_maj = x->v[CAP_TF_MAJFLT];
		x->prev_rd = x->v[CAP_TF_READ_BYTES];
		x->prev_wr = x->v[CAP_TF_WRITE_BYTES];
		x->have_prev = true;
	}
	p->prev_mono = p->mono;
	p->have_prev_mono = true;
}

static void on_record(struct replay *p, const struct cap_rec *rec)
{
	switch (rec->type) {
	case CAP_HEADER:
		on_header(p, rec->u.header);
		break;
	case CAP_SAMPLE:
		on_sample(p, rec);
		break;
	case CAP_TASK:
		on_task(p, rec);
		break;
	case CAP_TASK_EXIT: {
		struct tt *x = find(&p->tb, rec->u.exit.tid, false);
		if (x)
			drop(&p->tb, x);
		break;
	}
	case CAP_SAMPLE_END:
		on_sample_end(p);
		break;
	case CAP_EV_DAMAGE:
		/* records are lost: rates across the hole would be wrong */
		p->in_sample = false;
		p->have_prev_mono = false;
		for (size_t i = 0; i < p->tb.n; i++)
			p->tb.s[i].have_prev = false;
		break;
	default:
		break;
	}
}

int top_replay(const char *const *paths, int npaths, const struct model *mo, const bool *want,
	       const struct top_filter *flt, top_cb cb, void *ctx, char *err, size_t errlen)
{
	const char *ord[16];
	if (npaths < 1 || npaths > 16) {
		snprintf(err, errlen, "top reads 1 to 16 pieces of one capture");
		return -1;
	}
	memcpy(ord, paths, (size_t)npaths * sizeof *ord);
	input_order(ord, npaths);
	struct replay p = { .mo = mo, .want = want, .flt = flt, .cb = cb, .ctx = ctx, .idx = -1 };
	int rc = 0;
	for (int piece = 0; piece < npaths && !rc; piece++) {
		struct input *in = input_open(ord[piece], false, err, errlen);
		if (!in) {
			rc = -1;
			break;
		}
		struct cap_rec rec;
		while ((rc = input_next(in, &rec)) == 1)
			on_record(&p, &rec);
		if (rc < 0)
			snprintf(err, errlen, "%s: %s", ord[piece], input_error(in));
		input_close(in);
	}
	free(p.tb.s);
	hash_free(&p.tb.h);
	return rc < 0 ? -1 : 0;
}
