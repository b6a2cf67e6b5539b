/* test_kdump_blocked.c - the kernel-dump parser (analyze/kdump/) on the
 * corpus's dumps of blocked tasks (hung-task reports, sysrq w) and the stack
 * groups they make: one test per file under $TEST_DATA/dmesg. */
#include "kdump_test.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORPUS(corpus_arm_4_4_hung),
		CORPUS(corpus_seed_sysrq_w),
		CORPUS(corpus_arm_6_12_noaddr),
		CORPUS(corpus_arm64_5_9_hung),
		CORPUS(corpus_arm64_6_x_sysrq_w),
		CORPUS(corpus_mips_3_0_hung),
		CORPUS(corpus_x86_2_6_29_sysrq_w),
		cmocka_unit_test(corpus_x86_3_18_wrapped),
		CORPUS(corpus_x86_4_9_hung),
		CORPUS(corpus_x86_6_7_sysrq_w),
		CORPUS(corpus_x86_5_15_callerid_locks),
		CORPUS(corpus_arm_5_10_backtrace),
		cmocka_unit_test(corpus_arm_2_4_function_entered),
		CORPUS(corpus_x86_5_15_elided_panic),
		CORPUS(corpus_x86_5_16_interleaved),
		CORPUS(corpus_s390_5_3_hung),
		CORPUS(corpus_sparc64_2_6_28_sysrq_w),
		CORPUS(corpus_sparc64_5_10_wrapped),
		cmocka_unit_test(corpus_parisc64_5_8_doubled),
		cmocka_unit_test(corpus_hung_panic_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
