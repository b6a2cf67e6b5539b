/* fuzz_kdump.c - libFuzzer target: the kernel-dump parser, the grouping and
 * both renderers on any text. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "kdump.h"
#include "render_stacks.h"
#include "stackgroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kd_parser *p = kd_parser_new();
	if (!p)
		return 0;
	/* a trigger in the middle exercises the capture entry point too */
	kd_feed_text(p, (const char *)data, size / 2);
	kd_set_trigger(p, 1);
	kd_feed_text(p, (const char *)data + size / 2, size - size / 2);
	struct kd_result *r = kd_finish(p);
	struct sg_groups *g = sg_build(r);
	json_t *j = stacks_to_json(r, g);
	char *s = json_dumps(j, 0);
	free(s);
	json_decref(j);
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		stacks_print_text(null, r, g, true);
		fclose(null);
	}
	sg_free(g);
	kd_result_free(r);
	return 0;
}
