/* cmd_triage.c - `analyze triage FILE...`: one row per capture for a
 * fleet, ready for a database.
 *
 * Each file is analyzed by a worker process of its own, up to one per CPU
 * at a time: a row is a pure function of one file (the map step when a
 * fleet outgrows one machine), and a file that crashes or exhausts memory
 * costs its own row, not the run.  Rows come out in the order given. */
#include "cli.h"
#include "tidy.h"
#include "xalloc.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

/* Column order of every format. */
static const char *const cols[] = {
	"file", "status", "capture_id", "captures", "host", "kernel", "arch", "start_utc", "span_s", "samples",
	"top_cause", "culprit", "culprit_pid", "score", "causes", "damaged", "warnings", "warning", "error",
};
#define NCOLS (sizeof cols / sizeof *cols)

static json_t *row_of(const char *path, const struct model *mo, const struct report *r)
{
	char id[24], start[40], causes[200] = "", warn[300] = "";
	snprintf(id, sizeof id, "%016llx", (unsigned long long)mo->hdr.capture_id);
	fmt_wall(mo->wall_us[0], start, sizeof start, true);
	for (int i = 0; i < r->nf; i++)
		sappend(causes, sizeof causes, "%s%s", i ? " " : "", r->f[i].id);
	if (mo->nwarn)
		snprintf(warn, sizeof warn, "%s", mo->warnings[0]);
	const struct finding *top = r->nf ? &r->f[0] : NULL;
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(path));
	json_object_set_new(o, "status", json_string("ok"));
	json_object_set_new(o, "capture_id", json_string(id));
	json_object_set_new(o, "captures", json_integer(mo->ncaps ? mo->ncaps : 1));
	json_object_set_new(o, "host", json_string(mo->hdr.host));
	json_object_set_new(o, "kernel", json_string(mo->hdr.kernel));
	json_object_set_new(o, "arch", json_string(mo->hdr.machine));
	json_object_set_new(o, "start_utc", json_string(start));
	json_object_set_new(o, "span_s", json_real(round(mo->t[mo->nsamples - 1] * 10) / 10));
	json_object_set_new(o, "samples", json_integer(mo->nsamples));
	json_object_set_new(o, "top_cause", top ? json_string(top->id) : json_string("none"));
	json_object_set_new(o, "culprit", top && top->pid >= 0 ? json_string(top->comm) : json_null());
	json_object_set_new(o, "culprit_pid", top && top->pid >= 0 ? json_integer(top->pid) : json_null());
	json_object_set_new(o, "score", top ? json_real(round(top->score * 100) / 100) : json_real(0));
	json_object_set_new(o, "causes", json_string(causes));
	json_object_set_new(o, "damaged", json_integer(mo->damaged));
	json_object_set_new(o, "warnings", json_integer((json_int_t)mo->nwarn));
	json_object_set_new(o, "warning", json_string(warn));
	json_object_set_new(o, "error", json_null());
	return o;
}

static json_t *error_row(const char *path, const char *msg)
{
	json_t *o = json_object();
	for (size_t c = 0; c < NCOLS; c++)
		json_object_set_new(o, cols[c], json_null());
	json_object_set_new(o, "file", json_string(path));
	json_object_set_new(o, "status", json_string("error"));
	json_object_set_new(o, "error", json_string(msg));
	return o;
}

/* The worker: analyze one file, write its row as one JSON line to fd. */
static int worker(const char *path, int fd, load_fn load)
{
	struct model *mo = NULL;
	const char *one[1] = { path };
	int rc = load(one, 1, 0, &mo);
	if (rc)
		return rc;
	struct report r;
	struct win_opts w = { NAN, NAN, NAN, NAN, NAN, NAN };
	report_build(&r, mo, NULL, &w);
	json_t *o = row_of(path, mo, &r);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	size_t len = s ? strlen(s) : 0;
	int ok = s && write(fd, s, len) == (ssize_t)len;
	free(s);
	json_decref(o);
	report_free(&r);
	model_free(mo);
	return ok ? 0 : 1;
}

struct job {
	pid_t pid;
	int out, err;            /* read ends */
	char *buf, *ebuf;
	size_t len, cap, elen, ecap;
	bool done;
	int status;
};

static void slurp(int fd, char **buf, size_t *len, size_t *cap, int *open_fd)
{
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof tmp);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(fd);
			*open_fd = -1;
		}
		return;
	}
	if (*len + (size_t)n + 1 > *cap) {
		size_t nc = (*cap ? *cap * 2 : 8192);
		while (nc < *len + (size_t)n + 1)
			nc *= 2;
		*buf = xrealloc(*buf, nc);
		*cap = nc;
	}
	memcpy(*buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = 0;
}

static void csv_field(FILE *out, const json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		fputc('"', out);
		for (const char *s = json_string_value(v); *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc((unsigned char)*s < 32 ? ' ' : *s, out);
		}
		fputc('"', out);
	} else if (json_is_integer(v)) {
		fprintf(out, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		fprintf(out, "%g", json_real_value(v));
	}
}

static int fw = 28; /* width of the FILE column */

static void text_row(FILE *out, const json_t *o, bool header)
{
	if (header)
		fprintf(out, "%-*s %-16s %-12s %-22s %-8s %7s  %-16s %-16s %5s %4s\n", fw, "FILE", "CAPTURE", "HOST", "KERNEL",
			"ARCH", "SPAN s", "TOP CAUSE", "CULPRIT", "SCORE", "WARN");
	const char *file = json_string_value(json_object_get(o, "file"));
	if (strcmp(json_string_value(json_object_get(o, "status")), "ok")) {
		fprintf(out, "%-*s error: %s\n", fw, file, json_string_value(json_object_get(o, "error")));
		return;
	}
	const char *culprit = json_string_value(json_object_get(o, "culprit"));
	char cul[64];
	if (culprit)
		snprintf(cul, sizeof cul, "%s/%lld", culprit, (long long)json_integer_value(json_object_get(o, "culprit_pid")));
	else
		snprintf(cul, sizeof cul, "-");
	fprintf(out, "%-*s %-16s %-12.12s %-22.22s %-8.8s %7.0f  %-16s %-16.16s %5.2f %4lld\n", fw, file,
		json_string_value(json_object_get(o, "capture_id")), json_string_value(json_object_get(o, "host")),
		json_string_value(json_object_get(o, "kernel")), json_string_value(json_object_get(o, "arch")),
		json_real_value(json_object_get(o, "span_s")), json_string_value(json_object_get(o, "top_cause")), cul,
		json_real_value(json_object_get(o, "score")), (long long)json_integer_value(json_object_get(o, "warnings")));
}

static void emit(FILE *out, const struct opts *o, json_t *row, bool first)
{
	if (o->jsonl) {
		json_dumpf(row, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		fputc('\n', out);
	} else if (o->csv) {
		if (first)
			for (size_t c = 0; c < NCOLS; c++)
				fprintf(out, "%s%s", cols[c], c + 1 < NCOLS ? "," : "\n");
		for (size_t c = 0; c < NCOLS; c++) {
			csv_field(out, json_object_get(row, cols[c]));
			fputc(c + 1 < NCOLS ? ',' : '\n', out);
		}
	} else {
		text_row(out, row, first);
	}
}

/* What a finished worker gave: its row, or an error row from its message. */
static json_t *collect(const char *path, struct job *j)
{
	json_error_t e;
	if (WIFEXITED(j->status) && WEXITSTATUS(j->status) == 0 && j->buf) {
		json_t *row = json_loads(j->buf, 0, &e);
		if (row)
			return row;
	}
	char msg[400];
	if (j->ebuf && j->elen) {
		char *m = j->ebuf;
		if (!strncmp(m, "analyze: ", 9))
			m += 9;
		m[strcspn(m, "\n")] = 0;
		snprintf(msg, sizeof msg, "%s", m);
	} else if (WIFSIGNALED(j->status)) {
		snprintf(msg, sizeof msg, "the worker died of signal %d reading %s", WTERMSIG(j->status), path);
	} else {
		snprintf(msg, sizeof msg, "the worker failed reading %s (exit %d)", path, WEXITSTATUS(j->status));
	}
	text_tidy(msg);
	return error_row(path, msg);
}

/* Starts the worker of file k; 0, or the exit status of a refusal. */
static int start_worker(const struct opts *o, load_fn load, struct job *j, int k)
{
	int po[2], pe[2];
	if (pipe(po) || pipe(pe))
		return cli_fail(1, "cannot start a worker: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		return cli_fail(1, "cannot start a worker: %s", strerror(errno));
	if (pid == 0) {
		close(po[0]);
		close(pe[0]);
		dup2(pe[1], 2);
		_exit(worker(o->files[k], po[1], load));
	}
	close(po[1]);
	close(pe[1]);
	j->pid = pid;
	j->out = po[0];
	j->err = pe[0];
	return 0;
}

/* Reads every running worker's pipes, waiting until one has output or ends. */
static void read_workers(struct job *js, int next)
{
	struct pollfd pf[2 * 64];
	int map[2 * 64], np = 0;
	for (int k = 0; k < next && np < 2 * 64 - 1; k++) {
		if (js[k].done)
			continue;
		if (js[k].out >= 0) {
			pf[np] = (struct pollfd){ .fd = js[k].out, .events = POLLIN };
			map[np++] = k;
		}
		if (js[k].err >= 0) {
			pf[np] = (struct pollfd){ .fd = js[k].err, .events = POLLIN };
			map[np++] = -k - 1;
		}
	}
	if (!np || poll(pf, (nfds_t)np, -1) <= 0)
		return;
	for (int q = 0; q < np; q++) {
		if (!(pf[q].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		int k = map[q] >= 0 ? map[q] : -map[q] - 1;
		struct job *j = &js[k];
		if (map[q] >= 0)
			slurp(j->out, &j->buf, &j->len, &j->cap, &j->out);
		else
			slurp(j->err, &j->ebuf, &j->elen, &j->ecap, &j->err);
	}
}

/* The workers whose pipes are closed: reaped, their rows made; how many. */
static int reap_workers(const struct opts *o, struct job *js, int next, json_t **rows)
{
	int reaped = 0;
	for (int k = 0; k < next; k++) {
		struct job *j = &js[k];
		if (j->done || j->out >= 0 || j->err >= 0)
			continue;
		waitpid(j->pid, &j->status, 0);
		j->done = true;
		reaped++;
		rows[k] = collect(o->files[k], j);
		free(j->buf);
		free(j->ebuf);
		j->buf = j->ebuf = NULL;
	}
	return reaped;
}

int cmd_triage(const struct opts *o, load_fn load)
{
	int n = o->nfiles;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = o->jobs > 0 ? o->jobs : ncpu > 0 ? (int)ncpu : 1;
	if (jobs > n)
		jobs = n;
	if (jobs > 64)
		jobs = 64; /* one poll set; more workers than that only add memory */
	for (int k = 0; k < n; k++)
		if ((int)strlen(o->files[k]) > fw)
			fw = strlen(o->files[k]) > 60 ? 60 : (int)strlen(o->files[k]);
	FILE *out = cli_open_out(o->out);
	if (!out)
		return 2;
	fflush(NULL);
	struct job *js = xrealloc(NULL, (size_t)n * sizeof *js);
	json_t **rows = xrealloc(NULL, (size_t)n * sizeof *rows);
	memset(js, 0, (size_t)n * sizeof *js);
	memset(rows, 0, (size_t)n * sizeof *rows);
	int next = 0, running = 0, emitted = 0, failed = 0, rc;
	while (emitted < n) {
		for (; running < jobs && next < n; running++, next++)
			if ((rc = start_worker(o, load, &js[next], next)))
				return rc;
		read_workers(js, next);
		running -= reap_workers(o, js, next, rows);
		/* in the order of the files, as soon as the next one is done */
		while (emitted < n && rows[emitted]) {
			json_t *r = rows[emitted];
			if (strcmp(json_string_value(json_object_get(r, "status")), "ok")) {
				failed++;
				fprintf(stderr, "analyze: triage: %s\n", json_string_value(json_object_get(r, "error")));
			}
			emit(out, o, r, emitted == 0);
			json_decref(r);
			rows[emitted++] = NULL;
		}
	}
	free(js);
	free(rows);
	if ((rc = cli_close_out(out, o->out)))
		return rc;
	return failed ? 2 : 0;
}
