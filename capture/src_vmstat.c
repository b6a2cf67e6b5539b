/* src_vmstat.c - /proc/vmstat, every key as printed. */
#include "capture.h"

static int src_vmstat_sample(struct ctx *c)
{
	ssize_t n = read_kept_at(c, KF_VMSTAT, c->proc_fd, "vmstat", c->buf, c->buf_cap);
	if (n < 0) {
		c->read_errors++; /* 2.4 has none: counted, not fatal */
		return 0;
	}
	const struct sink *s = c->sink;
	if (s->begin(s->ctx, "vmstat", NULL) || parse_keyvals(c->buf, (size_t)n, s, NULL))
		return -1;
	return s->end(s->ctx);
}

const struct source source_vmstat = { .name = "vmstat", .sample = src_vmstat_sample };
