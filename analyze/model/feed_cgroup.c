/* feed_cgroup.c - cgroup memory controllers (v1 and v2) into cgroup
 * entities: usage, limit, file, anon, shmem, fault and reclaim counts, PSI. */
#include "reading.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

/* A cgroup's counters: v1 names mapped to v2 meaning; hierarchical total_*
 * wins over the cgroup's own figure when both are printed. */
enum cgname {
	CG_NONE, CG_USAGE, CG_LIMIT, CG_TOT_CACHE, CG_FILE, CG_TOT_RSS, CG_ANON, CG_TOT_SHMEM, CG_SHMEM,
	CG_TOT_MAJ, CG_MAJ, CG_REFAULT, CG_PGSCAN, CG_PGSTEAL, CG_OOM, CG_PSI_MEM, CG_PSI
};

static int cg_code(const char *k)
{
	if (!strcmp(k, "usage")) return CG_USAGE;
	if (!strcmp(k, "limit")) return CG_LIMIT;
	if (!strcmp(k, "total_cache")) return CG_TOT_CACHE;
	if (!strcmp(k, "file") || !strcmp(k, "cache")) return CG_FILE;
	if (!strcmp(k, "total_rss")) return CG_TOT_RSS;
	if (!strcmp(k, "anon") || !strcmp(k, "rss")) return CG_ANON;
	if (!strcmp(k, "total_shmem")) return CG_TOT_SHMEM;
	if (!strcmp(k, "shmem")) return CG_SHMEM;
	if (!strcmp(k, "total_pgmajfault")) return CG_TOT_MAJ;
	if (!strcmp(k, "pgmajfault")) return CG_MAJ;
	if (!strcmp(k, "workingset_refault_file") || !strcmp(k, "workingset_refault") ||
	    !strcmp(k, "total_workingset_refault_file")) return CG_REFAULT;
	if (!strcmp(k, "pgscan")) return CG_PGSCAN;
	if (!strcmp(k, "pgsteal")) return CG_PGSTEAL;
	if (strstr(k, "oom_kill")) return CG_OOM;
	if (strstr(k, "some_avg10")) return strstr(k, "mem") ? CG_PSI_MEM : CG_PSI;
	return CG_NONE;
}

struct cgsample {
	uint64_t usage, limit, file, anon, psi, shmem;
	uint64_t cnt[5]; /* majflt refault pgscan pgsteal oom */
	bool tot_file, tot_anon, tot_maj, tot_shmem;
};

static void cg_one(struct cgsample *c, int code, uint64_t x)
{
	if (x == CAP_NA)
		return;
	switch (code) {
	case CG_USAGE: c->usage = x; break;
	case CG_LIMIT: c->limit = x; break;
	case CG_TOT_CACHE: c->file = x; c->tot_file = true; break;
	case CG_FILE: if (!c->tot_file) c->file = x; break;
	case CG_TOT_RSS: c->anon = x; c->tot_anon = true; break;
	case CG_ANON: if (!c->tot_anon) c->anon = x; break;
	case CG_TOT_SHMEM: c->shmem = x; c->tot_shmem = true; break;
	case CG_SHMEM: if (!c->tot_shmem) c->shmem = x; break;
	case CG_TOT_MAJ: c->cnt[0] = x; c->tot_maj = true; break;
	case CG_MAJ: if (!c->tot_maj) c->cnt[0] = x; break;
	case CG_REFAULT: c->cnt[1] = x; break;
	case CG_PGSCAN: c->cnt[2] = x; break;
	case CG_PGSTEAL: c->cnt[3] = x; break;
	case CG_OOM: c->cnt[4] = x; break;
	case CG_PSI_MEM: c->psi = x; break;
	case CG_PSI: if (c->psi == CAP_NA) c->psi = x; break;
	default: break;
	}
}

static const struct cgsample cg_empty = {
	CAP_NA, CAP_NA, CAP_NA, CAP_NA, CAP_NA, CAP_NA, { CAP_NA, CAP_NA, CAP_NA, CAP_NA, CAP_NA }, false, false, false, false
};

/* The index in r->cgs of cgroup INST, its entity made when new. */
static int cg_index(struct model *mo, struct rd *r, const char *inst)
{
	uint32_t id = intern(&r->st, inst);
	int *slot = map_slot(r, KEY_CG(id), true);
	if (*slot < 0) {
		if (r->ncgs == r->cgs_cap) {
			size_t nc = r->cgs_cap ? r->cgs_cap * 2 : 16;
			r->cgs = xrealloc(r->cgs, nc * sizeof *r->cgs);
			r->cgs_cap = nc;
		}
		int e = ent_new(mo, ENT_CGROUP, inst, mo->nsamples - 1);
		snprintf(mo->ents[e].name, sizeof mo->ents[e].name, "%s", inst);
		r->cgs[r->ncgs] = (struct cgstate){ .ent = e };
		*slot = (int)r->ncgs++;
	}
	return *slot;
}

static void cg_take(struct model *mo, struct rd *r, int csi, const struct cgsample *c)
{
	struct cgstate *cs = &r->cgs[csi];
	struct entity *e = &mo->ents[cs->ent];
	float *b = ent_at(mo, e, (uint32_t)((mo->nsamples - 1) / mo->bw));
	e->last_sample = mo->nsamples - 1;
	if (c->usage != CAP_NA) b[CF_USAGE_SUM] += (float)(c->usage / 1024);
	/* v1 prints "no limit" as a page-rounded LONG_MAX */
	if (c->limit != CAP_NA && c->limit < (1ull << 60))
		b[CF_LIMIT] = b[CF_LIMIT] > c->limit / 1024 ? b[CF_LIMIT] : (float)(c->limit / 1024);
	if (c->file != CAP_NA) b[CF_FILE_SUM] += (float)(c->file / 1024);
	if (c->anon != CAP_NA) b[CF_ANON_SUM] += (float)(c->anon / 1024);
	if (c->shmem != CAP_NA) b[CF_SHMEM_SUM] += (float)(c->shmem / 1024);
	if (c->psi != CAP_NA) b[CF_PSI_SUM] += (float)c->psi / 100.0f;
	b[CF_SAMPLES] += 1;
	static const int cf[5] = { CF_MAJFLT, CF_REFAULT, CF_PGSCAN, CF_PGSTEAL, CF_OOM };
	for (int k = 0; k < 5; k++) {
		if (c->cnt[k] != CAP_NA && cs->have && cs->prev[k] != CAP_NA && c->cnt[k] >= cs->prev[k])
			b[cf[k]] += (float)(c->cnt[k] - cs->prev[k]);
		cs->prev[k] = c->cnt[k];
	}
	cs->have = true;
}

static bool cgroup_open(struct model *mo, struct rd *r, const char *inst, int *aux)
{
	*aux = cg_index(mo, r, inst);
	return true;
}

static int cgroup_meaning(const struct rd *r, const char *name, const char *inst)
{
	(void)r, (void)inst;
	int c = cg_code(name);
	return c == CG_NONE ? -1 : c;
}

static void cgroup_take(struct model *mo, struct rd *r, const struct gplan *g, const uint64_t *v)
{
	struct cgsample c = cg_empty;
	for (size_t k = 0; k < g->nit; k++)
		cg_one(&c, g->it[k].what, v[g->it[k].i]);
	cg_take(mo, r, g->aux, &c);
}

const struct feed feed_cgroup = {
	.source = "cgroup",
	.open = cgroup_open,
	.meaning = cgroup_meaning,
	.take = cgroup_take,
};
