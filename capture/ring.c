/* ring.c - capture --ring DURATION: the last DURATION of samples in RAM,
 * written to FILE only when the box looks sick.
 *
 * The writer already ends a frame at every flush and every frame is
 * independent, so the ring is a ring of whole compressed frames: an arena
 * (one locked mapping, circular) that the writer's output callback fills,
 * and a list of the frames in it with the time each began.  A frame is
 * evicted once the frames after it still reach back DURATION, so the ring
 * holds DURATION plus at most one flush interval.  Its size follows from
 * what the frames measure: it starts small and grows, only while it holds
 * less than DURATION, to the size the measured rate needs (+25%), never past
 * --ring-mem.  Growth is a new mapping (locked and populated at once under
 * mlockall's MCL_FUTURE) and a copy; once the ring is full nothing is
 * allocated again unless frames grow.
 *
 * On a trigger the open frame is ended, the ring is appended to FILE, and
 * every frame of the next --post time is too, then the ring starts empty
 * again.  In a window frames still collect in the arena and go to FILE
 * whole when they end, so --max-size is checked per frame and is never
 * crossed; each write is fdatasync'ed as in plain capture.  FILE is held
 * open O_APPEND for the whole run (a box out of file descriptors still gets
 * its window) and checked against the path before each write: a file
 * pulled and removed between incidents is simply started again, and one
 * left from before a reboot is appended to (captures concatenate).
 */
#include "ring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct frame {
	size_t off, len;
	uint64_t t0;        /* CLOCK_MONOTONIC µs when its first sample began */
	uint64_t samples;
};

struct ring {
	struct ring_cfg cfg;
	const char *path;
	uint64_t now;       /* the latest sample's time */

	uint8_t *buf;       /* the arena, circular */
	size_t cap, head, used;
	struct frame *fr;   /* complete frames, circular, oldest at fr0 */
	size_t fr_cap, fr0, nfr;
	size_t open_len;    /* bytes of the frame being written, just before head */
	uint64_t open_t0, open_samples;
	bool open_lost;     /* the open frame did not fit the arena at all */

	bool window, pending;
	uint64_t window_end, last_flush, last_trigger;
	char why[240];      /* the pending trigger's reason */
	struct health prev;
	bool have_prev;
	uint64_t oom_seen, hung_seen;
	uint64_t triggers, refused, dropped, dropped_noted;
	bool capped_noted, sized_noted, lost_noted;

	int fd;
	uint64_t file_bytes;
	uint64_t written;   /* bytes this run put in FILE, across reopenings */
	bool wrote;         /* this run has put something in FILE */
	int err;
};

/* ------------------------------------------------------------ parsing */

int ring_parse_duration(const char *s, uint64_t *us)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t mult = 1;
	if (n && (s[n - 1] == 's' || s[n - 1] == 'm' || s[n - 1] == 'h')) {
		mult = s[n - 1] == 'h' ? 3600 : s[n - 1] == 'm' ? 60 : 1;
		n--;
	}
	if (!n || n >= sizeof num)
		return -1;
	memcpy(num, s, n);
	num[n] = 0;
	uint64_t v;
	if (parse_seconds_us(num, &v) || !v || v > UINT64_MAX / mult / 4)
		return -1;
	*us = v * mult;
	return 0;
}

static void fmt_dur(char *out, size_t cap, uint64_t us)
{
	uint64_t s = us / 1000000;
	if (s >= 3600 && s % 3600 == 0)
		snprintf(out, cap, "%lluh", (unsigned long long)(s / 3600));
	else if (s >= 60 && s % 60 == 0)
		snprintf(out, cap, "%llum", (unsigned long long)(s / 60));
	else if (s)
		snprintf(out, cap, "%llus", (unsigned long long)s);
	else
		snprintf(out, cap, "%llums", (unsigned long long)(us / 1000));
}

static void fmt_bytes(char *out, size_t cap, uint64_t b)
{
	if (b >= 10u << 20)
		snprintf(out, cap, "%llu MiB", (unsigned long long)(b >> 20));
	else if (b >= 10u << 10)
		snprintf(out, cap, "%llu KiB", (unsigned long long)(b >> 10));
	else
		snprintf(out, cap, "%llu B", (unsigned long long)b);
}

/* -------------------------------------------------------------- arena */

static uint8_t *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static size_t tail(const struct ring *g)
{
	return (g->head + g->cap - g->used) % g->cap;
}

/* Copies n bytes of the arena from off (wrapping) to out. */
static void copy_out(const struct ring *g, size_t off, size_t n, uint8_t *out)
{
	size_t k = g->cap - off < n ? g->cap - off : n;
	memcpy(out, g->buf + off, k);
	memcpy(out + k, g->buf, n - k);
}

static int grow(struct ring *g, size_t want)
{
	size_t ncap = (want + 0xffff) & ~(size_t)0xffff;
	if (ncap > g->cfg.mem_cap)
		ncap = (size_t)g->cfg.mem_cap;
	if (ncap <= g->cap)
		return -1;
	uint8_t *nb = map(ncap);
	if (!nb)
		return -1;
	/* linear again: the frames in order from 0 */
	size_t t = tail(g);
	copy_out(g, t, g->used, nb);
	for (size_t i = 0; i < g->nfr; i++) {
		struct frame *f = &g->fr[(g->fr0 + i) % g->fr_cap];
		f->off = (f->off + g->cap - t) % g->cap;
	}
	munmap(g->buf, g->cap);
	g->buf = nb;
	g->cap = ncap;
	g->head = g->used;
	return 0;
}

static struct frame *frame_at(struct ring *g, size_t i)
{
	return &g->fr[(g->fr0 + i) % g->fr_cap];
}

static void evict(struct ring *g)
{
	g->used -= frame_at(g, 0)->len;
	g->fr0 = (g->fr0 + 1) % g->fr_cap;
	g->nfr--;
}

/* Would the ring still reach back DURATION without its oldest frame? */
static bool oldest_spare(struct ring *g)
{
	return g->nfr >= 2 && g->now - frame_at(g, 1)->t0 >= g->cfg.ring_us;
}

/* The size the measured rate needs for DURATION plus two flushes, +25%. */
static size_t wanted(struct ring *g, size_t more)
{
	size_t done = g->used - g->open_len;
	uint64_t span = g->nfr ? g->now - frame_at(g, 0)->t0 : 0;
	uint64_t need = (uint64_t)g->cap * 2;
	if (g->nfr && span >= 1000000) {
		uint64_t rate = (uint64_t)done * 1000000 / span; /* bytes per second */
		need = rate * ((g->cfg.ring_us + 2 * g->cfg.flush_us) / 1000000 + 1) / 4 * 5;
	}
	if (need < (uint64_t)g->cap + more + (64u << 10))
		need = (uint64_t)g->cap + more + (64u << 10);
	return need > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)need;
}

int ring_write(void *ctx, const void *buf, size_t len)
{
	struct ring *g = ctx;
	if (g->open_lost)
		return 0;
	while (g->cap - g->used < len) {
		if (oldest_spare(g))
			evict(g);
		else if (g->cap < g->cfg.mem_cap && !grow(g, wanted(g, len)))
			continue;
		else if (g->nfr)
			evict(g); /* --ring-mem wins over DURATION: noted at the frame's end */
		else {
			/* one frame larger than the whole arena: it cannot be kept */
			g->head = (g->head + g->cap - g->open_len) % g->cap;
			g->used -= g->open_len;
			g->open_len = 0;
			g->open_lost = true;
			return 0;
		}
	}
	const uint8_t *p = buf;
	size_t k = g->cap - g->head < len ? g->cap - g->head : len;
	memcpy(g->buf + g->head, p, k);
	memcpy(g->buf, p + k, len - k);
	g->head = (g->head + len) % g->cap;
	g->used += len;
	g->open_len += len;
	return 0;
}

/* ------------------------------------------------------------- the file */

/* Makes g->fd the FILE at path now.  The fd stays open for the whole run:
 * a box in trouble may be out of file descriptors (the recorder keeps one
 * per task), and the window must still get written.  A FILE removed or
 * replaced since (pulled by the technician) is closed and created again,
 * which frees and reuses the same descriptor slot. */
static int file_open(struct ring *g)
{
	struct stat st, at;
	if (g->fd >= 0) {
		if (fstat(g->fd, &st) == 0 && st.st_nlink > 0 && lstat(g->path, &at) == 0 &&
		    at.st_dev == st.st_dev && at.st_ino == st.st_ino) {
			g->file_bytes = (uint64_t)st.st_size;
			return 0;
		}
		fprintf(stderr, "capture: %s was removed or replaced; a new one is started\n", g->path);
		close(g->fd);
	}
	/* O_NOFOLLOW: a symlink planted at FILE must not redirect root's writes */
	g->fd = open(g->path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (g->fd < 0)
		return -1;
	g->file_bytes = fstat(g->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

/* The end of a window: everything in FILE on the medium. */
static void file_sync(struct ring *g)
{
	if (g->fd >= 0 && fsync(g->fd) < 0 && errno != EINVAL && errno != EROFS && !g->err)
		g->err = errno;
}

/* Room left for window data under --max-size (the reserve excluded). */
static uint64_t room(const struct ring *g, bool note)
{
	if (!g->cfg.max_size)
		return UINT64_MAX;
	uint64_t lim = g->cfg.max_size - (note ? 0 : RING_NOTE_RESERVE);
	return g->file_bytes < lim ? lim - g->file_bytes : 0;
}

/* Appends n arena bytes from off and, with sync, makes everything written
 * durable: a power cut after this keeps it. */
static int file_put(struct ring *g, size_t off, size_t n, bool sync)
{
	/* pulled and removed mid-window: a new FILE holds the rest */
	if (file_open(g)) {
		g->err = errno;
		return -1;
	}
	while (n) {
		size_t k = g->cap - off < n ? g->cap - off : n;
		ssize_t w = write(g->fd, g->buf + off, k);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			g->err = errno;
			return -1;
		}
		g->file_bytes += (uint64_t)w;
		g->written += (uint64_t)w;
		off = (off + (size_t)w) % g->cap;
		n -= (size_t)w;
	}
	if (sync && fdatasync(g->fd) < 0 && errno != EINVAL && errno != EROFS) {
		g->err = errno;
		return -1;
	}
	return 0;
}

static int write_failed(struct ring *g)
{
	fprintf(stderr, "capture: writing %s failed: %s; the file is valid up to its last complete frame%s\n",
		g->path, strerror(g->err), g->err == ENOSPC ? " (free space or use --max-size)" : "");
	return -1;
}

/* ------------------------------------------------------------- frames */

static void drop_open(struct ring *g)
{
	g->head = (g->head + g->cap - g->open_len) % g->cap;
	g->used -= g->open_len;
	g->open_len = 0;
}

static void note_sized(struct ring *g, struct ctx *c)
{
	size_t done = g->used - g->open_len;
	uint64_t samples = 0;
	for (size_t i = 0; i < g->nfr; i++)
		samples += frame_at(g, i)->samples;
	char d[32], b[32], a[32], m[32], msg[320];
	fmt_dur(d, sizeof d, g->now - frame_at(g, 0)->t0);
	fmt_bytes(b, sizeof b, done);
	fmt_bytes(a, sizeof a, g->cap);
	fmt_bytes(m, sizeof m, g->cfg.mem_cap);
	snprintf(msg, sizeof msg, "ring: the last %s hold %llu samples in %s (%llu B/sample); the arena is %s "
		 "of at most %s (--ring-mem)", d, (unsigned long long)samples, b,
		 (unsigned long long)(samples ? done / samples : 0), a, m);
	c->note(c, msg);
}

/* The writer just ended a frame (cap_flush): keep it in the ring, or in a
 * window write it out.  -1 on a write error. */
static int frame_done(struct ring *g, struct ctx *c)
{
	uint64_t t0 = g->open_t0, samples = g->open_samples;
	g->open_samples = 0;
	if (g->open_lost) {
		g->open_lost = false;
		if (!g->lost_noted) {
			g->lost_noted = true;
			c->note(c, "ring: a frame larger than --ring-mem was dropped; raise --ring-mem or lower --flush");
		}
		return 0;
	}
	if (!g->open_len)
		return 0;
	if (g->window) {
		size_t off = (g->head + g->cap - g->open_len) % g->cap, n = g->open_len;
		int rc = 0;
		if (n <= room(g, false)) {
			rc = file_put(g, off, n, true);
		} else {
			char msg[200];
			snprintf(msg, sizeof msg, "ring: %s reached --max-size; the window ends here", g->path);
			g->window_end = g->now; /* closed by ring_step */
			fprintf(stderr, "capture: %s\n", msg);
		}
		drop_open(g);
		g->head = g->used = 0;
		return rc ? write_failed(g) : 0;
	}
	if (g->nfr == g->fr_cap)
		evict(g);
	struct frame *f = &g->fr[(g->fr0 + g->nfr) % g->fr_cap];
	*f = (struct frame){ (g->head + g->cap - g->open_len) % g->cap, g->open_len, t0, samples };
	g->nfr++;
	g->open_len = 0;
	while (oldest_spare(g))
		evict(g);
	uint64_t span = g->now - frame_at(g, 0)->t0;
	if (!g->sized_noted && span + g->cfg.flush_us >= g->cfg.ring_us) {
		g->sized_noted = true;
		note_sized(g, c);
	} else if (!g->capped_noted && g->cap >= g->cfg.mem_cap && span + 2 * g->cfg.flush_us < g->cfg.ring_us &&
		   g->cap - g->used < g->cap / 8) {
		g->capped_noted = true;
		char d[32], w[32], m[32], msg[240];
		fmt_dur(d, sizeof d, span);
		fmt_dur(w, sizeof w, g->cfg.ring_us);
		fmt_bytes(m, sizeof m, g->cfg.mem_cap);
		snprintf(msg, sizeof msg, "ring: --ring-mem %s holds only the last %s of the %s asked for at this "
			 "rate; raise --ring-mem", m, d, w);
		c->note(c, msg);
	}
	return 0;
}

static int end_frame(struct ring *g, struct ctx *c)
{
	if (cap_flush(c->w))
		return -1;
	g->last_flush = g->now;
	return frame_done(g, c);
}

/* A frame of its own holding one note (or, msg NULL, the END record),
 * straight to FILE within the reserve; not kept in the ring.  Best effort:
 * a note about FILE being full may not fit either. */
static int tail_frame(struct ring *g, struct ctx *c, const char *msg)
{
	if (end_frame(g, c))
		return -1;
	if (msg) {
		if (cap_text(c->w, CAP_TXT_NOTE, CAP_NA, CAP_NA, CAP_NA, 0, msg, strlen(msg)) || cap_flush(c->w))
			return -1;
		fprintf(stderr, "capture: %s\n", msg);
	} else if (cap_writer_close(c->w)) {
		return -1;
	}
	int rc = 0;
	if (!g->open_lost && g->open_len && !file_open(g) && g->open_len <= room(g, true)) {
		rc = file_put(g, (g->head + g->cap - g->open_len) % g->cap, g->open_len, true);
		g->wrote = true;
	}
	if (g->open_lost)
		g->open_lost = false;
	else
		drop_open(g);
	return rc ? write_failed(g) : 0;
}

static int note_dropped(struct ring *g, struct ctx *c, const char *why)
{
	char msg[400];
	snprintf(msg, sizeof msg, "ring: trigger dropped: %s has reached --max-size %llu; %llu trigger(s) dropped "
		 "by the cap so far (last: %s)", g->path, (unsigned long long)g->cfg.max_size,
		 (unsigned long long)g->dropped, why);
	g->dropped_noted = g->dropped;
	return tail_frame(g, c, msg);
}

/* ------------------------------------------------------------ running */

struct ring *ring_new(const struct ring_cfg *cfg, const char *path)
{
	struct ring *g = calloc(1, sizeof *g);
	if (!g) {
		fprintf(stderr, "capture: out of memory\n");
		return NULL;
	}
	g->cfg = *cfg;
	g->path = path;
	g->fd = -1;
	g->cap = RING_MIN_MEM < cfg->mem_cap ? RING_MIN_MEM : (size_t)cfg->mem_cap;
	/* every flush a frame, and frames also end early when big: room for 4x */
	g->fr_cap = (size_t)(cfg->ring_us / cfg->flush_us) * 4 + 64;
	if (g->fr_cap > 65536)
		g->fr_cap = 65536; /* --flush far below DURATION / 65536: the oldest frames go early */
	g->buf = map(g->cap);
	g->fr = calloc(g->fr_cap, sizeof *g->fr);
	if (!g->buf || !g->fr) {
		fprintf(stderr, "capture: cannot allocate the ring: %s\n", strerror(errno));
		ring_free(g);
		return NULL;
	}
	/* find out now, not at the incident, that FILE cannot be written */
	if (file_open(g)) {
		int e = errno;
		if (e == ELOOP)
			fprintf(stderr, "capture: %s is a symbolic link; refusing to write through it "
				"(remove it or choose another -o FILE)\n", path);
		else
			fprintf(stderr, "capture: cannot create %s: %s (check the directory exists and is "
				"writable)\n", path, strerror(e));
		ring_free(g);
		return NULL;
	}
	if (cfg->replace && ftruncate(g->fd, 0) < 0) {
		fprintf(stderr, "capture: cannot empty %s: %s\n", path, strerror(errno));
		ring_free(g);
		return NULL;
	}
	return g;
}

void ring_free(struct ring *g)
{
	if (!g)
		return;
	if (g->fd >= 0)
		close(g->fd);
	if (g->buf)
		munmap(g->buf, g->cap);
	free(g->fr);
	free(g);
}

static void add_why(char *why, size_t cap, const char *s)
{
	size_t n = strlen(why);
	if (n + 3 < cap)
		snprintf(why + n, cap - n, "%s%s", n ? "; " : "", s);
}

int ring_check(struct ring *g, struct ctx *c, const struct sysrq_cfg *when, struct kmsg *k,
	       bool usr1, bool sysrq_fired, uint64_t now_us)
{
	if (!g->now) {
		g->last_flush = now_us;
		char d[32], m[32], msg[300];
		fmt_dur(d, sizeof d, g->cfg.ring_us);
		fmt_bytes(m, sizeof m, g->cfg.mem_cap);
		snprintf(msg, sizeof msg, "ring: keeping the last %s in RAM (at most %s, --ring-mem); %s is written "
			 "only on a trigger", d, m, g->path);
		c->note(c, msg);
	}
	g->now = now_us;
	if (!g->open_samples++)
		g->open_t0 = now_us; /* the frame's first sample: what eviction keeps DURATION from */
	char why[240] = "", part[200];
	if (usr1)
		add_why(why, sizeof why, "SIGUSR1");
	if (sysrq_health_reason(when, g->have_prev ? &g->prev : NULL, &c->h, part, sizeof part))
		add_why(why, sizeof why, part);
	g->prev = c->h;
	g->have_prev = true;
	if (k->oom != g->oom_seen || k->hung != g->hung_seen) {
		snprintf(part, sizeof part, "kernel log: %s: %s", k->oom != g->oom_seen ? "OOM kill" : "hung task",
			 k->alarm);
		add_why(why, sizeof why, part);
		g->oom_seen = k->oom;
		g->hung_seen = k->hung;
		k->alarm[0] = 0;
	}
	if (!why[0])
		return 0;
	/* a sysrq dump always gets its window, so the dump is written */
	if (g->triggers && now_us - g->last_trigger < g->cfg.gap_us && !sysrq_fired) {
		g->refused++;
		return 0;
	}
	g->triggers++;
	g->last_trigger = now_us;
	char msg[400];
	int n = snprintf(msg, sizeof msg, "ring trigger %llu: %s", (unsigned long long)g->triggers, why);
	if (g->refused && n > 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, " (%llu more within the rate limit since the last)",
			 (unsigned long long)g->refused);
	g->refused = 0;
	fprintf(stderr, "capture: %s\n", msg);
	snprintf(g->why, sizeof g->why, "%s", why);
	g->pending = true;
	if (g->window && now_us + g->cfg.post_us > g->window_end)
		g->window_end = now_us + g->cfg.post_us;
	return cap_text(c->w, CAP_TXT_NOTE, CAP_NA, CAP_NA, CAP_NA, 0, msg, strlen(msg));
}

/* The ring to FILE: the newest frames that fit, oldest first. */
static int open_window(struct ring *g, struct ctx *c)
{
	if (end_frame(g, c))
		return -1;
	if (file_open(g)) {
		char msg[300];
		snprintf(msg, sizeof msg, "ring: cannot open %s (%s): trigger dropped, the ring is kept", g->path,
			 strerror(errno));
		c->note(c, msg);
		return 0;
	}
	uint64_t budget = room(g, false), total = 0;
	size_t first = g->nfr;
	while (first > 0 && total + frame_at(g, first - 1)->len <= budget)
		total += frame_at(g, --first)->len;
	if (first == g->nfr) {
		g->dropped++;
		/* 1, 2, 4, 8...: a box sick for a month adds a few notes, not one per trigger */
		if (!(g->dropped & (g->dropped - 1)))
			return note_dropped(g, c, g->why);
		return 0;
	}
	uint64_t from = frame_at(g, first)->t0;
	/* one fdatasync for the lot: on flash each costs milliseconds */
	for (size_t i = first; i < g->nfr; i++)
		if (file_put(g, frame_at(g, i)->off, frame_at(g, i)->len, i + 1 == g->nfr))
			return write_failed(g);
	char d[32], b[32], p[32];
	fmt_dur(d, sizeof d, g->now - from);
	fmt_bytes(b, sizeof b, total);
	fmt_dur(p, sizeof p, g->cfg.post_us);
	g->wrote = true;
	fprintf(stderr, "capture: ring: wrote the last %s (%s) to %s; writing on for %s\n", d, b, g->path, p);
	g->nfr = g->fr0 = 0;
	g->used = g->head = 0;
	g->window = true;
	g->window_end = g->last_trigger + g->cfg.post_us;
	return 0;
}

int ring_step(struct ring *g, struct ctx *c, uint64_t now_us)
{
	/* g->now stays the sample's start, as ring_check set it: DURATION and
	 * the post time are kept in sample times, which the file shows; the
	 * clock after the sample ran later by its reading time and shortened
	 * both (a 5 s window spanned 4.95 s on a loaded box) */
	if (g->pending && !g->window) {
		g->pending = false;
		if (open_window(g, c))
			return -1;
	}
	g->pending = false;
	bool closing = g->window && g->now >= g->window_end;
	if (closing || now_us - g->last_flush >= g->cfg.flush_us)
		if (end_frame(g, c))
			return -1;
	if (g->window && g->now >= g->window_end) {
		file_sync(g);
		g->window = false;
		if (g->err)
			return write_failed(g);
		fprintf(stderr, "capture: ring: window closed (%s is %llu bytes); back to the ring\n", g->path,
			(unsigned long long)g->file_bytes);
		return 1;
	}
	return 0;
}

int ring_close(struct ring *g, struct ctx *c)
{
	if (g->window) {
		if (cap_writer_close(c->w))
			return -1;
		if (frame_done(g, c))
			return -1;
		file_sync(g);
		g->window = false;
		return g->err ? write_failed(g) : 0;
	}
	if (g->dropped != g->dropped_noted && note_dropped(g, c, g->why))
		return -1;
	/* a file this run wrote says it was stopped, not cut; the history in
	 * RAM is dropped: only a trigger writes it */
	return g->wrote ? tail_frame(g, c, NULL) : 0;
}

uint64_t ring_written(const struct ring *g)
{
	return g->written;
}
