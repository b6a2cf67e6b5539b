/* input.c - decides what a file is and streams its records. */
#include "input.h"
#include "jsonl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct input {
	enum in_kind kind;
	struct cap_reader *cr;
	struct jl_reader *jl;
	FILE *f;
	long long size;
	char *text;
	size_t text_len;
	char err[400];
	cap_task_fn task_fn;
	void *task_ctx;
};

static bool mostly_text(const unsigned char *p, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 9 || (p[i] > 13 && p[i] < 32 && p[i] != 27))
			bad++;
	return n && bad * 100 < n;
}

/* Standard input is read whole, once, and kept: the kind is told from its
 * first bytes like a file's, and a command that reads its input twice (top
 * builds the model, then walks the task table) gets the same bytes again. */
static char *stdin_buf;
static size_t stdin_len;

static int slurp_stdin(void)
{
	static bool done;
	if (done)
		return stdin_buf ? 0 : -1;
	done = true;
	size_t cap = 1 << 16;
	stdin_buf = malloc(cap);
	size_t got;
	while (stdin_buf && (got = fread(stdin_buf + stdin_len, 1, cap - stdin_len, stdin)) > 0) {
		stdin_len += got;
		if (stdin_len == cap) {
			char *nb = realloc(stdin_buf, cap * 2);
			if (!nb) {
				free(stdin_buf);
				stdin_buf = NULL;
				break;
			}
			stdin_buf = nb;
			cap *= 2;
		}
	}
	if (stdin_buf && ferror(stdin)) {
		free(stdin_buf);
		stdin_buf = NULL;
	}
	return stdin_buf ? 0 : -1;
}

struct input *input_open(const char *path, bool allow_text, char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	bool from_stdin = !strcmp(path, "-");
	if (from_stdin) {
		path = "standard input";
		if (slurp_stdin() != 0) {
			snprintf(err, errlen, "cannot read standard input: %s", strerror(errno ? errno : ENOMEM));
			return NULL;
		}
		if (stdin_len == 0) {
			snprintf(err, errlen, "standard input is empty: not a capture; pipe one in (capture -o - | analyze -)");
			return NULL;
		}
		memset(&st, 0, sizeof st);
		st.st_mode = S_IFREG;
		st.st_size = (off_t)stdin_len;
		f = fmemopen(stdin_buf, stdin_len, "rb");
		if (!f) {
			snprintf(err, errlen, "cannot read standard input: %s", strerror(errno));
			return NULL;
		}
	} else {
		if (stat(path, &st) != 0) {
			snprintf(err, errlen, "cannot open %s: %s; check the path", path, strerror(errno));
			return NULL;
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s is a directory; give the capture file (capture -o FILE) inside it", path);
			return NULL;
		}
		f = fopen(path, "rb");
		if (!f) {
			snprintf(err, errlen, "cannot open %s: %s; check the path and permissions", path, strerror(errno));
			return NULL;
		}
	}
	unsigned char head[4096];
	size_t n = fread(head, 1, sizeof head, f);
	if (n == 0) {
		snprintf(err, errlen, "%s is empty: not a capture; the recorder wrote nothing (was it stopped at once?)", path);
		fclose(f);
		return NULL;
	}
	struct input *in = calloc(1, sizeof *in);
	if (!in) {
		snprintf(err, errlen, "out of memory opening %s", path);
		fclose(f);
		return NULL;
	}
	in->size = S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
	size_t k = 0;
	while (k < n && (head[k] == ' ' || head[k] == '\n' || head[k] == '\r' || head[k] == '\t'))
		k++;
	if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) {
		fclose(f);
		in->kind = IN_CAPTURE;
		in->cr = from_stdin ? cap_reader_mem(stdin_buf, stdin_len) : cap_reader_open(path, err, errlen);
		if (!in->cr) {
			if (from_stdin)
				snprintf(err, errlen, "out of memory reading standard input");
			free(in);
			return NULL;
		}
		cap_reader_ahead(in->cr, true);
		return in;
	}
	if (k < n && head[k] == '{' && memmem(head, n, "\"type\"", 6)) {
		rewind(f);
		in->kind = IN_JSONL;
		in->f = f;
		in->jl = jl_open(f);
		if (!in->jl) {
			snprintf(err, errlen, "out of memory opening %s", path);
			fclose(f);
			free(in);
			return NULL;
		}
		return in;
	}
	if (allow_text && mostly_text(head, n)) {
		rewind(f);
		size_t cap = 1 << 16, len = 0;
		char *b = malloc(cap);
		size_t got;
		while (b && (got = fread(b + len, 1, cap - len - 1, f)) > 0) {
			len += got;
			if (len + 1 == cap) {
				if (cap >= (1u << 30))
					break; /* a log over 1 GiB: the first GiB is plenty */
				char *nb = realloc(b, cap * 2);
				if (!nb)
					break;
				b = nb;
				cap *= 2;
			}
		}
		fclose(f);
		if (!b) {
			snprintf(err, errlen, "out of memory reading %s", path);
			free(in);
			return NULL;
		}
		b[len] = 0;
		in->kind = IN_TEXT;
		in->text = b;
		in->text_len = len;
		return in;
	}
	fclose(f);
	free(in);
	snprintf(err, errlen,
		 "%s is not a capture: it is neither a capture file (zstd) nor an `analyze dump` JSON Lines file%s",
		 path, allow_text ? " nor kernel log text" : "; record one with `capture -o FILE`");
	return NULL;
}

enum in_kind input_kind(const struct input *in) { return in->kind; }

void input_on_task(struct input *in, cap_task_fn fn, void *ctx)
{
	in->task_fn = fn;
	in->task_ctx = ctx;
	if (in->cr)
		cap_reader_on_task(in->cr, fn, ctx);
}

/* input_next of JSON Lines: out of line, so that input_next of a
 * capture, once per record, is a test and a jump. */
static __attribute__((noinline)) int jsonl_next(struct input *in, struct cap_rec *rec)
{
	if (in->jl) {
		int rc;
		while ((rc = jl_next(in->jl, rec)) == 1 && rec->type == CAP_TASK && in->task_fn)
			in->task_fn(in->task_ctx, rec);
		if (rc < 0)
			snprintf(in->err, sizeof in->err, "%s", jl_error(in->jl));
		return rc;
	}
	return 0;
}

int input_next(struct input *in, struct cap_rec *rec)
{
	if (in->cr)
		return cap_next(in->cr, rec);
	return jsonl_next(in, rec);
}

const char *input_error(const struct input *in) { return in->err; }

double input_progress(const struct input *in)
{
	if (in->cr)
		return cap_reader_size(in->cr) ? (double)cap_reader_pos(in->cr) / (double)cap_reader_size(in->cr) : 1;
	if (in->f && in->size > 0) {
		long p = ftell(in->f);
		return p > 0 ? (double)p / (double)in->size : 0;
	}
	return 0;
}

const char *input_text(const struct input *in, size_t *len)
{
	*len = in->text_len;
	return in->text;
}

void input_close(struct input *in)
{
	if (!in)
		return;
	cap_reader_free(in->cr);
	jl_close(in->jl);
	if (in->f)
		fclose(in->f);
	free(in->text);
	free(in);
}

/* The capture id and frame number of a file's first header; false when it
 * has none or cannot be read. */
static bool first_header(const char *path, uint64_t *id, uint64_t *seq)
{
	char err[64];
	struct input *in = input_open(path, false, err, sizeof err);
	if (!in)
		return false;
	struct cap_rec rec;
	bool got = false;
	for (int k = 0; k < 64 && input_next(in, &rec) == 1; k++)
		if (rec.type == CAP_HEADER) {
			*id = rec.u.header->capture_id;
			*seq = rec.u.header->frame_seq;
			got = true;
			break;
		}
	input_close(in);
	return got;
}

void input_order(const char **paths, int n)
{
	uint64_t id[16], seq[16];
	if (n < 2 || n > 16)
		return;
	for (int i = 0; i < n; i++)
		if (!first_header(paths[i], &id[i], &seq[i]) || id[i] != id[0])
			return;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && seq[j] < seq[j - 1]; j--) {
			uint64_t t = seq[j];
			seq[j] = seq[j - 1];
			seq[j - 1] = t;
			const char *p = paths[j];
			paths[j] = paths[j - 1];
			paths[j - 1] = p;
		}
}
