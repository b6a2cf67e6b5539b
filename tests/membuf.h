/* membuf.h - a growing memory buffer that the capture writer can write to,
 * shared by the tests that build captures in memory. */
#ifndef TEST_MEMBUF_H
#define TEST_MEMBUF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct membuf { uint8_t *p; size_t len, cap; };

/* cap_write_fn: appends, growing the buffer; -1 when out of memory */
static inline int mem_write(void *ctx, const void *buf, size_t len)
{
	struct membuf *m = ctx;
	if (m->len + len > m->cap) {
		size_t nc = (m->len + len) * 2;
		uint8_t *np = realloc(m->p, nc);
		if (!np)
			return -1;
		m->p = np;
		m->cap = nc;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}

#endif
