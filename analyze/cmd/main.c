/* main.c - analyze: the command table, option checks, input loading, and
 * the one-way pipeline input -> model -> windows -> detectors -> ranking ->
 * renderer.  Commands beyond the report live in cmd_*.c (cli.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "cli.h"
#include "input.h"
#include "jsonl.h"
#include "render.h"
#include "version.h"

static const char *usage_text =
	"usage: analyze [COMMAND] FILE... [OPTIONS]\n"
	"\n"
	"Replays a capture recorded by `capture` (or its `analyze dump` JSON Lines)\n"
	"and explains what made the device sick.  FILE '-' is standard input.\n"
	"\n"
	"commands:\n"
	"  (none)              ranked root-cause report for a person (terminal)\n"
	"  timeline            one row per sample or per --step: CPU, memory, faults,\n"
	"                      reclaim, disks, D-state tasks, load, PSI, with events;\n"
	"                      with -p, one process's own series\n"
	"  top                 the task table at a moment (--at T): state, CPU%, RSS,\n"
	"                      anon, major faults/s, I/O, wchan of D tasks, cgroup\n"
	"  html -o OUT.html    one self-contained page with charts\n"
	"  dump                every record as JSON Lines, lossless\n"
	"  info                header, span, samples, frames, damaged regions\n"
	"  stacks              kernel task dumps (sysrq w/l, hung task, OOM) grouped by\n"
	"                      stack; FILE may also be plain kernel log text\n"
	"  triage FILE...      one row per capture (file, capture id, host, kernel, arch,\n"
	"                      span, top cause, culprit, score, warnings), each file\n"
	"                      analyzed on its own, in parallel on every CPU\n"
	"  redact IN -o OUT    a copy fit for a public tracker: host, command line,\n"
	"                      cgroups, kernel log words (--comms: process names)\n"
	"                      become stable pseudonyms; every number is kept\n"
	"\n"
	"Several FILEs are read as one, in order: the pieces of a capture that\n"
	"capture rotated at its size cap (analyze snap.zst.1 snap.zst).\n"
	"\n"
	"options (before or after FILE):\n"
	"  --json              JSON instead of text (report, timeline, top, info, stacks)\n"
	"  --csv               CSV (timeline, top, triage)\n"
	"  --jsonl             triage: one JSON object per line\n"
	"  --markdown          the report as Markdown for GitHub, GitLab or Jira\n"
	"  --comms             redact: process names too (kernel threads keep theirs)\n"
	"  -j, --jobs N        triage: workers at once (default: one per CPU)\n"
	"  --step S            timeline: mean over steps of S seconds (default: every\n"
	"                      sample); top: a table every S seconds from --at to --to\n"
	"  --from T, --to T    timeline, top and the report's window search: only this\n"
	"                      range; T is seconds from the start or a wall-clock HH:MM[:SS]\n"
	"  --at T              top: the moment (as for --from)\n"
	"  --sort KEY          top: cpu (default), rss, majflt or state (D first)\n"
	"  -p, --pid PID|COMM  top and timeline: only this process (a pid or a name)\n"
	"  --columns LIST      timeline: these columns, comma-separated keys or labels\n"
	"  --wide              text: every column, no wrapping (default: the report fits\n"
	"                      COLUMNS, else the terminal, else 80; timeline fits a terminal)\n"
	"  --rows N            top: rows per table (default 20, 0 = all)\n"
	"  --healthy A..B      healthy window, seconds from the capture's start\n"
	"  --faulty C..D       faulty window, seconds from the capture's start\n"
	"  --baseline OTHER    take the healthy window from another capture of the same device\n"
	"  --capture N         a file holding several captures: analyze the Nth (default: the last)\n"
	"  -o, --output FILE   output file (html; others write to stdout by default)\n"
	"  -h, --help          this text\n"
	"  -V, --version       the version\n"
	"\n"
	"Windows: without --healthy/--faulty, a health signal (the worst of iowait,\n"
	"PSI, D-state tasks, kswapd CPU, fault and refault rates, swap, disk\n"
	"utilisation, MemAvailable and run queue, each scaled to 0..1) picks the\n"
	"faulty stretch (signal >= 0.5) and the calm stretch before it (< 0.25).\n"
	"A window outside the capture, empty, or overlapping the other is refused.\n"
	"\n"
	"Units: rates per second, memory in kB unless labelled MB, CPU in percent of\n"
	"all CPUs (kswapd, and top's CPU%, in percent of one CPU), times as seconds\n"
	"from the start and wall clock: local time when TZ is set, UTC otherwise,\n"
	"always labelled.  NO_COLOR disables colour; progress shows on a terminal only.\n"
	"\n"
	"exit status: 0 report produced (also from a damaged file, with warnings);\n"
	"1 writing the output failed; 2 usage error or not a capture.\n";

#define fail cli_fail

static const char *const cmd_names[CMD_COUNT] = {
	[CMD_REPORT] = "report", [CMD_TIMELINE] = "timeline", [CMD_TOP] = "top", [CMD_HTML] = "html",
	[CMD_DUMP] = "dump", [CMD_INFO] = "info", [CMD_STACKS] = "stacks", [CMD_TRIAGE] = "triage",
	[CMD_REDACT] = "redact",
};
/* commands offered on the command line (report is the default, unnamed) */
static const bool cmd_offered[CMD_COUNT] = {
	[CMD_TIMELINE] = true, [CMD_TOP] = true, [CMD_HTML] = true, [CMD_DUMP] = true,
	[CMD_INFO] = true, [CMD_STACKS] = true, [CMD_TRIAGE] = true,
	[CMD_REDACT] = true,
};

#define B(c) (1u << (c))
/* Which commands an option applies to: one table, so every refusal names
 * the commands that do take it. */
struct optdef {
	const char *name, *alt;
	bool val;
	unsigned cmds;
};
enum { O_JSON, O_CSV, O_JSONL, O_JOBS, O_MARKDOWN, O_COMMS, O_STEP, O_FROM, O_TO, O_AT, O_SORT, O_PID, O_ROWS,
       O_HEALTHY, O_FAULTY, O_BASELINE, O_CAPTURE, O_OUT, O_HELP, O_VERSION, O_COLUMNS, O_WIDE, O_COUNT };
static const struct optdef optdefs[O_COUNT] = {
	[O_JSON] = { "--json", NULL, false, B(CMD_REPORT) | B(CMD_TIMELINE) | B(CMD_TOP) | B(CMD_INFO) | B(CMD_STACKS) },
	[O_CSV] = { "--csv", NULL, false, B(CMD_TIMELINE) | B(CMD_TOP) | B(CMD_TRIAGE) },
	[O_JSONL] = { "--jsonl", NULL, false, B(CMD_TRIAGE) },
	[O_JOBS] = { "--jobs", "-j", true, B(CMD_TRIAGE) },
	[O_MARKDOWN] = { "--markdown", NULL, false, B(CMD_REPORT) },
	[O_COMMS] = { "--comms", NULL, false, B(CMD_REDACT) },
	[O_STEP] = { "--step", NULL, true, B(CMD_TIMELINE) | B(CMD_TOP) },
	[O_FROM] = { "--from", NULL, true, B(CMD_TIMELINE) | B(CMD_TOP) | B(CMD_REPORT) | B(CMD_HTML) },
	[O_TO] = { "--to", NULL, true, B(CMD_TIMELINE) | B(CMD_TOP) | B(CMD_REPORT) | B(CMD_HTML) },
	[O_AT] = { "--at", NULL, true, B(CMD_TOP) },
	[O_SORT] = { "--sort", NULL, true, B(CMD_TOP) },
	[O_PID] = { "--pid", "-p", true, B(CMD_TOP) | B(CMD_TIMELINE) },
	[O_ROWS] = { "--rows", NULL, true, B(CMD_TOP) },
	[O_HEALTHY] = { "--healthy", NULL, true, B(CMD_REPORT) | B(CMD_HTML) },
	[O_FAULTY] = { "--faulty", NULL, true, B(CMD_REPORT) | B(CMD_HTML) },
	[O_BASELINE] = { "--baseline", NULL, true, B(CMD_REPORT) | B(CMD_HTML) },
	[O_CAPTURE] = { "--capture", NULL, true, B(CMD_REPORT) | B(CMD_HTML) | B(CMD_TIMELINE) | B(CMD_TOP) | B(CMD_INFO) },
	[O_OUT] = { "--output", "-o", true, ~0u },
	[O_HELP] = { "--help", "-h", false, ~0u },
	[O_VERSION] = { "--version", "-V", false, ~0u },
	[O_COLUMNS] = { "--columns", NULL, true, B(CMD_TIMELINE) },
	[O_WIDE] = { "--wide", NULL, false, B(CMD_REPORT) | B(CMD_TIMELINE) },
};

static void cmds_of(unsigned mask, char *buf, size_t n)
{
	buf[0] = 0;
	for (int c = 0; c < CMD_COUNT; c++)
		if (mask & B(c))
			sappend(buf, n, "%s%s", buf[0] ? ", " : "", c == CMD_REPORT ? "the report" : cmd_names[c]);
}

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

/* A whole decimal number in [lo, hi]. */
static bool parse_count(const char *s, long lo, long hi, int *out)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (end == s || *end || n < lo || n > hi)
		return false;
	*out = (int)n;
	return true;
}

static bool is_cmd(const char *s, enum cmd_id *c)
{
	for (int k = 0; k < CMD_COUNT; k++)
		if (cmd_offered[k] && !strcmp(s, cmd_names[k])) {
			*c = (enum cmd_id)k;
			return true;
		}
	return false;
}

static const char *positional[MAX_FILES + 1];

/* Option k with its value (NULL when it takes none) into o; a is the
 * option as given, for the messages.  0, or the exit status of a refusal. */
static int take_option(struct opts *o, int k, const char *a, char *val)
{
	char *end;
	switch (k) {
	case O_HELP:
		fputs(usage_text, stdout);
		exit(0);
	case O_VERSION:
		printf("analyze (iowait-doctor) %s, capture format %d\n", IOWD_VERSION, CAP_FORMAT_VERSION);
		exit(0);
	case O_JSON: o->json = true; break;
	case O_CSV: o->csv = true; break;
	case O_COLUMNS: o->columns = val; break;
	case O_WIDE: o->wide = true; break;
	case O_JSONL: o->jsonl = true; break;
	case O_MARKDOWN: o->markdown = true; break;
	case O_COMMS: o->comms = true; break;
	case O_JOBS:
		if (!parse_count(val, 1, 64, &o->jobs))
			return fail(2, "--jobs wants 1 to 64 workers, not '%s'", val);
		break;
	case O_STEP:
		o->step = strtod(val, &end);
		if (end == val || *end || !(o->step > 0) || !isfinite(o->step))
			return fail(2, "--step wants a positive number of seconds, not '%s'", val);
		break;
	case O_FROM:
	case O_TO:
	case O_AT:
		if (!when_parse(val, k == O_FROM ? &o->from : k == O_TO ? &o->to : &o->at))
			return fail(2, "%s wants seconds from the start (e.g. 120) or a wall-clock time HH:MM[:SS] (e.g. 21:04:30), not '%s'",
				    a, val);
		break;
	case O_SORT: o->sort = val; break;
	case O_PID: o->proc = val; break;
	case O_ROWS:
		if (!parse_count(val, 0, 1000000, &o->rows))
			return fail(2, "--rows wants a count (0 = all), not '%s'", val);
		break;
	case O_HEALTHY:
	case O_FAULTY: {
		bool h = k == O_HEALTHY;
		o->wtext[h ? 0 : 1] = val;
		if (!parse_range(val, h ? &o->win.ha : &o->win.fa, h ? &o->win.hb : &o->win.fb))
			return fail(2, "%s wants A..B in seconds from the start with A < B (e.g. 0..600), not '%s'", a, val);
		break;
	}
	case O_BASELINE: o->baseline = val; break;
	case O_CAPTURE:
		if (!parse_count(val, 1, 1000000, &o->capture))
			return fail(2, "--capture wants the number of a capture in the file (1, 2, ...; `analyze info` lists them), not '%s'", val);
		break;
	case O_OUT: o->out = val; break;
	}
	return 0;
}

/* The option argv[*i] (--name=value, --name value, -x value): its index
 * in optdefs[], its name as given (*a, in name[32] when it had a value)
 * and its value, or -1 after a refusal (status in *rc). */
static int find_option(int argc, char **argv, int *i, char name[32], const char **a, char **val, int *rc)
{
	*a = argv[*i];
	*val = NULL;
	if ((*a)[1] == '-' && strchr(*a, '=')) {
		size_t l = (size_t)(strchr(*a, '=') - *a);
		if (l >= 32) {
			*rc = fail(2, "unknown option '%s'; see analyze --help", *a);
			return -1;
		}
		memcpy(name, *a, l);
		name[l] = 0;
		*val = strchr(*a, '=') + 1;
		*a = name;
	}
	int k = 0;
	while (k < O_COUNT && strcmp(*a, optdefs[k].name) && !(optdefs[k].alt && !strcmp(*a, optdefs[k].alt)))
		k++;
	if (k == O_COUNT)
		*rc = fail(2, "unknown option '%s'; see analyze --help", *a);
	else if (optdefs[k].val && !*val && *i + 1 >= argc)
		*rc = fail(2, "%s needs a value; see analyze --help", *a);
	else if (!optdefs[k].val && *val)
		*rc = fail(2, "%s takes no value", *a);
	else {
		if (optdefs[k].val && !*val)
			*val = argv[++*i];
		return k;
	}
	return -1;
}

/* The command (the first word when it names one and is not a file) and
 * the files. */
static int choose_command(struct opts *o, int np)
{
	if (np == 0)
		return fail(2, "no FILE given; usage: analyze [COMMAND] FILE [OPTIONS]; see analyze --help");
	o->cmd = CMD_REPORT;
	int first = 0;
	enum cmd_id c;
	if (is_cmd(positional[0], &c) && (np > 1 || access(positional[0], F_OK) != 0)) {
		if (np == 1)
			return fail(2, "'%s' needs a FILE; usage: analyze %s FILE", positional[0], positional[0]);
		o->cmd = c;
		first = 1;
	}
	o->files = positional + first;
	o->nfiles = np - first;
	o->file = o->files[0];
	if (o->nfiles > 16 && o->cmd != CMD_TRIAGE)
		return fail(2, "too many arguments ('%s'); give at most 16 pieces of one capture; see analyze --help", o->files[16]);
	if (o->nfiles > 1 && (o->cmd == CMD_DUMP || o->cmd == CMD_STACKS || o->cmd == CMD_REDACT))
		return fail(2, "%s takes one FILE", cmd_names[o->cmd]);
	return 0;
}

/* The options given apply to the command and to each other. */
static int check_options(const struct opts *o, const bool *given)
{
	for (int k = 0; k < O_COUNT; k++)
		if (given[k] && !(optdefs[k].cmds & B(o->cmd))) {
			char list[160];
			cmds_of(optdefs[k].cmds, list, sizeof list);
			return fail(2, "%s applies to %s only", optdefs[k].name, list);
		}
	if (o->csv + o->json + o->jsonl + o->markdown > 1)
		return fail(2, "--csv, --json, --jsonl and --markdown exclude each other; pick one");
	if (o->cmd == CMD_REDACT && (!o->out || !strcmp(o->out, "-")))
		return fail(2, "redact needs -o OUT: analyze redact IN -o OUT");
	if (o->cmd == CMD_HTML && !o->out)
		return fail(2, "html needs -o REPORT.html");
	if (o->baseline && !isnan(o->win.ha))
		return fail(2, "--baseline and --healthy both name the healthy window; give one");
	if (o->at.set && o->from.set)
		return fail(2, "--at and --from both name top's first moment; give one");
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->win.ha = o->win.hb = o->win.fa = o->win.fb = NAN;
	o->win.lo = o->win.hi = NAN;
	o->rows = 20;
	bool given[O_COUNT] = { false };
	int np = 0, rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char name[32], *val;
		if (!strcmp(a, "-") || a[0] != '-') {
			if (np == MAX_FILES + 1)
				return fail(2, "more than %d files; give fewer", MAX_FILES);
			positional[np++] = a;
			continue;
		}
		int k = find_option(argc, argv, &i, name, &a, &val, &rc);
		if (k < 0)
			return rc;
		given[k] = true;
		if ((rc = take_option(o, k, a, val)))
			return rc;
	}
	if ((rc = choose_command(o, np)))
		return rc;
	return check_options(o, given);
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
		input_on_task(in, model_feed_task, mo);
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

static int cmd_dump(const struct opts *o)
{
	char err[512];
	struct input *in = input_open(o->file, false, err, sizeof err);
	if (!in)
		return fail(2, "%s", err);
	FILE *out = cli_open_out(o->out);
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
	int wc = cli_close_out(out, o->out);
	return code ? code : wc;
}

static bool use_color(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	return isatty(1) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

/* Window options against the capture: outside it, empty, or overlapping
 * the other window is a usage error, never silently replaced. */
static int check_windows(struct opts *o, const struct model *mo)
{
	char sp[120], msg[300];
	span_text(mo, sp, sizeof sp);
	double end = mo->t[mo->nsamples - 1];
	double iv = mo->nsamples > 1 ? end / (mo->nsamples - 1) : 1;
	double lo = 0, hi = end;
	if (o->from.set && !when_resolve(mo, &o->from, &lo, msg, sizeof msg))
		return fail(2, "--from %s", msg);
	if (o->to.set && !when_resolve(mo, &o->to, &hi, msg, sizeof msg))
		return fail(2, "--to %s", msg);
	if (o->from.set || o->to.set) {
		if (hi <= lo)
			return fail(2, "--from %s .. --to %s is empty (%.0f s .. %.0f s); valid: %s with --from before --to",
				    o->from.set ? o->from.text : "0", o->to.set ? o->to.text : "end", lo, hi, sp);
		o->win.lo = lo;
		o->win.hi = hi;
	}
	const char *names[2] = { "--healthy", "--faulty" };
	double wa[2] = { o->win.ha, o->win.fa }, wb[2] = { o->win.hb, o->win.fb };
	for (int k = 0; k < 2; k++) {
		if (isnan(wa[k]) || (k == 0 && o->baseline))
			continue;
		if (wa[k] > end || wb[k] > end + iv)
			return fail(2, "%s %s is outside the capture; valid: A..B within 0..%.0f s", names[k], o->wtext[k], end);
		int a = model_index_at(mo, wa[k]), b = model_index_at(mo, wb[k] + 1e-9);
		if (b <= a)
			return fail(2, "%s %s holds no sample (samples are %.2g s apart); give a wider range within 0..%.0f s",
				    names[k], o->wtext[k], iv, end);
		if ((o->from.set || o->to.set) && (wa[k] < lo - 1e-9 || wb[k] > hi + iv))
			return fail(2, "%s %s is outside --from/--to (%.0f..%.0f s); give a window inside it", names[k],
				    o->wtext[k], lo, hi);
	}
	if (!isnan(wa[0]) && !isnan(wa[1]) && wa[0] < wb[1] && wa[1] < wb[0])
		return fail(2, "--healthy %s and --faulty %s overlap; give windows that do not (e.g. --healthy 0..%.0f --faulty %.0f..%.0f)",
			    o->wtext[0], o->wtext[1], wa[1] > 0 ? wa[1] : 1, wa[1], wb[1]);
	return 0;
}

/* --from/--to as a sample range [*a, *b). */
static int range_of(const struct opts *o, const struct model *mo, int *a, int *b)
{
	char msg[300];
	double lo = 0, hi = mo->t[mo->nsamples - 1];
	if (o->from.set && !when_resolve(mo, &o->from, &lo, msg, sizeof msg))
		return fail(2, "--from %s", msg);
	if (o->to.set && !when_resolve(mo, &o->to, &hi, msg, sizeof msg))
		return fail(2, "--to %s", msg);
	if (hi < lo) {
		char sp[120];
		span_text(mo, sp, sizeof sp);
		return fail(2, "--to %s is before --from %s; valid: %s with --from before --to", o->to.text, o->from.text, sp);
	}
	/* half an interval either side: sample times drift off whole seconds */
	double half = mo->nsamples > 1 ? mo->t[mo->nsamples - 1] / (mo->nsamples - 1) / 2 : 0.5;
	*a = model_index_at(mo, lo - half);
	*b = model_index_at(mo, hi + half);
	if (*b <= *a)
		*b = *a + 1 <= mo->nsamples ? *a + 1 : mo->nsamples;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	if (o.cmd == CMD_DUMP)
		return cmd_dump(&o);
	if (o.cmd == CMD_STACKS)
		return stacks_command(o.file, o.json, o.out);
	if (o.cmd == CMD_TRIAGE)
		return cmd_triage(&o, load);
	if (o.cmd == CMD_REDACT)
		return cmd_redact(&o);

	struct model *mo = NULL, *base = NULL;
	if ((rc = load(o.files, o.nfiles, o.capture, &mo)))
		return rc;
	if (o.cmd == CMD_REPORT || o.cmd == CMD_HTML) {
		if ((rc = check_windows(&o, mo))) {
			model_free(mo);
			return rc;
		}
	}
	if (o.cmd == CMD_TOP) {
		rc = cmd_top(&o, mo);
		model_free(mo);
		return rc;
	}
	int ta = 0, tb = mo->nsamples;
	if (o.cmd == CMD_TIMELINE && (rc = range_of(&o, mo, &ta, &tb))) {
		model_free(mo);
		return rc;
	}
	if (o.cmd == CMD_TIMELINE && o.proc) {
		rc = cmd_timeline_proc(&o, mo, ta, tb);
		model_free(mo);
		return rc;
	}
	if (o.baseline && (rc = load(&o.baseline, 1, 0, &base))) {
		model_free(mo);
		return rc;
	}
	FILE *out = cli_open_out(o.out);
	if (!out) {
		model_free(mo);
		model_free(base);
		return 2;
	}
	if (o.cmd == CMD_INFO) {
		if (o.json)
			render_info_json(out, mo, o.file);
		else
			render_info_text(out, mo, o.file);
	} else if (o.cmd == CMD_TIMELINE) {
		struct report r;
		report_build(&r, mo, NULL, &o.win);
		struct timeline *tl = timeline_new(&r, o.step, ta, tb);
		char err[2048];
		if (tl && o.columns && timeline_select(tl, o.columns, err, sizeof err)) {
			rc = fail(2, "%s", err);
		} else if (tl) {
			if (o.csv)
				render_timeline_csv(out, tl);
			else if (o.json)
				render_timeline_json(out, tl);
			else /* a table for scripts when piped: every column */
				render_timeline_text(out, tl, o.wide || !(isatty(fileno(out)) || getenv("COLUMNS")) ? 0 : text_width(out));
		}
		timeline_free(tl);
		report_free(&r);
		if (rc) {
			cli_close_out(out, o.out);
			model_free(mo);
			model_free(base);
			return rc;
		}
	} else {
		struct report r;
		report_build(&r, mo, base, &o.win);
		r.path = o.file;
		if (o.cmd == CMD_HTML)
			render_html(out, &r);
		else if (o.json)
			render_json(out, &r);
		else if (o.markdown)
			render_markdown(out, &r);
		else
			render_text_width(out, &r, use_color(), o.wide ? 0 : text_width(out));
		report_free(&r);
	}
	rc = cli_close_out(out, o.out);
	model_free(mo);
	model_free(base);
	return rc;
}
