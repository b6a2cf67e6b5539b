/* kwait.h - the kernel's wait functions: one table for every part of
 * analyze that reads where a task sleeps, /proc's wchan (the detectors)
 * and the frames of a dumped stack (stack grouping).
 *
 * A row names a function (or a family of them) and says two things about
 * it: the primitive it is (how the task sleeps: a stack's leading
 * primitives say nothing about why, so grouping skips them) and the
 * reason a task in it waits (why: what the D-state detector groups by).
 * A kernel that renames a wait function is one row here. */
#ifndef KWAIT_H
#define KWAIT_H

/* How it sleeps.  KW_NOT_PRIM: the function is a place, not a primitive. */
enum kw_prim { KW_NOT_PRIM, KW_SCHED, KW_IO, KW_PAGE, KW_MUTEX, KW_RWSEM, KW_SEM, KW_COMPLETION, KW_SLEEP };

/* Why it sleeps, in the order a name matching two reasons is told.
 * WAIT_OTHER: a known place that tells no reason, or no row at all;
 * WAIT_UNKNOWN: no place recorded. */
enum wait_kind { WAIT_PAGE_FAULT, WAIT_RECLAIM, WAIT_WRITEBACK, WAIT_IO, WAIT_OTHER, WAIT_UNKNOWN, WAIT_COUNT };

/* The primitive function `fn` (a bare name: no offset, no ".isra" clone
 * suffix) is, KW_NOT_PRIM when none. */
enum kw_prim kw_prim(const char *fn);
/* "io", "page", "mutex", "rwsem", "semaphore", "completion", "sleep";
 * NULL for the scheduler itself and for KW_NOT_PRIM. */
const char *kw_prim_name(enum kw_prim p);
/* Why a task whose wchan is `wchan` waits.  "" (not read) and "0" (it ran
 * again before wchan was read) are WAIT_UNKNOWN. */
enum wait_kind wait_kind(const char *wchan);
/* "page-fault", "reclaim", "writeback", "io", "other", "unknown". */
const char *wait_name(enum wait_kind k);

#endif
