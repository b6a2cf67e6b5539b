/* kwait.c - the table of kernel wait functions (see kwait.h). */
#include "kwait.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Patterns: "name" exact, "name*" a prefix, "*name*" anywhere in the name.
 * Primitives are matched exactly or by prefix, so that a place that only
 * contains one ("unlock_page") is not skipped as one; reasons read a whole
 * family by its word ("*writeback*", "*jbd2*").  Names span kernels: 2.6's
 * sync_page, 3.x's sleep_on_page, 4.x's page-lock waits, 5.16+'s folios. */
static const struct kw_row {
	const char *pat;
	enum kw_prim prim;
	enum wait_kind why; /* WAIT_OTHER: tells no reason */
} rows[] = {
	/* the scheduler: where every sleeping task is */
	{ "__schedule", KW_SCHED, WAIT_OTHER },
	{ "schedule", KW_SCHED, WAIT_OTHER },
	{ "schedule_timeout*", KW_SCHED, WAIT_OTHER },
	{ "schedule_preempt_disabled", KW_SCHED, WAIT_OTHER },
	{ "preempt_schedule*", KW_SCHED, WAIT_OTHER },
	{ "__switch_to*", KW_SCHED, WAIT_OTHER },
	{ "context_switch", KW_SCHED, WAIT_OTHER },
	{ "finish_task_switch", KW_SCHED, WAIT_OTHER },
	{ "_switch", KW_SCHED, WAIT_OTHER },
	{ "resume", KW_SCHED, WAIT_OTHER },
	{ "__cond_resched", KW_SCHED, WAIT_OTHER },
	{ "wait_woken", KW_SCHED, WAIT_OTHER },
	{ "schedule_idle", KW_SCHED, WAIT_OTHER },
	/* block I/O and the page and buffer locks it ends */
	{ "io_schedule*", KW_IO, WAIT_IO },
	{ "bit_wait_io*", KW_PAGE, WAIT_IO },
	{ "bit_wait", KW_PAGE, WAIT_OTHER },
	{ "__wait_on_bit*", KW_PAGE, WAIT_OTHER },
	{ "out_of_line_wait_on_bit*", KW_PAGE, WAIT_OTHER },
	{ "wait_on_page_bit*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "__lock_page*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "lock_page*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "folio_wait_bit*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "__folio_lock*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "folio_lock*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "wait_on_page_locked*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "sleep_on_page*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "sync_page*", KW_PAGE, WAIT_PAGE_FAULT },
	{ "folio_put_wait_locked", KW_PAGE, WAIT_PAGE_FAULT },
	{ "sync_buffer", KW_PAGE, WAIT_IO },
	{ "__wait_on_buffer", KW_PAGE, WAIT_IO },
	{ "wait_on_buffer", KW_PAGE, WAIT_IO },
	{ "sleep_on_buffer", KW_PAGE, WAIT_IO },
	{ "__lock_buffer", KW_PAGE, WAIT_IO },
	/* locks */
	{ "__mutex_lock*", KW_MUTEX, WAIT_OTHER },
	{ "mutex_lock*", KW_MUTEX, WAIT_OTHER },
	{ "rt_mutex*", KW_MUTEX, WAIT_OTHER },
	{ "__rt_mutex*", KW_MUTEX, WAIT_OTHER },
	{ "rtlock_slowlock*", KW_MUTEX, WAIT_OTHER },
	{ "rwsem_down_*", KW_RWSEM, WAIT_OTHER },
	{ "call_rwsem_down_*", KW_RWSEM, WAIT_OTHER },
	{ "down_read*", KW_RWSEM, WAIT_OTHER },
	{ "down_write*", KW_RWSEM, WAIT_OTHER },
	{ "__down_read*", KW_RWSEM, WAIT_OTHER },
	{ "__down_write*", KW_RWSEM, WAIT_OTHER },
	{ "percpu_down_*", KW_RWSEM, WAIT_OTHER },
	{ "__percpu_down_*", KW_RWSEM, WAIT_OTHER },
	{ "percpu_rwsem_wait", KW_RWSEM, WAIT_OTHER },
	{ "__down", KW_SEM, WAIT_OTHER },
	{ "__down_common", KW_SEM, WAIT_OTHER },
	{ "__down_interruptible", KW_SEM, WAIT_OTHER },
	{ "__down_killable", KW_SEM, WAIT_OTHER },
	{ "__down_timeout", KW_SEM, WAIT_OTHER },
	{ "down", KW_SEM, WAIT_OTHER },
	{ "down_interruptible", KW_SEM, WAIT_OTHER },
	{ "down_killable", KW_SEM, WAIT_OTHER },
	{ "down_timeout", KW_SEM, WAIT_OTHER },
	/* waiting for another context, or for time */
	{ "wait_for_completion*", KW_COMPLETION, WAIT_OTHER },
	{ "__wait_for_common", KW_COMPLETION, WAIT_OTHER },
	{ "wait_for_common*", KW_COMPLETION, WAIT_OTHER },
	{ "do_wait_for_common", KW_COMPLETION, WAIT_OTHER },
	{ "usleep_range*", KW_SLEEP, WAIT_OTHER },
	{ "msleep*", KW_SLEEP, WAIT_OTHER },
	{ "schedule_hrtimeout*", KW_SLEEP, WAIT_OTHER },
	/* places: a page brought in by a fault or a read */
	{ "*filemap_fault*", KW_NOT_PRIM, WAIT_PAGE_FAULT },
	{ "*do_page_fault*", KW_NOT_PRIM, WAIT_PAGE_FAULT },
	{ "*handle_mm_fault*", KW_NOT_PRIM, WAIT_PAGE_FAULT },
	{ "*filemap_read_folio*", KW_NOT_PRIM, WAIT_PAGE_FAULT },
	{ "*do_read_fault*", KW_NOT_PRIM, WAIT_PAGE_FAULT },
	{ "*swap_readpage*", KW_NOT_PRIM, WAIT_PAGE_FAULT },
	{ "*swapin*", KW_NOT_PRIM, WAIT_PAGE_FAULT },
	/* memory reclaim */
	{ "*shrink_*", KW_NOT_PRIM, WAIT_RECLAIM },
	{ "*reclaim*", KW_NOT_PRIM, WAIT_RECLAIM },
	{ "*congestion_wait*", KW_NOT_PRIM, WAIT_RECLAIM },
	{ "*throttle_direct*", KW_NOT_PRIM, WAIT_RECLAIM },
	{ "*balance_pgdat*", KW_NOT_PRIM, WAIT_RECLAIM },
	{ "*try_to_free*", KW_NOT_PRIM, WAIT_RECLAIM },
	/* dirty pages going out, journals, sync */
	{ "*balance_dirty_pages*", KW_NOT_PRIM, WAIT_WRITEBACK },
	{ "*writeback*", KW_NOT_PRIM, WAIT_WRITEBACK },
	{ "*jbd2*", KW_NOT_PRIM, WAIT_WRITEBACK },
	{ "*wbt_wait*", KW_NOT_PRIM, WAIT_WRITEBACK },
	{ "*log_wait_commit*", KW_NOT_PRIM, WAIT_WRITEBACK },
	{ "*sync_inodes*", KW_NOT_PRIM, WAIT_WRITEBACK },
	{ "*__filemap_fdatawait*", KW_NOT_PRIM, WAIT_WRITEBACK },
	/* the block layer and the drivers under it */
	{ "*blk_*", KW_NOT_PRIM, WAIT_IO },
	{ "*submit_bio*", KW_NOT_PRIM, WAIT_IO },
	{ "*mmc_*", KW_NOT_PRIM, WAIT_IO },
	{ "*bio_*", KW_NOT_PRIM, WAIT_IO },
};

static bool match(const char *name, const char *pat)
{
	size_t n = strlen(pat);
	if (pat[0] == '*' && n > 2 && pat[n - 1] == '*') {
		char word[64];
		if (n - 2 >= sizeof word)
			return false;
		memcpy(word, pat + 1, n - 2);
		word[n - 2] = '\0';
		return strstr(name, word) != NULL;
	}
	if (n && pat[n - 1] == '*')
		return strncmp(name, pat, n - 1) == 0;
	return strcmp(name, pat) == 0;
}

enum kw_prim kw_prim(const char *fn)
{
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		if (rows[i].prim != KW_NOT_PRIM && match(fn, rows[i].pat))
			return rows[i].prim;
	return KW_NOT_PRIM;
}

const char *kw_prim_name(enum kw_prim p)
{
	static const char *const names[] = {
		[KW_NOT_PRIM] = NULL, [KW_SCHED] = NULL, [KW_IO] = "io", [KW_PAGE] = "page", [KW_MUTEX] = "mutex",
		[KW_RWSEM] = "rwsem", [KW_SEM] = "semaphore", [KW_COMPLETION] = "completion", [KW_SLEEP] = "sleep",
	};
	return (unsigned)p < sizeof names / sizeof *names ? names[p] : NULL;
}

enum wait_kind wait_kind(const char *w)
{
	if (!w[0] || !strcmp(w, "0") || !strcmp(w, "?"))
		return WAIT_UNKNOWN;
	for (enum wait_kind k = 0; k < WAIT_OTHER; k++)
		for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
			if (rows[i].why == k && match(w, rows[i].pat))
				return k;
	return WAIT_OTHER;
}

const char *wait_name(enum wait_kind k)
{
	static const char *const names[WAIT_COUNT] = { "page-fault", "reclaim", "writeback", "io", "other", "unknown" };
	return (unsigned)k < WAIT_COUNT ? names[k] : "unknown";
}
