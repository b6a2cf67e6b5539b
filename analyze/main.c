/* main.c - analyze: command line, input loading, and the one-way pipeline
 * input -> model -> windows -> detectors -> ranking -> renderer. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "input.h"
#include "jsonl.h"
#include "render.h"
#include "stacks.h"
#include "version.h"


static const char *usage_text =
	"usage: analyze [COMMAND] FILE... [OPTIONS]\n"
	"\n"
	"Replays a capture recorded by `capture` (or its `analyze dump` JSON Lines)\n"
	"and explains what made the device sick.\n"
	"\n"
	"commands:\n"
	"  (none)              ranked root-cause report for a person (terminal)\n"
	"  timeline            one row per sample or per --step: CPU, memory, faults,\n"
	"                      reclaim, disks, D-state tasks, load, PSI, with events\n"
	"  html -o OUT.html    one self-contained page with charts\n"
	"  dump                every record as JSON Lines, lossless\n"
	"  info                header, span, samples, frames, damaged regions\n"
	"  stacks              kernel task dumps (sysrq w/l, hung task, OOM) grouped by\n"
	"                      stack; FILE may also be plain kernel log text\n"
	"\n"
	"Several FILEs are read as one, in order: the pieces of a capture that\n"
	"capture rotated at its size cap (analyze snap.zst.1 snap.zst).\n"
	"\n"
	"options (before or after FILE):\n"
	"  --json              JSON instead of text (report, timeline, info, stacks)\n"
	"  --csv               timeline as CSV\n"
	"  --step S            timeline: mean over steps of S seconds (default: every sample)\n"
	"  --healthy A..B      healthy window, seconds from the capture's start\n"
	"  --faulty C..D       faulty window, seconds from the capture's start\n"
	"  --baseline OTHER    take the healthy window from another capture of the same device\n"
	"  --capture N         a file holding several captures: analyze the Nth (default: the last)\n"
	"  -o FILE             output file (html; others write to stdout by default)\n"
	"  -h, --help          this text\n"
	"  -V, --version       the version\n"
	"\n"
	"Windows: without --healthy/--faulty, a health signal (the worst of iowait,\n"
	"PSI, D-state tasks, kswapd CPU, fault and refault rates, swap, disk\n"
	"utilisation, MemAvailable and run queue, each scaled to 0..1) picks the\n"
	"faulty stretch (signal >= 0.5) and the calm stretch before it (< 0.25).\n"
	"\n"
	"Units: rates per second, memory in kB unless labelled MB, CPU in percent of\n"
	"all CPUs (kswapd in percent of one CPU), times as seconds from the start and\n"
	"UTC wall clock.  NO_COLOR disables colour; progress shows on a terminal only.\n"
	"\n"
	"exit status: 0 report produced (also from a damaged file, with warnings);\n"
	"2 usage error or not a capture.\n";

static int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("analyze: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

struct opts {
	const char *cmd, *file, *out, *baseline;
	const char *files[16];  /* pieces of one capture (FILE.1 FILE), read in order */
	int nfiles, capture;    /* capture: --capture N, 0 = the last */
	bool json, csv;
	double step;
	struct win_opts win;
};

/* "A..B": split at ".." first, since strtod would eat "0." of "0..100". */
static bool parse_range(const char *s, double *a, double *b)
{
	const char *dots = strstr(s, "..");
	char left[64];
	if (!dots || (size_t)(dots - s) >= sizeof left || dots == s)
		return false;
	memcpy(left, s, (size_t)(dots - s));
	left[dots - s] = 0;
	char *end;
	errno = 0;
	*a = strtod(left, &end);
	if (*end)
		return false;
	const char *t = dots + 2;
	*b = strtod(t, &end);
	return end != t && !*end && !errno && *a >= 0 && *b > *a && isfinite(*b);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const char *const cmds[] = { "timeline", "html", "dump", "info", "stacks", NULL };
	memset(o, 0, sizeof *o);
	o->win.ha = o->win.hb = o->win.fa = o->win.fb = NAN;
	const char *pos[18];
	int np = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i], *val = NULL;
		char name[32];
		if (a[0] == '-' && a[1] == '-' && strchr(a, '=')) {
			size_t l = (size_t)(strchr(a, '=') - a);
			if (l >= sizeof name)
				return fail(2, "unknown option '%s'; see analyze --help", a);
			memcpy(name, a, l);
			name[l] = 0;
			val = strchr(a, '=') + 1;
			a = name;
		}
#define NEEDVAL() do { if (!val) { if (i + 1 >= argc) return fail(2, "%s needs a value; see analyze --help", a); val = argv[++i]; } } while (0)
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			exit(0);
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("analyze (iowait-doctor) %s, capture format %d\n", IOWD_VERSION, CAP_FORMAT_VERSION);
			exit(0);
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--csv")) {
			o->csv = true;
		} else if (!strcmp(a, "--step")) {
			NEEDVAL();
			char *end;
			o->step = strtod(val, &end);
			if (end == val || *end || !(o->step > 0) || !isfinite(o->step))
				return fail(2, "--step wants a positive number of seconds, not '%s'", val);
		} else if (!strcmp(a, "--healthy") || !strcmp(a, "--faulty")) {
			NEEDVAL();
			bool h = a[2] == 'h';
			if (!parse_range(val, h ? &o->win.ha : &o->win.fa, h ? &o->win.hb : &o->win.fb))
				return fail(2, "%s wants A..B in seconds from the start with A < B (e.g. 0..600), not '%s'", a, val);
		} else if (!strcmp(a, "--baseline")) {
			NEEDVAL();
			o->baseline = val;
		} else if (!strcmp(a, "--capture")) {
			NEEDVAL();
			char *end;
			long n = strtol(val, &end, 10);
			if (end == val || *end || n < 1 || n > 1000000)
				return fail(2, "--capture wants the number of a capture in the file (1, 2, ...; `analyze info` lists them), not '%s'", val);
			o->capture = (int)n;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			NEEDVAL();
			o->out = val;
		} else if (a[0] == '-' && a[1]) {
			return fail(2, "unknown option '%s'; see analyze --help", a);
		} else {
			if (np == 17)
				return fail(2, "too many arguments ('%s'); give at most 16 pieces of one capture; see analyze --help", a);
			pos[np++] = a;
		}
#undef NEEDVAL
	}
	if (np == 0)
		return fail(2, "no FILE given; usage: analyze [COMMAND] FILE [OPTIONS]; see analyze --help");
	if (np >= 2) {
		for (int k = 0; cmds[k]; k++)
			if (!strcmp(pos[0], cmds[k]))
				o->cmd = cmds[k];
		if (!o->cmd && access(pos[0], F_OK) != 0)
			return fail(2, "unknown command '%s'; commands: timeline html dump info stacks", pos[0]);
		int first = o->cmd ? 1 : 0;
		for (int k = first; k < np; k++)
			o->files[o->nfiles++] = pos[k];
		o->file = o->files[0];
		if (o->nfiles > 1 && o->cmd && (!strcmp(o->cmd, "dump") || !strcmp(o->cmd, "stacks")))
			return fail(2, "%s takes one FILE", o->cmd);
	} else {
		o->files[o->nfiles++] = pos[0];
		o->file = pos[0];
		for (int k = 0; cmds[k]; k++)
			if (!strcmp(pos[0], cmds[k]) && access(pos[0], F_OK) != 0)
				return fail(2, "'%s' needs a FILE; usage: analyze %s FILE", pos[0], pos[0]);
	}
	const char *cmd = o->cmd ? o->cmd : "report";
	if (o->csv && strcmp(cmd, "timeline"))
		return fail(2, "--csv applies to `analyze timeline` only");
	if (o->csv && o->json)
		return fail(2, "--csv and --json exclude each other; pick one");
	if (o->step > 0 && strcmp(cmd, "timeline"))
		return fail(2, "--step applies to `analyze timeline` only");
	if (!strcmp(cmd, "html") && !o->out)
		return fail(2, "html needs -o REPORT.html");
	if ((o->baseline || !isnan(o->win.ha) || !isnan(o->win.fa)) && strcmp(cmd, "report") && strcmp(cmd, "html"))
		return fail(2, "--healthy, --faulty and --baseline apply to the report and html only");
	if (o->baseline && !isnan(o->win.ha))
		return fail(2, "--baseline and --healthy both name the healthy window; give one");
	return 0;
}

/* Progress on stderr, only on a terminal and only when reading is slow
 * enough to notice. */
struct progress { bool on; struct timespec t0, last; bool shown; };

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_tick(struct progress *p, double frac)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&p->t0, &now) < 1 || since(&p->last, &now) < 0.25)
		return;
	p->last = now;
	fprintf(stderr, "\ranalyze: reading %3.0f%%", 100 * frac);
	p->shown = true;
}

/* 0 with *out set, or an exit code after printing why. */
/* Several paths are read in order as one stream: the pieces of a capture
 * rotated by --max-size (FILE.1 then FILE). */
static int load(const char *const *paths, int npaths, int want, struct model **out)
{
	char err[512];
	*out = NULL;
	const char *ord[16];
	memcpy(ord, paths, (size_t)npaths * sizeof *ord);
	input_order(ord, npaths);
	const char *path = ord[npaths - 1];
	struct model *mo = model_new();
	if (!mo)
		return fail(1, "out of memory");
	mo->want_capture = want;
	struct progress p = { .on = isatty(2) != 0 };
	clock_gettime(CLOCK_MONOTONIC, &p.t0);
	for (int k = 0; k < npaths; k++) {
		path = ord[k];
		struct input *in = input_open(path, false, err, sizeof err);
		if (!in) {
			model_free(mo);
			return fail(2, "%s", err);
		}
		struct cap_rec rec;
		int rc;
		unsigned long n = 0;
		while ((rc = input_next(in, &rec)) == 1) {
			if (model_feed(mo, &rec))
				break;
			if (p.on && (++n & 0xffff) == 0)
				progress_tick(&p, input_progress(in));
		}
		if (p.shown)
			fprintf(stderr, "\r%30s\r", "");
		if (rc < 0) {
			int code = fail(2, "%s: %s", path, input_error(in));
			input_close(in);
			model_free(mo);
			return code;
		}
		input_close(in);
	}
	model_finish(mo);
	if (want > mo->ncaps) {
		int code = fail(2, "--capture %d: %s hold%s %d capture(s); `analyze info` lists them", want,
				npaths > 1 ? "the files" : path, npaths > 1 ? "" : "s", mo->ncaps);
		model_free(mo);
		return code;
	}
	if (!mo->have_hdr || mo->nsamples == 0) {
		int code = fail(2, "%s: no complete sample in it (%d damaged region(s)); nothing to analyze: it is cut before its first flush or is not a capture",
				path, mo->damaged);
		model_free(mo);
		return code;
	}
	windows_signal(mo);
	*out = mo;
	return 0;
}

static FILE *open_out(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		fail(2, "cannot write %s: %s; check the directory exists and is writable", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path)
{
	if (fflush(f) != 0 || ferror(f) || (f != stdout && fclose(f) != 0))
		return fail(1, "writing %s failed: %s", path ? path : "standard output", strerror(errno));
	return 0;
}

static int cmd_dump(const struct opts *o)
{
	char err[512];
	struct input *in = input_open(o->file, false, err, sizeof err);
	if (!in)
		return fail(2, "%s", err);
	FILE *out = open_out(o->out);
	if (!out) {
		input_close(in);
		return 2;
	}
	struct cap_rec rec;
	int rc;
	bool header = false;
	while ((rc = input_next(in, &rec)) == 1) {
		header |= rec.type == CAP_HEADER;
		if (jsonl_write(out, &rec) != 0)
			break;
	}
	int code = 0;
	if (rc < 0)
		code = fail(2, "%s: %s", o->file, input_error(in));
	else if (!header)
		code = fail(2, "%s: no readable record in it: not a capture, or cut before its first flush", o->file);
	input_close(in);
	int wc = close_out(out, o->out);
	return code ? code : wc;
}

static bool use_color(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	return isatty(1) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	const char *cmd = o.cmd ? o.cmd : "report";
	if (!strcmp(cmd, "dump"))
		return cmd_dump(&o);
	if (!strcmp(cmd, "stacks"))
		return stacks_command(o.file, o.json, o.out);

	struct model *mo = NULL, *base = NULL;
	if ((rc = load(o.files, o.nfiles, o.capture, &mo)))
		return rc;
	if (o.baseline && (rc = load(&o.baseline, 1, 0, &base))) {
		model_free(mo);
		return rc;
	}
	FILE *out = open_out(o.out);
	if (!out) {
		model_free(mo);
		model_free(base);
		return 2;
	}
	if (!strcmp(cmd, "info")) {
		if (o.json)
			render_info_json(out, mo, o.file);
		else
			render_info_text(out, mo, o.file);
	} else if (!strcmp(cmd, "timeline")) {
		struct report r;
		report_build(&r, mo, NULL, &o.win);
		long pids[16];
		int np = report_pids(&r, pids, 16), n;
		struct tl_row *rows = timeline_build(mo, o.step, 0, mo->nsamples, pids, np, &n);
		if (o.csv)
			render_timeline_csv(out, mo, rows, n);
		else if (o.json)
			render_timeline_json(out, mo, rows, n);
		else
			render_timeline_text(out, mo, rows, n, true);
		free(rows);
		report_free(&r);
	} else {
		struct report r;
		report_build(&r, mo, base, &o.win);
		r.path = o.file;
		if (!strcmp(cmd, "html"))
			render_html(out, &r);
		else if (o.json)
			render_json(out, &r);
		else
			render_text(out, &r, use_color());
		report_free(&r);
	}
	rc = close_out(out, o.out);
	model_free(mo);
	model_free(base);
	return rc;
}
