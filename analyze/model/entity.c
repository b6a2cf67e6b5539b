/* entity.c - per-entity series in time buckets: made, grown, halved
 * when the capture outgrows MODEL_NB buckets. */
#include "reading.h"
#include "tidy.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ entities */

int ent_nfields(enum ent_kind k)
{
	return ent_nf(k);
}

static bool field_is_max(enum ent_kind k, int f)
{
	return (k == ENT_PROC && (f == PF_RSS_MAX || f == PF_HWM_MAX)) || (k == ENT_CGROUP && f == CF_LIMIT) ||
	       (k == ENT_MOUNT && f == MF_TOTAL_MAX);
}

int ent_new(struct model *mo, enum ent_kind kind, const char *name, int sample)
{
	if (mo->nents == mo->ents_cap) {
		size_t nc = mo->ents_cap ? mo->ents_cap * 2 : 256;
		mo->ents = xrealloc(mo->ents, nc * sizeof *mo->ents);
		mo->ents_cap = nc;
	}
	struct entity *e = &mo->ents[mo->nents];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	snprintf(e->name, sizeof e->name, "%s", name ? name : "");
	text_tidy(e->name);
	e->first_sample = e->last_sample = sample;
	return (int)mo->nents++;
}

float *ent_grow(struct entity *e, uint32_t b)
{
	int nf = ent_nfields(e->kind);
	if (!e->n) {
		e->b0 = b;
	} else if (b < e->b0) {
		/* a main thread's deferred samples (task_flush) land before
		 * what its threads already wrote */
		uint32_t add = e->b0 - b, nn = e->n + add;
		if (nn > e->cap) {
			e->v = xrealloc(e->v, (size_t)nn * nf * sizeof *e->v);
			e->cap = nn;
		}
		memmove(e->v + (size_t)add * nf, e->v, (size_t)e->n * nf * sizeof *e->v);
		memset(e->v, 0, (size_t)add * nf * sizeof *e->v);
		e->b0 = b;
		e->n = nn;
	}
	uint32_t need = b - e->b0 + 1;
	if (need > e->cap) {
		uint32_t nc = e->cap ? e->cap * 2 : 8;
		while (nc < need)
			nc *= 2;
		if (nc > MODEL_NB + 1)
			nc = need > MODEL_NB + 1 ? need : MODEL_NB + 1;
		e->v = xrealloc(e->v, (size_t)nc * nf * sizeof *e->v);
		e->cap = nc;
	}
	if (need > e->n) {
		memset(e->v + (size_t)e->n * nf, 0, (size_t)(need - e->n) * nf * sizeof *e->v);
		e->n = need;
	}
	return e->v + (size_t)(b - e->b0) * nf;
}

/* Pairs of buckets become one: sums added, maxima kept.  A pair with one
 * side outside the range held is that side alone. */
/* Four floats added as one: the halving's sums, the same IEEE additions
 * lane by lane, in a quarter of the instructions. */
typedef float f4 __attribute__((vector_size(16)));
_Static_assert(PF_COUNT < 16 && CF_COUNT < 16 && MF_COUNT < 16 && DF_COUNT < 16, "halve_pairs adds at most 12 + 3");

static inline void add4(float *o, const float *x, const float *y)
{
	f4 a, b;
	memcpy(&a, x, sizeof a);
	memcpy(&b, y, sizeof b);
	a += b;
	memcpy(o, &a, sizeof a);
}

/* Pair j of a halving: bucket j from buckets 2j - odd and 2j - odd + 1,
 * both held: sums added, maxima kept (m0, m1; -1 for none).  nf and the
 * max fields are constants where it is called, so the compiler unrolls
 * it.  Bucket j is the pair's first or lies wholly before the pair, so
 * four floats may be written as soon as they are read; the maxima are
 * read first. */
static inline void halve_pairs(float *v, uint32_t j0, uint32_t j1, uint32_t odd, const int nf, const int m0,
			       const int m1)
{
	for (uint32_t j = j0; j < j1; j++) {
		const float *x = v + (size_t)(2 * j - odd) * nf, *y = x + nf;
		float *o = v + (size_t)j * nf;
		float x0 = m0 >= 0 ? (x[m0] > y[m0] ? x[m0] : y[m0]) : 0;
		float x1 = m1 >= 0 ? (x[m1] > y[m1] ? x[m1] : y[m1]) : 0;
		/* unrolled by hand: gcc -O2 keeps a loop of three */
		if (nf >= 4)
			add4(o, x, y);
		if (nf >= 8)
			add4(o + 4, x + 4, y + 4);
		if (nf >= 12)
			add4(o + 8, x + 8, y + 8);
		for (int f = nf / 4 * 4; f < nf; f++)
			o[f] = x[f] + y[f];
		if (m0 >= 0)
			o[m0] = x0;
		if (m1 >= 0)
			o[m1] = x1;
	}
}

static void ent_halve(struct entity *e)
{
	if (!e->n)
		return;
	int nf = ent_nfields(e->kind);
	uint32_t nb0 = e->b0 / 2, last = (e->b0 + e->n - 1) / 2, nn = last - nb0 + 1;
	int maxf[2], nmax = 0; /* the max fields: at most two in any kind */
	for (int f = 0; f < nf; f++)
		if (field_is_max(e->kind, f))
			maxf[nmax++] = f;
	/* Only the first and the last pair may have one side outside the
	 * range held; the pairs between go through halve_pairs, a third of
	 * the instructions of this loop (compaction was a tenth of a replay). */
	uint32_t odd = e->b0 & 1, mid0 = 1, mid1 = nn > 1 ? nn - 1 : 1;
	for (uint32_t j = 0; j < nn; j++) {
		if (j == mid0 && mid0 < mid1) {
			switch (e->kind) {
			case ENT_PROC:
				halve_pairs(e->v, mid0, mid1, odd, PF_COUNT, PF_RSS_MAX, PF_HWM_MAX);
				break;
			case ENT_CGROUP:
				halve_pairs(e->v, mid0, mid1, odd, CF_COUNT, CF_LIMIT, -1);
				break;
			case ENT_MOUNT:
				halve_pairs(e->v, mid0, mid1, odd, MF_COUNT, MF_TOTAL_MAX, -1);
				break;
			case ENT_DWAIT:
				halve_pairs(e->v, mid0, mid1, odd, DF_COUNT, -1, -1);
				break;
			}
			j = mid1 - 1;
			continue;
		}
		const float *x = ent_bucket(e, 2 * (nb0 + j), nf), *y = ent_bucket(e, 2 * (nb0 + j) + 1, nf);
		/* j <= index of its children: writing in place is safe going
		 * up, field by field, once the maxima are read */
		float *o = e->v + (size_t)j * nf;
		if (x && y) {
			float mx[2];
			for (int m = 0; m < nmax; m++)
				mx[m] = x[maxf[m]] > y[maxf[m]] ? x[maxf[m]] : y[maxf[m]];
			for (int f = 0; f < nf; f++)
				o[f] = x[f] + y[f];
			for (int m = 0; m < nmax; m++)
				o[maxf[m]] = mx[m];
		} else {
			const float *src = x ? x : y;
			for (int f = 0; f < nf; f++)
				o[f] = src[f];
		}
	}
	e->b0 = nb0;
	e->n = nn;
}

void compact_all(struct model *mo)
{
	for (size_t i = 0; i < mo->nents; i++)
		ent_halve(&mo->ents[i]);
	mo->bw *= 2;
}
