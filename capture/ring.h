/* ring.h - capture --ring: a flight recorder that keeps the last minutes
 * in RAM and writes them, with what follows, only when the box looks sick
 * (ring.c). */
#ifndef RING_H
#define RING_H

#include "capture.h"
#include "kmsg.h"
#include "sysrq.h"

#define RING_DEFAULT_POST_US (5 * 60 * 1000000ull)
#define RING_DEFAULT_MEM (16u << 20)
#define RING_MIN_MEM (256u << 10)
/* File bytes kept back from the window data under --max-size, for the
 * notes that say how many triggers the cap dropped. */
#define RING_NOTE_RESERVE 4096u

struct ring_cfg {
	uint64_t ring_us;   /* history to keep */
	uint64_t post_us;   /* keep writing this long after the last trigger */
	uint64_t mem_cap;   /* --ring-mem: the arena never grows past it */
	uint64_t max_size;  /* --max-size: FILE never grows past it; 0 = no cap */
	uint64_t flush_us;  /* a frame ends at least this often */
	uint64_t gap_us;    /* at most one trigger per gap (--sysrq-when gap) */
	bool replace;       /* --force: empty an existing FILE at start */
};

struct ring;

/* "30m", "90s", "2h", "45" (seconds), "1.5m"; -1 on junk or 0. */
int ring_parse_duration(const char *s, uint64_t *us);

/* Allocates the first arena and checks that FILE can be created (it is
 * created empty if missing, appended to if not, emptied with replace).  NULL with a message
 * printed on failure. */
struct ring *ring_new(const struct ring_cfg *cfg, const char *path);
void ring_free(struct ring *g);
/* cap_write_fn: every compressed byte of the writer lands in the arena. */
int ring_write(void *ctx, const void *buf, size_t len);

/* Once per sample, after the sources and sysrq: decides on a trigger from
 * the health signal, SIGUSR1 (usr1), the kernel log's alarms and a sysrq
 * dump that just fired, and records an accepted one as a note in the
 * sample.  -1 only when the writer failed. */
int ring_check(struct ring *g, struct ctx *c, const struct sysrq_cfg *when, struct kmsg *k,
	       bool usr1, bool sysrq_fired, uint64_t now_us);
/* After each sample: ends frames on the flush interval, writes the ring
 * and then the window's frames to FILE, closes the window when the post
 * time is over.  0 = go on, 1 = a window just closed, -1 = fatal (a write
 * error: message printed). */
int ring_step(struct ring *g, struct ctx *c, uint64_t now_us);
/* On a clean stop: ends an open window with the writer's END record.
 * Between windows the history in RAM is dropped (only a trigger writes
 * it); a FILE this run wrote to gets a small frame holding END.  0 or -1. */
int ring_close(struct ring *g, struct ctx *c);
/* Bytes this run wrote to FILE (the terminal's stop line). */
uint64_t ring_written(const struct ring *g);

#endif
