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


int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	double frame_s = 600;
	int flush = 10, level = 3;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--frame") && i + 1 < argc)
			frame_s = atof(argv[++i]);
		else if (!strcmp(argv[i], "--flush") && i + 1 < argc)
			flush = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--level") && i + 1 < argc)
			level = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!in)
			in = argv[i];
		else {
			fprintf(stderr, "usage: recode IN [--frame S] [--flush N] [--level L] [-o OUT]\n");
			return 2;
		}
	}
	if (!in) {
		fprintf(stderr, "usage: recode IN [--frame S] [--flush N] [--level L] [-o OUT]\n");
		return 2;
	}
	char err[256];
	struct cap_reader *r = cap_reader_open(in, err, sizeof err);
	if (!r) {
		fprintf(stderr, "recode: %s\n", err);
		return 1;
	}
	tasks = calloc(ntasks_cap, sizeof *tasks);
	struct live **list = calloc(ntasks_cap, sizeof *list);
	size_t nl;
	struct membuf m = { 0 };
	struct cap_writer *w = NULL;
	struct cap_writer_limits lim = { .max_tasks = 8192, .level = level,
					 .frame_us = frame_s > 0 ? (uint64_t)(frame_s * 1e6) : 1 };
	struct cap_rec rec;
	long samples = 0, frames = 0;
	bool in_sample = false;
	while (cap_next(r, &rec)) {
		switch (rec.type) {
		case CAP_HEADER:
			if (!w) {
				w = cap_writer_new(rec.u.header, &lim, mem_write, &m);
				if (!w)
					return 1;
			}
			break;
		case CAP_SAMPLE:
			cap_sample_begin(w, rec.u.sample.wall_us, rec.u.sample.mono_us);
			in_sample = true;
			break;
		case CAP_GROUP:
			cap_group_begin(w, rec.u.group.source, *rec.u.group.instance ? rec.u.group.instance : NULL);
			for (size_t i = 0; i < rec.u.group.n; i++)
				cap_group_value(w, rec.u.group.names[i], rec.u.group.values[i]);
			cap_group_end(w);
			break;
		case CAP_TASK: {
			struct live *t = find(rec.u.task.tid, true);
			memcpy(t->v, rec.u.task.v, sizeof t->v);
			snprintf(t->comm, sizeof t->comm, "%s", rec.u.task.comm);
			snprintf(t->wchan, sizeof t->wchan, "%s", rec.u.task.wchan);
			snprintf(t->cgroup, sizeof t->cgroup, "%s", rec.u.task.cgroup);
			break;
		}
		case CAP_TASK_EXIT:
			drop(rec.u.exit.tid);
			break;
		case CAP_TEXT:
			cap_text(w, rec.u.text.kind, rec.u.text.ts_us, rec.u.text.seq, rec.u.text.level,
				 rec.u.text.trigger, rec.u.text.text, rec.u.text.len);
			break;
		case CAP_SAMPLE_END:
			if (!in_sample)
				break;
			/* in tid order, as capture reads /proc */
			nl = 0;
			for (size_t i = 0; i < ntasks_cap; i++)
				if (tasks[i].used)
					list[nl++] = &tasks[i];
			qsort(list, nl, sizeof *list, by_tid);
			for (size_t i = 0; i < nl; i++) {
				struct cap_task_in ti = { .tid = list[i]->tid, .comm = list[i]->comm,
							  .wchan = list[i]->wchan, .cgroup = list[i]->cgroup };
				memcpy(ti.v, list[i]->v, sizeof ti.v);
				cap_task(w, &ti);
			}
			cap_sample_end(w, rec.u.sample_end.took_us);
			in_sample = false;
			if (++samples % flush == 0 && cap_flush_point(w) == 1)
				frames++;
			break;
		default:
			break;
		}
	}
	if (w) {
		cap_writer_close(w);
		cap_writer_free(w);
		frames++;
	}
	cap_reader_free(r);
	printf("%ld samples, %zu bytes, %.0f bytes/sample, %ld frames (frame %g s, flush point every %d samples, level %d)\n",
	       samples, m.len, samples ? (double)m.len / samples : 0, frames, frame_s, flush, level);
	if (out) {
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(m.p, 1, m.len, f) != m.len || fclose(f)) {
			perror(out);
			return 1;
		}
	}
	free(m.p);
	free(tasks);
	free(list);
	return 0;
}
