/* feed.c - groups to the model through the feed table: one row per
 * group source (feed_<source>.c), classified once per frame. */
#include "reading.h"
#include "xalloc.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ feeds */

/* Counters that are summed into raw slots as they come (the system-wide
 * sources): the code of a name is its slot. */
void take_raw(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	(void)mo;
	for (size_t k = 0; k < g->nit; k++) {
		uint64_t x = v[g->it[k].i];
		if (x != CAP_NA) {
			r->raw[g->it[k].what] += x;
			r->has[g->it[k].what] = true;
		}
	}
}

/* The feeds, one per group source, in the order their derivations run:
 * feed_<source>.c defines feed_<source>.  A new source is its file and
 * its line here. */
#define MODEL_FEEDS(X) \
	X(meminfo)     \
	X(vmstat)      \
	X(cpu)         \
	X(stat)        \
	X(loadavg)     \
	X(psi)         \
	X(disk)        \
	X(cgroup)      \
	X(statfs)

#define FEED_DECLARE(name) extern const struct feed feed_##name;
MODEL_FEEDS(FEED_DECLARE)
#define FEED_ROW(name) &feed_##name,
const struct feed *const model_feeds[] = { MODEL_FEEDS(FEED_ROW) };
const size_t model_nfeeds = sizeof model_feeds / sizeof model_feeds[0];

static const struct feed *feed_of(const char *source)
{
	for (size_t f = 0; f < model_nfeeds; f++)
		if (!strcmp(source, model_feeds[f]->source))
			return model_feeds[f];
	return NULL;
}

/* Sets up plan g for a group of this source and instance: which feed
 * takes it (NULL: nothing in it is used), its aux. */
static void plan_open(struct model *mo, struct rd *r, struct gplan *g, const struct cap_rec *rec)
{
	g->seen = g->nit = 0;
	g->aux = -1;
	g->f = feed_of(rec->u.group.source);
	if (g->f && g->f->open && !g->f->open(mo, r, rec->u.group.instance, &g->aux))
		g->f = NULL;
}

/* The plan of this group in this frame, made when it first comes. */
static struct gplan *plan_get(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	uint32_t src = rec->u.group.source_id, inst = rec->u.group.instance_id;
	for (size_t k = 0; k < r->ngp; k++) {
		size_t i = (r->gpcur + k) % r->ngp;
		if (r->gp[i].src == src && r->gp[i].inst == inst) {
			r->gpcur = i + 1;
			return &r->gp[i];
		}
	}
	if (r->ngp == r->gpcap) {
		size_t nc = r->gpcap ? r->gpcap * 2 : 32;
		r->gp = xrealloc(r->gp, nc * sizeof *r->gp);
		memset(r->gp + r->gpcap, 0, (nc - r->gpcap) * sizeof *r->gp);
		r->gpcap = nc;
	}
	struct gplan *g = &r->gp[r->ngp++];
	r->gpcur = r->ngp;
	g->src = src;
	g->inst = inst;
	plan_open(mo, r, g, rec);
	return g;
}

/* Classifies the names of the group not yet seen under plan g. */
static void plan_names(struct rd *r, struct gplan *g, const struct cap_rec *rec)
{
	for (size_t n = rec->u.group.n; g->seen < n; g->seen++) {
		int w = g->f ? g->f->meaning(r, rec->u.group.names[g->seen], rec->u.group.instance) : -1;
		if (w < 0)
			continue;
		if (g->nit == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 16;
			g->it = xrealloc(g->it, g->cap * sizeof *g->it);
		}
		g->it[g->nit++] = (struct gitem){ (uint32_t)g->seen, (int16_t)w };
	}
}

/* One group: through the frame's plan when the record carries name ids
 * (a capture file), through a plan of its own otherwise (JSON Lines). */
static __attribute__((noinline)) void feed_group_planned(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	struct gplan *g = &r->byname;
	if (rec->u.group.ids)
		g = plan_get(mo, r, rec);
	else
		plan_open(mo, r, g, rec);
	plan_names(r, g, rec);
	if (g->f)
		g->f->take(mo, r, g, rec->u.group.values);
}

/* Groups come in the same order every sample: nearly always the plan
 * after the last one is this group's, its names classified already.
 * That case is a few tests and a jump to the feed's take(), where the
 * way through plan_get and plan_names cost as much again. */
void feed_group(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	if (rec->u.group.ids && r->ngp) {
		size_t i = r->gpcur < r->ngp ? r->gpcur : 0; /* plan_get's first look */
		struct gplan *g = &r->gp[i];
		if (g->src == rec->u.group.source_id && g->inst == rec->u.group.instance_id &&
		    g->seen >= rec->u.group.n) {
			r->gpcur = i + 1;
			if (g->f)
				g->f->take(mo, r, g, rec->u.group.values);
			return;
		}
	}
	feed_group_planned(mo, r, rec);
}
