/* feed_stat.c - /proc/stat: the "cpu" line as CPU shares, and the
 * "stat" group's procs_running. */
#include "reading.h"

#include <string.h>

/* the "cpu" group of /proc/stat: per-CPU lines are not needed here */
static bool cpu_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	(void)mo, (void)r, (void)aux;
	return !strcmp(inst, "cpu");
}

static int cpu_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	static const char *const ck[] = { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal" };
	static const int cslot[] = { R_CPU_USER, R_CPU_NICE, R_CPU_SYS, R_CPU_IDLE, R_CPU_IOWAIT, R_CPU_IRQ,
				     R_CPU_SOFTIRQ, R_CPU_STEAL };
	for (int k = 7; k >= 0; k--)
		if (!strcmp(name, ck[k]))
			return cslot[k];
	return -1;
}

static int stat_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	return !strcmp(name, "procs_running") ? R_PROCS_RUN : -1;
}

/* CPU shares over the interval, from the "cpu" line of /proc/stat. */
static void derive_cpu(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo;
	static const int cs[] = { R_CPU_USER, R_CPU_NICE, R_CPU_SYS, R_CPU_IDLE, R_CPU_IOWAIT, R_CPU_IRQ, R_CPU_SOFTIRQ, R_CPU_STEAL };
	double d[8], tot = 0;
	bool ok = dt > 0;
	for (int k = 0; k < 8 && ok; k++) {
		if (!r->has[cs[k]]) {
			d[k] = 0; /* old kernels print fewer columns */
			continue;
		}
		ok = r->phas[cs[k]] && r->raw[cs[k]] >= r->prev[cs[k]];
		d[k] = ok ? (double)(r->raw[cs[k]] - r->prev[cs[k]]) : 0;
		tot += d[k];
	}
	if (ok && tot > 0) {
		row[M_CPU_USR] = 100 * (d[0] + d[1]) / tot;
		row[M_CPU_SYS] = 100 * (d[2] + d[5] + d[6]) / tot;
		row[M_CPU_IDLE] = 100 * d[3] / tot;
		row[M_CPU_IOWAIT] = 100 * d[4] / tot;
		row[M_CPU_STEAL] = 100 * d[7] / tot;
	}
}

static void derive_stat(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_PROCS_RUN] = val(r, R_PROCS_RUN, 1);
}

const struct feed feed_cpu = {
	.source = "cpu",
	.open = cpu_open,
	.meaning = cpu_meaning,
	.take = take_raw,
	.derive = derive_cpu,
};

const struct feed feed_stat = {
	.source = "stat",
	.meaning = stat_meaning,
	.take = take_raw,
	.derive = derive_stat,
};
