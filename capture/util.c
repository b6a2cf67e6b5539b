/* util.c - parse and read helpers shared by the sources. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/vfs.h>
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0 /* linux/magic.h; not in every libc */
#endif
#include <unistd.h>

const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

const char *parse_u64(const char *p, const char *end, uint64_t *v)
{
	p = skip_blank(p, end);
	bool neg = false;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return NULL;
	uint64_t x = 0;
	while (p < end && *p >= '0' && *p <= '9')
		x = x * 10 + (uint64_t)(*p++ - '0'); /* wraps on overflow, like the kernel's own u64 */
	*v = neg ? (uint64_t)0 - x : x;
	return p;
}

const char *parse_centi(const char *p, const char *end, uint64_t *v)
{
	uint64_t whole, frac = 0;
	p = parse_u64(p, end, &whole);
	if (!p)
		return NULL;
	if (p < end && *p == '.') {
		p++;
		int digits = 0;
		while (p < end && *p >= '0' && *p <= '9') {
			if (digits < 2)
				frac = frac * 10 + (uint64_t)(*p - '0');
			digits++;
			p++;
		}
		if (digits == 1)
			frac *= 10;
	}
	*v = whole * 100 + frac;
	return p;
}

const char *parse_token(const char *p, const char *end, char *out, size_t cap)
{
	p = skip_blank(p, end);
	const char *s = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	if (p == s)
		return NULL;
	size_t n = (size_t)(p - s);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = 0;
	return p;
}

void unescape_octal(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = 0;
}

int parse_seconds_us(const char *s, uint64_t *us)
{
	const char *end = s + strlen(s);
	uint64_t whole = 0, frac = 0, scale = 1000000;
	const char *p = s;
	if (p == end)
		return -1;
	if (*p != '.') {
		p = parse_u64(p, end, &whole);
		if (!p || *s == '-' || whole > 100000000)
			return -1;
	}
	if (p < end && *p == '.') {
		p++;
		if (p == end && p - 1 == s)
			return -1;
		while (p < end && *p >= '0' && *p <= '9') {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale; /* digits past µs fall away */
			p++;
		}
	}
	if (p != end)
		return -1;
	*us = whole * 1000000 + frac;
	return 0;
}

int parse_size(const char *s, uint64_t *bytes)
{
	const char *end = s + strlen(s);
	uint64_t v;
	const char *p = parse_u64(s, end, &v);
	if (!p || *s == '-')
		return -1;
	uint64_t mul = 1;
	if (p < end) {
		switch (*p) {
		case 'k': case 'K': mul = 1ull << 10; break;
		case 'm': case 'M': mul = 1ull << 20; break;
		case 'g': case 'G': mul = 1ull << 30; break;
		default: return -1;
		}
		p++;
		if (p < end && (*p == 'B' || *p == 'b' || *p == 'i'))
			p++;
		if (p < end && *p == 'B')
			p++;
	}
	if (p != end || v > UINT64_MAX / mul)
		return -1;
	*bytes = v * mul;
	return 0;
}

static ssize_t fill(int fd, char *buf, size_t cap, bool at_zero)
{
	size_t len = 0;
	while (len + 1 < cap) {
		ssize_t n = at_zero ? pread(fd, buf + len, cap - 1 - len, (off_t)len)
				    : read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	return (ssize_t)len;
}

ssize_t read_at(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	ssize_t n = fill(fd, buf, cap, false);
	int e = errno;
	close(fd);
	errno = e;
	return n;
}

ssize_t reread_fd(int fd, char *buf, size_t cap)
{
	/* The kept files are seq_file entries under a page: one read returns
	 * all there is, and a second pread at the end would make the kernel
	 * format the whole file again only to find it.  A full buffer still
	 * reads on. */
	ssize_t n;
	do
		n = pread(fd, buf, cap - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n < cap - 1) {
		buf[n] = 0;
		return n;
	}
	return fill(fd, buf, cap, true);
}

void kept_start(struct ctx *c)
{
	/* Only procfs regenerates a file at every read: a --proc-root tree of
	 * plain files is changed by replacing them (the tests rename new
	 * versions in), which a kept fd would never see. */
	struct statfs sf;
	for (int k = 0; k < KF_COUNT; k++)
		c->kept[k] = -1;
	c->keep = fstatfs(c->proc_fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

void kept_close(struct ctx *c)
{
	for (int k = 0; c->keep && k < KF_COUNT; k++)
		if (c->kept[k] >= 0) {
			close(c->kept[k]);
			c->kept[k] = -1;
		}
}

ssize_t read_kept_at(struct ctx *c, enum kept_file k, int dirfd, const char *path, char *buf,
		     size_t cap)
{
	if (!c->keep)
		return read_at(dirfd, path, buf, cap);
	if (c->kept[k] >= 0) {
		ssize_t n = reread_fd(c->kept[k], buf, cap);
		if (n >= 0)
			return n;
		close(c->kept[k]);
		c->kept[k] = -1;
	}
	/* a file that cannot be opened (no PSI) costs what read_at did */
	c->kept[k] = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (c->kept[k] < 0)
		return -1;
	ssize_t n = reread_fd(c->kept[k], buf, cap);
	if (n < 0) {
		int e = errno;
		close(c->kept[k]);
		c->kept[k] = -1;
		errno = e;
	}
	return n;
}

size_t fmt_u64(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
	return n;
}

size_t fmt_centi(char *out, uint64_t v)
{
	size_t n = fmt_u64(out, v / 100);
	out[n++] = '.';
	out[n++] = (char)('0' + v % 100 / 10);
	out[n++] = (char)('0' + v % 10);
	out[n] = 0;
	return n;
}

bool gone_errno(int e)
{
	/* ESRCH: the task exited between open and read; ENOENT: before open. */
	return e == ESRCH || e == ENOENT;
}
