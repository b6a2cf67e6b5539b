/* detect.c - the detector table, from detectors.def: a new detector is one
 * file with its function plus its row there. */
#include "detect.h"

#define DETECTOR(id, fn, ...) int fn(const struct actx *, struct finding *);
#include "detectors.def"
#undef DETECTOR

/* An edge that holds when `when` does, and one that holds when the
 * target's dominant wait is one of `waits`. */
#define EDGE(to, when) { to, when, 0 }
#define EDGE_WAITING(to, waits) { to, EDGE_WAITS, waits }
/* Waits that memory trouble makes: faults and reclaim, and the reads and
 * unplaced waits behind them. */
#define MEM_WAITS \
	(WAIT_BIT(WAIT_PAGE_FAULT) | WAIT_BIT(WAIT_RECLAIM) | WAIT_BIT(WAIT_IO) | WAIT_BIT(WAIT_OTHER) | \
	 WAIT_BIT(WAIT_UNKNOWN))
/* A growing pool of memory: it makes the thrash and what the thrash makes;
 * reclaim burns CPU in kswapd or in the grower itself (an unrelated CPU
 * hog is a rival, not a consequence). */
#define MEMORY_EDGES \
	EDGE(CAUSE_RECLAIM_THRASH, EDGE_ALWAYS), EDGE(CAUSE_SWAP_THRASH, EDGE_ALWAYS), \
	EDGE(CAUSE_OOM_KILL, EDGE_ALWAYS), EDGE_WAITING(CAUSE_BLOCKED_TASKS, MEM_WAITS), \
	EDGE(CAUSE_IO_SATURATION, EDGE_WITH_THRASH), EDGE(CAUSE_CPU_SATURATION, EDGE_KSWAPD_OR_SAME)
#define THRASH_EDGES \
	EDGE_WAITING(CAUSE_BLOCKED_TASKS, MEM_WAITS), EDGE(CAUSE_IO_SATURATION, EDGE_ALWAYS), \
	EDGE(CAUSE_CPU_SATURATION, EDGE_KSWAPD)

/* One row per cause: the detector, its documented rule, and the edges of
 * the causal graph that start at it (rank.c closes them). */
#define DETECTOR(id, fn, name, cause, rule, ...) [CAUSE_##id] = { name, cause, fn, rule, __VA_ARGS__ },
const struct detector detectors[] = {
#include "detectors.def"
};
#undef DETECTOR
const size_t ndetectors = CAUSE_COUNT;
_Static_assert(CAUSE_COUNT <= MAX_DETECTORS, "struct report holds MAX_DETECTORS findings: raise it");
