/* report.c - runs the pipeline: windows -> detectors -> ranking. */
#include "analysis.h"
#include "kdump.h"
#include "stackgroup.h"
#include "stacks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Two detectors may reach the same id (the holder of a capture without
 * onset is a leak when its growth shows): one finding per id.  Naming the
 * same culprit, the earlier detector's finding stays (it measured the
 * growth against a healthy window); naming different ones, the stronger. */
static void dedupe(struct report *r)
{
	for (int i = 0; i < r->nf; i++)
		for (int j = i + 1; j < r->nf; j++) {
			if (r->f[i].cid != r->f[j].cid)
				continue;
			bool same = r->f[i].pid == r->f[j].pid || !strcmp(r->f[i].comm, r->f[j].comm);
			if (!same && r->f[j].score > r->f[i].score)
				r->f[i] = r->f[j];
			else if (same && r->f[j].detail[0] && strlen(r->f[i].detail) + 1 < sizeof r->f[i].detail)
				detail_add(&r->f[i], "%s", r->f[j].summary);
			memmove(&r->f[j], &r->f[j + 1], (size_t)(r->nf - j - 1) * sizeof *r->f);
			r->nf--;
			j--;
		}
}

int report_build(struct report *r, struct model *mo, const struct model *baseline, const struct win_opts *o)
{
	memset(r, 0, sizeof *r);
	r->mo = mo;
	struct actx *c = &r->ctx;
	windows_choose(mo, baseline, o, &c->w);
	c->fm = mo;
	c->hm = baseline ? baseline : mo;
	c->fa = c->w.faulty.a;
	c->fb = c->w.faulty.b;
	if (c->w.healthy.set) {
		c->ha = c->w.healthy.a;
		c->hb = c->w.healthy.b;
	} else {
		/* trend: the fault's own first tenth stands in for "before" */
		c->hm = mo;
		c->ha = c->fa;
		c->hb = c->fa + ((c->fb - c->fa) / 10 > 3 ? (c->fb - c->fa) / 10 : 3);
		if (c->hb > c->fb)
			c->hb = c->fb;
	}
	actx_means(c);
	c->memtotal_kb = win_max(mo, M_MEMTOTAL, 0, mo->nsamples);
	if (isnan(c->memtotal_kb))
		c->memtotal_kb = 0;
	c->ncpu = mo->hdr.ncpu ? (int)mo->hdr.ncpu : 1;
	c->interval_s = mo->nsamples > 1 ? mo->t[mo->nsamples - 1] / (mo->nsamples - 1) : 1;
	if (c->interval_s <= 0)
		c->interval_s = mo->hdr.interval_us ? (double)mo->hdr.interval_us / 1e6 : 1;
	struct kd_result *kd = stacks_from_model(mo);
	c->kd = kd;
	c->sg = kd ? sg_build(kd) : NULL;
	for (size_t i = 0; i < ndetectors; i++) {
		struct finding *f = &r->f[r->nf];
		memset(f, 0, sizeof *f);
		f->cid = (int)i;
		f->pid = -1;
		f->wait = WAIT_UNKNOWN;
		if (detectors[i].fn(c, f) != 1)
			continue;
		f->id = detectors[f->cid].id;
		f->cause = detectors[f->cid].cause;
		r->nf++;
	}
	dedupe(r);
	rank_findings(r->f, r->nf);
	r->nwg = blocked_groups(c, r->wg, 16);
	if (r->nf) {
		const struct finding *top = &r->f[0];
		snprintf(r->conclusion, sizeof r->conclusion, "%s: %s", top->id, top->summary);
		for (int k = 0; k < top->nexp; k++)
			for (int j = 0; j < r->nf; j++)
				if (!strcmp(r->f[j].id, top->explains[k]))
					sappend(r->conclusion, sizeof r->conclusion, "%s%s", k ? "; " : ". That explains: ",
						r->f[j].summary);
		double iow = fmean(c, M_CPU_IOWAIT);
		char hw[32];
		if (iow >= 20)
			sappend(r->conclusion, sizeof r->conclusion, "; hence iowait %.0f%%%s.", iow,
				healthy_words(c, hw, sizeof hw, " (healthy %.0f%%)", hmean(c, M_CPU_IOWAIT)));
		else
			sappend(r->conclusion, sizeof r->conclusion, ".");
	}
	return 0;
}

void report_free(struct report *r)
{
	sg_free((struct sg_groups *)r->ctx.sg);
	kd_result_free((struct kd_result *)r->ctx.kd);
	r->ctx.sg = NULL;
	r->ctx.kd = NULL;
}

/* The dated form is ISO 8601 UTC for machines; the time of day is for
 * people, in the zone TZ names when it is set (labelled by wall_zone()). */
void fmt_wall(uint64_t wall_us, char *buf, size_t n, bool date)
{
	time_t s = (time_t)(wall_us / 1000000);
	struct tm tm;
	const char *tz = getenv("TZ");
	bool local = !date && tz && *tz;
	if (local ? !localtime_r(&s, &tm) : !gmtime_r(&s, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	strftime(buf, n, date ? "%Y-%m-%dT%H:%M:%SZ" : "%H:%M:%S", &tm);
}

const char *wall_zone(void)
{
	static char z[16];
	const char *tz = getenv("TZ");
	if (!tz || !*tz)
		return "UTC";
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) || !strftime(z, sizeof z, "%Z", &tm) || !z[0])
		return "local time";
	return z;
}
