/* cli.c - time specs and output helpers shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("analyze: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

static bool zone_local(void)
{
	const char *tz = getenv("TZ");
	return tz && *tz;
}

bool when_parse(const char *s, struct when *w)
{
	memset(w, 0, sizeof *w);
	snprintf(w->text, sizeof w->text, "%s", s);
	if (strchr(s, ':')) {
		unsigned h, m, sec = 0;
		int used = 0;
		int k = sscanf(s, "%2u:%2u%n:%2u%n", &h, &m, &used, &sec, &used);
		if (k < 2 || s[used] || h > 23 || m > 59 || sec > 59 || !strchr("0123456789", s[0]))
			return false;
		w->clock = true;
		w->s = h * 3600.0 + m * 60.0 + sec;
	} else {
		char *end;
		errno = 0;
		w->s = strtod(s, &end);
		if (end == s || *end || errno || !isfinite(w->s) || w->s < 0)
			return false;
	}
	w->set = true;
	return true;
}

void span_text(const struct model *mo, char *buf, size_t n)
{
	char a[16], b[16];
	fmt_wall(mo->wall_us[0], a, sizeof a, false);
	fmt_wall(mo->wall_us[mo->nsamples - 1], b, sizeof b, false);
	snprintf(buf, n, "0..%.0f s from the start, or %s .. %s %s", mo->t[mo->nsamples - 1], a, b, wall_zone());
}

/* A time of day names the first moment at or after the capture's start
 * with that clock reading: a capture that runs past midnight continues
 * into the next day. */
bool when_resolve(const struct model *mo, const struct when *w, double *t, char *msg, size_t n)
{
	double end = mo->t[mo->nsamples - 1];
	if (!w->clock) {
		*t = w->s;
		if (w->s <= end + 1e-9)
			return true;
	} else {
		time_t s0 = (time_t)(mo->wall_us[0] / 1000000);
		struct tm tm;
		bool local = zone_local();
		if (local ? !localtime_r(&s0, &tm) : !gmtime_r(&s0, &tm))
			return false;
		tm.tm_hour = (int)(w->s / 3600);
		tm.tm_min = (int)fmod(w->s / 60, 60);
		tm.tm_sec = (int)fmod(w->s, 60);
		tm.tm_isdst = -1;
		time_t c = local ? mktime(&tm) : timegm(&tm);
		double start = (double)mo->wall_us[0] / 1e6;
		if ((double)c < floor(start))
			c += 86400;
		/* first sample at or after that moment */
		for (int i = 0; i < mo->nsamples; i++)
			if ((double)mo->wall_us[i] / 1e6 >= (double)c - 1e-6 || i == mo->nsamples - 1) {
				if ((double)mo->wall_us[i] / 1e6 + 1.0 < (double)c)
					break; /* past the last sample */
				*t = mo->t[i];
				return true;
			}
	}
	char sp[96];
	span_text(mo, sp, sizeof sp);
	snprintf(msg, n, "%s is outside the capture; valid: %s", w->text, sp);
	return false;
}

FILE *cli_open_out(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		cli_fail(2, "cannot write %s: %s; check the directory exists and is writable", path, strerror(errno));
	return f;
}

int cli_close_out(FILE *f, const char *path)
{
	if (fflush(f) != 0 || ferror(f) || (f != stdout && fclose(f) != 0))
		return cli_fail(1, "writing %s failed: %s", path ? path : "standard output", strerror(errno));
	return 0;
}
