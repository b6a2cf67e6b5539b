/* capdump.c - print every decoded record of a capture as one text line.
 *
 * The cross check runs capture on armhf, arm64 and big-endian MIPS under
 * qemu-user, then compares what the host's reader decodes from each file
 * with a native capture of the same fixture.  Fields are "key=value" so a
 * script can drop those that legitimately differ (host, times, ...) with
 * sed, then diff.  Integers are printed in full, never as floating point;
 * strings have every byte outside printable ASCII escaped, so a line stays
 * a line.  Frame offsets are not printed: compressed sizes may differ.
 *
 * Usage: capdump FILE      exit 0, or 1 if the file cannot be read.
 */
#include "cap.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void esc(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '=')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void str(const char *key, const char *s, size_t n)
{
	printf(" %s=\"", key);
	esc(s, n);
	putchar('"');
}

static void cstr(const char *key, const char *s)
{
	str(key, s ? s : "", s ? strlen(s) : 0);
}

static void u64(const char *key, uint64_t v)
{
	printf(" %s=%" PRIu64, key, v);
}

static void header(const struct cap_header *h)
{
	u64("format_version", h->format_version);
	cstr("writer", h->writer);
	cstr("host", h->host);
	cstr("kernel", h->kernel);
	cstr("machine", h->machine);
	cstr("options", h->options);
	u64("page_size", h->page_size);
	u64("user_hz", h->user_hz);
	u64("ncpu", h->ncpu);
	u64("boot_time_us", h->boot_time_us);
	u64("start_us", h->start_us);
	u64("interval_us", h->interval_us);
	u64("capture_id", h->capture_id);
	u64("frame_seq", h->frame_seq);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: capdump FILE\n");
		return 2;
	}
	char err[256] = "";
	struct cap_reader *r = cap_reader_open(argv[1], err, sizeof err);
	if (!r) {
		fprintf(stderr, "capdump: %s: %s\n", argv[1], err);
		return 1;
	}
	struct cap_rec rec;
	while (cap_next(r, &rec) == 1) {
		printf("%s", cap_type_name(rec.type));
		switch (rec.type) {
		case CAP_HEADER:
			header(rec.u.header);
			break;
		case CAP_SAMPLE:
			u64("seq", rec.u.sample.seq);
			u64("wall_us", rec.u.sample.wall_us);
			u64("mono_us", rec.u.sample.mono_us);
			u64("key", rec.u.sample.key);
			break;
		case CAP_GROUP:
			cstr("source", rec.u.group.source);
			cstr("instance", rec.u.group.instance);
			for (size_t i = 0; i < rec.u.group.n; i++) {
				/* counter names are the kernel's: escape them too */
				putchar(' ');
				esc(rec.u.group.names[i], strlen(rec.u.group.names[i]));
				printf("=%" PRIu64, rec.u.group.values[i]);
			}
			break;
		case CAP_TASK:
			u64("tid", rec.u.task.tid);
			u64("new", rec.u.task.is_new);
			u64("changed", rec.u.task.changed);
			for (int f = 0; f < CAP_TF_COUNT; f++)
				if (f != CAP_TF_COMM && f != CAP_TF_WCHAN && f != CAP_TF_CGROUP)
					u64(cap_task_field_name((enum cap_task_field)f), rec.u.task.v[f]);
			cstr("comm", rec.u.task.comm);
			cstr("wchan", rec.u.task.wchan);
			cstr("cgroup", rec.u.task.cgroup);
			break;
		case CAP_TASK_EXIT:
			u64("tid", rec.u.exit.tid);
			break;
		case CAP_SAMPLE_END:
			u64("took_us", rec.u.sample_end.took_us);
			break;
		case CAP_TEXT:
			u64("kind", rec.u.text.kind);
			u64("ts_us", rec.u.text.ts_us);
			u64("seq", rec.u.text.seq);
			u64("level", rec.u.text.level);
			u64("trigger", rec.u.text.trigger);
			str("text", rec.u.text.text, rec.u.text.len);
			break;
		case CAP_EV_DAMAGE:
			u64("offset", rec.u.damage.offset);
			u64("length", rec.u.damage.length);
			cstr("what", rec.u.damage.what);
			break;
		case CAP_EV_UNKNOWN:
			u64("type", rec.u.unknown.type);
			u64("length", rec.u.unknown.length);
			break;
		case CAP_NAME:
		case CAP_END:
		case CAP_CHECKPOINT: /* the reader's business, never handed out */
		case CAP_EV_FRAME:
			break;
		}
		putchar('\n');
	}
	cap_reader_free(r);
	return 0;
}
