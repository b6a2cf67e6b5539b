/* capcut.c - cut a capture at frame boundaries, for the cut-capture tests.
 *
 * Frames are independent zstd frames, so frames i..j of a file, copied
 * byte for byte, are a valid capture: what a technician gets when the box
 * was already sick at the start (a suffix) or rebooted soon after the fault
 * (a prefix).  Cutting whole frames from the real samples keeps every
 * record as the kernel printed it; no cut file is committed.
 *
 * Usage:
 *   capcut list FILE          one line per frame: index, byte offset,
 *                             seconds of its first sample from the file's start
 *   capcut FILE FROM [TO]     frames FROM..TO-1 (0-based; TO default: all)
 *                             to standard output
 * Exit 0, 1 when the file cannot be read, 2 for a usage error.
 */
#include "cap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame { uint64_t off; double t; bool have_t; };

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0, got;
	unsigned char *b = malloc(cap);
	while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return b;
}

/* Frame offsets as the reader reports them, each with its first sample's
 * time: a reader event, so damage between frames is skipped the same way
 * analyze skips it. */
static int frames_of(const unsigned char *buf, size_t len, struct frame **out)
{
	struct cap_reader *r = cap_reader_mem(buf, len);
	if (!r)
		return -1;
	struct frame *fr = NULL;
	int n = 0, cap = 0;
	uint64_t mono0 = 0;
	bool have0 = false;
	struct cap_rec rec;
	while (cap_next(r, &rec) == 1) {
		if (rec.type == CAP_EV_FRAME) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				struct frame *nf = realloc(fr, (size_t)cap * sizeof *nf);
				if (!nf) {
					free(fr);
					cap_reader_free(r);
					return -1;
				}
				fr = nf;
			}
			fr[n++] = (struct frame){ rec.u.frame.offset, 0, false };
		} else if (rec.type == CAP_SAMPLE && n && !fr[n - 1].have_t) {
			if (!have0) {
				mono0 = rec.u.sample.mono_us;
				have0 = true;
			}
			fr[n - 1].t = (double)(rec.u.sample.mono_us - mono0) / 1e6;
			fr[n - 1].have_t = true;
		}
	}
	cap_reader_free(r);
	*out = fr;
	return n;
}

int main(int argc, char **argv)
{
	bool list = argc == 3 && !strcmp(argv[1], "list");
	if (!list && (argc < 3 || argc > 4)) {
		fprintf(stderr, "usage: capcut list FILE | capcut FILE FROM [TO]\n");
		return 2;
	}
	const char *path = list ? argv[2] : argv[1];
	size_t len;
	unsigned char *buf = slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "capcut: cannot read %s\n", path);
		return 1;
	}
	struct frame *fr = NULL;
	int n = frames_of(buf, len, &fr);
	if (n < 0) {
		fprintf(stderr, "capcut: out of memory\n");
		free(buf);
		return 1;
	}
	int rc = 0;
	if (list) {
		for (int i = 0; i < n; i++)
			printf("%d %" PRIu64 " %.1f\n", i, fr[i].off, fr[i].have_t ? fr[i].t : -1.0);
	} else {
		char *e1, *e2 = NULL;
		long a = strtol(argv[2], &e1, 10), b = argc == 4 ? strtol(argv[3], &e2, 10) : n;
		if (*e1 || (e2 && *e2) || a < 0 || b > n || a >= b) {
			fprintf(stderr, "capcut: frames %s..%s: the file has %d frames (0..%d)\n", argv[2],
				argc == 4 ? argv[3] : "end", n, n - 1);
			rc = 2;
		} else {
			uint64_t lo = fr[a].off, hi = b < n ? fr[b].off : len;
			if (fwrite(buf + lo, 1, hi - lo, stdout) != hi - lo || fflush(stdout))
				rc = 1;
		}
	}
	free(fr);
	free(buf);
	return rc;
}
