/* recode.c - replays a recorded capture through the writer with other
 * settings and prints the size, so format choices are measured on real
 * samples rather than argued:
 *
 *   recode IN [--frame SECONDS] [--flush SAMPLES] [--level L] [-o OUT]
 *
 * --frame: frame length (writer frame_us; 0 = a frame per flush, as v1);
 * --flush: samples per flush point (default 10: 10 s at 1 Hz).
 * Prints: samples, bytes, bytes/sample, frames.  The reader hands out only
 * what changed; the writer wants every live task each sample, so the live
 * set is kept here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap.h"
#include "../tests/membuf.h"

struct live { uint32_t tid; bool used; uint64_t v[CAP_TF_COUNT]; char comm[64], wchan[64], cgroup[256]; };

static struct live *tasks;
static size_t ntasks_cap = 1 << 15;

static struct live *find(uint32_t tid, bool add)
{
	size_t m = ntasks_cap - 1, j = (tid * 2654435761u) & m;
	for (; tasks[j].used; j = (j + 1) & m)
		if (tasks[j].tid == tid)
			return &tasks[j];
	if (!add)
		return NULL;
	tasks[j].used = true;
	tasks[j].tid = tid;
	return &tasks[j];
}

static void drop(uint32_t tid)
{
	/* rebuild the probe chain after removal: fine for a bench */
	struct live *t = find(tid, false);
	if (!t)
		return;
	t->used = false;
	size_t m = ntasks_cap - 1, j = ((size_t)(t - tasks) + 1) & m;
	for (; tasks[j].used; j = (j + 1) & m) {
		struct live tmp = tasks[j];
		tasks[j].used = false;
		*find(tmp.tid, true) = tmp;
	}
}

static int by_tid(const void *a, const void *b)
{
	uint32_t x = (*(struct live *const *)a)->tid, y = (*(struct live *const *)b)->tid;
	return (x > y) - (x < y);
}

struct opts {
	const char *in, *out;
	double frame_s;
	int flush, level;
};

static const char usage[] = "usage: recode IN [--frame S] [--flush N] [--level L] [-o OUT]\n";

/* 0, or 2 for a usage error */
static int parse_args(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ NULL, NULL, 600, 10, 3 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--frame") && i + 1 < argc)
			o->frame_s = atof(argv[++i]);
		else if (!strcmp(argv[i], "--flush") && i + 1 < argc)
			o->flush = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--level") && i + 1 < argc)
			o->level = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			o->out = argv[++i];
		else if (!o->in)
			o->in = argv[i];
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!o->in) {
		fputs(usage, stderr);
		return 2;
	}
	return 0;
}

/* The replay's writer (made at the first header) and its counts. */
struct replay {
	const struct opts *o;
	struct cap_writer_limits lim;
	struct cap_writer *w;
	struct membuf m;
	struct live **list; /* scratch: the live set in tid order */
	long samples, frames;
	bool in_sample;
};

static void keep_task(const struct cap_rec *rec)
{
	struct live *t = find(rec->u.task.tid, true);
	memcpy(t->v, rec->u.task.v, sizeof t->v);
	snprintf(t->comm, sizeof t->comm, "%s", rec->u.task.comm);
	snprintf(t->wchan, sizeof t->wchan, "%s", rec->u.task.wchan);
	snprintf(t->cgroup, sizeof t->cgroup, "%s", rec->u.task.cgroup);
}

/* Every live task, in tid order as capture reads /proc, then the end of
 * the sample and every --flush samples a flush point. */
static void write_sample_end(struct replay *rp, const struct cap_rec *rec)
{
	size_t nl = 0;
	for (size_t i = 0; i < ntasks_cap; i++)
		if (tasks[i].used)
			rp->list[nl++] = &tasks[i];
	qsort(rp->list, nl, sizeof *rp->list, by_tid);
	for (size_t i = 0; i < nl; i++) {
		struct live *l = rp->list[i];
		struct cap_task_in ti = { .tid = l->tid, .comm = l->comm, .wchan = l->wchan, .cgroup = l->cgroup };
		memcpy(ti.v, l->v, sizeof ti.v);
		cap_task(rp->w, &ti);
	}
	cap_sample_end(rp->w, rec->u.sample_end.took_us);
	rp->in_sample = false;
	if (++rp->samples % rp->o->flush == 0 && cap_flush_point(rp->w) == 1)
		rp->frames++;
}

/* One record read into the writer; -1 when the writer cannot be made. */
static int replay_rec(struct replay *rp, const struct cap_rec *rec)
{
	switch (rec->type) {
	case CAP_HEADER:
		if (!rp->w) {
			rp->w = cap_writer_new(rec->u.header, &rp->lim, mem_write, &rp->m);
			if (!rp->w)
				return -1;
		}
		break;
	case CAP_SAMPLE:
		cap_sample_begin(rp->w, rec->u.sample.wall_us, rec->u.sample.mono_us);
		rp->in_sample = true;
		break;
	case CAP_GROUP:
		cap_group_begin(rp->w, rec->u.group.source, *rec->u.group.instance ? rec->u.group.instance : NULL);
		for (size_t i = 0; i < rec->u.group.n; i++)
			cap_group_value(rp->w, rec->u.group.names[i], rec->u.group.values[i]);
		cap_group_end(rp->w);
		break;
	case CAP_TASK:
		keep_task(rec);
		break;
	case CAP_TASK_EXIT:
		drop(rec->u.exit.tid);
		break;
	case CAP_TEXT:
		cap_text(rp->w, rec->u.text.kind, rec->u.text.ts_us, rec->u.text.seq, rec->u.text.level,
			 rec->u.text.trigger, rec->u.text.text, rec->u.text.len);
		break;
	case CAP_SAMPLE_END:
		if (rp->in_sample)
			write_sample_end(rp, rec);
		break;
	default:
		break;
	}
	return 0;
}

static int save(const char *out, const struct membuf *m)
{
	FILE *f = fopen(out, "wb");
	if (!f || fwrite(m->p, 1, m->len, f) != m->len || fclose(f)) {
		perror(out);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	if (parse_args(argc, argv, &o))
		return 2;
	char err[256];
	struct cap_reader *r = cap_reader_open(o.in, err, sizeof err);
	if (!r) {
		fprintf(stderr, "recode: %s\n", err);
		return 1;
	}
	tasks = calloc(ntasks_cap, sizeof *tasks);
	struct replay rp = {
		.o = &o,
		.lim = { .max_tasks = 8192, .level = o.level, .frame_us = o.frame_s > 0 ? (uint64_t)(o.frame_s * 1e6) : 1 },
		.list = calloc(ntasks_cap, sizeof *rp.list),
	};
	struct cap_rec rec;
	while (cap_next(r, &rec))
		if (replay_rec(&rp, &rec))
			return 1;
	if (rp.w) {
		cap_writer_close(rp.w);
		cap_writer_free(rp.w);
		rp.frames++;
	}
	cap_reader_free(r);
	printf("%ld samples, %zu bytes, %.0f bytes/sample, %ld frames (frame %g s, flush point every %d samples, level %d)\n",
	       rp.samples, rp.m.len, rp.samples ? (double)rp.m.len / rp.samples : 0, rp.frames, o.frame_s, o.flush,
	       o.level);
	if (o.out && save(o.out, &rp.m))
		return 1;
	free(rp.m.p);
	free(tasks);
	free(rp.list);
	return 0;
}
