/* task_parse.c - the per-task /proc parsers: pure functions over a buffer
 * (PID/stat, PID/status, PID/io, PID/cgroup, getdents64 records), tested on
 * the corpus in tests/test_capture_parse.c and fuzzed by fuzz/fuzz_proc.c. */
#include "capture.h"

#include <string.h>

/* The fixed part of struct linux_dirent64, as the kernel lays it out. */
#define DENT_NAME 19u  /* d_ino 8, d_off 8, d_reclen 2, d_type 1 */

int parse_dents(const char *buf, size_t n, int (*fn)(void *arg, const char *name), void *arg)
{
	int names = 0;
	for (size_t off = 0; off < n;) {
		unsigned short reclen;
		if (n - off < DENT_NAME + 1)
			return -1;
		memcpy(&reclen, buf + off + 16, sizeof reclen);
		/* zero would loop forever, past the end would read stale bytes */
		if (reclen < DENT_NAME + 1 || reclen > n - off)
			return -1;
		const char *name = buf + off + DENT_NAME;
		if (!memchr(name, 0, reclen - DENT_NAME))
			return -1;
		off += reclen;
		int rc = fn(arg, name);
		if (rc)
			return rc;
		names++;
	}
	return names;
}

/* The stat fields after state that are kept, numbered as in proc(5). */
#define F(n) (1ull << (n))
#define STAT_KEPT (F(4) | F(9) | F(10) | F(12) | F(14) | F(15) | F(19) | F(20) | F(22) | F(23) | \
		   F(24) | F(39) | F(42))

/* '(' + the longest comm the kernel prints (63 bytes) + ')', and slack */
#define COMM_WINDOW 66u

/* Parses fields up to number last; the others are CAP_NA. */
static int parse_stat_upto(const char *buf, size_t len, struct task_stat *t, size_t last)
{
	const char *end = buf + len;
	const char *lp = memchr(buf, '(', len);
	/* The last ')'.  The fields after comm are a state letter and
	 * numbers, so in a kernel's line it is the last one within the
	 * longest comm the kernel prints (proc_task_name's 64-byte buffer):
	 * when that window holds one, the ~250 bytes of numbers after it are
	 * not scanned (once per thread per sample).  Forward memchr steps: as
	 * fast as memrchr with glibc and far faster with musl, whose memrchr
	 * goes a byte at a time. */
	const char *rp = NULL;
	if (lp) {
		const char *w = (size_t)(end - lp) > COMM_WINDOW ? lp + COMM_WINDOW : end;
		for (const char *q = lp; (q = memchr(q, ')', (size_t)(w - q))); q++)
			rp = q;
		for (const char *q = w; !rp && (q = memchr(q, ')', (size_t)(end - q))); q++)
			rp = q; /* none in the window: not a kernel's line, take the next */
	}
	if (!lp || !rp || !parse_u64(buf, lp, &t->pid))
		return -1;
	size_t n = (size_t)(rp - lp - 1);
	if (n >= sizeof t->comm)
		n = sizeof t->comm - 1;
	memcpy(t->comm, lp + 1, n);
	t->comm[n] = 0;
	const char *p = skip_blank(rp + 1, end);
	if (p >= end)
		return -1;
	t->state = *p++;
	/* fields after state, numbered as in proc(5): 4 = ppid ... */
	uint64_t f[43];
	size_t got = 4;
	for (size_t i = 0; i < 43; i++)
		f[i] = CAP_NA;
	/* parse_u64's rules, inline: this loop runs for every task every
	 * sample and is most of the recorder's own CPU.  A field not kept (26
	 * of the 39, several of them addresses of 15-20 digits) is checked the
	 * same way but not converted. */
	while (got <= last) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		bool neg = p < end && *p == '-';
		p += neg;
		if (p >= end || (unsigned)(*p - '0') > 9)
			break;
		if (!(STAT_KEPT >> got & 1)) {
			while (++p < end && (unsigned)(*p - '0') <= 9)
				;
			got++;
			continue;
		}
		uint64_t x = 0;
		while (p < end && (unsigned)(*p - '0') <= 9)
			x = x * 10 + (uint64_t)(*p++ - '0');
		f[got++] = neg ? (uint64_t)0 - x : x;
	}
	if (got <= 4)
		return -1;
	t->ppid = f[4];
	t->flags = f[9];
	t->minflt = f[10];
	t->majflt = f[12];
	t->utime = f[14];
	t->stime = f[15];
	t->nice = f[19];
	t->threads = f[20];
	t->start = f[22];
	t->vsize = f[23];
	t->rss = f[24];
	t->cpu = f[39];
	t->blkio = f[42];
	return 0;
}

int parse_task_stat(const char *buf, size_t len, struct task_stat *t)
{
	return parse_stat_upto(buf, len, t, 42);
}

int parse_task_totals(const char *buf, size_t len, struct task_stat *t)
{
	return parse_stat_upto(buf, len, t, 15);
}

int parse_task_io(const char *buf, size_t len, struct task_io *io)
{
#define K(s) { s, sizeof s - 1 }
	static const struct { const char *key; size_t len; } keys[] = {
		K("rchar:"), K("wchar:"), K("read_bytes:"), K("write_bytes:"),
	};
#undef K
	uint64_t *dst[] = { &io->rchar, &io->wchar, &io->read_bytes, &io->write_bytes };
	const char *end = buf + len;
	int found = 0;
	io->rchar = io->wchar = io->read_bytes = io->write_bytes = CAP_NA;
	for (const char *p = buf; p < end; p = next_line(p, end))
		for (size_t i = 0; i < 4; i++) {
			size_t kl = keys[i].len;
			if ((size_t)(end - p) > kl && !memcmp(p, keys[i].key, kl) && parse_u64(p + kl, end, dst[i])) {
				found++;
				break;
			}
		}
	return found ? 0 : -1;
}

int parse_pid_cgroup(const char *buf, size_t len, int version, char *out, size_t cap)
{
	const char *end = buf + len;
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		/* "ID:controllers:path"; the path may itself hold ':' */
		const char *c1 = memchr(p, ':', (size_t)(eol - p));
		if (!c1)
			continue;
		const char *c2 = memchr(c1 + 1, ':', (size_t)(eol - c1 - 1));
		if (!c2)
			continue;
		bool match;
		if (version == 1) {
			match = false;
			for (const char *q = c1 + 1; q < c2;) {
				const char *e = memchr(q, ',', (size_t)(c2 - q));
				if (!e)
					e = c2;
				if (e - q == 6 && !memcmp(q, "memory", 6))
					match = true;
				q = e + 1;
			}
		} else {
			match = c2 == c1 + 1 && c1 - p == 1 && *p == '0';
		}
		if (!match)
			continue;
		size_t n = (size_t)(eol - c2 - 1);
		if (n >= cap)
			n = cap - 1;
		memcpy(out, c2 + 1, n);
		out[n] = 0;
		return 0;
	}
	return -1;
}

int parse_task_status(const char *buf, size_t len, struct task_stat *t, struct task_mem *m)
{
#define S(s, w) { s, sizeof s - 1, w }
	static const struct { const char *key; size_t len; int which; } keys[] = {
		S("Name", 0), S("State", 1), S("Pid", 2), S("PPid", 3), S("Threads", 4),
		S("VmSize", 5), S("VmRSS", 6), S("VmHWM", 7), S("VmSwap", 8),
		S("RssAnon", 9), S("RssFile", 10), S("RssShmem", 11),
	};
#undef S
	uint64_t *num[] = { NULL, NULL, &t->pid, &t->ppid, &t->threads, &m->vm_size, &m->vm_rss,
			    &m->vm_hwm, &m->vm_swap, &m->rss_anon, &m->rss_file, &m->rss_shmem };
	const char *end = buf + len;
	bool named = false, pid = false;
	memset(t, 0xff, sizeof *t); /* every number CAP_NA */
	t->comm[0] = 0;
	t->state = '?';
	memset(m, 0xff, sizeof *m);
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon)
			continue;
		size_t kl = (size_t)(colon - p);
		const char *v = skip_blank(colon + 1, eol);
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			if (keys[i].len != kl || memcmp(p, keys[i].key, kl))
				continue;
			if (keys[i].which == 0) {
				size_t n = (size_t)(eol - v);
				if (n >= sizeof t->comm)
					n = sizeof t->comm - 1;
				memcpy(t->comm, v, n);
				t->comm[n] = 0;
				named = true;
			} else if (keys[i].which == 1) {
				if (v < eol)
					t->state = *v;
			} else if (parse_u64(v, eol, num[keys[i].which]) && keys[i].which == 2) {
				pid = true;
			}
			break;
		}
	}
	return named && pid ? 0 : -1;
}
