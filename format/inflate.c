/* inflate.c - zstd frames into memory; see inflate.h.
 *
 * Decoding is a fifth of a replay and independent of reading the records
 * of the frame before it, so the reader has the next frame decoded on a
 * second core meanwhile.  The worker owns its buffer and zstd context
 * until it is joined, and joining is the only hand-over: no locks. */
#include "inflate.h"

#include <stdlib.h>
#include <string.h>

#define FRAME_MAX (256u << 20) /* refuse to inflate a frame beyond this */

const char *cap_inflate(ZSTD_DCtx *dc, const uint8_t *src, size_t csize, size_t step, struct fbuf *fb)
{
	ZSTD_DCtx_reset(dc, ZSTD_reset_session_only);
	ZSTD_inBuffer in = { src, step && step < csize ? step : csize, 0 };
	fb->len = 0;
	for (;;) {
		if (in.pos == in.size && in.size < csize)
			in.size = csize - in.size > step ? in.size + step : csize;
		if (fb->len == fb->cap) {
			if (fb->cap >= FRAME_MAX)
				return "frame inflates beyond 256 MiB";
			size_t nc = fb->cap ? fb->cap * 2 : (1u << 20);
			uint8_t *nb = realloc(fb->p, nc + FB_PAD);
			if (!nb)
				return "out of memory inflating a frame";
			fb->p = nb;
			fb->cap = nc;
		}
		ZSTD_outBuffer out = { fb->p, fb->cap, fb->len };
		size_t rc = ZSTD_decompressStream(dc, &out, &in);
		fb->len = out.pos;
		memset(fb->p + fb->len, 0, FB_PAD);
		if (ZSTD_isError(rc))
			return ZSTD_getErrorName(rc);
		if (rc == 0)
			return NULL;
		if (in.pos == csize && out.pos < out.size)
			return "frame ends early";
	}
}

static void *ahead_main(void *arg)
{
	struct ahead *a = arg;
	a->err = cap_inflate(a->dc, a->src, a->csize, 0, &a->fb);
	return NULL;
}

bool ahead_start(struct ahead *a, const uint8_t *buf, size_t start, size_t csize)
{
	ahead_take(a, SIZE_MAX);
	if (!a->dc && !(a->dc = ZSTD_createDCtx()))
		return false;
	a->src = buf + start;
	a->start = start;
	a->csize = csize;
	a->running = !pthread_create(&a->th, NULL, ahead_main, a);
	return a->running;
}

bool ahead_take(struct ahead *a, size_t start)
{
	if (!a->running)
		return false;
	pthread_join(a->th, NULL);
	a->running = false;
	return a->start == start && !a->err;
}

void ahead_free(struct ahead *a)
{
	ahead_take(a, SIZE_MAX);
	ZSTD_freeDCtx(a->dc);
	free(a->fb.p);
	memset(a, 0, sizeof *a);
}
