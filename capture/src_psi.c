/* src_psi.c - /proc/pressure/{cpu,memory,io} when the kernel has PSI
 * (4.20+, and CONFIG_PSI=y without psi=0).  Absent files are not errors. */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int parse_psi(const char *buf, size_t len, const struct sink *s, const char *prefix,
	      uint64_t *some10)
{
	static const char *const keys[] = { "avg10=", "avg60=", "avg300=", "total=" };
	static const char *const names[] = { "avg10", "avg60", "avg300", "total" };
	const char *end = buf + len;
	char name[64];
	if (!prefix)
		prefix = "";
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		char kind[8];
		const char *q = parse_token(p, eol, kind, sizeof kind);
		if (!q || (strcmp(kind, "some") && strcmp(kind, "full")))
			continue;
		for (size_t i = 0; i < 4; i++) {
			q = skip_blank(q, eol);
			size_t kl = strlen(keys[i]);
			if ((size_t)(eol - q) < kl || memcmp(q, keys[i], kl))
				break;
			uint64_t v;
			/* averages are percentages with two decimals, total is µs */
			q = i < 3 ? parse_centi(q + kl, eol, &v) : parse_u64(q + kl, eol, &v);
			if (!q)
				break;
			snprintf(name, sizeof name, "%s%s_%s", prefix, kind, names[i]);
			if (s->value(s->ctx, name, v))
				return -1;
			if (i == 0 && some10 && kind[0] == 's')
				*some10 = v;
		}
	}
	return 0;
}

static int src_psi_sample(struct ctx *c)
{
	static const char *const res[] = { "cpu", "memory", "io" };
	char path[32];
	c->h.have_psi_io = c->h.have_psi_mem = false;
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "pressure/%s", res[i]);
		ssize_t n = read_kept_at(c, (enum kept_file)(KF_PSI_CPU + i), c->proc_fd, path, c->buf, c->buf_cap);
		if (n < 0) {
			if (errno != ENOENT && errno != EOPNOTSUPP)
				c->read_errors++;
			continue;
		}
		uint64_t some10 = CAP_NA;
		const struct sink *s = c->sink;
		if (s->begin(s->ctx, "psi", res[i]) ||
		    parse_psi(c->buf, (size_t)n, s, NULL, &some10) || s->end(s->ctx))
			return -1;
		if (some10 != CAP_NA && i == 1) {
			c->h.have_psi_mem = true;
			c->h.psi_mem_some10 = some10;
		} else if (some10 != CAP_NA && i == 2) {
			c->h.have_psi_io = true;
			c->h.psi_io_some10 = some10;
		}
	}
	return 0;
}

const struct source source_psi = { .name = "psi", .sample = src_psi_sample };
