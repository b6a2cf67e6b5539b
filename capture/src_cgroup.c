/* src_cgroup.c - memory cgroups (v1 or v2), one group per cgroup down to
 * --cgroup-depth levels below the hierarchy's root.
 *
 * The hierarchy is found once at start: --cgroup-root when given; with a
 * --proc-root fixture, DIR/../sys/fs/cgroup (a v1 "memory" directory
 * first); else /proc/self/mountinfo.  The tree itself is walked every
 * sample because cgroups come and go (containers, services).
 */

#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CG_DENTS (8u << 10)
#define CG_MAX_PER_SAMPLE 256

struct cgroup_state {
	int root_fd;
	char *dents;            /* one CG_DENTS buffer per depth level */
	char path[PATH_MAX];    /* relative path of the cgroup being read */
	size_t ngroups;
	bool noted_many;
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static bool has_opt(const char *opts, const char *want)
{
	size_t n = strlen(want);
	for (const char *p = opts; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && !memcmp(p, want, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

int parse_mountinfo_memcg(const char *buf, size_t len, char *mnt, size_t cap)
{
	const char *end = buf + len;
	int found = 0;
	for (const char *p = buf; p < end; p = next_line(p, end)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		char tok[16][512];
		const char *q = p;
		size_t n = 0, dash = 0;
		while (n < 16 && (q = parse_token(q, eol, tok[n], sizeof tok[n]))) {
			if (!strcmp(tok[n], "-"))
				dash = n;
			n++;
			if (dash && n >= dash + 4)
				break;
		}
		if (!dash || n < dash + 4 || dash < 5)
			continue;
		const char *fstype = tok[dash + 1], *super = tok[dash + 3];
		if (!strcmp(fstype, "cgroup") && has_opt(super, "memory")) {
			snprintf(mnt, cap, "%s", tok[4]);
			unescape_octal(mnt);
			return 1; /* the memory controller lives here */
		}
		if (!strcmp(fstype, "cgroup2") && !found) {
			snprintf(mnt, cap, "%s", tok[4]);
			unescape_octal(mnt);
			found = 2;
		}
	}
	return found;
}

static bool exists_at(int dirfd, const char *name)
{
	return faccessat(dirfd, name, F_OK, 0) == 0;
}

static int detect_version(int fd)
{
	if (exists_at(fd, "memory.usage_in_bytes"))
		return 1;
	if (exists_at(fd, "cgroup.controllers"))
		return 2;
	return 0;
}

static int src_cgroup_init(struct ctx *c)
{
	struct cgroup_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	c->cg = s;
	s->root_fd = -1;
	s->dents = malloc(CG_DENTS * (size_t)(c->cgroup_depth + 1));
	if (!s->dents)
		return -1;
	char dir[PATH_MAX];
	if (c->cgroup_root) {
		snprintf(dir, sizeof dir, "%s", c->cgroup_root);
		s->root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		c->memcg_version = s->root_fd >= 0 ? detect_version(s->root_fd) : 0;
	} else if (strcmp(c->proc_root, "/proc")) {
		snprintf(dir, sizeof dir, "%s/../sys/fs/cgroup/memory", c->proc_root);
		s->root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->root_fd < 0) {
			snprintf(dir, sizeof dir, "%s/../sys/fs/cgroup", c->proc_root);
			s->root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		}
		c->memcg_version = s->root_fd >= 0 ? detect_version(s->root_fd) : 0;
	} else {
		ssize_t n = read_at(c->proc_fd, "self/mountinfo", c->buf, c->buf_cap);
		int v = n > 0 ? parse_mountinfo_memcg(c->buf, (size_t)n, dir, sizeof dir) : 0;
		if (v) {
			s->root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			/* a cgroup2 mount without the memory controller is no use */
			if (s->root_fd >= 0 && v == 2) {
				ssize_t k = read_at(s->root_fd, "cgroup.controllers", c->buf, c->buf_cap);
				if (k <= 0 || !strstr(c->buf, "memory"))
					v = 0;
			}
		}
		c->memcg_version = s->root_fd >= 0 ? v : 0;
	}
	if (!c->memcg_version) {
		if (s->root_fd >= 0)
			close(s->root_fd);
		s->root_fd = -1;
		c->note(c, "no memory cgroup hierarchy found: cgroups not recorded "
			"(use --cgroup-root DIR to point at one)");
	}
	return 0;
}

static void src_cgroup_fini(struct ctx *c)
{
	struct cgroup_state *s = c->cg;
	if (!s)
		return;
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s->dents);
	free(s);
	c->cg = NULL;
}

static bool read_one(struct ctx *c, int fd, const char *name, uint64_t *v, bool *unlimited)
{
	ssize_t n = read_at(fd, name, c->buf, c->buf_cap);
	*unlimited = false;
	if (n <= 0)
		return false;
	if (!strncmp(c->buf, "max", 3)) {
		*unlimited = true;
		return true;
	}
	return parse_u64(c->buf, c->buf + n, v) != NULL;
}

static int emit_cgroup(struct ctx *c, int fd, const char *rel)
{
	const struct sink *s = c->sink;
	int v = c->memcg_version;
	uint64_t x;
	bool unl;
	if (s->begin(s->ctx, "cgroup", rel) || s->value(s->ctx, "version", (uint64_t)v))
		return -1;
	if (read_one(c, fd, v == 1 ? "memory.usage_in_bytes" : "memory.current", &x, &unl) &&
	    s->value(s->ctx, "usage", unl ? CAP_NA : x))
		return -1;
	if (read_one(c, fd, v == 1 ? "memory.limit_in_bytes" : "memory.max", &x, &unl)) {
		/* v1 prints its "no limit" as the largest page-aligned long */
		uint64_t v1max = (uint64_t)(LONG_MAX / c->page_size) * (uint64_t)c->page_size;
		if (unl || (v == 1 && x >= v1max))
			x = CAP_NA;
		if (s->value(s->ctx, "limit", x))
			return -1;
	}
	ssize_t n = read_at(fd, "memory.stat", c->buf, c->buf_cap);
	if (n > 0 && parse_keyvals(c->buf, (size_t)n, s, NULL))
		return -1;
	if (v == 2) {
		n = read_at(fd, "memory.events", c->buf, c->buf_cap);
		if (n > 0 && parse_keyvals(c->buf, (size_t)n, s, "events."))
			return -1;
		n = read_at(fd, "memory.pressure", c->buf, c->buf_cap);
		if (n > 0 && parse_psi(c->buf, (size_t)n, s, "psi_", NULL))
			return -1;
	}
	return s->end(s->ctx);
}

static int walk(struct ctx *c, int fd, size_t plen, int depth)
{
	struct cgroup_state *s = c->cg;
	if (s->ngroups >= CG_MAX_PER_SAMPLE) {
		if (!s->noted_many) {
			s->noted_many = true;
			c->note(c, "more than 256 memory cgroups: the rest are not recorded; "
				"lower --cgroup-depth");
		}
		return 0;
	}
	s->ngroups++;
	if (emit_cgroup(c, fd, plen ? s->path : "/"))
		return -1;
	if (depth >= c->cgroup_depth)
		return 0;
	char *dents = s->dents + (size_t)depth * CG_DENTS;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, dents, CG_DENTS);
		if (n <= 0)
			return 0;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.' || (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN))
				continue;
			size_t l = strlen(d->d_name);
			if (plen + 1 + l >= sizeof s->path)
				continue;
			int cfd = openat(fd, d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (cfd < 0)
				continue; /* removed meanwhile, or a file */
			s->path[plen] = '/';
			memcpy(s->path + plen + 1, d->d_name, l + 1);
			int rc = walk(c, cfd, plen + 1 + l, depth + 1);
			close(cfd);
			s->path[plen] = 0;
			if (rc)
				return rc;
		}
	}
}

static int src_cgroup_sample(struct ctx *c)
{
	struct cgroup_state *s = c->cg;
	if (!s || s->root_fd < 0)
		return 0;
	s->ngroups = 0;
	s->path[0] = 0;
	/* a fresh fd: getdents continues from the last offset otherwise */
	int fd = openat(s->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		c->read_errors++;
		return 0;
	}
	int rc = walk(c, fd, 0, 0);
	close(fd);
	return rc;
}

const struct source source_cgroup = {
	.name = "cgroup",
	.init = src_cgroup_init,
	.sample = src_cgroup_sample,
	.fini = src_cgroup_fini,
};
