/* fuzz_reader.c - libFuzzer target: the capture-file reader on any bytes.
 * Every record is walked and its strings read, so an out-of-bounds pointer
 * handed to a caller shows up here, not in analyze. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cap.h"

static volatile size_t sink;

static void walk(const struct cap_rec *p)
{
	const struct cap_rec rec = *p;
	switch (rec.type) {
	case CAP_HEADER:
		sink += strlen(rec.u.header->host) + strlen(rec.u.header->options);
		break;
	case CAP_GROUP:
		sink += strlen(rec.u.group.source) + strlen(rec.u.group.instance);
		for (size_t i = 0; i < rec.u.group.n; i++)
			sink += strlen(rec.u.group.names[i]) + rec.u.group.values[i];
		break;
	case CAP_TASK:
		sink += strlen(rec.u.task.comm) + strlen(rec.u.task.wchan) + strlen(rec.u.task.cgroup);
		for (int f = 0; f < CAP_TF_COUNT; f++)
			sink += rec.u.task.v[f];
		break;
	case CAP_TEXT:
		for (size_t i = 0; i < rec.u.text.len; i++)
			sink += (uint8_t)rec.u.text.text[i];
		break;
	case CAP_EV_DAMAGE:
		sink += strlen(rec.u.damage.what);
		break;
	default:
		break;
	}
}

static void on_task(void *ctx, const struct cap_rec *rec)
{
	(void)ctx;
	walk(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_reader *r = cap_reader_mem(data, size);
	if (!r)
		return 0;
	/* half the inputs hand their task records to a callback, as analyze's
	 * report does (cap_reader_on_task) */
	if (size && (data[size - 1] & 1))
		cap_reader_on_task(r, on_task, NULL);
	/* and half decode the next frame on a thread meanwhile, as it does */
	if (size && (data[size - 1] & 2))
		cap_reader_ahead(r, true);
	struct cap_rec rec;
	while (cap_next(r, &rec))
		walk(&rec);
	cap_reader_free(r);
	sink += cap_looks_like_capture(data, size);
	return 0;
}
