/* kdump_line.c: one line's shape, with no parser state: log prefixes,
 * frame lines of every architecture, task header lines, CPU lines. */
#include "kdump_int.h"
#include "tidy.h"
#include "xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------- small helpers ---------- */

const char *kd_skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

bool kd_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool kd_has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool kd_is_hex_str(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool kd_is_dec_str(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

long kd_to_long(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n && isdigit((unsigned char)s[i]); i++) {
		if (v > (LONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Finds `key` ("pid:") where it starts a word, so "pid:" does not match
 * inside "tgid:" or "ppid:". */
static const char *find_key(const char *s, const char *key)
{
	size_t kl = strlen(key);
	for (const char *q = strstr(s, key); q; q = strstr(q + 1, key))
		if (q == s || q[-1] == ' ' || q[-1] == '\t')
			return q + kl;
	return NULL;
}

static long key_long(const char *s, const char *key)
{
	const char *v = find_key(s, key);
	if (!v)
		return -1;
	v = kd_skip_ws(v);
	size_t n = strspn(v, "0123456789");
	return n ? kd_to_long(v, n) : -1;
}

/* ---------- prefixes ---------- */

/* "[ 1234.567890] " and the damaged "[  240.]"; a '.' is required so that
 * OOM task-table rows ("[    493]") are not taken for timestamps. */
static const char *strip_stamp(const char *s, double *ts)
{
	if (*s != '[')
		return NULL;
	const char *q = kd_skip_ws(s + 1);
	size_t n = strspn(q, "0123456789");
	if (!n || q[n] != '.')
		return NULL;
	size_t m = strspn(q + n + 1, "0123456789");
	if (q[n + 1 + m] != ']')
		return NULL;
	*ts = strtod(q, NULL);
	return q + n + 1 + m + 1;
}

/* "[ T1054]" (task) or "[    C0]" (CPU) printk caller ids. */
const char *kd_strip_callerid(const char *s)
{
	if (*s != '[')
		return NULL;
	const char *q = kd_skip_ws(s + 1);
	if (*q != 'T' && *q != 'C')
		return NULL;
	size_t n = strspn(q + 1, "0123456789");
	if (!n || q[1 + n] != ']')
		return NULL;
	return q + 2 + n;
}

/* dmesg -T: "[Mon Jan 17 10:00:00 2024]". */
static const char *strip_human_stamp(const char *s)
{
	if (*s != '[' || !isalpha((unsigned char)s[1]))
		return NULL;
	const char *e = strchr(s, ']');
	if (!e || e - s > 40 || !memchr(s, ':', (size_t)(e - s)))
		return NULL;
	return e + 1;
}

static const char *strip_level(const char *s)
{
	if (*s != '<')
		return NULL;
	size_t n = strspn(s + 1, "0123456789");
	if (!n || n > 3 || s[1 + n] != '>')
		return NULL;
	return s + 2 + n;
}

/* /dev/kmsg record: "6,1234,5678901,-;text" (timestamp in microseconds). */
static const char *strip_kmsg(const char *s, double *ts)
{
	const char *q = s;
	size_t n = strspn(q, "0123456789");
	if (!n || n > 4 || q[n] != ',')
		return NULL;
	q += n + 1;
	n = strspn(q, "0123456789");
	if (!n || q[n] != ',')
		return NULL;
	q += n + 1;
	n = strspn(q, "0123456789");
	if (!n || q[n] != ',')
		return NULL;
	double us = strtod(q, NULL);
	const char *semi = strchr(q + n, ';');
	if (!semi || semi - (q + n) > 32)
		return NULL;
	*ts = us / 1e6;
	return semi + 1;
}

bool kd_looks_like_syslog_start(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (size_t i = 0; i + 3 <= sizeof months - 1; i += 3)
		if (strncmp(s, months + i, 3) == 0 && s[3] == ' ')
			return true;
	/* ISO 8601, as rsyslog and journalctl -o short-iso write it. */
	return kd_is_dec_str(s, 4) && s[4] == '-' && isdigit((unsigned char)s[5]);
}

/* "May 17 18:48:11 host kernel: " or "... host kern.warn kernel: ". */
static const char *strip_syslog(const char *s)
{
	if (!kd_looks_like_syslog_start(s))
		return NULL;
	const char *k = strstr(s, "kernel:");
	if (!k || k - s > 160)
		return NULL;
	return k + 7;
}

/* dmesg -x: "kern  :warn  : ". */
static const char *strip_facility(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
	if (n < 3 || n > 8)
		return NULL;
	const char *q = kd_skip_ws(s + n);
	if (*q != ':')
		return NULL;
	q++;
	n = strspn(q, "abcdefghijklmnopqrstuvwxyz");
	if (n < 3 || n > 8)
		return NULL;
	q = kd_skip_ws(q + n);
	if (q[0] != ':' || q[1] != ' ')
		return NULL;
	return q + 1;
}

const char *kd_strip_prefixes(const char *s, double *ts, bool *prefixed)
{
	*ts = -1;
	*prefixed = false;
	for (int guard = 0; guard < 8; guard++) {
		const char *n = strip_stamp(s, ts);
		if (!n) n = kd_strip_callerid(s);
		if (!n) n = strip_level(s);
		if (!n && guard == 0) n = strip_kmsg(s, ts);
		if (!n && guard == 0) n = strip_syslog(s);
		if (!n && guard == 0) n = strip_facility(s);
		if (!n) n = strip_human_stamp(s);
		if (!n)
			break;
		/* printk puts exactly one space after the prefix; more is content */
		s = (*n == ' ') ? n + 1 : n;
		*prefixed = true;
	}
	return s;
}

/* ---------- frames ---------- */

static bool is_sym_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

static bool is_sym_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

/* "name+0xoff/0xsize" or "name" or "0xaddr"; fills function/offset/size and
 * returns the end, or NULL. With `bare` (a line holding only the symbol) an
 * unresolved address is not accepted: too many non-frame lines start so. */
const char *kd_parse_sym(const char *s, struct kd_frame *f, bool bare)
{
	const char *q = s;
	if (q[0] == '0' && q[1] == 'x' && isxdigit((unsigned char)q[2])) {
		size_t n = 2 + strspn(q + 2, "0123456789abcdefABCDEF");
		if (bare || is_sym_char(q[n]))
			return NULL;
		f->function = xstrndup(q, n);
		return q + n;
	}
	if (!is_sym_start(*q))
		return NULL;
	size_t n = 0;
	while (is_sym_char(q[n]) && n < 512)
		n++;
	const char *name = q;
	size_t nlen = n;
	/* ppc64 ELFv1 prints function descriptors as ".name" */
	if (nlen > 1 && name[0] == '.' && (isalpha((unsigned char)name[1]) || name[1] == '_')) {
		name++;
		nlen--;
	}
	if (nlen == 0 || name[0] == '.')
		return NULL;
	q += n;
	if (q[0] == '+' && q[1] == '0' && q[2] == 'x') {
		size_t on = 2 + strspn(q + 3, "0123456789abcdefABCDEF") + 1;
		if (on < 4)
			return NULL;
		f->offset = xstrndup(q + 1, on - 1);
		q += on;
		if (q[0] == '/' && q[1] == '0' && q[2] == 'x') {
			size_t sn = 2 + strspn(q + 3, "0123456789abcdefABCDEF");
			f->size = xstrndup(q + 1, sn);
			q += sn + 1;
		}
	}
	f->function = xstrndup(name, nlen);
	return q;
}

static bool is_file_line(const char *tok, size_t n)
{
	/* "path/file.c:123" or "file.c:123:7" */
	const char *colon = memchr(tok, ':', n);
	if (!colon || colon == tok)
		return false;
	size_t rest = n - (size_t)(colon - tok) - 1;
	size_t d = strspn(colon + 1, "0123456789");
	if (!d || d > rest)
		return false;
	if (d < rest && !(colon[1 + d] == ':' && kd_is_dec_str(colon + 2 + d, rest - d - 1)))
		return false;
	return memchr(tok, '.', (size_t)(colon - tok)) != NULL;
}

/* The decorations after a symbol: " [module]", " [module buildid]",
 * " file.c:12", " (file.c:12)", " [inline]", " (unreliable)". Returns the
 * end of what was understood; *clean tells whether the line ended there. */
static const char *parse_decorations(const char *s, struct kd_frame *f,
									 bool *inl, bool *clean)
{
	const char *q = s;
	*clean = false;
	for (int guard = 0; guard < 8; guard++) {
		const char *tok = kd_skip_ws(q);
		if (!*tok) {
			*clean = true;
			return tok;
		}
		if (tok == q)
			return q; /* decorations are separated by spaces */
		if (kd_has_prefix(tok, "[inline]")) {
			*inl = true;
			q = tok + 8;
		} else if (kd_has_prefix(tok, "(unreliable)")) {
			f->reliable = false;
			q = tok + 12;
		} else if (tok[0] == '[' && (isalnum((unsigned char)tok[1]) || tok[1] == '_')) {
			const char *e = strchr(tok, ']');
			if (!e || e - tok > 200)
				return tok;
			size_t mn = strcspn(tok + 1, " ]");
			if (!f->module && mn)
				f->module = xstrndup(tok + 1, mn);
			q = e + 1;
		} else if (tok[0] == '(') {
			const char *e = strchr(tok, ')');
			if (!e || !is_file_line(tok + 1, (size_t)(e - tok - 1)))
				return tok;
			if (!f->file_line)
				f->file_line = xstrndup(tok + 1, (size_t)(e - tok - 1));
			q = e + 1;
		} else {
			size_t n = strcspn(tok, " \t");
			if (!is_file_line(tok, n))
				return tok;
			if (!f->file_line)
				f->file_line = xstrndup(tok, n);
			q = tok + n;
		}
	}
	return q;
}

/* "[<hex>]" -> hex digits; returns end or NULL. */
static const char *parse_angle_addr(const char *s, const char **hex, size_t *hn)
{
	if (s[0] != '[' || s[1] != '<')
		return NULL;
	size_t n = strspn(s + 2, "0123456789abcdefABCDEF");
	if (!n || s[2 + n] != '>' || s[3 + n] != ']')
		return NULL;
	*hex = s + 2;
	*hn = n;
	return s + 4 + n;
}

/* "[hex]" (powerpc) -> hex digits. */
static const char *parse_square_addr(const char *s, const char **hex, size_t *hn)
{
	if (s[0] != '[')
		return NULL;
	size_t n = strspn(s + 1, "0123456789abcdefABCDEF");
	if (n < 8 || s[1 + n] != ']')
		return NULL;
	*hex = s + 1;
	*hn = n;
	return s + 2 + n;
}

static const char *skip_unreliable_mark(const char *s, struct kd_frame *f)
{
	if (s[0] == '?' && s[1] == ' ') {
		f->reliable = false;
		return kd_skip_ws(s + 2);
	}
	return s;
}

void kd_fline_free(struct fline *fl)
{
	for (int i = 0; i < fl->n; i++)
		kd_frame_free(&fl->f[i]);
	fl->n = 0;
}

static struct kd_frame *fline_add(struct fline *fl)
{
	struct kd_frame *f = &fl->f[fl->n++];
	memset(f, 0, sizeof *f);
	f->reliable = true;
	return f;
}

/* "(name+0x1/0x2)" -> frame; returns the end after ')' or NULL. */
static const char *parse_paren_sym(const char *s, struct kd_frame *f)
{
	if (*s != '(')
		return NULL;
	const char *e = kd_parse_sym(s + 1, f, false);
	if (!e || *e != ')')
		return NULL;
	return e + 1;
}

/* arm: "[<c05ef3e4>] (__schedule) from [<c05ef724>] (schedule+0x40/0xa0)" */
static bool try_arm_old(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!(q = parse_angle_addr(t, &hex, &hn)) || q[0] != ' ' || q[1] != '(')
		return false;
	struct kd_frame *callee = fline_add(fl);
	callee->address = xstrndup(hex, hn);
	if (!(q = parse_paren_sym(q + 1, callee)) || !kd_has_prefix(q, " from "))
		return false;
	q = kd_skip_ws(q + 6);
	struct kd_frame *caller = fline_add(fl);
	if (!(q = parse_angle_addr(q, &hex, &hn)))
		return false;
	caller->address = xstrndup(hex, hn);
	q = kd_skip_ws(q);
	if (!(q = parse_paren_sym(q, caller)))
		return false;
	fl->arm_pair = true;
	return true;
}

/* arm without kallsyms: "Function entered at [<c001e990>] from [<c0109b14>]";
 * the functions are their addresses. */
static bool try_arm_entered(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!kd_has_prefix(t, "Function entered at "))
		return false;
	for (int i = 0; i < 2; i++) {
		q = kd_skip_ws(t + (i ? 0 : 20));
		if (!(q = parse_angle_addr(q, &hex, &hn)) || hn > 32)
			return false;
		struct kd_frame *f = fline_add(fl);
		char buf[2 + 32 + 1];
		snprintf(buf, sizeof buf, "0x%.*s", (int)hn, hex);
		f->function = xstrndup(buf, strlen(buf));
		f->address = xstrndup(hex, hn);
		if (i == 0 && !kd_has_prefix(q, " from "))
			return false;
		t = q + 6;
	}
	fl->arm_pair = true;
	return true;
}

/* arm 6.x: " __schedule from schedule+0x20/0x134" */
static bool try_arm_new(const char *t, struct fline *fl)
{
	struct kd_frame *callee = fline_add(fl);
	const char *q = kd_parse_sym(t, callee, false);
	if (!q || !kd_has_prefix(q, " from "))
		return false;
	struct kd_frame *caller = fline_add(fl);
	q = kd_parse_sym(q + 6, caller, true);
	if (!q || !caller->offset)
		return false;
	bool inl = false, clean;
	parse_decorations(q, caller, &inl, &clean);
	if (!clean)
		return false;
	fl->arm_pair = true;
	return true;
}

/* powerpc: "[c0000000fe2bf8f0] [c000000000019e00] __switch_to+0x2d0/0x4b0 (unreliable)" */
static bool try_ppc(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!(q = parse_square_addr(t, &hex, &hn)) || *q != ' ')
		return false;
	q = kd_skip_ws(q);
	if (!(q = parse_square_addr(q, &hex, &hn)))
		return false;
	struct kd_frame *f = fline_add(fl);
	f->address = xstrndup(hex, hn);
	q = kd_skip_ws(q);
	if (!(q = kd_parse_sym(q, f, false)))
		return false;
	bool inl = false, clean;
	parse_decorations(q, f, &inl, &clean);
	return true;
}

/* sparc64 before 5.x: " [00000000004a7c44] io_schedule+0x20/0x3c" */
static bool try_square(const char *t, struct fline *fl)
{
	const char *hex, *q;
	size_t hn;
	if (!(q = parse_square_addr(t, &hex, &hn)) || *q != ' ')
		return false;
	struct kd_frame *f = fline_add(fl);
	f->address = xstrndup(hex, hn);
	q = kd_skip_ws(q);
	if (*q == '[' || !(q = kd_parse_sym(q, f, false)))
		return false;
	bool inl = false, clean;
	parse_decorations(q, f, &inl, &clean);
	return clean && (f->offset || f->function[0] == '0');
}

/* x86/mips/riscv/arm64/i386: "[<addr>] ? sym+0x1/0x2 [mod]", possibly several
 * per line (2.4/2.6.early i386), possibly without symbols. */
static bool try_angle(const char *t, struct fline *fl)
{
	const char *q = t;
	while (fl->n < KD_MAX_LINE_FRAMES) {
		const char *hex;
		size_t hn;
		const char *e = parse_angle_addr(q, &hex, &hn);
		if (!e)
			break;
		struct kd_frame *f = fline_add(fl);
		f->address = xstrndup(hex, hn);
		q = kd_skip_ws(e);
		q = skip_unreliable_mark(q, f);
		const char *s = (*q != '[') ? kd_parse_sym(q, f, false) : NULL;
		if (s) {
			bool inl = false, clean;
			q = kd_skip_ws(parse_decorations(s, f, &inl, &clean));
		} else {
			size_t n = hn;
			char buf[2 + 32 + 1];
			if (n > 32)
				n = 32;
			snprintf(buf, sizeof buf, "0x%.*s", (int)n, hex);
			f->function = xstrndup(buf, strlen(buf));
		}
	}
	return fl->n > 0;
}

/* arm64/riscv/x86 4.13+/ppc 5.x: " ? sym+0x1/0x2 [mod]", symbolized forms
 * "sym+0x1/0x2 file.c:12", "sym file.c:12 [inline]". */
bool kd_try_bare(const char *t, struct fline *fl)
{
	struct kd_frame *f = fline_add(fl);
	const char *q = skip_unreliable_mark(t, f);
	q = kd_parse_sym(q, f, true);
	if (!q)
		return false;
	bool inl = false, clean;
	parse_decorations(q, f, &inl, &clean);
	return clean && (f->offset || f->file_line);
}

/* s390 marks a frame it could not verify by parentheses:
 * "([<00000000174adf7a>] __schedule+0x342/0x748)". */
static bool try_s390_unreliable(const char *t, struct fline *fl)
{
	size_t n = strlen(t);
	if (t[0] != '(' || t[1] != '[' || t[2] != '<' || t[n - 1] != ')' || n > KD_LINE_MAX)
		return false;
	char buf[KD_LINE_MAX + 1];
	memcpy(buf, t + 1, n - 2);
	buf[n - 2] = '\0';
	if (!try_angle(buf, fl))
		return false;
	for (int i = 0; i < fl->n; i++)
		fl->f[i].reliable = false;
	return true;
}

typedef bool (*frame_recognizer)(const char *t, struct fline *fl);

static const frame_recognizer frame_recognizers[] = {
	try_arm_old, try_arm_entered, try_s390_unreliable, try_angle, try_ppc, try_square,
	try_arm_new, kd_try_bare,
};

/* Skips "<IRQ>", "<EOI>", "<<EOE>>", "<TASK>" markers that x86 puts in front
 * of or between frames. */
static const char *skip_markers(const char *t)
{
	while (*t == '<' && t[1] != '.' && t[1] != '[') {
		size_t n = strcspn(t, "> ");
		if (t[n] != '>' || n > 16)
			break;
		while (t[n] == '>')
			n++;
		t = kd_skip_ws(t + n);
	}
	return t;
}

bool kd_parse_frame_line(const char *t, struct fline *fl)
{
	t = skip_markers(kd_skip_ws(t));
	if (!*t)
		return false;
	for (size_t i = 0; i < sizeof frame_recognizers / sizeof *frame_recognizers; i++) {
		fl->n = 0;
		fl->arm_pair = false;
		if (frame_recognizers[i](t, fl))
			return true;
		kd_fline_free(fl);
	}
	return false;
}

static bool is_state_char(char c)
{
	return c && strchr("RSDTtXZPIKWNx", c) != NULL;
}

/* 5.10+: "task:lvm             state:D stack:0     pid:11422  tgid:11422 ppid:1374   flags:0x00004002" */
static bool parse_new_header(const char *t, struct hdr *h)
{
	if (!kd_has_prefix(t, "task:"))
		return false;
	const char *st = strstr(t + 5, " state:");
	if (!st || !is_state_char(st[7]))
		return false;
	const char *c = t + 5;
	size_t n = (size_t)(st - c);
	while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
		n--;
	if (!n)
		return false;
	h->comm = c;
	h->comm_len = n;
	h->state = st[7];
	h->pid = key_long(st, "pid:");
	h->ppid = key_long(st, "ppid:");
	h->tgid = key_long(st, "tgid:");
	return h->pid >= 0;
}

int kd_tokenize(const char *t, struct tok *tk, int max)
{
	int n = 0;
	const char *q = kd_skip_ws(t);
	while (*q && n < max) {
		size_t len = strcspn(q, " \t");
		tk[n].s = q;
		tk[n].n = len;
		n++;
		q = kd_skip_ws(q + len);
	}
	return *q ? -1 : n;
}

/* Validates the numbers after a state letter at tk[i]; see SOURCES.md for the
 * eras: "D ffff880078524c94 0 1 0" (2.6), "D 805b6844 0 6301 2 0x0" (3.x/4.4),
 * "D27168 14507 3322 0x2" (4.9-5.7, stack glued), "D    0   493 1 0x0". */
static bool parse_old_tail(const struct tok *tk, int ntok, int i, struct hdr *h)
{
	const struct tok *st = &tk[i];
	bool glued = st->n > 1;
	if (glued && !kd_is_dec_str(st->s + 1, st->n - 1))
		return false;
	struct tok nums[8];
	int nn = 0;
	for (int k = i + 1; k < ntok; k++) {
		const struct tok *x = &tk[k];
		bool first = k == i + 1;
		if (x->n > 2 && x->s[0] == '0' && x->s[1] == 'x' && kd_is_hex_str(x->s + 2, x->n - 2)) {
			if (k != ntok - 1)
				return false; /* flags end the line */
		} else if (x->s[0] == '(' && x->s[x->n - 1] == ')' && k == ntok - 1) {
			continue; /* 2.6.early "(L-TLB)" / "(NOTLB)" */
		} else if ((first || k == i + 2) && ((x->n == 7 && !strncmp(x->s, "running", 7)) ||
											  (x->n == 4 && !strncmp(x->s, "task", 4)))) {
			continue;
		} else if (kd_is_hex_str(x->s, x->n) && nn < 8) {
			nums[nn++] = *x;
		} else {
			return false;
		}
	}
	int at = 0;
	if (!glued && nn >= 4 && (nums[0].n >= 8 || !kd_is_dec_str(nums[0].s, nums[0].n)))
		at = 1; /* saved PC column */
	if (!glued)
		at++;   /* stack column */
	if (nn - at < 2 || !kd_is_dec_str(nums[at].s, nums[at].n) ||
		!kd_is_dec_str(nums[at + 1].s, nums[at + 1].n))
		return false;
	h->pid = kd_to_long(nums[at].s, nums[at].n);
	h->ppid = kd_to_long(nums[at + 1].s, nums[at + 1].n);
	h->state = st->s[0];
	return h->pid >= 0;
}

static bool parse_old_header(const char *t, struct hdr *h)
{
	struct tok tk[24];
	int ntok = kd_tokenize(t, tk, 24);
	if (ntok < 3)
		return false;
	for (int i = 1; i < ntok - 1; i++) {
		if (!is_state_char(tk[i].s[0]))
			continue;
		if (!parse_old_tail(tk, ntok, i, h))
			continue;
		h->comm = tk[0].s;
		h->comm_len = (size_t)(tk[i - 1].s + tk[i - 1].n - tk[0].s);
		h->tgid = -1;
		return h->comm_len <= 64;
	}
	return false;
}

bool kd_parse_task_header(const char *t, struct hdr *h)
{
	memset(h, 0, sizeof *h);
	return parse_new_header(t, h) || parse_old_header(t, h);
}

void kd_set_comm(struct kd_task *t, const char *c, size_t n)
{
	free(t->comm);
	t->comm = xstrndup(c, n);
}

/* "CPU: 1 PID: 5857 Comm: rs:main Q:Reg Not tainted 4.20 ..." (also with
 * "UID: 0" before PID on 6.x). comm may hold spaces, so it ends at the taint
 * field, not at a blank. */
bool kd_parse_cpu_line(const char *t, int *cpu, long *pid, const char **comm, size_t *comm_len)
{
	if (!kd_has_prefix(t, "CPU: "))
		return false;
	const char *q = kd_skip_ws(t + 5);
	size_t n = strspn(q, "0123456789");
	if (!n || n > 6)
		return false;
	*cpu = (int)kd_to_long(q, n);
	*pid = key_long(q, "PID:");
	const char *c = find_key(q, "Comm:");
	if (*pid < 0 || !c)
		return false;
	c = kd_skip_ws(c);
	const char *end = NULL;
	static const char *const stops[] = {" Not tainted", " Tainted:", " Kdump:", " 0x"};
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
		const char *e = strstr(c, stops[i]);
		if (e && (!end || e < end))
			end = e;
	}
	if (!end)
		end = c + strcspn(c, " \t");
	size_t len = (size_t)(end - c);
	while (len && c[len - 1] == ' ')
		len--;
	if (len > 20)
		len = 20; /* printed with %.20s */
	*comm = c;
	*comm_len = len;
	return true;
}
