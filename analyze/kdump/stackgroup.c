/* stackgroup.c: fingerprints and labels for dumped stacks (see stackgroup.h). */
#include "stackgroup.h"
#include "kwait.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames of the fingerprint; two callers of one wait place rarely differ
 * in the third frame, and deeper frames split groups by syscall noise. */
#define SG_FP_FRAMES 3
#define SG_STACK_FRAMES 8
/* How far from the wait a known place is still looked for. */
#define SG_PLACE_DEPTH 6
#define SG_NAME_MAX 128

/* Compiler clones (".isra.0", ".constprop.3", ".cold", ".part.1") are the
 * same function for a person and for grouping. */
static void norm_name(const char *fn, char *out, size_t cap)
{
	size_t n = strcspn(fn, ".");
	if (n == 0)
		n = strlen(fn);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, fn, n);
	out[n] = '\0';
}

/* Pattern: exact name, or a prefix when it ends with '*'. */
static bool name_match(const char *name, const char *pat)
{
	size_t n = strlen(pat);
	if (n && pat[n - 1] == '*')
		return strncmp(name, pat, n - 1) == 0;
	return strcmp(name, pat) == 0;
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (name_match(name, list[i]))
			return true;
	return false;
}

/* ---------- what to skip ---------- */

/* Besides the scheduler and the wait primitives (kw_prim, common/kwait.c):
 * every blocked task is in those, so they say nothing about why. */

/* What a CPU backtrace (sysrq-l) prints before the interrupted code: the
 * dumping machinery and the interrupt entry. */
static const char *const cpu_plumbing[] = {
	"unwind_backtrace", "show_stack", "dump_stack*", "dump_backtrace", "show_regs",
	"__show_regs", "show_trace*", "nmi_cpu_backtrace*", "nmi_trigger_cpumask_backtrace",
	"arch_trigger_cpumask_backtrace", "trigger_all_cpu_backtrace", "trigger_single_cpu_backtrace",
	"trigger_cpumask_backtrace", "handle_IPI", "do_handle_IPI",
	"ipi_handler", "gic_handle_irq", "__irq_svc", "__irq_usr", "el1_irq", "el1h_64_irq*",
	"el1_interrupt", "call_on_irq_stack", "do_interrupt_handler", "showacpu",
	"sysrq_handle_showallcpus", "smp_call_function*", "generic_smp_call_function*",
	"flush_smp_call_function*", "__flush_smp_call_function*", "handle_percpu_devid_irq",
	"generic_handle_*", "handle_domain_irq", "__handle_domain_irq", "handle_irq_desc",
	"nmi_handle", "default_do_nmi", "do_nmi", "exc_nmi", "end_repeat_nmi", "asm_exc_nmi",
	"nmi_cpu_backtrace_handler", "arch_show_regs", "sysvec_*", "asm_sysvec_*",
	"__sysvec_*", "irq_exit*", "__irq_exit_rcu", "handle_IRQ", "asm_do_IRQ", "do_IRQ",
	"plat_irq_dispatch", "handle_int", "ret_from_irq", "do_irq", "handle_arch_irq",
	"riscv_intc_irq", "handle_riscv_irq", "do_IPI", "ipi_cpu_backtrace",
	/* the RCU stall detector's own path, from the timer tick (parisc,
	 * sparc: no NMI, the stack is printed from the interrupt) */
	"sched_show_task*", "dump_cpu_task", "rcu_dump_cpu_stacks", "rcu_sched_clock_irq",
	"update_process_times", "timer_interrupt", "__handle_irq_event_percpu",
	"handle_irq_event*", "handle_percpu_irq", "call_on_stack", "execute_on_irq_stack",
	"do_cpu_irq_mask", "intr_return", NULL,
};

/* Where an interrupt entered: a CPU stack printed from inside the
 * interrupt continues past it with the code the CPU was running. */
static const char *const irq_entries[] = {
	"__irq_svc", "__irq_usr", "ret_from_irq", "ret_from_intr", "common_interrupt",
	"asm_common_interrupt", "asm_sysvec_*", "apic_timer_interrupt", "el1_irq", "el0_irq",
	"el1h_64_irq", "el0t_64_irq", "intr_return", "ext_int_handler", "io_int_handler",
	"handle_arch_irq", NULL,
};

/* Frames that show the stack was printed by the dumping machinery itself
 * (sysrq, the RCU stall detector, an NMI/IPI backtrace). */
static const char *const dump_causes[] = {
	"__handle_sysrq", "handle_sysrq", "sysrq_handle_*", "showacpu", "nmi_cpu_backtrace*",
	"rcu_dump_cpu_stacks", "print_cpu_stall*", "print_other_cpu_stall", "dump_stack*",
	"show_stack", "show_regs", NULL,
};

static const char *const idle_funcs[] = {
	"arch_cpu_idle*", "default_idle*", "cpu_idle_poll", "do_idle", "cpu_idle",
	"native_safe_halt", "cpuidle_enter*", "cpu_startup_entry", "mwait_idle*",
	"intel_idle*", "acpi_idle*", "acpi_safe_halt", "r4k_wait*", "cpu_do_idle",
	"arch_safe_halt", "poll_idle", "__cpuidle*", "default_enter_idle", "psci_*idle*",
	"wfi", "pv_native_safe_halt", "safe_halt", NULL,
};

static const char *const reclaim_funcs[] = {
	"shrink_node*", "shrink_zone*", "shrink_lruvec", "shrink_list", "shrink_page_list",
	"shrink_folio_list", "shrink_inactive_list", "shrink_active_list", "shrink_slab*",
	"do_shrink_slab", "balance_pgdat", "do_try_to_free_pages", "try_to_free_pages",
	"try_to_free_mem_cgroup_pages", "__alloc_pages_direct_reclaim", "__perform_reclaim",
	"shrink_many", "lru_gen_shrink*", "evict_folios", "mem_cgroup_shrink_node", NULL,
};

/* Who holds mmap_sem/mmap_lock: when a rw-semaphore wait sits under one of
 * these, the semaphore is the address space's. */
static const char *const mm_users[] = {
	"do_page_fault", "__do_page_fault", "do_user_addr_fault", "exc_page_fault",
	"do_coredump", "khugepaged*", "collapse_huge_page", "vm_mmap_pgoff", "do_mmap*",
	"__vm_munmap", "vm_munmap", "__do_munmap", "do_mprotect_pkey", "sys_mprotect",
	"SyS_mprotect", "__x64_sys_mprotect", "do_madvise", "__do_sys_madvise", "exit_mm",
	"dup_mmap", "dup_mm", "get_user_pages*", "__get_user_pages*", "access_remote_vm",
	"__access_remote_vm", "proc_pid_cmdline_read", "get_cmdline", "do_brk*", "sys_brk",
	"__do_sys_brk", "SyS_brk", "__mm_populate", "mm_populate", "lock_mm_and_find_vma",
	"mmap_read_lock*", "mmap_write_lock*", "__mmap_lock*", "do_mremap", "sys_mremap",
	"ksys_mmap_pgoff", "sys_mmap*", "SyS_mmap*", "do_exit_mm", "mmput",
	"userfaultfd_*", "do_munmap", "m_start", "show_map*", "task_mem", "do_page_mkwrite",
	"do_mlock", "apply_mlockall_flags", "do_DataAbort", "do_translation_fault",
	"do_mem_abort", NULL,
};

/* Known places, matched on the first meaningful frames, innermost first. */
static const struct {
	const char *pat;
	const char *label; /* "%s" gets the matched function */
	bool page_fault;
} places[] = {
	{"filemap_fault", "waiting for a page read in %s (page fault on a file-backed page)", true},
	{"__filemap_fault", "waiting for a page read in %s (page fault on a file-backed page)", true},
	{"filemap_nopage", "waiting for a page read in %s (page fault on a file-backed page)", true},
	{"do_swap_page", "waiting for a page read from swap in %s (swap-in page fault)", false},
	{"swap_readpage", "waiting for a page read from swap in %s (swap-in page fault)", false},
	{"swapin_readahead", "waiting for a page read from swap in %s (swap-in page fault)", false},
	{"filemap_read", "waiting for a page read in %s (read() of a file)", false},
	{"filemap_get_pages", "waiting for a page read in %s (read() of a file)", false},
	{"filemap_update_page", "waiting for a page read in %s (read() of a file)", false},
	{"generic_file_buffered_read", "waiting for a page read in %s (read() of a file)", false},
	{"do_generic_file_read", "waiting for a page read in %s (read() of a file)", false},
	{"generic_file_aio_read", "waiting for a page read in %s (read() of a file)", false},
	{"__filemap_fdatawait_range", "waiting for file pages to be written back (%s, fsync)", false},
	{"filemap_fdatawait*", "waiting for file pages to be written back (%s, fsync)", false},
	{"file_write_and_wait_range", "waiting for file pages to be written back (%s, fsync)", false},
	{"filemap_write_and_wait*", "waiting for file pages to be written back (%s, fsync)", false},
	{"wait_on_page_writeback", "waiting for a page to be written back (%s)", false},
	{"folio_wait_writeback", "waiting for a page to be written back (%s)", false},
	{"jbd2_log_wait_commit", "waiting for journal commit (jbd2, %s)", false},
	{"jbd2_complete_transaction", "waiting for journal commit (jbd2, %s)", false},
	{"jbd2_journal_force_commit*", "waiting for journal commit (jbd2, %s)", false},
	{"log_wait_commit", "waiting for journal commit (jbd, %s)", false},
	{"wait_transaction_locked", "waiting for a journal handle (jbd2 transaction locked, %s)", false},
	{"add_transaction_credits", "waiting for a journal handle (jbd2 journal full, %s)", false},
	{"start_this_handle", "waiting for a journal handle (jbd2, %s)", false},
	{"jbd2_journal_commit_transaction", "jbd2 committing the journal, waiting for its writes (%s)", false},
	{"journal_commit_transaction", "jbd committing the journal, waiting for its writes (%s)", false},
	{"jbd2_journal_lock_updates", "waiting for journal updates to drain (jbd2, %s)", false},
	{"balance_dirty_pages*", "throttled for writing too many dirty pages (%s)", false},
	{"wbt_wait", "throttled by block-layer writeback throttling (%s)", false},
	{"rq_qos_wait", "throttled by block-layer writeback throttling (%s)", false},
	{"__rq_qos_throttle", "throttled by block-layer writeback throttling (%s)", false},
	{"blk_mq_get_tag", "waiting for a free request slot in the block queue (%s)", false},
	{"get_request*", "waiting for a free request slot in the block queue (%s)", false},
	{"blk_queue_enter", "waiting for the block queue to accept requests (%s)", false},
	{"submit_bio_wait", "waiting for a block I/O to complete (%s)", false},
	{"blkdev_issue_flush", "waiting for a disk cache flush (%s)", false},
	{"__mmc_poll_for_busy", "waiting for the MMC/SD card to finish (%s)", false},
	{"mmc_poll_for_busy", "waiting for the MMC/SD card to finish (%s)", false},
	{"mmc_wait_for_req*", "waiting for the MMC/SD card to finish (%s)", false},
	{"__mmc_claim_host", "waiting for the MMC/SD host controller (%s)", false},
	{"sync_dirty_buffer", "waiting for a buffer write (%s)", false},
	{"__sync_dirty_buffer", "waiting for a buffer write (%s)", false},
	{"congestion_wait", "throttled in memory reclaim (%s)", false},
	{"wait_iff_congested", "throttled in memory reclaim (%s)", false},
	{"reclaim_throttle", "throttled in memory reclaim (%s)", false},
	{"throttle_direct_reclaim", "throttled in memory reclaim (%s)", false},
	{"out_of_memory", "waiting on the OOM killer (%s)", false},
	{"mem_cgroup_oom*", "waiting on the memory-cgroup OOM killer (%s)", false},
	{"__sb_start_write", "waiting for write access to a frozen filesystem (%s)", false},
	{"sb_start_write", "waiting for write access to a frozen filesystem (%s)", false},
	{"wb_wait_for_completion", "waiting for writeback to finish (%s, sync)", false},
	{"sync_inodes_sb", "waiting for writeback to finish (%s, sync)", false},
	{"rpc_wait_bit_killable", "waiting for an NFS/RPC server (%s)", false},
	{"nfs_wait_bit_killable", "waiting for an NFS/RPC server (%s)", false},
	{"request_wait_answer", "waiting for a FUSE daemon (%s)", false},
	{"usb_kill_urb", "waiting for a USB transfer to stop (%s)", false},
	{"usb_start_wait_urb", "waiting for a USB transfer (%s)", false},
	{"__handle_sysrq", "printing this sysrq dump (writer of /proc/sysrq-trigger, %s)", false},
	{"write_sysrq_trigger", "printing this sysrq dump (writer of /proc/sysrq-trigger, %s)", false},
	{"check_hung_uninterruptible_tasks", "khungtaskd printing this report (%s)", false},
	{"kthread", "kernel thread idle in %s (created, not started or parked)", false},
};

/* ---------- per-task analysis ---------- */

struct analysis {
	char names[SG_STACK_FRAMES][SG_NAME_MAX]; /* meaningful frames, normalized */
	size_t n;
	enum kw_prim kind; /* the innermost primitive but the scheduler */
	bool idle, reclaim;
};

static bool usable(const struct kd_frame *f)
{
	return f->function && strncmp(f->function, "0x", 2) != 0;
}

static bool any_reliable(const struct kd_task *t)
{
	for (size_t i = 0; i < t->nframes; i++)
		if (t->frames[i].reliable && usable(&t->frames[i]))
			return true;
	return false;
}

/* Fills a->names with the frames past the leading scheduler / wait /
 * dump plumbing. "?" frames are stale stack words on x86 and are skipped,
 * unless the whole trace is a raw scan (then nothing would remain). */
/* A CPU stack that the dumping code printed from inside an interrupt
 * (sysrq from a console break, the RCU stall detector in the timer tick,
 * an IPI) begins with the interrupt's own frames; the CPU's work starts
 * after the interrupt entry. */
static size_t cpu_work_start(const struct kd_task *t)
{
	bool caused = false;
	for (size_t i = 0; i < t->nframes; i++) {
		char name[SG_NAME_MAX];
		if (!t->frames[i].function)
			continue;
		norm_name(t->frames[i].function, name, sizeof name);
		if (in_list(name, dump_causes))
			caused = true;
		else if (in_list(name, irq_entries))
			return caused && i + 1 < t->nframes ? i + 1 : 0;
	}
	return 0;
}

static void analyze_task(const struct kd_task *t, bool cpu, struct analysis *a)
{
	memset(a, 0, sizeof *a);
	bool need_reliable = any_reliable(t);
	bool leading = true;
	for (size_t i = cpu ? cpu_work_start(t) : 0; i < t->nframes && a->n < SG_STACK_FRAMES; i++) {
		const struct kd_frame *f = &t->frames[i];
		if (!usable(f) || (need_reliable && !f->reliable))
			continue;
		char name[SG_NAME_MAX];
		norm_name(f->function, name, sizeof name);
		if (leading) {
			enum kw_prim k = kw_prim(name);
			if (k != KW_NOT_PRIM) {
				if (k != KW_SCHED)
					a->kind = k;
				continue;
			}
			if (cpu && in_list(name, cpu_plumbing))
				continue;
			leading = false;
			if (cpu && in_list(name, idle_funcs))
				a->idle = true;
		}
		memcpy(a->names[a->n++], name, sizeof name);
	}
	a->reclaim = sg_is_reclaim(t);
	if (t->idle)
		a->idle = true;
}

static bool has_mm_user(const struct analysis *a)
{
	for (size_t i = 0; i < a->n && i < SG_PLACE_DEPTH; i++)
		if (in_list(a->names[i], mm_users))
			return true;
	return false;
}

static bool has_name(const struct kd_task *t, const char *pat)
{
	for (size_t i = 0; i < t->nframes; i++) {
		char name[SG_NAME_MAX];
		if (!t->frames[i].function)
			continue;
		norm_name(t->frames[i].function, name, sizeof name);
		if (name_match(name, pat))
			return true;
	}
	return false;
}

static void reclaim_label(const struct kd_task *t, const struct analysis *a, bool cpu,
						  char *out, size_t cap)
{
	const char *where = has_name(t, "shrink_node*")  ? "shrink_node"
						: has_name(t, "shrink_zone*") ? "shrink_zone"
						: a->n                        ? a->names[0]
													  : "shrink";
	bool kswapd = has_name(t, "kswapd") || has_name(t, "balance_pgdat");
	const char *who = kswapd ? "kswapd reclaiming memory" : "direct reclaim: an allocation reclaiming memory";
	snprintf(out, cap, "%s%s (%s)", cpu ? "" : "blocked in memory reclaim: ", who, where);
}

/* fingerprint and label for one task; *pf tells the page-fault place. */
static void describe(const struct kd_task *t, const struct analysis *a, bool cpu, char *fp,
					 size_t fpcap, char *label, size_t lcap, bool *pf)
{
	*pf = false;
	if (cpu && a->idle) {
		snprintf(fp, fpcap, "cpu: idle");
		snprintf(label, lcap, "idle");
		return;
	}
	size_t place_at = SIZE_MAX, place_idx = 0;
	for (size_t i = 0; i < a->n && i < SG_PLACE_DEPTH && place_at == SIZE_MAX; i++)
		for (size_t k = 0; k < sizeof places / sizeof *places; k++)
			if (name_match(a->names[i], places[k].pat) &&
				(i == 0 || strcmp(places[k].pat, "kthread") != 0)) {
				/* kthread says something only when nothing runs above it */
				place_at = i;
				place_idx = k;
				break;
			}
	/* Frames up to a known place say all there is; without one, the first
	 * few frames stand for the place. */
	size_t nfp = place_at != SIZE_MAX ? place_at + 1 : a->n;
	if (nfp > SG_FP_FRAMES)
		nfp = SG_FP_FRAMES;
	size_t used = (size_t)snprintf(fp, fpcap, "%s", cpu ? "cpu: " : "");
	for (size_t i = 0; i < nfp && used < fpcap; i++)
		used += (size_t)snprintf(fp + used, fpcap - used, "%s%s", i ? " < " : "", a->names[i]);
	if (a->n == 0)
		snprintf(fp + (used < fpcap ? used : 0), fpcap - (used < fpcap ? used : 0), "%s",
				 cpu ? "unknown" : "(no stack)");

	const char *first = a->n ? a->names[0] : "an unknown place";
	if (a->n == 0 && t->nframes == 0) {
		snprintf(label, lcap, "no stack printed (dump cut off or task line only)");
	} else if (a->reclaim) {
		reclaim_label(t, a, cpu, label, lcap);
	} else if (place_at != SIZE_MAX) {
		snprintf(label, lcap, places[place_idx].label, a->names[place_at]);
		*pf = places[place_idx].page_fault && !cpu;
	} else if (cpu) {
		snprintf(label, lcap, "running in %s", first);
	} else if (a->kind == KW_RWSEM && has_mm_user(a)) {
		snprintf(label, lcap, "waiting for mmap_sem / mmap_lock in %s", first);
	} else {
		static const char *const fmt[] = {
			[KW_NOT_PRIM] = "waiting in %s", [KW_SCHED] = "waiting in %s",
			[KW_IO] = "waiting for I/O in %s", [KW_PAGE] = "waiting for page/buffer I/O in %s",
			[KW_MUTEX] = "waiting for a mutex in %s", [KW_RWSEM] = "waiting for a rw-semaphore in %s",
			[KW_SEM] = "waiting for a semaphore in %s",
			[KW_COMPLETION] = "waiting for a completion in %s", [KW_SLEEP] = "sleeping in %s",
		};
		snprintf(label, lcap, fmt[a->kind], first);
	}
}

/* ---------- grouping ---------- */

struct builder {
	struct sg_groups *g;
	size_t cap;
	size_t *order; /* first appearance, for stable ties */
};

static struct sg_group *find_group(struct builder *b, const char *fp)
{
	for (size_t i = 0; i < b->g->ngroups; i++)
		if (strcmp(b->g->groups[i].fingerprint, fp) == 0)
			return &b->g->groups[i];
	return NULL;
}

/* The same task in two dumps (repeated sysrq, a log holding a report twice)
 * is one member; an unnamed task is known only by its CPU, if any. */
static bool has_member(const struct sg_group *g, const struct kd_task *t)
{
	if (t->pid < 0 && t->cpu < 0)
		return false;
	for (size_t i = 0; i < g->count; i++)
		if (g->pids[i] == t->pid && g->cpus[i] == t->cpu &&
			((!g->comms[i] && !t->comm) ||
			 (g->comms[i] && t->comm && strcmp(g->comms[i], t->comm) == 0)))
			return true;
	return false;
}

static struct sg_group *new_group(struct builder *b, const char *fp, const char *label,
								  const struct analysis *a, bool cpu, bool pf)
{
	struct sg_groups *g = b->g;
	if (g->ngroups == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		g->groups = xrealloc(g->groups, b->cap * sizeof *g->groups);
	}
	struct sg_group *gr = &g->groups[g->ngroups++];
	memset(gr, 0, sizeof *gr);
	gr->fingerprint = xstrdup(fp);
	gr->label = xstrdup(label);
	gr->cpu = cpu;
	gr->idle = cpu && a->idle;
	gr->page_fault = pf;
	gr->reclaim = a->reclaim;
	gr->wait = kw_prim_name(a->kind);
	gr->stack = xrealloc(NULL, (a->n ? a->n : 1) * sizeof *gr->stack);
	for (size_t i = 0; i < a->n; i++)
		gr->stack[i] = xstrdup(a->names[i]);
	gr->nstack = a->n;
	return gr;
}

static void add_member(struct sg_group *gr, const struct kd_task *t)
{
	size_t n = gr->count + 1;
	gr->pids = xrealloc(gr->pids, n * sizeof *gr->pids);
	gr->comms = xrealloc(gr->comms, n * sizeof *gr->comms);
	gr->cpus = xrealloc(gr->cpus, n * sizeof *gr->cpus);
	gr->pids[gr->count] = t->pid;
	gr->comms[gr->count] = t->comm ? xstrdup(t->comm) : NULL;
	gr->cpus[gr->count] = t->cpu;
	gr->count = gr->npids = n;
}

bool sg_is_blocked(const struct kd_dump *d, const struct kd_task *t)
{
	switch (d->kind) {
	case KD_HUNG_TASK:
		/* 6.x may follow a hung task with the stack of the lock owner, which
		 * can be running; INFO-line tasks are D */
	case KD_SYSRQ_W:
		/* sysrq-w lists D tasks; a lost task line leaves the state empty */
		return t->state[0] == 'D' || t->state[0] == '\0';
	case KD_SYSRQ_T:
		return t->state[0] == 'D';
	default:
		return false;
	}
}

static void add_task(struct builder *b, const struct kd_task *t, bool cpu)
{
	struct analysis a;
	char fp[512], label[512];
	bool pf;
	analyze_task(t, cpu, &a);
	describe(t, &a, cpu, fp, sizeof fp, label, sizeof label, &pf);
	struct sg_group *gr = find_group(b, fp);
	if (!gr)
		gr = new_group(b, fp, label, &a, cpu, pf);
	if (!has_member(gr, t))
		add_member(gr, t);
}

static void add_dump(struct builder *b, const struct kd_dump *d)
{
	for (size_t i = 0; i < d->ntasks; i++) {
		const struct kd_task *t = &d->tasks[i];
		if (d->kind == KD_SYSRQ_L)
			add_task(b, t, true);
		else if (sg_is_blocked(d, t))
			add_task(b, t, false);
	}
}

static int cmp_groups(const void *x, const void *y)
{
	const struct sg_group *a = x, *b = y;
	if (a->cpu != b->cpu)
		return a->cpu ? 1 : -1;
	if (a->idle != b->idle)
		return a->idle ? 1 : -1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return 0;
}

/* qsort is not stable; a merge-free insertion sort keeps first-seen order
 * for ties, and group counts are small. */
static void sort_groups(struct sg_groups *g)
{
	for (size_t i = 1; i < g->ngroups; i++) {
		struct sg_group tmp = g->groups[i];
		size_t j = i;
		while (j > 0 && cmp_groups(&g->groups[j - 1], &tmp) > 0) {
			g->groups[j] = g->groups[j - 1];
			j--;
		}
		g->groups[j] = tmp;
	}
}

static struct sg_groups *build(const struct kd_dump *const *dumps, size_t n)
{
	struct builder b = {0};
	b.g = xrealloc(NULL, sizeof *b.g);
	memset(b.g, 0, sizeof *b.g);
	for (size_t i = 0; i < n; i++)
		add_dump(&b, dumps[i]);
	sort_groups(b.g);
	return b.g;
}

struct sg_groups *sg_build(const struct kd_result *r)
{
	size_t n = kd_ndumps(r);
	const struct kd_dump **v = xrealloc(NULL, (n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = kd_dump_at(r, i);
	struct sg_groups *g = build(v, n);
	free(v);
	return g;
}

struct sg_groups *sg_build_dump(const struct kd_dump *d)
{
	return build(&d, d ? 1 : 0);
}

void sg_free(struct sg_groups *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->ngroups; i++) {
		struct sg_group *gr = &g->groups[i];
		for (size_t k = 0; k < gr->count; k++)
			free(gr->comms[k]);
		for (size_t k = 0; k < gr->nstack; k++)
			free(gr->stack[k]);
		free(gr->fingerprint);
		free(gr->label);
		free(gr->pids);
		free(gr->comms);
		free(gr->cpus);
		free(gr->stack);
	}
	free(g->groups);
	free(g);
}

bool sg_is_page_fault_wait(const struct sg_group *g)
{
	return g && g->page_fault && !g->cpu;
}

bool sg_is_reclaim(const struct kd_task *t)
{
	if (!t)
		return false;
	for (size_t i = 0; i < t->nframes; i++) {
		char name[SG_NAME_MAX];
		if (!t->frames[i].function)
			continue;
		norm_name(t->frames[i].function, name, sizeof name);
		if (in_list(name, reclaim_funcs))
			return true;
	}
	return false;
}
