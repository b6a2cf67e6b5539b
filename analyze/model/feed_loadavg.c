/* feed_loadavg.c - /proc/loadavg: the 1-minute load. */
#include "reading.h"

#include <string.h>

static int loadavg_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	return !strcmp(name, "load1") ? R_LOAD1 : -1;
}

static void derive_loadavg(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_LOAD1] = val(r, R_LOAD1, 0.01);
}

const struct feed feed_loadavg = {
	.source = "loadavg",
	.meaning = loadavg_meaning,
	.take = take_raw,
	.derive = derive_loadavg,
};
