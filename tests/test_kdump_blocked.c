/* test_kdump.c - the kernel-dump parser (analyze/kdump/) on the corpus of
 * real dumps under $TEST_DATA/dmesg (default tests/data) and on made-up
 * forms, the stack grouping, and the stacks renderers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kdump.h"
#include "render_stacks.h"
#include "stackgroup.h"

/* ---------- helpers ---------- */

static char *read_data(const char *name, size_t *len)
{
	const char *dir = getenv("TEST_DATA");
	char path[1024];
	snprintf(path, sizeof path, "%s/dmesg/%s", dir && *dir ? dir : "tests/data", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		if (!got)
			break;
		n += got;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* The file's text fed after kd_set_trigger(trigger) (-1: no trigger). */
static struct kd_result *parse_file_after_trigger(const char *name, long trigger)
{
	size_t len;
	char *text = read_data(name, &len);
	struct kd_parser *p = kd_parser_new();
	assert_non_null(p);
	kd_set_trigger(p, trigger);
	kd_feed_text(p, text, len);
	free(text);
	return kd_finish(p);
}

static struct kd_result *parse_file(const char *name) { return parse_file_after_trigger(name, -1); }

static struct kd_result *parse_str(const char *text)
{
	struct kd_parser *p = kd_parser_new();
	kd_feed_text(p, text, strlen(text));
	return kd_finish(p);
}

static const struct kd_dump *dump(const struct kd_result *r, size_t i, enum kd_kind kind,
								  size_t ntasks)
{
	const struct kd_dump *d = kd_dump_at(r, i);
	assert_non_null(d);
	assert_int_equal(d->kind, kind);
	assert_int_equal(d->ntasks, ntasks);
	return d;
}

static void check_task(const struct kd_task *t, const char *comm, long pid, const char *state)
{
	if (comm)
		assert_string_equal(t->comm, comm);
	else
		assert_null(t->comm);
	assert_int_equal(t->pid, pid);
	assert_string_equal(t->state, state);
}

/* check_task, and the parent the task line names */
static void check_proc(const struct kd_task *t, const char *comm, long pid, long ppid, const char *state)
{
	check_task(t, comm, pid, state);
	assert_int_equal(t->ppid, ppid);
}

/* The exact function list, innermost first; NULL-terminated. */
static void check_frames(const struct kd_task *t, const char *const *fn)
{
	size_t n = 0;
	while (fn[n])
		n++;
	for (size_t i = 0; i < n && i < t->nframes; i++)
		if (!t->frames[i].function || strcmp(t->frames[i].function, fn[i]) != 0)
			fail_msg("frame %zu: got %s, want %s", i,
					 t->frames[i].function ? t->frames[i].function : "(null)", fn[i]);
	assert_int_equal(t->nframes, n);
}

static const struct sg_group *group_with(const struct sg_groups *g, const char *fp)
{
	for (size_t i = 0; i < g->ngroups; i++)
		if (strcmp(g->groups[i].fingerprint, fp) == 0)
			return &g->groups[i];
	fail_msg("no group %s", fp);
	return NULL;
}

/* What a corpus file parses to before what is particular to it: how many
 * dumps, the first one's kind and task count, and whether it is whole. */
enum whole { UNSAID, WHOLE, CUT };
struct corpus_case {
	const char *file;
	size_t ndumps;
	enum kd_kind kind;
	size_t ntasks;
	enum whole whole;
	void (*more)(const struct kd_result *r, const struct kd_dump *d);
};

static void run_corpus(void **state)
{
	const struct corpus_case *c = *state;
	struct kd_result *r = parse_file(c->file);
	assert_int_equal(kd_ndumps(r), c->ndumps);
	const struct kd_dump *d = dump(r, 0, c->kind, c->ntasks);
	if (c->whole != UNSAID)
		assert_int_equal(d->complete, c->whole == WHOLE);
	c->more(r, d);
	kd_result_free(r);
}
#define CORPUS(c) { #c, run_corpus, NULL, NULL, (void *)&c }

/* ---------- corpus: one test per file ---------- */

static void corpus_arm_4_4_hung_more(const struct kd_result *r, const struct kd_dump *d)
{
	check_proc(&d->tasks[0], "kworker/0:0", 6301, 2, "D");
	assert_true(d->tasks[0].complete);
	static const char *const f0[] = {"__schedule", "schedule", "schedule_preempt_disabled",
		"__mutex_lock_slowpath", "mutex_lock", "dbs_timer", "process_one_work",
		"worker_thread", "kthread", "ret_from_fork", NULL};
	check_frames(&d->tasks[0], f0);
	assert_null(d->tasks[0].frames[0].offset); /* arm prints no offset for the callee */
	assert_string_equal(d->tasks[0].frames[0].address, "805b6844");
	assert_string_equal(d->tasks[0].frames[1].offset, "0x50");
	assert_string_equal(d->tasks[0].frames[1].size, "0xa8");
	assert_string_equal(d->tasks[0].frames[9].address, "8000fbc8");
	check_task(&d->tasks[1], "kworker/1:2", 7110, "D");
	assert_int_equal(d->tasks[1].nframes, 0);
	assert_false(d->tasks[1].complete);

	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 2);
	const struct sg_group *m = group_with(g, "dbs_timer < process_one_work < worker_thread");
	assert_string_equal(m->label, "waiting for a mutex in dbs_timer");
	assert_int_equal(m->count, 1);
	assert_int_equal(m->pids[0], 6301);
	sg_free(g);
}
static const struct corpus_case corpus_arm_4_4_hung = {
	"arm-4.4-hung-task-01.txt", 1, KD_HUNG_TASK, 2, CUT, corpus_arm_4_4_hung_more
}; /* the excerpt ends at the 2nd task's INFO line */

static const char *const seed_w_frames[] = {"__schedule", "schedule", "schedule_timeout",
	"io_schedule_timeout", "bit_wait_io", "__wait_on_bit", "wait_on_page_bit_killable",
	"__lock_page_or_retry", "filemap_fault", "ext4_filemap_fault", "__do_fault",
	"handle_mm_fault", "do_page_fault", "do_PrefetchAbort", "ret_from_exception", NULL};

static void corpus_seed_sysrq_w_more(const struct kd_result *r, const struct kd_dump *d)
{
	assert_true(d->ts > 49686.374 && d->ts < 49686.375);
	static const char *const comm[] = {"logd", "app", "app", "videocapture", "tracker"};
	static const long pid[] = {493, 2469, 2495, 3242, 3258};
	for (size_t i = 0; i < 5; i++) {
		check_task(&d->tasks[i], comm[i], pid[i], "D");
		assert_int_equal(d->tasks[i].ppid, 1);
		assert_int_equal(d->tasks[i].cpu, -1);
		assert_true(d->tasks[i].complete);
	}
	check_frames(&d->tasks[0], seed_w_frames);
	check_frames(&d->tasks[2], seed_w_frames);
	check_frames(&d->tasks[4], seed_w_frames);
	static const char *const video[] = {"__schedule", "schedule", "schedule_timeout",
		"io_schedule_timeout", "bit_wait_io", "__wait_on_bit", "wait_on_page_bit_killable",
		"__lock_page_or_retry", "filemap_fault", "ext4_filemap_fault", "__sync_icache_dcache",
		"0x4", NULL};
	check_frames(&d->tasks[3], video);
	assert_string_equal(d->tasks[0].frames[8].offset, "0x4b8");
	assert_string_equal(d->tasks[0].frames[8].size, "0x5f4");

	/* the story: every blocked task waits for a page read in filemap_fault */
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 1);
	const struct sg_group *pf = &g->groups[0];
	assert_string_equal(pf->fingerprint, "filemap_fault");
	assert_string_equal(pf->label,
		"waiting for a page read in filemap_fault (page fault on a file-backed page)");
	assert_int_equal(pf->count, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(pf->pids[i], pid[i]);
		assert_string_equal(pf->comms[i], comm[i]);
	}
	assert_true(sg_is_page_fault_wait(pf));
	assert_false(pf->cpu);
	assert_string_equal(pf->wait, "page");
	assert_false(sg_is_reclaim(&d->tasks[0]));
	sg_free(g);
}
static const struct corpus_case corpus_seed_sysrq_w = {
	"arm-4.9-seed-sysrq-w.txt", 1, KD_SYSRQ_W, 5, CUT, corpus_seed_sysrq_w_more
}; /* "..." elision lines */

static void corpus_seed_sysrq_l_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *ash = &d->tasks[0], *ksw = &d->tasks[1];
	check_task(ash, "ash", 14024, "");
	assert_int_equal(ash->cpu, 1);
	check_task(ksw, "kswapd0", 31, "");
	assert_int_equal(ksw->cpu, 0);
	assert_string_equal(ksw->pc_function, "shrink_page_list");
	static const char *const fa[] = {"unwind_backtrace", "show_stack", "dump_stack",
		"nmi_cpu_backtrace", "nmi_trigger_cpumask_backtrace", "__handle_sysrq",
		"write_sysrq_trigger", "proc_reg_write", "__vfs_write", "vfs_write", "SyS_write",
		"ret_fast_syscall", NULL};
	check_frames(ash, fa);
	static const char *const fk[] = {"unwind_backtrace", "show_stack", "dump_stack",
		"nmi_cpu_backtrace", "handle_IPI", "gic_handle_irq", "__irq_svc", "shrink_page_list",
		"shrink_inactive_list", "shrink_node", "kswapd", "kthread", "ret_from_fork", NULL};
	check_frames(ksw, fk);
	assert_string_equal(ksw->frames[7].offset, "0x94");
	assert_true(sg_is_reclaim(ksw));
	assert_false(sg_is_reclaim(ash));

	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 2);
	const struct sg_group *k =
		group_with(g, "cpu: shrink_page_list < shrink_inactive_list < shrink_node");
	assert_string_equal(k->label, "kswapd reclaiming memory (shrink_node)");
	assert_true(k->cpu);
	assert_true(k->reclaim);
	assert_int_equal(k->cpus[0], 0);
	assert_int_equal(k->pids[0], 31);
	assert_false(sg_is_page_fault_wait(k));
	const struct sg_group *a = group_with(g, "cpu: __handle_sysrq");
	assert_int_equal(a->pids[0], 14024);
	sg_free(g);
}
static const struct corpus_case corpus_seed_sysrq_l = {
	"arm-4.9-seed-sysrq-l.txt", 1, KD_SYSRQ_L, 2, WHOLE, corpus_seed_sysrq_l_more
};

static void corpus_arm_6_12_noaddr_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "vchiq-keep/0", 208, "D");
	assert_int_equal(t->tgid, 208);
	assert_int_equal(t->ppid, 2);
	static const char *const f[] = {"__schedule", "schedule", "schedule_preempt_disabled",
		"kthread", "ret_from_fork", NULL};
	check_frames(t, f);
	assert_null(t->frames[0].offset);
	assert_null(t->frames[1].address);
	assert_string_equal(t->frames[1].offset, "0x20");
	assert_string_equal(t->frames[1].size, "0x134");
	assert_string_equal(t->frames[4].offset, "0x14");
}
static const struct corpus_case corpus_arm_6_12_noaddr = {
	"arm-6.12-hung-task-noaddr-01.txt", 1, KD_HUNG_TASK, 1, WHOLE, corpus_arm_6_12_noaddr_more
};

static void corpus_arm64_5_15_sysrq_l_more(const struct kd_result *r, const struct kd_dump *d)
{
	assert_true(d->ts < 0);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "swapper/0", 0, "");
	assert_int_equal(t->cpu, 0);
	assert_true(t->idle);
	assert_string_equal(t->pc_function, "arch_cpu_idle");
	static const char *const f[] = {"arch_cpu_idle", "default_idle_call", "dump_backtrace",
		"show_regs", "rest_init", "arch_call_rest_init", "start_kernel", "__primary_switched",
		NULL};
	check_frames(t, f);
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 1);
	assert_string_equal(g->groups[0].label, "idle");
	assert_true(g->groups[0].idle);
	sg_free(g);
}
static const struct corpus_case corpus_arm64_5_15_sysrq_l = {
	"arm64-5.15-sysrq-l-01.txt", 1, KD_SYSRQ_L, 1, WHOLE, corpus_arm64_5_15_sysrq_l_more
};

static void corpus_arm64_5_9_hung_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "syz-fuzzer", 4433, 4402, "D");
	assert_int_equal(t->tgid, -1);
	static const char *const f[] = {"__switch_to", "__schedule", "schedule",
		"rwsem_down_write_slowpath", "down_write", "register_netdevice_notifier", "bcm_init",
		"can_create", "__sock_create", "__sys_socket", "__arm64_sys_socket",
		"el0_svc_common.constprop.0", "do_el0_svc", "el0_sync_handler", "el0_sync", NULL};
	check_frames(t, f); /* the lock list after the trace adds nothing */
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 1);
	assert_string_equal(g->groups[0].label,
						"waiting for a rw-semaphore in register_netdevice_notifier");
	assert_string_equal(g->groups[0].wait, "rwsem");
	sg_free(g);
}
static const struct corpus_case corpus_arm64_5_9_hung = {
	"arm64-5.9-hung-task-01.txt", 1, KD_HUNG_TASK, 1, WHOLE, corpus_arm64_5_9_hung_more
};

static void corpus_arm64_6_x_sysrq_w_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "mkfs.f2fs", 1561, "D");
	assert_int_equal(t->tgid, 1561);
	assert_int_equal(t->ppid, 1542);
	static const char *const f[] = {"__switch_to", "__schedule", "schedule",
		"schedule_hrtimeout_range_clock", "schedule_hrtimeout_range", "usleep_range_state",
		"__mmc_poll_for_busy", "mmc_poll_for_busy", "mmc_do_erase", "mmc_erase",
		"mmc_blk_mq_issue_rq", "mmc_mq_queue_rq", "blk_mq_dispatch_rq_list",
		"__blk_mq_sched_dispatch_requests", "blk_mq_sched_dispatch_requests",
		"blk_mq_run_hw_queue", "blk_mq_flush_plug_list", "blk_add_rq_to_plug",
		"blk_mq_submit_bio", "__submit_bio", "submit_bio_noacct_nocheck", "submit_bio_noacct",
		"submit_bio", "blk_next_bio", "blkdev_issue_secure_erase", "blkdev_common_ioctl",
		"blkdev_ioctl", "vfs_ioctl", "__arm64_sys_ioctl", "invoke_syscall",
		"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", "el0t_64_sync_handler",
		"el0t_64_sync", NULL};
	check_frames(t, f);
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint, "__mmc_poll_for_busy");
	assert_string_equal(g->groups[0].label,
						"waiting for the MMC/SD card to finish (__mmc_poll_for_busy)");
	sg_free(g);
}
static const struct corpus_case corpus_arm64_6_x_sysrq_w = {
	"arm64-6.x-sysrq-w-01.txt", 1, KD_SYSRQ_W, 1, WHOLE, corpus_arm64_6_x_sysrq_w_more
};

static void corpus_mips_3_0_hung_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	assert_true(d->ts == 240.0);
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "kinteractiveup", 64, 2, "D");
	static const char *const f[] = {"__schedule", "kthread", "kernel_thread_helper", NULL};
	check_frames(t, f);
	assert_string_equal(t->frames[0].address, "8066c218");
	assert_string_equal(t->frames[0].offset, "0x2b8");
}
static const struct corpus_case corpus_mips_3_0_hung = {
	"mips-3.0-hung-task-01.txt", 1, KD_HUNG_TASK, 1, WHOLE, corpus_mips_3_0_hung_more
}; /* the "..." inside "Stack :" is not an elision */

static void corpus_x86_2_6_29_sysrq_w_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "bash", 1, 0, "D");
	static const char *const f[] = {"kobject_put", "default_spin_lock_flags", "usb_kill_urb",
		"autoremove_wake_function", "usb_start_wait_urb", "usb_init_urb", "usb_control_msg",
		"uvc_set_video_ctrl", "uvc_commit_video", "uvc_video_resume", "__uvc_resume",
		"uvc_resume", "usb_resume_interface", "usb_resume_both", "usb_external_resume_device",
		"usb_resume", "usb_dev_thaw", "pm_op", "device_resume", "hibernation_snapshot",
		"hibernate", "state_store", "kobj_attr_store", "sysfs_write_file", "vfs_write",
		"sys_write", "system_call_fastpath", NULL};
	check_frames(t, f);
	assert_false(t->frames[0].reliable);
	assert_true(t->frames[2].reliable);
	assert_string_equal(t->frames[2].module, "usbcore");
	assert_string_equal(t->frames[7].module, "uvcvideo");
	assert_null(t->frames[17].module);
	assert_string_equal(t->frames[2].address, "ffffffffa011ae2b");
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint, "usb_kill_urb"); /* "?" frames skipped */
	sg_free(g);
}
static const struct corpus_case corpus_x86_2_6_29_sysrq_w = {
	"x86_64-2.6.29-sysrq-w-01.txt", 1, KD_SYSRQ_W, 1, WHOLE, corpus_x86_2_6_29_sysrq_w_more
};

static void corpus_x86_3_18_wrapped(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("x86_64-3.18-hung-task-wrapped-02.txt");
	assert_int_equal(kd_ndumps(r), 2); /* 480 s apart: two khungtaskd scans */
	const struct kd_dump *d0 = dump(r, 0, KD_HUNG_TASK, 1);
	const struct kd_dump *d1 = dump(r, 1, KD_HUNG_TASK, 1);
	/* the mail client broke lines: rejoined, but the text was damaged */
	assert_false(d0->complete || d1->complete);
	assert_true(d0->tasks[0].complete && d1->tasks[0].complete);
	check_proc(&d0->tasks[0], "python", 25873, 25630, "D");
	check_task(&d1->tasks[0], "khugepaged", 262, "D");
	static const char *const fp[] = {"schedule", "rwsem_down_write_failed",
		"call_rwsem_down_write_failed", "down_write", "do_coredump", "pick_next_task_fair",
		"__switch_to", "__schedule", "klist_remove", "get_signal", "do_signal",
		"do_send_sig_info", "do_notify_resume", "int_signal", NULL};
	check_frames(&d0->tasks[0], fp);
	static const bool rel[] = {1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1};
	for (size_t i = 0; i < 14; i++)
		assert_int_equal(d0->tasks[0].frames[i].reliable, rel[i]);
	static const char *const fk[] = {"lock_timer_base.isra.41", "schedule",
		"rwsem_down_read_failed", "call_rwsem_down_read_failed", "down_read", "khugepaged",
		"abort_exclusive_wait", "maybe_pmd_mkwrite", "kthread", "kthread_create_on_node",
		"ret_from_fork", "kthread_create_on_node", NULL};
	check_frames(&d1->tasks[0], fk);
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 2);
	assert_string_equal(group_with(g, "do_coredump < get_signal < do_signal")->label,
						"waiting for mmap_sem / mmap_lock in do_coredump");
	assert_string_equal(group_with(g, "khugepaged < kthread < ret_from_fork")->label,
						"waiting for mmap_sem / mmap_lock in khugepaged");
	sg_free(g);
	kd_result_free(r);
}

static void corpus_x86_4_20_callerid(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("x86_64-4.20-hung-task-callerid-01.txt");
	/* console log, then syzkaller's unprefixed copy: hung + all-CPU twice */
	assert_int_equal(kd_ndumps(r), 4);
	static const char *const comm[] = {"jbd2/sda-8", "kworker/u12:5", "syz-executor2",
									   "syz-executor2"};
	static const long pid[] = {3563, 1980, 6677, 6693};
	static const long ppid[] = {2, 2, 22450, 22450};
	static const char *const fj[] = {"__schedule", "schedule", "io_schedule", "bit_wait_io",
		"__wait_on_bit", "out_of_line_wait_on_bit", "__wait_on_buffer",
		"jbd2_journal_commit_transaction", "kjournald2", "kthread", "ret_from_fork", NULL};
	static const char *const f3[] = {"__schedule", "schedule", "jbd2_log_wait_commit",
		"jbd2_complete_transaction", "ext4_sync_file", "vfs_fsync_range",
		"ext4_file_write_iter", "do_iter_readv_writev", "do_iter_write", "vfs_iter_write",
		"iter_file_splice_write", "direct_splice_actor", "splice_direct_to_actor",
		"do_splice_direct", "do_sendfile", "__x64_sys_sendfile64", "do_syscall_64",
		"entry_SYSCALL_64_after_hwframe", NULL};
	static const char *const frs[] = {"__save_stack_trace", "save_stack_trace", "save_stack",
		"kasan_kmalloc", "kasan_slab_alloc", "kmem_cache_alloc", "jbd2__journal_start",
		"__ext4_journal_start_sb", "ext4_da_write_begin", "generic_perform_write",
		"__generic_file_write_iter", "ext4_file_write_iter", "__vfs_write", "vfs_write",
		"ksys_write", "__x64_sys_write", "do_syscall_64", "entry_SYSCALL_64_after_hwframe",
		NULL};
	static const char *const fpanic[] = {"dump_stack", "panic", "watchdog", "kthread",
		"ret_from_fork", NULL};
	for (size_t k = 0; k < 4; k += 2) {
		/* the console log goes on to the panic: khungtaskd's own stack stays
		 * with the report; syzkaller's copy stops before it */
		const struct kd_dump *h = dump(r, k, KD_HUNG_TASK, k ? 4 : 5);
		assert_true(h->complete);
		if (!k) {
			check_task(&h->tasks[4], "khungtaskd", 1054, "R");
			assert_int_equal(h->tasks[4].cpu, 3);
			check_frames(&h->tasks[4], fpanic);
		}
		for (size_t i = 0; i < 4; i++) {
			check_task(&h->tasks[i], comm[i], pid[i], "D");
			assert_int_equal(h->tasks[i].ppid, ppid[i]);
		}
		check_frames(&h->tasks[0], fj);
		check_frames(&h->tasks[3], f3);
		assert_int_equal(h->tasks[1].nframes, 21);
		assert_int_equal(h->tasks[2].nframes, 20);
		const struct kd_dump *l = dump(r, k + 1, KD_SYSRQ_L, 4);
		static const int cpu[] = {3, 0, 2, 1};
		for (size_t i = 0; i < 4; i++)
			assert_int_equal(l->tasks[i].cpu, cpu[i]);
		check_task(&l->tasks[0], "khungtaskd", 1054, "");
		check_task(&l->tasks[1], NULL, -1, "");
		assert_true(l->tasks[1].idle && l->tasks[2].idle);
		assert_false(l->tasks[3].idle);
		assert_string_equal(l->tasks[1].frames[0].function, "native_safe_halt");
		check_task(&l->tasks[3], "rs:main Q:Reg", 5857, "");
		assert_string_equal(l->tasks[3].pc_function, "unwind_next_frame");
		check_frames(&l->tasks[3], frs); /* the panic stack after it is not a CPU */
	}
	const struct kd_dump *h = kd_dump_at(r, 0);
	assert_true(h->ts > 1431.92 && h->ts < 1431.921);
	assert_true(kd_dump_at(r, 2)->ts < 0);

	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 7); /* the copy's tasks are not counted twice */
	assert_string_equal(group_with(g, "jbd2_log_wait_commit")->label,
						"waiting for journal commit (jbd2, jbd2_log_wait_commit)");
	assert_int_equal(group_with(g, "jbd2_log_wait_commit")->count, 1);
	assert_int_equal(group_with(g, "jbd2_log_wait_commit")->pids[0], 6693);
	assert_int_equal(group_with(g, "rq_qos_wait")->pids[0], 1980);
	assert_int_equal(group_with(g, "__filemap_fdatawait_range")->pids[0], 6677);
	const struct sg_group *idle = group_with(g, "cpu: idle");
	assert_int_equal(idle->count, 2);
	assert_int_equal(idle->cpus[0], 0);
	assert_int_equal(idle->cpus[1], 2);
	assert_false(g->groups[0].cpu); /* blocked groups come first */
	assert_true(g->groups[6].idle);
	sg_free(g);
	kd_result_free(r);
}

static void corpus_x86_4_9_hung_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "syz-executor2", 14507, 3322, "D");
	static const char *const f[] = {"__schedule", "schedule", "schedule_preempt_disabled",
		"mutex_lock_nested", "blkdev_put", "mutex_lock_killable_nested", "locks_remove_file",
		"fsnotify", "blkdev_put", "blkdev_put", "blkdev_put", "blkdev_close", "__fput",
		"____fput", "task_work_run", "do_exit", "do_group_exit", "get_signal", "do_signal",
		"exit_to_usermode_loop", "syscall_return_slowpath", "entry_SYSCALL_64_fastpath", NULL};
	check_frames(t, f);
	assert_false(t->frames[0].reliable);
	assert_true(t->frames[9].reliable);
	assert_false(t->frames[10].reliable);
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint, "blkdev_put < blkdev_close < __fput");
	assert_string_equal(g->groups[0].label, "waiting for a mutex in blkdev_put");
	sg_free(g);
}
static const struct corpus_case corpus_x86_4_9_hung = {
	"x86_64-4.9-hung-task-01.txt", 1, KD_HUNG_TASK, 1, UNSAID, corpus_x86_4_9_hung_more
};

static void corpus_x86_6_7_sysrq_w_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "lvm", 11422, "D");
	assert_int_equal(t->tgid, 11422);
	assert_int_equal(t->ppid, 1374);
	assert_true(t->ts < 0);
	static const char *const f[] = {"__schedule", "schedule", "schedule_timeout",
		"timer_shutdown_sync", "stop_sync_thread", "housekeeping_test_cpu",
		"__md_stop_writes", "md_stop", "raid_dtr", "dm_table_destroy", "__dm_destroy",
		"table_clear", "dev_remove", "ctl_ioctl", "dm_ctl_ioctl", "__x64_sys_ioctl",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL};
	check_frames(t, f);
	assert_false(t->frames[3].reliable);
	assert_string_equal(t->frames[4].module, "md_mod");
	assert_string_equal(t->frames[4].offset, "0x141");
	assert_string_equal(t->frames[4].size, "0x180");
	assert_string_equal(t->frames[8].module, "dm_raid");
	assert_null(t->frames[0].address);
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint,
						"stop_sync_thread < __md_stop_writes < md_stop");
	assert_string_equal(g->groups[0].label, "waiting in stop_sync_thread");
	sg_free(g);
}
static const struct corpus_case corpus_x86_6_7_sysrq_w = {
	"x86_64-6.7-sysrq-w-notimestamp-01.txt", 1, KD_SYSRQ_W, 1, WHOLE, corpus_x86_6_7_sysrq_w_more
};

/* ---------- issue 19: more forms, each on real public text ---------- */

/* 5.10+ task lines with padded fields under a caller id, then sysrq d's
 * lock list (which must add no task and no frame). */
static void corpus_x86_5_15_callerid_locks_more(const struct kd_result *r, const struct kd_dump *d)
{
	static const char *const comm[] = {"btrfs-transacti", "crawl_257_291", "crawl_256_295",
		"crawl_257_292", "crawl_257_293", "crawl_256_289"};
	static const long pid[] = {6161, 6494, 6496, 6502, 6503, 6504};
	for (size_t i = 0; i < 6; i++) {
		check_task(&d->tasks[i], comm[i], pid[i], "D");
		assert_int_equal(d->tasks[i].ppid, i ? 6435 : 2);
		assert_true(d->tasks[i].complete);
	}
	static const char *const f0[] = {"__schedule", "schedule", "btrfs_commit_transaction",
		"start_transaction", "do_wait_intr_irq", "transaction_kthread", "kthread",
		"btrfs_cleanup_transaction.isra.0", "kthread_create_worker_on_cpu", "ret_from_fork",
		NULL};
	static const char *const f3[] = {"__schedule", "schedule", "wait_current_trans",
		"do_wait_intr_irq", "start_transaction", "btrfs_start_transaction",
		"btrfs_replace_file_extents", "release_extent_buffer", "btrfs_clone",
		"btrfs_extent_same_range", "btrfs_remap_file_range", "vfs_dedupe_file_range_one",
		"vfs_dedupe_file_range", "do_vfs_ioctl", "__fget_files", "__x64_sys_ioctl",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL};
	static const char *const f5[] = {"__schedule", "rwsem_down_write_slowpath", "schedule",
		"rwsem_down_write_slowpath", "down_write_nested", "lock_two_nondirectories",
		"btrfs_remap_file_range", "vfs_dedupe_file_range_one", "vfs_dedupe_file_range",
		"do_vfs_ioctl", "__fget_files", "__x64_sys_ioctl", "do_syscall_64",
		"entry_SYSCALL_64_after_hwframe", NULL};
	check_frames(&d->tasks[0], f0);
	check_frames(&d->tasks[3], f3);
	check_frames(&d->tasks[5], f5);
	check_frames(&d->tasks[1], f5); /* 6494 and 6504 wait at the same place */
	static const char *const f2[] = {"__schedule", "schedule", "wait_current_trans",
		"do_wait_intr_irq", "start_transaction", "btrfs_inode_flags_to_xflags",
		"btrfs_attach_transaction", "iterate_extent_inodes", "iterate_inodes_from_logical",
		"btrfs_inode_flags_to_xflags", "btrfs_ioctl_logical_to_ino", "btrfs_ioctl",
		"kvm_sched_clock_read", "sched_clock", "__fget_files", "__fget_files",
		"__x64_sys_ioctl", "__x64_sys_ioctl", "do_syscall_64",
		"entry_SYSCALL_64_after_hwframe", NULL};
	static const char *const f4[] = {"__schedule", "rwsem_down_write_slowpath", "schedule",
		"rwsem_down_write_slowpath", "down_write", "btrfs_remap_file_range",
		"vfs_dedupe_file_range_one", "vfs_dedupe_file_range", "do_vfs_ioctl", "__fget_files",
		"__x64_sys_ioctl", "do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL};
	check_frames(&d->tasks[2], f2);
	check_frames(&d->tasks[4], f4);
	assert_false(d->tasks[0].frames[3].reliable);
	assert_true(d->tasks[0].ts > 19647.69 && d->tasks[0].ts < 19647.70);

	struct sg_groups *g = sg_build(r);
	const struct sg_group *w = group_with(g, "lock_two_nondirectories < btrfs_remap_file_range"
											 " < vfs_dedupe_file_range_one");
	assert_int_equal(w->count, 2);
	assert_int_equal(w->pids[0], 6494);
	assert_int_equal(w->pids[1], 6504);
	sg_free(g);
}
static const struct corpus_case corpus_x86_5_15_callerid_locks = {
	"x86_64-5.x-sysrq-w-callerid-locks-01.txt", 1, KD_SYSRQ_W, 6, WHOLE, corpus_x86_5_15_callerid_locks_more
};

/* arm "Backtrace:" with the r10..r4 register lines after each frame, and the
 * khungtaskd NMI backtrace the excerpt cuts off. */
static void corpus_arm_5_6_backtrace_regs_more(const struct kd_result *r, const struct kd_dump *d)
{
	check_proc(&d->tasks[0], "kworker/u16:2", 341, 2, "D");
	static const char *const f[] = {"__schedule", "schedule", "rwsem_down_write_slowpath",
		"down_write", "f2fs_write_single_data_page", "f2fs_write_cache_pages",
		"f2fs_write_data_pages", "do_writepages", "__writeback_single_inode",
		"writeback_sb_inodes", "__writeback_inodes_wb", "wb_writeback", "wb_workfn",
		"process_one_work", "worker_thread", "kthread", "ret_from_fork", NULL};
	check_frames(&d->tasks[0], f);
	assert_string_equal(d->tasks[0].frames[0].address, "c0912bd0");
	assert_string_equal(d->tasks[0].frames[16].address, "c01010e8");
	const struct kd_dump *l = dump(r, 1, KD_SYSRQ_L, 1);
	assert_false(l->complete); /* the mail stops two frames into it */
	check_task(&l->tasks[0], "khungtaskd", 52, "");
	assert_int_equal(l->tasks[0].cpu, 2);
	static const char *const fl[] = {"dump_backtrace", "show_stack", NULL};
	check_frames(&l->tasks[0], fl);
	assert_false(l->tasks[0].complete);
}
static const struct corpus_case corpus_arm_5_6_backtrace_regs = {
	"arm-5.6-hung-task-backtrace-regs-01.txt", 2, KD_HUNG_TASK, 1, WHOLE, corpus_arm_5_6_backtrace_regs_more
};

/* The same arm form without register lines (5.10, task: line, trailing
 * blank after "Backtrace:"), from syzbot's arm instance. */
static void corpus_arm_5_10_backtrace_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	check_proc(&d->tasks[0], "syz-executor.0", 10324, 6326, "D");
	static const char *const f[] = {"__schedule", "schedule", "io_schedule",
		"wait_on_page_bit_common", "__lock_page", "mpage_prepare_extent_to_map",
		"ext4_writepages", "do_writepages", "__filemap_fdatawrite_range",
		"file_write_and_wait_range", "ext4_sync_file", "vfs_fsync_range",
		"ext4_buffered_write_iter", "ext4_file_write_iter", "do_iter_readv_writev",
		"do_iter_write", "vfs_iter_write", "iter_file_splice_write", "direct_splice_actor",
		"splice_direct_to_actor", "do_splice_direct", "do_sendfile", "sys_sendfile",
		"ret_fast_syscall", NULL};
	check_frames(&d->tasks[0], f);
}
static const struct corpus_case corpus_arm_5_10_backtrace = {
	"arm-5.10-hung-task-backtrace-01.txt", 1, KD_HUNG_TASK, 1, WHOLE, corpus_arm_5_10_backtrace_more
};

/* An RCU stall's NMI backtrace on arm: register lines, an IRQ exception
 * stack dump in the middle of the trace. */
static void corpus_arm_5_10_nmi_regs_more(const struct kd_result *r, const struct kd_dump *d)
{
	check_task(&d->tasks[0], "syz-executor.0", 4246, "");
	assert_int_equal(d->tasks[0].cpu, 1);
	static const char *const f[] = {"dump_backtrace", "show_stack", "dump_stack",
		"nmi_cpu_backtrace", "nmi_trigger_cpumask_backtrace",
		"arch_trigger_cpumask_backtrace", "rcu_dump_cpu_stacks", "rcu_sched_clock_irq",
		"update_process_times", "tick_periodic", "tick_handle_periodic",
		"arch_timer_handler_virt", "handle_percpu_devid_irq", "__handle_domain_irq",
		"gic_handle_irq", "__irq_svc", "__might_fault", "do_tcp_setsockopt.constprop.0",
		"tcp_setsockopt", "sock_common_setsockopt", "__sys_setsockopt", "sys_setsockopt",
		"ret_fast_syscall", NULL};
	check_frames(&d->tasks[0], f);
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 1);
	assert_true(g->groups[0].cpu);
	assert_string_equal(g->groups[0].stack[0], "__might_fault");
	sg_free(g);
}
static const struct corpus_case corpus_arm_5_10_nmi_regs = {
	"arm-5.10-rcu-stall-nmi-backtrace-regs-01.txt", 1, KD_SYSRQ_L, 1, WHOLE, corpus_arm_5_10_nmi_regs_more
};

/* The old arm form of kernels without kallsyms: only addresses. The author
 * quoted the task line and its trace without the sysrq header, as a
 * capture's answer to its own trigger arrives. */
static void corpus_arm_2_4_function_entered(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("arm-2.4-sysrq-t-function-entered-01.txt");
	assert_int_equal(kd_ndumps(r), 0); /* no header, no trigger: not a dump */
	kd_result_free(r);
	r = parse_file_after_trigger("arm-2.4-sysrq-t-function-entered-01.txt", 3);
	assert_int_equal(kd_ndumps(r), 1);
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 1);
	assert_false(d->complete); /* header lost */
	assert_int_equal(d->trigger_id, 3);
	check_proc(&d->tasks[0], "ls", 165, 153, "D");
	static const char *const f[] = {"0xc001e990", "0xc0109b14", NULL};
	check_frames(&d->tasks[0], f);
	assert_string_equal(d->tasks[0].frames[1].address, "c0109b14");
	kd_result_free(r);
}

/* A vendor sysrq l on a Broadcom MIPS router: "=>entered showacpu", the
 * register dump, "CPU0:" again, "Stack :" words, a raw stack scan and then
 * the unwound trace, which is the one kept. */
static void corpus_mips_vendor_sysrq_l_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_task(t, NULL, -1, "");
	assert_int_equal(t->cpu, 0);
	assert_string_equal(t->pc_function, "blast_icache16");
	static const char *const f[] = {"show_stack", "sysrq_handle_showallcpus",
		"__handle_sysrq", "bcm63xx_int", "handle_IRQ_event", "handle_level_irq",
		"plat_irq_dispatch", "ret_from_irq", "blast_icache16", "unmap_vmas", "unmap_region",
		"do_munmap", "elf_map", "load_elf_binary", "search_binary_handler", "do_execve",
		"sys_execve", "stack_done", NULL};
	check_frames(t, f);
	for (size_t i = 0; i < t->nframes; i++)
		assert_true(t->frames[i].reliable);
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 1);
	assert_string_equal(g->groups[0].stack[0], "blast_icache16");
	sg_free(g);
}
static const struct corpus_case corpus_mips_vendor_sysrq_l = {
	"mips-bcm63xx-vendor-sysrq-l-01.txt", 1, KD_SYSRQ_L, 1, WHOLE, corpus_mips_vendor_sysrq_l_more
};

/* khungtaskd's all-CPU NMI backtrace inside the report, one CPU idle, then
 * the hung-task panic whose stack is khungtaskd's own. */
static void corpus_x86_5_3_nmi_panic(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("x86_64-5.3-hung-task-nmi-panic-01.txt");
	assert_int_equal(kd_ndumps(r), 2);
	const struct kd_dump *h = dump(r, 0, KD_HUNG_TASK, 2);
	assert_true(h->complete);
	check_task(&h->tasks[0], "syz-executor.2", 28539, "D");
	static const char *const f0[] = {"__schedule", "schedule", "synchronize_rcu_expedited",
		"synchronize_net", "__unregister_prot_hook", "packet_do_bind", "packet_bind",
		"__sys_bind", "__x64_sys_bind", "do_syscall_64", "entry_SYSCALL_64_after_hwframe",
		NULL};
	check_frames(&h->tasks[0], f0);
	check_task(&h->tasks[1], "khungtaskd", 1057, "R");
	assert_int_equal(h->tasks[1].cpu, 0);
	static const char *const fp[] = {"dump_stack", "panic", "watchdog", "kthread",
		"ret_from_fork", NULL};
	check_frames(&h->tasks[1], fp);
	const struct kd_dump *l = dump(r, 1, KD_SYSRQ_L, 2);
	check_task(&l->tasks[0], "khungtaskd", 1057, "");
	static const char *const fn[] = {"dump_stack", "nmi_cpu_backtrace.cold",
		"nmi_trigger_cpumask_backtrace", "arch_trigger_cpumask_backtrace", "watchdog",
		"kthread", "ret_from_fork", NULL};
	check_frames(&l->tasks[0], fn);
	assert_int_equal(l->tasks[1].cpu, 1);
	assert_true(l->tasks[1].idle);
	/* the running khungtaskd is no blocked task */
	struct sg_groups *g = sg_build(r);
	size_t blocked = 0;
	for (size_t i = 0; i < g->ngroups; i++)
		blocked += !g->groups[i].cpu;
	assert_int_equal(blocked, 1);
	assert_string_equal(group_with(g, "synchronize_rcu_expedited < synchronize_net < "
									  "__unregister_prot_hook")->comms[0], "syz-executor.2");
	sg_free(g);
	kd_result_free(r);
}

/* A mail-wrapped (format=flowed) hung task whose author elided the other
 * tasks with "..." before the panic: the report is incomplete, the panic's
 * khungtaskd stack stays with it. */
static void corpus_x86_5_15_elided_panic_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	check_proc(&d->tasks[0], "float_bessel", 77920, 77327, "D"); /* "ppid: " / "77327 flags" joined */
	static const char *const f0[] = {"__schedule", "schedule", "rwsem_down_read_slowpath",
		"copy_user_enhanced_fast_string", "down_read", "do_user_addr_fault", "exc_page_fault",
		"asm_exc_page_fault", "copy_page_to_iter", "filemap_read", "ima_file_check",
		"generic_file_read_iter", "ext4_file_read_iter", "aa_file_perm", "new_sync_read",
		"vfs_read", "ksys_read", "__x64_sys_read", "do_syscall_64",
		"syscall_exit_to_user_mode", "do_syscall_64", "exit_to_user_mode_prepare",
		"irqentry_exit_to_user_mode", "irqentry_exit", "exc_page_fault",
		"entry_SYSCALL_64_after_hwframe", NULL};
	check_frames(&d->tasks[0], f0);
	check_task(&d->tasks[1], "khungtaskd", 39, "R");
	assert_int_equal(d->tasks[1].cpu, 1);
	static const char *const f1[] = {"show_stack", "dump_stack_lvl", "dump_stack", "panic",
		"check_hung_uninterruptible_tasks.cold", "watchdog",
		"check_hung_uninterruptible_tasks", "kthread", "set_kthread_struct",
		"ret_from_fork", NULL};
	check_frames(&d->tasks[1], f1);
}
static const struct corpus_case corpus_x86_5_15_elided_panic = {
	"x86_64-5.15-hung-task-elided-panic-wrapped-01.txt", 1, KD_HUNG_TASK, 2, CUT, corpus_x86_5_15_elided_panic_more
};

/* Other tasks' lines (and their own wraps) cut into the trace of a caller-id
 * log; the excerpt ends mid-trace. */
static void corpus_x86_5_16_interleaved_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "syz-executor.0", 2134, 13069, "D");
	assert_false(t->complete);
	static const char *const f[] = {"__schedule", "io_schedule_timeout", "schedule",
		"schedule_preempt_disabled", "__mutex_lock", "nl802154_pre_doit",
		"mutex_lock_io_nested", "__nla_validate_parse", "nla_get_range_signed",
		"rcu_read_lock_sched_held", "nl802154_pre_doit", "rtnl_lock", "nl802154_pre_doit",
		"__nla_parse", "nl802154_dump_llsec_dev", "write_comp_data",
		"__sanitizer_cov_trace_pc", "genl_family_rcv_msg_attrs_parse.isra.0",
		"nl802154_dump_llsec_dev", "genl_family_rcv_msg_doit.isra.0", "genl_start",
		"__sanitizer_cov_trace_pc", "__radix_tree_lookup", "__sanitizer_cov_trace_pc", NULL};
	check_frames(t, f);
	assert_true(t->frames[12].reliable);
	assert_false(t->frames[11].reliable);
}
static const struct corpus_case corpus_x86_5_16_interleaved = {
	"x86_64-5.16-hung-task-interleaved-wrapped-01.txt", 1, KD_HUNG_TASK, 1, CUT, corpus_x86_5_16_interleaved_more
};

/* s390: "([<..>] sym)" is a frame the unwinder could not verify. */
static void corpus_s390_5_3_hung_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "umount", 4631, 3337, "D");
	static const char *const f[] = {"__schedule", "schedule", "schedule_timeout",
		"wait_for_common", "btrfs_qgroup_wait_for_completion", "close_ctree",
		"generic_shutdown_super", "kill_anon_super", "btrfs_kill_super",
		"deactivate_locked_super", "cleanup_mnt", "task_work_run", "do_notify_resume",
		"system_call", NULL};
	check_frames(t, f);
	assert_false(t->frames[0].reliable);
	assert_string_equal(t->frames[0].address, "00000000174adf7a");
	assert_string_equal(t->frames[0].offset, "0x342");
	assert_true(t->frames[1].reliable);
	assert_string_equal(t->frames[4].module, "btrfs");
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint,
						"btrfs_qgroup_wait_for_completion < close_ctree < generic_shutdown_super");
	sg_free(g);
}
static const struct corpus_case corpus_s390_5_3_hung = {
	"s390-5.3-hung-task-01.txt", 1, KD_HUNG_TASK, 1, WHOLE, corpus_s390_5_3_hung_more
};

/* s390 without NMIs: the stalled CPU's PSW and stack follow the RCU stall
 * report; the address after "Last Breaking-Event-Address:" is no caller. */
static void corpus_s390x_6_0_rcu_stall_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "ld64.so.1", 1236661, "");
	assert_int_equal(t->cpu, 60);
	assert_string_equal(t->pc_function, "hugetlb_fault_mutex_hash");
	static const char *const f[] = {"hugetlb_fault_mutex_hash", "fault_lock_inode_indicies",
		"remove_inode_hugepages", "hugetlbfs_evict_inode", "evict", "__dentry_kill",
		"dentry_kill", "dput", "__fput", "task_work_run", "exit_to_user_mode_prepare",
		"__do_syscall", "system_call", NULL};
	check_frames(t, f);
	assert_false(t->frames[1].reliable);
}
static const struct corpus_case corpus_s390x_6_0_rcu_stall = {
	"s390x-6.0-rcu-stall-cpu-01.txt", 1, KD_SYSRQ_L, 1, WHOLE, corpus_s390x_6_0_rcu_stall_more
};

/* sparc64 2.6: " [address] sym+off/size", after a sysrq d lock list whose
 * lines the mail client wrapped. */
static void corpus_sparc64_2_6_28_sysrq_w_more(const struct kd_result *r, const struct kd_dump *d)
{
	static const char *const comm[] = {"pdflush", "pdflush", "kjournald", "metalog", "touch",
		"init"};
	static const long pid[] = {163, 164, 405, 1413, 1317, 1336};
	static const long ppid[] = {2, 2, 2, 1, 1, 1};
	for (size_t i = 0; i < 6; i++) {
		check_task(&d->tasks[i], comm[i], pid[i], "D");
		assert_int_equal(d->tasks[i].ppid, ppid[i]);
	}
	static const char *const f0[] = {"io_schedule", "sync_page", "__wait_on_bit",
		"wait_on_page_bit", "wait_on_page_writeback_range", "filemap_fdatawait",
		"filemap_write_and_wait", "sync_blockdev", "__sync_inodes", "sync_inodes", "do_sync",
		"pdflush", "kthread", "kernel_thread", "kthreadd", NULL};
	static const char *const f2[] = {"journal_commit_transaction", "kjournald", "kthread",
		"kernel_thread", "kthreadd", NULL};
	static const char *const f3[] = {"start_this_handle", "journal_start",
		"ext3_journal_start_sb", "ext3_dirty_inode", "__mark_inode_dirty", "file_update_time",
		"__generic_file_aio_write_nolock", "generic_file_aio_write", "ext3_file_write",
		"do_sync_write", "vfs_write", "sys_write", "linux_sparc_syscall32", NULL};
	static const char *const f4[] = {"io_schedule", "sync_buffer", "__wait_on_bit_lock",
		"out_of_line_wait_on_bit_lock", "__lock_buffer", "do_get_write_access",
		"journal_get_write_access", "__ext3_journal_get_write_access",
		"ext3_reserve_inode_write", "ext3_mark_inode_dirty", "ext3_dirty_inode",
		"__mark_inode_dirty", "inode_setattr", "ext3_setattr", "notify_change",
		"utimes_common", NULL};
	check_frames(&d->tasks[0], f0);
	check_frames(&d->tasks[1], f0);
	check_frames(&d->tasks[2], f2);
	check_frames(&d->tasks[3], f3);
	check_frames(&d->tasks[4], f4);
	check_frames(&d->tasks[5], f3);
	assert_string_equal(d->tasks[0].frames[0].address, "00000000006d9f74");
	assert_string_equal(d->tasks[0].frames[0].size, "0x3c");
	assert_true(d->tasks[5].complete); /* ends in the syscall entry */

	struct sg_groups *g = sg_build(r);
	const struct sg_group *j = group_with(g, "start_this_handle"); /* a known place */
	assert_string_equal(j->label, "waiting for a journal handle (jbd2, start_this_handle)");
	/* the 2.6 buffer wait (sync_buffer, __lock_buffer) is no place; jbd1
	 * commits like jbd2 */
	assert_string_equal(group_with(g, "do_get_write_access < journal_get_write_access < "
									  "__ext3_journal_get_write_access")->label,
						"waiting for page/buffer I/O in do_get_write_access");
	assert_string_equal(group_with(g, "journal_commit_transaction")->label,
						"jbd committing the journal, waiting for its writes "
						"(journal_commit_transaction)");
	assert_int_equal(g->ngroups, 4);
	assert_int_equal(j->count, 2);
	assert_int_equal(j->pids[0], 1413);
	assert_int_equal(j->pids[1], 1336);
	sg_free(g);
}
static const struct corpus_case corpus_sparc64_2_6_28_sysrq_w = {
	"sparc64-2.6.28-sysrq-w-locks-01.txt", 1, KD_SYSRQ_W, 6, WHOLE, corpus_sparc64_2_6_28_sysrq_w_more
};

/* sparc64 5.10: angle brackets, the trailing null frame "[<0...0>] 0x0",
 * and a format=flowed mail that broke "ppid: " / "     2 flags". */
static void corpus_sparc64_5_10_wrapped_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	check_task(&d->tasks[0], "khugepaged", 337, "D");
	check_task(&d->tasks[1], "md127_raid1", 1100, "D");
	check_task(&d->tasks[2], "jbd2/dm-0-8", 1208, "D");
	assert_int_equal(d->tasks[0].ppid, 2);
	assert_int_equal(d->tasks[1].ppid, 2);
	static const char *const f0[] = {"schedule", "schedule_timeout", "wait_for_completion",
		"__flush_work.isra.0", "lru_add_drain_all", "khugepaged", "kthread",
		"ret_from_fork", NULL};
	static const char *const f1[] = {"schedule", "percpu_ref_switch_to_atomic_sync",
		"set_in_sync", "md_check_recovery", "raid1d", "md_thread", "kthread",
		"ret_from_fork", NULL};
	check_frames(&d->tasks[0], f0);
	check_frames(&d->tasks[1], f1);
	assert_int_equal(d->tasks[2].nframes, 0);
	assert_false(d->tasks[2].complete);
}
static const struct corpus_case corpus_sparc64_5_10_wrapped = {
	"sparc64-5.10-hung-task-wrapped-01.txt", 1, KD_HUNG_TASK, 3, CUT, corpus_sparc64_5_10_wrapped_more
}; /* cut at the third task */

/* parisc64: "Backtrace:" with " [<address>] sym", every line logged twice
 * by the console, two reports 134 s apart. */
static void corpus_parisc64_5_8_doubled(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("parisc64-5.8-hung-task-doubled-01.txt");
	assert_int_equal(kd_ndumps(r), 2);
	static const char *const f[] = {"check_preempt_curr", "up_write", "sys_mprotect",
		"syscall_exit", "intr_check_sig", NULL};
	for (size_t i = 0; i < 2; i++) {
		const struct kd_dump *d = dump(r, i, KD_HUNG_TASK, 1);
		assert_false(d->complete);          /* its INFO lines are wrapped */
		assert_true(d->tasks[0].complete);  /* the trace itself is whole */
		check_proc(&d->tasks[0], "futex_requeue_p", 11776, 11689, "D");
		check_frames(&d->tasks[0], f);
	}
	assert_true(kd_dump_at(r, 1)->ts > 33020.86 && kd_dump_at(r, 1)->ts < 33020.87);
	kd_result_free(r);
}

/* The sending CPU's lines ([    C7]) interleaved with the NMI backtrace of
 * CPU 1 ([    C1]), which the excerpt cuts before its trace. */
static void corpus_powerpc64_5_13_nmi_interleaved_more(const struct kd_result *r, const struct kd_dump *d)
{
	(void)r;
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "kworker/1:1H", 325, "");
	assert_int_equal(t->cpu, 1);
	assert_int_equal(t->nframes, 0);
	assert_false(t->complete);
}
static const struct corpus_case corpus_powerpc64_5_13_nmi_interleaved = {
	"powerpc64-5.13-nmi-interleaved-01.txt", 1, KD_SYSRQ_L, 1, CUT, corpus_powerpc64_5_13_nmi_interleaved_more
};

/* Only the panic and khungtaskd's stack reached the log (syzbot's console,
 * a syslog file): the hung-task report stands, incomplete, with khungtaskd
 * running in it; no blocked task is invented. */
static void corpus_hung_panic_only(void **state)
{
	(void)state;
	static const char *const f16[] = {"dump_stack", "arch_local_irq_restore", "vsnprintf",
		"panic", "refcount_error_report", "nmi_trigger_cpumask_backtrace", "watchdog",
		"reset_hung_task_detector", "complete", "__schedule", "do_wait_intr_irq",
		"__lockdep_init_map", "do_raw_spin_trylock", "lockdep_init_map",
		"_raw_spin_unlock_irqrestore", "trace_hardirqs_on_caller", "trace_hardirqs_on",
		"__kthread_parkme", "kthread", "reset_hung_task_detector", "kthread_stop",
		"ret_from_fork", NULL};
	static const char *const f44[] = {"dump_backtrace", "show_stack", "dump_stack", "panic",
		"watchdog", "kthread", "ret_from_fork", NULL};
	static const struct {
		const char *file;
		long pid;
		int cpu;
		const char *const *frames;
	} tab[] = {
		{"x86_64-4.16-hung-task-panic-only-01.txt", 870, 1, f16},
		{"arm64-4.4-hung-task-panic-only-syslog-01.txt", 29, 0, f44},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
		struct kd_result *r = parse_file(tab[i].file);
		assert_int_equal(kd_ndumps(r), 1);
		const struct kd_dump *d = dump(r, 0, KD_HUNG_TASK, 1);
		assert_false(d->complete);
		check_task(&d->tasks[0], "khungtaskd", tab[i].pid, "R");
		assert_int_equal(d->tasks[0].cpu, tab[i].cpu);
		check_frames(&d->tasks[0], tab[i].frames);
		struct sg_groups *g = sg_build(r);
		assert_int_equal(g->ngroups, 0); /* khungtaskd runs; it is not blocked */
		sg_free(g);
		kd_result_free(r);
	}
}

/* parisc has no NMI: an RCU stall prints "Task dump for CPU 0:", the task
 * line of what runs there and its stack, from the timer interrupt; the
 * console logged each line twice and wrapped them at 80 columns. */
static void corpus_parisc64_5_8_task_dump_more(const struct kd_result *r, const struct kd_dump *d)
{
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "futex_requeue_p", 11780, 11689, "R");
	assert_int_equal(t->cpu, 0);
	assert_true(t->complete); /* the unwinder stops at the interrupt entry */
	static const char *const f[] = {"show_stack", "sched_show_task.part.0", "dump_cpu_task",
		"rcu_dump_cpu_stacks", "rcu_sched_clock_irq", "update_process_times",
		"timer_interrupt", "__handle_irq_event_percpu", "handle_irq_event_percpu",
		"handle_percpu_irq", "generic_handle_irq", "call_on_stack", "do_cpu_irq_mask",
		"intr_return", NULL};
	check_frames(t, f);
	/* nothing of what the CPU itself ran is in it: no place is made up */
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 1);
	assert_string_equal(g->groups[0].fingerprint, "cpu: unknown");
	sg_free(g);
}
static const struct corpus_case corpus_parisc64_5_8_task_dump = {
	"parisc64-5.8-rcu-stall-task-dump-01.txt", 1, KD_SYSRQ_L, 1, CUT, corpus_parisc64_5_8_task_dump_more
}; /* wrapped */

/* ---------- formats not in the corpus (written from the kernel's printk formats) ---------- */

static void synth_powerpc(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"[  370.123456] sysrq: Show Blocked State\n"
		"[  370.123501] task:kworker/u16:3   state:D stack:0     pid:1290  ppid:2      flags:0x00000800\n"
		"[  370.123530] Workqueue: writeback wb_workfn (flush-253:0)\n"
		"[  370.123550] Call Trace:\n"
		"[  370.123560] [c00000000e7b7640] [c00000000e7b7680] 0xc00000000e7b7680 (unreliable)\n"
		"[  370.123580] [c00000000e7b7830] [c00000000001f0a4] __switch_to+0x294/0x440\n"
		"[  370.123600] [c00000000e7b7890] [c000000000f24c58] __schedule+0x2b8/0x9b0\n"
		"[  370.123620] [c00000000e7b7960] [c000000000f25394] schedule+0x44/0x110\n"
		"[  370.123630] --- interrupt: 900 at arch_local_irq_restore+0x5c/0x90\n"
		"[  370.123640] [c00000000e7b79d0] [c000000000f2c2f8] io_schedule+0x28/0x60\n"
		"[  370.123660] [c00000000e7b7a00] [c0000000005f1ea4] .rq_qos_wait+0x124/0x1d0\n"
		"[  370.123680] [c00000000e7b7ab0] [c0080000014a1234] xfs_buf_submit+0x44/0x90 [xfs]\n"
		"[  370.123700] [c00000000e7b7e10] [c00000000000cf64] ret_from_kernel_thread+0x5c/0x64\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 1);
	assert_true(d->complete);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "kworker/u16:3", 1290, "D");
	static const char *const f[] = {"0xc00000000e7b7680", "__switch_to", "__schedule",
		"schedule", "io_schedule", "rq_qos_wait", "xfs_buf_submit", "ret_from_kernel_thread",
		NULL};
	check_frames(t, f);
	assert_false(t->frames[0].reliable);
	assert_true(t->frames[1].reliable);
	assert_string_equal(t->frames[1].address, "c00000000001f0a4"); /* the LR column */
	assert_string_equal(t->frames[6].module, "xfs");
	kd_result_free(r);
}

static void synth_powerpc_bare(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"INFO: task kworker/0:1:33 blocked for more than 120 seconds.\n"
		"      Not tainted 6.6.0 #1\n"
		"task:kworker/0:1     state:D stack:0     pid:33    tgid:33    ppid:2      flags:0x00000800\n"
		"Call Trace:\n"
		" fill_queue+0xb4/0x210 [virtio_console] (unreliable)\n"
		" __switch_to+0x1e8/0x2a0\n"
		" __schedule+0x2f4/0x990\n"
		" schedule+0x64/0x130\n"
		" ret_from_kernel_thread+0x5c/0x64\n");
	const struct kd_dump *d = dump(r, 0, KD_HUNG_TASK, 1);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "kworker/0:1", 33, "D");
	assert_int_equal(t->tgid, 33);
	static const char *const f[] = {"fill_queue", "__switch_to", "__schedule", "schedule",
									"ret_from_kernel_thread", NULL};
	check_frames(t, f);
	assert_false(t->frames[0].reliable);
	assert_string_equal(t->frames[0].module, "virtio_console");
	kd_result_free(r);
}

static void synth_riscv(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"[  245.812345] INFO: task sync:175 blocked for more than 122 seconds.\n"
		"[  245.812400]       Not tainted 5.15.0 #1\n"
		"[  245.812420] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n"
		"[  245.812440] task:sync            state:D stack:    0 pid:  175 ppid:   160 flags:0x00000000\n"
		"[  245.812460] Call Trace:\n"
		"[  245.812480] [<ffffffff80a3c5e6>] __schedule+0x2a0/0x6c2\n"
		"[  245.812500] [<ffffffff80a3ca4a>] schedule+0x42/0xb8\n"
		"[  245.812520] [<ffffffff80a3e0c2>] io_schedule+0x16/0x38\n"
		"[  245.812540] [<ffffffff801234aa>] wb_wait_for_completion+0x52/0x7c\n"
		"[  245.812560] [<ffffffff80123b2e>] sync_inodes_sb+0xae/0x1c6\n"
		"[  245.812580] [<ffffffff80003ff0>] ret_from_syscall+0x0/0x2\n");
	const struct kd_dump *d = dump(r, 0, KD_HUNG_TASK, 1);
	assert_true(d->complete);
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "sync", 175, 160, "D");
	static const char *const f[] = {"__schedule", "schedule", "io_schedule",
		"wb_wait_for_completion", "sync_inodes_sb", "ret_from_syscall", NULL};
	check_frames(t, f);
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].label,
						"waiting for writeback to finish (wb_wait_for_completion, sync)");
	sg_free(g);
	kd_result_free(r);
}

static void synth_mips_raw(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"SysRq : Show Blocked State\n"
		"  task                PC stack   pid father\n"
		"telnetd       D 80265c44     0   412      1 0x00000000\n"
		"Stack : 00000000 00000000 8f1b5e80 80454a48 8f0fc600 00000000 00000000 00000000\n"
		"        8f1b5e60 800a2f8c 00000000 00000000 80450000 00000001 8f1b5e98 00000000\n"
		"        ...\n"
		"Call Trace:(--Raw--[<80265c44>] __schedule+0x3f4/0x6a8\n"
		"[<80266000>] schedule+0x24/0x78\n"
		"[<800b9544>] __lock_page+0x8c/0xa8\n"
		"[<800a2f8c>] filemap_fault+0x2c8/0x3fc\n"
		"[<800c0a10>] __do_fault+0x50/0x4a4\n"
		"[<80016b60>] ret_from_exception+0x0/0x10\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 1);
	assert_true(d->complete);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "telnetd", 412, "D");
	static const char *const f[] = {"__schedule", "schedule", "__lock_page", "filemap_fault",
									"__do_fault", "ret_from_exception", NULL};
	check_frames(t, f);
	for (size_t i = 0; i < t->nframes; i++)
		assert_false(t->frames[i].reliable); /* a raw scan proves nothing */
	struct sg_groups *g = sg_build(r);
	assert_true(sg_is_page_fault_wait(&g->groups[0])); /* raw frames still group */
	sg_free(g);
	kd_result_free(r);
}

static void synth_old_i386(void **state)
{
	(void)state;
	/* 2.6.9 i386 show_task: free/sibling columns and (L-TLB); one frame a line */
	struct kd_result *r = parse_str(
		"SysRq : Show Blocked State\n"
		"\n"
		"                                               sibling\n"
		"  task             PC      pid father child younger older\n"
		"pdflush       D C0328B60     0   183      6           184   154 (L-TLB)\n"
		"c1a2fe70 00000046 c17f2a80 c0328b60 c02c7d41 00000000 00000000 c1a2e000\n"
		"Call Trace:\n"
		" [<c02c7d41>] io_schedule+0xe/0x16\n"
		" [<c013e2ee>] sync_page+0x37/0x3b\n"
		" [<c02c7f35>] __wait_on_bit_lock+0x41/0x61\n"
		" [<c013f2a9>] shrink_list+0x2a1/0x4a7\n"
		" [<c01401b6>] balance_pgdat+0x28e/0x3a3\n"
		" [<c0140372>] kswapd+0xa7/0xa9\n"
		" [<c0102fd5>] kernel_thread_helper+0x5/0xb\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 1);
	const struct kd_task *t = &d->tasks[0];
	check_proc(t, "pdflush", 183, 6, "D");
	static const char *const f[] = {"io_schedule", "sync_page", "__wait_on_bit_lock",
		"shrink_list", "balance_pgdat", "kswapd", "kernel_thread_helper", NULL};
	check_frames(t, f);
	assert_true(sg_is_reclaim(t));
	kd_result_free(r);

	/* 2.4/2.6.0: several unresolved addresses on the "Call Trace:" line */
	r = parse_str("SysRq : Show Blocked State\n"
				  "  task                 PC        stack   pid father child younger older\n"
				  "kjournald     D C1234560     0   120      1           121   110 (L-TLB)\n"
				  "Call Trace: [<c0117dce>] [<c0117e3c>] [<c016a2b1>]\n"
				  "  [<c0105000>] [<c01057ee>]\n");
	d = dump(r, 0, KD_SYSRQ_W, 1);
	static const char *const f2[] = {"0xc0117dce", "0xc0117e3c", "0xc016a2b1", "0xc0105000",
									 "0xc01057ee", NULL};
	check_frames(&d->tasks[0], f2);
	check_task(&d->tasks[0], "kjournald", 120, "D");
	kd_result_free(r);
}

static void synth_syslog_prefix(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"May 17 18:48:11 router kernel: [ 5210.100000] sysrq: Show Blocked State\n"
		"May 17 18:48:11 router kernel: [ 5210.100100] task:rs:main Q:Reg   state:D stack:0     pid:5857  ppid:1      flags:0x00000000\n"
		"May 17 18:48:11 router sshd[811]: Accepted publickey for root\n"
		"May 17 18:48:11 router kernel: [ 5210.100200] Call Trace:\n"
		"May 17 18:48:11 router kernel: [ 5210.100300]  <TASK>\n"
		"May 17 18:48:11 router kernel: [ 5210.100400]  __schedule+0x3f0/0x1410\n"
		"May 17 18:48:11 router kernel: [ 5210.100500]  schedule+0x5e/0xd0\n"
		"May 17 18:48:11 router kernel: [ 5210.100600]  jbd2_log_wait_commit+0xb8/0x140 [jbd2]\n"
		"May 17 18:48:11 router kernel: [ 5210.100700]  ext4_sync_file+0x2f9/0x3a0 [ext4]\n"
		"May 17 18:48:11 router kernel: [ 5210.100800]  do_syscall_64+0x58/0xc0\n"
		"May 17 18:48:11 router kernel: [ 5210.100900]  entry_SYSCALL_64_after_hwframe+0x64/0xce\n"
		"May 17 18:48:11 router kernel: [ 5210.101000]  </TASK>\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 1);
	assert_true(d->complete);
	assert_true(d->ts > 5210.09 && d->ts < 5210.11);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "rs:main Q:Reg", 5857, "D");
	static const char *const f[] = {"__schedule", "schedule", "jbd2_log_wait_commit",
		"ext4_sync_file", "do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL};
	check_frames(t, f);
	assert_string_equal(t->frames[2].module, "jbd2");
	kd_result_free(r);
}

static void synth_callerid_and_kmsg(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"[  812.000100][    C0] NMI backtrace for cpu 0\n"
		"[  812.000110][    C0] CPU: 0 PID: 31 Comm: kswapd0 Not tainted 5.4.0 #1\n"
		"[  812.000120][    C0] RIP: 0010:shrink_page_list+0x3a1/0xc30\n"
		"[  812.000130][    C0] Call Trace:\n"
		"[  812.000140][    C0]  <NMI>\n"
		"[  812.000150][    C0]  nmi_cpu_backtrace.cold+0x32/0x68\n"
		"[  812.000160][    C0]  </NMI>\n"
		"[  812.000170][    C0]  shrink_page_list+0x3a1/0xc30\n"
		"[  812.000180][    C0]  shrink_inactive_list+0x1a4/0x3d0\n"
		"[  812.000190][    C0]  shrink_node+0x1b3/0x6c0\n"
		"[  812.000200][    C0]  balance_pgdat+0x2c3/0x560\n"
		"[  812.000210][    C0]  kswapd+0x1e6/0x3c0\n"
		"[  812.000220][    C0]  kthread+0x104/0x140\n"
		"[  812.000230][    C0]  ret_from_fork+0x1f/0x40\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_L, 1);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "kswapd0", 31, "");
	assert_int_equal(t->cpu, 0);
	assert_string_equal(t->pc_function, "shrink_page_list");
	assert_int_equal(t->nframes, 8);
	assert_string_equal(t->frames[0].function, "nmi_cpu_backtrace.cold");
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint,
						"cpu: shrink_page_list < shrink_inactive_list < shrink_node");
	assert_string_equal(g->groups[0].label, "kswapd reclaiming memory (shrink_node)");
	sg_free(g);
	kd_result_free(r);

	/* /dev/kmsg records, as capture reads them */
	r = parse_str("6,2001,49686374707,-;sysrq: Show Blocked State\n"
				  "6,2002,49686384454,-;task:logd            state:D stack:0     pid:493   ppid:1      flags:0x00000000\n"
				  "6,2003,49686384500,-;Call trace:\n"
				  "6,2004,49686384600,-; __switch_to+0xe8/0x120\n"
				  "6,2005,49686384700,-; __schedule+0x2d4/0x8a0\n"
				  "6,2006,49686384800,-; io_schedule+0x44/0x68\n"
				  "6,2007,49686384900,-; folio_wait_bit_common+0x160/0x360\n"
				  "6,2008,49686385000,-; filemap_read_folio+0xa8/0xd0\n"
				  "6,2009,49686385100,-; filemap_fault+0x3f4/0x6e0\n"
				  "6,2010,49686385200,-; __do_fault+0x40/0x1a0\n"
				  "6,2011,49686385300,-; el0t_64_sync+0x190/0x194\n");
	d = dump(r, 0, KD_SYSRQ_W, 1);
	assert_true(d->ts > 49686.374 && d->ts < 49686.375);
	check_task(&d->tasks[0], "logd", 493, "D");
	assert_int_equal(d->tasks[0].nframes, 8);
	g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint, "filemap_read_folio < filemap_fault");
	assert_true(sg_is_page_fault_wait(&g->groups[0]));
	sg_free(g);
	kd_result_free(r);
}

static void synth_wrapped_line(void **state)
{
	(void)state;
	/* a mail or syslog viewer broke frame lines after the address columns */
	struct kd_result *r = parse_str(
		"May 10 15:09:01 talos2 kernel: INFO: task kworker/3:2:1234 blocked for more than 122 seconds.\n"
		"May 10 15:09:01 talos2 kernel: task:kworker/3:2     state:D stack:0     pid:1234  ppid:2      flags:0x00000800\n"
		"May 10 15:09:01 talos2 kernel: Call Trace:\n"
		"May 10 15:09:01 talos2 kernel: [c00000000beb3610] [c00800000d1a8018]\n"
		"is_synaptics_cascaded_panamera+0x200/0x600 [amdgpu] (unreliable)\n"
		"May 10 15:09:01 talos2 kernel: [c00000000beb36d0] [c00800000b7c2b18]\n"
		"drm_helper_probe_single_connector_modes+0x230/0x698 [drm_kms_helper]\n"
		"May 10 15:09:01 talos2 kernel: [c00000000beb3e20] [c00000000000b660] ret_from_kernel_thread+0x5c/0x64\n");
	const struct kd_dump *d = dump(r, 0, KD_HUNG_TASK, 1);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "kworker/3:2", 1234, "D");
	static const char *const f[] = {"is_synaptics_cascaded_panamera",
		"drm_helper_probe_single_connector_modes", "ret_from_kernel_thread", NULL};
	check_frames(t, f);
	assert_false(t->frames[0].reliable);
	assert_string_equal(t->frames[1].module, "drm_kms_helper");
	assert_false(d->complete); /* rejoined, but the text was damaged */
	kd_result_free(r);
}

static void synth_missing_header(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"[  100.000000] sysrq: Show Blocked State\n"
		"[  100.000010] task:app             state:D stack:0     pid:2469  ppid:1      flags:0x00000000\n"
		"[  100.000020] Call Trace:\n"
		"[  100.000030]  __schedule+0x228/0x570\n"
		"[  100.000040]  schedule+0x29/0xa0\n"
		"[  100.000050]  ret_from_fork+0x1f/0x30\n"
		"...\n"
		"[  100.000070]  io_schedule+0x12/0x40\n"
		"[  100.000080]  folio_wait_bit_common+0x13d/0x350\n"
		"[  100.000090]  filemap_fault+0x5c3/0x9e0\n"
		"[  100.000100]  ret_from_fork+0x1f/0x30\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 2);
	assert_false(d->complete);
	assert_true(d->tasks[0].complete);
	check_task(&d->tasks[1], NULL, -1, "");
	assert_false(d->tasks[1].complete);
	static const char *const f[] = {"io_schedule", "folio_wait_bit_common", "filemap_fault",
									"ret_from_fork", NULL};
	check_frames(&d->tasks[1], f);
	struct sg_groups *g = sg_build(r); /* a headerless sysrq-w task still counts */
	assert_int_equal(group_with(g, "filemap_fault")->pids[0], -1);
	sg_free(g);
	kd_result_free(r);
}

static void synth_cut_off(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"[  100.000000] sysrq: Show Blocked State\n"
		"[  100.000010] task:app             state:D stack:0     pid:2469  ppid:1      flags:0x00000000\n"
		"[  100.000020] Call Trace:\n"
		"[  100.000030]  __schedule+0x228/0x570\n"
		"[  100.000040]  schedule+0x29/0xa0\n"
		"[  100.000050]  io_schedule+0x12/0x40\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 1);
	assert_false(d->complete);
	assert_false(d->tasks[0].complete);
	assert_int_equal(d->tasks[0].nframes, 3);
	kd_result_free(r);
}

static void synth_arm_backtrace_regs(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"INFO: task mmcqd/0:85 blocked for more than 120 seconds.\n"
		"mmcqd/0         D c04e5a2c     0    85      2 0x00000000\n"
		"Backtrace: \n"
		"[<c04e5714>] (__schedule+0x0/0x5d0) from [<c04e5da4>] (schedule+0x44/0xa0)\n"
		" r10:00000000 r9:ee1d3e44 r8:c0789f00 r7:ee1d2000 r6:ee1d3e40 r5:ee1d3e20\n"
		" r4:ee1d2000\n"
		"[<c04e5d60>] (schedule+0x0/0xa0) from [<c04e8e68>] (schedule_timeout+0x1c8/0x26c)\n"
		"[<c04e8ca0>] (schedule_timeout+0x0/0x26c) from [<c04e6438>] (wait_for_common+0xe8/0x17c)\n"
		" r8:c0789f00 r7:00000002 r6:7fffffff r5:ee1d3e20 r4:ee1d3e24\n"
		"[<c04e6350>] (wait_for_common+0x0/0x17c) from [<c04e64e8>] (wait_for_completion+0x1c/0x20)\n"
		"[<c04e64cc>] (wait_for_completion+0x0/0x20) from [<c03a1b04>] (mmc_wait_for_req+0x98/0x114)\n"
		"[<c03a1a6c>] (mmc_wait_for_req+0x0/0x114) from [<c0034b54>] (kthread+0xa4/0xb0)\n"
		"[<c0034ab0>] (kthread+0x0/0xb0) from [<c000e3d8>] (ret_from_fork+0x14/0x3c)\n");
	const struct kd_dump *d = dump(r, 0, KD_HUNG_TASK, 1);
	assert_true(d->complete);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "mmcqd/0", 85, "D");
	static const char *const f[] = {"__schedule", "schedule", "schedule_timeout",
		"wait_for_common", "wait_for_completion", "mmc_wait_for_req", "kthread",
		"ret_from_fork", NULL};
	check_frames(t, f);
	assert_string_equal(t->frames[1].offset, "0x44"); /* the caller's return offset */
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].label,
						"waiting for the MMC/SD card to finish (mmc_wait_for_req)");
	assert_string_equal(g->groups[0].wait, "completion");
	sg_free(g);
	kd_result_free(r);
}

static void synth_symbolized_and_interleaved(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"INFO: task syz-executor.3:9071 blocked for more than 143 seconds.\n"
		"task:syz-executor.3 state:D stack:26880 pid: 9071 ppid:  8453 flags:0x00004004\n"
		"Call Trace:\n"
		" context_switch kernel/sched/core.c:3779 [inline]\n"
		" __schedule+0x8cf/0x21d0 kernel/sched/core.c:4528\n"
		"usb 1-1: new high-speed USB device number 3 using ehci-pci\n"
		" schedule+0xcf/0x270 kernel/sched/core.c:4606\n"
		" rwsem_down_read_slowpath+0x4a1/0x9d0 (kernel/locking/rwsem.c:1086)\n"
		" do_user_addr_fault+0x6f5/0xd90 arch/x86/mm/fault.c:1364\n"
		" exc_page_fault+0x9e/0x180\n"
		" asm_exc_page_fault+0x1e/0x30\n");
	const struct kd_dump *d = dump(r, 0, KD_HUNG_TASK, 1);
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "syz-executor.3", 9071, "D"); /* a 15-char comm */
	assert_int_equal(t->ppid, 8453);
	static const char *const f[] = {"context_switch", "__schedule", "schedule",
		"rwsem_down_read_slowpath", "do_user_addr_fault", "exc_page_fault",
		"asm_exc_page_fault", NULL};
	check_frames(t, f);
	assert_null(t->frames[0].offset);
	assert_string_equal(t->frames[0].file_line, "kernel/sched/core.c:3779");
	assert_string_equal(t->frames[1].file_line, "kernel/sched/core.c:4528");
	assert_string_equal(t->frames[3].file_line, "kernel/locking/rwsem.c:1086");
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].label,
						"waiting for mmap_sem / mmap_lock in do_user_addr_fault");
	sg_free(g);
	kd_result_free(r);
}

static void synth_oom(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"[ 9312.100000] app invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0\n"
		"[ 9312.100010] CPU: 1 PID: 2469 Comm: app Tainted: P           O      5.4.0 #0\n"
		"[ 9312.100020] Hardware name: Generic DT based system\n"
		"[ 9312.100030] [<c010fc00>] (unwind_backtrace) from [<c010b778>] (show_stack+0x10/0x14)\n"
		"[ 9312.100040] [<c010b778>] (show_stack) from [<c0335538>] (dump_stack+0x88/0x9c)\n"
		"[ 9312.100050] [<c0335538>] (dump_stack) from [<c01a2f10>] (dump_header+0x5c/0x1e0)\n"
		"[ 9312.100060] [<c01a2f10>] (dump_header) from [<c01a3a0c>] (out_of_memory+0x2f0/0x340)\n"
		"[ 9312.100070] Mem-Info:\n"
		"[ 9312.100080] active_anon:72000 inactive_anon:20 isolated_anon:0\n"
		"[ 9312.100090] Tasks state (memory values in pages):\n"
		"[ 9312.100100] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
		"[ 9312.100110] [    493]     0   493    74000    72500   600000        0             0 logd\n"
		"[ 9312.100120] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=logd,pid=493,uid=0\n"
		"[ 9312.100130] Out of memory: Killed process 493 (logd) total-vm:296000kB, anon-rss:289000kB, file-rss:1000kB, shmem-rss:8kB, UID:0 pgtables:600kB oom_score_adj:0\n"
		"[ 9312.100140] oom_reaper: reaped process 493 (logd), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n");
	assert_int_equal(kd_ndumps(r), 1);
	const struct kd_dump *d = dump(r, 0, KD_OOM, 1);
	assert_string_equal(d->oom_victim_comm, "logd");
	assert_int_equal(d->oom_victim_pid, 493);
	assert_int_equal(d->oom_victim_rss_kb, 290008);
	assert_string_equal(d->oom_constraint, "CONSTRAINT_NONE");
	const struct kd_task *t = &d->tasks[0];
	check_task(t, "app", 2469, "");
	assert_int_equal(t->cpu, 1);
	static const char *const f[] = {"unwind_backtrace", "show_stack", "dump_stack",
									"dump_header", "out_of_memory", NULL};
	check_frames(t, f);
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 0); /* an OOM report lists no blocked tasks */
	sg_free(g);
	kd_result_free(r);
}

static void synth_trigger(void **state)
{
	(void)state;
	struct kd_parser *p = kd_parser_new();
	const char *before = "[   10.000000] sysrq: Show Blocked State\n";
	kd_feed_text(p, before, strlen(before));
	kd_set_trigger(p, 7);
	/* the header line was lost (kmsg overrun); the trigger says what this is */
	const char *after =
		"[   20.000000] task:app             state:D stack:0     pid:2469  ppid:1      flags:0x00000000\n"
		"[   20.000010] Call Trace:\n"
		"[   20.000020]  __schedule+0x228/0x570\n"
		"[   20.000030]  ret_from_fork+0x1f/0x30\n";
	kd_feed_text(p, after, strlen(after));
	struct kd_result *r = kd_finish(p);
	assert_int_equal(kd_ndumps(r), 2);
	const struct kd_dump *d0 = dump(r, 0, KD_SYSRQ_W, 0);
	assert_int_equal(d0->trigger_id, -1);
	const struct kd_dump *d1 = dump(r, 1, KD_SYSRQ_W, 1);
	assert_int_equal(d1->trigger_id, 7);
	assert_false(d1->complete);
	check_task(&d1->tasks[0], "app", 2469, "D");
	kd_result_free(r);

	p = kd_parser_new();
	kd_set_trigger(p, 8);
	const char *lines[] = {"[   30.000000] sysrq: Show backtrace of all active CPUs",
						   "[   30.000010] NMI backtrace for cpu 0 skipped: idling at default_idle+0x10/0x20"};
	for (size_t i = 0; i < 2; i++)
		kd_feed_line(p, lines[i], strlen(lines[i]));
	r = kd_finish(p);
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_L, 1);
	assert_int_equal(d->trigger_id, 8);
	assert_true(d->tasks[0].idle);
	assert_int_equal(d->tasks[0].cpu, 0);
	kd_result_free(r);
}

static void synth_old_headers(void **state)
{
	(void)state;
	/* 3.x header with PC column, comm with a space, 4.9 glued stack */
	struct kd_result *r = parse_str(
		"SysRq : Show Blocked State\n"
		"  task                        PC stack   pid father\n"
		"getty           D ffffffff83e27d60 28152  2986      1 0x00000002\n"
		" schedule+0x29/0x70\n"
		" ret_from_fork+0x7c/0xb0\n"
		"rs:main Q:Reg   D    0  5857      1 0x00000000\n"
		" schedule+0x29/0x70\n"
		" ret_from_fork+0x7c/0xb0\n"
		"syz-executor2   D27168 14507   3322 0x00000002\n"
		" schedule+0x29/0x70\n"
		" ret_from_fork+0x7c/0xb0\n"
		"bash          R  running task        0  1234   1233 0x00000000\n"
		" ret_from_fork+0x7c/0xb0\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_W, 4);
	check_proc(&d->tasks[0], "getty", 2986, 1, "D");
	check_task(&d->tasks[1], "rs:main Q:Reg", 5857, "D");
	check_proc(&d->tasks[2], "syz-executor2", 14507, 3322, "D");
	check_task(&d->tasks[3], "bash", 1234, "R");
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->groups[0].count, 3); /* the R task is not blocked */
	sg_free(g);
	kd_result_free(r);
}

static void synth_old_sysrq_l(void **state)
{
	(void)state;
	struct kd_result *r = parse_str(
		"SysRq : Show backtrace of all active CPUs\n"
		"CPU1:\n"
		" ffff88003fc83e98 0000000000000000 ffff88003fc83ed8 ffffffff8101a2b5\n"
		"Call Trace:\n"
		" <IRQ>  [<ffffffff8101a2b5>] ? show_regs+0x45/0x50\n"
		" [<ffffffff812a7c1b>] showacpu+0x4b/0x60\n"
		" [<ffffffff810a3f3e>] generic_smp_call_function_interrupt+0x7e/0x170\n"
		" <EOI>  [<ffffffff81133c5a>] ? shrink_page_list+0x1fa/0x9a0\n"
		" [<ffffffff81134a9d>] shrink_zone+0x22d/0x3d0\n"
		" [<ffffffff81135e1c>] kswapd+0x5cc/0x8b0\n"
		" [<ffffffff8108e3b6>] kthread+0x96/0xa0\n"
		" [<ffffffff8100c0ca>] child_rip+0xa/0x20\n"
		"=>entered showacpu on CPU 0\n"
		"CPU: 0 PID: 0 Comm: swapper/0 Not tainted 3.10.0 #1\n"
		" [<c0022e4c>] (default_idle+0x24/0x2c) from [<c00232b8>] (cpu_idle+0x98/0xe4)\n");
	const struct kd_dump *d = dump(r, 0, KD_SYSRQ_L, 2);
	assert_int_equal(d->tasks[0].cpu, 1);
	check_task(&d->tasks[0], NULL, -1, "");
	static const char *const f[] = {"show_regs", "showacpu",
		"generic_smp_call_function_interrupt", "shrink_page_list", "shrink_zone", "kswapd",
		"kthread", "child_rip", NULL};
	check_frames(&d->tasks[0], f);
	assert_false(d->tasks[0].frames[3].reliable);
	assert_true(sg_is_reclaim(&d->tasks[0]));
	check_task(&d->tasks[1], "swapper/0", 0, "");
	assert_int_equal(d->tasks[1].cpu, 0);
	assert_true(d->tasks[1].idle);
	static const char *const f1[] = {"default_idle", "cpu_idle", NULL};
	check_frames(&d->tasks[1], f1);
	struct sg_groups *g = sg_build(r);
	assert_string_equal(g->groups[0].fingerprint, "cpu: shrink_zone < kswapd < kthread");
	assert_string_equal(g->groups[0].label, "kswapd reclaiming memory (shrink_zone)");
	assert_string_equal(g->groups[1].label, "idle");
	sg_free(g);
	kd_result_free(r);
}

static void synth_dump_boundaries(void **state)
{
	(void)state;
	/* a later unrelated trace must not join a dump that ended long ago */
	struct kd_result *r = parse_str(
		"[  100.000000] sysrq: Show Blocked State\n"
		"[  100.000010] task:app             state:D stack:0     pid:2469  ppid:1      flags:0x00000000\n"
		"[  100.000020] Call Trace:\n"
		"[  100.000030]  __schedule+0x228/0x570\n"
		"[  100.000040]  ret_from_fork+0x1f/0x30\n"
		"[  900.000000] Call Trace:\n"
		"[  900.000010]  foo+0x1/0x2\n"
		"[  900.000020] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [a:1]\n"
		"[  900.000030] INFO: task jbd2/sda1-8:170 blocked for more than 120 seconds.\n"
		"[  900.000040] task:jbd2/sda1-8     state:D stack:0     pid:170   ppid:2      flags:0x00004000\n"
		"[  900.000050] Call Trace:\n"
		"[  900.000060]  __schedule+0x228/0x570\n"
		"[  900.000070]  mutex_lock+0x1/0x2\n"
		"[  900.000080]  kthread+0x1/0x2\n"
		"[  900.000090] INFO: task jbd2/sda1-8:170 is blocked on a mutex likely owned by task rsync:999.\n"
		"[  900.000100] task:rsync           state:R  running task     stack:0     pid:999   ppid:1      flags:0x00004000\n"
		"[  900.000110] Call Trace:\n"
		"[  900.000120]  copy_page+0x1/0x2\n"
		"[  900.000130]  ret_from_fork+0x1/0x2\n");
	assert_int_equal(kd_ndumps(r), 2);
	const struct kd_dump *w = dump(r, 0, KD_SYSRQ_W, 1);
	assert_true(w->complete);
	assert_int_equal(w->tasks[0].nframes, 2);
	const struct kd_dump *h = dump(r, 1, KD_HUNG_TASK, 2);
	check_task(&h->tasks[0], "jbd2/sda1-8", 170, "D");
	check_task(&h->tasks[1], "rsync", 999, "R");
	struct sg_groups *g = sg_build(r);
	assert_int_equal(g->ngroups, 2); /* the running lock owner is not blocked */
	sg_free(g);
	kd_result_free(r);
}

/* ---------- robustness ---------- */

static void robust_garbage(void **state)
{
	(void)state;
	struct kd_parser *p = kd_parser_new();
	const char *h = "sysrq: Show Blocked State\ntask:x state:D stack:0 pid:1 ppid:0 flags:0x0\n";
	kd_feed_text(p, h, strlen(h));
	unsigned x = 12345;
	char buf[512];
	for (int i = 0; i < 3000; i++) {
		size_t n = (size_t)(x % sizeof buf);
		for (size_t k = 0; k < n; k++) {
			x = x * 1103515245u + 12345u;
			buf[k] = (char)(x >> 16);
		}
		kd_feed_line(p, buf, n);
	}
	size_t big = 200 * 1024; /* far past any line buffer */
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, '[', big);
	kd_feed_line(p, huge, big);
	memset(huge, ' ', big);
	memcpy(huge + big - 20, "schedule+0x1/0x2", 16);
	kd_feed_text(p, huge, big);
	for (size_t i = 0; i + 24 < big; i += 24)
		memcpy(huge + i, " schedule+0x29/0x70\n    ", 24);
	kd_feed_text(p, huge, big); /* ~8000 frames: capped, not grown without bound */
	free(huge);
	kd_feed_line(p, "\0\0\0", 3);
	kd_feed_line(p, NULL, 0);
	kd_feed_text(p, "", 0);
	struct kd_result *r = kd_finish(p);
	for (size_t i = 0; i < kd_ndumps(r); i++)
		for (size_t k = 0; k < kd_dump_at(r, i)->ntasks; k++)
			assert_true(kd_dump_at(r, i)->tasks[k].nframes <= 512);
	struct sg_groups *g = sg_build(r);
	json_t *j = stacks_to_json(r, g);
	assert_non_null(j);
	json_decref(j);
	sg_free(g);
	kd_result_free(r);

	kd_result_free(NULL);
	sg_free(NULL);
	assert_int_equal(kd_ndumps(NULL), 0);
	assert_null(kd_dump_at(NULL, 0));
}

static void robust_prefix_corners(void **state)
{
	(void)state;
	struct kd_result *r = parse_str("[\n[ \n[ 1.\n[ T\n<\n<4\n1,2,3\nMay \nkern  :\n"
									"INFO: task :1 blocked for more than 1 seconds.\n"
									"INFO: task x: blocked for more than 1 seconds.\n"
									"NMI backtrace for cpu \nCPU: 1 PID: x Comm:\n"
									"task: state:D pid:1\n");
	/* only the well-formed-enough lines make dumps; nothing crashes */
	for (size_t i = 0; i < kd_ndumps(r); i++)
		assert_true(kd_dump_at(r, i)->ntasks <= 1);
	kd_result_free(r);
}

/* ---------- renderers ---------- */

static void render_json_seed(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("arm-4.9-seed-sysrq-w.txt");
	struct sg_groups *g = sg_build(r);
	json_t *j = stacks_to_json(r, g);
	json_t *d0 = json_array_get(json_object_get(j, "dumps"), 0);
	assert_string_equal(json_string_value(json_object_get(d0, "kind")), "sysrq-w");
	assert_true(json_is_false(json_object_get(d0, "complete")));
	json_t *t0 = json_array_get(json_object_get(d0, "tasks"), 0);
	assert_string_equal(json_string_value(json_object_get(t0, "comm")), "logd");
	assert_int_equal(json_integer_value(json_object_get(t0, "pid")), 493);
	assert_string_equal(json_string_value(json_object_get(t0, "state")), "D");
	assert_true(json_is_null(json_object_get(t0, "cpu")));
	json_t *fr = json_array_get(json_object_get(t0, "frames"), 1);
	assert_string_equal(json_string_value(json_object_get(fr, "function")), "schedule");
	assert_string_equal(json_string_value(json_object_get(fr, "offset")), "0x40");
	assert_true(json_is_true(json_object_get(fr, "reliable")));
	assert_true(json_is_null(json_object_get(
		json_array_get(json_object_get(t0, "frames"), 0), "offset")));
	json_t *g0 = json_array_get(json_object_get(j, "groups"), 0);
	assert_string_equal(json_string_value(json_object_get(g0, "fingerprint")), "filemap_fault");
	assert_int_equal(json_integer_value(json_object_get(g0, "count")), 5);
	json_t *pids = json_object_get(g0, "tasks");
	assert_int_equal(json_array_size(pids), 5);
	assert_int_equal(json_integer_value(json_array_get(pids, 4)), 3258);
	assert_true(json_is_true(json_object_get(g0, "page_fault")));
	json_decref(j);

	/* idle CPUs have no pid: null, not -1 */
	kd_result_free(r);
	sg_free(g);
	r = parse_file("x86_64-4.20-hung-task-callerid-01.txt");
	g = sg_build(r);
	j = stacks_to_json(r, g);
	json_t *l = json_array_get(json_object_get(j, "dumps"), 1);
	assert_string_equal(json_string_value(json_object_get(l, "kind")), "sysrq-l");
	json_t *idle = json_array_get(json_object_get(l, "tasks"), 1);
	assert_true(json_is_null(json_object_get(idle, "pid")));
	assert_int_equal(json_integer_value(json_object_get(idle, "cpu")), 0);
	json_decref(j);
	sg_free(g);
	kd_result_free(r);
}

static void render_text_seed(void **state)
{
	(void)state;
	struct kd_result *r = parse_file("arm-4.9-seed-sysrq-w.txt");
	struct sg_groups *g = sg_build(r);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	stacks_print_text(f, r, g, false);
	fclose(f);
	assert_non_null(strstr(buf, "  5  waiting for a page read in filemap_fault"));
	assert_non_null(strstr(buf, "logd/493 app/2469 app/2495 videocapture/3242 tracker/3258"));
	assert_non_null(strstr(buf, "filemap_fault < ext4_filemap_fault < __do_fault"));
	assert_non_null(strstr(buf, "sysrq-w at 49686.375: 5 task(s), incomplete"));
	assert_null(strstr(buf, "\033["));
	free(buf);
	f = open_memstream(&buf, &len);
	stacks_print_text(f, r, g, true);
	fclose(f);
	assert_non_null(strstr(buf, "\033[1m"));
	free(buf);
	sg_free(g);
	kd_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORPUS(corpus_arm_4_4_hung),
		CORPUS(corpus_seed_sysrq_w),
		CORPUS(corpus_seed_sysrq_l),
		CORPUS(corpus_arm_6_12_noaddr),
		CORPUS(corpus_arm64_5_15_sysrq_l),
		CORPUS(corpus_arm64_5_9_hung),
		CORPUS(corpus_arm64_6_x_sysrq_w),
		CORPUS(corpus_mips_3_0_hung),
		CORPUS(corpus_x86_2_6_29_sysrq_w),
		cmocka_unit_test(corpus_x86_3_18_wrapped),
		cmocka_unit_test(corpus_x86_4_20_callerid),
		CORPUS(corpus_x86_4_9_hung),
		CORPUS(corpus_x86_6_7_sysrq_w),
		CORPUS(corpus_x86_5_15_callerid_locks),
		CORPUS(corpus_arm_5_6_backtrace_regs),
		CORPUS(corpus_arm_5_10_backtrace),
		CORPUS(corpus_arm_5_10_nmi_regs),
		cmocka_unit_test(corpus_arm_2_4_function_entered),
		CORPUS(corpus_mips_vendor_sysrq_l),
		cmocka_unit_test(corpus_x86_5_3_nmi_panic),
		CORPUS(corpus_x86_5_15_elided_panic),
		CORPUS(corpus_x86_5_16_interleaved),
		CORPUS(corpus_s390_5_3_hung),
		CORPUS(corpus_s390x_6_0_rcu_stall),
		CORPUS(corpus_sparc64_2_6_28_sysrq_w),
		CORPUS(corpus_sparc64_5_10_wrapped),
		cmocka_unit_test(corpus_parisc64_5_8_doubled),
		CORPUS(corpus_powerpc64_5_13_nmi_interleaved),
		cmocka_unit_test(corpus_hung_panic_only),
		CORPUS(corpus_parisc64_5_8_task_dump),
		cmocka_unit_test(synth_powerpc),
		cmocka_unit_test(synth_powerpc_bare),
		cmocka_unit_test(synth_riscv),
		cmocka_unit_test(synth_mips_raw),
		cmocka_unit_test(synth_old_i386),
		cmocka_unit_test(synth_syslog_prefix),
		cmocka_unit_test(synth_callerid_and_kmsg),
		cmocka_unit_test(synth_wrapped_line),
		cmocka_unit_test(synth_missing_header),
		cmocka_unit_test(synth_cut_off),
		cmocka_unit_test(synth_arm_backtrace_regs),
		cmocka_unit_test(synth_symbolized_and_interleaved),
		cmocka_unit_test(synth_oom),
		cmocka_unit_test(synth_trigger),
		cmocka_unit_test(synth_old_headers),
		cmocka_unit_test(synth_old_sysrq_l),
		cmocka_unit_test(synth_dump_boundaries),
		cmocka_unit_test(robust_garbage),
		cmocka_unit_test(robust_prefix_corners),
		cmocka_unit_test(render_json_seed),
		cmocka_unit_test(render_text_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
