/* model_of.h - a capture held in memory, read into a finished model with
 * its windows signalled: what analyze does to a file, for the tests that
 * build captures record by record. */
#ifndef TEST_MODEL_OF_H
#define TEST_MODEL_OF_H

#include "analysis.h"
#include "cap.h"

static inline struct model *model_of(const void *buf, size_t len)
{
	struct cap_reader *r = cap_reader_mem(buf, len);
	struct model *mo = model_new();
	struct cap_rec rec;
	while (cap_next(r, &rec))
		model_feed(mo, &rec);
	cap_reader_free(r);
	model_finish(mo);
	windows_signal(mo);
	return mo;
}

#endif
