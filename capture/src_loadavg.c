/* src_loadavg.c - /proc/loadavg: "0.45 0.30 0.25 2/497 11947". */
#include "capture.h"

int parse_loadavg(const char *buf, size_t len, const struct sink *s)
{
	const char *p = buf, *end = buf + len;
	uint64_t l1, l5, l15, run, total, last;
	if (!(p = parse_centi(p, end, &l1)) || !(p = parse_centi(p, end, &l5)) ||
	    !(p = parse_centi(p, end, &l15)))
		return 0; /* not a loadavg line: record nothing rather than junk */
	if (s->begin(s->ctx, "loadavg", NULL) || s->value(s->ctx, "load1", l1) ||
	    s->value(s->ctx, "load5", l5) || s->value(s->ctx, "load15", l15))
		return -1;
	if ((p = parse_u64(p, end, &run)) && p < end && *p == '/' &&
	    (p = parse_u64(p + 1, end, &total))) {
		if (s->value(s->ctx, "running", run) || s->value(s->ctx, "total", total))
			return -1;
		if (parse_u64(p, end, &last) && s->value(s->ctx, "last_pid", last))
			return -1;
	}
	return s->end(s->ctx);
}

static int src_loadavg_sample(struct ctx *c)
{
	ssize_t n = read_kept_at(c, KF_LOADAVG, c->proc_fd, "loadavg", c->buf, c->buf_cap);
	if (n < 0) {
		c->read_errors++;
		return 0;
	}
	return parse_loadavg(c->buf, (size_t)n, c->sink);
}

const struct source source_loadavg = { .name = "loadavg", .sample = src_loadavg_sample };
