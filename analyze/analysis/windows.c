/* windows.c - the health signal and the healthy / faulty windows.
 *
 * Health signal ("stress", 0 = calm, 1 = sick), per sample, the largest of:
 *   iowait% / 40            PSI io some avg10 / 40     PSI memory some / 10
 *   tasks in D / (2 x CPUs) kswapd CPU% / 40          (majflt + refault)/s / 500
 *   (swap in + out)/s / 500 busiest disk util% / 110
 *   MemAvailable short: (10% - avail/total) / 7%
 *   run queue: (runnable / CPUs) / 3, only when idle + iowait < 10%
 * each clipped to 0..1, then smoothed by a centred moving mean over
 * max(3, samples/200) samples.  No single counter decides: a thrash that
 * shows few major faults still shows refaults, PSI and D states.
 *
 * Faulty window: of the runs where stress >= 0.5 (runs closer than
 * max(5, samples/100) samples are merged), the one with the largest
 * stress sum.  Healthy window: the longest run before it where stress
 * < 0.25.  No such run: the capture began after the fault; the report then
 * compares the faulty window with its own first tenth ("trend").
 */
#include "analysis.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAULT_T 0.5
#define CALM_T 0.25
/* the recorder's own start: PSI carried over, its first walk faulting
 * cold pages in */
#define WARMUP_S 10.0

static double clip(double x) { return isnan(x) ? 0 : x < 0 ? 0 : x > 1 ? 1 : x; }

/* One sample's signal; firm: only what the recorder's start cannot fake
 * (no PSI, no fault rates), to tell warm-up from a fault. */
static double sample_signal(const struct model *mo, int i, bool firm)
{
	double ncpu = mo->hdr.ncpu ? mo->hdr.ncpu : 1;
	double s = 0, x;
	s = fmax(s, clip(M(mo, i, M_CPU_IOWAIT) / 40));
	/* PSI avg10 is a 10 s decaying average: once a stall ends it falls
	 * by ~18% every 2 s, and at a capture's start it carries what came
	 * before.  A falling figure is the past, not this sample. */
	if (!firm) {
		int j = model_index_at(mo, mo->t[i] - 2.0);
		if (j < i && mo->t[i] - mo->t[j] >= 1.5) {
			double io = M(mo, i, M_PSI_IO), pi = M(mo, j, M_PSI_IO);
			double me = M(mo, i, M_PSI_MEM), pm = M(mo, j, M_PSI_MEM);
			if (!(io < 0.9 * pi))
				s = fmax(s, clip(io / 40));
			if (!(me < 0.9 * pm))
				s = fmax(s, clip(me / 10));
		}
	}
	s = fmax(s, clip(M(mo, i, M_TASKS_D) / (2 * ncpu)));
	s = fmax(s, clip(M(mo, i, M_KSWAPD_CPU) / 40));
	x = (isnan(M(mo, i, M_MAJFLT)) ? 0 : M(mo, i, M_MAJFLT)) + (isnan(M(mo, i, M_REFAULT)) ? 0 : M(mo, i, M_REFAULT));
	if (!firm)
		s = fmax(s, clip(x / 500));
	x = (isnan(M(mo, i, M_PSWPIN)) ? 0 : M(mo, i, M_PSWPIN)) + (isnan(M(mo, i, M_PSWPOUT)) ? 0 : M(mo, i, M_PSWPOUT));
	s = fmax(s, clip(x / 500));
	s = fmax(s, clip(M(mo, i, M_DISK_UTIL) / 110));
	double tot = M(mo, i, M_MEMTOTAL), av = M(mo, i, M_MEMAVAIL);
	if (tot > 0 && !isnan(av))
		s = fmax(s, clip((0.10 - av / tot) / 0.07));
	double idle = M(mo, i, M_CPU_IDLE) + M(mo, i, M_CPU_IOWAIT);
	double run = isnan(M(mo, i, M_PROCS_RUN)) ? M(mo, i, M_TASKS_R) : M(mo, i, M_PROCS_RUN);
	if (!isnan(idle) && idle < 10)
		s = fmax(s, clip(run / ncpu / 3));
	return s;
}

void windows_signal(struct model *mo)
{
	int n = mo->nsamples;
	if (!n)
		return;
	double *raw = xcalloc((size_t)n, sizeof *raw);
	for (int i = 0; i < n; i++)
		raw[i] = sample_signal(mo, i, false);
	int h = (n / 200 > 3 ? n / 200 : 3) / 2;
	double sum = 0;
	int lo = 0, hi = -1;
	for (int i = 0; i < n; i++) {
		while (hi < i + h && hi + 1 < n)
			sum += raw[++hi];
		while (lo < i - h)
			sum -= raw[lo++];
		mo->m[(size_t)i * M_COUNT + M_STRESS] = sum / (hi - lo + 1);
	}
	free(raw);
}

struct run { int a, b; double sum; };

static int runs(const struct model *mo, int a, int b, bool high, int merge, struct run *out, int max)
{
	int nr = 0;
	for (int i = a; i < b;) {
		double s = M(mo, i, M_STRESS);
		if (high ? s < FAULT_T : s >= CALM_T) {
			i++;
			continue;
		}
		int j = i;
		double sum = 0;
		while (j < b && (high ? M(mo, j, M_STRESS) >= FAULT_T : M(mo, j, M_STRESS) < CALM_T))
			sum += M(mo, j++, M_STRESS);
		if (nr && high && i - out[nr - 1].b <= merge) {
			out[nr - 1].b = j;
			out[nr - 1].sum += sum;
		} else if (nr < max) {
			out[nr++] = (struct run){ i, j, sum };
		}
		i = j;
	}
	return nr;
}

static struct window longest_calm(const struct model *mo, int a, int b)
{
	struct run r[4096];
	int n = runs(mo, a, b, false, 0, r, 4096);
	struct window w = { 0 };
	for (int k = 0; k < n; k++)
		if (r[k].b - r[k].a >= 3 && (!w.set || r[k].b - r[k].a > w.b - w.a))
			w = (struct window){ true, r[k].a, r[k].b };
	return w;
}

static struct window given(const struct model *mo, double a, double b)
{
	struct window w = { 0 };
	if (isnan(a))
		return w;
	w.a = model_index_at(mo, a);
	w.b = model_index_at(mo, b + 1e-9);
	if (w.b > w.a)
		w.set = true;
	return w;
}

void windows_choose(const struct model *mo, const struct model *baseline, const struct win_opts *o,
		    struct windows *w)
{
	int n = mo->nsamples;
	/* --from/--to: the automatic search, and its fallbacks, stay inside */
	bool range = o->hi > o->lo; /* zeroes (older callers) and NaN: the whole capture */
	int lo = range ? model_index_at(mo, o->lo) : 0;
	int hi = range ? model_index_at(mo, o->hi + 1e-9) : n;
	if (hi > n)
		hi = n;
	if (lo >= hi) {
		lo = 0;
		hi = n;
	}
	char *why = w->why;
	size_t wl = sizeof w->why;
	w->how = baseline ? "baseline" : "auto";
	w->trend = false;
	w->healthy = given(baseline ? baseline : mo, o->ha, o->hb);
	w->faulty = given(mo, o->fa, o->fb);
	if (!isnan(o->fa) && !w->faulty.set)
		snprintf(why, wl, "the --faulty range holds no samples; ");
	if ((w->healthy.set || w->faulty.set) && !baseline)
		w->how = "given";
	int merge = n / 100 > 5 ? n / 100 : 5;
	size_t off = strlen(why);
	bool found = false;     /* a stretch past the fault threshold */
	if (!w->faulty.set) {
		struct run r[4096];
		int nr = runs(mo, lo, hi, true, merge, r, 4096);
		int best = -1;
		/* a stretch that starts and ends inside the warm-up, with calm
		 * after it, is the recorder starting, not a fault */
		for (int k = 0; k < nr; k++) {
			bool warm = lo == 0 && r[k].b < n && mo->t[r[k].b] - mo->t[0] <= WARMUP_S &&
				    (k + 1 == nr || mo->t[r[k + 1].a] - mo->t[r[k].b] >= WARMUP_S);
			for (int i = r[k].a; warm && i < r[k].b; i++)
				warm = sample_signal(mo, i, true) < FAULT_T;
			if (warm)
				continue;
			if (best < 0 || r[k].sum > r[best].sum)
				best = k;
		}
		if (best >= 0) {
			w->faulty = (struct window){ true, r[best].a, r[best].b };
			found = true;
			off += (size_t)snprintf(why + off, wl - off,
					"faulty: the longest, worst stretch where the health signal is >= %.2f; ", FAULT_T);
		} else {
			w->faulty = (struct window){ true, lo, hi };
			off += (size_t)snprintf(why + off, wl - off,
					"no sample reaches the fault threshold (health signal %.2f): the whole capture is examined as 'faulty'; ",
					FAULT_T);
		}
	}
	if (off >= wl)
		off = wl - 1;
	if (!w->healthy.set) {
		if (baseline) {
			w->healthy = longest_calm(baseline, 0, baseline->nsamples);
			if (!w->healthy.set)
				w->healthy = (struct window){ true, 0, baseline->nsamples };
			off += (size_t)snprintf(why + off, wl - off, "healthy: the calmest stretch of the baseline capture");
		} else if (w->faulty.a == lo && w->faulty.b == hi && !found) {
			off += (size_t)snprintf(why + off, wl - off, "healthy: none needed (no fault found)");
		} else {
			w->healthy = longest_calm(mo, lo < w->faulty.a ? lo : 0, w->faulty.a);
			if (w->healthy.set)
				off += (size_t)snprintf(why + off, wl - off,
						"healthy: the longest stretch before it where the signal stays < %.2f", CALM_T);
			else
				off += (size_t)snprintf(why + off, wl - off,
						"healthy: none (the capture starts after the fault began); causes are ranked from trends inside the faulty window");
		}
	} else if (off < wl) {
		snprintf(why + off, wl - off, "healthy: as given");
	}
	if (!w->healthy.set)
		w->trend = true;
}
