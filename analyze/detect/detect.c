/* detect.c - the detector table.
 * A new detector is one file with its function, plus its id in enum
 * cause_id (analysis.h), its prototype and its row here. */
#include "analysis.h"

int detect_leak(const struct actx *, struct finding *);
int detect_hog(const struct actx *, struct finding *);
int detect_shmem(const struct actx *, struct finding *);
int detect_slab(const struct actx *, struct finding *);
int detect_reclaim(const struct actx *, struct finding *);
int detect_swap(const struct actx *, struct finding *);
int detect_oom(const struct actx *, struct finding *);
int detect_io(const struct actx *, struct finding *);
int detect_writeback(const struct actx *, struct finding *);
int detect_cpu(const struct actx *, struct finding *);
int detect_blocked(const struct actx *, struct finding *);

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

/* One row per enum cause_id: the detector, its documented rule, and the
 * edges of the causal graph that start at it (rank.c closes them). */
const struct detector detectors[CAUSE_COUNT] = {
	[CAUSE_MEMORY_LEAK] = { "memory-leak", true, detect_leak,
	  "a process (or all processes of one name) gains >= max(16 MB, 5% of RAM or of its cgroup limit) of RSS from healthy to faulty while memory is short (MemAvailable < 15%, cgroup >= 85% of its limit, or reclaim thrash)",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_SHMEM_GROWTH] = { "shmem-growth", true, detect_shmem,
	  "Shmem (tmpfs, shared memory) gains >= max(16 MB, 5% of RAM) while MemAvailable < 15% (or a cgroup's shmem while it is at >= 85% of its limit); names the tmpfs mount whose used size grew most (capture's statfs groups)",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_SLAB_GROWTH] = { "slab-growth", true, detect_slab,
	  "Slab gains >= max(32 MB, 8% of RAM) while MemAvailable < 15%",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_MEMORY_HOG] = { "memory-hog", true, detect_hog,
	  "no onset in the capture (no healthy window, or an OOM kill): in the memory domain under pressure (the tightest memory cgroup at >= 85% of its limit with anon+shmem >= 50% of it or refaults, else the machine at MemAvailable < 15%), the process holding >= 25% of the domain in anon+shmem+swap (RssAnon/RssShmem/VmSwap; stat RSS capped by the domain's anon where those are not recorded), or the OOM killer's victim; memory-leak instead when its growth is seen in the capture, shmem-growth when tmpfs holds more",
	  .explains = { MEMORY_EDGES } },
	[CAUSE_RECLAIM_THRASH] = { "reclaim-thrash", false, detect_reclaim,
	  ">= 2 of: kswapd CPU >= 20%, pgscan >= 1000/s, refaults >= 100/s, major faults >= 100/s (each >= 5x healthy), page cache < 50% of healthy, allocstalls, PSI memory >= 5%, a memory cgroup at its limit with refaults or collapsing file pages; at least one being a reclaim or fault counter",
	  .thrash = true, .explains = { THRASH_EDGES } },
	[CAUSE_SWAP_THRASH] = { "swap-thrash", false, detect_swap,
	  "pswpin + pswpout >= 100 pages/s and >= 5x healthy",
	  .thrash = true, .explains = { THRASH_EDGES } },
	[CAUSE_OOM_KILL] = { "oom-kill", false, detect_oom,
	  "the kernel log shows an OOM kill, or vmstat oom_kill / a cgroup's oom_kill count rises",
	  .explains = { EDGE(CAUSE_COUNT, EDGE_END) } }, /* explains nothing */
	[CAUSE_IO_SATURATION] = { "io-saturation", true, detect_io,
	  "the busiest real disk is >= 80% busy on average in the faulty window (and >= 1.5x healthy); culprit: the process with the most read+write bytes there",
	  .explains = { EDGE_WAITING(CAUSE_BLOCKED_TASKS, WAIT_BIT(WAIT_IO) | WAIT_BIT(WAIT_OTHER) |
							       WAIT_BIT(WAIT_UNKNOWN) | WAIT_BIT(WAIT_WRITEBACK)) } },
	[CAUSE_WRITEBACK_STALL] = { "writeback-stall", true, detect_writeback,
	  "Dirty + Writeback >= max(5% of RAM, 3x healthy + 16 MB) and tasks wait in writeback throttling (balance_dirty_pages, *wait*writeback, jbd2) or the disk writes at >= 80% util",
	  .explains = { EDGE_WAITING(CAUSE_BLOCKED_TASKS, WAIT_BIT(WAIT_WRITEBACK) | WAIT_BIT(WAIT_IO)),
			EDGE(CAUSE_IO_SATURATION, EDGE_ALWAYS) } },
	[CAUSE_CPU_SATURATION] = { "cpu-saturation", true, detect_cpu,
	  "runnable tasks >= 1.5 x CPUs on average and idle + iowait < 10% in the faulty window; culprit: the top CPU user",
	  .explains = { EDGE(CAUSE_COUNT, EDGE_END) } }, /* explains nothing */
	[CAUSE_BLOCKED_TASKS] = { "blocked-tasks", false, detect_blocked,
	  "tasks in D state >= 1 on average in the faulty window and >= 3x healthy + 0.5; grouped by comm and wchan",
	  .explains = { EDGE(CAUSE_COUNT, EDGE_END) } }, /* explains nothing */
};
