/* top.h - the task table at chosen moments, rebuilt by replaying the
 * record stream once (the model keeps per-process series in buckets, not
 * every task at every sample). */
#ifndef TOP_H
#define TOP_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct top_proc {
	uint32_t pid;
	char comm[64];
	char state;             /* the worst of its threads: D, then R, else the main thread's */
	int nthreads, nd;       /* threads, threads in D */
	bool kthread;
	double cpu_pct;         /* of one CPU over the last interval; NaN = not known yet */
	double rss_kb, anon_kb; /* NaN = not recorded */
	double majflt_s, rd_kbs, wr_kbs;
	char wchan[64];         /* where the first D thread waits */
	char cgroup[256];
};

struct top_snap {
	int sample;             /* index in the model */
	double t, dt;           /* seconds from start; seconds since the previous sample */
	uint64_t wall_us;
	int ntasks, nprocs;
	struct top_proc *p;
	int np;
};

/* Which processes to keep: all, one pid, or every process with that comm. */
struct top_filter { long pid; const char *comm; };
bool top_filter_parse(const char *s, struct top_filter *f);

typedef void (*top_cb)(void *ctx, const struct top_snap *s);
/* Replays paths (the pieces of one capture, put in order as load() puts
 * them); for each sample i of the model with want[i] calls cb with its
 * table (filtered).  Samples of other captures in the input match none of
 * the model's.  0, or -1 with a message in err. */
int top_replay(const char *const *paths, int npaths, const struct model *mo, const bool *want, const struct top_filter *flt,
	       top_cb cb, void *ctx, char *err, size_t errlen);

enum top_sort { TOP_CPU, TOP_RSS, TOP_MAJFLT, TOP_STATE };
bool top_sort_parse(const char *s, enum top_sort *k);
void top_sort(struct top_proc *p, int n, enum top_sort k);

#endif
