/* src_self.c - the recorder's own cost, so a capture shows what watching
 * the box cost the box.  Always the real /proc/self, even with --proc-root. */
#include "capture.h"

#include <fcntl.h>
#include <unistd.h>

static int src_self_sample(struct ctx *c)
{
	char buf[1024];
	struct task_stat ts;
	ssize_t n = read_kept_at(c, KF_SELF, AT_FDCWD, "/proc/self/stat", buf, sizeof buf);
	const struct sink *s = c->sink;
	if (s->begin(s->ctx, "self", NULL))
		return -1;
	if (n > 0 && !parse_task_stat(buf, (size_t)n, &ts)) {
		if (s->value(s->ctx, "rss_kb", ts.rss * (uint64_t)c->page_size / 1024) ||
		    s->value(s->ctx, "utime", ts.utime) || s->value(s->ctx, "stime", ts.stime) ||
		    s->value(s->ctx, "majflt", ts.majflt))
			return -1;
	}
	if (s->value(s->ctx, "read_errors", c->read_errors))
		return -1;
	return s->end(s->ctx);
}

const struct source source_self = { .name = "self", .sample = src_self_sample };
