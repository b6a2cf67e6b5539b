/* rank.c - causes above the symptoms they explain.
 *
 * An edge A -> B ("A explains B") exists when B is among what A can cause
 * and B's own figures agree (blocked tasks waiting on page faults are
 * explained by memory trouble, not by a writeback stall): the detector
 * table holds the edges and their conditions.  Edges are closed
 * transitively (a leak explains the thrash's blocked tasks too).
 * Then: repeatedly place, of the findings no unplaced finding explains,
 * causes before symptoms and the higher score first.
 */
#include "analysis.h"

#include <string.h>

static bool kswapd(const struct finding *f) { return !strncmp(f->comm, "kswapd", 6); }

static bool holds(const struct edge *e, const struct finding *a, const struct finding *b, bool thrash)
{
	switch (e->when) {
	case EDGE_END:
		return false;
	case EDGE_ALWAYS:
		return true;
	case EDGE_WAITS:
		return (e->waits & WAIT_BIT(b->wait)) != 0;
	case EDGE_WITH_THRASH:
		return thrash;
	case EDGE_KSWAPD:
		return kswapd(b);
	case EDGE_KSWAPD_OR_SAME:
		return kswapd(b) || (b->pid >= 0 && b->pid == a->pid);
	}
	return false;
}

static bool edge(const struct finding *a, const struct finding *b, bool thrash)
{
	const struct edge *e = detectors[a->cid].explains;
	for (int i = 0; i < MAX_EDGES && e[i].when != EDGE_END; i++)
		if (e[i].to == b->cid && holds(&e[i], a, b, thrash))
			return true;
	return false;
}

void rank_findings(struct finding *f, int n)
{
	enum { N = MAX_DETECTORS };
	bool e[N][N] = { { false } }, thrash = false;
	for (int i = 0; i < n; i++)
		thrash |= detectors[f[i].cid].thrash;
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			e[a][b] = a != b && edge(&f[a], &f[b], thrash);
	for (int k = 0; k < n; k++)
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++)
				if (e[a][k] && e[k][b] && a != b)
					e[a][b] = true;
	int order[N], placed = 0;
	bool done[N] = { false };
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
	struct finding tmp[N];
	for (int i = 0; i < n; i++) {
		tmp[i] = f[order[i]];
		tmp[i].rank = i + 1;
		tmp[i].nexp = 0;
		tmp[i].explained_by = NULL;
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
	memcpy(f, tmp, (size_t)n * sizeof *f);
}
