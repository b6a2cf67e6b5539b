/* render_html.c - one self-contained page: inline CSS and SVG drawn here,
 * no scripts, every string from the file escaped. */
#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if ((unsigned char)*s < 32 && *s != '\n' && *s != '\t')
				fputc(' ', out);
			else
				fputc(*s, out);
		}
	}
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
	else
		snprintf(buf, n, "%.2f", x);
}

static const char *const colors[] = { "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd" };

static void chart(FILE *out, const struct report *r, const char *title, const int *ks, int nk, double scale,
		  const char *unit)
{
	const struct model *mo = r->mo;
	const int W = 900, H = 160, L = 60, T = 10;
	int n = mo->nsamples, pts = n < 600 ? n : 600;
	double tmax = mo->t[n - 1] > 0 ? mo->t[n - 1] : 1, ymax = 0;
	double *v = malloc(sizeof(double) * (size_t)pts * (size_t)nk);
	if (!v)
		return;
	for (int k = 0; k < nk; k++)
		for (int p = 0; p < pts; p++) {
			int a = (int)((long)p * n / pts), b = (int)((long)(p + 1) * n / pts);
			double x = win_mean(mo, ks[k], a, b > a ? b : a + 1) * scale;
			v[k * pts + p] = x;
			if (!isnan(x) && x > ymax)
				ymax = x;
		}
	if (ymax <= 0)
		ymax = 1;
	fprintf(out, "<h3>");
	esc(out, title);
	fprintf(out, " <small>(%s)</small></h3>\n<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", unit,
		W + L + 10, H + 44, W + L + 10, H + 44);
	const struct window *ws[2] = { &r->ctx.w.healthy, &r->ctx.w.faulty };
	const char *wc[2] = { "#e6f4e6", "#fbe3e3" };
	for (int i = 0; i < 2; i++)
		if (ws[i]->set && (i == 1 || strcmp(r->ctx.w.how, "baseline"))) {
			double x0 = mo->t[ws[i]->a] / tmax * W, x1 = mo->t[ws[i]->b - 1] / tmax * W;
			fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", L + x0, T,
				x1 - x0 + 1, H, wc[i]);
		}
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n", L, T, W, H);
	char top[32];
	fig(top, sizeof top, ymax);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>\n", L - 4, T + 10, top);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>\n", L - 4, T + H);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0 s</text>\n", L, T + H + 14);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f s</text>\n", L + W, T + H + 14, tmax);
	for (int k = 0; k < nk; k++) {
		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", colors[k % 5]);
		for (int p = 0; p < pts; p++) {
			double x = v[k * pts + p];
			if (isnan(x))
				continue;
			int s = (int)((long)p * n / pts);
			fprintf(out, "%.1f,%.1f ", L + mo->t[s] / tmax * W, T + H - x / ymax * H);
		}
		fprintf(out, "\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">", L + 8 + k * 180, T + H + 32,
			colors[k % 5]);
		esc(out, metric_info[ks[k]].key);
		fprintf(out, "</text>\n");
	}
	fprintf(out, "</svg>\n");
	free(v);
}

/* The culprit's own RSS over the capture: the grower standing out is the
 * seed's first lesson, so the page draws it rather than leaving it to the
 * table.  Bucket means, as the model keeps them. */
static void culprit_chart(FILE *out, const struct report *r)
{
	const struct model *mo = r->mo;
	const struct finding *f = NULL;
	for (int i = 0; i < r->nf && !f; i++)
		if (r->f[i].pid >= 0 && (!strcmp(r->f[i].id, "memory-leak") || !strcmp(r->f[i].id, "oom-kill")))
			f = &r->f[i];
	if (!f)
		return;
	const struct entity *e = NULL;
	for (size_t i = 0; i < mo->nents && !e; i++)
		if (mo->ents[i].kind == ENT_PROC && mo->ents[i].pid == (uint32_t)f->pid && !strcmp(mo->ents[i].name, f->comm))
			e = &mo->ents[i];
	if (!e || !e->n)
		return;
	const int W = 900, H = 160, L = 60, T = 10;
	double tmax = mo->t[mo->nsamples - 1] > 0 ? mo->t[mo->nsamples - 1] : 1, ymax = 0;
	for (uint32_t k = e->b0; k < e->b0 + e->n; k++) {
		const float *p = ent_bucket(e, k, PF_COUNT);
		if (p && p[PF_ALIVE] > 0 && p[PF_RSS_SUM] / p[PF_ALIVE] / 1024 > ymax)
			ymax = p[PF_RSS_SUM] / p[PF_ALIVE] / 1024;
	}
	if (ymax <= 0)
		return;
	char top[32];
	fig(top, sizeof top, ymax);
	fprintf(out, "<h3>RSS of ");
	esc(out, f->comm);
	fprintf(out, " (pid %ld) <small>(MB)</small></h3>\n<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
		f->pid, W + L + 10, H + 30, W + L + 10, H + 30);
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n", L, T, W, H);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>\n", L - 4, T + 10, top);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>\n", L - 4, T + H);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0 s</text>\n", L, T + H + 14);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f s</text>\n", L + W, T + H + 14, tmax);
	fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colors[0]);
	for (uint32_t k = e->b0; k < e->b0 + e->n; k++) {
		const float *p = ent_bucket(e, k, PF_COUNT);
		int smp = (int)(k * (uint32_t)mo->bw) + mo->bw / 2;
		if (!p || p[PF_ALIVE] <= 0 || smp >= mo->nsamples)
			continue;
		fprintf(out, "%.1f,%.1f ", L + mo->t[smp] / tmax * W, T + H - p[PF_RSS_SUM] / p[PF_ALIVE] / 1024 / ymax * H);
	}
	fprintf(out, "\"/>\n</svg>\n");
}

int render_html(FILE *out, const struct report *r)
{
	const struct model *mo = r->mo;
	char start[40], b1[32];
	fmt_wall(mo->wall_us[0], start, sizeof start, true);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>iowait-doctor: ");
	esc(out, mo->hdr.host);
	fprintf(out, "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:1em auto;color:#222}"
		     "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left}"
		     "td.n{text-align:right}.c{background:#fdecec}.s{color:#666}pre{background:#f6f6f6;padding:6px;font-size:12px;white-space:pre-wrap}"
		     "</style></head><body>\n");
	fprintf(out, "<h1>iowait-doctor report</h1>\n<p>Host <b>");
	esc(out, mo->hdr.host);
	fprintf(out, "</b>, kernel ");
	esc(out, mo->hdr.kernel);
	fprintf(out, " (");
	esc(out, mo->hdr.machine);
	fprintf(out, "), %u CPU(s), %s RAM. Capture from %s UTC, %.0f s, %d samples, %d gap(s), %d damaged region(s).</p>\n",
		mo->hdr.ncpu, fmt_kb(r->ctx.memtotal_kb, b1, sizeof b1), start, mo->t[mo->nsamples - 1], mo->nsamples,
		mo->gaps, mo->damaged);
	for (size_t i = 0; i < mo->nwarn; i++) {
		fprintf(out, "<p class=\"s\">warning: ");
		esc(out, mo->warnings[i]);
		fprintf(out, "</p>\n");
	}
	fprintf(out, "<p>Windows (%s; green = healthy, red = faulty): ", r->ctx.w.how);
	esc(out, r->ctx.w.why);
	fprintf(out, "</p>\n<h2>Causes, most likely first</h2>\n");
	if (!r->nf)
		fprintf(out, "<p>No detector fired.</p>\n");
	for (int i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		fprintf(out, "<h3>%d. %s <small>score %.2f", f->rank, f->id, f->score);
		if (f->pid >= 0) {
			fprintf(out, ", culprit ");
			esc(out, f->comm);
			fprintf(out, " (pid %ld)", f->pid);
		}
		if (f->explained_by)
			fprintf(out, ", explained by %s", f->explained_by);
		fprintf(out, "</small></h3>\n<p>");
		esc(out, f->summary);
		fprintf(out, "</p>\n<table><tr><th>evidence</th><th>healthy</th><th>faulty</th><th>unit</th></tr>\n");
		for (int k = 0; k < f->nev; k++) {
			fprintf(out, "<tr><td>");
			esc(out, f->ev[k].metric);
			char h[32], fv[32];
			fig(h, sizeof h, f->ev[k].healthy);
			fig(fv, sizeof fv, f->ev[k].faulty);
			fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>", h, fv);
			esc(out, f->ev[k].unit);
			fprintf(out, "</td></tr>\n");
		}
		fprintf(out, "</table>\n");
		if (f->nexp) {
			fprintf(out, "<p>Explains:");
			for (int k = 0; k < f->nexp; k++)
				fprintf(out, " %s", f->explains[k]);
			fprintf(out, "</p>\n");
		}
		if (f->detail[0]) {
			fprintf(out, "<pre>");
			esc(out, f->detail);
			fprintf(out, "</pre>\n");
		}
	}
	fprintf(out, "<h2>Charts</h2>\n");
	static const int cpu[] = { M_CPU_USR, M_CPU_SYS, M_CPU_IOWAIT };
	static const int mem[] = { M_MEMFREE, M_MEMAVAIL, M_CACHED, M_SHMEM };
	static const int flt[] = { M_MAJFLT, M_REFAULT, M_PGSCAN_K, M_PGSCAN_D };
	static const int dsk[] = { M_DISK_RMBPS, M_DISK_WMBPS };
	static const int blk[] = { M_TASKS_D, M_KSWAPD_CPU, M_PSI_IO, M_PSI_MEM };
	chart(out, r, "CPU", cpu, 3, 1, "% of all CPUs");
	chart(out, r, "Memory", mem, 4, 1.0 / 1024, "MB");
	chart(out, r, "Faults and reclaim", flt, 4, 1, "per second");
	chart(out, r, "Busy disks", dsk, 2, 1, "MB/s");
	chart(out, r, "Blocked tasks, kswapd, pressure", blk, 4, 1, "tasks, % of one CPU, % avg10");
	culprit_chart(out, r);
	fprintf(out, "<h2>Blocked tasks (D state) by where they wait</h2>\n<table><tr><th>faulty task-s</th><th>healthy task-s</th><th>comm</th><th>wchan</th><th>kind</th></tr>\n");
	for (int i = 0; i < r->nwg; i++) {
		fprintf(out, "<tr><td>%.0f</td><td>%.0f</td><td>", r->wg[i].faulty_s, r->wg[i].healthy_s);
		esc(out, r->wg[i].comm);
		fprintf(out, "</td><td>");
		esc(out, r->wg[i].wchan);
		fprintf(out, "</td><td>%s</td></tr>\n", r->wg[i].kind);
	}
	fprintf(out, "</table>\n<h2>Events</h2>\n<table><tr><th>t (s)</th><th>%s</th><th>event</th></tr>\n", wall_zone());
	for (size_t i = 0, shown = 0; i < mo->nevs && shown < 300; i++) {
		const struct event *e = &mo->evs[i];
		if (e->kind == EV_TASK_START || e->kind == EV_TASK_EXIT)
			continue;
		int s = e->sample < mo->nsamples ? e->sample : mo->nsamples - 1;
		char w[16];
		fmt_wall(mo->wall_us[s], w, sizeof w, false);
		fprintf(out, "<tr><td>%.0f</td><td>%s</td><td>", mo->t[s], w);
		esc(out, e->text);
		fprintf(out, "</td></tr>\n");
		shown++;
	}
	fprintf(out, "</table>\n<p class=\"s\">Made by analyze (iowait-doctor). Rates are per second; memory in MB or kB as labelled.</p>\n</body></html>\n");
	return ferror(out) ? -1 : 0;
}
