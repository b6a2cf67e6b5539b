/* render_html.c - one self-contained page that tells the incident at a
 * glance: the verdict first, then charts on one shared time axis with the
 * windows shaded and the events marked, then the evidence.
 *
 * Everything is inline (CSS, SVG, a few lines of script for hover values);
 * the page reads the same without the script.  Every string that came from
 * the capture is escaped.  Long captures are drawn as min/max envelopes
 * around the mean, so a one-second peak survives the downsampling and a
 * one-hour, 1 Hz capture stays well under a megabyte. */
#include "html_assets.h"
#include "render.h"
#include "stackgroup.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* SVG geometry, in viewBox units; CSS scales the box to the page width. */
enum { VW = 1000, PL = 64, PR = 12, PW = VW - PL - PR, MAXPTS = 460 };

static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (((unsigned char)*s < 32 && *s != '\n' && *s != '\t') || *s == 127)
				fputc(' ', out);
			else
				fputc(*s, out);
		}
	}
}

/* at most n bytes of s, escaped, with an ellipsis when cut */
static void esc_cut(FILE *out, const char *s, size_t n)
{
	char buf[256];
	size_t l = strlen(s);
	if (l <= n || n >= sizeof buf) {
		esc(out, s);
		return;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	/* do not cut a UTF-8 sequence in half */
	while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
		buf[--n] = 0;
	if (n > 0 && (unsigned char)buf[n - 1] >= 0xc0)
		buf[--n] = 0;
	esc(out, buf);
	fputs("\xe2\x80\xa6", out);
}

/* Figures for people: no exponents, "n/a" for what was not measured. */
static void fig(char *buf, size_t n, double x)
{
	if (isnan(x))
		snprintf(buf, n, "n/a");
	else if (fabs(x) >= 1e7)
		snprintf(buf, n, "%.0fM", x / 1e6);
	else if (fabs(x) >= 100 || x == (long long)x)
		snprintf(buf, n, "%.0f", x);
	else if (fabs(x) >= 10)
		snprintf(buf, n, "%.1f", x);
	else
		snprintf(buf, n, "%.2f", x);
}

/* ------------------------------------------------------------ series */

struct ser {
	char name[96];
	const char *color;
	bool dash;
	int n;
	double *t, *v, *lo, *hi;   /* lo/hi NULL: no envelope (nothing merged) */
	double hmean, fmean;       /* over the windows, for the legend */
};

static const char *const palette[] = { "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf" };

struct page {
	FILE *out;
	const struct report *r;
	const struct model *mo;
	double tmax, w0;            /* capture span (s), wall clock of t = 0 (s) */
	double off;                 /* the time of day's offset from UTC (s), TZ when set */
	double ht0, ht1, ft0, ft1;  /* windows in seconds; NaN = none drawn */
	struct mark { double t; int kind; char label[264]; } *marks;
	int nmarks;
	int chart_id;
};

static void ser_free(struct ser *s)
{
	free(s->t);
	free(s->v);
	free(s->lo);
	free(s->hi);
	memset(s, 0, sizeof *s);
}

static void win_means(const struct page *pg, struct ser *s, const double *t, const double *v, int n)
{
	double hs = 0, fs = 0;
	int hn = 0, fn = 0;
	for (int i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (t[i] >= pg->ht0 && t[i] <= pg->ht1) {
			hs += v[i];
			hn++;
		}
		if (t[i] >= pg->ft0 && t[i] <= pg->ft1) {
			fs += v[i];
			fn++;
		}
	}
	s->hmean = hn ? hs / hn : NAN;
	s->fmean = fn ? fs / fn : NAN;
}

/* Raw points (t, v, optional per-point max) into at most MAXPTS drawn ones:
 * means, with the min and max of what was merged as an envelope. */
static void ser_from(const struct page *pg, struct ser *s, const double *t, const double *v, const double *vmax, int n)
{
	win_means(pg, s, t, v, n);
	int m = n <= MAXPTS ? n : MAXPTS;
	bool env = n > MAXPTS || vmax;
	s->t = xcalloc((size_t)m, sizeof(double));
	s->v = xcalloc((size_t)m, sizeof(double));
	s->lo = env ? xcalloc((size_t)m, sizeof(double)) : NULL;
	s->hi = env ? xcalloc((size_t)m, sizeof(double)) : NULL;
	int k = 0;
	for (int p = 0; p < m; p++) {
		int a = (int)((long long)p * n / m), b = (int)((long long)(p + 1) * n / m);
		double sum = 0, lo = INFINITY, hi = -INFINITY;
		int cnt = 0;
		for (int i = a; i < b; i++) {
			if (isnan(v[i]))
				continue;
			sum += v[i];
			cnt++;
			lo = v[i] < lo ? v[i] : lo;
			double h = vmax && !isnan(vmax[i]) && vmax[i] > v[i] ? vmax[i] : v[i];
			hi = h > hi ? h : hi;
		}
		s->t[k] = (t[a] + t[b - 1]) / 2;
		s->v[k] = cnt ? sum / cnt : NAN;
		if (env) {
			s->lo[k] = cnt ? lo : NAN;
			s->hi[k] = cnt ? hi : NAN;
		}
		k++;
	}
	s->n = k;
}

static void ser_metric(const struct page *pg, struct ser *s, int key, double scale, const char *name)
{
	const struct model *mo = pg->mo;
	int n = mo->nsamples;
	double *v = xcalloc((size_t)n, sizeof(double));
	for (int i = 0; i < n; i++)
		v[i] = M(mo, i, key) * scale;
	snprintf(s->name, sizeof s->name, "%s", name);
	ser_from(pg, s, mo->t, v, NULL, n);
	free(v);
}

/* A process's or cgroup's bucketed field: sum / count per bucket. */
static void ser_ent(const struct page *pg, struct ser *s, const struct entity *e, int fsum, int fcnt, int fmax,
		    double scale)
{
	const struct model *mo = pg->mo;
	int nf = ent_nfields(e->kind), nb = (mo->nsamples + mo->bw - 1) / mo->bw;
	double *t = xcalloc((size_t)nb, sizeof(double)), *v = xcalloc((size_t)nb, sizeof(double));
	double *mx = fmax >= 0 ? xcalloc((size_t)nb, sizeof(double)) : NULL;
	for (int k = 0; k < nb; k++) {
		int a = k * mo->bw, b = a + mo->bw < mo->nsamples ? a + mo->bw : mo->nsamples;
		t[k] = (mo->t[a] + mo->t[b - 1]) / 2;
		const float *p = ent_bucket(e, (uint32_t)k, nf);
		double c = !p ? 0 : fcnt >= 0 ? p[fcnt] : 1;
		v[k] = c > 0 ? p[fsum] / c * scale : NAN;
		if (mx)
			mx[k] = c > 0 ? p[fmax] * scale : NAN;
	}
	ser_from(pg, s, t, v, mx, nb);
	free(t);
	free(v);
	free(mx);
}

/* ------------------------------------------------------------ axes */

static double nice_step(double range, int ticks)
{
	double raw = range / ticks, p = pow(10, floor(log10(raw))), f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

static double x_of(const struct page *pg, double t)
{
	return PL + t / pg->tmax * PW;
}

static void rel(char *buf, size_t n, double t, double tmax)
{
	long s = lround(t);
	if (s < 0 || s > 100000000)
		s = 0;
	if (tmax < 600)
		snprintf(buf, n, "+%ld s", s);
	else if (tmax < 36000)
		snprintf(buf, n, "+%ld:%02ld", s / 60, s % 60);
	else
		snprintf(buf, n, "+%ldh%02ld", s / 3600, s / 60 % 60);
}

static void wallclock(char *buf, size_t n, double wall_s, bool secs)
{
	/* a hostile header's start time can be past what a uint64 of µs holds */
	if (!(wall_s >= 0 && wall_s < 1.8e13))
		wall_s = 0;
	fmt_wall((uint64_t)(wall_s * 1e6), buf, n, false);
	if (!secs && strlen(buf) == 8)
		buf[5] = 0;
}

/* Time ticks fall on round wall-clock times, labelled with the wall clock
 * (what logs and people say) and the offset from the start (what the
 * report's windows say). */
static void time_axis(const struct page *pg, int y0, int h, bool labels)
{
	static const double steps[] = { 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
					21600, 43200, 86400 };
	double step = steps[sizeof steps / sizeof *steps - 1];
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (pg->tmax / steps[i] <= 8) {
			step = steps[i];
			break;
		}
	/* A hostile capture can claim a span of centuries: past the longest
	 * step, stretch it so the axis still has at most 8 ticks, and count
	 * ticks rather than adding steps (which stop advancing at 1e16 s). */
	if (!isfinite(pg->tmax) || pg->tmax <= 0)
		return;
	if (pg->tmax / step > 8)
		step = ceil(pg->tmax / 8 / 86400) * 86400;
	double first = ceil((pg->w0 + pg->off) / step) * step - pg->off - pg->w0;
	if (!isfinite(first) || first < 0 || first > step)
		first = 0;
	for (int k = 0; k <= 9; k++) {
		double t = first + k * step;
		if (t > pg->tmax + 1e-9)
			break;
		double x = x_of(pg, t);
		fprintf(pg->out, "<line class=\"g\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x, y0, x, y0 + h);
		if (!labels)
			continue;
		char w[16], rr[24];
		wallclock(w, sizeof w, pg->w0 + t, step < 60);
		rel(rr, sizeof rr, t, pg->tmax);
		fprintf(pg->out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>"
				 "<text class=\"dim\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x, y0 + h + 13, w, x, y0 + h + 25, rr);
	}
}

static const char *const mark_class[] = { "mc", "mo", "ms", "mh", "mg", "mn" };
enum { MK_CULPRIT, MK_OOM, MK_SYSRQ, MK_HUNG, MK_GAP, MK_NOTE };

static void windows_and_marks(const struct page *pg, int y0, int h)
{
	if (!isnan(pg->ht0))
		fprintf(pg->out, "<rect class=\"wh\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", x_of(pg, pg->ht0), y0,
			x_of(pg, pg->ht1) - x_of(pg, pg->ht0) + 1, h);
	if (!isnan(pg->ft0))
		fprintf(pg->out, "<rect class=\"wf\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", x_of(pg, pg->ft0), y0,
			x_of(pg, pg->ft1) - x_of(pg, pg->ft0) + 1, h);
	for (int i = 0; i < pg->nmarks; i++) {
		double x = x_of(pg, pg->marks[i].t);
		fprintf(pg->out, "<line class=\"m %s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
			mark_class[pg->marks[i].kind], x, y0, x, y0 + h);
	}
}

/* One chart: a title naming the unit, a legend that shows the healthy and
 * faulty means (and the values under the pointer, with the script), then
 * the SVG.  All series share one y axis, so callers group by unit. */
static void chart(struct page *pg, const char *title, const char *unit, struct ser *s, int ns, int h)
{
	FILE *out = pg->out;
	double ymax = 0;
	bool any = false;
	for (int k = 0; k < ns; k++)
		for (int i = 0; i < s[k].n; i++) {
			double v = s[k].hi && !isnan(s[k].hi[i]) ? s[k].hi[i] : s[k].v[i];
			if (!isnan(v)) {
				any = true;
				ymax = v > ymax ? v : ymax;
			}
		}
	if (!any)
		return;
	if (ymax <= 0)
		ymax = 1;
	double ystep = nice_step(ymax, 4), ytop = ceil(ymax / ystep - 1e-9) * ystep;
	if (ytop <= 0)
		ytop = ystep;
	int T = 6, H = h, VH = T + H + 30, id = ++pg->chart_id;
	fprintf(out, "<figure class=\"chart\" id=\"c%d\">\n<figcaption><span class=\"ct\">", id);
	esc(out, title);
	fprintf(out, "</span> <span class=\"u\">(");
	esc(out, unit);
	fprintf(out, ")</span> <span class=\"tm\"></span><br>\n");
	for (int k = 0; k < ns; k++) {
		char a[32], b[32], d[96];
		fig(a, sizeof a, s[k].hmean);
		fig(b, sizeof b, s[k].fmean);
		if (isnan(pg->ht0))
			snprintf(d, sizeof d, "faulty %s", b);
		else
			snprintf(d, sizeof d, "healthy %s, faulty %s", a, b);
		fprintf(out, "<span class=\"k\"><i style=\"background:%s\"%s></i>", s[k].color, s[k].dash ? " class=\"d\"" : "");
		esc(out, s[k].name);
		fprintf(out, " <b data-d=\"%s\">%s</b></span>\n", d, d);
	}
	fprintf(out, "</figcaption>\n<svg class=\"ch\" viewBox=\"0 0 %d %d\" data-l=\"%d\" "
		     "data-pw=\"%d\" data-t=\"%.3f\" data-w0=\"%.0f\" data-top=\"%d\" data-h=\"%d\" role=\"img\">\n",
		VW, VH, PL, PW, pg->tmax, pg->w0, T, H);
	windows_and_marks(pg, T, H);
	for (double y = 0; y <= ytop + ystep / 2; y += ystep) {
		double py = T + H - y / ytop * H;
		char l[32];
		fig(l, sizeof l, y);
		fprintf(out, "<line class=\"g\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" "
			     "text-anchor=\"end\">%s</text>\n", PL, py, PL + PW, py, PL - 4, py + 4, l);
	}
	time_axis(pg, T, H, true);
	fprintf(out, "<rect class=\"fr\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", PL, T, PW, H);
	for (int k = 0; k < ns; k++) {
		const struct ser *q = &s[k];
		if (q->hi) { /* envelope: the hi edge forward, the lo edge back */
			fprintf(out, "<path fill=\"%s\" fill-opacity=\".22\" stroke=\"none\" d=\"", q->color);
			bool pen = false;
			for (int i = 0; i < q->n; i++) {
				if (isnan(q->hi[i])) {
					pen = false;
					continue;
				}
				fprintf(out, "%c%.1f %.1f", pen ? 'L' : 'M', x_of(pg, q->t[i]), T + H - q->hi[i] / ytop * H);
				pen = true;
				/* close a run when it ends */
				if (i + 1 == q->n || isnan(q->hi[i + 1])) {
					int j = i;
					while (j >= 0 && !isnan(q->lo[j])) {
						fprintf(out, "L%.1f %.1f", x_of(pg, q->t[j]), T + H - q->lo[j] / ytop * H);
						j--;
					}
					fputc('Z', out);
					pen = false;
				}
			}
			fprintf(out, "\"/>\n");
		}
		fprintf(out, "<polyline class=\"s\" fill=\"none\" stroke=\"%s\"%s points=\"", q->color,
			q->dash ? " stroke-dasharray=\"6 4\"" : "");
		for (int i = 0; i < q->n; i++)
			if (!isnan(q->v[i]))
				fprintf(out, "%.1f,%.1f ", x_of(pg, q->t[i]), T + H - q->v[i] / ytop * H);
		fprintf(out, "\" data-v=\"");
		bool first = true;
		for (int i = 0; i < q->n; i++)
			if (!isnan(q->v[i])) {
				char b[32];
				fig(b, sizeof b, q->v[i]);
				fprintf(out, "%s%s", first ? "" : " ", b);
				first = false;
			}
		fprintf(out, "\"/>\n");
	}
	fprintf(out, "<line class=\"hl\" x1=\"0\" y1=\"%d\" x2=\"0\" y2=\"%d\" visibility=\"hidden\"/>\n</svg>\n</figure>\n", T,
		T + H);
}

static void chart_metrics(struct page *pg, const char *title, const char *unit, const int *keys, const char *const *names,
			  int nk, double scale, int h)
{
	struct ser s[8];
	memset(s, 0, sizeof s);
	int ns = 0;
	for (int k = 0; k < nk && ns < 8; k++) {
		bool seen = false;
		for (int i = 0; i < pg->mo->nsamples && !seen; i++)
			seen = !isnan(M(pg->mo, i, keys[k]));
		if (!seen)
			continue;
		s[ns].color = palette[k % 7];
		ser_metric(pg, &s[ns++], keys[k], scale, names[k]);
	}
	if (ns)
		chart(pg, title, unit, s, ns, h);
	for (int k = 0; k < ns; k++)
		ser_free(&s[k]);
}

/* ------------------------------------------------------------ events */

static int mark_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* Events worth a marker: the culprits' starts and exits, kernel dumps,
 * OOM kills, hung tasks, gaps and recorder notes.  Several lines of one
 * dump (same kind, within a pixel or two) are one marker. */
static void collect_marks(struct page *pg)
{
	const struct model *mo = pg->mo;
	long pids[16];
	int np = report_pids(pg->r, pids, 16);
	pg->marks = xcalloc(mo->nevs, sizeof *pg->marks);
	for (size_t i = 0; i < mo->nevs; i++) {
		const struct event *e = &mo->evs[i];
		int kind;
		switch (e->kind) {
		case EV_TASK_START:
		case EV_TASK_EXIT: {
			bool mine = false;
			for (int k = 0; k < np; k++)
				mine |= pids[k] == (long)e->pid;
			if (!mine)
				continue;
			kind = MK_CULPRIT;
			break;
		}
		case EV_OOM: kind = MK_OOM; break;
		case EV_SYSRQ: kind = MK_SYSRQ; break;
		case EV_HUNG: kind = MK_HUNG; break;
		case EV_NOTE: kind = MK_NOTE; break;
		default: kind = MK_GAP; break;
		}
		int s = e->sample < mo->nsamples ? e->sample : mo->nsamples - 1;
		double t = s >= 0 ? mo->t[s] : 0;
		bool merged = false;
		for (int k = pg->nmarks - 1; k >= 0 && !merged; k--)
			if (pg->marks[k].kind == kind && fabs(pg->marks[k].t - t) * PW / pg->tmax < 3 && kind != MK_CULPRIT) {
				merged = true;
				/* an OOM report's kill line names the victim: keep that one */
				if (kind == MK_OOM && strstr(e->text, "Killed process"))
					snprintf(pg->marks[k].label, sizeof pg->marks[k].label, "%s", strstr(e->text, "Killed process"));
			}
		if (merged)
			continue;
		struct mark *m = &pg->marks[pg->nmarks++];
		m->t = t;
		m->kind = kind;
		const char *txt = e->text;
		if (kind == MK_OOM && strstr(txt, "Killed process"))
			txt = strstr(txt, "Killed process");
		snprintf(m->label, sizeof m->label, "%s", txt);
	}
	qsort(pg->marks, (size_t)pg->nmarks, sizeof *pg->marks, mark_cmp);
}

/* The strip above the charts: one labelled marker per event, labels
 * stacked in rows so that none hides another. */
static void event_strip(struct page *pg)
{
	FILE *out = pg->out;
	enum { ROWH = 14, MAXROWS = 6, CW = 6 };
	double end[MAXROWS];
	int row[256], nrow = 0, shown = pg->nmarks < 256 ? pg->nmarks : 256;
	for (int r = 0; r < MAXROWS; r++)
		end[r] = -1e9;
	for (int i = 0; i < shown; i++) {
		double x = x_of(pg, pg->marks[i].t);
		size_t len = strlen(pg->marks[i].label);
		double w = (double)(len < 40 ? len : 40) * CW + 8;
		bool right = x + w > VW;
		double a = right ? x - w : x, b = right ? x : x + w;
		row[i] = -1;
		for (int r = 0; r < MAXROWS; r++)
			if (end[r] < a) {
				row[i] = r;
				end[r] = b;
				if (r + 1 > nrow)
					nrow = r + 1;
				break;
			}
	}
	int H = (nrow ? nrow : 1) * ROWH + 8;
	fprintf(out, "<figure class=\"chart strip\">\n<figcaption><span class=\"ct\">Events</span> "
		     "<span class=\"k\"><i class=\"wh\"></i>healthy window</span> <span class=\"k\"><i class=\"wf\"></i>faulty window</span> "
		     "<span class=\"k\"><i class=\"mc\"></i>culprit</span> <span class=\"k\"><i class=\"mo\"></i>OOM kill</span> "
		     "<span class=\"k\"><i class=\"ms\"></i>sysrq / trigger</span> <span class=\"k\"><i class=\"mh\"></i>hung task</span> "
		     "<span class=\"k\"><i class=\"mg\"></i>gap / damage</span> <span class=\"k\"><i class=\"mn\"></i>recorder note</span>"
		     "</figcaption>\n<svg class=\"ev\" viewBox=\"0 0 %d %d\" role=\"img\">\n", VW, H + 30);
	windows_and_marks(pg, 0, H);
	time_axis(pg, 0, H, true);
	for (int i = 0; i < shown; i++) {
		if (row[i] < 0)
			continue;
		double x = x_of(pg, pg->marks[i].t);
		size_t len = strlen(pg->marks[i].label);
		bool right = x + (double)(len < 40 ? len : 40) * CW + 8 > VW;
		fprintf(out, "<text class=\"t%s\" x=\"%.1f\" y=\"%d\"%s>", mark_class[pg->marks[i].kind], right ? x - 3 : x + 3,
			row[i] * ROWH + 13, right ? " text-anchor=\"end\"" : "");
		esc_cut(out, pg->marks[i].label, 40);
		fprintf(out, "</text>\n");
	}
	fprintf(out, "</svg>\n</figure>\n");
}

/* ------------------------------------------------------------ sections */

/* The memory chart where it ran short: the culprit's memory cgroup when
 * it has a limit below RAM (primary), the machine then follows later;
 * otherwise the machine, with the culprit's RSS. */
static void memory_section(struct page *pg, bool primary)
{
	const struct report *r = pg->r;
	const struct model *mo = pg->mo;
	const struct finding *f = report_culprit(r);
	const struct entity *p = f ? model_proc(mo, f->pid, f->comm) : NULL;
	double lim = NAN;
	const struct entity *cg = p ? proc_memcg(mo, p, r->ctx.memtotal_kb, &lim) : NULL;
	struct ser s[8];
	memset(s, 0, sizeof s);
	int ns = 0;
	char title[200];
	if (!primary && !cg)
		return;
	if (cg && primary) {
		double sc = 1.0 / 1024;
		s[ns].color = palette[1];
		snprintf(s[ns].name, sizeof s[ns].name, "cgroup usage");
		ser_ent(pg, &s[ns++], cg, CF_USAGE_SUM, CF_SAMPLES, -1, sc);
		s[ns].color = palette[2];
		snprintf(s[ns].name, sizeof s[ns].name, "file (page cache)");
		ser_ent(pg, &s[ns++], cg, CF_FILE_SUM, CF_SAMPLES, -1, sc);
		s[ns].color = palette[3];
		snprintf(s[ns].name, sizeof s[ns].name, "anonymous");
		ser_ent(pg, &s[ns++], cg, CF_ANON_SUM, CF_SAMPLES, -1, sc);
		s[ns].color = "#888";
		s[ns].dash = true;
		snprintf(s[ns].name, sizeof s[ns].name, "limit");
		ser_ent(pg, &s[ns++], cg, CF_LIMIT, -1, -1, sc);
		s[ns].color = palette[0];
		snprintf(s[ns].name, sizeof s[ns].name, "RSS of %s (pid %ld)", f->comm, f->pid);
		ser_ent(pg, &s[ns++], p, PF_RSS_SUM, PF_ALIVE, PF_RSS_MAX, sc);
		char lb[32];
		snprintf(title, sizeof title, "Memory of cgroup %s, where %s runs (limit %s)", cg->name, f->comm,
			 fmt_kb(lim, lb, sizeof lb));
		chart(pg, title, "MB", s, ns, 170);
		for (int k = 0; k < ns; k++)
			ser_free(&s[k]);
		return;
	}
	/* the machine: its own chart, in GB when it has many */
	bool gb = r->ctx.memtotal_kb > 8 * 1048576.0;
	double sc = gb ? 1.0 / 1048576 : 1.0 / 1024;
	static const int keys[] = { M_MEMAVAIL, M_CACHED, M_ANON, M_SHMEM, M_MEMTOTAL };
	static const char *const names[] = { "MemAvailable", "Cached", "AnonPages", "Shmem", "MemTotal" };
	for (int k = 0; k < 5; k++) {
		bool seen = false;
		for (int i = 0; i < mo->nsamples && !seen; i++)
			seen = !isnan(M(mo, i, keys[k]));
		if (!seen)
			continue;
		s[ns].color = k == 4 ? "#888" : palette[(k + 1) % 7];
		s[ns].dash = k == 4;
		ser_metric(pg, &s[ns++], keys[k], sc, names[k]);
	}
	if (p && !cg) {
		s[ns].color = palette[0];
		snprintf(s[ns].name, sizeof s[ns].name, "RSS of %s (pid %ld)", f->comm, f->pid);
		ser_ent(pg, &s[ns++], p, PF_RSS_SUM, PF_ALIVE, PF_RSS_MAX, sc);
	}
	chart(pg, cg ? "Memory of the machine" : "Memory", gb ? "GB" : "MB", s, ns, cg ? 120 : 170);
	for (int k = 0; k < ns; k++)
		ser_free(&s[k]);
}

/* Small multiples: one little chart per process whose memory moved, on
 * the same time axis as the big ones. */
static void growers(struct page *pg)
{
	const struct entity *top[6];
	int n = report_mem_top(pg->r, top, 6);
	if (!n)
		return;
	FILE *out = pg->out;
	fprintf(out, "<h3>Processes whose memory grew most, then the biggest holders <span class=\"u\">(RSS, MB)</span></h3>\n"
		     "<div class=\"multi\">\n");
	for (int i = 0; i < n; i++) {
		struct ser s;
		memset(&s, 0, sizeof s);
		ser_ent(pg, &s, top[i], PF_RSS_SUM, PF_ALIVE, PF_RSS_MAX, 1.0 / 1024);
		double ymax = 0, first = NAN, last = NAN;
		for (int k = 0; k < s.n; k++) {
			double v = s.hi && !isnan(s.hi[k]) ? s.hi[k] : s.v[k];
			if (!isnan(v) && v > ymax)
				ymax = v;
			if (!isnan(s.v[k])) {
				first = isnan(first) ? s.v[k] : first;
				last = s.v[k];
			}
		}
		if (ymax <= 0)
			ymax = 1;
		char a[32], b[32], m[32];
		fig(a, sizeof a, first);
		fig(b, sizeof b, last);
		fig(m, sizeof m, ymax);
		fprintf(out, "<figure class=\"sm\"><figcaption><b>");
		esc(out, top[i]->name);
		/* the big charts' x geometry, a third of their width on the page:
		 * taller in viewBox units, with bigger text, to read the same */
		fprintf(out, "</b> pid %u: %s &rarr; %s MB, peak %s</figcaption>\n<svg class=\"smv\" viewBox=\"0 0 %d 230\" role=\"img\">\n",
			top[i]->pid, a, b, m, VW);
		windows_and_marks(pg, 4, 220);
		fprintf(out, "<rect class=\"fr\" x=\"%d\" y=\"4\" width=\"%d\" height=\"220\"/>\n", PL, PW);
		fprintf(out, "<text x=\"%d\" y=\"34\" text-anchor=\"end\">%s</text><text x=\"%d\" y=\"224\" text-anchor=\"end\">0</text>\n",
			PL - 6, m, PL - 6);
		fprintf(out, "<polyline class=\"s\" fill=\"none\" stroke=\"%s\" points=\"", palette[0]);
		for (int k = 0; k < s.n; k++)
			if (!isnan(s.v[k]))
				fprintf(out, "%.1f,%.1f ", x_of(pg, s.t[k]), 224 - s.v[k] / ymax * 220);
		fprintf(out, "\"/>\n</svg></figure>\n");
		ser_free(&s);
	}
	fprintf(out, "</div>\n");
}

/* Where the blocked tasks wait: the D-state task-seconds by (comm, wchan),
 * and the stacks the kernel printed for them (sysrq w, hung-task). */
static void blocked_panel(struct page *pg)
{
	const struct report *r = pg->r;
	const struct sg_groups *sg = r->ctx.sg;
	FILE *out = pg->out;
	size_t nblk = 0;
	for (size_t i = 0; sg && i < sg->ngroups; i++)
		nblk += !sg->groups[i].cpu;
	if (!r->nwg && !nblk)
		return;
	fprintf(out, "<div class=\"pair\">\n");
	if (r->nwg) {
		fprintf(out, "<div><h4>Where the D-state tasks waited <span class=\"u\">(task-seconds)</span></h4>\n"
			     "<table class=\"bt\"><tr><th>faulty</th><th>%s</th><th>comm</th><th>wchan</th><th>kind</th></tr>\n",
			r->ctx.w.trend ? "start" : "healthy");
		for (int i = 0; i < r->nwg; i++) {
			fprintf(out, "<tr><td class=\"n\">%.0f</td><td class=\"n\">%.0f</td><td>", r->wg[i].faulty_s, r->wg[i].healthy_s);
			esc(out, r->wg[i].comm);
			fprintf(out, "</td><td>");
			esc(out, r->wg[i].wchan[0] ? r->wg[i].wchan : "?");
			fprintf(out, "</td><td>%s</td></tr>\n", wait_name(r->wg[i].kind));
		}
		fprintf(out, "</table></div>\n");
	}
	if (nblk) {
		fprintf(out, "<div><h4>Their kernel stacks <span class=\"u\">(sysrq w / hung-task dumps, grouped)</span></h4>\n");
		size_t shown = 0;
		for (size_t i = 0; i < sg->ngroups && shown < 6; i++) {
			const struct sg_group *g = &sg->groups[i];
			if (g->cpu)
				continue;
			shown++;
			fprintf(out, "<details%s><summary><b>%zu</b> ", shown == 1 ? " open" : "", g->count);
			esc(out, g->label);
			fprintf(out, ": ");
			for (size_t m = 0; m < g->count && m < 8; m++) {
				if (m)
					fprintf(out, ", ");
				esc(out, g->comms[m] ? g->comms[m] : "?");
			}
			fprintf(out, "%s</summary><pre>", g->count > 8 ? ", ..." : "");
			for (size_t k = 0; k < g->nstack && k < 12; k++) {
				esc(out, g->stack[k]);
				fputc('\n', out);
			}
			fprintf(out, "</pre></details>\n");
		}
		fprintf(out, "</div>\n");
	}
	fprintf(out, "</div>\n");
}

static void window_words(FILE *out, const struct model *mo, const char *name, const struct window *w)
{
	if (!w->set)
		return;
	char a[16], b[16];
	int last = w->b - 1 < mo->nsamples ? w->b - 1 : mo->nsamples - 1;
	fmt_wall(mo->wall_us[w->a], a, sizeof a, false);
	fmt_wall(mo->wall_us[last], b, sizeof b, false);
	/* seconds as the text and JSON reports give them: the window ends
	 * where the next sample starts */
	double end = w->b < mo->nsamples ? mo->t[w->b] : mo->t[mo->nsamples - 1];
	fprintf(out, "<span class=\"w%c\">%s %s&ndash;%s %s</span> (%.0f&ndash;%.0f s)", name[0], name, a, b, wall_zone(), mo->t[w->a],
		end);
}

/* Time axis and windows of the page: seconds from the first sample, the
 * zone offset of the ticks, the windows' spans to shade. */
static void page_setup(struct page *pg)
{
	const struct model *mo = pg->mo;
	const struct actx *c = &pg->r->ctx;
	pg->tmax = mo->t[mo->nsamples - 1] > 0 ? mo->t[mo->nsamples - 1] : 1;
	pg->w0 = (double)mo->wall_us[0] / 1e6;
	const char *tz = getenv("TZ");
	if (tz && *tz) { /* the time of day is local then (fmt_wall): so are the ticks */
		time_t t0 = (time_t)pg->w0;
		struct tm tm;
		if (localtime_r(&t0, &tm))
			pg->off = (double)tm.tm_gmtoff;
	}
	pg->ht0 = pg->ht1 = pg->ft0 = pg->ft1 = NAN;
	if (c->w.healthy.set && strcmp(c->w.how, "baseline")) {
		pg->ht0 = mo->t[c->w.healthy.a];
		pg->ht1 = mo->t[c->w.healthy.b - 1 < mo->nsamples ? c->w.healthy.b - 1 : mo->nsamples - 1];
	}
	if (c->w.faulty.set) {
		pg->ft0 = mo->t[c->w.faulty.a];
		pg->ft1 = mo->t[c->w.faulty.b - 1 < mo->nsamples ? c->w.faulty.b - 1 : mo->nsamples - 1];
	}
	collect_marks(pg);
}

/* "host: top-cause, culprit comm (pid N)", in the title and the heading */
static void verdict_words(FILE *out, const struct report *r, bool bold)
{
	const struct finding *top = r->nf ? &r->f[0] : NULL, *cul = report_culprit(r);
	esc(out, r->mo->hdr.host);
	if (!top) {
		fprintf(out, ": no cause found");
		return;
	}
	fprintf(out, ": %s", top->id);
	if (cul) {
		fprintf(out, bold ? ", culprit <b>" : ", culprit ");
		esc(out, cul->comm);
		fprintf(out, bold ? "</b> (pid %ld)" : " (pid %ld)", cul->pid);
	}
}

static void page_head(const struct page *pg)
{
	FILE *out = pg->out;
	const struct model *mo = pg->mo;
	const struct actx *c = &pg->r->ctx;
	char start[40], b1[32];
	fmt_wall(mo->wall_us[0], start, sizeof start, true);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
		     "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
	verdict_words(out, pg->r, false);
	fprintf(out, " - iowait-doctor</title>\n<style>\n%s</style></head><body data-off=\"%.0f\" data-zone=\"", html_css,
		pg->off);
	esc(out, wall_zone());
	fprintf(out, "\">\n");

	fprintf(out, "<h1>");
	verdict_words(out, pg->r, true);
	fprintf(out, "</h1>\n<p class=\"cap\">Kernel ");
	esc(out, mo->hdr.kernel);
	fprintf(out, " (");
	esc(out, mo->hdr.machine);
	fprintf(out, "), %u CPU(s), %s RAM. Capture from %s, %.0f s, %d samples every %.2g s, %d gap(s), %d damaged region(s).</p>\n",
		mo->hdr.ncpu, fmt_kb(c->memtotal_kb, b1, sizeof b1), start, mo->t[mo->nsamples - 1], mo->nsamples,
		c->interval_s, mo->gaps, mo->damaged);
}

/* the conclusion and the windows it compares */
static void in_short(struct page *pg)
{
	FILE *out = pg->out;
	const struct report *r = pg->r;
	const struct model *mo = pg->mo;
	const struct actx *c = &pg->r->ctx;
	fprintf(out, "<h2>In short</h2>\n<p class=\"short\">");
	if (r->conclusion[0])
		esc(out, r->conclusion);
	else
		fprintf(out, "None of the detectors fired: no memory, reclaim, swap, OOM, I/O, writeback, CPU or D-state trouble found.");
	fprintf(out, "<br>\n<span class=\"cap\">Compared: ");
	if (!strcmp(c->w.how, "baseline"))
		fprintf(out, "healthy from the baseline capture (%d samples), ", c->w.healthy.b - c->w.healthy.a);
	else if (c->w.healthy.set) {
		window_words(out, mo, "healthy", &c->w.healthy);
		fprintf(out, " with ");
	} else {
		fprintf(out, "no healthy window (the fault's own start stands in), ");
	}
	window_words(out, mo, r->nf ? "faulty" : "least healthy", &c->w.faulty);
	fprintf(out, "; windows %s.</span></p>\n", c->w.how);
	if (mo->nwarn)
		fprintf(out, "<p class=\"cap\">%zu warning(s) about the capture: <a href=\"#warnings\">below</a>.</p>\n", mo->nwarn);
}

/* every chart over the whole capture, memory first where the incident lives */
static void charts(struct page *pg)
{
	FILE *out = pg->out;
	const struct report *r = pg->r;
	const struct model *mo = pg->mo;
	fprintf(out, "<h2>Over the capture</h2>\n");
	event_strip(pg);
	/* memory first when the incident lives there, else the CPU */
	bool mem_first = report_memory_matters(r);
	if (mem_first)
		memory_section(pg, true);
	{
		static const int k[] = { M_CPU_IOWAIT, M_CPU_USR, M_CPU_SYS, M_CPU_STEAL };
		static const char *const nm[] = { "iowait", "user", "system", "steal" };
		chart_metrics(pg, "CPU", "% of all CPUs", k, nm, 4, 1, 100);
	}
	if (!mem_first)
		memory_section(pg, true);
	memory_section(pg, false);
	{
		static const int k[] = { M_MAJFLT, M_REFAULT, M_PGSCAN_K, M_PGSCAN_D, M_PGSTEAL };
		static const char *const nm[] = { "major faults", "refaults", "scanned by kswapd", "scanned directly", "reclaimed" };
		chart_metrics(pg, "Faults and reclaim", "per second", k, nm, 5, 1, 130);
	}
	{
		static const int k[] = { M_TASKS_D, M_PROCS_RUN };
		static const char *const nm[] = { "tasks in D state", "run queue" };
		chart_metrics(pg, "Blocked and runnable tasks", "tasks", k, nm, 2, 1, 110);
	}
	blocked_panel(pg);
	{
		static const int k[] = { M_PSI_IO, M_PSI_MEM, M_PSI_CPU, M_PSI_IO_FULL, M_PSI_MEM_FULL };
		static const char *const nm[] = { "I/O some", "memory some", "CPU some", "I/O full", "memory full" };
		chart_metrics(pg, "Pressure stall (PSI)", "% of time, avg10", k, nm, 5, 1, 110);
	}
	{
		static const int k[] = { M_KSWAPD_CPU };
		static const char *const nm[] = { "kswapd" };
		chart_metrics(pg, "kswapd CPU", "% of one CPU", k, nm, 1, 1, 70);
	}
	{
		static const int k[] = { M_DISK_RMBPS, M_DISK_WMBPS };
		static const char *const nm[] = { "read", "written" };
		chart_metrics(pg, "Disk throughput (busy disks)", "MB/s", k, nm, 2, 1, 110);
	}
	{
		static const int k[] = { M_DISK_RPS, M_DISK_WPS };
		static const char *const nm[] = { "reads", "writes" };
		chart_metrics(pg, "Disk requests (busy disks)", "per second", k, nm, 2, 1, 90);
	}
	{
		static const int k[] = { M_DIRTY, M_WRITEBACK };
		static const char *const nm[] = { "Dirty", "Writeback" };
		chart_metrics(pg, "Dirty pages and writeback", "MB", k, nm, 2, 1.0 / 1024, 90);
	}
	if (win_max(mo, M_PSWPIN, 0, mo->nsamples) > 0 || win_max(mo, M_PSWPOUT, 0, mo->nsamples) > 0) {
		static const int k[] = { M_PSWPIN, M_PSWPOUT };
		static const char *const nm[] = { "swapped in", "swapped out" };
		chart_metrics(pg, "Swap", "pages per second", k, nm, 2, 1, 90);
	}
	growers(pg);
}

/* one finding: its heading, summary, evidence, what it explains, detail */
static void finding_html(FILE *out, const struct finding *f, bool trend)
{
	fprintf(out, "<h3>%d. %s <span class=\"u\">score %.2f", f->rank, f->id, f->score);
	if (f->pid >= 0) {
		fprintf(out, ", culprit ");
		esc(out, f->comm);
		fprintf(out, " (pid %ld)", f->pid);
	}
	if (f->explained_by)
		fprintf(out, ", explained by %s", f->explained_by);
	fprintf(out, "</span></h3>\n<p>");
	esc(out, f->summary);
	fprintf(out, "</p>\n");
	if (f->nev) {
		fprintf(out, "<table><tr><th>evidence</th><th>%s</th><th>faulty</th><th>unit</th></tr>\n",
			trend ? "start" : "healthy");
		for (int k = 0; k < f->nev; k++) {
			char h[32], fv[32];
			/* memory as people say it (24 GB, not 24M kB) */
			bool kb = !strcmp(f->ev[k].unit, "kB");
			if (kb) {
				fmt_kb(f->ev[k].healthy, h, sizeof h);
				fmt_kb(f->ev[k].faulty, fv, sizeof fv);
			} else {
				fig(h, sizeof h, f->ev[k].healthy);
				fig(fv, sizeof fv, f->ev[k].faulty);
			}
			fprintf(out, "<tr><td>");
			esc(out, f->ev[k].metric);
			fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>", h, fv);
			esc(out, kb ? "" : f->ev[k].unit);
			fprintf(out, "</td></tr>\n");
		}
		fprintf(out, "</table>\n");
	}
	if (f->nexp) {
		fprintf(out, "<p>Explains:");
		for (int k = 0; k < f->nexp; k++)
			fprintf(out, " %s%s", k ? "&rarr; " : "", f->explains[k]);
		fprintf(out, "</p>\n");
	}
	if (f->detail[0]) {
		fprintf(out, "<pre>");
		esc(out, f->detail);
		fprintf(out, "</pre>\n");
	}
}

/* the event list (the culprits' starts and exits among them) and the capture's warnings */
static void events_and_warnings(struct page *pg)
{
	FILE *out = pg->out;
	const struct model *mo = pg->mo;
	fprintf(out, "<h2>Events</h2>\n<table><tr><th>t (s)</th><th>%s</th><th>event</th></tr>\n", wall_zone());
	for (int i = 0; i < pg->nmarks && i < 300; i++) {
		char w[16];
		wallclock(w, sizeof w, pg->w0 + pg->marks[i].t, true);
		fprintf(out, "<tr><td class=\"n\">%.0f</td><td>%s</td><td>", pg->marks[i].t, w);
		esc(out, pg->marks[i].label);
		fprintf(out, "</td></tr>\n");
	}
	size_t others = 0;
	for (size_t i = 0; i < mo->nevs; i++)
		others += mo->evs[i].kind == EV_TASK_START || mo->evs[i].kind == EV_TASK_EXIT;
	fprintf(out, "</table>\n<p class=\"cap\">%zu process starts and exits in all (the culprits' are listed above).</p>\n",
		others);
	if (mo->nwarn) {
		fprintf(out, "<h2 id=\"warnings\">Warnings about the capture</h2>\n");
		for (size_t i = 0; i < mo->nwarn && i < 20; i++) {
			fprintf(out, "<p class=\"cap\">");
			esc(out, mo->warnings[i]);
			fprintf(out, "</p>\n");
		}
		if (mo->nwarn > 20)
			fprintf(out, "<p class=\"cap\">%zu more: see <code>analyze info</code>.</p>\n", mo->nwarn - 20);
	}
}

int render_html(FILE *out, const struct report *r)
{
	const struct model *mo = r->mo;
	struct page pg = { .out = out, .r = r, .mo = mo };
	const struct actx *c = &r->ctx;
	page_setup(&pg);
	page_head(&pg);
	in_short(&pg);
	charts(&pg);
	fprintf(out, "<h2>Causes, most likely first</h2>\n%s", r->nf ? "" : "<p>No detector fired.</p>\n");
	for (int i = 0; i < r->nf; i++)
		finding_html(out, &r->f[i], c->w.trend);
	events_and_warnings(&pg);
	fprintf(out, "<h2>How the windows were chosen</h2>\n<p class=\"cap\">");
	esc(out, c->w.why);
	fprintf(out, "</p>\n<p class=\"cap\">Made by analyze (iowait-doctor) from ");
	esc(out, r->path ? r->path : "?");
	fprintf(out, ". Hover a chart for its values at a time.</p>\n<script>\n%s</script>\n</body></html>\n", html_js);
	free(pg.marks);
	return ferror(out) ? -1 : 0;
}
