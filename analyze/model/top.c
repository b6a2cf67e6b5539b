/* top.c - replays a capture's task records into the table of live tasks
 * and folds threads into processes at the samples asked for. */
#include "top.h"
#include "input.h"
#include "tidy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_KTHREAD 0x00200000u

struct tt {
	uint8_t st;             /* 0 empty, 1 used, 2 removed */
	bool have_prev, seen;
	uint32_t tid;
	uint64_t v[CAP_TF_COUNT];
	uint64_t prev_cpu, prev_maj, prev_rd, prev_wr;
	char comm[64], wchan[64], cgroup[256];
};

struct table {
	struct tt *s;
	size_t cap, used, dead;
};

static size_t hash(uint32_t tid, size_t cap) { return (size_t)(tid * 2654435761u) & (cap - 1); }

static int grow(struct table *t)
{
	size_t ncap = t->cap ? t->cap : 1024;
	while (t->used * 2 >= ncap)
		ncap *= 2;
	struct tt *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->s[i].st == 1) {
			size_t h = hash(t->s[i].tid, ncap);
			while (ns[h].st)
				h = (h + 1) & (ncap - 1);
			ns[h] = t->s[i];
		}
	free(t->s);
	t->s = ns;
	t->cap = ncap;
	t->dead = 0;
	return 0;
}

static struct tt *find(struct table *t, uint32_t tid, bool add)
{
	if (add && (t->used + t->dead + 1) * 10 >= t->cap * 7 && grow(t))
		return NULL;
	if (!t->cap)
		return NULL;
	size_t h = hash(tid, t->cap);
	struct tt *hole = NULL;
	for (size_t k = 0; k < t->cap; k++, h = (h + 1) & (t->cap - 1)) {
		struct tt *x = &t->s[h];
		if (x->st == 1 && x->tid == tid)
			return x;
		if (x->st == 2 && !hole)
			hole = x;
		if (x->st == 0) {
			if (!add)
				return NULL;
			if (!hole)
				hole = x;
			else
				t->dead--;
			memset(hole, 0, sizeof *hole);
			hole->st = 1;
			hole->tid = tid;
			t->used++;
			return hole;
		}
	}
	return NULL;
}

static void drop(struct table *t, struct tt *x)
{
	x->st = 2;
	t->used--;
	t->dead++;
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
	return (x->tid != gx) - (y->tid != gx); /* the main thread first */
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
static int snapshot(struct table *tb, const struct cap_header *h, uint64_t seen_mask, double dt,
		    const struct top_filter *flt, struct top_snap *s)
{
	struct tt **v = malloc((tb->used + 1) * sizeof *v);
	struct top_proc *p = malloc((tb->used + 1) * sizeof *p);
	if (!v || !p) {
		free(v);
		free(p);
		return -1;
	}
	size_t n = 0;
	for (size_t i = 0; i < tb->cap; i++)
		if (tb->s[i].st == 1)
			v[n++] = &tb->s[i];
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
	return 0;
}

static void copy_name(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
	text_tidy(dst);
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
	struct table tb = { 0 };
	struct cap_header h = { 0 };
	uint64_t id = 0, seen_mask = 0, mono = 0, prev_mono = 0, wall = 0;
	bool have_id = false, in_sample = false, key = false, have_prev_mono = false;
	int cursor = 0, idx = -1, rc = 0;
	struct cap_rec rec;
	struct input *in = NULL;
	const char *path = ord[0];
	for (int piece = 0; piece < npaths; piece++) {
		path = ord[piece];
		if (!(in = input_open(path, false, err, errlen))) {
			free(tb.s);
			return -1;
		}
		while ((rc = input_next(in, &rec)) == 1) {
			switch (rec.type) {
			case CAP_HEADER:
				h = *rec.u.header;
				if (have_id && h.capture_id != id) {
					for (size_t i = 0; i < tb.cap; i++)
						tb.s[i].st = 0;
					tb.used = tb.dead = 0;
					have_prev_mono = false;
				}
				id = h.capture_id;
				have_id = true;
				break;
			case CAP_SAMPLE:
				in_sample = true;
				wall = rec.u.sample.wall_us;
				mono = rec.u.sample.mono_us;
				key = rec.u.sample.key;
				if (key)
					for (size_t i = 0; i < tb.cap; i++)
						tb.s[i].seen = false;
				idx = -1;
				for (int i = cursor; i < mo->nsamples; i++)
					if (mo->wall_us[i] == wall && mo->mono_us[i] == mono) {
						idx = i;
						cursor = i + 1;
						break;
					}
				break;
			case CAP_TASK: {
				if (!in_sample)
					break;
				struct tt *x = find(&tb, rec.u.task.tid, true);
				if (!x) {
					snprintf(err, errlen, "out of memory replaying %s", path);
					rc = -2;
					goto out;
				}
				const uint64_t *v = rec.u.task.v;
				if (rec.u.task.is_new || x->v[CAP_TF_START] != v[CAP_TF_START])
					x->have_prev = false;
				memcpy(x->v, v, sizeof x->v);
				copy_name(x->comm, sizeof x->comm, rec.u.task.comm);
				copy_name(x->wchan, sizeof x->wchan, rec.u.task.wchan);
				copy_name(x->cgroup, sizeof x->cgroup, rec.u.task.cgroup);
				x->seen = true;
				seen_mask |= rec.u.task.changed;
				break;
			}
			case CAP_TASK_EXIT: {
				struct tt *x = find(&tb, rec.u.exit.tid, false);
				if (x)
					drop(&tb, x);
				break;
			}
			case CAP_SAMPLE_END:
				if (!in_sample)
					break;
				in_sample = false;
				if (key) /* a key sample lists every live task: the rest are gone */
					for (size_t i = 0; i < tb.cap; i++)
						if (tb.s[i].st == 1 && !tb.s[i].seen)
							drop(&tb, &tb.s[i]);
				if (idx >= 0 && want[idx]) {
					struct top_snap s = { .sample = idx, .t = mo->t[idx], .wall_us = wall };
					s.dt = have_prev_mono && mono > prev_mono ? (double)(mono - prev_mono) / 1e6 : 0;
					if (snapshot(&tb, &h, seen_mask, s.dt, flt, &s)) {
						snprintf(err, errlen, "out of memory replaying %s", path);
						rc = -2;
						goto out;
					}
					cb(ctx, &s);
					free(s.p);
				}
				for (size_t i = 0; i < tb.cap; i++) {
					struct tt *x = &tb.s[i];
					if (x->st != 1)
						continue;
					x->prev_cpu = x->v[CAP_TF_UTIME] + x->v[CAP_TF_STIME];
					x->prev_maj = x->v[CAP_TF_MAJFLT];
					x->prev_rd = x->v[CAP_TF_READ_BYTES];
					x->prev_wr = x->v[CAP_TF_WRITE_BYTES];
					x->have_prev = true;
				}
				prev_mono = mono;
				have_prev_mono = true;
				break;
			case CAP_EV_DAMAGE:
				/* records are lost: rates across the hole would be wrong */
				in_sample = false;
				have_prev_mono = false;
				for (size_t i = 0; i < tb.cap; i++)
					tb.s[i].have_prev = false;
				break;
			default:
				break;
			}
		}
		if (rc < 0)
			break;
		input_close(in);
		in = NULL;
	}
out:
	if (rc == -1 && in)
		snprintf(err, errlen, "%s: %s", path, input_error(in));
	input_close(in);
	free(tb.s);
	return rc < 0 ? -1 : 0;
}
