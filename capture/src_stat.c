/* src_stat.c - /proc/stat: the cpu lines (one group each) and the scalar
 * counters.  Also keeps the figures the recorder itself decides on. */
#include "capture.h"

#include <string.h>

static const char *const cpu_names[] = {
	"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice",
};
#define NCPU_NAMES (sizeof cpu_names / sizeof cpu_names[0])

static bool key_is(const char *p, const char *end, const char *key)
{
	size_t n = strlen(key);
	return (size_t)(end - p) > n && !memcmp(p, key, n) && (p[n] == ' ' || p[n] == '\t');
}

int parse_stat(const char *buf, size_t len, const struct sink *s, struct health *h)
{
	static const char *const scalars[] = {
		"ctxt", "intr", "processes", "procs_running", "procs_blocked", "btime", "softirq",
	};
	enum { NSCALARS = sizeof scalars / sizeof scalars[0] };
	uint64_t sv[NSCALARS];
	bool have[NSCALARS] = { false };
	const char *end = buf + len;
	uint32_t ncpu = 0;

	h->have_cpu = false;
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (eol - p > 3 && !memcmp(p, "cpu", 3)) {
			char inst[32];
			const char *q = parse_token(p, eol, inst, sizeof inst);
			if (!q)
				continue;
			bool total = !strcmp(inst, "cpu");
			if (!total)
				ncpu++;
			if (s->begin(s->ctx, "cpu", inst))
				return -1;
			uint64_t v, sum = 0, iow = 0;
			for (size_t i = 0; i < NCPU_NAMES && (q = parse_u64(q, eol, &v)); i++) {
				if (s->value(s->ctx, cpu_names[i], v))
					return -1;
				if (i < 8) /* guest time is already inside user and nice */
					sum += v;
				if (i == 4)
					iow = v;
			}
			if (s->end(s->ctx))
				return -1;
			if (total) {
				h->have_cpu = true;
				h->cpu_total = sum;
				h->cpu_iowait = iow;
			}
			continue;
		}
		for (size_t i = 0; i < NSCALARS; i++) {
			if (key_is(p, eol, scalars[i])) {
				/* intr and softirq: the first number is the total */
				if (parse_u64(p + strlen(scalars[i]), eol, &sv[i]))
					have[i] = true;
				break;
			}
		}
	}
	if (s->begin(s->ctx, "stat", NULL))
		return -1;
	for (size_t i = 0; i < NSCALARS; i++)
		if (have[i] && s->value(s->ctx, scalars[i], sv[i]))
			return -1;
	if (s->end(s->ctx))
		return -1;
	h->ncpu = ncpu;
	h->processes = have[2] ? sv[2] : CAP_NA;
	h->btime = have[5] ? sv[5] : CAP_NA;
	return 0;
}

static int src_stat_sample(struct ctx *c)
{
	ssize_t n = read_kept_at(c, KF_STAT, c->proc_fd, "stat", c->buf, c->buf_cap);
	if (n < 0) {
		c->read_errors++;
		c->h.have_cpu = false;
		c->h.processes = CAP_NA;
		return 0;
	}
	return parse_stat(c->buf, (size_t)n, c->sink, &c->h);
}

const struct source source_stat = { .name = "stat", .sample = src_stat_sample };
