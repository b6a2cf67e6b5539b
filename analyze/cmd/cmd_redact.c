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
#include "input.h"

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
	char host[256];
};

static void pseudo(const struct redact *rd, const char *prefix, const char *s, char *out, size_t n)
{
	snprintf(out, n, "%s%08llx", prefix, (unsigned long long)(fnv1a64(rd->salt, s) & 0xffffffffull));
}

static int dict_add(struct redact *rd, const char *from, const char *prefix)
{
	if (!from[0])
		return 0;
	for (size_t i = 0; i < rd->nd; i++)
		if (!strcmp(rd->dict[i].from, from))
			return 0;
	if (rd->nd == rd->dcap) {
		size_t nc = rd->dcap ? rd->dcap * 2 : 256;
		struct pair *np = realloc(rd->dict, nc * sizeof *np);
		if (!np)
			return -1;
		rd->dict = np;
		rd->dcap = nc;
	}
	char to[32];
	pseudo(rd, prefix, from, to, sizeof to);
	rd->dict[rd->nd].from = strdup(from);
	rd->dict[rd->nd].to = strdup(to);
	if (!rd->dict[rd->nd].from || !rd->dict[rd->nd].to)
		return -1;
	rd->nd++;
	return 0;
}

static const char *dict_get(const struct redact *rd, const char *from)
{
	for (size_t i = 0; i < rd->nd; i++)
		if (!strcmp(rd->dict[i].from, from))
			return rd->dict[i].to;
	return NULL;
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

struct live {
	bool used, seen;
	struct cap_task_in t;
	char comm[64], wchan[128], cgroup[512];
};

struct copy {
	struct live *l;
	size_t cap;
};

static struct live *live_get(struct copy *c, uint32_t tid, bool add)
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->l[i].used && c->l[i].t.tid == tid)
			return &c->l[i];
	if (!add)
		return NULL;
	for (size_t i = 0; i < c->cap; i++)
		if (!c->l[i].used) {
			memset(&c->l[i], 0, sizeof c->l[i]);
			c->l[i].used = true;
			c->l[i].t.tid = tid;
			return &c->l[i];
		}
	size_t nc = c->cap ? c->cap * 2 : 1024;
	struct live *nl = realloc(c->l, nc * sizeof *nl);
	if (!nl)
		return NULL;
	memset(nl + c->cap, 0, (nc - c->cap) * sizeof *nl);
	c->l = nl;
	size_t i = c->cap;
	c->cap = nc;
	c->l[i].used = true;
	c->l[i].t.tid = tid;
	return &c->l[i];
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
static int cg_components(struct redact *rd, const char *pre, const char *path)
{
	while (*path) {
		if (*path == '/') {
			path++;
			continue;
		}
		size_t l = strcspn(path, "/");
		char comp[256];
		snprintf(comp, sizeof comp, "%.*s", (int)(l < 255 ? l : 255), path);
		if (dict_add(rd, comp, pre))
			return -1;
		path += l;
	}
	return 0;
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
			if (rec.u.header->host[0] && dict_add(rd, rec.u.header->host, "host-"))
				goto oom;
			break;
		case CAP_SAMPLE:
			values = 0;
			break;
		case CAP_GROUP:
			values += rec.u.group.n + 1;
			if (values > *max_values)
				*max_values = values;
			if (!strcmp(rec.u.group.source, "cgroup") && rec.u.group.instance &&
			    cg_components(rd, "cg-", rec.u.group.instance))
				goto oom;
			if (!strcmp(rec.u.group.source, "statfs") && rec.u.group.instance &&
			    cg_components(rd, "mnt-", rec.u.group.instance))
				goto oom;
			break;
		case CAP_TASK:
			tasks++;
			if (rec.u.task.cgroup && cg_components(rd, "cg-", rec.u.task.cgroup))
				goto oom;
			if (rd->comms && !is_kthread(rec.u.task.v) && rec.u.task.comm && dict_add(rd, rec.u.task.comm, "p-"))
				goto oom;
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
oom:
	input_close(in);
	snprintf(err, n, "out of memory");
	return -1;
}

static int copy(struct redact *rd, const char *path, FILE *out, size_t max_tasks, size_t max_values, char *err,
		size_t n)
{
	struct input *in = input_open(path, false, err, n);
	if (!in)
		return -1;
	struct copy c = { 0 };
	struct cap_writer *w = NULL;
	uint64_t id = 0;
	bool in_sample = false, key = false, frames = false;
	char *buf = malloc(1 << 16), *buf2 = malloc(1 << 16);
	struct cap_writer_limits lim = {
		.max_tasks = max_tasks + 1024, .max_counters = max_values * 2 + 1024, .names_bytes = 1u << 20,
		.frame_us = UINT64_MAX / 2, /* frames end where the original's do */
	};
	struct cap_rec rec;
	int rc, fail = 0;
	if (!buf || !buf2)
		goto oom;
	while (!fail && (rc = input_next(in, &rec)) == 1) {
		switch (rec.type) {
		case CAP_EV_FRAME:
			/* frame for frame: a cut copy loses what a cut original would */
			if (w && frames && cap_flush(w))
				fail = 1;
			frames = true;
			break;
		case CAP_CHECKPOINT:
			if (w && cap_flush_point(w) < 0)
				fail = 1;
			break;
		case CAP_HEADER: {
			const struct cap_header *h0 = rec.u.header;
			if (w && h0->capture_id == id)
				break;
			if (w) { /* a second capture in the input: one writer each */
				if (cap_flush(w))
					fail = 1;
				cap_writer_free(w);
				for (size_t i = 0; i < c.cap; i++)
					c.l[i].used = false;
			}
			struct cap_header h = *h0;
			h.frame_seq = 0;
			const char *hp = dict_get(rd, h.host);
			snprintf(h.host, sizeof h.host, "%s", hp ? hp : "");
			options(rd, h0->options, h.options, sizeof h.options);
			id = h.capture_id;
			w = cap_writer_new(&h, &lim, fwrite_cb, out);
			if (!w)
				goto oom;
			frames = false;
			break;
		}
		case CAP_SAMPLE:
			if (!w)
				break;
			in_sample = true;
			key = rec.u.sample.key;
			if (key)
				for (size_t i = 0; i < c.cap; i++)
					c.l[i].seen = false;
			fail = cap_sample_begin(w, rec.u.sample.wall_us, rec.u.sample.mono_us) != 0;
			break;
		case CAP_GROUP: {
			if (!w || !in_sample)
				break;
			const char *inst = rec.u.group.instance;
			bool mnt = !strcmp(rec.u.group.source, "statfs");
			if ((mnt || !strcmp(rec.u.group.source, "cgroup")) && inst && inst[0]) {
				cgroup_path(rd, mnt ? "mnt-" : "cg-", inst, buf, 1 << 16);
				inst = buf;
			}
			fail = cap_group_begin(w, rec.u.group.source, inst) != 0;
			for (size_t k = 0; !fail && k < rec.u.group.n; k++)
				fail = cap_group_value(w, rec.u.group.names[k], rec.u.group.values[k]) != 0;
			if (!fail)
				fail = cap_group_end(w) != 0;
			break;
		}
		case CAP_TASK: {
			if (!w || !in_sample)
				break;
			struct live *l = live_get(&c, rec.u.task.tid, true);
			if (!l)
				goto oom;
			memcpy(l->t.v, rec.u.task.v, sizeof l->t.v);
			const char *comm = rec.u.task.comm ? rec.u.task.comm : "";
			const char *pc = rd->comms && !is_kthread(l->t.v) ? dict_get(rd, comm) : NULL;
			snprintf(l->comm, sizeof l->comm, "%s", pc ? pc : comm);
			snprintf(l->wchan, sizeof l->wchan, "%s", rec.u.task.wchan ? rec.u.task.wchan : "");
			if (rec.u.task.cgroup && rec.u.task.cgroup[0])
				cgroup_path(rd, "cg-", rec.u.task.cgroup, l->cgroup, sizeof l->cgroup);
			else
				l->cgroup[0] = 0;
			l->seen = true;
			break;
		}
		case CAP_TASK_EXIT: {
			struct live *l = live_get(&c, rec.u.exit.tid, false);
			if (l)
				l->used = false;
			break;
		}
		case CAP_SAMPLE_END:
			if (!w || !in_sample)
				break;
			in_sample = false;
			for (size_t i = 0; !fail && i < c.cap; i++) {
				struct live *l = &c.l[i];
				if (!l->used)
					continue;
				if (key && !l->seen) {
					l->used = false;
					continue;
				}
				l->t.comm = l->comm;
				l->t.wchan = l->wchan;
				l->t.cgroup = l->cgroup;
				fail = cap_task(w, &l->t) != 0;
			}
			if (!fail)
				fail = cap_sample_end(w, rec.u.sample_end.took_us) != 0;
			break;
		case CAP_TEXT: {
			if (!w)
				break;
			size_t len = rec.u.text.len < (1 << 16) - 1 ? rec.u.text.len : (1 << 16) - 1;
			memcpy(buf2, rec.u.text.text, len);
			buf2[len] = 0;
			for (size_t k = 0; k < len; k++)
				if (!buf2[k])
					buf2[k] = ' ';
			const char *t = buf2;
			if (rec.u.text.kind == CAP_TXT_KMSG && !structural(buf2, rec.u.text.trigger)) {
				words(rd, buf2, buf, 1 << 16);
				t = buf;
			} else if (rec.u.text.kind != CAP_TXT_TRIGGER) {
				subst(rd, buf2, buf, 1 << 16);
				t = buf;
			}
			fail = cap_text(w, rec.u.text.kind, rec.u.text.ts_us, rec.u.text.seq, rec.u.text.level,
					rec.u.text.trigger, t, strlen(t)) != 0;
			break;
		}
		case CAP_END:
			if (w) {
				fail = cap_writer_close(w) != 0;
				cap_writer_free(w);
				w = NULL;
				id = 0;
			}
			break;
		default: /* damage and unknown records: nothing of them can be copied */
			break;
		}
	}
	if (w) {
		if (!fail && cap_flush(w))
			fail = 1;
		cap_writer_free(w);
	}
	if (rc < 0)
		snprintf(err, n, "%s: %s", path, input_error(in));
	else if (fail)
		snprintf(err, n, "writing the copy failed: %s", strerror(errno ? errno : EIO));
	input_close(in);
	free(c.l);
	free(buf);
	free(buf2);
	return rc < 0 || fail ? -1 : 0;
oom:
	if (w)
		cap_writer_free(w);
	input_close(in);
	free(c.l);
	free(buf);
	free(buf2);
	snprintf(err, n, "out of memory");
	return -1;
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
	return rc;
}
