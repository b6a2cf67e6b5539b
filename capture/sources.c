/* sources.c - the table of sources, in the order a sample reads them.
 * stat comes first: the task scanner uses its fork counter. */
#include "capture.h"

const struct source capture_sources[] = {
	{ "stat", NULL, src_stat_sample, NULL },
	{ "loadavg", NULL, src_loadavg_sample, NULL },
	{ "meminfo", NULL, src_meminfo_sample, NULL },
	{ "vmstat", NULL, src_vmstat_sample, NULL },
	{ "diskstats", NULL, src_diskstats_sample, NULL },
	{ "psi", NULL, src_psi_sample, NULL },
	{ "cgroup", src_cgroup_init, src_cgroup_sample, src_cgroup_fini },
	{ "statfs", src_statfs_init, src_statfs_sample, src_statfs_fini },
	{ "tasks", src_tasks_init, src_tasks_sample, src_tasks_fini },
	{ "self", NULL, src_self_sample, NULL },
};
const size_t capture_nsources = sizeof capture_sources / sizeof capture_sources[0];
