/* cmd_redact.c - `analyze redact IN -o OUT`: a copy of a capture fit for a
 * public bug tracker.
 *
 * The host name, the command line, cgroup paths, tmpfs mount points, the
 * recorder's notes and the kernel log's words (and with --comms the names
 * of user processes) become stable pseudonyms: the same name gives the same
 * pseudonym all through the copy, so who-waits-on-what still reads.  Every
 * number is copied untouched, so the report of the copy gives the same
 * causes, scores and figures.  Kernel log lines that analyze parses (task
 * dumps, OOM and hung-task reports, sysrq answers) keep their kernel words
 * and lose only the names; other lines keep only their numbers and
 * punctuation.  Kernel threads keep their names: they say nothing about the
 * device's owner, and kswapd's CPU is a figure. */
#include "cli.h"
#include "fnv.h"
#include "hash.h"
#include "input.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PF_KTHREAD 0x00200000u

struct pair { char *from, *to; };

struct redact {
	uint64_t salt;
	bool comms;
	struct pair *dict;        /* names replaced inside text, longest first */
	size_t nd, dcap;
	struct hash dh;           /* finds a name in dict */
	char host[256];
};

static void pseudo(const struct redact *rd, const char *prefix, const char *s, char *out, size_t n)
{
	snprintf(out, n, "%s%08llx", prefix, (unsigned long long)(fnv1a64(rd->salt, s) & 0xffffffffull));
}

static bool pair_same(const void *ctx, uint32_t i)
{
	const void *const *c = ctx; /* { dict, name } */
	return !strcmp(((const struct pair *)c[0])[i].from, c[1]);
}

static uint32_t name_hash(const char *s) { return fnv1a32(s, strlen(s)); }

/* Indexes dict[i] (after an add, or all of them once sorted). */
static void dict_index(struct redact *rd, size_t i)
{
	hash_reserve(&rd->dh, 256);
	uint32_t h = name_hash(rd->dict[i].from);
	const void *c[2] = { rd->dict, rd->dict[i].from };
	hash_put(&rd->dh, hash_find(&rd->dh, h, pair_same, c), h, (uint32_t)i);
}

static const char *dict_get(const struct redact *rd, const char *from)
{
	const void *c[2] = { rd->dict, from };
	long i = hash_get(&rd->dh, name_hash(from), pair_same, c);
	return i < 0 ? NULL : rd->dict[i].to;
}

static void dict_add(struct redact *rd, const char *from, const char *prefix)
{
	if (!from[0] || dict_get(rd, from))
		return;
	if (rd->nd == rd->dcap) {
		rd->dcap = rd->dcap ? rd->dcap * 2 : 256;
		rd->dict = xrealloc(rd->dict, rd->dcap * sizeof *rd->dict);
	}
	char to[32];
	pseudo(rd, prefix, from, to, sizeof to);
	rd->dict[rd->nd].from = xstrdup(from);
	rd->dict[rd->nd].to = xstrdup(to);
	dict_index(rd, rd->nd++);
}

static int by_len(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	size_t lx = strlen(x->from), ly = strlen(y->from);
	return lx < ly ? 1 : lx > ly ? -1 : strcmp(x->from, y->from);
}

/* "/a/b.slice" -> "/cg-xxxxxxxx/cg-yyyyyyyy": the hierarchy stays.  Mount
 * points (statfs groups) the same way, with "mnt-". */
static void cgroup_path(const struct redact *rd, const char *pre, const char *in, char *out, size_t n)
{
	size_t o = 0;
	out[0] = 0;
	while (*in && o + 1 < n) {
		if (*in == '/') {
			out[o++] = *in++;
			continue;
		}
		size_t l = strcspn(in, "/");
		char comp[256];
		snprintf(comp, sizeof comp, "%.*s", (int)(l < 255 ? l : 255), in);
		char p[32];
		pseudo(rd, pre, comp, p, sizeof p);
		o += (size_t)snprintf(out + o, n - o, "%s", p);
		if (o >= n)
			o = n - 1;
		in += l;
	}
	out[o] = 0;
}

static bool word_char(unsigned char c) { return isalnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80; }

/* Replaces whole-word occurrences of every dictionary name. */
static void subst(const struct redact *rd, const char *in, char *out, size_t n)
{
	size_t o = 0;
	const char *p = in;
	while (*p && o + 1 < n) {
		bool hit = false;
		if (p == in || !word_char((unsigned char)p[-1]) || p[-1] == '/' || !isalnum((unsigned char)p[-1])) {
			for (size_t i = 0; i < rd->nd; i++) {
				size_t l = strlen(rd->dict[i].from);
				if (!strncmp(p, rd->dict[i].from, l) && !word_char((unsigned char)p[l])) {
					o += (size_t)snprintf(out + o, n - o, "%s", rd->dict[i].to);
					if (o >= n)
						o = n - 1;
					p += l;
					hit = true;
					break;
				}
			}
		}
		if (!hit)
			out[o++] = *p++;
	}
	out[o] = 0;
}

/* A word's pseudonym is letters only, so a line keeps exactly its digits. */
static void letters(const struct redact *rd, const char *w, char *out)
{
	uint64_t h = fnv1a64(rd->salt, w);
	out[0] = 'w';
	for (int i = 1; i < 6; i++, h /= 26)
		out[i] = (char)('a' + h % 26);
	out[6] = 0;
}

static bool hexword(const char *t, size_t l)
{
	size_t i = l > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') ? 2 : 0;
	bool digit = false;
	for (size_t k = i; k < l; k++) {
		if (!isxdigit((unsigned char)t[k]))
			return false;
		digit |= isdigit((unsigned char)t[k]) != 0;
	}
	return l > i && (digit || l <= 2); /* "c7", "ff", "0x1a4": numbers */
}

/* Words become pseudonyms; numbers (decimal and hex), and the digits
 * inside names, and punctuation stay. */
static void words(const struct redact *rd, const char *in, char *out, size_t n)
{
	size_t o = 0;
	while (*in && o + 8 < n) {
		unsigned char c = (unsigned char)*in;
		if (!(isalnum(c) || c == '_' || c >= 0x80)) {
			out[o++] = *in++;
			continue;
		}
		size_t l = 0;
		while (in[l] && (isalnum((unsigned char)in[l]) || in[l] == '_' || (unsigned char)in[l] >= 0x80))
			l++;
		if (hexword(in, l)) {
			size_t k = l < n - o - 1 ? l : n - o - 1;
			memcpy(out + o, in, k);
			o += k;
			in += l;
			continue;
		}
		const char *end = in + l;
		while (in < end && o + 8 < n) {
			if (isdigit((unsigned char)*in)) {
				out[o++] = *in++;
				continue;
			}
			size_t m = 0;
			while (in + m < end && !isdigit((unsigned char)in[m]))
				m++;
			char w[256], p[8];
			snprintf(w, sizeof w, "%.*s", (int)(m < 255 ? m : 255), in);
			letters(rd, w, p);
			memcpy(out + o, p, 6);
			o += 6;
			in += m;
		}
	}
	out[o] = 0;
}

/* Lines analyze reads for structure: task dumps, OOM and hung-task
 * reports and their tables, memory summaries. */
static bool structural(const char *s, uint64_t trigger)
{
	static const char *const marks[] = {
		"Call Trace", "Killed process", "Kill process", "oom", "Out of memory", "Memory cgroup", "Mem-Info",
		"blocked for more than", "hung_task", "task:", "Tasks state", "Sched Debug", "CPU:", "pid", "[<", "+0x",
		"RIP:", "PC is at", "LR is at", "NIP", "epc", "Workqueue", "Hardware name", "Comm:", "sysrq", "SysRq",
		"Show ", "show_", "free:", "active_anon", "Node ", "lowmem_reserve", "pages RAM", "swap", "cache",
		"pages", "Normal", "DMA", "kB", "rss", "schedule", "__", "<TASK>", "</TASK>", "Backtrace", "stack",
		"R1", "R0", "pc :", "lr :", "sp :", "x29", "Exception", "INFO:", "Not tainted", "Tainted", "CPU",
		"Code:", "Modules linked in",
		NULL,
	};
	if (trigger && trigger != CAP_NA)
		return true;
	for (int i = 0; marks[i]; i++)
		if (strstr(s, marks[i]))
			return true;
	return false;
}

/* The capture's own command line: flags and numbers stay, values that
 * name things (paths, files) become pseudonyms. */
static void options(const struct redact *rd, const char *in, char *out, size_t n)
{
	size_t o = 0;
	out[0] = 0;
	for (const char *p = in; *p && o + 1 < n;) {
		size_t sp = strspn(p, " ");
		p += sp;
		size_t l = strcspn(p, " ");
		if (!l)
			break;
		char tok[512], rep[32];
		snprintf(tok, sizeof tok, "%.*s", (int)(l < 511 ? l : 511), p);
		const char *use = tok;
		bool plain = strspn(tok, "abcdefghijklmnopqrstuvwxyz0123456789=,.:-") == strlen(tok) &&
			     (tok[0] == '-' || !strchr(tok, '.') || strspn(tok, "0123456789.kMG") == strlen(tok));
		if (o == 0 && (!strcmp(tok, "capture") || (strlen(tok) > 8 && !strcmp(tok + strlen(tok) - 8, "/capture"))))
			use = "capture";
		else if (!plain) {
			pseudo(rd, "arg-", tok, rep, sizeof rep);
			use = rep;
		}
		o += (size_t)snprintf(out + o, n - o, "%s%s", o ? " " : "", use);
		if (o >= n)
			o = n - 1;
		p += l;
	}
}

/* ------------------------------------------------------ the copy */

/* The live tasks of the copy, rewritten every sample in the order of l[]:
 * a task takes the first free place, so the copy lists them as the
 * original's writer did. */
struct live {
	bool used, seen;
	struct cap_task_in t;
	char comm[64], wchan[128], cgroup[512];
};

struct lives {
	struct live *l;
	size_t cap, free_from; /* no free place before l[free_from] */
	struct hash h;         /* finds a tid's place */
};

static uint32_t tid_hash(uint32_t tid) { return tid * 2654435761u; } /* a bijection: no test needed */

static struct live *live_get(struct lives *c, uint32_t tid, bool add)
{
	long i = hash_get(&c->h, tid_hash(tid), NULL, NULL);
	if (i >= 0 || !add)
		return i < 0 ? NULL : &c->l[i];
	size_t k = c->free_from;
	while (k < c->cap && c->l[k].used)
		k++;
	if (k == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 1024;
		c->l = xrealloc(c->l, nc * sizeof *c->l);
		memset(c->l + c->cap, 0, (nc - c->cap) * sizeof *c->l);
		c->cap = nc;
	}
	memset(&c->l[k], 0, sizeof c->l[k]);
	c->l[k].used = true;
	c->l[k].t.tid = tid;
	c->free_from = k + 1;
	hash_reserve(&c->h, 1024);
	hash_put(&c->h, hash_find(&c->h, tid_hash(tid), NULL, NULL), tid_hash(tid), (uint32_t)k);
	return &c->l[k];
}

static void live_drop(struct lives *c, struct live *l)
{
	size_t k = (size_t)(l - c->l);
	l->used = false;
	hash_del(&c->h, hash_find(&c->h, tid_hash(l->t.tid), NULL, NULL));
	if (k < c->free_from)
		c->free_from = k;
}

static void lives_clear(struct lives *c)
{
	for (size_t i = 0; i < c->cap; i++)
		c->l[i].used = false;
	c->free_from = 0;
	hash_free(&c->h);
}

static int fwrite_cb(void *ctx, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

static bool is_kthread(const uint64_t *v)
{
	return v[CAP_TF_FLAGS] != CAP_NA && (v[CAP_TF_FLAGS] & PF_KTHREAD);
}

/* Cgroup names also appear in the kernel log (an OOM report's
 * task_memcg=) and in notes: the same pseudonyms there. */
static void cg_components(struct redact *rd, const char *pre, const char *path)
{
	while (*path) {
		if (*path == '/') {
			path++;
			continue;
		}
		size_t l = strcspn(path, "/");
		char comp[256];
		snprintf(comp, sizeof comp, "%.*s", (int)(l < 255 ? l : 255), path);
		dict_add(rd, comp, pre);
		path += l;
	}
}

/* Pass 1: the names to replace, and the writer's table sizes. */
static int collect(struct redact *rd, const char *path, size_t *max_tasks, size_t *max_values, char *err, size_t n)
{
	struct input *in = input_open(path, false, err, n);
	if (!in)
		return -1;
	struct cap_rec rec;
	int rc;
	size_t values = 0, tasks = 0;
	while ((rc = input_next(in, &rec)) == 1) {
		switch (rec.type) {
		case CAP_HEADER:
			if (!rd->salt)
				rd->salt = rec.u.header->capture_id;
			dict_add(rd, rec.u.header->host, "host-");
			break;
		case CAP_SAMPLE:
			values = 0;
			break;
		case CAP_GROUP:
			values += rec.u.group.n + 1;
			if (values > *max_values)
				*max_values = values;
			if (!strcmp(rec.u.group.source, "cgroup") && rec.u.group.instance)
				cg_components(rd, "cg-", rec.u.group.instance);
			if (!strcmp(rec.u.group.source, "statfs") && rec.u.group.instance)
				cg_components(rd, "mnt-", rec.u.group.instance);
			break;
		case CAP_TASK:
			tasks++;
			if (rec.u.task.cgroup)
				cg_components(rd, "cg-", rec.u.task.cgroup);
			if (rd->comms && !is_kthread(rec.u.task.v) && rec.u.task.comm)
				dict_add(rd, rec.u.task.comm, "p-");
			break;
		default:
			break;
		}
	}
	*max_tasks = tasks;
	if (rc < 0)
		snprintf(err, n, "%s: %s", path, input_error(in));
	input_close(in);
	return rc < 0 ? -1 : 0;
}

/* Pass 2: what the copy keeps between records. */
struct copy {
	struct redact *rd;
	FILE *out;
	struct cap_writer_limits lim;
	struct cap_writer *w;  /* NULL between captures */
	uint64_t id;
	bool in_sample, key, frames;
	struct lives live;
	char buf[1 << 16], buf2[1 << 16];
};

/* A header: the same capture goes on, or a new one starts its own writer. */
static int copy_header(struct copy *c, const struct cap_header *h0)
{
	int fail = 0;
	if (c->w && h0->capture_id == c->id)
		return 0;
	if (c->w) { /* a second capture in the input: one writer each */
		fail = cap_flush(c->w) != 0;
		cap_writer_free(c->w);
		lives_clear(&c->live);
	}
	struct cap_header h = *h0;
	h.frame_seq = 0;
	const char *hp = dict_get(c->rd, h.host);
	snprintf(h.host, sizeof h.host, "%s", hp ? hp : "");
	options(c->rd, h0->options, h.options, sizeof h.options);
	c->id = h.capture_id;
	if (!(c->w = cap_writer_new(&h, &c->lim, fwrite_cb, c->out)))
		out_of_memory();
	c->frames = false;
	return fail;
}

static int copy_group(struct copy *c, const struct cap_rec *rec)
{
	const char *inst = rec->u.group.instance;
	bool mnt = !strcmp(rec->u.group.source, "statfs");
	if ((mnt || !strcmp(rec->u.group.source, "cgroup")) && inst && inst[0]) {
		cgroup_path(c->rd, mnt ? "mnt-" : "cg-", inst, c->buf, sizeof c->buf);
		inst = c->buf;
	}
	int fail = cap_group_begin(c->w, rec->u.group.source, inst) != 0;
	for (size_t k = 0; !fail && k < rec->u.group.n; k++)
		fail = cap_group_value(c->w, rec->u.group.names[k], rec->u.group.values[k]) != 0;
	return fail || cap_group_end(c->w) != 0;
}

/* A task's record: kept, with its names redacted, until the sample ends. */
static void copy_task(struct copy *c, const struct cap_rec *rec)
{
	struct live *l = live_get(&c->live, rec->u.task.tid, true);
	memcpy(l->t.v, rec->u.task.v, sizeof l->t.v);
	const char *comm = rec->u.task.comm ? rec->u.task.comm : "";
	const char *pc = c->rd->comms && !is_kthread(l->t.v) ? dict_get(c->rd, comm) : NULL;
	snprintf(l->comm, sizeof l->comm, "%s", pc ? pc : comm);
	snprintf(l->wchan, sizeof l->wchan, "%s", rec->u.task.wchan ? rec->u.task.wchan : "");
	if (rec->u.task.cgroup && rec->u.task.cgroup[0])
		cgroup_path(c->rd, "cg-", rec->u.task.cgroup, l->cgroup, sizeof l->cgroup);
	else
		l->cgroup[0] = 0;
	l->seen = true;
}

/* The sample's tasks, all of them (the writer keeps only what changed). */
static int copy_sample_end(struct copy *c, const struct cap_rec *rec)
{
	int fail = 0;
	c->in_sample = false;
	for (size_t i = 0; !fail && i < c->live.cap; i++) {
		struct live *l = &c->live.l[i];
		if (!l->used)
			continue;
		if (c->key && !l->seen) {
			live_drop(&c->live, l);
			continue;
		}
		l->t.comm = l->comm;
		l->t.wchan = l->wchan;
		l->t.cgroup = l->cgroup;
		fail = cap_task(c->w, &l->t) != 0;
	}
	return fail || cap_sample_end(c->w, rec->u.sample_end.took_us) != 0;
}

/* Kernel text: lines analyze parses keep their kernel words, the rest
 * only numbers and punctuation; the recorder's own text loses names. */
static int copy_text(struct copy *c, const struct cap_rec *rec)
{
	size_t len = rec->u.text.len < sizeof c->buf2 - 1 ? rec->u.text.len : sizeof c->buf2 - 1;
	memcpy(c->buf2, rec->u.text.text, len);
	c->buf2[len] = 0;
	for (size_t k = 0; k < len; k++)
		if (!c->buf2[k])
			c->buf2[k] = ' ';
	const char *t = c->buf2;
	if (rec->u.text.kind == CAP_TXT_KMSG && !structural(c->buf2, rec->u.text.trigger)) {
		words(c->rd, c->buf2, c->buf, sizeof c->buf);
		t = c->buf;
	} else if (rec->u.text.kind != CAP_TXT_TRIGGER) {
		subst(c->rd, c->buf2, c->buf, sizeof c->buf);
		t = c->buf;
	}
	return cap_text(c->w, rec->u.text.kind, rec->u.text.ts_us, rec->u.text.seq, rec->u.text.level,
			rec->u.text.trigger, t, strlen(t)) != 0;
}

/* One record into the copy; nonzero when writing failed. */
static int copy_record(struct copy *c, const struct cap_rec *rec)
{
	int fail = 0;
	switch (rec->type) {
	case CAP_EV_FRAME:
		/* frame for frame: a cut copy loses what a cut original would */
		if (c->w && c->frames)
			fail = cap_flush(c->w) != 0;
		c->frames = true;
		break;
	case CAP_CHECKPOINT:
		if (c->w)
			fail = cap_flush_point(c->w) < 0;
		break;
	case CAP_HEADER:
		fail = copy_header(c, rec->u.header);
		break;
	case CAP_SAMPLE:
		if (!c->w)
			break;
		c->in_sample = true;
		c->key = rec->u.sample.key;
		if (c->key)
			for (size_t i = 0; i < c->live.cap; i++)
				c->live.l[i].seen = false;
		fail = cap_sample_begin(c->w, rec->u.sample.wall_us, rec->u.sample.mono_us) != 0;
		break;
	case CAP_GROUP:
		if (c->w && c->in_sample)
			fail = copy_group(c, rec);
		break;
	case CAP_TASK:
		if (c->w && c->in_sample)
			copy_task(c, rec);
		break;
	case CAP_TASK_EXIT: {
		struct live *l = live_get(&c->live, rec->u.exit.tid, false);
		if (l)
			live_drop(&c->live, l);
		break;
	}
	case CAP_SAMPLE_END:
		if (c->w && c->in_sample)
			fail = copy_sample_end(c, rec);
		break;
	case CAP_TEXT:
		if (c->w)
			fail = copy_text(c, rec);
		break;
	case CAP_END:
		if (c->w) {
			fail = cap_writer_close(c->w) != 0;
			cap_writer_free(c->w);
			c->w = NULL;
			c->id = 0;
		}
		break;
	default: /* damage and unknown records: nothing of them can be copied */
		break;
	}
	return fail;
}

static int copy(struct redact *rd, const char *path, FILE *out, size_t max_tasks, size_t max_values, char *err,
		size_t n)
{
	struct input *in = input_open(path, false, err, n);
	if (!in)
		return -1;
	struct copy *c = xrealloc(NULL, sizeof *c);
	*c = (struct copy){
		.rd = rd,
		.out = out,
		.lim = { .max_tasks = max_tasks + 1024, .max_counters = max_values * 2 + 1024, .names_bytes = 1u << 20,
			 .frame_us = UINT64_MAX / 2 }, /* frames end where the original's do */
	};
	struct cap_rec rec;
	int rc, fail = 0;
	while (!fail && (rc = input_next(in, &rec)) == 1)
		fail = copy_record(c, &rec);
	if (c->w) {
		if (!fail && cap_flush(c->w))
			fail = 1;
		cap_writer_free(c->w);
	}
	if (rc < 0)
		snprintf(err, n, "%s: %s", path, input_error(in));
	else if (fail)
		snprintf(err, n, "writing the copy failed: %s", strerror(errno ? errno : EIO));
	input_close(in);
	free(c->live.l);
	hash_free(&c->live.h);
	free(c);
	return rc < 0 || fail ? -1 : 0;
}

int cmd_redact(const struct opts *o)
{
	if (!o->out || !strcmp(o->out, "-"))
		return cli_fail(2, "redact needs -o OUT, a new file for the copy");
	struct stat a, b;
	if (strcmp(o->file, "-") && stat(o->file, &a) == 0 && stat(o->out, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return cli_fail(2, "-o %s is the input itself; write the copy to another file", o->out);
	struct redact rd = { .comms = o->comms };
	char err[512];
	size_t max_tasks = 0, max_values = 0;
	if (collect(&rd, o->file, &max_tasks, &max_values, err, sizeof err))
		return cli_fail(2, "%s", err);
	qsort(rd.dict, rd.nd, sizeof *rd.dict, by_len);
	hash_free(&rd.dh);
	for (size_t i = 0; i < rd.nd; i++)
		dict_index(&rd, i);
	FILE *out = fopen(o->out, "wb");
	int rc = 0;
	if (!out) {
		rc = cli_fail(2, "cannot write %s: %s", o->out, strerror(errno));
	} else if (copy(&rd, o->file, out, max_tasks, max_values, err, sizeof err)) {
		fclose(out);
		remove(o->out);
		rc = cli_fail(1, "%s", err);
	} else if (fclose(out) != 0) {
		rc = cli_fail(1, "writing %s failed: %s", o->out, strerror(errno));
	}
	for (size_t i = 0; i < rd.nd; i++) {
		free(rd.dict[i].from);
		free(rd.dict[i].to);
	}
	free(rd.dict);
	hash_free(&rd.dh);
	return rc;
}
