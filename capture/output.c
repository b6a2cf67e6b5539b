/* output.c - where the compressed frames go.
 *
 * The writer hands over compressed bytes; a frame is complete once
 * cap_flush() returns, and readable up to its last flush point once
 * cap_flush_point() returns.  Rotation happens only between frames, and a
 * failed write (ENOSPC, EIO) at worst leaves a partial last frame, which
 * readers skip: everything flushed before stays readable.
 *
 * --max-size SIZE: when the file reaches SIZE/2 it is renamed to FILE.1
 * (replacing an older FILE.1) and a new FILE starts with a fresh frame.
 * The two files together stay under SIZE plus one frame, and the newest
 * data, which is what explains a failure, is always kept.  On stdout there
 * is nothing to rotate: the capture stops cleanly at SIZE.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_file(struct output *o)
{
	/* O_NOFOLLOW: a symlink planted at FILE must not redirect root's
	 * writes; O_EXCL: yesterday's capture of the same incident is never
	 * replaced unless --force says so (rotation replaces only our own) */
	int excl = o->force || o->rotations ? O_TRUNC : O_EXCL;
	o->fd = open(o->path, O_WRONLY | O_CREAT | excl | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;
	if (o->fd < 0 && errno == EEXIST && lstat(o->path, &st) == 0 && !S_ISLNK(st.st_mode) &&
	    (!S_ISREG(st.st_mode) || st.st_size == 0)) {
		/* a device, a pipe or an empty file (mktemp's) holds nothing to lose */
		o->fd = open(o->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (S_ISREG(st.st_mode) ? O_TRUNC : 0));
	} else if (o->fd < 0 && errno == EEXIST && lstat(o->path, &st) == 0 && S_ISLNK(st.st_mode)) {
		errno = ELOOP;
	}
	if (o->fd < 0) {
		int e = errno;
		if (e == EEXIST)
			fprintf(stderr, "capture: %s exists; refusing to replace it (choose another -o FILE, "
				"or --force to overwrite)\n", o->path);
		else if (e == ELOOP)
			fprintf(stderr, "capture: %s is a symbolic link; refusing to write through it "
				"(remove it or choose another -o FILE)\n", o->path);
		else
			fprintf(stderr, "capture: cannot create %s: %s (check the directory exists and is "
				"writable)\n", o->path, strerror(e));
		errno = e;
		return -1;
	}
	o->file_bytes = 0;
	return 0;
}

int out_open(struct output *o, const char *path, uint64_t max_size, bool force)
{
	memset(o, 0, sizeof *o);
	o->max_size = max_size;
	o->force = force;
	if (!strcmp(path, "-")) {
		o->fd = STDOUT_FILENO;
		o->path = NULL;
		return 0;
	}
	o->path = path;
	char old[PATH_MAX];
	struct stat st;
	if (max_size && !force && snprintf(old, sizeof old, "%s.1", path) < (int)sizeof old &&
	    lstat(old, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		fprintf(stderr, "capture: %s exists and --max-size would replace it at the first rotation "
			"(move it away, or --force)\n", old);
		errno = EEXIST;
		return -1;
	}
	return open_file(o);
}

int out_write(void *ctx, const void *buf, size_t len)
{
	struct output *o = ctx;
	const char *p = buf;
	if (o->err) {
		errno = o->err;
		return -1;
	}
	while (len) {
		ssize_t n = write(o->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->err = errno;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		o->file_bytes += (uint64_t)n;
		o->total_bytes += (uint64_t)n;
	}
	return 0;
}

int out_frame_done(struct output *o)
{
	return out_flushed(o, true);
}

bool out_rotation_due(const struct output *o)
{
	return o->path && o->max_size && o->file_bytes >= o->max_size / 2;
}

int out_flushed(struct output *o, bool frame_ended)
{
	if (!o->path) {
		if (o->max_size && o->total_bytes >= o->max_size)
			o->full = true;
		return o->full ? 1 : 0;
	}
	struct stat st;
	if (fstat(o->fd, &st) == 0 && st.st_nlink == 0) {
		fprintf(stderr, "capture: %s was removed (or its directory): stopping; what was "
			"written is in the deleted file only\n", o->path);
		o->err = ENOENT;
		return -1;
	}
	/* what was flushed must survive a power cut, not just a crash */
	if (fdatasync(o->fd) < 0 && errno != EINVAL && errno != EROFS) {
		o->err = errno;
		return -1;
	}
	/* a new file must start with a new frame */
	if (!frame_ended || !out_rotation_due(o))
		return 0;
	char old[PATH_MAX];
	if (snprintf(old, sizeof old, "%s.1", o->path) >= (int)sizeof old) {
		o->err = ENAMETOOLONG;
		return -1;
	}
	if (fsync(o->fd) < 0 && errno != EINVAL)
		o->err = errno;
	close(o->fd);
	o->fd = -1;
	if (rename(o->path, old) < 0) {
		fprintf(stderr, "capture: cannot rotate %s to %s: %s\n", o->path, old, strerror(errno));
		o->err = errno;
		return -1;
	}
	o->rotations++;
	if (open_file(o) < 0) {
		o->err = errno;
		return -1;
	}
	return 0;
}

int out_close(struct output *o)
{
	int rc = 0;
	if (o->fd >= 0 && o->path) {
		if (fsync(o->fd) < 0 && errno != EINVAL && errno != EROFS)
			rc = -1;
		if (close(o->fd) < 0)
			rc = -1;
	}
	o->fd = -1;
	return rc;
}
