/* rank.c - causes above the symptoms they explain.
 *
 * An edge A -> B ("A explains B") exists when B is among what A can cause
 * and B's own figures agree (blocked tasks waiting on page faults are
 * explained by memory trouble, not by a writeback stall).  Edges are
 * closed transitively (a leak explains the thrash's blocked tasks too).
 * Then: repeatedly place, of the findings no unplaced finding explains,
 * causes before symptoms and the higher score first.
 */
#include "analysis.h"

#include <string.h>

static bool is(const struct finding *f, const char *id) { return !strcmp(f->id, id); }

static bool memory_cause(const struct finding *f)
{
	return is(f, "memory-leak") || is(f, "memory-hog") || is(f, "shmem-growth") || is(f, "slab-growth");
}

static bool edge(const struct finding *a, const struct finding *b, const struct finding *all, int n)
{
	bool thrash = false;
	for (int i = 0; i < n; i++)
		thrash |= is(&all[i], "reclaim-thrash") || is(&all[i], "swap-thrash");
	const char *k = b->tag;
	bool mem_wait = is(b, "blocked-tasks") && (!strcmp(k, "page-fault") || !strcmp(k, "reclaim") ||
						   !strcmp(k, "io") || !strcmp(k, "other") || !strcmp(k, "unknown"));
	bool kswapd_cpu = is(b, "cpu-saturation") && !strncmp(b->comm, "kswapd", 6);
	if (memory_cause(a))
		return is(b, "reclaim-thrash") || is(b, "swap-thrash") || is(b, "oom-kill") || mem_wait ||
		       (is(b, "io-saturation") && thrash) ||
		       /* reclaim burns CPU in kswapd or in the grower itself; an
		        * unrelated CPU hog is a rival, not a consequence */
		       (is(b, "cpu-saturation") && (kswapd_cpu || (b->pid >= 0 && b->pid == a->pid)));
	if (is(a, "reclaim-thrash") || is(a, "swap-thrash"))
		return mem_wait || is(b, "io-saturation") || kswapd_cpu;
	if (is(a, "writeback-stall"))
		return (is(b, "blocked-tasks") && (!strcmp(k, "writeback") || !strcmp(k, "io"))) || is(b, "io-saturation");
	if (is(a, "io-saturation"))
		return is(b, "blocked-tasks") && (!strcmp(k, "io") || !strcmp(k, "other") || !strcmp(k, "unknown") ||
						  !strcmp(k, "writeback"));
	return false;
}

void rank_findings(struct finding *f, int n)
{
	bool e[16][16] = { { false } };
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			e[a][b] = a != b && edge(&f[a], &f[b], f, n);
	for (int k = 0; k < n; k++)
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++)
				if (e[a][k] && e[k][b] && a != b)
					e[a][b] = true;
	int order[16], placed = 0;
	bool done[16] = { false };
	while (placed < n) {
		int pick = -1;
		for (int c = 0; c < n; c++) {
			if (done[c])
				continue;
			bool free_ = true;
			for (int a = 0; a < n; a++)
				if (!done[a] && e[a][c] && !e[c][a])
					free_ = false;
			if (!free_)
				continue;
			if (pick < 0 || (f[c].cause && !f[pick].cause) ||
			    (f[c].cause == f[pick].cause && f[c].score > f[pick].score))
				pick = c;
		}
		if (pick < 0) /* a cycle: break it by score */
			for (int c = 0; c < n; c++)
				if (!done[c] && (pick < 0 || f[c].score > f[pick].score))
					pick = c;
		done[pick] = true;
		order[placed++] = pick;
	}
	struct finding tmp[16];
	int pos[16];
	for (int i = 0; i < n; i++) {
		tmp[i] = f[order[i]];
		tmp[i].rank = i + 1;
		tmp[i].nexp = 0;
		tmp[i].explained_by = NULL;
		pos[order[i]] = i;
	}
	for (int i = 0; i < n; i++) {
		int a = order[i];
		for (int j = 0; j < n; j++) {
			int b = order[j];
			if (!e[a][b] || j <= i)
				continue;
			if (tmp[i].nexp < MAX_EXP)
				tmp[i].explains[tmp[i].nexp++] = tmp[j].id;
			if (!tmp[j].explained_by)
				tmp[j].explained_by = tmp[i].id;
		}
	}
	(void)pos;
	memcpy(f, tmp, (size_t)n * sizeof *f);
}
