/* reader.c - decodes a capture file record by record (FORMAT.md).
 *
 * Every byte is untrusted: lengths are checked before use, a damaged frame
 * is reported and skipped, and reading resumes at the next zstd frame magic.
 * A frame is decoded whole (and its checksum checked) before any of its
 * records is handed out, so damage never produces half-true samples.  A v2
 * frame that is cut or damaged hands out what its last good CHECKPOINT
 * vouches for, then the damage.
 */
#include "cap.h"
#include "codec.h"
#include "inflate.h"
#include "tidmap.h"
#include "xxh32.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

static const uint8_t ZMAGIC[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/* One group instance's counters in this frame, in the order the writer
 * first listed them; a GROUP record lists only what changed. */
struct rgroup {
	uint32_t src, inst;
	size_t n, cap, cursor;
	size_t nstr, gen; /* str[0..nstr) hold names of arena generation gen */
	uint32_t *name;
	uint64_t *val;
	const char **str;
};
/* A task of this frame.  Slots are dense, numbered in order of first
 * appearance in the frame, and never reused within it: a tid that exits
 * and comes back gets a new slot, with its values from 0 as the writer
 * encodes them. */
struct tslot {
	uint32_t tid;
	size_t gen; /* the name arena generation comm..cgroup point into */
	uint64_t v[CAP_TF_COUNT];
	const char *comm, *wchan, *cgroup;
};

struct cap_reader {
	const uint8_t *buf;
	size_t size, pos;
	void *map; size_t map_len; /* mmap'd file, or NULL */
	void *owned;               /* malloc'd copy, or NULL */
	ZSTD_DCtx *dc;

	struct fbuf fb; size_t fpos; /* the decoded frame, and where in it */
	bool in_frame, header_seen;
	uint64_t frame_off;
	/* a cut or damaged v2 frame: reported once its verified part is read */
	bool tail_damage;
	uint64_t tail_off, tail_len;
	char tail_what[240];

	struct cap_header hdr;
	char **names; size_t names_n, names_cap; /* names[0] = "" */
	char *narena; size_t narena_len, narena_cap;
	size_t narena_gen; /* counts moves of the arena, which stale names[] pointers */
	struct rgroup *groups; size_t groups_n, groups_cap, gcursor;
	struct tslot *tasks; size_t tasks_cap, tasks_n;
	struct tidmap tids; /* tid -> slot */
	uint64_t prev_wall, prev_mono;
	uint64_t prev_tid; /* v2: TASK tids are steps within a sample */

	char what[240];
	cap_task_fn task_fn; void *task_ctx;
	struct cap_rec trec; /* the record task_fn is handed */
	uint32_t *gat; size_t gat_cap; /* a v2 GROUP's positions (parse_group_v2) */
	bool ahead_on;
	struct ahead ahead; /* the next frame, decoding meanwhile */
};

static bool is_magic(const uint8_t *p, size_t left)
{
	return left >= 4 && !memcmp(p, ZMAGIC, 4);
}

static size_t find_magic(const struct cap_reader *r, size_t from)
{
	if (from >= r->size)
		return r->size;
	const uint8_t *p = memmem(r->buf + from, r->size - from, ZMAGIC, 4);
	return p ? (size_t)(p - r->buf) : r->size;
}

static struct cap_reader *reader_new(void)
{
	struct cap_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->dc = ZSTD_createDCtx();
	if (!r->dc) {
		free(r);
		return NULL;
	}
	return r;
}

struct cap_reader *cap_reader_mem(const void *buf, size_t len)
{
	struct cap_reader *r = reader_new();
	if (r) {
		r->buf = buf;
		r->size = len;
	}
	return r;
}

struct cap_reader *cap_reader_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory, not a capture file", path);
		close(fd);
		return NULL;
	}
	struct cap_reader *r = reader_new();
	if (!r) {
		snprintf(err, errlen, "out of memory opening %s", path);
		close(fd);
		return NULL;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			r->map = m;
			r->map_len = (size_t)st.st_size;
			r->buf = m;
			r->size = r->map_len;
			close(fd);
			return r;
		}
	}
	/* Pipes and special files: read it all. */
	size_t cap = 1 << 16, len = 0;
	uint8_t *b = malloc(cap);
	for (ssize_t n; b; len += (size_t)n) {
		if (len == cap) {
			uint8_t *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
		n = read(fd, b + len, cap - len);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			free(b);
			close(fd);
			cap_reader_free(r);
			return NULL;
		}
		if (n == 0)
			break;
	}
	close(fd);
	if (!b) {
		snprintf(err, errlen, "out of memory reading %s", path);
		cap_reader_free(r);
		return NULL;
	}
	r->owned = b;
	r->buf = b;
	r->size = len;
	return r;
}

void cap_reader_free(struct cap_reader *r)
{
	if (!r)
		return;
	ahead_free(&r->ahead); /* first: the worker reads the input */
	if (r->map)
		munmap(r->map, r->map_len);
	free(r->owned);
	ZSTD_freeDCtx(r->dc);
	free(r->fb.p);
	free(r->names);
	free(r->narena);
	for (size_t i = 0; i < r->groups_cap; i++) {
		free(r->groups[i].name);
		free(r->groups[i].val);
		free(r->groups[i].str);
	}
	free(r->groups);
	free(r->gat);
	free(r->tasks);
	tidmap_free(&r->tids);
	free(r);
}

void cap_reader_ahead(struct cap_reader *r, bool on) { r->ahead_on = on; }

uint64_t cap_reader_size(const struct cap_reader *r) { return r->size; }
uint64_t cap_reader_pos(const struct cap_reader *r) { return r->pos; }

static int damage(struct cap_reader *r, struct cap_rec *rec, size_t off, size_t len, const char *what)
{
	snprintf(r->what, sizeof r->what, "%s", what);
	rec->type = CAP_EV_DAMAGE;
	rec->frame_offset = off;
	rec->u.damage.offset = off;
	rec->u.damage.length = len;
	rec->u.damage.what = r->what;
	return 1;
}

/* Decodes the frame at r->pos into r->fb (cap_inflate). */
static const char *inflate_frame(struct cap_reader *r, size_t csize, size_t step)
{
	return cap_inflate(r->dc, r->buf + r->pos, csize, step, &r->fb);
}

/* The frame at start as the worker decoded it, swapped in for r->fb; false
 * if there is none, and the caller decodes it here. */
static bool take_ahead(struct cap_reader *r, size_t start)
{
	if (!ahead_take(&r->ahead, start))
		return false;
	struct fbuf f = r->ahead.fb;
	r->ahead.fb = r->fb;
	r->fb = f;
	return true;
}

/* Has the worker decode the zstd frame at r->pos, past any skippable
 * ones, while the records of this one are read. */
static void start_ahead(struct cap_reader *r)
{
	size_t at = r->pos;
	while (at < r->size) {
		const uint8_t *p = r->buf + at;
		size_t left = r->size - at, n = ZSTD_findFrameCompressedSize(p, left);
		if (ZSTD_isError(n))
			return;
		if (is_magic(p, left)) {
			ahead_start(&r->ahead, r->buf, at, n);
			return;
		}
		if (!((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18))
			return;
		at += n;
	}
}

static void reset_frame_state(struct cap_reader *r)
{
	r->names_n = 1;
	r->narena_len = 0;
	for (size_t i = 0; i < r->groups_n; i++)
		r->groups[i].n = 0; /* keep the arrays for the next frame */
	r->groups_n = 0;
	r->tasks_n = 0;
	tidmap_new_frame(&r->tids);
	r->prev_wall = r->prev_mono = 0;
	r->header_seen = false;
}

/* ---- record body parsing: a cursor that never reads past its end */

struct cur { const uint8_t *p; size_t n; bool bad; };

/* A varint of two bytes or more.  The bytes it reads lie inside the
 * buffer however the record ends: a cursor is on a decoded frame, which
 * FB_PAD zeroed bytes follow, or on a buffer as padded; a varint that ends
 * past the record's end is damage. */
static inline uint64_t get_u_long(struct cur *c)
{
	if (c->bad || !c->n) {
		c->bad = true;
		return 0;
	}
	const uint8_t *p = c->p;
	uint64_t v = p[0] & 0x7f;
	if (p[1] < 0x80 && c->n >= 2) { /* a counter's step of up to 14 bits */
		c->p += 2;
		c->n -= 2;
		return v | (uint64_t)p[1] << 7;
	}
	for (size_t i = 1; i < CAP_VARINT_MAX; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			if (i + 1 > c->n)
				break;
			c->p += i + 1;
			c->n -= i + 1;
			return v;
		}
	}
	c->bad = true;
	return 0;
}

static inline uint64_t get_u(struct cur *c)
{
	if (c->n && c->p[0] < 0x80) { /* most values are small deltas */
		c->n--;
		return *c->p++;
	}
	return get_u_long(c);
}

/* A frame that did not decode to its end: the bytes up to the end of its
 * last CHECKPOINT whose length and checksum match, if it is a v2 frame; 0
 * if nothing in it can be trusted. */
static size_t verified_prefix(const struct cap_reader *r)
{
	size_t pos = 0, seg = 0, good = 0;
	while (pos < r->fb.len) {
		struct cur c = { r->fb.p + pos, r->fb.len - pos, false };
		uint64_t type = get_u(&c), len = get_u(&c);
		if (c.bad || len > c.n)
			break;
		size_t hl = (size_t)(c.p - (r->fb.p + pos));
		struct cur b = { c.p, (size_t)len, false };
		if (pos == 0) {
			size_t ml = strlen(CAP_MAGIC);
			if (type != CAP_HEADER || b.n < ml || memcmp(b.p, CAP_MAGIC, ml))
				return 0;
			b.p += ml;
			b.n -= ml;
			if (get_u(&b) < 2 || b.bad)
				return 0; /* v1 has no checkpoints: a frame is all or nothing */
		} else if (type == CAP_CHECKPOINT) {
			uint64_t n = get_u(&b), h = get_u(&b);
			if (b.bad || n != pos - seg || h != cap_xxh32(r->fb.p + seg, pos - seg))
				break;
			good = seg = pos + hl + (size_t)len;
		}
		pos += hl + (size_t)len;
	}
	return good;
}

/* Starts handing out the verified part of a cut or damaged v2 frame; the
 * damage follows its last record.  0 if there is none to hand out. */
static int partial_frame(struct cap_reader *r, struct cap_rec *rec, size_t start, size_t next,
			 const char *what)
{
	size_t good = verified_prefix(r);
	if (!good)
		return 0;
	r->fb.len = good;
	r->pos = next;
	r->in_frame = true;
	r->fpos = 0;
	r->frame_off = start;
	reset_frame_state(r);
	r->tail_damage = true;
	r->tail_off = start;
	r->tail_len = next - start;
	snprintf(r->tail_what, sizeof r->tail_what, "%s; read up to its last checkpoint (%zu bytes inflated)",
		 what, good);
	rec->type = CAP_EV_FRAME;
	rec->frame_offset = start;
	rec->u.frame.offset = start;
	return 1;
}

/* Finds and decodes the next frame.  Returns 1 with an event in rec, or 0 at
 * the end of input. */
static int next_frame(struct cap_reader *r, struct cap_rec *rec)
{
	if (r->pos >= r->size)
		return 0;
	size_t start = r->pos;
	const uint8_t *p = r->buf + start;
	size_t left = r->size - start;
	/* zstd skippable frames (0x184D2A5?) are legal padding: pass over them. */
	if (left >= 8 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18) {
		size_t sk = ZSTD_findFrameCompressedSize(p, left);
		if (!ZSTD_isError(sk)) {
			r->pos += sk;
			return next_frame(r, rec);
		}
	}
	if (!is_magic(p, left)) {
		size_t next = find_magic(r, start + 1);
		r->pos = next;
		return damage(r, rec, start, next - start, "bytes that are not a zstd frame");
	}
	size_t csize = ZSTD_findFrameCompressedSize(p, left);
	if (ZSTD_isError(csize)) {
		size_t next = find_magic(r, start + 1);
		const char *what = next == r->size ? "truncated frame (the capture was cut off here)"
						   : "corrupt frame header";
		/* a cut v2 frame still holds whole segments before the cut */
		if (!inflate_frame(r, next - start, 1u << 12) || !partial_frame(r, rec, start, next, what)) {
			r->pos = next;
			return damage(r, rec, start, next - start, what);
		}
		return 1;
	}
	const char *bad = take_ahead(r, start) ? NULL : inflate_frame(r, csize, 0);
	if (bad && (bad = inflate_frame(r, csize, 1u << 12))) { /* again, keeping what comes before the damage */
		size_t next = find_magic(r, start + 1);
		if (next > start + csize && start + csize < r->size && is_magic(r->buf + start + csize, r->size - start - csize))
			next = start + csize;
		char msg[160];
		snprintf(msg, sizeof msg, "damaged frame: %s", bad);
		if (partial_frame(r, rec, start, next, msg))
			return 1;
		r->pos = next;
		return damage(r, rec, start, next - start, msg);
	}
	r->pos = start + csize;
	if (r->ahead_on)
		start_ahead(r);
	r->in_frame = true;
	r->fpos = 0;
	r->frame_off = start;
	reset_frame_state(r);
	rec->type = CAP_EV_FRAME;
	rec->frame_offset = start;
	rec->u.frame.offset = start;
	return 1;
}

static void get_str(struct cur *c, char *dst, size_t dlen)
{
	uint64_t n = get_u(c);
	if (c->bad || n > c->n) {
		c->bad = true;
		dst[0] = 0;
		return;
	}
	size_t k = n < dlen - 1 ? (size_t)n : dlen - 1;
	memcpy(dst, c->p, k);
	dst[k] = 0;
	/* Text from the file ends up in terminals and HTML: drop NULs here. */
	for (size_t i = 0; i < k; i++)
		if (!dst[i])
			dst[i] = '?';
	c->p += n;
	c->n -= n;
}

static const char *name_of(const struct cap_reader *r, uint64_t id)
{
	/* id 0 is the empty name, and exists before any NAME record */
	return id && id < r->names_n ? r->names[id] : "";
}

static bool add_name(struct cap_reader *r, const uint8_t *s, size_t n)
{
	if (r->names_n + 1 > r->names_cap) {
		size_t nc = r->names_cap ? r->names_cap * 2 : 256;
		char **nn = realloc(r->names, nc * sizeof *nn);
		if (!nn)
			return false;
		r->names = nn;
		r->names_cap = nc;
	}
	if (r->narena_len + n + 1 > r->narena_cap) {
		/* names[] points into the arena: rebase after growing it */
		size_t nc = r->narena_cap ? r->narena_cap : 1 << 16;
		while (nc < r->narena_len + n + 1)
			nc *= 2;
		char *na = malloc(nc);
		if (!na)
			return false;
		if (r->narena_len)
			memcpy(na, r->narena, r->narena_len);
		for (size_t i = 1; i < r->names_n; i++)
			r->names[i] = na + (r->names[i] - r->narena);
		free(r->narena);
		r->narena_gen++;
		r->narena = na;
		r->narena_cap = nc;
	}
	char *d = r->narena + r->narena_len;
	memcpy(d, s, n);
	for (size_t i = 0; i < n; i++)
		if (!d[i])
			d[i] = '?';
	d[n] = 0;
	r->narena_len += n + 1;
	r->names[0] = "";
	r->names[r->names_n++] = d;
	return true;
}

/* Groups come in the same order every sample: look where the last one
 * was found first. */
static struct rgroup *group_get(struct cap_reader *r, uint32_t src, uint32_t inst)
{
	for (size_t k = 0; k < r->groups_n; k++) {
		size_t i = (r->gcursor + k) % r->groups_n;
		if (r->groups[i].src == src && r->groups[i].inst == inst) {
			r->gcursor = i + 1;
			return &r->groups[i];
		}
	}
	if (r->groups_n == r->groups_cap) {
		size_t nc = r->groups_cap ? r->groups_cap * 2 : 64;
		struct rgroup *ng = realloc(r->groups, nc * sizeof *ng);
		if (!ng)
			return NULL;
		memset(ng + r->groups_cap, 0, (nc - r->groups_cap) * sizeof *ng);
		r->groups = ng;
		r->groups_cap = nc;
	}
	struct rgroup *g = &r->groups[r->groups_n++];
	g->src = src;
	g->inst = inst;
	g->n = g->cursor = g->nstr = 0;
	r->gcursor = r->groups_n;
	return g;
}

/* Appends name (value 0) to g. */
static bool group_append(struct rgroup *g, uint32_t name)
{
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 32;
		uint32_t *nn = realloc(g->name, nc * sizeof *nn);
		if (nn)
			g->name = nn;
		uint64_t *nv = realloc(g->val, nc * sizeof *nv);
		if (nv)
			g->val = nv;
		const char **ns = realloc(g->str, nc * sizeof *ns);
		if (ns)
			g->str = ns;
		if (!nn || !nv || !ns)
			return false;
		g->cap = nc;
	}
	g->name[g->n] = name;
	g->val[g->n] = 0;
	g->str[g->n] = NULL;
	g->n++;
	return true;
}

/* v1: the index of name in g, appended (value 0) if new.  Values come in
 * the order of first listing with unchanged ones left out, so a forward
 * scan from the last hit is short. */
static bool group_index(struct rgroup *g, uint32_t name, size_t *at)
{
	for (size_t k = 0; k < g->n; k++) {
		size_t i = (g->cursor + k) % g->n;
		if (g->name[i] == name) {
			g->cursor = i + 1;
			*at = i;
			return true;
		}
	}
	if (!group_append(g, name))
		return false;
	*at = g->n - 1;
	g->cursor = g->n;
	return true;
}

/* tid's slot in this frame, or TID_NONE. */
static uint32_t task_find(struct cap_reader *r, uint32_t tid)
{
	uint32_t *c = tidmap_cell(&r->tids, tid, false);
	return c && *c < r->tasks_n && r->tasks[*c].tid == tid ? *c : TID_NONE;
}

static inline __attribute__((always_inline)) struct tslot *task_slot(struct cap_reader *r, uint32_t tid)
{
	uint32_t *c = tidmap_cell(&r->tids, tid, true);
	if (!c)
		return NULL;
	if (*c < r->tasks_n && r->tasks[*c].tid == tid)
		return &r->tasks[*c];
	if (r->tasks_n == r->tasks_cap) {
		if (r->tasks_n >= TID_NONE)
			return NULL;
		size_t nc = r->tasks_cap ? r->tasks_cap * 2 : 512;
		struct tslot *nt = realloc(r->tasks, nc * sizeof *nt);
		if (!nt)
			return NULL;
		r->tasks = nt;
		r->tasks_cap = nc;
	}
	struct tslot *t = &r->tasks[r->tasks_n];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->gen = SIZE_MAX; /* names not pointed at yet */
	*c = (uint32_t)r->tasks_n++;
	return t;
}

static bool parse_header(struct cap_reader *r, struct cur *c)
{
	size_t ml = strlen(CAP_MAGIC);
	if (c->n < ml || memcmp(c->p, CAP_MAGIC, ml))
		return false;
	c->p += ml;
	c->n -= ml;
	struct cap_header *h = &r->hdr;
	memset(h, 0, sizeof *h);
	h->format_version = (uint32_t)get_u(c);
	get_str(c, h->writer, sizeof h->writer);
	get_str(c, h->host, sizeof h->host);
	get_str(c, h->kernel, sizeof h->kernel);
	get_str(c, h->machine, sizeof h->machine);
	get_str(c, h->options, sizeof h->options);
	h->page_size = (uint32_t)get_u(c);
	h->user_hz = (uint32_t)get_u(c);
	h->ncpu = (uint32_t)get_u(c);
	h->boot_time_us = get_u(c);
	h->start_us = get_u(c);
	h->interval_us = get_u(c);
	h->capture_id = get_u(c);
	h->frame_seq = get_u(c);
	/* fields a newer writer appended are skipped with the rest of the body */
	return !c->bad;
}

/* The varint at *p, which must start before end; the fast path of get_u
 * on a bare pointer, which a loop keeps in a register. */
static inline bool take_u(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	if (*p >= end)
		return false;
	if (**p < 0x80) {
		*v = *(*p)++;
		return true;
	}
	struct cur lc = { *p, (size_t)(end - *p), false };
	*v = get_u_long(&lc);
	*p = lc.p;
	return !lc.bad;
}

/* v2: new names first (appended to the group), then the listed positions
 * as zigzag gaps, then the values: columns, so zstd matches the positions.
 * The positions are decoded once, into r->gat, and the values then added
 * in one pass; on damage the record is refused whole (the frame's rest is
 * skipped, so the values half applied before are never seen). */
static bool parse_group_v2(struct cap_reader *r, struct cur *c, struct rgroup *g)
{
	uint64_t nnew = get_u(c);
	if (c->bad || nnew > c->n)
		return false;
	for (uint64_t i = 0; i < nnew; i++) {
		uint32_t name = (uint32_t)get_u(c);
		if (c->bad || !group_append(g, name))
			return false;
	}
	uint64_t n = get_u(c);
	if (c->bad || n > c->n / 2)
		return false;
	if (n > r->gat_cap) {
		uint32_t *na = realloc(r->gat, (size_t)n * sizeof *na);
		if (!na)
			return false;
		r->gat = na;
		r->gat_cap = (size_t)n;
	}
	const uint8_t *p = c->p, *end = p + c->n;
	uint32_t *at = r->gat;
	uint64_t pos = UINT64_MAX, z; /* one before the first */
	for (uint64_t i = 0; i < n; i++) {
		if (!take_u(&p, end, &z))
			return false;
		pos += cap_unzigzag(z) + 1; /* modulo 2^64: a step before 0 lands past g->n */
		if (pos >= g->n)
			return false;
		at[i] = (uint32_t)pos;
	}
	uint64_t *val = g->val;
	for (uint64_t i = 0; i < n; i++) {
		if (!take_u(&p, end, &z))
			return false;
		val[at[i]] += cap_unzigzag(z);
	}
	c->p = p;
	c->n = (size_t)(end - p);
	return true;
}

static bool parse_group(struct cap_reader *r, struct cur *c, struct cap_rec *rec)
{
	uint32_t src = (uint32_t)get_u(c), inst = (uint32_t)get_u(c);
	if (c->bad)
		return false;
	struct rgroup *g = group_get(r, src, inst);
	if (!g)
		return false;
	if (r->hdr.format_version >= 2) {
		if (!parse_group_v2(r, c, g))
			return false;
	} else {
		uint64_t n = get_u(c);
		if (c->bad || n > c->n / 2)
			return false;
		for (uint64_t i = 0; i < n; i++) {
			uint32_t name = (uint32_t)get_u(c);
			uint64_t d = cap_unzigzag(get_u(c));
			size_t at;
			if (c->bad || !group_index(g, name, &at))
				return false;
			g->val[at] += d;
		}
	}
	/* a group's names only grow within a frame: point at the new ones */
	if (g->gen != r->narena_gen) {
		g->gen = r->narena_gen;
		g->nstr = 0;
	}
	for (size_t i = g->nstr; i < g->n; i++) {
		g->str[i] = name_of(r, g->name[i]);
		/* a name not yet defined (damage) is looked up again next time */
		if (g->nstr == i && g->name[i] < r->names_n)
			g->nstr = i + 1;
	}
	rec->u.group.source = name_of(r, src);
	rec->u.group.instance = name_of(r, inst);
	rec->u.group.n = g->n;
	rec->u.group.names = g->str;
	rec->u.group.values = g->val;
	rec->u.group.ids = g->name;
	rec->u.group.source_id = src;
	rec->u.group.instance_id = inst;
	return true;
}

/* Inlined into task_run too: the replay's hottest loop, where a call's
 * register saves cost as much as a field's decoding. */
static inline __attribute__((always_inline)) bool parse_task(struct cap_reader *r, struct cur *c,
							     struct cap_rec *rec)
{
	uint64_t tid, flags, mask;
	if (r->hdr.format_version >= 2) {
		tid = r->prev_tid += cap_unzigzag(get_u(c));
		mask = get_u(c);
		flags = mask & 1;
		mask >>= 1;
	} else {
		tid = get_u(c);
		flags = get_u(c);
		mask = get_u(c);
	}
	if (c->bad || tid > UINT32_MAX)
		return false;
	struct tslot *t = task_slot(r, (uint32_t)tid);
	if (!t)
		return false;
	/* only the set bits: a task record carries a few of its 31 fields,
	 * read through a pointer of its own, the hottest loop of a replay */
	const uint8_t *p = c->p, *end = p + c->n;
	for (uint64_t m = mask & ((1ull << CAP_TF_COUNT) - 1); m; m &= m - 1) {
		if (p >= end)
			return false;
		uint64_t z = *p;
		if (z < 0x80) {
			p++;
		} else {
			struct cur lc = { p, (size_t)(end - p), false };
			z = get_u_long(&lc);
			if (lc.bad)
				return false;
			p = lc.p;
		}
		t->v[__builtin_ctzll(m)] += cap_unzigzag(z);
	}
	c->p = p;
	c->n = (size_t)(end - p);
	uint64_t changed = mask & ((1ull << CAP_TF_COUNT) - 1);
	/* the names are pointed at again only when one changed or the arena
	 * moved: most records change a counter or two and no name */
	const uint64_t name_bits = 1ull << CAP_TF_COMM | 1ull << CAP_TF_WCHAN | 1ull << CAP_TF_CGROUP;
	if ((changed & name_bits) || t->gen != r->narena_gen) {
		t->gen = r->narena_gen;
		t->comm = name_of(r, t->v[CAP_TF_COMM]);
		t->wchan = name_of(r, t->v[CAP_TF_WCHAN]);
		t->cgroup = name_of(r, t->v[CAP_TF_CGROUP]);
		/* a name not yet defined (damage) is looked up again next time */
		if (t->v[CAP_TF_COMM] >= r->names_n || t->v[CAP_TF_WCHAN] >= r->names_n ||
		    t->v[CAP_TF_CGROUP] >= r->names_n)
			t->gen = SIZE_MAX;
	}
	rec->u.task.tid = (uint32_t)tid;
	rec->u.task.slot = (uint32_t)(t - r->tasks) + 1;
	rec->u.task.changed = changed;
	rec->u.task.v = t->v;
	rec->u.task.is_new = flags & 1;
	rec->u.task.name_ids = true;
	rec->u.task.comm = t->comm;
	rec->u.task.wchan = t->wchan;
	rec->u.task.cgroup = t->cgroup;
	return true;
}

static int frame_record(struct cap_reader *r, struct cap_rec *rec)
{
	struct cur c = { r->fb.p + r->fpos, r->fb.len - r->fpos, false };
	uint64_t type = get_u(&c), len = get_u(&c);
	if (c.bad || len > c.n) {
		r->in_frame = false;
		return damage(r, rec, r->frame_off, r->pos - r->frame_off,
			      "record runs past the end of its frame; rest of frame skipped");
	}
	size_t hl = (size_t)(c.p - (r->fb.p + r->fpos));
	struct cur b = { c.p, (size_t)len, false };
	r->fpos += hl + (size_t)len;
	rec->type = (enum cap_type)type;
	rec->frame_offset = r->frame_off;
	if (!r->header_seen && type != CAP_HEADER) {
		r->in_frame = false;
		return damage(r, rec, r->frame_off, r->pos - r->frame_off,
			      "frame does not start with a header; frame skipped");
	}
	bool ok = true;
	switch (type) {
	case CAP_HEADER:
		ok = parse_header(r, &b);
		if (ok) {
			r->header_seen = true;
			rec->u.header = &r->hdr;
		}
		break;
	case CAP_NAME:
		ok = add_name(r, b.p, b.n);
		if (ok)
			return 2; /* names are the reader's business, not the caller's */
		break;
	case CAP_SAMPLE: {
		uint64_t flags = get_u(&b), seq = get_u(&b);
		r->prev_tid = 0;
		r->prev_wall += cap_unzigzag(get_u(&b));
		r->prev_mono += cap_unzigzag(get_u(&b));
		rec->u.sample.key = flags & 1;
		rec->u.sample.seq = seq;
		rec->u.sample.wall_us = r->prev_wall;
		rec->u.sample.mono_us = r->prev_mono;
		ok = !b.bad;
		break;
	}
	case CAP_GROUP:
		ok = parse_group(r, &b, rec);
		break;
	case CAP_TASK:
		ok = parse_task(r, &b, rec);
		break;
	case CAP_TASK_EXIT: {
		uint64_t tid = get_u(&b);
		ok = !b.bad && tid <= UINT32_MAX;
		rec->u.exit.tid = (uint32_t)tid;
		if (ok) {
			/* the tid's values start from 0 again if it comes back in
			 * this frame (pid reuse), as the writer encodes them */
			uint32_t slot = task_find(r, (uint32_t)tid);
			if (slot != TID_NONE) {
				rec->u.exit.slot = slot + 1;
				*tidmap_cell(&r->tids, (uint32_t)tid, false) = TID_NONE;
			}
		}
		break;
	}
	case CAP_SAMPLE_END:
		rec->u.sample_end.took_us = get_u(&b);
		ok = !b.bad;
		break;
	case CAP_TEXT:
		rec->u.text.kind = (enum cap_text_kind)get_u(&b);
		rec->u.text.ts_us = get_u(&b);
		rec->u.text.seq = get_u(&b);
		rec->u.text.level = get_u(&b);
		rec->u.text.trigger = get_u(&b);
		rec->u.text.text = (const char *)b.p;
		rec->u.text.len = b.n;
		ok = !b.bad;
		break;
	case CAP_END:
		break;
	case CAP_CHECKPOINT:
		/* verified only when the frame did not decode whole: otherwise
		 * zstd's checksum of the frame has vouched for it already */
		return 2;
	default:
		rec->type = CAP_EV_UNKNOWN;
		rec->u.unknown.type = type;
		rec->u.unknown.length = len;
		break;
	}
	if (!ok) {
		r->in_frame = false;
		return damage(r, rec, r->frame_off, r->pos - r->frame_off,
			      "malformed record; rest of frame skipped");
	}
	return 1;
}

void cap_reader_on_task(struct cap_reader *r, cap_task_fn fn, void *ctx)
{
	r->task_fn = fn;
	r->task_ctx = ctx;
}

/* The TASK records from r->fpos on, to the task callback, as frame_record
 * would decode them.  Returns 1 with a damage record in rec, 0 at the first
 * record that is not a TASK (frame_record's, even a damaged one). */
static int task_run(struct cap_reader *r, struct cap_rec *rec)
{
	struct cap_rec *t = &r->trec;
	t->type = CAP_TASK;
	t->frame_offset = r->frame_off;
	/* in registers across the callback, which cannot see them */
	const uint8_t *fb = r->fb.p;
	size_t fpos = r->fpos, flen = r->fb.len;
	while (fpos < flen && fb[fpos] == CAP_TASK) {
		struct cur c = { fb + fpos + 1, flen - fpos - 1, false };
		uint64_t len = get_u(&c);
		if (c.bad || len > c.n)
			break;
		struct cur b = { c.p, (size_t)len, false };
		fpos = (size_t)(c.p - fb) + (size_t)len;
		if (!parse_task(r, &b, t)) {
			r->fpos = fpos;
			r->in_frame = false;
			return damage(r, rec, r->frame_off, r->pos - r->frame_off,
				      "malformed record; rest of frame skipped");
		}
		r->task_fn(r->task_ctx, t);
	}
	r->fpos = fpos;
	return 0;
}

int cap_next(struct cap_reader *r, struct cap_rec *rec)
{
	memset(rec, 0, sizeof *rec);
	for (;;) {
		if (r->in_frame && r->fpos < r->fb.len) {
			if (r->task_fn && r->header_seen && r->fb.p[r->fpos] == CAP_TASK) {
				if (task_run(r, rec))
					return 1;
				if (r->fpos >= r->fb.len)
					continue;
			}
			int rc = frame_record(r, rec);
			if (rc != 2)
				return rc;
			continue;
		}
		r->in_frame = false;
		if (r->tail_damage) {
			r->tail_damage = false;
			return damage(r, rec, r->tail_off, r->tail_len, r->tail_what);
		}
		return next_frame(r, rec);
	}
}
