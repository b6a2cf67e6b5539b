/* fuzz_proc.c - libFuzzer target: every pure /proc parser of capture on any
 * bytes.  The buffer is an exact-size copy with no NUL after it, so a parser
 * that reads past len (trusting the NUL read_at adds) is caught.  The first
 * byte picks nothing: every parser sees every input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "sysrq.h"

static volatile size_t sink_acc;

static int f_begin(void *ctx, const char *source, const char *instance)
{
	(void)ctx;
	sink_acc += strlen(source) + (instance ? strlen(instance) : 0);
	return 0;
}

static int f_value(void *ctx, const char *name, uint64_t v)
{
	(void)ctx;
	sink_acc += strlen(name) + (size_t)v;
	return 0;
}

static int f_end(void *ctx)
{
	(void)ctx;
	return 0;
}

static int f_mount(void *ctx, const char *dir, const char *type)
{
	(void)ctx;
	sink_acc += strlen(dir) + strlen(type);
	return 0;
}

static int f_dent(void *ctx, const char *name)
{
	(void)ctx;
	sink_acc += strlen(name);
	return 0;
}

static int f_task(void *ctx, const struct cap_task_in *t)
{
	(void)ctx;
	(void)t;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b = malloc(size ? size : 1);
	if (!b)
		return 0;
	memcpy(b, data, size);
	struct sink s = { f_begin, f_value, f_end, f_task, NULL };
	struct health h;
	memset(&h, 0, sizeof h);
	uint64_t some10 = 0;

	parse_stat(b, size, &s, &h);
	parse_loadavg(b, size, &s);
	parse_keyvals(b, size, &s, NULL);
	parse_keyvals(b, size, &s, "events.");
	parse_diskstats(b, size, &s);
	parse_psi(b, size, &s, NULL, &some10);
	parse_psi(b, size, &s, "psi_", NULL);

	struct task_stat ts;
	if (parse_task_stat(b, size, &ts) == 0)
		sink_acc += strlen(ts.comm) + (size_t)ts.state;
	if (parse_task_totals(b, size, &ts) == 0)
		sink_acc += (size_t)ts.utime;
	struct task_mem tm;
	if (parse_task_status(b, size, &ts, &tm) == 0)
		sink_acc += strlen(ts.comm) + (size_t)tm.vm_rss;
	int names = parse_dents(b, size, f_dent, NULL);
	sink_acc += names > 0 ? (size_t)names : 0;
	struct task_io io;
	parse_task_io(b, size, &io);
	char out[256];
	for (int v = 0; v <= 2; v++)
		if (parse_pid_cgroup(b, size, v, out, sizeof out) == 0)
			sink_acc += strlen(out);
	if (parse_mountinfo_memcg(b, size, out, sizeof out) > 0)
		sink_acc += strlen(out);
	parse_mounts(b, size, f_mount, NULL);
	struct kmsg_rec k;
	if (parse_kmsg(b, size, &k) == 0 && k.len)
		sink_acc += (uint8_t)k.text[0] + (uint8_t)k.text[k.len - 1];

	/* the option parsers take C strings: a NUL-terminated copy */
	char *z = malloc(size + 1);
	if (z) {
		memcpy(z, data, size);
		z[size] = 0;
		uint64_t u;
		parse_seconds_us(z, &u);
		parse_size(z, &u);
		struct sysrq_cfg cfg = SYSRQ_DEFAULTS;
		sysrq_parse_mode(z, &cfg);
		sysrq_parse_when(z, &cfg);
		free(z);
	}
	free(b);
	return 0;
}
