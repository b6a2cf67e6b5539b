/* names.c - the format's names for people (record types, task fields) and
 * the cheap "is this a capture?" probe.
 *
 * Kept apart from reader.c so the decoder stays one reviewable file; this
 * part has no reader state.  The probe inflates only a frame's first bytes:
 * analyze asks it of every input to choose between a capture and a JSON
 * Lines dump, and a whole frame would cost a full decode.
 */
#include "cap.h"
#include "codec.h"

#include <string.h>
#include <zstd.h>

static const uint8_t ZMAGIC[4] = { 0x28, 0xb5, 0x2f, 0xfd };

bool cap_looks_like_capture(const void *buf, size_t len)
{
	if (len < 4 || memcmp(buf, ZMAGIC, 4))
		return false;
	/* Decode just the first bytes: a HEADER record carrying our magic. */
	uint8_t head[64] = { 0 };
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	if (!dc)
		return false;
	ZSTD_inBuffer in = { buf, len, 0 };
	ZSTD_outBuffer out = { head, sizeof head, 0 };
	while (out.pos < out.size && in.pos < in.size) {
		size_t rc = ZSTD_decompressStream(dc, &out, &in);
		if (ZSTD_isError(rc) || rc == 0)
			break;
	}
	ZSTD_freeDCtx(dc);
	const uint8_t *p = head;
	size_t n = out.pos, k;
	uint64_t type, rlen;
	if (!(k = cap_get_varint(p, n, &type)))
		return false;
	p += k, n -= k;
	if (!(k = cap_get_varint(p, n, &rlen)))
		return false;
	p += k, n -= k;
	size_t ml = strlen(CAP_MAGIC);
	return type == CAP_HEADER && n >= ml && !memcmp(p, CAP_MAGIC, ml);
}

static const char *const tf_names[CAP_TF_COUNT] = {
	"tgid", "ppid", "state", "comm", "wchan", "start", "utime", "stime",
	"minflt", "majflt", "rss", "vsize", "cpu", "blkio", "nice", "threads",
	"flags", "rchar", "wchar", "read_bytes", "write_bytes", "cgroup",
	"rss_anon_kb", "rss_file_kb", "rss_shmem_kb", "vm_hwm_kb", "vm_swap_kb",
	"p_utime", "p_stime", "p_minflt", "p_majflt",
};
_Static_assert(sizeof tf_names / sizeof tf_names[0] == CAP_TF_COUNT, "a name per task field");

const char *cap_task_field_name(enum cap_task_field f)
{
	return (unsigned)f < CAP_TF_COUNT ? tf_names[f] : "?";
}

const char *cap_type_name(enum cap_type t)
{
	switch (t) {
	case CAP_HEADER: return "header";
	case CAP_NAME: return "name";
	case CAP_SAMPLE: return "sample";
	case CAP_GROUP: return "group";
	case CAP_TASK: return "task";
	case CAP_TASK_EXIT: return "exit";
	case CAP_SAMPLE_END: return "sample_end";
	case CAP_TEXT: return "text";
	case CAP_END: return "end";
	case CAP_CHECKPOINT: return "checkpoint";
	case CAP_EV_FRAME: return "frame";
	case CAP_EV_DAMAGE: return "damage";
	case CAP_EV_UNKNOWN: return "unknown";
	}
	return "?";
}
