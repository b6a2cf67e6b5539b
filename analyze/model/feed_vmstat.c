/* feed_vmstat.c - /proc/vmstat: fault, refault, reclaim, swap and OOM
 * rates, whichever spelling the kernel uses. */
#include "reading.h"

#include <math.h>
#include <string.h>

static const struct kv vmstat_keys[] = {
	{ "pgmajfault", R_MAJFLT },
	/* <5.9 and 5.9+ spell the file refault counter differently; a kernel
	 * prints only one of them, so summing is safe. */
	{ "workingset_refault", R_REFAULT }, { "workingset_refault_file", R_REFAULT },
	{ "pgscan_kswapd", R_PGSCAN_K }, { "pgscan_direct", R_PGSCAN_D },
	{ "pgsteal_kswapd", R_PGSTEAL_K }, { "pgsteal_direct", R_PGSTEAL_D },
	{ "allocstall", R_ALLOCSTALL }, { "pswpin", R_PSWPIN }, { "pswpout", R_PSWPOUT },
	{ "oom_kill", R_OOMKILL },
};

/* Zoned spellings (pre-4.8 pgscan_kswapd_normal, allocstall_movable, ...)
 * are summed into the node-level slot; pgscan_direct_throttle counts
 * throttling events, not pages, and must not be added. */
static int vm_prefix_slot(const char *n)
{
	static const struct kv pre[] = {
		{ "pgscan_kswapd_", R_PGSCAN_K }, { "pgscan_direct_", R_PGSCAN_D },
		{ "pgsteal_kswapd_", R_PGSTEAL_K }, { "pgsteal_direct_", R_PGSTEAL_D },
		{ "allocstall_", R_ALLOCSTALL },
	};
	if (n[0] != 'p' && n[0] != 'a')
		return -1;
	if (!strcmp(n, "pgscan_direct_throttle"))
		return -1;
	for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
		if (!strncmp(n, pre[i].name, strlen(pre[i].name)))
			return pre[i].slot;
	return -1;
}

static int vmstat_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)inst;
	int s = ktab_get(&r->vm, name);
	return s >= 0 ? s : vm_prefix_slot(name);
}

static void derive_vmstat(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo;
	row[M_MAJFLT] = rate(r, R_MAJFLT, dt);
	row[M_REFAULT] = rate(r, R_REFAULT, dt);
	row[M_PGSCAN_K] = rate(r, R_PGSCAN_K, dt);
	row[M_PGSCAN_D] = rate(r, R_PGSCAN_D, dt);
	double sk = rate(r, R_PGSTEAL_K, dt), sd = rate(r, R_PGSTEAL_D, dt);
	row[M_PGSTEAL] = isnan(sk) ? sd : isnan(sd) ? sk : sk + sd;
	row[M_ALLOCSTALL] = rate(r, R_ALLOCSTALL, dt);
	row[M_PSWPIN] = rate(r, R_PSWPIN, dt);
	row[M_PSWPOUT] = rate(r, R_PSWPOUT, dt);
	row[M_OOMKILL] = rate(r, R_OOMKILL, 1.0);
}

static void vmstat_init(struct rd *r)
{
	ktab_init(&r->vm, vmstat_keys, sizeof vmstat_keys / sizeof *vmstat_keys);
}

const struct feed feed_vmstat = {
	.source = "vmstat",
	.meaning = vmstat_meaning,
	.take = take_raw,
	.derive = derive_vmstat,
	.init = vmstat_init,
};
