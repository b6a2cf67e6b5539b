/* detect_swap.c - swap-thrash: pages go to and from swap at a high rate. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>

int detect_swap(const struct actx *c, struct finding *f)
{
	double h = hmean(c, M_PSWPIN) + hmean(c, M_PSWPOUT);
	double in = fmean(c, M_PSWPIN), out = fmean(c, M_PSWPOUT), fv = in + out;
	if (fv < 100 || (!c->w.trend && fv < 5 * h))
		return 0;
	f->score = 0.45 + 0.4 * fmin(1, fv / 2000);
	char hw[32];
	snprintf(f->summary, sizeof f->summary, "swapping %.0f pages/s in and %.0f out%s", in, out,
		 healthy_words(c, hw, sizeof hw, " (healthy: %.0f)", h));
	add_ev(f, "pswpin_ps", hmean(c, M_PSWPIN), in, "pages/s");
	add_ev(f, "pswpout_ps", hmean(c, M_PSWPOUT), out, "pages/s");
	add_ev(f, "swapused_kb", hmean(c, M_SWAPUSED), fmax_(c, M_SWAPUSED), "kB");
	return 1;
}
