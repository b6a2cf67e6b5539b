/* timeline.c - rows of per-step means, with events placed in their row. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int timeline_cols[] = {
	M_CPU_USR, M_CPU_SYS, M_CPU_IOWAIT, M_CPU_IDLE, M_MEMFREE, M_MEMAVAIL, M_CACHED, M_SHMEM,
	M_MAJFLT, M_REFAULT, M_PGSCAN_K, M_PGSCAN_D, M_PGSTEAL, M_ALLOCSTALL, M_DISK_RPS, M_DISK_RMBPS,
	M_DISK_UTIL, M_TASKS_D, M_LOAD1, M_PSI_MEM, M_PSI_IO, M_KSWAPD_CPU, M_STRESS,
};
const int ntimeline_cols = sizeof timeline_cols / sizeof *timeline_cols;

/* Starts and exits are shown only for processes a finding names: a
 * busy box starts hundreds of short-lived processes an hour. */
static bool notable(const struct event *e, const long *pids, int npids)
{
	if (e->kind != EV_TASK_START && e->kind != EV_TASK_EXIT)
		return true;
	for (int i = 0; i < npids; i++)
		if (pids[i] == (long)e->pid)
			return true;
	return false;
}

struct tl_row *timeline_build(const struct model *mo, double step, int a, int b, const long *pids, int npids,
			      int *nrows)
{
	*nrows = 0;
	if (a < 0)
		a = 0;
	if (b > mo->nsamples)
		b = mo->nsamples;
	if (b <= a)
		return NULL;
	int cap = 64, n = 0;
	struct tl_row *rows = malloc((size_t)cap * sizeof *rows);
	if (!rows)
		return NULL;
	for (int i = a; i < b;) {
		int j = i + 1;
		if (step > 0)
			while (j < b && mo->t[j] < mo->t[i] + step - 1e-9)
				j++;
		if (n == cap) {
			cap *= 2;
			struct tl_row *nr = realloc(rows, (size_t)cap * sizeof *nr);
			if (!nr) {
				free(rows);
				return NULL;
			}
			rows = nr;
		}
		struct tl_row *r = &rows[n++];
		r->a = i;
		r->b = j;
		r->t = mo->t[i];
		r->wall_us = mo->wall_us[i];
		r->events[0] = 0;
		for (int k = 0; k < M_COUNT; k++)
			r->m[k] = win_mean(mo, k, i, j);
		i = j;
	}
	/* events: binary search would do, but events are few and rows fewer */
	size_t er = 0;
	for (int k = 0; k < n; k++) {
		struct tl_row *r = &rows[k];
		while (er < mo->nevs && mo->evs[er].sample < r->a)
			er++;
		for (size_t e = er; e < mo->nevs && mo->evs[e].sample < r->b; e++) {
			const struct event *ev = &mo->evs[e];
			if (!notable(ev, pids, npids))
				continue;
			size_t l = strlen(r->events);
			if (l + 8 < sizeof r->events)
				snprintf(r->events + l, sizeof r->events - l, "%s%s", l ? "; " : "", ev->text);
		}
	}
	*nrows = n;
	return rows;
}
