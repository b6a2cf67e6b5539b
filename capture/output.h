/* output.h - the capture file or stdout (output.c). */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output {
	int fd;
	const char *path;       /* NULL for stdout */
	uint64_t max_size;      /* 0: no cap */
	uint64_t file_bytes;    /* bytes in the current file */
	uint64_t total_bytes;
	int err;                /* errno of the first failure */
	bool full;              /* --max-size reached on stdout: stop */
	unsigned rotations;
	bool force;             /* --force: replace an existing FILE */
};

/* 0, or -1 with a message already printed; errno EEXIST when FILE exists
 * and force is false. */
int out_open(struct output *o, const char *path, uint64_t max_size, bool force);
/* cap_write_fn */
int out_write(void *ctx, const void *buf, size_t len);
/* Call after each complete frame: rotates at the size cap and checks the
 * file still exists.  0 = go on, 1 = stop cleanly (cap on stdout), -1 =
 * failure (message printed). */
int out_frame_done(struct output *o);
/* The same after a flush point (cap_flush_point()): rotates only if
 * frame_ended, since a new file must start with a frame of its own. */
int out_flushed(struct output *o, bool frame_ended);
/* The file has reached half the size cap: end the frame so it can rotate. */
bool out_rotation_due(const struct output *o);
int out_close(struct output *o);

#endif
