/* cap.h - the capture file format: a writer for capture, a reader for analyze.
 *
 * The byte layout is specified in FORMAT.md; this header is its C face.
 * The library holds no policy: it does not know what meminfo means, which
 * task is interesting or when to flush.  Callers decide; it encodes exactly.
 */
#ifndef CAP_H
#define CAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define CAP_FORMAT_VERSION 2          /* what the writer writes; the reader reads 1 and 2 */
#define CAP_MAGIC "IOWCAP"          /* first bytes of every HEADER body */
#define CAP_NA UINT64_MAX           /* a value the kernel did not give us */

/* Record types as stored.  Numbers are part of the format: never reuse one. */
enum cap_type {
	CAP_HEADER = 1,     /* starts every frame: who, where, how */
	CAP_NAME = 2,       /* interns the next name id of this frame */
	CAP_SAMPLE = 3,     /* a sample begins: times, sequence */
	CAP_GROUP = 4,      /* named counters of one source instance */
	CAP_TASK = 5,       /* one task (thread) that changed or appeared */
	CAP_TASK_EXIT = 6,  /* a task seen before is gone */
	CAP_SAMPLE_END = 7, /* the sample is complete; how long it took */
	CAP_TEXT = 8,       /* kernel log line, sysrq trigger, note */
	CAP_END = 9,        /* clean end of the capture */
	CAP_CHECKPOINT = 10,/* v2: a flush point; checksum of the frame's bytes since the last one */
	/* reader-side events: never stored */
	CAP_EV_FRAME = 100, /* a frame starts (its byte offset in the file) */
	CAP_EV_DAMAGE = 101,/* bytes skipped: offset, length, what */
	CAP_EV_UNKNOWN = 102/* a record of a type this reader does not know */
};

/* Per-task fields, in stored order.  A task record carries a bitmask of the
 * fields that changed; new fields are only ever appended. */
enum cap_task_field {
	CAP_TF_TGID,      /* process id (thread group) */
	CAP_TF_PPID,
	CAP_TF_STATE,     /* the state letter as a byte: 'R', 'S', 'D', ... */
	CAP_TF_COMM,      /* name id */
	CAP_TF_WCHAN,     /* name id; 0 when not read (task not blocked) */
	CAP_TF_START,     /* start time, clock ticks after boot */
	CAP_TF_UTIME,     /* clock ticks */
	CAP_TF_STIME,
	CAP_TF_MINFLT,
	CAP_TF_MAJFLT,
	CAP_TF_RSS,       /* pages, as /proc/PID/stat prints */
	CAP_TF_VSIZE,     /* bytes */
	CAP_TF_CPU,       /* last CPU */
	CAP_TF_BLKIO,     /* delayacct_blkio_ticks */
	CAP_TF_NICE,
	CAP_TF_THREADS,
	CAP_TF_FLAGS,     /* PF_* flags (PF_KTHREAD tells kernel threads) */
	CAP_TF_RCHAR,     /* /proc/PID/io; CAP_NA when unreadable */
	CAP_TF_WCHAR,
	CAP_TF_READ_BYTES,
	CAP_TF_WRITE_BYTES,
	CAP_TF_CGROUP,    /* name id of the memory cgroup path, read once */
	/* Per process, on the main thread's row only (tid == tgid); CAP_NA on
	 * other threads and when unreadable.  kB, from /proc/PID/status. */
	CAP_TF_RSS_ANON,
	CAP_TF_RSS_FILE,
	CAP_TF_RSS_SHMEM,
	CAP_TF_VM_HWM,    /* peak RSS */
	CAP_TF_VM_SWAP,
	/* The process's own totals from /proc/PID/stat: they include threads
	 * that have exited, which the threads' rows do not.  Main thread only. */
	CAP_TF_P_UTIME,
	CAP_TF_P_STIME,
	CAP_TF_P_MINFLT,
	CAP_TF_P_MAJFLT,
	CAP_TF_COUNT
};

/* CAP_TEXT kinds */
enum cap_text_kind {
	CAP_TXT_KMSG = 1,     /* one /dev/kmsg or syslog record */
	CAP_TXT_TRIGGER = 2,  /* capture wrote a sysrq key: text = "l" or "w", reason */
	CAP_TXT_NOTE = 3,     /* the recorder's own remark (warning, gap, limit) */
};

struct cap_header {
	uint32_t format_version;
	char writer[64];      /* "capture 0.2.0": IOWD_VERSION, version.h */
	char host[256];
	char kernel[256];     /* uname -r */
	char machine[64];     /* uname -m */
	char options[512];    /* the command line options, as given */
	uint32_t page_size;
	uint32_t user_hz;
	uint32_t ncpu;
	uint64_t boot_time_us;  /* wall clock of boot, microseconds since epoch */
	uint64_t start_us;      /* wall clock of the capture's start */
	uint64_t interval_us;
	uint64_t capture_id;    /* random: tells concatenated captures apart */
	uint64_t frame_seq;     /* frame number within this capture, from 0 */
};

/* ---------------------------------------------------------------- writer */

struct cap_writer;

struct cap_writer_limits {
	size_t max_tasks;    /* most task slots kept for deltas (default 4096) */
	size_t max_counters; /* counter slots (default 8192) */
	size_t names_bytes;  /* interned-name arena per frame (default 64 KiB) */
	size_t frame_raw;    /* end a frame early past this many raw bytes (default 4 MiB) */
	int level;           /* zstd level (default 3) */
	/* task slots allocated at start (0: max_tasks); the table grows in
	 * steps to max_tasks when tasks appear, never per sample otherwise */
	size_t init_tasks;
	uint64_t frame_us;   /* end the frame at the first flush point where it spans this long:
				first sample to one interval after the last, on the samples'
				CLOCK_MONOTONIC (default CAP_FRAME_US_DEFAULT); 1 = every flush
				point ends a frame */
};
#define CAP_FRAME_US_DEFAULT (600ull * 1000000)

/* Output goes through this callback, so capture owns the fd and its errors.
 * Return 0 on success, -1 with errno set on failure. */
typedef int (*cap_write_fn)(void *ctx, const void *buf, size_t len);

/* Allocates everything the writer will ever need; returns NULL (errno) on
 * failure.  limits may be NULL for defaults. */
struct cap_writer *cap_writer_new(const struct cap_header *h,
				  const struct cap_writer_limits *limits,
				  cap_write_fn write, void *ctx);
void cap_writer_free(struct cap_writer *w);

int cap_sample_begin(struct cap_writer *w, uint64_t wall_us, uint64_t mono_us);
/* A group: all counters of one source instance, e.g. ("meminfo", NULL) or
 * ("disk", "mmcblk0").  Names and values exactly as the kernel printed them. */
int cap_group_begin(struct cap_writer *w, const char *source, const char *instance);
int cap_group_value(struct cap_writer *w, const char *name, uint64_t value);
int cap_group_end(struct cap_writer *w);
/* Report every live task every sample; the writer stores only what changed
 * and records exits of tasks not reported.  Name fields (comm, wchan,
 * cgroup) are passed as strings. */
struct cap_task_in {
	uint32_t tid;
	uint64_t v[CAP_TF_COUNT]; /* name fields ignored here */
	const char *comm, *wchan, *cgroup; /* NULL = empty */
};
int cap_task(struct cap_writer *w, const struct cap_task_in *t);
int cap_sample_end(struct cap_writer *w, uint64_t took_us);
/* Text: ts_us is the kernel's own timestamp (monotonic since boot) or
 * CAP_NA; seq is the kmsg sequence number or CAP_NA; trigger is the id of the
 * sysrq trigger this text answers (0 = none); level is the syslog
 * priority/facility value as the kernel gave it, or CAP_NA. */
int cap_text(struct cap_writer *w, enum cap_text_kind kind, uint64_t ts_us,
	     uint64_t seq, uint64_t level, uint64_t trigger, const char *text, size_t len);
/* Ends the current frame and hands its bytes to the write callback. */
int cap_flush(struct cap_writer *w);
/* A flush point: everything recorded so far reaches the write callback and
 * reads back even if the file is cut right after.  Inside a frame it writes
 * a CHECKPOINT and a zstd flush (the frame goes on, its tables too); once the
 * frame is frame_us or frame_raw long it ends the frame instead, as
 * cap_flush().  Returns 0 for a flush point, 1 when the frame was ended (or
 * none was open), -1 on failure.  Call it once per flush interval. */
int cap_flush_point(struct cap_writer *w);
/* Writes an END record, ends the frame. */
int cap_writer_close(struct cap_writer *w);
/* Raw (uncompressed) bytes in the open frame, and compressed bytes written. */
uint64_t cap_writer_pending(const struct cap_writer *w);
uint64_t cap_writer_written(const struct cap_writer *w);
const char *cap_writer_error(const struct cap_writer *w);

/* ---------------------------------------------------------------- reader */

struct cap_reader;

struct cap_rec {
	enum cap_type type;
	uint64_t frame_offset;  /* file offset of the frame holding the record */
	union {
		const struct cap_header *header;
		struct { uint64_t seq, wall_us, mono_us; bool key; } sample; /* key: first of its frame */
		struct {
			const char *source, *instance; /* instance may be "" */
			size_t n;
			const char *const *names;
			const uint64_t *values;
			/* the names' ids, and source's and instance's: the same
			 * name has the same id until the next CAP_EV_FRAME, so a
			 * caller can look a name up once per frame, not per
			 * sample.  NULL / 0 when the records come from elsewhere. */
			const uint32_t *ids;
			uint32_t source_id, instance_id;
		} group;
		struct {
			uint32_t tid;
			uint64_t changed;          /* bitmask of cap_task_field */
			const uint64_t *v;         /* full state, CAP_TF_COUNT values */
			const char *comm, *wchan, *cgroup;
			bool is_new;               /* the writer saw this task for the first time */
			/* v[COMM], v[WCHAN], v[CGROUP] are name ids of this
			 * frame, as in group.ids (false from elsewhere) */
			bool name_ids;
			/* 1, 2, ...: the task's slot in this frame, in order of
			 * first appearance; the same task keeps its slot until
			 * the next CAP_EV_FRAME or its TASK_EXIT, and a slot is
			 * never given to another task within a frame, so a
			 * caller can keep per-task state in an array indexed by
			 * it.  0 when the records come from elsewhere. */
			uint32_t slot;
		} task;
		/* slot: the exiting task's slot as above, 0 if it has none in
		 * this frame (or the record comes from elsewhere) */
		struct { uint32_t tid, slot; } exit;
		struct { uint64_t took_us; } sample_end;
		struct {
			enum cap_text_kind kind;
			uint64_t ts_us, seq, level, trigger;
			const char *text;
			size_t len;
		} text;
		struct { uint64_t offset, length; const char *what; } damage;
		struct { uint64_t type, length; } unknown;
		struct { uint64_t offset; } frame;
	} u;
};

/* Opens a file (whole file is read in; NULL + errno / message on failure). */
struct cap_reader *cap_reader_open(const char *path, char *err, size_t errlen);
/* Reads from memory the caller keeps alive. */
struct cap_reader *cap_reader_mem(const void *buf, size_t len);
void cap_reader_free(struct cap_reader *r);
/* Next record: 1 = got one, 0 = end of input.  Never fails: damage comes as
 * CAP_EV_DAMAGE records.  Pointers in rec live until the next call. */
int cap_next(struct cap_reader *r, struct cap_rec *rec);
/* With a task callback set, cap_next hands each TASK record to fn as it
 * decodes it (in order, between the records it returns) and never returns
 * one: a replay that treats every task row alike skips the way out of the
 * reader and back per row, and task rows are most of a capture's records.
 * Pointers in the record live until fn returns.  fn NULL: as before. */
typedef void (*cap_task_fn)(void *ctx, const struct cap_rec *rec);
void cap_reader_on_task(struct cap_reader *r, cap_task_fn fn, void *ctx);
/* With ahead on, each frame's successor is decoded on a thread of its own
 * while its records are read, on a second core if there is one: the same
 * records, in a fifth less time.  Off by default, as for a fuzzer. */
void cap_reader_ahead(struct cap_reader *r, bool on);
/* Total input size and the offset reached, for progress display. */
uint64_t cap_reader_size(const struct cap_reader *r);
uint64_t cap_reader_pos(const struct cap_reader *r);
/* True if the input starts like a capture (a zstd frame whose first record
 * is a HEADER), used to tell a capture from JSON Lines or text. */
bool cap_looks_like_capture(const void *buf, size_t len);

const char *cap_task_field_name(enum cap_task_field f);
const char *cap_type_name(enum cap_type t);

#endif
