/* feed_statfs.c - tmpfs and ramfs mounts (capture's "statfs" groups)
 * into mount entities. */
#include "reading.h"

#include <stdio.h>
#include <string.h>

/* A tmpfs or ramfs mount: its entity is named by the mount point. */
static bool statfs_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	if (!inst || !inst[0])
		return false;
	int *slot = map_slot(r, KEY_MNT(intern(&r->st, inst)), true);
	if (*slot < 0) {
		/* a long mount point differs from its siblings at its end */
		size_t l = strlen(inst), room = sizeof mo->ents[0].name - 1;
		char name[sizeof mo->ents[0].name];
		snprintf(name, sizeof name, "%s%s", l > room ? "..." : "", l > room ? inst + l - (room - 3) : inst);
		*slot = ent_new(mo, ENT_MOUNT, name, mo->nsamples - 1);
	}
	*aux = *slot;
	return true;
}

enum { STATFS_USED, STATFS_TOTAL };

static int statfs_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	return !strcmp(name, "used_kb") ? STATFS_USED : !strcmp(name, "total_kb") ? STATFS_TOTAL : -1;
}

static void statfs_take(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	(void)r;
	struct entity *e = &mo->ents[g->aux];
	float *b = ent_at(mo, e, (uint32_t)((mo->nsamples - 1) / mo->bw));
	e->last_sample = mo->nsamples - 1;
	b[MF_SEEN] += 1;
	for (size_t k = 0; k < g->nit; k++) {
		uint64_t x = v[g->it[k].i];
		if (x == CAP_NA)
			continue; /* ramfs, or tmpfs without a size: no count */
		if (g->it[k].what == STATFS_USED) {
			b[MF_USED_SUM] += (float)x;
			b[MF_N] += 1;
		} else if ((float)x > b[MF_TOTAL_MAX]) {
			b[MF_TOTAL_MAX] = (float)x;
		}
	}
}

const struct feed feed_statfs = {
	.source = "statfs",
	.open = statfs_open,
	.meaning = statfs_meaning,
	.take = statfs_take,
};
