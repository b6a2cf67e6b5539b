/* stackgroup: groups dumped tasks by where they wait.
 *
 * A stack's fingerprint skips the scheduler and the wait primitive
 * (schedule, io_schedule, __wait_on_bit, mutex_lock, rwsem_down_*, ...) and
 * keeps the first few frames that say *why* the task waits (filemap_fault,
 * jbd2_log_wait_commit, ...). A table of known places turns that into a
 * label a person understands. Blocked tasks (sysrq-w, sysrq-t D state,
 * hung-task) and CPU stacks (sysrq-l) are grouped separately. */
#ifndef STACKGROUP_H
#define STACKGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "kdump.h"

struct sg_group {
	char *fingerprint; /* "filemap_fault < ext4_filemap_fault"; "cpu: ..." for CPU stacks */
	char *label;       /* "waiting for a page read in filemap_fault (...)" */
	size_t count;      /* distinct tasks */
	long *pids;        /* count entries, -1 when the dump printed no pid */
	size_t npids;      /* == count */
	char **comms;      /* count entries, NULL when not printed */
	int *cpus;         /* count entries, -1 unless a CPU stack */
	char **stack;      /* common meaningful frames (of the first member), innermost first */
	size_t nstack;
	const char *wait;  /* wait primitive: "page", "mutex", "rwsem", ..., or NULL */
	bool cpu;          /* sysrq-l CPU stacks (running), not blocked tasks */
	bool idle;         /* idle CPUs */
	bool page_fault;   /* see sg_is_page_fault_wait */
	bool reclaim;      /* members are in memory reclaim (sg_is_reclaim) */
};

struct sg_groups {
	struct sg_group *groups; /* blocked groups first, then CPU groups; each by count */
	size_t ngroups;
};

/* Groups the blocked tasks and CPU stacks of every dump in r. A task that
 * appears in several dumps (same pid and comm) counts once per group. */
struct sg_groups *sg_build(const struct kd_result *r);
/* The same for one dump. */
struct sg_groups *sg_build_dump(const struct kd_dump *d);
void sg_free(struct sg_groups *g);

/* Blocked tasks waiting for a file-backed page to be read in a page fault
 * (filemap_fault): with reclaim going on, evidence of page-cache thrash. */
bool sg_is_page_fault_wait(const struct sg_group *g);
/* The task is reclaiming memory: kswapd or direct reclaim in shrink_*. */
bool sg_is_reclaim(const struct kd_task *t);
/* Whether a task of this dump counts as blocked (D state, hung). */
bool sg_is_blocked(const struct kd_dump *d, const struct kd_task *t);

#endif
