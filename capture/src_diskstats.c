/* src_diskstats.c - /proc/diskstats: one group per device, every field the
 * line has (14, 18 or 20 on the same machine; 7 for 2.6 partitions). */
#include "capture.h"

#include <string.h>

static const char *const disk_names[] = {
	"rd_ios", "rd_merges", "rd_sectors", "rd_ticks", "wr_ios", "wr_merges", "wr_sectors",
	"wr_ticks", "in_flight", "io_ticks", "time_in_queue", "disc_ios", "disc_merges",
	"disc_sectors", "disc_ticks", "flush_ios", "flush_ticks",
};
#define NDISK (sizeof disk_names / sizeof disk_names[0])
/* Kernels before 2.6.25 print partitions with four counters only. */
static const char *const part_names[] = { "rd_ios", "rd_sectors", "wr_ios", "wr_sectors" };

int parse_diskstats(const char *buf, size_t len, const struct sink *s)
{
	const char *end = buf + len;
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		uint64_t major, minor, v[NDISK + 8];
		char name[64];
		const char *q = parse_u64(p, eol, &major);
		if (!q || !(q = parse_u64(q, eol, &minor)) || !(q = parse_token(q, eol, name, sizeof name)))
			continue;
		size_t n = 0;
		while (n < NDISK + 8 && (q = parse_u64(q, eol, &v[n])))
			n++;
		if (n == 0)
			continue;
		const char *const *names = n == 4 ? part_names : disk_names;
		size_t max = n == 4 ? 4 : NDISK;
		if (s->begin(s->ctx, "disk", name) || s->value(s->ctx, "major", major) ||
		    s->value(s->ctx, "minor", minor))
			return -1;
		for (size_t i = 0; i < n && i < max; i++)
			if (s->value(s->ctx, names[i], v[i]))
				return -1;
		if (s->end(s->ctx))
			return -1;
	}
	return 0;
}

static int src_diskstats_sample(struct ctx *c)
{
	ssize_t n = read_kept_at(c, KF_DISKSTATS, c->proc_fd, "diskstats", c->buf, c->buf_cap);
	if (n < 0) {
		c->read_errors++;
		return 0;
	}
	return parse_diskstats(c->buf, (size_t)n, c->sink);
}

const struct source source_diskstats = { .name = "diskstats", .sample = src_diskstats_sample };
