/* query.c - what later stages ask of a model: sums and maxima of an
 * entity over samples, means and extremes of a metric over a window. */
#include "reading.h"

#include <math.h>

/* ------------------------------------------------------------ queries */

/* The sum or the largest of field f over the buckets that hold samples
 * [a, b): one walk for both; 0 over an empty range or no bucket. */
static double ent_fold(const struct model *mo, const struct entity *e, int f, int a, int b, bool max)
{
	if (b <= a)
		return 0;
	uint32_t ba = (uint32_t)(a / mo->bw), bb = (uint32_t)((b - 1) / mo->bw);
	int nf = ent_nfields(e->kind);
	double r = 0;
	for (uint32_t k = ba; k <= bb; k++) {
		const float *p = ent_bucket(e, k, nf);
		if (p && !max)
			r += p[f];
		else if (p && p[f] > r)
			r = p[f];
	}
	return r;
}

double ent_sum(const struct model *mo, const struct entity *e, int f, int a, int b)
{
	return ent_fold(mo, e, f, a, b, false);
}

double ent_max(const struct model *mo, const struct entity *e, int f, int a, int b)
{
	return ent_fold(mo, e, f, a, b, true);
}

/* The analysis asks for the means of many windows: one bound and a
 * pointer that steps a row at a time, for the same sum in the same order. */
double win_mean(const struct model *mo, int k, int a, int b)
{
	double s = 0;
	int n = 0;
	int i0 = a < 0 ? 0 : a, i1 = b < mo->nsamples ? b : mo->nsamples;
	if (i0 >= i1)
		return NAN;
	const double *p = mo->m + (size_t)i0 * M_COUNT + k, *end = p + (size_t)(i1 - i0) * M_COUNT;
	for (; p != end; p += M_COUNT) {
		double x = *p;
		if (!isnan(x)) {
			s += x;
			n++;
		}
	}
	return n ? s / n : NAN;
}

/* win_mean of every metric over samples [a, b), in one pass over the
 * rows: a sample is one row of M_COUNT doubles, and a pass per metric
 * reads one cache line per value.  The sums are added in win_mean's order,
 * so the means are the same to the bit. */
void metric_means(const struct model *mo, int a, int b, double *m)
{
	double s[M_COUNT] = { 0 };
	int n[M_COUNT] = { 0 };
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		const double *row = &mo->m[(size_t)i * M_COUNT];
		for (int k = 0; k < M_COUNT; k++) {
			if (!isnan(row[k])) {
				s[k] += row[k];
				n[k]++;
			}
		}
	}
	for (int k = 0; k < M_COUNT; k++)
		m[k] = n[k] ? s[k] / n[k] : NAN;
}

/* The largest (sign > 0) or smallest (sign < 0) known value of metric k
 * over samples [a, b), NaN when none is known. */
static double win_extreme(const struct model *mo, int k, int a, int b, int sign)
{
	double m = NAN;
	for (int i = a < 0 ? 0 : a; i < b && i < mo->nsamples; i++) {
		double x = M(mo, i, k);
		if (!isnan(x) && (isnan(m) || (sign > 0 ? x > m : x < m)))
			m = x;
	}
	return m;
}

double win_max(const struct model *mo, int k, int a, int b)
{
	return win_extreme(mo, k, a, b, 1);
}

double win_min(const struct model *mo, int k, int a, int b)
{
	return win_extreme(mo, k, a, b, -1);
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
