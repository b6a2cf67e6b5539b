/* inflate.h - one zstd frame into a growing buffer, in the caller's thread
 * or on a worker that decodes the next frame while the caller reads this
 * one.  Internal to format/ (the reader). */
#ifndef CAP_INFLATE_H
#define CAP_INFLATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

/* Zeroed bytes kept after a decoded frame's end, so a varint that starts
 * inside the frame is read without a length check per byte. */
#define FB_PAD 16

struct fbuf { uint8_t *p; size_t cap, len; };

/* Decodes the csize-byte frame at src into fb.  Returns NULL or a static
 * message.  step 0 hands zstd the whole frame, which it may then decode in
 * one pass, leaving nothing in fb on an error; a step hands it that much
 * input at a time, so the output before the error is kept. */
const char *cap_inflate(ZSTD_DCtx *dc, const uint8_t *src, size_t csize, size_t step, struct fbuf *fb);

/* The next frame, decoded whole (step 0) on a thread of its own. */
struct ahead {
	pthread_t th;
	bool running;
	ZSTD_DCtx *dc;
	const uint8_t *src;
	size_t start, csize;
	struct fbuf fb;
	const char *err;
};

/* Starts decoding the frame at buf + start; false if no thread could be
 * had (the caller then decodes it itself, as without one). */
bool ahead_start(struct ahead *a, const uint8_t *buf, size_t start, size_t csize);
/* Waits for the worker; true if it decoded the frame at start whole, which
 * is then in a->fb. */
bool ahead_take(struct ahead *a, size_t start);
void ahead_free(struct ahead *a);

#endif
