/* render_md.c - the report as Markdown for a bug tracker: GitHub, GitLab
 * and Jira's Markdown all take pipe tables and backticks; nothing here
 * needs HTML, so a paste renders the same everywhere. */
#include "render.h"
#include "version.h"

#include <math.h>
#include <string.h>

/* Text from the capture inside a table cell: no pipe may end the cell, no
 * newline the row, no '<' start markup, no backtick close a code span. */
static void cell(FILE *out, const char *s, bool code)
{
	if (code)
		fputc('`', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '|')
			fputs(code ? "\\|" : "\\|", out);
		else if (c == '`')
			fputc('\'', out);
		else if (c == '<' && !code)
			fputs("&lt;", out);
		else if (c == '\n' || c == '\r' || c == '\t')
			fputc(' ', out);
		else
			fputc(c, out);
	}
	if (code)
		fputc('`', out);
}

static void num(FILE *out, double v)
{
	if (isnan(v))
		fputs("-", out);
	else
		fprintf(out, "%.*f", fabs(v) < 10 ? 1 : 0, v);
}

static void window_row(FILE *out, const struct model *mo, const char *name, const struct window *w)
{
	if (!w->set) {
		fprintf(out, "| %s | none | | | |\n", name);
		return;
	}
	char a[16], b[16];
	int last = w->b - 1 < mo->nsamples ? w->b - 1 : mo->nsamples - 1;
	fmt_wall(mo->wall_us[w->a], a, sizeof a, false);
	fmt_wall(mo->wall_us[last], b, sizeof b, false);
	double end = w->b < mo->nsamples ? mo->t[w->b] : mo->t[mo->nsamples - 1];
	fprintf(out, "| %s | %.0f s .. %.0f s | %s .. %s %s | %d |\n", name, mo->t[w->a], end, a, b, wall_zone(),
		w->b - w->a);
}

int render_markdown(FILE *out, const struct report *r)
{
	const struct model *mo = r->mo;
	const struct actx *c = &r->ctx;
	const struct finding *top = r->nf ? &r->f[0] : NULL;
	fputs("### iowait-doctor: ", out);
	if (top) {
		fputs(top->id, out);
		if (top->pid >= 0) {
			fputs(", culprit ", out);
			cell(out, top->comm, true);
			fprintf(out, " (pid %ld)", top->pid);
		}
		fprintf(out, ", score %.2f\n\n", top->score);
	} else {
		fputs("no cause found\n\n", out);
	}
	char s0[32], s1[32];
	fmt_wall(mo->wall_us[0], s0, sizeof s0, true);
	fmt_wall(mo->wall_us[mo->nsamples - 1], s1, sizeof s1, true);
	fputs("**Capture** ", out);
	cell(out, r->path ? r->path : "-", true);
	fputs(": host ", out);
	cell(out, mo->hdr.host, true);
	fputs(", kernel ", out);
	cell(out, mo->hdr.kernel, true);
	fputs(" (", out);
	cell(out, mo->hdr.machine, false);
	fprintf(out, "), %u CPU(s), %.1f GB RAM; %s .. %s, %.0f s, %d samples, %d gap(s), %d damaged region(s)\n\n",
		mo->hdr.ncpu, c->memtotal_kb / 1024 / 1024, s0, s1, mo->t[mo->nsamples - 1], mo->nsamples, mo->gaps,
		mo->damaged);
	for (size_t i = 0; i < mo->nwarn && i < 8; i++) {
		fputs("> **warning:** ", out);
		cell(out, mo->warnings[i], false);
		fputs("\n", out);
	}
	if (mo->nwarn)
		fputs("\n", out);
	if (r->conclusion[0]) {
		fputs("**In short:** ", out);
		cell(out, r->conclusion, false);
		fputs("\n\n", out);
	}

	fprintf(out, "#### Windows (%s)\n\n| window | from the start | wall clock | samples |\n|---|---|---|---:|\n", c->w.how);
	if (!strcmp(c->w.how, "baseline"))
		fprintf(out, "| healthy | from the baseline capture | | %d |\n", c->w.healthy.b - c->w.healthy.a);
	else
		window_row(out, mo, c->w.trend ? "healthy (none: trend)" : "healthy", &c->w.healthy);
	window_row(out, mo, r->nf ? "faulty" : "least healthy", &c->w.faulty);

	fputs("\n#### Causes, most likely first\n\n", out);
	if (!r->nf)
		fputs("None of the detectors fired.\n", out);
	else
		fputs("| # | cause | score | culprit | explains | summary |\n|---:|---|---:|---|---|---|\n", out);
	for (int i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		fprintf(out, "| %d | %s | %.2f | ", f->rank, f->id, f->score);
		if (f->pid >= 0) {
			cell(out, f->comm, true);
			fprintf(out, " (%ld)", f->pid);
		}
		fputs(" | ", out);
		if (f->explained_by)
			fprintf(out, "explained by %s", f->explained_by);
		for (int k = 0; k < f->nexp; k++)
			fprintf(out, "%s%s", k ? ", " : "", f->explains[k]);
		fputs(" | ", out);
		cell(out, f->summary, false);
		fputs(" |\n", out);
	}
	for (int i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		if (!f->nev || f->explained_by)
			continue;
		fprintf(out, "\n#### Evidence: %s\n\n| metric | %s | faulty | unit |\n|---|---:|---:|---|\n", f->id,
			c->w.trend ? "start" : "healthy");
		for (int k = 0; k < f->nev; k++) {
			fputs("| ", out);
			cell(out, f->ev[k].metric, false);
			fputs(" | ", out);
			num(out, f->ev[k].healthy);
			fputs(" | ", out);
			num(out, f->ev[k].faulty);
			fputs(" | ", out);
			cell(out, f->ev[k].unit, false);
			fputs(" |\n", out);
		}
	}

	fputs("\n#### Blocked tasks (D state), by where they wait\n\n", out);
	if (!r->nwg)
		fputs("No task was seen in D state.\n", out);
	else
		fprintf(out, "| faulty task-s | %s task-s | comm | wchan | kind |\n|---:|---:|---|---|---|\n",
			c->w.trend ? "start" : "healthy");
	for (int i = 0; i < r->nwg; i++) {
		fprintf(out, "| %.0f | %.0f | ", r->wg[i].faulty_s, r->wg[i].healthy_s);
		cell(out, r->wg[i].comm, true);
		fputs(" | ", out);
		cell(out, r->wg[i].wchan[0] ? r->wg[i].wchan : "?", true);
		fprintf(out, " | %s |\n", wait_name(r->wg[i].kind));
	}
	fprintf(out, "\n_analyze %s (iowait-doctor), capture id %016llx; rates per second, memory in kB unless labelled_\n",
		IOWD_VERSION, (unsigned long long)mo->hdr.capture_id);
	return 0;
}
