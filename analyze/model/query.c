/* query.c - what later stages ask of a model: sums and maxima of an
 * entity over samples, means and extremes of a metric over a window. */
#include "reading.h"

#include <math.h>

/* ------------------------------------------------------------ queries */

static void bucket_range(const struct model *mo, int a, int b, uint32_t *ba, uint32_t *bb)
{
	*ba = (uint32_t)(a / mo->bw);
	*bb = (uint32_t)((b - 1) / mo->bw);
}

double ent_sum(const struct model *mo, const struct entity *e, int f, int a, int b)
{
	if (b <= a)
		return 0;
	uint32_t ba, bb;
	bucket_range(mo, a, b, &ba, &bb);
	int nf = ent_nfields(e->kind);
	double s = 0;
	for (uint32_t k = ba; k <= bb; k++) {
		const float *p = ent_bucket(e, k, nf);
		if (p)
			s += p[f];
	}
	return s;
}

double ent_max(const struct model *mo, const struct entity *e, int f, int a, int b)
{
	if (b <= a)
		return 0;
	uint32_t ba, bb;
	bucket_range(mo, a, b, &ba, &bb);
	int nf = ent_nfields(e->kind);
	double m = 0;
	for (uint32_t k = ba; k <= bb; k++) {
		const float *p = ent_bucket(e, k, nf);
		if (p && p[f] > m)
			m = p[f];
	}
	return m;
}

double win_mean(const struct model *mo, int k, int a, int b)
{
	double s = 0;
	int n = 0;
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		double x = M(mo, i, k);
		if (!isnan(x)) {
			s += x;
			n++;
		}
	}
	return n ? s / n : NAN;
}

double win_max(const struct model *mo, int k, int a, int b)
{
	double m = NAN;
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		double x = M(mo, i, k);
		if (!isnan(x) && (isnan(m) || x > m))
			m = x;
	}
	return m;
}

double win_min(const struct model *mo, int k, int a, int b)
{
	double m = NAN;
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		double x = M(mo, i, k);
		if (!isnan(x) && (isnan(m) || x < m))
			m = x;
	}
	return m;
}

int model_index_at(const struct model *mo, double t)
{
	int lo = 0, hi = mo->nsamples;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (mo->t[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
