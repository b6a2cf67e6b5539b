/* sink.c - the recorder's sink: straight into the format writer. */
#include "capture.h"

static int w_begin(void *ctx, const char *source, const char *instance)
{
	return cap_group_begin(ctx, source, instance);
}

static int w_value(void *ctx, const char *name, uint64_t v)
{
	return cap_group_value(ctx, name, v);
}

static int w_end(void *ctx)
{
	return cap_group_end(ctx);
}

static int w_task(void *ctx, const struct cap_task_in *t)
{
	return cap_task(ctx, t);
}

struct sink sink_for_writer(struct cap_writer *w)
{
	struct sink s = { w_begin, w_value, w_end, w_task, w };
	return s;
}
