/* tidmap.h - tid -> a frame's slot index, for the reader.  Internal to
 * format/.
 *
 * A direct table in pages for the tids a kernel hands out (below
 * PID_MAX_LIMIT, 2^22), a small hash for any larger tid a damaged or
 * hostile file names.  A page entry is a slot index, valid only while the
 * slot it names holds that tid in this frame (the reader checks), so a new
 * frame needs no clearing of the pages; the hash is cleared. */
#ifndef CAP_TIDMAP_H
#define CAP_TIDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TID_DIRECT (1u << 22)
#define TID_PAGE 4096u
#define TID_NONE UINT32_MAX

struct bigtid { uint32_t tid, slot; };
struct tidmap {
	uint32_t *page[TID_DIRECT / TID_PAGE];
	struct bigtid *big;
	size_t big_cap, big_n;
};

uint32_t *tidmap_cell_slow(struct tidmap *m, uint32_t tid, bool create);

/* Where tid's slot index is kept: its page entry or its hash cell; NULL
 * when out of memory, or (create false) when it has none.  Inline: the
 * replay asks once per task row. */
static inline uint32_t *tidmap_cell(struct tidmap *m, uint32_t tid, bool create)
{
	uint32_t *pg = tid < TID_DIRECT ? m->page[tid / TID_PAGE] : NULL;
	return pg ? &pg[tid % TID_PAGE] : tidmap_cell_slow(m, tid, create);
}

void tidmap_new_frame(struct tidmap *m);
void tidmap_free(struct tidmap *m);

#endif
