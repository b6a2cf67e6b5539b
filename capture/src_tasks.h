/* src_tasks.h - what the tasks source tells beyond its table entry
 * (source_tasks): its task counts, for sizing and for the tests. */
#ifndef SRC_TASKS_H
#define SRC_TASKS_H

#include "capture.h"

size_t src_tasks_count(int proc_fd);         /* tasks alive now, to size tables */
size_t src_tasks_slots(const struct ctx *c); /* task table size now */

#endif
