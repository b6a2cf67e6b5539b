/* tidmap.c - the tid table's pages and hash; see tidmap.h. */
#include "tidmap.h"

#include <stdlib.h>
#include <string.h>

uint32_t *tidmap_cell_slow(struct tidmap *m, uint32_t tid, bool create)
{
	if (tid < TID_DIRECT) {
		uint32_t **pg = &m->page[tid / TID_PAGE];
		if (!create)
			return NULL;
		*pg = malloc(TID_PAGE * sizeof **pg);
		if (!*pg)
			return NULL;
		memset(*pg, 0xff, TID_PAGE * sizeof **pg);
		return &(*pg)[tid % TID_PAGE];
	}
	if (create && (m->big_n + 1) * 2 > m->big_cap) {
		size_t oc = m->big_cap, nc = oc ? oc * 2 : 64;
		struct bigtid *old = m->big, *nb = malloc(nc * sizeof *nb);
		if (!nb)
			return NULL;
		memset(nb, 0xff, nc * sizeof *nb);
		m->big = nb;
		m->big_cap = nc;
		m->big_n = 0;
		for (size_t i = 0; i < oc; i++)
			if (old[i].slot != TID_NONE)
				*tidmap_cell_slow(m, old[i].tid, true) = old[i].slot;
		free(old);
	}
	if (!m->big_cap)
		return NULL;
	size_t mask = m->big_cap - 1, j = (tid * 2654435761u) & mask;
	for (; m->big[j].tid != TID_NONE || m->big[j].slot != TID_NONE; j = (j + 1) & mask)
		if (m->big[j].tid == tid)
			return &m->big[j].slot;
	if (!create)
		return NULL;
	m->big[j].tid = tid;
	m->big_n++;
	return &m->big[j].slot;
}

void tidmap_new_frame(struct tidmap *m)
{
	if (m->big_n) {
		memset(m->big, 0xff, m->big_cap * sizeof *m->big);
		m->big_n = 0;
	}
}

void tidmap_free(struct tidmap *m)
{
	for (size_t i = 0; i < TID_DIRECT / TID_PAGE; i++)
		free(m->page[i]);
	free(m->big);
}
