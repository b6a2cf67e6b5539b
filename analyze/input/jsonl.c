/* jsonl.c - lossless JSON Lines form of a capture (see jsonl.h). */
#include "jsonl.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ writing */

static json_t *jnum(uint64_t v)
{
	if (v == CAP_NA)
		return json_null();
	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	char b[24];
	snprintf(b, sizeof b, "%llu", (unsigned long long)v);
	return json_string(b);
}

static json_t *jstr(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	if (j)
		return j;
	/* not UTF-8: keep the bytes */
	char *h = xrealloc(NULL, len * 2 + 1);
	for (size_t i = 0; i < len; i++)
		snprintf(h + 2 * i, 3, "%02x", (unsigned char)s[i]);
	j = json_pack("{s:s}", "hex", h);
	free(h);
	return j;
}

static const char *kind_name(enum cap_text_kind k)
{
	return k == CAP_TXT_KMSG ? "kmsg" : k == CAP_TXT_TRIGGER ? "trigger" : k == CAP_TXT_NOTE ? "note" : NULL;
}

static void write_header(json_t *o, const struct cap_header *h)
{
	json_object_set_new(o, "format_version", jnum(h->format_version));
	json_object_set_new(o, "writer", jstr(h->writer, strlen(h->writer)));
	json_object_set_new(o, "host", jstr(h->host, strlen(h->host)));
	json_object_set_new(o, "kernel", jstr(h->kernel, strlen(h->kernel)));
	json_object_set_new(o, "machine", jstr(h->machine, strlen(h->machine)));
	json_object_set_new(o, "options", jstr(h->options, strlen(h->options)));
	json_object_set_new(o, "page_size", jnum(h->page_size));
	json_object_set_new(o, "user_hz", jnum(h->user_hz));
	json_object_set_new(o, "ncpu", jnum(h->ncpu));
	json_object_set_new(o, "boot_time_us", jnum(h->boot_time_us));
	json_object_set_new(o, "start_us", jnum(h->start_us));
	json_object_set_new(o, "interval_us", jnum(h->interval_us));
	json_object_set_new(o, "capture_id", jnum(h->capture_id));
	json_object_set_new(o, "frame_seq", jnum(h->frame_seq));
}

/* "values": [[name, value], ...] in the record's order */
static void write_group(json_t *o, const struct cap_rec *rec)
{
	json_object_set_new(o, "source", jstr(rec->u.group.source, strlen(rec->u.group.source)));
	json_object_set_new(o, "instance", jstr(rec->u.group.instance, strlen(rec->u.group.instance)));
	json_t *a = json_array();
	for (size_t i = 0; i < rec->u.group.n; i++) {
		json_t *p = json_array();
		json_array_append_new(p, jstr(rec->u.group.names[i], strlen(rec->u.group.names[i])));
		json_array_append_new(p, jnum(rec->u.group.values[i]));
		json_array_append_new(a, p);
	}
	json_object_set_new(o, "values", a);
}

/* every field under "v" (names as strings, a printable state as its
 * letter), the changed ones listed in "changed" */
static void write_task(json_t *o, const struct cap_rec *rec)
{
	json_object_set_new(o, "tid", jnum(rec->u.task.tid));
	json_object_set_new(o, "new", json_boolean(rec->u.task.is_new));
	json_t *ch = json_array(), *v = json_object();
	for (int f = 0; f < CAP_TF_COUNT; f++) {
		if (rec->u.task.changed & (1ull << f))
			json_array_append_new(ch, json_string(cap_task_field_name(f)));
		const char *n = cap_task_field_name(f);
		uint64_t x = rec->u.task.v[f];
		if (f == CAP_TF_COMM)
			json_object_set_new(v, n, jstr(rec->u.task.comm, strlen(rec->u.task.comm)));
		else if (f == CAP_TF_WCHAN)
			json_object_set_new(v, n, jstr(rec->u.task.wchan, strlen(rec->u.task.wchan)));
		else if (f == CAP_TF_CGROUP)
			json_object_set_new(v, n, jstr(rec->u.task.cgroup, strlen(rec->u.task.cgroup)));
		else if (f == CAP_TF_STATE && x > 32 && x < 127) {
			char c[2] = { (char)x, 0 };
			json_object_set_new(v, n, json_string(c));
		} else
			json_object_set_new(v, n, jnum(x));
	}
	json_object_set_new(o, "changed", ch);
	json_object_set_new(o, "v", v);
}

static void write_text(json_t *o, const struct cap_rec *rec)
{
	const char *k = kind_name(rec->u.text.kind);
	json_object_set_new(o, "kind", k ? json_string(k) : jnum(rec->u.text.kind));
	json_object_set_new(o, "ts_us", jnum(rec->u.text.ts_us));
	json_object_set_new(o, "seq", jnum(rec->u.text.seq));
	json_object_set_new(o, "level", jnum(rec->u.text.level));
	json_object_set_new(o, "trigger", jnum(rec->u.text.trigger));
	json_object_set_new(o, "text", jstr(rec->u.text.text, rec->u.text.len));
}

int jsonl_write(FILE *out, const struct cap_rec *rec)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(cap_type_name(rec->type)));
	json_object_set_new(o, "frame_offset", jnum(rec->frame_offset));
	switch (rec->type) {
	case CAP_EV_FRAME:
		json_object_set_new(o, "offset", jnum(rec->u.frame.offset));
		break;
	case CAP_HEADER:
		write_header(o, rec->u.header);
		break;
	case CAP_SAMPLE:
		json_object_set_new(o, "seq", jnum(rec->u.sample.seq));
		json_object_set_new(o, "wall_us", jnum(rec->u.sample.wall_us));
		json_object_set_new(o, "mono_us", jnum(rec->u.sample.mono_us));
		json_object_set_new(o, "key", json_boolean(rec->u.sample.key));
		break;
	case CAP_GROUP:
		write_group(o, rec);
		break;
	case CAP_TASK:
		write_task(o, rec);
		break;
	case CAP_TASK_EXIT:
		json_object_set_new(o, "tid", jnum(rec->u.exit.tid));
		break;
	case CAP_SAMPLE_END:
		json_object_set_new(o, "took_us", jnum(rec->u.sample_end.took_us));
		break;
	case CAP_TEXT:
		write_text(o, rec);
		break;
	case CAP_EV_DAMAGE:
		json_object_set_new(o, "offset", jnum(rec->u.damage.offset));
		json_object_set_new(o, "length", jnum(rec->u.damage.length));
		json_object_set_new(o, "what", jstr(rec->u.damage.what, strlen(rec->u.damage.what)));
		break;
	case CAP_EV_UNKNOWN:
		json_object_set_new(o, "record_type", jnum(rec->u.unknown.type));
		json_object_set_new(o, "length", jnum(rec->u.unknown.length));
		break;
	default:
		break;
	}
	int rc = json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (rc == 0 && fputc('\n', out) == EOF)
		rc = -1;
	return rc;
}

/* ------------------------------------------------------------ reading */

struct jl_reader {
	FILE *f;
	long line;
	char *buf;
	size_t cap;
	json_t *cur;             /* the record's JSON: rec strings point into it */
	struct cap_header hdr;
	const char **names;
	uint64_t *vals;
	size_t gcap;
	uint64_t tv[CAP_TF_COUNT];
	char *texts[4];          /* decoded hex strings for this record */
	char err[300], what[200];
};

struct jl_reader *jl_open(FILE *f)
{
	struct jl_reader *r = xrealloc(NULL, sizeof *r);
	memset(r, 0, sizeof *r);
	r->f = f;
	return r;
}

void jl_close(struct jl_reader *r)
{
	if (!r)
		return;
	json_decref(r->cur);
	free(r->buf);
	free(r->names);
	free(r->vals);
	for (int i = 0; i < 4; i++)
		free(r->texts[i]);
	free(r);
}

const char *jl_error(const struct jl_reader *r) { return r->err; }
long jl_line(const struct jl_reader *r) { return r->line; }

/* Reads one line, refusing to grow past JL_MAX_LINE (a JSONL file is
 * never a reason to exhaust memory).  1 = line, 0 = EOF, -1 = too long. */
static int read_line(struct jl_reader *r, size_t *len)
{
	size_t n = 0;
	int c;
	while ((c = getc_unlocked(r->f)) != EOF) {
		if (c == '\n')
			break;
		if (n + 2 > r->cap) {
			if (r->cap >= JL_MAX_LINE)
				return -1;
			r->cap = r->cap ? r->cap * 2 : 4096;
			r->buf = xrealloc(r->buf, r->cap);
		}
		r->buf[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return 0;
	if (!r->buf) {
		r->buf = xrealloc(NULL, 1);
		r->cap = 1;
	}
	r->buf[n] = 0;
	*len = n;
	return 1;
}

static bool get_u(json_t *j, uint64_t *out)
{
	if (!j || json_is_null(j)) {
		*out = CAP_NA;
		return true;
	}
	if (json_is_integer(j)) {
		json_int_t v = json_integer_value(j);
		if (v < 0)
			return false;
		*out = (uint64_t)v;
		return true;
	}
	if (json_is_string(j)) {
		const char *s = json_string_value(j);
		char *end;
		errno = 0;
		unsigned long long v = strtoull(s, &end, 10);
		if (errno || end == s || *end || !isdigit((unsigned char)*s))
			return false;
		*out = v;
		return true;
	}
	return false;
}

static uint64_t field_u(json_t *o, const char *k, bool *ok)
{
	uint64_t v = 0;
	if (!get_u(json_object_get(o, k), &v))
		*ok = false;
	return v;
}

/* A string field, or its {"hex"} form decoded into slot (lives until the
 * next record).  *len gets the byte length. */
static const char *field_s(struct jl_reader *r, json_t *o, const char *k, int slot, size_t *len, bool *ok)
{
	json_t *j = json_object_get(o, k);
	size_t dummy;
	if (!len)
		len = &dummy;
	if (json_is_string(j)) {
		*len = json_string_length(j);
		return json_string_value(j);
	}
	json_t *h = json_object_get(j, "hex");
	if (json_is_string(h)) {
		const char *s = json_string_value(h);
		size_t n = strlen(s) / 2;
		free(r->texts[slot]);
		r->texts[slot] = xrealloc(NULL, n + 1);
		for (size_t i = 0; i < n; i++) {
			unsigned x;
			if (sscanf(s + 2 * i, "%2x", &x) != 1)
				*ok = false;
			r->texts[slot][i] = (char)x;
		}
		r->texts[slot][n] = 0;
		*len = n;
		return r->texts[slot];
	}
	*ok = false;
	*len = 0;
	return "";
}

static enum cap_type type_of(const char *s)
{
	static const enum cap_type all[] = { CAP_HEADER, CAP_SAMPLE, CAP_GROUP, CAP_TASK, CAP_TASK_EXIT,
					     CAP_SAMPLE_END, CAP_TEXT, CAP_END, CAP_EV_FRAME, CAP_EV_DAMAGE,
					     CAP_EV_UNKNOWN };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		if (!strcmp(s, cap_type_name(all[i])))
			return all[i];
	return 0;
}

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s);
}

static void decode_header(struct jl_reader *r, json_t *o, struct cap_rec *rec, bool *ok)
{
	struct cap_header *h = &r->hdr;
	memset(h, 0, sizeof *h);
	h->format_version = (uint32_t)field_u(o, "format_version", ok);
	copy_str(h->writer, sizeof h->writer, field_s(r, o, "writer", 0, NULL, ok));
	copy_str(h->host, sizeof h->host, field_s(r, o, "host", 0, NULL, ok));
	copy_str(h->kernel, sizeof h->kernel, field_s(r, o, "kernel", 0, NULL, ok));
	copy_str(h->machine, sizeof h->machine, field_s(r, o, "machine", 0, NULL, ok));
	copy_str(h->options, sizeof h->options, field_s(r, o, "options", 0, NULL, ok));
	h->page_size = (uint32_t)field_u(o, "page_size", ok);
	h->user_hz = (uint32_t)field_u(o, "user_hz", ok);
	h->ncpu = (uint32_t)field_u(o, "ncpu", ok);
	h->boot_time_us = field_u(o, "boot_time_us", ok);
	h->start_us = field_u(o, "start_us", ok);
	h->interval_us = field_u(o, "interval_us", ok);
	h->capture_id = field_u(o, "capture_id", ok);
	h->frame_seq = field_u(o, "frame_seq", ok);
	rec->u.header = h;
}

/* false when "values" is not a list of [name, number] */
static bool decode_group(struct jl_reader *r, json_t *o, struct cap_rec *rec, bool *ok)
{
	rec->u.group.source = field_s(r, o, "source", 0, NULL, ok);
	rec->u.group.instance = field_s(r, o, "instance", 1, NULL, ok);
	json_t *a = json_object_get(o, "values");
	if (!json_is_array(a))
		return false;
	size_t n = json_array_size(a);
	if (n > r->gcap) {
		r->names = xrealloc(r->names, n * sizeof *r->names);
		r->vals = xrealloc(r->vals, n * sizeof *r->vals);
		r->gcap = n;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_array_get(a, i);
		const char *nm = json_string_value(json_array_get(p, 0));
		if (!nm || !get_u(json_array_get(p, 1), &r->vals[i]))
			return false;
		r->names[i] = nm;
	}
	rec->u.group.n = n;
	rec->u.group.names = r->names;
	rec->u.group.values = r->vals;
	return true;
}

/* false when the tid or "v" cannot be a task's */
static bool decode_task(struct jl_reader *r, json_t *o, struct cap_rec *rec, bool *ok)
{
	uint64_t tid = field_u(o, "tid", ok);
	if (tid > UINT32_MAX)
		return false;
	rec->u.task.tid = (uint32_t)tid;
	rec->u.task.is_new = json_is_true(json_object_get(o, "new"));
	json_t *v = json_object_get(o, "v"), *ch = json_object_get(o, "changed");
	if (!json_is_object(v))
		return false;
	for (int f = 0; f < CAP_TF_COUNT; f++) {
		const char *n = cap_task_field_name(f);
		json_t *x = json_object_get(v, n);
		if (f == CAP_TF_COMM || f == CAP_TF_WCHAN || f == CAP_TF_CGROUP) {
			r->tv[f] = 0;
			continue;
		}
		if (f == CAP_TF_STATE && json_is_string(x) && json_string_length(x) == 1)
			r->tv[f] = (uint8_t)json_string_value(x)[0];
		else if (!get_u(x, &r->tv[f]))
			*ok = false;
	}
	rec->u.task.comm = field_s(r, v, "comm", 0, NULL, ok);
	rec->u.task.wchan = field_s(r, v, "wchan", 1, NULL, ok);
	rec->u.task.cgroup = field_s(r, v, "cgroup", 2, NULL, ok);
	/* name ids are the binary reader's; here a non-empty name has id 1 */
	r->tv[CAP_TF_COMM] = *rec->u.task.comm != 0;
	r->tv[CAP_TF_WCHAN] = *rec->u.task.wchan != 0;
	r->tv[CAP_TF_CGROUP] = *rec->u.task.cgroup != 0;
	rec->u.task.v = r->tv;
	for (size_t i = 0; i < json_array_size(ch); i++) {
		const char *n = json_string_value(json_array_get(ch, i));
		for (int f = 0; n && f < CAP_TF_COUNT; f++)
			if (!strcmp(n, cap_task_field_name(f)))
				rec->u.task.changed |= 1ull << f;
	}
	return true;
}

static void decode_text(struct jl_reader *r, json_t *o, struct cap_rec *rec, bool *ok)
{
	json_t *k = json_object_get(o, "kind");
	const char *ks = json_string_value(k);
	uint64_t kn = 0;
	if (ks)
		kn = !strcmp(ks, "kmsg") ? CAP_TXT_KMSG : !strcmp(ks, "trigger") ? CAP_TXT_TRIGGER
		   : !strcmp(ks, "note") ? CAP_TXT_NOTE : 0;
	else if (!get_u(k, &kn) || kn > 1000)
		*ok = false;
	rec->u.text.kind = (enum cap_text_kind)kn;
	rec->u.text.ts_us = field_u(o, "ts_us", ok);
	rec->u.text.seq = field_u(o, "seq", ok);
	rec->u.text.level = field_u(o, "level", ok);
	rec->u.text.trigger = field_u(o, "trigger", ok);
	rec->u.text.text = field_s(r, o, "text", 3, &rec->u.text.len, ok);
}

static bool decode(struct jl_reader *r, json_t *o, struct cap_rec *rec)
{
	bool ok = true;
	const char *ts = json_string_value(json_object_get(o, "type"));
	enum cap_type t = ts ? type_of(ts) : 0;
	if (!t)
		return false;
	memset(rec, 0, sizeof *rec);
	rec->type = t;
	rec->frame_offset = field_u(o, "frame_offset", &ok);
	switch (t) {
	case CAP_EV_FRAME:
		rec->u.frame.offset = field_u(o, "offset", &ok);
		break;
	case CAP_HEADER:
		decode_header(r, o, rec, &ok);
		break;
	case CAP_SAMPLE:
		rec->u.sample.seq = field_u(o, "seq", &ok);
		rec->u.sample.wall_us = field_u(o, "wall_us", &ok);
		rec->u.sample.mono_us = field_u(o, "mono_us", &ok);
		rec->u.sample.key = json_is_true(json_object_get(o, "key"));
		break;
	case CAP_GROUP:
		if (!decode_group(r, o, rec, &ok))
			return false;
		break;
	case CAP_TASK:
		if (!decode_task(r, o, rec, &ok))
			return false;
		break;
	case CAP_TASK_EXIT: {
		uint64_t tid = field_u(o, "tid", &ok);
		if (tid > UINT32_MAX)
			return false;
		rec->u.exit.tid = (uint32_t)tid;
		break;
	}
	case CAP_SAMPLE_END:
		rec->u.sample_end.took_us = field_u(o, "took_us", &ok);
		break;
	case CAP_TEXT:
		decode_text(r, o, rec, &ok);
		break;
	case CAP_EV_DAMAGE:
		rec->u.damage.offset = field_u(o, "offset", &ok);
		rec->u.damage.length = field_u(o, "length", &ok);
		copy_str(r->what, sizeof r->what, field_s(r, o, "what", 0, NULL, &ok));
		rec->u.damage.what = r->what;
		break;
	case CAP_EV_UNKNOWN:
		rec->u.unknown.type = field_u(o, "record_type", &ok);
		rec->u.unknown.length = field_u(o, "length", &ok);
		break;
	default:
		break;
	}
	return ok;
}

int jl_next(struct jl_reader *r, struct cap_rec *rec)
{
	json_decref(r->cur);
	r->cur = NULL;
	for (;;) {
		size_t len;
		int rc = read_line(r, &len);
		if (rc == 0)
			return 0;
		r->line++;
		if (rc < 0) {
			snprintf(r->err, sizeof r->err, "line %ld is longer than %u MiB: not an `analyze dump` file",
				 r->line, JL_MAX_LINE >> 20);
			return -1;
		}
		if (len == 0 || (len == 1 && r->buf[0] == '\r'))
			continue;
		json_error_t je;
		json_t *o = json_loadb(r->buf, len, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
		if (o && json_is_object(o) && decode(r, o, rec)) {
			r->cur = o;
			return 1;
		}
		json_decref(o);
		memset(rec, 0, sizeof *rec);
		rec->type = CAP_EV_DAMAGE;
		snprintf(r->what, sizeof r->what, "line %ld is not a dump record%s%s", r->line,
			 o ? "" : ": ", o ? "" : je.text);
		rec->u.damage.what = r->what;
		rec->u.damage.offset = (uint64_t)r->line;
		rec->u.damage.length = len;
		return 1;
	}
}
