/* src_tasks.h - the tasks source's entry points, for the tests that drive
 * it on a bare ctx (the recorder reaches it through source_tasks). */
#ifndef SRC_TASKS_H
#define SRC_TASKS_H

#include "capture.h"

int src_tasks_init(struct ctx *c);
int src_tasks_sample(struct ctx *c);
void src_tasks_fini(struct ctx *c);
size_t src_tasks_count(int proc_fd);         /* tasks alive now, to size tables */
size_t src_tasks_slots(const struct ctx *c); /* task table size now */

#endif
