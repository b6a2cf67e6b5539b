/* test_kdump_forms.c - the kernel-dump parser on forms the corpus has no
 * file for, written from the kernel's printk formats, and on prefixes cut
 * short. */
#include "kdump_test.h"

/* A sysrq w of one task, app (2469), up to its first frame: the start of
 * the made-up dumps that differ in what comes after it. */
#define SYSRQ_W_APP \
	"[  100.000000] sysrq: Show Blocked State\n" \
	"[  100.000010] task:app             state:D stack:0     pid:2469  ppid:1      flags:0x00000000\n" \
	"[  100.000020] Call Trace:\n" \
	"[  100.000030]  __schedule+0x228/0x570\n"

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
		SYSRQ_W_APP
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
		SYSRQ_W_APP
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
		SYSRQ_W_APP
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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
		cmocka_unit_test(robust_prefix_corners),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
