/* feed_meminfo.c - /proc/meminfo: memory levels, MemAvailable
 * computed as the kernel does on kernels before 3.14. */
#include "reading.h"

#include <math.h>

static const struct kv meminfo_keys[] = {
	{ "MemTotal", R_MEMTOTAL }, { "MemFree", R_MEMFREE }, { "MemAvailable", R_MEMAVAIL },
	{ "Buffers", R_BUFFERS }, { "Cached", R_CACHED }, { "Shmem", R_SHMEM }, { "Slab", R_SLAB },
	{ "SReclaimable", R_SRECL }, { "SUnreclaim", R_SUNRECL }, { "AnonPages", R_ANON },
	{ "Dirty", R_DIRTY }, { "Writeback", R_WRITEBACK }, { "SwapTotal", R_SWAPTOTAL },
	{ "SwapFree", R_SWAPFREE }, { "Active(file)", R_ACTFILE }, { "Inactive(file)", R_INACTFILE },
};

static int meminfo_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)inst;
	return ktab_get(&r->mem, name);
}

/* MemAvailable as the kernel has computed it since 3.14 (si_mem_available),
 * for the kernels before, with the low watermark approximated as
 * MemTotal/256 (zoneinfo is not recorded). */
static double mem_available_before_3_14(const struct rd *r)
{
	double low = (double)r->raw[R_MEMTOTAL] / 256;
	double pc = r->has[R_ACTFILE] ? (double)(r->raw[R_ACTFILE] + r->raw[R_INACTFILE])
				      : (double)(r->raw[R_CACHED] + r->raw[R_BUFFERS]) - (double)r->raw[R_SHMEM];
	double sr = (double)r->raw[R_SRECL];
	double a = (double)r->raw[R_MEMFREE] - low + pc - fmin(pc / 2, low) + sr - fmin(sr / 2, low);
	return a < 0 ? 0 : a;
}

static void derive_meminfo(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_MEMTOTAL] = val(r, R_MEMTOTAL, 1);
	row[M_MEMFREE] = val(r, R_MEMFREE, 1);
	if (r->has[R_MEMAVAIL])
		row[M_MEMAVAIL] = val(r, R_MEMAVAIL, 1);
	else if (r->has[R_MEMFREE] && r->has[R_MEMTOTAL])
		row[M_MEMAVAIL] = mem_available_before_3_14(r);
	row[M_CACHED] = val(r, R_CACHED, 1);
	row[M_SHMEM] = val(r, R_SHMEM, 1);
	row[M_SLAB] = val(r, R_SLAB, 1);
	row[M_SUNRECL] = val(r, R_SUNRECL, 1);
	row[M_ANON] = val(r, R_ANON, 1);
	row[M_DIRTY] = val(r, R_DIRTY, 1);
	row[M_WRITEBACK] = val(r, R_WRITEBACK, 1);
	if (r->has[R_SWAPTOTAL] && r->has[R_SWAPFREE])
		row[M_SWAPUSED] = (double)r->raw[R_SWAPTOTAL] - (double)r->raw[R_SWAPFREE];
}

static void meminfo_init(struct rd *r)
{
	ktab_init(&r->mem, meminfo_keys, sizeof meminfo_keys / sizeof *meminfo_keys);
}

const struct feed feed_meminfo = {
	.source = "meminfo",
	.meaning = meminfo_meaning,
	.take = take_raw,
	.derive = derive_meminfo,
	.init = meminfo_init,
};
