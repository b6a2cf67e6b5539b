/* src_statfs.c - the usage of every tmpfs and ramfs mount, from statfs(2),
 * one ("statfs", MOUNT POINT) group each sample.  Shmem in meminfo says
 * that shared memory grows, not where: OpenWrt keeps its logs in /tmp, and
 * a full /tmp is the usual answer.
 *
 * The mount table is read at start and again only when it changes: the
 * kernel marks a procfs mount table POLLPRI on every mount and umount, so a
 * sample costs one poll() and one statfs() per mount.  A table that cannot
 * be polled (a collected --proc-root tree) is reread every sample.
 */

#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

/* A router has 2-5 tmpfs mounts, a desktop ~10; a Kubernetes node has one
 * per secret volume.  The cap bounds the cost per sample, not the table. */
#define STATFS_MAX 64
#define STATFS_NAMES (16u << 10)
#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6
#define PROC_MAGIC_ 0x9fa0

struct statfs_state {
	int fd;                 /* the mount table, kept open */
	bool pollable, stale;
	char base[PATH_MAX];    /* what mount points are relative to ("" = /) */
	size_t n, used;
	struct { uint32_t off; bool ramfs; } m[STATFS_MAX];
	char names[STATFS_NAMES];
	size_t over;            /* mounts past the cap at the last reading */
	bool noted_cap, noted_long, noted_type;
};

/* the next blank-delimited field of [p, eol) into out; NULL when there is
 * none or it does not fit (a cut mount point would name another mount) */
static const char *field(const char *p, const char *eol, char *out, size_t cap)
{
	const char *s = skip_blank(p, eol);
	const char *e = parse_token(s, eol, out, cap);
	return e && (size_t)(e - s) < cap ? e : NULL;
}

int parse_mounts(const char *buf, size_t len, int (*fn)(void *arg, const char *dir, const char *type),
		 void *arg)
{
	const char *end = buf + len;
	char spec[64], dir[PATH_MAX], type[64];
	int n = 0;
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *q = parse_token(p, eol, spec, sizeof spec); /* the device: any length */
		if (!q || !(q = field(q, eol, dir, sizeof dir)) || !field(q, eol, type, sizeof type))
			continue;
		unescape_octal(dir);
		unescape_octal(type);
		int rc = fn(arg, dir, type);
		if (rc)
			return rc;
		n++;
	}
	return n;
}

static int add_mount(void *arg, const char *dir, const char *type)
{
	struct statfs_state *s = arg;
	bool ramfs = !strcmp(type, "ramfs");
	if (!ramfs && strcmp(type, "tmpfs"))
		return 0;
	/* mounted again on the same point: the later one is what a path
	 * reaches, the one under it cannot be measured by its path */
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names + s->m[i].off, dir)) {
			s->m[i].ramfs = ramfs;
			return 0;
		}
	size_t l = strlen(dir) + 1;
	if (s->n == STATFS_MAX || s->used + l > sizeof s->names) {
		s->over++;
		return 0;
	}
	memcpy(s->names + s->used, dir, l);
	s->m[s->n].off = (uint32_t)s->used;
	s->m[s->n].ramfs = ramfs;
	s->used += l;
	s->n++;
	return 0;
}

/* Reads the whole table through c->buf in pieces, whole lines at a time. */
static void reload(struct ctx *c, struct statfs_state *s)
{
	s->n = s->used = s->over = 0;
	s->stale = false;
	if (lseek(s->fd, 0, SEEK_SET) < 0) {
		c->read_errors++;
		return;
	}
	size_t have = 0;
	bool skip = false; /* inside a line longer than the buffer */
	for (;;) {
		ssize_t k = read(s->fd, c->buf + have, c->buf_cap - 1 - have);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			c->read_errors++;
			s->stale = true; /* try again next sample */
			return;
		}
		have += (size_t)k;
		char *start = c->buf;
		if (skip) {
			char *nl = memchr(start, '\n', have);
			if (!nl) {
				have = 0;
				if (k == 0)
					break;
				continue;
			}
			skip = false;
			start = nl + 1;
		}
		size_t left = have - (size_t)(start - c->buf), upto = left;
		if (k > 0) {
			const char *nl = memrchr(start, '\n', left);
			upto = nl ? (size_t)(nl + 1 - start) : 0;
		}
		parse_mounts(start, upto, add_mount, s);
		memmove(c->buf, start + upto, left - upto);
		have = left - upto;
		if (k == 0)
			break;
		if (have == c->buf_cap - 1) {
			if (!s->noted_long) {
				s->noted_long = true;
				c->note(c, "statfs: a mount table line longer than the read buffer was skipped");
			}
			have = 0;
			skip = true;
		}
	}
	if (s->over && !s->noted_cap) {
		char msg[160];
		s->noted_cap = true;
		snprintf(msg, sizeof msg, "statfs: %zu tmpfs/ramfs mounts past the first %zu are not recorded",
			 s->over, s->n);
		c->note(c, msg);
	}
}

static int src_statfs_init(struct ctx *c)
{
	struct statfs_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	c->mnt = s;
	/* 2.4 has only /proc/mounts; later kernels link it to self/mounts */
	s->fd = openat(c->proc_fd, "self/mounts", O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		s->fd = openat(c->proc_fd, "mounts", O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		c->note(c, "no mount table (self/mounts, mounts): tmpfs/ramfs usage not recorded");
		return 0;
	}
	/* a collected tree's mount points are under its root, as its cgroups are */
	if (strcmp(c->proc_root, "/proc"))
		snprintf(s->base, sizeof s->base, "%s/..", c->proc_root);
	struct statfs st;
	s->pollable = fstatfs(s->fd, &st) == 0 && st.f_type == PROC_MAGIC_;
	s->stale = true;
	return 0;
}

static void src_statfs_fini(struct ctx *c)
{
	struct statfs_state *s = c->mnt;
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	c->mnt = NULL;
}

static uint64_t kb(uint64_t blocks, uint64_t bsize)
{
	return blocks * bsize / 1024;
}

static int src_statfs_sample(struct ctx *c)
{
	struct statfs_state *s = c->mnt;
	if (!s || s->fd < 0)
		return 0;
	if (!s->pollable) {
		s->stale = true;
	} else if (!s->stale) {
		struct pollfd p = { s->fd, POLLPRI, 0 };
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLPRI)))
			s->stale = true;
	}
	if (s->stale)
		reload(c, s);
	const struct sink *k = c->sink;
	char path[PATH_MAX + sizeof s->base];
	for (size_t i = 0; i < s->n; i++) {
		const char *dir = s->names + s->m[i].off;
		const char *at = dir;
		if (s->base[0]) {
			snprintf(path, sizeof path, "%s%s", s->base, dir);
			at = path;
		}
		struct statfs st;
		if (statfs(at, &st) < 0) {
			if (!gone_errno(errno))
				c->read_errors++;
			continue; /* unmounted since the table was read */
		}
		uint32_t want = s->m[i].ramfs ? RAMFS_MAGIC_ : TMPFS_MAGIC_;
		if ((uint32_t)st.f_type != want) {
			/* mounted over, or a tree whose mount points are plain
			 * directories here: that figure is another filesystem's */
			if (!s->noted_type) {
				char msg[320];
				s->noted_type = true;
				snprintf(msg, sizeof msg, "statfs: %.200s is not a %s where it is measured (mounted over?): "
					 "not recorded", at, s->m[i].ramfs ? "ramfs" : "tmpfs");
				c->note(c, msg);
			}
			continue;
		}
		uint64_t bs = st.f_frsize ? (uint64_t)st.f_frsize : (uint64_t)st.f_bsize;
		/* ramfs keeps no count, nor tmpfs mounted with size=0 (nr_blocks,
		 * nr_inodes): the kernel reports 0, which is not "empty" */
		bool sized = st.f_blocks > 0 && !s->m[i].ramfs, filed = st.f_files > 0 && !s->m[i].ramfs;
		if (k->begin(k->ctx, "statfs", dir) ||
		    k->value(k->ctx, "total_kb", sized ? kb(st.f_blocks, bs) : CAP_NA) ||
		    k->value(k->ctx, "used_kb", sized ? kb(st.f_blocks - st.f_bfree, bs) : CAP_NA) ||
		    k->value(k->ctx, "avail_kb", sized ? kb(st.f_bavail, bs) : CAP_NA) ||
		    k->value(k->ctx, "files", filed ? (uint64_t)st.f_files : CAP_NA) ||
		    k->value(k->ctx, "files_free", filed ? (uint64_t)st.f_ffree : CAP_NA) || k->end(k->ctx))
			return -1;
	}
	return 0;
}

const struct source source_statfs = {
	.name = "statfs",
	.init = src_statfs_init,
	.sample = src_statfs_sample,
	.fini = src_statfs_fini,
};
