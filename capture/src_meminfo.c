/* src_meminfo.c - /proc/meminfo, every key as printed.  The key/value
 * parser is shared with vmstat and the cgroup files. */
#include "capture.h"

#include <string.h>

int parse_keyvals(const char *buf, size_t len, const struct sink *s, const char *prefix)
{
	const char *end = buf + len;
	size_t plen = prefix ? strlen(prefix) : 0;
	char key[128];
	if (plen >= sizeof key / 2)
		plen = 0;
	if (plen)
		memcpy(key, prefix, plen);
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *k = skip_blank(p, eol), *q = k;
		while (q < eol && *q != ' ' && *q != '\t' && *q != ':')
			q++;
		if (q == k || (size_t)(q - k) >= sizeof key - plen)
			continue;
		uint64_t v, extra;
		const char *r = parse_u64(q < eol && *q == ':' ? q + 1 : q, eol, &v);
		if (!r)
			continue; /* "total: used: ..." header of 2.4's byte table */
		if (parse_u64(r, eol, &extra))
			continue; /* "Mem: 921735168 88141824 ...": a table row, not a key */
		memcpy(key + plen, k, (size_t)(q - k));
		key[plen + (size_t)(q - k)] = 0;
		if (s->value(s->ctx, key, v))
			return -1;
	}
	return 0;
}

static int src_meminfo_sample(struct ctx *c)
{
	ssize_t n = read_kept_at(c, KF_MEMINFO, c->proc_fd, "meminfo", c->buf, c->buf_cap);
	if (n < 0) {
		c->read_errors++;
		return 0;
	}
	const struct sink *s = c->sink;
	if (s->begin(s->ctx, "meminfo", NULL) || parse_keyvals(c->buf, (size_t)n, s, NULL))
		return -1;
	return s->end(s->ctx);
}

const struct source source_meminfo = { .name = "meminfo", .sample = src_meminfo_sample };
