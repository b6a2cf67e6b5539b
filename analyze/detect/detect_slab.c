/* detect_slab.c - slab-growth: kernel slab grows until memory runs short.
 * SUnreclaim growth points at a kernel leak; SReclaimable at caches the
 * shrinkers should have trimmed. */
#include "analysis.h"

#include <math.h>
#include <stdio.h>

int detect_slab(const struct actx *c, struct finding *f)
{
	double h = hmean(c, M_SLAB), fv = fmax_(c, M_SLAB), grow = fv - h;
	double avail = fmean(c, M_MEMAVAIL);
	if (c->memtotal_kb <= 0 || grow < fmax(32 * 1024, 0.08 * c->memtotal_kb) || avail / c->memtotal_kb >= 0.15)
		return 0;
	double share = grow / c->memtotal_kb, hu = hmean(c, M_SUNRECL), fu = fmax_(c, M_SUNRECL);
	f->score = 0.5 + 0.45 * fmin(1, share / 0.3);
	char a[32], b[32], g[32];
	snprintf(f->summary, sizeof f->summary, "kernel slab grew from %s to %s (+%s, %.0f%% of RAM; %s unreclaimable)",
		 fmt_kb(h, a, sizeof a), fmt_kb(fv, b, sizeof b), fmt_kb(grow, g, sizeof g), 100 * share,
		 fu - hu > grow / 2 ? "mostly" : "partly");
	add_ev(f, "slab_kb", h, fv, "kB");
	add_ev(f, "sunreclaim_kb", hu, fu, "kB");
	add_ev(f, "memavailable_kb", hmean(c, M_MEMAVAIL), avail, "kB");
	detail_add(f, "see which cache grows with slabtop or /proc/slabinfo on the device");
	return 1;
}
