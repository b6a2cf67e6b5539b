/* test_kdump_cpus.c - the kernel-dump parser on the corpus's dumps of what
 * the CPUs ran (sysrq l, NMI backtraces, RCU stalls), alone or after a
 * hung-task report, and the stack groups they make. */
#include "kdump_test.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORPUS(corpus_seed_sysrq_l),
		CORPUS(corpus_arm64_5_15_sysrq_l),
		cmocka_unit_test(corpus_x86_4_20_callerid),
		CORPUS(corpus_arm_5_6_backtrace_regs),
		CORPUS(corpus_arm_5_10_nmi_regs),
		CORPUS(corpus_mips_vendor_sysrq_l),
		cmocka_unit_test(corpus_x86_5_3_nmi_panic),
		CORPUS(corpus_s390x_6_0_rcu_stall),
		CORPUS(corpus_powerpc64_5_13_nmi_interleaved),
		CORPUS(corpus_parisc64_5_8_task_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
