/* stacks.c - kernel task dumps (sysrq w/l, hung task, OOM) from a capture's
 * kernel log, through the kdump parser: the report's evidence. */
#include "stacks.h"

#include <limits.h>
#include <string.h>

#include "kdump.h"

void stacks_feed(struct kd_parser *p, enum cap_text_kind kind, uint64_t trigger, const char *s, size_t len)
{
	if (kind == CAP_TXT_TRIGGER)
		kd_set_trigger(p, trigger && trigger < (uint64_t)LONG_MAX ? (long)trigger : -1);
	else if (kind == CAP_TXT_KMSG)
		kd_feed_line(p, s, len);
}

int stacks_line_sample(const struct model *mo, size_t line)
{
	for (size_t i = 0; i < mo->nkmsg; i++)
		if (mo->kmsg[i].kind == CAP_TXT_KMSG && !line--)
			return mo->kmsg[i].sample;
	return 0;
}

struct kd_result *stacks_from_model(const struct model *mo)
{
	bool any = false;
	for (size_t i = 0; i < mo->nkmsg && !any; i++)
		any = mo->kmsg[i].kind == CAP_TXT_KMSG;
	if (!any)
		return NULL;
	struct kd_parser *p = kd_parser_new();
	if (!p)
		return NULL;
	for (size_t i = 0; i < mo->nkmsg; i++)
		stacks_feed(p, mo->kmsg[i].kind, mo->kmsg[i].trigger, mo->kmsg[i].text, strlen(mo->kmsg[i].text));
	struct kd_result *r = kd_finish(p);
	if (r && !kd_ndumps(r)) {
		kd_result_free(r);
		r = NULL;
	}
	return r;
}
