/* kmsg.c - the kernel log from the capture's start, one CAP_TXT_KMSG per
 * record.
 *
 * /dev/kmsg is opened nonblocking and positioned at its end: what the
 * kernel said before we started is in dmesg already, what matters is what
 * it says while the box is sick.  One read() returns one record; EPIPE
 * means the ring wrapped past us (records lost: noted, reading goes on).
 * Without /dev/kmsg (older or stripped kernels) klogctl(READ_ALL) is polled
 * and records newer than the last timestamp seen are kept.  --kmsg PATH
 * may name a regular file in /dev/kmsg format; it is read from its start
 * and then followed as it grows (the tests append to it).
 */
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>

#define KLOG_MAX (256u << 10)
#define DRAIN_MAX 20000 /* records per drain: a log storm must not starve sampling */

int parse_kmsg(const char *buf, size_t len, struct kmsg_rec *r)
{
	const char *end = buf + len;
	const char *semi = memchr(buf, ';', len);
	const char *nl = memchr(buf, '\n', len);
	if (!semi || (nl && nl < semi))
		return -1;
	const char *p = buf;
	if (!(p = parse_u64(p, semi, &r->prio)) || p >= semi || *p != ',' ||
	    !(p = parse_u64(p + 1, semi, &r->seq)) || p >= semi || *p != ',' ||
	    !(p = parse_u64(p + 1, semi, &r->ts_us)))
		return -1;
	r->text = semi + 1;
	const char *e = memchr(r->text, '\n', (size_t)(end - r->text));
	r->len = (size_t)((e ? e : end) - r->text);
	return 0;
}

/* "<6>[   12.345678] text" as klogctl gives it; the timestamp may be off. */
static int parse_klog_line(const char *p, const char *eol, struct kmsg_rec *r)
{
	r->prio = CAP_NA;
	r->seq = CAP_NA;
	r->ts_us = CAP_NA;
	if (p < eol && *p == '<') {
		const char *q = parse_u64(p + 1, eol, &r->prio);
		if (q && q < eol && *q == '>')
			p = q + 1;
	}
	if (p < eol && *p == '[') {
		uint64_t sec, usec = 0;
		const char *q = parse_u64(p + 1, eol, &sec);
		if (q && q < eol && *q == '.') {
			const char *u = q + 1;
			q = parse_u64(u, eol, &usec);
			for (ptrdiff_t d = q ? q - u : 6; d < 6; d++)
				usec *= 10;
		}
		if (q && q < eol && *q == ']') {
			r->ts_us = sec * 1000000 + usec;
			p = q + 1;
			if (p < eol && *p == ' ')
				p++;
		}
	}
	r->text = p;
	r->len = (size_t)(eol - p);
	return 0;
}

int kmsg_open(struct kmsg *k, struct ctx *c, const char *path)
{
	memset(k, 0, sizeof *k);
	k->mode = KM_NONE;
	k->fd = -1;
	bool dflt = path == NULL;
	if (dflt)
		path = "/dev/kmsg";
	k->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd >= 0) {
		struct stat st;
		if (fstat(k->fd, &st) == 0 && S_ISREG(st.st_mode)) {
			k->mode = KM_FILE;
		} else {
			k->mode = KM_DEV;
			lseek(k->fd, 0, SEEK_END);
		}
		return 0;
	}
	int e = errno;
	char msg[300];
	if (dflt) {
		int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
		if (size > 0) {
			k->klog_cap = (size_t)size < KLOG_MAX ? (size_t)size : KLOG_MAX;
			k->klog = malloc(k->klog_cap + 1);
			if (k->klog) {
				k->mode = KM_KLOG;
				/* start after what is already there */
				int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, k->klog, (int)k->klog_cap);
				for (const char *p = k->klog, *end = p + (n > 0 ? n : 0); p < end;
				     p = next_line(p, end)) {
					const char *eol = memchr(p, '\n', (size_t)(end - p));
					struct kmsg_rec r;
					parse_klog_line(p, eol ? eol : end, &r);
					if (r.ts_us != CAP_NA)
						k->last_ts = r.ts_us;
				}
				snprintf(msg, sizeof msg, "/dev/kmsg: %s; reading the kernel log with klogctl",
					 strerror(e));
				c->note(c, msg);
				return 0;
			}
		}
	}
	snprintf(msg, sizeof msg, "%s: %s: kernel log not recorded (run as root, or point --kmsg at it)",
		 path, strerror(e));
	c->note(c, msg);
	return 0;
}

void kmsg_close(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	free(k->klog);
	k->klog = NULL;
	k->mode = KM_NONE;
}

/* The kernel's own alarms, which capture --ring triggers on: an OOM kill
 * ("invoked oom-killer", then "Killed process" since 2.6) or a hung task
 * ("blocked for more than N seconds"). */
static void spot(struct kmsg *k, const struct kmsg_rec *r)
{
	bool oom = memmem(r->text, r->len, "invoked oom-killer", 18) || memmem(r->text, r->len, "Killed process", 14);
	bool hung = !oom && memmem(r->text, r->len, "blocked for more than", 21);
	if (!oom && !hung)
		return;
	if (oom)
		k->oom++;
	else
		k->hung++;
	if (!k->alarm[0])
		snprintf(k->alarm, sizeof k->alarm, "%.*s", (int)(r->len < 150 ? r->len : 150), r->text);
}

static int put(struct kmsg *k, struct ctx *c, const struct kmsg_rec *r, uint64_t trigger)
{
	spot(k, r);
	if (!c->w)
		return 0;
	return cap_text(c->w, CAP_TXT_KMSG, r->ts_us, r->seq, r->prio, trigger, r->text, r->len);
}

static int drain_dev(struct kmsg *k, struct ctx *c, uint64_t trigger)
{
	uint64_t lost = 0;
	for (int i = 0; i < DRAIN_MAX; i++) {
		ssize_t n = read(k->fd, k->buf, sizeof k->buf - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				lost++;
				continue;
			}
			if (errno == EINVAL)
				continue; /* a record longer than our buffer: skipped */
			break;    /* EAGAIN: nothing more for now */
		}
		if (n == 0)
			break;
		struct kmsg_rec r;
		if (!parse_kmsg(k->buf, (size_t)n, &r) && put(k, c, &r, trigger))
			return -1;
	}
	if (lost) {
		char msg[160];
		snprintf(msg, sizeof msg, "kmsg: the kernel log wrapped before it was read; "
			 "some records are lost (%llu gaps)", (unsigned long long)lost);
		c->note(c, msg);
	}
	return 0;
}

static int drain_file(struct kmsg *k, struct ctx *c, uint64_t trigger)
{
	for (int i = 0; i < DRAIN_MAX; i++) {
		ssize_t n = pread(k->fd, k->buf + k->len, sizeof k->buf - 1 - k->len, k->off);
		if (n <= 0)
			return 0;
		k->off += n;
		k->len += (size_t)n;
		char *p = k->buf, *end = k->buf + k->len;
		for (;;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl && !(p == k->buf && k->len == sizeof k->buf - 1))
				break; /* keep a partial line for the next read */
			char *eol = nl ? nl : end;
			struct kmsg_rec r;
			/* " KEY=value" continuation lines are dropped */
			if (p < eol && *p != ' ' && !parse_kmsg(p, (size_t)(eol - p), &r) && put(k, c, &r, trigger))
				return -1;
			p = nl ? nl + 1 : end;
			if (p >= end)
				break;
		}
		k->len = (size_t)(end - p);
		memmove(k->buf, p, k->len);
	}
	return 0;
}

static int drain_klog(struct kmsg *k, struct ctx *c, uint64_t trigger)
{
	int n = klogctl(3, k->klog, (int)k->klog_cap);
	if (n <= 0)
		return 0;
	uint64_t newest = k->last_ts;
	for (const char *p = k->klog, *end = p + n; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct kmsg_rec r;
		parse_klog_line(p, eol ? eol : end, &r);
		/* without timestamps we cannot tell new from old: skip */
		if (r.ts_us == CAP_NA || r.ts_us <= k->last_ts)
			continue;
		if (put(k, c, &r, trigger))
			return -1;
		newest = r.ts_us;
	}
	k->last_ts = newest;
	return 0;
}

int kmsg_drain(struct kmsg *k, struct ctx *c, uint64_t trigger)
{
	switch (k->mode) {
	case KM_DEV: return drain_dev(k, c, trigger);
	case KM_FILE: return drain_file(k, c, trigger);
	case KM_KLOG: return drain_klog(k, c, trigger);
	default: return 0;
	}
}
