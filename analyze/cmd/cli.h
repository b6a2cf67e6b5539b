/* cli.h - what the command files share with main.c: the parsed command
 * line, time specs (seconds or wall clock), and output helpers.  Commands
 * get a loader from main.c rather than calling it, so every command file
 * links into the unit tests without main.c. */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"

enum cmd_id { CMD_REPORT, CMD_TIMELINE, CMD_TOP, CMD_HTML, CMD_DUMP, CMD_INFO, CMD_STACKS,
	      CMD_TRIAGE, CMD_REDACT, CMD_COUNT };

/* A moment: seconds from the capture's first sample, or a wall-clock time
 * of day (local time when TZ is set, UTC otherwise). */
struct when {
	bool set, clock;
	double s;            /* seconds from start, or seconds after midnight */
	char text[24];       /* as given, for messages */
};

#define MAX_FILES 4096

struct opts {
	enum cmd_id cmd;
	const char *file;            /* the first (for most commands, only) FILE */
	const char **files;
	int nfiles;
	const char *out, *baseline, *proc, *sort;
	bool json, csv, jsonl, markdown, comms, wide;
	const char *columns;         /* timeline --columns */
	double step;
	int rows;                    /* top: rows shown, 0 = all */
	int jobs;                    /* triage: workers, 0 = one per CPU */
	int capture;                 /* --capture N, 0 = the last */
	struct when from, to, at;
	struct win_opts win;
	const char *wtext[2];        /* --healthy, --faulty as given */
};

/* main.c's loader: the pieces of one capture, the Nth capture (0 = the last) */
typedef int (*load_fn)(const char *const *paths, int npaths, int want, struct model **out);

int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "120", "12.5", "21:04", "21:04:30"; false when it is none of these. */
bool when_parse(const char *s, struct when *w);
/* Seconds from the start for w; false (with the valid range in msg) when w
 * falls outside the capture. */
bool when_resolve(const struct model *mo, const struct when *w, double *t, char *msg, size_t n);
/* The capture's span in words for messages: "0..190 s (21:02:56 .. 21:06:06 UTC)". */
void span_text(const struct model *mo, char *buf, size_t n);

FILE *cli_open_out(const char *path);
int cli_close_out(FILE *f, const char *path);

int cmd_top(const struct opts *o, const struct model *mo);
int cmd_timeline_proc(const struct opts *o, const struct model *mo, int a, int b);
int cmd_triage(const struct opts *o, load_fn load);
int cmd_redact(const struct opts *o);
int stacks_command(const char *path, bool json, const char *out);

#endif
