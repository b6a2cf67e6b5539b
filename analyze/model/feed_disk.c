/* feed_disk.c - /proc/diskstats: per-disk rates and utilisation; the
 * whole disks summed (partitions, loop and ram devices are not counted twice). */
#include "reading.h"
#include "xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Partitions, loop, ram and zram devices are not "disks" for I/O load:
 * their traffic is already counted on the whole device (or is memory). */
static bool not_a_disk(const char *n)
{
	if (!strncmp(n, "loop", 4) || !strncmp(n, "ram", 3) || !strncmp(n, "zram", 4))
		return true;
	size_t l = strlen(n);
	if (!l || !isdigit((unsigned char)n[l - 1]))
		return false;
	size_t i = l;
	while (i && isdigit((unsigned char)n[i - 1]))
		i--;
	/* mmcblk0p1, nvme0n1p2: a 'p' after a digit before the number */
	if (i >= 2 && n[i - 1] == 'p' && isdigit((unsigned char)n[i - 2]))
		return true;
	/* sda1, vdb2, hda1, xvda1: letters then a number */
	if ((!strncmp(n, "sd", 2) || !strncmp(n, "vd", 2) || !strncmp(n, "hd", 2) || !strncmp(n, "xvd", 3)) &&
	    i > 2 && isalpha((unsigned char)n[i - 1]))
		return true;
	return false;
}

/* The index of disk NAME, added when new; -1 when there is no room. */
static int disk_index(struct model *mo, const char *name)
{
	int d;
	for (d = 0; d < mo->ndisks; d++)
		if (!strcmp(mo->disks[d].name, name))
			return d;
	if (mo->ndisks == 32)
		return -1;
	struct disk *k = &mo->disks[d];
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	k->partition = not_a_disk(k->name);
	size_t n = (size_t)(mo->cap_samples ? mo->cap_samples : 1);
	k->rps = xrealloc(NULL, n * sizeof(float));
	k->rmbps = xrealloc(NULL, n * sizeof(float));
	k->util = xrealloc(NULL, n * sizeof(float));
	k->wps = xrealloc(NULL, n * sizeof(float));
	k->wmbps = xrealloc(NULL, n * sizeof(float));
	for (int i = 0; i < mo->nsamples; i++)
		k->rps[i] = k->rmbps[i] = k->util[i] = k->wps[i] = k->wmbps[i] = NAN;
	mo->ndisks++;
	return d;
}

static const char *const disk_keys[5] = { "rd_ios", "rd_sectors", "wr_ios", "wr_sectors", "io_ticks" };

static bool disk_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	(void)r;
	return (*aux = disk_index(mo, inst)) >= 0;
}

static int disk_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	for (int k = 4; k >= 0; k--)
		if (!strcmp(name, disk_keys[k]))
			return k;
	return -1;
}

/* Kept until the sample ends: rates need the interval, known then. */
static void disk_take(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	(void)mo;
	uint64_t dv[5];
	int got = 0;
	for (size_t k = 0; k < g->nit; k++) {
		dv[g->it[k].what] = v[g->it[k].i];
		got |= 1 << g->it[k].what;
	}
	if (got != 31)
		return;
	memcpy(r->disk_cur[g->aux], dv, sizeof dv);
	r->disk_seen[g->aux] = 1;
}

/* One disk's rates of sample i, into its series and x[] (reads/s,
 * read MB/s, writes/s, write MB/s, % busy); false when its counters went
 * backwards. */
static bool disk_rates(struct disk *dk, const uint64_t *c, int i, double dt, double x[5])
{
	for (int f = 0; f < 5; f++)
		if (c[f] < dk->prev[f])
			return false;
	x[0] = (double)(c[0] - dk->prev[0]) / dt;
	x[1] = (double)(c[1] - dk->prev[1]) * 512 / 1e6 / dt;
	x[2] = (double)(c[2] - dk->prev[2]) / dt;
	x[3] = (double)(c[3] - dk->prev[3]) * 512 / 1e6 / dt;
	x[4] = (double)(c[4] - dk->prev[4]) / 10.0 / dt; /* io_ticks ms -> % */
	if (x[4] > 100)
		x[4] = 100;
	dk->rps[i] = (float)x[0];
	dk->rmbps[i] = (float)x[1];
	dk->wps[i] = (float)x[2];
	dk->wmbps[i] = (float)x[3];
	dk->util[i] = (float)x[4];
	dk->total_ios += (x[0] + x[2]) * dt;
	return true;
}

/* Every disk's rates; the sample's: the real disks summed, the busiest's
 * utilisation. */
static void derive_disk(struct model *mo, struct rd *r, double *row, double dt)
{
	int i = mo->nsamples - 1;
	double sum[4] = { 0 }, util = 0, x[5];
	bool any = false;
	for (int k = 0; k < mo->ndisks; k++) {
		struct disk *dk = &mo->disks[k];
		dk->rps[i] = dk->rmbps[i] = dk->util[i] = dk->wps[i] = dk->wmbps[i] = NAN;
		if (!r->disk_seen[k])
			continue;
		r->disk_seen[k] = 0;
		uint64_t *c = r->disk_cur[k];
		if (dk->have_prev && dt > 0 && disk_rates(dk, c, i, dt, x) && !dk->partition) {
			for (int f = 0; f < 4; f++)
				sum[f] += x[f];
			util = x[4] > util ? x[4] : util;
			any = true;
		}
		memcpy(dk->prev, c, sizeof dk->prev);
		dk->have_prev = true;
	}
	if (any) {
		row[M_DISK_RPS] = sum[0];
		row[M_DISK_RMBPS] = sum[1];
		row[M_DISK_WPS] = sum[2];
		row[M_DISK_WMBPS] = sum[3];
		row[M_DISK_UTIL] = util;
	}
}

const struct feed feed_disk = {
	.source = "disk",
	.open = disk_open,
	.meaning = disk_meaning,
	.take = disk_take,
	.derive = derive_disk,
};
