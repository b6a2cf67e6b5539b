/* feed_psi.c - /proc/pressure/{cpu,memory,io}: avg10 of some and full. */
#include "reading.h"

#include <string.h>

static bool psi_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	(void)mo, (void)r, (void)aux;
	return !strcmp(inst, "cpu") || !strcmp(inst, "memory") || !strcmp(inst, "io");
}

static int psi_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r;
	int some = !strcmp(inst, "cpu") ? R_PSI_CPU : !strcmp(inst, "memory") ? R_PSI_MEM : R_PSI_IO;
	if (!strcmp(name, "some_avg10"))
		return some;
	if (strcmp(name, "full_avg10") || some == R_PSI_CPU)
		return -1;
	return some == R_PSI_MEM ? R_PSI_MEM_FULL : R_PSI_IO_FULL;
}

static void derive_psi(struct model *mo, struct rd *r, double *row, double dt)
{
	(void)mo, (void)dt;
	row[M_PSI_CPU] = val(r, R_PSI_CPU, 0.01);
	row[M_PSI_MEM] = val(r, R_PSI_MEM, 0.01);
	row[M_PSI_MEM_FULL] = val(r, R_PSI_MEM_FULL, 0.01);
	row[M_PSI_IO] = val(r, R_PSI_IO, 0.01);
	row[M_PSI_IO_FULL] = val(r, R_PSI_IO_FULL, 0.01);
}

const struct feed feed_psi = {
	.source = "psi",
	.open = psi_open,
	.meaning = psi_meaning,
	.take = take_raw,
	.derive = derive_psi,
};
