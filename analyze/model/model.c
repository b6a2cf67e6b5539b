/* model.c - turns the record stream into per-sample system metrics and
 * bucketed per-entity series (see model.h for the memory bound): the
 * record loop, samples begun and ended, events, kernel text, the captures
 * in the input.  Groups go to feed.c, tasks to task.c.
 *
 * Rates are derived in the feeds, and only there, from raw counters,
 * because the names differ between kernels: pgscan_kswapd (4.8+) vs
 * pgscan_kswapd_{dma,normal,movable,...} (zoned, summed); allocstall vs
 * allocstall_*; workingset_refault (<5.9) vs workingset_refault_file.
 */
#include "reading.h"
#include "tidy.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct metric_info metric_info[M_COUNT] = {
#define METRIC(id, key, label, unit, decimals) [M_##id] = { key, label, unit, decimals },
#define METRIC_RAW(id, key, label, unit, decimals) [M_##id] = { key, label, unit, decimals },
#include "metrics.def"
};

/* ------------------------------------------------------------ lifecycle */

void model_warn(struct model *mo, const char *fmt, ...)
{
	if (mo->nwarn >= 200)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	mo->warnings = xrealloc(mo->warnings, (mo->nwarn + 1) * sizeof *mo->warnings);
	mo->warnings[mo->nwarn++] = xstrdup(buf);
}

struct model *model_new(void)
{
	struct model *mo = xrealloc(NULL, sizeof *mo);
	struct rd *r = xrealloc(NULL, sizeof *r);
	memset(mo, 0, sizeof *mo);
	memset(r, 0, sizeof *r);
	for (size_t f = 0; f < model_nfeeds; f++)
		if (model_feeds[f]->init)
			model_feeds[f]->init(r);
	mo->priv = r;
	mo->bw = 1;
	return mo;
}


void add_event(struct model *mo, int sample, int kind, uint32_t pid, const char *fmt, ...)
{
	if (mo->nevs >= 100000)
		return;
	if (mo->nevs == mo->evs_cap) {
		size_t nc = mo->evs_cap ? mo->evs_cap * 2 : 64;
		mo->evs = xrealloc(mo->evs, nc * sizeof *mo->evs);
		mo->evs_cap = nc;
	}
	struct event *e = &mo->evs[mo->nevs++];
	e->sample = sample < 0 ? 0 : sample;
	e->kind = kind;
	e->pid = pid;
	va_list ap;
	va_start(ap, fmt);
	if (vsnprintf(e->text, sizeof e->text, fmt, ap) >= (int)sizeof e->text)
		text_mark_cut(e->text, sizeof e->text);
	va_end(ap);
	for (char *p = e->text; *p; p++)
		if ((unsigned char)*p < 32)
			*p = ' ';
}

static void grow_samples(struct model *mo)
{
	if (mo->nsamples < mo->cap_samples)
		return;
	int nc = mo->cap_samples ? mo->cap_samples * 2 : 1024;
	mo->m = xrealloc(mo->m, (size_t)nc * M_COUNT * sizeof *mo->m);
	mo->t = xrealloc(mo->t, (size_t)nc * sizeof *mo->t);
	mo->wall_us = xrealloc(mo->wall_us, (size_t)nc * sizeof *mo->wall_us);
	mo->mono_us = xrealloc(mo->mono_us, (size_t)nc * sizeof *mo->mono_us);
	for (int d = 0; d < mo->ndisks; d++) {
		struct disk *k = &mo->disks[d];
		float **arr[5] = { &k->rps, &k->rmbps, &k->util, &k->wps, &k->wmbps };
		for (int a = 0; a < 5; a++)
			*arr[a] = xrealloc(*arr[a], (size_t)nc * sizeof **arr[a]);
	}
	mo->cap_samples = nc;
}

/* Seconds since the previous sample; 0 when unknown or not forward. */
static double sample_interval(const struct model *mo, const struct rd *r, int i)
{
	if (!r->have_prev || mo->mono_us[i] <= r->prev_mono)
		return 0;
	return (double)(mo->mono_us[i] - r->prev_mono) / 1e6;
}

/* A row of NaN, copied: a store per metric per sample cost more */
static const double nan_row[M_COUNT] = {
#define METRIC(id, key, label, unit, decimals) [M_##id] = NAN,
#define METRIC_RAW(id, key, label, unit, decimals) [M_##id] = NAN,
#include "metrics.def"
};

/* Everything that needs the whole sample: each source's derivations,
 * then the task walk; the raw counters become the next sample's previous. */
static void end_sample(struct model *mo, struct rd *r)
{
	if (!r->in_sample)
		return;
	r->in_sample = false;
	int i = mo->nsamples - 1;
	double *row = mo->m + (size_t)i * M_COUNT;
	double dt = sample_interval(mo, r, i);
	memcpy(row, nan_row, sizeof nan_row);
	for (size_t f = 0; f < model_nfeeds; f++)
		if (model_feeds[f]->derive)
			model_feeds[f]->derive(mo, r, row, dt);
	derive_tasks(mo, r, row, dt);
	memcpy(r->prev, r->raw, sizeof r->raw);
	memcpy(r->phas, r->has, sizeof r->has);
	r->prev_mono = mo->mono_us[i];
	r->have_prev = true;
	r->done = i + 1;
}

static void begin_sample(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	end_sample(mo, r);
	grow_samples(mo);
	int i = mo->nsamples;
	if (i && (uint32_t)(i / mo->bw) >= MODEL_NB) {
		flush_all(mo, r);
		compact_all(mo);
		r->egen++;
	}
	mo->wall_us[i] = rec->u.sample.wall_us;
	mo->mono_us[i] = rec->u.sample.mono_us;
	mo->t[i] = i ? mo->t[i - 1] + ((rec->u.sample.mono_us > mo->mono_us[i - 1])
					      ? (double)(rec->u.sample.mono_us - mo->mono_us[i - 1]) / 1e6 : 0)
		     : 0;
	if (i) {
		double iv = mo->hdr.interval_us ? (double)mo->hdr.interval_us / 1e6 : 1;
		double dt = mo->t[i] - mo->t[i - 1];
		if (rec->u.sample.mono_us < mo->mono_us[i - 1]) {
			add_event(mo, i, EV_GAP, 0, "monotonic clock went backwards (reboot or new capture)");
			mo->gaps++;
			r->have_prev = false;
		} else if (dt > 2.5 * iv) {
			add_event(mo, i, EV_GAP, 0, "no samples for %.1f s", dt);
			mo->gaps++;
		}
	}
	mo->nsamples++;
	r->cur_b = (uint32_t)(i / mo->bw);
	memset(r->raw, 0, sizeof r->raw);
	memset(r->has, 0, sizeof r->has);
	r->in_sample = true;
	r->key = rec->u.sample.key;
	if (r->key)
		for (size_t j = 0; j < r->tn; j++)
			r->tasks[j].seen = false;
}

static bool mentions(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	return memmem(s, len, needle, n) != NULL;
}

static void feed_text(struct model *mo, struct rd *r, const struct cap_rec *rec)
{
	(void)r;
	const char *s = rec->u.text.text;
	size_t len = rec->u.text.len;
	int i = mo->nsamples ? mo->nsamples - 1 : 0;
	if (mo->nkmsg < 2000000 && mo->kmsg_bytes < (64u << 20)) {
		if (mo->nkmsg == mo->kmsg_cap) {
			size_t nc = mo->kmsg_cap ? mo->kmsg_cap * 2 : 256;
			mo->kmsg = xrealloc(mo->kmsg, nc * sizeof *mo->kmsg);
			mo->kmsg_cap = nc;
		}
		char *copy = xstrndup(s, len);
		for (size_t k = 0; k < len; k++)
			if (!copy[k])
				copy[k] = '?';
		text_tidy(copy);
		mo->kmsg[mo->nkmsg++] = (struct kmsg_line){ i, rec->u.text.ts_us, rec->u.text.trigger,
							    rec->u.text.kind, copy };
		mo->kmsg_bytes += len + 1;
	}
	char line[256];
	size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
	memcpy(line, s, n);
	line[n] = 0;
	for (size_t k = 0; k < n; k++)
		if (!line[k])
			line[k] = '?';
	text_tidy(line);
	if (len >= sizeof line)
		text_mark_cut(line, sizeof line);
	switch (rec->u.text.kind) {
	case CAP_TXT_TRIGGER:
		add_event(mo, i, EV_SYSRQ, 0, "sysrq-%c requested (%s)", line[0] ? line[0] : '?', n > 2 ? line + 2 : "");
		break;
	case CAP_TXT_NOTE:
		add_event(mo, i, EV_NOTE, 0, "recorder: %s", line);
		model_warn(mo, "recorder note at sample %d: %s", i, line);
		break;
	default:
		if (mentions(s, len, "Killed process") || mentions(s, len, "Out of memory") ||
		    mentions(s, len, "invoked oom-killer"))
			add_event(mo, i, EV_OOM, 0, "%s", line);
		else if (mentions(s, len, "blocked for more than"))
			add_event(mo, i, EV_HUNG, 0, "%s", line);
		else if (mentions(s, len, "Show Blocked State") || mentions(s, len, "Show backtrace of all active CPUs"))
			add_event(mo, i, EV_SYSRQ, 0, "%s", line);
		break;
	}
}

/* A new capture replaces what was read so far: the model holds one
 * capture, never a mix of machines with time running backwards. */
static void restart(struct model *mo)
{
	struct model *n = model_new();
	memcpy(n->caps, mo->caps, sizeof mo->caps);
	n->ncaps = mo->ncaps;
	n->want_capture = mo->want_capture;
	struct model tmp = *mo;
	*mo = *n;
	*n = tmp;
	model_free(n);
}

/* Keeps the list of captures; 1 when this record belongs to a capture the
 * model does not hold. */
static bool other_capture(struct model *mo, const struct cap_rec *rec)
{
	struct rd *r = mo->priv;
	struct capinfo *ci = mo->ncaps && mo->ncaps <= MODEL_MAXCAPS ? &mo->caps[mo->ncaps - 1] : NULL;
	/* a frame is counted once its header says whose it is */
	if (rec->type == CAP_EV_FRAME) {
		r->frame_pending = true;
		return true;
	}
	if (rec->type == CAP_HEADER) {
		uint64_t id = rec->u.header->capture_id;
		bool fresh = !mo->ncaps || id != r->list_id, fp = r->frame_pending;
		if (fresh) {
			if (mo->ncaps < MODEL_MAXCAPS) {
				ci = &mo->caps[mo->ncaps];
				memset(ci, 0, sizeof *ci);
				ci->id = id;
				snprintf(ci->host, sizeof ci->host, "%.63s", rec->u.header->host);
				text_tidy(ci->host);
			} else {
				ci = NULL;
			}
			mo->ncaps++;
			r->list_id = id;
			if (mo->want_capture > 0) {
				r->skip = mo->ncaps != mo->want_capture;
			} else if (mo->ncaps > 1) {
				restart(mo);
				r = mo->priv;
				r->list_id = id;
			}
			if (!r->skip)
				mo->chosen = mo->ncaps;
		}
		if (ci && fp)
			ci->frames++;
		if (fp && !r->skip)
			mo->frames++;
		r->frame_pending = false;
		return r->skip;
	}
	if (rec->type == CAP_SAMPLE && ci) {
		if (!ci->samples)
			ci->first_wall_us = rec->u.sample.wall_us;
		ci->samples++;
		ci->last_wall_us = rec->u.sample.wall_us;
	}
	return r->skip;
}

static void feed_rec(struct model *mo, const struct cap_rec *rec)
{
	struct rd *r = mo->priv;
	if (!r)
		return;
	if (rec->type == CAP_TASK) {
		model_feed_task(mo, rec);
		return;
	}
	if (rec->type == CAP_EV_FRAME)
		r->nids = r->ngp = r->nsix = 0; /* name ids and slots start afresh in every frame */
	if (other_capture(mo, rec))
		return;
	r = mo->priv;
	switch (rec->type) {
	case CAP_EV_FRAME:
		mo->frames++;
		break;
	case CAP_HEADER:
		if (!mo->have_hdr) {
			mo->hdr = *rec->u.header;
			mo->have_hdr = true;
			char *hs[] = { mo->hdr.writer, mo->hdr.host, mo->hdr.kernel, mo->hdr.machine, mo->hdr.options };
			for (size_t k = 0; k < sizeof hs / sizeof *hs; k++)
				text_tidy(hs[k]);
		} else if (r->have_id && rec->u.header->capture_id != r->capture_id) {
			mo->restarts++;
			add_event(mo, mo->nsamples, EV_RESTART, 0, "another capture (id %016llx) continues here",
				  (unsigned long long)rec->u.header->capture_id);
			model_warn(mo, "the file holds more than one capture (concatenated); they are read as one");
		}
		r->capture_id = rec->u.header->capture_id;
		r->have_id = true;
		break;
	case CAP_SAMPLE:
		begin_sample(mo, r, rec);
		break;
	case CAP_GROUP:
		if (r->in_sample)
			feed_group(mo, r, rec);
		break;
	case CAP_TASK:
		if (r->in_sample)
			feed_task(mo, r, rec);
		break;
	case CAP_TASK_EXIT: {
		struct tslot *t = task_find(r, rec->u.exit.tid, false);
		if (t)
			drop_task(mo, r, t);
		break;
	}
	case CAP_SAMPLE_END:
		end_sample(mo, r);
		break;
	case CAP_TEXT:
		feed_text(mo, r, rec);
		break;
	case CAP_END:
		end_sample(mo, r);
		mo->clean_end = true;
		break;
	case CAP_EV_DAMAGE:
		end_sample(mo, r);
		mo->damaged++;
		mo->damaged_bytes += rec->u.damage.length;
		add_event(mo, mo->nsamples, EV_DAMAGE, 0, "damaged region: %s", rec->u.damage.what);
		model_warn(mo, "damaged region at byte %llu (%llu bytes): %s; the samples in it are lost",
			   (unsigned long long)rec->u.damage.offset, (unsigned long long)rec->u.damage.length,
			   rec->u.damage.what);
		break;
	case CAP_EV_UNKNOWN: {
		mo->unknown_recs++;
		uint32_t ty = (uint32_t)rec->u.unknown.type;
		int k = 0;
		while (k < mo->nunknown_types && mo->unknown_types[k] != ty)
			k++;
		if (k == mo->nunknown_types && k < 8)
			mo->unknown_types[mo->nunknown_types++] = ty;
		break;
	}
	default:
		break;
	}
	if (rec->type != CAP_END)
		mo->clean_end = false;
}

int model_feed(struct model *mo, const struct cap_rec *rec)
{
	struct rd *g = mo->priv;
	/* most records left after the tasks are groups of an open sample:
	 * the way through feed_rec would do this and no more */
	if (rec->type == CAP_GROUP && g && g->tasks_on) {
		feed_group(mo, g, rec);
		mo->clean_end = false;
		return 0;
	}
	feed_rec(mo, rec);
	struct rd *r = mo->priv; /* a new capture may have replaced it */
	if (r)
		r->tasks_on = r->in_sample && !r->skip;
	return 0;
}

void model_finish(struct model *mo)
{
	struct rd *r = mo->priv;
	if (!r)
		return;
	end_sample(mo, r);
	flush_all(mo, r);
	if (mo->ncaps > 1 && mo->chosen)
		model_warn(mo, "the input holds %d captures (by capture id); this report is of capture %d (id %016llx); "
			   "`analyze info` lists them, --capture N picks another", mo->ncaps, mo->chosen,
			   (unsigned long long)mo->hdr.capture_id);
	if (mo->nsamples && !mo->clean_end && !mo->damaged)
		model_warn(mo, "the capture has no end record: the recorder was stopped abruptly (power cut, SIGKILL) or is still running");
	if (mo->unknown_recs) {
		char types[80] = "";
		size_t tl = 0;
		for (int k = 0; k < mo->nunknown_types && tl < sizeof types; k++)
			tl += (size_t)snprintf(types + tl, sizeof types - tl, "%s%u", k ? ", " : "",
					       (unsigned)mo->unknown_types[k]);
		model_warn(mo, "%d record(s) of a newer format version were skipped (record type%s %s%s); "
			   "a newer analyze reads them", mo->unknown_recs, mo->nunknown_types > 1 ? "s" : "", types,
			   mo->unknown_recs > mo->nunknown_types && mo->nunknown_types == 8 ? ", ..." : "");
	}
	for (size_t i = 1; i < r->st.n; i++)
		free(r->st.s[i]);
	free(r->st.s);
	hash_free(&r->st.h);
	free(r->tasks);
	hash_free(&r->th);
	free(r->mk);
	free(r->mv);
	hash_free(&r->mh);
	hash_free(&r->mem.h);
	hash_free(&r->vm.h);
	free(r->cgs);
	free(r->ids);
	free(r->six);
	free(r->dl);
	free(r->fdw);
	for (size_t k = 0; k < r->gpcap; k++)
		free(r->gp[k].it);
	free(r->gp);
	free(r->byname.it);
	free(r);
	mo->priv = NULL;
}

void model_free(struct model *mo)
{
	if (!mo)
		return;
	if (mo->priv)
		model_finish(mo);
	free(mo->m);
	free(mo->t);
	free(mo->wall_us);
	free(mo->mono_us);
	for (size_t i = 0; i < mo->nents; i++)
		free(mo->ents[i].v);
	free(mo->ents);
	for (int d = 0; d < mo->ndisks; d++) {
		free(mo->disks[d].rps);
		free(mo->disks[d].rmbps);
		free(mo->disks[d].util);
		free(mo->disks[d].wps);
		free(mo->disks[d].wmbps);
	}
	free(mo->evs);
	for (size_t i = 0; i < mo->nkmsg; i++)
		free(mo->kmsg[i].text);
	free(mo->kmsg);
	for (size_t i = 0; i < mo->nwarn; i++)
		free(mo->warnings[i]);
	free(mo->warnings);
	free(mo);
}
